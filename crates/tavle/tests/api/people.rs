//! People, memberships, managers, roles and the seam that decides what each viewer sees.

use reqwest::StatusCode;
use serde_json::json;

use crate::both_backends;
use crate::harness::{TestApp, field_errors};

both_backends!(
    admin_creates_a_person_and_the_minimum_age_refuses_the_under_aged_leaving_nothing,
    managers_see_their_people_directly_and_indirectly_but_not_their_birth_dates,
    colleagues_without_a_relation_see_nothing_of_each_other,
    roles_are_granted_and_revoked_but_the_last_admin_stays,
    memberships_are_changed_with_validation_and_existing_accounts_join,
    html_people_pages_create_people_and_show_field_errors,
    people_lists_follow_the_norwegian_alphabet_and_a_new_name_moves_the_person,
    people_lists_page_by_keyset_links_both_ways_and_a_stale_link_falls_back_to_the_page_number,
    list_rows_follow_corrected_e_mails_moves_between_units_and_renamed_units,
);

/// A list row's membership object for the person with this e-mail.
async fn listed(admin: &crate::harness::Api, email: &str) -> serde_json::Value {
    let (_, people) = admin.get("/api/v1/organisations/demo/people").await;
    people
        .as_array()
        .and_then(|p| p.iter().find(|m| m["email"] == email))
        .cloned()
        .unwrap_or(serde_json::Value::Null)
}

/// List rows are read from the membership alone, which keeps copies of its member's name and
/// e-mail and its unit's name: every change to those sources must reach the lists at once.
async fn list_rows_follow_corrected_e_mails_moves_between_units_and_renamed_units(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let eva = app.api_login("ekstern@demo.tavle.no").await;
    let (status, _) = eva
        .patch(
            "/api/v1/me",
            json!({"email": "eva.ny@demo.tavle.no", "given_name": "Evelyn"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let row = listed(&admin, "eva.ny@demo.tavle.no").await;
    assert_eq!(row["given_name"], "Evelyn", "{row}");
    assert!(listed(&admin, "ekstern@demo.tavle.no").await.is_null());
    let page = admin
        .browser
        .get("/org/demo/admin/people")
        .await
        .text()
        .await
        .expect("body");
    assert!(page.contains("eva.ny@demo.tavle.no") && page.contains("Evelyn Ekstern"));
    // The admin moves her membership to a new unit.
    let (status, unit) = admin
        .post(
            "/api/v1/organisations/demo/units",
            json!({"name": "Nytt team"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{unit}");
    let unit_id = unit["id"].as_str().expect("unit id").to_owned();
    let membership = row["membership"]["id"]
        .as_str()
        .expect("membership")
        .to_owned();
    let (status, _) = admin
        .put(
            &format!("/api/v1/organisations/demo/memberships/{membership}"),
            json!({"kind": "external", "unit_id": unit_id}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let row = listed(&admin, "eva.ny@demo.tavle.no").await;
    assert_eq!(row["membership"]["unit_name"], "Nytt team", "{row}");
    assert_eq!(row["membership"]["unit_id"], unit_id.as_str());
    // Units have no rename page yet; the copy follows a renamed unit all the same.
    let renamed = "UPDATE org_units SET name = 'Omdøpt team' WHERE name = 'Nytt team'";
    match &app.store {
        store::Store::Sqlite(pool) => sqlx::query(renamed).execute(pool).await.map(|_| ()),
        store::Store::Postgres(pool) => sqlx::query(renamed).execute(pool).await.map(|_| ()),
    }
    .expect("rename");
    let row = listed(&admin, "eva.ny@demo.tavle.no").await;
    assert_eq!(row["membership"]["unit_name"], "Omdøpt team", "{row}");
}

/// The emails of a list page, and its `Link` header's `next` and `prev` targets.
async fn list_page(
    admin: &crate::harness::Api,
    path: &str,
) -> (Vec<String>, i64, Option<String>, Option<String>) {
    let r = admin.browser.get(path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    let total = r.headers()["x-total-count"]
        .to_str()
        .ok()
        .and_then(|t| t.parse().ok())
        .expect("total");
    let link = r
        .headers()
        .get("link")
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let target = |rel: &str| {
        link.split(", ").find_map(|part| {
            part.strip_suffix(&format!("; rel=\"{rel}\""))
                .map(|url| url.trim_matches(['<', '>']).to_owned())
        })
    };
    let (next, prev) = (target("next"), target("prev"));
    let body: serde_json::Value = r.json().await.expect("json");
    let emails = body
        .as_array()
        .map(|p| {
            p.iter()
                .map(|m| m["email"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default();
    (emails, total, next, prev)
}

async fn people_lists_page_by_keyset_links_both_ways_and_a_stale_link_falls_back_to_the_page_number(
    app: TestApp,
) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (all, total, next, _) = list_page(&admin, "/api/v1/organisations/demo/people").await;
    assert_eq!(total as usize, all.len());
    assert_eq!(next, None, "one page holds everyone: no next link");
    // Forwards by `next` links, three at a time: everyone once, in order.
    let mut seen = Vec::new();
    let mut path = Some("/api/v1/organisations/demo/people?per_page=3".to_owned());
    let mut last = String::new();
    while let Some(p) = path {
        let (chunk, chunk_total, next, _) = list_page(&admin, &p).await;
        assert_eq!(chunk_total, total);
        assert!(p == "/api/v1/organisations/demo/people?per_page=3" || p.contains("after="));
        seen.extend(chunk);
        last = p;
        path = next;
    }
    assert_eq!(seen, all);
    // Backwards by `prev` links from the last page.
    let mut back = Vec::new();
    let mut path = Some(last);
    while let Some(p) = path {
        let (chunk, _, _, prev) = list_page(&admin, &p).await;
        back.splice(0..0, chunk);
        path = prev;
    }
    assert_eq!(back, all);
    // A link whose membership no longer exists finds the page by its number.
    let (page2, _, _, _) = list_page(
        &admin,
        "/api/v1/organisations/demo/people?per_page=3&page=2",
    )
    .await;
    let stale = format!(
        "/api/v1/organisations/demo/people?per_page=3&page=2&after={}",
        uuid::Uuid::now_v7()
    );
    assert_eq!(list_page(&admin, &stale).await.0, page2);
    assert_eq!(
        list_page(
            &admin,
            "/api/v1/organisations/demo/people?per_page=3&page=2&after=not-an-id"
        )
        .await
        .0,
        page2,
        "a cursor that is no id is ignored"
    );
    // The total follows new memberships (kept by the database, whatever writes them).
    let (status, _) = admin
        .post(
            "/api/v1/organisations/demo/people",
            json!({"person": {"given_name": "Ny", "family_name": "Person", "email": "ny.person@demo.tavle.no"}, "membership": {"kind": "employee"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        list_page(&admin, "/api/v1/organisations/demo/people")
            .await
            .1,
        total + 1
    );
    // A manager pages through their own people the same way.
    let leder = app.api_login("leder@demo.tavle.no").await;
    let (mine, mine_total, _, _) = list_page(&leder, "/api/v1/organisations/demo/people").await;
    assert!(
        mine_total >= 2 && mine_total as usize == mine.len(),
        "{mine:?}"
    );
    assert!(!mine.contains(&"leder@demo.tavle.no".to_owned()));
    let mut seen = Vec::new();
    let mut path = Some("/api/v1/organisations/demo/people?per_page=1".to_owned());
    while let Some(p) = path {
        let (chunk, chunk_total, next, _) = list_page(&leder, &p).await;
        assert_eq!(chunk_total, mine_total);
        seen.extend(chunk);
        path = next;
    }
    assert_eq!(seen, mine);
}

async fn people_lists_follow_the_norwegian_alphabet_and_a_new_name_moves_the_person(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let families = |people: &serde_json::Value| -> Vec<String> {
        people
            .as_array()
            .map(|p| {
                p.iter()
                    .map(|m| m["family_name"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let (_, people) = admin.get("/api/v1/organisations/demo/people").await;
    let names = families(&people);
    assert_eq!(names.first().map(String::as_str), Some("Admin"));
    let leder = names.iter().position(|n| n == "Leder").expect("Leder");
    let laerer = names.iter().position(|n| n == "Lærer").expect("Lærer");
    assert!(leder < laerer, "æ sorts after e (and after z): {names:?}");
    // A self-registered person renames herself: she moves in the list.
    let eva = app.api_login("ekstern@demo.tavle.no").await;
    let (status, _) = eva
        .patch("/api/v1/me", json!({"family_name": "Åsen"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, people) = admin.get("/api/v1/organisations/demo/people").await;
    assert_eq!(families(&people).last().map(String::as_str), Some("Åsen"));
    // Paging: two at a time, no one twice, no one missed.
    let mut seen = Vec::new();
    // Enough pages for every demo member (the learning demo has about fifty).
    for page in 1..=40 {
        let (_, chunk) = admin
            .get(&format!(
                "/api/v1/organisations/demo/people?page={page}&per_page=2"
            ))
            .await;
        seen.extend(families(&chunk));
    }
    assert_eq!(seen, families(&people));
}

async fn member_count(app: &TestApp) -> usize {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (_, people) = admin.get("/api/v1/organisations/demo/people").await;
    people.as_array().map(Vec::len).unwrap_or(0)
}

async fn admin_creates_a_person_and_the_minimum_age_refuses_the_under_aged_leaving_nothing(
    app: TestApp,
) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let before = member_count(&app).await;
    // KS-3: people under 16 may not use the service.
    let (status, _) = admin.put("/api/v1/organisations/demo", json!({"name": "Demo kommune", "kind": "public_body", "languages": "nb", "minimum_age": "16"})).await;
    assert_eq!(status, StatusCode::OK);
    let today = time::OffsetDateTime::now_utc().date();
    let fifteen = today.replace_year(today.year() - 15).unwrap_or(today);
    let person = |birth: &str| json!({"person": {"given_name": "Ung", "family_name": "Person", "email": "ung@demo.tavle.no", "birth_date": birth}, "membership": {"kind": "student"}});
    let (status, problem) = admin
        .post(
            "/api/v1/organisations/demo/people",
            person(&fifteen.to_string()),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), vec!["birth_date:under_minimum_age"]);
    let (status, problem) = admin
        .post("/api/v1/organisations/demo/people", person(""))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&problem),
        vec!["birth_date:birth_date_required"]
    );
    assert_eq!(
        member_count(&app).await,
        before,
        "a refused person leaves nothing behind"
    );
    {
        let mut db = app.store.conn().await.expect("conn");
        let email = domain::person::Email::parse("ung@demo.tavle.no").expect("email");
        assert_eq!(
            store::people::id_by_email(&mut db, &email)
                .await
                .expect("query"),
            None
        );
    }
    let sixteen = today.replace_year(today.year() - 16).unwrap_or(today);
    let (status, created) = admin
        .post(
            "/api/v1/organisations/demo/people",
            person(&format!(
                "{:02}.{:02}.{}",
                sixteen.day(),
                sixteen.month() as u8,
                sixteen.year()
            )),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().expect("id");
    let (_, view) = admin
        .get(&format!("/api/v1/organisations/demo/people/{id}"))
        .await;
    assert_eq!(view["relations"], json!(["org_admin"]));
    assert_eq!(view["birth_date"], sixteen.to_string());
    assert_eq!(view["memberships"][0]["kind"], "student");
    assert_eq!(view["memberships"][0]["source"], "admin");
    assert_eq!(view["memberships"][0]["starts_on"], today.to_string());
    // A second person with the same e-mail is refused on that field, and nothing else is written.
    let (status, problem) = admin
        .post(
            "/api/v1/organisations/demo/people",
            person(&sixteen.to_string()),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), vec!["email:already_exists"]);
    assert_eq!(member_count(&app).await, before + 1);
    // Malformed input is reported per field, all at once.
    let (status, problem) = admin
        .post("/api/v1/organisations/demo/people", json!({"person": {"given_name": "", "email": "x"}, "membership": {"kind": "boss", "starts_on": "2025-02-30", "status": "gone"}}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut errors = field_errors(&problem);
    errors.sort();
    assert_eq!(
        errors,
        vec![
            "birth_date:birth_date_required",
            "email:invalid_email",
            "family_name:required",
            "given_name:required",
            "kind:invalid_choice",
            "starts_on:invalid_date",
            "status:invalid_choice"
        ]
    );
}

async fn managers_see_their_people_directly_and_indirectly_but_not_their_birth_dates(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let employee = app.person_id(&admin, "ansatt").await;
    let (_, full) = admin
        .get(&format!("/api/v1/organisations/demo/people/{employee}"))
        .await;
    assert_eq!(full["relations"], json!(["org_admin"]));

    let manager = app.api_login("leder@demo.tavle.no").await;
    let (status, view) = manager
        .get(&format!("/api/v1/organisations/demo/people/{employee}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(view["relations"], json!(["direct_manager"]));
    assert_eq!(view["email"], "ansatt@demo.tavle.no");
    assert!(view.get("birth_date").is_none());
    assert_eq!(view["roles"], json!([]));
    assert_eq!(view["memberships"][0]["manager_name"], "Lars Leder");

    let top = app.api_login("direktor@demo.tavle.no").await;
    let (status, view) = top
        .get(&format!("/api/v1/organisations/demo/people/{employee}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(view["relations"], json!(["indirect_manager"]));
    // The team lists: the top manager sees everyone under them, the manager only their own.
    let (_, team) = top.get("/api/v1/organisations/demo/people").await;
    let mut emails: Vec<_> = team
        .as_array()
        .expect("team")
        .iter()
        .map(|m| m["email"].as_str().unwrap_or("").to_owned())
        .collect();
    emails.sort();
    assert_eq!(
        emails,
        vec![
            "admin@demo.tavle.no",
            "ansatt@demo.tavle.no",
            "laerer@demo.tavle.no",
            "leder@demo.tavle.no",
            "personvern@demo.tavle.no",
            "rapport@demo.tavle.no"
        ]
    );
    let (_, team) = manager.get("/api/v1/organisations/demo/people").await;
    let mut emails: Vec<_> = team
        .as_array()
        .expect("team")
        .iter()
        .map(|m| m["email"].as_str().unwrap_or("").to_owned())
        .collect();
    emails.sort();
    assert_eq!(emails, vec!["ansatt@demo.tavle.no", "laerer@demo.tavle.no"]);
    let page = app
        .browser_login("leder@demo.tavle.no")
        .await
        .get("/org/demo/team")
        .await
        .text()
        .await
        .expect("body");
    assert!(
        page.contains("Kari Nordmann")
            && page.contains("Lise Lærer")
            && !page.contains("Rita Rapport")
    );
    // Ending the employee's membership ends the manager's view of them.
    let (_, person) = admin
        .get(&format!("/api/v1/organisations/demo/people/{employee}"))
        .await;
    let membership = person["memberships"][0]["id"].as_str().expect("membership");
    let (status, _) = admin
        .put(&format!("/api/v1/organisations/demo/memberships/{membership}"), json!({"kind": "employee", "starts_on": "2024-08-01", "ends_on": "2025-06-30", "status": "ended", "manager_id": person["memberships"][0]["manager_id"]}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = manager
        .get(&format!("/api/v1/organisations/demo/people/{employee}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn colleagues_without_a_relation_see_nothing_of_each_other(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let manager_id = app.person_id(&admin, "leder").await;
    let colleague_id = app.person_id(&admin, "laerer").await;
    let employee = app.api_login("ansatt@demo.tavle.no").await;
    for id in [&manager_id, &colleague_id] {
        let (status, _) = employee
            .get(&format!("/api/v1/organisations/demo/people/{id}"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, team) = employee.get("/api/v1/organisations/demo/people").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(team, json!([]));
    let (status, _) = employee.get("/api/v1/organisations/demo/units").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Themselves, in full.
    let (_, me) = employee
        .get(&format!(
            "/api/v1/organisations/demo/people/{}",
            employee.person_id
        ))
        .await;
    assert_eq!(me["relations"], json!(["myself"]));
    assert_eq!(me["profile_source"], "hr_import");
}

async fn roles_are_granted_and_revoked_but_the_last_admin_stays(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let teacher = app.person_id(&admin, "laerer").await;
    let (status, _) = admin
        .put(
            &format!("/api/v1/organisations/demo/people/{teacher}/roles/report_viewer"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = admin
        .put(
            &format!("/api/v1/organisations/demo/people/{teacher}/roles/report_viewer"),
            json!({}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NO_CONTENT,
        "granting twice changes nothing"
    );
    let (_, view) = admin
        .get(&format!("/api/v1/organisations/demo/people/{teacher}"))
        .await;
    assert_eq!(view["roles"].as_array().map(Vec::len), Some(1));
    assert_eq!(view["roles"][0]["role"], "report_viewer");
    let (status, _) = admin
        .put(
            &format!("/api/v1/organisations/demo/people/{teacher}/roles/king"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, problem) = admin
        .delete(&format!(
            "/api/v1/organisations/demo/people/{}/roles/org_admin",
            admin.person_id
        ))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["code"], "last_admin");
    // Through the page: grant admin to the teacher, who can then administer.
    let b = app.browser_login("admin@demo.tavle.no").await;
    let r = b
        .post_form(
            &format!("/org/demo/admin/people/{teacher}/roles"),
            &[("role", "org_admin"), ("granted", "true")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let teacher_api = app.api_login("laerer@demo.tavle.no").await;
    assert_eq!(
        teacher_api.get("/api/v1/organisations/demo/units").await.0,
        StatusCode::OK
    );
    let (status, _) = admin
        .delete(&format!(
            "/api/v1/organisations/demo/people/{}/roles/org_admin",
            admin.person_id
        ))
        .await;
    assert_eq!(
        status,
        StatusCode::NO_CONTENT,
        "not the last admin any more"
    );
    let (status, _) = admin.get("/api/v1/organisations/demo/units").await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "revoked at once, for the live session too"
    );
}

async fn memberships_are_changed_with_validation_and_existing_accounts_join(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let student = app.person_id(&admin, "elev").await;
    let (_, view) = admin
        .get(&format!("/api/v1/organisations/demo/people/{student}"))
        .await;
    let membership = view["memberships"][0]["id"]
        .as_str()
        .expect("membership")
        .to_owned();
    let path = format!("/api/v1/organisations/demo/memberships/{membership}");
    let (status, problem) = admin.put(&path, json!({"kind": "student", "starts_on": "2025-08-01", "ends_on": "2025-01-01", "manager_id": student})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), vec!["ends_on:ends_before_start"]);
    let (status, problem) = admin
        .put(&path, json!({"kind": "student", "manager_id": student}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&problem),
        vec!["manager_id:invalid_choice"],
        "nobody manages themselves"
    );
    let teacher = app.person_id(&admin, "laerer").await;
    let (status, updated) = admin.put(&path, json!({"kind": "student", "position": "Vg1", "employee_number": "E-17", "manager_id": teacher, "starts_on": "2025-08-15"})).await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["manager_name"], "Lise Lærer");
    assert_eq!(updated["starts_on"], "2025-08-15");
    assert_eq!(updated["unit_id"], serde_json::Value::Null);
    // Employee numbers are unique within the organisation.
    let other_membership = {
        let id = app.person_id(&admin, "rapport").await;
        let (_, v) = admin
            .get(&format!("/api/v1/organisations/demo/people/{id}"))
            .await;
        v["memberships"][0]["id"].as_str().expect("m").to_owned()
    };
    let (status, problem) = admin
        .put(
            &format!("/api/v1/organisations/demo/memberships/{other_membership}"),
            json!({"kind": "employee", "employee_number": "E-17"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&problem),
        vec!["employee_number:already_exists"]
    );
    // A person from elsewhere joins with a second membership; people belong to several organisations over time.
    let operator = app.api_login("operator@demo.tavle.no").await;
    operator
        .post(
            "/api/v1/organisations",
            json!({"slug": "kurs", "name": "Kurs AS", "kind": "private", "languages": "nb"}),
        )
        .await;
    operator
        .post(
            "/api/v1/organisations/kurs/admins",
            json!({"email": "ekstern@demo.tavle.no"}),
        )
        .await;
    let vendor = app.api_login("ekstern@demo.tavle.no").await;
    let (status, problem) = vendor
        .post(
            "/api/v1/organisations/kurs/memberships",
            json!({"email": "ghost@nowhere.no", "membership": {"kind": "external"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), vec!["email:unknown_person"]);
    let (status, _) = vendor
        .post(
            "/api/v1/organisations/kurs/memberships",
            json!({"email": "elev@demo.tavle.no", "membership": {"kind": "external"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let student_api = app.api_login("elev@demo.tavle.no").await;
    let (_, me) = student_api.get("/api/v1/me").await;
    assert_eq!(me["memberships"].as_array().map(Vec::len), Some(2));
    // Each organisation sees only its own membership of the person.
    let (_, seen_by_vendor) = vendor
        .get(&format!("/api/v1/organisations/kurs/people/{student}"))
        .await;
    assert_eq!(
        seen_by_vendor["memberships"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(seen_by_vendor["memberships"][0]["kind"], "external");
}

async fn html_people_pages_create_people_and_show_field_errors(app: TestApp) {
    let b = app.browser_login("admin@demo.tavle.no").await;
    let before = member_count(&app).await;
    let r = b
        .post_form(
            "/org/demo/admin/people",
            &[
                ("given_name", "Nora"),
                ("family_name", ""),
                ("email", "nora@"),
                ("kind", "employee"),
                ("status", "active"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.expect("body");
    assert!(
        page.contains("id=\"create-email-error\"")
            && page.contains("id=\"create-family_name-error\""),
        "{page}"
    );
    assert!(
        page.contains("value=\"Nora\""),
        "the form keeps what was typed"
    );
    assert_eq!(member_count(&app).await, before);
    let r = b
        .post_form(
            "/org/demo/admin/people",
            &[
                ("given_name", "Nora"),
                ("family_name", "Ny"),
                ("email", "nora@demo.tavle.no"),
                ("kind", "employee"),
                ("status", "active"),
                ("manager_email", "ghost@demo.tavle.no"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .expect("body")
            .contains("id=\"create-manager_email-error\"")
    );
    let r = b
        .post_form(
            "/org/demo/admin/people",
            &[
                ("given_name", "Nora"),
                ("family_name", "Ny"),
                ("email", "nora@demo.tavle.no"),
                ("kind", "employee"),
                ("status", "active"),
                ("position", "Rådgiver"),
                ("manager_email", "Leder@demo.tavle.no"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let page = b.get(&location).await.text().await.expect("body");
    assert!(page.contains("Nora Ny") && page.contains("Rådgiver"));
    assert!(
        page.contains("value=\"leder@demo.tavle.no\""),
        "the manager is shown by e-mail in the form"
    );
    assert_eq!(member_count(&app).await, before + 1);
    // The membership form on the person page saves changes.
    let membership_action = page
        .split("action=\"")
        .find_map(|s| {
            s.split('"')
                .next()
                .filter(|a| a.contains("/admin/memberships/"))
        })
        .expect("membership form")
        .to_owned();
    let r = b
        .post_form(
            &membership_action,
            &[
                ("kind", "employee"),
                ("status", "suspended"),
                ("starts_on", "01.09.2025"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = b.get(&location).await.text().await.expect("body");
    assert!(page.contains("Midlertidig stengt") || page.contains("value=\"suspended\" selected"));
    // A body that is not a form at all.
    let r = b
        .client
        .post(app.url("/org/demo/admin/people"))
        .header("x-csrf-token", b.csrf().await)
        .json(&json!({"given_name": "Nils"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        r.text()
            .await
            .expect("body")
            .contains("Forespørselen kunne ikke leses.")
    );
}
