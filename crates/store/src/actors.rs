//! Loads the acting person with their grants.

use domain::access::{Actor, OrgRole};
use domain::{OrganisationId, PersonId};
use uuid::Uuid;

use crate::{Db, Result, stored, with_conn};

pub async fn load(db: &mut Db, person: PersonId) -> Result<Actor> {
    let operator: Option<i32> = with_conn!(db, |c| sqlx::query_scalar(
        "SELECT 1 FROM platform_operators WHERE person_id = $1"
    )
    .bind(person.0)
    .fetch_optional(&mut *c)
    .await)?;
    let rows: Vec<(Uuid, String)> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT organisation_id, role FROM role_grants WHERE person_id = $1 ORDER BY organisation_id, role"
    )
    .bind(person.0)
    .fetch_all(&mut *c)
    .await
    })?;
    let grants = rows
        .into_iter()
        .map(|(org, role)| {
            Ok((
                OrganisationId(org),
                stored(OrgRole::parse(&role), "role_grants.role")?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Actor {
        person_id: person,
        operator: operator.is_some(),
        grants,
    })
}
