//! Pages of consents and the features they govern: the person's consents (linked from the
//! privacy page; give and withdraw are one button each), the texts of earlier versions,
//! favourites and lists, reviews on a course page, recent searches and recommendations on the
//! catalogue and dashboard, the competence page (share links, sending), a share link's public
//! page, the published list of competence recipients, the operator's form for it, and what an
//! organisation received. Every operation is in [`crate::consents`], shared with the API.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::FieldErrors;
use domain::competence::{RecipientInput, ShareLinkInput, TransferInput};
use domain::consent::{ChangeInput, Channel, Consents, catalogue, purposes};
use domain::features::{ListInput, ReviewInput};
use serde::Deserialize;

use super::learning::Pairs;
use super::{Ctx, DoneQuery, Layout, PageForm, render, render_invalid};
use crate::AppState;
use crate::auth::{CurrentUser, PageUser};
use crate::consents::{self as ops, ConsentView, ListChange, Recommended};
use crate::error::{AppError, AppResult};
use crate::forms::{FormBuilder, FormView, values_of};
use crate::i18n::{Tr, push_date};
use crate::learning::CourseCtx;

fn date_time(at: time::OffsetDateTime) -> String {
    let mut out = String::new();
    push_date(&mut out, at.date());
    out.push_str(&format!(" {:02}:{:02}", at.hour(), at.minute()));
    out
}

/// The consent page's address, for links from pages whose feature is off.
pub const CONSENTS_PATH: &str = "/privacy/consents";

// ---- the person's consents ----

struct HistoryRow {
    at: String,
    title: String,
    action: String,
    version: u32,
    link: String,
    channel: String,
}

#[derive(Template)]
#[template(path = "privacy_consents.html")]
struct ConsentsPage {
    l: Layout,
    t: Tr,
    person_id: String,
    consents: Vec<ConsentView>,
    history: Vec<HistoryRow>,
}

/// The person's consents: each with its text, whether it is given, and one button to give or
/// withdraw it; and the history of every change with the version of the text.
pub async fn consents(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    done: DoneQuery,
) -> AppResult<Response> {
    let t = ctx.0.tr;
    let list = ops::overview(&state, &user.actor, t.lang).await?;
    let history = ops::history(&state, &user.actor).await?;
    render(&ConsentsPage {
        l: ctx.layout("consents.title", done.done.as_deref()),
        t,
        person_id: user.actor.person_id.to_string(),
        history: history
            .into_iter()
            .map(|c| HistoryRow {
                at: date_time(c.changed_at),
                title: catalogue()
                    .get(&c.purpose)
                    .and_then(|d| d.version(c.version))
                    .map(|v| v.title.get(t.lang).to_owned())
                    .unwrap_or_else(|| c.purpose.clone()),
                action: t
                    .get(&format!("consents.action_{}", c.status.as_str()))
                    .to_owned(),
                version: c.version,
                link: format!("{CONSENTS_PATH}/{}/versions/{}", c.purpose, c.version),
                channel: t
                    .get(&format!("consents.channel_{}", c.channel.as_str()))
                    .to_owned(),
            })
            .collect(),
        consents: list,
    })
}

#[derive(Deserialize, Default)]
pub struct ChangeForm {
    #[serde(default)]
    given: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    person_id: String,
}

/// Gives or withdraws one consent (one button either way) and comes back to the page.
pub async fn change(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(purpose): Path<String>,
    PageForm(form): PageForm<ChangeForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::new();
    let version = match form.version.trim() {
        "" => None,
        v => match v.parse() {
            Ok(v) => Some(v),
            Err(_) => {
                errors.add("version", "unknown_consent_version");
                None
            }
        },
    };
    let person_id = match form.person_id.trim() {
        "" => None,
        p => Some(
            p.parse()
                .map_err(|_| AppError::Forbidden("not_your_consent"))?,
        ),
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let input = ChangeInput {
        given: domain::learning::course::flag(&form.given),
        version,
        person_id,
    };
    let changed = ops::change(
        &state,
        &user.actor,
        &purpose,
        &input,
        ctx.0.tr.lang,
        Channel::Page,
    )
    .await?;
    let done = match (changed.recorded, input.given) {
        (false, _) => "consent_unchanged",
        (true, true) => "consent_given",
        (true, false) => "consent_withdrawn",
    };
    Ok(Redirect::to(&format!("{CONSENTS_PATH}?done={done}#consent-{purpose}")).into_response())
}

#[derive(Template)]
#[template(path = "privacy_consent_version.html")]
struct VersionPage {
    l: Layout,
    t: Tr,
    title: String,
    summary: String,
    text: String,
    version: u32,
    date: String,
    hash: String,
    current: bool,
}

/// The exact text of one version of a consent, as the history links to it (public: the texts
/// are the same for everyone).
pub async fn version(
    ctx: Ctx,
    Path((purpose, number)): Path<(String, String)>,
) -> AppResult<Response> {
    let t = ctx.0.tr;
    let d = catalogue().get(&purpose).ok_or(AppError::NotFound)?;
    let number: u32 = number.parse().map_err(|_| AppError::NotFound)?;
    let v = d.version(number).ok_or(AppError::NotFound)?;
    render(&VersionPage {
        l: ctx.layout("consents.version_title", None),
        t,
        title: v.title.get(t.lang).to_owned(),
        summary: v.summary.get(t.lang).to_owned(),
        text: v.text.get(t.lang).to_owned(),
        version: v.version,
        date: v.date.clone(),
        hash: v.hash.clone(),
        current: d.current().version == v.version,
    })
}

// ---- favourites ----

struct FavouriteRow {
    id: String,
    title: String,
    link: String,
    /// The lists it is in: (list id, name).
    lists: Vec<(String, String)>,
    /// The lists it is not in yet.
    other_lists: Vec<(String, String)>,
}

struct ListRow {
    id: String,
    name: String,
    items: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "favourites.html")]
struct FavouritesPage {
    l: Layout,
    t: Tr,
    on: bool,
    favourites: Vec<FavouriteRow>,
    lists: Vec<ListRow>,
    new_list: FormView,
}

fn list_form(ctx: &Ctx, input: Option<&ListInput>, errors: &FieldErrors) -> FormView {
    FormBuilder::new(
        ctx.0.tr,
        "new-list",
        "/favourites/lists",
        "favourites.create_list",
        &ctx.0.csrf,
    )
    .values(input.map(values_of).unwrap_or_default())
    .errors(errors)
    .input("name", "favourites.field_list_name", "text", true)
    .build()
}

async fn favourites_page(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    failed: Option<(&ListInput, &FieldErrors)>,
    done: Option<&str>,
) -> AppResult<FavouritesPage> {
    let t = ctx.0.tr;
    let on = ops::standing(state, &user.actor)
        .await?
        .stands(purposes::FAVOURITES);
    let (favourites, lists) = ops::favourites(state, &user.actor).await?;
    let title = |f: &store::favourites::Favourite| match &f.activity_title {
        Some(a) => format!("{a} ({})", f.course_title),
        None => f.course_title.clone(),
    };
    let link = |f: &store::favourites::Favourite| match f.activity_id {
        Some(a) => format!(
            "/org/{}/courses/{}/activities/{a}",
            f.owner_slug, f.course_id
        ),
        None => format!("/org/{}/courses/{}", f.owner_slug, f.course_id),
    };
    let none = FieldErrors::new();
    let (input, errors) = match failed {
        Some((i, e)) => (Some(i), e),
        None => (None, &none),
    };
    Ok(FavouritesPage {
        l: ctx.layout("favourites.title", done),
        t,
        on,
        lists: lists
            .iter()
            .map(|l| ListRow {
                id: l.id.to_string(),
                name: l.name.clone(),
                items: favourites
                    .iter()
                    .filter(|f| f.lists.contains(&l.id))
                    .map(|f| (f.id.to_string(), title(f), link(f)))
                    .collect(),
            })
            .collect(),
        favourites: favourites
            .iter()
            .map(|f| FavouriteRow {
                id: f.id.to_string(),
                title: title(f),
                link: link(f),
                lists: lists
                    .iter()
                    .filter(|l| f.lists.contains(&l.id))
                    .map(|l| (l.id.to_string(), l.name.clone()))
                    .collect(),
                other_lists: lists
                    .iter()
                    .filter(|l| !f.lists.contains(&l.id))
                    .map(|l| (l.id.to_string(), l.name.clone()))
                    .collect(),
            })
            .collect(),
        new_list: list_form(ctx, input, errors),
    })
}

/// The person's favourites and lists.
pub async fn favourites(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    done: DoneQuery,
) -> AppResult<Response> {
    render(&favourites_page(&state, &ctx, &user, None, done.done.as_deref()).await?)
}

#[derive(Deserialize, Default)]
pub struct FavouriteForm {
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    course_id: String,
    #[serde(default)]
    activity_id: String,
}

/// Marks a course or activity (from its page) and goes back there.
pub async fn add_favourite(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageForm(form): PageForm<FavouriteForm>,
) -> AppResult<Response> {
    let c = crate::learning::course_ctx(&state, &user, &form.organisation, &form.course_id).await?;
    let activity = Some(form.activity_id.as_str()).filter(|a| !a.trim().is_empty());
    ops::add_favourite(&state, &user.actor, &c, activity).await?;
    let back = match activity {
        Some(a) => format!("{}/activities/{}", c.base(), a.trim()),
        None => c.base(),
    };
    Ok(Redirect::to(&format!("{back}?done=favourite_added")).into_response())
}

#[derive(Deserialize, Default)]
pub struct BackForm {
    /// Where to go afterwards: a path on this site, else the favourites page.
    #[serde(default)]
    back: String,
}

fn back_to(back: &str, done: &str) -> String {
    let path = if back.starts_with('/') && !back.starts_with("//") && !back.contains("://") {
        back
    } else {
        "/favourites"
    };
    format!("{path}?done={done}")
}

pub async fn remove_favourite(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<BackForm>,
) -> AppResult<Response> {
    ops::remove_favourite(&state, &user.actor, &id).await?;
    Ok(Redirect::to(&back_to(&form.back, "favourite_removed")).into_response())
}

pub async fn create_list(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    PageForm(input): PageForm<ListInput>,
) -> AppResult<Response> {
    match ops::change_list(&state, &user.actor, ListChange::Create(&input)).await {
        Ok(_) => Ok(Redirect::to("/favourites?done=list_created").into_response()),
        Err(AppError::Invalid(errors)) => render_invalid(
            &favourites_page(&state, &ctx, &user, Some((&input, &errors)), None).await?,
        ),
        Err(e) => Err(e),
    }
}

pub async fn rename_list(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    PageForm(input): PageForm<ListInput>,
) -> AppResult<Response> {
    match ops::change_list(&state, &user.actor, ListChange::Rename(&id, &input)).await {
        Ok(_) => Ok(Redirect::to("/favourites?done=list_renamed").into_response()),
        Err(AppError::Invalid(errors)) => render_invalid(
            &favourites_page(&state, &ctx, &user, Some((&input, &errors)), None).await?,
        ),
        Err(e) => Err(e),
    }
}

pub async fn delete_list(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ops::change_list(&state, &user.actor, ListChange::Delete(&id)).await?;
    Ok(Redirect::to("/favourites?done=list_deleted").into_response())
}

#[derive(Deserialize, Default)]
pub struct ItemForm {
    #[serde(default)]
    list: String,
    #[serde(default)]
    favourite: String,
}

/// Puts a favourite in the list chosen beside it.
pub async fn add_to_list(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageForm(form): PageForm<ItemForm>,
) -> AppResult<Response> {
    ops::change_list(
        &state,
        &user.actor,
        ListChange::Add {
            list: &form.list,
            favourite: &form.favourite,
        },
    )
    .await?;
    Ok(Redirect::to("/favourites?done=list_changed").into_response())
}

pub async fn remove_from_list(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, favourite)): Path<(String, String)>,
) -> AppResult<Response> {
    ops::change_list(
        &state,
        &user.actor,
        ListChange::Remove {
            list: &id,
            favourite: &favourite,
        },
    )
    .await?;
    Ok(Redirect::to("/favourites?done=list_changed").into_response())
}

// ---- on a course page ----

pub struct ReviewRow {
    pub rating: u8,
    pub body: String,
    pub author: String,
    pub month: String,
}

/// What consents add to a course or activity page: the favourite button and the reviews.
pub struct CourseExtras {
    pub organisation: String,
    pub course_id: String,
    pub activity_id: String,
    /// Where a removed favourite comes back to.
    pub back: String,
    pub favourites_on: bool,
    pub favourite: Option<String>,
    pub reviews: Option<ReviewsView>,
}

pub struct ReviewsView {
    pub base: String,
    pub summary: Option<String>,
    pub withheld: usize,
    pub rows: Vec<ReviewRow>,
    /// The form, when the person may review (enrolled and consented).
    pub form: Option<ReviewForm>,
    /// Enrolled, but the reviews consent is off.
    pub ask_consent: bool,
}

pub struct ReviewForm {
    pub rating: u8,
    pub body: String,
    pub show_name: bool,
    pub exists: bool,
    pub errors: Vec<(String, String)>,
}

/// The extras of a course page (activity: `None`) or an activity page.
pub async fn course_extras(
    state: &AppState,
    t: Tr,
    user: &CurrentUser,
    c: &CourseCtx,
    activity: Option<domain::ActivityId>,
) -> AppResult<CourseExtras> {
    let consents = ops::standing(state, &user.actor).await?;
    let favourite = ops::favourite_of(state, &user.actor, c, activity).await?;
    let reviews = match activity {
        Some(_) => None,
        None => Some(reviews_view(state, t, user, c, &consents, None).await?),
    };
    let base = c.base();
    Ok(CourseExtras {
        organisation: c.org.slug.to_string(),
        course_id: c.course.id.to_string(),
        activity_id: activity.map(|a| a.to_string()).unwrap_or_default(),
        back: match activity {
            Some(a) => format!("{base}/activities/{a}"),
            None => base,
        },
        favourites_on: consents.stands(purposes::FAVOURITES),
        favourite: favourite.map(|f| f.to_string()),
        reviews,
    })
}

async fn reviews_view(
    state: &AppState,
    t: Tr,
    user: &CurrentUser,
    c: &CourseCtx,
    consents: &Consents,
    failed: Option<(&ReviewInput, &FieldErrors)>,
) -> AppResult<ReviewsView> {
    let r = ops::course_reviews(state, &user.actor, c, consents).await?;
    let form = r.can_review.then(|| match failed {
        Some((input, errors)) => ReviewForm {
            rating: input.rating.trim().parse().unwrap_or(0),
            body: input.body.clone(),
            show_name: domain::learning::course::flag(&input.show_name),
            exists: r.mine.is_some(),
            errors: errors
                .0
                .iter()
                .map(|e| (e.field.clone(), t.field_error(e)))
                .collect(),
        },
        None => ReviewForm {
            rating: r.mine.as_ref().map_or(0, |m| m.rating),
            body: r.mine.as_ref().map(|m| m.body.clone()).unwrap_or_default(),
            show_name: r.mine.as_ref().is_some_and(|m| m.show_name),
            exists: r.mine.is_some(),
            errors: Vec::new(),
        },
    });
    Ok(ReviewsView {
        base: c.base(),
        summary: r.shown.summary.map(|(n, avg)| {
            t.fill(
                "reviews.summary",
                &[("average", &format!("{avg:.1}")), ("count", &n.to_string())],
            )
        }),
        withheld: r.shown.withheld,
        rows: r
            .shown
            .reviews
            .into_iter()
            .map(|x| ReviewRow {
                rating: x.rating,
                body: x.body,
                author: x
                    .author_name
                    .unwrap_or_else(|| t.get("reviews.anonymous").to_owned()),
                month: x.month,
            })
            .collect(),
        ask_consent: r.reviewable && !r.can_review,
        form,
    })
}

/// Saves the person's review of a course they take or took.
pub async fn save_review(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
    PageForm(input): PageForm<ReviewInput>,
) -> AppResult<Response> {
    let c = crate::learning::course_ctx(&state, &user, &slug, &id).await?;
    match ops::save_review(&state, &user.actor, &c, &input).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("{}?done=review_saved#reviews", c.base())).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let t = ctx.0.tr;
            let consents = ops::standing(&state, &user.actor).await?;
            let view =
                reviews_view(&state, t, &user, &c, &consents, Some((&input, &errors))).await?;
            render_invalid(&ReviewPage {
                l: ctx.layout("reviews.title", None),
                t,
                title: c.course.settings.title.clone(),
                r: view,
            })
        }
        Err(e) => Err(e),
    }
}

/// The review form again after invalid input (on its own page, with the course's name).
#[derive(Template)]
#[template(path = "course_review.html")]
struct ReviewPage {
    l: Layout,
    t: Tr,
    title: String,
    r: ReviewsView,
}

pub async fn delete_review(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((slug, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let c = crate::learning::course_ctx(&state, &user, &slug, &id).await?;
    ops::delete_review(&state, &user.actor, &c).await?;
    Ok(Redirect::to(&format!("{}?done=review_deleted#reviews", c.base())).into_response())
}

// ---- on the catalogue and the dashboard ----

pub struct RecommendationRow {
    pub title: String,
    pub link: String,
    pub owner: String,
    pub reason: String,
}

pub struct SearchRow {
    pub id: String,
    pub label: String,
    pub link: String,
}

/// What consents add to the catalogue and the dashboard.
pub struct CatalogueExtras {
    /// `None` while the recommendations consent does not stand (the section is not shown).
    pub recommendations: Option<Vec<RecommendationRow>>,
    /// `None` while the search-history consent does not stand.
    pub searches: Option<Vec<SearchRow>>,
}

fn reason(t: Tr, r: &domain::recommend::Reason) -> String {
    use domain::recommend::Reason;
    match r {
        Reason::PopularAfter { course } => {
            t.fill("recommendations.popular_after", &[("course", course)])
        }
        Reason::LikeFavourite { course } => {
            t.fill("recommendations.like_favourite", &[("course", course)])
        }
        Reason::Search { query } => t.fill("recommendations.search", &[("query", query)]),
        Reason::Topic { tag } => t.fill("recommendations.topic", &[("tag", tag)]),
    }
}

pub fn recommendation_rows(t: Tr, list: Vec<Recommended>) -> Vec<RecommendationRow> {
    list.into_iter()
        .map(|r| RecommendationRow {
            link: format!("/org/{}/courses/{}", r.owner_slug, r.recommendation.course),
            reason: reason(t, &r.recommendation.reason),
            title: r.recommendation.title,
            owner: r.owner_name,
        })
        .collect()
}

fn query_string(s: &domain::features::Search) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &s.query)
        .append_pair("language", &s.language)
        .append_pair("tag", &s.tag)
        .finish()
}

/// The catalogue's extras; records the search first (only while its consent stands), so that
/// it is among the recent searches at once.
pub async fn catalogue_extras(
    state: &AppState,
    t: Tr,
    user: &CurrentUser,
    (q, language, tag): (&str, &str, &str),
) -> AppResult<CatalogueExtras> {
    let consents = ops::standing(state, &user.actor).await?;
    ops::remember_search(state, &user.actor, &consents, q, language, tag).await?;
    let searches = if consents.stands(purposes::SEARCH_HISTORY) {
        Some(
            ops::recent_searches(state, &user.actor, &consents)
                .await?
                .into_iter()
                .map(|s| {
                    let mut label = s.search.query.clone();
                    for extra in [&s.search.tag, &s.search.language] {
                        if !extra.is_empty() {
                            if !label.is_empty() {
                                label.push_str(" · ");
                            }
                            label.push_str(extra);
                        }
                    }
                    SearchRow {
                        id: s.id.to_string(),
                        link: format!("/catalogue?{}", query_string(&s.search)),
                        label,
                    }
                })
                .collect(),
        )
    } else {
        None
    };
    let recommendations = ops::recommendations(state, &user.actor, &consents)
        .await?
        .map(|list| recommendation_rows(t, list));
    Ok(CatalogueExtras {
        recommendations,
        searches,
    })
}

/// The dashboard's extras: recommendations only.
pub async fn dashboard_extras(
    state: &AppState,
    t: Tr,
    user: &CurrentUser,
) -> AppResult<CatalogueExtras> {
    let consents = ops::standing(state, &user.actor).await?;
    let recommendations = ops::recommendations(state, &user.actor, &consents)
        .await?
        .map(|list| recommendation_rows(t, list));
    Ok(CatalogueExtras {
        recommendations,
        searches: None,
    })
}

/// Forgets the recent searches (all, or the one named) and goes back to the catalogue.
pub async fn forget_searches(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id = Some(id.as_str()).filter(|i| *i != "all");
    ops::forget_searches(&state, &user.actor, id).await?;
    Ok(Redirect::to("/catalogue?done=searches_forgotten").into_response())
}

// ---- competence ----

struct ItemRow {
    id: String,
    kind: String,
    course: String,
    organisation: String,
    date: String,
    expires: String,
}

struct LinkRow {
    id: String,
    label: String,
    created: String,
    expires: String,
    status: String,
    live: bool,
}

struct TransferRow {
    sent: String,
    recipient: String,
    purpose: String,
    version: u32,
    items: String,
}

struct RecipientOption {
    value: String,
    label: String,
    /// The consent it needs is given.
    allowed: bool,
}

#[derive(Template)]
#[template(path = "competence.html")]
struct CompetencePage {
    l: Layout,
    t: Tr,
    items: Vec<ItemRow>,
    links_on: bool,
    links: Vec<LinkRow>,
    new_link: Option<String>,
    link_form: FormView,
    send_on: bool,
    recipients: Vec<RecipientOption>,
    send_errors: Vec<(String, String)>,
    transfers: Vec<TransferRow>,
}

fn link_form(ctx: &Ctx, input: Option<&ShareLinkInput>, errors: &FieldErrors) -> FormView {
    FormBuilder::new(
        ctx.0.tr,
        "share-link",
        "/competence/links",
        "competence.create_link",
        &ctx.0.csrf,
    )
    .values(input.map(values_of).unwrap_or_default())
    .errors(errors)
    .input("label", "competence.field_link_label", "text", true)
    .hint("competence.hint_link_label")
    .input("expires_on", "competence.field_link_expires", "date", false)
    .hint("competence.hint_link_expires")
    .build()
}

fn item_rows(t: Tr, items: &[domain::competence::Item]) -> Vec<ItemRow> {
    items
        .iter()
        .map(|i| ItemRow {
            id: i.id.clone(),
            kind: t.get(&format!("competence.kind_{}", i.kind)).to_owned(),
            course: i.course.clone(),
            organisation: i.organisation.clone(),
            date: i.date.clone(),
            expires: i.expires_on.clone().unwrap_or_default(),
        })
        .collect()
}

struct CompetenceState<'a> {
    new_link: Option<String>,
    link_failed: Option<(&'a ShareLinkInput, &'a FieldErrors)>,
    send_errors: Option<&'a FieldErrors>,
    done: Option<&'a str>,
}

async fn competence_page(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    s: CompetenceState<'_>,
) -> AppResult<CompetencePage> {
    let t = ctx.0.tr;
    let consents = ops::standing(state, &user.actor).await?;
    let items = ops::competence(state, &user.actor).await?;
    let mut db = state.store.conn().await?;
    let links = store::competence::links(&mut db, user.actor.person_id).await?;
    drop(db);
    let recipients = ops::recipients_for(state, &user.actor).await?;
    let transfers = ops::transfers(state, &user.actor).await?;
    let today = store::now().date();
    let mut options: Vec<RecipientOption> = recipients
        .employers
        .iter()
        .map(|o| RecipientOption {
            value: format!("employer:{}", o.slug),
            label: t.fill("competence.to_employer", &[("name", &o.name)]),
            allowed: consents.stands(purposes::COMPETENCE_TO_EMPLOYER),
        })
        .collect();
    options.extend(recipients.databases.iter().map(|r| RecipientOption {
        value: format!("database:{}", r.id),
        label: t.fill(
            &format!("competence.to_{}", r.recipient.kind.as_str()),
            &[("name", &r.recipient.name)],
        ),
        allowed: consents.stands(r.recipient.kind.purpose()),
    }));
    let none = FieldErrors::new();
    let (link_input, link_errors) = match s.link_failed {
        Some((i, e)) => (Some(i), e),
        None => (None, &none),
    };
    Ok(CompetencePage {
        l: ctx.layout("competence.title", s.done),
        t,
        items: item_rows(t, &items),
        links_on: consents.stands(purposes::COMPETENCE_TO_OTHERS),
        links: links
            .into_iter()
            .map(|k| {
                let works =
                    domain::competence::link_works(k.revoked_at.is_some(), k.expires_on, today);
                let status = if k.revoked_at.is_some() {
                    "competence.link_revoked"
                } else if works {
                    "competence.link_active"
                } else {
                    "competence.link_expired"
                };
                LinkRow {
                    id: k.id.to_string(),
                    label: k.label,
                    created: k.created_at.date().to_string(),
                    expires: k.expires_on.map(|d| d.to_string()).unwrap_or_default(),
                    status: t.get(status).to_owned(),
                    live: works,
                }
            })
            .collect(),
        new_link: s.new_link,
        link_form: link_form(ctx, link_input, link_errors),
        send_on: options.iter().any(|o| o.allowed),
        recipients: options.into_iter().filter(|o| o.allowed).collect(),
        send_errors: s
            .send_errors
            .map(|e| {
                e.0.iter()
                    .map(|f| (f.field.clone(), t.field_error(f)))
                    .collect()
            })
            .unwrap_or_default(),
        transfers: transfers
            .into_iter()
            .map(|x| TransferRow {
                sent: date_time(x.sent_at),
                recipient: x.recipient_name,
                purpose: catalogue()
                    .get(&x.purpose)
                    .map(|d| d.current().title.get(t.lang).to_owned())
                    .unwrap_or(x.purpose),
                version: x.consent_version,
                items: x
                    .items
                    .iter()
                    .map(|i| i.course.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect(),
    })
}

/// The person's competence: what they completed and hold, their share links and what they sent.
pub async fn competence(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    done: DoneQuery,
) -> AppResult<Response> {
    let s = CompetenceState {
        new_link: None,
        link_failed: None,
        send_errors: None,
        done: done.done.as_deref(),
    };
    render(&competence_page(&state, &ctx, &user, s).await?)
}

/// Makes a share link and shows it once, on the page that made it.
pub async fn create_link(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    PageForm(input): PageForm<ShareLinkInput>,
) -> AppResult<Response> {
    match ops::create_share_link(&state, &user.actor, &input).await {
        Ok((_, token)) => {
            let link = format!(
                "{}/shared/{token}",
                state.config.public_url.trim_end_matches('/')
            );
            let s = CompetenceState {
                new_link: Some(link),
                link_failed: None,
                send_errors: None,
                done: Some("link_created"),
            };
            render(&competence_page(&state, &ctx, &user, s).await?)
        }
        Err(AppError::Invalid(errors)) => {
            let s = CompetenceState {
                new_link: None,
                link_failed: Some((&input, &errors)),
                send_errors: None,
                done: None,
            };
            render_invalid(&competence_page(&state, &ctx, &user, s).await?)
        }
        Err(e) => Err(e),
    }
}

pub async fn revoke_link(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ops::revoke_share_link(&state, &user.actor, &id).await?;
    Ok(Redirect::to("/competence?done=link_revoked").into_response())
}

/// Sends the ticked items to the chosen recipient.
pub async fn send(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    form: Pairs,
) -> AppResult<Response> {
    let input = TransferInput {
        recipient: form.get("recipient").unwrap_or_default(),
        items: form.all("items").map(str::to_owned).collect(),
    };
    match ops::send_competence(&state, &user.actor, &input).await {
        Ok(_) => Ok(Redirect::to("/competence?done=competence_sent").into_response()),
        Err(AppError::Invalid(errors)) => {
            let s = CompetenceState {
                new_link: None,
                link_failed: None,
                send_errors: Some(&errors),
                done: None,
            };
            render_invalid(&competence_page(&state, &ctx, &user, s).await?)
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "shared.html")]
struct SharedPage {
    l: Layout,
    t: Tr,
    name: String,
    items: Vec<ItemRow>,
}

/// What a share link shows, to anyone holding it. Unknown, revoked and expired links, and
/// links of someone who withdrew the consent, are all simply not found.
pub async fn shared(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let t = ctx.0.tr;
    let found = ops::shared(&state, &token).await?;
    render(&SharedPage {
        l: ctx.layout("shared.title", None),
        t,
        items: item_rows(t, &found.items),
        name: found.name,
    })
}

// ---- the published list of recipients ----

struct RecipientRow {
    id: String,
    name: String,
    service: String,
    kind: String,
    country: String,
    outside_eea: bool,
    url: String,
    added: String,
    ended: String,
}

#[derive(Template)]
#[template(path = "competence_recipients.html")]
struct RecipientsPage {
    l: Layout,
    t: Tr,
    current: Vec<RecipientRow>,
    past: Vec<RecipientRow>,
    /// The operator's form (operators only).
    add: Option<FormView>,
}

async fn recipients_page(
    state: &AppState,
    ctx: &Ctx,
    failed: Option<(&RecipientInput, &FieldErrors)>,
    done: Option<&str>,
) -> AppResult<RecipientsPage> {
    let t = ctx.0.tr;
    let operator = ctx.0.user.as_ref().is_some_and(|u| u.actor.operator);
    let today = store::now().date();
    let (mut current, mut past) = (Vec::new(), Vec::new());
    for e in ops::recipient_list(state).await? {
        let row = RecipientRow {
            id: e.id.to_string(),
            name: e.recipient.name,
            service: e.recipient.service,
            kind: t
                .get(&format!("competence.db_kind_{}", e.recipient.kind.as_str()))
                .to_owned(),
            country: e.recipient.country,
            outside_eea: e.recipient.outside_eea,
            url: e.recipient.url.unwrap_or_default(),
            added: e.added_on.to_string(),
            ended: e.ended_on.map(|d| d.to_string()).unwrap_or_default(),
        };
        if e.ended_on.is_none_or(|d| d > today) {
            current.push(row);
        } else {
            past.push(row);
        }
    }
    let add = operator.then(|| {
        let none = FieldErrors::new();
        let (values, errors) = match failed {
            Some((input, errors)) => (values_of(input), errors),
            None => (HashMap::new(), &none),
        };
        FormBuilder::new(
            t,
            "recipient",
            "/operator/competence-recipients",
            "recipients.add",
            &ctx.0.csrf,
        )
        .values(values)
        .errors(errors)
        .input("name", "recipients.field_name", "text", true)
        .input("service", "recipients.field_service", "textarea", true)
        .select(
            "kind",
            "recipients.field_kind",
            true,
            domain::competence::DatabaseKind::ALL
                .iter()
                .map(|k| {
                    (
                        k.as_str().to_owned(),
                        t.get(&format!("competence.db_kind_{}", k.as_str()))
                            .to_owned(),
                    )
                })
                .collect(),
        )
        .input("country", "field.sp_country", "text", true)
        .hint("hint.sp_country")
        .input("url", "recipients.field_url", "url", false)
        .input("outside_eea", "field.sp_outside_eea", "checkbox", false)
        .build()
    });
    Ok(RecipientsPage {
        l: ctx.layout("recipients.title", done),
        t,
        current,
        past,
        add,
    })
}

/// The published list of who may receive shared competence (public).
pub async fn recipients(
    State(state): State<AppState>,
    ctx: Ctx,
    done: DoneQuery,
) -> AppResult<Response> {
    render(&recipients_page(&state, &ctx, None, done.done.as_deref()).await?)
}

/// The list with the operator's form (operators only).
pub async fn operator_recipients(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    done: DoneQuery,
) -> AppResult<Response> {
    if !user.actor.operator {
        return Err(AppError::Forbidden("forbidden"));
    }
    render(&recipients_page(&state, &ctx, None, done.done.as_deref()).await?)
}

pub async fn add_recipient(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    PageForm(input): PageForm<RecipientInput>,
) -> AppResult<Response> {
    match ops::add_recipient(&state, &user, &input).await {
        Ok(_) => Ok(
            Redirect::to("/operator/competence-recipients?done=recipient_added").into_response(),
        ),
        Err(AppError::Invalid(errors)) => {
            render_invalid(&recipients_page(&state, &ctx, Some((&input, &errors)), None).await?)
        }
        Err(e) => Err(e),
    }
}

pub async fn end_recipient(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ops::end_recipient(&state, &user, &id).await?;
    Ok(Redirect::to("/operator/competence-recipients?done=recipient_ended").into_response())
}

// ---- what an organisation received ----

struct ReceivedRow {
    name: String,
    sent: String,
    items: Vec<ItemRow>,
}

#[derive(Template)]
#[template(path = "org_shared_competence.html")]
struct ReceivedPage {
    l: Layout,
    t: Tr,
    org_name: String,
    rows: Vec<ReceivedRow>,
}

/// Competence members sent the organisation (its administrators), while their consent stands.
pub async fn received(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let t = ctx.0.tr;
    let (org, list) = ops::received(&state, &user, &slug).await?;
    render(&ReceivedPage {
        l: ctx.layout("received.title", None),
        t,
        org_name: org.name,
        rows: list
            .into_iter()
            .map(|r| ReceivedRow {
                name: r.name,
                sent: date_time(r.sent_at),
                items: item_rows(t, &r.items),
            })
            .collect(),
    })
}
