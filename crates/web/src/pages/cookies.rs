//! The cookie page (`/privacy/cookies`): every cookie Tavle sets with its name, purpose and
//! duration, and the one optional choice (usage statistics), which the banner on every page
//! asks until it is answered. No JavaScript: the banner and this page are one `<form>` each.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::consent::Channel;
use serde::Deserialize;

use super::{Ctx, DoneQuery, Layout, PageForm, render};
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::{AppState, append_cookie, auth};

/// The cookie page's address (the banner's form posts here).
pub const PATH: &str = "/privacy/cookies";

struct Row {
    name: &'static str,
    purpose: String,
    duration: String,
    necessary: bool,
}

#[derive(Template)]
#[template(path = "privacy_cookies.html")]
struct CookiesPage {
    l: Layout,
    t: Tr,
    rows: Vec<Row>,
    /// The answer given: `None` unanswered.
    analytics: Option<bool>,
}

pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    done: DoneQuery,
) -> AppResult<Response> {
    let t = ctx.0.tr;
    let choice = match &ctx.0.user {
        Some(u) => crate::cookies::person_choice(&state, &u.actor).await?,
        None => crate::cookies::visitor_choice(&headers),
    };
    let rows = domain::cookies::ALL
        .iter()
        .map(|c| Row {
            name: c.name,
            purpose: t.get(&c.purpose_key()).to_owned(),
            duration: t.get(&c.duration_key()).to_owned(),
            necessary: c.strictly_necessary,
        })
        .collect();
    render(&CookiesPage {
        l: ctx.layout("cookies.title", done.done.as_deref()),
        t,
        rows,
        analytics: choice.map(|c| c.analytics),
    })
}

#[derive(Deserialize)]
pub struct ChoiceForm {
    choice: String,
    next: Option<String>,
}

/// The banner's and the page's answer: `accept` or `reject` usage statistics.
pub async fn choose(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(form): PageForm<ChoiceForm>,
) -> AppResult<Response> {
    let analytics = match form.choice.as_str() {
        "accept" => true,
        "reject" => false,
        _ => {
            return Err(AppError::Invalid(domain::FieldErrors::single(
                "choice",
                "invalid_choice",
            )));
        }
    };
    let cookie = crate::cookies::record(
        &state,
        ctx.0.user.as_ref().map(|u| &u.actor),
        analytics,
        ctx.0.tr.lang,
        Channel::Page,
    )
    .await?;
    let next = auth::safe_next(form.next.as_deref());
    let sep = if next.contains('?') { '&' } else { '?' };
    let mut response = Redirect::to(&format!("{next}{sep}done=cookies_saved")).into_response();
    if let Some(c) = cookie {
        append_cookie(response.headers_mut(), &c);
    }
    Ok(response)
}
