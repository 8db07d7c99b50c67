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
    a_teacher_opening_a_hand_in_reads_it_and_its_learner_or_a_refused_one_does_not,
    course_staff_added_and_removed_is_a_change_of_their_role_and_a_refused_one_is_not,
    an_invitation_and_a_password_set_by_link_change_credentials_in_their_transaction,
    a_participant_list_with_e_mail_and_workplace_is_one_read_of_the_others,
);

const ORG: &str = "/api/v1/organisations/demo";
const CHANGES: &str = "SELECT COUNT(*) FROM audit_entries WHERE action = 'change'";

/// The entries of `email`'s access log (what others did with their data).
async fn log_of(app: &TestApp, email: &str) -> Vec<Value> {
    let me = app.api_login(email).await;
    let (status, log) = me.get("/api/v1/me/access-log").await;
    assert_eq!(status, StatusCode::OK, "{log}");
    log.as_array().expect("log").clone()
}

fn has(log: &[Value], action: &str, relation: &str, purpose: &str, fields: Value) -> bool {
    log.iter().any(|e| {
        e["action"] == action
            && e["relation"] == relation
            && e["purpose"] == purpose
            && e["fields"] == fields
    })
}

async fn a_teacher_opening_a_hand_in_reads_it_and_its_learner_or_a_refused_one_does_not(
    app: TestApp,
) {
    use crate::learning_api::{activity, course, enroll, fetch, file, upload};
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (id, module) = course(&admin, json!({"title": "Skrivekurs"})).await;
    let task = activity(
        &admin,
        &id,
        &module,
        json!({"kind": "assignment", "instructions": "Skriv", "allowed_types": "txt", "max_megabytes": 1}),
    )
    .await;
    let (status, _) = admin
        .post(
            &format!("{ORG}/courses/{id}/staff"),
            json!({"email": "laerer@demo.tavle.no", "role": "teacher"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let kari = app.api_login("ansatt@demo.tavle.no").await;
    enroll(&kari, &id).await;
    let (status, s) = upload(
        &kari,
        &format!("{ORG}/courses/{id}/activities/{task}/submissions"),
        file(b"Brann trenger oksygen.\n".to_vec(), "tekst.txt"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    let url = s["file_url"].as_str().expect("url").to_owned();
    let submission = json!(["user.content.submission"]);
    // The learner's own reading, and another learner refused: no entry.
    assert_eq!(fetch(&kari, &url).await.0, StatusCode::OK);
    let emil = app.api_login("elev@demo.tavle.no").await;
    assert_eq!(fetch(&emil, &url).await.0, StatusCode::NOT_FOUND);
    tokio::time::sleep(Duration::from_millis(600)).await;
    let log = log_of(&app, "ansatt@demo.tavle.no").await;
    assert!(
        !has(&log, "read", "teacher", "teaching", submission.clone()),
        "{log:?}"
    );
    // The teacher opens it, through the API and through the page's link.
    let teacher = app.api_login("laerer@demo.tavle.no").await;
    let (status, ..) = fetch(&teacher, &url).await;
    assert_eq!(status, StatusCode::OK);
    let page = url.replace("/api/v1/organisations/", "/org/");
    let (status, ..) = fetch(&teacher, &page).await;
    assert_eq!(status, StatusCode::OK);
    let mut log = Vec::new();
    eventually(async || {
        log = log_of(&app, "ansatt@demo.tavle.no").await;
        // Both doors: one entry, or two when a flush fell between them (repeats within
        // the flush interval are merged).
        log.iter()
            .any(|e| e["action"] == "read" && e["fields"] == submission)
    })
    .await;
    assert!(
        has(&log, "read", "teacher", "teaching", submission),
        "{log:?}"
    );
    // The teacher's log has none of it: they read someone else's work.
    let own = log_of(&app, "laerer@demo.tavle.no").await;
    assert!(own.iter().all(|e| e["action"] != "read"), "{own:?}");
}

async fn course_staff_added_and_removed_is_a_change_of_their_role_and_a_refused_one_is_not(
    app: TestApp,
) {
    use crate::learning_api::course;
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (id, _) = course(&admin, json!({"title": "Stabskurs"})).await;
    let lise = id_of(&app, "laerer@demo.tavle.no").await;
    let before = count(&app, CHANGES).await;
    let staff = format!("{ORG}/courses/{id}/staff");
    let (status, _) = admin
        .post(
            &staff,
            json!({"email": "nobody@demo.tavle.no", "role": "teacher"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = admin
        .post(
            &staff,
            json!({"email": "laerer@demo.tavle.no", "role": "boss"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count(&app, CHANGES).await, before, "refused: no entry");
    let (status, _) = admin
        .post(
            &staff,
            json!({"email": "laerer@demo.tavle.no", "role": "teacher"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // In the change's transaction: there when the response is.
    assert_eq!(count(&app, CHANGES).await, before + 1);
    let (status, _) = admin.delete(&format!("{staff}/{lise}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(count(&app, CHANGES).await, before + 2);
    // Removing someone no longer on the staff changes nothing.
    admin.delete(&format!("{staff}/{lise}")).await;
    assert_eq!(count(&app, CHANGES).await, before + 2);
    let log = log_of(&app, "laerer@demo.tavle.no").await;
    let role_changes = log
        .iter()
        .filter(|e| {
            e["action"] == "change"
                && e["relation"] == "org_admin"
                && e["purpose"] == "administration"
                && e["fields"] == json!(["user.role"])
        })
        .count();
    assert_eq!(role_changes, 2, "{log:?}");
    assert!(log_of(&app, "admin@demo.tavle.no").await.is_empty());
}

async fn an_invitation_and_a_password_set_by_link_change_credentials_in_their_transaction(
    app: TestApp,
) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (status, created) = admin
        .post(&format!("{ORG}/people"), json!({"person": {"given_name": "Ny", "family_name": "Ansatt", "email": "ny@demo.tavle.no"}, "membership": {"kind": "employee"}}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().expect("id").to_owned();
    // Another organisation's admin is refused: no entry.
    let other = crate::harness::other_org(&app).await;
    let before = count(&app, CHANGES).await;
    let (status, _) = other
        .admin
        .post(
            &format!("/api/v1/organisations/other/people/{id}/invitation"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(count(&app, CHANGES).await, before);
    let (status, _) = admin
        .post(&format!("{ORG}/people/{id}/invitation"), json!({}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(count(&app, CHANGES).await, before + 1);
    app.runner().run_once(jobs::OUTBOX).await.expect("outbox");
    let link = crate::operations::mailed_link(&app, "To: ny@demo.tavle.no").expect("e-mail");
    let token = link.split("token=").nth(1).expect("token").to_owned();
    let b = app.browser();
    let set = |password: &'static str, repeat: &'static str| {
        let token = token.clone();
        let b = &b;
        async move {
            b.post_form(
                "/password/set",
                &[
                    ("token", token.as_str()),
                    ("password", password),
                    ("password_repeat", repeat),
                ],
            )
            .await
            .status()
        }
    };
    assert_eq!(
        set("velkommen til tavle", "noe helt annet").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(count(&app, CHANGES).await, before + 1, "refused: no entry");
    // The harness's password, so that the person can sign in to read their log.
    let password = crate::harness::PASSWORD;
    assert_eq!(set(password, password).await, StatusCode::SEE_OTHER);
    assert_eq!(count(&app, CHANGES).await, before + 2);
    let own = "SELECT COUNT(*) FROM audit_entries WHERE action = 'change' AND relation = 'myself' AND purpose = 'account'";
    assert!(count(&app, own).await >= 1);
    // The person sees the administrator's, not their own.
    let log = log_of(&app, "ny@demo.tavle.no").await;
    let credentials = json!(["user.authorization.credentials"]);
    assert!(
        has(
            &log,
            "change",
            "org_admin",
            "administration",
            credentials.clone()
        ),
        "{log:?}"
    );
    assert!(!log.iter().any(|e| e["relation"] == "myself"), "{log:?}");
}

async fn a_participant_list_with_e_mail_and_workplace_is_one_read_of_the_others(app: TestApp) {
    use crate::learning_api::{content, course, enroll};
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (listed, module) = course(
        &admin,
        json!({"title": "Med liste", "participant_list": true}),
    )
    .await;
    content(&admin, &listed, &module).await;
    let kari = app.api_login("ansatt@demo.tavle.no").await;
    let emil = app.api_login("elev@demo.tavle.no").await;
    enroll(&kari, &listed).await;
    enroll(&emil, &listed).await;
    let fields = json!([
        "user.name",
        "user.contact.email",
        "user.workplace",
        "user.education.enrollment"
    ]);
    // Someone not taking the course gets no list, and no entry.
    let eva = app.api_login("ekstern@demo.tavle.no").await;
    let (_, c) = eva.get(&format!("{ORG}/courses/{listed}")).await;
    assert!(c.get("co_participants").is_none(), "{c}");
    tokio::time::sleep(Duration::from_millis(600)).await;
    let listed_as = |log: &[Value]| {
        log.iter()
            .filter(|e| e["relation"] == "co_participant")
            .count()
    };
    assert_eq!(listed_as(&log_of(&app, "elev@demo.tavle.no").await), 0);
    let (_, c) = kari.get(&format!("{ORG}/courses/{listed}")).await;
    assert_eq!(c["co_participants"].as_array().expect("list").len(), 2);
    let mut log = Vec::new();
    eventually(async || {
        log = log_of(&app, "elev@demo.tavle.no").await;
        listed_as(&log) > 0
    })
    .await;
    assert_eq!(listed_as(&log), 1, "one entry for the page: {log:?}");
    assert!(
        has(&log, "read", "co_participant", "participant_list", fields),
        "{log:?}"
    );
    // Kari is on her own list, and seeing herself is not audited.
    assert_eq!(listed_as(&log_of(&app, "ansatt@demo.tavle.no").await), 0);
}

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
