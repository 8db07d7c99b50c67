//! Server-rendered HTML pages. They work without JavaScript; every form posts its CSRF token;
//! every string comes from the message catalogue.

use askama::Template;
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::{AppState, RequestContext};

mod access_log;
mod admin;
pub mod consents;
pub mod cookies;
mod import;
mod jobs;
mod learning;
pub mod newsletter;
mod operator;
mod password;
pub(crate) mod policies;
mod privacy;
mod profile;
mod session;
mod tokens;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(profile::home))
        .route("/login", get(session::login_page).post(session::login))
        .route("/logout", post(session::logout))
        .route("/logout/everywhere", post(session::logout_everywhere))
        .route("/profile", get(profile::show).post(profile::save))
        .route("/privacy/access-log", get(access_log::access_log))
        .route("/org/{slug}/dpo/audit", get(access_log::dpo_audit))
        .route(
            "/profile/tokens",
            get(tokens::personal_tokens).post(tokens::create_personal),
        )
        .route("/profile/tokens/{id}/revoke", post(tokens::revoke_personal))
        .route(
            "/password/forgot",
            get(password::forgot_page).post(password::forgot),
        )
        .route("/password/set", get(password::set_page).post(password::set))
        .route("/org/{slug}/team", get(admin::team))
        .route("/org/{slug}/admin", get(admin::overview))
        .route("/org/{slug}/admin/settings", post(admin::save_settings))
        .route(
            "/org/{slug}/admin/units",
            get(admin::units).post(admin::create_unit),
        )
        .route(
            "/org/{slug}/admin/people",
            get(admin::people).post(admin::create_person),
        )
        .route(
            "/org/{slug}/admin/people/existing",
            post(admin::add_existing),
        )
        .route("/org/{slug}/admin/people/new", get(admin::new_person))
        .route("/org/{slug}/admin/people/{person_id}", get(admin::person))
        .route(
            "/org/{slug}/admin/people/{person_id}/roles",
            post(admin::set_role),
        )
        .route(
            "/org/{slug}/admin/memberships/{id}",
            post(admin::save_membership),
        )
        .route(
            "/org/{slug}/admin/people/{person_id}/invite",
            post(admin::invite),
        )
        .route(
            "/org/{slug}/admin/integrations",
            get(tokens::service_tokens).post(tokens::create_service),
        )
        .route(
            "/org/{slug}/admin/integrations/{id}/revoke",
            post(tokens::revoke_service),
        )
        .route(
            "/org/{slug}/admin/import",
            get(import::show).post(import::preview),
        )
        .route("/org/{slug}/admin/import/apply", post(import::apply))
        .route("/operator", get(operator::overview))
        .route(
            "/operator/organisations",
            post(operator::create_organisation),
        )
        .route("/operator/admins", post(operator::grant_admin))
        .route("/operator/jobs", get(jobs::overview))
        .route(
            "/operator/sub-processors",
            get(privacy::operator_sub_processors).post(privacy::add_sub_processor),
        )
        .route(
            "/operator/sub-processors/{id}/end",
            post(privacy::end_sub_processor),
        )
        .route("/privacy", get(privacy::mine))
        .route("/policies", get(policies::list))
        .route(
            "/policies/accept",
            get(policies::show_accept).post(policies::accept),
        )
        .route("/policies/refuse", post(policies::refuse))
        .route(
            "/privacy/acceptances/{id}/withdraw",
            post(policies::withdraw),
        )
        .route(
            "/org/{slug}/admin/policies",
            get(policies::org_list).post(policies::org_create),
        )
        .route(
            "/org/{slug}/admin/policies/{policy}",
            get(policies::org_policy),
        )
        .route(
            "/org/{slug}/admin/policies/{policy}/versions",
            post(policies::org_new_version),
        )
        .route(
            "/org/{slug}/admin/policy-versions/{version}/publish",
            post(policies::org_publish),
        )
        .route(
            "/org/{slug}/admin/policy-versions/{version}/retire",
            post(policies::org_retire),
        )
        .route(
            "/org/{slug}/admin/policy-versions/{version}/discard",
            post(policies::org_discard),
        )
        .route(
            "/operator/policies",
            get(policies::platform_list).post(policies::platform_create),
        )
        .route(
            "/operator/policies/{policy}",
            get(policies::platform_policy),
        )
        .route(
            "/operator/policies/{policy}/versions",
            post(policies::platform_new_version),
        )
        .route(
            "/operator/policy-versions/{version}/publish",
            post(policies::platform_publish),
        )
        .route(
            "/operator/policy-versions/{version}/retire",
            post(policies::platform_retire),
        )
        .route(
            "/operator/policy-versions/{version}/discard",
            post(policies::platform_discard),
        )
        .route("/privacy/sub-processors", get(privacy::sub_processors))
        .route(
            "/org/{slug}/privacy-notice",
            get(privacy::organisation_notice),
        )
        .route("/org/{slug}/dpo/ropa", get(privacy::ropa))
        .route("/org/{slug}/dpo/registry", get(privacy::registry_page))
        .merge(consents_router())
        .merge(learning::router())
}

/// Consents and the features they govern (`consents`).
fn consents_router() -> Router<AppState> {
    Router::new()
        .route("/privacy/consents", get(consents::consents))
        .route(cookies::PATH, get(cookies::page).post(cookies::choose))
        .route(
            "/newsletter",
            get(newsletter::page).post(newsletter::subscribe),
        )
        .route(
            "/newsletter/confirm",
            get(newsletter::confirm_page).post(newsletter::confirm),
        )
        .route(
            "/newsletter/unsubscribe",
            get(newsletter::unsubscribe_page).post(newsletter::unsubscribe),
        )
        .route(
            "/profile/newsletter/unsubscribe",
            post(newsletter::unsubscribe_mine),
        )
        .route(
            "/operator/newsletter",
            get(newsletter::operator_page).post(newsletter::operator_send),
        )
        .route("/privacy/consents/{purpose}", post(consents::change))
        .route(
            "/privacy/consents/{purpose}/versions/{version}",
            get(consents::version),
        )
        .route("/privacy/competence-recipients", get(consents::recipients))
        .route(
            "/operator/competence-recipients",
            get(consents::operator_recipients).post(consents::add_recipient),
        )
        .route(
            "/operator/competence-recipients/{id}/end",
            post(consents::end_recipient),
        )
        .route(
            "/favourites",
            get(consents::favourites).post(consents::add_favourite),
        )
        .route("/favourites/{id}/remove", post(consents::remove_favourite))
        .route("/favourites/lists", post(consents::create_list))
        .route("/favourites/lists/add", post(consents::add_to_list))
        .route("/favourites/lists/{id}", post(consents::rename_list))
        .route("/favourites/lists/{id}/delete", post(consents::delete_list))
        .route(
            "/favourites/lists/{id}/items/{favourite}/remove",
            post(consents::remove_from_list),
        )
        .route(
            "/org/{slug}/courses/{id}/review",
            post(consents::save_review),
        )
        .route(
            "/org/{slug}/courses/{id}/review/delete",
            post(consents::delete_review),
        )
        .route(
            "/catalogue/searches/{id}/forget",
            post(consents::forget_searches),
        )
        .route("/competence", get(consents::competence))
        .route("/competence/links", post(consents::create_link))
        .route("/competence/links/{id}/revoke", post(consents::revoke_link))
        .route("/competence/send", post(consents::send))
        .route("/shared/{token}", get(consents::shared))
        .route(
            "/org/{slug}/admin/shared-competence",
            get(consents::received),
        )
}

/// Pages that take file uploads (multipart): they get the upload size limit instead of the
/// body limit (see [`crate::app`]).
pub fn upload_router() -> Router<AppState> {
    learning::upload_router()
}

/// What every page's frame needs.
pub struct Layout {
    pub t: Tr,
    pub csrf: String,
    pub signed_in: bool,
    pub operator: bool,
    pub title: String,
    pub flash: Option<String>,
    /// Show the cookie banner (nobody answered it yet).
    pub cookie_banner: bool,
    /// Where the banner's form returns to.
    pub here: String,
}

/// The request's context, as an extractor (the middleware always provides it).
pub struct Ctx(pub RequestContext);

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestContext>()
            .cloned()
            .map(Self)
            .ok_or_else(|| AppError::internal("request context missing"))
    }
}

impl Ctx {
    /// The page frame, titled by a catalogue key; `done` is the `?done=` flash after a redirect.
    pub fn layout(&self, title_key: &str, done: Option<&str>) -> Layout {
        let t = self.0.tr;
        Layout {
            t,
            csrf: self.0.csrf.clone(),
            signed_in: self.0.user.is_some(),
            operator: self.0.user.as_ref().is_some_and(|u| u.actor.operator),
            title: t.get(title_key).to_owned(),
            flash: done
                .map(|d| t.get(&format!("flash.{d}")).to_owned())
                .filter(|s| !s.starts_with("flash.")),
            // The cookies page asks the same question itself.
            cookie_banner: self.0.cookie_banner && !self.0.here.starts_with(cookies::PATH),
            here: self.0.here.clone(),
        }
    }
}

/// `?done=…` after a successful POST (post/redirect/get).
#[derive(Deserialize, Default)]
pub struct Done {
    pub done: Option<String>,
    /// The page of a long list (from 1).
    pub page: Option<i64>,
    /// Keyset links of a long list: the membership just before (`after`) or after (`before`)
    /// the page (see [`store::seam::Page`]).
    pub after: Option<String>,
    pub before: Option<String>,
}

impl Done {
    /// The page of a long list this query asks for, `size` rows.
    pub fn list_page(&self, size: i64) -> store::seam::Page {
        crate::ops::list_page(
            self.page,
            size,
            self.after.as_deref(),
            self.before.as_deref(),
        )
    }
}

pub type DoneQuery = Query<Done>;

/// A URL-encoded form; a body that is not one is a `malformed_body` error.
pub struct PageForm<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for PageForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|axum::Form(v)| Self(v))
            .map_err(|e| AppError::Malformed(e.body_text()))
    }
}

pub fn render(page: &impl Template) -> AppResult<Response> {
    // Room for a long page up front: growing a 14 KB list page from the template's own size
    // hint copied it several times.
    let mut html = String::with_capacity(16 * 1024);
    page.render_into(&mut html)?;
    Ok(Html(html).into_response())
}

/// Renders a page again with status 422 after invalid input.
pub fn render_invalid(page: &impl Template) -> AppResult<Response> {
    let mut response = render(page)?;
    *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

/// Shown for any error on an HTML path (rendered by the middleware).
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub t: Tr,
    pub title: String,
    pub detail: Option<String>,
}
