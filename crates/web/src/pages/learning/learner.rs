//! What learners see: the dashboard, the catalogue, a course and its activities, the
//! discussion, their history and certificates, and files they may read.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::FieldErrors;
use domain::learning::activity::{
    ActivitySettings, RegistrationStatus, SurveyQuestionKind, format_local_datetime,
};
use domain::learning::course::Visibility;
use domain::learning::markdown;
use domain::learning::progress::{EnrollmentStatus, ProgressStatus};
use domain::org::Language;
use serde::Deserialize;
use store::learning::courses::{self, Activity, CatalogueQuery};
use store::learning::enrollments::{Enrollment, Progress};
use store::learning::files::Purpose;
use store::seam::learning as seam;

use super::{Pairs, StatusCell, label};
use crate::AppState;
use crate::auth::{CurrentUser, PageUser};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::learning::{self as ops, CourseCtx};
use crate::pages::consents;
use crate::pages::{Ctx, DoneQuery, Layout, render, render_invalid};

// ---- dashboard ----

struct RequirementRow {
    course: String,
    organisation: String,
    status: StatusCell,
    link: String,
}

struct EnrollmentRow {
    course: String,
    owner: String,
    link: String,
    done: i32,
    total: i32,
    status: String,
    completed: String,
}

struct CertificateRow {
    course: String,
    owner: String,
    issued: String,
    expires: String,
    link: String,
}

#[derive(Template)]
#[template(path = "learn_dashboard.html")]
struct DashboardPage {
    l: Layout,
    t: Tr,
    required: Vec<RequirementRow>,
    in_progress: Vec<EnrollmentRow>,
    expiring: Vec<CertificateRow>,
    /// Recommendations, while their consent stands.
    extras: consents::CatalogueExtras,
}

fn enrollment_row(t: Tr, e: &seam::MyEnrollment) -> EnrollmentRow {
    EnrollmentRow {
        course: e.course_title.clone(),
        owner: e.owner_name.clone(),
        link: format!("/org/{}/courses/{}", e.owner_slug, e.enrollment.course_id),
        done: e.enrollment.required_done,
        total: e.enrollment.required_total,
        status: label(t, "enrollment_status", e.enrollment.status.as_str()),
        completed: e
            .enrollment
            .completed_at
            .map(|c| c.date().to_string())
            .unwrap_or_default(),
    }
}

fn certificate_row(c: &seam::CertificateView) -> CertificateRow {
    CertificateRow {
        course: c.course_title.clone(),
        owner: c.owner_name.clone(),
        issued: c.issued_on.to_string(),
        expires: c.expires_on.map(|d| d.to_string()).unwrap_or_default(),
        link: format!("/org/{}/certificates/{}", c.owner_slug, c.id),
    }
}

/// The learner's start page: required training with status and due dates, courses in
/// progress, and certificates that expire within 90 days.
pub async fn dashboard(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    done: DoneQuery,
) -> AppResult<Response> {
    let t = ctx.0.tr;
    let today = store::now().date();
    let mut db = state.store.conn().await?;
    let requirements = seam::my_requirements(&mut db, &user.actor, today).await?;
    let enrollments = seam::my_enrollments(&mut db, &user.actor).await?;
    let certificates = seam::my_certificates(&mut db, &user.actor).await?;
    drop(db);
    let extras = consents::dashboard_extras(&state, t, &user).await?;

    render(&DashboardPage {
        l: ctx.layout("learn.title", done.done.as_deref()),
        t,
        extras,
        required: requirements
            .iter()
            .map(|r| RequirementRow {
                course: r.requirement.course_title.clone(),
                organisation: r.organisation_name.clone(),
                status: StatusCell::of(t, &r.status),
                link: format!(
                    "/org/{}/courses/{}",
                    r.course_slug, r.requirement.rule.course
                ),
            })
            .collect(),
        in_progress: enrollments
            .iter()
            .filter(|e| e.enrollment.status == EnrollmentStatus::Active)
            .map(|e| enrollment_row(t, e))
            .collect(),
        expiring: ops::expiring_soon(certificates, today)
            .iter()
            .map(certificate_row)
            .collect(),
    })
}

// ---- catalogue ----

#[derive(Deserialize, Default)]
pub struct CatalogueSearch {
    #[serde(default)]
    q: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    tag: String,
}

struct CatalogueRow {
    title: String,
    summary: String,
    owner: String,
    tags: String,
    language: String,
    link: String,
    shared: bool,
}

#[derive(Template)]
#[template(path = "learn_catalogue.html")]
struct CataloguePage {
    l: Layout,
    t: Tr,
    q: String,
    tag: String,
    languages: Vec<(&'static str, String, bool)>,
    courses: Vec<CatalogueRow>,
    /// Recent searches and recommendations, while their consents stand.
    extras: consents::CatalogueExtras,
}

/// The courses the learner may find, searched by words in the title, summary and tags, and
/// filtered by language and tag.
pub async fn catalogue(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Query(search): Query<CatalogueSearch>,
    done: DoneQuery,
) -> AppResult<Response> {
    let t = ctx.0.tr;
    let query = CatalogueQuery {
        text: search.q.chars().take(200).collect(),
        language: Language::parse(search.language.trim()).ok(),
        tag: Some(search.tag.trim().to_lowercase()).filter(|s| !s.is_empty()),
        ..CatalogueQuery::default()
    };
    let mut db = state.store.conn().await?;
    let found = courses::catalogue(&mut db, &user.actor, &query, 200).await?;
    drop(db);
    let extras =
        consents::catalogue_extras(&state, t, &user, (&search.q, &search.language, &search.tag))
            .await?;
    let member_of = user.actor.organisations_with_roles();
    render(&CataloguePage {
        l: ctx.layout("catalogue.title", done.done.as_deref()),
        t,
        extras,
        tag: search.tag.clone(),
        languages: Language::ALL
            .iter()
            .map(|l| {
                (
                    l.code(),
                    label(t, "language", l.code()),
                    l.code() == search.language.trim(),
                )
            })
            .collect(),
        q: search.q,
        courses: found
            .into_iter()
            .map(|e| CatalogueRow {
                link: format!("/org/{}/courses/{}", e.owner_slug, e.course.id),
                shared: e.course.settings.visibility == Visibility::Shared
                    && !member_of.contains(&e.course.organisation_id),
                title: e.course.settings.title,
                summary: e.course.settings.summary,
                owner: e.owner_name,
                tags: e.course.settings.tags.join(", "),
                language: label(t, "language", e.course.settings.language.code()),
            })
            .collect(),
    })
}

// ---- a course ----

struct ActivityRow {
    title: String,
    kind: String,
    required: bool,
    status_code: &'static str,
    status: String,
    link: String,
}

struct ModuleView {
    title: String,
    activities: Vec<ActivityRow>,
}

struct CoParticipantRow {
    name: String,
    email: String,
    workplace: String,
    completed: String,
}

#[derive(Template)]
#[template(path = "learn_course.html")]
struct CoursePage {
    l: Layout,
    t: Tr,
    base: String,
    title: String,
    summary: String,
    owner: String,
    course_status: String,
    open: bool,
    enrollment: Option<EnrollmentRow>,
    completed: bool,
    can_enroll: bool,
    /// The course belongs to another organisation: the learner is told what it will see.
    providing_org: Option<String>,
    can_teach: bool,
    can_edit: bool,
    certificate: String,
    modules: Vec<ModuleView>,
    co_participants: Option<Vec<CoParticipantRow>>,
    /// The favourite button and the reviews (consents).
    extras: consents::CourseExtras,
}

fn module_views(
    t: Tr,
    base: &str,
    modules: &[courses::Module],
    activities: &[Activity],
    progress: &[Progress],
) -> Vec<ModuleView> {
    let of: HashMap<_, _> = progress.iter().map(|p| (p.activity_id, p)).collect();
    modules
        .iter()
        .map(|m| ModuleView {
            title: m.title.clone(),
            activities: activities
                .iter()
                .filter(|a| a.module_id == m.id)
                .map(|a| {
                    let status = of
                        .get(&a.id)
                        .map(|p| p.status)
                        .unwrap_or(ProgressStatus::NotStarted);
                    ActivityRow {
                        title: a.title.clone(),
                        kind: label(t, "activity_kind", a.settings.kind().as_str()),
                        required: a.required,
                        status_code: status.as_str(),
                        status: label(t, "progress", status.as_str()),
                        link: format!("{base}/activities/{}", a.id),
                    }
                })
                .collect(),
        })
        .collect()
}

/// A course: what it is, whether the learner is enrolled (and may enroll), its modules and
/// activities with the learner's progress, and the participant list where it is on.
pub async fn course(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
    done: DoneQuery,
) -> AppResult<Response> {
    let t = ctx.0.tr;
    let c = ops::course_ctx(&state, &user, &slug, &id).await?;
    let mut db = state.store.conn().await?;
    let modules = courses::modules(&mut db, c.org.id, c.course.id).await?;
    let activities = courses::activities(&mut db, c.org.id, c.course.id).await?;
    let mine = seam::my_enrollment(&mut db, &user.actor, &c.course).await?;
    let co = seam::co_participants(&mut db, &user.actor, &c.course).await?;
    drop(db);
    if let Some(list) = &co {
        crate::audit::co_participants(&state, &user.actor, &c.course, c.access.can_teach(), list)
            .await;
    }
    let settings = &c.course.settings;
    let base = c.base();
    let (enrollment, progress) = match &mine {
        Some((e, p)) => (Some(e), p.as_slice()),
        None => (None, &[][..]),
    };
    let certificate = match &settings.certificate {
        Some(policy) => match policy.validity_months {
            Some(months) => t.fill(
                "course.certificate_valid",
                &[("months", &months.to_string())],
            ),
            None => t.get("course.certificate_forever").to_owned(),
        },
        None => String::new(),
    };
    let extras = consents::course_extras(&state, t, &user, &c, None).await?;
    let page = CoursePage {
        l: ctx.layout("course.title", done.done.as_deref()),
        t,
        extras,
        modules: module_views(t, &base, &modules, &activities, progress),
        title: settings.title.clone(),
        summary: settings.summary.clone(),
        owner: c.org.name.clone(),
        course_status: label(t, "course_status", settings.status.as_str()),
        open: settings.status == domain::learning::course::CourseStatus::Open,
        enrollment: enrollment.map(|e| EnrollmentRow {
            course: settings.title.clone(),
            owner: c.org.name.clone(),
            link: base.clone(),
            done: e.required_done,
            total: e.required_total,
            status: label(t, "enrollment_status", e.status.as_str()),
            completed: e
                .completed_at
                .map(|d| d.date().to_string())
                .unwrap_or_default(),
        }),
        completed: enrollment.is_some_and(|e| e.status == EnrollmentStatus::Completed),
        can_enroll: c.access.can_self_enroll(settings),
        providing_org: (!c.access.owner_member && c.access.via_share.is_some())
            .then(|| c.org.name.clone()),
        can_teach: c.access.can_teach(),
        can_edit: c.access.can_edit(),
        certificate,
        co_participants: co.map(|list| {
            list.into_iter()
                .map(|p| CoParticipantRow {
                    name: p.name,
                    email: p.email,
                    workplace: p.workplace,
                    completed: p.completed_on.map(|d| d.to_string()).unwrap_or_default(),
                })
                .collect()
        }),
        base,
    };
    render(&page)
}

pub async fn enroll(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let c = ops::course_ctx(&state, &user, &slug, &id).await?;
    ops::self_enroll(&state, &user, &c).await?;
    Ok(Redirect::to(&format!("{}?done=enrolled", c.base())).into_response())
}

pub async fn retake(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let c = ops::course_ctx(&state, &user, &slug, &id).await?;
    ops::retake(&state, &user, &c).await?;
    Ok(Redirect::to(&format!("{}?done=enrolled", c.base())).into_response())
}

// ---- an activity ----

struct OptionView {
    index: usize,
    text: String,
    /// After an attempt with feedback: whether this option was right.
    correct: bool,
}

struct QuestionView {
    index: usize,
    number: usize,
    prompt: String,
    multiple: bool,
    points: u16,
    options: Vec<OptionView>,
    explanation: String,
}

struct AttemptRow {
    number: i32,
    points: i32,
    max_points: i32,
    passed: bool,
    at: String,
}

struct SurveyQuestionView {
    index: usize,
    number: usize,
    prompt: String,
    /// `scale`, `text` or `choice`.
    kind: &'static str,
    choices: Vec<(usize, String)>,
}

struct FieldView {
    name: &'static str,
    label: String,
    value: String,
    error: String,
}

/// What one activity page shows; the template picks the part for its kind.
#[derive(Default)]
struct ActivityView {
    kind: &'static str,
    body_html: String,
    done: bool,
    // quiz
    questions: Vec<QuestionView>,
    attempts: Vec<AttemptRow>,
    next_attempt: u32,
    attempts_left: String,
    pass_mark: u8,
    can_attempt: bool,
    refusal: String,
    feedback: bool,
    // assignment
    submission: Option<SubmissionRow>,
    allowed: String,
    max_megabytes: u64,
    accept: String,
    // survey
    anonymous: bool,
    survey: Vec<SurveyQuestionView>,
    answered: bool,
    // event
    when: String,
    place: String,
    online_link: String,
    capacity: String,
    registration: String,
    registered: bool,
    evaluation_closed: bool,
    fields: Vec<FieldView>,
    // external record
    record: Option<RecordRow>,
    proof_required: bool,
}

struct SubmissionRow {
    version: i32,
    at: String,
    grade: String,
    comment: String,
    file_link: String,
}

struct RecordRow {
    provider: String,
    completed_on: String,
    hours: String,
    status: String,
    comment: String,
}

#[derive(Template)]
#[template(path = "learn_activity.html")]
struct ActivityPage {
    l: Layout,
    t: Tr,
    csrf: String,
    base: String,
    action: String,
    course_title: String,
    title: String,
    kind_label: String,
    required: bool,
    enrolled: bool,
    can_teach: bool,
    errors: Vec<String>,
    v: ActivityView,
    /// The favourite button (consents).
    extras: consents::CourseExtras,
}

/// Another person's activity, or one of a course the user does not take or teach, is not
/// found: a learner needs an enrollment (or the course open to them) to see it.
async fn activity_page(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    c: &CourseCtx,
    activity: &Activity,
    errors: &FieldErrors,
    done: Option<&str>,
) -> AppResult<ActivityPage> {
    let t = ctx.0.tr;
    let mut db = state.store.conn().await?;
    let mine = seam::my_enrollment(&mut db, &user.actor, &c.course).await?;
    let enrollment: Option<&Enrollment> = mine.as_ref().map(|(e, _)| e);
    if enrollment.is_none() && !c.access.can_teach() {
        return Err(AppError::NotFound);
    }
    let progress = mine
        .as_ref()
        .and_then(|(_, p)| p.iter().find(|p| p.activity_id == activity.id));
    let base = c.base();
    let action = format!("{base}/activities/{}", activity.id);
    let mut v = ActivityView {
        kind: activity.settings.kind().as_str(),
        done: progress.is_some_and(|p| p.status == ProgressStatus::Done),
        ..ActivityView::default()
    };
    let error_of = |name: &str| {
        errors
            .error_for(name)
            .map(|e| t.field_error(e))
            .unwrap_or_default()
    };
    match &activity.settings {
        ActivitySettings::Content { body } => v.body_html = markdown::to_html(body),
        ActivitySettings::Quiz(quiz) => {
            let attempts = match enrollment {
                Some(e) => seam::my_attempts(&mut db, &user.actor, e, activity.id).await?,
                None => Vec::new(),
            };
            let so_far = u32::try_from(attempts.len()).unwrap_or(u32::MAX);
            let passed = attempts.iter().any(|a| a.passed);
            let refusal = domain::learning::activity::attempt_refusal(quiz, so_far, passed);
            let show_right = quiz.feedback && !attempts.is_empty();
            v.questions = quiz
                .questions
                .iter()
                .enumerate()
                .map(|(i, q)| QuestionView {
                    index: i,
                    number: i + 1,
                    prompt: q.prompt.clone(),
                    multiple: q.multiple,
                    points: q.points,
                    options: q
                        .options
                        .iter()
                        .enumerate()
                        .map(|(j, o)| OptionView {
                            index: j,
                            text: o.text.clone(),
                            correct: show_right && o.correct,
                        })
                        .collect(),
                    explanation: if show_right {
                        q.explanation.clone().unwrap_or_default()
                    } else {
                        String::new()
                    },
                })
                .collect();
            v.attempts = attempts
                .iter()
                .map(|a| AttemptRow {
                    number: a.attempt,
                    points: a.points,
                    max_points: a.max_points,
                    passed: a.passed,
                    at: a.submitted_at.date().to_string(),
                })
                .collect();
            v.next_attempt = so_far + 1;
            v.pass_mark = quiz.pass_mark;
            v.feedback = show_right;
            v.attempts_left = quiz
                .attempts_limit
                .map(|l| u32::from(l).saturating_sub(so_far).to_string())
                .unwrap_or_default();
            v.can_attempt = enrollment.is_some() && refusal.is_none();
            v.refusal = refusal.map(|code| t.error(code)).unwrap_or_default();
        }
        ActivitySettings::Assignment(a) => {
            v.body_html = markdown::to_html(&a.instructions);
            v.allowed = a
                .allowed
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            v.accept = a
                .allowed
                .iter()
                .map(|f| format!(".{}", f.as_str()))
                .collect::<Vec<_>>()
                .join(",");
            v.max_megabytes = a.max_bytes / (1024 * 1024);
            if let Some(e) = enrollment {
                v.submission = seam::my_submission(&mut db, &user.actor, e, activity.id)
                    .await?
                    .map(|s| SubmissionRow {
                        version: s.version,
                        at: s.submitted_at.date().to_string(),
                        grade: s
                            .grade
                            .map(|g| label(t, "grade", g.as_str()))
                            .unwrap_or_else(|| t.get("grade.pending").to_owned()),
                        comment: s.comment.unwrap_or_default(),
                        file_link: format!("/org/{}/files/{}", c.org.slug, s.file_id),
                    });
            }
        }
        ActivitySettings::Survey(s) => {
            v.anonymous = s.anonymous;
            v.answered = progress.is_some_and(|p| p.status == ProgressStatus::Done);
            v.survey = s
                .questions
                .iter()
                .enumerate()
                .map(|(i, q)| SurveyQuestionView {
                    index: i,
                    number: i + 1,
                    prompt: q.prompt.clone(),
                    kind: match q.kind {
                        SurveyQuestionKind::Scale => "scale",
                        SurveyQuestionKind::Text => "text",
                        SurveyQuestionKind::Choice(_) => "choice",
                    },
                    choices: match &q.kind {
                        SurveyQuestionKind::Choice(options) => {
                            options.iter().cloned().enumerate().collect()
                        }
                        _ => Vec::new(),
                    },
                })
                .collect();
        }
        ActivitySettings::Event(event) => {
            v.when = format!(
                "{} – {}",
                format_local_datetime(event.starts_at).replace('T', " "),
                format_local_datetime(event.ends_at).replace('T', " ")
            );
            v.place = event.place.clone().unwrap_or_default();
            v.online_link = event.online_link.clone().unwrap_or_default();
            v.capacity = event.capacity.map(|c| c.to_string()).unwrap_or_default();
            v.evaluation_closed = event.evaluation_closed_on.is_some();
            let registration =
                seam::my_registration(&mut db, &user.actor, c.org.id, activity.id).await?;
            v.registered = registration
                .as_ref()
                .is_some_and(|r| r.status != RegistrationStatus::Cancelled);
            v.registration = registration
                .as_ref()
                .filter(|r| r.status != RegistrationStatus::Cancelled)
                .map(|r| label(t, "registration_status", r.status.as_str()))
                .unwrap_or_default();
            let profile = store::seam::me(&mut db, &user.actor).await.ok();
            v.fields = event
                .fields
                .iter()
                .map(|f| {
                    let name = f.as_str();
                    let default = match (f, &profile) {
                        (domain::learning::activity::RegistrationField::Name, Some(p)) => format!(
                            "{} {}",
                            p.given_name.as_deref().unwrap_or(""),
                            p.family_name.as_deref().unwrap_or("")
                        ),
                        (domain::learning::activity::RegistrationField::Email, Some(p)) => {
                            p.email.clone().unwrap_or_default()
                        }
                        _ => String::new(),
                    };
                    FieldView {
                        name,
                        label: label(t, "registration_field", name),
                        value: default,
                        error: error_of(name),
                    }
                })
                .collect();
        }
        ActivitySettings::ExternalRecord(r) => {
            v.body_html = markdown::to_html(&r.instructions);
            v.proof_required = r.proof_required;
            if let Some(e) = enrollment {
                v.record = seam::my_record(&mut db, &user.actor, e, activity.id)
                    .await?
                    .map(|r| RecordRow {
                        provider: r.provider,
                        completed_on: r.completed_on.to_string(),
                        hours: format!("{:.1}", f64::from(r.tenths_of_hours) / 10.0),
                        status: label(t, "approval", r.status.as_str()),
                        comment: r.comment.unwrap_or_default(),
                    });
            }
        }
    }
    drop(db);
    let extras = consents::course_extras(state, t, user, c, Some(activity.id)).await?;
    Ok(ActivityPage {
        l: ctx.layout("activity.title", done),
        t,
        extras,
        csrf: ctx.0.csrf.clone(),
        course_title: c.course.settings.title.clone(),
        title: activity.title.clone(),
        kind_label: label(t, "activity_kind", activity.settings.kind().as_str()),
        required: activity.required,
        enrolled: enrollment.is_some(),
        can_teach: c.access.can_teach(),
        errors: errors.0.iter().map(|e| t.field_error(e)).collect(),
        base,
        action,
        v,
    })
}

pub async fn activity(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id, aid)): Path<(String, String, String)>,
    done: DoneQuery,
) -> AppResult<Response> {
    let c = ops::course_ctx(&state, &user, &slug, &id).await?;
    let activity = ops::activity_of(&state, &c, &aid).await?;
    let page = activity_page(
        &state,
        &ctx,
        &user,
        &c,
        &activity,
        &FieldErrors::new(),
        done.done.as_deref(),
    )
    .await?;
    render(&page)
}

/// Re-renders the activity page with the errors of a refused answer (status 422).
async fn refused(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    c: &CourseCtx,
    activity: &Activity,
    errors: FieldErrors,
) -> AppResult<Response> {
    let page = activity_page(state, ctx, user, c, activity, &errors, None).await?;
    render_invalid(&page)
}

fn back(c: &CourseCtx, activity: &Activity, done: &str) -> Response {
    Redirect::to(&format!(
        "{}/activities/{}?done={done}",
        c.base(),
        activity.id
    ))
    .into_response()
}

async fn course_and_activity(
    state: &AppState,
    user: &CurrentUser,
    slug: &str,
    id: &str,
    aid: &str,
) -> AppResult<(CourseCtx, Activity)> {
    let c = ops::course_ctx(state, user, slug, id).await?;
    let activity = ops::activity_of(state, &c, aid).await?;
    Ok((c, activity))
}

/// A content page read to the end.
pub async fn mark_done(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((slug, id, aid)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let (c, activity) = course_and_activity(&state, &user, &slug, &id, &aid).await?;
    ops::record_progress(&state, &user, &c, &activity, 0, true).await?;
    Ok(back(&c, &activity, "saved"))
}

#[derive(Deserialize)]
pub struct TimeForm {
    #[serde(default)]
    seconds: u32,
}

/// Time spent on an activity page, sent by `activity.js` while the page is visible (at most
/// four hours a report).
pub async fn record_time(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((slug, id, aid)): Path<(String, String, String)>,
    crate::pages::PageForm(form): crate::pages::PageForm<TimeForm>,
) -> AppResult<Response> {
    let (c, activity) = course_and_activity(&state, &user, &slug, &id, &aid).await?;
    ops::record_progress(&state, &user, &c, &activity, form.seconds, false).await?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}

/// A quiz attempt: `attempt` is the number the form was rendered for (a second post of the
/// same form is refused), `q<i>` the chosen options of question `i`.
pub async fn submit_quiz(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id, aid)): Path<(String, String, String)>,
    form: Pairs,
) -> AppResult<Response> {
    let (c, activity) = course_and_activity(&state, &user, &slug, &id, &aid).await?;
    let ActivitySettings::Quiz(quiz) = &activity.settings else {
        return Err(AppError::NotFound);
    };
    let attempt: u32 = form
        .get("attempt")
        .and_then(|a| a.trim().parse().ok())
        .ok_or_else(|| AppError::Malformed("attempt: a number is needed".into()))?;
    let mut answers = Vec::with_capacity(quiz.questions.len());
    for i in 0..quiz.questions.len() {
        let mut chosen = Vec::new();
        for raw in form.all(&format!("q{i}")) {
            let option = raw
                .trim()
                .parse::<usize>()
                .map_err(|_| AppError::Malformed(format!("q{i}: an option number is needed")))?;
            chosen.push(option);
        }
        answers.push(chosen);
    }
    match ops::submit_quiz(&state, &user, &c, &activity, attempt, &answers).await {
        Ok((graded, _)) => Ok(back(
            &c,
            &activity,
            if graded.passed {
                "quiz_passed"
            } else {
                "quiz_not_passed"
            },
        )),
        Err(AppError::Invalid(errors)) => refused(&state, &ctx, &user, &c, &activity, errors).await,
        Err(e) => Err(e),
    }
}

pub async fn answer_survey(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id, aid)): Path<(String, String, String)>,
    form: Pairs,
) -> AppResult<Response> {
    let (c, activity) = course_and_activity(&state, &user, &slug, &id, &aid).await?;
    match ops::answer_survey(&state, &user, &c, &activity, |k| form.get(k)).await {
        Ok(()) => Ok(back(&c, &activity, "survey_answered")),
        Err(AppError::Invalid(errors)) => refused(&state, &ctx, &user, &c, &activity, errors).await,
        Err(e) => Err(e),
    }
}

pub async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id, aid)): Path<(String, String, String)>,
    form: Pairs,
) -> AppResult<Response> {
    let (c, activity) = course_and_activity(&state, &user, &slug, &id, &aid).await?;
    match ops::register(&state, &user, &c, &activity, |k| form.get(k)).await {
        Ok(RegistrationStatus::Waitlisted) => Ok(back(&c, &activity, "waitlisted")),
        Ok(_) => Ok(back(&c, &activity, "registered")),
        Err(AppError::Invalid(errors)) => refused(&state, &ctx, &user, &c, &activity, errors).await,
        Err(e) => Err(e),
    }
}

pub async fn cancel(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((slug, id, aid)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let (c, activity) = course_and_activity(&state, &user, &slug, &id, &aid).await?;
    ops::cancel_registration(&state, &user, &c, &activity).await?;
    Ok(back(&c, &activity, "cancelled"))
}

/// Reads a multipart form: small text fields into a map, and the `file` field (when one was
/// chosen) streamed to the file store under `rules` (size and type checked before it is kept).
async fn read_upload(
    state: &AppState,
    multipart: &mut Multipart,
    c: &CourseCtx,
    user: &CurrentUser,
    purpose: Purpose,
    rules: (&[domain::learning::files::FileType], u64),
) -> AppResult<(HashMap<String, String>, Option<domain::FileId>)> {
    let mut fields = HashMap::new();
    let mut file = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::Malformed(e.body_text()))?
    {
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            if field.file_name().is_some_and(|n| !n.is_empty()) && file.is_none() {
                let (allowed, max) = rules;
                file = Some(
                    ops::receive_file(state, field, c, user.actor.person_id, purpose, allowed, max)
                        .await?,
                );
            }
            continue;
        }
        let value = field
            .text()
            .await
            .map_err(|e| AppError::Malformed(e.body_text()))?;
        if value.len() > 10_000 {
            return Err(AppError::TooLarge);
        }
        fields.insert(name, value);
    }
    Ok((fields, file))
}

/// Hands in an assignment: the file is checked (size and type by its bytes) before it is
/// kept; a refused file leaves nothing behind.
pub async fn submit_assignment(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id, aid)): Path<(String, String, String)>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let (c, activity) = course_and_activity(&state, &user, &slug, &id, &aid).await?;
    let (enrollment, assignment) = ops::assignment_check(&state, &user, &c, &activity).await?;
    let rules = (assignment.allowed.as_slice(), assignment.max_bytes);
    let upload = read_upload(
        &state,
        &mut multipart,
        &c,
        &user,
        Purpose::Submission,
        rules,
    )
    .await;
    let file = match upload {
        Ok((_, Some(file))) => file,
        Ok((_, None)) => {
            let errors = FieldErrors::single("file", "required");
            return refused(&state, &ctx, &user, &c, &activity, errors).await;
        }
        Err(AppError::Invalid(errors)) => {
            return refused(&state, &ctx, &user, &c, &activity, errors).await;
        }
        Err(e) => return Err(e),
    };
    ops::submit_assignment(&state, &c, &enrollment, &activity, file).await?;
    Ok(back(&c, &activity, "handed_in"))
}

/// Records training done elsewhere, with its proof file where the activity asks for one.
pub async fn record_external(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id, aid)): Path<(String, String, String)>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let (c, activity) = course_and_activity(&state, &user, &slug, &id, &aid).await?;
    let (enrollment, record) = ops::record_check(&state, &user, &c, &activity).await?;
    let rules = ops::proof_rules(&state);
    let (fields, proof) =
        match read_upload(&state, &mut multipart, &c, &user, Purpose::Proof, rules).await {
            Ok(read) => read,
            Err(AppError::Invalid(errors)) => {
                return refused(&state, &ctx, &user, &c, &activity, errors).await;
            }
            Err(e) => return Err(e),
        };
    match ops::record_external(&state, &c, &enrollment, &activity, &record, &fields, proof).await {
        Ok(()) => Ok(back(&c, &activity, "recorded")),
        Err(AppError::Invalid(errors)) => refused(&state, &ctx, &user, &c, &activity, errors).await,
        Err(e) => Err(e),
    }
}

/// A stored file, to whoever may read it (checked by [`ops::readable_file`]).
pub async fn file(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let stored = ops::readable_file(&state, &user, &slug, &id).await?;
    ops::file_response(&state, &stored).await
}

// ---- discussion ----

struct PostView {
    id: String,
    author: String,
    title: String,
    body_html: String,
    body: String,
    at: String,
    edited: bool,
    deleted: bool,
    mine: bool,
}

struct ThreadView {
    post: PostView,
    replies: Vec<PostView>,
}

#[derive(Template)]
#[template(path = "learn_discussion.html")]
struct DiscussionPage {
    l: Layout,
    t: Tr,
    csrf: String,
    base: String,
    course_title: String,
    threads: Vec<ThreadView>,
    errors: Vec<String>,
}

fn post_view(t: Tr, me: domain::PersonId, p: seam::Post) -> PostView {
    PostView {
        id: p.id.to_string(),
        author: p
            .author
            .unwrap_or_else(|| t.get("discussion.former_participant").to_owned()),
        title: p.title.unwrap_or_default(),
        body_html: if p.deleted {
            String::new()
        } else {
            markdown::to_html(&p.body)
        },
        body: p.body,
        at: p.created_at.date().to_string(),
        edited: p.edited_at.is_some(),
        deleted: p.deleted,
        mine: p.author_id == Some(me),
    }
}

async fn discussion_page(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    c: &CourseCtx,
    errors: &FieldErrors,
    done: Option<&str>,
) -> AppResult<DiscussionPage> {
    let t = ctx.0.tr;
    let mut db = state.store.conn().await?;
    let threads = seam::discussion(&mut db, &user.actor, &c.course).await?;
    drop(db);
    let me = user.actor.person_id;
    Ok(DiscussionPage {
        l: ctx.layout("discussion.title", done),
        t,
        csrf: ctx.0.csrf.clone(),
        base: c.base(),
        course_title: c.course.settings.title.clone(),
        threads: threads
            .into_iter()
            .map(|(post, replies)| ThreadView {
                post: post_view(t, me, post),
                replies: replies.into_iter().map(|r| post_view(t, me, r)).collect(),
            })
            .collect(),
        errors: errors.0.iter().map(|e| t.field_error(e)).collect(),
    })
}

pub async fn discussion(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
    done: DoneQuery,
) -> AppResult<Response> {
    let c = ops::course_ctx(&state, &user, &slug, &id).await?;
    let page = discussion_page(
        &state,
        &ctx,
        &user,
        &c,
        &FieldErrors::new(),
        done.done.as_deref(),
    )
    .await?;
    render(&page)
}

#[derive(Deserialize)]
pub struct PostForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

async fn after_post(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    c: &CourseCtx,
    result: AppResult<()>,
    done: &str,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("{}/discussion?done={done}", c.base())).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = discussion_page(state, ctx, user, c, &errors, None).await?;
            render_invalid(&page)
        }
        Err(e) => Err(e),
    }
}

pub async fn start_thread(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
    crate::pages::PageForm(form): crate::pages::PageForm<PostForm>,
) -> AppResult<Response> {
    let c = ops::course_ctx(&state, &user, &slug, &id).await?;
    let result = ops::start_thread(&state, &user, &c, &form.title, &form.body)
        .await
        .map(|_| ());
    after_post(&state, &ctx, &user, &c, result, "posted").await
}

pub async fn reply(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id, post)): Path<(String, String, String)>,
    crate::pages::PageForm(form): crate::pages::PageForm<PostForm>,
) -> AppResult<Response> {
    let c = ops::course_ctx(&state, &user, &slug, &id).await?;
    let result = ops::reply(&state, &user, &c, &post, &form.body)
        .await
        .map(|_| ());
    after_post(&state, &ctx, &user, &c, result, "posted").await
}

pub async fn edit_post(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id, post)): Path<(String, String, String)>,
    crate::pages::PageForm(form): crate::pages::PageForm<PostForm>,
) -> AppResult<Response> {
    let c = ops::course_ctx(&state, &user, &slug, &id).await?;
    let result = ops::edit_post(&state, &user, &c, &post, &form.body)
        .await
        .map(|_| ());
    after_post(&state, &ctx, &user, &c, result, "saved").await
}

pub async fn delete_post(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id, post)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let c = ops::course_ctx(&state, &user, &slug, &id).await?;
    let result = ops::delete_post(&state, &user, &c, &post).await.map(|_| ());
    after_post(&state, &ctx, &user, &c, result, "deleted").await
}

// ---- history and certificates ----

#[derive(Template)]
#[template(path = "learn_history.html")]
struct HistoryPage {
    l: Layout,
    t: Tr,
    rows: Vec<(EnrollmentRow, String, String)>,
}

/// Every course the learner has taken, re-takes included, with completion dates and
/// certificates: their transcript.
pub async fn history(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
) -> AppResult<Response> {
    let t = ctx.0.tr;
    let mut db = state.store.conn().await?;
    let enrollments = seam::my_enrollments(&mut db, &user.actor).await?;
    drop(db);
    render(&HistoryPage {
        l: ctx.layout("history.title", None),
        t,
        rows: enrollments
            .iter()
            .map(|e| {
                (
                    enrollment_row(t, e),
                    e.enrollment.enrolled_at.date().to_string(),
                    e.certificate
                        .map(|(id, _, _)| format!("/org/{}/certificates/{id}", e.owner_slug))
                        .unwrap_or_default(),
                )
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "learn_certificates.html")]
struct CertificatesPage {
    l: Layout,
    t: Tr,
    rows: Vec<CertificateRow>,
}

pub async fn certificates(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
) -> AppResult<Response> {
    let mut db = state.store.conn().await?;
    let certificates = seam::my_certificates(&mut db, &user.actor).await?;
    drop(db);
    render(&CertificatesPage {
        l: ctx.layout("certificates.title", None),
        t: ctx.0.tr,
        rows: certificates.iter().map(certificate_row).collect(),
    })
}

#[derive(Template)]
#[template(path = "learn_certificate.html")]
struct CertificatePage {
    l: Layout,
    t: Tr,
    c: seam::CertificateView,
    expires: String,
}

/// A printable certificate (the holder's own; another's is not found).
pub async fn certificate(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let mut db = state.store.conn().await?;
    let org = store::organisations::by_slug(&mut db, &slug).await?;
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    let c = seam::my_certificate(&mut db, &user.actor, org.id, id).await?;
    drop(db);
    render(&CertificatePage {
        l: ctx.layout("certificate.title", None),
        t: ctx.0.tr,
        expires: c.expires_on.map(|d| d.to_string()).unwrap_or_default(),
        c,
    })
}
