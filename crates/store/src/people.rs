//! People: platform-wide persons. Writes are public; the full-row read is crate-private so
//! that other crates read people only through [`crate::seam`].

use domain::PersonId;
use domain::org::Language;
use domain::person::{Birth, DataSource, Email, NewPerson, ProfileChange};
use time::Date;
use uuid::Uuid;

use crate::{Db, Result, StoreError, now, with_conn};

#[derive(Clone, Debug, sqlx::FromRow)]
pub(crate) struct PersonRow {
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub birth_date: Option<Date>,
    pub birth_year: Option<i32>,
    pub preferred_language: Option<String>,
    pub profile_source: String,
}

/// Creates a person. An e-mail already in use is a field error on `email`.
pub async fn create(
    db: &mut Db,
    person: &NewPerson,
    source: DataSource,
    language: Option<Language>,
) -> Result<PersonId> {
    let id = PersonId::new();
    let at = now();
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO people (id, given_name, family_name, email, birth_date, birth_year, preferred_language, profile_source, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)"
    )
    .bind(id.0)
    .bind(&person.given_name)
    .bind(&person.family_name)
    .bind(person.email.as_str())
    .bind(person.birth.and_then(Birth::date))
    .bind(person.birth.and_then(Birth::year))
    .bind(language.map(Language::code))
    .bind(source.as_str())
    .bind(at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    .map_err(StoreError::unique_as("email"))
    })?;
    Ok(id)
}

pub(crate) async fn find(db: &mut Db, id: PersonId) -> Result<PersonRow> {
    let row: Option<PersonRow> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT given_name, family_name, email, birth_date, birth_year, preferred_language, profile_source \
         FROM people WHERE id = $1"
    )
    .bind(id.0)
    .fetch_optional(&mut *c)
    .await
    })?;
    row.ok_or(StoreError::NotFound)
}

/// The id of the person with this e-mail, if any. Reveals nothing but existence.
pub async fn id_by_email(db: &mut Db, email: &Email) -> Result<Option<PersonId>> {
    let id: Option<Uuid> = with_conn!(db, |c| sqlx::query_scalar(
        "SELECT id FROM people WHERE email = $1"
    )
    .bind(email.as_str())
    .fetch_optional(&mut *c)
    .await)?;
    Ok(id.map(PersonId))
}

/// The person's source for name and e-mail, which decides whether they may edit them.
pub(crate) async fn profile_source(db: &mut Db, id: PersonId) -> Result<DataSource> {
    let source: Option<String> = with_conn!(db, |c| sqlx::query_scalar(
        "SELECT profile_source FROM people WHERE id = $1"
    )
    .bind(id.0)
    .fetch_optional(&mut *c)
    .await)?;
    crate::stored(
        DataSource::parse(&source.ok_or(StoreError::NotFound)?),
        "people.profile_source",
    )
}

/// Applies a validated change to the person's own profile.
pub async fn update_profile(db: &mut Db, id: PersonId, change: &ProfileChange) -> Result<()> {
    let done = with_conn!(db, |c| {
        sqlx::query(
        "UPDATE people SET given_name = COALESCE($2, given_name), family_name = COALESCE($3, family_name), \
         email = COALESCE($4, email), preferred_language = COALESCE($5, preferred_language), updated_at = $6 \
         WHERE id = $1"
    )
    .bind(id.0)
    .bind(change.given_name.as_deref())
    .bind(change.family_name.as_deref())
    .bind(change.email.as_ref().map(Email::as_str))
    .bind(change.preferred_language.map(Language::code))
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    .map_err(StoreError::unique_as("email"))
    })?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    if change.given_name.is_some() || change.family_name.is_some() {
        refresh_sort_keys(db, id).await?;
    }
    Ok(())
}

/// The person's name as a sort key (see `domain::person::sort_key`).
pub(crate) async fn sort_key_of(db: &mut Db, id: PersonId) -> Result<String> {
    let (given, family): (String, String) = with_conn!(db, |c| sqlx::query_as(
        "SELECT given_name, family_name FROM people WHERE id = $1"
    )
    .bind(id.0)
    .fetch_optional(&mut *c)
    .await)?
    .ok_or(StoreError::NotFound)?;
    Ok(domain::person::sort_key(&family, &given))
}

/// Brings the sort key of every membership of the person in line with their name.
pub(crate) async fn refresh_sort_keys(db: &mut Db, id: PersonId) -> Result<()> {
    let key = sort_key_of(db, id).await?;
    with_conn!(db, |c| sqlx::query(
        "UPDATE memberships SET sort_key = $2 WHERE person_id = $1"
    )
    .bind(id.0)
    .bind(key)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}
