//! People import from the organisation admin pages: upload, preview (a dry run), then import
//! and a per-row result. The same operation as `tavle import people`.

use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::response::Response;
use domain::import::Action;
use serde::Deserialize;
use store::organisations::Organisation;

use super::{Ctx, Layout, PageForm, render, render_invalid};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::ops::{self, ImportReport};

pub struct ReportRow {
    pub line: usize,
    pub employee_number: String,
    pub name: String,
    pub action: String,
    pub changes: String,
}

pub struct ErrorRow {
    pub line: usize,
    pub column: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    l: Layout,
    t: Tr,
    org: Organisation,
    upload_action: String,
    /// Present after an upload or an import.
    report: Option<ReportView>,
}

pub struct ReportView {
    pub applied: bool,
    pub created: usize,
    pub updated: usize,
    pub ended: usize,
    pub unchanged: usize,
    pub new_units: usize,
    pub rows: Vec<ReportRow>,
    pub errors: Vec<ErrorRow>,
    /// The file again, for the confirm form (only on a preview with something to import).
    pub confirm_content: Option<String>,
    pub skip_invalid: bool,
}

fn view(tr: Tr, report: ImportReport, content: Option<String>) -> ReportView {
    let importable = report.rows.iter().any(|r| r.action != Action::Unchanged);
    ReportView {
        applied: report.applied,
        created: report.count(Action::Create),
        updated: report.count(Action::Update),
        ended: report.count(Action::End),
        unchanged: report.count(Action::Unchanged),
        new_units: report.new_units,
        skip_invalid: !report.errors.is_empty(),
        confirm_content: content.filter(|_| !report.applied && importable),
        errors: report
            .errors
            .iter()
            .map(|e| ErrorRow {
                line: e.line,
                column: e.column.clone(),
                message: tr.error(e.code),
            })
            .collect(),
        rows: report
            .rows
            .into_iter()
            .map(|r| ReportRow {
                line: r.row.line,
                employee_number: r.row.employee_number,
                name: format!("{} {}", r.row.given_name, r.row.family_name),
                action: tr
                    .get(&format!("import.action.{}", r.action.as_str()))
                    .to_owned(),
                changes: r.changes.join(", "),
            })
            .collect(),
    }
}

fn page(
    ctx: &Ctx,
    org: Organisation,
    report: Option<ReportView>,
    done: Option<&str>,
) -> ImportPage {
    ImportPage {
        l: ctx.layout("import.title", done),
        t: ctx.0.tr,
        upload_action: format!("/org/{}/admin/import?csrf_token={}", org.slug, ctx.0.csrf),
        org,
        report,
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    render(&page(&ctx, org, None, None))
}

/// The uploaded file (the `file` field of a multipart form).
async fn uploaded(req: Request, state: &AppState) -> AppResult<Vec<u8>> {
    let mut multipart = Multipart::from_request(req, state)
        .await
        .map_err(|e| AppError::Malformed(e.body_text()))?;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::Malformed(e.body_text()))?
    {
        if field.name() == Some("file") {
            return Ok(field
                .bytes()
                .await
                .map_err(|e| AppError::Malformed(e.body_text()))?
                .to_vec());
        }
    }
    Err(domain::FieldErrors::single("file", "required").into())
}

pub async fn preview(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    req: Request,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    let bytes = uploaded(req, &state).await?;
    let report = ops::import_people(
        &state,
        Some(&user.actor),
        &org,
        &bytes,
        true,
        false,
        &|_| {},
    )
    .await?;
    let content = String::from_utf8(bytes).ok();
    let invalid = !report.errors.is_empty();
    let page = page(&ctx, org, Some(view(ctx.0.tr, report, content)), None);
    if invalid {
        render_invalid(&page)
    } else {
        render(&page)
    }
}

#[derive(Deserialize)]
pub struct ApplyForm {
    content: String,
    #[serde(default)]
    skip_invalid: String,
}

pub async fn apply(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    PageForm(form): PageForm<ApplyForm>,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    let skip = form.skip_invalid == "true";
    let report = ops::import_people(
        &state,
        Some(&user.actor),
        &org,
        form.content.as_bytes(),
        false,
        skip,
        &|_| {},
    )
    .await?;
    let done = report.applied.then_some("imported");
    let applied = report.applied;
    let page = page(&ctx, org, Some(view(ctx.0.tr, report, None)), done);
    if applied {
        render(&page)
    } else {
        render_invalid(&page)
    }
}
