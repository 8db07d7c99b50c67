//! Memberships: a person's employment or study in one organisation. Writes are public; reads
//! are crate-private and reach other crates through [`crate::seam`].

use domain::person::{DataSource, MembershipKind, MembershipStatus, MembershipTerms};
use domain::{FieldErrors, MembershipId, OrganisationId, PersonId, UnitId};
use time::Date;
use uuid::Uuid;

use crate::{Db, Result, StoreError, now, stored, with_conn};

/// One membership as shown to someone allowed to see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    pub id: MembershipId,
    pub organisation_id: OrganisationId,
    pub person_id: PersonId,
    pub kind: MembershipKind,
    pub unit_id: Option<UnitId>,
    pub unit_name: Option<String>,
    pub position: Option<String>,
    pub employee_number: Option<String>,
    pub manager_id: Option<PersonId>,
    /// The manager's full name and e-mail: a member may know who their manager is.
    pub manager_name: Option<String>,
    pub manager_email: Option<String>,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub source: DataSource,
    pub status: MembershipStatus,
}

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    id: Uuid,
    organisation_id: Uuid,
    person_id: Uuid,
    kind: String,
    unit_id: Option<Uuid>,
    unit_name: Option<String>,
    position: Option<String>,
    employee_number: Option<String>,
    manager_id: Option<Uuid>,
    manager_given_name: Option<String>,
    manager_family_name: Option<String>,
    manager_email: Option<String>,
    starts_on: Date,
    ends_on: Option<Date>,
    source: String,
    status: String,
}

impl TryFrom<Row> for Membership {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(Self {
            id: MembershipId(r.id),
            organisation_id: OrganisationId(r.organisation_id),
            person_id: PersonId(r.person_id),
            kind: stored(MembershipKind::parse(&r.kind), "memberships.kind")?,
            unit_id: r.unit_id.map(UnitId),
            unit_name: r.unit_name,
            position: r.position,
            employee_number: r.employee_number,
            manager_id: r.manager_id.map(PersonId),
            manager_name: match (r.manager_given_name, r.manager_family_name) {
                (Some(g), Some(f)) => Some(format!("{g} {f}")),
                _ => None,
            },
            manager_email: r.manager_email,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            source: stored(DataSource::parse(&r.source), "memberships.source")?,
            status: stored(MembershipStatus::parse(&r.status), "memberships.status")?,
        })
    }
}

/// The columns of [`Row`] (memberships `m`, units `u`, managers `mp`), and the joins they need.
macro_rules! row_columns {
    () => {
        "m.id, m.organisation_id, m.person_id, m.kind, m.unit_id, u.name AS unit_name, m.position, \
         m.employee_number, m.manager_id, mp.given_name AS manager_given_name, mp.family_name AS manager_family_name, \
         mp.email AS manager_email, m.starts_on, m.ends_on, m.source, m.status "
    };
}

macro_rules! row_joins {
    () => {
        "LEFT JOIN org_units u ON u.organisation_id = m.organisation_id AND u.id = m.unit_id \
         LEFT JOIN people mp ON mp.id = m.manager_id "
    };
}

macro_rules! select {
    () => {
        concat!(
            "SELECT ",
            row_columns!(),
            "FROM memberships m ",
            row_joins!()
        )
    };
}

/// Where in the organisation a membership sits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Placement {
    pub unit: Option<UnitId>,
    pub manager: Option<PersonId>,
}

/// Checks that the unit belongs to the organisation and that the manager is someone else with
/// a current membership there; anything else is an unknown choice.
async fn check_placement(
    db: &mut Db,
    org: OrganisationId,
    person: PersonId,
    placement: Placement,
) -> Result<()> {
    let mut errors = FieldErrors::new();
    if let Some(unit) = placement.unit
        && !crate::units::exists(db, org, unit).await?
    {
        errors.add("unit_id", "invalid_choice");
    }
    if let Some(manager) = placement.manager
        && (manager == person || !is_current_member(db, org, manager).await?)
    {
        errors.add("manager_id", "invalid_choice");
    }
    errors.into_result(()).map_err(Into::into)
}

/// Whether the person has a membership in `org` that has not ended.
pub async fn is_current_member(db: &mut Db, org: OrganisationId, person: PersonId) -> Result<bool> {
    let found: Option<i32> = with_conn!(db, |c| {
        sqlx::query_scalar(
        "SELECT 1 FROM memberships WHERE organisation_id = $1 AND person_id = $2 AND status <> 'ended' LIMIT 1"
    )
    .bind(org.0)
    .bind(person.0)
    .fetch_optional(&mut *c)
    .await
    })?;
    Ok(found.is_some())
}

pub async fn create(
    db: &mut Db,
    org: OrganisationId,
    person: PersonId,
    terms: &MembershipTerms,
    placement: Placement,
    source: DataSource,
) -> Result<MembershipId> {
    check_placement(db, org, person, placement).await?;
    let sort_key = crate::people::sort_key_of(db, person).await?;
    let id = MembershipId::new();
    let at = now();
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO memberships (organisation_id, id, person_id, kind, unit_id, position, employee_number, manager_id, \
         starts_on, ends_on, source, status, created_at, updated_at, sort_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14)"
    )
    .bind(org.0)
    .bind(id.0)
    .bind(person.0)
    .bind(terms.kind.as_str())
    .bind(placement.unit.map(|u| u.0))
    .bind(terms.position.as_deref())
    .bind(terms.employee_number.as_deref())
    .bind(placement.manager.map(|m| m.0))
    .bind(terms.starts_on)
    .bind(terms.ends_on)
    .bind(source.as_str())
    .bind(terms.status.as_str())
    .bind(at)
    .bind(&sort_key)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    .map_err(StoreError::unique_as("employee_number"))
    })?;
    Ok(id)
}

/// Changes a membership's terms and placement. A membership of another organisation is not found.
pub async fn update(
    db: &mut Db,
    org: OrganisationId,
    id: MembershipId,
    terms: &MembershipTerms,
    placement: Placement,
) -> Result<PersonId> {
    let person: Option<Uuid> = with_conn!(db, |c| sqlx::query_scalar(
        "SELECT person_id FROM memberships WHERE organisation_id = $1 AND id = $2"
    )
    .bind(org.0)
    .bind(id.0)
    .fetch_optional(&mut *c)
    .await)?;
    let person = PersonId(person.ok_or(StoreError::NotFound)?);
    check_placement(db, org, person, placement).await?;
    with_conn!(db, |c| {
        sqlx::query(
        "UPDATE memberships SET kind = $3, unit_id = $4, position = $5, employee_number = $6, manager_id = $7, \
         starts_on = $8, ends_on = $9, status = $10, updated_at = $11 WHERE organisation_id = $1 AND id = $2"
    )
    .bind(org.0)
    .bind(id.0)
    .bind(terms.kind.as_str())
    .bind(placement.unit.map(|u| u.0))
    .bind(terms.position.as_deref())
    .bind(terms.employee_number.as_deref())
    .bind(placement.manager.map(|m| m.0))
    .bind(terms.starts_on)
    .bind(terms.ends_on)
    .bind(terms.status.as_str())
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    .map_err(StoreError::unique_as("employee_number"))
    })?;
    Ok(person)
}

pub(crate) async fn of_person(
    db: &mut Db,
    person: PersonId,
    org: Option<OrganisationId>,
) -> Result<Vec<Membership>> {
    let rows: Vec<Row> = with_conn!(db, |c| {
        sqlx::query_as(concat!(
        select!(),
        "WHERE m.person_id = $1 AND ($2 IS NULL OR m.organisation_id = $2) ORDER BY m.starts_on DESC, m.id"
    ))
    .bind(person.0)
    .bind(org.map(|o| o.0))
    .fetch_all(&mut *c)
    .await
    })?;
    rows.into_iter().map(TryInto::try_into).collect()
}

pub(crate) async fn get(db: &mut Db, org: OrganisationId, id: MembershipId) -> Result<Membership> {
    let row: Option<Row> = with_conn!(db, |c| sqlx::query_as(concat!(
        select!(),
        "WHERE m.organisation_id = $1 AND m.id = $2"
    ))
    .bind(org.0)
    .bind(id.0)
    .fetch_optional(&mut *c)
    .await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}
