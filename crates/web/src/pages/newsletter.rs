//! Newsletter pages: the public subscription form (`/newsletter`, also reached from the
//! profile), the confirmation link's page (a button, so a mail scanner fetching the link
//! confirms nothing), the unsubscribe link's page (works without signing in), unsubscribing
//! from the profile, and the operator's page for sending an issue. The operations are in
//! [`crate::newsletter`].

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::FieldErrors;
use domain::newsletter::SUBJECTS;
use serde::Deserialize;

use super::learning::Pairs;
use super::{Ctx, DoneQuery, Layout, PageForm, render, render_invalid};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::newsletter as ops;

struct SubjectOption {
    key: &'static str,
    label: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "newsletter.html")]
struct NewsletterPage {
    l: Layout,
    t: Tr,
    name: String,
    email: String,
    subjects: Vec<SubjectOption>,
    errors: Vec<(String, String)>,
    name_error: Option<String>,
    email_error: Option<String>,
    subjects_error: Option<String>,
    consent_title: String,
    consent_text: String,
    consent_version: u32,
    /// The signed-in person's subscription status (`pending`, `active`), if any.
    mine: Option<String>,
    /// After subscribing: check your e-mail.
    sent: bool,
}

fn consent() -> AppResult<&'static domain::consent::Version> {
    domain::consent::catalogue()
        .get(domain::consent::purposes::NEWSLETTER)
        .map(|d| d.current())
        .ok_or_else(|| AppError::internal("no newsletter consent text"))
}

async fn newsletter_page(
    state: &AppState,
    ctx: &Ctx,
    done: Option<&str>,
    form: Option<(&str, &str, &[String])>,
    errors: &FieldErrors,
    sent: bool,
) -> AppResult<NewsletterPage> {
    let t = ctx.0.tr;
    let lang = t.lang;
    let (mut name, mut email, chosen) = match form {
        Some((n, e, s)) => (n.to_owned(), e.to_owned(), s.to_vec()),
        None => (String::new(), String::new(), Vec::new()),
    };
    let mut mine = None;
    if let Some(u) = &ctx.0.user {
        if let Some(v) = ops::mine(state, &u.actor).await? {
            mine = Some(v.status);
        }
        if form.is_none() {
            let mut db = state.store.conn().await?;
            let me = store::seam::me(&mut db, &u.actor).await?;
            name = me.full_name().unwrap_or_default();
            email = me.email.clone().unwrap_or_default();
        }
    }
    let text = consent()?;
    let err = |f: &str| errors.error_for(f).map(|e| t.field_error(e));
    Ok(NewsletterPage {
        l: ctx.layout("newsletter.title", done),
        t,
        subjects: SUBJECTS
            .iter()
            .map(|k| SubjectOption {
                key: k,
                label: t.get(&format!("newsletter.subject.{k}")).to_owned(),
                checked: chosen.iter().any(|c| c == k),
            })
            .collect(),
        errors: ["name", "email", "subjects"]
            .iter()
            .filter_map(|f| err(f).map(|m| ((*f).to_owned(), m)))
            .collect(),
        name_error: err("name"),
        email_error: err("email"),
        subjects_error: err("subjects"),
        name,
        email,
        consent_title: text.title.get(lang).to_owned(),
        consent_text: text.text.get(lang).to_owned(),
        consent_version: text.version,
        mine,
        sent,
    })
}

pub async fn page(State(state): State<AppState>, ctx: Ctx, done: DoneQuery) -> AppResult<Response> {
    let sent = done.done.as_deref() == Some("newsletter_pending");
    render(
        &newsletter_page(
            &state,
            &ctx,
            done.done.as_deref(),
            None,
            &FieldErrors::new(),
            sent,
        )
        .await?,
    )
}

pub async fn subscribe(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Pairs,
) -> AppResult<Response> {
    let name = form.get("name").unwrap_or_default();
    let email = form.get("email").unwrap_or_default();
    let subjects: Vec<String> = form.all("subjects").map(str::to_owned).collect();
    match ops::subscribe(
        &state,
        ctx.0.user.as_ref().map(|u| &u.actor),
        &name,
        &email,
        &subjects,
        ctx.0.tr,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/newsletter?done=newsletter_pending").into_response()),
        Err(AppError::Invalid(errors)) => render_invalid(
            &newsletter_page(
                &state,
                &ctx,
                None,
                Some((&name, &email, &subjects)),
                &errors,
                false,
            )
            .await?,
        ),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

#[derive(Template)]
#[template(path = "newsletter_link.html")]
struct LinkPage {
    l: Layout,
    heading: String,
    text: String,
    action: &'static str,
    button: String,
    token: String,
}

/// The confirmation link's page: the text being consented to and one button.
pub async fn confirm_page(ctx: Ctx, Query(q): Query<TokenQuery>) -> AppResult<Response> {
    let t = ctx.0.tr;
    let text = consent()?;
    render(&LinkPage {
        l: ctx.layout("newsletter.confirm_title", None),
        heading: t.get("newsletter.confirm_title").to_owned(),
        text: text.text.get(t.lang).to_owned(),
        action: "/newsletter/confirm",
        button: t.get("newsletter.confirm_button").to_owned(),
        token: q.token.unwrap_or_default(),
    })
}

#[derive(Deserialize)]
pub struct TokenForm {
    token: String,
}

pub async fn confirm(
    State(state): State<AppState>,
    PageForm(form): PageForm<TokenForm>,
) -> AppResult<Response> {
    ops::confirm(&state, &form.token).await?;
    Ok(Redirect::to("/newsletter?done=newsletter_confirmed").into_response())
}

/// The unsubscribe link's page: one button, no sign-in. A forged link is refused here already.
pub async fn unsubscribe_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> AppResult<Response> {
    let token = q.token.unwrap_or_default();
    ops::verify(&state, &token)?;
    let t = ctx.0.tr;
    render(&LinkPage {
        l: ctx.layout("newsletter.unsubscribe_title", None),
        heading: t.get("newsletter.unsubscribe_title").to_owned(),
        text: t.get("newsletter.unsubscribe_text").to_owned(),
        action: "/newsletter/unsubscribe",
        button: t.get("newsletter.unsubscribe_button").to_owned(),
        token,
    })
}

pub async fn unsubscribe(
    State(state): State<AppState>,
    PageForm(form): PageForm<TokenForm>,
) -> AppResult<Response> {
    ops::unsubscribe_by_token(&state, &form.token).await?;
    Ok(Redirect::to("/newsletter?done=newsletter_unsubscribed").into_response())
}

pub async fn unsubscribe_mine(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> AppResult<Response> {
    ops::unsubscribe_mine(&state, &user.actor).await?;
    Ok(Redirect::to("/profile?done=newsletter_unsubscribed").into_response())
}

#[derive(Template)]
#[template(path = "operator_newsletter.html")]
struct OperatorPage {
    l: Layout,
    t: Tr,
    active: i64,
    subject: String,
    body: String,
    errors: Vec<(String, String)>,
    queued: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct IssueForm {
    subject: String,
    body: String,
}

async fn operator(
    state: &AppState,
    ctx: &Ctx,
    user: &crate::auth::CurrentUser,
    form: &IssueForm,
    errors: &FieldErrors,
    queued: Option<usize>,
) -> AppResult<OperatorPage> {
    if !user.actor.operator {
        return Err(AppError::Forbidden("forbidden"));
    }
    let t = ctx.0.tr;
    let mut db = state.store.conn().await?;
    let active = store::newsletter::active_count(&mut db).await?;
    Ok(OperatorPage {
        l: ctx.layout("newsletter.operator_title", None),
        t,
        active,
        subject: form.subject.clone(),
        body: form.body.clone(),
        errors: ["subject", "body"]
            .iter()
            .filter_map(|f| {
                errors
                    .error_for(f)
                    .map(|e| ((*f).to_owned(), t.field_error(e)))
            })
            .collect(),
        queued: queued.map(|n| t.fill("newsletter.queued", &[("count", &n.to_string())])),
    })
}

pub async fn operator_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
) -> AppResult<Response> {
    render(
        &operator(
            &state,
            &ctx,
            &user,
            &IssueForm::default(),
            &FieldErrors::new(),
            None,
        )
        .await?,
    )
}

pub async fn operator_send(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    PageForm(form): PageForm<IssueForm>,
) -> AppResult<Response> {
    if !user.actor.operator {
        return Err(AppError::Forbidden("forbidden"));
    }
    let key = ops::key(&state)?;
    match ops::send_issue(
        &state.store,
        &key,
        &state.config.public_url,
        ctx.0.tr.lang,
        &form.subject,
        &form.body,
    )
    .await
    {
        Ok(n) => render(
            &operator(
                &state,
                &ctx,
                &user,
                &IssueForm::default(),
                &FieldErrors::new(),
                Some(n),
            )
            .await?,
        ),
        Err(AppError::Invalid(errors)) => {
            render_invalid(&operator(&state, &ctx, &user, &form, &errors, None).await?)
        }
        Err(e) => Err(e),
    }
}
