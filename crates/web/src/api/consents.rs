//! Consents and the features they govern in the JSON API: the caller's consents (one call to
//! give, one to withdraw), their history, favourites and lists, course reviews, recent
//! searches, recommendations, competence with share links and transfers, a share link's
//! public view, the published list of competence recipients, and what an organisation
//! received. The same operations as the pages (`crate::consents`).
//!
//! A feature whose consent does not stand answers `403 consent_required`, naming the consent
//! in `detail`; reads of one's own data that exist only under a consent answer an empty list.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::competence::{Item, RecipientInput, ShareLinkInput, TransferInput};
use domain::consent::{ChangeInput, Channel, catalogue};
use domain::features::{ListInput, ReviewInput};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::learning::course_in;
use super::{ApiJson, Created, Problem, iso_date};
use crate::AppState;
use crate::auth::ApiUser;
use crate::consents::{self as ops, ConsentView, ListChange};
use crate::error::{AppError, AppResult};
use crate::pages::Ctx;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_consents))
        .routes(routes!(my_consent_history))
        .routes(routes!(change_consent))
        .routes(routes!(consent_text))
        .routes(routes!(my_favourites, add_favourite))
        .routes(routes!(remove_favourite))
        .routes(routes!(my_lists, create_list))
        .routes(routes!(rename_list, delete_list))
        .routes(routes!(add_to_list, remove_from_list))
        .routes(routes!(course_reviews))
        .routes(routes!(save_review, delete_review))
        .routes(routes!(my_reviews))
        .routes(routes!(my_searches, forget_searches))
        .routes(routes!(forget_search))
        .routes(routes!(my_recommendations))
        .routes(routes!(my_competence))
        .routes(routes!(my_share_links, create_share_link))
        .routes(routes!(revoke_share_link))
        .routes(routes!(my_transfers, send_competence))
        .routes(routes!(shared_competence))
        .routes(routes!(list_recipients, add_recipient))
        .routes(routes!(end_recipient))
        .routes(routes!(received_competence))
}

// ---- consents ----

/// One consent: its current text, and whether the caller has given it (off by default).
#[derive(Serialize, ToSchema)]
pub struct ConsentDto {
    /// The registry purpose (`favourites`, `course_reviews`, `search_history`, …).
    purpose: String,
    title: String,
    summary: String,
    text: String,
    /// The version of the text in force: send it to give the consent.
    version: u32,
    /// SHA-256 of that version's text in every language.
    text_hash: String,
    given: bool,
    /// The version the standing consent was given to.
    given_version: Option<u32>,
    /// Given to a version a later one replaced: off until given again.
    lapsed: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    changed_at: Option<OffsetDateTime>,
}

impl From<ConsentView> for ConsentDto {
    fn from(c: ConsentView) -> Self {
        Self {
            purpose: c.purpose.to_owned(),
            title: c.title,
            summary: c.summary,
            text: c.text,
            version: c.version,
            text_hash: c.text_hash,
            given: c.given,
            given_version: c.given_version,
            lapsed: c.lapsed,
            changed_at: c.changed_at,
        }
    }
}

/// The caller's consents, each with its text in the caller's language.
#[utoipa::path(get, path = "/me/consents", tag = "consents",
    responses((status = 200, body = Vec<ConsentDto>), (status = 401, body = Problem)))]
async fn my_consents(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<ConsentDto>>> {
    let list = ops::overview(&state, &user.actor, ctx.0.tr.lang).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// One recorded change of a consent.
#[derive(Serialize, ToSchema)]
pub struct ConsentChangeDto {
    purpose: String,
    /// `given` or `withdrawn`.
    action: String,
    /// The version of the text the change was made to (see `/consent-texts/…`).
    version: u32,
    text_hash: String,
    /// The language the text was shown in.
    language: String,
    /// `page` or `api`.
    channel: String,
    #[serde(with = "time::serde::rfc3339")]
    changed_at: OffsetDateTime,
}

/// Every change the caller made to their consents, newest first.
#[utoipa::path(get, path = "/me/consents/history", tag = "consents",
    responses((status = 200, body = Vec<ConsentChangeDto>), (status = 401, body = Problem)))]
async fn my_consent_history(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<ConsentChangeDto>>> {
    let list = ops::history(&state, &user.actor).await?;
    Ok(Json(
        list.into_iter()
            .map(|c| ConsentChangeDto {
                purpose: c.purpose,
                action: c.status.as_str().into(),
                version: c.version,
                text_hash: c.text_hash,
                language: c.language.code().into(),
                channel: c.channel.as_str().into(),
                changed_at: c.changed_at,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct DeletedDto {
    table: String,
    rows: u64,
}

#[derive(Serialize, ToSchema)]
pub struct ConsentChanged {
    consent: ConsentDto,
    /// Whether anything was recorded (giving again what stands, or withdrawing what was not
    /// given, records nothing).
    recorded: bool,
    /// What the withdrawal deleted, at once: rows per table held only for the purpose.
    deleted: Vec<DeletedDto>,
}

/// Give (`{"given": true, "version": N}`, N the version in force) or withdraw
/// (`{"given": false}`) one of the caller's consents. Withdrawal takes effect in this call:
/// the features it governs stop and data held only for it is deleted. Another person's
/// consent (`person_id`) is refused with `not_your_consent`; an unknown purpose or version is
/// a field error; neither changes anything.
#[utoipa::path(put, path = "/me/consents/{purpose}", tag = "consents",
    params(("purpose" = String, Path)), request_body = ChangeInput,
    responses((status = 200, body = ConsentChanged), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn change_consent(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiUser(user): ApiUser,
    Path(purpose): Path<String>,
    ApiJson(input): ApiJson<ChangeInput>,
) -> AppResult<Json<ConsentChanged>> {
    let lang = ctx.0.tr.lang;
    let changed = ops::change(&state, &user.actor, &purpose, &input, lang, Channel::Api).await?;
    let consent = ops::overview(&state, &user.actor, lang)
        .await?
        .into_iter()
        .find(|c| c.purpose == purpose)
        .ok_or(AppError::NotFound)?;
    Ok(Json(ConsentChanged {
        consent: consent.into(),
        recorded: changed.recorded,
        deleted: changed
            .deleted
            .into_iter()
            .map(|(table, rows)| DeletedDto {
                table: table.into(),
                rows,
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct ConsentTextDto {
    purpose: String,
    version: u32,
    /// `YYYY-MM-DD`, when it took effect.
    date: String,
    /// A wording change only: consents to earlier versions still stand.
    minor: bool,
    title: String,
    summary: String,
    text: String,
    text_hash: String,
    current: bool,
}

/// The exact text of one version of a consent (public), in the caller's language.
#[utoipa::path(get, path = "/consent-texts/{purpose}/versions/{version}", tag = "consents",
    params(("purpose" = String, Path), ("version" = u32, Path)),
    responses((status = 200, body = ConsentTextDto), (status = 404, body = Problem)))]
async fn consent_text(
    ctx: Ctx,
    Path((purpose, version)): Path<(String, String)>,
) -> AppResult<Json<ConsentTextDto>> {
    let lang = ctx.0.tr.lang;
    let d = catalogue().get(&purpose).ok_or(AppError::NotFound)?;
    let n: u32 = version.parse().map_err(|_| AppError::NotFound)?;
    let v = d.version(n).ok_or(AppError::NotFound)?;
    Ok(Json(ConsentTextDto {
        purpose: d.purpose.clone(),
        version: v.version,
        date: v.date.clone(),
        minor: v.minor,
        title: v.title.get(lang).into(),
        summary: v.summary.get(lang).into(),
        text: v.text.get(lang).into(),
        text_hash: v.hash.clone(),
        current: d.current().version == v.version,
    }))
}

// ---- favourites ----

#[derive(Serialize, ToSchema)]
pub struct FavouriteDto {
    id: String,
    /// The slug of the organisation that owns the course.
    organisation: String,
    course_id: String,
    course_title: String,
    activity_id: Option<String>,
    activity_title: Option<String>,
    /// Ids of the lists it is in.
    lists: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
}

#[derive(Serialize, ToSchema)]
pub struct ListDto {
    id: String,
    name: String,
    /// Ids of its favourites.
    favourites: Vec<String>,
}

/// The caller's favourites, newest first (none unless the favourites consent stands).
#[utoipa::path(get, path = "/me/favourites", tag = "consents",
    responses((status = 200, body = Vec<FavouriteDto>), (status = 401, body = Problem)))]
async fn my_favourites(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<FavouriteDto>>> {
    let (favourites, _) = ops::favourites(&state, &user.actor).await?;
    Ok(Json(
        favourites
            .into_iter()
            .map(|f| FavouriteDto {
                id: f.id.to_string(),
                organisation: f.owner_slug,
                course_id: f.course_id.to_string(),
                course_title: f.course_title,
                activity_id: f.activity_id.map(|a| a.to_string()),
                activity_title: f.activity_title,
                lists: f.lists.iter().map(ToString::to_string).collect(),
                created_at: f.created_at,
            })
            .collect(),
    ))
}

#[derive(serde::Deserialize, ToSchema)]
pub struct NewFavourite {
    /// The slug of the organisation whose course it is (or one it is offered to).
    organisation: String,
    course_id: String,
    /// An activity of the course, to mark that instead of the course.
    #[serde(default)]
    activity_id: Option<String>,
}

/// Mark a course, or one of its activities, as a favourite (needs the favourites consent).
/// Marking it again answers the same favourite.
#[utoipa::path(post, path = "/me/favourites", tag = "consents", request_body = NewFavourite,
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn add_favourite(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<NewFavourite>,
) -> AppResult<Response> {
    let c = course_in(&state, &user, &body.organisation, &body.course_id).await?;
    let id = ops::add_favourite(&state, &user.actor, &c, body.activity_id.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.to_string() })).into_response())
}

/// Remove one of the caller's favourites (from every list too).
#[utoipa::path(delete, path = "/me/favourites/{id}", tag = "consents", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn remove_favourite(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    ops::remove_favourite(&state, &user.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's favourite lists by name.
#[utoipa::path(get, path = "/me/favourite-lists", tag = "consents",
    responses((status = 200, body = Vec<ListDto>), (status = 401, body = Problem)))]
async fn my_lists(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<ListDto>>> {
    let (favourites, lists) = ops::favourites(&state, &user.actor).await?;
    Ok(Json(
        lists
            .into_iter()
            .map(|l| ListDto {
                id: l.id.to_string(),
                favourites: favourites
                    .iter()
                    .filter(|f| f.lists.contains(&l.id))
                    .map(|f| f.id.to_string())
                    .collect(),
                name: l.name,
            })
            .collect(),
    ))
}

/// Make a named list (needs the favourites consent).
#[utoipa::path(post, path = "/me/favourite-lists", tag = "consents", request_body = ListInput,
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<ListInput>,
) -> AppResult<Response> {
    let id = ops::change_list(&state, &user.actor, ListChange::Create(&input)).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.to_string() })).into_response())
}

/// Rename a list.
#[utoipa::path(put, path = "/me/favourite-lists/{id}", tag = "consents", params(("id" = String, Path)),
    request_body = ListInput,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn rename_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ListInput>,
) -> AppResult<StatusCode> {
    ops::change_list(&state, &user.actor, ListChange::Rename(&id, &input)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete a list; its favourites stay favourites.
#[utoipa::path(delete, path = "/me/favourite-lists/{id}", tag = "consents", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn delete_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    ops::change_list(&state, &user.actor, ListChange::Delete(&id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Put a favourite in a list.
#[utoipa::path(put, path = "/me/favourite-lists/{id}/items/{favourite}", tag = "consents",
    params(("id" = String, Path), ("favourite" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn add_to_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, favourite)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    ops::change_list(
        &state,
        &user.actor,
        ListChange::Add {
            list: &id,
            favourite: &favourite,
        },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Take a favourite out of a list.
#[utoipa::path(delete, path = "/me/favourite-lists/{id}/items/{favourite}", tag = "consents",
    params(("id" = String, Path), ("favourite" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn remove_from_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, favourite)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    ops::change_list(
        &state,
        &user.actor,
        ListChange::Remove {
            list: &id,
            favourite: &favourite,
        },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- reviews ----

/// A review as others see it: no person, and no date unless the reviewer shows their name.
#[derive(Serialize, ToSchema)]
pub struct PublishedReviewDto {
    rating: u8,
    body: String,
    /// Only where the reviewer chose to show their name.
    author_name: Option<String>,
    /// `YYYY-MM`, only with a name.
    month: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MyReviewDto {
    organisation: String,
    course_id: String,
    course_title: String,
    rating: u8,
    body: String,
    show_name: bool,
    #[serde(with = "time::serde::rfc3339")]
    updated_at: OffsetDateTime,
}

#[derive(Serialize, ToSchema)]
pub struct CourseReviewsDto {
    /// The number of reviews, from five on (fewer are not counted aloud).
    count: Option<usize>,
    /// The average rating, from five reviews on.
    average: Option<f64>,
    /// Anonymous reviews not shown yet because the course has fewer than five.
    withheld: usize,
    reviews: Vec<PublishedReviewDto>,
    /// The caller's own review, if any.
    mine: Option<MyReviewDto>,
    /// The caller may review: they take or took the course and the reviews consent stands.
    can_review: bool,
}

fn my_review_dto(m: store::reviews::MyReview) -> MyReviewDto {
    MyReviewDto {
        organisation: m.owner_slug,
        course_id: m.course_id.to_string(),
        course_title: m.course_title,
        rating: m.rating,
        body: m.body,
        show_name: m.show_name,
        updated_at: m.updated_at,
    }
}

/// A course's reviews, as the caller may see them.
#[utoipa::path(get, path = "/organisations/{slug}/courses/{id}/reviews", tag = "consents",
    params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = CourseReviewsDto), (status = 404, body = Problem)))]
async fn course_reviews(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Json<CourseReviewsDto>> {
    let c = course_in(&state, &user, &slug, &id).await?;
    let consents = ops::standing(&state, &user.actor).await?;
    let r = ops::course_reviews(&state, &user.actor, &c, &consents).await?;
    Ok(Json(CourseReviewsDto {
        count: r.shown.summary.map(|(n, _)| n),
        average: r.shown.summary.map(|(_, a)| (a * 10.0).round() / 10.0),
        withheld: r.shown.withheld,
        reviews: r
            .shown
            .reviews
            .into_iter()
            .map(|x| PublishedReviewDto {
                rating: x.rating,
                body: x.body,
                month: x.author_name.as_ref().map(|_| x.month.clone()),
                author_name: x.author_name,
            })
            .collect(),
        mine: r.mine.map(my_review_dto),
        can_review: r.can_review,
    }))
}

/// Write or replace the caller's review of a course they take or took (needs the reviews
/// consent). The name is shown only with `show_name`.
#[utoipa::path(put, path = "/organisations/{slug}/courses/{id}/reviews/mine", tag = "consents",
    params(("slug" = String, Path), ("id" = String, Path)), request_body = ReviewInput,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn save_review(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> AppResult<StatusCode> {
    let input: ReviewInput = super::learning::lenient(body)?;
    let c = course_in(&state, &user, &slug, &id).await?;
    ops::save_review(&state, &user.actor, &c, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete the caller's review of a course.
#[utoipa::path(delete, path = "/organisations/{slug}/courses/{id}/reviews/mine", tag = "consents",
    params(("slug" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn delete_review(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    let c = course_in(&state, &user, &slug, &id).await?;
    ops::delete_review(&state, &user.actor, &c).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every review the caller wrote.
#[utoipa::path(get, path = "/me/reviews", tag = "consents",
    responses((status = 200, body = Vec<MyReviewDto>), (status = 401, body = Problem)))]
async fn my_reviews(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<MyReviewDto>>> {
    let mut db = state.store.conn().await?;
    let list = store::reviews::of_person(&mut db, user.actor.person_id).await?;
    Ok(Json(list.into_iter().map(my_review_dto).collect()))
}

// ---- search history ----

#[derive(Serialize, ToSchema)]
pub struct SearchDto {
    id: String,
    q: String,
    language: String,
    tag: String,
    #[serde(with = "time::serde::rfc3339")]
    searched_at: OffsetDateTime,
}

/// The caller's recent catalogue searches, newest first (none unless the search-history
/// consent stands; searches are kept only while it does).
#[utoipa::path(get, path = "/me/searches", tag = "consents",
    responses((status = 200, body = Vec<SearchDto>), (status = 401, body = Problem)))]
async fn my_searches(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<SearchDto>>> {
    let consents = ops::standing(&state, &user.actor).await?;
    let list = ops::recent_searches(&state, &user.actor, &consents).await?;
    Ok(Json(
        list.into_iter()
            .map(|s| SearchDto {
                id: s.id.to_string(),
                q: s.search.query,
                language: s.search.language,
                tag: s.search.tag,
                searched_at: s.searched_at,
            })
            .collect(),
    ))
}

/// Forget every recent search.
#[utoipa::path(delete, path = "/me/searches", tag = "consents",
    responses((status = 204), (status = 401, body = Problem)))]
async fn forget_searches(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<StatusCode> {
    ops::forget_searches(&state, &user.actor, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Forget one recent search.
#[utoipa::path(delete, path = "/me/searches/{id}", tag = "consents", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn forget_search(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    ops::forget_searches(&state, &user.actor, Some(&id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- recommendations ----

#[derive(Serialize, ToSchema)]
pub struct RecommendationDto {
    organisation: String,
    course_id: String,
    title: String,
    summary: String,
    /// `popular_after`, `like_favourite`, `search` or `topic`.
    reason: String,
    /// The caller's own course, search or topic the reason names.
    because: String,
}

/// Courses recommended to the caller, worked out now from their own history and anonymous
/// counts of at least five other consenting people; `403 consent_required` unless the
/// recommendations consent stands.
#[utoipa::path(get, path = "/me/recommendations", tag = "consents",
    responses((status = 200, body = Vec<RecommendationDto>), (status = 403, body = Problem)))]
async fn my_recommendations(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<RecommendationDto>>> {
    use domain::recommend::Reason;
    let consents = ops::standing(&state, &user.actor).await?;
    let list = ops::recommendations(&state, &user.actor, &consents)
        .await?
        .ok_or(AppError::ConsentRequired(
            domain::consent::purposes::RECOMMENDATIONS,
        ))?;
    Ok(Json(
        list.into_iter()
            .map(|r| {
                let (reason, because) = match r.recommendation.reason {
                    Reason::PopularAfter { course } => ("popular_after", course),
                    Reason::LikeFavourite { course } => ("like_favourite", course),
                    Reason::Search { query } => ("search", query),
                    Reason::Topic { tag } => ("topic", tag),
                };
                RecommendationDto {
                    organisation: r.owner_slug,
                    course_id: r.recommendation.course.to_string(),
                    title: r.recommendation.title,
                    summary: r.summary,
                    reason: reason.into(),
                    because,
                }
            })
            .collect(),
    ))
}

// ---- competence ----

/// The caller's competence: completed courses and certificates, with the ids to send.
#[utoipa::path(get, path = "/me/competence", tag = "consents",
    responses((status = 200, body = Vec<Item>), (status = 401, body = Problem)))]
async fn my_competence(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<Item>>> {
    Ok(Json(ops::competence(&state, &user.actor).await?))
}

#[derive(Serialize, ToSchema)]
pub struct ShareLinkDto {
    id: String,
    label: String,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(with = "iso_date::option")]
    expires_on: Option<time::Date>,
    #[serde(with = "time::serde::rfc3339::option")]
    revoked_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    /// Opens today: not revoked, not expired.
    works: bool,
}

/// The caller's share links (their addresses are shown only when made).
#[utoipa::path(get, path = "/me/share-links", tag = "consents",
    responses((status = 200, body = Vec<ShareLinkDto>), (status = 401, body = Problem)))]
async fn my_share_links(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<ShareLinkDto>>> {
    let mut db = state.store.conn().await?;
    let today = store::now().date();
    let links = store::competence::links(&mut db, user.actor.person_id).await?;
    Ok(Json(
        links
            .into_iter()
            .map(|k| ShareLinkDto {
                id: k.id.to_string(),
                works: domain::competence::link_works(k.revoked_at.is_some(), k.expires_on, today),
                label: k.label,
                expires_on: k.expires_on,
                revoked_at: k.revoked_at,
                created_at: k.created_at,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct NewShareLink {
    id: String,
    /// The link's address: shown this once, never stored (only its hash is).
    url: String,
    /// The token in the address, for `GET /shared/{token}`.
    token: String,
}

/// Make a share link to the caller's competence (needs the `competence_to_others` consent),
/// optionally ending on a day.
#[utoipa::path(post, path = "/me/share-links", tag = "consents", request_body = ShareLinkInput,
    responses((status = 201, body = NewShareLink), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_share_link(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<ShareLinkInput>,
) -> AppResult<Response> {
    let (id, token) = ops::create_share_link(&state, &user.actor, &input).await?;
    let url = format!(
        "{}/shared/{token}",
        state.config.public_url.trim_end_matches('/')
    );
    Ok((
        StatusCode::CREATED,
        Json(NewShareLink {
            id: id.to_string(),
            url,
            token,
        }),
    )
        .into_response())
}

/// Revoke a share link: it stops working at once.
#[utoipa::path(post, path = "/me/share-links/{id}/revoke", tag = "consents", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn revoke_share_link(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    ops::revoke_share_link(&state, &user.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct TransferDto {
    id: String,
    /// The consent it rested on.
    purpose: String,
    /// `employer` or `database`.
    recipient_kind: String,
    /// The organisation's slug or the database's id.
    recipient: String,
    recipient_name: String,
    items: Vec<Item>,
    /// The version of the consent text it rested on.
    consent_version: u32,
    #[serde(with = "time::serde::rfc3339")]
    sent_at: OffsetDateTime,
}

/// What the caller sent, to whom and when, newest first.
#[utoipa::path(get, path = "/me/competence-transfers", tag = "consents",
    responses((status = 200, body = Vec<TransferDto>), (status = 401, body = Problem)))]
async fn my_transfers(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> AppResult<Json<Vec<TransferDto>>> {
    let list = ops::transfers(&state, &user.actor).await?;
    let mut db = state.store.conn().await?;
    let mut out = Vec::with_capacity(list.len());
    for t in list {
        let (kind, recipient) = match t.to {
            store::competence::To::Employer(org) => (
                "employer",
                store::organisations::by_id(&mut db, org)
                    .await
                    .map(|o| o.slug.to_string())
                    .unwrap_or_default(),
            ),
            store::competence::To::Database(id) => ("database", id.to_string()),
        };
        out.push(TransferDto {
            id: t.id.to_string(),
            purpose: t.purpose,
            recipient_kind: kind.into(),
            recipient,
            recipient_name: t.recipient_name,
            items: t.items,
            consent_version: t.consent_version,
            sent_at: t.sent_at,
        });
    }
    Ok(Json(out))
}

/// Send chosen competence to an employer (`employer:<slug>`, an organisation the caller is a
/// member of) or a listed competence database (`database:<id>`); needs the matching consent.
/// The transfer is recorded with what, to whom, when and the consent version.
#[utoipa::path(post, path = "/me/competence-transfers", tag = "consents", request_body = TransferInput,
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn send_competence(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<TransferInput>,
) -> AppResult<Response> {
    let id = ops::send_competence(&state, &user.actor, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.to_string() })).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct SharedDto {
    name: String,
    items: Vec<Item>,
}

/// The competence a share link shows (public: the token is the key). Revoked, expired and
/// unknown links, and links of someone who withdrew the consent, are `404`.
#[utoipa::path(get, path = "/shared/{token}", tag = "consents", params(("token" = String, Path)),
    responses((status = 200, body = SharedDto), (status = 404, body = Problem)))]
async fn shared_competence(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Json<SharedDto>> {
    let found = ops::shared(&state, &token).await?;
    Ok(Json(SharedDto {
        name: found.name,
        items: found.items,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct RecipientDto {
    id: String,
    name: String,
    service: String,
    /// `non_commercial` or `commercial`.
    kind: String,
    country: String,
    outside_eea: bool,
    url: Option<String>,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "iso_date")]
    added_on: time::Date,
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(with = "iso_date::option")]
    ended_on: Option<time::Date>,
}

fn recipient_dto(e: store::competence::RecipientEntry) -> RecipientDto {
    RecipientDto {
        id: e.id.to_string(),
        name: e.recipient.name,
        service: e.recipient.service,
        kind: e.recipient.kind.as_str().into(),
        country: e.recipient.country,
        outside_eea: e.recipient.outside_eea,
        url: e.recipient.url,
        added_on: e.added_on,
        ended_on: e.ended_on,
    }
}

/// The published list of competence databases people may send their competence to, current
/// and past (public). Besides these, competence goes only to the person's own employer and to
/// whoever holds a share link.
#[utoipa::path(get, path = "/competence-recipients", tag = "consents",
    responses((status = 200, body = Vec<RecipientDto>)))]
async fn list_recipients(State(state): State<AppState>) -> AppResult<Json<Vec<RecipientDto>>> {
    let list = ops::recipient_list(&state).await?;
    Ok(Json(list.into_iter().map(recipient_dto).collect()))
}

/// Add a competence database to the list (platform operators).
#[utoipa::path(post, path = "/competence-recipients", tag = "consents", request_body = RecipientInput,
    responses((status = 201, body = Created), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn add_recipient(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<RecipientInput>,
) -> AppResult<Response> {
    let id = ops::add_recipient(&state, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.to_string() })).into_response())
}

/// End a competence database's entry today (platform operators); it stays among past ones.
#[utoipa::path(post, path = "/competence-recipients/{id}/end", tag = "consents", params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn end_recipient(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    ops::end_recipient(&state, &user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct ReceivedDto {
    person_id: String,
    name: String,
    items: Vec<Item>,
    #[serde(with = "time::serde::rfc3339")]
    sent_at: OffsetDateTime,
}

/// Competence the organisation's members sent it (its administrators), while each sender's
/// consent stands.
#[utoipa::path(get, path = "/organisations/{slug}/shared-competence", tag = "consents",
    params(("slug" = String, Path)),
    responses((status = 200, body = Vec<ReceivedDto>), (status = 404, body = Problem)))]
async fn received_competence(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(slug): Path<String>,
) -> AppResult<Json<Vec<ReceivedDto>>> {
    let (_, list) = ops::received(&state, &user, &slug).await?;
    Ok(Json(
        list.into_iter()
            .map(|r| ReceivedDto {
                person_id: r.person.to_string(),
                name: r.name,
                items: r.items,
                sent_at: r.sent_at,
            })
            .collect(),
    ))
}
