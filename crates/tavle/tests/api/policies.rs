//! Policies and their acceptance (issue 6): versions and the acceptance gate (PRIVACY-DOMAIN R2,
//! R3; KS-1, KS-2, DFO-1, NDLA-15), acknowledgement for employees and consent for everyone
//! else, refusal as an account-deletion request (DFO-1, DFO-16), the history of acceptances with
//! the exact texts, the registry-generated privacy notice, and the minimum age on every way an
//! account is created (KS-3, MUN-1, R5).

use std::process::Command;

use domain::registry::registry;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both_backends;
use crate::harness::{Api, Browser, TestApp, field_errors, other_org};

both_backends!(
    policies_a_person_who_accepted_v1_is_held_after_v2_and_not_after_a_minor_v3,
    policies_employees_acknowledge_and_never_see_consent_wording_while_others_consent,
    policies_the_api_answers_403_with_a_code_and_service_accounts_are_not_held,
    policies_accepting_a_retired_or_unknown_version_is_refused_and_changes_nothing,
    policies_the_privacy_page_keeps_every_acceptance_with_the_exact_text,
    policies_refusing_consent_records_an_account_deletion_request,
    policies_the_privacy_notice_is_generated_from_the_registry_and_listed_for_everyone,
    policies_under_age_accounts_are_refused_on_every_path_and_nothing_is_stored,
);

const ORG: &str = "/api/v1/organisations/demo";

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    let mut db = app.store.conn().await.expect("conn");
    store::with_conn!(db, |c| sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&mut *c)
        .await)
    .expect("count")
}

/// A terms-of-use version's fields, in bokmål and English.
fn terms(body: &str, extra: Value) -> Value {
    let mut v = json!({
        "kind": "terms_of_use",
        "audience": "everyone",
        "mandatory": "true",
        "title_nb": "Brukervilkår",
        "summary_nb": format!("Kort om vilkårene ({body})."),
        "body_nb": format!("# Vilkår\n\nDu bruker tjenesten til opplæring. {body}"),
        "title_en": "Terms of use",
        "summary_en": format!("The terms in short ({body})."),
        "body_en": format!("# Terms\n\nYou use the service for training. {body}"),
    });
    if let (Some(map), Some(more)) = (v.as_object_mut(), extra.as_object()) {
        for (k, x) in more {
            map.insert(k.clone(), x.clone());
        }
    }
    v
}

/// Creates a policy of the demo organisation and publishes its first version; returns the
/// policy's and the version's ids.
async fn publish_policy(admin: &Api, body: Value) -> (String, String) {
    let (status, policy) = admin.post(&format!("{ORG}/policies"), body).await;
    assert_eq!(status, StatusCode::CREATED, "{policy}");
    let policy_id = policy["id"].as_str().expect("policy id").to_owned();
    let version_id = policy["versions"][0]["id"]
        .as_str()
        .expect("version id")
        .to_owned();
    assert_eq!(policy["versions"][0]["status"], "draft");
    let (status, v) = admin
        .post(
            &format!("{ORG}/policy-versions/{version_id}/publish"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "active");
    (policy_id, version_id)
}

/// Writes and publishes the next version of a policy.
async fn publish_next(admin: &Api, policy: &str, body: Value) -> String {
    let (status, v) = admin
        .post(&format!("{ORG}/policies/{policy}/versions"), body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().expect("id").to_owned();
    let (status, p) = admin
        .post(&format!("{ORG}/policy-versions/{id}/publish"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    id
}

async fn accept_api(api: &Api, ids: &[&str]) -> (StatusCode, Value) {
    api.post(
        "/api/v1/me/policies/acceptances",
        json!({"version_ids": ids}),
    )
    .await
}

/// Whether a browser is sent to the acceptance page when it asks for `/learn`.
async fn held(b: &Browser) -> bool {
    let r = b.get("/learn").await;
    match r.status() {
        StatusCode::SEE_OTHER => {
            let to = r.headers()["location"].to_str().expect("location");
            assert!(to.starts_with("/policies/accept?next="), "{to}");
            true
        }
        StatusCode::OK => false,
        other => panic!("unexpected {other}"),
    }
}

/// Accepts the version through the acceptance page's form, as a person would.
async fn accept_page(b: &Browser, version: &str) -> reqwest::Response {
    b.post_form(
        "/policies/accept",
        &[
            ("version_id", version),
            ("language", "nb"),
            ("next", "/learn"),
        ],
    )
    .await
}

async fn policies_a_person_who_accepted_v1_is_held_after_v2_and_not_after_a_minor_v3(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let ansatt = app.browser_login("ansatt@demo.tavle.no").await;
    let laerer = app.browser_login("laerer@demo.tavle.no").await;
    assert!(!held(&ansatt).await, "no mandatory policy yet");
    let (policy, v1) = publish_policy(&admin, terms("v1", json!({}))).await;
    // The administrator is an employee of the organisation too.
    let (status, _) = admin.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(accept_api(&admin, &[&v1]).await.0, StatusCode::CREATED);

    // R2: held at v1 until accepted, then through.
    assert!(held(&ansatt).await);
    let page = ansatt
        .get("/policies/accept?next=/learn")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("Kort om vilkårene (v1).")
            && page.contains("Du bruker tjenesten til opplæring. v1")
    );
    let r = accept_page(&ansatt, &v1).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/learn");
    assert!(!held(&ansatt).await);
    assert_eq!(
        accept_page(&laerer, &v1).await.status(),
        StatusCode::SEE_OTHER
    );
    assert!(!held(&laerer).await);

    // A major v2 holds everyone who accepted only v1.
    let v2 = publish_next(&admin, &policy, terms("v2", json!({}))).await;
    assert_eq!(accept_api(&admin, &[&v2]).await.0, StatusCode::CREATED);
    assert!(held(&ansatt).await, "held after v2");
    let page = ansatt
        .get("/policies/accept")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("Du bruker tjenesten til opplæring. v2") && !page.contains("opplæring. v1")
    );
    assert_eq!(
        accept_page(&ansatt, &v2).await.status(),
        StatusCode::SEE_OTHER
    );
    assert!(!held(&ansatt).await);

    // A minor v3 holds nobody who accepted v2, but Lise never accepted v2.
    let v3 = publish_next(&admin, &policy, terms("v3", json!({"minor": "true"}))).await;
    assert!(!held(&ansatt).await, "not held after a minor v3");
    let (status, _) = admin.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::OK, "the admin accepted v2");
    assert!(held(&laerer).await, "v2 was never accepted");
    assert_eq!(
        accept_page(&laerer, &v3).await.status(),
        StatusCode::SEE_OTHER
    );
    assert!(!held(&laerer).await);

    // The versions stay retrievable with their status.
    let (_, p) = admin.get(&format!("{ORG}/policies/{policy}")).await;
    let statuses: Vec<&str> = p["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| v["status"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(statuses, ["retired", "retired", "active"]);
    assert_eq!(p["versions"][2]["requires_from"], 2);
    assert_eq!(p["acceptances"][&v1], 3);
    // A first version cannot be minor, and one draft at a time.
    let (status, problem) = admin
        .post(
            &format!("{ORG}/policies"),
            terms("x", json!({"kind": "other", "minor": "true"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), vec!["minor:minor_needs_previous"]);
    let (status, _) = admin
        .post(
            &format!("{ORG}/policies/{policy}/versions"),
            terms("v4", json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, problem) = admin
        .post(
            &format!("{ORG}/policies/{policy}/versions"),
            terms("v5", json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), vec!["status:policy_draft_exists"]);
}

async fn policies_employees_acknowledge_and_never_see_consent_wording_while_others_consent(
    app: TestApp,
) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (_, v1) = publish_policy(&admin, terms("alle", json!({"kind": "terms_of_use"}))).await;
    accept_api(&admin, &[&v1]).await;
    // DFO-1: an employee acknowledges; no consent wording, in either language.
    let ansatt = app.browser_login("ansatt@demo.tavle.no").await;
    let page = ansatt
        .get("/policies/accept")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Jeg har lest dette"), "{page}");
    assert!(page.contains("Behandlingen bygger på arbeidsforholdet ditt"));
    assert!(!page.to_lowercase().contains("samtykk"), "{page}");
    let en = ansatt
        .client
        .get(app.url("/policies/accept"))
        .header("accept-language", "en")
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("page");
    assert!(
        en.contains("I have read this") && !en.to_lowercase().contains("consent"),
        "{en}"
    );
    // Everyone else consents, and may refuse.
    for who in ["ekstern", "elev"] {
        let b = app.browser_login(&format!("{who}@demo.tavle.no")).await;
        let page = b.get("/policies/accept").await.text().await.expect("page");
        assert!(
            page.contains("Jeg samtykker</button>") || page.contains("Jeg samtykker<span"),
            "{who}: {page}"
        );
        assert!(page.contains("Jeg samtykker ikke"), "{who}");
        assert!(!page.contains("Jeg har lest dette"), "{who}");
    }
    // The API says the same.
    let employee = app.api_login("ansatt@demo.tavle.no").await;
    let (_, pending) = employee.get("/api/v1/me/policies/pending").await;
    assert_eq!(pending[0]["acceptance_kind"], "acknowledgement");
    let external = app.api_login("ekstern@demo.tavle.no").await;
    let (_, pending) = external.get("/api/v1/me/policies/pending").await;
    assert_eq!(pending[0]["acceptance_kind"], "consent");
    // And the records: an acknowledgement and a consent; the employee's privacy page still
    // says nothing of consent about it.
    accept_api(&employee, &[&v1]).await;
    accept_api(&external, &[&v1]).await;
    let (_, mine) = employee.get("/api/v1/me/policies/acceptances").await;
    assert_eq!(mine[0]["kind"], "acknowledgement");
    let (_, theirs) = external.get("/api/v1/me/policies/acceptances").await;
    assert_eq!(theirs[0]["kind"], "consent");
    let privacy = ansatt.get("/privacy").await.text().await.expect("page");
    assert!(privacy.contains("Du bekreftet at du hadde lest den"));
    assert!(!privacy.contains("Trekk tilbake samtykket"));
    // A policy for external users only holds them, not employees.
    let (_, v) = publish_policy(
        &admin,
        terms(
            "eksterne",
            json!({"kind": "other", "audience": "external_users"}),
        ),
    )
    .await;
    assert!(!held(&ansatt).await);
    let ekstern = app.browser_login("ekstern@demo.tavle.no").await;
    assert!(held(&ekstern).await);
    let (_, pending) = external.get("/api/v1/me/policies/pending").await;
    assert_eq!(pending.as_array().map(Vec::len), Some(1));
    assert_eq!(pending[0]["version"]["id"], v.as_str());
}

async fn policies_the_api_answers_403_with_a_code_and_service_accounts_are_not_held(app: TestApp) {
    // Tokens made before the policy exists: a personal one and a service account's.
    let b = app.browser_login("admin@demo.tavle.no").await;
    let r = b
        .post_form(
            "/profile/tokens",
            &[
                ("name", "script"),
                ("scopes", "me:read people:read"),
                ("days", "30"),
            ],
        )
        .await;
    let page = r.text().await.expect("page");
    let personal = page[page.find("tvl_").expect("token")..]
        .split('<')
        .next()
        .expect("token")
        .to_owned();
    let r = b
        .post_form(
            "/org/demo/admin/integrations",
            &[("account", "HR"), ("scopes", "people:read"), ("days", "7")],
        )
        .await;
    let page = r.text().await.expect("page");
    let service = page[page.find("tvl_").expect("token")..]
        .split('<')
        .next()
        .expect("token")
        .to_owned();
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (_, v1) = publish_policy(&admin, terms("api", json!({}))).await;

    let (status, problem) = admin.get(&format!("{ORG}/people")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["code"], "policy_acceptance_required");
    assert_eq!(problem["accept_url"], "/policies/accept");
    assert_eq!(problem["pending_url"], "/api/v1/me/policies/pending");
    let r = admin
        .browser
        .client
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(
        r.headers()["link"]
            .to_str()
            .expect("link")
            .contains("/policies/accept")
    );
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    // What to accept is reachable, and so is logging out.
    let (status, pending) = admin.get("/api/v1/me/policies/pending").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(pending[0]["version"]["id"], v1.as_str());
    assert_eq!(pending[0]["text"]["summary"], "Kort om vilkårene (api).");

    let bearer = |token: String, path: &'static str| {
        let app_url = app.url(path);
        async move {
            reqwest::Client::new()
                .get(app_url)
                .bearer_auth(token)
                .send()
                .await
                .expect("send")
                .status()
        }
    };
    // The person's own token is held with them; the service account's is not.
    assert_eq!(
        bearer(personal.clone(), "/api/v1/me").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        bearer(service.clone(), "/api/v1/organisations/demo/people").await,
        StatusCode::OK
    );
    assert_eq!(accept_api(&admin, &[&v1]).await.0, StatusCode::CREATED);
    let (status, _) = admin.get(&format!("{ORG}/people")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bearer(personal, "/api/v1/me").await, StatusCode::OK);
    // Pages send the held to the acceptance page and back.
    let ansatt = app.browser_login("ansatt@demo.tavle.no").await;
    let r = ansatt.get("/profile?x=1").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        "/policies/accept?next=%2Fprofile%3Fx%3D1"
    );
    assert_eq!(ansatt.get("/policies").await.status(), StatusCode::OK);
    let r = ansatt.post_form("/logout", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login");
}

async fn policies_accepting_a_retired_or_unknown_version_is_refused_and_changes_nothing(
    app: TestApp,
) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (policy, v1) = publish_policy(&admin, terms("v1", json!({}))).await;
    accept_api(&admin, &[&v1]).await;
    let v2 = publish_next(&admin, &policy, terms("v2", json!({}))).await;
    accept_api(&admin, &[&v2]).await;
    let (status, draft) = admin
        .post(
            &format!("{ORG}/policies/{policy}/versions"),
            terms("v3", json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let draft = draft["id"].as_str().expect("id").to_owned();
    // Another organisation's version looks unknown.
    let other = other_org(&app).await;
    let (status, foreign) = other
        .admin
        .post(
            "/api/v1/organisations/other/policies",
            terms("other", json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{foreign}");
    let foreign = foreign["versions"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    other
        .admin
        .post(
            &format!("/api/v1/organisations/other/policy-versions/{foreign}/publish"),
            json!({}),
        )
        .await;

    let ansatt = app.api_login("ansatt@demo.tavle.no").await;
    let before = count(&app, "SELECT COUNT(*) FROM policy_acceptances").await;
    let (status, problem) = accept_api(&ansatt, &[&v1]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["code"], "policy_version_retired");
    assert!(
        problem["title"]
            .as_str()
            .expect("title")
            .contains("erstattet av en nyere")
    );
    for unknown in [
        "01900000-0000-7000-8000-000000000000",
        "not-a-version",
        draft.as_str(),
        foreign.as_str(),
    ] {
        let (status, problem) = accept_api(&ansatt, &[unknown]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{unknown}");
        assert_eq!(
            field_errors(&problem),
            vec!["version_id:unknown_policy_version"]
        );
        assert!(
            problem["errors"][0]["message"]
                .as_str()
                .expect("message")
                .contains("Ingenting er lagret")
        );
    }
    // All or nothing: the current version with a retired one records neither.
    let (status, _) = accept_api(&ansatt, &[&v2, &v1]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = ansatt
        .post(
            "/api/v1/me/policies/acceptances",
            json!({"version_ids": []}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // The page says so too.
    let b = app.browser_login("ansatt@demo.tavle.no").await;
    let r = accept_page(&b, &v1).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(
        r.text()
            .await
            .expect("page")
            .contains("erstattet av en nyere")
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM policy_acceptances").await,
        before,
        "nothing recorded"
    );
    assert!(held(&b).await);
    // Only drafts are published or discarded, only the active version retired.
    let (status, problem) = admin
        .post(&format!("{ORG}/policy-versions/{v1}/publish"), json!({}))
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::CONFLICT, Some("policy_version_not_draft"))
    );
    let (status, problem) = admin
        .post(&format!("{ORG}/policy-versions/{v1}/retire"), json!({}))
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::CONFLICT, Some("policy_version_not_active"))
    );
    // Another organisation's administrator finds none of it.
    let (status, _) = other.admin.get(&format!("{ORG}/policies/{policy}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = other
        .admin
        .post(
            &format!("/api/v1/organisations/other/policy-versions/{draft}/publish"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Discarding the draft leaves the published versions.
    let (status, _) = admin
        .delete(&format!("{ORG}/policy-versions/{draft}"))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, p) = admin.get(&format!("{ORG}/policies/{policy}")).await;
    assert_eq!(p["versions"].as_array().map(Vec::len), Some(2));
}

async fn policies_the_privacy_page_keeps_every_acceptance_with_the_exact_text(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (policy, v1) = publish_policy(&admin, terms("første <b>utgave</b>", json!({}))).await;
    accept_api(&admin, &[&v1]).await;
    let ansatt = app.browser_login("ansatt@demo.tavle.no").await;
    accept_page(&ansatt, &v1).await;
    let v2 = publish_next(&admin, &policy, terms("andre utgave", json!({}))).await;
    accept_api(&admin, &[&v2]).await;
    // Read in English this time.
    let api = app.api_login("ansatt@demo.tavle.no").await;
    let (status, _) = api
        .post(
            "/api/v1/me/policies/acceptances",
            json!({"version_ids": [v2], "language": "en"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, versions) = admin.get(&format!("{ORG}/policies/{policy}")).await;
    let (_, history) = api.get("/api/v1/me/policies/acceptances").await;
    let history = history.as_array().expect("history");
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["version_id"], v2.as_str());
    assert_eq!(history[0]["language"], "en");
    assert_eq!(
        history[0]["text"]["body"],
        "# Terms\n\nYou use the service for training. andre utgave"
    );
    assert_eq!(
        history[0]["content_hash"],
        versions["versions"][1]["content_hash"]
    );
    assert_eq!(history[1]["version_id"], v1.as_str());
    assert_eq!(history[1]["language"], "nb");
    assert_eq!(history[1]["version_status"], "retired");
    assert_eq!(
        history[1]["text"]["body"],
        "# Vilkår\n\nDu bruker tjenesten til opplæring. første <b>utgave</b>"
    );
    assert_eq!(
        history[1]["content_hash"],
        versions["versions"][0]["content_hash"]
    );
    assert_ne!(history[0]["content_hash"], history[1]["content_hash"]);
    // The privacy page shows both with their texts (raw HTML in a text is dropped, not run).
    let page = ansatt.get("/privacy").await.text().await.expect("page");
    assert!(page.contains("Erklæringer du har godtatt"));
    assert!(page.contains("You use the service for training. andre utgave"));
    assert!(page.contains("Du bruker tjenesten til opplæring. første"));
    assert!(!page.contains("<b>utgave</b>"));
    assert!(page.contains(history[1]["content_hash"].as_str().expect("hash")));
    assert!(page.contains("erstattet av en nyere"));
}

async fn policies_refusing_consent_records_an_account_deletion_request(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (_, v1) = publish_policy(&admin, terms("samtykke", json!({}))).await;
    let ekstern = app.browser_login("ekstern@demo.tavle.no").await;
    // First what refusing means, then (confirmed) the request.
    let r = ekstern
        .post_form("/policies/refuse", &[("version_id", &v1)])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.expect("page");
    assert!(page.contains("Slett kontoen min") && page.contains("Uten samtykket ditt"));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM account_deletion_requests").await,
        0,
        "nothing before confirming"
    );
    let r = ekstern
        .post_form(
            "/policies/refuse",
            &[("version_id", &v1), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.expect("page");
    assert!(
        page.contains("Forespørselen om å slette kontoen din er registrert"),
        "{page}"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM account_deletion_requests WHERE status = 'received' AND reason = 'policy_refused'").await,
        1
    );
    // Shown to the person, at the gate and through the API; refusing again changes nothing.
    let page = ekstern
        .get("/policies/accept")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Du har bedt om at kontoen din slettes"));
    let external = app.api_login("ekstern@demo.tavle.no").await;
    let (status, requests) = external.get("/api/v1/me/deletion-requests").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(requests[0]["status"], "received");
    assert_eq!(requests[0]["reason"], "policy_refused");
    assert_eq!(requests[0]["version_id"], v1.as_str());
    let received = time::OffsetDateTime::now_utc().date();
    assert_eq!(
        requests[0]["due_on"],
        domain::policy::one_month_after(received).to_string()
    );
    let (status, again) = external
        .post("/api/v1/me/policies/refusals", json!({"version_id": v1}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["id"], requests[0]["id"]);
    // An employee's acknowledgement is not refused.
    let employee = app.api_login("ansatt@demo.tavle.no").await;
    let (status, problem) = employee
        .post("/api/v1/me/policies/refusals", json!({"version_id": v1}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["code"], "acknowledgement_not_refused");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM account_deletion_requests").await,
        1
    );
    // R3: a student who consented withdraws as easily (one confirmed step from the privacy
    // page); the account consent withdrawn asks for deletion and holds them at the gate again.
    let elev = app.browser_login("elev@demo.tavle.no").await;
    assert_eq!(
        accept_page(&elev, &v1).await.status(),
        StatusCode::SEE_OTHER
    );
    assert!(!held(&elev).await);
    let student = app.api_login("elev@demo.tavle.no").await;
    let (_, history) = student.get("/api/v1/me/policies/acceptances").await;
    let acceptance = history[0]["id"].as_str().expect("id").to_owned();
    let page = elev.get("/privacy").await.text().await.expect("page");
    assert!(page.contains(&format!("/privacy/acceptances/{acceptance}/withdraw")));
    let r = elev
        .post_form(&format!("/privacy/acceptances/{acceptance}/withdraw"), &[])
        .await;
    assert!(
        r.text()
            .await
            .expect("page")
            .contains("Trekker du tilbake samtykket")
    );
    let r = elev
        .post_form(
            &format!("/privacy/acceptances/{acceptance}/withdraw"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(held(&elev).await);
    let (_, requests) = student.get("/api/v1/me/deletion-requests").await;
    assert_eq!(requests[0]["reason"], "consent_withdrawn");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM policy_acceptances WHERE withdrawn_at IS NOT NULL"
        )
        .await,
        1,
        "the record stays, marked withdrawn"
    );
    let (status, problem) = student
        .post(
            &format!("/api/v1/me/policies/acceptances/{acceptance}/withdrawal"),
            json!({}),
        )
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("policy_acceptance_required"))
    );
}

async fn policies_the_privacy_notice_is_generated_from_the_registry_and_listed_for_everyone(
    app: TestApp,
) {
    let operator = app.api_login("operator@demo.tavle.no").await;
    let notice = json!({"kind": "privacy_notice", "audience": "everyone", "mandatory": "true",
                        "title_nb": "ignored", "summary_nb": "ignored", "body_nb": "ignored"});
    let (status, problem) = operator
        .post(
            "/api/v1/platform/policies",
            json!({"kind": "privacy_notice", "audience": "everyone", "minor": "true"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), vec!["minor:minor_needs_previous"]);
    let (status, policy) = operator
        .post("/api/v1/platform/policies", notice.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{policy}");
    let version = &policy["versions"][0];
    let reg = registry();
    assert_eq!(version["registry_version"], reg.version);
    assert_eq!(version["registry_hash"], reg.content_hash());
    let texts = version["texts"].as_array().expect("texts");
    assert_eq!(
        texts
            .iter()
            .map(|t| t["language"].as_str().unwrap_or(""))
            .collect::<Vec<_>>(),
        ["nb", "en"]
    );
    let body = texts[0]["body"].as_str().expect("body");
    assert!(
        body.contains("Brukerkonto og innlogging") && body.contains("Datatilsynet"),
        "{body}"
    );
    assert!(body.contains(&format!("Registerversjon {}", reg.version)));
    assert!(!body.contains("ignored") && texts[0]["title"] != "ignored");
    assert!(
        texts[1]["body"]
            .as_str()
            .expect("en")
            .contains("User account and login")
    );
    // One privacy notice per controller.
    let (status, problem) = operator.post("/api/v1/platform/policies", notice).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), vec!["kind:already_exists"]);
    let id = version["id"].as_str().expect("id").to_owned();
    let (status, _) = operator
        .post(
            &format!("/api/v1/platform/policy-versions/{id}/publish"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // The operator belongs to no organisation: the platform is their controller, and they
    // consent like any external user before going on.
    let (status, _) = operator.get("/api/v1/platform/policies").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, pending) = operator.get("/api/v1/me/policies/pending").await;
    assert_eq!(pending[0]["acceptance_kind"], "consent");
    assert_eq!(accept_api(&operator, &[&id]).await.0, StatusCode::CREATED);
    // The registry has not changed: a minor new version is allowed, and nothing is outdated.
    let policy_id = policy["id"].as_str().expect("id");
    let (_, shown) = operator
        .get(&format!("/api/v1/platform/policies/{policy_id}"))
        .await;
    assert_eq!(shown["notice_outdated"], false);
    let (status, minor) = operator
        .post(
            &format!("/api/v1/platform/policies/{policy_id}/versions"),
            json!({"audience": "everyone", "mandatory": "true", "minor": "true"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{minor}");
    assert_eq!(minor["number"], 2);
    let (status, _) = operator
        .delete(&format!(
            "/api/v1/platform/policy-versions/{}",
            minor["id"].as_str().expect("id")
        ))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // Only the operator manages platform policies.
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (status, _) = admin.get("/api/v1/platform/policies").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // KS-1: a list of active policies with name, type and who must accept them, for everyone.
    let anonymous = app.browser();
    let page = anonymous.get("/policies").await.text().await.expect("page");
    assert!(page.contains("Personvernerklæring – Tavle"), "{page}");
    assert!(page.contains("<td>Personvernerklæring</td>"));
    assert!(page.contains(
        "Må godtas før bruk: ansatte bekrefter at de har lest den; elever og studenter samtykker; eksterne brukere samtykker."
    ));
    let r = reqwest::get(app.url("/api/v1/policies"))
        .await
        .expect("send");
    let listed: Value = r.json().await.expect("json");
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(listed[0]["version"]["kind"], "privacy_notice");
    // A platform policy for everyone holds people of every organisation, and those of none.
    let ansatt = app.browser_login("ansatt@demo.tavle.no").await;
    assert!(held(&ansatt).await);
    let page = ansatt
        .get("/policies/accept")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Brukerkonto og innlogging"));
    // An organisation's own policies join the list for its members.
    let (status, _) = admin.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    accept_api(&admin, &[&id]).await;
    publish_policy(&admin, terms("org", json!({"mandatory": ""}))).await;
    let page = ansatt.get("/policies").await.text().await.expect("page");
    assert!(page.contains("Brukervilkår") && page.contains("Til orientering, ikke påkrevd"));
    // The admin pages show them, with the generated text's registry version.
    let op = app.browser_login("operator@demo.tavle.no").await;
    let r = op.get(&format!("/operator/policies/{policy_id}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.expect("page");
    assert!(page.contains(&r_version(reg.version)), "{page}");
    let b = app.browser_login("admin@demo.tavle.no").await;
    let page = b
        .get("/org/demo/admin/policies")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Brukervilkår") && page.contains("id=\"new-policy-kind\""));
}

fn r_version(v: u32) -> String {
    format!("<dd>{v}</dd>")
}

async fn people_rows(app: &TestApp) -> i64 {
    count(app, "SELECT COUNT(*) FROM people").await
}

async fn refusals(app: &TestApp, channel: &'static str) -> i64 {
    let sql = match channel {
        "admin" => {
            "SELECT CAST(COALESCE(SUM(refusals), 0) AS BIGINT) FROM minimum_age_refusals WHERE channel = 'admin'"
        }
        "api" => {
            "SELECT CAST(COALESCE(SUM(refusals), 0) AS BIGINT) FROM minimum_age_refusals WHERE channel = 'api'"
        }
        _ => {
            "SELECT CAST(COALESCE(SUM(refusals), 0) AS BIGINT) FROM minimum_age_refusals WHERE channel = 'import'"
        }
    };
    count(app, sql).await
}

async fn policies_under_age_accounts_are_refused_on_every_path_and_nothing_is_stored(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    // KS-3: the organisation's minimum age (the form offers the presets 15 and 16).
    let b = app.browser_login("admin@demo.tavle.no").await;
    let page = b.get("/org/demo/admin").await.text().await.expect("page");
    assert!(
        page.contains("<option value=\"16\">16 år (forhåndsvalg)</option>"),
        "{page}"
    );
    let (status, _) = admin
        .put(ORG, json!({"name": "Demo kommune", "kind": "public_body", "languages": "nb,nn,en", "minimum_age": "16"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let today = time::OffsetDateTime::now_utc().date();
    let fifteen = today
        .replace_year(today.year() - 15)
        .unwrap_or(today)
        .to_string();
    let before = people_rows(&app).await;
    let person = |email: &str, birth: &str| {
        json!({"person": {"given_name": "Ung", "family_name": "Person", "email": email, "birth_date": birth},
               "membership": {"kind": "student"}})
    };

    // The API: a date, a year that leaves it open, a year too young.
    for (birth, code) in [
        (fifteen.clone(), "under_minimum_age"),
        ((today.year() - 16).to_string(), "birth_date_needed"),
        ((today.year() - 14).to_string(), "under_minimum_age"),
        (String::new(), "birth_date_required"),
        ("12345678901".to_owned(), "invalid_date"),
    ] {
        let (status, problem) = admin
            .post(
                &format!("{ORG}/people"),
                person("ung@demo.tavle.no", &birth),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{birth}");
        assert_eq!(
            field_errors(&problem),
            vec![format!("birth_date:{code}")],
            "{birth}"
        );
    }
    // The admin form.
    let r = b
        .post_form(
            "/org/demo/admin/people",
            &[
                ("given_name", "Ung"),
                ("family_name", "Person"),
                ("email", "ung2@demo.tavle.no"),
                ("birth_date", &fifteen),
                ("kind", "student"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .expect("page")
            .contains("yngre enn aldersgrensen")
    );
    // The web import: the row is refused and nothing is imported.
    let file = format!(
        "employee_number,given_name,family_name,email,birth_date\nU1,Ung,Person,ung3@demo.tavle.no,{fifteen}\nU2,Voksen,Person,voksen@demo.tavle.no,1990-01-01\n"
    );
    let r = b
        .post_form("/org/demo/admin/import/apply", &[("content", &file)])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .expect("page")
            .contains("yngre enn aldersgrensen")
    );
    // `tavle import people`: the same, and so with --skip-invalid the under-age row stays out.
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("hr.csv");
    std::fs::write(&path, &file).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_tavle"))
        .args(["import", "people", "--org", "demo"])
        .arg(&path)
        .args(app.cli_database())
        .output()
        .expect("run");
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("birth_date"));
    assert_eq!(people_rows(&app).await, before, "nothing stored");
    let out = Command::new(env!("CARGO_BIN_EXE_tavle"))
        .args(["import", "people", "--org", "demo", "--skip-invalid"])
        .arg(&path)
        .args(app.cli_database())
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(people_rows(&app).await, before + 1, "only the adult");
    for email in [
        "ung@demo.tavle.no",
        "ung2@demo.tavle.no",
        "ung3@demo.tavle.no",
    ] {
        let mut db = app.store.conn().await.expect("conn");
        let email = domain::person::Email::parse(email).expect("email");
        assert_eq!(
            store::people::id_by_email(&mut db, &email)
                .await
                .expect("query"),
            None
        );
    }
    // Only counts remain.
    assert_eq!(refusals(&app, "admin").await, 1);
    assert_eq!(
        refusals(&app, "api").await,
        3,
        "the date, the open year and the young year"
    );
    assert_eq!(
        refusals(&app, "import").await,
        3,
        "web, CLI, CLI with --skip-invalid"
    );
    let page = b.get("/org/demo/admin").await.text().await.expect("page");
    assert!(
        page.contains("Avvist fordi personen var under aldersgrensen: 7"),
        "{page}"
    );
    // A year old enough beyond doubt is taken, and kept as a year.
    let (status, created) = admin
        .post(
            &format!("{ORG}/people"),
            person("voksen2@demo.tavle.no", &(today.year() - 17).to_string()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().expect("id");
    let (_, view) = admin.get(&format!("{ORG}/people/{id}")).await;
    assert_eq!(view["birth_year"], today.year() - 17);
    assert!(view.get("birth_date").is_none());
    assert_eq!(people_rows(&app).await, before + 2);
}
