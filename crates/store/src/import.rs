//! Applies a people-import plan (see `domain::import`) in one transaction: units created as
//! needed, people and memberships created or updated, managers resolved by employee number.
//! Reads the organisation's HR-held fields to compare; callers check that the actor may import.

use std::collections::{HashMap, HashSet};

use domain::import::{Action, Existing, ImportRow, Plan, RowError};
use domain::person::DataSource;
use domain::{MembershipId, OrganisationId, PersonId, UnitId};
use time::Date;
use uuid::Uuid;

use crate::bulk::{MembershipRow, PersonRow};
use crate::{Db, Result, StoreError, now, with_conn};

/// What an existing membership is, for applying changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ids {
    pub person: PersonId,
    pub membership: MembershipId,
    /// Whether the person's name and e-mail belong to the employer (HR or admin), so that the
    /// import may change them.
    pub employer_owns_profile: bool,
}

/// What the organisation holds now: memberships by employee number, and units by path.
pub struct Current {
    pub members: HashMap<String, Existing<Ids>>,
    pub units: HashMap<Vec<String>, UnitId>,
}

impl Current {
    pub fn unit_paths(&self) -> HashSet<Vec<String>> {
        self.units.keys().cloned().collect()
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    employee_number: String,
    id: Uuid,
    person_id: Uuid,
    unit_id: Option<Uuid>,
    position: Option<String>,
    starts_on: Date,
    ends_on: Option<Date>,
    status: String,
    manager_number: Option<String>,
    given_name: String,
    family_name: String,
    email: String,
    birth_date: Option<Date>,
    birth_year: Option<i32>,
    profile_source: String,
}

pub async fn current(db: &mut Db, org: OrganisationId) -> Result<Current> {
    let units: HashMap<Vec<String>, UnitId> = crate::units::tree(db, org)
        .await?
        .into_iter()
        .map(|u| (u.path.split('/').map(str::to_owned).collect(), u.id))
        .collect();
    let unit_path: HashMap<UnitId, Vec<String>> =
        units.iter().map(|(p, id)| (*id, p.clone())).collect();
    let rows: Vec<Row> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT m.employee_number, m.id, m.person_id, m.unit_id, m.position, m.starts_on, m.ends_on, m.status, \
         (SELECT mm.employee_number FROM memberships mm WHERE mm.organisation_id = m.organisation_id \
            AND mm.person_id = m.manager_id AND mm.employee_number IS NOT NULL LIMIT 1) AS manager_number, \
         p.given_name, p.family_name, p.email, p.birth_date, p.birth_year, p.profile_source \
         FROM memberships m JOIN people p ON p.id = m.person_id \
         WHERE m.organisation_id = $1 AND m.employee_number IS NOT NULL"
    )
    .bind(org.0)
    .fetch_all(&mut *c)
    .await
    })?;
    let members = rows
        .into_iter()
        .map(|r| {
            let existing = Existing {
                person: Ids {
                    person: PersonId(r.person_id),
                    membership: MembershipId(r.id),
                    employer_owns_profile: r.profile_source == "hr_import"
                        || r.profile_source == "admin",
                },
                given_name: r.given_name,
                family_name: r.family_name,
                email: r.email,
                birth: domain::person::Birth::from_parts(r.birth_date, r.birth_year),
                unit_path: r
                    .unit_id
                    .and_then(|u| unit_path.get(&UnitId(u)).cloned())
                    .unwrap_or_default(),
                position: r.position,
                manager_number: r.manager_number,
                starts_on: r.starts_on,
                ends_on: r.ends_on,
                ended: r.status == "ended",
            };
            (r.employee_number, existing)
        })
        .collect();
    Ok(Current { members, units })
}

/// Applies the plan; every write happens in `db`'s transaction. A row that breaks a database
/// rule (an e-mail used by another account) stops the import and is returned with its line;
/// the caller then rolls back. Also returns the people whose rows were created or changed
/// (for the audit log).
pub async fn apply(
    db: &mut Db,
    org: OrganisationId,
    plan: &Plan,
    current: &mut Current,
    today: Date,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(Vec<RowError>, Vec<PersonId>)> {
    for path in &plan.new_units {
        let parent = path
            .len()
            .checked_sub(1)
            .and_then(|n| current.units.get(&path[..n]).copied());
        let name = path.last().map(String::as_str).unwrap_or_default();
        let id = crate::units::create(db, org, parent, name).await?;
        current.units.insert(path.clone(), id);
    }
    let at = now();
    // People for new memberships: the account that has the e-mail already, else a new person.
    let created: Vec<&ImportRow> = plan
        .rows
        .iter()
        .filter(|p| p.action == Action::Create)
        .map(|p| &p.row)
        .collect();
    let emails: Vec<&str> = created.iter().map(|r| r.email.as_str()).collect();
    let known = crate::bulk::people_by_email(db, &emails).await?;
    let mut placed: HashMap<&str, PersonId> = current
        .members
        .iter()
        .map(|(n, e)| (n.as_str(), e.person.person))
        .collect();
    let mut new_people = Vec::new();
    let mut keys = Vec::with_capacity(created.len());
    for row in &created {
        let (person, key) = match known.get(row.email.as_str()) {
            Some((person, key)) => (*person, key.clone()),
            None => {
                let person = PersonId::new();
                new_people.push(PersonRow {
                    id: person,
                    given_name: row.given_name.clone(),
                    family_name: row.family_name.clone(),
                    email: row.email.as_str().to_owned(),
                    birth_date: row.birth.and_then(domain::person::Birth::date),
                    birth_year: row.birth.and_then(domain::person::Birth::year),
                });
                (
                    person,
                    domain::person::sort_key(&row.family_name, &row.given_name),
                )
            }
        };
        placed.insert(row.employee_number.as_str(), person);
        keys.push((person, key));
    }
    // Changes to existing memberships, row by row, so that a conflict names its line. The
    // transaction cannot go on after a constraint failure (PostgreSQL aborts it): report the row
    // and let the caller roll back.
    for planned in plan
        .rows
        .iter()
        .filter(|p| matches!(p.action, Action::Update | Action::End))
    {
        let row = &planned.row;
        let Some(existing) = current.members.get(&row.employee_number) else {
            continue;
        };
        let unit = (!row.unit_path.is_empty())
            .then(|| current.units.get(&row.unit_path).copied())
            .flatten();
        match update(db, org, row, existing.person, unit, status(row, today), at).await {
            Ok(_) => {}
            Err(StoreError::Invalid(fields)) => {
                let conflicts = fields
                    .0
                    .iter()
                    .map(|f| RowError {
                        line: row.line,
                        column: f.field.clone(),
                        code: "already_exists",
                    })
                    .collect();
                return Ok((conflicts, Vec::new()));
            }
            Err(e) => return Err(e),
        }
        progress(1);
    }
    // New people and memberships in bulk; every manager's id is known by now.
    crate::bulk::people(db, &new_people, DataSource::HrImport, None, at).await?;
    let memberships: Vec<MembershipRow> = created
        .iter()
        .zip(keys)
        .map(|(row, (person, sort_key))| MembershipRow {
            id: MembershipId::new(),
            status: status(row, today),
            source: DataSource::HrImport,
            ends_on: row.ends_on,
            person,
            unit: (!row.unit_path.is_empty())
                .then(|| current.units.get(&row.unit_path).copied())
                .flatten(),
            position: row.position.clone(),
            employee_number: row.employee_number.clone(),
            manager: row
                .manager_number
                .as_deref()
                .and_then(|m| placed.get(m).copied()),
            starts_on: row.starts_on.unwrap_or(at.date()),
            sort_key,
        })
        .collect();
    crate::bulk::memberships(db, org, &memberships, at).await?;
    progress(created.len() as u64);
    // Managers last: every person of the file exists now.
    for planned in &plan.rows {
        let row = &planned.row;
        let changed = planned.action != Action::Create
            && planned.changes.contains(&"manager_employee_number");
        if !changed {
            continue;
        }
        let manager = row
            .manager_number
            .as_deref()
            .and_then(|m| placed.get(m).copied());
        with_conn!(db, |c| {
            sqlx::query(
            "UPDATE memberships SET manager_id = $3 WHERE organisation_id = $1 AND employee_number = $2"
        )
        .bind(org.0)
        .bind(&row.employee_number)
        .bind(manager.map(|m| m.0))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
    }
    let touched = plan
        .rows
        .iter()
        .filter(|p| p.action != Action::Unchanged)
        .filter_map(|p| placed.get(p.row.employee_number.as_str()).copied())
        .collect();
    Ok((Vec::new(), touched))
}

fn status(row: &ImportRow, today: Date) -> &'static str {
    if row.ends_on.is_some_and(|d| d <= today) {
        "ended"
    } else {
        "active"
    }
}

async fn update(
    db: &mut Db,
    org: OrganisationId,
    row: &domain::import::ImportRow,
    ids: Ids,
    unit: Option<UnitId>,
    status: &str,
    at: time::OffsetDateTime,
) -> Result<Option<PersonId>> {
    if ids.employer_owns_profile {
        with_conn!(db, |c| {
            sqlx::query(
            "UPDATE people SET given_name = $2, family_name = $3, email = $4, \
             birth_date = CASE WHEN $7 THEN $5 ELSE birth_date END, birth_year = CASE WHEN $7 THEN $8 ELSE birth_year END, \
             profile_source = 'hr_import', updated_at = $6 WHERE id = $1"
        )
        .bind(ids.person.0)
        .bind(&row.given_name)
        .bind(&row.family_name)
        .bind(row.email.as_str())
        .bind(row.birth.and_then(domain::person::Birth::date))
        .bind(at)
        .bind(row.birth.is_some())
        .bind(row.birth.and_then(domain::person::Birth::year))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        .map_err(StoreError::unique_as("email"))
        })?;
        crate::people::refresh_sort_keys(db, ids.person).await?;
    }
    with_conn!(db, |c| {
        sqlx::query(
        "UPDATE memberships SET unit_id = $3, position = $4, starts_on = COALESCE($5, starts_on), ends_on = $6, \
         status = $7, source = 'hr_import', updated_at = $8 WHERE organisation_id = $1 AND id = $2"
    )
    .bind(org.0)
    .bind(ids.membership.0)
    .bind(unit.map(|u| u.0))
    .bind(row.position.as_deref())
    .bind(row.starts_on)
    .bind(row.ends_on)
    .bind(status)
    .bind(at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(Some(ids.person))
}
