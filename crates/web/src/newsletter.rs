//! The newsletter, shared by pages, API and the `tavle newsletter send` command: subscribing
//! (double opt-in: a pending subscription and a confirmation e-mail through the outbox),
//! confirming (the time and the `newsletter` consent text are recorded), unsubscribing by the
//! signed link without signing in or from the profile (the subscription and every message
//! queued for it are deleted at once), and sending an issue (one outbox message per active
//! subscriber, each with its own unsubscribe link and `List-Unsubscribe` header).
//!
//! The unsubscribe link carries `domain::newsletter::unsubscribe_token`, an HMAC under the key
//! in `newsletter.key` (data directory; distinct from the audit signing key). A forged or
//! altered token is refused (`invalid_unsubscribe_link`) and changes nothing.

use domain::access::Actor;
use domain::consent::{catalogue, purposes};
use domain::newsletter::{self, Subscription};
use domain::org::Language;
use domain::{FieldErrors, PersonId};
use store::audit::AuditEntry;
use store::newsletter::{Subscribed, View};
use uuid::Uuid;

use crate::AppState;
use crate::auth::{new_token, token_hash};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;

/// The key unsubscribe links are signed with, loaded (or created) once per process.
pub fn key(state: &AppState) -> AppResult<[u8; 32]> {
    if let Some(k) = state.newsletter_key.get() {
        return Ok(*k);
    }
    let k = store::newsletter::load_or_create_key(&key_path(&state.config.data_dir))
        .map_err(|e| AppError::internal(e.to_string()))?;
    Ok(*state.newsletter_key.get_or_init(|| k))
}

/// Where the key is kept: `newsletter.key` in the data directory.
pub fn key_path(data_dir: &std::path::Path) -> std::path::PathBuf {
    data_dir.join("newsletter.key")
}

fn base(public_url: &str) -> &str {
    public_url.trim_end_matches('/')
}

/// A subscription's unsubscribe link.
pub fn unsubscribe_link(key: &[u8], public_url: &str, subscription: Uuid) -> String {
    format!(
        "{}/newsletter/unsubscribe?token={}",
        base(public_url),
        newsletter::unsubscribe_token(key, subscription)
    )
}

async fn audited(db: &mut store::Db, person: Option<PersonId>, fields: &[&str]) -> AppResult<()> {
    // A visitor's subscription names no person: there is no one to key an entry to.
    if let Some(p) = person {
        store::audit::append_change(
            db,
            AuditEntry::change(None, p, "myself", vec![p], fields, purposes::NEWSLETTER),
        )
        .await?;
    }
    Ok(())
}

/// Stores a pending subscription and queues its confirmation e-mail, in one transaction. An
/// address already subscribed changes nothing and gets nothing (the answer is the same, so the
/// form does not tell who subscribes). Invalid input is every field error at once.
pub async fn subscribe(
    state: &AppState,
    actor: Option<&Actor>,
    name: &str,
    email: &str,
    subjects: &[String],
    tr: Tr,
) -> AppResult<()> {
    let s: Subscription = newsletter::parse(name, email, subjects)?;
    let token = new_token();
    let person = actor.map(|a| a.person_id);
    let mut db = state.store.begin().await?;
    if let Subscribed::Pending(id) =
        store::newsletter::subscribe(&mut db, person, &s, &token_hash(&token)).await?
    {
        let link = format!(
            "{}/newsletter/confirm?token={token}",
            base(&state.config.public_url)
        );
        let body = tr.fill(
            "newsletter.confirm_mail.body",
            &[("name", s.name.as_str()), ("link", link.as_str())],
        );
        store::outbox::enqueue_newsletter(
            &mut db,
            "newsletter_confirmation",
            id,
            s.email.as_str(),
            tr.get("newsletter.confirm_mail.subject"),
            &body,
            None,
        )
        .await?;
        audited(&mut db, person, &["user.name", "user.contact.email"]).await?;
    }
    db.commit().await?;
    tracing::info!("newsletter subscription pending");
    Ok(())
}

/// Confirms the subscription the link's token names (recording the time and the consent text
/// in force); an unknown, used or expired link is `invalid_confirmation_link`.
pub async fn confirm(state: &AppState, token: &str) -> AppResult<()> {
    let text = catalogue()
        .get(purposes::NEWSLETTER)
        .ok_or_else(|| AppError::internal("no newsletter consent text"))?
        .current();
    let not_before = store::now() - time::Duration::days(newsletter::PENDING_DAYS);
    let mut db = state.store.begin().await?;
    let Some((_, person)) = store::newsletter::confirm(
        &mut db,
        &token_hash(token.trim()),
        text.version,
        &text.hash,
        not_before,
    )
    .await?
    else {
        return Err(AppError::Forbidden("invalid_confirmation_link"));
    };
    audited(&mut db, person, &["user.consent"]).await?;
    db.commit().await?;
    tracing::info!("newsletter subscription confirmed");
    Ok(())
}

/// The subscription an unsubscribe token names, if its signature holds.
pub fn verify(state: &AppState, token: &str) -> AppResult<Uuid> {
    newsletter::verify_unsubscribe(&key(state)?, token)
        .ok_or(AppError::Forbidden("invalid_unsubscribe_link"))
}

/// Unsubscribes by the signed link, without signing in: deletes the subscription and every
/// message queued for it. A forged or altered token changes nothing. Using a valid link again
/// (already unsubscribed) answers the same as the first time.
pub async fn unsubscribe_by_token(state: &AppState, token: &str) -> AppResult<()> {
    let id = verify(state, token)?;
    unsubscribe(state, id).await
}

async fn unsubscribe(state: &AppState, id: Uuid) -> AppResult<()> {
    let mut db = state.store.begin().await?;
    if let Some(person) = store::newsletter::unsubscribe(&mut db, id).await? {
        audited(
            &mut db,
            person,
            &["user.name", "user.contact.email", "user.consent"],
        )
        .await?;
    }
    db.commit().await?;
    tracing::info!("newsletter unsubscribed");
    Ok(())
}

/// The signed-in person's own subscription.
pub async fn mine(state: &AppState, actor: &Actor) -> AppResult<Option<View>> {
    let mut db = state.store.conn().await?;
    Ok(store::newsletter::of_person(&mut db, actor.person_id).await?)
}

/// Unsubscribes the signed-in person's own subscription (none is not an error).
pub async fn unsubscribe_mine(state: &AppState, actor: &Actor) -> AppResult<()> {
    match mine(state, actor).await? {
        Some(v) => unsubscribe(state, v.id).await,
        None => Ok(()),
    }
}

/// Checks an issue before it is sent: a subject (at most 200 characters) and a body.
pub fn check_issue(subject: &str, body: &str) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    if subject.trim().is_empty() {
        errors.add("subject", "required");
    } else if subject.chars().count() > 200 {
        errors.add("subject", "too_long");
    }
    if body.trim().is_empty() {
        errors.add("body", "required");
    }
    errors.into_result(())
}

/// Queues one message per active subscriber, in one transaction that reads the subscriptions
/// (so an unsubscribe that committed first is left out, and one that commits after deletes what
/// was queued for it). Each message ends with its own unsubscribe link and carries it as
/// `List-Unsubscribe`. Returns how many were queued.
pub async fn send_issue(
    store: &store::Store,
    key: &[u8; 32],
    public_url: &str,
    language: Language,
    subject: &str,
    body: &str,
) -> AppResult<usize> {
    check_issue(subject, body)?;
    let tr = Tr::new(language);
    let mut db = store.begin().await?;
    let n = store::newsletter::queue_issue(&mut db, |r| {
        let link = unsubscribe_link(key, public_url, r.id);
        let footer = tr.fill("newsletter.mail.footer", &[("link", link.as_str())]);
        (
            subject.trim().to_owned(),
            format!("{}\n\n-- \n{footer}\n", body.trim_end()),
            link,
        )
    })
    .await?;
    db.commit().await?;
    tracing::info!(queued = n, "newsletter issue queued");
    Ok(n)
}
