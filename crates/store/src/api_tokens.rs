//! API tokens for people and for organisations' service accounts. Only the SHA-256 of a token is
//! stored; scopes are kept as a space-separated list (`people:read organisations:write`).

use domain::{OrganisationId, PersonId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, Result, StoreError, with_conn};

/// Whom a token acts for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    Person(PersonId),
    ServiceAccount {
        organisation: OrganisationId,
        id: Uuid,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub id: Uuid,
    pub name: String,
    pub owner: Owner,
    pub scopes: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
    pub last_used_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    person_id: Option<Uuid>,
    organisation_id: Option<Uuid>,
    service_account_id: Option<Uuid>,
    scopes: String,
    created_at: OffsetDateTime,
    expires_at: OffsetDateTime,
    revoked_at: Option<OffsetDateTime>,
    last_used_at: Option<OffsetDateTime>,
}

impl TryFrom<Row> for Token {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        let owner = match (r.person_id, r.organisation_id, r.service_account_id) {
            (Some(p), _, None) => Owner::Person(PersonId(p)),
            (None, Some(o), Some(s)) => Owner::ServiceAccount {
                organisation: OrganisationId(o),
                id: s,
            },
            _ => return Err(StoreError::Corrupt("api_tokens.owner")),
        };
        Ok(Self {
            id: r.id,
            name: r.name,
            owner,
            scopes: r.scopes,
            created_at: r.created_at,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
            last_used_at: r.last_used_at,
        })
    }
}

macro_rules! columns {
    () => {
        "id, name, person_id, organisation_id, service_account_id, scopes, created_at, expires_at, revoked_at, last_used_at"
    };
}

pub async fn create(
    db: &mut Db,
    token_hash: &str,
    name: &str,
    owner: Owner,
    scopes: &str,
    expires_at: OffsetDateTime,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    let (person, org, account) = match owner {
        Owner::Person(p) => (Some(p.0), None, None),
        Owner::ServiceAccount { organisation, id } => (None, Some(organisation.0), Some(id)),
    };
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO api_tokens (id, token_hash, name, person_id, organisation_id, service_account_id, scopes, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    )
    .bind(id)
    .bind(token_hash)
    .bind(name)
    .bind(person)
    .bind(org)
    .bind(account)
    .bind(scopes)
    .bind(crate::now())
    .bind(expires_at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(id)
}

pub async fn by_hash(db: &mut Db, token_hash: &str) -> Result<Option<Token>> {
    let row: Option<Row> = with_conn!(db, |c| sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM api_tokens WHERE token_hash = $1"
    ))
    .bind(token_hash)
    .fetch_optional(&mut *c)
    .await)?;
    row.map(TryInto::try_into).transpose()
}

/// Records use, at most once a minute per token.
pub async fn touch(db: &mut Db, id: Uuid, now: OffsetDateTime) -> Result<()> {
    with_conn!(db, |c| {
        sqlx::query(
        "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)"
    )
    .bind(id)
    .bind(now)
    .bind(now - time::Duration::minutes(1))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Tokens of one owner, newest first.
pub async fn of_owner(db: &mut Db, owner: Owner) -> Result<Vec<Token>> {
    let rows: Vec<Row> = match owner {
        Owner::Person(p) => with_conn!(db, |c| sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM api_tokens WHERE person_id = $1 ORDER BY created_at DESC, id DESC"
        ))
        .bind(p.0)
        .fetch_all(&mut *c)
        .await)?,
        Owner::ServiceAccount { organisation, id } => with_conn!(db, |c| {
            sqlx::query_as(concat!(
            "SELECT ", columns!(), " FROM api_tokens WHERE organisation_id = $1 AND service_account_id = $2 ORDER BY created_at DESC, id DESC"
        ))
        .bind(organisation.0)
        .bind(id)
        .fetch_all(&mut *c)
        .await
        })?,
    };
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Service-account tokens of an organisation, newest first.
pub async fn of_organisation(db: &mut Db, org: OrganisationId) -> Result<Vec<Token>> {
    let rows: Vec<Row> = with_conn!(db, |c| sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM api_tokens WHERE organisation_id = $1 ORDER BY created_at DESC, id DESC"
    ))
    .bind(org.0)
    .fetch_all(&mut *c)
    .await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// Who may revoke a token: the person it belongs to, or an administrator of the organisation
/// whose service account holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Revoker {
    Person(PersonId),
    Organisation(OrganisationId),
}

/// Revokes a token; `NotFound` for a token the revoker does not hold.
pub async fn revoke(db: &mut Db, revoker: Revoker, id: Uuid) -> Result<()> {
    let (sql, holder) = match revoker {
        Revoker::Person(p) => (
            "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $3) WHERE id = $1 AND person_id = $2",
            p.0,
        ),
        Revoker::Organisation(o) => (
            "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $3) WHERE id = $1 AND organisation_id = $2",
            o.0,
        ),
    };
    let done = with_conn!(db, |c| sqlx::query(sql)
        .bind(id)
        .bind(holder)
        .bind(crate::now())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    if done == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// Deletes tokens that expired or were revoked before `before`.
pub async fn delete_dead_before(db: &mut Db, before: OffsetDateTime) -> Result<u64> {
    Ok(with_conn!(db, |c| sqlx::query(
        "DELETE FROM api_tokens WHERE expires_at < $1 OR revoked_at < $1"
    )
    .bind(before)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?)
}

/// An organisation's integration that is not a person.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ServiceAccount {
    pub id: Uuid,
    pub name: String,
    pub created_at: OffsetDateTime,
}

/// Creates a service account, or returns the existing one with that name.
pub async fn service_account(
    db: &mut Db,
    org: OrganisationId,
    name: &str,
) -> Result<ServiceAccount> {
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO service_accounts (organisation_id, id, name, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (organisation_id, name) DO NOTHING"
    )
    .bind(org.0)
    .bind(Uuid::now_v7())
    .bind(name)
    .bind(crate::now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(with_conn!(db, |c| sqlx::query_as(
        "SELECT id, name, created_at FROM service_accounts WHERE organisation_id = $1 AND name = $2"
    )
    .bind(org.0)
    .bind(name)
    .fetch_one(&mut *c)
    .await)?)
}

pub async fn service_accounts(db: &mut Db, org: OrganisationId) -> Result<Vec<ServiceAccount>> {
    Ok(with_conn!(db, |c| sqlx::query_as(
        "SELECT id, name, created_at FROM service_accounts WHERE organisation_id = $1 ORDER BY name"
    )
    .bind(org.0)
    .fetch_all(&mut *c)
    .await)?)
}
