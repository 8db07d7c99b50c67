//! The person's "who has seen my data" page, and the organisation's audit log for its DPO.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use domain::FieldErrors;

use super::{Ctx, Layout, render, render_invalid};
use crate::AppState;
use crate::audit::{FIELD_KEYS, SearchQuery};
use crate::auth::PageUser;
use crate::error::{AppError, AppResult};
use crate::forms::{FormBuilder, FormView, coded_options};
use crate::i18n::{Tr, push_date};

/// One row of either table, translated.
pub struct AccessRow {
    pub at: String,
    pub action: String,
    pub who: String,
    pub relation: String,
    pub organisation: String,
    pub subjects: String,
    pub fields: String,
    pub purpose: String,
}

fn when(at: time::OffsetDateTime) -> String {
    let mut out = String::new();
    push_date(&mut out, at.date());
    out.push_str(&format!(" {:02}:{:02}", at.hour(), at.minute()));
    out
}

fn fields(t: Tr, keys: &[String]) -> String {
    keys.iter()
        .map(|k| {
            if FIELD_KEYS.contains(&k.as_str()) {
                t.get(&format!("audit_field.{}", k.replace('.', "_")))
                    .to_owned()
            } else {
                k.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn relation(t: Tr, key: &str) -> String {
    t.get(&format!("audit_relation.{key}")).to_owned()
}

fn purpose(t: Tr, key: &str) -> String {
    t.get(&format!("purpose.{key}")).to_owned()
}

#[derive(Template)]
#[template(path = "privacy_access_log.html")]
struct AccessLogPage {
    l: Layout,
    t: Tr,
    rows: Vec<AccessRow>,
}

/// Who has seen or changed my data: which roles of which organisations, when, why.
pub async fn access_log(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
) -> AppResult<Response> {
    let t = ctx.0.tr;
    let mut db = state.store.conn().await?;
    let seen = store::audit::seen_by_others(&mut db, user.actor.person_id, 200, 0).await?;
    drop(db);
    let rows = seen
        .into_iter()
        .map(|s| AccessRow {
            at: when(s.at),
            action: t
                .get(&format!("audit.action_{}", s.action.as_str()))
                .to_owned(),
            who: String::new(),
            relation: relation(t, &s.relation),
            organisation: s
                .organisation
                .unwrap_or_else(|| t.get("audit.platform").to_owned()),
            subjects: String::new(),
            fields: fields(t, &s.fields),
            purpose: purpose(t, &s.purpose),
        })
        .collect();
    render(&AccessLogPage {
        l: ctx.layout("audit.my_title", None),
        t,
        rows,
    })
}

#[derive(Template)]
#[template(path = "dpo_audit.html")]
struct DpoPage {
    l: Layout,
    t: Tr,
    org_name: String,
    form: FormView,
    searched: bool,
    rows: Vec<AccessRow>,
}

fn search_form(ctx: &Ctx, slug: &str, query: &SearchQuery, errors: &FieldErrors) -> FormView {
    let t = ctx.0.tr;
    let values = HashMap::from([
        ("person".to_owned(), query.person.clone()),
        ("actor".to_owned(), query.actor.clone()),
        ("from".to_owned(), query.from.clone()),
        ("to".to_owned(), query.to.clone()),
        ("purpose".to_owned(), query.purpose.clone()),
    ]);
    FormBuilder::new(
        t,
        "audit-search",
        format!("/org/{slug}/dpo/audit"),
        "audit.search",
        &ctx.0.csrf,
    )
    .searching()
    .values(values)
    .errors(errors)
    .input("person", "audit.person", "email", false)
    .input("actor", "audit.actor", "email", false)
    .input("from", "audit.from", "date", false)
    .input("to", "audit.to", "date", false)
    .select(
        "purpose",
        "audit.purpose",
        false,
        coded_options(t, "purpose", store::audit::purposes::ALL.iter().copied()),
    )
    .build()
}

/// The organisation's audit log, searched by its data protection officer (others: 404).
pub async fn dpo_audit(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    Query(query): Query<SearchQuery>,
) -> AppResult<Response> {
    let t = ctx.0.tr;
    let searched = !(query.person.is_empty()
        && query.actor.is_empty()
        && query.from.is_empty()
        && query.to.is_empty()
        && query.purpose.is_empty());
    match crate::audit::search_log(&state, &user, &slug, &query).await {
        Ok((org, entries)) => {
            let name = |n: &store::audit::Named| {
                n.name
                    .clone()
                    .unwrap_or_else(|| t.get("audit.erased").to_owned())
            };
            let rows = entries
                .iter()
                .map(|e| AccessRow {
                    at: when(e.at),
                    action: t
                        .get(&format!("audit.action_{}", e.action.as_str()))
                        .to_owned(),
                    who: name(&e.actor),
                    relation: relation(t, &e.relation),
                    organisation: org.name.clone(),
                    subjects: e.subjects.iter().map(name).collect::<Vec<_>>().join(", "),
                    fields: fields(t, &e.fields),
                    purpose: purpose(t, &e.purpose),
                })
                .collect();
            render(&DpoPage {
                l: ctx.layout("audit.dpo_title", None),
                t,
                form: search_form(&ctx, &slug, &query, &FieldErrors::new()),
                org_name: org.name,
                searched,
                rows,
            })
        }
        Err(AppError::Invalid(errors)) => {
            // Only the DPO gets this far (`search_log` checks before it validates).
            let org = crate::ops::org_visible(&state, &user, &slug).await?;
            render_invalid(&DpoPage {
                l: ctx.layout("audit.dpo_title", None),
                t,
                form: search_form(&ctx, &slug, &query, &errors),
                org_name: org.name,
                searched: false,
                rows: Vec::new(),
            })
        }
        Err(e) => Err(e),
    }
}
