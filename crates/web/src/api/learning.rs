//! The learning core in the JSON API: courses and their content, enrollment, taking
//! activities, teaching, requirements, reports and discussion. Handlers call
//! [`crate::learning`] (shared with the pages) and the store's seam.
//!
//! Course paths name an organisation and a course: the course's owner, or an organisation the
//! course is offered to (shared with it, or public), so a partner's people reach a shared
//! course under their own organisation. Any other organisation's course is `404 not_found`.
//! Flags in course, activity and requirement bodies may be JSON booleans or the strings the
//! HTML forms send (`on`, `true`); lists may be arrays or comma-separated strings.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::learning::activity::{
    ActivityInput, ActivitySettings, Graded, QuestionSummary, QuizAnswers, SurveyQuestionKind,
    format_local_datetime, grade, summarise,
};
use domain::learning::course::{CourseInput, CourseSettings, matches_search};
use domain::learning::requirement::{Audience, RequirementInput, RequirementStatus};
use domain::org::Language;
use domain::{
    ActivityId, CertificateId, CourseId, EnrollmentId, FieldErrors, FileId, ModuleId,
    OrganisationId, PersonId, PostId, RegistrationId, RequirementId, SubmissionId,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::learning::courses::{self, Activity, CatalogueQuery};
use store::learning::enrollments::{Enrollment, Progress, Recorded};
use store::learning::files::Purpose;
use store::learning::requirements::Requirement;
use store::learning::work::{Attempt, ExternalRecordRow, Registration, Submission};
use store::seam::learning as seam;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, Created, Problem, iso_date, parse_id};
use crate::auth::{ApiUser, CurrentUser};
use crate::error::{AppError, AppResult};
use crate::learning::{self, CourseCtx};
use crate::{AppState, ops};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_learning))
        .routes(routes!(my_enrollments))
        .routes(routes!(my_certificates))
        .routes(routes!(my_certificate))
        .routes(routes!(list_courses, create_course))
        .routes(routes!(get_course, put_course))
        .routes(routes!(add_module))
        .routes(routes!(rename_module))
        .routes(routes!(create_activity))
        .routes(routes!(get_activity, put_activity))
        .routes(routes!(add_staff))
        .routes(routes!(remove_staff))
        .routes(routes!(add_share))
        .routes(routes!(remove_share))
        .routes(routes!(enroll))
        .routes(routes!(retake))
        .routes(routes!(assign))
        .routes(routes!(record_progress))
        .routes(routes!(record_progress_all))
        .routes(routes!(submit_quiz))
        .routes(routes!(answer_survey))
        .routes(routes!(survey_results))
        .routes(routes!(register, cancel_registration))
        .routes(routes!(list_registrations))
        .routes(routes!(mark_attendance))
        .routes(routes!(set_evaluation))
        .routes(routes!(list_records))
        .routes(routes!(decide_record))
        .routes(routes!(list_participants))
        .routes(routes!(get_participant))
        .routes(routes!(grading_queue))
        .routes(routes!(grade_submission))
        .routes(routes!(list_discussion, start_thread))
        .routes(routes!(reply))
        .routes(routes!(edit_post, delete_post))
        .routes(routes!(list_requirements, create_requirement))
        .routes(routes!(delete_requirement))
        .routes(routes!(team_requirements))
        .routes(routes!(team_expiring))
        .routes(routes!(completion_report))
        .routes(routes!(get_file))
}

pub fn upload_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(submit_assignment))
        .routes(routes!(record_external))
}

fn today() -> time::Date {
    store::now().date()
}

/// Reads a form-like input from JSON, taking booleans, numbers and arrays of strings for the
/// string fields the forms send (`true` → `"true"`, `false`/`null` → `""`, `["a","b"]` →
/// `"a, b"`).
pub(super) fn lenient<T: DeserializeOwned>(mut body: Value) -> AppResult<T> {
    if let Value::Object(map) = &mut body {
        for value in map.values_mut() {
            let replacement = match &*value {
                Value::Bool(true) => Some("true".to_owned()),
                Value::Bool(false) | Value::Null => Some(String::new()),
                Value::Number(n) => Some(n.to_string()),
                Value::Array(items) => Some(
                    items
                        .iter()
                        .map(|i| match i {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                _ => None,
            };
            if let Some(s) = replacement {
                *value = Value::String(s);
            }
        }
    }
    serde_json::from_value(body).map_err(|e| AppError::Malformed(e.to_string()))
}

/// A JSON value as a form value: strings as they are, numbers and booleans spelled out.
fn form_value(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(if *b { "true".into() } else { String::new() }),
        other => Some(other.to_string()),
    }
}

/// The course `id` in the context of organisation `slug`: a course `slug` owns, or one
/// offered to it by another organisation (shared with it, or public) when the caller belongs
/// to `slug`. Anything else is not found.
pub(super) async fn course_in(
    state: &AppState,
    user: &CurrentUser,
    slug: &str,
    id: &str,
) -> AppResult<CourseCtx> {
    match learning::course_ctx(state, user, slug, id).await {
        Err(AppError::NotFound) => {}
        other => return other,
    }
    let course: CourseId = parse_id(id)?;
    let org = ops::org_visible(state, user, slug).await?;
    let mut db = state.store.conn().await?;
    let Some(owner) = courses::offered_to(&mut db, org.id, course).await? else {
        return Err(AppError::NotFound);
    };
    let owner = store::organisations::by_id(&mut db, owner).await?;
    drop(db);
    learning::course_ctx(state, user, owner.slug.as_str(), id).await
}

/// The course and one of its activities.
async fn activity_in(
    state: &AppState,
    user: &CurrentUser,
    slug: &str,
    id: &str,
    activity: &str,
) -> AppResult<(CourseCtx, Activity)> {
    let ctx = course_in(state, user, slug, id).await?;
    let activity = learning::activity_of(state, &ctx, activity).await?;
    Ok((ctx, activity))
}

fn file_url(owner_slug: &str, file: FileId) -> String {
    format!("/api/v1/organisations/{owner_slug}/files/{file}")
}

// ---- shapes ----

/// A course's settings.
#[derive(Serialize, ToSchema)]
pub struct CourseDto {
    id: CourseId,
    /// The organisation that owns the course.
    owner_slug: String,
    owner_name: String,
    title: String,
    summary: String,
    /// HTML of the Markdown summary (safe to show).
    summary_html: String,
    language: String,
    tags: Vec<String>,
    /// `organisation`, `shared` or `public`.
    visibility: String,
    /// `draft`, `open` or `closed`.
    status: String,
    self_enrollment: bool,
    /// `all_required`, `pass_mark` or `all_required_and_pass_mark`.
    completion_rule: String,
    pass_mark: Option<u8>,
    certificate: bool,
    /// Months a certificate is valid; absent or null is for good.
    certificate_validity_months: Option<u16>,
    refresher_course_id: Option<CourseId>,
    participant_list: bool,
}

fn course_dto(id: CourseId, owner_slug: &str, owner_name: &str, s: &CourseSettings) -> CourseDto {
    CourseDto {
        id,
        owner_slug: owner_slug.to_owned(),
        owner_name: owner_name.to_owned(),
        title: s.title.clone(),
        summary: s.summary.clone(),
        summary_html: domain::learning::markdown::to_html(&s.summary),
        language: s.language.code().into(),
        tags: s.tags.clone(),
        visibility: s.visibility.as_str().into(),
        status: s.status.as_str().into(),
        self_enrollment: s.self_enrollment,
        completion_rule: s.completion_rule.as_str().into(),
        pass_mark: s.pass_mark,
        certificate: s.certificate.is_some(),
        certificate_validity_months: s.certificate.and_then(|c| c.validity_months),
        refresher_course_id: s.refresher_course,
        participant_list: s.participant_list,
    }
}

fn ctx_course_dto(ctx: &CourseCtx) -> CourseDto {
    course_dto(
        ctx.course.id,
        ctx.org.slug.as_str(),
        &ctx.org.name,
        &ctx.course.settings,
    )
}

/// Taking a course of another organisation shares the learner's name, e-mail, progress and
/// course activity with that organisation (its teachers and administrators).
#[derive(Serialize, ToSchema)]
pub struct ProviderNotice {
    /// Always `provider_sees_participation` (the catalogue key `learning.provider_notice`).
    code: &'static str,
    /// The providing organisation.
    organisation: String,
    /// What it sees: `name`, `email`, `progress`, `course_activity`.
    sees: Vec<&'static str>,
}

fn provider_notice(ctx: &CourseCtx) -> Option<ProviderNotice> {
    (!ctx.access.owner_member).then(|| ProviderNotice {
        code: "provider_sees_participation",
        organisation: ctx.org.name.clone(),
        sees: vec!["name", "email", "progress", "course_activity"],
    })
}

/// How the caller stands to the course.
#[derive(Serialize, ToSchema)]
pub struct AccessDto {
    can_edit: bool,
    can_teach: bool,
    enrolled: bool,
    can_self_enroll: bool,
}

/// One activity's progress in an enrollment.
#[derive(Serialize, ToSchema)]
pub struct ProgressDto {
    activity_id: ActivityId,
    /// `not_started`, `in_progress`, `done` or `failed`.
    status: String,
    score: Option<i32>,
    max_score: Option<i32>,
    attempts: i32,
    time_spent_seconds: i64,
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(with = "time::serde::rfc3339::option")]
    completed_at: Option<OffsetDateTime>,
}

impl From<&Progress> for ProgressDto {
    fn from(p: &Progress) -> Self {
        Self {
            activity_id: p.activity_id,
            status: p.status.as_str().into(),
            score: p.score,
            max_score: p.max_score,
            attempts: p.attempts,
            time_spent_seconds: p.time_spent_seconds,
            completed_at: p.completed_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ActivitySummary {
    id: ActivityId,
    /// `content`, `quiz`, `assignment`, `survey`, `event` or `external_record`.
    kind: String,
    title: String,
    required: bool,
    /// The caller's progress (when enrolled).
    progress: Option<ProgressDto>,
}

#[derive(Serialize, ToSchema)]
pub struct ModuleDto {
    id: ModuleId,
    position: i32,
    title: String,
    activities: Vec<ActivitySummary>,
}

#[derive(Serialize, ToSchema)]
pub struct StaffDto {
    person_id: PersonId,
    name: String,
    /// Shown to the course's editors only.
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    /// `teacher` or `course_admin`.
    role: String,
}

#[derive(Serialize, ToSchema)]
pub struct ShareDto {
    organisation_id: OrganisationId,
    slug: String,
    name: String,
}

#[derive(Serialize, ToSchema)]
pub struct CertificateRef {
    id: CertificateId,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "iso_date")]
    issued_on: time::Date,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(with = "iso_date::option")]
    expires_on: Option<time::Date>,
}

/// An enrollment (one taking of a course; a re-take is another).
#[derive(Serialize, ToSchema)]
pub struct EnrollmentDto {
    id: EnrollmentId,
    course_id: CourseId,
    /// Present in lists of one's own enrollments.
    #[serde(skip_serializing_if = "Option::is_none")]
    course_title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner_slug: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner_name: Option<String>,
    /// The organisation it is taken for.
    via_organisation_id: Option<OrganisationId>,
    /// `self`, `manager`, `admin` or `requirement`.
    source: String,
    /// `active`, `completed` or `withdrawn`.
    status: String,
    #[schema(value_type = String, format = DateTime)]
    #[serde(with = "time::serde::rfc3339")]
    enrolled_at: OffsetDateTime,
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(with = "time::serde::rfc3339::option")]
    completed_at: Option<OffsetDateTime>,
    required_done: i32,
    required_total: i32,
    time_spent_seconds: i64,
    certificate: Option<CertificateRef>,
}

fn enrollment_dto(e: &Enrollment) -> EnrollmentDto {
    EnrollmentDto {
        id: e.id,
        course_id: e.course_id,
        course_title: None,
        owner_slug: None,
        owner_name: None,
        via_organisation_id: e.via_organisation_id,
        source: e.source.as_str().into(),
        status: e.status.as_str().into(),
        enrolled_at: e.enrolled_at,
        completed_at: e.completed_at,
        required_done: e.required_done,
        required_total: e.required_total,
        time_spent_seconds: e.time_spent_seconds,
        certificate: None,
    }
}

fn my_enrollment_dto(m: &seam::MyEnrollment) -> EnrollmentDto {
    EnrollmentDto {
        course_title: Some(m.course_title.clone()),
        owner_slug: Some(m.owner_slug.clone()),
        owner_name: Some(m.owner_name.clone()),
        certificate: m
            .certificate
            .map(|(id, issued_on, expires_on)| CertificateRef {
                id,
                issued_on,
                expires_on,
            }),
        ..enrollment_dto(&m.enrollment)
    }
}

/// A course with its modules and activities, as the caller may see it.
#[derive(Serialize, ToSchema)]
pub struct CourseDetail {
    course: CourseDto,
    access: AccessDto,
    modules: Vec<ModuleDto>,
    /// The course's teachers and course admins: only for its editors (empty for others).
    staff: Vec<StaffDto>,
    /// Organisations the course is shared with (its editors only).
    shares: Vec<ShareDto>,
    /// The caller's current enrollment (active, else the latest completed).
    enrollment: Option<EnrollmentDto>,
    /// Present when the course belongs to an organisation the caller is not a member of.
    provider_notice: Option<ProviderNotice>,
    /// The participant list (KS-9), when the course has it on and the caller takes or teaches
    /// it: name, e-mail, workplace and completion date of each participant.
    #[serde(skip_serializing_if = "Option::is_none")]
    co_participants: Option<Vec<CoParticipantDto>>,
}

#[derive(Serialize, ToSchema)]
pub struct CoParticipantDto {
    name: String,
    email: String,
    /// Their organisation and unit.
    workplace: String,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(with = "iso_date::option")]
    completed_on: Option<time::Date>,
}

async fn course_detail(
    state: &AppState,
    user: &CurrentUser,
    ctx: &CourseCtx,
) -> AppResult<CourseDetail> {
    let (org, id) = (ctx.org.id, ctx.course.id);
    let mut db = state.store.conn().await?;
    let modules = courses::modules(&mut db, org, id).await?;
    let activities = courses::activities(&mut db, org, id).await?;
    let mine = seam::my_enrollment(&mut db, &user.actor, &ctx.course).await?;
    let edit = ctx.access.can_edit();
    // Who teaches a course is the administration's to see (the registry's `course_staff.role`):
    // the course's editors get its staff, as on the editor page.
    let staff = if edit {
        seam::course_staff(&mut db, &ctx.course).await?
    } else {
        Vec::new()
    };
    let shares = if edit {
        courses::shares(&mut db, org, id).await?
    } else {
        Vec::new()
    };
    let co_participants = if ctx.access.enrolled || ctx.access.can_teach() {
        let list = seam::co_participants(&mut db, &user.actor, &ctx.course).await?;
        if let Some(list) = &list {
            crate::audit::co_participants(
                state,
                &user.actor,
                &ctx.course,
                ctx.access.can_teach(),
                list,
            )
            .await;
        }
        list.map(|list| {
            list.into_iter()
                .map(|p| CoParticipantDto {
                    name: p.name,
                    email: p.email,
                    workplace: p.workplace,
                    completed_on: p.completed_on,
                })
                .collect()
        })
    } else {
        None
    };
    let progress: HashMap<ActivityId, &Progress> = mine
        .as_ref()
        .map(|(_, p)| p.iter().map(|p| (p.activity_id, p)).collect())
        .unwrap_or_default();
    Ok(CourseDetail {
        course: ctx_course_dto(ctx),
        access: AccessDto {
            can_edit: edit,
            can_teach: ctx.access.can_teach(),
            enrolled: ctx.access.enrolled,
            can_self_enroll: ctx.access.can_self_enroll(&ctx.course.settings),
        },
        modules: modules
            .into_iter()
            .map(|m| ModuleDto {
                activities: activities
                    .iter()
                    .filter(|a| a.module_id == m.id)
                    .map(|a| ActivitySummary {
                        id: a.id,
                        kind: a.settings.kind().as_str().into(),
                        title: a.title.clone(),
                        required: a.required,
                        progress: progress.get(&a.id).map(|p| ProgressDto::from(*p)),
                    })
                    .collect(),
                id: m.id,
                position: m.position,
                title: m.title,
            })
            .collect(),
        staff: staff
            .into_iter()
            .map(|(person_id, name, email, role)| StaffDto {
                person_id,
                name,
                email: edit.then_some(email),
                role: role.as_str().into(),
            })
            .collect(),
        shares: shares
            .into_iter()
            .map(|(organisation_id, name, slug)| ShareDto {
                organisation_id,
                slug,
                name,
            })
            .collect(),
        enrollment: mine.as_ref().map(|(e, _)| enrollment_dto(e)),
        provider_notice: provider_notice(ctx),
        co_participants,
    })
}

// ---- the learner's own ----

#[derive(Serialize, ToSchema)]
pub struct RequirementStatusDto {
    /// `met`, `expiring_soon`, `expired`, `due` or `overdue`.
    status: &'static str,
    /// Met until, expiring or expired on, due by, or overdue since.
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(with = "iso_date::option")]
    date: Option<time::Date>,
}

impl From<&RequirementStatus> for RequirementStatusDto {
    fn from(s: &RequirementStatus) -> Self {
        Self {
            status: s.code(),
            date: s.date(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MyRequirementDto {
    requirement_id: RequirementId,
    /// The organisation that requires it.
    organisation_name: String,
    course_id: CourseId,
    course_title: String,
    /// The organisation that owns the course (for its course paths).
    course_owner_slug: String,
    #[serde(flatten)]
    status: RequirementStatusDto,
}

#[derive(Serialize, ToSchema)]
pub struct CertificateDto {
    id: CertificateId,
    organisation_id: OrganisationId,
    owner_slug: String,
    owner_name: String,
    course_id: CourseId,
    course_title: String,
    holder_name: String,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "iso_date")]
    issued_on: time::Date,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(with = "iso_date::option")]
    expires_on: Option<time::Date>,
}

impl From<seam::CertificateView> for CertificateDto {
    fn from(c: seam::CertificateView) -> Self {
        Self {
            id: c.id,
            organisation_id: c.organisation_id,
            owner_slug: c.owner_slug,
            owner_name: c.owner_name,
            course_id: c.course_id,
            course_title: c.course_title,
            holder_name: c.holder_name,
            issued_on: c.issued_on,
            expires_on: c.expires_on,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Dashboard {
    /// Training the caller's organisations require of them, with status and dates.
    required: Vec<MyRequirementDto>,
    /// Courses being taken now.
    in_progress: Vec<EnrollmentDto>,
    /// Certificates that expire within 90 days (or have expired), latest per course.
    expiring_certificates: Vec<CertificateDto>,
}

/// The caller's learning dashboard: required training with status and due dates, courses in
/// progress, and certificates expiring within 90 days.
#[utoipa::path(get, path = "/me/learning", tag = "learning",
    responses((status = 200, body = Dashboard), (status = 401, body = Problem)))]
async fn my_learning(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Dashboard>> {
    let today = today();
    let mut db = state.store.conn().await?;
    let required = seam::my_requirements(&mut db, &user.actor, today).await?;
    let enrollments = seam::my_enrollments(&mut db, &user.actor).await?;
    let certificates = seam::my_certificates(&mut db, &user.actor).await?;
    let expiring = learning::expiring_soon(certificates, today)
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(Dashboard {
        required: required
            .iter()
            .map(|r| MyRequirementDto {
                requirement_id: r.requirement.id,
                organisation_name: r.organisation_name.clone(),
                course_id: r.requirement.rule.course,
                course_title: r.requirement.course_title.clone(),
                course_owner_slug: r.course_slug.clone(),
                status: (&r.status).into(),
            })
            .collect(),
        in_progress: enrollments
            .iter()
            .filter(|e| e.enrollment.status == domain::learning::progress::EnrollmentStatus::Active)
            .map(my_enrollment_dto)
            .collect(),
        expiring_certificates: expiring,
    }))
}

/// The caller's learning history: every enrollment (completed ones and re-takes included,
/// withdrawn ones left out), newest first.
#[utoipa::path(get, path = "/me/enrollments", tag = "learning",
    responses((status = 200, body = Vec<EnrollmentDto>), (status = 401, body = Problem)))]
async fn my_enrollments(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<EnrollmentDto>>> {
    let mut db = state.store.conn().await?;
    let list = seam::my_enrollments(&mut db, &user.actor).await?;
    Ok(Json(list.iter().map(my_enrollment_dto).collect()))
}

/// The caller's certificates, newest first.
#[utoipa::path(get, path = "/me/certificates", tag = "learning",
    responses((status = 200, body = Vec<CertificateDto>), (status = 401, body = Problem)))]
async fn my_certificates(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<CertificateDto>>> {
    let mut db = state.store.conn().await?;
    let list = seam::my_certificates(&mut db, &user.actor).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// One of the caller's certificates (another person's is not found).
#[utoipa::path(get, path = "/me/certificates/{id}", tag = "learning", params(("id" = String, Path)),
    responses((status = 200, body = CertificateDto), (status = 404, body = Problem)))]
async fn my_certificate(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> AppResult<Json<CertificateDto>> {
    let id: CertificateId = parse_id(&id)?;
    let mut db = state.store.conn().await?;
    let list = seam::my_certificates(&mut db, &user.actor).await?;
    list.into_iter()
        .find(|c| c.id == id)
        .map(|c| Json(c.into()))
        .ok_or(AppError::NotFound)
}

// ---- courses ----

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogueParams {
    /// Words that must all appear in the title, summary or tags.
    q: Option<String>,
    tag: Option<String>,
    /// `nb`, `nn` or `en`.
    language: Option<String>,
}

/// The catalogue in the organisation's context: its own courses, courses other organisations
/// share with it, and public ones, that the caller may see (drafts for their staff and the
/// organisation's administrators only), by title.
#[utoipa::path(get, path = "/organisations/{slug}/courses", tag = "courses",
    params(("slug" = String, Path), CatalogueParams),
    responses((status = 200, body = Vec<CourseDto>), (status = 404, body = Problem)))]
async fn list_courses(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(slug): Path<String>,
    Query(params): Query<CatalogueParams>,
) -> AppResult<Json<Vec<CourseDto>>> {
    let org = ops::org_visible(&state, &user, &slug).await?;
    let language = match params.language.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => Some(
            Language::parse(code)
                .map_err(|code| AppError::from(FieldErrors::single("language", code)))?,
        ),
    };
    let tag = params
        .tag
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty());
    let query = CatalogueQuery {
        text: params.q.clone().unwrap_or_default(),
        language,
        tag: tag.clone(),
        organisation: None,
        offered_to: Some(org.id),
    };
    // The search joins the caller's recent searches, only while that consent stands.
    let consents = crate::consents::standing(&state, &user.actor).await?;
    crate::consents::remember_search(
        &state,
        &user.actor,
        &consents,
        params.q.as_deref().unwrap_or(""),
        language.map(Language::code).unwrap_or(""),
        tag.as_deref().unwrap_or(""),
    )
    .await?;
    let mut db = state.store.conn().await?;
    let found = courses::catalogue(&mut db, &user.actor, &query, 500).await?;
    let mut out: Vec<CourseDto> = found
        .iter()
        .map(|e| {
            course_dto(
                e.course.id,
                &e.owner_slug,
                &e.owner_name,
                &e.course.settings,
            )
        })
        .collect();
    // Drafts, for whoever edits or teaches them.
    for c in courses::of_organisation(&mut db, org.id).await? {
        // The catalogue has every course but drafts.
        if c.settings.status != domain::learning::course::CourseStatus::Draft {
            continue;
        }
        let s = &c.settings;
        let text = format!("{} {} {}", s.title, s.summary, s.tags.join(" "));
        let wanted = matches_search(&text, params.q.as_deref().unwrap_or(""))
            && language.is_none_or(|l| l == s.language)
            && tag.as_ref().is_none_or(|t| s.tags.contains(t));
        if wanted && courses::access(&mut db, &user.actor, &c).await?.can_teach() {
            out.push(course_dto(c.id, org.slug.as_str(), &org.name, s));
        }
    }
    out.sort_by(|a, b| a.title.cmp(&b.title));
    Ok(Json(out))
}

/// Create a course (the organisation's administrators). It starts with one module named as
/// the course.
#[utoipa::path(post, path = "/organisations/{slug}/courses", tag = "courses",
    params(("slug" = String, Path)), request_body = CourseInput,
    responses((status = 201, body = CourseDetail), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn create_course(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<Value>,
) -> AppResult<Response> {
    let input: CourseInput = lenient(body)?;
    let org = ops::org_visible(&state, &user, &slug).await?;
    let id = learning::create_course(&state, &user.actor, &org, &input).await?;
    let ctx = learning::course_ctx(&state, &user, org.slug.as_str(), &id.to_string()).await?;
    let detail = course_detail(&state, &user, &ctx).await?;
    Ok((StatusCode::CREATED, Json(detail)).into_response())
}

/// A course with its modules and activities; for a learner also their enrollment and progress
/// per activity.
#[utoipa::path(get, path = "/organisations/{slug}/courses/{id}", tag = "courses",
    params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = CourseDetail), (status = 404, body = Problem)))]
async fn get_course(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Json<CourseDetail>> {
    let ctx = course_in(&state, &user, &slug, &id).await?;
    Ok(Json(course_detail(&state, &user, &ctx).await?))
}

/// Replace a course's settings (its editors: the owner's administrators and course admins).
#[utoipa::path(put, path = "/organisations/{slug}/courses/{id}", tag = "courses",
    params(("slug" = String, Path), ("id" = String, Path)), request_body = CourseInput,
    responses((status = 200, body = CourseDetail), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn put_course(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<Value>,
) -> AppResult<Json<CourseDetail>> {
    let input: CourseInput = lenient(body)?;
    let ctx = course_in(&state, &user, &slug, &id).await?;
    learning::update_course(&state, &ctx, &input).await?;
    let ctx = course_in(&state, &user, &slug, &id).await?;
    Ok(Json(course_detail(&state, &user, &ctx).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct TitleBody {
    #[serde(default)]
    title: String,
}

/// Add a module at the end of the course (editors).
#[utoipa::path(post, path = "/organisations/{slug}/courses/{id}/modules", tag = "courses",
    params(("slug" = String, Path), ("id" = String, Path)), request_body = TitleBody,
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn add_module(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<TitleBody>,
) -> AppResult<Response> {
    let ctx = course_in(&state, &user, &slug, &id).await?;
    let id = learning::add_module(&state, &ctx, &body.title).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.to_string() })).into_response())
}

/// Rename a module (editors).
#[utoipa::path(put, path = "/organisations/{slug}/courses/{id}/modules/{module_id}", tag = "courses",
    params(("slug" = String, Path), ("id" = String, Path), ("module_id" = String, Path)), request_body = TitleBody,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn rename_module(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, module)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<TitleBody>,
) -> AppResult<StatusCode> {
    let ctx = course_in(&state, &user, &slug, &id).await?;
    learning::rename_module(&state, &ctx, &module, &body.title).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- activities ----

#[derive(Serialize, ToSchema)]
pub struct QuizQuestionView {
    prompt: String,
    /// Several options may be right (checkboxes).
    multiple: bool,
    points: u16,
    options: Vec<String>,
    /// After an attempt, when the quiz gives feedback: the indexes of the right options.
    #[serde(skip_serializing_if = "Option::is_none")]
    right_options: Option<Vec<usize>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<String>,
    /// After an attempt, when the quiz gives feedback: whether the latest attempt got it right.
    #[serde(skip_serializing_if = "Option::is_none")]
    correct: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct SurveyQuestionView {
    prompt: String,
    /// `scale` (1–5), `text` or `choice`; answer question `i` as element `i` of `answers`.
    #[serde(rename = "type")]
    kind: &'static str,
    options: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AttemptDto {
    attempt: i32,
    points: i32,
    max_points: i32,
    passed: bool,
    #[schema(value_type = String, format = DateTime)]
    #[serde(with = "time::serde::rfc3339")]
    submitted_at: OffsetDateTime,
}

impl From<&Attempt> for AttemptDto {
    fn from(a: &Attempt) -> Self {
        Self {
            attempt: a.attempt,
            points: a.points,
            max_points: a.max_points,
            passed: a.passed,
            submitted_at: a.submitted_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SubmissionDto {
    id: SubmissionId,
    version: i32,
    file_id: FileId,
    file_url: String,
    #[schema(value_type = String, format = DateTime)]
    #[serde(with = "time::serde::rfc3339")]
    submitted_at: OffsetDateTime,
    /// `passed`, `not_passed`, or null while awaiting a grade.
    grade: Option<String>,
    /// The teacher's comment.
    comment: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(with = "time::serde::rfc3339::option")]
    graded_at: Option<OffsetDateTime>,
}

fn submission_dto(owner_slug: &str, s: &Submission) -> SubmissionDto {
    SubmissionDto {
        id: s.id,
        version: s.version,
        file_id: s.file_id,
        file_url: file_url(owner_slug, s.file_id),
        submitted_at: s.submitted_at,
        grade: s.grade.map(|g| g.as_str().into()),
        comment: s.comment.clone(),
        graded_at: s.graded_at,
    }
}

#[derive(Serialize, ToSchema)]
pub struct RegistrationDto {
    id: RegistrationId,
    /// `registered`, `waitlisted` or `cancelled`.
    status: String,
    /// The registration form's values by field.
    answers: HashMap<String, String>,
    attended: Option<bool>,
    #[schema(value_type = String, format = DateTime)]
    #[serde(with = "time::serde::rfc3339")]
    registered_at: OffsetDateTime,
}

fn registration_dto(r: &Registration) -> RegistrationDto {
    RegistrationDto {
        id: r.id,
        status: r.status.as_str().into(),
        answers: r
            .answers
            .iter()
            .map(|(f, v)| (f.as_str().to_owned(), v.clone()))
            .collect(),
        attended: r.attended,
        registered_at: r.registered_at,
    }
}

#[derive(Serialize, ToSchema)]
pub struct RecordDto {
    #[schema(value_type = String, format = Uuid)]
    id: uuid::Uuid,
    provider: String,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "iso_date")]
    completed_on: time::Date,
    hours: f64,
    proof_file_id: Option<FileId>,
    proof_url: Option<String>,
    /// `pending`, `approved` or `rejected`.
    status: String,
    comment: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    #[serde(with = "time::serde::rfc3339")]
    submitted_at: OffsetDateTime,
}

fn record_dto(owner_slug: &str, r: &ExternalRecordRow) -> RecordDto {
    RecordDto {
        id: r.id,
        provider: r.provider.clone(),
        completed_on: r.completed_on,
        hours: f64::from(r.tenths_of_hours) / 10.0,
        proof_file_id: r.proof_file_id,
        proof_url: r.proof_file_id.map(|f| file_url(owner_slug, f)),
        status: r.status.as_str().into(),
        comment: r.comment.clone(),
        submitted_at: r.submitted_at,
    }
}

/// What a learner sees of an activity's content, by kind; only the fields of its kind are
/// present.
#[derive(Serialize, ToSchema, Default)]
pub struct ActivityContent {
    /// Content pages: Markdown and its HTML.
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    html: Option<String>,
    /// Quizzes (without their right answers until an attempt with feedback).
    #[serde(skip_serializing_if = "Option::is_none")]
    questions: Option<Vec<QuizQuestionView>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pass_mark: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attempts_limit: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    feedback: Option<bool>,
    /// Assignments and external records: Markdown and its HTML.
    #[serde(skip_serializing_if = "Option::is_none")]
    instructions: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    instructions_html: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    allowed_types: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resubmission: Option<bool>,
    /// Surveys.
    #[serde(skip_serializing_if = "Option::is_none")]
    anonymous: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    survey_questions: Option<Vec<SurveyQuestionView>>,
    /// Events: local times `YYYY-MM-DDTHH:MM`.
    #[serde(skip_serializing_if = "Option::is_none")]
    starts_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ends_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    place: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    online_link: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    capacity: Option<u32>,
    /// Events: the registration form's fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    registration_fields: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evaluation_closed: Option<bool>,
    /// External records.
    #[serde(skip_serializing_if = "Option::is_none")]
    proof_required: Option<bool>,
}

fn content_of(settings: &ActivitySettings, last: Option<&Attempt>) -> ActivityContent {
    use domain::learning::markdown::to_html;
    match settings {
        ActivitySettings::Content { body } => ActivityContent {
            html: Some(to_html(body)),
            body: Some(body.clone()),
            ..Default::default()
        },
        ActivitySettings::Quiz(quiz) => {
            let graded = last
                .filter(|_| quiz.feedback)
                .and_then(|a| grade(quiz, &a.answers).ok());
            ActivityContent {
                questions: Some(
                    quiz.questions
                        .iter()
                        .enumerate()
                        .map(|(i, q)| QuizQuestionView {
                            prompt: q.prompt.clone(),
                            multiple: q.multiple,
                            points: q.points,
                            options: q.options.iter().map(|o| o.text.clone()).collect(),
                            right_options: graded.as_ref().map(|_| {
                                q.options
                                    .iter()
                                    .enumerate()
                                    .filter(|(_, o)| o.correct)
                                    .map(|(i, _)| i)
                                    .collect()
                            }),
                            explanation: graded.as_ref().and(q.explanation.clone()),
                            correct: graded
                                .as_ref()
                                .and_then(|g| g.questions.get(i))
                                .map(|r| r.correct),
                        })
                        .collect(),
                ),
                pass_mark: Some(quiz.pass_mark),
                attempts_limit: quiz.attempts_limit,
                feedback: Some(quiz.feedback),
                ..Default::default()
            }
        }
        ActivitySettings::Assignment(a) => ActivityContent {
            instructions_html: Some(to_html(&a.instructions)),
            instructions: Some(a.instructions.clone()),
            max_bytes: Some(a.max_bytes),
            allowed_types: Some(a.allowed.iter().map(|t| t.as_str().to_owned()).collect()),
            resubmission: Some(a.resubmission),
            ..Default::default()
        },
        ActivitySettings::Survey(s) => ActivityContent {
            anonymous: Some(s.anonymous),
            survey_questions: Some(
                s.questions
                    .iter()
                    .map(|q| {
                        let (kind, options) = match &q.kind {
                            SurveyQuestionKind::Scale => ("scale", Vec::new()),
                            SurveyQuestionKind::Text => ("text", Vec::new()),
                            SurveyQuestionKind::Choice(o) => ("choice", o.clone()),
                        };
                        SurveyQuestionView {
                            prompt: q.prompt.clone(),
                            kind,
                            options,
                        }
                    })
                    .collect(),
            ),
            ..Default::default()
        },
        ActivitySettings::Event(e) => ActivityContent {
            starts_at: Some(format_local_datetime(e.starts_at)),
            ends_at: Some(format_local_datetime(e.ends_at)),
            place: e.place.clone(),
            online_link: e.online_link.clone(),
            capacity: e.capacity,
            registration_fields: Some(e.fields.iter().map(|f| f.as_str().to_owned()).collect()),
            evaluation_closed: Some(e.evaluation_closed_on.is_some()),
            ..Default::default()
        },
        ActivitySettings::ExternalRecord(r) => ActivityContent {
            instructions_html: Some(to_html(&r.instructions)),
            instructions: Some(r.instructions.clone()),
            proof_required: Some(r.proof_required),
            ..Default::default()
        },
    }
}

/// An activity as the caller may see it.
#[derive(Serialize, ToSchema)]
pub struct ActivityDetail {
    id: ActivityId,
    course_id: CourseId,
    module_id: ModuleId,
    position: i32,
    kind: String,
    title: String,
    required: bool,
    content: ActivityContent,
    /// The course's staff: the whole settings, right answers included.
    #[schema(value_type = Option<Object>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    settings: Option<Value>,
    /// The course's editors: the activity as its edit form (what `PUT` takes).
    #[serde(skip_serializing_if = "Option::is_none")]
    input: Option<ActivityInput>,
    /// The caller's own progress, attempts, submission, registration and record.
    progress: Option<ProgressDto>,
    attempts: Vec<AttemptDto>,
    submission: Option<SubmissionDto>,
    registration: Option<RegistrationDto>,
    record: Option<RecordDto>,
}

async fn activity_detail(
    state: &AppState,
    user: &CurrentUser,
    ctx: &CourseCtx,
    activity: &Activity,
) -> AppResult<ActivityDetail> {
    let teach = ctx.access.can_teach();
    if !ctx.access.enrolled && !teach {
        return Err(AppError::Forbidden("not_enrolled"));
    }
    let mut db = state.store.conn().await?;
    let mine = seam::my_enrollment(&mut db, &user.actor, &ctx.course).await?;
    let mut detail = ActivityDetail {
        id: activity.id,
        course_id: activity.course_id,
        module_id: activity.module_id,
        position: activity.position,
        kind: activity.settings.kind().as_str().into(),
        title: activity.title.clone(),
        required: activity.required,
        content: ActivityContent::default(),
        settings: if teach {
            Some(serde_json::to_value(&activity.settings).map_err(AppError::internal)?)
        } else {
            None
        },
        input: ctx
            .access
            .can_edit()
            .then(|| activity.draft().to_input(&activity.module_id.to_string())),
        progress: None,
        attempts: Vec::new(),
        submission: None,
        registration: None,
        record: None,
    };
    let slug = ctx.org.slug.as_str();
    let mut attempts = Vec::new();
    if let Some((enrollment, progress)) = &mine {
        detail.progress = progress
            .iter()
            .find(|p| p.activity_id == activity.id)
            .map(Into::into);
        match &activity.settings {
            ActivitySettings::Quiz(_) => {
                attempts = seam::my_attempts(&mut db, &user.actor, enrollment, activity.id).await?;
            }
            ActivitySettings::Assignment(_) => {
                detail.submission =
                    seam::my_submission(&mut db, &user.actor, enrollment, activity.id)
                        .await?
                        .map(|s| submission_dto(slug, &s));
            }
            ActivitySettings::ExternalRecord(_) => {
                detail.record = seam::my_record(&mut db, &user.actor, enrollment, activity.id)
                    .await?
                    .map(|r| record_dto(slug, &r));
            }
            _ => {}
        }
    }
    if let ActivitySettings::Event(_) = &activity.settings {
        detail.registration = seam::my_registration(&mut db, &user.actor, ctx.org.id, activity.id)
            .await?
            .map(|r| registration_dto(&r));
    }
    detail.content = content_of(&activity.settings, attempts.last());
    detail.attempts = attempts.iter().map(Into::into).collect();
    Ok(detail)
}

/// Add an activity to a module of the course (editors). The body is the activity's form;
/// which fields count depends on `kind`.
#[utoipa::path(post, path = "/organisations/{slug}/courses/{id}/activities", tag = "courses",
    params(("slug" = String, Path), ("id" = String, Path)), request_body = ActivityInput,
    responses((status = 201, body = ActivityDetail), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_activity(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<Value>,
) -> AppResult<Response> {
    let input: ActivityInput = lenient(body)?;
    let ctx = course_in(&state, &user, &slug, &id).await?;
    let activity = learning::create_activity(&state, &ctx, &input).await?;
    let activity = learning::activity_of(&state, &ctx, &activity.to_string()).await?;
    let detail = activity_detail(&state, &user, &ctx, &activity).await?;
    Ok((StatusCode::CREATED, Json(detail)).into_response())
}

/// An activity: for a learner what they may see (no right answers of a quiz before an
/// attempt) with their own attempts, submission, registration or record; for the course's
/// staff its whole settings too. Someone not enrolled gets `403 not_enrolled`.
#[utoipa::path(get, path = "/organisations/{slug}/courses/{id}/activities/{activity_id}", tag = "courses",
    params(("slug" = String, Path), ("id" = String, Path), ("activity_id" = String, Path)),
    responses((status = 200, body = ActivityDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn get_activity(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, activity)): Path<(String, String, String)>,
) -> AppResult<Json<ActivityDetail>> {
    let (ctx, activity) = activity_in(&state, &user, &slug, &id, &activity).await?;
    Ok(Json(activity_detail(&state, &user, &ctx, &activity).await?))
}

/// Replace an activity (editors); its kind cannot change.
#[utoipa::path(put, path = "/organisations/{slug}/courses/{id}/activities/{activity_id}", tag = "courses",
    params(("slug" = String, Path), ("id" = String, Path), ("activity_id" = String, Path)), request_body = ActivityInput,
    responses((status = 200, body = ActivityDetail), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn put_activity(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, activity)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<Value>,
) -> AppResult<Json<ActivityDetail>> {
    let mut input: ActivityInput = lenient(body)?;
    let (ctx, current) = activity_in(&state, &user, &slug, &id, &activity).await?;
    if input.module_id.trim().is_empty() {
        input.module_id = current.module_id.to_string();
    }
    learning::update_activity(&state, &ctx, current.id, &input).await?;
    let activity = learning::activity_of(&state, &ctx, &activity).await?;
    Ok(Json(activity_detail(&state, &user, &ctx, &activity).await?))
}

// ---- staff and sharing ----

#[derive(Deserialize, ToSchema)]
pub struct StaffBody {
    #[serde(default)]
    email: String,
    /// `teacher` or `course_admin`.
    #[serde(default)]
    role: String,
}

/// Make a member of the owning organisation teacher or course admin (editors).
#[utoipa::path(post, path = "/organisations/{slug}/courses/{id}/staff", tag = "courses",
    params(("slug" = String, Path), ("id" = String, Path)), request_body = StaffBody,
    responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn add_staff(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<StaffBody>,
) -> AppResult<StatusCode> {
    let ctx = course_in(&state, &user, &slug, &id).await?;
    learning::set_staff(&state, &user.actor, &ctx, &body.email, &body.role).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove someone from the course's staff (editors).
#[utoipa::path(delete, path = "/organisations/{slug}/courses/{id}/staff/{person_id}", tag = "courses",
    params(("slug" = String, Path), ("id" = String, Path), ("person_id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn remove_staff(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, person)): Path<(String, String, String)>,
) -> AppResult<StatusCode> {
    let ctx = course_in(&state, &user, &slug, &id).await?;
    learning::remove_staff(&state, &user.actor, &ctx, &person).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct ShareBody {
    /// The slug of the organisation to share with.
    #[serde(default)]
    organisation: String,
}

/// Share the course with another organisation (editors); a course for the owner only becomes
/// `shared`.
#[utoipa::path(post, path = "/organisations/{slug}/courses/{id}/shares", tag = "courses",
    params(("slug" = String, Path), ("id" = String, Path)), request_body = ShareBody,
    responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn add_share(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<ShareBody>,
) -> AppResult<StatusCode> {
    let ctx = course_in(&state, &user, &slug, &id).await?;
    learning::share(&state, &ctx, &body.organisation).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stop sharing the course with an organisation (editors).
#[utoipa::path(delete, path = "/organisations/{slug}/courses/{id}/shares/{org_slug}", tag = "courses",
    params(("slug" = String, Path), ("id" = String, Path), ("org_slug" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn remove_share(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, with)): Path<(String, String, String)>,
) -> AppResult<StatusCode> {
    let ctx = course_in(&state, &user, &slug, &id).await?;
    let with = {
        let mut db = state.store.conn().await?;
        store::organisations::by_slug(&mut db, &with).await?
    };
    learning::unshare(&state, &ctx, &with.id.to_string()).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- enrollment ----

#[derive(Serialize, ToSchema)]
pub struct Enrolled {
    enrollment_id: EnrollmentId,
    /// Present when the course belongs to another organisation, which will see the learner's
    /// name, e-mail, progress and course activity.
    provider_notice: Option<ProviderNotice>,
}

/// Enroll oneself in the course (where it allows self-enrollment). `409 already_enrolled`,
/// `403 self_enrollment_closed`.
#[utoipa::path(post, path = "/organisations/{slug}/courses/{id}/enrollment", tag = "enrollment",
    params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 201, body = Enrolled), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn enroll(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let ctx = course_in(&state, &user, &slug, &id).await?;
    let enrollment_id = learning::self_enroll(&state, &user, &ctx).await?;
    let body = Enrolled {
        enrollment_id,
        provider_notice: provider_notice(&ctx),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Take a completed course again: a new enrollment; the completed one stays in the history.
#[utoipa::path(post, path = "/organisations/{slug}/courses/{id}/retake", tag = "enrollment",
    params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 201, body = Enrolled), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn retake(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let ctx = course_in(&state, &user, &slug, &id).await?;
    let enrollment_id = learning::retake(&state, &user, &ctx).await?;
    let body = Enrolled {
        enrollment_id,
        provider_notice: provider_notice(&ctx),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct AssignBody {
    /// People to enroll (a manager's own people, or any member for an administrator).
    #[serde(default)]
    people: Vec<String>,
    /// Or everyone in a unit and its sub-units (administrators).
    #[serde(default)]
    unit: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AssignResult {
    /// How many were enrolled (those enrolled already are skipped).
    enrolled: usize,
}

/// Enroll others for the organisation `slug`: a manager their people, an administrator
/// members or a whole unit. Nothing is written unless every person may be assigned.
#[utoipa::path(post, path = "/organisations/{slug}/courses/{id}/assignments", tag = "enrollment",
    params(("slug" = String, Path), ("id" = String, Path)), request_body = AssignBody,
    responses((status = 200, body = AssignResult), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn assign(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<AssignBody>,
) -> AppResult<Json<AssignResult>> {
    let org = ops::org_visible(&state, &user, &slug).await?;
    let ctx = course_in(&state, &user, &slug, &id).await?;
    let enrolled = match body
        .unit
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        Some(unit) => learning::assign_unit(&state, &user.actor, &org, &ctx.course, unit).await?,
        None => {
            let people = body
                .people
                .iter()
                .map(|p| p.trim().parse::<PersonId>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| FieldErrors::single("people", "invalid_choice"))?;
            learning::assign(&state, &user.actor, &org, &ctx.course, &people).await?
        }
    };
    Ok(Json(AssignResult { enrolled }))
}

// ---- taking activities ----

/// Where the enrollment stands after a change.
#[derive(Serialize, ToSchema)]
pub struct CompletionDto {
    required_done: u32,
    required_total: u32,
    quiz_points: u32,
    quiz_max_points: u32,
    /// The course is complete for this enrollment.
    complete: bool,
    /// It became complete with this change.
    completed_now: bool,
    /// The certificate issued with this change.
    certificate_id: Option<CertificateId>,
}

impl From<&Recorded> for CompletionDto {
    fn from(r: &Recorded) -> Self {
        Self {
            required_done: r.state.required_done,
            required_total: r.state.required_total,
            quiz_points: r.state.quiz_points,
            quiz_max_points: r.state.quiz_max_points,
            complete: r.state.complete,
            completed_now: r.completed_now,
            certificate_id: r.certificate,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct ProgressBody {
    /// Seconds spent since the last report (at most four hours count).
    #[serde(default)]
    seconds: u32,
    /// A content page is read to the end.
    #[serde(default)]
    done: bool,
}

/// Record time on an activity and, for a content page, that it is done. Answers the
/// enrollment's completion after the change is committed.
#[utoipa::path(post, path = "/organisations/{slug}/courses/{id}/activities/{activity_id}/progress", tag = "learning",
    params(("slug" = String, Path), ("id" = String, Path), ("activity_id" = String, Path)), request_body = ProgressBody,
    responses((status = 200, body = CompletionDto), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn record_progress(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, activity)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<ProgressBody>,
) -> AppResult<Json<CompletionDto>> {
    let (ctx, activity) = activity_in(&state, &user, &slug, &id, &activity).await?;
    let recorded =
        learning::record_progress(&state, &user, &ctx, &activity, body.seconds, body.done).await?;
    Ok(Json((&recorded).into()))
}

#[derive(Deserialize, ToSchema)]
pub struct ProgressChangeBody {
    activity_id: String,
    /// Seconds spent (at most four hours count per activity).
    #[serde(default)]
    seconds: u32,
    /// A content page is read to the end.
    #[serde(default)]
    done: bool,
}

#[derive(Deserialize, ToSchema)]
pub struct ProgressAllBody {
    /// Up to 200 changes, to activities of this course; changes to the same activity are
    /// added up.
    changes: Vec<ProgressChangeBody>,
}

/// Record what a client queued for several activities of a course at once (an app that was
/// offline, a player reporting a session). All changes are checked first (`422` names each
/// refused one as `changes.N.…`), then recorded together: all or nothing. Answers the
/// enrollment's completion after they are committed.
#[utoipa::path(post, path = "/organisations/{slug}/courses/{id}/progress", tag = "learning",
    params(("slug" = String, Path), ("id" = String, Path)), request_body = ProgressAllBody,
    responses((status = 200, body = CompletionDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
async fn record_progress_all(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<ProgressAllBody>,
) -> AppResult<Json<CompletionDto>> {
    let ctx = course_in(&state, &user, &slug, &id).await?;
    let changes: Vec<learning::ProgressChange> = body
        .changes
        .into_iter()
        .map(|c| learning::ProgressChange {
            activity: c.activity_id,
            seconds: c.seconds,
            done: c.done,
        })
        .collect();
    let recorded = learning::record_progress_all(&state, &user, &ctx, &changes).await?;
    Ok(Json((&recorded).into()))
}

#[derive(Deserialize, ToSchema)]
pub struct QuizBody {
    /// The attempt's number (1 for the first); the same attempt sent twice is
    /// `409 attempt_already_submitted`.
    attempt: u32,
    /// For each question, the indexes of the options chosen.
    answers: QuizAnswers,
}

#[derive(Serialize, ToSchema)]
pub struct QuestionFeedback {
    correct: bool,
    points: u16,
    right_options: Vec<usize>,
    explanation: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct QuizResult {
    attempt: u32,
    points: u32,
    max_points: u32,
    percent: u32,
    passed: bool,
    /// Per question, when the quiz gives feedback.
    feedback: Option<Vec<QuestionFeedback>>,
    completion: CompletionDto,
}

/// Hand in a quiz attempt: graded at once. Refusals: `403 attempts_used_up`,
/// `403 quiz_already_passed`, `403 course_closed`, `409 attempt_already_submitted`; answers
/// that do not fit the quiz are field errors.
#[utoipa::path(post, path = "/organisations/{slug}/courses/{id}/activities/{activity_id}/quiz-attempts", tag = "learning",
    params(("slug" = String, Path), ("id" = String, Path), ("activity_id" = String, Path)), request_body = QuizBody,
    responses((status = 201, body = QuizResult), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn submit_quiz(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, activity)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<QuizBody>,
) -> AppResult<Response> {
    let (ctx, activity) = activity_in(&state, &user, &slug, &id, &activity).await?;
    let (graded, recorded): (Graded, Recorded) =
        learning::submit_quiz(&state, &user, &ctx, &activity, body.attempt, &body.answers).await?;
    let feedback = match &activity.settings {
        ActivitySettings::Quiz(quiz) if quiz.feedback => Some(
            quiz.questions
                .iter()
                .zip(&graded.questions)
                .map(|(q, r)| QuestionFeedback {
                    correct: r.correct,
                    points: r.points,
                    right_options: q
                        .options
                        .iter()
                        .enumerate()
                        .filter(|(_, o)| o.correct)
                        .map(|(i, _)| i)
                        .collect(),
                    explanation: q.explanation.clone(),
                })
                .collect(),
        ),
        _ => None,
    };
    let result = QuizResult {
        attempt: body.attempt,
        points: graded.points,
        max_points: graded.max_points,
        percent: graded.percent(),
        passed: graded.passed,
        feedback,
        completion: (&recorded).into(),
    };
    Ok((StatusCode::CREATED, Json(result)).into_response())
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SubmissionUpload {
    /// The file to hand in.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Read but not kept (submissions carry the teacher's comment only).
    comment: Option<String>,
}

/// Hand in an assignment: multipart with the file in `file`. The file's type is checked by
/// its bytes against the assignment's allowed types (`422 file_type_not_allowed`), its size
/// against the assignment's limit (`422 file_too_large`).
#[utoipa::path(post, path = "/organisations/{slug}/courses/{id}/activities/{activity_id}/submissions", tag = "learning",
    params(("slug" = String, Path), ("id" = String, Path), ("activity_id" = String, Path)),
    request_body(content = SubmissionUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = SubmissionDto), (status = 403, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
async fn submit_assignment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, activity)): Path<(String, String, String)>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let (ctx, activity) = activity_in(&state, &user, &slug, &id, &activity).await?;
    let (enrollment, assignment) =
        learning::assignment_check(&state, &user, &ctx, &activity).await?;
    let max = assignment.max_bytes;
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        if field.name() == Some("file") && file.is_none() {
            file = Some(
                learning::receive_file(
                    &state,
                    field,
                    &ctx,
                    user.actor.person_id,
                    Purpose::Submission,
                    &assignment.allowed,
                    max,
                )
                .await?,
            );
        } else {
            // Other fields (`comment`) are read and dropped.
            let _ = field.bytes().await.map_err(malformed)?;
        }
    }
    let file = file.ok_or_else(|| FieldErrors::single("file", "required"))?;
    let submission =
        learning::submit_assignment(&state, &ctx, &enrollment, &activity, file).await?;
    let mut db = state.store.conn().await?;
    let latest = seam::my_submission(&mut db, &user.actor, &enrollment, activity.id)
        .await?
        .filter(|s| s.id == submission)
        .ok_or(AppError::NotFound)?;
    Ok((
        StatusCode::CREATED,
        Json(submission_dto(ctx.org.slug.as_str(), &latest)),
    )
        .into_response())
}

fn malformed(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge
    } else {
        AppError::Malformed(e.body_text())
    }
}

#[derive(Deserialize, ToSchema)]
pub struct SurveyBody {
    /// One answer per question, in order: 1–5 for a scale, text, or the chosen option's index;
    /// null or empty skips the question.
    #[schema(value_type = Vec<Object>)]
    answers: Vec<Value>,
}

/// Answer a survey (once). An anonymous survey's answer is stored with nothing that links it
/// to the learner.
#[utoipa::path(post, path = "/organisations/{slug}/courses/{id}/activities/{activity_id}/survey-responses", tag = "learning",
    params(("slug" = String, Path), ("id" = String, Path), ("activity_id" = String, Path)), request_body = SurveyBody,
    responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn answer_survey(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, activity)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<SurveyBody>,
) -> AppResult<StatusCode> {
    let (ctx, activity) = activity_in(&state, &user, &slug, &id, &activity).await?;
    learning::answer_survey(&state, &user, &ctx, &activity, |key| {
        key.strip_prefix('a')
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| body.answers.get(i))
            .and_then(form_value)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One question's results.
#[derive(Serialize, ToSchema)]
pub struct QuestionResultDto {
    prompt: String,
    /// `scale`, `text` or `choice`.
    #[serde(rename = "type")]
    kind: &'static str,
    /// Scale: answers per value 1–5; choice: answers per option.
    #[serde(skip_serializing_if = "Option::is_none")]
    counts: Option<Vec<usize>>,
    /// Text: the free answers, sorted.
    #[serde(skip_serializing_if = "Option::is_none")]
    texts: Option<Vec<String>>,
}

#[derive(Serialize, ToSchema)]
pub struct IdentifiedResponse {
    name: String,
    /// Per question: the value answered, or null when skipped.
    #[schema(value_type = Vec<Object>)]
    answers: Vec<Value>,
}

#[derive(Serialize, ToSchema)]
pub struct SurveyResults {
    anonymous: bool,
    responses: usize,
    /// Results are shown from this many responses.
    min_responses: usize,
    /// `null` while there are fewer than `min_responses`.
    results: Option<Vec<QuestionResultDto>>,
    /// Identified surveys only: who answered what.
    #[serde(skip_serializing_if = "Option::is_none")]
    identified: Option<Vec<IdentifiedResponse>>,
}

fn answer_value(a: &domain::learning::activity::SurveyAnswer) -> Value {
    use domain::learning::activity::SurveyAnswer;
    match a {
        SurveyAnswer::Scale(v) => Value::from(*v),
        SurveyAnswer::Text(t) => Value::from(t.clone()),
        SurveyAnswer::Choice(c) => Value::from(*c),
        SurveyAnswer::Skipped => Value::Null,
    }
}

/// A survey's results (the course's staff): aggregated, and only from five responses; an
/// identified survey also lists who answered what.
#[utoipa::path(get, path = "/organisations/{slug}/courses/{id}/activities/{activity_id}/survey-results", tag = "teaching",
    params(("slug" = String, Path), ("id" = String, Path), ("activity_id" = String, Path)),
    responses((status = 200, body = SurveyResults), (status = 404, body = Problem)))]
async fn survey_results(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, activity)): Path<(String, String, String)>,
) -> AppResult<Json<SurveyResults>> {
    let (ctx, activity) = activity_in(&state, &user, &slug, &id, &activity).await?;
    if !ctx.access.can_teach() {
        return Err(AppError::NotFound);
    }
    let ActivitySettings::Survey(survey) = &activity.settings else {
        return Err(AppError::NotFound);
    };
    let mut db = state.store.conn().await?;
    let responses =
        store::learning::work::survey_responses(&mut db, ctx.org.id, activity.id).await?;
    let identified = if survey.anonymous {
        None
    } else {
        crate::audit::survey_answers(&state, &mut db, &user.actor, &ctx.course, activity.id)
            .await?;
        Some(
            seam::identified_responses(&mut db, &user.actor, &ctx.course, activity.id)
                .await?
                .into_iter()
                .map(|(name, answers)| IdentifiedResponse {
                    name,
                    answers: answers.iter().map(answer_value).collect(),
                })
                .collect(),
        )
    };
    let results = summarise(survey, &responses).map(|summary| {
        survey
            .questions
            .iter()
            .zip(summary)
            .map(|(q, s)| {
                let (kind, counts, texts) = match s {
                    QuestionSummary::Scale(c) => ("scale", Some(c.to_vec()), None),
                    QuestionSummary::Choice(c) => ("choice", Some(c), None),
                    QuestionSummary::Text(t) => ("text", None, Some(t)),
                };
                QuestionResultDto {
                    prompt: q.prompt.clone(),
                    kind,
                    counts,
                    texts,
                }
            })
            .collect()
    });
    Ok(Json(SurveyResults {
        anonymous: survey.anonymous,
        responses: responses.len(),
        min_responses: domain::learning::activity::SURVEY_MIN_ANSWERS,
        results,
        identified,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct RegistrationResult {
    /// `registered` or `waitlisted`.
    status: String,
}

/// Register for an event. The body holds the fields the organiser asks for (`name`,
/// `organisation`, `address`, `email`, `work_phone`, `position`, `invoice_reference`); beyond
/// its capacity the registration goes on the waiting list. `403 event_closed` once its
/// evaluation is closed.
#[utoipa::path(post, path = "/organisations/{slug}/courses/{id}/activities/{activity_id}/registration", tag = "learning",
    params(("slug" = String, Path), ("id" = String, Path), ("activity_id" = String, Path)),
    request_body = HashMap<String, String>,
    responses((status = 201, body = RegistrationResult), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn register(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, activity)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<HashMap<String, Value>>,
) -> AppResult<Response> {
    let (ctx, activity) = activity_in(&state, &user, &slug, &id, &activity).await?;
    let status = learning::register(&state, &user, &ctx, &activity, |key| {
        body.get(key).and_then(form_value)
    })
    .await?;
    let body = RegistrationResult {
        status: status.as_str().into(),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Cancel one's registration; the first on the waiting list takes the place.
#[utoipa::path(delete, path = "/organisations/{slug}/courses/{id}/activities/{activity_id}/registration", tag = "learning",
    params(("slug" = String, Path), ("id" = String, Path), ("activity_id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn cancel_registration(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, activity)): Path<(String, String, String)>,
) -> AppResult<StatusCode> {
    let (ctx, activity) = activity_in(&state, &user, &slug, &id, &activity).await?;
    learning::cancel_registration(&state, &user, &ctx, &activity).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct RegistrationView {
    person_id: PersonId,
    name: String,
    #[serde(flatten)]
    registration: RegistrationDto,
}

/// An event's registrations in order of registration (the course's staff).
#[utoipa::path(get, path = "/organisations/{slug}/courses/{id}/activities/{activity_id}/registrations", tag = "teaching",
    params(("slug" = String, Path), ("id" = String, Path), ("activity_id" = String, Path)),
    responses((status = 200, body = Vec<RegistrationView>), (status = 404, body = Problem)))]
async fn list_registrations(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, activity)): Path<(String, String, String)>,
) -> AppResult<Json<Vec<RegistrationView>>> {
    let (ctx, activity) = activity_in(&state, &user, &slug, &id, &activity).await?;
    let mut db = state.store.conn().await?;
    let list = seam::registrations(&mut db, &user.actor, &ctx.course, activity.id).await?;
    crate::audit::registrations(&state, &user.actor, &ctx.course, &list).await;
    Ok(Json(
        list.iter()
            .map(|r| RegistrationView {
                person_id: r.registration.person_id,
                name: r.name.clone(),
                registration: registration_dto(&r.registration),
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct AttendanceBody {
    attended: bool,
}

/// Mark whether a registered person came (the course's staff); coming completes the activity.
#[utoipa::path(put, path = "/organisations/{slug}/courses/{id}/activities/{activity_id}/registrations/{registration_id}/attendance", tag = "teaching",
    params(("slug" = String, Path), ("id" = String, Path), ("activity_id" = String, Path), ("registration_id" = String, Path)),
    request_body = AttendanceBody,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn mark_attendance(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, activity, registration)): Path<(String, String, String, String)>,
    ApiJson(body): ApiJson<AttendanceBody>,
) -> AppResult<StatusCode> {
    let (ctx, activity) = activity_in(&state, &user, &slug, &id, &activity).await?;
    learning::mark_attendance(&state, &user, &ctx, &activity, &registration, body.attended).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct EvaluationBody {
    /// `open` or `closed`.
    #[serde(default)]
    status: String,
}

/// Open or close an event's evaluation (the course's staff). A closed event takes no
/// registrations.
#[utoipa::path(put, path = "/organisations/{slug}/courses/{id}/activities/{activity_id}/evaluation", tag = "teaching",
    params(("slug" = String, Path), ("id" = String, Path), ("activity_id" = String, Path)),
    request_body = EvaluationBody,
    responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn set_evaluation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, activity)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<EvaluationBody>,
) -> AppResult<StatusCode> {
    let closed = match body.status.trim() {
        "open" => false,
        "closed" => true,
        _ => return Err(FieldErrors::single("status", "invalid_choice").into()),
    };
    let (ctx, activity) = activity_in(&state, &user, &slug, &id, &activity).await?;
    learning::set_evaluation(&state, &ctx, &activity, closed).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RecordUpload {
    provider: String,
    /// `YYYY-MM-DD` (or `DD.MM.YYYY`), not in the future.
    completed_on: String,
    /// Hours, `7.5` or `7,5`.
    hours: String,
    /// Proof (PDF, PNG, JPEG or DOCX); required where the activity says so.
    #[schema(value_type = Option<String>, format = Binary)]
    file: Option<Vec<u8>>,
}

/// Record training done elsewhere, with proof: multipart with `provider`, `completed_on`,
/// `hours` and the proof in `file`. It awaits approval by the course's editors.
#[utoipa::path(post, path = "/organisations/{slug}/courses/{id}/activities/{activity_id}/records", tag = "learning",
    params(("slug" = String, Path), ("id" = String, Path), ("activity_id" = String, Path)),
    request_body(content = RecordUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = RecordDto), (status = 403, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
async fn record_external(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, activity)): Path<(String, String, String)>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let (ctx, activity) = activity_in(&state, &user, &slug, &id, &activity).await?;
    let (proof_types, proof_max) = learning::proof_rules(&state);
    let (enrollment, record) = learning::record_check(&state, &user, &ctx, &activity).await?;
    let mut fields = HashMap::new();
    let mut proof = None;
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" && proof.is_none() {
            if field.file_name().is_some_and(|n| n.is_empty()) {
                let _ = field.bytes().await.map_err(malformed)?;
                continue;
            }
            proof = Some(
                learning::receive_file(
                    &state,
                    field,
                    &ctx,
                    user.actor.person_id,
                    Purpose::Proof,
                    proof_types,
                    proof_max,
                )
                .await?,
            );
        } else {
            let text = field.text().await.map_err(malformed)?;
            if text.len() <= 4096 {
                fields.insert(name, text);
            }
        }
    }
    learning::record_external(
        &state,
        &ctx,
        &enrollment,
        &activity,
        &record,
        &fields,
        proof,
    )
    .await?;
    let mut db = state.store.conn().await?;
    let row = seam::my_record(&mut db, &user.actor, &enrollment, activity.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        StatusCode::CREATED,
        Json(record_dto(ctx.org.slug.as_str(), &row)),
    )
        .into_response())
}

#[derive(Serialize, ToSchema)]
pub struct RecordView {
    activity_id: ActivityId,
    activity_title: String,
    learner: String,
    email: String,
    #[serde(flatten)]
    record: RecordDto,
}

/// The course's records of training done elsewhere, pending first (its editors).
#[utoipa::path(get, path = "/organisations/{slug}/courses/{id}/records", tag = "teaching",
    params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Vec<RecordView>), (status = 404, body = Problem)))]
async fn list_records(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Json<Vec<RecordView>>> {
    let ctx = course_in(&state, &user, &slug, &id).await?;
    let mut db = state.store.conn().await?;
    let list = seam::external_records(&mut db, &user.actor, &ctx.course).await?;
    crate::audit::external_records(&state, &user.actor, &ctx.course, &list).await;
    let slug = ctx.org.slug.as_str();
    Ok(Json(
        list.iter()
            .map(|r| RecordView {
                activity_id: r.record.activity_id,
                activity_title: r.activity_title.clone(),
                learner: r.learner.clone(),
                email: r.email.clone(),
                record: record_dto(slug, &r.record),
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct DecisionBody {
    /// `approved` or `rejected`.
    #[serde(default)]
    decision: String,
    #[serde(default)]
    comment: String,
}

/// Approve or reject a pending record (the course's editors); approval completes the
/// activity.
#[utoipa::path(put, path = "/organisations/{slug}/courses/{id}/records/{record_id}/decision", tag = "teaching",
    params(("slug" = String, Path), ("id" = String, Path), ("record_id" = String, Path)), request_body = DecisionBody,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn decide_record(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, record)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<DecisionBody>,
) -> AppResult<StatusCode> {
    let ctx = course_in(&state, &user, &slug, &id).await?;
    learning::decide_record(&state, &user, &ctx, &record, &body.decision, &body.comment).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- teaching ----

/// A participant as the course's teachers see them (name, e-mail, progress: DFO-9, DFO-10).
#[derive(Serialize, ToSchema)]
pub struct ParticipantDto {
    enrollment_id: EnrollmentId,
    person_id: PersonId,
    name: String,
    email: String,
    /// The partner organisation they take a shared course for.
    via_organisation: Option<String>,
    source: String,
    status: String,
    required_done: i32,
    required_total: i32,
    time_spent_seconds: i64,
    #[schema(value_type = String, format = DateTime)]
    #[serde(with = "time::serde::rfc3339")]
    enrolled_at: OffsetDateTime,
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(with = "time::serde::rfc3339::option")]
    completed_at: Option<OffsetDateTime>,
}

impl From<&seam::Participant> for ParticipantDto {
    fn from(p: &seam::Participant) -> Self {
        Self {
            enrollment_id: p.enrollment_id,
            person_id: p.person_id,
            name: p.name.clone(),
            email: p.email.clone(),
            via_organisation: p.via_organisation.clone(),
            source: p.source.as_str().into(),
            status: p.status.as_str().into(),
            required_done: p.required_done,
            required_total: p.required_total,
            time_spent_seconds: p.time_spent_seconds,
            enrolled_at: p.enrolled_at,
            completed_at: p.completed_at,
        }
    }
}

/// The course's participants with their progress (the course's staff).
#[utoipa::path(get, path = "/organisations/{slug}/courses/{id}/participants", tag = "teaching",
    params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Vec<ParticipantDto>), (status = 404, body = Problem)))]
async fn list_participants(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Json<Vec<ParticipantDto>>> {
    let ctx = course_in(&state, &user, &slug, &id).await?;
    let mut db = state.store.conn().await?;
    let list = seam::participants(&mut db, &user.actor, &ctx.course).await?;
    crate::audit::participants(&state, &user.actor, &ctx.course, &list).await;
    Ok(Json(list.iter().map(Into::into).collect()))
}

#[derive(Serialize, ToSchema)]
pub struct ParticipantDetail {
    participant: ParticipantDto,
    progress: Vec<ProgressDto>,
}

/// One participant (by enrollment) and their progress per activity (the course's staff).
#[utoipa::path(get, path = "/organisations/{slug}/courses/{id}/participants/{enrollment_id}", tag = "teaching",
    params(("slug" = String, Path), ("id" = String, Path), ("enrollment_id" = String, Path)),
    responses((status = 200, body = ParticipantDetail), (status = 404, body = Problem)))]
async fn get_participant(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, enrollment)): Path<(String, String, String)>,
) -> AppResult<Json<ParticipantDetail>> {
    let ctx = course_in(&state, &user, &slug, &id).await?;
    let mut db = state.store.conn().await?;
    let (p, progress) =
        seam::participant_progress(&mut db, &user.actor, &ctx.course, parse_id(&enrollment)?)
            .await?;
    crate::audit::participants(&state, &user.actor, &ctx.course, std::slice::from_ref(&p)).await;
    Ok(Json(ParticipantDetail {
        participant: (&p).into(),
        progress: progress.iter().map(Into::into).collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct SubmissionView {
    learner: String,
    activity_id: ActivityId,
    activity_title: String,
    #[serde(flatten)]
    submission: SubmissionDto,
}

/// Submissions awaiting a grade, oldest first (the course's staff).
#[utoipa::path(get, path = "/organisations/{slug}/courses/{id}/grading", tag = "teaching",
    params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Vec<SubmissionView>), (status = 404, body = Problem)))]
async fn grading_queue(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Json<Vec<SubmissionView>>> {
    let ctx = course_in(&state, &user, &slug, &id).await?;
    let mut db = state.store.conn().await?;
    let list = seam::grading_queue(&mut db, &user.actor, &ctx.course).await?;
    crate::audit::submissions(&state, &user.actor, &ctx.course, &list).await;
    let slug = ctx.org.slug.as_str();
    Ok(Json(
        list.iter()
            .map(|v| SubmissionView {
                learner: v.learner.clone(),
                activity_id: v.submission.activity_id,
                activity_title: v.activity_title.clone(),
                submission: submission_dto(slug, &v.submission),
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct GradeBody {
    /// `passed` or `not_passed`.
    #[serde(default)]
    grade: String,
    #[serde(default)]
    comment: String,
}

/// Grade a submission (the course's staff); a pass completes the activity.
#[utoipa::path(put, path = "/organisations/{slug}/courses/{id}/submissions/{submission_id}/grade", tag = "teaching",
    params(("slug" = String, Path), ("id" = String, Path), ("submission_id" = String, Path)), request_body = GradeBody,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn grade_submission(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, submission)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<GradeBody>,
) -> AppResult<StatusCode> {
    let ctx = course_in(&state, &user, &slug, &id).await?;
    let submission: SubmissionId = parse_id(&submission)?;
    learning::grade_submission(&state, &user, &ctx, submission, &body.grade, &body.comment).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- discussion ----

#[derive(Serialize, ToSchema)]
pub struct PostDto {
    id: PostId,
    /// The author; null once the post is deleted.
    author_id: Option<PersonId>,
    author: Option<String>,
    /// Threads only.
    title: Option<String>,
    body: String,
    #[schema(value_type = String, format = DateTime)]
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(with = "time::serde::rfc3339::option")]
    edited_at: Option<OffsetDateTime>,
    deleted: bool,
    /// The caller wrote it (and may edit or delete it).
    mine: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ThreadDto {
    #[serde(flatten)]
    post: PostDto,
    replies: Vec<PostDto>,
}

fn post_dto(p: &seam::Post, me: PersonId) -> PostDto {
    PostDto {
        id: p.id,
        author_id: p.author_id,
        author: p.author.clone(),
        title: p.title.clone(),
        body: p.body.clone(),
        created_at: p.created_at,
        edited_at: p.edited_at,
        deleted: p.deleted,
        mine: p.author_id == Some(me),
    }
}

/// The course's discussion (participants and staff): threads newest first, each with its
/// replies in order.
#[utoipa::path(get, path = "/organisations/{slug}/courses/{id}/discussion", tag = "discussion",
    params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = Vec<ThreadDto>), (status = 404, body = Problem)))]
async fn list_discussion(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Json<Vec<ThreadDto>>> {
    let ctx = course_in(&state, &user, &slug, &id).await?;
    let mut db = state.store.conn().await?;
    let threads = seam::discussion(&mut db, &user.actor, &ctx.course).await?;
    let me = user.actor.person_id;
    Ok(Json(
        threads
            .iter()
            .map(|(t, replies)| ThreadDto {
                post: post_dto(t, me),
                replies: replies.iter().map(|r| post_dto(r, me)).collect(),
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ThreadBody {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

/// Start a thread (participants and staff).
#[utoipa::path(post, path = "/organisations/{slug}/courses/{id}/discussion", tag = "discussion",
    params(("slug" = String, Path), ("id" = String, Path)), request_body = ThreadBody,
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn start_thread(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<ThreadBody>,
) -> AppResult<Response> {
    let ctx = course_in(&state, &user, &slug, &id).await?;
    let id = learning::start_thread(&state, &user, &ctx, &body.title, &body.body).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.to_string() })).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct PostBody {
    #[serde(default)]
    body: String,
}

/// Reply in a thread.
#[utoipa::path(post, path = "/organisations/{slug}/courses/{id}/discussion/{post_id}/replies", tag = "discussion",
    params(("slug" = String, Path), ("id" = String, Path), ("post_id" = String, Path)), request_body = PostBody,
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn reply(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, post)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<PostBody>,
) -> AppResult<Response> {
    let ctx = course_in(&state, &user, &slug, &id).await?;
    let id = learning::reply(&state, &user, &ctx, &post, &body.body).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.to_string() })).into_response())
}

/// Change the text of one's own post; another person's post is not found.
#[utoipa::path(put, path = "/organisations/{slug}/courses/{id}/discussion/{post_id}", tag = "discussion",
    params(("slug" = String, Path), ("id" = String, Path), ("post_id" = String, Path)), request_body = PostBody,
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn edit_post(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, post)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<PostBody>,
) -> AppResult<StatusCode> {
    let ctx = course_in(&state, &user, &slug, &id).await?;
    learning::edit_post(&state, &user, &ctx, &post, &body.body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete one's own post (a thread others replied to keeps its place without text or author).
#[utoipa::path(delete, path = "/organisations/{slug}/courses/{id}/discussion/{post_id}", tag = "discussion",
    params(("slug" = String, Path), ("id" = String, Path), ("post_id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn delete_post(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id, post)): Path<(String, String, String)>,
) -> AppResult<StatusCode> {
    let ctx = course_in(&state, &user, &slug, &id).await?;
    learning::delete_post(&state, &user, &ctx, &post).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- requirements ----

#[derive(Serialize, ToSchema)]
pub struct AudienceDto {
    /// `everyone`, `unit` or `position`.
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    unit_id: Option<domain::UnitId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    position: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RequirementDto {
    id: RequirementId,
    course_id: CourseId,
    course_owner_id: OrganisationId,
    course_title: String,
    audience: AudienceDto,
    due_days: u16,
    renewal_months: Option<u16>,
    #[schema(value_type = String, format = DateTime)]
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
}

impl From<&Requirement> for RequirementDto {
    fn from(r: &Requirement) -> Self {
        let (unit_id, position) = match &r.rule.audience {
            Audience::Everyone => (None, None),
            Audience::Unit { unit } => (Some(*unit), None),
            Audience::Position { position } => (None, Some(position.clone())),
        };
        Self {
            id: r.id,
            course_id: r.rule.course,
            course_owner_id: r.course_owner_id,
            course_title: r.course_title.clone(),
            audience: AudienceDto {
                kind: r.rule.audience.kind(),
                unit_id,
                position,
            },
            due_days: r.rule.due_days,
            renewal_months: r.rule.renewal_months,
            created_at: r.created_at,
        }
    }
}

/// The organisation's requirements (administrators).
#[utoipa::path(get, path = "/organisations/{slug}/requirements", tag = "requirements",
    params(("slug" = String, Path)),
    responses((status = 200, body = Vec<RequirementDto>), (status = 404, body = Problem)))]
async fn list_requirements(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(slug): Path<String>,
) -> AppResult<Json<Vec<RequirementDto>>> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    let mut db = state.store.conn().await?;
    let list = store::learning::requirements::of_organisation(&mut db, org.id).await?;
    Ok(Json(list.iter().map(Into::into).collect()))
}

/// Require a course of everyone, a unit (with its sub-units) or a position (administrators).
/// The course must be one the organisation's people may take; those it applies to are
/// enrolled at once.
#[utoipa::path(post, path = "/organisations/{slug}/requirements", tag = "requirements",
    params(("slug" = String, Path)), request_body = RequirementInput,
    responses((status = 201, body = Created), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn create_requirement(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<Value>,
) -> AppResult<Response> {
    let input: RequirementInput = lenient(body)?;
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    let id = learning::create_requirement(&state, &user.actor, &org, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.to_string() })).into_response())
}

/// Remove a requirement (administrators); enrollments it made stay.
#[utoipa::path(delete, path = "/organisations/{slug}/requirements/{id}", tag = "requirements",
    params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn delete_requirement(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    learning::delete_requirement(&state, &user.actor, &org, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatrixParams {
    /// Only people in this unit and its sub-units.
    unit: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MatrixRowDto {
    person_id: PersonId,
    name: String,
    unit: Option<String>,
    /// Per requirement, in the order of `requirements`: the status, or null where it does not
    /// apply.
    statuses: Vec<Option<RequirementStatusDto>>,
}

#[derive(Serialize, ToSchema)]
pub struct MatrixDto {
    requirements: Vec<RequirementDto>,
    people: Vec<MatrixRowDto>,
}

/// People × requirements: every member for an administrator or report viewer, their people
/// (directly or not) for a manager. Status, due and expiry dates only (R15).
#[utoipa::path(get, path = "/organisations/{slug}/team/requirements", tag = "requirements",
    params(("slug" = String, Path), MatrixParams),
    responses((status = 200, body = MatrixDto), (status = 404, body = Problem)))]
async fn team_requirements(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(slug): Path<String>,
    Query(params): Query<MatrixParams>,
) -> AppResult<Json<MatrixDto>> {
    let org = ops::org_visible(&state, &user, &slug).await?;
    let unit = match params.unit.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(
            raw.parse()
                .map_err(|_| AppError::from(FieldErrors::single("unit", "invalid_choice")))?,
        ),
    };
    let mut db = state.store.conn().await?;
    let matrix = seam::requirement_matrix(&mut db, &user.actor, org.id, unit, today()).await?;
    crate::audit::matrix(&state, &user.actor, org.id, &matrix).await;
    Ok(Json(MatrixDto {
        requirements: matrix.requirements.iter().map(Into::into).collect(),
        people: matrix
            .people
            .iter()
            .map(|p| MatrixRowDto {
                person_id: p.person_id,
                name: p.name.clone(),
                unit: p.unit.clone(),
                statuses: p
                    .statuses
                    .iter()
                    .map(|s| s.as_ref().map(Into::into))
                    .collect(),
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct ExpiringDto {
    person_id: PersonId,
    name: String,
    course_title: String,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "iso_date")]
    expires_on: time::Date,
}

/// Certificates of the caller's people (all members for an administrator) that expire within
/// 90 days or have expired, soonest first.
#[utoipa::path(get, path = "/organisations/{slug}/team/expiring", tag = "requirements",
    params(("slug" = String, Path)),
    responses((status = 200, body = Vec<ExpiringDto>), (status = 404, body = Problem)))]
async fn team_expiring(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(slug): Path<String>,
) -> AppResult<Json<Vec<ExpiringDto>>> {
    let org = ops::org_visible(&state, &user, &slug).await?;
    let until = today() + time::Duration::days(learning::EXPIRING_WITHIN_DAYS);
    let mut db = state.store.conn().await?;
    let list = seam::expiring_certificates(&mut db, &user.actor, org.id, until).await?;
    crate::audit::expiring(&state, &user.actor, org.id, &list).await;
    Ok(Json(
        list.into_iter()
            .map(|c| ExpiringDto {
                person_id: c.person_id,
                name: c.name,
                course_title: c.course_title,
                expires_on: c.expires_on,
            })
            .collect(),
    ))
}

// ---- reports ----

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// `csv` for a CSV file (so does `Accept: text/csv`).
    format: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CompletionRowDto {
    name: String,
    email: String,
    unit: Option<String>,
    course_title: String,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "iso_date")]
    completed_on: time::Date,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(with = "iso_date::option")]
    expires_on: Option<time::Date>,
}

/// Who completed what (administrators and report viewers): the organisation's own courses,
/// courses taken for it, and courses it requires. JSON, or CSV with `?format=csv` or
/// `Accept: text/csv`.
#[utoipa::path(get, path = "/organisations/{slug}/reports/completions", tag = "reports",
    params(("slug" = String, Path), ReportParams),
    responses((status = 200, content((Vec<CompletionRowDto> = "application/json"), (String = "text/csv"))), (status = 404, body = Problem)))]
async fn completion_report(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(slug): Path<String>,
    Query(params): Query<ReportParams>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let org = ops::org_visible(&state, &user, &slug).await?;
    let mut db = state.store.conn().await?;
    let rows = seam::completion_report(&mut db, &user.actor, org.id).await?;
    crate::audit::completions(&state, &user.actor, org.id, &rows).await;
    let csv = params.format.as_deref() == Some("csv")
        || headers
            .get(header::ACCEPT)
            .and_then(|a| a.to_str().ok())
            .is_some_and(|a| a.contains("text/csv"));
    if !csv {
        let body: Vec<CompletionRowDto> = rows
            .into_iter()
            .map(|r| CompletionRowDto {
                name: r.name,
                email: r.email,
                unit: r.unit,
                course_title: r.course_title,
                completed_on: r.completed_on,
                expires_on: r.expires_on,
            })
            .collect();
        return Ok(Json(body).into_response());
    }
    let out = learning::completion_csv(
        [
            "name",
            "email",
            "unit",
            "course",
            "completed_on",
            "expires_on",
        ],
        ",",
        &rows,
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"completions-{}.csv\"", org.slug),
            ),
        ],
        out,
    )
        .into_response())
}

// ---- files ----

/// A stored file: a content image for whoever sees its course; a submission or proof for its
/// learner and the course's teachers (editors for proofs). Anyone else gets 404.
#[utoipa::path(get, path = "/organisations/{slug}/files/{id}", tag = "files",
    params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 200, description = "The file's bytes", content_type = "application/octet-stream"), (status = 404, body = Problem)))]
async fn get_file(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let file = learning::readable_file(&state, &user, &slug, &id).await?;
    learning::file_response(&state, &file).await
}
