//! The `tavle` binary's commands, run as a person would run them.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::harness::PgDatabase;

fn tavle() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tavle"))
}

/// `migrate` and `user create --operator` on SQLite (under --data-dir) and on PostgreSQL
/// (--database-url); the operator can then log in.
#[tokio::test]
async fn migrate_and_user_create_work_on_both_databases() {
    let dir = tempfile::tempdir().expect("dir");
    let data_dir = dir.path().to_str().expect("utf-8").to_owned();
    let mut targets = vec![vec!["--data-dir".to_owned(), data_dir]];
    let pg = PgDatabase::create().await;
    if let Some(pg) = &pg {
        targets.push(vec!["--database-url".to_owned(), pg.url.clone()]);
    }
    for target in targets {
        let out = tavle()
            .args(["migrate"])
            .args(&target)
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("is up to date"));
        let mut child = tavle()
            .args([
                "user",
                "create",
                "--email",
                "Root@Example.no",
                "--given-name",
                "Rut",
                "--family-name",
                "Root",
                "--operator",
                "--password-stdin",
            ])
            .args(&target)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(b"a long enough password\n")
            .expect("write");
        let out = child.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("as platform operator"));
        // Twice is refused with a clear message.
        let out = tavle()
            .args([
                "user",
                "create",
                "--email",
                "root@example.no",
                "--given-name",
                "R",
                "--family-name",
                "R",
            ])
            .args(&target)
            .output()
            .expect("run");
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("email: already_exists"));
        // A generated password is printed once.
        let out = tavle()
            .args([
                "user",
                "create",
                "--email",
                "second@example.no",
                "--given-name",
                "S",
                "--family-name",
                "S",
            ])
            .args(&target)
            .output()
            .expect("run");
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stdout).contains("password: "));
        // Bad input names the problem.
        let out = tavle()
            .args([
                "user",
                "create",
                "--email",
                "nope",
                "--given-name",
                "",
                "--family-name",
                "S",
            ])
            .args(&target)
            .output()
            .expect("run");
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("email: invalid_email") && err.contains("given_name: required"),
            "{err}"
        );
    }
    // The operator created on SQLite can log in to a server on that database.
    let config = tavle::Config {
        addr: "127.0.0.1:0".parse().expect("addr"),
        data_dir: dir.path().to_path_buf(),
        ..Default::default()
    };
    let store = tavle::open_store(&config).await.expect("store");
    let server = tavle::start(&config, store).await.expect("start");
    let client = reqwest::Client::new();
    let r = client
        .post(format!("http://{}/api/v1/session", server.addr))
        .json(
            &serde_json::json!({"email": "root@example.no", "password": "a long enough password"}),
        )
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    server.task.abort();
}

#[test]
fn a_missing_config_file_and_a_bad_database_url_are_clear_errors() {
    let out = tavle()
        .args(["migrate", "--config", "/nonexistent/tavle.toml"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    let out = tavle()
        .args(["migrate", "--database-url", "mysql://x"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported database URL"));
}

#[tokio::test]
async fn demo_data_is_created_once() {
    let dir = tempfile::tempdir().expect("dir");
    let store = store::Store::open_sqlite(&dir.path().join("t.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    let first = tavle::demo::ensure(&store).await.expect("first");
    let second = tavle::demo::ensure(&store).await.expect("second");
    assert_eq!(first.len(), second.len());
    let mut db = store.conn().await.expect("conn");
    // The demo organisation and the partner that shares a course with it.
    assert_eq!(
        store::organisations::all(&mut db)
            .await
            .expect("orgs")
            .len(),
        2
    );
    assert!(tavle::demo::describe(&first).contains("admin@demo.tavle.no"));
}

/// `jobs run-once`, `token create` and `config check`, on SQLite under a data directory.
#[tokio::test]
async fn jobs_tokens_and_config_commands_work() {
    let dir = tempfile::tempdir().expect("dir");
    let data_dir = dir.path().to_str().expect("utf-8").to_owned();
    let at = ["--data-dir", data_dir.as_str()];
    let out = tavle()
        .args(["jobs", "run-once", "session_expiry"])
        .args(at)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("session_expiry")
            && String::from_utf8_lossy(&out.stdout).contains("done")
    );
    let out = tavle()
        .args(["jobs", "run-once", "make_coffee"])
        .args(at)
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("unknown job \"make_coffee\" (known: outbox, requirement_enrollment, session_expiry, token_expiry)")
    );

    let out = tavle()
        .args([
            "user",
            "create",
            "--email",
            "dev@example.no",
            "--given-name",
            "D",
            "--family-name",
            "Dev",
        ])
        .args(at)
        .output()
        .expect("run");
    assert!(out.status.success());
    let out = tavle()
        .args([
            "token",
            "create",
            "--person",
            "dev@example.no",
            "--scope",
            "me:read",
            "--days",
            "10",
        ])
        .args(at)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(token.starts_with("tvl_"));
    let out = tavle()
        .args([
            "token",
            "create",
            "--person",
            "dev@example.no",
            "--scope",
            "me:fly",
        ])
        .args(at)
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("scopes: invalid_scope"));
    let out = tavle()
        .args([
            "token",
            "create",
            "--org",
            "nope",
            "--service-account",
            "x",
            "--scope",
            "people:read",
        ])
        .args(at)
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no organisation"));
    // The token works against a server on that database.
    let config = tavle::Config {
        addr: "127.0.0.1:0".parse().expect("addr"),
        data_dir: dir.path().to_path_buf(),
        ..Default::default()
    };
    let store = tavle::open_store(&config).await.expect("store");
    let server = tavle::start(&config, store).await.expect("start");
    let r = reqwest::Client::new()
        .get(format!("http://{}/api/v1/me", server.addr))
        .bearer_auth(&token)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    server.task.abort();

    let out = tavle()
        .args(["config", "check"])
        .args(at)
        .env("TAVLE_DATABASE_URL", "postgres://u:pw-secret@h/db")
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("postgres://u:***@h/db") && !text.contains("pw-secret"),
        "{text}"
    );
}

/// `tavle dataset` creates an organisation and grows it; its people log in with the shared
/// password and its admin pages page through them.
#[tokio::test]
async fn dataset_creates_and_grows_a_synthetic_organisation() {
    let dir = tempfile::tempdir().expect("dir");
    let data_dir = dir.path().to_str().expect("utf-8").to_owned();
    let at = ["--data-dir", data_dir.as_str()];
    let out = tavle()
        .args(["dataset", "--people", "130", "--org", "bench"])
        .args(at)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("130 people (130 new)"));
    let out = tavle()
        .args(["dataset", "--people", "200", "--org", "bench"])
        .args(at)
        .output()
        .expect("run");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("200 people (70 new)"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let config = tavle::Config {
        addr: "127.0.0.1:0".parse().expect("addr"),
        data_dir: dir.path().to_path_buf(),
        ..Default::default()
    };
    let store = tavle::open_store(&config).await.expect("store");
    let server = tavle::start(&config, store).await.expect("start");
    let base = format!("http://{}", server.addr);
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let r = client.post(format!("{base}/api/v1/session")).json(&serde_json::json!({"email": "p0@bench.example", "password": tavle::dataset::DATASET_PASSWORD})).send().await.expect("send");
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    let r = client
        .get(format!(
            "{base}/api/v1/organisations/bench/people?per_page=500"
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(r.headers()["x-total-count"], "200");
    let people: serde_json::Value = r.json().await.expect("json");
    let member = people
        .as_array()
        .and_then(|p| p.iter().find(|m| m["email"] == "p13@bench.example"))
        .expect("p13");
    let manager = member["membership"]["manager_id"]
        .as_str()
        .expect("the list names the manager by id");
    assert!(
        people
            .as_array()
            .is_some_and(|p| p.iter().any(|m| m["membership"]["person_id"] == manager)),
        "the manager is a member of the same organisation"
    );
    assert!(
        member["membership"].get("manager_name").is_none(),
        "list rows stay narrow: the person view names the manager"
    );
    assert_eq!(member["membership"]["unit_name"], "Team 2");
    let page = client
        .get(format!("{base}/org/bench/admin/people?page=2"))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("body");
    assert!(page.contains("Side 2 av 4 (200 i alt)"), "{page}");
    // The pager's links page by keyset: page 1's "next" leads to the same page 2.
    let first = client
        .get(format!("{base}/org/bench/admin/people"))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("body");
    let next = first
        .split("<a href=\"")
        .find_map(|a| {
            a.split_once("\" rel=\"next\"")
                .map(|(href, _)| href.replace("&#38;", "&").replace("&amp;", "&"))
        })
        .expect("a next link");
    assert!(next.contains("page=2&after="), "{next}");
    let followed = client
        .get(format!("{base}{next}"))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("body");
    let rows = |html: &str| -> Vec<String> {
        html.split("<tr><td><a href=\"")
            .skip(1)
            .map(|r| r.chars().take(80).collect())
            .collect()
    };
    assert_eq!(
        rows(&followed),
        rows(&page),
        "keyset and numbered page 2 agree"
    );
    assert_eq!(
        page.matches("<tr><td><a href=\"/org/bench/admin/people/")
            .count(),
        50,
        "one table row per person"
    );
    server.task.abort();
}
