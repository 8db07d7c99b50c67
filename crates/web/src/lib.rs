//! Tavle's web layer: server-rendered pages, the JSON API under `/api/v1` with its OpenAPI
//! document, sessions, CSRF protection and security headers. Handlers are thin: they parse
//! input, call [`ops`] (shared by pages and API) or the store's [`store::seam`], and render.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum_extra::extract::cookie::CookieJar;
use domain::org::Language;
use subtle::ConstantTimeEq;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

pub mod api;
pub mod audit;
pub mod auth;
pub mod consents;
pub mod cookies;
pub mod error;
pub mod forms;
pub mod i18n;
pub mod learning;
pub mod metrics;
pub mod newsletter;
pub mod ops;
pub mod pages;
pub mod policies;
pub mod privacy;

use auth::{CSRF_COOKIE, CurrentUser, SESSION_COOKIE};
use error::{AppError, PendingError};
use i18n::Tr;

/// Settings the web layer needs; the binary fills them from its configuration.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Mark cookies `Secure` and send HSTS (set when Tavle is served over TLS).
    pub secure_cookies: bool,
    /// A session ends after this long without a request.
    pub session_idle: time::Duration,
    /// Larger request bodies are refused with 413.
    pub max_body_bytes: usize,
    /// Where people reach Tavle, for links in e-mails (`https://tavle.example.no`).
    pub public_url: String,
    /// Uploads (assignments, proofs, images) may be this large; other bodies `max_body_bytes`.
    pub max_upload_bytes: usize,
    /// Uploaded files are kept under `data_dir/files/`.
    pub data_dir: std::path::PathBuf,
    /// The platform operator as controller (the platform privacy notice, for people who
    /// belong to no organisation).
    pub operator: domain::registry::notice::Controller,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            session_idle: time::Duration::hours(8),
            max_body_bytes: 1024 * 1024,
            public_url: "http://127.0.0.1:8080".into(),
            max_upload_bytes: 50 * 1024 * 1024,
            data_dir: "tavle-data".into(),
            operator: domain::registry::notice::Controller {
                name: "Tavle".into(),
                kind: domain::org::OrganisationKind::Private,
                contact_email: None,
                dpo_name: None,
                dpo_email: None,
            },
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: store::Store,
    pub config: Arc<WebConfig>,
    pub files: store::learning::files::FileStore,
    /// Activity progress goes through one group-commit writer.
    pub progress: store::learning::writer::ProgressWriter,
    /// Reads of other people's data are audited through one batching writer.
    pub audit: store::audit::AuditSink,
    /// The key newsletter unsubscribe links are signed with, loaded at first use
    /// ([`newsletter::key`]).
    pub newsletter_key: Arc<std::sync::OnceLock<[u8; 32]>>,
}

impl AppState {
    /// The state for `store` and `config`; starts the progress writer on the current runtime.
    pub fn new(store: store::Store, config: WebConfig) -> Self {
        let files = store::learning::files::FileStore::local(config.data_dir.join("files"));
        let progress = store::learning::writer::ProgressWriter::spawn(store.clone());
        let audit = store::audit::AuditSink::spawn(store.clone());
        Self {
            audit,
            store,
            config: Arc::new(config),
            files,
            progress,
            newsletter_key: Arc::default(),
        }
    }
}

/// What the middleware learned about a request, for handlers and extractors.
#[derive(Clone, Debug)]
pub struct RequestContext {
    pub user: Option<CurrentUser>,
    pub tr: Tr,
    /// The CSRF token forms must echo in `csrf_token` (and API calls in `X-CSRF-Token`).
    pub csrf: String,
    /// A session cookie came with the request but no longer names a live session.
    pub session_expired: bool,
    /// The peer's address (for login throttling), when the server records it.
    pub client_ip: Option<std::net::IpAddr>,
    /// The page should show the cookie banner: nobody answered it for this browser or person.
    /// Worked out for HTML `GET`s only.
    pub cookie_banner: bool,
    /// The request's path and query, for forms that return here (the cookie banner).
    pub here: String,
}

/// The whole application as a router: used by `tavle serve` and by the integration tests.
pub fn app(state: AppState) -> Router {
    let (api_routes, mut openapi) = api::router().split_for_parts();
    let (api_uploads, upload_doc) = api::upload_router().split_for_parts();
    openapi.merge(upload_doc);
    let openapi_json = serde_json::to_string_pretty(&openapi).unwrap_or_default();
    let max_body = state.config.max_body_bytes;
    // Uploads stream to the file store, which stops at `max_upload_bytes` itself; the layer
    // only caps the whole multipart body (the file plus a few small fields).
    let max_upload = state.config.max_upload_bytes.max(max_body) + 64 * 1024;
    let uploads = Router::new()
        .merge(pages::upload_router())
        .merge(api_uploads)
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(max_upload));
    let dynamic = Router::new()
        .merge(pages::router())
        .merge(api_routes)
        .route(
            "/api/openapi.json",
            get(
                move || async move { ([(header::CONTENT_TYPE, "application/json")], openapi_json) },
            ),
        )
        .layer(RequestBodyLimitLayer::new(max_body))
        .merge(uploads)
        .fallback(|| async { AppError::NotFound })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            request_context,
        ))
        .with_state(state.clone());
    let fixed = Router::new()
        .route("/static/style.css", get(stylesheet))
        .route("/static/activity.js", get(activity_script))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics::render))
        .with_state(state.clone());
    let secure = state.config.secure_cookies;
    dynamic
        .merge(fixed)
        .layer(middleware::from_fn(metrics::track))
        .layer(middleware::from_fn(move |req, next| security_headers(secure, req, next)))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request| {
                // Path only: query strings may carry personal data; ids in paths are not personal data.
                let id = req.extensions().get::<RequestId>().and_then(|r| r.header_value().to_str().ok()).unwrap_or("");
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
            })
            .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/style.css"),
    )
}

async fn activity_script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/activity.js"),
    )
}

async fn ready(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "database not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Security headers on every response: a CSP without inline script, no framing, no referrer,
/// no sniffing, no caching of pages that may hold personal data, HSTS under TLS.
async fn security_headers(secure: bool, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    let fixed = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if secure {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// Paths that change state without a CSRF token: the API login, which has no session yet, and
/// the newsletter's public subscribe, confirm and unsubscribe-by-token calls, which need none;
/// all take only JSON (a cross-site form cannot send it).
fn csrf_exempt(method: &Method, path: &str) -> bool {
    method == Method::POST
        && matches!(
            path,
            "/api/v1/session"
                | "/api/v1/newsletter/subscriptions"
                | "/api/v1/newsletter/confirmations"
                | "/api/v1/newsletter/unsubscriptions"
        )
}

/// What a person held at the policy gate may still reach: the acceptance page and its forms,
/// logging out (and in again), the public list of policies and sub-processors, and the API's
/// session, pending, accept, refuse and deletion-request endpoints.
fn gate_lets_through(method: &Method, path: &str) -> bool {
    let read = matches!(*method, Method::GET | Method::HEAD);
    match path {
        "/logout" | "/logout/everywhere" | "/login" | "/policies/accept" | "/policies/refuse" => {
            true
        }
        "/policies" | "/privacy/sub-processors" | "/api/openapi.json" => read,
        "/api/v1/session" | "/api/v1/session/everywhere" => true,
        "/api/v1/policies" | "/api/v1/me/policies/pending" | "/api/v1/me/deletion-requests" => read,
        "/api/v1/me/policies/acceptances" | "/api/v1/me/policies/refusals" => {
            *method == Method::POST
        }
        _ => path.starts_with("/password/"),
    }
}

/// The answer to a held person: pages go to the acceptance page (and back afterwards); the
/// API answers 403 `policy_acceptance_required` naming where to accept.
fn held_at_gate(uri: &axum::http::Uri, tr: Tr, is_api: bool) -> Response {
    if is_api {
        let body = serde_json::json!({
            "type": "/api/problems/policy_acceptance_required",
            "title": tr.error("policy_acceptance_required"),
            "status": 403,
            "code": "policy_acceptance_required",
            "accept_url": policies::ACCEPT_PATH,
            "pending_url": policies::PENDING_API_PATH,
        });
        let link = format!(
            "<{}>; rel=\"related\", <{}>; rel=\"alternate\"; type=\"text/html\"",
            policies::PENDING_API_PATH,
            policies::ACCEPT_PATH
        );
        let mut response = (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body.to_string(),
        )
            .into_response();
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
        return response;
    }
    let next = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
    axum::response::Redirect::to(&format!("{}?{query}", policies::ACCEPT_PATH)).into_response()
}

/// Loads the session and language, checks CSRF on state-changing requests, and renders any
/// error the handlers returned in the requester's language.
async fn request_context(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let jar = CookieJar::from_headers(req.headers());
    let is_api = req.uri().path().starts_with("/api/");
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let mut tr = Tr::new(i18n::negotiate(accept));

    let (csrf, csrf_is_new) = match jar.get(CSRF_COOKIE).map(|c| c.value().to_owned()) {
        Some(token) if token.len() == 43 => (token, false),
        _ => (auth::new_token(), true),
    };

    let client_ip = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let mut user = None;
    let mut session_expired = false;
    if let Some(token) = bearer.filter(|_| is_api) {
        // A token stands alone: no cookies, no CSRF (a cross-site page cannot set this header).
        match auth::token_user(&state, &token, req.method(), req.uri().path()).await {
            Ok(found) => user = Some(found),
            Err(e) => return render_error(e.into_response(), tr, is_api),
        }
    } else if let Some(cookie) = jar.get(SESSION_COOKIE) {
        match load_user(&state, cookie.value(), req.uri().path()).await {
            Ok(Some((found, language))) => {
                if let Some(language) = language {
                    tr = Tr::new(language);
                }
                user = Some(found);
            }
            Ok(None) => session_expired = true,
            Err(e) => return render_error(e.into_response(), tr, is_api),
        }
    }

    if let Some(held) = user.as_ref().filter(|u| u.policies_pending)
        && !gate_lets_through(req.method(), req.uri().path())
    {
        tracing::debug!(person = %held.actor.person_id, "held at the policy gate");
        return held_at_gate(req.uri(), tr, is_api);
    }

    let method = req.method().clone();
    let unsafe_method = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
    let via_token = user.as_ref().is_some_and(|u| u.token.is_some());
    if unsafe_method && !via_token && !csrf_exempt(&method, req.uri().path()) {
        match check_csrf(req, &csrf, csrf_is_new, state.config.max_body_bytes).await {
            Ok(checked) => req = checked,
            Err(e) => return render_error(e.into_response(), tr, is_api),
        }
    }

    let cookie_banner = !is_api
        && method == Method::GET
        && !req.uri().path().starts_with("/static/")
        && cookies::banner_needed(user.as_ref(), req.headers());
    let here = req
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    req.extensions_mut().insert(RequestContext {
        user,
        tr,
        csrf: csrf.clone(),
        session_expired,
        client_ip,
        cookie_banner,
        here,
    });
    let response = next.run(req).await;
    let mut response = render_error(response, tr, is_api);
    let sets = |name: &str| {
        let prefix = format!("{name}=");
        response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|v| v.to_str().is_ok_and(|s| s.starts_with(&prefix)))
    };
    let (sets_csrf, sets_session) = (sets(CSRF_COOKIE), sets(SESSION_COOKIE));
    if csrf_is_new && !sets_csrf {
        append_cookie(
            response.headers_mut(),
            &auth::cookie(&state, CSRF_COOKIE, csrf),
        );
    }
    // A stale session cookie is removed, unless this response (a login) sets a new one.
    if session_expired && !sets_session {
        append_cookie(
            response.headers_mut(),
            &auth::removal(&state, SESSION_COOKIE),
        );
    }
    response
}

pub(crate) fn append_cookie(
    headers: &mut HeaderMap,
    cookie: &axum_extra::extract::cookie::Cookie<'_>,
) {
    if let Ok(value) = HeaderValue::from_str(&cookie.encoded().to_string()) {
        headers.append(header::SET_COOKIE, value);
    }
}

/// The organisation slug a path names (`/org/{slug}/…`, `/api/v1/organisations/{slug}/…`).
fn organisation_slug_in(path: &str) -> Option<&str> {
    let rest = path
        .strip_prefix("/org/")
        .or_else(|| path.strip_prefix("/api/v1/organisations/"))?;
    let slug = rest.split('/').next()?;
    (!slug.is_empty()).then_some(slug)
}

/// The person behind a session token and their chosen language, with the organisation the
/// path names; `None` when the session is unknown or has expired (it is then deleted).
async fn load_user(
    state: &AppState,
    token: &str,
    path: &str,
) -> Result<Option<(CurrentUser, Option<Language>)>, AppError> {
    let hash = auth::token_hash(token);
    let mut db = state.store.conn().await?;
    let slug = organisation_slug_in(path);
    let Some(found) = store::sessions::find_signed_in(&mut db, &hash, slug).await? else {
        return Ok(None);
    };
    let now = store::now();
    if found.session.expires_at <= now {
        store::sessions::delete(&mut db, &hash).await?;
        return Ok(None);
    }
    if now - found.session.last_seen_at > time::Duration::minutes(1) {
        store::sessions::touch(&mut db, &hash, now + state.config.session_idle).await?;
    }
    Ok(Some((
        CurrentUser {
            actor: found.actor,
            organisation: found.organisation,
            session_hash: hash,
            token: None,
            policies_pending: found.policies_pending,
            cookie_answer: found.cookie_answer,
        },
        found.language,
    )))
}

/// Double-submit check: the token in the `X-CSRF-Token` header or the form's `csrf_token`
/// field must equal the CSRF cookie. The form body is read (within the size limit) and put back.
async fn check_csrf(
    req: Request,
    cookie_token: &str,
    cookie_is_new: bool,
    max_body: usize,
) -> Result<Request, AppError> {
    let matches =
        |given: &str| !cookie_is_new && bool::from(given.as_bytes().ct_eq(cookie_token.as_bytes()));
    if let Some(given) = req.headers().get("x-csrf-token") {
        return if given.to_str().is_ok_and(matches) {
            Ok(req)
        } else {
            Err(AppError::Forbidden("csrf_failed"))
        };
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    // File uploads carry the token in the form's action URL: the body is not read here.
    if content_type.starts_with("multipart/form-data") {
        let given = req.uri().query().and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "csrf_token")
                .map(|(_, v)| v.into_owned())
        });
        return if given.as_deref().is_some_and(matches) {
            Ok(req)
        } else {
            Err(AppError::Forbidden("csrf_failed"))
        };
    }
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    if !is_form {
        return Err(AppError::Forbidden("csrf_failed"));
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, max_body)
        .await
        .map_err(|_| AppError::TooLarge)?;
    let found = form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "csrf_token")
        .map(|(_, v)| v.into_owned());
    if found.as_deref().is_some_and(matches) {
        Ok(Request::from_parts(parts, Body::from(bytes)))
    } else {
        Err(AppError::Forbidden("csrf_failed"))
    }
}

/// Renders an error response: problem+json (RFC 9457) for the API, an HTML page otherwise.
/// Bare statuses from the framework (404 fallback, 405, 413) are rendered the same way.
fn render_error(response: Response, tr: Tr, is_api: bool) -> Response {
    let pending = match response.extensions().get::<PendingError>() {
        Some(p) => p.clone(),
        None => {
            let code = match response.status() {
                StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
                StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
                _ => return response,
            };
            PendingError {
                code,
                status: response.status(),
                fields: Default::default(),
                detail: None,
            }
        }
    };
    let title = tr.error(pending.code);
    let mut pending = pending;
    if pending.code == "consent_required"
        && let Some(purpose) = &pending.detail
        && let Some(d) = domain::consent::catalogue().get(purpose)
    {
        pending.detail = Some(tr.fill(
            "error.consent_required_detail",
            &[("purpose", d.current().title.get(tr.lang))],
        ));
    }
    let mut rendered = if is_api {
        let errors: Vec<_> = pending
            .fields
            .0
            .iter()
            .map(|f| serde_json::json!({ "field": f.field, "code": f.code, "message": tr.field_error(f) }))
            .collect();
        let mut body = serde_json::json!({
            "type": format!("/api/problems/{}", pending.code),
            "title": title,
            "status": pending.status.as_u16(),
            "code": pending.code,
        });
        if let Some(detail) = &pending.detail {
            body["detail"] = detail.clone().into();
        }
        if !errors.is_empty() {
            body["errors"] = errors.into();
        }
        (
            [(header::CONTENT_TYPE, "application/problem+json")],
            body.to_string(),
        )
            .into_response()
    } else {
        let page = pages::ErrorPage {
            t: tr,
            title,
            detail: pending.detail.clone(),
        };
        match askama::Template::render(&page) {
            Ok(html) => Html(html).into_response(),
            Err(_) => pending.code.into_response(),
        }
    };
    *rendered.status_mut() = pending.status;
    // Keep headers the handler set (cookies, Location) except the body's own.
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rendered.headers_mut().append(name.clone(), value.clone());
        }
    }
    rendered
}

#[cfg(test)]
mod tests {
    use super::organisation_slug_in;

    #[test]
    fn the_organisation_a_path_names_is_found_for_pages_and_the_api() {
        assert_eq!(organisation_slug_in("/org/demo/admin/people"), Some("demo"));
        assert_eq!(organisation_slug_in("/org/demo"), Some("demo"));
        assert_eq!(
            organisation_slug_in("/api/v1/organisations/demo/people"),
            Some("demo")
        );
        assert_eq!(
            organisation_slug_in("/api/v1/organisations/demo"),
            Some("demo")
        );
        for none in [
            "/profile",
            "/org/",
            "/api/v1/organisations",
            "/organisations/demo",
            "/",
        ] {
            assert_eq!(organisation_slug_in(none), None, "{none}");
        }
    }
}
