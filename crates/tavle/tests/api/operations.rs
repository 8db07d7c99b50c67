//! Jobs, the e-mail outbox, invitations and password resets, API tokens, login throttling and
//! metrics.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use reqwest::StatusCode;
use serde_json::json;

use crate::both_backends;
use crate::harness::{PASSWORD, TestApp};

both_backends!(
    a_job_that_fails_twice_is_retried_with_backoff_and_then_succeeds,
    a_job_that_keeps_failing_is_shown_as_failed_never_dropped,
    scheduled_runs_are_enqueued_once_even_by_two_runners,
    password_reset_link_arrives_by_outbox_works_once_and_ends_other_sessions,
    an_invited_person_sets_a_password_and_logs_in,
    api_tokens_are_scoped_revocable_and_expire,
    service_account_tokens_act_only_within_their_organisation,
    repeated_failed_logins_are_throttled_with_a_clear_message,
    metrics_count_requests_by_route_and_status,
    a_dataset_grows_an_organisation_with_managers_at_every_level,
);

async fn a_dataset_grows_an_organisation_with_managers_at_every_level(app: TestApp) {
    let first = tavle::dataset::grow(&app.store, "synth", 100)
        .await
        .expect("dataset");
    assert_eq!((first.created, first.total), (100, 100));
    let again = tavle::dataset::grow(&app.store, "synth", 150)
        .await
        .expect("grow");
    assert_eq!((again.created, again.total), (50, 150));
    let b = app.browser();
    let r = b
        .client
        .post(app.url("/api/v1/session"))
        .json(&json!({"email": "p0@synth.example", "password": tavle::dataset::DATASET_PASSWORD}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let r = b
        .client
        .get(app.url("/api/v1/organisations/synth/people?per_page=10"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.headers()["x-total-count"], "150");
    // A team lead sees their team (and, through team leads below them, nobody else).
    let lead = app.browser();
    lead.client
        .post(app.url("/api/v1/session"))
        .json(&json!({"email": "p12@synth.example", "password": tavle::dataset::DATASET_PASSWORD}))
        .send()
        .await
        .expect("send");
    let team: serde_json::Value = lead
        .client
        .get(app.url("/api/v1/organisations/synth/people"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(team.as_array().map(Vec::len), Some(11));
}

/// A handler that fails `failures` times, then succeeds.
fn flaky(runner: &mut jobs::Runner, failures: u32) -> Arc<AtomicU32> {
    let calls = Arc::new(AtomicU32::new(0));
    let seen = calls.clone();
    runner.register("flaky", move |_, _| {
        let n = seen.fetch_add(1, Ordering::SeqCst) + 1;
        Box::pin(async move {
            if n <= failures {
                Err(format!("failure number {n}"))
            } else {
                Ok("fine".to_owned())
            }
        })
    });
    calls
}

async fn a_job_that_fails_twice_is_retried_with_backoff_and_then_succeeds(app: TestApp) {
    let mut runner = app.runner();
    let calls = flaky(&mut runner, 2);
    let now = store::now();
    let id = {
        let mut db = app.store.conn().await.expect("conn");
        store::jobs::enqueue(&mut db, "flaky", "{}", now, jobs::MAX_ATTEMPTS, None)
            .await
            .expect("enqueue")
            .expect("id")
    };
    let first = runner.run_due(now).await.expect("run");
    assert!(
        matches!(&first[..], [(_, jobs::Outcome::Retry(e, at))] if e == "failure number 1" && *at == now + time::Duration::seconds(30)),
        "{first:?}"
    );
    assert!(
        runner
            .run_due(now + time::Duration::seconds(29))
            .await
            .expect("run")
            .is_empty(),
        "not before the backoff"
    );
    let second = runner
        .run_due(now + time::Duration::seconds(30))
        .await
        .expect("run");
    assert!(
        matches!(&second[..], [(_, jobs::Outcome::Retry(_, at))] if *at == now + time::Duration::seconds(90)),
        "{second:?}"
    );
    let third = runner
        .run_due(now + time::Duration::seconds(90))
        .await
        .expect("run");
    assert!(
        matches!(&third[..], [(_, jobs::Outcome::Done(s))] if s == "fine"),
        "{third:?}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    let mut db = app.store.conn().await.expect("conn");
    let record = store::jobs::get(&mut db, id)
        .await
        .expect("get")
        .expect("record");
    assert_eq!(
        (record.status.as_str(), record.attempts, record.last_error),
        ("done", 3, None)
    );
}

async fn a_job_that_keeps_failing_is_shown_as_failed_never_dropped(app: TestApp) {
    let mut runner = app.runner();
    flaky(&mut runner, u32::MAX);
    let start = store::now();
    {
        let mut db = app.store.conn().await.expect("conn");
        store::jobs::enqueue(&mut db, "flaky", "{}", start, jobs::MAX_ATTEMPTS, None)
            .await
            .expect("enqueue");
    }
    let mut outcomes = Vec::new();
    for minutes in [0, 1, 3, 10] {
        outcomes.extend(
            runner
                .run_due(start + time::Duration::minutes(minutes))
                .await
                .expect("run")
                .into_iter()
                .map(|(_, o)| o),
        );
    }
    assert_eq!(outcomes.len(), 3, "{outcomes:?}");
    assert!(matches!(outcomes.last(), Some(jobs::Outcome::Failed(e)) if e == "failure number 3"));
    // The operator sees it among the failures, with its error.
    let page = app
        .browser_login("operator@demo.tavle.no")
        .await
        .get("/operator/jobs")
        .await
        .text()
        .await
        .expect("body");
    let failed = page.split("id=\"recent-h\"").next().unwrap_or_default();
    assert!(
        failed.contains("flaky") && failed.contains("failure number 3") && failed.contains("3/3"),
        "{page}"
    );
    // Nobody else does.
    assert_eq!(
        app.browser_login("admin@demo.tavle.no")
            .await
            .get("/operator/jobs")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}

async fn scheduled_runs_are_enqueued_once_even_by_two_runners(app: TestApp) {
    let schedules =
        || vec![jobs::Schedule::parse(jobs::SESSION_EXPIRY, "*/10 * * * *").expect("cron")];
    let mailer = || {
        jobs::Mailer::new("Tavle <t@tavle.test>", None, app.data_dir().join("outbox"))
            .expect("mailer")
    };
    let one = jobs::Runner::new(app.store.clone(), mailer(), schedules());
    let two = jobs::Runner::new(app.store.clone(), mailer(), schedules());
    let since = time::OffsetDateTime::from_unix_timestamp(1_800_000_000).expect("time");
    let now = since + time::Duration::minutes(30);
    assert_eq!(
        one.enqueue_scheduled(since, now).await.expect("schedule"),
        3
    );
    assert_eq!(
        two.enqueue_scheduled(since, now).await.expect("schedule"),
        0
    );
    let ran = two.run_due(now).await.expect("run");
    assert_eq!(ran.len(), 3);
    assert!(
        ran.iter()
            .all(|(job, o)| job.kind == "session_expiry" && matches!(o, jobs::Outcome::Done(_)))
    );
    assert!(one.run_due(now).await.expect("run").is_empty());
}

/// The single `.eml` file in the outbox directory that mentions `needle`, and the link in it.
pub(crate) fn mailed_link(app: &TestApp, needle: &str) -> Option<String> {
    let dir = app.data_dir().join("outbox");
    let entries = std::fs::read_dir(dir).ok()?;
    for entry in entries.flatten() {
        let text = std::fs::read_to_string(entry.path()).ok()?;
        // Bodies may be quoted-printable; undo soft line breaks and the `=3D` escape.
        let text = text.replace("=\r\n", "").replace("=3D", "=");
        if text.contains(needle) {
            let start = text.find("/password/set?token=")?;
            let end = text[start..]
                .find(|c: char| c.is_whitespace())
                .map(|e| start + e)
                .unwrap_or(text.len());
            return Some(text[start..end].to_owned());
        }
    }
    None
}

async fn password_reset_link_arrives_by_outbox_works_once_and_ends_other_sessions(app: TestApp) {
    let elsewhere = app.browser_login("laerer@demo.tavle.no").await;
    let b = app.browser();
    let r = b
        .post_form("/password/forgot", &[("email", "laerer@demo.tavle.no")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let unknown = b
        .post_form("/password/forgot", &[("email", "nobody@demo.tavle.no")])
        .await;
    assert_eq!(
        unknown.headers()["location"],
        r.headers()["location"],
        "the answer does not reveal who has an account"
    );
    let bad = b
        .post_form("/password/forgot", &[("email", "not-an-address")])
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Delivered by the outbox job, as `tavle jobs run-once outbox` does.
    let record = app.runner().run_once(jobs::OUTBOX).await.expect("outbox");
    assert_eq!(record.status, "done", "{record:?}");
    let link =
        mailed_link(&app, "To: laerer@demo.tavle.no").expect("a reset e-mail for the teacher");
    assert!(mailed_link(&app, "nobody@demo.tavle.no").is_none());
    // The operator sees delivery status, never the recipient or the body.
    let page = app
        .browser_login("operator@demo.tavle.no")
        .await
        .get("/operator/jobs")
        .await
        .text()
        .await
        .expect("body");
    assert!(page.contains("Nytt passord") && page.contains("Sendt"));
    assert!(!page.contains("laerer@demo.tavle.no") && !page.contains("token="));

    assert_eq!(b.get(&link).await.status(), StatusCode::OK);
    let token = link.split("token=").nth(1).expect("token").to_owned();
    let r = b
        .post_form(
            "/password/set",
            &[
                ("token", &token),
                ("password", "short"),
                ("password_repeat", "short"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = b
        .post_form(
            "/password/set",
            &[
                ("token", &token),
                ("password", "a brand new passphrase"),
                ("password_repeat", "a different one!"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .expect("body")
            .contains("De to passordene er ikke like.")
    );
    let r = b
        .post_form(
            "/password/set",
            &[
                ("token", &token),
                ("password", "a brand new passphrase"),
                ("password_repeat", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login?done=password_set");
    assert_eq!(
        elsewhere.get("/profile").await.status(),
        StatusCode::SEE_OTHER,
        "other sessions ended"
    );
    assert_eq!(
        b.login("laerer@demo.tavle.no", PASSWORD, "/")
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        b.login("laerer@demo.tavle.no", "a brand new passphrase", "/")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    // The link works once.
    assert_eq!(b.get(&link).await.status(), StatusCode::NOT_FOUND);
    let r = app
        .browser()
        .post_form(
            "/password/set",
            &[
                ("token", &token),
                ("password", "yet another passphrase"),
                ("password_repeat", "yet another passphrase"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

async fn an_invited_person_sets_a_password_and_logs_in(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (status, created) = admin
        .post("/api/v1/organisations/demo/people", json!({"person": {"given_name": "Ny", "family_name": "Ansatt", "email": "ny@demo.tavle.no"}, "membership": {"kind": "employee"}}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = created["id"].as_str().expect("id");
    assert_eq!(
        app.browser()
            .login("ny@demo.tavle.no", PASSWORD, "/")
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "no password yet"
    );
    let (status, _) = admin
        .post(
            &format!("/api/v1/organisations/demo/people/{id}/invitation"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    // Through the page too (a second link; both work until used).
    let page = app.browser_login("admin@demo.tavle.no").await;
    assert_eq!(
        page.post_form(&format!("/org/demo/admin/people/{id}/invite"), &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let other = crate::harness::other_org(&app).await;
    let (status, _) = other
        .admin
        .post(
            &format!("/api/v1/organisations/other/people/{id}/invitation"),
            json!({}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another organisation cannot invite our people"
    );
    app.runner().run_once(jobs::OUTBOX).await.expect("outbox");
    let link = mailed_link(&app, "To: ny@demo.tavle.no").expect("invitation e-mail");
    let token = link.split("token=").nth(1).expect("token").to_owned();
    let b = app.browser();
    let r = b
        .post_form(
            "/password/set",
            &[
                ("token", &token),
                ("password", "velkommen til tavle"),
                ("password_repeat", "velkommen til tavle"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        b.login("ny@demo.tavle.no", "velkommen til tavle", "/")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

async fn bearer(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
) -> (StatusCode, serde_json::Value) {
    let r = reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(token)
        .json(&json!({}))
        .send()
        .await
        .expect("send");
    let status = r.status();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

/// Creates a personal token through the profile page and reads it off the page.
async fn personal_token(app: &TestApp, email: &str, scopes: &str) -> String {
    let b = app.browser_login(email).await;
    let r = b
        .post_form(
            "/profile/tokens",
            &[("name", "script"), ("scopes", scopes), ("days", "30")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.expect("body");
    let start = page.find("tvl_").expect("token shown once");
    page[start..].split('<').next().expect("token").to_owned()
}

async fn api_tokens_are_scoped_revocable_and_expire(app: TestApp) {
    let b = app.browser_login("admin@demo.tavle.no").await;
    let r = b
        .post_form(
            "/profile/tokens",
            &[("name", ""), ("scopes", "people:admin"), ("days", "999")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.expect("body");
    assert!(
        page.contains("token-name-error")
            && page.contains("token-scopes-error")
            && page.contains("token-days-error")
    );
    let token = personal_token(&app, "admin@demo.tavle.no", "me:read people:read").await;
    let (status, me) = bearer(&app, &token, reqwest::Method::GET, "/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["email"], "admin@demo.tavle.no");
    let (status, people) = bearer(
        &app,
        &token,
        reqwest::Method::GET,
        "/api/v1/organisations/demo/people",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(people.as_array().is_some_and(|p| p.len() > 5));
    // No CSRF header is needed with a token, but the scope must cover the request.
    let (status, problem) = bearer(&app, &token, reqwest::Method::PATCH, "/api/v1/me").await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("insufficient_scope"))
    );
    let (status, problem) = bearer(
        &app,
        &token,
        reqwest::Method::GET,
        "/api/v1/organisations/demo/units",
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("insufficient_scope"))
    );
    let (status, _) = bearer(&app, &token, reqwest::Method::DELETE, "/api/v1/session").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "tokens cannot manage sessions"
    );
    let (status, problem) = bearer(
        &app,
        "tvl_not-a-real-token",
        reqwest::Method::GET,
        "/api/v1/me",
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_token"))
    );
    // The page lists it; revoking it works at once.
    let page = b.get("/profile/tokens").await.text().await.expect("body");
    assert!(
        page.contains("me:read people:read") && !page.contains(&token),
        "the secret is never shown again"
    );
    let id = {
        let mut db = app.store.conn().await.expect("conn");
        let hash = web::auth::token_hash(&token);
        store::api_tokens::by_hash(&mut db, &hash)
            .await
            .expect("query")
            .expect("token")
            .id
    };
    let intruder = app.browser_login("elev@demo.tavle.no").await;
    assert_eq!(
        intruder
            .post_form(&format!("/profile/tokens/{id}/revoke"), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.post_form(&format!("/profile/tokens/{id}/revoke"), &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let (status, problem) = bearer(&app, &token, reqwest::Method::GET, "/api/v1/me").await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("token_revoked"))
    );
    // An expired token.
    let (expired, hash) = web::auth::new_api_token();
    {
        let mut db = app.store.conn().await.expect("conn");
        let person = app
            .person_id(&app.api_login("admin@demo.tavle.no").await, "admin")
            .await
            .parse()
            .expect("id");
        let owner = store::api_tokens::Owner::Person(person);
        store::api_tokens::create(
            &mut db,
            &hash,
            "old",
            owner,
            "me:read",
            store::now() - time::Duration::seconds(1),
        )
        .await
        .expect("create");
    }
    let (status, problem) = bearer(&app, &expired, reqwest::Method::GET, "/api/v1/me").await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("token_expired"))
    );
    // A write-scoped token changes data without a session or CSRF token.
    let writer = personal_token(&app, "ekstern@demo.tavle.no", "me:write").await;
    let r = reqwest::Client::new()
        .patch(app.url("/api/v1/me"))
        .bearer_auth(&writer)
        .json(&json!({"given_name": "Token"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
}

async fn service_account_tokens_act_only_within_their_organisation(app: TestApp) {
    let other = crate::harness::other_org(&app).await;
    let b = app.browser_login("admin@demo.tavle.no").await;
    // Bad input creates nothing, not even the service account.
    let r = b
        .post_form(
            "/org/demo/admin/integrations",
            &[
                ("account", "Ghost"),
                ("scopes", "people:admin"),
                ("days", "7"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    {
        let mut db = app.store.conn().await.expect("conn");
        let org = store::organisations::by_slug(&mut db, "demo")
            .await
            .expect("org");
        assert!(
            store::api_tokens::service_accounts(&mut db, org.id)
                .await
                .expect("list")
                .is_empty()
        );
    }
    let r = b
        .post_form(
            "/org/demo/admin/integrations",
            &[
                ("account", "HR-import"),
                ("scopes", "people:write"),
                ("days", "7"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.expect("body");
    let token = page[page.find("tvl_").expect("token")..]
        .split('<')
        .next()
        .expect("token")
        .to_owned();
    let (status, people) = bearer(
        &app,
        &token,
        reqwest::Method::GET,
        "/api/v1/organisations/demo/people",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(people.as_array().is_some_and(|p| p.len() > 5));
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/organisations/demo/people"))
        .bearer_auth(&token)
        .json(&json!({"person": {"given_name": "Fra", "family_name": "HR", "email": "hr@demo.tavle.no"}, "membership": {"kind": "employee"}}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    for path in [
        "/api/v1/organisations/other/people".to_owned(),
        format!("/api/v1/organisations/other/people/{}", other.member_id),
    ] {
        let (status, _) = bearer(&app, &token, reqwest::Method::GET, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, _) = bearer(&app, &token, reqwest::Method::GET, "/api/v1/me").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The other organisation cannot see or revoke it.
    let id = {
        let mut db = app.store.conn().await.expect("conn");
        store::api_tokens::by_hash(&mut db, &web::auth::token_hash(&token))
            .await
            .expect("query")
            .expect("token")
            .id
    };
    let page = b
        .get("/org/demo/admin/integrations")
        .await
        .text()
        .await
        .expect("body");
    assert!(page.contains("HR-import") && page.contains("people:write"));
    let other_admin = app.browser();
    other_admin.login("admin@other.no", PASSWORD, "/").await;
    assert_eq!(
        other_admin
            .post_form(&format!("/org/other/admin/integrations/{id}/revoke"), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.post_form(&format!("/org/demo/admin/integrations/{id}/revoke"), &[])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let (status, _) = bearer(
        &app,
        &token,
        reqwest::Method::GET,
        "/api/v1/organisations/demo/people",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn repeated_failed_logins_are_throttled_with_a_clear_message(app: TestApp) {
    let b = app.browser();
    for _ in 0..5 {
        assert_eq!(
            b.login("rapport@demo.tavle.no", "wrong password", "/")
                .await
                .status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    let r = b.login("rapport@demo.tavle.no", PASSWORD, "/").await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "even the right password waits"
    );
    assert!(
        r.text()
            .await
            .expect("body")
            .contains("For mange mislykte innlogginger")
    );
    let r = b
        .client
        .post(app.url("/api/v1/session"))
        .json(&json!({"email": "RAPPORT@demo.tavle.no", "password": PASSWORD}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        r.json::<serde_json::Value>().await.expect("json")["code"],
        "too_many_attempts"
    );
    // Other accounts are not locked out by one account's failures.
    assert_eq!(
        app.browser()
            .login("elev@demo.tavle.no", PASSWORD, "/")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    // The records hold hashes, never the address or the e-mail.
    let mut db = app.store.conn().await.expect("conn");
    let (count, _) = store::throttle::failures_since(
        &mut db,
        "account:rapport@demo.tavle.no",
        store::now() - time::Duration::hours(1),
    )
    .await
    .expect("q");
    assert_eq!(count, 0);
}

async fn metrics_count_requests_by_route_and_status(app: TestApp) {
    let b = app.browser();
    b.get("/login").await;
    b.get("/no/such/page").await;
    let r = b.get("/metrics").await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.expect("body");
    assert!(
        text.contains("tavle_http_requests_total") && text.contains("route=\"/login\""),
        "{text}"
    );
    assert!(text.contains("status=\"404\""));
    assert!(text.contains("tavle_http_request_duration_seconds_bucket"));
    assert!(text.contains("tavle_outbox_depth") && text.contains("tavle_db_pool_connections"));
    assert!(!text.contains("@demo.tavle.no"));
}
