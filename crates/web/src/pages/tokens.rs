//! API tokens: a person's own (on their profile) and an organisation's service accounts
//! (on its admin pages). A new token's secret is shown once, on the page that created it.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::FieldErrors;
use domain::machine::Scope;
use serde::{Deserialize, Serialize};
use store::api_tokens::{Owner, Revoker, Token};

use super::{Ctx, DoneQuery, Layout, PageForm, render, render_invalid};
use crate::AppState;
use crate::auth::{CurrentUser, PageUser};
use crate::error::{AppError, AppResult};
use crate::forms::{FormBuilder, FormView, values_of};
use crate::i18n::Tr;
use crate::ops;

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub scopes: String,
    pub created: String,
    pub expires: String,
    pub last_used: String,
    pub status: String,
    pub live: bool,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    l: Layout,
    t: Tr,
    heading: String,
    /// Where revoke buttons post: `{base}/{id}/revoke`.
    base: String,
    back: Option<(String, String)>,
    tokens: Vec<TokenRow>,
    new_token: Option<String>,
    form: FormView,
}

#[derive(Deserialize, Serialize, Default)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    account: String,
    #[serde(default)]
    scopes: String,
    #[serde(default)]
    days: String,
}

fn rows(tr: Tr, tokens: Vec<Token>) -> Vec<TokenRow> {
    let now = store::now();
    tokens
        .into_iter()
        .map(|t| {
            let (status, live) = if t.revoked_at.is_some() {
                ("token.revoked", false)
            } else if t.expires_at <= now {
                ("token.expired", false)
            } else {
                ("token.active", true)
            };
            TokenRow {
                id: t.id.to_string(),
                name: t.name,
                scopes: t.scopes,
                created: t.created_at.date().to_string(),
                expires: t.expires_at.date().to_string(),
                last_used: t
                    .last_used_at
                    .map(|d| d.date().to_string())
                    .unwrap_or_else(|| "–".into()),
                status: tr.get(status).to_owned(),
                live,
            }
        })
        .collect()
}

fn scope_hint(tr: Tr) -> String {
    let all: Vec<_> = Scope::all().into_iter().map(Scope::as_string).collect();
    tr.fill("hint.scopes", &[("scopes", &all.join(", "))])
}

fn token_form(
    ctx: &Ctx,
    action: String,
    service: bool,
    input: Option<&TokenForm>,
    errors: &FieldErrors,
) -> FormView {
    let tr = ctx.0.tr;
    let mut values = input.map(values_of).unwrap_or_default();
    values.entry("days".into()).or_insert_with(|| "90".into());
    let mut form = FormBuilder::new(tr, "token", action, "token.create", &ctx.0.csrf)
        .values(values)
        .errors(errors);
    form = if service {
        form.input("account", "field.service_account", "text", true)
            .hint("hint.service_account")
    } else {
        form.input("name", "field.token_name", "text", true)
    };
    form.input("scopes", "field.scopes", "text", true)
        .hint_text(scope_hint(tr))
        .input("days", "field.days", "number", true)
        .build()
}

struct Place {
    owner_tokens: Vec<Token>,
    heading: String,
    base: String,
    back: Option<(String, String)>,
    service: bool,
}

async fn personal(state: &AppState, ctx: &Ctx, user: &CurrentUser) -> AppResult<Place> {
    let mut db = state.store.conn().await?;
    Ok(Place {
        owner_tokens: store::api_tokens::of_owner(&mut db, Owner::Person(user.actor.person_id))
            .await?,
        heading: ctx.0.tr.get("token.personal_title").to_owned(),
        base: "/profile/tokens".into(),
        back: Some(("/profile".into(), ctx.0.tr.get("profile.title").to_owned())),
        service: false,
    })
}

async fn organisational(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    slug: &str,
) -> AppResult<(Place, store::organisations::Organisation)> {
    let org = ops::org_for_admin(state, user, slug).await?;
    let mut db = state.store.conn().await?;
    let place = Place {
        owner_tokens: store::api_tokens::of_organisation(&mut db, org.id).await?,
        heading: format!("{}: {}", org.name, ctx.0.tr.get("token.service_title")),
        base: format!("/org/{}/admin/integrations", org.slug),
        back: Some((
            format!("/org/{}/admin", org.slug),
            ctx.0.tr.get("admin.settings").to_owned(),
        )),
        service: true,
    };
    Ok((place, org))
}

fn page(
    ctx: &Ctx,
    place: Place,
    done: Option<&str>,
    new_token: Option<String>,
    input: Option<&TokenForm>,
    errors: &FieldErrors,
) -> TokensPage {
    let tr = ctx.0.tr;
    TokensPage {
        l: ctx.layout("token.title", done),
        t: tr,
        form: token_form(ctx, place.base.clone(), place.service, input, errors),
        heading: place.heading,
        base: place.base,
        back: place.back,
        tokens: rows(tr, place.owner_tokens),
        new_token,
    }
}

pub async fn personal_tokens(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    done: DoneQuery,
) -> AppResult<Response> {
    let place = personal(&state, &ctx, &user).await?;
    render(&page(
        &ctx,
        place,
        done.done.as_deref(),
        None,
        None,
        &FieldErrors::new(),
    ))
}

pub async fn create_personal(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    PageForm(input): PageForm<TokenForm>,
) -> AppResult<Response> {
    let result = ops::issue_token(
        &state,
        ops::TokenHolder::Person(user.actor.person_id),
        &input.name,
        &input.scopes,
        &input.days,
    )
    .await;
    show_result(&ctx, personal(&state, &ctx, &user).await, result, &input)
}

fn show_result(
    ctx: &Ctx,
    place: AppResult<Place>,
    result: AppResult<String>,
    input: &TokenForm,
) -> AppResult<Response> {
    match result {
        Ok(token) => render(&page(
            ctx,
            place?,
            Some("token_created"),
            Some(token),
            None,
            &FieldErrors::new(),
        )),
        Err(AppError::Invalid(errors)) => {
            render_invalid(&page(ctx, place?, None, None, Some(input), &errors))
        }
        Err(e) => Err(e),
    }
}

pub async fn revoke_personal(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    let mut db = state.store.conn().await?;
    store::api_tokens::revoke(&mut db, Revoker::Person(user.actor.person_id), id).await?;
    Ok(Redirect::to("/profile/tokens?done=token_revoked").into_response())
}

pub async fn service_tokens(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    done: DoneQuery,
) -> AppResult<Response> {
    let (place, _) = organisational(&state, &ctx, &user, &slug).await?;
    render(&page(
        &ctx,
        place,
        done.done.as_deref(),
        None,
        None,
        &FieldErrors::new(),
    ))
}

pub async fn create_service(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
    PageForm(input): PageForm<TokenForm>,
) -> AppResult<Response> {
    let (_, org) = organisational(&state, &ctx, &user, &slug).await?;
    let result = ops::issue_service_token(
        &state,
        &user.actor,
        &org,
        &input.account,
        &input.scopes,
        &input.days,
    )
    .await;
    let place = organisational(&state, &ctx, &user, &slug)
        .await
        .map(|(p, _)| p);
    show_result(&ctx, place, result, &input)
}

pub async fn revoke_service(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let org = ops::org_for_admin(&state, &user, &slug).await?;
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    let mut db = state.store.conn().await?;
    store::api_tokens::revoke(&mut db, Revoker::Organisation(org.id), id).await?;
    Ok(Redirect::to(&format!(
        "/org/{}/admin/integrations?done=token_revoked",
        org.slug
    ))
    .into_response())
}
