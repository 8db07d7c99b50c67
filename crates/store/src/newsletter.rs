//! Newsletter subscriptions (double opt-in) and the queueing of newsletter mail.
//!
//! A subscription is stored *pending* with the SHA-256 of its confirmation token and becomes
//! *active* only through [`confirm`], which records when and to which version of the
//! `newsletter` consent text. [`unsubscribe`] deletes the row; the outbox rows naming it (its
//! confirmation e-mail, newsletters queued or sent) are deleted with it by the foreign key, so
//! a message queued a moment before is never delivered. [`queue_issue`] reads the active
//! subscriptions and queues one message each in the caller's transaction: an unsubscribe that
//! committed first leaves that address out, one that commits later deletes what was queued.

use std::path::Path;

use domain::PersonId;
use domain::newsletter::Subscription;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, Result, now, with_conn};

/// The key unsubscribe tokens are signed with: 32 random bytes in `newsletter.key` beside the
/// platform's signing key (a distinct key, so neither can stand in for the other), mode 0600,
/// created at first use.
pub fn load_or_create_key(path: &Path) -> std::result::Result<[u8; 32], crate::audit::KeyError> {
    use crate::audit::KeyError;
    let name = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => bytes
            .as_slice()
            .try_into()
            .map_err(|_| KeyError::Invalid(name)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let secret: [u8; 32] = rand::random();
            match crate::audit::write_secret(path, &secret) {
                Ok(()) => Ok(secret),
                // Another process made it first: use theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => load_or_create_key(path),
                Err(e) => Err(KeyError::Io(name, e)),
            }
        }
        Err(e) => Err(KeyError::Io(name, e)),
    }
}

/// One subscription as its subscriber sees it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct View {
    pub id: Uuid,
    pub name: String,
    pub email: String,
    pub subjects: String,
    pub status: String,
    pub confirmed_at: Option<OffsetDateTime>,
    pub text_version: Option<i32>,
}

impl View {
    pub fn subjects(&self) -> Vec<&str> {
        self.subjects.split(',').filter(|s| !s.is_empty()).collect()
    }
}

/// What subscribing did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subscribed {
    /// A pending subscription was stored (or an earlier pending one renewed): send the link.
    Pending(Uuid),
    /// The address is subscribed already: nothing changed and nothing is sent.
    AlreadyActive,
}

/// Stores a pending subscription with the hash of its confirmation token, or renews a pending
/// one for the same address (new name, subjects and token). An active one is left alone.
pub async fn subscribe(
    db: &mut Db,
    person: Option<PersonId>,
    s: &Subscription,
    confirm_hash: &str,
) -> Result<Subscribed> {
    let existing: Option<(Uuid, String)> = with_conn!(db, |c| sqlx::query_as(
        "SELECT id, status FROM newsletter_subscriptions WHERE email = $1"
    )
    .bind(s.email.as_str())
    .fetch_optional(&mut *c)
    .await)?;
    let subjects = s.subjects.join(",");
    match existing {
        Some((_, status)) if status == "active" => Ok(Subscribed::AlreadyActive),
        Some((id, _)) => {
            with_conn!(db, |c| sqlx::query(
                "UPDATE newsletter_subscriptions SET name = $2, subjects = $3, confirm_hash = $4, \
                 created_at = $5, person_id = COALESCE($6, person_id) WHERE id = $1"
            )
            .bind(id)
            .bind(&s.name)
            .bind(&subjects)
            .bind(confirm_hash)
            .bind(now())
            .bind(person.map(|p| p.0))
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
            Ok(Subscribed::Pending(id))
        }
        None => {
            let id = Uuid::now_v7();
            with_conn!(db, |c| sqlx::query(
                "INSERT INTO newsletter_subscriptions \
                 (id, person_id, name, email, subjects, status, confirm_hash, created_at) \
                 VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7)"
            )
            .bind(id)
            .bind(person.map(|p| p.0))
            .bind(&s.name)
            .bind(s.email.as_str())
            .bind(&subjects)
            .bind(confirm_hash)
            .bind(now())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
            Ok(Subscribed::Pending(id))
        }
    }
}

/// Activates the pending subscription whose confirmation token hashes to `confirm_hash`,
/// recording the time and the consent text; the token cannot be used again. `None`: no such
/// pending subscription (unknown, used, or expired and deleted).
pub async fn confirm(
    db: &mut Db,
    confirm_hash: &str,
    text_version: u32,
    text_hash: &str,
    not_before: OffsetDateTime,
) -> Result<Option<(Uuid, Option<PersonId>)>> {
    let version = i32::try_from(text_version).unwrap_or(i32::MAX);
    let row: Option<(Uuid, Option<Uuid>)> = with_conn!(db, |c| sqlx::query_as(
        "UPDATE newsletter_subscriptions SET status = 'active', confirmed_at = $2, \
         text_version = $3, text_hash = $4, confirm_hash = NULL \
         WHERE confirm_hash = $1 AND status = 'pending' AND created_at >= $5 \
         RETURNING id, person_id"
    )
    .bind(confirm_hash)
    .bind(now())
    .bind(version)
    .bind(text_hash)
    .bind(not_before)
    .fetch_optional(&mut *c)
    .await)?;
    Ok(row.map(|(id, p)| (id, p.map(PersonId))))
}

/// Deletes a subscription (and, by the foreign key, every outbox row naming it). Returns the
/// person it belonged to when it existed (`Some(None)` for a visitor's).
pub async fn unsubscribe(db: &mut Db, id: Uuid) -> Result<Option<Option<PersonId>>> {
    let row: Option<(Option<Uuid>,)> = with_conn!(db, |c| sqlx::query_as(
        "DELETE FROM newsletter_subscriptions WHERE id = $1 RETURNING person_id"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await)?;
    Ok(row.map(|(p,)| p.map(PersonId)))
}

/// The subscription a signed-in person made, if any.
pub async fn of_person(db: &mut Db, person: PersonId) -> Result<Option<View>> {
    Ok(with_conn!(db, |c| sqlx::query_as(
        "SELECT id, name, email, subjects, status, confirmed_at, text_version \
         FROM newsletter_subscriptions WHERE person_id = $1 ORDER BY id LIMIT 1"
    )
    .bind(person.0)
    .fetch_optional(&mut *c)
    .await)?)
}

/// One message of a newsletter issue, for one active subscriber.
pub struct Recipient {
    pub id: Uuid,
    pub name: String,
    pub email: String,
}

/// Queues one newsletter message per active subscription in the caller's transaction, each
/// made by `message` (subject, body and List-Unsubscribe value with that subscriber's own
/// link). Pending subscriptions get nothing. Returns how many were queued.
pub async fn queue_issue(
    db: &mut Db,
    mut message: impl FnMut(&Recipient) -> (String, String, String),
) -> Result<usize> {
    let sql = if db.is_postgres() {
        "SELECT id, name, email FROM newsletter_subscriptions WHERE status = 'active' ORDER BY id FOR SHARE"
    } else {
        "SELECT id, name, email FROM newsletter_subscriptions WHERE status = 'active' ORDER BY id"
    };
    let rows: Vec<(Uuid, String, String)> =
        with_conn!(db, |c| sqlx::query_as(sql).fetch_all(&mut *c).await)?;
    for (id, name, email) in &rows {
        let r = Recipient {
            id: *id,
            name: name.clone(),
            email: email.clone(),
        };
        let (subject, body, unsubscribe) = message(&r);
        crate::outbox::enqueue_newsletter(
            db,
            "newsletter",
            *id,
            email,
            &subject,
            &body,
            Some(&unsubscribe),
        )
        .await?;
    }
    Ok(rows.len())
}

/// Deletes pending subscriptions made before `before` (their confirmation mail goes with them).
pub async fn expire_pending(db: &mut Db, before: OffsetDateTime) -> Result<u64> {
    Ok(with_conn!(db, |c| sqlx::query(
        "DELETE FROM newsletter_subscriptions WHERE status = 'pending' AND created_at < $1"
    )
    .bind(before)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?)
}

/// How many subscriptions are active (what the operator's page shows; no one is named).
pub async fn active_count(db: &mut Db) -> Result<i64> {
    Ok(with_conn!(db, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM newsletter_subscriptions WHERE status = 'active'"
    )
    .fetch_one(&mut *c)
    .await)?)
}
