//! Login and logout.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::{Ctx, Layout, PageForm, render, render_invalid};
use crate::auth::{self, PageUser, SESSION_COOKIE};
use crate::error::{AppError, AppResult};
use crate::forms::{FormBuilder, FormView, values_of};
use crate::i18n::Tr;
use crate::{AppState, append_cookie};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    l: Layout,
    t: Tr,
    form: FormView,
    expired: bool,
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
    done: Option<String>,
}

#[derive(Deserialize, Serialize, Default)]
pub struct LoginInput {
    #[serde(default)]
    email: String,
    #[serde(default, skip_serializing)]
    password: String,
    #[serde(default)]
    next: String,
}

fn login_form(
    ctx: &Ctx,
    next: &str,
    input: Option<&LoginInput>,
    errors: &domain::FieldErrors,
) -> FormView {
    FormBuilder::new(ctx.0.tr, "login", "/login", "login.submit", &ctx.0.csrf)
        .values(input.map(values_of).unwrap_or_default())
        .errors(errors)
        .hidden("next", next)
        .input("email", "field.email", "email", true)
        .autocomplete("username")
        .input("password", "field.password", "password", true)
        .autocomplete("current-password")
        .build()
}

pub async fn login_page(ctx: Ctx, Query(q): Query<LoginQuery>) -> AppResult<Response> {
    let next = auth::safe_next(q.next.as_deref());
    if ctx.0.user.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    let page = LoginPage {
        l: ctx.layout("login.title", q.done.as_deref()),
        t: ctx.0.tr,
        form: login_form(&ctx, &next, None, &Default::default()),
        expired: q.expired.is_some(),
    };
    render(&page)
}

pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    PageForm(input): PageForm<LoginInput>,
) -> AppResult<Response> {
    let next = auth::safe_next(Some(&input.next));
    let mut errors = domain::FieldErrors::new();
    if input.email.trim().is_empty() {
        errors.add("email", "required");
    }
    if input.password.is_empty() {
        errors.add("password", "required");
    }
    let person = if errors.is_empty() {
        match auth::verify_login(
            &state.store,
            &input.email,
            input.password.clone(),
            ctx.0.client_ip,
        )
        .await
        {
            Ok(person) => Some(person),
            Err(AppError::LoginFailed) => {
                errors.add("password", "login_failed");
                None
            }
            Err(AppError::TooManyAttempts) => {
                errors.add("password", "too_many_attempts");
                None
            }
            Err(e) => return Err(e),
        }
    } else {
        None
    };
    let Some(person) = person else {
        let page = LoginPage {
            l: ctx.layout("login.title", None),
            t: ctx.0.tr,
            form: login_form(&ctx, &next, Some(&input), &errors),
            expired: false,
        };
        return render_invalid(&page);
    };
    let (session, csrf, _) = auth::start_session(&state, &ctx.0, person).await?;
    let mut response = Redirect::to(&next).into_response();
    append_cookie(response.headers_mut(), &session);
    append_cookie(response.headers_mut(), &csrf);
    Ok(response)
}

pub async fn logout(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> AppResult<Response> {
    let mut db = state.store.conn().await?;
    store::sessions::delete(&mut db, &user.session_hash).await?;
    let mut response = Redirect::to("/login").into_response();
    append_cookie(
        response.headers_mut(),
        &auth::removal(&state, SESSION_COOKIE),
    );
    Ok(response)
}

pub async fn logout_everywhere(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> AppResult<Response> {
    let mut db = state.store.conn().await?;
    store::sessions::delete_for_person(&mut db, user.actor.person_id).await?;
    let mut response = Redirect::to("/login").into_response();
    append_cookie(
        response.headers_mut(),
        &auth::removal(&state, SESSION_COOKIE),
    );
    Ok(response)
}
