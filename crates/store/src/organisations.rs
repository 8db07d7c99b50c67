//! Organisations (tenants) and their settings.

use domain::OrganisationId;
use domain::org::{Language, MinimumAge, OrganisationKind, OrganisationSettings, Slug};
use domain::person::Email;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, Result, StoreError, now, stored, with_conn};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organisation {
    pub id: OrganisationId,
    pub slug: Slug,
    pub name: String,
    pub kind: OrganisationKind,
    pub minimum_age: Option<MinimumAge>,
    pub languages: Vec<Language>,
    pub contact_email: Option<String>,
    pub dpo_name: Option<String>,
    pub dpo_email: Option<String>,
    pub created_at: OffsetDateTime,
    /// How many memberships (of every status) the organisation has; kept by triggers.
    pub member_count: i64,
}

impl Organisation {
    /// The catalogue key naming the organisation's kind.
    pub fn kind_key(&self) -> &'static str {
        match self.kind {
            OrganisationKind::PublicBody => "org_kind.public_body",
            OrganisationKind::Private => "org_kind.private",
        }
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    slug: String,
    name: String,
    kind: String,
    minimum_age: Option<i32>,
    languages: String,
    contact_email: Option<String>,
    dpo_name: Option<String>,
    dpo_email: Option<String>,
    created_at: OffsetDateTime,
    member_count: i64,
}

impl TryFrom<Row> for Organisation {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        let minimum_age = match r.minimum_age {
            Some(years) => Some(stored(
                u8::try_from(years)
                    .map_err(|_| "")
                    .and_then(MinimumAge::new),
                "organisations.minimum_age",
            )?),
            None => None,
        };
        Ok(Self {
            id: OrganisationId(r.id),
            slug: stored(Slug::parse(&r.slug), "organisations.slug")?,
            name: r.name,
            kind: stored(OrganisationKind::parse(&r.kind), "organisations.kind")?,
            minimum_age,
            languages: stored(
                Language::parse_list(&r.languages),
                "organisations.languages",
            )?,
            contact_email: r.contact_email,
            dpo_name: r.dpo_name,
            dpo_email: r.dpo_email,
            created_at: r.created_at,
            member_count: r.member_count,
        })
    }
}

/// An organisation's columns prefixed `o_` and nullable, as a `LEFT JOIN` brings them (see
/// [`crate::sessions::find_signed_in`]).
#[derive(sqlx::FromRow)]
pub(crate) struct JoinedRow {
    o_id: Option<Uuid>,
    o_slug: Option<String>,
    o_name: Option<String>,
    o_kind: Option<String>,
    o_minimum_age: Option<i32>,
    o_languages: Option<String>,
    o_contact_email: Option<String>,
    o_dpo_name: Option<String>,
    o_dpo_email: Option<String>,
    o_created_at: Option<OffsetDateTime>,
    o_member_count: Option<i64>,
}

impl JoinedRow {
    pub(crate) fn into_organisation(self) -> Result<Option<Organisation>> {
        let (
            Some(id),
            Some(slug),
            Some(name),
            Some(kind),
            Some(languages),
            Some(created_at),
            Some(member_count),
        ) = (
            self.o_id,
            self.o_slug,
            self.o_name,
            self.o_kind,
            self.o_languages,
            self.o_created_at,
            self.o_member_count,
        )
        else {
            return Ok(None);
        };
        Row {
            id,
            slug,
            name,
            kind,
            minimum_age: self.o_minimum_age,
            languages,
            contact_email: self.o_contact_email,
            dpo_name: self.o_dpo_name,
            dpo_email: self.o_dpo_email,
            created_at,
            member_count,
        }
        .try_into()
        .map(Some)
    }
}

/// The columns of [`JoinedRow`] from organisations `o`.
macro_rules! joined_columns {
    () => {
        "o.id AS o_id, o.slug AS o_slug, o.name AS o_name, o.kind AS o_kind, o.minimum_age AS o_minimum_age, \
         o.languages AS o_languages, o.contact_email AS o_contact_email, o.dpo_name AS o_dpo_name, \
         o.dpo_email AS o_dpo_email, o.created_at AS o_created_at, o.member_count AS o_member_count"
    };
}
pub(crate) use joined_columns;

macro_rules! columns {
    () => {
        "id, slug, name, kind, minimum_age, languages, contact_email, dpo_name, dpo_email, created_at, member_count"
    };
}

fn age(settings: &OrganisationSettings) -> Option<i32> {
    settings.minimum_age.map(|a| i32::from(a.years()))
}

fn email(e: &Option<Email>) -> Option<&str> {
    e.as_ref().map(Email::as_str)
}

/// Creates an organisation; a taken slug is a field error on `slug`.
pub async fn create(
    db: &mut Db,
    slug: &Slug,
    settings: &OrganisationSettings,
) -> Result<Organisation> {
    let id = OrganisationId::new();
    let at = now();
    let sql = concat!(
        "INSERT INTO organisations (id, slug, name, kind, minimum_age, languages, contact_email, dpo_name, dpo_email, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING ",
        columns!()
    );
    let row: Row = with_conn!(db, |c| sqlx::query_as(sql)
        .bind(id.0)
        .bind(slug.as_str())
        .bind(&settings.name)
        .bind(settings.kind.as_str())
        .bind(age(settings))
        .bind(Language::join(&settings.languages))
        .bind(email(&settings.contact_email))
        .bind(settings.dpo_name.as_deref())
        .bind(email(&settings.dpo_email))
        .bind(at)
        .fetch_one(&mut *c)
        .await
        .map_err(StoreError::unique_as("slug")))?;
    row.try_into()
}

pub async fn update(
    db: &mut Db,
    id: OrganisationId,
    settings: &OrganisationSettings,
) -> Result<Organisation> {
    let sql = concat!(
        "UPDATE organisations SET name = $2, kind = $3, minimum_age = $4, languages = $5, contact_email = $6, \
         dpo_name = $7, dpo_email = $8, updated_at = $9 WHERE id = $1 RETURNING ",
        columns!()
    );
    let row: Option<Row> = with_conn!(db, |c| sqlx::query_as(sql)
        .bind(id.0)
        .bind(&settings.name)
        .bind(settings.kind.as_str())
        .bind(age(settings))
        .bind(Language::join(&settings.languages))
        .bind(email(&settings.contact_email))
        .bind(settings.dpo_name.as_deref())
        .bind(email(&settings.dpo_email))
        .bind(now())
        .fetch_optional(&mut *c)
        .await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

pub async fn by_slug(db: &mut Db, slug: &str) -> Result<Organisation> {
    let sql = concat!("SELECT ", columns!(), " FROM organisations WHERE slug = $1");
    let row: Option<Row> = with_conn!(db, |c| sqlx::query_as(sql)
        .bind(slug)
        .fetch_optional(&mut *c)
        .await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

pub async fn by_id(db: &mut Db, id: OrganisationId) -> Result<Organisation> {
    let sql = concat!("SELECT ", columns!(), " FROM organisations WHERE id = $1");
    let row: Option<Row> = with_conn!(db, |c| sqlx::query_as(sql)
        .bind(id.0)
        .fetch_optional(&mut *c)
        .await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// Every organisation, by name (the operator's list).
pub async fn all(db: &mut Db) -> Result<Vec<Organisation>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM organisations ORDER BY name, slug"
    );
    let rows: Vec<Row> = with_conn!(db, |c| sqlx::query_as(sql).fetch_all(&mut *c).await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// The organisations a person is an active member of or holds a role in, by name.
pub(crate) async fn for_person(db: &mut Db, person: domain::PersonId) -> Result<Vec<Organisation>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM organisations WHERE id IN ( \
           SELECT organisation_id FROM memberships WHERE person_id = $1 AND status <> 'ended' \
           UNION SELECT organisation_id FROM role_grants WHERE person_id = $1) \
         ORDER BY name, slug"
    );
    let rows: Vec<Row> = with_conn!(db, |c| sqlx::query_as(sql)
        .bind(person.0)
        .fetch_all(&mut *c)
        .await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// The organisations with these ids (duplicates and unknown ids are skipped), by name.
pub async fn all_of(
    db: &mut Db,
    ids: impl IntoIterator<Item = OrganisationId>,
) -> Result<Vec<Organisation>> {
    let mut ids: Vec<_> = ids.into_iter().collect();
    ids.sort();
    ids.dedup();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        match by_id(db, id).await {
            Ok(org) => out.push(org),
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}
