//! Policies and their acceptance as JSON: the active policies, what the caller must accept,
//! accepting, refusing (which records an account-deletion request), withdrawing, the caller's
//! history with the exact texts, and the administrators' endpoints for an organisation's
//! policies (`/organisations/{slug}/policies…`) and the operator's for the platform's
//! (`/platform/policies…`). The same operations as the pages (`crate::policies`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::policy::{PolicyText, VersionInput};
use serde::{Deserialize, Serialize};
use store::policies::{DeletionRequest, Version};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, Problem, iso_date};
use crate::AppState;
use crate::auth::{ApiUser, CurrentUser};
use crate::error::AppResult;
use crate::pages::Ctx;
use crate::policies::{self as ops, Applicable, NewPolicyInput, Owner, PolicyVersions};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_policies))
        .routes(routes!(pending))
        .routes(routes!(accept, history))
        .routes(routes!(refuse))
        .routes(routes!(withdraw))
        .routes(routes!(deletion_requests))
        .routes(routes!(org_policies, org_create))
        .routes(routes!(org_policy))
        .routes(routes!(org_new_version))
        .routes(routes!(org_publish))
        .routes(routes!(org_retire))
        .routes(routes!(org_discard))
        .routes(routes!(platform_policies, platform_create))
        .routes(routes!(platform_policy))
        .routes(routes!(platform_new_version))
        .routes(routes!(platform_publish))
        .routes(routes!(platform_retire))
        .routes(routes!(platform_discard))
}

#[derive(Serialize, ToSchema)]
pub struct TextDto {
    /// `nb`, `nn` or `en`.
    language: String,
    title: String,
    summary: String,
    /// Markdown.
    body: String,
}

fn text_dto(language: domain::org::Language, t: &PolicyText) -> TextDto {
    TextDto {
        language: language.code().to_owned(),
        title: t.title.clone(),
        summary: t.summary.clone(),
        body: t.body.clone(),
    }
}

/// A policy version.
#[derive(Serialize, ToSchema)]
pub struct VersionDto {
    #[schema(value_type = String)]
    id: domain::PolicyVersionId,
    #[schema(value_type = String)]
    policy_id: domain::PolicyId,
    /// `privacy_notice`, `terms_of_use`, `cookie_notice` or `other`.
    kind: String,
    number: u32,
    /// `draft`, `active` or `retired`.
    status: String,
    /// `everyone`, `employees`, `students` or `external_users`.
    audience: String,
    mandatory: bool,
    minor: bool,
    /// Whoever accepted a version numbered at least this need not accept again.
    requires_from: Option<u32>,
    content_hash: String,
    /// A privacy notice's snapshot of the data registry.
    registry_version: Option<u32>,
    registry_hash: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    published_at: Option<time::OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    retired_at: Option<time::OffsetDateTime>,
    texts: Vec<TextDto>,
}

impl From<&Version> for VersionDto {
    fn from(v: &Version) -> Self {
        Self {
            id: v.id,
            policy_id: v.policy_id,
            kind: v.kind.as_str().into(),
            number: v.number,
            status: v.status.as_str().into(),
            audience: v.terms.audience.as_str().into(),
            mandatory: v.terms.mandatory,
            minor: v.terms.minor,
            requires_from: v.requires_from,
            content_hash: v.content_hash.clone(),
            registry_version: v.registry_version,
            registry_hash: v.registry_hash.clone(),
            published_at: v.published_at,
            retired_at: v.retired_at,
            texts: v.texts.all().iter().map(|(l, t)| text_dto(*l, t)).collect(),
        }
    }
}

/// An active version as it concerns the caller.
#[derive(Serialize, ToSchema)]
pub struct ApplicableDto {
    version: VersionDto,
    /// Whose policy it is (an organisation, or the platform's operator).
    controller: String,
    /// How the caller accepts it: `acknowledgement` (employees) or `consent`.
    acceptance_kind: String,
    /// Who must accept it and how, in words.
    who: String,
    /// The caller must accept it before using the service.
    pending: bool,
    /// The caller has a standing acceptance of this version.
    accepted: bool,
    /// The text in the caller's language (or the nearest there is).
    text: TextDto,
}

fn applicable_dto(tr: crate::i18n::Tr, a: &Applicable) -> ApplicableDto {
    let (language, text) = a.version.texts.best(tr.lang);
    ApplicableDto {
        version: (&a.version).into(),
        controller: a.controller.clone(),
        acceptance_kind: a.kind.as_str().into(),
        who: ops::who_accepts(tr, &a.version.terms),
        pending: a.pending,
        accepted: a.accepted.is_some(),
        text: text_dto(language, text),
    }
}

/// The active policies with who must accept them (KS-1): the platform's for anyone, with their
/// organisations' for a signed-in caller.
#[utoipa::path(get, path = "/policies", tag = "policies",
    responses((status = 200, body = Vec<ApplicableDto>)))]
async fn list_policies(
    State(state): State<AppState>,
    ctx: Ctx,
) -> AppResult<Json<Vec<ApplicableDto>>> {
    let found = ops::listed(&state, ctx.0.user.as_ref()).await?;
    Ok(Json(
        found.iter().map(|a| applicable_dto(ctx.0.tr, a)).collect(),
    ))
}

/// What the caller must accept before using the service (empty: nothing). While anything is
/// pending, every other call answers 403 `policy_acceptance_required`.
#[utoipa::path(get, path = "/me/policies/pending", tag = "policies",
    responses((status = 200, body = Vec<ApplicableDto>), (status = 401, body = Problem)))]
async fn pending(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<ApplicableDto>>> {
    let found = ops::pending(&state, &user.actor).await?;
    Ok(Json(
        found.iter().map(|a| applicable_dto(ctx.0.tr, a)).collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct AcceptRequest {
    /// The versions accepted (all or none).
    version_ids: Vec<String>,
    /// The language the caller read (`nb`, `nn`, `en`); else the caller's language.
    #[serde(default)]
    language: Option<String>,
}

/// One acceptance of the caller, with the exact text accepted.
#[derive(Serialize, ToSchema)]
pub struct AcceptanceDto {
    #[schema(value_type = String)]
    id: domain::AcceptanceId,
    #[schema(value_type = String)]
    version_id: domain::PolicyVersionId,
    version_number: u32,
    /// `privacy_notice`, `terms_of_use`, `cookie_notice` or `other`.
    policy_kind: String,
    controller: String,
    /// `acknowledgement` or `consent`.
    kind: String,
    language: String,
    content_hash: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    accepted_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    withdrawn_at: Option<time::OffsetDateTime>,
    /// The version's status now (`active` or `retired`).
    version_status: String,
    text: TextDto,
}

/// Accept policy versions (the caller's own). Each must be active and concern the caller;
/// a retired version answers 409 `policy_version_retired`, an unknown one 422
/// `unknown_policy_version`, and nothing is recorded. Accepting again changes nothing.
#[utoipa::path(post, path = "/me/policies/acceptances", tag = "policies", request_body = AcceptRequest,
    responses((status = 201, body = Vec<AcceptanceDto>), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn accept(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<AcceptRequest>,
) -> AppResult<Response> {
    let accepted = ops::accept(
        &state,
        &user.actor,
        &body.version_ids,
        body.language.as_deref(),
        ctx.0.tr.lang,
    )
    .await?;
    let ids: Vec<_> = accepted.iter().map(|a| a.version.id).collect();
    let history = history_dtos(&state, &user).await?;
    let out: Vec<AcceptanceDto> = history
        .into_iter()
        .filter(|h| ids.contains(&h.version_id) && h.withdrawn_at.is_none())
        .collect();
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

async fn history_dtos(state: &AppState, user: &CurrentUser) -> AppResult<Vec<AcceptanceDto>> {
    Ok(ops::history(state, &user.actor)
        .await?
        .into_iter()
        .map(|h| AcceptanceDto {
            id: h.acceptance.id,
            version_id: h.acceptance.version_id,
            version_number: h.acceptance.version_number,
            policy_kind: h.kind.as_str().into(),
            controller: h.controller,
            kind: h.acceptance.kind.as_str().into(),
            language: h.acceptance.language.code().into(),
            content_hash: h.acceptance.content_hash,
            accepted_at: h.acceptance.accepted_at,
            withdrawn_at: h.acceptance.withdrawn_at,
            version_status: h.status.as_str().into(),
            text: text_dto(h.acceptance.language, &h.text),
        })
        .collect())
}

/// The caller's acceptances, newest first, each with the exact text accepted.
#[utoipa::path(get, path = "/me/policies/acceptances", tag = "policies",
    responses((status = 200, body = Vec<AcceptanceDto>), (status = 401, body = Problem)))]
async fn history(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<AcceptanceDto>>> {
    Ok(Json(history_dtos(&state, &user).await?))
}

/// A request to delete one's account.
#[derive(Serialize, ToSchema)]
pub struct DeletionRequestDto {
    #[schema(value_type = String)]
    id: domain::DeletionRequestId,
    /// `policy_refused` or `policy_consent_withdrawn`.
    reason: String,
    /// `received` until the erasure work takes it up.
    status: String,
    #[schema(value_type = Option<String>)]
    version_id: Option<domain::PolicyVersionId>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    received_at: time::OffsetDateTime,
    /// One calendar month after receipt (GDPR Art. 12(3)).
    #[schema(value_type = String, format = Date)]
    #[serde(with = "iso_date")]
    due_on: time::Date,
}

impl From<&DeletionRequest> for DeletionRequestDto {
    fn from(r: &DeletionRequest) -> Self {
        Self {
            id: r.id,
            reason: r.reason.as_str().into(),
            status: r.status.clone(),
            version_id: r.version_id,
            received_at: r.received_at,
            due_on: r.due_on,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct RefuseRequest {
    version_id: String,
}

/// Refuse a mandatory consent the caller is asked for: without it the service cannot be used,
/// so a request to delete the account is recorded (status `received`). An acknowledgement
/// (employees) is not refused: 409 `acknowledgement_not_refused`.
#[utoipa::path(post, path = "/me/policies/refusals", tag = "policies", request_body = RefuseRequest,
    responses((status = 201, body = DeletionRequestDto), (status = 200, body = DeletionRequestDto, description = "A request was open already"),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn refuse(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<RefuseRequest>,
) -> AppResult<Response> {
    let (request, new) = ops::refuse(&state, &user.actor, &body.version_id).await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(DeletionRequestDto::from(&request))).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct WithdrawalDto {
    /// For a mandatory policy, the request to delete the account it rested on.
    deletion_request: Option<DeletionRequestDto>,
}

/// Withdraw the consent of one of the caller's acceptances. For a mandatory policy this also
/// records a request to delete the account.
#[utoipa::path(post, path = "/me/policies/acceptances/{id}/withdrawal", tag = "policies",
    params(("id" = String, Path)),
    responses((status = 200, body = WithdrawalDto), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn withdraw(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> AppResult<Json<WithdrawalDto>> {
    let request = ops::withdraw(&state, &user.actor, &id).await?;
    Ok(Json(WithdrawalDto {
        deletion_request: request.as_ref().map(|(r, _)| r.into()),
    }))
}

/// The caller's requests to delete their account.
#[utoipa::path(get, path = "/me/deletion-requests", tag = "policies",
    responses((status = 200, body = Vec<DeletionRequestDto>), (status = 401, body = Problem)))]
async fn deletion_requests(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<DeletionRequestDto>>> {
    let found = ops::deletion_requests(&state, user.actor.person_id).await?;
    Ok(Json(found.iter().map(Into::into).collect()))
}

// ---- administration ----

/// A policy with its versions, for its administrators.
#[derive(Serialize, ToSchema)]
pub struct PolicyDto {
    #[schema(value_type = String)]
    id: domain::PolicyId,
    kind: String,
    /// A privacy notice whose registry snapshot is behind the registry's version: publish a
    /// new version (people are asked again).
    notice_outdated: bool,
    versions: Vec<VersionDto>,
    /// Standing acceptances per version id (counts only).
    acceptances: std::collections::BTreeMap<String, i64>,
}

async fn policy_dto(state: &AppState, owner: &Owner, p: &PolicyVersions) -> AppResult<PolicyDto> {
    let counts = ops::acceptance_counts(state, owner).await?;
    Ok(PolicyDto {
        id: p.id,
        kind: p.kind.as_str().into(),
        notice_outdated: p.notice_outdated(),
        acceptances: p
            .versions
            .iter()
            .filter_map(|v| counts.get(&v.id).map(|n| (v.id.to_string(), *n)))
            .collect(),
        versions: p.versions.iter().map(Into::into).collect(),
    })
}

async fn list_for(
    state: &AppState,
    user: &CurrentUser,
    slug: Option<&str>,
) -> AppResult<Vec<PolicyDto>> {
    let owner = ops::owner_for(state, user, slug).await?;
    let mut out = Vec::new();
    for p in ops::list(state, &owner).await? {
        out.push(policy_dto(state, &owner, &p).await?);
    }
    Ok(out)
}

async fn create_for(
    state: &AppState,
    user: &CurrentUser,
    slug: Option<&str>,
    input: &NewPolicyInput,
) -> AppResult<Response> {
    let owner = ops::owner_for(state, user, slug).await?;
    let (policy, _) = ops::create_policy(state, &owner, input).await?;
    let found = ops::policy(state, &owner, &policy.to_string()).await?;
    Ok((
        StatusCode::CREATED,
        Json(policy_dto(state, &owner, &found).await?),
    )
        .into_response())
}

async fn show_for(
    state: &AppState,
    user: &CurrentUser,
    slug: Option<&str>,
    policy: &str,
) -> AppResult<Json<PolicyDto>> {
    let owner = ops::owner_for(state, user, slug).await?;
    let found = ops::policy(state, &owner, policy).await?;
    Ok(Json(policy_dto(state, &owner, &found).await?))
}

async fn new_version_for(
    state: &AppState,
    user: &CurrentUser,
    slug: Option<&str>,
    policy: &str,
    input: &VersionInput,
) -> AppResult<Response> {
    let owner = ops::owner_for(state, user, slug).await?;
    let id = ops::create_draft(state, &owner, policy, input).await?;
    let mut db = state.store.conn().await?;
    let v = store::policies::version(&mut db, owner.id(), id).await?;
    Ok((StatusCode::CREATED, Json(VersionDto::from(&v))).into_response())
}

async fn act_for(
    state: &AppState,
    user: &CurrentUser,
    slug: Option<&str>,
    version: &str,
    act: &str,
) -> AppResult<Response> {
    let owner = ops::owner_for(state, user, slug).await?;
    match act {
        "publish" => ops::publish(state, &owner, version).await?,
        "retire" => {
            ops::retire(state, &owner, version).await?;
            return Ok(StatusCode::NO_CONTENT.into_response());
        }
        _ => {
            ops::discard(state, &owner, version).await?;
            return Ok(StatusCode::NO_CONTENT.into_response());
        }
    };
    let mut db = state.store.conn().await?;
    let id = version
        .parse()
        .map_err(|_| crate::error::AppError::NotFound)?;
    let v = store::policies::version(&mut db, owner.id(), id).await?;
    Ok(Json(VersionDto::from(&v)).into_response())
}

/// The organisation's policies with every version (its administrators).
#[utoipa::path(get, path = "/organisations/{slug}/policies", tag = "policies", params(("slug" = String, Path)),
    responses((status = 200, body = Vec<PolicyDto>), (status = 404, body = Problem)))]
async fn org_policies(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(slug): Path<String>,
) -> AppResult<Json<Vec<PolicyDto>>> {
    Ok(Json(list_for(&state, &user, Some(&slug)).await?))
}

/// Create a policy with its first version as a draft (administrators). A privacy notice's text
/// is generated from the data registry; its text fields are ignored.
#[utoipa::path(post, path = "/organisations/{slug}/policies", tag = "policies", params(("slug" = String, Path)),
    request_body = NewPolicyInput,
    responses((status = 201, body = PolicyDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn org_create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(slug): Path<String>,
    ApiJson(input): ApiJson<NewPolicyInput>,
) -> AppResult<Response> {
    create_for(&state, &user, Some(&slug), &input).await
}

/// One policy with every version (administrators).
#[utoipa::path(get, path = "/organisations/{slug}/policies/{policy_id}", tag = "policies",
    params(("slug" = String, Path), ("policy_id" = String, Path)),
    responses((status = 200, body = PolicyDto), (status = 404, body = Problem)))]
async fn org_policy(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, policy)): Path<(String, String)>,
) -> AppResult<Json<PolicyDto>> {
    show_for(&state, &user, Some(&slug), &policy).await
}

/// Write a new draft version (administrators; one draft at a time). `minor` marks a change
/// that asks nobody again.
#[utoipa::path(post, path = "/organisations/{slug}/policies/{policy_id}/versions", tag = "policies",
    params(("slug" = String, Path), ("policy_id" = String, Path)), request_body = VersionInput,
    responses((status = 201, body = VersionDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn org_new_version(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, policy)): Path<(String, String)>,
    ApiJson(input): ApiJson<VersionInput>,
) -> AppResult<Response> {
    new_version_for(&state, &user, Some(&slug), &policy, &input).await
}

/// Publish a draft: it becomes active and the version before it is retired (administrators).
#[utoipa::path(post, path = "/organisations/{slug}/policy-versions/{id}/publish", tag = "policies",
    params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = VersionDto), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn org_publish(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Response> {
    act_for(&state, &user, Some(&slug), &id, "publish").await
}

/// Retire the active version without a successor (administrators).
#[utoipa::path(post, path = "/organisations/{slug}/policy-versions/{id}/retire", tag = "policies",
    params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn org_retire(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Response> {
    act_for(&state, &user, Some(&slug), &id, "retire").await
}

/// Discard a draft (administrators).
#[utoipa::path(delete, path = "/organisations/{slug}/policy-versions/{id}", tag = "policies",
    params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn org_discard(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Response> {
    act_for(&state, &user, Some(&slug), &id, "discard").await
}

/// The platform's policies with every version (platform operators).
#[utoipa::path(get, path = "/platform/policies", tag = "policies",
    responses((status = 200, body = Vec<PolicyDto>), (status = 403, body = Problem)))]
async fn platform_policies(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<PolicyDto>>> {
    Ok(Json(list_for(&state, &user, None).await?))
}

/// Create a platform policy with its first version as a draft (platform operators).
#[utoipa::path(post, path = "/platform/policies", tag = "policies", request_body = NewPolicyInput,
    responses((status = 201, body = PolicyDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn platform_create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<NewPolicyInput>,
) -> AppResult<Response> {
    create_for(&state, &user, None, &input).await
}

/// One platform policy (platform operators).
#[utoipa::path(get, path = "/platform/policies/{policy_id}", tag = "policies", params(("policy_id" = String, Path)),
    responses((status = 200, body = PolicyDto), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn platform_policy(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(policy): Path<String>,
) -> AppResult<Json<PolicyDto>> {
    show_for(&state, &user, None, &policy).await
}

/// Write a new draft version of a platform policy (platform operators).
#[utoipa::path(post, path = "/platform/policies/{policy_id}/versions", tag = "policies",
    params(("policy_id" = String, Path)), request_body = VersionInput,
    responses((status = 201, body = VersionDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn platform_new_version(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(policy): Path<String>,
    ApiJson(input): ApiJson<VersionInput>,
) -> AppResult<Response> {
    new_version_for(&state, &user, None, &policy, &input).await
}

/// Publish a platform policy's draft (platform operators).
#[utoipa::path(post, path = "/platform/policy-versions/{id}/publish", tag = "policies", params(("id" = String, Path)),
    responses((status = 200, body = VersionDto), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn platform_publish(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    act_for(&state, &user, None, &id, "publish").await
}

/// Retire a platform policy's active version (platform operators).
#[utoipa::path(post, path = "/platform/policy-versions/{id}/retire", tag = "policies", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn platform_retire(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    act_for(&state, &user, None, &id, "retire").await
}

/// Discard a platform policy's draft (platform operators).
#[utoipa::path(delete, path = "/platform/policy-versions/{id}", tag = "policies", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn platform_discard(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    act_for(&state, &user, None, &id, "discard").await
}
