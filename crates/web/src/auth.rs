//! Passwords, sessions and the signed-in person.
//!
//! Passwords are hashed with argon2id (OWASP parameters, the crate's defaults) on a blocking
//! thread. A session is a random 256-bit token in an HttpOnly, SameSite=Lax cookie (Secure when
//! configured for TLS, no Max-Age so it lasts for the browser session only: DFO-18); the database
//! keeps only its SHA-256. Logging in always issues a new token (session fixation), and the
//! CSRF token is rotated with it.

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{ARGON2ID_IDENT, Algorithm, Argon2, Block, Params, Version};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::access::Actor;
use domain::machine::{Area, Scopes, Throttle};
use domain::person::Email;
use rand::RngCore;
use sha2::{Digest, Sha256};
use store::Store;
use subtle::ConstantTimeEq;

use crate::error::{AppError, AppResult};
use crate::{AppState, RequestContext};

pub const SESSION_COOKIE: &str = "tavle_session";
pub const CSRF_COOKIE: &str = "tavle_csrf";

/// Argon2's working memory (19 MiB with the default parameters), reused across hashes. At most
/// one buffer per core exists: without this, each blocking thread that ever hashed keeps its
/// own 19 MiB in the allocator after a burst of logins, and resident memory grows by hundreds of
/// megabytes.
struct Hasher {
    permits: tokio::sync::Semaphore,
    buffers: std::sync::Mutex<Vec<Vec<Block>>>,
}

static HASHER: std::sync::LazyLock<Hasher> = std::sync::LazyLock::new(|| {
    let cores = std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(2);
    Hasher {
        permits: tokio::sync::Semaphore::new(cores),
        buffers: std::sync::Mutex::new(Vec::new()),
    }
});

/// Runs `work` on a blocking thread with a pooled memory buffer of `blocks` blocks.
async fn with_memory<T: Send + 'static>(
    blocks: usize,
    work: impl FnOnce(&mut [Block]) -> T + Send + 'static,
) -> AppResult<T> {
    let _permit = HASHER.permits.acquire().await.map_err(AppError::internal)?;
    let pooled = HASHER
        .buffers
        .lock()
        .ok()
        .and_then(|mut b| b.pop())
        .filter(|b| b.len() == blocks);
    let mut buffer = pooled.unwrap_or_else(|| vec![Block::new(); blocks]);
    let (result, buffer) = tokio::task::spawn_blocking(move || {
        let result = work(&mut buffer);
        (result, buffer)
    })
    .await
    .map_err(AppError::internal)?;
    if let Ok(mut pool) = HASHER.buffers.lock() {
        pool.push(buffer);
    }
    Ok(result)
}

/// Hashes a password with argon2id (OWASP parameters: 19 MiB, 2 passes) into a PHC string.
pub async fn hash_password(password: String) -> AppResult<String> {
    let params = Params::DEFAULT;
    let mut salt = [0u8; Salt::RECOMMENDED_LENGTH];
    rand::rng().fill_bytes(&mut salt);
    with_memory(params.block_count(), move |memory| {
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        argon2
            .hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, memory)
            .map_err(AppError::internal)?;
        let phc = PasswordHash {
            algorithm: ARGON2ID_IDENT,
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&params).map_err(AppError::internal)?,
            salt: Some(Salt::new(&salt).map_err(AppError::internal)?),
            hash: Some(Output::new(&out).map_err(AppError::internal)?),
        };
        Ok(phc.to_string())
    })
    .await?
}

/// Whether `password` matches the PHC string `stored` (constant-time comparison).
async fn password_matches(password: String, stored: &str) -> AppResult<bool> {
    let Ok(phc) = PasswordHash::new(stored) else {
        return Ok(false);
    };
    let (Ok(params), Some(salt), Some(expected)) = (Params::try_from(&phc), phc.salt, phc.hash)
    else {
        return Ok(false);
    };
    let algorithm = Algorithm::try_from(phc.algorithm.as_str()).unwrap_or_default();
    let version = phc
        .version
        .and_then(|v| Version::try_from(v).ok())
        .unwrap_or_default();
    with_memory(params.block_count(), move |memory| {
        let argon2 = Argon2::new(algorithm, version, params);
        let mut out = vec![0u8; expected.as_ref().len()];
        argon2
            .hash_password_into_with_memory(password.as_bytes(), salt.as_ref(), &mut out, memory)
            .is_ok()
            && bool::from(out.as_slice().ct_eq(expected.as_ref()))
    })
    .await
}

/// A PHC string to verify against when the account does not exist, so that a wrong e-mail
/// takes as long as a wrong password.
static DUMMY_HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

fn throttle_key(kind: &str, value: &str) -> String {
    format!("{kind}:{}", token_hash(value))
}

/// Refuses a login when the account or the client address has failed too often lately.
async fn check_throttle(db: &mut store::Db, keys: &[(String, Throttle)]) -> AppResult<()> {
    let now = store::now();
    for (key, throttle) in keys {
        let since = now - throttle.window;
        let (failures, oldest) = store::throttle::failures_since(db, key, since).await?;
        if throttle
            .wait(
                failures,
                oldest.map(|t| t.unix_timestamp()),
                now.unix_timestamp(),
            )
            .is_some()
        {
            return Err(AppError::TooManyAttempts);
        }
    }
    Ok(())
}

/// Checks an e-mail and password; returns the person on success. Unknown e-mail, missing
/// password and wrong password are indistinguishable to the caller. Failures are counted per
/// account and per client address ([`Throttle`]); past the limit every try is refused for a while.
pub async fn verify_login(
    store: &Store,
    email: &str,
    password: String,
    client_ip: Option<std::net::IpAddr>,
) -> AppResult<domain::PersonId> {
    let mut keys = vec![(
        throttle_key("account", &email.trim().to_lowercase()),
        Throttle::ACCOUNT,
    )];
    if let Some(ip) = client_ip {
        keys.push((throttle_key("address", &ip.to_string()), Throttle::ADDRESS));
    }
    let found = {
        let mut db = store.conn().await?;
        check_throttle(&mut db, &keys).await?;
        match Email::parse(email) {
            Ok(email) => store::identities::password_for_login(&mut db, &email).await?,
            Err(_) => None,
        }
    };
    let (person, hash) = match found {
        Some((person, hash)) => (Some(person), hash),
        None => (
            None,
            DUMMY_HASH
                .get_or_try_init(|| hash_password("not a real password".into()))
                .await?
                .clone(),
        ),
    };
    // No database connection is held while argon2 works (tens of milliseconds).
    let ok = password_matches(password, &hash).await?;
    let mut db = store.conn().await?;
    match person {
        Some(person) if ok => {
            store::throttle::clear(&mut db, &keys[0].0).await?;
            Ok(person)
        }
        _ => {
            let now = store::now();
            for (key, _) in &keys {
                store::throttle::record_failure(&mut db, key, now).await?;
            }
            Err(AppError::LoginFailed)
        }
    }
}

/// The prefix of every API token (helps secret scanners find leaked ones).
pub const TOKEN_PREFIX: &str = "tvl_";

/// A new API token: the secret to hand out once, and the hash to store.
pub fn new_api_token() -> (String, String) {
    let token = format!("{TOKEN_PREFIX}{}", new_token());
    let hash = token_hash(&token);
    (token, hash)
}

/// The caller behind a bearer token, if the token is live and its scopes cover this request.
pub async fn token_user(
    state: &AppState,
    token: &str,
    method: &axum::http::Method,
    path: &str,
) -> AppResult<CurrentUser> {
    let mut db = state.store.conn().await?;
    let Some(found) = store::api_tokens::by_hash(&mut db, &token_hash(token)).await? else {
        return Err(AppError::BadToken("invalid_token"));
    };
    let now = store::now();
    if found.revoked_at.is_some() {
        return Err(AppError::BadToken("token_revoked"));
    }
    if found.expires_at <= now {
        return Err(AppError::BadToken("token_expired"));
    }
    let scopes = Scopes::parse(&found.scopes).map_err(|_| AppError::BadToken("invalid_token"))?;
    let write = !matches!(*method, axum::http::Method::GET | axum::http::Method::HEAD);
    match Area::of_path(path) {
        Some(area) if scopes.allows(area, write) => {}
        _ => return Err(AppError::Forbidden("insufficient_scope")),
    }
    store::api_tokens::touch(&mut db, found.id, now).await?;
    let (actor, policies_pending) = match found.owner {
        store::api_tokens::Owner::Person(person) => (
            store::actors::load(&mut db, person).await?,
            store::policies::must_accept(&mut db, person).await?,
        ),
        // A service account acts as an administrator of its organisation, within its scopes;
        // it is no person, so no policy gate holds it.
        store::api_tokens::Owner::ServiceAccount { organisation, id } => (
            Actor {
                person_id: domain::PersonId(id),
                operator: false,
                grants: vec![(organisation, domain::access::OrgRole::OrgAdmin)],
            },
            false,
        ),
    };
    Ok(CurrentUser {
        actor,
        organisation: None,
        session_hash: String::new(),
        token: Some(found.id),
        policies_pending,
        cookie_answer: None,
    })
}

/// A new random token (256 bits, URL-safe base64).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The hex SHA-256 of a session token: what the database stores.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Builds a cookie with Tavle's defaults: HttpOnly, SameSite=Lax, path `/`, Secure when
/// configured, and no expiry (a browser-session cookie).
pub fn cookie(state: &AppState, name: &'static str, value: String) -> Cookie<'static> {
    let mut c = Cookie::new(name, value);
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_path("/");
    c.set_secure(state.config.secure_cookies);
    c
}

pub fn removal(state: &AppState, name: &'static str) -> Cookie<'static> {
    let mut c = cookie(state, name, String::new());
    c.make_removal();
    c
}

/// Starts a session for `person`, ending the one the request came with (if any). Returns the
/// cookies to set: the new session and a fresh CSRF token.
pub async fn start_session(
    state: &AppState,
    ctx: &RequestContext,
    person: domain::PersonId,
) -> AppResult<(Cookie<'static>, Cookie<'static>, String)> {
    let token = new_token();
    let expires = store::now() + state.config.session_idle;
    let mut db = state.store.begin().await?;
    if let Some(user) = &ctx.user {
        store::sessions::delete(&mut db, &user.session_hash).await?;
    }
    store::sessions::create(&mut db, &token_hash(&token), person, expires).await?;
    store::identities::record_login(&mut db, person).await?;
    db.commit().await?;
    let csrf = new_token();
    Ok((
        cookie(state, SESSION_COOKIE, token),
        cookie(state, CSRF_COOKIE, csrf.clone()),
        csrf,
    ))
}

/// The signed-in person behind a request.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub actor: Actor,
    /// The organisation the request's path names, loaded with the session (see
    /// [`crate::ops::org_for_admin`]); `None` for API tokens and paths without one.
    pub organisation: Option<store::sessions::OrganisationInContext>,
    /// The SHA-256 of the session token; empty when the caller came with an API token.
    pub session_hash: String,
    /// The API token the caller came with, if any.
    pub token: Option<uuid::Uuid>,
    /// The person must accept a policy version first: the gate lets them reach only the
    /// acceptance page, logout and the public pages (service accounts are never held).
    pub policies_pending: bool,
    /// The text version of the person's last cookie-banner answer (sessions only; see
    /// [`crate::cookies::banner_needed`]).
    pub cookie_answer: Option<u32>,
}

/// A signed-in person for an HTML page; anyone else is sent to the login page and back.
pub struct PageUser(pub CurrentUser);

impl<S: Send + Sync> FromRequestParts<S> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ctx = parts.extensions.get::<RequestContext>();
        match ctx.and_then(|c| c.user.clone()) {
            Some(user) => Ok(Self(user)),
            None => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let mut query = vec![("next", next)];
                if ctx.is_some_and(|c| c.session_expired) {
                    query.push(("expired", "1"));
                }
                let query = serde_urlencoded::to_string(query).unwrap_or_default();
                Err(Redirect::to(&format!("/login?{query}")).into_response())
            }
        }
    }
}

/// A signed-in person for the JSON API; anyone else gets 401 problem+json.
pub struct ApiUser(pub CurrentUser);

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestContext>()
            .and_then(|c| c.user.clone())
            .map(Self)
            .ok_or(AppError::Unauthenticated)
    }
}

/// Only local paths may be redirected to after login (no open redirects).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.contains("://") =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_accepted_as_next() {
        assert_eq!(safe_next(Some("/profile?x=1")), "/profile?x=1");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "profile",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[tokio::test]
    async fn pooled_hashes_are_standard_argon2id_phc_strings() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let ours = hash_password("correct horse battery".into())
            .await
            .expect("hash");
        assert!(
            ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{ours}"
        );
        // The argon2 crate's own verifier accepts ours, and ours accepts its hashes.
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery", ours.as_str())
                .is_ok()
        );
        let theirs: PasswordHash = Argon2::default()
            .hash_password(b"another secret")
            .expect("hash");
        assert!(
            password_matches("another secret".into(), &theirs.to_string())
                .await
                .expect("verify")
        );
        assert!(
            !password_matches("wrong".into(), &ours)
                .await
                .expect("verify")
        );
        assert!(
            !password_matches("x".into(), "not a phc string")
                .await
                .expect("verify")
        );
        let again = hash_password("correct horse battery".into())
            .await
            .expect("hash");
        assert_ne!(ours, again, "a fresh salt every time");
    }

    #[test]
    fn tokens_are_random_and_hashes_are_hex_sha256() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        let h = token_hash(&a);
        assert_eq!(h.len(), 64);
        assert!(h.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
