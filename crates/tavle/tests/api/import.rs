//! People import through the admin pages (upload, preview, import) and the CLI.

use reqwest::StatusCode;
use serde_json::json;

use crate::both_backends;
use crate::harness::{Browser, TestApp};

both_backends!(
    an_hr_file_is_previewed_then_imported_and_importing_again_changes_nothing,
    a_preview_showing_people_held_is_one_read_of_them_and_a_refused_one_is_not,
    an_import_with_a_bad_row_writes_nothing_unless_told_to_skip_it,
    a_wrong_header_or_an_under_age_person_is_refused_by_line,
);

const FILE: &str = "\u{feff}employee_number;given_name;family_name;email;birth_date;unit;position;manager_employee_number;start_date;end_date\n\
H2;Ola;Hansen;ola.hansen@demo.tavle.no;;Oppvekst/Nordby skole;Lærer;H1;01.08.2025;\n\
H1;Kari;Berg;kari.berg@demo.tavle.no;1980-05-01;Oppvekst/Nordby skole;Rektor;;2025-08-01;\n\
H3;Per;Sluttet;per.sluttet@demo.tavle.no;;;Vikar;H1;2024-01-01;2025-06-30\n";

async fn upload(b: &Browser, content: &str) -> reqwest::Response {
    let token = b.csrf().await;
    let part = reqwest::multipart::Part::bytes(content.as_bytes().to_vec())
        .file_name("hr.csv")
        .mime_str("text/csv")
        .expect("mime");
    let form = reqwest::multipart::Form::new().part("file", part);
    b.client
        .post(format!(
            "{}/org/demo/admin/import?csrf_token={token}",
            b.base
        ))
        .multipart(form)
        .send()
        .await
        .expect("send")
}

async fn member_emails(app: &TestApp) -> Vec<String> {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (_, people) = admin.get("/api/v1/organisations/demo/people").await;
    people
        .as_array()
        .expect("list")
        .iter()
        .map(|m| m["email"].as_str().unwrap_or("").to_owned())
        .collect()
}

async fn an_hr_file_is_previewed_then_imported_and_importing_again_changes_nothing(app: TestApp) {
    let b = app.browser_login("admin@demo.tavle.no").await;
    let before = member_emails(&app).await.len();
    // Uploading without the CSRF token in the action is refused.
    let part = reqwest::multipart::Part::bytes(FILE.as_bytes().to_vec()).file_name("hr.csv");
    let r = b
        .client
        .post(app.url("/org/demo/admin/import"))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = upload(&b, FILE).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.expect("body");
    assert!(
        page.contains("Dette vil importen gjøre") && page.contains("/admin/import/apply"),
        "{page}"
    );
    assert_eq!(
        member_emails(&app).await.len(),
        before,
        "a preview writes nothing"
    );
    // Confirm.
    let content = FILE.to_owned();
    let r = b
        .post_form(
            "/org/demo/admin/import/apply",
            &[("content", &content), ("skip_invalid", "false")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.expect("body");
    assert!(page.contains("Personene er importert.") && page.contains("Opprettes"));
    let emails = member_emails(&app).await;
    assert_eq!(emails.len(), before + 3);
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (_, people) = admin.get("/api/v1/organisations/demo/people").await;
    let ola = people
        .as_array()
        .and_then(|p| p.iter().find(|m| m["email"] == "ola.hansen@demo.tavle.no"))
        .expect("ola")
        .clone();
    let kari = people
        .as_array()
        .and_then(|p| p.iter().find(|m| m["email"] == "kari.berg@demo.tavle.no"))
        .expect("kari");
    assert_eq!(
        ola["membership"]["manager_id"], kari["membership"]["person_id"],
        "a manager listed later in the file is resolved"
    );
    assert_eq!(ola["membership"]["unit_name"], "Nordby skole");
    assert_eq!(ola["membership"]["source"], "hr_import");
    assert_eq!(ola["membership"]["employee_number"], "H2");
    let per = people
        .as_array()
        .and_then(|p| p.iter().find(|m| m["email"] == "per.sluttet@demo.tavle.no"))
        .expect("per")
        .clone();
    assert_eq!(per["membership"]["status"], "ended");
    let (_, view) = admin
        .get(&format!(
            "/api/v1/organisations/demo/people/{}",
            ola["membership"]["person_id"].as_str().expect("id")
        ))
        .await;
    assert!(view.get("birth_date").is_none() || view["birth_date"].is_null());
    let (_, units) = admin.get("/api/v1/organisations/demo/units").await;
    assert!(units.to_string().contains("Oppvekst/Nordby skole"));
    // The imported person's name is HR's: they cannot change it themselves.
    {
        let mut db = app.store.conn().await.expect("conn");
        let email = domain::person::Email::parse("ola.hansen@demo.tavle.no").expect("email");
        let id = store::people::id_by_email(&mut db, &email)
            .await
            .expect("q")
            .expect("ola");
        let actor = store::actors::load(&mut db, id).await.expect("actor");
        assert_eq!(
            store::seam::my_profile_source(&mut db, &actor)
                .await
                .expect("source"),
            domain::person::DataSource::HrImport
        );
    }
    // The same file again: everything unchanged. A changed position: one update.
    let r = upload(&b, FILE).await;
    let page = r.text().await.expect("body");
    assert!(!page.contains("/admin/import/apply"), "nothing to import");
    let changed = FILE.replace(";Lærer;", ";Lektor;");
    let r = b
        .post_form(
            "/org/demo/admin/import/apply",
            &[("content", &changed), ("skip_invalid", "false")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, people) = admin.get("/api/v1/organisations/demo/people").await;
    let ola = people
        .as_array()
        .and_then(|p| p.iter().find(|m| m["email"] == "ola.hansen@demo.tavle.no"))
        .expect("ola")
        .clone();
    assert_eq!(ola["membership"]["position"], "Lektor");
    assert_eq!(
        member_emails(&app).await.len(),
        before + 3,
        "upserted, not duplicated"
    );
}

async fn an_import_with_a_bad_row_writes_nothing_unless_told_to_skip_it(app: TestApp) {
    let b = app.browser_login("admin@demo.tavle.no").await;
    let before = member_emails(&app).await.len();
    let units_before = {
        let admin = app.api_login("admin@demo.tavle.no").await;
        admin
            .get("/api/v1/organisations/demo/units")
            .await
            .1
            .as_array()
            .map(Vec::len)
    };
    let bad = format!(
        "{}B1;Bad;Date;bad.date@demo.tavle.no;31.02.1990;Ny enhet;;;;\nH1;Again;Duplicate;again@demo.tavle.no;;;;;;\nB2;No;Manager;nm@demo.tavle.no;;;;X9;;\nL1;Loop;One;l1@demo.tavle.no;;;;L2;;\nL2;Loop;Two;l2@demo.tavle.no;;;;L1;;\n",
        FILE.trim_start_matches('\u{feff}')
    );
    let r = upload(&b, &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.expect("body");
    for needle in [
        "<td>5</td><td>birth_date</td>",
        "<td>6</td><td>employee_number</td><td>Ansattnummeret står tidligere i filen.</td>",
        "<td>7</td><td>manager_employee_number</td><td>Ingen i filen eller organisasjonen har dette ansattnummeret.</td>",
        "<td>8</td><td>manager_employee_number</td><td>Lederne danner en sløyfe.</td>",
    ] {
        assert!(page.contains(needle), "missing {needle} in {page}");
    }
    assert!(page.contains("Importer de gyldige linjene"));
    // Forcing the import without skipping writes nothing: not a person, not a unit.
    let r = b
        .post_form(
            "/org/demo/admin/import/apply",
            &[("content", &bad), ("skip_invalid", "false")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(member_emails(&app).await.len(), before);
    let admin = app.api_login("admin@demo.tavle.no").await;
    assert_eq!(
        admin
            .get("/api/v1/organisations/demo/units")
            .await
            .1
            .as_array()
            .map(Vec::len),
        units_before
    );
    // Skipping imports the three valid rows only.
    let r = b
        .post_form(
            "/org/demo/admin/import/apply",
            &[("content", &bad), ("skip_invalid", "true")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let emails = member_emails(&app).await;
    assert_eq!(emails.len(), before + 3);
    assert!(
        !emails
            .iter()
            .any(|e| e.starts_with("bad.date") || e.starts_with("l1@") || e.starts_with("nm@"))
    );
    // An e-mail that belongs to another employee number in the organisation is a line-level conflict.
    let admin_api = app.api_login("admin@demo.tavle.no").await;
    let (status, _) = admin_api
        .post("/api/v1/organisations/demo/people", json!({"person": {"given_name": "E", "family_name": "X", "email": "taken@demo.tavle.no"}, "membership": {"kind": "employee", "employee_number": "T1"}}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let conflict =
        "employee_number;given_name;family_name;email\nH1;Kari;Berg;taken@demo.tavle.no\n";
    let r = b
        .post_form(
            "/org/demo/admin/import/apply",
            &[("content", conflict), ("skip_invalid", "false")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.expect("body");
    assert!(page.contains("<td>2</td><td>email</td>"), "{page}");
}

async fn a_wrong_header_or_an_under_age_person_is_refused_by_line(app: TestApp) {
    let b = app.browser_login("admin@demo.tavle.no").await;
    let r = upload(&b, "ansattnr;fornavn;etternavn;epost\n1;A;B;a@b.no\n").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.expect("body");
    assert!(
        page.contains("<td>1</td><td>ansattnr</td><td>Ukjent kolonnenavn.</td>")
            && page.contains("<td>1</td><td>employee_number</td>")
    );
    let admin = app.api_login("admin@demo.tavle.no").await;
    admin.put("/api/v1/organisations/demo", json!({"name": "Demo kommune", "kind": "public_body", "languages": "nb", "minimum_age": "16"})).await;
    let today = time::OffsetDateTime::now_utc().date();
    let young = today.replace_year(today.year() - 15).unwrap_or(today);
    let r = upload(&b, &format!("employee_number,given_name,family_name,email,birth_date\nU1,Ung,Person,ung@demo.tavle.no,{young}\nU2,Uten,Dato,uten@demo.tavle.no,\n")).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.expect("body");
    assert!(page.contains("<td>2</td><td>birth_date</td><td>Personen er yngre enn aldersgrensen"));
    assert!(
        page.contains("<td>3</td><td>birth_date</td><td>Denne organisasjonen trenger fødselsdato")
    );
    // Only the organisation's admins may import.
    let member = app.browser_login("elev@demo.tavle.no").await;
    assert_eq!(upload(&member, FILE).await.status(), StatusCode::NOT_FOUND);
}

/// The DPO's entries naming `email` that read employment data (an import preview).
async fn preview_reads(app: &TestApp, email: &str) -> Vec<serde_json::Value> {
    let dpo = app.api_login("personvern@demo.tavle.no").await;
    let (status, found) = dpo
        .get(&format!("/api/v1/organisations/demo/audit?person={email}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    found
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| {
            e["action"] == "read"
                && e["fields"]
                    .as_array()
                    .is_some_and(|f| f.contains(&serde_json::json!("user.employment")))
        })
        .cloned()
        .collect()
}

async fn a_preview_showing_people_held_is_one_read_of_them_and_a_refused_one_is_not(app: TestApp) {
    let b = app.browser_login("admin@demo.tavle.no").await;
    let r = b
        .post_form(
            "/org/demo/admin/import/apply",
            &[("content", FILE), ("skip_invalid", "false")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // Someone who does not administer the organisation is refused: no entry.
    let teacher = app.browser_login("laerer@demo.tavle.no").await;
    assert_eq!(upload(&teacher, FILE).await.status(), StatusCode::NOT_FOUND);
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert!(
        preview_reads(&app, "ola.hansen@demo.tavle.no")
            .await
            .is_empty()
    );
    // The same file previewed again shows the three people held now, on one entry.
    let r = upload(&b, &FILE.replace("Lærer", "Lektor")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let start = std::time::Instant::now();
    let found = loop {
        let found = preview_reads(&app, "ola.hansen@demo.tavle.no").await;
        if !found.is_empty() || start.elapsed() > std::time::Duration::from_secs(2) {
            break found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(found.len(), 1, "{found:?}");
    let entry = &found[0];
    assert_eq!(entry["relation"], "org_admin");
    assert_eq!(entry["purpose"], "administration");
    assert_eq!(entry["actor"]["name"], "Anne Admin");
    assert_eq!(entry["subjects"].as_array().expect("subjects").len(), 3);
}
