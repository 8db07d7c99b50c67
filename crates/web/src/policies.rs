//! Policies and their acceptance, shared by pages and API: organisation administrators manage
//! their organisation's policies and the platform operator the platform's (drafts, publishing,
//! retiring); each person sees what they must accept (the gate in [`crate::request_context`]
//! holds them until they have), accepts, or refuses a consent and asks for their account to be
//! deleted; their history shows the exact texts they accepted. The rules are
//! `domain::policy`'s; storage is `store::policies`.

use domain::access::Actor;
use domain::org::Language;
use domain::policy::{
    self, AcceptanceKind, Group, PolicyKind, PolicyText, Terms, Texts, VersionInput, VersionStatus,
};
use domain::registry::notice::Controller;
use domain::registry::registry;
use domain::{FieldErrors, OrganisationId, PersonId, PolicyId, PolicyVersionId};
use serde::{Deserialize, Serialize};
use store::audit::{AuditEntry, purposes};
use store::organisations::Organisation;
use store::policies::{
    self as stored, Acceptance, DeletionReason, DeletionRequest, Filter, PLATFORM, Snapshot,
    Version,
};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;

/// Where a signed-in person who must accept something is sent.
pub const ACCEPT_PATH: &str = "/policies/accept";
/// Where the API tells them what to accept.
pub const PENDING_API_PATH: &str = "/api/v1/me/policies/pending";

/// Whose policies: the platform's (its operator) or one organisation's (its administrators).
#[derive(Clone, Debug)]
pub enum Owner {
    Platform,
    Organisation(Organisation),
}

impl Owner {
    pub fn id(&self) -> OrganisationId {
        match self {
            Self::Platform => PLATFORM,
            Self::Organisation(o) => o.id,
        }
    }

    pub fn controller(&self, state: &AppState) -> Controller {
        match self {
            Self::Platform => state.config.operator.clone(),
            Self::Organisation(o) => crate::privacy::controller_of(o),
        }
    }

    /// The languages its generated notice is written in: bokmål, and English where it speaks
    /// English (the platform always does). Nynorsk readers read bokmål until translated.
    fn notice_languages(&self) -> Vec<Language> {
        match self {
            Self::Organisation(o) if !o.languages.contains(&Language::En) => vec![Language::Nb],
            _ => vec![Language::Nb, Language::En],
        }
    }

    /// Where its versions are published, retired and discarded.
    pub fn version_pages(&self) -> String {
        match self {
            Self::Platform => "/operator/policy-versions".to_owned(),
            Self::Organisation(o) => format!("/org/{}/admin/policy-versions", o.slug),
        }
    }

    /// The admin pages' address.
    pub fn pages(&self) -> String {
        match self {
            Self::Platform => "/operator/policies".to_owned(),
            Self::Organisation(o) => format!("/org/{}/admin/policies", o.slug),
        }
    }
}

/// The owner a request manages: the platform for an operator (`slug` `None`), else an
/// organisation the user administers (anyone else: not found).
pub async fn owner_for(
    state: &AppState,
    user: &CurrentUser,
    slug: Option<&str>,
) -> AppResult<Owner> {
    match slug {
        None if user.actor.operator => Ok(Owner::Platform),
        None => Err(AppError::Forbidden("forbidden")),
        Some(slug) => Ok(Owner::Organisation(
            crate::ops::org_for_admin(state, user, slug).await?,
        )),
    }
}

/// A policy with its versions, oldest first.
#[derive(Clone, Debug)]
pub struct PolicyVersions {
    pub id: PolicyId,
    pub kind: PolicyKind,
    pub versions: Vec<Version>,
}

impl PolicyVersions {
    pub fn active(&self) -> Option<&Version> {
        self.versions
            .iter()
            .find(|v| v.status == VersionStatus::Active)
    }

    pub fn draft(&self) -> Option<&Version> {
        self.versions
            .iter()
            .find(|v| v.status == VersionStatus::Draft)
    }

    pub fn latest(&self) -> Option<&Version> {
        self.versions.last()
    }

    /// The newest published version's registry snapshot (privacy notices).
    pub fn last_snapshot(&self) -> Option<u32> {
        self.versions
            .iter()
            .rev()
            .find(|v| v.status != VersionStatus::Draft)
            .and_then(|v| v.registry_version)
    }

    /// A privacy notice whose registry snapshot is behind the registry: a new version is due.
    pub fn notice_outdated(&self) -> bool {
        self.kind.is_generated()
            && self.active().is_some()
            && policy::notice_outdated(self.last_snapshot(), registry().version)
    }
}

fn group(versions: Vec<Version>) -> Vec<PolicyVersions> {
    let mut out: Vec<PolicyVersions> = Vec::new();
    for v in versions {
        match out.last_mut() {
            Some(p) if p.id == v.policy_id => p.versions.push(v),
            _ => out.push(PolicyVersions {
                id: v.policy_id,
                kind: v.kind,
                versions: vec![v],
            }),
        }
    }
    out
}

/// The owner's policies with every version.
pub async fn list(state: &AppState, owner: &Owner) -> AppResult<Vec<PolicyVersions>> {
    let mut db = state.store.conn().await?;
    Ok(group(
        stored::versions(&mut db, owner.id(), Filter::default()).await?,
    ))
}

/// One of the owner's policies; another owner's is not found.
pub async fn policy(state: &AppState, owner: &Owner, id: &str) -> AppResult<PolicyVersions> {
    let id: PolicyId = id.parse().map_err(|_| AppError::NotFound)?;
    let mut db = state.store.conn().await?;
    let versions = stored::versions(
        &mut db,
        owner.id(),
        Filter {
            policy: Some(id),
            ..Filter::default()
        },
    )
    .await?;
    group(versions).into_iter().next().ok_or(AppError::NotFound)
}

/// How many people stand by each version (counts only).
pub async fn acceptance_counts(
    state: &AppState,
    owner: &Owner,
) -> AppResult<std::collections::HashMap<PolicyVersionId, i64>> {
    let mut db = state.store.conn().await?;
    Ok(stored::acceptance_counts(&mut db, owner.id()).await?)
}

/// A new policy: its kind and its first version.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewPolicyInput {
    /// `privacy_notice`, `terms_of_use`, `cookie_notice` or `other`.
    #[serde(default)]
    pub kind: String,
    #[serde(flatten)]
    pub version: VersionInput,
}

/// The generated privacy notice of the owner as a version's texts, with the registry snapshot.
async fn notice_texts(state: &AppState, owner: &Owner) -> AppResult<(Texts, Snapshot)> {
    let controller = owner.controller(state);
    let mut texts = Vec::new();
    for language in owner.notice_languages() {
        let tr = Tr::new(language);
        let notice = crate::privacy::notice(state, &controller, language).await?;
        let wording = crate::privacy::wording(tr);
        texts.push((
            language,
            PolicyText {
                title: tr.fill("policies.notice_title", &[("org", &controller.name)]),
                summary: tr.fill("policies.notice_summary", &[("org", &controller.name)]),
                body: policy::notice_markdown(&notice, &wording),
            },
        ));
    }
    let texts = Texts::new(texts).map_err(AppError::internal)?;
    let r = registry();
    Ok((
        texts,
        Snapshot {
            registry_version: r.version,
            registry_hash: r.content_hash(),
        },
    ))
}

/// The texts of a new version: typed in, or (a privacy notice) generated.
async fn version_texts(
    state: &AppState,
    owner: &Owner,
    kind: PolicyKind,
    input: &VersionInput,
    errors: &mut FieldErrors,
) -> AppResult<Option<(Texts, Option<Snapshot>)>> {
    if kind.is_generated() {
        let (texts, snapshot) = notice_texts(state, owner).await?;
        Ok(Some((texts, Some(snapshot))))
    } else {
        Ok(input.texts(errors).map(|t| (t, None)))
    }
}

/// Creates a policy with its first version as a draft.
pub async fn create_policy(
    state: &AppState,
    owner: &Owner,
    input: &NewPolicyInput,
) -> AppResult<(PolicyId, PolicyVersionId)> {
    let mut errors = FieldErrors::new();
    let kind = errors.check("kind", PolicyKind::parse(&input.kind));
    let terms = input.version.terms(&mut errors);
    if terms.is_some_and(|t| t.minor) {
        errors.add("minor", "minor_needs_previous");
    }
    let texts = match kind {
        Some(kind) => version_texts(state, owner, kind, &input.version, &mut errors).await?,
        None => {
            // Still report the text fields' problems with the kind's.
            input.version.texts(&mut errors);
            None
        }
    };
    let (Some(kind), Some(terms), Some((texts, snapshot))) = (kind, terms, texts) else {
        return Err(errors.into());
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let mut db = state.store.begin().await?;
    let policy = stored::create_policy(&mut db, owner.id(), kind).await?;
    let (version, _) = stored::create_draft(
        &mut db,
        owner.id(),
        policy,
        terms,
        &texts,
        snapshot.as_ref(),
    )
    .await?;
    db.commit().await?;
    tracing::info!(organisation = %owner.id(), policy = %policy, "policy created");
    Ok((policy, version))
}

/// Writes a new draft version of a policy.
pub async fn create_draft(
    state: &AppState,
    owner: &Owner,
    policy_id: &str,
    input: &VersionInput,
) -> AppResult<PolicyVersionId> {
    let found = policy(state, owner, policy_id).await?;
    let mut errors = FieldErrors::new();
    let terms = input.terms(&mut errors);
    if let Some(t) = terms {
        let published = found
            .versions
            .iter()
            .any(|v| v.status != VersionStatus::Draft);
        if t.minor && !published {
            errors.add("minor", "minor_needs_previous");
        } else if found.kind.is_generated()
            && let Err(code) =
                policy::check_notice_minor(t.minor, found.last_snapshot(), registry().version)
        {
            errors.add("minor", code);
        }
    }
    let texts = version_texts(state, owner, found.kind, input, &mut errors).await?;
    let (Some(terms), Some((texts, snapshot))) = (terms, texts) else {
        return Err(errors.into());
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let mut db = state.store.begin().await?;
    let (id, number) = stored::create_draft(
        &mut db,
        owner.id(),
        found.id,
        terms,
        &texts,
        snapshot.as_ref(),
    )
    .await?;
    db.commit().await?;
    tracing::info!(organisation = %owner.id(), policy = %found.id, number, "policy draft written");
    Ok(id)
}

async fn owned_version(db: &mut store::Db, owner: &Owner, id: &str) -> AppResult<Version> {
    let id: PolicyVersionId = id.parse().map_err(|_| AppError::NotFound)?;
    Ok(stored::version(db, owner.id(), id).await?)
}

/// Publishes a draft: it becomes the active version and the one before it is retired.
pub async fn publish(state: &AppState, owner: &Owner, id: &str) -> AppResult<Version> {
    let mut db = state.store.begin().await?;
    let version = owned_version(&mut db, owner, id).await?;
    version.status.check_publish().map_err(AppError::Conflict)?;
    let previous = stored::last_published(&mut db, owner.id(), version.policy_id).await?;
    let requires_from = policy::requires_from(version.number, version.terms.minor, previous)
        .map_err(|code| FieldErrors::single("minor", code))?;
    stored::publish(&mut db, owner.id(), &version, requires_from, store::now()).await?;
    db.commit().await?;
    tracing::info!(organisation = %owner.id(), version = %version.id, number = version.number, "policy version published");
    Ok(version)
}

/// Retires the active version without a successor.
pub async fn retire(state: &AppState, owner: &Owner, id: &str) -> AppResult<()> {
    let mut db = state.store.begin().await?;
    let version = owned_version(&mut db, owner, id).await?;
    version.status.check_retire().map_err(AppError::Conflict)?;
    stored::retire(&mut db, owner.id(), version.id, store::now()).await?;
    db.commit().await?;
    Ok(())
}

/// Deletes a draft.
pub async fn discard(state: &AppState, owner: &Owner, id: &str) -> AppResult<()> {
    let mut db = state.store.begin().await?;
    let version = owned_version(&mut db, owner, id).await?;
    if version.status != VersionStatus::Draft {
        return Err(AppError::Conflict("policy_version_not_draft"));
    }
    stored::discard(&mut db, owner.id(), &version).await?;
    db.commit().await?;
    Ok(())
}

// ---- the person's side ----

/// The names of the controllers in a person's scope.
async fn controller_names(
    state: &AppState,
    actor: &Actor,
) -> AppResult<Vec<(OrganisationId, String)>> {
    let mut db = state.store.conn().await?;
    let mut names: Vec<(OrganisationId, String)> = store::seam::my_organisations(&mut db, actor)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    names.push((PLATFORM, state.config.operator.name.clone()));
    Ok(names)
}

/// An active version as a person sees it: whose, and how they would accept it.
#[derive(Clone, Debug)]
pub struct Applicable {
    pub version: Version,
    pub controller: String,
    /// How this person accepts it (acknowledgement for employees, consent otherwise).
    pub kind: AcceptanceKind,
    /// Whether the gate holds them until they accept it.
    pub pending: bool,
    /// The standing acceptance, if any.
    pub accepted: Option<Acceptance>,
}

/// Every active version that concerns the person: of the platform and of their organisations,
/// for their audience, mandatory or not.
pub async fn applicable(state: &AppState, actor: &Actor) -> AppResult<Vec<Applicable>> {
    let names = controller_names(state, actor).await?;
    let mut db = state.store.conn().await?;
    let scope = stored::scope(&mut db, actor.person_id).await?;
    let standing: Vec<Acceptance> = stored::acceptances(&mut db, actor.person_id)
        .await?
        .into_iter()
        .filter(|a| a.withdrawn_at.is_none())
        .collect();
    let mut out = Vec::new();
    for (org, groups) in &scope {
        let active = stored::versions(
            &mut db,
            *org,
            Filter {
                status: Some(VersionStatus::Active),
                ..Filter::default()
            },
        )
        .await?;
        for version in active {
            if !version.terms.audience.covers(groups) {
                continue;
            }
            let accepted_numbers = standing
                .iter()
                .filter(|a| a.organisation_id == *org && a.policy_id == version.policy_id)
                .map(|a| a.version_number);
            let pending = version
                .gate()
                .is_some_and(|g| g.holds(groups, accepted_numbers));
            let accepted = standing
                .iter()
                .find(|a| a.organisation_id == *org && a.version_id == version.id)
                .cloned();
            let controller = names
                .iter()
                .find(|(o, _)| o == org)
                .map(|(_, n)| n.clone())
                .unwrap_or_default();
            out.push(Applicable {
                kind: AcceptanceKind::for_person(version.terms.audience, groups),
                version,
                controller,
                pending,
                accepted,
            });
        }
    }
    Ok(out)
}

/// What the person must accept before using the service.
pub async fn pending(state: &AppState, actor: &Actor) -> AppResult<Vec<Applicable>> {
    Ok(applicable(state, actor)
        .await?
        .into_iter()
        .filter(|a| a.pending)
        .collect())
}

/// The active policies anyone may read (KS-1): the platform's for someone not signed in,
/// with their organisations' for a signed-in person.
pub async fn listed(state: &AppState, user: Option<&CurrentUser>) -> AppResult<Vec<Applicable>> {
    if let Some(user) = user {
        return applicable(state, &user.actor).await;
    }
    let mut db = state.store.conn().await?;
    let active = stored::versions(
        &mut db,
        PLATFORM,
        Filter {
            status: Some(VersionStatus::Active),
            ..Filter::default()
        },
    )
    .await?;
    Ok(active
        .into_iter()
        .map(|version| Applicable {
            kind: AcceptanceKind::Consent,
            version,
            controller: state.config.operator.name.clone(),
            pending: false,
            accepted: None,
        })
        .collect())
}

/// A version the person names to accept or refuse, checked: it must exist, concern them, and
/// be active. Unknown, foreign, draft and not-for-them versions all answer
/// `unknown_policy_version`; a retired one `policy_version_retired`.
fn find_applicable<'a>(
    applicable: &'a [Applicable],
    retired: &[Version],
    raw: &str,
) -> AppResult<&'a Applicable> {
    let unknown = || AppError::Invalid(FieldErrors::single("version_id", "unknown_policy_version"));
    let id: PolicyVersionId = raw.trim().parse().map_err(|_| unknown())?;
    if let Some(found) = applicable.iter().find(|a| a.version.id == id) {
        return Ok(found);
    }
    if retired.iter().any(|v| v.id == id) {
        return Err(AppError::Conflict("policy_version_retired"));
    }
    Err(unknown())
}

/// The retired versions of the controllers in the person's scope (to tell "replaced" apart
/// from "unknown").
async fn retired_in_scope(state: &AppState, actor: &Actor) -> AppResult<Vec<Version>> {
    let mut db = state.store.conn().await?;
    let scope = stored::scope(&mut db, actor.person_id).await?;
    let mut out = Vec::new();
    for (org, _) in scope {
        out.extend(
            stored::versions(
                &mut db,
                org,
                Filter {
                    status: Some(VersionStatus::Retired),
                    ..Filter::default()
                },
            )
            .await?,
        );
    }
    Ok(out)
}

fn chain(org: OrganisationId) -> Option<OrganisationId> {
    (!stored::is_platform(org)).then_some(org)
}

/// The person accepts versions (all or none): each must be active and concern them. The
/// acceptance records the kind their audience gives (acknowledgement or consent), the language
/// they read (`language` if the version has it, else the one they were shown) and the content
/// hash; accepting a version again changes nothing. Returns the versions accepted.
pub async fn accept(
    state: &AppState,
    actor: &Actor,
    version_ids: &[String],
    language: Option<&str>,
    reader: Language,
) -> AppResult<Vec<Applicable>> {
    if version_ids.is_empty() {
        return Err(FieldErrors::single("version_id", "required").into());
    }
    let all = applicable(state, actor).await?;
    let retired = retired_in_scope(state, actor).await?;
    let mut chosen: Vec<&Applicable> = Vec::new();
    for raw in version_ids {
        let found = find_applicable(&all, &retired, raw)?;
        if !chosen.iter().any(|c| c.version.id == found.version.id) {
            chosen.push(found);
        }
    }
    let asked = match language.map(str::trim).filter(|l| !l.is_empty()) {
        Some(l) => Some(Language::parse(l).map_err(|code| FieldErrors::single("language", code))?),
        None => None,
    };
    let mut db = state.store.begin().await?;
    let at = store::now();
    for a in &chosen {
        let shown = asked
            .filter(|l| a.version.texts.get(*l).is_some())
            .unwrap_or_else(|| a.version.texts.best(reader).0);
        let written =
            stored::accept(&mut db, actor.person_id, &a.version, a.kind, shown, at).await?;
        if written {
            store::audit::append_change(
                &mut db,
                AuditEntry::change(
                    chain(a.version.organisation_id),
                    actor.person_id,
                    "myself",
                    vec![actor.person_id],
                    &["user.privacy_preferences"],
                    purposes::SELF_SERVICE,
                ),
            )
            .await?;
        }
    }
    db.commit().await?;
    tracing::info!(person = %actor.person_id, versions = chosen.len(), "policy versions accepted");
    Ok(chosen.into_iter().cloned().collect())
}

/// The person refuses a mandatory consent they are asked for: they cannot use the service
/// without it, so their account is to be deleted (DFO-1, DFO-16). The request is recorded with
/// the version's controller (status `received`; the erasure work carries it out). An
/// acknowledgement is not refused: it rests on the employment, not on the person's choice.
pub async fn refuse(
    state: &AppState,
    actor: &Actor,
    version_id: &str,
) -> AppResult<(DeletionRequest, bool)> {
    let all = applicable(state, actor).await?;
    let retired = retired_in_scope(state, actor).await?;
    let found = find_applicable(&all, &retired, version_id)?;
    if found.kind != AcceptanceKind::Consent {
        return Err(AppError::Conflict("acknowledgement_not_refused"));
    }
    if !found.pending {
        return Err(AppError::Conflict("policy_not_pending"));
    }
    request_deletion(
        state,
        actor,
        &found.version,
        DeletionReason::PolicyRefused,
        None,
    )
    .await
}

/// Withdraws the person's consent to the policy of one of their acceptances. A mandatory
/// policy's consent was what their account rested on, so withdrawing it asks for the account
/// to be deleted (R3); an optional one is just withdrawn. Returns the request, if one was made.
pub async fn withdraw(
    state: &AppState,
    actor: &Actor,
    acceptance_id: &str,
) -> AppResult<Option<(DeletionRequest, bool)>> {
    let id: domain::AcceptanceId = acceptance_id.parse().map_err(|_| AppError::NotFound)?;
    let mut db = state.store.conn().await?;
    let acceptance = stored::acceptances(&mut db, actor.person_id)
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or(AppError::NotFound)?;
    if acceptance.kind != AcceptanceKind::Consent {
        return Err(AppError::Conflict("acknowledgement_not_refused"));
    }
    if acceptance.withdrawn_at.is_some() {
        return Err(AppError::Conflict("consent_already_withdrawn"));
    }
    let version =
        stored::version(&mut db, acceptance.organisation_id, acceptance.version_id).await?;
    drop(db);
    if version.terms.mandatory {
        return request_deletion(
            state,
            actor,
            &version,
            DeletionReason::ConsentWithdrawn,
            Some(&acceptance),
        )
        .await
        .map(Some);
    }
    let mut db = state.store.begin().await?;
    stored::withdraw(
        &mut db,
        actor.person_id,
        acceptance.organisation_id,
        acceptance.policy_id,
        store::now(),
    )
    .await?;
    store::audit::append_change(
        &mut db,
        AuditEntry::change(
            chain(acceptance.organisation_id),
            actor.person_id,
            "myself",
            vec![actor.person_id],
            &["user.privacy_preferences"],
            purposes::SELF_SERVICE,
        ),
    )
    .await?;
    db.commit().await?;
    Ok(None)
}

async fn request_deletion(
    state: &AppState,
    actor: &Actor,
    version: &Version,
    reason: DeletionReason,
    withdrawn: Option<&Acceptance>,
) -> AppResult<(DeletionRequest, bool)> {
    let mut db = state.store.begin().await?;
    let at = store::now();
    let mut fields = vec!["user.privacy_request"];
    if let Some(a) = withdrawn {
        stored::withdraw(&mut db, actor.person_id, a.organisation_id, a.policy_id, at).await?;
        fields.push("user.privacy_preferences");
    }
    let (request, new) = stored::request_deletion(
        &mut db,
        actor.person_id,
        version.organisation_id,
        reason,
        Some(version),
        at,
    )
    .await?;
    if new || withdrawn.is_some() {
        store::audit::append_change(
            &mut db,
            AuditEntry::change(
                chain(version.organisation_id),
                actor.person_id,
                "myself",
                vec![actor.person_id],
                &fields,
                purposes::RIGHTS_REQUESTS,
            ),
        )
        .await?;
    }
    db.commit().await?;
    if new {
        tracing::info!(person = %actor.person_id, request = %request.id, "account deletion requested");
    }
    Ok((request, new))
}

/// The person's deletion requests.
pub async fn deletion_requests(
    state: &AppState,
    person: PersonId,
) -> AppResult<Vec<DeletionRequest>> {
    let mut db = state.store.conn().await?;
    Ok(stored::deletion_requests(&mut db, person).await?)
}

/// One acceptance in the person's history, with the exact text they accepted.
#[derive(Clone, Debug)]
pub struct Accepted {
    pub acceptance: Acceptance,
    pub kind: PolicyKind,
    pub controller: String,
    /// The text in the language they read it in.
    pub text: PolicyText,
    pub status: VersionStatus,
    pub mandatory: bool,
}

/// The person's acceptances, newest first, each with the exact text accepted.
pub async fn history(state: &AppState, actor: &Actor) -> AppResult<Vec<Accepted>> {
    let names = controller_names(state, actor).await?;
    let mut db = state.store.conn().await?;
    let acceptances = stored::acceptances(&mut db, actor.person_id).await?;
    let mut versions: Vec<Version> = Vec::new();
    let mut out = Vec::new();
    for a in acceptances {
        if !versions.iter().any(|v| v.id == a.version_id) {
            versions.push(stored::version(&mut db, a.organisation_id, a.version_id).await?);
        }
        let Some(v) = versions.iter().find(|v| v.id == a.version_id) else {
            continue;
        };
        let text = v
            .texts
            .get(a.language)
            .cloned()
            .unwrap_or_else(|| v.texts.best(a.language).1.clone());
        let controller = names
            .iter()
            .find(|(o, _)| *o == a.organisation_id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        out.push(Accepted {
            kind: v.kind,
            controller,
            text,
            status: v.status,
            mandatory: v.terms.mandatory,
            acceptance: a,
        });
    }
    Ok(out)
}

/// The catalogue key saying how a group accepts, for the list of policies.
pub fn group_key(group: Group) -> &'static str {
    match group {
        Group::Employee => "policies.group.employee",
        Group::Student => "policies.group.student",
        Group::External => "policies.group.external",
    }
}

/// "Employees acknowledge; students and external users consent", for a version's audience.
pub fn who_accepts(tr: Tr, terms: &Terms) -> String {
    let parts: Vec<String> = terms
        .audience
        .kinds()
        .into_iter()
        .map(|(g, k)| {
            tr.fill(
                match k {
                    AcceptanceKind::Acknowledgement => "policies.who.acknowledges",
                    AcceptanceKind::Consent => "policies.who.consents",
                },
                &[("group", tr.get(group_key(g)))],
            )
        })
        .collect();
    let who = parts.join("; ");
    if terms.mandatory {
        tr.fill("policies.who.mandatory", &[("who", &who)])
    } else {
        tr.fill("policies.who.optional", &[("who", &who)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::policy::Audience;
    use domain::registry::notice::Notice;

    /// The catalogue keys the notice's Markdown snapshot asks for exist in both complete
    /// languages, and so do the labels of every code a policy page shows.
    #[test]
    fn the_snapshot_wording_and_every_policy_label_are_in_the_catalogue() {
        let controller = Controller {
            name: "Demo *kommune*".into(),
            kind: domain::org::OrganisationKind::PublicBody,
            contact_email: Some("post@x.no".into()),
            dpo_name: None,
            dpo_email: None,
        };
        let today = time::macros::date!(2026 - 12 - 01);
        for lang in [Language::Nb, Language::En] {
            let tr = Tr::new(lang);
            let asked = std::cell::RefCell::new(Vec::new());
            let look = |key: &str| {
                asked.borrow_mut().push(key.to_owned());
                tr.get(key).to_owned()
            };
            let notice = Notice::generate(registry(), &controller, &[], lang, today, &look);
            let markdown = policy::notice_markdown(&notice, &look);
            assert!(markdown.contains("Demo \\*kommune\\*"), "names are escaped");
            let mut wanted: Vec<String> = asked.borrow().clone();
            wanted.extend(PolicyKind::ALL.map(|k| format!("policy_kind.{}", k.as_str())));
            wanted.extend(Audience::ALL.map(|a| format!("policy_audience.{}", a.as_str())));
            wanted.extend(VersionStatus::ALL.map(|s| format!("policy_status.{}", s.as_str())));
            wanted.extend(
                ["received", "in_progress", "completed", "cancelled"]
                    .map(|s| format!("deletion_request.status_{s}")),
            );
            wanted.extend(
                [
                    DeletionReason::PolicyRefused,
                    DeletionReason::ConsentWithdrawn,
                ]
                .map(|r| format!("deletion_request.reason_{}", r.as_str())),
            );
            wanted.extend(
                [Group::Employee, Group::Student, Group::External].map(|g| group_key(g).to_owned()),
            );
            let missing: Vec<&String> = wanted.iter().filter(|k| tr.get(k) == k.as_str()).collect();
            assert!(missing.is_empty(), "{lang:?}: {missing:?}");
        }
    }

    /// Employees' wording never speaks of consent (DFO-1): the acknowledgement texts in every
    /// language.
    #[test]
    fn acknowledgement_wording_never_speaks_of_consent() {
        for lang in Language::ALL {
            let tr = Tr::new(lang);
            for key in [
                "policies.acknowledge_explain",
                "policies.acknowledge_button",
                "policies.who.acknowledges",
                "privacy.acknowledged_on",
                "error.acknowledgement_not_refused",
            ] {
                let text = tr.get(key).to_lowercase();
                assert!(
                    !text.contains("samtykk") && !text.contains("consent"),
                    "{lang:?} {key}: {text}"
                );
            }
        }
    }

    #[test]
    fn who_accepts_says_how_each_group_accepts() {
        let tr = Tr::new(Language::En);
        let terms = Terms {
            audience: Audience::Everyone,
            mandatory: true,
            minor: false,
        };
        assert_eq!(
            who_accepts(tr, &terms),
            "Must be accepted before use: employees acknowledge it; pupils and students consent; external users consent."
        );
        let employees = Terms {
            audience: Audience::Employees,
            mandatory: false,
            ..terms
        };
        assert_eq!(
            who_accepts(tr, &employees),
            "For information, not required: employees acknowledge it."
        );
    }
}
