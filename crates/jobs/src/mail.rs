//! E-mail delivery: by SMTP (rustls) when configured, otherwise as `.eml` files under the data
//! directory so that a local install can read what it would have sent.

use std::path::PathBuf;

use lettre::message::Mailbox;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::{Context, HandlerResult};

pub enum Transport {
    Files(PathBuf),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

pub struct Mailer {
    pub from: Mailbox,
    pub transport: Transport,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid sender address: {0}")]
    From(String),
    #[error("invalid SMTP URL: {0}")]
    SmtpUrl(String),
}

impl Mailer {
    /// `smtp_url` like `smtps://user:password@mail.example.no` (lettre's URL form); without one,
    /// messages are written to `dir`.
    pub fn new(from: &str, smtp_url: Option<&str>, dir: PathBuf) -> Result<Self, MailError> {
        let from: Mailbox = from
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::From(e.to_string()))?;
        let transport = match smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| MailError::SmtpUrl(e.to_string()))?
                    .build(),
            ),
            None => Transport::Files(dir),
        };
        Ok(Self { from, transport })
    }

    /// Sends one message. Errors say what failed without naming the recipient.
    pub async fn send(
        &self,
        id: uuid::Uuid,
        recipient: &str,
        subject: &str,
        body: &str,
        list_unsubscribe: Option<&str>,
    ) -> Result<(), String> {
        let to: Mailbox = recipient
            .parse()
            .map_err(|_| "the recipient address is not valid".to_owned())?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(Some(format!("<{id}@tavle>")));
        if let Some(link) = list_unsubscribe {
            // RFC 2369: the newsletter's own unsubscribe link, for the mail client's button.
            builder = builder.raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{link}>"),
            ));
        }
        let message = builder
            .body(body.to_owned())
            .map_err(|e| format!("could not build the message: {e}"))?;
        match &self.transport {
            Transport::Files(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                let path = dir.join(format!("{id}.eml"));
                tokio::fs::write(&path, message.formatted())
                    .await
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))
            }
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| format!("SMTP delivery failed: {e}")),
        }
    }
}

/// The outbox job: delivers queued messages. If any delivery fails the job fails too (and is
/// retried with backoff); each message gives up after `store::outbox::MAX_ATTEMPTS`.
pub async fn deliver_outbox(ctx: Context) -> HandlerResult {
    let mut db = ctx.store.conn().await.map_err(|e| e.to_string())?;
    let messages = store::outbox::queued(&mut db, 200)
        .await
        .map_err(|e| e.to_string())?;
    let (mut sent, mut failed) = (0, 0);
    for m in &messages {
        match ctx
            .mailer
            .send(
                m.id,
                &m.recipient,
                &m.subject,
                &m.body,
                m.list_unsubscribe.as_deref(),
            )
            .await
        {
            Ok(()) => {
                store::outbox::mark_sent(&mut db, m.id)
                    .await
                    .map_err(|e| e.to_string())?;
                sent += 1;
            }
            Err(error) => {
                store::outbox::mark_attempt_failed(&mut db, m.id, &error)
                    .await
                    .map_err(|e| e.to_string())?;
                failed += 1;
            }
        }
    }
    if failed > 0 {
        Err(format!(
            "{failed} of {} messages could not be delivered ({sent} sent)",
            messages.len()
        ))
    } else {
        Ok(format!("{sent} messages delivered"))
    }
}
