//! The operator's sub-processor register (GDPR Art. 28): current and past entries with their
//! dates, shown to every person and used by the generated notice and record of processing.

use domain::registry::notice::SubProcessor;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{Db, Result, StoreError, now, with_conn};

/// One stored entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: Uuid,
    pub entry: SubProcessor,
    pub created_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    service: String,
    country: String,
    outside_eea: bool,
    safeguards: Option<String>,
    added_on: Date,
    ended_on: Option<Date>,
    created_at: OffsetDateTime,
}

impl From<Row> for Entry {
    fn from(r: Row) -> Self {
        Self {
            id: r.id,
            entry: SubProcessor {
                name: r.name,
                service: r.service,
                country: r.country,
                outside_eea: r.outside_eea,
                safeguards: r.safeguards,
                added_on: r.added_on,
                ended_on: r.ended_on,
            },
            created_at: r.created_at,
        }
    }
}

/// Every entry, current and past: current first, then by the date added and name.
pub async fn all(db: &mut Db) -> Result<Vec<Entry>> {
    let rows: Vec<Row> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT id, name, service, country, outside_eea, safeguards, added_on, ended_on, created_at \
         FROM sub_processors ORDER BY ended_on IS NOT NULL, added_on, name, id"
    )
    .fetch_all(&mut *c)
    .await
    })?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The entries as the generated documents take them.
pub async fn register(db: &mut Db) -> Result<Vec<SubProcessor>> {
    Ok(all(db).await?.into_iter().map(|e| e.entry).collect())
}

/// Adds an entry (validated by `SubProcessorInput::validate`).
pub async fn add(db: &mut Db, entry: &SubProcessor) -> Result<Uuid> {
    let id = Uuid::now_v7();
    with_conn!(db, |c| sqlx::query(
        "INSERT INTO sub_processors \
         (id, name, service, country, outside_eea, safeguards, added_on, ended_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    )
    .bind(id)
    .bind(&entry.name)
    .bind(&entry.service)
    .bind(&entry.country)
    .bind(entry.outside_eea)
    .bind(entry.safeguards.as_deref())
    .bind(entry.added_on)
    .bind(entry.ended_on)
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(id)
}

/// Ends a current entry on `on` (not before it was added). `NotFound` for an unknown or
/// already ended entry.
pub async fn end(db: &mut Db, id: Uuid, on: Date) -> Result<()> {
    let done = with_conn!(db, |c| sqlx::query(
        "UPDATE sub_processors SET ended_on = $2 \
         WHERE id = $1 AND ended_on IS NULL AND added_on <= $2"
    )
    .bind(id)
    .bind(on)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
