//! Login, sessions, CSRF and the person's own profile.

use reqwest::StatusCode;
use serde_json::json;

use crate::both_backends;
use crate::harness::{PASSWORD, TestApp, field_errors};

both_backends!(
    login_issues_a_new_session_token_and_ends_the_old_one,
    wrong_password_is_refused_without_revealing_which_part_was_wrong,
    state_changing_requests_without_the_csrf_token_are_refused_and_change_nothing,
    expired_session_sends_the_person_to_login_and_back,
    logout_ends_the_session_and_logout_everywhere_ends_all,
    name_from_hr_is_read_only_but_self_registered_people_edit_theirs,
    pages_follow_the_persons_language_else_the_browser,
    session_cookie_is_http_only_lax_and_lasts_for_the_browser_session,
);

async fn login_issues_a_new_session_token_and_ends_the_old_one(app: TestApp) {
    let b = app.browser_login("ekstern@demo.tavle.no").await;
    let first = b.cookie("tavle_session").expect("session cookie");
    let csrf_before = b.cookie("tavle_csrf").expect("csrf");
    // Logging in again from the same browser rotates the token.
    let r = b.login("ekstern@demo.tavle.no", PASSWORD, "/profile").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/profile");
    let second = b.cookie("tavle_session").expect("session cookie");
    assert_ne!(first, second, "the session token must change at login");
    assert_ne!(
        csrf_before,
        b.cookie("tavle_csrf").expect("csrf"),
        "the CSRF token rotates with the session"
    );
    // The old token no longer opens anything.
    let stale = app.browser();
    stale.jar.add_cookie_str(
        &format!("tavle_session={first}"),
        &app.base.parse().expect("url"),
    );
    let r = stale.get("/profile").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        r.headers()["location"]
            .to_str()
            .expect("location")
            .starts_with("/login?next=%2Fprofile")
    );
    // The database keeps only hashes, never the token.
    assert!(!db_contains_token(&app, &second).await);
}

async fn db_contains_token(app: &TestApp, token: &str) -> bool {
    let mut db = app.store.conn().await.expect("conn");
    store::sessions::find(&mut db, token)
        .await
        .expect("query")
        .is_some()
}

async fn wrong_password_is_refused_without_revealing_which_part_was_wrong(app: TestApp) {
    let b = app.browser();
    let wrong_password = b
        .login("admin@demo.tavle.no", "not the password", "/")
        .await;
    assert_eq!(wrong_password.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = wrong_password.text().await.expect("body");
    assert!(body.contains("Feil e-postadresse eller passord."), "{body}");
    assert!(body.contains("aria-invalid=\"true\""));
    let unknown = b
        .login("nobody@demo.tavle.no", "not the password", "/")
        .await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b.cookie("tavle_session").is_none());

    let (status, problem) = {
        let r = b
            .client
            .post(app.url("/api/v1/session"))
            .json(&json!({"email": "admin@demo.tavle.no", "password": "nope"}))
            .send()
            .await
            .expect("send");
        (
            r.status(),
            r.json::<serde_json::Value>().await.expect("json"),
        )
    };
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(problem["code"], "login_failed");
    let empty = b.login("", "", "/").await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        empty
            .text()
            .await
            .expect("body")
            .contains("Fyll ut dette feltet.")
    );
}

async fn state_changing_requests_without_the_csrf_token_are_refused_and_change_nothing(
    app: TestApp,
) {
    let b = app.browser_login("ekstern@demo.tavle.no").await;
    // A form post without the token, as a cross-site form would send it.
    let r = b
        .post_form_raw(
            "/profile",
            &[
                ("given_name", "Hacked"),
                ("family_name", "Ekstern"),
                ("email", "ekstern@demo.tavle.no"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(
        r.text()
            .await
            .expect("body")
            .contains("Skjemaet var utløpt")
    );
    // With a wrong token.
    let r = b
        .post_form_raw(
            "/profile",
            &[
                ("csrf_token", "x".repeat(43).as_str()),
                ("given_name", "Hacked"),
                ("family_name", "E"),
                ("email", "ekstern@demo.tavle.no"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The API without the header.
    let r = b
        .client
        .patch(app.url("/api/v1/me"))
        .json(&json!({"given_name": "Hacked"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    assert_eq!(
        r.json::<serde_json::Value>().await.expect("json")["code"],
        "csrf_failed"
    );
    // Logging out is state-changing too.
    let r = b.post_form_raw("/logout", &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let api = app.api_login("ekstern@demo.tavle.no").await;
    let (_, me) = api.get("/api/v1/me").await;
    assert_eq!(me["given_name"], "Eva", "nothing changed");
    // The same change with the token works.
    let r = b
        .post_form(
            "/profile",
            &[
                ("given_name", "Evelyn"),
                ("family_name", "Ekstern"),
                ("email", "ekstern@demo.tavle.no"),
                ("preferred_language", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, me) = api.get("/api/v1/me").await;
    assert_eq!(me["given_name"], "Evelyn");
}

async fn expired_session_sends_the_person_to_login_and_back(app: TestApp) {
    let b = app.browser_login("leder@demo.tavle.no").await;
    let token = b.cookie("tavle_session").expect("session");
    {
        let mut db = app.store.conn().await.expect("conn");
        let hash = web::auth::token_hash(&token);
        store::sessions::touch(&mut db, &hash, store::now() - time::Duration::minutes(1))
            .await
            .expect("expire");
    }
    let r = b.get("/org/demo/team").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert_eq!(location, "/login?next=%2Forg%2Fdemo%2Fteam&expired=1");
    let page = b.get(&location).await.text().await.expect("body");
    assert!(page.contains("Økten din er avsluttet"), "{page}");
    let r = b
        .login("leder@demo.tavle.no", PASSWORD, "/org/demo/team")
        .await;
    assert_eq!(r.headers()["location"], "/org/demo/team");
    assert_eq!(b.get("/org/demo/team").await.status(), StatusCode::OK);
    // The API answers 401 for an expired session.
    let api = app.api_login("leder@demo.tavle.no").await;
    let token = api.browser.cookie("tavle_session").expect("session");
    {
        let mut db = app.store.conn().await.expect("conn");
        store::sessions::touch(
            &mut db,
            &web::auth::token_hash(&token),
            store::now() - time::Duration::seconds(1),
        )
        .await
        .expect("expire");
    }
    let (status, problem) = api.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(problem["code"], "unauthenticated");
    // Logging in from a form loaded before the session expired: the stale cookie goes with the
    // login request, and the new session must survive it.
    let stale = app.browser_login("laerer@demo.tavle.no").await;
    let token = stale.cookie("tavle_session").expect("session");
    {
        let mut db = app.store.conn().await.expect("conn");
        store::sessions::delete(&mut db, &web::auth::token_hash(&token))
            .await
            .expect("expire");
    }
    let r = stale
        .login("laerer@demo.tavle.no", PASSWORD, "/profile")
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        stale.get("/profile").await.status(),
        StatusCode::OK,
        "still signed in after the login"
    );
    // Open redirects are refused: `next` must be a local path.
    let r = app
        .browser()
        .login("leder@demo.tavle.no", PASSWORD, "https://evil.example/")
        .await;
    assert_eq!(r.headers()["location"], "/");
}

async fn logout_ends_the_session_and_logout_everywhere_ends_all(app: TestApp) {
    let laptop = app.browser_login("laerer@demo.tavle.no").await;
    let phone = app.browser_login("laerer@demo.tavle.no").await;
    let tablet = app.api_login("laerer@demo.tavle.no").await;
    let r = laptop.post_form("/logout", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(laptop.get("/profile").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        phone.get("/profile").await.status(),
        StatusCode::OK,
        "other sessions live on"
    );
    let (status, body) = tablet.post("/api/v1/session/everywhere", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["sessions_ended"], 2);
    assert_eq!(phone.get("/profile").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(tablet.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    // The HTML button does the same.
    let again = app.browser_login("laerer@demo.tavle.no").await;
    let other = app.browser_login("laerer@demo.tavle.no").await;
    assert_eq!(
        again.post_form("/logout/everywhere", &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(other.get("/profile").await.status(), StatusCode::SEE_OTHER);
}

async fn name_from_hr_is_read_only_but_self_registered_people_edit_theirs(app: TestApp) {
    let hr = app.api_login("ansatt@demo.tavle.no").await;
    let (status, problem) = hr
        .patch(
            "/api/v1/me",
            json!({"given_name": "Karianne", "preferred_language": "en"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&problem),
        vec!["given_name:managed_by_organisation"]
    );
    let (_, me) = hr.get("/api/v1/me").await;
    assert_eq!(me["given_name"], "Kari");
    assert_eq!(me["profile_source"], "hr_import");
    assert!(
        me.get("preferred_language").is_none(),
        "a refused change changes nothing"
    );
    // The language alone is always the person's own.
    let (status, me) = hr
        .patch("/api/v1/me", json!({"preferred_language": "en"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["preferred_language"], "en");
    // The page does not offer the managed fields at all.
    let page = app
        .browser_login("ansatt@demo.tavle.no")
        .await
        .get("/profile")
        .await
        .text()
        .await
        .expect("body");
    assert!(!page.contains("name=\"given_name\""));
    assert!(page.contains("come from your organisation"));

    let me_self = app.api_login("ekstern@demo.tavle.no").await;
    let (status, me) = me_self
        .patch(
            "/api/v1/me",
            json!({"given_name": "Eva Marie", "email": "Eva.M@Example.NO"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["given_name"], "Eva Marie");
    assert_eq!(me["email"], "eva.m@example.no");
    let (status, problem) = me_self
        .patch("/api/v1/me", json!({"email": "admin@demo.tavle.no"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), vec!["email:already_exists"]);
    let (status, problem) = me_self
        .patch(
            "/api/v1/me",
            json!({"email": "not an email", "given_name": " "}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut errors = field_errors(&problem);
    errors.sort();
    assert_eq!(errors, vec!["email:invalid_email", "given_name:required"]);
}

async fn pages_follow_the_persons_language_else_the_browser(app: TestApp) {
    let b = app.browser();
    let english = b
        .client
        .get(app.url("/login"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .expect("send");
    let english = english.text().await.expect("body");
    assert!(english.contains("<html lang=\"en\">") && english.contains("E-mail address"));
    let norwegian = b.get("/login").await.text().await.expect("body");
    assert!(norwegian.contains("<html lang=\"nb\">") && norwegian.contains("E-postadresse"));
    let person = app.browser_login("elev@demo.tavle.no").await;
    let r = person
        .post_form("/profile", &[("preferred_language", "en")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = person
        .client
        .get(app.url("/profile"))
        .header("accept-language", "nb")
        .send()
        .await
        .expect("send");
    let page = page.text().await.expect("body");
    assert!(
        page.contains("<html lang=\"en\">"),
        "the person's choice wins over the browser"
    );
    assert!(
        page.contains("<h1>My profile</h1>"),
        "the page is in English"
    );
}

async fn session_cookie_is_http_only_lax_and_lasts_for_the_browser_session(app: TestApp) {
    let b = app.browser();
    let r = b
        .client
        .post(app.url("/api/v1/session"))
        .json(&json!({"email": "elev@demo.tavle.no", "password": PASSWORD}))
        .send()
        .await
        .expect("send");
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().expect("ascii").to_owned())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("tavle_session="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly")
            && session.contains("SameSite=Lax")
            && session.contains("Path=/"),
        "{session}"
    );
    assert!(
        !session.contains("Max-Age") && !session.contains("Expires"),
        "a browser-session cookie: {session}"
    );
}
