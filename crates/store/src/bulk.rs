//! Bulk inserts for generated data (`tavle dataset`): many rows per statement, inside the
//! caller's transaction. Rows are validated by the caller; constraints still hold.

use domain::{MembershipId, OrganisationId, PersonId, UnitId};
use time::{Date, OffsetDateTime};

use crate::{Db, Result, with_conn};

/// Rows per statement: well under SQLite's and PostgreSQL's bind-parameter limits.
const CHUNK: usize = 1000;

pub struct PersonRow {
    pub id: PersonId,
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub birth_date: Option<Date>,
    /// A year of birth where only that is known.
    pub birth_year: Option<i32>,
}

pub struct MembershipRow {
    pub id: MembershipId,
    /// `active` or `ended`.
    pub status: &'static str,
    pub source: domain::person::DataSource,
    pub ends_on: Option<Date>,
    pub person: PersonId,
    pub unit: Option<UnitId>,
    pub position: Option<String>,
    pub employee_number: String,
    pub manager: Option<PersonId>,
    pub starts_on: Date,
    /// `domain::person::sort_key` of the person's name.
    pub sort_key: String,
}

/// Inserts people, and a password login for each when `password_hash` is given (one hash
/// shared by all: synthetic data only).
pub async fn people(
    db: &mut Db,
    rows: &[PersonRow],
    source: domain::person::DataSource,
    password_hash: Option<&str>,
    at: OffsetDateTime,
) -> Result<()> {
    for chunk in rows.chunks(CHUNK) {
        with_conn!(db, |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO people (id, given_name, family_name, email, birth_date, birth_year, preferred_language, profile_source, created_at, updated_at) ",
            );
            q.push_values(chunk, |mut b, p| {
                b.push_bind(p.id.0)
                    .push_bind(&p.given_name)
                    .push_bind(&p.family_name)
                    .push_bind(&p.email)
                    .push_bind(p.birth_date)
                    .push_bind(p.birth_year)
                    .push_bind(None::<String>)
                    .push_bind(source.as_str())
                    .push_bind(at)
                    .push_bind(at);
            });
            q.build().execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
        let Some(password_hash) = password_hash else {
            continue;
        };
        with_conn!(db, |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO login_identities (id, person_id, provider, subject, secret_hash, created_at) ",
            );
            q.push_values(chunk, |mut b, p| {
                b.push_bind(uuid::Uuid::now_v7())
                    .push_bind(p.id.0)
                    .push_bind("password")
                    .push_bind(p.id.0.to_string())
                    .push_bind(password_hash)
                    .push_bind(at);
            });
            q.build().execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Inserts employee memberships.
pub async fn memberships(
    db: &mut Db,
    org: OrganisationId,
    rows: &[MembershipRow],
    at: OffsetDateTime,
) -> Result<()> {
    for chunk in rows.chunks(CHUNK) {
        with_conn!(db, |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO memberships (organisation_id, id, person_id, kind, unit_id, position, employee_number, \
                 manager_id, starts_on, ends_on, source, status, created_at, updated_at, sort_key) ",
            );
            q.push_values(chunk, |mut b, m| {
                b.push_bind(org.0)
                    .push_bind(m.id.0)
                    .push_bind(m.person.0)
                    .push_bind("employee")
                    .push_bind(m.unit.map(|u| u.0))
                    .push_bind(&m.position)
                    .push_bind(&m.employee_number)
                    .push_bind(m.manager.map(|p| p.0))
                    .push_bind(m.starts_on)
                    .push_bind(m.ends_on)
                    .push_bind(m.source.as_str())
                    .push_bind(m.status)
                    .push_bind(at)
                    .push_bind(at)
                    .push_bind(&m.sort_key);
            });
            q.build().execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Person ids by employee number, for the organisation's memberships that have one.
pub async fn people_by_employee_number(
    db: &mut Db,
    org: OrganisationId,
    prefix: &str,
) -> Result<Vec<(String, PersonId)>> {
    let rows: Vec<(String, uuid::Uuid)> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT employee_number, person_id FROM memberships WHERE organisation_id = $1 AND employee_number LIKE $2"
    )
    .bind(org.0)
    .bind(format!("{prefix}%"))
    .fetch_all(&mut *c)
    .await
    })?;
    Ok(rows.into_iter().map(|(n, p)| (n, PersonId(p))).collect())
}

/// People with these e-mail addresses: id and name sort key, by e-mail.
pub async fn people_by_email(
    db: &mut Db,
    emails: &[&str],
) -> Result<std::collections::HashMap<String, (PersonId, String)>> {
    let mut found = std::collections::HashMap::new();
    for chunk in emails.chunks(500) {
        let rows: Vec<(uuid::Uuid, String, String, String)> = with_conn!(db, |c| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT id, email, given_name, family_name FROM people WHERE email IN (",
            );
            let mut list = q.separated(", ");
            for email in chunk {
                list.push_bind(*email);
            }
            q.push(")");
            q.build_query_as().fetch_all(&mut *c).await
        })?;
        for (id, email, given, family) in rows {
            found.insert(
                email,
                (PersonId(id), domain::person::sort_key(&family, &given)),
            );
        }
    }
    Ok(found)
}
