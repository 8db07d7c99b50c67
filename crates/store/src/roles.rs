//! Granted roles per organisation, and platform operators.

use domain::access::OrgRole;
use domain::{OrganisationId, PersonId};
use uuid::Uuid;

use crate::{Db, Result, now, with_conn};

/// Grants `role` in `org`; granting a role the person already has changes nothing.
pub async fn grant(
    db: &mut Db,
    org: OrganisationId,
    person: PersonId,
    role: OrgRole,
    by: Option<PersonId>,
) -> Result<()> {
    with_conn!(db, |c| sqlx::query(
        "INSERT INTO role_grants (organisation_id, id, person_id, role, granted_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (organisation_id, person_id, role) DO NOTHING"
    )
    .bind(org.0)
    .bind(Uuid::now_v7())
    .bind(person.0)
    .bind(role.as_str())
    .bind(by.map(|p| p.0))
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Revokes `role` in `org`; returns whether the person had it.
pub async fn revoke(
    db: &mut Db,
    org: OrganisationId,
    person: PersonId,
    role: OrgRole,
) -> Result<bool> {
    let done = with_conn!(db, |c| sqlx::query(
        "DELETE FROM role_grants WHERE organisation_id = $1 AND person_id = $2 AND role = $3"
    )
    .bind(org.0)
    .bind(person.0)
    .bind(role.as_str())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done > 0)
}

/// How many people hold `role` in `org` (to refuse removing the last administrator).
pub async fn count(db: &mut Db, org: OrganisationId, role: OrgRole) -> Result<i64> {
    Ok(with_conn!(db, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM role_grants WHERE organisation_id = $1 AND role = $2"
    )
    .bind(org.0)
    .bind(role.as_str())
    .fetch_one(&mut *c)
    .await)?)
}

/// Makes the person a platform operator (idempotent).
pub async fn grant_operator(db: &mut Db, person: PersonId) -> Result<()> {
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO platform_operators (person_id, granted_at) VALUES ($1, $2) ON CONFLICT (person_id) DO NOTHING"
    )
    .bind(person.0)
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}
