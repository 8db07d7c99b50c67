//! The access audit log in the API: "who has seen my data" for everyone, the organisation's
//! log for its data protection officer.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::AppState;
use crate::audit::SearchQuery;
use crate::auth::ApiUser;
use crate::error::AppResult;

/// One time someone else saw or changed the caller's data. Other people named in the same
/// entry are never shown.
#[derive(Serialize, ToSchema)]
pub struct AccessDto {
    #[serde(with = "time::serde::rfc3339")]
    at: OffsetDateTime,
    /// `read` or `change`.
    action: String,
    /// How the one who acted relates to the caller (`org_admin`, `direct_manager`, `teacher`, …).
    relation: String,
    /// The organisation whose record it is; absent for the platform.
    organisation: Option<String>,
    /// Field or category keys.
    fields: Vec<String>,
    purpose: String,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct LogPage {
    /// Page number, from 1.
    page: Option<i64>,
}

/// Who has seen or changed my data, newest first (50 a page).
#[utoipa::path(get, path = "/me/access-log", tag = "people", params(LogPage),
    responses((status = 200, body = Vec<AccessDto>), (status = 401, body = crate::api::Problem)))]
pub(super) async fn access_log(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(page): Query<LogPage>,
) -> AppResult<Json<Vec<AccessDto>>> {
    let n = page.page.unwrap_or(1).max(1);
    let mut db = state.store.conn().await?;
    let seen = store::audit::seen_by_others(
        &mut db,
        user.actor.person_id,
        crate::audit::LOG_PAGE,
        (n - 1) * crate::audit::LOG_PAGE,
    )
    .await?;
    Ok(Json(
        seen.into_iter()
            .map(|s| AccessDto {
                at: s.at,
                action: s.action.as_str().into(),
                relation: s.relation,
                organisation: s.organisation,
                fields: s.fields,
                purpose: s.purpose,
            })
            .collect(),
    ))
}

/// A person named in an audit entry (no id or name once erased).
#[derive(Serialize, ToSchema)]
pub struct NamedDto {
    person_id: Option<String>,
    name: Option<String>,
}

/// One entry of an organisation's audit log.
#[derive(Serialize, ToSchema)]
pub struct LogEntryDto {
    seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    at: OffsetDateTime,
    action: String,
    actor: NamedDto,
    relation: String,
    subjects: Vec<NamedDto>,
    fields: Vec<String>,
    purpose: String,
}

fn named(n: &store::audit::Named) -> NamedDto {
    NamedDto {
        person_id: n.person.map(|p| p.to_string()),
        name: n.name.clone(),
    }
}

/// Search the organisation's audit log (its data protection officer only; others get 404),
/// newest first, 50 a page.
#[utoipa::path(get, path = "/organisations/{slug}/audit", tag = "organisations",
    params(("slug" = String, Path), SearchQuery),
    responses((status = 200, body = Vec<LogEntryDto>), (status = 404, body = crate::api::Problem), (status = 422, body = crate::api::Problem)))]
pub(super) async fn search(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(slug): Path<String>,
    Query(query): Query<SearchQuery>,
) -> AppResult<Json<Vec<LogEntryDto>>> {
    let (_, entries) = crate::audit::search_log(&state, &user, &slug, &query).await?;
    Ok(Json(
        entries
            .iter()
            .map(|e| LogEntryDto {
                seq: e.seq,
                at: e.at,
                action: e.action.as_str().into(),
                actor: named(&e.actor),
                relation: e.relation.clone(),
                subjects: e.subjects.iter().map(named).collect(),
                fields: e.fields.clone(),
                purpose: e.purpose.clone(),
            })
            .collect(),
    ))
}
