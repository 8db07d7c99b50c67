//! The consent log: each purpose's latest change (`consents`, checked on every request that a
//! consent governs) and every change ever made (`consent_changes`, never updated). Recording a
//! withdrawal deletes, in the same transaction, the rows of every table the registry holds only
//! for that purpose (`domain::consent::held_only_for`), so the data is gone when the request
//! that withdrew the consent answers.
//!
//! The features a consent governs call [`hold`] in their own transaction before writing: it
//! answers whether the consent stands and, on PostgreSQL, keeps a withdrawal from committing
//! between the check and the write (`FOR SHARE` on the consent's row; SQLite's writers are
//! serialised by `BEGIN IMMEDIATE` already).

use domain::PersonId;
use domain::consent::{Channel, Consents, Decision, Status, catalogue, held_only_for};
use domain::org::Language;
use domain::registry::registry;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, Result, StoreError, now, stored, with_conn};

/// A purpose's latest change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Latest {
    pub purpose: String,
    pub status: Status,
    pub version: u32,
    pub changed_at: OffsetDateTime,
}

fn version(v: i32, what: &'static str) -> Result<u32> {
    u32::try_from(v).map_err(|_| StoreError::Corrupt(what))
}

/// The person's latest change per purpose.
pub async fn latest(db: &mut Db, person: PersonId) -> Result<Vec<Latest>> {
    let rows: Vec<(String, String, i32, OffsetDateTime)> = with_conn!(db, |c| sqlx::query_as(
        "SELECT purpose, status, text_version, changed_at FROM consents WHERE person_id = $1 \
         ORDER BY purpose"
    )
    .bind(person.0)
    .fetch_all(&mut *c)
    .await)?;
    rows.into_iter()
        .map(|(purpose, status, v, changed_at)| {
            Ok(Latest {
                purpose,
                status: stored(Status::parse(&status), "consents.status")?,
                version: version(v, "consents.text_version")?,
                changed_at,
            })
        })
        .collect()
}

/// The person's consents that stand now.
pub async fn standing(db: &mut Db, person: PersonId) -> Result<Consents> {
    let latest = latest(db, person).await?;
    Ok(Consents::from_latest(
        catalogue(),
        latest
            .iter()
            .map(|l| (l.purpose.as_str(), l.status, l.version)),
    ))
}

/// Whether the person's consent to `purpose` stands, for a feature about to write under it.
/// Call it inside the write's transaction (see the module's documentation).
pub async fn hold(db: &mut Db, person: PersonId, purpose: &str) -> Result<bool> {
    let sql = if db.is_postgres() {
        "SELECT status, text_version FROM consents WHERE person_id = $1 AND purpose = $2 FOR SHARE"
    } else {
        "SELECT status, text_version FROM consents WHERE person_id = $1 AND purpose = $2"
    };
    let row: Option<(String, i32)> = with_conn!(db, |c| sqlx::query_as(sql)
        .bind(person.0)
        .bind(purpose)
        .fetch_optional(&mut *c)
        .await)?;
    Ok(match row {
        Some((status, v)) => {
            Status::parse(&status) == Ok(Status::Given)
                && catalogue()
                    .get(purpose)
                    .is_some_and(|d| d.stands(u32::try_from(v).unwrap_or(0)))
        }
        None => false,
    })
}

/// One recorded change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub id: Uuid,
    pub purpose: String,
    pub status: Status,
    pub version: u32,
    pub text_hash: String,
    pub language: Language,
    pub channel: Channel,
    pub changed_at: OffsetDateTime,
}

type ChangeRow = (
    Uuid,
    String,
    String,
    i32,
    String,
    String,
    String,
    OffsetDateTime,
);

/// Every change the person made, newest first.
pub async fn history(db: &mut Db, person: PersonId) -> Result<Vec<Change>> {
    let rows: Vec<ChangeRow> = with_conn!(db, |c| sqlx::query_as(
        "SELECT id, purpose, action, text_version, text_hash, language, channel, changed_at \
         FROM consent_changes WHERE person_id = $1 ORDER BY changed_at DESC, id DESC"
    )
    .bind(person.0)
    .fetch_all(&mut *c)
    .await)?;
    rows.into_iter()
        .map(
            |(id, purpose, action, v, text_hash, language, channel, changed_at)| {
                Ok(Change {
                    id,
                    purpose,
                    status: stored(Status::parse(&action), "consent_changes.action")?,
                    version: version(v, "consent_changes.text_version")?,
                    text_hash,
                    language: stored(Language::parse(&language), "consent_changes.language")?,
                    channel: stored(Channel::parse(&channel), "consent_changes.channel")?,
                    changed_at,
                })
            },
        )
        .collect()
}

/// The latest change of one purpose, read for a change about to be made (in its transaction).
pub async fn latest_of(
    db: &mut Db,
    person: PersonId,
    purpose: &str,
) -> Result<Option<(Status, u32)>> {
    let sql = if db.is_postgres() {
        "SELECT status, text_version FROM consents WHERE person_id = $1 AND purpose = $2 FOR UPDATE"
    } else {
        "SELECT status, text_version FROM consents WHERE person_id = $1 AND purpose = $2"
    };
    let row: Option<(String, i32)> = with_conn!(db, |c| sqlx::query_as(sql)
        .bind(person.0)
        .bind(purpose)
        .fetch_optional(&mut *c)
        .await)?;
    row.map(|(s, v)| {
        Ok((
            stored(Status::parse(&s), "consents.status")?,
            version(v, "consents.text_version")?,
        ))
    })
    .transpose()
}

/// What a withdrawal deleted: rows per table.
pub type Deleted = Vec<(&'static str, u64)>;

/// Records a change (in the caller's transaction): the purpose's latest state, one row of the
/// log, and for a withdrawal the deletion of everything held only for the purpose.
pub async fn record(
    db: &mut Db,
    person: PersonId,
    decision: &Decision,
    language: Language,
    channel: Channel,
) -> Result<Deleted> {
    let at = now();
    let v = i32::try_from(decision.version).map_err(|_| StoreError::Corrupt("text_version"))?;
    with_conn!(db, |c| sqlx::query(
        "INSERT INTO consents (person_id, purpose, status, text_version, changed_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (person_id, purpose) DO UPDATE SET status = excluded.status, \
           text_version = excluded.text_version, changed_at = excluded.changed_at"
    )
    .bind(person.0)
    .bind(&decision.purpose)
    .bind(decision.status.as_str())
    .bind(v)
    .bind(at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))
    // Only people have consents: a service account's token finds none to change.
    .map_err(|e| match &e {
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => StoreError::NotFound,
        _ => StoreError::Database(e),
    })?;
    with_conn!(db, |c| sqlx::query(
        "INSERT INTO consent_changes \
         (person_id, id, purpose, action, text_version, text_hash, language, channel, changed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    )
    .bind(person.0)
    .bind(Uuid::now_v7())
    .bind(&decision.purpose)
    .bind(decision.status.as_str())
    .bind(v)
    .bind(&decision.text_hash)
    .bind(language.code())
    .bind(channel.as_str())
    .bind(at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if decision.withdraws {
        delete_held(db, person, &decision.purpose).await
    } else {
        Ok(Vec::new())
    }
}

/// The tables the store knows how to empty of one person's rows, in the order that keeps
/// foreign keys satisfied. A table the registry holds for a consent alone but that is missing
/// here is an error (a test withdraws every consent).
const DELETABLE: &[(&str, &str)] = &[
    (
        "favourite_list_items",
        "DELETE FROM favourite_list_items WHERE person_id = $1",
    ),
    ("favourites", "DELETE FROM favourites WHERE person_id = $1"),
    (
        "favourite_lists",
        "DELETE FROM favourite_lists WHERE person_id = $1",
    ),
    (
        "course_reviews",
        "DELETE FROM course_reviews WHERE person_id = $1",
    ),
    (
        "catalogue_searches",
        "DELETE FROM catalogue_searches WHERE person_id = $1",
    ),
    (
        "share_links",
        "DELETE FROM share_links WHERE person_id = $1",
    ),
];

async fn delete_held(db: &mut Db, person: PersonId, purpose: &str) -> Result<Deleted> {
    let tables = held_only_for(registry(), purpose);
    if let Some(unknown) = tables
        .iter()
        .find(|t| !DELETABLE.iter().any(|(d, _)| d == *t))
    {
        tracing::error!(
            table = unknown,
            purpose,
            "the registry holds a table for a consent that the store cannot empty"
        );
        return Err(StoreError::Corrupt("a table held for a consent"));
    }
    let mut deleted = Vec::new();
    for (table, sql) in DELETABLE.iter().filter(|(t, _)| tables.contains(t)) {
        let n = with_conn!(db, |c| sqlx::query(*sql)
            .bind(person.0)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        deleted.push((*table, n));
    }
    Ok(deleted)
}

/// The latest change of one purpose, without locking (for reads outside a change, such as
/// whether the cookie banner has been answered).
pub async fn latest_unlocked(
    db: &mut Db,
    person: PersonId,
    purpose: &str,
) -> Result<Option<(Status, u32)>> {
    let row: Option<(String, i32)> = with_conn!(db, |c| sqlx::query_as(
        "SELECT status, text_version FROM consents WHERE person_id = $1 AND purpose = $2"
    )
    .bind(person.0)
    .bind(purpose)
    .fetch_optional(&mut *c)
    .await)?;
    row.map(|(s, v)| {
        Ok((
            stored(Status::parse(&s), "consents.status")?,
            version(v, "consents.text_version")?,
        ))
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_table_held_for_a_consent_alone_can_be_emptied() {
        for purpose in domain::consent::purposes::ALL {
            for table in domain::consent::held_only_for(domain::registry::registry(), purpose) {
                assert!(
                    super::DELETABLE.iter().any(|(t, _)| *t == table),
                    "{table} ({purpose})"
                );
            }
        }
    }
}
