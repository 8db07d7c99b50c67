//! Consents and the features they govern (issue 6), through the pages and the API, on both
//! databases: off by default; given and withdrawn in the same number of steps; withdrawal
//! stops the processing and deletes what was held for it in the same request; the history
//! names each text version; another person's consent and unknown purposes or versions are
//! refused and change nothing; favourites in lists; reviews anonymous by default; recent
//! searches; recommendations from one's own history and groups of at least five; share links;
//! transfers recorded; the published list of recipients. Promises: MUN-8, MUN-16, NDLA-7 (the
//! consent model a newsletter will use), NDLA-13, R3, R4, R27 (PRIVACY-DOMAIN).

use std::time::Duration;

use domain::consent::{catalogue, purposes};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both_backends;
use crate::harness::{Api, Browser, TestApp, field_errors};

both_backends!(
    consents_are_off_by_default_and_every_feature_they_govern_is_off_until_given,
    consents_are_given_and_withdrawn_in_one_step_each_on_the_page_and_in_the_api_with_a_history_of_versions,
    withdrawing_a_consent_stops_its_processing_and_deletes_what_it_held_in_the_same_request,
    a_consent_change_for_someone_else_or_an_unknown_purpose_or_version_is_refused_and_changes_nothing,
    favourites_of_courses_and_activities_are_organised_in_named_lists,
    reviews_are_anonymous_by_default_named_only_by_choice_and_anonymous_ones_wait_for_five,
    recent_searches_are_kept_only_while_the_consent_stands_and_can_be_forgotten,
    recommendations_come_from_the_persons_history_and_groups_of_five_and_expose_nobody,
    a_share_link_shows_competence_until_it_is_revoked_and_each_view_is_audited,
    competence_sent_to_an_employer_or_database_is_recorded_and_needs_the_matching_consent,
);

const ORG: &str = "/api/v1/organisations/demo";

async fn course(admin: &Api, title: &str, tags: &str) -> String {
    let (status, c) = admin
        .post(
            &format!("{ORG}/courses"),
            json!({"title": title, "status": "open", "self_enrollment": true, "tags": tags, "certificate": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    c["course"]["id"].as_str().expect("course id").to_owned()
}

/// A course with one required content page; returns the course and the activity.
async fn course_with_page(admin: &Api, title: &str) -> (String, String) {
    let (status, c) = admin
        .post(
            &format!("{ORG}/courses"),
            json!({"title": title, "status": "open", "self_enrollment": true, "certificate": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let id = c["course"]["id"].as_str().expect("course id").to_owned();
    let module = c["modules"][0]["id"].as_str().expect("module").to_owned();
    let (status, a) = admin
        .post(
            &format!("{ORG}/courses/{id}/activities"),
            json!({"module_id": module, "title": "Les dette", "required": true, "kind": "content", "body": "Tekst."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    (id, a["id"].as_str().expect("activity").to_owned())
}

async fn enroll(api: &Api, course: &str) {
    let (status, e) = api
        .post(&format!("{ORG}/courses/{course}/enrollment"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{e}");
}

async fn complete(api: &Api, course: &str, activity: &str) {
    enroll(api, course).await;
    let (status, p) = api
        .post(
            &format!("{ORG}/courses/{course}/activities/{activity}/progress"),
            json!({"seconds": 30, "done": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{p}");
}

fn version(purpose: &str) -> u32 {
    catalogue().get(purpose).expect("offered").current().version
}

async fn give(api: &Api, purpose: &str) -> Value {
    let (status, body) = api
        .put(
            &format!("/api/v1/me/consents/{purpose}"),
            json!({"given": true, "version": version(purpose)}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["consent"]["given"], true, "{body}");
    body
}

async fn withdraw(api: &Api, purpose: &str) -> Value {
    let (status, body) = api
        .put(
            &format!("/api/v1/me/consents/{purpose}"),
            json!({"given": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["consent"]["given"], false, "{body}");
    body
}

/// Rows of `table` belonging to `person`, read straight from the database.
async fn rows(app: &TestApp, table: &str, person: &str) -> i64 {
    let mut db = app.store.conn().await.expect("conn");
    let id: uuid::Uuid = person.parse().expect("person id");
    let sql = format!("SELECT COUNT(*) FROM {table} WHERE person_id = $1");
    store::with_conn!(db, |c| sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(id)
    .fetch_one(&mut *c)
    .await)
    .expect("count")
}

async fn page(b: &Browser, path: &str) -> String {
    let r = b.get(path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.text().await.expect("body")
}

/// The forms on the consent page that post to `purpose`.
fn consent_forms(page: &str, purpose: &str) -> usize {
    page.matches(&format!("action=\"/privacy/consents/{purpose}\""))
        .count()
}

async fn consents_are_off_by_default_and_every_feature_they_govern_is_off_until_given(
    app: TestApp,
) {
    let api = app.api_login("ansatt@demo.tavle.no").await;
    let (status, list) = api.get("/api/v1/me/consents").await;
    assert_eq!(status, StatusCode::OK);
    let list = list.as_array().expect("list").clone();
    let offered: Vec<&str> = list
        .iter()
        .map(|c| c["purpose"].as_str().expect("purpose"))
        .collect();
    assert_eq!(offered, purposes::ALL);
    for c in &list {
        assert_eq!(c["given"], false, "{c}");
        assert!(c["changed_at"].is_null());
        assert!(!c["text"].as_str().unwrap_or("").is_empty());
        // Each purpose is a consent purpose of the registry.
        let p = domain::registry::registry()
            .purpose(c["purpose"].as_str().expect("purpose"))
            .expect("registry purpose");
        assert_eq!(p.private.basis, domain::registry::LegalBasis::Consent);
    }
    // A newsletter is not offered yet (its double opt-in comes with it).
    assert!(!offered.contains(&"newsletter"));

    let admin = app.api_login("admin@demo.tavle.no").await;
    let c = course(&admin, "Brannvern for alle", "").await;
    // Every feature answers that it needs the consent, naming it.
    let (status, p) = api.get("/api/v1/me/recommendations").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{p}");
    assert_eq!(p["code"], "consent_required");
    assert!(
        p["detail"]
            .as_str()
            .unwrap_or("")
            .contains("Kursanbefalinger"),
        "{p}"
    );
    let (status, p) = api
        .post(
            "/api/v1/me/favourites",
            json!({"organisation": "demo", "course_id": c}),
        )
        .await;
    assert_eq!(
        (status, p["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("consent_required"))
    );
    let (status, p) = api
        .post("/api/v1/me/share-links", json!({"label": "CV"}))
        .await;
    assert_eq!(
        (status, p["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("consent_required"))
    );
    enroll(&api, &c).await;
    let (status, p) = api
        .put(
            &format!("{ORG}/courses/{c}/reviews/mine"),
            json!({"rating": 5}),
        )
        .await;
    assert_eq!(
        (status, p["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("consent_required"))
    );

    // Searching keeps nothing without the consent, on the page and in the API.
    let b = app.browser_login("ansatt@demo.tavle.no").await;
    let catalogue_page = page(&b, "/catalogue?q=brann").await;
    api.get(&format!("{ORG}/courses?q=brann")).await;
    assert_eq!(rows(&app, "catalogue_searches", &api.person_id).await, 0);
    assert!(!catalogue_page.contains("id=\"recent-h\""));
    assert!(!catalogue_page.contains("id=\"recommended-h\""));
    assert!(!page(&b, "/learn").await.contains("id=\"recommended-h\""));
    // The course page offers no favourite button, and says how to turn reviews on.
    let course_page = page(&b, &format!("/org/demo/courses/{c}")).await;
    assert!(!course_page.contains("action=\"/favourites\""));
    assert!(course_page.contains("/privacy/consents#consent-course_reviews"));
    for table in [
        "consents",
        "consent_changes",
        "favourites",
        "course_reviews",
        "share_links",
    ] {
        assert_eq!(rows(&app, table, &api.person_id).await, 0, "{table}");
    }

    // The privacy page links the consents, which offer each with its text and one button.
    assert!(
        page(&b, "/privacy")
            .await
            .contains("href=\"/privacy/consents\"")
    );
    let consents = page(&b, "/privacy/consents").await;
    for purpose in purposes::ALL {
        assert_eq!(consent_forms(&consents, purpose), 1, "{purpose}");
    }
    assert_eq!(
        consents.matches("name=\"given\" value=\"true\"").count(),
        purposes::ALL.len()
    );
    assert!(consents.contains("Gi samtykke: Favoritter og lister"));
    assert!(!consents.contains("Trekk tilbake samtykke"));

    // The API document names the consent paths.
    let doc: Value = app
        .browser()
        .get("/api/openapi.json")
        .await
        .json()
        .await
        .expect("json");
    for path in [
        "/api/v1/me/consents",
        "/api/v1/me/consents/{purpose}",
        "/api/v1/me/consents/history",
        "/api/v1/me/favourites",
        "/api/v1/me/recommendations",
        "/api/v1/me/share-links",
        "/api/v1/me/competence-transfers",
        "/api/v1/shared/{token}",
        "/api/v1/competence-recipients",
        "/api/v1/organisations/{slug}/courses/{id}/reviews",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
}

async fn consents_are_given_and_withdrawn_in_one_step_each_on_the_page_and_in_the_api_with_a_history_of_versions(
    app: TestApp,
) {
    // R3: from the privacy page, giving and withdrawing are each one link and one button.
    let b = app.browser_login("ekstern@demo.tavle.no").await;
    let person = {
        let api = app.api_login("ekstern@demo.tavle.no").await;
        api.person_id.clone()
    };
    let purpose = purposes::FAVOURITES;
    let mut steps = Vec::new();
    for given in ["true", "false"] {
        let privacy = page(&b, "/privacy").await;
        assert!(privacy.contains("href=\"/privacy/consents\""));
        let consents = page(&b, "/privacy/consents").await;
        assert_eq!(consent_forms(&consents, purpose), 1);
        assert!(consents.contains(&format!("name=\"person_id\" value=\"{person}\"")));
        let r = b
            .post_form(
                &format!("/privacy/consents/{purpose}"),
                &[
                    ("given", given),
                    ("version", &version(purpose).to_string()),
                    ("person_id", &person),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let to = r.headers()["location"]
            .to_str()
            .expect("location")
            .to_owned();
        let done = if given == "true" {
            "consent_given"
        } else {
            "consent_withdrawn"
        };
        assert_eq!(
            to,
            format!("/privacy/consents?done={done}#consent-{purpose}")
        );
        let after = page(&b, &to).await;
        if given == "true" {
            assert!(after.contains("Samtykket er gitt."));
            assert!(after.contains("Trekk tilbake samtykke: Favoritter og lister"));
        } else {
            assert!(after.contains("Samtykket er trukket tilbake."));
            assert!(after.contains("Gi samtykke: Favoritter og lister"));
        }
        // One page to reach, one form to post.
        steps.push(2);
    }
    assert_eq!(steps[0], steps[1]);

    // In the API, one call each.
    let api = app.api_login("ekstern@demo.tavle.no").await;
    let given = give(&api, purposes::SEARCH_HISTORY).await;
    assert_eq!(given["recorded"], true);
    assert_eq!(given["consent"]["given_version"], 1);
    // Giving again what stands records nothing.
    let again = give(&api, purposes::SEARCH_HISTORY).await;
    assert_eq!(again["recorded"], false);
    let withdrawn = withdraw(&api, purposes::SEARCH_HISTORY).await;
    assert_eq!(withdrawn["recorded"], true);

    // The history: every change, newest first, with its text version, hash, language, place.
    let (status, history) = api.get("/api/v1/me/consents/history").await;
    assert_eq!(status, StatusCode::OK);
    let history = history.as_array().expect("history").clone();
    assert_eq!(history.len(), 4, "{history:?}");
    let seen: Vec<(String, String, String)> = history
        .iter()
        .map(|h| {
            (
                h["purpose"].as_str().unwrap_or("").to_owned(),
                h["action"].as_str().unwrap_or("").to_owned(),
                h["channel"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let expect = |p: &str, a: &str, c: &str| (p.to_owned(), a.to_owned(), c.to_owned());
    assert_eq!(
        seen,
        [
            expect("search_history", "withdrawn", "api"),
            expect("search_history", "given", "api"),
            expect("favourites", "withdrawn", "page"),
            expect("favourites", "given", "page"),
        ]
    );
    for h in &history {
        assert_eq!(h["version"], 1);
        assert_eq!(h["language"], "nb");
        let d = catalogue()
            .get(h["purpose"].as_str().expect("p"))
            .expect("def");
        assert_eq!(h["text_hash"], d.version(1).expect("v1").hash.as_str());
    }
    // The page shows the history with links to the exact text of each version.
    let consents = page(&b, "/privacy/consents").await;
    assert!(consents.contains("href=\"/privacy/consents/favourites/versions/1\""));
    assert!(consents.contains("Trukket tilbake"));
    assert!(consents.contains("Personvernsiden"));
    let text = page(&b, "/privacy/consents/favourites/versions/1").await;
    assert!(
        text.contains(
            &catalogue().get("favourites").expect("d").versions[0]
                .text
                .nb
        )
    );
    assert!(text.contains(&catalogue().get("favourites").expect("d").versions[0].hash));
    let (status, en) = api.get("/api/v1/consent-texts/favourites/versions/1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(en["current"], true);
    assert_eq!(
        app.browser()
            .get("/privacy/consents/favourites/versions/2")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // The English reader sees English texts, the nynorsk reader nynorsk ones.
    for (lang, title) in [
        ("en", "Favourites and lists"),
        ("nn", "Favorittar og lister"),
    ] {
        let r = api
            .browser
            .client
            .get(api.browser.base.clone() + "/api/v1/me/consents")
            .header("accept-language", lang)
            .send()
            .await
            .expect("send");
        let list: Value = r.json().await.expect("json");
        assert_eq!(list[0]["title"], title);
    }
    // The change is in the audit log as the person's own change.
    assert_eq!(rows(&app, "consent_changes", &person).await, 4);
}

async fn withdrawing_a_consent_stops_its_processing_and_deletes_what_it_held_in_the_same_request(
    app: TestApp,
) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (c, activity) = course_with_page(&admin, "Brannvern grunnkurs").await;
    let api = app.api_login("laerer@demo.tavle.no").await;
    let me = api.person_id.clone();
    for p in purposes::ALL {
        give(&api, p).await;
    }
    complete(&api, &c, &activity).await;
    // Favourites and a list.
    let (status, f) = api
        .post(
            "/api/v1/me/favourites",
            json!({"organisation": "demo", "course_id": c}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{f}");
    let (status, l) = api
        .post("/api/v1/me/favourite-lists", json!({"name": "Til høsten"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{l}");
    let (status, _) = api
        .put(
            &format!(
                "/api/v1/me/favourite-lists/{}/items/{}",
                l["id"].as_str().expect("list"),
                f["id"].as_str().expect("fav")
            ),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // A review, searches, a share link.
    let (status, r) = api
        .put(
            &format!("{ORG}/courses/{c}/reviews/mine"),
            json!({"rating": 4, "body": "Nyttig"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{r}");
    let b = app.browser_login("laerer@demo.tavle.no").await;
    assert!(
        page(&b, "/catalogue?q=brann")
            .await
            .contains("id=\"recent-h\"")
    );
    assert_eq!(rows(&app, "catalogue_searches", &me).await, 1);
    let (status, link) = api
        .post("/api/v1/me/share-links", json!({"label": "Søknad"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{link}");
    let token = link["token"].as_str().expect("token").to_owned();
    let anyone = app.browser();
    assert_eq!(
        anyone.get(&format!("/shared/{token}")).await.status(),
        StatusCode::OK
    );
    let (status, rec) = api.get("/api/v1/me/recommendations").await;
    assert_eq!(status, StatusCode::OK, "{rec}");
    assert!(page(&b, "/learn").await.contains("id=\"recommended-h\""));

    // Withdrawing favourites: they and the lists are gone when the call answers.
    let w = withdraw(&api, purposes::FAVOURITES).await;
    let deleted: Vec<(String, u64)> = w["deleted"]
        .as_array()
        .expect("deleted")
        .iter()
        .map(|d| {
            (
                d["table"].as_str().unwrap_or("").to_owned(),
                d["rows"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        deleted,
        [
            ("favourite_list_items".to_owned(), 1),
            ("favourites".to_owned(), 1),
            ("favourite_lists".to_owned(), 1)
        ]
    );
    for table in ["favourites", "favourite_lists", "favourite_list_items"] {
        assert_eq!(rows(&app, table, &me).await, 0, "{table}");
    }
    let (_, favs) = api.get("/api/v1/me/favourites").await;
    assert_eq!(favs, json!([]));
    let (status, _) = api
        .post(
            "/api/v1/me/favourites",
            json!({"organisation": "demo", "course_id": c}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Reviews: deleted at once; nobody sees the review any more.
    withdraw(&api, purposes::COURSE_REVIEWS).await;
    assert_eq!(rows(&app, "course_reviews", &me).await, 0);

    // Search history: deleted, and a new search is not kept.
    let w = withdraw(&api, purposes::SEARCH_HISTORY).await;
    assert_eq!(w["deleted"][0]["table"], "catalogue_searches");
    assert_eq!(rows(&app, "catalogue_searches", &me).await, 0);
    let after = page(&b, "/catalogue?q=vern").await;
    assert!(!after.contains("id=\"recent-h\""));
    assert_eq!(rows(&app, "catalogue_searches", &me).await, 0);

    // Recommendations: the list disappears in the next request.
    withdraw(&api, purposes::RECOMMENDATIONS).await;
    let (status, _) = api.get("/api/v1/me/recommendations").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!page(&b, "/learn").await.contains("id=\"recommended-h\""));
    assert!(
        !page(&b, "/catalogue")
            .await
            .contains("id=\"recommended-h\"")
    );

    // Sharing by link: the links are deleted and stop working at once.
    let w = withdraw(&api, purposes::COMPETENCE_TO_OTHERS).await;
    assert_eq!(w["deleted"][0]["table"], "share_links");
    assert_eq!(rows(&app, "share_links", &me).await, 0);
    assert_eq!(
        anyone.get(&format!("/shared/{token}")).await.status(),
        StatusCode::NOT_FOUND
    );

    // The consent log stays, as proof of what was given and withdrawn: every consent given,
    // five of them withdrawn.
    assert_eq!(
        rows(&app, "consent_changes", &me).await,
        purposes::ALL.len() as i64 + 5
    );
}

async fn a_consent_change_for_someone_else_or_an_unknown_purpose_or_version_is_refused_and_changes_nothing(
    app: TestApp,
) {
    let api = app.api_login("elev@demo.tavle.no").await;
    let other = app.api_login("ansatt@demo.tavle.no").await;
    let before = rows(&app, "consent_changes", &other.person_id).await;
    // Another person's consent, through the API and through a form.
    let (status, p) = api
        .put(
            "/api/v1/me/consents/favourites",
            json!({"given": true, "version": 1, "person_id": other.person_id}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{p}");
    assert_eq!(p["code"], "not_your_consent");
    assert!(
        p["title"]
            .as_str()
            .unwrap_or("")
            .contains("bare endre dine egne")
    );
    let b = app.browser_login("elev@demo.tavle.no").await;
    let r = b
        .post_form(
            "/privacy/consents/favourites",
            &[
                ("given", "true"),
                ("version", "1"),
                ("person_id", &other.person_id),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(
        r.text()
            .await
            .expect("body")
            .contains("Skjemaet var for en annen konto")
    );
    // Unknown purposes (the newsletter keeps its own record), versions, a missing version.
    for (purpose, body, code) in [
        (
            "nothing",
            json!({"given": true, "version": 1}),
            "purpose:unknown_consent_purpose",
        ),
        (
            "newsletter",
            json!({"given": true, "version": 1}),
            "purpose:unknown_consent_purpose",
        ),
        (
            "favourites",
            json!({"given": true, "version": 7}),
            "version:unknown_consent_version",
        ),
        (
            "favourites",
            json!({"given": false, "version": 0}),
            "version:unknown_consent_version",
        ),
        ("favourites", json!({"given": true}), "version:required"),
    ] {
        let (status, p) = api
            .put(&format!("/api/v1/me/consents/{purpose}"), body)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{purpose}: {p}");
        assert_eq!(field_errors(&p), [code], "{p}");
    }
    let r = b
        .post_form(
            "/privacy/consents/favourites",
            &[("given", "true"), ("version", "x")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Without the CSRF token a form changes nothing either.
    let r = b
        .post_form_raw(
            "/privacy/consents/favourites",
            &[("given", "true"), ("version", "1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Nothing was recorded for either person.
    for person in [&api.person_id, &other.person_id] {
        assert_eq!(rows(&app, "consents", person).await, 0);
    }
    assert_eq!(rows(&app, "consent_changes", &api.person_id).await, 0);
    assert_eq!(
        rows(&app, "consent_changes", &other.person_id).await,
        before
    );
    let (_, mine) = other.get("/api/v1/me/consents").await;
    assert!(
        mine.as_array()
            .expect("list")
            .iter()
            .all(|c| c["given"] == false)
    );
    // An administrator has no door to anyone's consents.
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (status, _) = admin
        .put(
            &format!("{ORG}/people/{}/consents/favourites", other.person_id),
            json!({"given": true, "version": 1}),
        )
        .await;
    assert!(
        status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED,
        "{status}"
    );
}

async fn favourites_of_courses_and_activities_are_organised_in_named_lists(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (c, activity) = course_with_page(&admin, "Førstehjelp på jobben").await;
    let b = app.browser_login("ansatt@demo.tavle.no").await;
    let api = app.api_login("ansatt@demo.tavle.no").await;
    give(&api, purposes::FAVOURITES).await;
    enroll(&api, &c).await;
    // From the course page: one button marks it; the page then offers to remove it.
    let course_page = page(&b, &format!("/org/demo/courses/{c}")).await;
    assert!(course_page.contains("Merk som favoritt"));
    let r = b
        .post_form(
            "/favourites",
            &[
                ("organisation", "demo"),
                ("course_id", &c),
                ("activity_id", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        page(&b, &format!("/org/demo/courses/{c}"))
            .await
            .contains("aria-pressed=\"true\"")
    );
    // An activity too, through the API; marking twice is the same favourite.
    let mark = json!({"organisation": "demo", "course_id": c, "activity_id": activity});
    let (status, first) = api.post("/api/v1/me/favourites", mark.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (_, second) = api.post("/api/v1/me/favourites", mark).await;
    assert_eq!(first["id"], second["id"]);
    let (_, favs) = api.get("/api/v1/me/favourites").await;
    let favs = favs.as_array().expect("list").clone();
    assert_eq!(favs.len(), 2);
    assert_eq!(favs[0]["activity_title"], "Les dette");
    assert!(favs[1]["activity_id"].is_null());
    // Lists: made on the page, renamed, filled, emptied, deleted; names are unique per person.
    let r = b
        .post_form("/favourites/lists", &[("name", "Til høsten")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = b
        .post_form("/favourites/lists", &[("name", "Til høsten")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (status, p) = api
        .post("/api/v1/me/favourite-lists", json!({"name": " "}))
        .await;
    assert_eq!(
        (status, field_errors(&p)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["name:required".to_owned()]
        )
    );
    let (_, lists) = api.get("/api/v1/me/favourite-lists").await;
    let list = lists[0]["id"].as_str().expect("list").to_owned();
    let fav = favs[0]["id"].as_str().expect("fav").to_owned();
    let r = b
        .post_form(
            "/favourites/lists/add",
            &[("list", &list), ("favourite", &fav)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, _) = api
        .put(
            &format!("/api/v1/me/favourite-lists/{list}"),
            json!({"name": "Viktig"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, lists) = api.get("/api/v1/me/favourite-lists").await;
    assert_eq!(lists[0]["name"], "Viktig");
    assert_eq!(lists[0]["favourites"], json!([fav]));
    let favourites_page = page(&b, "/favourites").await;
    assert!(favourites_page.contains("Viktig"));
    assert!(favourites_page.contains("Les dette (Førstehjelp på jobben)"));
    // Another person cannot reach them.
    let other = app.api_login("elev@demo.tavle.no").await;
    give(&other, purposes::FAVOURITES).await;
    let (status, _) = other.delete(&format!("/api/v1/me/favourites/{fav}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = other
        .put(
            &format!("/api/v1/me/favourite-lists/{list}/items/{fav}"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Out of the list, the list deleted: the favourites stay.
    let (status, _) = api
        .delete(&format!("/api/v1/me/favourite-lists/{list}/items/{fav}"))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let r = b
        .post_form(&format!("/favourites/lists/{list}/delete"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(rows(&app, "favourites", &api.person_id).await, 2);
    assert_eq!(rows(&app, "favourite_lists", &api.person_id).await, 0);
    // Removing from the page goes back where it came from.
    let r = b
        .post_form(
            &format!("/favourites/{fav}/remove"),
            &[("back", "/favourites")],
        )
        .await;
    assert_eq!(
        r.headers()["location"],
        "/favourites?done=favourite_removed"
    );
    assert_eq!(rows(&app, "favourites", &api.person_id).await, 1);
}

async fn reviews_are_anonymous_by_default_named_only_by_choice_and_anonymous_ones_wait_for_five(
    app: TestApp,
) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let c = course(&admin, "Personvern i praksis", "").await;
    let reviewers = [
        ("ansatt", 5, true),
        ("elev", 4, false),
        ("ekstern", 3, false),
        ("laerer", 4, false),
        ("leder", 2, false),
    ];
    let reader = app.api_login("rapport@demo.tavle.no").await;
    // Someone who never took the course cannot review it, consent or not.
    give(&reader, purposes::COURSE_REVIEWS).await;
    let (status, p) = reader
        .put(
            &format!("{ORG}/courses/{c}/reviews/mine"),
            json!({"rating": 1}),
        )
        .await;
    assert_eq!(
        (status, p["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("not_reviewable"))
    );
    let mut ids = Vec::new();
    for (i, (who, rating, named)) in reviewers.iter().enumerate() {
        let api = app.api_login(&format!("{who}@demo.tavle.no")).await;
        ids.push(api.person_id.clone());
        give(&api, purposes::COURSE_REVIEWS).await;
        enroll(&api, &c).await;
        let mut body = json!({"rating": rating, "body": format!("Omtale {i}")});
        if *named {
            body["show_name"] = json!(true);
        }
        let (status, p) = api
            .put(&format!("{ORG}/courses/{c}/reviews/mine"), body)
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{p}");
        let (_, shown) = reader.get(&format!("{ORG}/courses/{c}/reviews")).await;
        let text = shown.to_string();
        for id in &ids {
            assert!(!text.contains(id.as_str()), "a reviewer's id was shown");
        }
        if i < 4 {
            // Fewer than five: only the named review shows; no average.
            assert_eq!(shown["count"], Value::Null, "{shown}");
            assert_eq!(shown["average"], Value::Null);
            assert_eq!(
                shown["reviews"].as_array().map(Vec::len),
                Some(1),
                "{shown}"
            );
            assert_eq!(shown["withheld"], i);
        } else {
            assert_eq!(shown["count"], 5);
            assert_eq!(shown["average"], 3.6);
            assert_eq!(shown["withheld"], 0);
            let list = shown["reviews"].as_array().expect("reviews");
            assert_eq!(list.len(), 5);
            let named: Vec<&Value> = list
                .iter()
                .filter(|r| !r["author_name"].is_null())
                .collect();
            assert_eq!(named.len(), 1);
            assert_eq!(named[0]["author_name"], "Kari Nordmann");
            assert!(named[0]["month"].is_string());
            // Anonymous ones carry neither name nor date, and come by rating, not by time.
            for r in list.iter().filter(|r| r["author_name"].is_null()) {
                assert!(r["month"].is_null());
            }
            let ratings: Vec<u64> = list.iter().filter_map(|r| r["rating"].as_u64()).collect();
            assert_eq!(ratings, [5, 4, 4, 3, 2]);
        }
    }
    // The course page shows them the same way, and the reviewer's own form.
    let b = app.browser_login("elev@demo.tavle.no").await;
    let course_page = page(&b, &format!("/org/demo/courses/{c}")).await;
    assert!(course_page.contains("Gjennomsnitt 3.6 av 5 fra 5 vurderinger"));
    assert!(course_page.contains("Kari Nordmann"));
    assert!(!course_page.contains("Emil"));
    assert!(course_page.contains("Uten navn"));
    assert!(course_page.contains("Din vurdering"));
    assert!(course_page.contains("<legend>Vurdering"));
    // A bad rating on the page: the form again with the error, nothing saved.
    let r = b
        .post_form(&format!("/org/demo/courses/{c}/review"), &[("rating", "9")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .expect("body")
            .contains("Velg en vurdering fra 1 til 5.")
    );
    // Choosing to be named, then not: the name goes with the choice.
    let r = b
        .post_form(
            &format!("/org/demo/courses/{c}/review"),
            &[("rating", "4"), ("body", "Omtale 1"), ("show_name", "on")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, shown) = reader.get(&format!("{ORG}/courses/{c}/reviews")).await;
    assert!(shown.to_string().contains("Emil Elev"));
    let r = b
        .post_form(
            &format!("/org/demo/courses/{c}/review"),
            &[("rating", "4"), ("body", "Omtale 1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, shown) = reader.get(&format!("{ORG}/courses/{c}/reviews")).await;
    assert!(!shown.to_string().contains("Emil Elev"));
    // Deleting one's own review.
    let r = b
        .post_form(&format!("/org/demo/courses/{c}/review/delete"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, shown) = reader.get(&format!("{ORG}/courses/{c}/reviews")).await;
    assert_eq!(shown["count"], Value::Null);
    assert_eq!(shown["withheld"], 3);
}

async fn recent_searches_are_kept_only_while_the_consent_stands_and_can_be_forgotten(app: TestApp) {
    let b = app.browser_login("ansatt@demo.tavle.no").await;
    let api = app.api_login("ansatt@demo.tavle.no").await;
    give(&api, purposes::SEARCH_HISTORY).await;
    let catalogue_page = page(&b, "/catalogue?q=brann+vern&tag=HMS").await;
    assert!(catalogue_page.contains("id=\"recent-h\""));
    assert!(catalogue_page.contains("brann vern · hms"));
    api.get(&format!("{ORG}/courses?q=personvern")).await;
    // The same search again is shown once; an empty search is not kept.
    page(&b, "/catalogue?q=brann+vern&tag=HMS").await;
    page(&b, "/catalogue").await;
    let (_, recent) = api.get("/api/v1/me/searches").await;
    let recent = recent.as_array().expect("list").clone();
    let queries: Vec<&str> = recent.iter().filter_map(|s| s["q"].as_str()).collect();
    assert_eq!(queries, ["brann vern", "personvern"]);
    assert_eq!(rows(&app, "catalogue_searches", &api.person_id).await, 3);
    // At most twenty are kept.
    for i in 0..25 {
        page(&b, &format!("/catalogue?q=ord{i}")).await;
    }
    assert_eq!(rows(&app, "catalogue_searches", &api.person_id).await, 20);
    // Forget one, then all.
    let id = recent[1]["id"].as_str().expect("id");
    let (status, _) = api.delete(&format!("/api/v1/me/searches/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "already trimmed away");
    let (_, recent) = api.get("/api/v1/me/searches").await;
    let id = recent[0]["id"].as_str().expect("id").to_owned();
    let (status, _) = api.delete(&format!("/api/v1/me/searches/{id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(rows(&app, "catalogue_searches", &api.person_id).await, 19);
    let r = b.post_form("/catalogue/searches/all/forget", &[]).await;
    assert_eq!(
        r.headers()["location"],
        "/catalogue?done=searches_forgotten"
    );
    assert_eq!(rows(&app, "catalogue_searches", &api.person_id).await, 0);
    // Another person's searches are not theirs to forget.
    page(&b, "/catalogue?q=igjen").await;
    let (_, recent) = api.get("/api/v1/me/searches").await;
    let id = recent[0]["id"].as_str().expect("id").to_owned();
    let other = app.api_login("elev@demo.tavle.no").await;
    let (status, _) = other.delete(&format!("/api/v1/me/searches/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(rows(&app, "catalogue_searches", &api.person_id).await, 1);
}

async fn recommendations_come_from_the_persons_history_and_groups_of_five_and_expose_nobody(
    app: TestApp,
) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let first = course(&admin, "Grunnkurs A", "").await;
    let then = course(&admin, "Videregående B", "").await;
    let topic = course(&admin, "Sikkerhet C", "sikkerhet").await;
    let tagged = course(&admin, "Sikkerhet D", "sikkerhet").await;
    let me = app.api_login("ansatt@demo.tavle.no").await;
    give(&me, purposes::RECOMMENDATIONS).await;
    enroll(&me, &first).await;
    enroll(&me, &tagged).await;
    let recommended = |list: &Value| -> Vec<(String, String)> {
        list.as_array()
            .expect("list")
            .iter()
            .map(|r| {
                (
                    r["course_id"].as_str().unwrap_or("").to_owned(),
                    r["reason"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    };
    // From the person's own history: a course on the same topic as one they took.
    let (status, list) = me.get("/api/v1/me/recommendations").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert!(
        recommended(&list).contains(&(topic.clone(), "topic".to_owned())),
        "{list}"
    );
    assert!(!recommended(&list).iter().any(|(c, _)| *c == then));

    // Others who took A then B: four consenting people are not enough, nor is a fifth who
    // did not consent.
    let mut others = Vec::new();
    for who in ["elev", "ekstern", "laerer", "leder", "rapport", "direktor"] {
        others.push(app.api_login(&format!("{who}@demo.tavle.no")).await);
    }
    for (i, other) in others.iter().enumerate() {
        if i != 4 {
            give(other, purposes::RECOMMENDATIONS).await;
        }
        enroll(other, &first).await;
        enroll(other, &then).await;
        let (_, list) = me.get("/api/v1/me/recommendations").await;
        let popular = recommended(&list).contains(&(then.clone(), "popular_after".to_owned()));
        // Consenting people so far: 1, 2, 3, 4, 4 (the fifth did not consent), 5.
        let consenting = if i < 4 { i + 1 } else { i };
        assert_eq!(popular, consenting >= 5, "after {} others: {list}", i + 1);
        // Nothing about anyone else is in the answer: no ids, names, e-mails or counts.
        let text = list.to_string();
        for o in &others {
            assert!(!text.contains(o.person_id.as_str()));
        }
        for name in [
            "Emil Elev",
            "Eva Ekstern",
            "Lise Lærer",
            "Lars Leder",
            "Rita Rapport",
            "Dina Direktør",
            "demo.tavle.no",
        ] {
            assert!(!text.contains(name), "{name} in {text}");
        }
    }
    let (_, list) = me.get("/api/v1/me/recommendations").await;
    let b_row = list
        .as_array()
        .expect("list")
        .iter()
        .find(|r| r["course_id"] == then.as_str())
        .expect("B recommended")
        .clone();
    assert_eq!(b_row["because"], "Grunnkurs A");
    let mut keys: Vec<String> = b_row
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    assert_eq!(
        keys,
        [
            "because",
            "course_id",
            "organisation",
            "reason",
            "summary",
            "title"
        ]
    );
    // The dashboard and the catalogue show it, with the reason in the person's own terms.
    let b = app.browser_login("ansatt@demo.tavle.no").await;
    for path in ["/learn", "/catalogue"] {
        let p = page(&b, path).await;
        assert!(p.contains("Videregående B"), "{path}");
        assert!(
            p.contains("Mange som tok «Grunnkurs A», tok også dette"),
            "{path}"
        );
    }
    // One of the five withdraws: the group is four again, and B is no longer suggested.
    withdraw(&others[0], purposes::RECOMMENDATIONS).await;
    let (_, list) = me.get("/api/v1/me/recommendations").await;
    assert!(
        !recommended(&list)
            .iter()
            .any(|(c, r)| *c == then && r == "popular_after"),
        "{list}"
    );
    // Courses the person took are never suggested back.
    assert!(
        !recommended(&list)
            .iter()
            .any(|(c, _)| *c == first || *c == tagged)
    );
}

async fn a_share_link_shows_competence_until_it_is_revoked_and_each_view_is_audited(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (c, activity) = course_with_page(&admin, "Varme arbeider").await;
    let api = app.api_login("ansatt@demo.tavle.no").await;
    complete(&api, &c, &activity).await;
    let (_, items) = api.get("/api/v1/me/competence").await;
    let items = items.as_array().expect("items").clone();
    assert!(
        items
            .iter()
            .any(|i| i["course"] == "Varme arbeider" && i["kind"] == "completion")
    );
    assert!(
        items
            .iter()
            .any(|i| i["course"] == "Varme arbeider" && i["kind"] == "certificate")
    );
    give(&api, purposes::COMPETENCE_TO_OTHERS).await;
    // Made on the page: the link is shown once.
    let b = app.browser_login("ansatt@demo.tavle.no").await;
    let r = b
        .post_form(
            "/competence/links",
            &[("label", "Søknad"), ("expires_on", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let made = r.text().await.expect("body");
    let start = made.find("/shared/").expect("the link is shown") + "/shared/".len();
    let token: String = made[start..].chars().take_while(|c| *c != '<').collect();
    assert_eq!(token.len(), 43);
    // The database keeps only its hash.
    assert_eq!(rows(&app, "share_links", &api.person_id).await, 1);
    let mut db = app.store.conn().await.expect("conn");
    let stored: String = store::with_conn!(db, |c| sqlx::query_scalar(
        "SELECT token_hash FROM share_links"
    )
    .fetch_one(&mut *c)
    .await)
    .expect("hash");
    assert_ne!(stored, token);
    drop(db);
    // Anyone with the link sees the name and competence, without logging in.
    let anyone = app.browser();
    let shared = page(&anyone, &format!("/shared/{token}")).await;
    assert!(shared.contains("Kompetansen til Kari Nordmann"));
    assert!(shared.contains("Varme arbeider"));
    assert!(!shared.contains("ansatt@demo.tavle.no"));
    let r = anyone.get(&format!("/api/v1/shared/{token}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["name"], "Kari Nordmann");
    // Each view is in the person's "who has seen my data".
    let mut audited = false;
    for _ in 0..60 {
        let (_, log) = api.get("/api/v1/me/access-log").await;
        if log.as_array().is_some_and(|l| {
            l.iter()
                .any(|e| e["relation"] == "link_holder" && e["purpose"] == "competence_to_others")
        }) {
            audited = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(audited, "the link's views are audited");
    // Revoked: it stops working at once, and answers like an unknown link.
    let (_, links) = api.get("/api/v1/me/share-links").await;
    let id = links[0]["id"].as_str().expect("id").to_owned();
    assert_eq!(links[0]["works"], true);
    let r = b
        .post_form(&format!("/competence/links/{id}/revoke"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let gone = anyone.get(&format!("/shared/{token}")).await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    let unknown = anyone.get("/shared/not-a-real-token").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        gone.text().await.expect("a"),
        unknown.text().await.expect("b")
    );
    let (status, _) = api
        .post(&format!("/api/v1/me/share-links/{id}/revoke"), json!({}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "revoked twice");
    // Through the API, with an expiry; a past expiry is refused.
    let (status, p) = api
        .post(
            "/api/v1/me/share-links",
            json!({"label": "Gammel", "expires_on": "2020-01-01"}),
        )
        .await;
    assert_eq!(
        (status, field_errors(&p)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["expires_on:in_the_past".to_owned()]
        )
    );
    let tomorrow = (store::now().date() + time::Duration::days(1)).to_string();
    let (status, link) = api
        .post(
            "/api/v1/me/share-links",
            json!({"label": "Ny", "expires_on": tomorrow}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{link}");
    assert!(
        link["url"]
            .as_str()
            .unwrap_or("")
            .ends_with(link["token"].as_str().unwrap_or("?"))
    );
    let r = anyone
        .get(&format!(
            "/api/v1/shared/{}",
            link["token"].as_str().expect("t")
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // Another person cannot revoke it.
    let other = app.api_login("elev@demo.tavle.no").await;
    let (status, _) = other
        .post(
            &format!(
                "/api/v1/me/share-links/{}/revoke",
                link["id"].as_str().expect("id")
            ),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn competence_sent_to_an_employer_or_database_is_recorded_and_needs_the_matching_consent(
    app: TestApp,
) {
    // The operator keeps the published list of competence databases.
    let operator = app.api_login("operator@demo.tavle.no").await;
    let (status, db_free) = operator
        .post(
            "/api/v1/competence-recipients",
            json!({"name": "Fagbrevregisteret", "service": "Register over fagbrev og kurs", "kind": "non_commercial", "country": "NO"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{db_free}");
    let ob = app.browser_login("operator@demo.tavle.no").await;
    let r = ob
        .post_form(
            "/operator/competence-recipients",
            &[
                ("name", "Jobbportalen AS"),
                ("service", "Formidler kandidater"),
                ("kind", "commercial"),
                ("country", "SE"),
                ("url", "https://jobb.example/personvern"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = ob
        .post_form(
            "/operator/competence-recipients",
            &[("name", ""), ("kind", "charity")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let learner = app.api_login("ansatt@demo.tavle.no").await;
    let (status, _) = learner
        .post(
            "/api/v1/competence-recipients",
            json!({"name": "X", "service": "Y", "kind": "commercial", "country": "NO"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The list is public.
    let anyone = app.browser();
    let list_page = page(&anyone, "/privacy/competence-recipients").await;
    assert!(list_page.contains("Fagbrevregisteret"));
    assert!(list_page.contains("Jobbportalen AS"));
    assert!(list_page.contains("arbeidsgiver eller skole du er medlem av"));
    let r = anyone.get("/api/v1/competence-recipients").await;
    let recipients: Value = r.json().await.expect("json");
    assert_eq!(recipients.as_array().map(Vec::len), Some(2));
    let commercial = recipients
        .as_array()
        .expect("list")
        .iter()
        .find(|x| x["kind"] == "commercial")
        .expect("commercial")["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let admin = app.api_login("admin@demo.tavle.no").await;
    let (c, activity) = course_with_page(&admin, "Truckfører").await;
    complete(&learner, &c, &activity).await;
    let (_, items) = learner.get("/api/v1/me/competence").await;
    let certificate = items
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["kind"] == "certificate" && i["course"] == "Truckfører")
        .expect("certificate")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let to_employer = json!({"recipient": "employer:demo", "items": [certificate]});
    // Without the consent: refused, nothing recorded.
    let (status, p) = learner
        .post("/api/v1/me/competence-transfers", to_employer.clone())
        .await;
    assert_eq!(
        (status, p["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("consent_required"))
    );
    assert_eq!(
        rows(&app, "competence_transfers", &learner.person_id).await,
        0
    );
    give(&learner, purposes::COMPETENCE_TO_EMPLOYER).await;
    let (status, sent) = learner
        .post("/api/v1/me/competence-transfers", to_employer)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    // Bad input is refused with every reason.
    let (status, p) = learner
        .post(
            "/api/v1/me/competence-transfers",
            json!({"recipient": "employer:other", "items": ["certificate:nope"]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&p), ["items:unknown_item"]);
    let (status, p) = learner
        .post(
            "/api/v1/me/competence-transfers",
            json!({"recipient": "employer:kompetansesenter", "items": [certificate]}),
        )
        .await;
    assert_eq!(
        (status, field_errors(&p)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["recipient:invalid_choice".to_owned()]
        )
    );
    // A commercial database needs its own consent, not the employer's or the non-commercial one.
    give(&learner, purposes::COMPETENCE_TO_DATABASES).await;
    let (status, p) = learner
        .post(
            "/api/v1/me/competence-transfers",
            json!({"recipient": format!("database:{commercial}"), "items": [certificate]}),
        )
        .await;
    assert_eq!(
        (status, p["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("consent_required"))
    );
    // On the page: the recipients the consents allow, ticked items.
    let b = app.browser_login("ansatt@demo.tavle.no").await;
    let comp = page(&b, "/competence").await;
    assert!(comp.contains("value=\"employer:demo\""));
    assert!(comp.contains(&format!(
        "value=\"database:{}\"",
        db_free["id"].as_str().expect("id")
    )));
    assert!(!comp.contains(&format!("value=\"database:{commercial}\"")));
    let r = b
        .post_form(
            "/competence/send",
            &[
                (
                    "recipient",
                    &format!("database:{}", db_free["id"].as_str().expect("id")),
                ),
                ("items", &certificate),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = b
        .post_form("/competence/send", &[("recipient", "employer:demo")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Each transfer is recorded: what, to whom, when, under which consent version.
    let (_, transfers) = learner.get("/api/v1/me/competence-transfers").await;
    let transfers = transfers.as_array().expect("list").clone();
    assert_eq!(transfers.len(), 2);
    assert_eq!(transfers[0]["recipient_name"], "Fagbrevregisteret");
    assert_eq!(transfers[0]["purpose"], "competence_to_databases");
    assert_eq!(transfers[1]["recipient_kind"], "employer");
    assert_eq!(transfers[1]["recipient"], "demo");
    assert_eq!(transfers[1]["recipient_name"], "Demo kommune");
    assert_eq!(transfers[1]["purpose"], "competence_to_employer");
    assert_eq!(transfers[1]["consent_version"], 1);
    assert_eq!(transfers[1]["items"][0]["course"], "Truckfører");
    assert!(transfers[1]["sent_at"].is_string());
    assert!(comp.contains("Det du har sendt"));
    // The employer's administrators see what was sent to them, and nobody else does.
    let (status, received) = admin.get(&format!("{ORG}/shared-competence")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(received[0]["name"], "Kari Nordmann");
    assert_eq!(received[0]["items"][0]["kind"], "certificate");
    let admin_page = page(
        &app.browser_login("admin@demo.tavle.no").await,
        "/org/demo/admin/shared-competence",
    )
    .await;
    assert!(admin_page.contains("Kari Nordmann") && admin_page.contains("Truckfører"));
    let manager = app.api_login("leder@demo.tavle.no").await;
    let (status, _) = manager.get(&format!("{ORG}/shared-competence")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Withdrawing: nothing more can be sent and the employer no longer sees it; the record of
    // what was sent stays with the person.
    withdraw(&learner, purposes::COMPETENCE_TO_EMPLOYER).await;
    let (_, received) = admin.get(&format!("{ORG}/shared-competence")).await;
    assert_eq!(received, json!([]));
    let (status, _) = learner
        .post(
            "/api/v1/me/competence-transfers",
            json!({"recipient": "employer:demo", "items": [certificate]}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        rows(&app, "competence_transfers", &learner.person_id).await,
        2
    );
    // An ended database is no longer offered, but stays on the published list among past ones.
    let (status, _) = operator
        .post(
            &format!(
                "/api/v1/competence-recipients/{}/end",
                db_free["id"].as_str().expect("id")
            ),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(!page(&b, "/competence").await.contains(&format!(
        "value=\"database:{}\"",
        db_free["id"].as_str().expect("id")
    )));
    assert!(
        page(&anyone, "/privacy/competence-recipients")
            .await
            .contains("Fagbrevregisteret")
    );
}
