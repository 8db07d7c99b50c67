//! The e-mail outbox: messages wait here until the outbox job delivers them. Only delivery
//! status leaves this module for people other than the recipient's own flows.

use domain::PersonId;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, Result, with_conn};

/// How many times delivery of one message is tried before it is marked failed.
pub const MAX_ATTEMPTS: i32 = 5;

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Message {
    pub id: Uuid,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attempts: i32,
    /// The `List-Unsubscribe` header's value (newsletters only).
    pub list_unsubscribe: Option<String>,
}

/// Delivery status without recipient or content (what the operator sees).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Delivery {
    pub id: Uuid,
    pub kind: String,
    pub status: String,
    pub attempts: i32,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
}

pub async fn enqueue(
    db: &mut Db,
    person: Option<PersonId>,
    kind: &str,
    recipient: &str,
    subject: &str,
    body: &str,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO outbox (id, person_id, kind, recipient, subject, body, status, attempts, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'queued', 0, $7)"
    )
    .bind(id)
    .bind(person.map(|p| p.0))
    .bind(kind)
    .bind(recipient)
    .bind(subject)
    .bind(body)
    .bind(crate::now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(id)
}

/// Queues a message that belongs to a newsletter subscription (its confirmation or an issue):
/// deleting the subscription deletes the message, queued or sent.
pub async fn enqueue_newsletter(
    db: &mut Db,
    kind: &str,
    subscription: Uuid,
    recipient: &str,
    subject: &str,
    body: &str,
    list_unsubscribe: Option<&str>,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    with_conn!(db, |c| {
        sqlx::query(
            "INSERT INTO outbox (id, kind, recipient, subject, body, status, attempts, created_at, \
             subscription_id, list_unsubscribe) VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $7, $8)",
        )
        .bind(id)
        .bind(kind)
        .bind(recipient)
        .bind(subject)
        .bind(body)
        .bind(crate::now())
        .bind(subscription)
        .bind(list_unsubscribe)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(id)
}

/// Messages waiting for delivery, oldest first.
pub async fn queued(db: &mut Db, limit: i64) -> Result<Vec<Message>> {
    Ok(with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT id, kind, recipient, subject, body, attempts, list_unsubscribe FROM outbox WHERE status = 'queued' ORDER BY created_at, id LIMIT CAST($1 AS BIGINT)"
    )
    .bind(limit)
    .fetch_all(&mut *c)
    .await
    })?)
}

pub async fn mark_sent(db: &mut Db, id: Uuid) -> Result<()> {
    with_conn!(db, |c| {
        sqlx::query("UPDATE outbox SET status = 'sent', attempts = attempts + 1, last_error = NULL, sent_at = $2 WHERE id = $1")
        .bind(id)
        .bind(crate::now())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Records a failed delivery; after [`MAX_ATTEMPTS`] the message is marked failed.
pub async fn mark_attempt_failed(db: &mut Db, id: Uuid, error: &str) -> Result<()> {
    with_conn!(db, |c| sqlx::query(
        "UPDATE outbox SET attempts = attempts + 1, last_error = $2, \
         status = CASE WHEN attempts + 1 >= $3 THEN 'failed' ELSE 'queued' END WHERE id = $1"
    )
    .bind(id)
    .bind(error)
    .bind(MAX_ATTEMPTS)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn deliveries(db: &mut Db, limit: i64) -> Result<Vec<Delivery>> {
    Ok(with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT id, kind, status, attempts, created_at, sent_at FROM outbox ORDER BY created_at DESC, id DESC LIMIT CAST($1 AS BIGINT)"
    )
    .bind(limit)
    .fetch_all(&mut *c)
    .await
    })?)
}

/// How many messages wait for delivery.
pub async fn depth(db: &mut Db) -> Result<i64> {
    Ok(with_conn!(db, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE status = 'queued'"
    )
    .fetch_one(&mut *c)
    .await)?)
}

/// The job kind that delivers the outbox.
pub const JOB_KIND: &str = "outbox";
