//! The job table: queued work that any node may claim. On PostgreSQL a claim takes the row with
//! `FOR UPDATE SKIP LOCKED`, so several nodes share the queue; on SQLite there is one writer.
//! A claim is a lease: a job whose runner died is claimed again when its lease runs out.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, Result, with_conn};

/// A claimed job, ready to run.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Job {
    pub id: Uuid,
    pub kind: String,
    pub payload: String,
    /// This run included.
    pub attempts: i32,
    pub max_attempts: i32,
}

/// A job as the operator's page shows it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct JobRecord {
    pub id: Uuid,
    pub kind: String,
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: OffsetDateTime,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub finished_at: Option<OffsetDateTime>,
}

/// Queues a job. With a `dedupe_key` already used, nothing is queued and `None` is returned.
pub async fn enqueue(
    db: &mut Db,
    kind: &str,
    payload: &str,
    run_at: OffsetDateTime,
    max_attempts: i32,
    dedupe_key: Option<&str>,
) -> Result<Option<Uuid>> {
    let id = Uuid::now_v7();
    let done = with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_at, dedupe_key, created_at) \
         VALUES ($1, $2, $3, 'queued', 0, $4, $5, $6, $7) ON CONFLICT (dedupe_key) DO NOTHING"
    )
    .bind(id)
    .bind(kind)
    .bind(payload)
    .bind(max_attempts)
    .bind(run_at)
    .bind(dedupe_key)
    .bind(crate::now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok((done == 1).then_some(id))
}

/// Claims the next due job (or one whose lease ran out) until `lease_until`.
pub async fn claim(
    db: &mut Db,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
) -> Result<Option<Job>> {
    let job = match db.conn() {
        crate::Conn::Sqlite(c) => {
            sqlx::query_as(
                "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = $2 WHERE id = ( \
                   SELECT id FROM jobs WHERE (status = 'queued' AND run_at <= $1) OR (status = 'running' AND locked_until < $1) \
                   ORDER BY run_at, id LIMIT 1) \
                 RETURNING id, kind, payload, attempts, max_attempts",
            )
            .bind(now)
            .bind(lease_until)
            .fetch_optional(&mut *c)
            .await?
        }
        crate::Conn::Postgres(c) => {
            sqlx::query_as(
                "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = $2 WHERE id = ( \
                   SELECT id FROM jobs WHERE (status = 'queued' AND run_at <= $1) OR (status = 'running' AND locked_until < $1) \
                   ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
                 RETURNING id, kind, payload, attempts, max_attempts",
            )
            .bind(now)
            .bind(lease_until)
            .fetch_optional(&mut *c)
            .await?
        }
    };
    Ok(job)
}

/// Claims one particular queued job (for `tavle jobs run-once`).
pub async fn claim_id(db: &mut Db, id: Uuid, lease_until: OffsetDateTime) -> Result<Option<Job>> {
    Ok(with_conn!(db, |c| sqlx::query_as(
        "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = $2 \
         WHERE id = $1 AND status = 'queued' RETURNING id, kind, payload, attempts, max_attempts"
    )
    .bind(id)
    .bind(lease_until)
    .fetch_optional(&mut *c)
    .await)?)
}

pub async fn succeed(db: &mut Db, id: Uuid) -> Result<()> {
    with_conn!(db, |c| {
        sqlx::query(
        "UPDATE jobs SET status = 'done', locked_until = NULL, last_error = NULL, finished_at = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(crate::now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Records a failed run: queued again at `retry_at`, or failed for good when `None`.
pub async fn fail(
    db: &mut Db,
    id: Uuid,
    error: &str,
    retry_at: Option<OffsetDateTime>,
) -> Result<()> {
    let now = crate::now();
    with_conn!(db, |c| sqlx::query(
        "UPDATE jobs SET status = CASE WHEN $3 IS NULL THEN 'failed' ELSE 'queued' END, \
         run_at = COALESCE($3, run_at), locked_until = NULL, last_error = $2, \
         finished_at = CASE WHEN $3 IS NULL THEN $4 ELSE NULL END WHERE id = $1"
    )
    .bind(id)
    .bind(error)
    .bind(retry_at)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn get(db: &mut Db, id: Uuid) -> Result<Option<JobRecord>> {
    Ok(with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT id, kind, status, attempts, max_attempts, run_at, last_error, created_at, finished_at FROM jobs WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await
    })?)
}

/// The most recent jobs, newest first; `failed_only` keeps the failures.
pub async fn recent(db: &mut Db, limit: i64, failed_only: bool) -> Result<Vec<JobRecord>> {
    Ok(with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT id, kind, status, attempts, max_attempts, run_at, last_error, created_at, finished_at FROM jobs \
         WHERE ($2 = FALSE OR status = 'failed') ORDER BY created_at DESC, id DESC LIMIT CAST($1 AS BIGINT)"
    )
    .bind(limit)
    .bind(failed_only)
    .fetch_all(&mut *c)
    .await
    })?)
}

/// Deletes finished jobs older than `before` (the job table does not grow without end).
pub async fn delete_finished_before(db: &mut Db, before: OffsetDateTime) -> Result<u64> {
    Ok(with_conn!(db, |c| sqlx::query(
        "DELETE FROM jobs WHERE status IN ('done', 'failed') AND finished_at < $1"
    )
    .bind(before)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?)
}
