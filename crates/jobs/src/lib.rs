//! Background work: a job runner over the store's job table, schedules in cron syntax, retries
//! with backoff, and the first jobs (session and token expiry, the e-mail outbox).
//!
//! Every node may run a [`Runner`]: claims are leases taken with `FOR UPDATE SKIP LOCKED` on
//! PostgreSQL, and a scheduled run is enqueued under a dedupe key so two nodes never enqueue it
//! twice. Handlers must be idempotent: a run may be repeated after a crash or a retry.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use store::Store;
use store::jobs::{Job, JobRecord};
use time::OffsetDateTime;

pub mod mail;

pub use mail::Mailer;

/// The result of a handler: a short summary for the log (counts, never personal data), or an
/// error that says what failed without personal data.
pub type HandlerResult = Result<String, String>;
pub type HandlerFuture = Pin<Box<dyn Future<Output = HandlerResult> + Send>>;
/// A job handler: takes the runner's context and the job's JSON payload.
pub type Handler = Arc<dyn Fn(Context, String) -> HandlerFuture + Send + Sync>;

/// What handlers may use.
#[derive(Clone)]
pub struct Context {
    pub store: Store,
    pub mailer: Arc<Mailer>,
}

pub const SESSION_EXPIRY: &str = "session_expiry";
pub const TOKEN_EXPIRY: &str = "token_expiry";
/// Enrolls people in the courses their organisation's requirements ask of them.
pub const REQUIREMENT_ENROLLMENT: &str = "requirement_enrollment";
pub const OUTBOX: &str = store::outbox::JOB_KIND;

/// How many times a job runs before it is marked failed.
pub const MAX_ATTEMPTS: i32 = 3;

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("unknown job {0:?} (known: {1})")]
    UnknownJob(String, String),
    #[error("invalid schedule for {0}: {1}")]
    InvalidSchedule(String, String),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

/// One schedule: a job kind and a cron expression (five fields, UTC).
#[derive(Clone, Debug)]
pub struct Schedule {
    pub kind: String,
    pub cron: croner::Cron,
}

impl Schedule {
    pub fn parse(kind: &str, expression: &str) -> Result<Self, JobError> {
        let cron = croner::Cron::from_str(expression)
            .map_err(|e| JobError::InvalidSchedule(kind.to_owned(), e.to_string()))?;
        Ok(Self {
            kind: kind.to_owned(),
            cron,
        })
    }

    /// The first run strictly after `after`.
    fn next_after(
        &self,
        after: chrono::DateTime<chrono::Utc>,
    ) -> Option<chrono::DateTime<chrono::Utc>> {
        self.cron.find_next_occurrence(&after, false).ok()
    }
}

/// The default schedules (the configuration may replace any of them).
pub fn default_schedules() -> Vec<(&'static str, &'static str)> {
    vec![
        (SESSION_EXPIRY, "*/10 * * * *"),
        (TOKEN_EXPIRY, "17 * * * *"),
        (REQUIREMENT_ENROLLMENT, "23 * * * *"),
        (OUTBOX, "* * * * *"),
    ]
}

/// What became of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done(String),
    /// Failed; queued again at the given time.
    Retry(String, OffsetDateTime),
    Failed(String),
}

pub struct Runner {
    ctx: Context,
    handlers: HashMap<String, Handler>,
    schedules: Vec<Schedule>,
    lease: Duration,
}

fn to_chrono(t: OffsetDateTime) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(t.unix_timestamp(), 0).unwrap_or_default()
}

fn to_time(t: chrono::DateTime<chrono::Utc>) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(t.timestamp()).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

impl Runner {
    /// A runner with the built-in jobs registered.
    pub fn new(store: Store, mailer: Mailer, schedules: Vec<Schedule>) -> Self {
        let mut runner = Self {
            ctx: Context {
                store,
                mailer: Arc::new(mailer),
            },
            handlers: HashMap::new(),
            schedules,
            lease: Duration::from_secs(300),
        };
        runner.register(SESSION_EXPIRY, |ctx, _| Box::pin(expire_sessions(ctx)));
        runner.register(TOKEN_EXPIRY, |ctx, _| Box::pin(expire_tokens(ctx)));
        runner.register(OUTBOX, |ctx, _| Box::pin(mail::deliver_outbox(ctx)));
        runner.register(REQUIREMENT_ENROLLMENT, |ctx, _| {
            Box::pin(enroll_required(ctx))
        });
        runner
    }

    /// Adds (or replaces) the handler for a job kind.
    pub fn register<F>(&mut self, kind: &str, handler: F)
    where
        F: Fn(Context, String) -> HandlerFuture + Send + Sync + 'static,
    {
        self.handlers.insert(kind.to_owned(), Arc::new(handler));
    }

    pub fn kinds(&self) -> Vec<String> {
        let mut kinds: Vec<_> = self.handlers.keys().cloned().collect();
        kinds.sort();
        kinds
    }

    /// Enqueues scheduled runs that fell due in `(since, now]`; returns how many were new.
    pub async fn enqueue_scheduled(
        &self,
        since: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<usize, JobError> {
        let mut queued = 0;
        let mut db = self.ctx.store.conn().await?;
        for schedule in &self.schedules {
            let mut at = to_chrono(since);
            while let Some(next) = schedule.next_after(at).filter(|n| *n <= to_chrono(now)) {
                let key = format!("{}@{}", schedule.kind, next.timestamp());
                if store::jobs::enqueue(
                    &mut db,
                    &schedule.kind,
                    "{}",
                    to_time(next),
                    MAX_ATTEMPTS,
                    Some(&key),
                )
                .await?
                .is_some()
                {
                    queued += 1;
                }
                at = next;
            }
        }
        Ok(queued)
    }

    /// Claims and runs due jobs until none is left; returns the outcomes.
    pub async fn run_due(&self, now: OffsetDateTime) -> Result<Vec<(Job, Outcome)>, JobError> {
        let mut outcomes = Vec::new();
        loop {
            let job = {
                let mut db = self.ctx.store.conn().await?;
                store::jobs::claim(&mut db, now, now + self.lease).await?
            };
            let Some(job) = job else { return Ok(outcomes) };
            let outcome = self.execute(&job, now).await?;
            outcomes.push((job, outcome));
        }
    }

    /// Runs the job `kind` once now (queued, claimed and run here), as `tavle jobs run-once`.
    pub async fn run_once(&self, kind: &str) -> Result<JobRecord, JobError> {
        if !self.handlers.contains_key(kind) {
            return Err(JobError::UnknownJob(
                kind.to_owned(),
                self.kinds().join(", "),
            ));
        }
        let now = store::now();
        let mut db = self.ctx.store.conn().await?;
        let id = store::jobs::enqueue(&mut db, kind, "{}", now, MAX_ATTEMPTS, None)
            .await?
            .ok_or(store::StoreError::NotFound)?;
        let job = store::jobs::claim_id(&mut db, id, now + self.lease)
            .await?
            .ok_or(store::StoreError::NotFound)?;
        drop(db);
        self.execute(&job, now).await?;
        let mut db = self.ctx.store.conn().await?;
        store::jobs::get(&mut db, id)
            .await?
            .ok_or(store::StoreError::NotFound.into())
    }

    async fn execute(&self, job: &Job, now: OffsetDateTime) -> Result<Outcome, JobError> {
        let result = match self.handlers.get(&job.kind) {
            _ if job.attempts > job.max_attempts => {
                Err("gave up: the lease ran out on the last attempt".to_owned())
            }
            Some(handler) => handler(self.ctx.clone(), job.payload.clone()).await,
            None => Err(format!("no handler for job kind {:?}", job.kind)),
        };
        let mut db = self.ctx.store.conn().await?;
        let outcome = match result {
            Ok(summary) => {
                store::jobs::succeed(&mut db, job.id).await?;
                Outcome::Done(summary)
            }
            Err(error) if job.attempts < job.max_attempts => {
                let retry_at = now + domain::machine::backoff(job.attempts);
                store::jobs::fail(&mut db, job.id, &error, Some(retry_at)).await?;
                Outcome::Retry(error, retry_at)
            }
            Err(error) => {
                store::jobs::fail(&mut db, job.id, &error, None).await?;
                Outcome::Failed(error)
            }
        };
        let label = match &outcome {
            Outcome::Done(summary) => {
                tracing::info!(job = %job.id, kind = %job.kind, attempt = job.attempts, %summary, "job done");
                "done"
            }
            Outcome::Retry(error, _) => {
                tracing::warn!(job = %job.id, kind = %job.kind, attempt = job.attempts, %error, "job failed, will retry");
                "retry"
            }
            Outcome::Failed(error) => {
                tracing::error!(job = %job.id, kind = %job.kind, attempt = job.attempts, %error, "job failed for good");
                "failed"
            }
        };
        metrics::counter!("tavle_job_runs_total", "kind" => job.kind.clone(), "outcome" => label)
            .increment(1);
        Ok(outcome)
    }

    /// Runs forever: enqueues scheduled runs and works the queue, polling every `poll`.
    pub fn spawn(self, poll: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut since = store::now();
            loop {
                let now = store::now();
                if let Err(e) = self.enqueue_scheduled(since, now).await {
                    tracing::error!(error = %e, "scheduling failed");
                }
                since = now;
                if let Err(e) = self.run_due(now).await {
                    tracing::error!(error = %e, "job runner failed");
                }
                tokio::time::sleep(poll).await;
            }
        })
    }
}

async fn expire_sessions(ctx: Context) -> HandlerResult {
    let mut db = ctx.store.conn().await.map_err(|e| e.to_string())?;
    let now = store::now();
    let sessions = store::sessions::delete_expired(&mut db, now)
        .await
        .map_err(|e| e.to_string())?;
    let failures =
        store::throttle::delete_before(&mut db, now - domain::machine::Throttle::ACCOUNT.window)
            .await
            .map_err(|e| e.to_string())?;
    Ok(format!(
        "deleted {sessions} expired sessions and {failures} old failed-login records"
    ))
}

/// Deletes spent login links, API tokens dead for 30 days, and finished jobs older than 30 days.
/// Each organisation in its own transaction; enrolling is idempotent (people already enrolled,
/// or whose requirement is met, are skipped), so a failed run is simply run again.
async fn enroll_required(ctx: Context) -> HandlerResult {
    let today = store::now().date();
    let orgs = {
        let mut db = ctx.store.conn().await.map_err(|e| e.to_string())?;
        store::organisations::all(&mut db)
            .await
            .map_err(|e| e.to_string())?
    };
    let mut enrolled = 0;
    for org in &orgs {
        let mut db = ctx.store.begin().await.map_err(|e| e.to_string())?;
        enrolled += store::learning::requirements::enroll_required(&mut db, org.id, today)
            .await
            .map_err(|e| e.to_string())?;
        db.commit().await.map_err(|e| e.to_string())?;
    }
    Ok(format!(
        "enrolled {enrolled} people in required courses across {} organisations",
        orgs.len()
    ))
}

async fn expire_tokens(ctx: Context) -> HandlerResult {
    let mut db = ctx.store.conn().await.map_err(|e| e.to_string())?;
    let now = store::now();
    let month_ago = now - time::Duration::days(30);
    let links = store::login_tokens::delete_spent(&mut db, now)
        .await
        .map_err(|e| e.to_string())?;
    let tokens = store::api_tokens::delete_dead_before(&mut db, month_ago)
        .await
        .map_err(|e| e.to_string())?;
    let jobs = store::jobs::delete_finished_before(&mut db, month_ago)
        .await
        .map_err(|e| e.to_string())?;
    // Newsletter subscriptions never confirmed (registry: newsletter_unsubscribed_or_unconfirmed).
    let pending = store::newsletter::expire_pending(
        &mut db,
        now - time::Duration::days(domain::newsletter::PENDING_DAYS),
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok(format!(
        "deleted {links} spent login links, {tokens} dead API tokens, {jobs} old job records, \
         {pending} unconfirmed newsletter subscriptions"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_are_cron_expressions_and_bad_ones_name_the_job() {
        assert!(Schedule::parse("outbox", "*/5 * * * *").is_ok());
        let err = Schedule::parse("outbox", "every minute").expect_err("invalid");
        assert!(err.to_string().contains("outbox"));
        let s = Schedule::parse("x", "*/10 * * * *").expect("valid");
        let at = chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("time");
        let next = s.next_after(at).expect("next");
        assert_eq!(next.timestamp() % 600, 0);
        assert!(next > at);
    }
}
