//! The newsletter in the JSON API: subscribing (double opt-in: `202`, the same answer whether
//! or not the address is already subscribed; the confirmation e-mail is queued), confirming by
//! the mailed token, unsubscribing by the signed token without signing in, and the signed-in
//! person's own subscription (`me/newsletter`, `DELETE` unsubscribes). The same operations as
//! the pages (`crate::newsletter`).
//!
//! The three public `POST`s take JSON only and need no session, so they are CSRF-exempt like
//! `POST /session` (a cross-site form cannot send JSON); a forged token changes nothing.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, Problem};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::AppResult;
use crate::newsletter as ops;
use crate::pages::Ctx;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(subscribe))
        .routes(routes!(confirm))
        .routes(routes!(unsubscribe))
        .routes(routes!(my_newsletter, unsubscribe_mine))
}

#[derive(Deserialize, ToSchema)]
pub struct SubscribeRequest {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    /// Any of `new_courses`, `events`, `product_news`, …
    #[serde(default)]
    subjects: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct TokenRequest {
    #[serde(default)]
    token: String,
}

#[derive(Serialize, ToSchema)]
pub struct Done {
    /// `pending`, `confirmed` or `unsubscribed`.
    status: String,
}

fn done(status: &str) -> Json<Done> {
    Json(Done {
        status: status.into(),
    })
}

/// Subscribe to the newsletter (public; a signed-in caller's subscription is tied to them).
/// The subscription stays pending until the link in the confirmation e-mail is used; nothing
/// is sent to the address before. An address already subscribed gets the same answer and no
/// e-mail. Invalid input is `422` with every field error at once.
#[utoipa::path(post, path = "/newsletter/subscriptions", tag = "newsletter", request_body = SubscribeRequest,
    responses((status = 202, body = Done), (status = 422, body = Problem)))]
async fn subscribe(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<SubscribeRequest>,
) -> AppResult<(StatusCode, Json<Done>)> {
    let actor = ctx.0.user.as_ref().map(|u| &u.actor);
    ops::subscribe(
        &state,
        actor,
        &body.name,
        &body.email,
        &body.subjects,
        ctx.0.tr,
    )
    .await?;
    Ok((StatusCode::ACCEPTED, done("pending")))
}

/// Confirm a subscription with the token from the confirmation e-mail (public). An unknown,
/// used or expired token is `403 invalid_confirmation_link`.
#[utoipa::path(post, path = "/newsletter/confirmations", tag = "newsletter", request_body = TokenRequest,
    responses((status = 200, body = Done), (status = 403, body = Problem)))]
async fn confirm(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<TokenRequest>,
) -> AppResult<Json<Done>> {
    ops::confirm(&state, &body.token).await?;
    Ok(done("confirmed"))
}

/// Unsubscribe with the signed token from a newsletter's unsubscribe link (public, no sign-in):
/// the subscription and everything queued for it are deleted at once. A forged or altered
/// token is `403 invalid_unsubscribe_link` and changes nothing; a valid one used again answers
/// the same as the first time.
#[utoipa::path(post, path = "/newsletter/unsubscriptions", tag = "newsletter", request_body = TokenRequest,
    responses((status = 200, body = Done), (status = 403, body = Problem)))]
async fn unsubscribe(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<TokenRequest>,
) -> AppResult<Json<Done>> {
    ops::unsubscribe_by_token(&state, &body.token).await?;
    Ok(done("unsubscribed"))
}

#[derive(Serialize, ToSchema)]
pub struct SubscriptionDto {
    id: String,
    name: String,
    email: String,
    subjects: Vec<String>,
    /// `pending` or `active`.
    status: String,
    #[serde(with = "time::serde::rfc3339::option")]
    confirmed_at: Option<OffsetDateTime>,
    /// The version of the `newsletter` consent text confirmed to.
    text_version: Option<i32>,
}

/// The caller's own newsletter subscription, or `null`.
#[utoipa::path(get, path = "/me/newsletter", tag = "newsletter",
    responses((status = 200, body = Option<SubscriptionDto>), (status = 401, body = Problem)))]
async fn my_newsletter(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Option<SubscriptionDto>>> {
    Ok(Json(ops::mine(&state, &user.actor).await?.map(|v| {
        SubscriptionDto {
            id: v.id.to_string(),
            subjects: v.subjects().into_iter().map(str::to_owned).collect(),
            name: v.name,
            email: v.email,
            status: v.status,
            confirmed_at: v.confirmed_at,
            text_version: v.text_version,
        }
    })))
}

/// Unsubscribe the caller's own subscription (none is not an error): it and everything
/// queued for it are deleted at once.
#[utoipa::path(delete, path = "/me/newsletter", tag = "newsletter",
    responses((status = 204), (status = 401, body = Problem)))]
async fn unsubscribe_mine(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<StatusCode> {
    ops::unsubscribe_mine(&state, &user.actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
