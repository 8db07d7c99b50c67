//! Organisations, units and tenant isolation.

use reqwest::StatusCode;
use serde_json::json;

use crate::both_backends;
use crate::harness::{TestApp, field_errors, other_org};

both_backends!(
    operator_creates_organisations_and_their_first_admin,
    an_organisation_admin_sees_nothing_of_another_organisation,
    foreign_ids_answer_exactly_like_unknown_ids,
    admins_change_settings_with_field_level_validation,
    units_form_a_tree_within_one_organisation,
    operator_pages_create_an_organisation_through_forms,
);

async fn operator_creates_organisations_and_their_first_admin(app: TestApp) {
    let operator = app.api_login("operator@demo.tavle.no").await;
    let (status, problem) = operator
        .post("/api/v1/organisations", json!({"slug": "Bad Slug", "name": "", "kind": "company", "languages": "nb,xx", "minimum_age": "9"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut errors = field_errors(&problem);
    errors.sort();
    assert_eq!(
        errors,
        vec![
            "kind:invalid_choice",
            "languages:invalid_language",
            "minimum_age:invalid_minimum_age",
            "name:required",
            "slug:invalid_slug"
        ]
    );
    assert_eq!(problem["type"], "/api/problems/invalid_input");
    assert_eq!(problem["status"], 422);
    let (status, org) = operator
        .post("/api/v1/organisations", json!({"slug": "fagskolen", "name": "Fagskolen", "kind": "public_body", "languages": "nb,nn", "minimum_age": "16", "dpo_email": "PVO@Fagskolen.no"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{org}");
    assert_eq!(org["minimum_age"], 16);
    assert_eq!(org["languages"], json!(["nb", "nn"]));
    assert_eq!(org["dpo_email"], "pvo@fagskolen.no");
    let (status, problem) = operator
        .post(
            "/api/v1/organisations",
            json!({"slug": "fagskolen", "name": "Again", "kind": "private", "languages": "nb"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), vec!["slug:already_exists"]);
    // The first admin: an existing person, by e-mail.
    let (status, problem) = operator
        .post(
            "/api/v1/organisations/fagskolen/admins",
            json!({"email": "nobody@x.no"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), vec!["email:unknown_person"]);
    let (status, _) = operator
        .post(
            "/api/v1/organisations/fagskolen/admins",
            json!({"email": "laerer@demo.tavle.no"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let teacher = app.api_login("laerer@demo.tavle.no").await;
    let (status, units) = teacher.get("/api/v1/organisations/fagskolen/units").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(units, json!([]));
    // Only operators create organisations or appoint admins.
    let (status, problem) = teacher
        .post(
            "/api/v1/organisations",
            json!({"slug": "mine", "name": "Mine", "kind": "private", "languages": "nb"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["code"], "forbidden");
    let (status, _) = teacher
        .post(
            "/api/v1/organisations/demo/admins",
            json!({"email": "laerer@demo.tavle.no"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The operator lists every organisation but sees no people in them.
    let (_, orgs) = operator.get("/api/v1/organisations").await;
    // demo, the demo's partner (kompetansesenter) and the one made above.
    assert_eq!(orgs.as_array().map(Vec::len), Some(3));
    let (status, people) = operator.get("/api/v1/organisations/demo/people").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(people, json!([]));
    assert_eq!(
        app.browser_login("operator@demo.tavle.no")
            .await
            .get("/org/demo/admin/people")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

async fn an_organisation_admin_sees_nothing_of_another_organisation(app: TestApp) {
    let other = other_org(&app).await;
    let demo_admin = app.api_login("admin@demo.tavle.no").await;
    for path in [
        "/api/v1/organisations/other".to_owned(),
        "/api/v1/organisations/other/units".to_owned(),
        "/api/v1/organisations/other/people".to_owned(),
        format!("/api/v1/organisations/other/people/{}", other.member_id),
        format!("/api/v1/organisations/demo/people/{}", other.member_id),
    ] {
        let (status, problem) = demo_admin.get(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(problem["code"], "not_found", "{path}");
    }
    let (_, orgs) = demo_admin.get("/api/v1/organisations").await;
    assert_eq!(
        orgs.as_array()
            .map(|o| o.iter().map(|o| o["slug"].clone()).collect::<Vec<_>>()),
        Some(vec![json!("demo")])
    );
    let (_, people) = demo_admin.get("/api/v1/organisations/demo/people").await;
    assert!(
        !people.to_string().contains("other.no"),
        "no person of the other organisation is listed"
    );
    // Writes through the demo organisation cannot reach the other's rows.
    let (status, _) = demo_admin
        .put(
            &format!(
                "/api/v1/organisations/demo/memberships/{}",
                other.membership_id
            ),
            json!({"kind": "employee"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = demo_admin
        .put(
            &format!(
                "/api/v1/organisations/demo/people/{}/roles/org_admin",
                other.member_id
            ),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, problem) = demo_admin
        .post(
            "/api/v1/organisations/demo/units",
            json!({"name": "Sneaky", "parent_id": other.unit_id}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), vec!["parent_id:invalid_choice"]);
    let (status, problem) = demo_admin
        .post("/api/v1/organisations/demo/people", json!({"person": {"given_name": "A", "family_name": "B", "email": "ab@x.no"},
               "membership": {"kind": "employee", "unit_id": other.unit_id, "manager_id": other.member_id}}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut errors = field_errors(&problem);
    errors.sort();
    assert_eq!(
        errors,
        vec!["manager_id:invalid_choice", "unit_id:invalid_choice"]
    );
    let (_, other_people) = other.admin.get("/api/v1/organisations/other/people").await;
    assert_eq!(
        other_people.as_array().map(Vec::len),
        Some(1),
        "nothing was added anywhere"
    );
    // The HTML pages answer the same.
    let browser = app.browser_login("admin@demo.tavle.no").await;
    for path in [
        "/org/other/admin",
        "/org/other/admin/people",
        "/org/other/team",
        &format!("/org/demo/admin/people/{}", other.member_id),
    ] {
        assert_eq!(
            browser.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let r = browser
        .post_form("/org/other/admin/units", &[("name", "x")])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // And the other organisation's admin sees none of demo's people.
    let (status, _) = other.admin.get("/api/v1/organisations/demo/people").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn foreign_ids_answer_exactly_like_unknown_ids(app: TestApp) {
    let other = other_org(&app).await;
    let admin = app.api_login("admin@demo.tavle.no").await;
    let unknown = uuid::Uuid::now_v7();
    let (s1, foreign) = admin
        .get(&format!(
            "/api/v1/organisations/demo/people/{}",
            other.member_id
        ))
        .await;
    let (s2, missing) = admin
        .get(&format!("/api/v1/organisations/demo/people/{unknown}"))
        .await;
    let (s3, garbage) = admin
        .get("/api/v1/organisations/demo/people/not-a-uuid")
        .await;
    assert_eq!(
        (s1, s2, s3),
        (
            StatusCode::NOT_FOUND,
            StatusCode::NOT_FOUND,
            StatusCode::NOT_FOUND
        )
    );
    assert_eq!(foreign, missing);
    assert_eq!(missing, garbage);
    let (s1, foreign) = admin.get("/api/v1/organisations/other").await;
    let (s2, missing) = admin.get("/api/v1/organisations/no-such-org").await;
    assert_eq!((s1, s2), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    assert_eq!(foreign, missing);
}

async fn admins_change_settings_with_field_level_validation(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (status, problem) = admin.put("/api/v1/organisations/demo", json!({"name": "Demo kommune", "kind": "public_body", "languages": "nb", "contact_email": "bad"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), vec!["contact_email:invalid_email"]);
    assert_eq!(
        problem["errors"][0]["message"],
        "Skriv en gyldig e-postadresse, for eksempel navn@eksempel.no."
    );
    let (_, org) = admin.get("/api/v1/organisations/demo").await;
    assert_eq!(
        org["contact_email"], "post@demo.tavle.no",
        "a refused change changes nothing"
    );
    let (status, org) = admin
        .put("/api/v1/organisations/demo", json!({"name": "Demo kommune", "kind": "public_body", "languages": "nb,en", "minimum_age": "15", "dpo_name": "Per Vern", "dpo_email": "pvo@demo.tavle.no"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{org}");
    assert_eq!(org["minimum_age"], 15);
    assert_eq!(org["contact_email"], serde_json::Value::Null);
    // The HTML settings form: errors shown next to the field and in a summary.
    let b = app.browser_login("admin@demo.tavle.no").await;
    let r = b
        .post_form(
            "/org/demo/admin/settings",
            &[("name", ""), ("kind", "public_body"), ("languages", "nb")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.expect("body");
    assert!(
        page.contains("class=\"error-summary\"") && page.contains("href=\"#settings-name\""),
        "{page}"
    );
    assert!(page.contains("id=\"settings-name-error\""));
    let r = b
        .post_form(
            "/org/demo/admin/settings",
            &[
                ("name", "Demo kommune"),
                ("kind", "public_body"),
                ("languages", "nb"),
                ("minimum_age", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, org) = admin.get("/api/v1/organisations/demo").await;
    assert_eq!(org["minimum_age"], serde_json::Value::Null);
    // A member who is not an admin cannot change settings.
    let member = app.api_login("elev@demo.tavle.no").await;
    let (status, _) = member
        .put(
            "/api/v1/organisations/demo",
            json!({"name": "Mine", "kind": "private", "languages": "nb"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = member.get("/api/v1/organisations/demo").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "members may read their organisation's settings"
    );
}

async fn units_form_a_tree_within_one_organisation(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (_, units) = admin.get("/api/v1/organisations/demo/units").await;
    let paths: Vec<_> = units
        .as_array()
        .expect("units")
        .iter()
        .map(|u| u["path"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(
        paths.contains(&"Oppvekst/Solbakken skole".to_owned()),
        "{paths:?}"
    );
    let school = units
        .as_array()
        .and_then(|u| u.iter().find(|u| u["name"] == "Solbakken skole"))
        .expect("school");
    let (status, created) = admin
        .post(
            "/api/v1/organisations/demo/units",
            json!({"name": "3. trinn", "parent_id": school["id"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, units) = admin.get("/api/v1/organisations/demo/units").await;
    let new = units
        .as_array()
        .and_then(|u| u.iter().find(|u| u["id"] == created["id"]))
        .expect("new unit");
    assert_eq!(new["path"], "Oppvekst/Solbakken skole/3. trinn");
    let (status, problem) = admin
        .post("/api/v1/organisations/demo/units", json!({"name": ""}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), vec!["name:required"]);
    // The HTML page shows the tree and takes the same form.
    let b = app.browser_login("admin@demo.tavle.no").await;
    let r = b
        .post_form(
            "/org/demo/admin/units",
            &[("name", "Kjøkken"), ("parent_id", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = b
        .get("/org/demo/admin/units")
        .await
        .text()
        .await
        .expect("body");
    assert!(page.contains("Kjøkken") && page.contains("Oppvekst/Solbakken skole/3. trinn"));
}

async fn operator_pages_create_an_organisation_through_forms(app: TestApp) {
    let b = app.browser_login("operator@demo.tavle.no").await;
    let r = b
        .post_form(
            "/operator/organisations",
            &[
                ("slug", "-bad"),
                ("name", "X"),
                ("kind", "private"),
                ("languages", "nb"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .expect("body")
            .contains("id=\"new-org-slug-error\"")
    );
    let r = b
        .post_form(
            "/operator/organisations",
            &[
                ("slug", "vgs"),
                ("name", "Videregående"),
                ("kind", "public_body"),
                ("languages", "nb,nn"),
                ("minimum_age", "15"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = b
        .post_form(
            "/operator/admins",
            &[("slug", "vgs"), ("email", "elev@demo.tavle.no")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = b.get("/operator").await.text().await.expect("body");
    assert!(page.contains("Videregående") && page.contains("vgs"));
    let student = app.browser_login("elev@demo.tavle.no").await;
    assert_eq!(student.get("/org/vgs/admin").await.status(), StatusCode::OK);
    assert_eq!(
        student.get("/operator").await.status(),
        StatusCode::FORBIDDEN
    );
}
