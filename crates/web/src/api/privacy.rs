//! The generated privacy documents and the sub-processor register, as JSON (and CSV for the
//! record of processing). The same operations as the pages (`crate::privacy`).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::org::Language;
use domain::registry::notice::{Notice, SubProcessorInput};
use domain::registry::ropa::Ropa;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, Problem, iso_date};
use crate::auth::ApiUser;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::{AppState, ops, privacy};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sub_processors, add_sub_processor))
        .routes(routes!(end_sub_processor))
        .routes(routes!(privacy_notice))
        .routes(routes!(ropa))
}

#[derive(Serialize, ToSchema)]
pub struct SubProcessorDto {
    #[schema(value_type = String)]
    id: uuid::Uuid,
    name: String,
    service: String,
    /// ISO 3166-1 alpha-2.
    country: String,
    /// Data processed there leaves the EU/EEA.
    outside_eea: bool,
    safeguards: Option<String>,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "iso_date")]
    added_on: time::Date,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(with = "iso_date::option")]
    ended_on: Option<time::Date>,
}

impl From<store::sub_processors::Entry> for SubProcessorDto {
    fn from(e: store::sub_processors::Entry) -> Self {
        Self {
            id: e.id,
            outside_eea: e.entry.transfers(),
            name: e.entry.name,
            service: e.entry.service,
            country: e.entry.country,
            safeguards: e.entry.safeguards,
            added_on: e.entry.added_on,
            ended_on: e.entry.ended_on,
        }
    }
}

/// The operator's sub-processors, current and past, with their dates (public).
#[utoipa::path(get, path = "/sub-processors", tag = "privacy",
    responses((status = 200, body = Vec<SubProcessorDto>)))]
async fn list_sub_processors(
    State(state): State<AppState>,
) -> AppResult<Json<Vec<SubProcessorDto>>> {
    let mut db = state.store.conn().await?;
    let all = store::sub_processors::all(&mut db).await?;
    Ok(Json(all.into_iter().map(Into::into).collect()))
}

/// Add a sub-processor (platform operators). A transfer outside the EU/EEA needs its safeguards.
#[utoipa::path(post, path = "/sub-processors", tag = "privacy", request_body = SubProcessorInput,
    responses((status = 201, body = SubProcessorDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn add_sub_processor(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<SubProcessorInput>,
) -> AppResult<Response> {
    let id = privacy::add_sub_processor(&state, &user, &input).await?;
    let mut db = state.store.conn().await?;
    let entry = store::sub_processors::all(&mut db)
        .await?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(SubProcessorDto::from(entry))).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
pub struct EndSubProcessor {
    /// `YYYY-MM-DD`; today if left out.
    #[serde(default)]
    ended_on: String,
}

/// Mark a sub-processor as ended (platform operators); it stays listed among the past ones.
#[utoipa::path(post, path = "/sub-processors/{id}/end", tag = "privacy", params(("id" = String, Path)),
    request_body = EndSubProcessor,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn end_sub_processor(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<EndSubProcessor>,
) -> AppResult<StatusCode> {
    privacy::end_sub_processor(&state, &user, &id, &body.ended_on).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoticeParams {
    /// `nb` or `en` (default: the caller's language).
    lang: Option<String>,
}

/// The organisation's privacy notice (its members, role holders and the operator).
#[utoipa::path(get, path = "/organisations/{slug}/privacy-notice", tag = "privacy",
    params(("slug" = String, Path), NoticeParams),
    responses((status = 200, body = Notice), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn privacy_notice(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ctx: crate::pages::Ctx,
    Path(slug): Path<String>,
    Query(params): Query<NoticeParams>,
) -> AppResult<Json<Notice>> {
    let org = ops::org_visible(&state, &user, &slug).await?;
    let language = match params.lang.as_deref() {
        Some(code) => {
            Language::parse(code).map_err(|code| domain::FieldErrors::single("lang", code))?
        }
        None => ctx.0.tr.lang,
    };
    Ok(Json(
        privacy::notice(&state, &privacy::controller_of(&org), language).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RopaParams {
    /// `csv` for a CSV file, one row per processing activity (so does `Accept: text/csv`).
    format: Option<String>,
    /// `nb` or `en` (default: the caller's language).
    lang: Option<String>,
}

/// The organisation's record of processing activities (GDPR art. 30), for its DPO and
/// administrators; anyone else gets 404. An incomplete record is refused with 422 naming each
/// gap (`record_incomplete`).
#[utoipa::path(get, path = "/organisations/{slug}/ropa", tag = "privacy",
    params(("slug" = String, Path), RopaParams),
    responses((status = 200, content((Ropa = "application/json"), (String = "text/csv"))), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn ropa(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ctx: crate::pages::Ctx,
    Path(slug): Path<String>,
    Query(params): Query<RopaParams>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let org = privacy::org_for_dpo(&state, &user, &slug).await?;
    let language = match params.lang.as_deref() {
        Some(code) => {
            Language::parse(code).map_err(|code| domain::FieldErrors::single("lang", code))?
        }
        None => ctx.0.tr.lang,
    };
    let record = privacy::ropa(&state, &org, language)
        .await?
        .map_err(|gaps| privacy::gap_errors(&gaps))?;
    let csv = params.format.as_deref() == Some("csv")
        || headers
            .get(header::ACCEPT)
            .and_then(|a| a.to_str().ok())
            .is_some_and(|a| a.contains("text/csv"));
    if !csv {
        return Ok(Json(record).into_response());
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"ropa-{}.csv\"", org.slug),
            ),
        ],
        privacy::ropa_csv(&record, Tr::new(language))?,
    )
        .into_response())
}
