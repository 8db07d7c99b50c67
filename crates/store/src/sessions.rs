//! Login sessions, stored by the SHA-256 of the cookie token (the token itself is never stored).

use domain::PersonId;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, Result, now, with_conn};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub person_id: PersonId,
    pub last_seen_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

pub async fn create(
    db: &mut Db,
    token_hash: &str,
    person: PersonId,
    expires_at: OffsetDateTime,
) -> Result<()> {
    let at = now();
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO sessions (token_hash, person_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)"
    )
    .bind(token_hash)
    .bind(person.0)
    .bind(at)
    .bind(expires_at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn find(db: &mut Db, token_hash: &str) -> Result<Option<Session>> {
    let row: Option<(Uuid, OffsetDateTime, OffsetDateTime)> = with_conn!(db, |c| sqlx::query_as(
        "SELECT person_id, last_seen_at, expires_at FROM sessions WHERE token_hash = $1"
    )
    .bind(token_hash)
    .fetch_optional(&mut *c)
    .await)?;
    Ok(row.map(|(person, last_seen_at, expires_at)| Session {
        person_id: PersonId(person),
        last_seen_at,
        expires_at,
    }))
}

/// Slides the session's expiry forward after activity.
pub async fn touch(db: &mut Db, token_hash: &str, expires_at: OffsetDateTime) -> Result<()> {
    with_conn!(db, |c| sqlx::query(
        "UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE token_hash = $1"
    )
    .bind(token_hash)
    .bind(now())
    .bind(expires_at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn delete(db: &mut Db, token_hash: &str) -> Result<()> {
    with_conn!(db, |c| sqlx::query(
        "DELETE FROM sessions WHERE token_hash = $1"
    )
    .bind(token_hash)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends every session of the person ("log out everywhere"); returns how many there were.
pub async fn delete_for_person(db: &mut Db, person: PersonId) -> Result<u64> {
    let done = with_conn!(db, |c| sqlx::query(
        "DELETE FROM sessions WHERE person_id = $1"
    )
    .bind(person.0)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done)
}

/// Deletes sessions that have expired; returns how many.
pub async fn delete_expired(db: &mut Db, now: OffsetDateTime) -> Result<u64> {
    Ok(with_conn!(db, |c| sqlx::query(
        "DELETE FROM sessions WHERE expires_at <= $1"
    )
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?)
}
