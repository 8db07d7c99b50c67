//! Forgotten passwords and single-use links (invitations and resets).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::FieldErrors;
use serde::{Deserialize, Serialize};

use super::{Ctx, Layout, PageForm, render, render_invalid};
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::forms::{FormBuilder, FormView, values_of};
use crate::i18n::Tr;
use crate::ops;

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    l: Layout,
    t: Tr,
    heading: String,
    intro: String,
    form: Option<FormView>,
}

#[derive(Deserialize, Serialize, Default)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

fn forgot_form(ctx: &Ctx, input: Option<&ForgotForm>, errors: &FieldErrors) -> FormView {
    FormBuilder::new(
        ctx.0.tr,
        "forgot",
        "/password/forgot",
        "password.send_link",
        &ctx.0.csrf,
    )
    .values(input.map(values_of).unwrap_or_default())
    .errors(errors)
    .input("email", "field.email", "email", true)
    .autocomplete("email")
    .build()
}

fn page(
    ctx: &Ctx,
    title: &str,
    intro: &str,
    done: Option<&str>,
    form: Option<FormView>,
) -> PasswordPage {
    let t = ctx.0.tr;
    PasswordPage {
        l: ctx.layout(title, done),
        t,
        heading: t.get(title).to_owned(),
        intro: t.get(intro).to_owned(),
        form,
    }
}

pub async fn forgot_page(ctx: Ctx, done: super::DoneQuery) -> AppResult<Response> {
    let form = forgot_form(&ctx, None, &FieldErrors::new());
    render(&page(
        &ctx,
        "password.forgot_title",
        "password.forgot_intro",
        done.done.as_deref(),
        Some(form),
    ))
}

pub async fn forgot(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(input): PageForm<ForgotForm>,
) -> AppResult<Response> {
    match ops::request_password_reset(&state, &input.email, ctx.0.tr).await {
        Ok(()) => Ok(Redirect::to("/password/forgot?done=link_sent").into_response()),
        Err(AppError::Invalid(errors)) => {
            let form = forgot_form(&ctx, Some(&input), &errors);
            render_invalid(&page(
                &ctx,
                "password.forgot_title",
                "password.forgot_intro",
                None,
                Some(form),
            ))
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
pub struct LinkQuery {
    #[serde(default)]
    token: String,
}

#[derive(Deserialize, Default)]
pub struct SetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_repeat: String,
}

fn set_form(ctx: &Ctx, token: &str, errors: &FieldErrors) -> FormView {
    FormBuilder::new(
        ctx.0.tr,
        "set-password",
        "/password/set",
        "password.save",
        &ctx.0.csrf,
    )
    .errors(errors)
    .hidden("token", token)
    .input("password", "field.new_password", "password", true)
    .autocomplete("new-password")
    .hint("hint.password")
    .input("password_repeat", "field.password_repeat", "password", true)
    .autocomplete("new-password")
    .build()
}

fn invalid_link(ctx: &Ctx) -> AppResult<Response> {
    let mut response = render(&page(
        ctx,
        "password.set_title",
        "password.link_invalid",
        None,
        None,
    ))?;
    *response.status_mut() = axum::http::StatusCode::NOT_FOUND;
    Ok(response)
}

pub async fn set_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<LinkQuery>,
) -> AppResult<Response> {
    if !ops::link_is_valid(&state, &q.token).await? {
        return invalid_link(&ctx);
    }
    let form = set_form(&ctx, &q.token, &FieldErrors::new());
    render(&page(
        &ctx,
        "password.set_title",
        "password.set_intro",
        None,
        Some(form),
    ))
}

pub async fn set(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(input): PageForm<SetForm>,
) -> AppResult<Response> {
    match ops::set_password_with_link(
        &state,
        &input.token,
        &input.password,
        &input.password_repeat,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/login?done=password_set").into_response()),
        Err(AppError::Invalid(errors)) if errors.for_field("token").is_some() => invalid_link(&ctx),
        Err(AppError::Invalid(errors)) => {
            let form = set_form(&ctx, &input.token, &errors);
            render_invalid(&page(
                &ctx,
                "password.set_title",
                "password.set_intro",
                None,
                Some(form),
            ))
        }
        Err(e) => Err(e),
    }
}
