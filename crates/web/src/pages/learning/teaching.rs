//! What teachers and course admins see: the course editor (settings, modules, activities,
//! staff, sharing), participants and their progress, the grading queue with records to
//! approve, event attendance and survey results.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::FieldErrors;
use domain::learning::activity::{
    ActivityInput, ActivityKind, ActivitySettings, QuestionSummary, SurveyAnswer,
    SurveyQuestionKind, summarise,
};
use domain::learning::course::{CompletionRule, CourseInput, CourseStatus, StaffRole, Visibility};
use domain::org::Language;
use serde::{Deserialize, Serialize};
use store::learning::courses::{self, Activity};
use store::seam::learning as seam;

use super::{duration, label};
use crate::AppState;
use crate::auth::{CurrentUser, PageUser};
use crate::error::{AppError, AppResult};
use crate::forms::{FormBuilder, FormView, coded_options, values_of};
use crate::i18n::Tr;
use crate::learning::{self as ops, CourseCtx};
use crate::pages::{Ctx, DoneQuery, Layout, PageForm, render, render_invalid};

/// The course settings form (also the administrator's "new course" form).
pub(super) fn course_form(
    t: Tr,
    csrf: &str,
    action: String,
    submit: &str,
    values: HashMap<String, String>,
    errors: &FieldErrors,
) -> FormView {
    FormBuilder::new(t, "course", action, submit, csrf)
        .values(values)
        .errors(errors)
        .input("title", "field.course_title", "text", true)
        .input("summary", "field.summary", "textarea", false)
        .select(
            "language",
            "field.course_language",
            true,
            Language::ALL
                .iter()
                .map(|l| (l.code().to_owned(), label(t, "language", l.code())))
                .collect(),
        )
        .input("tags", "field.tags", "text", false)
        .hint("hint.tags")
        .select(
            "visibility",
            "field.visibility",
            true,
            coded_options(t, "visibility", Visibility::ALL.map(Visibility::as_str)),
        )
        .select(
            "status",
            "field.course_status",
            true,
            coded_options(
                t,
                "course_status",
                CourseStatus::ALL.map(CourseStatus::as_str),
            ),
        )
        .input(
            "self_enrollment",
            "field.self_enrollment",
            "checkbox",
            false,
        )
        .select(
            "completion_rule",
            "field.completion_rule",
            true,
            coded_options(
                t,
                "completion_rule",
                CompletionRule::ALL.map(CompletionRule::as_str),
            ),
        )
        .input("pass_mark", "field.pass_mark", "number", false)
        .hint("hint.pass_mark")
        .input("certificate", "field.certificate", "checkbox", false)
        .input(
            "certificate_validity_months",
            "field.certificate_validity_months",
            "number",
            false,
        )
        .hint("hint.certificate_validity_months")
        .input(
            "refresher_course_id",
            "field.refresher_course_id",
            "text",
            false,
        )
        .hint("hint.refresher_course_id")
        .input(
            "participant_list",
            "field.participant_list",
            "checkbox",
            false,
        )
        .hint("hint.participant_list")
        .build()
}

struct ActivityLine {
    title: String,
    kind: String,
    required: bool,
    edit: String,
    view: String,
    /// Events and surveys have their own teacher page.
    extra: Option<(String, String)>,
}

struct ModuleLine {
    id: String,
    title: String,
    activities: Vec<ActivityLine>,
}

struct StaffLine {
    id: String,
    name: String,
    email: String,
    role: String,
}

#[derive(Template)]
#[template(path = "teach_editor.html")]
struct EditorPage {
    l: Layout,
    t: Tr,
    csrf: String,
    base: String,
    title: String,
    course_id: String,
    form: FormView,
    modules: Vec<ModuleLine>,
    kinds: Vec<(&'static str, String)>,
    staff: Vec<StaffLine>,
    roles: Vec<(&'static str, String)>,
    can_share: bool,
    shares: Vec<(String, String)>,
    errors: Vec<String>,
}

async fn editor_page(
    state: &AppState,
    ctx: &Ctx,
    c: &CourseCtx,
    input: Option<&CourseInput>,
    errors: &FieldErrors,
    done: Option<&str>,
) -> AppResult<EditorPage> {
    let t = ctx.0.tr;
    if !c.access.can_edit() {
        return Err(AppError::NotFound);
    }
    let mut db = state.store.conn().await?;
    let modules = courses::modules(&mut db, c.org.id, c.course.id).await?;
    let activities = courses::activities(&mut db, c.org.id, c.course.id).await?;
    let staff = seam::course_staff(&mut db, &c.course).await?;
    let shares = courses::shares(&mut db, c.org.id, c.course.id).await?;
    drop(db);
    let base = c.base();
    let values = values_of(
        &input
            .cloned()
            .unwrap_or_else(|| c.course.settings.to_input()),
    );
    let none = FieldErrors::new();
    Ok(EditorPage {
        l: ctx.layout("editor.title", done),
        t,
        csrf: ctx.0.csrf.clone(),
        title: c.course.settings.title.clone(),
        course_id: c.course.id.to_string(),
        form: course_form(
            t,
            &ctx.0.csrf,
            format!("{base}/edit"),
            "form.save",
            values,
            if input.is_some() { errors } else { &none },
        ),
        modules: modules
            .iter()
            .map(|m| ModuleLine {
                id: m.id.to_string(),
                title: m.title.clone(),
                activities: activities
                    .iter()
                    .filter(|a| a.module_id == m.id)
                    .map(|a| activity_line(t, &base, a))
                    .collect(),
            })
            .collect(),
        kinds: ActivityKind::ALL
            .iter()
            .map(|k| (k.as_str(), label(t, "activity_kind", k.as_str())))
            .collect(),
        staff: staff
            .into_iter()
            .map(|(id, name, email, role)| StaffLine {
                id: id.to_string(),
                name,
                email,
                role: label(t, "staff_role", role.as_str()),
            })
            .collect(),
        roles: StaffRole::ALL
            .iter()
            .map(|r| (r.as_str(), label(t, "staff_role", r.as_str())))
            .collect(),
        can_share: c.access.owner_admin,
        shares: shares
            .into_iter()
            .map(|(id, name, _)| (id.to_string(), name))
            .collect(),
        errors: if input.is_none() {
            errors.0.iter().map(|e| t.field_error(e)).collect()
        } else {
            Vec::new()
        },
        base,
    })
}

fn activity_line(t: Tr, base: &str, a: &Activity) -> ActivityLine {
    let view = format!("{base}/activities/{}", a.id);
    ActivityLine {
        title: a.title.clone(),
        kind: label(t, "activity_kind", a.settings.kind().as_str()),
        required: a.required,
        edit: format!("{view}/edit"),
        extra: match a.settings.kind() {
            ActivityKind::Event => Some((
                format!("{view}/attendance"),
                t.get("attendance.title").to_owned(),
            )),
            ActivityKind::Survey => {
                Some((format!("{view}/results"), t.get("results.title").to_owned()))
            }
            _ => None,
        },
        view,
    }
}

async fn editable(
    state: &AppState,
    user: &CurrentUser,
    slug: &str,
    id: &str,
) -> AppResult<CourseCtx> {
    let c = ops::course_ctx(state, user, slug, id).await?;
    if c.access.can_edit() {
        Ok(c)
    } else {
        Err(AppError::NotFound)
    }
}

async fn teachable(
    state: &AppState,
    user: &CurrentUser,
    slug: &str,
    id: &str,
) -> AppResult<CourseCtx> {
    let c = ops::course_ctx(state, user, slug, id).await?;
    if c.access.can_teach() {
        Ok(c)
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn editor(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
    done: DoneQuery,
) -> AppResult<Response> {
    let c = editable(&state, &user, &slug, &id).await?;
    let page = editor_page(
        &state,
        &ctx,
        &c,
        None,
        &FieldErrors::new(),
        done.done.as_deref(),
    )
    .await?;
    render(&page)
}

fn to_editor(c: &CourseCtx, done: &str) -> Response {
    Redirect::to(&format!("{}/edit?done={done}", c.base())).into_response()
}

/// An error on one of the editor's small forms (module, staff, share): the editor again with
/// the message at the top.
async fn editor_refused(
    state: &AppState,
    ctx: &Ctx,
    c: &CourseCtx,
    result: AppResult<()>,
    done: &str,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(to_editor(c, done)),
        Err(AppError::Invalid(errors)) => {
            render_invalid(&editor_page(state, ctx, c, None, &errors, None).await?)
        }
        Err(e) => Err(e),
    }
}

pub async fn save_course(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
    PageForm(input): PageForm<CourseInput>,
) -> AppResult<Response> {
    let c = editable(&state, &user, &slug, &id).await?;
    match ops::update_course(&state, &c, &input).await {
        Ok(()) => Ok(to_editor(&c, "saved")),
        Err(AppError::Invalid(errors)) => {
            render_invalid(&editor_page(&state, &ctx, &c, Some(&input), &errors, None).await?)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct TitleForm {
    #[serde(default)]
    title: String,
}

pub async fn add_module(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
    PageForm(form): PageForm<TitleForm>,
) -> AppResult<Response> {
    let c = editable(&state, &user, &slug, &id).await?;
    let result = ops::add_module(&state, &c, &form.title).await.map(|_| ());
    editor_refused(&state, &ctx, &c, result, "created").await
}

pub async fn rename_module(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id, module)): Path<(String, String, String)>,
    PageForm(form): PageForm<TitleForm>,
) -> AppResult<Response> {
    let c = editable(&state, &user, &slug, &id).await?;
    let result = ops::rename_module(&state, &c, &module, &form.title).await;
    editor_refused(&state, &ctx, &c, result, "saved").await
}

#[derive(Deserialize, Serialize)]
pub struct StaffForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

pub async fn add_staff(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
    PageForm(form): PageForm<StaffForm>,
) -> AppResult<Response> {
    let c = editable(&state, &user, &slug, &id).await?;
    let result = ops::set_staff(&state, &user.actor, &c, &form.email, &form.role).await;
    editor_refused(&state, &ctx, &c, result, "added").await
}

pub async fn remove_staff(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((slug, id, person)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let c = editable(&state, &user, &slug, &id).await?;
    ops::remove_staff(&state, &user.actor, &c, &person).await?;
    Ok(to_editor(&c, "removed"))
}

#[derive(Deserialize)]
pub struct ShareForm {
    #[serde(default)]
    organisation: String,
}

pub async fn share(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
    PageForm(form): PageForm<ShareForm>,
) -> AppResult<Response> {
    let c = editable(&state, &user, &slug, &id).await?;
    let result = ops::share(&state, &c, &form.organisation).await;
    editor_refused(&state, &ctx, &c, result, "shared").await
}

pub async fn unshare(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((slug, id, org)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let c = editable(&state, &user, &slug, &id).await?;
    ops::unshare(&state, &c, &org).await?;
    Ok(to_editor(&c, "removed"))
}

// ---- activities ----

#[derive(Template)]
#[template(path = "teach_activity.html")]
struct ActivityEditorPage {
    l: Layout,
    t: Tr,
    base: String,
    course_title: String,
    kind_label: String,
    form: FormView,
}

/// The activity form for one kind: the fields every activity has, then that kind's own.
fn activity_form(
    t: Tr,
    csrf: &str,
    action: String,
    kind: ActivityKind,
    modules: &[courses::Module],
    values: HashMap<String, String>,
    errors: &FieldErrors,
) -> FormView {
    let form = FormBuilder::new(t, "activity", action, "form.save", csrf)
        .values(values)
        .errors(errors)
        .hidden("kind", kind.as_str())
        .input("title", "field.activity_title", "text", true)
        .select(
            "module_id",
            "field.module",
            true,
            modules
                .iter()
                .map(|m| (m.id.to_string(), m.title.clone()))
                .collect(),
        )
        .input("required", "field.activity_required", "checkbox", false)
        .hint("hint.activity_required");
    match kind {
        ActivityKind::Content => form
            .input("body", "field.body", "textarea", true)
            .hint("hint.markdown"),
        ActivityKind::Quiz => form
            .input("questions", "field.questions", "textarea", true)
            .hint("hint.questions")
            .input("pass_mark", "field.pass_mark", "number", false)
            .hint("hint.quiz_pass_mark")
            .input("attempts_limit", "field.attempts_limit", "number", false)
            .hint("hint.attempts_limit")
            .input("feedback", "field.feedback", "checkbox", false),
        ActivityKind::Assignment => form
            .input("instructions", "field.instructions", "textarea", true)
            .hint("hint.markdown")
            .input("max_megabytes", "field.max_megabytes", "number", false)
            .input("allowed_types", "field.allowed_types", "text", false)
            .hint("hint.allowed_types")
            .input("resubmission", "field.resubmission", "checkbox", false),
        ActivityKind::Survey => form
            .input("anonymous", "field.anonymous", "checkbox", false)
            .hint("hint.anonymous")
            .input(
                "survey_questions",
                "field.survey_questions",
                "textarea",
                true,
            )
            .hint("hint.survey_questions"),
        ActivityKind::Event => form
            .input("starts_at", "field.starts_at", "datetime-local", true)
            .input("ends_at", "field.ends_at", "datetime-local", true)
            .input("place", "field.place", "text", false)
            .input("online_link", "field.online_link", "url", false)
            .input("capacity", "field.capacity", "number", false)
            .hint("hint.capacity")
            .input(
                "registration_fields",
                "field.registration_fields",
                "text",
                false,
            )
            .hint("hint.registration_fields"),
        ActivityKind::ExternalRecord => form
            .input("instructions", "field.instructions", "textarea", true)
            .hint("hint.markdown")
            .input("proof_required", "field.proof_required", "checkbox", false),
    }
    .build()
}

#[derive(Deserialize)]
pub struct KindQuery {
    #[serde(default)]
    kind: String,
}

async fn activity_editor_page(
    state: &AppState,
    ctx: &Ctx,
    c: &CourseCtx,
    kind: ActivityKind,
    action: String,
    values: HashMap<String, String>,
    errors: &FieldErrors,
) -> AppResult<ActivityEditorPage> {
    let t = ctx.0.tr;
    let mut db = state.store.conn().await?;
    let modules = courses::modules(&mut db, c.org.id, c.course.id).await?;
    drop(db);
    Ok(ActivityEditorPage {
        l: ctx.layout("activity_editor.title", None),
        t,
        base: c.base(),
        course_title: c.course.settings.title.clone(),
        kind_label: label(t, "activity_kind", kind.as_str()),
        form: activity_form(t, &ctx.0.csrf, action, kind, &modules, values, errors),
    })
}

/// The form for a new activity of `?kind=`.
pub async fn new_activity(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
    Query(query): Query<KindQuery>,
) -> AppResult<Response> {
    let c = editable(&state, &user, &slug, &id).await?;
    let kind = ActivityKind::parse(query.kind.trim()).map_err(|_| AppError::NotFound)?;
    let values = HashMap::from([("required".to_owned(), "on".to_owned())]);
    let action = format!("{}/activities", c.base());
    let page =
        activity_editor_page(&state, &ctx, &c, kind, action, values, &FieldErrors::new()).await?;
    render(&page)
}

pub async fn create_activity(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
    PageForm(input): PageForm<ActivityInput>,
) -> AppResult<Response> {
    let c = editable(&state, &user, &slug, &id).await?;
    match ops::create_activity(&state, &c, &input).await {
        Ok(_) => Ok(to_editor(&c, "created")),
        Err(AppError::Invalid(errors)) => {
            let kind = ActivityKind::parse(input.kind.trim()).map_err(|_| AppError::NotFound)?;
            let action = format!("{}/activities", c.base());
            let page =
                activity_editor_page(&state, &ctx, &c, kind, action, values_of(&input), &errors)
                    .await?;
            render_invalid(&page)
        }
        Err(e) => Err(e),
    }
}

pub async fn activity_editor(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id, aid)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let c = editable(&state, &user, &slug, &id).await?;
    let activity = ops::activity_of(&state, &c, &aid).await?;
    let values = values_of(&activity.draft().to_input(&activity.module_id.to_string()));
    let action = format!("{}/activities/{}/edit", c.base(), activity.id);
    let page = activity_editor_page(
        &state,
        &ctx,
        &c,
        activity.settings.kind(),
        action,
        values,
        &FieldErrors::new(),
    )
    .await?;
    render(&page)
}

pub async fn save_activity(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id, aid)): Path<(String, String, String)>,
    PageForm(input): PageForm<ActivityInput>,
) -> AppResult<Response> {
    let c = editable(&state, &user, &slug, &id).await?;
    let activity = ops::activity_of(&state, &c, &aid).await?;
    match ops::update_activity(&state, &c, activity.id, &input).await {
        Ok(()) => Ok(to_editor(&c, "saved")),
        Err(AppError::Invalid(errors)) => {
            let action = format!("{}/activities/{}/edit", c.base(), activity.id);
            let page = activity_editor_page(
                &state,
                &ctx,
                &c,
                activity.settings.kind(),
                action,
                values_of(&input),
                &errors,
            )
            .await?;
            render_invalid(&page)
        }
        Err(e) => Err(e),
    }
}

// ---- participants ----

struct ParticipantLine {
    name: String,
    email: String,
    via: String,
    source: String,
    status: String,
    done: i32,
    total: i32,
    time: String,
    completed: String,
}

#[derive(Template)]
#[template(path = "teach_participants.html")]
struct ParticipantsPage {
    l: Layout,
    t: Tr,
    base: String,
    course_title: String,
    rows: Vec<ParticipantLine>,
}

/// Who takes the course and how far they are. People of a partner organisation show with
/// that organisation's name: the providing organisation sees their name, e-mail, progress and
/// course activity, nothing else.
pub async fn participants(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let t = ctx.0.tr;
    let c = teachable(&state, &user, &slug, &id).await?;
    let mut db = state.store.conn().await?;
    let list = seam::participants(&mut db, &user.actor, &c.course).await?;
    crate::audit::participants(&state, &user.actor, &c.course, &list).await;
    drop(db);
    render(&ParticipantsPage {
        l: ctx.layout("participants.title", None),
        t,
        base: c.base(),
        course_title: c.course.settings.title.clone(),
        rows: list
            .into_iter()
            .map(|p| ParticipantLine {
                name: p.name,
                email: p.email,
                via: p.via_organisation.unwrap_or_default(),
                source: label(t, "enrollment_source", p.source.as_str()),
                status: label(t, "enrollment_status", p.status.as_str()),
                done: p.required_done,
                total: p.required_total,
                time: duration(t, p.time_spent_seconds),
                completed: p
                    .completed_at
                    .map(|d| d.date().to_string())
                    .unwrap_or_default(),
            })
            .collect(),
    })
}

// ---- grading ----

struct SubmissionLine {
    id: String,
    learner: String,
    activity: String,
    version: i32,
    at: String,
    file_link: String,
    grade: String,
    comment: String,
}

struct RecordLine {
    id: String,
    learner: String,
    email: String,
    activity: String,
    provider: String,
    completed_on: String,
    hours: String,
    proof_link: String,
    status: String,
    pending: bool,
}

#[derive(Template)]
#[template(path = "teach_grading.html")]
struct GradingPage {
    l: Layout,
    t: Tr,
    csrf: String,
    base: String,
    course_title: String,
    submissions: Vec<SubmissionLine>,
    records: Vec<RecordLine>,
    can_decide: bool,
}

/// Submissions waiting for a grade, and records of training done elsewhere waiting for a
/// decision (course admins and organisation admins decide those).
pub async fn grading(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
    done: DoneQuery,
) -> AppResult<Response> {
    let t = ctx.0.tr;
    let c = teachable(&state, &user, &slug, &id).await?;
    let mut db = state.store.conn().await?;
    let queue = seam::grading_queue(&mut db, &user.actor, &c.course).await?;
    crate::audit::submissions(&state, &user.actor, &c.course, &queue).await;
    let records = if c.access.can_edit() {
        let records = seam::external_records(&mut db, &user.actor, &c.course).await?;
        crate::audit::external_records(&state, &user.actor, &c.course, &records).await;
        records
    } else {
        Vec::new()
    };
    drop(db);
    let files = |id: domain::FileId| format!("/org/{}/files/{id}", c.org.slug);
    render(&GradingPage {
        l: ctx.layout("grading.title", done.done.as_deref()),
        t,
        csrf: ctx.0.csrf.clone(),
        base: c.base(),
        course_title: c.course.settings.title.clone(),
        submissions: queue
            .into_iter()
            .map(|s| SubmissionLine {
                id: s.submission.id.to_string(),
                learner: s.learner,
                activity: s.activity_title,
                version: s.submission.version,
                at: s.submission.submitted_at.date().to_string(),
                file_link: files(s.submission.file_id),
                grade: s
                    .submission
                    .grade
                    .map(|g| g.as_str().to_owned())
                    .unwrap_or_default(),
                comment: s.submission.comment.unwrap_or_default(),
            })
            .collect(),
        records: records
            .into_iter()
            .map(|r| RecordLine {
                id: r.record.id.to_string(),
                learner: r.learner,
                email: r.email,
                activity: r.activity_title,
                provider: r.record.provider,
                completed_on: r.record.completed_on.to_string(),
                hours: format!("{:.1}", f64::from(r.record.tenths_of_hours) / 10.0),
                proof_link: r.record.proof_file_id.map(files).unwrap_or_default(),
                status: label(t, "approval", r.record.status.as_str()),
                pending: r.record.status == domain::learning::activity::Approval::Pending,
            })
            .collect(),
        can_decide: c.access.can_edit(),
    })
}

#[derive(Deserialize)]
pub struct GradeForm {
    #[serde(default)]
    grade: String,
    #[serde(default)]
    comment: String,
}

pub async fn grade(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((slug, id, sid)): Path<(String, String, String)>,
    PageForm(form): PageForm<GradeForm>,
) -> AppResult<Response> {
    let c = teachable(&state, &user, &slug, &id).await?;
    let submission = sid.parse().map_err(|_| AppError::NotFound)?;
    ops::grade_submission(&state, &user, &c, submission, &form.grade, &form.comment).await?;
    Ok(Redirect::to(&format!("{}/grading?done=graded", c.base())).into_response())
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    comment: String,
}

pub async fn decide_record(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((slug, id, rid)): Path<(String, String, String)>,
    PageForm(form): PageForm<DecisionForm>,
) -> AppResult<Response> {
    let c = editable(&state, &user, &slug, &id).await?;
    ops::decide_record(&state, &user, &c, &rid, &form.decision, &form.comment).await?;
    Ok(Redirect::to(&format!("{}/grading?done=decided", c.base())).into_response())
}

// ---- events ----

struct RegistrationLine {
    id: String,
    name: String,
    status: String,
    answers: Vec<(String, String)>,
    attended: Option<bool>,
}

#[derive(Template)]
#[template(path = "teach_attendance.html")]
struct AttendancePage {
    l: Layout,
    t: Tr,
    csrf: String,
    base: String,
    action: String,
    course_title: String,
    title: String,
    evaluation_closed: bool,
    rows: Vec<RegistrationLine>,
}

/// An event's registrations and waiting list, with attendance to mark and the evaluation
/// to open or close.
pub async fn attendance(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id, aid)): Path<(String, String, String)>,
    done: DoneQuery,
) -> AppResult<Response> {
    let t = ctx.0.tr;
    let c = teachable(&state, &user, &slug, &id).await?;
    let activity = ops::activity_of(&state, &c, &aid).await?;
    let ActivitySettings::Event(event) = &activity.settings else {
        return Err(AppError::NotFound);
    };
    let mut db = state.store.conn().await?;
    let list = seam::registrations(&mut db, &user.actor, &c.course, activity.id).await?;
    crate::audit::registrations(&state, &user.actor, &c.course, &list).await;
    drop(db);
    render(&AttendancePage {
        l: ctx.layout("attendance.title", done.done.as_deref()),
        t,
        csrf: ctx.0.csrf.clone(),
        base: c.base(),
        action: format!("{}/activities/{}", c.base(), activity.id),
        course_title: c.course.settings.title.clone(),
        title: activity.title.clone(),
        evaluation_closed: event.evaluation_closed_on.is_some(),
        rows: list
            .into_iter()
            .map(|r| RegistrationLine {
                id: r.registration.id.to_string(),
                name: r.name,
                status: label(t, "registration_status", r.registration.status.as_str()),
                answers: r
                    .registration
                    .answers
                    .into_iter()
                    .map(|(f, v)| (label(t, "registration_field", f.as_str()), v))
                    .collect(),
                attended: r.registration.attended,
            })
            .collect(),
    })
}

#[derive(Deserialize)]
pub struct AttendanceForm {
    #[serde(default)]
    attended: String,
}

pub async fn mark_attendance(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((slug, id, aid, rid)): Path<(String, String, String, String)>,
    PageForm(form): PageForm<AttendanceForm>,
) -> AppResult<Response> {
    let c = teachable(&state, &user, &slug, &id).await?;
    let activity = ops::activity_of(&state, &c, &aid).await?;
    ops::mark_attendance(&state, &user, &c, &activity, &rid, form.attended == "yes").await?;
    Ok(Redirect::to(&format!(
        "{}/activities/{}/attendance?done=saved",
        c.base(),
        activity.id
    ))
    .into_response())
}

#[derive(Deserialize)]
pub struct EvaluationForm {
    #[serde(default)]
    evaluation: String,
}

pub async fn set_evaluation(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((slug, id, aid)): Path<(String, String, String)>,
    PageForm(form): PageForm<EvaluationForm>,
) -> AppResult<Response> {
    let c = teachable(&state, &user, &slug, &id).await?;
    let activity = ops::activity_of(&state, &c, &aid).await?;
    ops::set_evaluation(&state, &c, &activity, form.evaluation == "closed").await?;
    Ok(Redirect::to(&format!(
        "{}/activities/{}/attendance?done=saved",
        c.base(),
        activity.id
    ))
    .into_response())
}

// ---- survey results ----

struct ResultLine {
    prompt: String,
    /// (label, count) per scale step or choice.
    counts: Vec<(String, usize)>,
    texts: Vec<String>,
}

#[derive(Template)]
#[template(path = "teach_results.html")]
struct ResultsPage {
    l: Layout,
    t: Tr,
    base: String,
    course_title: String,
    title: String,
    anonymous: bool,
    /// Anonymous results are shown only from five answers.
    hidden: bool,
    answers: usize,
    results: Vec<ResultLine>,
    identified: Vec<(String, Vec<String>)>,
}

fn answer_text(answer: &SurveyAnswer, kind: &SurveyQuestionKind) -> String {
    match (answer, kind) {
        (SurveyAnswer::Scale(n), _) => n.to_string(),
        (SurveyAnswer::Text(s), _) => s.clone(),
        (SurveyAnswer::Choice(i), SurveyQuestionKind::Choice(options)) => {
            options.get(*i).cloned().unwrap_or_default()
        }
        _ => String::new(),
    }
}

/// A survey's results: counts for an anonymous survey (none until five have answered), each
/// person's answers for an identified one.
pub async fn survey_results(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id, aid)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let t = ctx.0.tr;
    let c = teachable(&state, &user, &slug, &id).await?;
    let activity = ops::activity_of(&state, &c, &aid).await?;
    let ActivitySettings::Survey(survey) = &activity.settings else {
        return Err(AppError::NotFound);
    };
    let mut db = state.store.conn().await?;
    let (responses, identified) = if survey.anonymous {
        let all = store::learning::work::survey_responses(&mut db, c.org.id, activity.id).await?;
        (all, Vec::new())
    } else {
        let named =
            seam::identified_responses(&mut db, &user.actor, &c.course, activity.id).await?;
        crate::audit::survey_answers(&state, &mut db, &user.actor, &c.course, activity.id).await?;
        let all = named.iter().map(|(_, a)| a.clone()).collect();
        (all, named)
    };
    drop(db);
    let summary = summarise(survey, &responses);
    let results = summary
        .map(|s| {
            s.into_iter()
                .zip(&survey.questions)
                .map(|(sum, q)| match sum {
                    QuestionSummary::Scale(counts) => ResultLine {
                        prompt: q.prompt.clone(),
                        counts: counts
                            .iter()
                            .enumerate()
                            .map(|(i, n)| ((i + 1).to_string(), *n))
                            .collect(),
                        texts: Vec::new(),
                    },
                    QuestionSummary::Choice(counts) => ResultLine {
                        prompt: q.prompt.clone(),
                        counts: match &q.kind {
                            SurveyQuestionKind::Choice(options) => {
                                options.iter().cloned().zip(counts).collect()
                            }
                            _ => Vec::new(),
                        },
                        texts: Vec::new(),
                    },
                    QuestionSummary::Text(texts) => ResultLine {
                        prompt: q.prompt.clone(),
                        counts: Vec::new(),
                        texts,
                    },
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    render(&ResultsPage {
        l: ctx.layout("results.title", None),
        t,
        base: c.base(),
        course_title: c.course.settings.title.clone(),
        title: activity.title.clone(),
        anonymous: survey.anonymous,
        hidden: survey.anonymous && results.is_empty(),
        answers: responses.len(),
        results,
        identified: identified
            .into_iter()
            .map(|(name, answers)| {
                (
                    name,
                    answers
                        .iter()
                        .zip(&survey.questions)
                        .map(|(a, q)| answer_text(a, &q.kind))
                        .collect(),
                )
            })
            .collect(),
    })
}
