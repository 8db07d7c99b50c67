//! Catalogue search history ("recent searches"), kept only while the person's
//! `search_history` consent stands: the last [`SEARCHES_KEPT`] searches, none older than
//! [`SEARCH_DAYS`] days (each recording trims the rest).

use domain::PersonId;
use domain::consent::purposes::SEARCH_HISTORY;
use domain::features::{SEARCH_DAYS, SEARCHES_KEPT, Search};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, Result, StoreError, consents, now, with_conn};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    pub id: Uuid,
    pub search: Search,
    pub searched_at: OffsetDateTime,
}

/// Records a search (in the caller's transaction) if the consent stands; answers whether it
/// was kept. Without the consent nothing is written.
pub async fn record(db: &mut Db, person: PersonId, search: &Search) -> Result<bool> {
    if !consents::hold(db, person, SEARCH_HISTORY).await? {
        return Ok(false);
    }
    let at = now();
    with_conn!(db, |c| sqlx::query(
        "INSERT INTO catalogue_searches (person_id, id, query, language, tag, searched_at) \
         VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(person.0)
    .bind(Uuid::now_v7())
    .bind(&search.query)
    .bind(&search.language)
    .bind(&search.tag)
    .bind(at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    // Keep the newest few and nothing past the period.
    let oldest = at - time::Duration::days(SEARCH_DAYS);
    with_conn!(db, |c| {
        sqlx::query(
        "DELETE FROM catalogue_searches WHERE person_id = $1 AND (searched_at < $2 OR id NOT IN \
         (SELECT id FROM catalogue_searches WHERE person_id = $1 ORDER BY searched_at DESC, id DESC \
          LIMIT CAST($3 AS BIGINT)))"
    )
    .bind(person.0)
    .bind(oldest)
    .bind(SEARCHES_KEPT)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(true)
}

/// The person's recent searches, newest first, each search once.
pub async fn recent(db: &mut Db, person: PersonId, limit: usize) -> Result<Vec<Stored>> {
    let oldest = now() - time::Duration::days(SEARCH_DAYS);
    let rows: Vec<(Uuid, String, String, String, OffsetDateTime)> = with_conn!(db, |c| {
        sqlx::query_as(
            "SELECT id, query, language, tag, searched_at FROM catalogue_searches \
         WHERE person_id = $1 AND searched_at >= $2 ORDER BY searched_at DESC, id DESC",
        )
        .bind(person.0)
        .bind(oldest)
        .fetch_all(&mut *c)
        .await
    })?;
    let mut out: Vec<Stored> = Vec::new();
    for (id, query, language, tag, searched_at) in rows {
        let search = Search {
            query,
            language,
            tag,
        };
        if out.len() < limit && !out.iter().any(|s| s.search == search) {
            out.push(Stored {
                id,
                search,
                searched_at,
            });
        }
    }
    Ok(out)
}

/// Deletes one search, or all of them (`id` left out); answers how many went.
pub async fn delete(db: &mut Db, person: PersonId, id: Option<Uuid>) -> Result<u64> {
    let n = with_conn!(db, |c| sqlx::query(
        "DELETE FROM catalogue_searches WHERE person_id = $1 AND ($2 IS NULL OR id = $2)"
    )
    .bind(person.0)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if id.is_some() && n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(n)
}
