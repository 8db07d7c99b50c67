//! The access audit log: reads and changes of personal data are logged, the person sees who
//! saw their data, the DPO searches, and `tavle audit verify` finds tampering.

use std::process::Command;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both_backends;
use crate::harness::TestApp;

async fn id_of(app: &TestApp, email: &str) -> String {
    let mut db = app.store.conn().await.expect("conn");
    let email = domain::person::Email::parse(email).expect("email");
    store::people::id_by_email(&mut db, &email)
        .await
        .expect("query")
        .expect("person")
        .to_string()
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    let mut db = app.store.conn().await.expect("conn");
    store::with_conn!(db, |c| sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&mut *c)
        .await)
    .expect("count")
}

async fn exec(app: &TestApp, sql: &'static str) {
    let mut db = app.store.conn().await.expect("conn");
    store::with_conn!(db, |c| sqlx::query(sql)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))
    .expect("exec");
}

/// Polls `f` until it is true (reads are flushed within about a second).
async fn eventually<F: AsyncFnMut() -> bool>(mut f: F) {
    let start = std::time::Instant::now();
    while start.elapsed() < Duration::from_secs(2) {
        if f().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("not flushed within two seconds");
}

async fn admin_opens_the_employee_and_they_see_it(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let employee = id_of(&app, "ansatt@demo.tavle.no").await;
    let (status, _) = admin
        .get(&format!("/api/v1/organisations/demo/people/{employee}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let me = app.api_login("ansatt@demo.tavle.no").await;
    let mut log = Value::Null;
    eventually(async || {
        let (status, body) = me.get("/api/v1/me/access-log").await;
        assert_eq!(status, StatusCode::OK);
        log = body;
        log.as_array().is_some_and(|l| !l.is_empty())
    })
    .await;
    let entry = &log[0];
    assert_eq!(entry["relation"], "org_admin");
    assert_eq!(entry["purpose"], "administration");
    assert_eq!(entry["action"], "read");
    assert_eq!(entry["organisation"], "Demo kommune");
    let fields = entry["fields"].as_array().expect("fields");
    assert!(fields.contains(&json!("user.contact.email")), "{fields:?}");
    assert!(entry.get("subjects").is_none() && entry.get("actor").is_none());
    // Seeing oneself is not audited.
    let (_, _) = me
        .get(&format!("/api/v1/organisations/demo/people/{employee}"))
        .await;
    let (_, own) = admin.get("/api/v1/me/access-log").await;
    assert_eq!(own, json!([]));
}

async fn an_admins_change_is_audited_with_it_and_a_refused_one_is_not(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let employee = id_of(&app, "ansatt@demo.tavle.no").await;
    let (_, person) = admin
        .get(&format!("/api/v1/organisations/demo/people/{employee}"))
        .await;
    let m = &person["memberships"][0];
    let id = m["id"].as_str().expect("membership");
    let changes = "SELECT COUNT(*) FROM audit_entries WHERE action = 'change'";
    let before = count(&app, changes).await;
    let (status, _) = admin
        .put(&format!("/api/v1/organisations/demo/memberships/{id}"), json!({"kind": "employee", "starts_on": "2024-08-01", "status": "active", "position": "Rådgiver", "manager_id": m["manager_id"]}))
        .await;
    assert_eq!(status, StatusCode::OK);
    // Written in the change's transaction: there when the response is.
    assert_eq!(count(&app, changes).await, before + 1);
    let (status, _) = admin
        .put(
            &format!("/api/v1/organisations/demo/memberships/{id}"),
            json!({"kind": "boss", "starts_on": "2024-02-30", "status": "gone"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count(&app, changes).await, before + 1);
    let me = app.api_login("ansatt@demo.tavle.no").await;
    let (_, log) = me.get("/api/v1/me/access-log").await;
    assert!(
        log.as_array()
            .expect("log")
            .iter()
            .any(|e| e["action"] == "change" && e["fields"] == json!(["user.employment"])),
        "{log}"
    );
}

async fn the_dpo_searches_by_person_and_others_get_404(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let employee = id_of(&app, "ansatt@demo.tavle.no").await;
    admin
        .get(&format!("/api/v1/organisations/demo/people/{employee}"))
        .await;
    let dpo = app.api_login("personvern@demo.tavle.no").await;
    let mut found = Value::Null;
    eventually(async || {
        let (status, body) = dpo
            .get("/api/v1/organisations/demo/audit?person=ansatt@demo.tavle.no&purpose=administration")
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        found = body;
        found.as_array().is_some_and(|l| !l.is_empty())
    })
    .await;
    let entry = &found[0];
    assert_eq!(entry["actor"]["name"], "Anne Admin");
    assert!(
        entry["subjects"]
            .as_array()
            .expect("subjects")
            .iter()
            .any(|s| s["person_id"] == employee.as_str())
    );
    // Nothing for a day before the log began; bad input is refused per field.
    let (_, none) = dpo
        .get("/api/v1/organisations/demo/audit?person=ansatt@demo.tavle.no&to=2000-01-01")
        .await;
    assert_eq!(none, json!([]));
    let (status, problem) = dpo
        .get("/api/v1/organisations/demo/audit?from=2025-02-30&purpose=spying")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut errors = crate::harness::field_errors(&problem);
    errors.sort();
    assert_eq!(errors, vec!["from:invalid_date", "purpose:invalid_choice"]);
    // Not the DPO: the log does not exist.
    let (status, _) = admin.get("/api/v1/organisations/demo/audit").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn the_pages_show_the_person_and_the_dpo_the_log(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let employee = id_of(&app, "ansatt@demo.tavle.no").await;
    admin
        .get(&format!("/api/v1/organisations/demo/people/{employee}"))
        .await;
    let me = app.browser_login("ansatt@demo.tavle.no").await;
    let profile = me.get("/profile").await.text().await.expect("profile");
    assert!(profile.contains("href=\"/privacy/access-log\""));
    let mut page = String::new();
    eventually(async || {
        page = me
            .get("/privacy/access-log")
            .await
            .text()
            .await
            .expect("page");
        page.contains("<caption>")
    })
    .await;
    assert!(page.contains("Organisasjonsadministrator"), "{page}");
    assert!(page.contains("Administrasjon") && page.contains("Demo kommune"));
    assert!(
        !page.contains("Anne Admin"),
        "the page names roles, not people"
    );
    // The DPO's page: a search form sent with GET, results naming the people.
    let dpo = app.browser_login("personvern@demo.tavle.no").await;
    let r = dpo.get("/org/demo/dpo/audit").await;
    assert_eq!(r.status(), StatusCode::OK);
    let form = r.text().await.expect("form");
    assert!(form.contains("method=\"get\"") && form.contains("for=\"audit-search-person\""));
    let found = dpo
        .get("/org/demo/dpo/audit?person=ansatt%40demo.tavle.no&actor=&from=&to=&purpose=")
        .await
        .text()
        .await
        .expect("results");
    assert!(
        found.contains("Anne Admin") && found.contains("Kari Nordmann"),
        "{found}"
    );
    let r = dpo.get("/org/demo/dpo/audit?from=31.02.2025").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("errors").contains("error-summary"));
    let r = app
        .browser_login("admin@demo.tavle.no")
        .await
        .get("/org/demo/dpo/audit")
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

fn tavle(app: &TestApp, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tavle"))
        .args(args)
        .args(app.database_args())
        .output()
        .expect("run tavle");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

async fn verify_finds_edited_deleted_and_truncated_entries(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    for who in ["ansatt", "leder", "laerer", "rapport"] {
        let id = id_of(&app, &format!("{who}@demo.tavle.no")).await;
        admin
            .get(&format!("/api/v1/organisations/demo/people/{id}"))
            .await;
    }
    let demo = "SELECT COUNT(*) FROM audit_entries e JOIN organisations o ON o.id = e.organisation_id WHERE o.slug = 'demo'";
    eventually(async || count(&app, demo).await >= 4).await;
    let n = count(&app, demo).await;
    // The platform's key pair was made at the first start, readable by its owner only.
    let key = app.data_dir().join("signing.key");
    assert_eq!(std::fs::read(&key).expect("signing key").len(), 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let (ok, out) = tavle(&app, &["audit", "verify"]);
    assert!(ok && out.contains("ok: "), "{out}");
    // Erasing a person destroys their key: the entries stay and the chain stays valid.
    exec(&app, "DELETE FROM audit_keys WHERE person_id = (SELECT id FROM people WHERE email = 'rapport@demo.tavle.no')").await;
    let (ok, out) = tavle(&app, &["audit", "verify"]);
    assert!(ok, "{out}");
    let (ok, out) = tavle(&app, &["audit", "checkpoint", "--org", "demo"]);
    assert!(ok, "{out}");
    let checkpoint: Value = serde_json::from_str(out.trim()).expect("checkpoint json");
    assert_eq!(checkpoint["seq"], n);
    assert!(checkpoint["public_key"].is_string() && checkpoint["signature"].is_string());
    let file = app.data_dir().join("checkpoint.json");
    std::fs::write(&file, &out).expect("write checkpoint");
    let file = file.to_str().expect("utf-8").to_owned();
    let (ok, out) = tavle(&app, &["audit", "verify", "--checkpoint", &file]);
    assert!(ok, "{out}");
    // A checkpoint whose hash was changed no longer carries a valid signature.
    let mut forged = checkpoint.clone();
    forged["seq"] = json!(n - 1);
    let forged_file = app.data_dir().join("forged.json");
    std::fs::write(&forged_file, forged.to_string()).expect("write forged");
    let forged_file = forged_file.to_str().expect("utf-8").to_owned();
    let (ok, out) = tavle(&app, &["audit", "verify", "--checkpoint", &forged_file]);
    assert!(!ok && out.contains("checkpoint not signed"), "{out}");

    // (a) An entry edited in the database.
    exec(&app, "UPDATE audit_entries SET purpose = 'curiosity' WHERE seq = 2 AND organisation_id = (SELECT id FROM organisations WHERE slug = 'demo')").await;
    let (ok, out) = tavle(&app, &["audit", "verify", "--org", "demo"]);
    assert!(!ok && out.contains("entry 2 edited"), "{out}");
    exec(&app, "UPDATE audit_entries SET purpose = 'administration' WHERE seq = 2 AND organisation_id = (SELECT id FROM organisations WHERE slug = 'demo')").await;
    let (ok, out) = tavle(&app, &["audit", "verify", "--org", "demo"]);
    assert!(ok, "{out}");
    // (a) The people an entry names, edited in its stored subject list.
    let mut db = app.store.conn().await.expect("conn");
    let (set, keys): (uuid::Uuid, Vec<u8>) = store::with_conn!(db, |c| sqlx::query_as(
        "SELECT set_id, keys FROM audit_subject_sets WHERE set_id = (SELECT subject_set FROM audit_entries WHERE seq = 2 AND organisation_id = (SELECT id FROM organisations WHERE slug = 'demo'))"
    )
    .fetch_one(&mut *c)
    .await)
    .expect("subject list");
    let set_keys = async |db: &mut store::Db, keys: Option<Vec<u8>>| {
        store::with_conn!(db, |c| sqlx::query(
            "UPDATE audit_subject_sets SET keys = $1 WHERE set_id = $2"
        )
        .bind(keys.clone())
        .bind(set)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))
        .expect("update")
    };
    set_keys(&mut db, Some(vec![0; 16])).await;
    let (ok, out) = tavle(&app, &["audit", "verify", "--org", "demo"]);
    assert!(!ok && out.contains("entry 2 edited"), "{out}");
    set_keys(&mut db, Some(keys)).await;
    drop(db);
    let (ok, out) = tavle(&app, &["audit", "verify", "--org", "demo"]);
    assert!(ok, "{out}");

    // (c) The tail cut after the checkpoint, head and stored checkpoints made to fit: only the
    // checkpoint kept elsewhere shows it.
    exec(&app, "DELETE FROM audit_entries WHERE seq > 2 AND organisation_id = (SELECT id FROM organisations WHERE slug = 'demo')").await;
    exec(&app, "UPDATE audit_heads SET seq = 2, hash = (SELECT hash FROM audit_entries e WHERE e.organisation_id = audit_heads.organisation_id AND e.seq = 2) WHERE organisation_id = (SELECT id FROM organisations WHERE slug = 'demo')").await;
    exec(&app, "DELETE FROM audit_checkpoints").await;
    let (ok, out) = tavle(&app, &["audit", "verify", "--org", "demo"]);
    assert!(
        ok,
        "without the checkpoint the shorter chain looks whole: {out}"
    );
    let (ok, out) = tavle(&app, &["audit", "verify", "--checkpoint", &file]);
    assert!(!ok && out.contains("entry 3 truncated"), "{out}");

    // (b) An entry deleted.
    exec(&app, "DELETE FROM audit_entries WHERE seq = 1 AND organisation_id = (SELECT id FROM organisations WHERE slug = 'demo')").await;
    let (ok, out) = tavle(&app, &["audit", "verify", "--org", "demo"]);
    assert!(!ok && out.contains("entry 1 deleted"), "{out}");
}

both_backends!(
    admin_opens_the_employee_and_they_see_it,
    an_admins_change_is_audited_with_it_and_a_refused_one_is_not,
    the_dpo_searches_by_person_and_others_get_404,
    the_pages_show_the_person_and_the_dpo_the_log,
    verify_finds_edited_deleted_and_truncated_entries,
    a_list_page_shown_again_adds_an_entry_but_no_subject_rows,
);

/// A list page shown again names the same subject set: one more entry, no more set rows, and
/// each person on it finds both entries.
async fn a_list_page_shown_again_adds_an_entry_but_no_subject_rows(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let entries = "SELECT COUNT(*) FROM audit_entries";
    let sets = "SELECT COUNT(*) FROM audit_subject_sets";
    let members = "SELECT COUNT(*) FROM audit_set_members";
    let before = count(&app, entries).await;
    let (status, list) = admin.get("/api/v1/organisations/demo/people").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let mut first = (0, 0, 0);
    eventually(async || {
        first = (
            count(&app, entries).await,
            count(&app, sets).await,
            count(&app, members).await,
        );
        // Entries first: once the batch shows there, its sets and members are all there too.
        first.0 > before
    })
    .await;
    // Past the flush interval, so the second read is not merged with the first.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let (status, _) = admin.get("/api/v1/organisations/demo/people").await;
    assert_eq!(status, StatusCode::OK);
    eventually(async || count(&app, entries).await == first.0 + 1).await;
    assert_eq!(count(&app, sets).await, first.1, "no new set");
    assert_eq!(count(&app, members).await, first.2, "no new members");
    let me = app.api_login("ansatt@demo.tavle.no").await;
    let (_, log) = me.get("/api/v1/me/access-log").await;
    let listed = log
        .as_array()
        .expect("log")
        .iter()
        .filter(|e| e["relation"] == "org_admin" && e["action"] == "read")
        .count();
    assert_eq!(listed, 2, "{log}");
}
