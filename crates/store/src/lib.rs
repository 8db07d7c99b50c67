//! Tavle's storage: one interface over SQLite (embedded default) and PostgreSQL (scale).
//!
//! SQL is written once, in the dialect both databases share (`$N` placeholders, `RETURNING`,
//! `ON CONFLICT`, recursive CTEs), and every query function is compiled for both backends by
//! the [`with_conn!`] macro, which expands its body once per backend. Migrations are kept per
//! backend (the DDL differs in types only). Every query runs in the integration suite on both.
//!
//! Reads of other people's data leave this crate only through [`seam`], which takes the acting
//! person and projects what that actor may see; the raw person queries are `pub(crate)`.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};

pub mod actors;
pub mod api_tokens;
pub mod audit;
pub mod bulk;
pub mod competence;
pub mod consents;
pub mod favourites;
pub mod identities;
pub mod import;
pub mod jobs;
pub mod learning;
pub mod login_tokens;
pub mod memberships;
pub mod newsletter;
pub mod organisations;
pub mod outbox;
pub mod people;
pub mod policies;
pub mod recommend;
pub mod reviews;
pub mod roles;
pub mod schema;
pub mod seam;
pub mod searches;
pub mod sessions;
pub mod sub_processors;
pub mod throttle;
pub mod units;

pub use domain::FieldErrors;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist, or belongs to another organisation (never say which).
    #[error("not found")]
    NotFound,
    /// The input broke a rule that needs the database to check (a duplicate, a foreign unit).
    #[error(transparent)]
    Invalid(#[from] FieldErrors),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL (expected sqlite:… or postgres://…)")]
    UnsupportedUrl,
    /// A stored value no longer parses (a bug or a hand-edited database).
    #[error("stored {0} is not valid")]
    Corrupt(&'static str),
    /// The feature needs the person's consent to the named purpose, which does not stand.
    #[error("consent to {0} is required")]
    ConsentRequired(&'static str),
    /// A background writer (group commit) has stopped.
    #[error("the progress writer has stopped")]
    Unavailable,
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    /// Turns a unique-constraint violation into a field error `already_exists` on `field`;
    /// any other error passes through.
    pub(crate) fn unique_as(field: &str) -> impl FnOnce(sqlx::Error) -> StoreError {
        let field = field.to_owned();
        move |e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Invalid(FieldErrors::single(&field, "already_exists"))
            }
            _ => StoreError::Database(e),
        }
    }
}

/// Parses a stored value with a domain parser, reporting which column was bad.
pub(crate) fn stored<T>(
    parsed: std::result::Result<T, &'static str>,
    what: &'static str,
) -> Result<T> {
    parsed.map_err(|_| StoreError::Corrupt(what))
}

/// Which database engine a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// A connection pool on one of the two backends. Cheap to clone.
#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Store {
    /// Opens (creating if needed) the embedded SQLite database at `path`: WAL, foreign keys on,
    /// `secure_delete` on so that erased data does not linger in free pages.
    pub async fn open_sqlite(path: &Path) -> Result<Self> {
        let options = SqliteConnectOptions::new().filename(path);
        Self::sqlite_with(options).await
    }

    async fn sqlite_with(options: SqliteConnectOptions) -> Result<Self> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // Every commit is on disk before it is acknowledged, power loss included (in WAL
            // mode NORMAL survives a crash of the program, not of the machine). Progress comes
            // through a group-commit writer, so one sync serves many changes.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .pragma("secure_delete", "ON")
            // Reads map the database file instead of copying each page with pread into every
            // connection's own cache (a page-cache miss was a tenth of a people-list request).
            .pragma("mmap_size", "268435456")
            .busy_timeout(Duration::from_secs(10))
            // Keeps the query planner's statistics fresh, as SQLite recommends.
            .optimize_on_close(true, 400);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        Ok(Self::Sqlite(pool))
    }

    /// Connects to `sqlite:…` or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Ok(Self::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            Self::sqlite_with(SqliteConnectOptions::from_str(url)?).await
        } else {
            Err(StoreError::UnsupportedUrl)
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies every pending migration of this backend.
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Self::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Self::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// A connection for reads (autocommit).
    pub async fn conn(&self) -> Result<Db> {
        Ok(Db(match self {
            Self::Sqlite(pool) => Inner::SqliteConn(pool.acquire().await?),
            Self::Postgres(pool) => Inner::PgConn(pool.acquire().await?),
        }))
    }

    /// A transaction for changes. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`),
    /// so two writers never deadlock upgrading a read lock.
    pub async fn begin(&self) -> Result<Db> {
        Ok(Db(match self {
            Self::Sqlite(pool) => Inner::SqliteTx(pool.begin_with("BEGIN IMMEDIATE").await?),
            Self::Postgres(pool) => Inner::PgTx(pool.begin().await?),
        }))
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<()> {
        let mut db = self.conn().await?;
        with_conn!(db, |c| sqlx::query("SELECT 1")
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Open and idle connections in the pool (for metrics).
    pub fn pool_stats(&self) -> (u32, usize) {
        match self {
            Self::Sqlite(pool) => (pool.size(), pool.num_idle()),
            Self::Postgres(pool) => (pool.size(), pool.num_idle()),
        }
    }

    pub async fn close(&self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }
}

/// A database handle: a pooled connection, or a transaction that must be [`commit`](Db::commit)ted
/// (dropping it rolls back). Every query function takes `&mut Db`, so the same function serves
/// reads and multi-step changes.
pub struct Db(Inner);

enum Inner {
    SqliteConn(PoolConnection<Sqlite>),
    SqliteTx(Transaction<'static, Sqlite>),
    PgConn(PoolConnection<Postgres>),
    PgTx(Transaction<'static, Postgres>),
}

#[doc(hidden)]
pub enum Conn<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

impl Db {
    #[doc(hidden)]
    pub fn conn(&mut self) -> Conn<'_> {
        match &mut self.0 {
            Inner::SqliteConn(c) => Conn::Sqlite(c),
            Inner::SqliteTx(t) => Conn::Sqlite(t),
            Inner::PgConn(c) => Conn::Postgres(c),
            Inner::PgTx(t) => Conn::Postgres(t),
        }
    }

    /// Whether this handle is on PostgreSQL (for the few statements whose locking differs).
    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self.0, Inner::PgConn(_) | Inner::PgTx(_))
    }

    /// Commits a transaction; a no-op on a plain connection.
    pub async fn commit(self) -> Result<()> {
        match self.0 {
            Inner::SqliteTx(t) => t.commit().await?,
            Inner::PgTx(t) => t.commit().await?,
            Inner::SqliteConn(_) | Inner::PgConn(_) => {}
        }
        Ok(())
    }
}

/// Runs `$body` with `$c` bound to the backend's concrete connection. The body is compiled once
/// per backend, so one piece of SQL and one mapping serve both.
#[macro_export]
macro_rules! with_conn {
    ($db:expr, |$c:ident| $body:expr) => {
        match $db.conn() {
            $crate::Conn::Sqlite($c) => $body,
            $crate::Conn::Postgres($c) => $body,
        }
    };
}

/// Runs `$body` with `$c` bound to the backend's concrete connection and `$sql` to that
/// backend's SQL, for the few queries whose dialects really differ (JSON aggregation, mostly).
/// Keep the two statements side by side and equal in meaning; the suite runs both.
#[macro_export]
macro_rules! with_dialect {
    ($db:expr, sqlite: $sqlite:expr, postgres: $postgres:expr, |$c:ident, $sql:ident| $body:expr) => {
        match $db.conn() {
            $crate::Conn::Sqlite($c) => {
                let $sql = $sqlite;
                $body
            }
            $crate::Conn::Postgres($c) => {
                let $sql = $postgres;
                $body
            }
        }
    };
}

/// Decodes rows the database aggregated into one JSON array (`json_group_array` on SQLite,
/// `json_agg` on PostgreSQL): one value crosses from the database instead of one per row,
/// which is most of the cost of a list page on SQLite. Ids arrive as hex (SQLite) or UUID
/// text (PostgreSQL); both parse as [`uuid::Uuid`].
pub(crate) fn json_rows<T: serde::de::DeserializeOwned>(
    json: &str,
    what: &'static str,
) -> Result<Vec<T>> {
    serde_json::from_str(json).map_err(|_| StoreError::Corrupt(what))
}

/// Serde support for dates in aggregated JSON (`YYYY-MM-DD` on both backends).
pub(crate) mod json_date {
    use serde::{Deserialize, Deserializer};
    use time::{Date, Month};

    /// Parses `YYYY-MM-DD` (the only form either backend writes) without a format description:
    /// a list page parses a hundred of these.
    fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let num = |range: std::ops::Range<usize>| s.get(range)?.parse::<u16>().ok();
        let year = i32::from(num(0..4)?);
        let month = Month::try_from(u8::try_from(num(5..7)?).ok()?).ok()?;
        let day = u8::try_from(num(8..10)?).ok()?;
        Date::from_calendar_date(year, month, day).ok()
    }

    pub fn required<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = <&str>::deserialize(d)?;
        parse(s).ok_or_else(|| serde::de::Error::custom("not a YYYY-MM-DD date"))
    }

    pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        match Option::<&str>::deserialize(d)? {
            Some(s) => parse(s)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom("not a YYYY-MM-DD date")),
            None => Ok(None),
        }
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn parses_iso_dates_and_refuses_anything_else() {
            assert_eq!(
                super::parse("2024-02-29"),
                Some(time::macros::date!(2024 - 02 - 29))
            );
            for bad in [
                "2023-02-29",
                "2024-2-29",
                "29.02.2024",
                "2024-13-01",
                "",
                "2024-02-29T",
            ] {
                assert_eq!(super::parse(bad), None, "{bad}");
            }
        }
    }
}

/// The current time, truncated to microseconds so it round-trips identically on both backends.
pub fn now() -> time::OffsetDateTime {
    let now = time::OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1_000 * 1_000)
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `.cargo/config.toml` builds the bundled SQLite with a page cache per connection, without
    /// memory statistics (each otherwise a global mutex on a hot path), without STAT4 and with
    /// stable query plans (otherwise statements are re-prepared on every new bound value).
    /// Losing these settings cuts the people list's throughput by more than half.
    #[tokio::test]
    async fn bundled_sqlite_is_built_for_many_connections_and_stable_plans() {
        let store = Store::connect("sqlite::memory:").await.expect("store");
        let mut db = store.conn().await.expect("conn");
        let options: Vec<String> = with_conn!(db, |c| sqlx::query_scalar("PRAGMA compile_options")
            .fetch_all(&mut *c)
            .await)
        .expect("compile options");
        assert!(
            options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
            "{options:?}"
        );
        for absent in ["ENABLE_MEMORY_MANAGEMENT", "ENABLE_STAT4"] {
            assert!(
                !options.iter().any(|o| o == absent),
                "{absent}: {options:?}"
            );
        }
        assert!(options.iter().any(|o| o == "ENABLE_QPSG"), "{options:?}");
    }
}
