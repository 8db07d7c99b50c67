//! Failed-login counting for throttling. Keys are hashes (of an account's e-mail or a client
//! address), and rows are kept only for the throttling window.

use time::OffsetDateTime;

use crate::{Db, Result, with_conn};

pub async fn record_failure(db: &mut Db, key: &str, at: OffsetDateTime) -> Result<()> {
    with_conn!(db, |c| sqlx::query(
        "INSERT INTO login_failures (key, failed_at) VALUES ($1, $2)"
    )
    .bind(key)
    .bind(at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Failures for `key` since `since`, and the oldest of them (when the window frees up).
pub async fn failures_since(
    db: &mut Db,
    key: &str,
    since: OffsetDateTime,
) -> Result<(i64, Option<OffsetDateTime>)> {
    Ok(with_conn!(db, |c| sqlx::query_as(
        "SELECT COUNT(*), MIN(failed_at) FROM login_failures WHERE key = $1 AND failed_at > $2"
    )
    .bind(key)
    .bind(since)
    .fetch_one(&mut *c)
    .await)?)
}

/// Forgets the failures of `key` (after a successful login).
pub async fn clear(db: &mut Db, key: &str) -> Result<()> {
    with_conn!(db, |c| sqlx::query(
        "DELETE FROM login_failures WHERE key = $1"
    )
    .bind(key)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn delete_before(db: &mut Db, before: OffsetDateTime) -> Result<u64> {
    Ok(with_conn!(db, |c| sqlx::query(
        "DELETE FROM login_failures WHERE failed_at <= $1"
    )
    .bind(before)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?)
}
