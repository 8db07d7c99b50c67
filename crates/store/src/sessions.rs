//! Login sessions, stored by the SHA-256 of the cookie token (the token itself is never stored).

use domain::access::{Actor, OrgRole};
use domain::org::Language;
use domain::{OrganisationId, PersonId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::organisations::{JoinedRow, Organisation, joined_columns};
use crate::{Db, Result, json_rows, now, stored, with_conn, with_dialect};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub person_id: PersonId,
    pub last_seen_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

pub async fn create(
    db: &mut Db,
    token_hash: &str,
    person: PersonId,
    expires_at: OffsetDateTime,
) -> Result<()> {
    let at = now();
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO sessions (token_hash, person_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)"
    )
    .bind(token_hash)
    .bind(person.0)
    .bind(at)
    .bind(expires_at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn find(db: &mut Db, token_hash: &str) -> Result<Option<Session>> {
    let row: Option<(Uuid, OffsetDateTime, OffsetDateTime)> = with_conn!(db, |c| sqlx::query_as(
        "SELECT person_id, last_seen_at, expires_at FROM sessions WHERE token_hash = $1"
    )
    .bind(token_hash)
    .fetch_optional(&mut *c)
    .await)?;
    Ok(row.map(|(person, last_seen_at, expires_at)| Session {
        person_id: PersonId(person),
        last_seen_at,
        expires_at,
    }))
}

/// A live-or-expired session with everything a request needs about its person: the actor
/// (operator flag and grants), their language choice and, when the request names an
/// organisation, that organisation and whether the person is a current member of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub session: Session,
    pub actor: Actor,
    pub language: Option<Language>,
    pub organisation: Option<OrganisationInContext>,
    /// The person must accept a policy version before using the service (the gate,
    /// [`crate::policies::must_accept`]).
    pub policies_pending: bool,
    /// The text version of the person's last answer to the cookie banner (the
    /// `analytics_cookies` consent, given or withdrawn); `None` if they never answered.
    pub cookie_answer: Option<u32>,
}

/// The organisation a request's path names, loaded with its session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrganisationInContext {
    pub organisation: Organisation,
    /// The signed-in person has a current (not ended) membership in it.
    pub is_current_member: bool,
}

#[derive(sqlx::FromRow)]
struct SignedInRow {
    person_id: Uuid,
    last_seen_at: OffsetDateTime,
    expires_at: OffsetDateTime,
    preferred_language: Option<String>,
    operator: i64,
    grants: String,
    o_is_member: Option<i64>,
    policies_pending: bool,
    cookie_answer: Option<i32>,
    #[sqlx(flatten)]
    organisation: JoinedRow,
}

macro_rules! signed_in_sql {
    ($grants:literal) => {
        concat!(
            "SELECT s.person_id, s.last_seen_at, s.expires_at, p.preferred_language, \
               (SELECT COUNT(*) FROM platform_operators op WHERE op.person_id = s.person_id) AS operator, ",
            $grants,
            " AS grants, (SELECT COUNT(*) FROM memberships m WHERE m.organisation_id = o.id AND m.person_id = s.person_id \
               AND m.status <> 'ended') AS o_is_member, ",
            crate::pending_sql!("s.person_id", "$3"),
            " AS policies_pending, \
             (SELECT c.text_version FROM consents c WHERE c.person_id = s.person_id AND c.purpose = $4) \
               AS cookie_answer, ",
            joined_columns!(),
            " FROM sessions s JOIN people p ON p.id = s.person_id LEFT JOIN organisations o ON o.slug = $2 \
             WHERE s.token_hash = $1"
        )
    };
}

/// The session and, in the same query, its person's actor and language and the organisation
/// named by `organisation_slug` (this runs on every signed-in request; separately it would be
/// seven queries). Grants arrive as one JSON array; whether the policy gate holds the person
/// and the person's last answer to the cookie banner come along.
pub async fn find_signed_in(
    db: &mut Db,
    token_hash: &str,
    organisation_slug: Option<&str>,
) -> Result<Option<SignedIn>> {
    let row: Option<SignedInRow> = with_dialect!(db,
        sqlite: signed_in_sql!("(SELECT json_group_array(json_array(hex(g.organisation_id), g.role)) \
                  FROM role_grants g WHERE g.person_id = s.person_id)"),
        postgres: signed_in_sql!("(SELECT COALESCE(json_agg(json_build_array(g.organisation_id, g.role)), '[]')::text \
                  FROM role_grants g WHERE g.person_id = s.person_id)"),
        |c, sql| sqlx::query_as(sql)
            .bind(token_hash)
            .bind(organisation_slug)
            .bind(crate::policies::PLATFORM.0)
            .bind(domain::consent::purposes::ANALYTICS_COOKIES)
            .fetch_optional(&mut *c)
            .await)?;
    let Some(row) = row else {
        return Ok(None);
    };
    let mut grants = json_rows::<(Uuid, String)>(&row.grants, "role_grants")?
        .into_iter()
        .map(|(org, role)| {
            Ok((
                OrganisationId(org),
                stored(OrgRole::parse(&role), "role_grants.role")?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    grants.sort_by_key(|&(org, role)| (org, role.as_str()));
    let person = PersonId(row.person_id);
    let organisation =
        row.organisation
            .into_organisation()?
            .map(|organisation| OrganisationInContext {
                organisation,
                is_current_member: row.o_is_member.unwrap_or(0) > 0,
            });
    Ok(Some(SignedIn {
        session: Session {
            person_id: person,
            last_seen_at: row.last_seen_at,
            expires_at: row.expires_at,
        },
        actor: Actor {
            person_id: person,
            operator: row.operator > 0,
            grants,
        },
        language: row
            .preferred_language
            .as_deref()
            .and_then(|l| Language::parse(l).ok()),
        organisation,
        policies_pending: row.policies_pending,
        cookie_answer: row.cookie_answer.and_then(|v| u32::try_from(v).ok()),
    }))
}

/// Slides the session's expiry forward after activity.
pub async fn touch(db: &mut Db, token_hash: &str, expires_at: OffsetDateTime) -> Result<()> {
    with_conn!(db, |c| sqlx::query(
        "UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE token_hash = $1"
    )
    .bind(token_hash)
    .bind(now())
    .bind(expires_at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn delete(db: &mut Db, token_hash: &str) -> Result<()> {
    with_conn!(db, |c| sqlx::query(
        "DELETE FROM sessions WHERE token_hash = $1"
    )
    .bind(token_hash)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends every session of the person ("log out everywhere"); returns how many there were.
pub async fn delete_for_person(db: &mut Db, person: PersonId) -> Result<u64> {
    let done = with_conn!(db, |c| sqlx::query(
        "DELETE FROM sessions WHERE person_id = $1"
    )
    .bind(person.0)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done)
}

/// Deletes sessions that have expired; returns how many.
pub async fn delete_expired(db: &mut Db, now: OffsetDateTime) -> Result<u64> {
    Ok(with_conn!(db, |c| sqlx::query(
        "DELETE FROM sessions WHERE expires_at <= $1"
    )
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?)
}
