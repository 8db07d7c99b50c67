//! Single-use, expiring links for invitations and password resets (stored as SHA-256 only).

use domain::PersonId;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, Result, with_conn};

pub async fn create(
    db: &mut Db,
    token_hash: &str,
    person: PersonId,
    purpose: &str,
    expires_at: OffsetDateTime,
) -> Result<()> {
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO login_tokens (token_hash, person_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(token_hash)
    .bind(person.0)
    .bind(purpose)
    .bind(crate::now())
    .bind(expires_at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// The person and purpose of a token that is unused and unexpired, without using it.
pub async fn peek(db: &mut Db, token_hash: &str) -> Result<Option<(PersonId, String)>> {
    let row: Option<(Uuid, String)> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT person_id, purpose FROM login_tokens WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2"
    )
    .bind(token_hash)
    .bind(crate::now())
    .fetch_optional(&mut *c)
    .await
    })?;
    Ok(row.map(|(p, purpose)| (PersonId(p), purpose)))
}

/// Uses a token: atomically marks it used and returns its person, once.
pub async fn consume(db: &mut Db, token_hash: &str) -> Result<Option<PersonId>> {
    let now = crate::now();
    let row: Option<Uuid> = with_conn!(db, |c| {
        sqlx::query_scalar(
        "UPDATE login_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING person_id"
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&mut *c)
    .await
    })?;
    Ok(row.map(PersonId))
}

/// Deletes expired and used tokens.
pub async fn delete_spent(db: &mut Db, now: OffsetDateTime) -> Result<u64> {
    Ok(with_conn!(db, |c| sqlx::query(
        "DELETE FROM login_tokens WHERE expires_at <= $1 OR used_at IS NOT NULL"
    )
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?)
}

/// Whether the person has a password login yet (invitations are for those who have none).
pub async fn has_password(db: &mut Db, person: PersonId) -> Result<bool> {
    let found: Option<i32> = with_conn!(db, |c| {
        sqlx::query_scalar(
        "SELECT 1 FROM login_identities WHERE person_id = $1 AND provider = 'password' AND secret_hash IS NOT NULL"
    )
    .bind(person.0)
    .fetch_optional(&mut *c)
    .await
    })?;
    Ok(found.is_some())
}
