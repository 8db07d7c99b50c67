//! What managers and administrators see: the requirement matrix (people × required courses),
//! certificates about to expire, assigning a course; the organisation's courses, its
//! requirements and the report of who completed what (with a CSV download).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use domain::FieldErrors;
use domain::learning::course::CourseInput;
use domain::learning::requirement::{Audience, RequirementInput};
use domain::{PersonId, UnitId};
use serde::{Deserialize, Serialize};
use store::learning::courses::{self, CatalogueQuery};
use store::organisations::Organisation;
use store::seam::learning as seam;

use super::teaching::course_form;
use super::{Pairs, StatusCell, label};
use crate::AppState;
use crate::auth::{CurrentUser, PageUser};
use crate::error::{AppError, AppResult};
use crate::forms::{FormBuilder, FormView, values_of};
use crate::i18n::Tr;
use crate::learning as learning_ops;
use crate::ops;
use crate::pages::{Ctx, DoneQuery, Layout, PageForm, render, render_invalid};

// ---- requirement matrix ----

#[derive(Deserialize, Default)]
pub struct UnitFilter {
    #[serde(default)]
    unit: String,
}

struct MatrixLine {
    name: String,
    unit: String,
    cells: Vec<Option<StatusCell>>,
}

#[derive(Template)]
#[template(path = "manage_matrix.html")]
struct MatrixPage {
    l: Layout,
    t: Tr,
    org: Organisation,
    units: Vec<(String, String, bool)>,
    requirements: Vec<String>,
    rows: Vec<MatrixLine>,
}

/// People × required courses with each person's status: every member for an administrator,
/// the manager's people (direct and indirect) for a manager; filtered by unit.
pub async fn matrix(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    Query(filter): Query<UnitFilter>,
) -> AppResult<Response> {
    let t = ctx.0.tr;
    let org = ops::org_visible(&state, &user, &slug).await?;
    let unit: Option<UnitId> = match filter.unit.trim() {
        "" => None,
        raw => Some(raw.parse().map_err(|_| AppError::NotFound)?),
    };
    let mut db = state.store.conn().await?;
    let units = store::units::tree(&mut db, org.id).await?;
    let today = store::now().date();
    let found = seam::requirement_matrix(&mut db, &user.actor, org.id, unit, today).await?;
    crate::audit::matrix(&state, &user.actor, org.id, &found).await;
    drop(db);
    render(&MatrixPage {
        l: ctx.layout("matrix.title", None),
        t,
        units: units
            .iter()
            .map(|u| (u.id.to_string(), u.path.clone(), Some(u.id) == unit))
            .collect(),
        requirements: found
            .requirements
            .iter()
            .map(|r| r.course_title.clone())
            .collect(),
        rows: found
            .people
            .into_iter()
            .map(|p| MatrixLine {
                name: p.name,
                unit: p.unit.unwrap_or_default(),
                cells: p
                    .statuses
                    .iter()
                    .map(|s| s.as_ref().map(|s| StatusCell::of(t, s)))
                    .collect(),
            })
            .collect(),
        org,
    })
}

// ---- expiring certificates ----

#[derive(Deserialize, Default)]
pub struct DaysQuery {
    days: Option<i64>,
}

#[derive(Template)]
#[template(path = "manage_expiring.html")]
struct ExpiringPage {
    l: Layout,
    t: Tr,
    org: Organisation,
    days: i64,
    rows: Vec<seam::ExpiringCertificate>,
}

/// Certificates of the manager's people (every member's for an administrator) that expire
/// within `days` (90 unless asked), soonest first.
pub async fn expiring(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    Query(query): Query<DaysQuery>,
) -> AppResult<Response> {
    let org = ops::org_visible(&state, &user, &slug).await?;
    let days = query
        .days
        .unwrap_or(learning_ops::EXPIRING_WITHIN_DAYS)
        .clamp(1, 3650);
    let until = store::now().date() + time::Duration::days(days);
    let mut db = state.store.conn().await?;
    let rows = seam::expiring_certificates(&mut db, &user.actor, org.id, until).await?;
    crate::audit::expiring(&state, &user.actor, org.id, &rows).await;
    drop(db);
    render(&ExpiringPage {
        l: ctx.layout("expiring.title", None),
        t: ctx.0.tr,
        org,
        days,
        rows,
    })
}

// ---- assigning ----

#[derive(Template)]
#[template(path = "manage_assign.html")]
struct AssignPage {
    l: Layout,
    t: Tr,
    csrf: String,
    org: Organisation,
    courses: Vec<(String, String)>,
    people: Vec<(String, String, String)>,
    units: Vec<(String, String)>,
    admin: bool,
    errors: Vec<String>,
}

async fn assign_page_for(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    org: Organisation,
    errors: &FieldErrors,
    done: Option<&str>,
) -> AppResult<AssignPage> {
    let t = ctx.0.tr;
    let mut db = state.store.conn().await?;
    let query = CatalogueQuery {
        offered_to: Some(org.id),
        ..CatalogueQuery::default()
    };
    let found = courses::catalogue(&mut db, &user.actor, &query, 500).await?;
    let people = store::seam::member_summaries(
        &mut db,
        &user.actor,
        &org,
        ops::list_page(None, 1000, None, None),
    )
    .await?;
    // The picker shows each person's unit besides the name.
    let (relation, purpose) = crate::audit::list_relation(&user.actor, org.id);
    crate::audit::read(
        state,
        org.id,
        &user.actor,
        relation,
        people.members.iter().map(|m| m.person_id),
        &["user.name", "user.workplace"],
        purpose,
    )
    .await;
    let admin = user.actor.is_org_admin(org.id);
    let units = if admin {
        store::units::tree(&mut db, org.id).await?
    } else {
        Vec::new()
    };
    drop(db);
    Ok(AssignPage {
        l: ctx.layout("assign.title", done),
        t,
        csrf: ctx.0.csrf.clone(),
        courses: found
            .into_iter()
            .filter(|e| e.course.settings.status == domain::learning::course::CourseStatus::Open)
            .map(|e| {
                (
                    format!("{}/{}", e.owner_slug, e.course.id),
                    format!("{} ({})", e.course.settings.title, e.owner_name),
                )
            })
            .collect(),
        people: people
            .members
            .into_iter()
            .filter(|m| m.person_id != user.actor.person_id || admin)
            .map(|m| {
                (
                    m.person_id.to_string(),
                    format!("{} {}", m.given_name, m.family_name),
                    m.unit_name.unwrap_or_default(),
                )
            })
            .collect(),
        units: units
            .into_iter()
            .map(|u| (u.id.to_string(), u.path))
            .collect(),
        admin,
        errors: errors.0.iter().map(|e| t.field_error(e)).collect(),
        org,
    })
}

pub async fn assign_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    done: DoneQuery,
) -> AppResult<Response> {
    let org = ops::org_visible(&state, &user, &slug).await?;
    let page = assign_page_for(
        &state,
        &ctx,
        &user,
        org,
        &FieldErrors::new(),
        done.done.as_deref(),
    )
    .await?;
    render(&page)
}

/// Enrolls the chosen people (or, for an administrator, everyone in a unit) in a course;
/// nothing is written unless every chosen person is the actor's to assign.
pub async fn assign(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    form: Pairs,
) -> AppResult<Response> {
    let org = ops::org_visible(&state, &user, &slug).await?;
    let result =
        async {
            let chosen = form.get("course").unwrap_or_default();
            let Some((owner, course)) = chosen.split_once('/') else {
                return Err(FieldErrors::single("course", "required").into());
            };
            let course = learning_ops::course_for_assigning(&state, owner, course)
                .await
                .map_err(|e| match e {
                    AppError::Invalid(_) | AppError::NotFound => {
                        AppError::Invalid(FieldErrors::single("course", "invalid_choice"))
                    }
                    other => other,
                })?;
            let unit = form.get("unit").unwrap_or_default();
            if !unit.trim().is_empty() {
                return learning_ops::assign_unit(&state, &user.actor, &org, &course, &unit).await;
            }
            let mut people: Vec<PersonId> = Vec::new();
            for raw in form.all("people") {
                people.push(raw.parse().map_err(|_| {
                    AppError::Invalid(FieldErrors::single("people", "invalid_choice"))
                })?);
            }
            learning_ops::assign(&state, &user.actor, &org, &course, &people).await
        }
        .await;
    match result {
        Ok(n) => Ok(Redirect::to(&format!(
            "/org/{}/team/assign?done=assigned&count={n}",
            org.slug
        ))
        .into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = assign_page_for(&state, &ctx, &user, org, &errors, None).await?;
            render_invalid(&page)
        }
        Err(e) => Err(e),
    }
}

// ---- the organisation's courses ----

struct CourseLine {
    title: String,
    status: String,
    visibility: String,
    view: String,
    edit: String,
}

#[derive(Template)]
#[template(path = "manage_courses.html")]
struct CoursesPage {
    l: Layout,
    t: Tr,
    org: Organisation,
    courses: Vec<CourseLine>,
    form: FormView,
}

async fn courses_page(
    state: &AppState,
    ctx: &Ctx,
    org: Organisation,
    input: Option<&CourseInput>,
    errors: &FieldErrors,
    done: Option<&str>,
) -> AppResult<CoursesPage> {
    let t = ctx.0.tr;
    let mut db = state.store.conn().await?;
    let list = courses::of_organisation(&mut db, org.id).await?;
    drop(db);
    let values = input.map(values_of).unwrap_or_else(|| {
        HashMap::from([
            ("language".to_owned(), "nb".to_owned()),
            ("status".to_owned(), "draft".to_owned()),
        ])
    });
    let form = course_form(
        t,
        &ctx.0.csrf,
        format!("/org/{}/admin/courses", org.slug),
        "courses.create",
        values,
        errors,
    );
    Ok(CoursesPage {
        l: ctx.layout("courses.title", done),
        t,
        courses: list
            .into_iter()
            .map(|c| {
                let view = format!("/org/{}/courses/{}", org.slug, c.id);
                CourseLine {
                    title: c.settings.title,
                    status: label(t, "course_status", c.settings.status.as_str()),
                    visibility: label(t, "visibility", c.settings.visibility.as_str()),
                    edit: format!("{view}/edit"),
                    view,
                }
            })
            .collect(),
        form,
        org,
    })
}

pub async fn courses(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    done: DoneQuery,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    let page = courses_page(
        &state,
        &ctx,
        org,
        None,
        &FieldErrors::new(),
        done.done.as_deref(),
    )
    .await?;
    render(&page)
}

pub async fn create_course(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    PageForm(input): PageForm<CourseInput>,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    match learning_ops::create_course(&state, &user.actor, &org, &input).await {
        Ok(id) => Ok(
            Redirect::to(&format!("/org/{}/courses/{id}/edit?done=created", org.slug))
                .into_response(),
        ),
        Err(AppError::Invalid(errors)) => {
            let page = courses_page(&state, &ctx, org, Some(&input), &errors, None).await?;
            render_invalid(&page)
        }
        Err(e) => Err(e),
    }
}

// ---- requirements ----

struct RequirementLine {
    id: String,
    course: String,
    audience: String,
    due_days: u16,
    renewal: String,
}

#[derive(Template)]
#[template(path = "manage_requirements.html")]
struct RequirementsPage {
    l: Layout,
    t: Tr,
    csrf: String,
    org: Organisation,
    rows: Vec<RequirementLine>,
    form: FormView,
}

#[derive(Deserialize, Serialize, Default)]
struct RequirementValues {
    course_id: String,
    audience: String,
    unit_id: String,
    position: String,
    due_days: String,
    renewal_months: String,
}

async fn requirements_page(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    org: Organisation,
    input: Option<&RequirementInput>,
    errors: &FieldErrors,
    done: Option<&str>,
) -> AppResult<RequirementsPage> {
    let t = ctx.0.tr;
    let mut db = state.store.conn().await?;
    let list = store::learning::requirements::of_organisation(&mut db, org.id).await?;
    let units = store::units::tree(&mut db, org.id).await?;
    let query = CatalogueQuery {
        offered_to: Some(org.id),
        ..CatalogueQuery::default()
    };
    let found = courses::catalogue(&mut db, &user.actor, &query, 500).await?;
    drop(db);
    let unit_names: HashMap<UnitId, &str> = units.iter().map(|u| (u.id, u.path.as_str())).collect();
    let values = match input {
        Some(i) => values_of(&RequirementValues {
            course_id: i.course_id.clone(),
            audience: i.audience.clone(),
            unit_id: i.unit_id.clone(),
            position: i.position.clone(),
            due_days: i.due_days.clone(),
            renewal_months: i.renewal_months.clone(),
        }),
        None => HashMap::from([
            ("audience".to_owned(), "everyone".to_owned()),
            ("due_days".to_owned(), "30".to_owned()),
        ]),
    };
    let form = FormBuilder::new(
        t,
        "requirement",
        format!("/org/{}/admin/requirements", org.slug),
        "requirements.create",
        &ctx.0.csrf,
    )
    .values(values)
    .errors(errors)
    .select(
        "course_id",
        "field.course",
        true,
        found
            .into_iter()
            .map(|e| {
                (
                    e.course.id.to_string(),
                    format!("{} ({})", e.course.settings.title, e.owner_name),
                )
            })
            .collect(),
    )
    .select(
        "audience",
        "field.audience",
        true,
        ["everyone", "unit", "position"]
            .iter()
            .map(|a| ((*a).to_owned(), label(t, "audience", a)))
            .collect(),
    )
    .select(
        "unit_id",
        "field.unit",
        false,
        units
            .iter()
            .map(|u| (u.id.to_string(), u.path.clone()))
            .collect(),
    )
    .hint("hint.requirement_unit")
    .input("position", "field.position", "text", false)
    .hint("hint.requirement_position")
    .input("due_days", "field.due_days", "number", true)
    .hint("hint.due_days")
    .input("renewal_months", "field.renewal_months", "number", false)
    .hint("hint.renewal_months")
    .build();
    Ok(RequirementsPage {
        l: ctx.layout("requirements.title", done),
        t,
        csrf: ctx.0.csrf.clone(),
        rows: list
            .into_iter()
            .map(|r| RequirementLine {
                id: r.id.to_string(),
                course: r.course_title,
                audience: match &r.rule.audience {
                    Audience::Everyone => t.get("audience.everyone").to_owned(),
                    Audience::Unit { unit } => (*unit_names.get(unit).unwrap_or(&"?")).to_owned(),
                    Audience::Position { position } => position.clone(),
                },
                due_days: r.rule.due_days,
                renewal: r
                    .rule
                    .renewal_months
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
            })
            .collect(),
        form,
        org,
    })
}

pub async fn requirements(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    done: DoneQuery,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    let page = requirements_page(
        &state,
        &ctx,
        &user,
        org,
        None,
        &FieldErrors::new(),
        done.done.as_deref(),
    )
    .await?;
    render(&page)
}

pub async fn create_requirement(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    PageForm(input): PageForm<RequirementInput>,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    match learning_ops::create_requirement(&state, &user.actor, &org, &input).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/org/{}/admin/requirements?done=created",
            org.slug
        ))
        .into_response()),
        Err(AppError::Invalid(errors)) => {
            let page =
                requirements_page(&state, &ctx, &user, org, Some(&input), &errors, None).await?;
            render_invalid(&page)
        }
        Err(e) => Err(e),
    }
}

pub async fn delete_requirement(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((slug, rid)): Path<(String, String)>,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    learning_ops::delete_requirement(&state, &user.actor, &org, &rid).await?;
    Ok(Redirect::to(&format!(
        "/org/{}/admin/requirements?done=removed",
        org.slug
    ))
    .into_response())
}

// ---- report ----

#[derive(Template)]
#[template(path = "manage_report.html")]
struct ReportPage {
    l: Layout,
    t: Tr,
    org: Organisation,
    rows: Vec<seam::CompletionRow>,
}

async fn report_rows(
    state: &AppState,
    user: &CurrentUser,
    slug: &str,
) -> AppResult<(Organisation, Vec<seam::CompletionRow>)> {
    let org = ops::org_visible(state, user, slug).await?;
    let mut db = state.store.conn().await?;
    let rows = seam::completion_report(&mut db, &user.actor, org.id).await?;
    crate::audit::completions(state, &user.actor, org.id, &rows).await;
    Ok((org, rows))
}

/// Who completed what: the organisation's administrators and report viewers.
pub async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let (org, rows) = report_rows(&state, &user, &slug).await?;
    render(&ReportPage {
        l: ctx.layout("report.title", None),
        t: ctx.0.tr,
        org,
        rows,
    })
}

pub async fn report_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let (org, rows) = report_rows(&state, &user, &slug).await?;
    let t = ctx.0.tr;
    let header = [
        "report.name",
        "report.email",
        "report.unit",
        "report.course",
        "report.completed",
        "report.expires",
    ]
    .map(|k| t.get(k));
    // With a byte-order mark, as Norwegian spreadsheets expect of UTF-8.
    let body = format!(
        "\u{feff}{}",
        learning_ops::completion_csv(header, ";", &rows)
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}-completions.csv\"", org.slug),
            ),
        ],
        body,
    )
        .into_response())
}
