//! Privacy pages: the person's privacy page (the notice of each organisation they belong to),
//! an organisation's notice, the record of processing and the data registry for its DPO and
//! administrators, and the public sub-processor register with the operator's form.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use domain::FieldErrors;
use domain::access::OrgRole;
use domain::registry::notice::{Notice, SubProcessorInput};
use domain::registry::ropa::Ropa;
use domain::registry::{Erasure, registry};
use serde::Deserialize;
use store::sub_processors::Entry;

use super::{Ctx, DoneQuery, Layout, PageForm, render, render_invalid};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, AppResult};
use crate::forms::{FormBuilder, FormView, values_of};
use crate::i18n::Tr;
use crate::privacy;

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage {
    l: Layout,
    t: Tr,
    /// Each notice, the organisation's slug, and whether the person is its DPO or admin.
    notices: Vec<(Notice, String, bool)>,
    platform: bool,
    /// The person's acceptances, with the exact texts (newest first).
    history: Vec<super::policies::HistoryView>,
    /// Their requests to delete their account.
    requests: Vec<super::policies::RequestView>,
}

/// The signed-in person's privacy page.
pub async fn mine(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    done: DoneQuery,
) -> AppResult<Response> {
    let tr = ctx.0.tr;
    let mut db = state.store.conn().await?;
    let orgs = store::seam::my_organisations(&mut db, &user.actor).await?;
    drop(db);
    let mut notices = Vec::new();
    for org in &orgs {
        let n = privacy::notice(&state, &privacy::controller_of(org), tr.lang).await?;
        let dpo = user.actor.has_role(org.id, OrgRole::Dpo) || user.actor.is_org_admin(org.id);
        notices.push((n, org.slug.to_string(), dpo));
    }
    let platform = notices.is_empty();
    if platform {
        let n = privacy::notice(&state, &state.config.operator, tr.lang).await?;
        notices.push((n, String::new(), false));
    }
    let (history, requests) = super::policies::history_views(&state, &user, tr).await?;
    render(&PrivacyPage {
        l: ctx.layout("privacy.title", done.done.as_deref()),
        t: tr,
        notices,
        platform,
        history,
        requests,
    })
}

#[derive(Template)]
#[template(path = "privacy_notice.html")]
struct NoticePage {
    l: Layout,
    t: Tr,
    n: Notice,
}

/// An organisation's privacy notice, for its members, role holders and the operator.
pub async fn organisation_notice(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let org = crate::ops::org_visible(&state, &user, &slug).await?;
    let tr = ctx.0.tr;
    let n = privacy::notice(&state, &privacy::controller_of(&org), tr.lang).await?;
    render(&NoticePage {
        l: ctx.layout("privacy.notice_title", None),
        t: tr,
        n,
    })
}

#[derive(Template)]
#[template(path = "ropa.html")]
struct RopaPage {
    l: Layout,
    t: Tr,
    org_name: String,
    slug: String,
    ropa: Option<Ropa>,
    gaps: Vec<String>,
}

#[derive(Deserialize, Default)]
pub struct FormatQuery {
    format: Option<String>,
}

/// The record of processing (DPO and administrators): a page, or `?format=json|csv`.
pub async fn ropa(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    Query(q): Query<FormatQuery>,
) -> AppResult<Response> {
    let org = privacy::org_for_dpo(&state, &user, &slug).await?;
    let tr = ctx.0.tr;
    let result = privacy::ropa(&state, &org, tr.lang).await?;
    match (q.format.as_deref(), result) {
        (Some("json"), Ok(r)) => Ok((
            [(
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"ropa-{}.json\"", org.slug),
            )],
            axum::Json(r),
        )
            .into_response()),
        (Some("csv"), Ok(r)) => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"ropa-{}.csv\"", org.slug),
                ),
            ],
            privacy::ropa_csv(&r, tr)?,
        )
            .into_response()),
        (Some("json" | "csv"), Err(gaps)) => Err(privacy::gap_errors(&gaps).into()),
        (_, result) => {
            let (ropa, gaps) = match result {
                Ok(r) => (Some(r), Vec::new()),
                Err(gaps) => (None, gaps.iter().map(ToString::to_string).collect()),
            };
            render(&RopaPage {
                l: ctx.layout("ropa.title", None),
                t: tr,
                org_name: org.name.clone(),
                slug: org.slug.to_string(),
                ropa,
                gaps,
            })
        }
    }
}

/// One registry field as the registry page shows it.
struct FieldRow {
    key: String,
    label: String,
    category: String,
    special: bool,
    purposes: Vec<String>,
    visible: Vec<String>,
    retention: String,
    erasure: String,
    export: bool,
}

#[derive(Template)]
#[template(path = "dpo_registry.html")]
struct RegistryPage {
    l: Layout,
    t: Tr,
    org_name: String,
    version: u32,
    hash: String,
    rows: Vec<FieldRow>,
}

/// The data registry as a page (DPO and administrators), with the bases for this
/// organisation's kind.
pub async fn registry_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let org = privacy::org_for_dpo(&state, &user, &slug).await?;
    let tr = ctx.0.tr;
    let lang = tr.lang;
    let r = registry();
    let purpose_name = |key: &str| {
        r.purpose(key)
            .map_or_else(|| key.to_owned(), |p| p.name.get(lang).to_owned())
    };
    let rows = r
        .fields
        .iter()
        .map(|f| {
            let category = domain::registry::Category::find(&f.category);
            FieldRow {
                key: f.key.clone(),
                label: f.label.get(lang).to_owned(),
                category: category.map_or_else(
                    || f.category.clone(),
                    |c| match lang {
                        domain::org::Language::En => c.en.to_owned(),
                        _ => c.nb.to_owned(),
                    },
                ),
                special: category.is_some_and(|c| c.special.is_some()),
                purposes: f
                    .purposes
                    .iter()
                    .filter_map(|k| r.purpose(k))
                    .map(|p| {
                        let b = p.basis_for(org.kind);
                        match &b.law {
                            Some(law) => {
                                format!("{}: {} ({law})", p.name.get(lang), b.basis.article())
                            }
                            None => format!("{}: {}", p.name.get(lang), b.basis.article()),
                        }
                    })
                    .collect(),
                visible: f
                    .visible
                    .iter()
                    .map(|g| {
                        let who = tr.get(&format!("relation.{}", g.to.as_str())).to_owned();
                        let mut line = format!("{who} – {}", purpose_name(&g.purpose));
                        if let Some(c) = g.when {
                            let setting = serde_json::to_value(c)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_owned))
                                .unwrap_or_default();
                            line.push_str(" (");
                            line.push_str(&tr.fill("dpo_registry.when", &[("setting", &setting)]));
                            line.push(')');
                        }
                        line
                    })
                    .collect(),
                retention: r.retention_rule(&f.retention).map_or_else(
                    || f.retention.clone(),
                    |x| x.description.get(lang).to_owned(),
                ),
                erasure: match &f.erasure {
                    Erasure::Delete => tr.get("dpo_registry.erasure_delete").to_owned(),
                    Erasure::Anonymise => tr.get("dpo_registry.erasure_anonymise").to_owned(),
                    Erasure::Hold(h) => {
                        let name = r
                            .legal_hold(h)
                            .map_or_else(|| h.clone(), |x| x.name.get(lang).to_owned());
                        tr.fill("dpo_registry.erasure_hold", &[("hold", &name)])
                    }
                },
                export: f.export,
            }
        })
        .collect();
    render(&RegistryPage {
        l: ctx.layout("dpo_registry.title", None),
        t: tr,
        org_name: org.name.clone(),
        version: r.version,
        hash: r.content_hash(),
        rows,
    })
}

#[derive(Template)]
#[template(path = "sub_processors.html")]
struct SubProcessorsPage {
    l: Layout,
    t: Tr,
    sections: Vec<(&'static str, Vec<Entry>)>,
    operator: bool,
    add: Option<FormView>,
}

async fn sub_processors_page(
    state: &AppState,
    ctx: &Ctx,
    failed: Option<(&SubProcessorInput, &FieldErrors)>,
    done: Option<&str>,
) -> AppResult<SubProcessorsPage> {
    let tr = ctx.0.tr;
    let operator = ctx.0.user.as_ref().is_some_and(|u| u.actor.operator);
    let mut db = state.store.conn().await?;
    let today = store::now().date();
    let (mut upcoming, mut current, mut past) = (Vec::new(), Vec::new(), Vec::new());
    for e in store::sub_processors::all(&mut db).await? {
        if e.entry.added_on > today {
            upcoming.push(e);
        } else if e.entry.is_current(today) {
            current.push(e);
        } else {
            past.push(e);
        }
    }
    let add = operator.then(|| {
        let none = FieldErrors::new();
        let (values, errors) = match failed {
            Some((input, errors)) => (values_of(input), errors),
            None => (
                HashMap::from([("added_on".to_owned(), today.to_string())]),
                &none,
            ),
        };
        FormBuilder::new(
            tr,
            "new-sub-processor",
            "/operator/sub-processors",
            "sub_processors.add",
            &ctx.0.csrf,
        )
        .values(values)
        .errors(errors)
        .input("name", "field.sp_name", "text", true)
        .input("service", "field.sp_service", "text", true)
        .input("country", "field.sp_country", "text", true)
        .hint("hint.sp_country")
        .input("outside_eea", "field.sp_outside_eea", "checkbox", false)
        .input("safeguards", "field.sp_safeguards", "textarea", false)
        .hint("hint.sp_safeguards")
        .input("added_on", "field.sp_added_on", "date", true)
        .build()
    });
    Ok(SubProcessorsPage {
        l: ctx.layout("sub_processors.title", done),
        t: tr,
        sections: vec![
            ("sub_processors.upcoming", upcoming),
            ("sub_processors.current", current),
            ("sub_processors.past", past),
        ],
        operator,
        add,
    })
}

/// The sub-processor register, for everyone (signed in or not).
pub async fn sub_processors(
    State(state): State<AppState>,
    ctx: Ctx,
    done: DoneQuery,
) -> AppResult<Response> {
    render(&sub_processors_page(&state, &ctx, None, done.done.as_deref()).await?)
}

/// The operator's view of the register, with the form to add one.
pub async fn operator_sub_processors(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    done: DoneQuery,
) -> AppResult<Response> {
    if !user.actor.operator {
        return Err(AppError::Forbidden("forbidden"));
    }
    render(&sub_processors_page(&state, &ctx, None, done.done.as_deref()).await?)
}

pub async fn add_sub_processor(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    PageForm(input): PageForm<SubProcessorInput>,
) -> AppResult<Response> {
    match privacy::add_sub_processor(&state, &user, &input).await {
        Ok(_) => {
            Ok(Redirect::to("/operator/sub-processors?done=sub_processor_added").into_response())
        }
        Err(AppError::Invalid(errors)) => {
            render_invalid(&sub_processors_page(&state, &ctx, Some((&input, &errors)), None).await?)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
pub struct EndForm {
    #[serde(default)]
    ended_on: String,
}

pub async fn end_sub_processor(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    PageForm(input): PageForm<EndForm>,
) -> AppResult<Response> {
    privacy::end_sub_processor(&state, &user, &id, &input.ended_on).await?;
    Ok(Redirect::to("/operator/sub-processors?done=sub_processor_ended").into_response())
}
