//! Policies, their versions and texts, acceptances, account-deletion requests and the count of
//! minimum-age refusals (migration 0011). The rules live in `domain::policy`; this module stores
//! what they decide. Platform policies (and acceptances and requests about them) are kept under
//! [`PLATFORM`], the nil UUID, so every table keeps `organisation_id` first in its key.
//!
//! The acceptance gate asks [`must_accept`] (and `sessions::find_signed_in`, which runs the same
//! SQL, [`pending_sql!`], with the session) whether a person has an active, mandatory version for
//! their audience that no standing acceptance satisfies.

use std::collections::HashMap;

use domain::org::Language;
use domain::person::MembershipKind;
use domain::policy::{
    AcceptanceKind, Audience, Group, PolicyKind, PolicyText, Published, Terms, Texts, VersionStatus,
};
use domain::{
    AcceptanceId, DeletionRequestId, OrganisationId, PersonId, PolicyId, PolicyVersionId,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{Db, FieldErrors, Result, StoreError, now, stored, with_conn};

/// The organisation id under which platform policies are kept.
pub const PLATFORM: OrganisationId = OrganisationId(Uuid::nil());

/// Whether an id names the platform rather than an organisation.
pub fn is_platform(org: OrganisationId) -> bool {
    org == PLATFORM
}

/// The SQL of "this person must accept something first", with `$person` the SQL expression for
/// the person's id and `$platform` the placeholder bound to [`PLATFORM`]: an active, mandatory
/// version of a policy of the platform or of an organisation the person is a current member of,
/// whose audience covers them there (for the platform: by any current membership, or as an
/// external user when they have none), with no standing acceptance of a version numbered at
/// least its `requires_from`. Mirrors `domain::policy::Gate::holds`.
#[macro_export]
macro_rules! pending_sql {
    ($person:literal, $platform:literal) => {
        concat!(
            "EXISTS (SELECT 1 FROM policy_versions v WHERE v.status = 'active' AND v.mandatory AND (\
               (v.organisation_id <> ", $platform, " AND EXISTS (SELECT 1 FROM memberships m \
                  WHERE m.organisation_id = v.organisation_id AND m.person_id = ", $person, " AND m.status <> 'ended' \
                  AND (v.audience = 'everyone' OR (v.audience = 'employees' AND m.kind = 'employee') \
                    OR (v.audience = 'students' AND m.kind = 'student') \
                    OR (v.audience = 'external_users' AND m.kind IN ('external', 'self_registered'))))) \
               OR (v.organisation_id = ", $platform, " AND (v.audience = 'everyone' \
                  OR EXISTS (SELECT 1 FROM memberships m WHERE m.person_id = ", $person, " AND m.status <> 'ended' \
                    AND ((v.audience = 'employees' AND m.kind = 'employee') \
                      OR (v.audience = 'students' AND m.kind = 'student') \
                      OR (v.audience = 'external_users' AND m.kind IN ('external', 'self_registered')))) \
                  OR (v.audience = 'external_users' AND NOT EXISTS (SELECT 1 FROM memberships m \
                    WHERE m.person_id = ", $person, " AND m.status <> 'ended'))))) \
             AND NOT EXISTS (SELECT 1 FROM policy_acceptances a WHERE a.person_id = ", $person, " \
               AND a.organisation_id = v.organisation_id AND a.policy_id = v.policy_id \
               AND a.version_number >= v.requires_from AND a.withdrawn_at IS NULL))"
        )
    };
}

/// Whether the person must accept a policy version before using the service (the gate).
pub async fn must_accept(db: &mut Db, person: PersonId) -> Result<bool> {
    let held: bool = with_conn!(db, |c| sqlx::query_scalar(concat!(
        "SELECT ",
        pending_sql!("$1", "$2")
    ))
    .bind(person.0)
    .bind(PLATFORM.0)
    .fetch_one(&mut *c)
    .await)?;
    Ok(held)
}

/// One version of a policy, with its texts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub organisation_id: OrganisationId,
    pub id: PolicyVersionId,
    pub policy_id: PolicyId,
    pub kind: PolicyKind,
    pub number: u32,
    pub status: VersionStatus,
    pub terms: Terms,
    /// Set once published.
    pub requires_from: Option<u32>,
    pub content_hash: String,
    /// A privacy notice's snapshot: the registry's version and content hash.
    pub registry_version: Option<u32>,
    pub registry_hash: Option<String>,
    pub created_at: OffsetDateTime,
    pub published_at: Option<OffsetDateTime>,
    pub retired_at: Option<OffsetDateTime>,
    pub texts: Texts,
}

impl Version {
    pub fn published(&self) -> Option<Published> {
        self.requires_from.map(|requires_from| Published {
            number: self.number,
            requires_from,
        })
    }

    /// How it weighs at the gate (only an active version does).
    pub fn gate(&self) -> Option<domain::policy::Gate> {
        (self.status == VersionStatus::Active).then(|| domain::policy::Gate {
            audience: self.terms.audience,
            mandatory: self.terms.mandatory,
            requires_from: self.requires_from.unwrap_or(self.number),
        })
    }
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    organisation_id: Uuid,
    id: Uuid,
    policy_id: Uuid,
    kind: String,
    number: i32,
    status: String,
    audience: String,
    mandatory: bool,
    minor: bool,
    requires_from: Option<i32>,
    content_hash: String,
    registry_version: Option<i32>,
    registry_hash: Option<String>,
    created_at: OffsetDateTime,
    published_at: Option<OffsetDateTime>,
    retired_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct TextRow {
    version_id: Uuid,
    language: String,
    title: String,
    summary: String,
    body: String,
}

fn number(n: i32, what: &'static str) -> Result<u32> {
    u32::try_from(n).map_err(|_| StoreError::Corrupt(what))
}

/// Which versions of an organisation's (or the platform's) policies to load.
#[derive(Clone, Copy, Debug, Default)]
pub struct Filter {
    pub version: Option<PolicyVersionId>,
    pub policy: Option<PolicyId>,
    pub status: Option<VersionStatus>,
}

/// Versions of `org`'s policies (the platform's: [`PLATFORM`]) matching `filter`, in the order
/// the policies were made and by number, each with its texts.
pub async fn versions(db: &mut Db, org: OrganisationId, filter: Filter) -> Result<Vec<Version>> {
    let rows: Vec<VersionRow> = with_conn!(db, |c| {
        sqlx::query_as(
            "SELECT v.organisation_id, v.id, v.policy_id, p.kind, v.number, v.status, v.audience, v.mandatory, v.minor, \
               v.requires_from, v.content_hash, v.registry_version, v.registry_hash, v.created_at, v.published_at, v.retired_at \
             FROM policy_versions v JOIN policies p ON p.organisation_id = v.organisation_id AND p.id = v.policy_id \
             WHERE v.organisation_id = $1 AND ($2 IS NULL OR v.id = $2) AND ($3 IS NULL OR v.policy_id = $3) \
               AND ($4 IS NULL OR v.status = $4) \
             ORDER BY p.created_at, p.id, v.number",
        )
        .bind(org.0)
        .bind(filter.version.map(|v| v.0))
        .bind(filter.policy.map(|p| p.0))
        .bind(filter.status.map(VersionStatus::as_str))
        .fetch_all(&mut *c)
        .await
    })?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let texts: Vec<TextRow> = with_conn!(db, |c| {
        sqlx::query_as(
            "SELECT t.version_id, t.language, t.title, t.summary, t.body FROM policy_texts t \
             JOIN policy_versions v ON v.organisation_id = t.organisation_id AND v.id = t.version_id \
             WHERE t.organisation_id = $1 AND ($2 IS NULL OR t.version_id = $2) AND ($3 IS NULL OR v.policy_id = $3) \
               AND ($4 IS NULL OR v.status = $4)",
        )
        .bind(org.0)
        .bind(filter.version.map(|v| v.0))
        .bind(filter.policy.map(|p| p.0))
        .bind(filter.status.map(VersionStatus::as_str))
        .fetch_all(&mut *c)
        .await
    })?;
    let mut by_version: HashMap<Uuid, Vec<(Language, PolicyText)>> = HashMap::new();
    for t in texts {
        let language = stored(Language::parse(&t.language), "policy_texts.language")?;
        by_version.entry(t.version_id).or_default().push((
            language,
            PolicyText {
                title: t.title,
                summary: t.summary,
                body: t.body,
            },
        ));
    }
    rows.into_iter()
        .map(|r| {
            let texts = by_version.remove(&r.id).unwrap_or_default();
            Ok(Version {
                organisation_id: OrganisationId(r.organisation_id),
                id: PolicyVersionId(r.id),
                policy_id: PolicyId(r.policy_id),
                kind: stored(PolicyKind::parse(&r.kind), "policies.kind")?,
                number: number(r.number, "policy_versions.number")?,
                status: stored(VersionStatus::parse(&r.status), "policy_versions.status")?,
                terms: Terms {
                    audience: stored(Audience::parse(&r.audience), "policy_versions.audience")?,
                    mandatory: r.mandatory,
                    minor: r.minor,
                },
                requires_from: r
                    .requires_from
                    .map(|n| number(n, "policy_versions.requires_from"))
                    .transpose()?,
                content_hash: r.content_hash,
                registry_version: r
                    .registry_version
                    .map(|n| number(n, "policy_versions.registry_version"))
                    .transpose()?,
                registry_hash: r.registry_hash,
                created_at: r.created_at,
                published_at: r.published_at,
                retired_at: r.retired_at,
                texts: stored(Texts::new(texts), "policy_texts")?,
            })
        })
        .collect()
}

/// One version of `org`'s policies; another organisation's looks unknown (`NotFound`).
pub async fn version(db: &mut Db, org: OrganisationId, id: PolicyVersionId) -> Result<Version> {
    versions(
        db,
        org,
        Filter {
            version: Some(id),
            ..Filter::default()
        },
    )
    .await?
    .into_iter()
    .next()
    .ok_or(StoreError::NotFound)
}

/// The controller of a version, by its id alone (a person accepting names only the version).
pub async fn owner_of(db: &mut Db, id: PolicyVersionId) -> Result<Option<OrganisationId>> {
    let org: Option<Uuid> = with_conn!(db, |c| sqlx::query_scalar(
        "SELECT organisation_id FROM policy_versions WHERE id = $1"
    )
    .bind(id.0)
    .fetch_optional(&mut *c)
    .await)?;
    Ok(org.map(OrganisationId))
}

/// A privacy notice's snapshot of the registry it was generated from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub registry_version: u32,
    pub registry_hash: String,
}

/// Makes a new policy of `kind` for `org`; a second privacy notice is refused (`kind`:
/// `already_exists`).
pub async fn create_policy(db: &mut Db, org: OrganisationId, kind: PolicyKind) -> Result<PolicyId> {
    let id = PolicyId::new();
    with_conn!(db, |c| sqlx::query(
        "INSERT INTO policies (organisation_id, id, kind, created_at) VALUES ($1, $2, $3, $4)"
    )
    .bind(org.0)
    .bind(id.0)
    .bind(kind.as_str())
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    .map_err(StoreError::unique_as("kind")))?;
    Ok(id)
}

/// Writes a new draft of `policy`, numbered after its newest version. A policy has at most one
/// draft (`status`: `policy_draft_exists`).
pub async fn create_draft(
    db: &mut Db,
    org: OrganisationId,
    policy: PolicyId,
    terms: Terms,
    texts: &Texts,
    snapshot: Option<&Snapshot>,
) -> Result<(PolicyVersionId, u32)> {
    let id = PolicyVersionId::new();
    let hash = domain::policy::content_hash(terms.audience, terms.mandatory, texts);
    let at = now();
    let inserted: std::result::Result<i32, sqlx::Error> = with_conn!(db, |c| {
        sqlx::query_scalar(
            "INSERT INTO policy_versions (organisation_id, id, policy_id, number, status, audience, mandatory, minor, \
               content_hash, registry_version, registry_hash, created_at) \
             SELECT $1, $2, $3, COALESCE(MAX(number), 0) + 1, 'draft', $4, $5, $6, $7, $8, $9, $10 \
               FROM policy_versions WHERE organisation_id = $1 AND policy_id = $3 \
             RETURNING number",
        )
        .bind(org.0)
        .bind(id.0)
        .bind(policy.0)
        .bind(terms.audience.as_str())
        .bind(terms.mandatory)
        .bind(terms.minor)
        .bind(&hash)
        .bind(
            snapshot
                .map(|s| i32::try_from(s.registry_version).unwrap_or(i32::MAX)),
        )
        .bind(snapshot.map(|s| s.registry_hash.as_str()))
        .bind(at)
        .fetch_one(&mut *c)
        .await
    });
    let number = match inserted {
        Ok(n) => n,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(FieldErrors::single("status", "policy_draft_exists").into());
        }
        Err(e) => return Err(e.into()),
    };
    for (language, text) in texts.all() {
        with_conn!(db, |c| {
            sqlx::query(
            "INSERT INTO policy_texts (organisation_id, version_id, language, title, summary, body) \
             VALUES ($1, $2, $3, $4, $5, $6)"
        )
        .bind(org.0)
        .bind(id.0)
        .bind(language.code())
        .bind(&text.title)
        .bind(&text.summary)
        .bind(&text.body)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
    }
    Ok((id, number_of(number)?))
}

fn number_of(n: i32) -> Result<u32> {
    number(n, "policy_versions.number")
}

/// The newest published (active or retired) version of `policy`.
pub async fn last_published(
    db: &mut Db,
    org: OrganisationId,
    policy: PolicyId,
) -> Result<Option<Published>> {
    let row: Option<(i32, Option<i32>)> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT number, requires_from FROM policy_versions \
         WHERE organisation_id = $1 AND policy_id = $2 AND status <> 'draft' ORDER BY number DESC LIMIT 1"
    )
    .bind(org.0)
    .bind(policy.0)
    .fetch_optional(&mut *c)
    .await
    })?;
    row.map(|(n, r)| {
        Ok(Published {
            number: number_of(n)?,
            requires_from: number_of(r.unwrap_or(n))?,
        })
    })
    .transpose()
}

/// Publishes a draft (checked by the caller) with `requires_from`: the policy's active version
/// is retired and the draft becomes active, at `at`.
pub async fn publish(
    db: &mut Db,
    org: OrganisationId,
    version: &Version,
    requires_from: u32,
    at: OffsetDateTime,
) -> Result<()> {
    with_conn!(db, |c| sqlx::query(
        "UPDATE policy_versions SET status = 'retired', retired_at = $3 \
         WHERE organisation_id = $1 AND policy_id = $2 AND status = 'active'"
    )
    .bind(org.0)
    .bind(version.policy_id.0)
    .bind(at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    let done = with_conn!(db, |c| sqlx::query(
        "UPDATE policy_versions SET status = 'active', requires_from = $3, published_at = $4 \
         WHERE organisation_id = $1 AND id = $2 AND status = 'draft'"
    )
    .bind(org.0)
    .bind(version.id.0)
    .bind(i32::try_from(requires_from).unwrap_or(i32::MAX))
    .bind(at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Retires the active version without a successor: nobody is asked to accept the policy any
/// more.
pub async fn retire(
    db: &mut Db,
    org: OrganisationId,
    id: PolicyVersionId,
    at: OffsetDateTime,
) -> Result<()> {
    let done = with_conn!(db, |c| sqlx::query(
        "UPDATE policy_versions SET status = 'retired', retired_at = $3 \
         WHERE organisation_id = $1 AND id = $2 AND status = 'active'"
    )
    .bind(org.0)
    .bind(id.0)
    .bind(at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Deletes a draft (nobody has seen it); a policy left without versions goes too.
pub async fn discard(db: &mut Db, org: OrganisationId, version: &Version) -> Result<()> {
    with_conn!(db, |c| sqlx::query(
        "DELETE FROM policy_texts WHERE organisation_id = $1 AND version_id = $2"
    )
    .bind(org.0)
    .bind(version.id.0)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    let done = with_conn!(db, |c| {
        sqlx::query(
        "DELETE FROM policy_versions WHERE organisation_id = $1 AND id = $2 AND status = 'draft'"
    )
    .bind(org.0)
    .bind(version.id.0)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    with_conn!(db, |c| {
        sqlx::query(
        "DELETE FROM policies WHERE organisation_id = $1 AND id = $2 \
         AND NOT EXISTS (SELECT 1 FROM policy_versions v WHERE v.organisation_id = $1 AND v.policy_id = $2)"
    )
    .bind(org.0)
    .bind(version.policy_id.0)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// How many standing acceptances each version of `org`'s policies has (a count, for its
/// administrators: who accepted stays the person's own).
pub async fn acceptance_counts(
    db: &mut Db,
    org: OrganisationId,
) -> Result<HashMap<PolicyVersionId, i64>> {
    let rows: Vec<(Uuid, i64)> = with_conn!(db, |c| sqlx::query_as(
        "SELECT version_id, COUNT(*) FROM policy_acceptances \
         WHERE organisation_id = $1 AND withdrawn_at IS NULL GROUP BY version_id"
    )
    .bind(org.0)
    .fetch_all(&mut *c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(v, n)| (PolicyVersionId(v), n))
        .collect())
}

/// The controllers whose policies apply to a person, with the person's groups there: every
/// organisation they are a current member of, and the platform (groups from every current
/// membership; external without any).
pub async fn scope(db: &mut Db, person: PersonId) -> Result<Vec<(OrganisationId, Vec<Group>)>> {
    let rows: Vec<(Uuid, String)> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT organisation_id, kind FROM memberships WHERE person_id = $1 AND status <> 'ended' \
         ORDER BY organisation_id"
    )
    .bind(person.0)
    .fetch_all(&mut *c)
    .await
    })?;
    let mut kinds: Vec<(OrganisationId, Vec<MembershipKind>)> = Vec::new();
    let mut all = Vec::new();
    for (org, kind) in rows {
        let kind = stored(MembershipKind::parse(&kind), "memberships.kind")?;
        all.push(kind);
        match kinds.last_mut() {
            Some((o, list)) if o.0 == org => list.push(kind),
            _ => kinds.push((OrganisationId(org), vec![kind])),
        }
    }
    let mut out = vec![(PLATFORM, Group::of_memberships(all, true))];
    out.extend(
        kinds
            .into_iter()
            .map(|(o, k)| (o, Group::of_memberships(k, false))),
    );
    Ok(out)
}

/// One acceptance, as its person sees it in their history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acceptance {
    pub organisation_id: OrganisationId,
    pub id: AcceptanceId,
    pub policy_id: PolicyId,
    pub version_id: PolicyVersionId,
    pub version_number: u32,
    pub content_hash: String,
    pub kind: AcceptanceKind,
    pub language: Language,
    pub accepted_at: OffsetDateTime,
    pub withdrawn_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct AcceptanceRow {
    organisation_id: Uuid,
    id: Uuid,
    policy_id: Uuid,
    version_id: Uuid,
    version_number: i32,
    content_hash: String,
    kind: String,
    language: String,
    accepted_at: OffsetDateTime,
    withdrawn_at: Option<OffsetDateTime>,
}

/// Every acceptance of the person, newest first (their own data: the person is the only
/// caller).
pub async fn acceptances(db: &mut Db, person: PersonId) -> Result<Vec<Acceptance>> {
    let rows: Vec<AcceptanceRow> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT organisation_id, id, policy_id, version_id, version_number, content_hash, kind, language, \
           accepted_at, withdrawn_at FROM policy_acceptances WHERE person_id = $1 \
         ORDER BY accepted_at DESC, id DESC"
    )
    .bind(person.0)
    .fetch_all(&mut *c)
    .await
    })?;
    rows.into_iter()
        .map(|r| {
            Ok(Acceptance {
                organisation_id: OrganisationId(r.organisation_id),
                id: AcceptanceId(r.id),
                policy_id: PolicyId(r.policy_id),
                version_id: PolicyVersionId(r.version_id),
                version_number: number(r.version_number, "policy_acceptances.version_number")?,
                content_hash: r.content_hash,
                kind: stored(AcceptanceKind::parse(&r.kind), "policy_acceptances.kind")?,
                language: stored(Language::parse(&r.language), "policy_acceptances.language")?,
                accepted_at: r.accepted_at,
                withdrawn_at: r.withdrawn_at,
            })
        })
        .collect()
}

/// Records that the person accepted `version` (active, checked by the caller) as `kind` in
/// `language`. Accepting a version one has standing acceptance of changes nothing; returns
/// whether a record was written.
pub async fn accept(
    db: &mut Db,
    person: PersonId,
    version: &Version,
    kind: AcceptanceKind,
    language: Language,
    at: OffsetDateTime,
) -> Result<bool> {
    let done = with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO policy_acceptances (organisation_id, id, person_id, policy_id, version_id, version_number, \
           content_hash, kind, language, accepted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT DO NOTHING"
    )
    .bind(version.organisation_id.0)
    .bind(AcceptanceId::new().0)
    .bind(person.0)
    .bind(version.policy_id.0)
    .bind(version.id.0)
    .bind(i32::try_from(version.number).unwrap_or(i32::MAX))
    .bind(&version.content_hash)
    .bind(kind.as_str())
    .bind(language.code())
    .bind(at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(done > 0)
}

/// Withdraws the person's standing consents to `policy` of `org` (acknowledgements are not
/// withdrawn: they rest on another basis). Returns how many were.
pub async fn withdraw(
    db: &mut Db,
    person: PersonId,
    org: OrganisationId,
    policy: PolicyId,
    at: OffsetDateTime,
) -> Result<u64> {
    Ok(with_conn!(db, |c| {
        sqlx::query(
        "UPDATE policy_acceptances SET withdrawn_at = $4 WHERE person_id = $1 AND organisation_id = $2 \
         AND policy_id = $3 AND kind = 'consent' AND withdrawn_at IS NULL"
    )
    .bind(person.0)
    .bind(org.0)
    .bind(policy.0)
    .bind(at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?)
}

/// Why a person asked for their account to be deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeletionReason {
    PolicyRefused,
    ConsentWithdrawn,
}

impl DeletionReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PolicyRefused => "policy_refused",
            Self::ConsentWithdrawn => "consent_withdrawn",
        }
    }

    fn parse(s: &str) -> std::result::Result<Self, &'static str> {
        match s {
            "policy_refused" => Ok(Self::PolicyRefused),
            "consent_withdrawn" => Ok(Self::ConsentWithdrawn),
            _ => Err("invalid_choice"),
        }
    }
}

/// A request to delete one's account, as its person sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeletionRequest {
    pub organisation_id: OrganisationId,
    pub id: DeletionRequestId,
    pub reason: DeletionReason,
    pub policy_id: Option<PolicyId>,
    pub version_id: Option<PolicyVersionId>,
    /// `received` until the erasure work takes it up.
    pub status: String,
    pub received_at: OffsetDateTime,
    pub due_on: Date,
}

#[derive(sqlx::FromRow)]
struct DeletionRow {
    organisation_id: Uuid,
    id: Uuid,
    reason: String,
    policy_id: Option<Uuid>,
    version_id: Option<Uuid>,
    status: String,
    received_at: OffsetDateTime,
    due_on: Date,
}

impl TryFrom<DeletionRow> for DeletionRequest {
    type Error = StoreError;
    fn try_from(r: DeletionRow) -> Result<Self> {
        Ok(Self {
            organisation_id: OrganisationId(r.organisation_id),
            id: DeletionRequestId(r.id),
            reason: stored(
                DeletionReason::parse(&r.reason),
                "account_deletion_requests.reason",
            )?,
            policy_id: r.policy_id.map(PolicyId),
            version_id: r.version_id.map(PolicyVersionId),
            status: r.status,
            received_at: r.received_at,
            due_on: r.due_on,
        })
    }
}

/// The person's deletion requests, newest first.
pub async fn deletion_requests(db: &mut Db, person: PersonId) -> Result<Vec<DeletionRequest>> {
    let rows: Vec<DeletionRow> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT organisation_id, id, reason, policy_id, version_id, status, received_at, due_on \
         FROM account_deletion_requests WHERE person_id = $1 ORDER BY received_at DESC, id DESC"
    )
    .bind(person.0)
    .fetch_all(&mut *c)
    .await
    })?;
    rows.into_iter().map(TryFrom::try_from).collect()
}

/// Records a request (status `received`) to delete the person's account with `org` as
/// controller, unless one is open already; returns the open request and whether it is new.
pub async fn request_deletion(
    db: &mut Db,
    person: PersonId,
    org: OrganisationId,
    reason: DeletionReason,
    version: Option<&Version>,
    at: OffsetDateTime,
) -> Result<(DeletionRequest, bool)> {
    let due = domain::policy::one_month_after(at.date());
    let inserted = with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO account_deletion_requests (organisation_id, id, person_id, reason, policy_id, version_id, \
           status, received_at, due_on) VALUES ($1, $2, $3, $4, $5, $6, 'received', $7, $8) ON CONFLICT DO NOTHING"
    )
    .bind(org.0)
    .bind(DeletionRequestId::new().0)
    .bind(person.0)
    .bind(reason.as_str())
    .bind(version.map(|v| v.policy_id.0))
    .bind(version.map(|v| v.id.0))
    .bind(at)
    .bind(due)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    let row: DeletionRow = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT organisation_id, id, reason, policy_id, version_id, status, received_at, due_on \
         FROM account_deletion_requests WHERE person_id = $1 AND organisation_id = $2 \
           AND status IN ('received', 'in_progress')"
    )
    .bind(person.0)
    .bind(org.0)
    .fetch_one(&mut *c)
    .await
    })?;
    Ok((row.try_into()?, inserted > 0))
}

/// Where an account was being created when a minimum age refused it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// An administrator's form.
    Admin,
    /// The JSON API.
    Api,
    /// A people import (CSV, from the command line or the admin pages).
    Import,
    /// Self sign-up.
    SignUp,
    /// A login through an identity provider creating the account.
    IdentityProvider,
}

impl Channel {
    pub const ALL: [Self; 5] = [
        Self::Admin,
        Self::Api,
        Self::Import,
        Self::SignUp,
        Self::IdentityProvider,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Api => "api",
            Self::Import => "import",
            Self::SignUp => "sign_up",
            Self::IdentityProvider => "identity_provider",
        }
    }
}

/// Counts `n` under-age refusals of `org` through `channel` (nothing about the people).
pub async fn count_refusals(
    db: &mut Db,
    org: OrganisationId,
    channel: Channel,
    n: u32,
) -> Result<()> {
    if n == 0 {
        return Ok(());
    }
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO minimum_age_refusals (organisation_id, channel, refusals) VALUES ($1, $2, $3) \
         ON CONFLICT (organisation_id, channel) DO UPDATE SET refusals = minimum_age_refusals.refusals + $3"
    )
    .bind(org.0)
    .bind(channel.as_str())
    .bind(i64::from(n))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// How many under-age attempts `org` refused, by channel.
pub async fn refusals(db: &mut Db, org: OrganisationId) -> Result<Vec<(Channel, i64)>> {
    let rows: Vec<(String, i64)> = with_conn!(db, |c| sqlx::query_as(
        "SELECT channel, refusals FROM minimum_age_refusals WHERE organisation_id = $1"
    )
    .bind(org.0)
    .fetch_all(&mut *c)
    .await)?;
    Ok(Channel::ALL
        .into_iter()
        .filter_map(|ch| {
            rows.iter()
                .find(|(c, _)| c == ch.as_str())
                .map(|(_, n)| (ch, *n))
        })
        .collect())
}
