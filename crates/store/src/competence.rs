//! Sharing competence: a person's share links (only the SHA-256 of each token is kept), the
//! published list of competence databases, and the record of competence sent to a recipient
//! (what, to whom, when, under which consent version). Reading someone's competence through a
//! link, or what an employer received, goes through [`crate::seam::sharing`].

use domain::competence::{DatabaseKind, Item, Recipient};
use domain::{OrganisationId, PersonId};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{Db, Result, StoreError, consents, now, stored, with_conn};

/// One of the person's share links.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareLink {
    pub id: Uuid,
    pub label: String,
    pub expires_on: Option<Date>,
    pub revoked_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

/// Makes a share link (in the caller's transaction) if the `competence_to_others` consent
/// stands.
pub async fn create_link(
    db: &mut Db,
    person: PersonId,
    token_hash: &str,
    label: &str,
    expires_on: Option<Date>,
) -> Result<Uuid> {
    let purpose = domain::consent::purposes::COMPETENCE_TO_OTHERS;
    if !consents::hold(db, person, purpose).await? {
        return Err(StoreError::ConsentRequired(purpose));
    }
    let id = Uuid::now_v7();
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO share_links (person_id, id, token_hash, label, expires_on, revoked_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, NULL, $6)"
    )
    .bind(person.0)
    .bind(id)
    .bind(token_hash)
    .bind(label)
    .bind(expires_on)
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(id)
}

/// The person's links, newest first.
pub async fn links(db: &mut Db, person: PersonId) -> Result<Vec<ShareLink>> {
    type Row = (
        Uuid,
        String,
        Option<Date>,
        Option<OffsetDateTime>,
        OffsetDateTime,
    );
    let rows: Vec<Row> = with_conn!(db, |c| sqlx::query_as(
        "SELECT id, label, expires_on, revoked_at, created_at FROM share_links \
         WHERE person_id = $1 ORDER BY created_at DESC, id DESC"
    )
    .bind(person.0)
    .fetch_all(&mut *c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, label, expires_on, revoked_at, created_at)| ShareLink {
                id,
                label,
                expires_on,
                revoked_at,
                created_at,
            },
        )
        .collect())
}

/// Revokes one of the person's links. `NotFound` for another's, an unknown or a revoked one.
pub async fn revoke_link(db: &mut Db, person: PersonId, id: Uuid) -> Result<()> {
    let n = with_conn!(db, |c| {
        sqlx::query(
        "UPDATE share_links SET revoked_at = $3 WHERE person_id = $1 AND id = $2 AND revoked_at IS NULL"
    )
    .bind(person.0)
    .bind(id)
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

// ---- the published list of competence databases ----

/// One entry of the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecipientEntry {
    pub id: Uuid,
    pub recipient: Recipient,
    pub added_on: Date,
    pub ended_on: Option<Date>,
}

type RecipientRow = (
    Uuid,
    String,
    String,
    String,
    String,
    i32,
    Option<String>,
    Date,
    Option<Date>,
);

fn recipient_entry(r: RecipientRow) -> Result<RecipientEntry> {
    let (id, name, service, kind, country, outside_eea, url, added_on, ended_on) = r;
    Ok(RecipientEntry {
        id,
        recipient: Recipient {
            name,
            service,
            kind: stored(DatabaseKind::parse(&kind), "competence_recipients.kind")?,
            country,
            url,
            outside_eea: outside_eea != 0,
        },
        added_on,
        ended_on,
    })
}

const RECIPIENT_COLUMNS: &str = "SELECT id, name, service, kind, country, outside_eea, url, added_on, ended_on \
     FROM competence_recipients ";

/// Every entry, current first, then by name.
pub async fn recipients(db: &mut Db) -> Result<Vec<RecipientEntry>> {
    let sql = format!("{RECIPIENT_COLUMNS}ORDER BY ended_on IS NOT NULL, name, id");
    let rows: Vec<RecipientRow> = with_conn!(db, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut *c)
        .await)?;
    rows.into_iter().map(recipient_entry).collect()
}

/// One entry that is current on `today`; `NotFound` otherwise.
pub async fn current_recipient(db: &mut Db, id: Uuid, today: Date) -> Result<RecipientEntry> {
    let sql = format!(
        "{RECIPIENT_COLUMNS}WHERE id = $1 AND added_on <= $2 AND (ended_on IS NULL OR ended_on > $2)"
    );
    let row: Option<RecipientRow> = with_conn!(db, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(today)
        .fetch_optional(&mut *c)
        .await)?;
    row.map(recipient_entry)
        .transpose()?
        .ok_or(StoreError::NotFound)
}

pub async fn add_recipient(db: &mut Db, r: &Recipient, added_on: Date) -> Result<Uuid> {
    let id = Uuid::now_v7();
    with_conn!(db, |c| sqlx::query(
        "INSERT INTO competence_recipients \
         (id, name, service, kind, country, outside_eea, url, added_on, ended_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9)"
    )
    .bind(id)
    .bind(&r.name)
    .bind(&r.service)
    .bind(r.kind.as_str())
    .bind(&r.country)
    .bind(i32::from(r.outside_eea))
    .bind(r.url.as_deref())
    .bind(added_on)
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(id)
}

/// Ends a current entry on `on` (from that day it is no longer offered); it stays listed
/// among the past ones.
pub async fn end_recipient(db: &mut Db, id: Uuid, on: Date) -> Result<()> {
    let n = with_conn!(db, |c| {
        sqlx::query(
        "UPDATE competence_recipients SET ended_on = $2 WHERE id = $1 AND ended_on IS NULL AND added_on <= $2"
    )
    .bind(id)
    .bind(on)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

// ---- transfers ----

/// To whom a transfer went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum To {
    Employer(OrganisationId),
    Database(Uuid),
}

/// One recorded transfer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transfer {
    pub id: Uuid,
    pub purpose: String,
    pub to: To,
    pub recipient_name: String,
    pub items: Vec<Item>,
    pub consent_version: u32,
    pub sent_at: OffsetDateTime,
}

/// Records a transfer (in the caller's transaction), if the consent it rests on stands; the
/// version recorded is the one the standing consent was given to.
pub async fn record_transfer(
    db: &mut Db,
    person: PersonId,
    purpose: &'static str,
    to: &To,
    recipient_name: &str,
    items: &[Item],
) -> Result<Uuid> {
    if !consents::hold(db, person, purpose).await? {
        return Err(StoreError::ConsentRequired(purpose));
    }
    let version = consents::latest_of(db, person, purpose)
        .await?
        .map(|(_, v)| v)
        .ok_or(StoreError::ConsentRequired(purpose))?;
    let id = Uuid::now_v7();
    let (kind, org, recipient) = match to {
        To::Employer(o) => ("employer", Some(o.0), None),
        To::Database(r) => ("database", None, Some(*r)),
    };
    let items = serde_json::to_string(items).map_err(|_| StoreError::Corrupt("items"))?;
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO competence_transfers (person_id, id, purpose, recipient_kind, recipient_organisation_id, \
           recipient_id, recipient_name, items, consent_version, sent_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    )
    .bind(person.0)
    .bind(id)
    .bind(purpose)
    .bind(kind)
    .bind(org)
    .bind(recipient)
    .bind(recipient_name)
    .bind(&items)
    .bind(i32::try_from(version).unwrap_or(i32::MAX))
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(id)
}

pub(crate) type TransferRow = (
    Uuid,
    String,
    Option<Uuid>,
    Option<Uuid>,
    String,
    String,
    i32,
    OffsetDateTime,
);

pub(crate) fn transfer(r: TransferRow) -> Result<Transfer> {
    let (id, purpose, org, recipient, recipient_name, items, version, sent_at) = r;
    let to = match (org, recipient) {
        (Some(o), _) => To::Employer(OrganisationId(o)),
        (None, Some(r)) => To::Database(r),
        (None, None) => return Err(StoreError::Corrupt("competence_transfers.recipient")),
    };
    Ok(Transfer {
        id,
        purpose,
        to,
        recipient_name,
        items: serde_json::from_str(&items)
            .map_err(|_| StoreError::Corrupt("competence_transfers.items"))?,
        consent_version: u32::try_from(version)
            .map_err(|_| StoreError::Corrupt("competence_transfers.consent_version"))?,
        sent_at,
    })
}

/// The person's transfers, newest first.
pub async fn transfers(db: &mut Db, person: PersonId) -> Result<Vec<Transfer>> {
    let rows: Vec<TransferRow> = with_conn!(db, |c| sqlx::query_as(
        "SELECT id, purpose, recipient_organisation_id, recipient_id, recipient_name, items, \
         consent_version, sent_at FROM competence_transfers WHERE person_id = $1 \
         ORDER BY sent_at DESC, id DESC"
    )
    .bind(person.0)
    .fetch_all(&mut *c)
    .await)?;
    rows.into_iter().map(transfer).collect()
}
