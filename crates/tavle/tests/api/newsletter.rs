//! The newsletter (issue 6) through HTTP on both databases: double opt-in (nothing is sent to
//! the list before the confirmation link is used; the confirmation e-mail is in the outbox);
//! every message carries its own signed unsubscribe link and a List-Unsubscribe header;
//! unsubscribing by the link works without signing in and stops sending at once (what was
//! queued goes, the next issue leaves the address out); a forged or altered token is refused
//! and changes nothing; unsubscribing from the profile; `tavle newsletter send`. Promises:
//! NDLA-2, NDLA-7 (name, e-mail, subjects by consent; an unsubscribe link in every newsletter;
//! kept until unsubscribing), R4 (PRIVACY-DOMAIN: marketing is a separate consent, off by
//! default).

use reqwest::StatusCode;

use crate::both_backends;
use crate::harness::{Browser, TestApp, field_errors};
use serde_json::{Value, json};

both_backends!(
    double_opt_in_sends_nothing_to_the_list_before_confirmation,
    the_unsubscribe_link_works_without_signing_in_and_stops_sending_at_once,
    a_forged_or_altered_unsubscribe_token_is_refused_and_changes_nothing,
    a_signed_in_person_subscribes_and_unsubscribes_from_the_profile,
    the_send_command_queues_one_message_per_active_subscriber,
    the_api_subscribes_confirms_and_unsubscribes_by_token_without_signing_in,
    the_api_shows_and_ends_the_signed_in_persons_own_subscription,
);

/// Every outbox row as (kind, recipient, body, list_unsubscribe), oldest first.
async fn outbox(app: &TestApp) -> Vec<(String, String, String, Option<String>)> {
    let mut db = app.store.conn().await.expect("conn");
    store::outbox::queued(&mut db, 10_000)
        .await
        .expect("outbox")
        .into_iter()
        .map(|m| (m.kind, m.recipient, m.body, m.list_unsubscribe))
        .collect()
}

async fn newsletters_to(app: &TestApp, email: &str) -> usize {
    outbox(app)
        .await
        .iter()
        .filter(|(k, r, _, _)| k == "newsletter" && r == email)
        .count()
}

/// The path of a link in `body` that starts with `prefix` (up to whitespace).
fn link_in(body: &str, prefix: &str) -> String {
    let start = body
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} in {body}"));
    let rest = &body[start..];
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    rest[..end].to_owned()
}

fn token_of(link: &str) -> String {
    link.split_once("token=").expect("token").1.to_owned()
}

async fn subscribe(b: &Browser, name: &str, email: &str) {
    let r = b
        .post_form(
            "/newsletter",
            &[
                ("name", name),
                ("email", email),
                ("subjects", "new_courses"),
                ("subjects", "events"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        "/newsletter?done=newsletter_pending"
    );
}

/// The confirmation link mailed to `email`.
async fn confirmation_link(app: &TestApp, email: &str) -> String {
    let mail = outbox(app).await;
    let (_, _, body, header) = mail
        .iter()
        .rev()
        .find(|(k, r, _, _)| k == "newsletter_confirmation" && r == email)
        .unwrap_or_else(|| panic!("no confirmation for {email}"));
    assert!(header.is_none());
    link_in(body, "/newsletter/confirm?token=")
}

async fn confirm(app: &TestApp, b: &Browser, email: &str) {
    let link = confirmation_link(app, email).await;
    let page = b.get(&link).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(html.contains(r#"action="/newsletter/confirm""#));
    let r = b
        .post_form("/newsletter/confirm", &[("token", &token_of(&link))])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        "/newsletter?done=newsletter_confirmed"
    );
}

/// Sends an issue through the operator's page; returns the page's text.
async fn send(operator: &Browser, subject: &str) -> String {
    let r = operator
        .post_form(
            "/operator/newsletter",
            &[("subject", subject), ("body", "# Nytt\n\nTre nye kurs.")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.text().await.expect("html")
}

async fn double_opt_in_sends_nothing_to_the_list_before_confirmation(app: TestApp) {
    let operator = app.browser_login("operator@demo.tavle.no").await;
    let visitor = app.browser();
    let page = visitor.get("/newsletter").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    for s in domain::newsletter::SUBJECTS {
        assert!(html.contains(&format!(r#"value="{s}""#)), "{s}");
    }
    // Bad input: every problem at once, nothing stored.
    let r = visitor
        .post_form(
            "/newsletter",
            &[("name", ""), ("email", "nope"), ("subjects", "spam")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(outbox(&app).await.is_empty());

    subscribe(&visitor, "Vera Besøk", "vera@example.no").await;
    // The confirmation e-mail is in the outbox; the list is not sent to yet.
    let link = confirmation_link(&app, "vera@example.no").await;
    assert!(link.starts_with("/newsletter/confirm?token="));
    let html = send(&operator, "Desember").await;
    assert!(html.contains("0"), "{html}");
    assert_eq!(newsletters_to(&app, "vera@example.no").await, 0);

    confirm(&app, &visitor, "vera@example.no").await;
    // The link works once.
    let again = visitor
        .post_form("/newsletter/confirm", &[("token", &token_of(&link))])
        .await;
    assert_eq!(again.status(), StatusCode::FORBIDDEN);

    send(&operator, "Januar").await;
    let mail = outbox(&app).await;
    let (_, _, body, header) = mail
        .iter()
        .find(|(k, r, _, _)| k == "newsletter" && r == "vera@example.no")
        .expect("the newsletter");
    assert!(body.contains("Tre nye kurs."));
    let unsubscribe = link_in(body, "http://127.0.0.1:8080/newsletter/unsubscribe?token=");
    assert_eq!(header.as_deref(), Some(unsubscribe.as_str()));

    // Delivered with List-Unsubscribe.
    app.runner().run_once(jobs::OUTBOX).await.expect("outbox");
    let dir = app.data_dir().join("outbox");
    let mails: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).expect("eml"))
        .collect();
    assert!(
        mails.iter().any(|m| m
            .contains("List-Unsubscribe: <http://127.0.0.1:8080/newsletter/unsubscribe?token=")),
        "{mails:?}"
    );
}

async fn the_unsubscribe_link_works_without_signing_in_and_stops_sending_at_once(app: TestApp) {
    let operator = app.browser_login("operator@demo.tavle.no").await;
    let visitor = app.browser();
    subscribe(&visitor, "Vera Besøk", "vera@example.no").await;
    confirm(&app, &visitor, "vera@example.no").await;
    let other = app.browser();
    subscribe(&other, "Otto Annen", "otto@example.no").await;
    confirm(&app, &other, "otto@example.no").await;
    send(&operator, "Desember").await;
    assert_eq!(newsletters_to(&app, "vera@example.no").await, 1);
    let mail = outbox(&app).await;
    let body = &mail
        .iter()
        .find(|(k, r, _, _)| k == "newsletter" && r == "vera@example.no")
        .expect("newsletter")
        .2;
    let link = link_in(body, "/newsletter/unsubscribe?token=");

    // A browser that never signed in.
    let stranger = app.browser();
    let page = stranger.get(&link).await;
    assert_eq!(page.status(), StatusCode::OK);
    let r = stranger
        .post_form("/newsletter/unsubscribe", &[("token", &token_of(&link))])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        "/newsletter?done=newsletter_unsubscribed"
    );
    // At once: what was queued for the address is gone, nothing of it is left in the outbox.
    assert!(
        !outbox(&app)
            .await
            .iter()
            .any(|(_, r, _, _)| r == "vera@example.no")
    );
    send(&operator, "Januar").await;
    assert_eq!(newsletters_to(&app, "vera@example.no").await, 0);
    assert_eq!(newsletters_to(&app, "otto@example.no").await, 2);
    // The same link again changes nothing and says the same.
    let r = stranger
        .post_form("/newsletter/unsubscribe", &[("token", &token_of(&link))])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

async fn a_forged_or_altered_unsubscribe_token_is_refused_and_changes_nothing(app: TestApp) {
    let operator = app.browser_login("operator@demo.tavle.no").await;
    let visitor = app.browser();
    subscribe(&visitor, "Vera Besøk", "vera@example.no").await;
    confirm(&app, &visitor, "vera@example.no").await;
    send(&operator, "Desember").await;
    let mail = outbox(&app).await;
    let token = token_of(&link_in(
        &mail
            .iter()
            .find(|(k, _, _, _)| k == "newsletter")
            .expect("newsletter")
            .2,
        "/newsletter/unsubscribe?token=",
    ));
    let (id, mac) = token.split_once('.').expect("id.mac");
    let flip = |s: &str| {
        let mut b = s.as_bytes().to_vec();
        let last = b.len() - 1;
        b[last] = if b[last] == b'0' { b'1' } else { b'0' };
        String::from_utf8(b).expect("utf-8")
    };
    let forged = [
        format!("{id}.{}", flip(mac)),
        format!("{}.{mac}", flip(id)),
        format!("{}.{mac}", uuid::Uuid::now_v7().simple()),
        // Signed for another purpose with an unknown key.
        domain::newsletter::unsubscribe_token(&[0u8; 32], uuid::Uuid::parse_str(id).expect("id")),
        "garbage".to_owned(),
        String::new(),
    ];
    let stranger = app.browser();
    for bad in &forged {
        let page = stranger
            .get(&format!("/newsletter/unsubscribe?token={bad}"))
            .await;
        assert_eq!(page.status(), StatusCode::FORBIDDEN, "{bad}");
        let html = page.text().await.expect("html");
        assert!(
            html.contains("Nothing was changed") || html.contains("Ingenting ble endret"),
            "{html}"
        );
        let r = stranger
            .post_form("/newsletter/unsubscribe", &[("token", bad)])
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{bad}");
        // The API-style answer names the code.
    }
    // Nothing changed: the queued message stays and the next issue reaches the address.
    assert_eq!(newsletters_to(&app, "vera@example.no").await, 1);
    send(&operator, "Januar").await;
    assert_eq!(newsletters_to(&app, "vera@example.no").await, 2);
}

async fn a_signed_in_person_subscribes_and_unsubscribes_from_the_profile(app: TestApp) {
    let operator = app.browser_login("operator@demo.tavle.no").await;
    let me = app.browser_login("elev@demo.tavle.no").await;
    let html = me.get("/profile").await.text().await.expect("html");
    assert!(html.contains(r#"aria-labelledby="newsletter-h""#));
    assert!(html.contains(r#"value="elev@demo.tavle.no""#));
    let r = me
        .post_form(
            "/newsletter",
            &[
                ("name", "Emil Elev"),
                ("email", "elev@demo.tavle.no"),
                ("subjects", "product_news"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    send(&operator, "Desember").await;
    assert_eq!(newsletters_to(&app, "elev@demo.tavle.no").await, 0);
    confirm(&app, &me, "elev@demo.tavle.no").await;
    let html = me.get("/profile").await.text().await.expect("html");
    assert!(html.contains(r#"action="/profile/newsletter/unsubscribe""#));
    send(&operator, "Januar").await;
    assert_eq!(newsletters_to(&app, "elev@demo.tavle.no").await, 1);

    let r = me.post_form("/profile/newsletter/unsubscribe", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(newsletters_to(&app, "elev@demo.tavle.no").await, 0);
    send(&operator, "Februar").await;
    assert_eq!(newsletters_to(&app, "elev@demo.tavle.no").await, 0);
    let html = me.get("/profile").await.text().await.expect("html");
    assert!(!html.contains(r#"action="/profile/newsletter/unsubscribe""#));
    // Without CSRF the profile's unsubscribe is refused.
    let r = me
        .post_form_raw("/profile/newsletter/unsubscribe", &[])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Only operators send.
    let r = me
        .post_form("/operator/newsletter", &[("subject", "x"), ("body", "y")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

async fn the_send_command_queues_one_message_per_active_subscriber(app: TestApp) {
    let visitor = app.browser();
    subscribe(&visitor, "Vera Besøk", "vera@example.no").await;
    confirm(&app, &visitor, "vera@example.no").await;
    let pending = app.browser();
    subscribe(&pending, "Pia Venter", "pia@example.no").await;
    let body = app.data_dir().join("body.md");
    std::fs::write(&body, "Hei!\n\nNye kurs i januar.").expect("body");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tavle"))
        .args(app.database_args())
        .args(["newsletter", "send", "--subject", "Januar", "--file"])
        .arg(&body)
        .args(["--lang", "en"])
        .output()
        .expect("run tavle");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "queued 1 newsletter messages"
    );
    assert_eq!(newsletters_to(&app, "vera@example.no").await, 1);
    assert_eq!(newsletters_to(&app, "pia@example.no").await, 0);
    // The link the command made (same key file) unsubscribes through the web.
    let mail = outbox(&app).await;
    let body = &mail
        .iter()
        .find(|(k, _, _, _)| k == "newsletter")
        .expect("newsletter")
        .2;
    assert!(body.contains("Unsubscribe (no sign-in needed)"));
    let link = link_in(body, "/newsletter/unsubscribe?token=");
    let r = app
        .browser()
        .post_form("/newsletter/unsubscribe", &[("token", &token_of(&link))])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(newsletters_to(&app, "vera@example.no").await, 0);
}

/// A JSON call with no session and no CSRF token, as a script or another site's server would.
async fn public_post(app: &TestApp, path: &str, body: Value) -> (StatusCode, Value) {
    let r = app
        .browser()
        .client
        .post(app.url(path))
        .json(&body)
        .send()
        .await
        .expect("send");
    let status = r.status();
    let text = r.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn vera() -> Value {
    json!({"name": "Vera Besøk", "email": "vera@example.no", "subjects": ["new_courses", "events"]})
}

async fn the_api_subscribes_confirms_and_unsubscribes_by_token_without_signing_in(app: TestApp) {
    let operator = app.browser_login("operator@demo.tavle.no").await;
    // Bad input: every field error at once, nothing stored.
    let (status, problem) = public_post(
        &app,
        "/api/v1/newsletter/subscriptions",
        json!({"name": "", "email": "nope", "subjects": ["spam"]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(field_errors(&problem).len() >= 3, "{problem}");
    assert!(outbox(&app).await.is_empty());

    let (status, _) = public_post(&app, "/api/v1/newsletter/subscriptions", vera()).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    // Pending: the list is not sent to yet.
    send(&operator, "Desember").await;
    assert_eq!(newsletters_to(&app, "vera@example.no").await, 0);

    let (status, problem) = public_post(
        &app,
        "/api/v1/newsletter/confirmations",
        json!({"token": "not-a-token"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["code"], "invalid_confirmation_link");
    let token = token_of(&confirmation_link(&app, "vera@example.no").await);
    let (status, _) = public_post(
        &app,
        "/api/v1/newsletter/confirmations",
        json!({"token": token}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // Subscribing again answers the same and mails nothing.
    let before = outbox(&app).await.len();
    let (status, _) = public_post(&app, "/api/v1/newsletter/subscriptions", vera()).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(outbox(&app).await.len(), before);

    send(&operator, "Januar").await;
    assert_eq!(newsletters_to(&app, "vera@example.no").await, 1);
    let mail = outbox(&app).await;
    let token = token_of(&link_in(
        &mail
            .iter()
            .find(|(k, r, _, _)| k == "newsletter" && r == "vera@example.no")
            .expect("newsletter")
            .2,
        "/newsletter/unsubscribe?token=",
    ));

    // A forged token is refused and changes nothing.
    let (id, mac) = token.split_once('.').expect("id.mac");
    let forged = [
        format!("{id}.{}", mac.chars().rev().collect::<String>()),
        domain::newsletter::unsubscribe_token(&[0u8; 32], uuid::Uuid::parse_str(id).expect("id")),
        "garbage".to_owned(),
    ];
    for bad in &forged {
        let (status, problem) = public_post(
            &app,
            "/api/v1/newsletter/unsubscriptions",
            json!({"token": bad}),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{bad}");
        assert_eq!(problem["code"], "invalid_unsubscribe_link");
    }
    assert_eq!(newsletters_to(&app, "vera@example.no").await, 1);

    let (status, _) = public_post(
        &app,
        "/api/v1/newsletter/unsubscriptions",
        json!({"token": token}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(newsletters_to(&app, "vera@example.no").await, 0);
    send(&operator, "Februar").await;
    assert_eq!(newsletters_to(&app, "vera@example.no").await, 0);
    // The same token again answers the same.
    let (status, _) = public_post(
        &app,
        "/api/v1/newsletter/unsubscriptions",
        json!({"token": token}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

async fn the_api_shows_and_ends_the_signed_in_persons_own_subscription(app: TestApp) {
    let operator = app.browser_login("operator@demo.tavle.no").await;
    let (status, _) = public_post(&app, "/api/v1/newsletter/subscriptions", vera()).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let r = app.browser().get("/api/v1/me/newsletter").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let me = app.api_login("elev@demo.tavle.no").await;
    let (status, body) = me.get("/api/v1/me/newsletter").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.is_null(), "{body}");
    let (status, _) = me
        .post(
            "/api/v1/newsletter/subscriptions",
            json!({"name": "Emil Elev", "email": "elev@demo.tavle.no", "subjects": ["product_news"]}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (_, body) = me.get("/api/v1/me/newsletter").await;
    assert_eq!(body["status"], "pending", "{body}");
    assert_eq!(body["email"], "elev@demo.tavle.no");
    assert_eq!(body["subjects"], json!(["product_news"]));

    let token = token_of(&confirmation_link(&app, "elev@demo.tavle.no").await);
    let (status, _) = me
        .post("/api/v1/newsletter/confirmations", json!({"token": token}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = me.get("/api/v1/me/newsletter").await;
    assert_eq!(body["status"], "active", "{body}");
    assert!(body["confirmed_at"].is_string(), "{body}");
    send(&operator, "Januar").await;
    assert_eq!(newsletters_to(&app, "elev@demo.tavle.no").await, 1);

    let (status, _) = me.delete("/api/v1/me/newsletter").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(newsletters_to(&app, "elev@demo.tavle.no").await, 0);
    let (_, body) = me.get("/api/v1/me/newsletter").await;
    assert!(body.is_null(), "{body}");
    // Again: nothing to end, still 204.
    let (status, _) = me.delete("/api/v1/me/newsletter").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    send(&operator, "Februar").await;
    assert_eq!(newsletters_to(&app, "elev@demo.tavle.no").await, 0);
    // The visitor's subscription is untouched (still pending, so nothing sent to it).
    assert_eq!(newsletters_to(&app, "vera@example.no").await, 0);
    assert!(
        outbox(&app)
            .await
            .iter()
            .any(|(k, r, _, _)| k == "newsletter_confirmation" && r == "vera@example.no")
    );
}
