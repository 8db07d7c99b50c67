//! The JSON API under `/api/v1`, described by the OpenAPI 3.1 document at `/api/openapi.json`
//! (generated from these handlers by utoipa, so it cannot drift). Errors are RFC 9457
//! problem+json with a stable `code`. Signed-in calls that change state send the CSRF token
//! returned at login in `X-CSRF-Token`.

use axum::Json;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::access::OrgRole;
use domain::org::OrganisationSettingsInput;
use domain::person::{MembershipInput, NewPersonInput, ProfileInput};
use domain::{MembershipId, PersonId};
use serde::{Deserialize, Serialize};
use store::memberships::Membership;
use store::organisations::Organisation;
use store::seam::{Member, PersonView};
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{self, ApiUser, SESSION_COOKIE};
use crate::error::{AppError, AppResult};
use crate::pages::Ctx;
use crate::{AppState, append_cookie, ops};

mod audit;
mod consents;
mod learning;
mod newsletter;
mod policies;
mod privacy;

// Dates travel as ISO 8601 (`2025-08-31`).
time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tavle API",
        description = "Learning and competence platform with executable privacy rules."
    ),
    components(schemas(Problem, ProblemField))
)]
struct ApiDoc;

pub fn router() -> OpenApiRouter<AppState> {
    let v1 = OpenApiRouter::new()
        .routes(routes!(login, logout))
        .routes(routes!(logout_everywhere))
        .routes(routes!(get_me, patch_me))
        .routes(routes!(list_organisations, create_organisation))
        .routes(routes!(get_organisation, put_organisation))
        .routes(routes!(list_units, create_unit))
        .routes(routes!(list_people, create_person))
        .routes(routes!(get_person))
        .routes(routes!(add_membership))
        .routes(routes!(put_membership))
        .routes(routes!(grant_role, revoke_role))
        .routes(routes!(send_invitation))
        .routes(routes!(grant_admin))
        .routes(routes!(audit::access_log))
        .routes(routes!(audit::search))
        .merge(learning::router())
        .merge(privacy::router())
        .merge(policies::router())
        .merge(consents::router())
        .merge(newsletter::router());
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest("/api/v1", v1)
}

/// Endpoints that take file uploads (multipart): they get the upload size limit instead of
/// the body limit (see [`crate::app`]).
pub fn upload_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().nest("/api/v1", learning::upload_router())
}

/// An RFC 9457 problem document.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    /// `/api/problems/<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// Stable snake_case error code.
    pub code: String,
    pub detail: Option<String>,
    pub errors: Option<Vec<ProblemField>>,
}

#[derive(Serialize, ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// A JSON body; anything else is a `malformed_body` problem.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Json::<T>::from_request(req, state)
            .await
            .map(|Json(v)| Self(v))
            .map_err(|e| AppError::Malformed(e.body_text()))
    }
}

fn parse_id<T: std::str::FromStr>(raw: &str) -> AppResult<T> {
    raw.parse().map_err(|_| AppError::NotFound)
}

// ---- session ----

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    email: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct SessionResponse {
    person_id: PersonId,
    /// Send this in `X-CSRF-Token` on every state-changing call.
    csrf_token: String,
}

/// Sign in with e-mail and password; sets the session cookie.
#[utoipa::path(post, path = "/session", tag = "session", request_body = LoginRequest,
    responses((status = 200, body = SessionResponse), (status = 401, body = Problem), (status = 400, body = Problem)))]
async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<LoginRequest>,
) -> AppResult<Response> {
    let person =
        auth::verify_login(&state.store, &body.email, body.password, ctx.0.client_ip).await?;
    let (session, csrf_cookie, csrf_token) = auth::start_session(&state, &ctx.0, person).await?;
    let mut response = Json(SessionResponse {
        person_id: person,
        csrf_token,
    })
    .into_response();
    append_cookie(response.headers_mut(), &session);
    append_cookie(response.headers_mut(), &csrf_cookie);
    Ok(response)
}

/// Sign out of this session.
#[utoipa::path(delete, path = "/session", tag = "session", responses((status = 204), (status = 401, body = Problem)))]
async fn logout(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<Response> {
    let mut db = state.store.conn().await?;
    store::sessions::delete(&mut db, &user.session_hash).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    append_cookie(
        response.headers_mut(),
        &auth::removal(&state, SESSION_COOKIE),
    );
    Ok(response)
}

#[derive(Serialize, ToSchema)]
pub struct LoggedOut {
    /// How many sessions were ended, this one included.
    sessions_ended: u64,
}

/// Sign out of every session of this person, on every device.
#[utoipa::path(post, path = "/session/everywhere", tag = "session",
    responses((status = 200, body = LoggedOut), (status = 401, body = Problem)))]
async fn logout_everywhere(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Response> {
    let mut db = state.store.conn().await?;
    let sessions_ended = store::sessions::delete_for_person(&mut db, user.actor.person_id).await?;
    let mut response = Json(LoggedOut { sessions_ended }).into_response();
    append_cookie(
        response.headers_mut(),
        &auth::removal(&state, SESSION_COOKIE),
    );
    Ok(response)
}

// ---- people ----

#[derive(Serialize, ToSchema)]
pub struct MembershipDto {
    id: MembershipId,
    #[schema(value_type = String)]
    organisation_id: domain::OrganisationId,
    person_id: PersonId,
    kind: String,
    #[schema(value_type = Option<String>)]
    unit_id: Option<domain::UnitId>,
    unit_name: Option<String>,
    position: Option<String>,
    employee_number: Option<String>,
    manager_id: Option<PersonId>,
    /// The manager's name; absent in lists (they name the manager by id).
    #[serde(skip_serializing_if = "Option::is_none")]
    manager_name: Option<String>,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "iso_date")]
    starts_on: time::Date,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(with = "iso_date::option")]
    ends_on: Option<time::Date>,
    source: String,
    status: String,
}

impl From<&Membership> for MembershipDto {
    fn from(m: &Membership) -> Self {
        Self {
            id: m.id,
            organisation_id: m.organisation_id,
            person_id: m.person_id,
            kind: m.kind.as_str().into(),
            unit_id: m.unit_id,
            unit_name: m.unit_name.clone(),
            position: m.position.clone(),
            employee_number: m.employee_number.clone(),
            manager_id: m.manager_id,
            manager_name: m.manager_name.clone(),
            starts_on: m.starts_on,
            ends_on: m.ends_on,
            source: m.source.as_str().into(),
            status: m.status.as_str().into(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RoleDto {
    #[schema(value_type = String)]
    organisation_id: domain::OrganisationId,
    role: String,
}

/// A person as the caller may see them: fields the caller may not see are absent.
#[derive(Serialize, ToSchema)]
pub struct PersonDto {
    id: PersonId,
    /// How the caller relates to the person: `myself`, `direct_manager`, `indirect_manager`, `org_admin`.
    relations: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    given_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    family_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", with = "iso_date::option")]
    #[schema(value_type = Option<String>, format = Date)]
    birth_date: Option<time::Date>,
    /// A year of birth where only that was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    birth_year: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    preferred_language: Option<String>,
    /// Where name and e-mail came from; only `self` lets the person edit them.
    #[serde(skip_serializing_if = "Option::is_none")]
    profile_source: Option<String>,
    memberships: Vec<MembershipDto>,
    roles: Vec<RoleDto>,
}

impl From<PersonView> for PersonDto {
    fn from(v: PersonView) -> Self {
        Self {
            id: v.id,
            relations: v.relations.iter().map(|r| r.as_str().to_owned()).collect(),
            given_name: v.given_name,
            family_name: v.family_name,
            email: v.email,
            birth_date: v.birth_date,
            birth_year: v.birth_year,
            preferred_language: v.preferred_language.map(|l| l.code().to_owned()),
            profile_source: v.profile_source.map(|s| s.as_str().to_owned()),
            memberships: v.memberships.iter().map(Into::into).collect(),
            roles: v
                .roles
                .iter()
                .map(|(o, r)| RoleDto {
                    organisation_id: *o,
                    role: r.as_str().into(),
                })
                .collect(),
        }
    }
}

/// The signed-in person's own data.
#[utoipa::path(get, path = "/me", tag = "people", responses((status = 200, body = PersonDto), (status = 401, body = Problem)))]
async fn get_me(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<PersonDto>> {
    let mut db = state.store.conn().await?;
    Ok(Json(store::seam::me(&mut db, &user.actor).await?.into()))
}

/// Change one's own profile. Name and e-mail from an employer or identity provider are refused
/// with `managed_by_organisation`.
#[utoipa::path(patch, path = "/me", tag = "people", request_body = ProfileInput,
    responses((status = 200, body = PersonDto), (status = 422, body = Problem), (status = 401, body = Problem)))]
async fn patch_me(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<ProfileInput>,
) -> AppResult<Json<PersonDto>> {
    ops::update_profile(&state, &user.actor, &input).await?;
    let mut db = state.store.conn().await?;
    Ok(Json(store::seam::me(&mut db, &user.actor).await?.into()))
}

// ---- organisations ----

#[derive(Serialize, ToSchema)]
pub struct OrganisationDto {
    #[schema(value_type = String)]
    id: domain::OrganisationId,
    slug: String,
    name: String,
    kind: String,
    minimum_age: Option<u8>,
    languages: Vec<String>,
    contact_email: Option<String>,
    dpo_name: Option<String>,
    dpo_email: Option<String>,
}

impl From<Organisation> for OrganisationDto {
    fn from(o: Organisation) -> Self {
        Self {
            id: o.id,
            slug: o.slug.to_string(),
            name: o.name,
            kind: o.kind.as_str().into(),
            minimum_age: o.minimum_age.map(|a| a.years()),
            languages: o.languages.iter().map(|l| l.code().to_owned()).collect(),
            contact_email: o.contact_email,
            dpo_name: o.dpo_name,
            dpo_email: o.dpo_email,
        }
    }
}

/// Organisations: all of them for an operator, otherwise the caller's own.
#[utoipa::path(get, path = "/organisations", tag = "organisations",
    responses((status = 200, body = Vec<OrganisationDto>), (status = 401, body = Problem)))]
async fn list_organisations(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<OrganisationDto>>> {
    let mut db = state.store.conn().await?;
    let orgs = if user.actor.operator {
        store::organisations::all(&mut db).await?
    } else {
        store::seam::my_organisations(&mut db, &user.actor).await?
    };
    Ok(Json(orgs.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct NewOrganisation {
    #[serde(default)]
    slug: String,
    #[serde(flatten)]
    settings: OrganisationSettingsInput,
}

/// Create an organisation (platform operators only).
#[utoipa::path(post, path = "/organisations", tag = "organisations", request_body = NewOrganisation,
    responses((status = 201, body = OrganisationDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_organisation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<NewOrganisation>,
) -> AppResult<Response> {
    let org = ops::create_organisation(&state, &user.actor, &body.slug, &body.settings).await?;
    Ok((StatusCode::CREATED, Json(OrganisationDto::from(org))).into_response())
}

/// One organisation the caller belongs to, administers or operates.
#[utoipa::path(get, path = "/organisations/{slug}", tag = "organisations", params(("slug" = String, Path)),
    responses((status = 200, body = OrganisationDto), (status = 404, body = Problem)))]
async fn get_organisation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(slug): Path<String>,
) -> AppResult<Json<OrganisationDto>> {
    Ok(Json(ops::org_visible(&state, &user, &slug).await?.into()))
}

/// Replace an organisation's settings (its admins and operators).
#[utoipa::path(put, path = "/organisations/{slug}", tag = "organisations", params(("slug" = String, Path)),
    request_body = OrganisationSettingsInput,
    responses((status = 200, body = OrganisationDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn put_organisation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<OrganisationSettingsInput>,
) -> AppResult<Json<OrganisationDto>> {
    let org = ops::org_visible(&state, &user, &slug).await?;
    Ok(Json(
        ops::update_organisation(&state, &user.actor, &org, &body)
            .await?
            .into(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct UnitDto {
    #[schema(value_type = String)]
    id: domain::UnitId,
    #[schema(value_type = Option<String>)]
    parent_id: Option<domain::UnitId>,
    name: String,
    /// Names from the top unit down, joined by `/`.
    path: String,
}

/// The organisation's units in tree order (admins).
#[utoipa::path(get, path = "/organisations/{slug}/units", tag = "organisations", params(("slug" = String, Path)),
    responses((status = 200, body = Vec<UnitDto>), (status = 404, body = Problem)))]
async fn list_units(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(slug): Path<String>,
) -> AppResult<Json<Vec<UnitDto>>> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    let mut db = state.store.conn().await?;
    let units = store::units::tree(&mut db, org.id).await?;
    Ok(Json(
        units
            .into_iter()
            .map(|u| UnitDto {
                id: u.id,
                parent_id: u.parent_id,
                name: u.name,
                path: u.path,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NewUnit {
    #[serde(default)]
    name: String,
    /// Empty or absent for a top-level unit.
    #[serde(default)]
    parent_id: String,
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    id: String,
}

/// Create a unit (admins).
#[utoipa::path(post, path = "/organisations/{slug}/units", tag = "organisations", params(("slug" = String, Path)),
    request_body = NewUnit, responses((status = 201, body = Created), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn create_unit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<NewUnit>,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    let id = ops::create_unit(&state, &user.actor, &org, &body.parent_id, &body.name).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.to_string() })).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct MemberDto {
    given_name: String,
    family_name: String,
    email: String,
    membership: MembershipDto,
}

impl From<&Member> for MemberDto {
    fn from(m: &Member) -> Self {
        Self {
            given_name: m.given_name.clone(),
            family_name: m.family_name.clone(),
            email: m.email.clone(),
            membership: (&m.membership).into(),
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct Paging {
    /// Page number, from 1.
    page: Option<i64>,
    /// Rows per page (1–500, default 100).
    per_page: Option<i64>,
    /// Start after this membership (the last one of the previous page): the fast way through
    /// a long list. The `Link` header's `next` carries it.
    after: Option<String>,
    /// End before this membership (the first one of the next page).
    before: Option<String>,
}

/// The memberships the caller may see, in name order, a page at a time: all for an admin,
/// their people's for a manager. The total is in `X-Total-Count`; `Link` (RFC 8288) names the
/// `next` and `prev` pages. List rows name the manager by id only.
#[utoipa::path(get, path = "/organisations/{slug}/people", tag = "people", params(("slug" = String, Path), Paging),
    responses((status = 200, body = Vec<MemberDto>, headers(("X-Total-Count" = i64), ("Link" = String))), (status = 404, body = Problem)))]
async fn list_people(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(slug): Path<String>,
    axum::extract::Query(paging): axum::extract::Query<Paging>,
) -> AppResult<Response> {
    let org = ops::org_visible(&state, &user, &slug).await?;
    let mut db = state.store.conn().await?;
    let page = ops::list_page(
        paging.page,
        paging.per_page.unwrap_or(100),
        paging.after.as_deref(),
        paging.before.as_deref(),
    );
    let listed = store::seam::members(&mut db, &user.actor, &org, page).await?;
    let (relation, purpose) = crate::audit::list_relation(&user.actor, org.id);
    crate::audit::read(
        &state,
        org.id,
        &user.actor,
        relation,
        listed.members.iter().map(|m| m.membership.person_id),
        &["user.name", "user.contact.email", "user.employment"],
        purpose,
    )
    .await;
    let base = format!(
        "/api/v1/organisations/{}/people?per_page={}",
        org.slug, page.size
    );
    let mut links = Vec::new();
    if let Some(first) = listed.members.first().filter(|_| page.number > 1) {
        let (n, id) = (page.number - 1, first.membership.id);
        links.push(format!("<{base}&page={n}&before={id}>; rel=\"prev\""));
    }
    if let Some(last) = listed
        .members
        .last()
        .filter(|_| page.number * page.size < listed.total)
    {
        let (n, id) = (page.number + 1, last.membership.id);
        links.push(format!("<{base}&page={n}&after={id}>; rel=\"next\""));
    }
    let body: Vec<MemberDto> = listed.members.iter().map(Into::into).collect();
    let mut response = ([("x-total-count", listed.total.to_string())], Json(body)).into_response();
    if !links.is_empty()
        && let Ok(value) = axum::http::HeaderValue::from_str(&links.join(", "))
    {
        response
            .headers_mut()
            .insert(axum::http::header::LINK, value);
    }
    Ok(response)
}

#[derive(Deserialize, ToSchema)]
pub struct NewPersonRequest {
    person: NewPersonInput,
    membership: MembershipInput,
}

/// Create a person with a membership (admins). Where the organisation sets a minimum age, a
/// birth date is required and under-age people are refused without anything being stored.
#[utoipa::path(post, path = "/organisations/{slug}/people", tag = "people", params(("slug" = String, Path)),
    request_body = NewPersonRequest, responses((status = 201, body = Created), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn create_person(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<NewPersonRequest>,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    let id = ops::create_person(
        &state,
        &user.actor,
        &org,
        &body.person,
        &body.membership,
        store::policies::Channel::Api,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.to_string() })).into_response())
}

/// A person as the caller may see them within the organisation.
#[utoipa::path(get, path = "/organisations/{slug}/people/{person_id}", tag = "people",
    params(("slug" = String, Path), ("person_id" = String, Path)),
    responses((status = 200, body = PersonDto), (status = 404, body = Problem)))]
async fn get_person(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Json<PersonDto>> {
    let org = ops::org_visible(&state, &user, &slug).await?;
    let mut db = state.store.conn().await?;
    let view = store::seam::person_in_org(&mut db, &user.actor, org.id, parse_id(&id)?).await?;
    crate::audit::person_viewed(&state, org.id, &user.actor, &view).await;
    Ok(Json(view.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct NewMembershipRequest {
    /// The e-mail of a person who already has an account.
    email: String,
    membership: MembershipInput,
}

/// Add a membership for an existing person (admins).
#[utoipa::path(post, path = "/organisations/{slug}/memberships", tag = "people", params(("slug" = String, Path)),
    request_body = NewMembershipRequest, responses((status = 201, body = Created), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn add_membership(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<NewMembershipRequest>,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    let id = ops::add_membership(&state, &user.actor, &org, &body.email, &body.membership).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.to_string() })).into_response())
}

/// Replace a membership's terms (admins).
#[utoipa::path(put, path = "/organisations/{slug}/memberships/{id}", tag = "people",
    params(("slug" = String, Path), ("id" = String, Path)), request_body = MembershipInput,
    responses((status = 200, body = MembershipDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn put_membership(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<MembershipInput>,
) -> AppResult<Json<MembershipDto>> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    let id: MembershipId = parse_id(&id)?;
    ops::update_membership(&state, &user.actor, &org, id, &body).await?;
    let mut db = state.store.conn().await?;
    Ok(Json(
        (&store::seam::membership(&mut db, &user.actor, org.id, id).await?).into(),
    ))
}

/// E-mail the person a link to set their password (admins). The link is single-use and
/// expires after seven days.
#[utoipa::path(post, path = "/organisations/{slug}/people/{person_id}/invitation", tag = "people",
    params(("slug" = String, Path), ("person_id" = String, Path)),
    responses((status = 202), (status = 404, body = Problem)))]
async fn send_invitation(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    ops::invite(&state, &user.actor, &org, parse_id(&id)?, ctx.0.tr).await?;
    Ok(StatusCode::ACCEPTED)
}

fn parse_role(raw: &str) -> AppResult<OrgRole> {
    OrgRole::parse(raw).map_err(|_| AppError::NotFound)
}

/// Grant a role (`org_admin`, `report_viewer`, `dpo`) to a member (admins).
#[utoipa::path(put, path = "/organisations/{slug}/people/{person_id}/roles/{role}", tag = "people",
    params(("slug" = String, Path), ("person_id" = String, Path), ("role" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn grant_role(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, role)): Path<(String, String, String)>,
) -> AppResult<StatusCode> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    ops::set_role(
        &state,
        &user.actor,
        &org,
        parse_id(&id)?,
        parse_role(&role)?,
        true,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Revoke a role (admins); the last organisation admin cannot be removed.
#[utoipa::path(delete, path = "/organisations/{slug}/people/{person_id}/roles/{role}", tag = "people",
    params(("slug" = String, Path), ("person_id" = String, Path), ("role" = String, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn revoke_role(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, role)): Path<(String, String, String)>,
) -> AppResult<StatusCode> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    ops::set_role(
        &state,
        &user.actor,
        &org,
        parse_id(&id)?,
        parse_role(&role)?,
        false,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct GrantAdmin {
    email: String,
}

/// Make an existing person an administrator of the organisation (platform operators only).
#[utoipa::path(post, path = "/organisations/{slug}/admins", tag = "organisations", params(("slug" = String, Path)),
    request_body = GrantAdmin, responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn grant_admin(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<GrantAdmin>,
) -> AppResult<StatusCode> {
    ops::grant_admin_by_email(&state, &user.actor, &slug, &body.email).await?;
    Ok(StatusCode::NO_CONTENT)
}
