//! The data registry against the real schema and through its command line: every column of
//! every table is either a declared personal-data field or listed as not personal with a
//! reason (PRIVACY-DOMAIN R1), on both databases.

use std::process::Command;

use domain::registry::registry;

use crate::both_backends;
use crate::harness::TestApp;

both_backends!(every_column_of_the_schema_is_declared_in_the_registry,);

async fn every_column_of_the_schema_is_declared_in_the_registry(app: TestApp) {
    let mut db = app.store.conn().await.expect("conn");
    let columns = store::schema::columns(&mut db).await.expect("columns");
    assert!(
        columns.len() > 200,
        "the catalogue was read: {}",
        columns.len()
    );
    let r = registry();
    let undeclared: Vec<String> = columns
        .iter()
        .filter(|(t, c)| !r.declares(t, c))
        .map(|(t, c)| format!("{t}.{c}"))
        .collect();
    assert!(
        undeclared.is_empty(),
        "columns neither declared as personal data in crates/domain/src/registry/registry.toml \
         nor listed under [[not_personal]] with a reason:\n{}",
        undeclared.join("\n")
    );
    // And the registry names no column the schema lacks (a renamed column would otherwise
    // leave a stale entry); the file store is not a table.
    let stale: Vec<&str> = r
        .fields
        .iter()
        .filter(|f| f.table() != "file_store")
        .filter(|f| {
            !columns
                .iter()
                .any(|(t, c)| t == f.table() && c == f.column())
        })
        .map(|f| f.key.as_str())
        .collect();
    assert!(
        stale.is_empty(),
        "registry fields with no column: {stale:?}"
    );
    let stale: Vec<String> = r
        .not_personal
        .iter()
        .flat_map(|n| {
            n.columns
                .iter()
                .map(move |c| (n.table.as_str(), c.as_str()))
        })
        .filter(|(t, c)| {
            !columns
                .iter()
                .any(|(ct, cc)| ct == t && (*c == "*" || cc == c))
        })
        .map(|(t, c)| format!("{t}.{c}"))
        .collect();
    assert!(
        stale.is_empty(),
        "not_personal entries with no column: {stale:?}"
    );
}

fn tavle() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tavle"))
}

#[test]
fn registry_check_passes_on_the_shipped_registry_and_names_each_problem_of_a_bad_file() {
    let out = tavle().args(["registry", "check"]).output().expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ok: registry version "));

    let bad = domain::registry::EMBEDDED
        .replacen(
            "category = \"user.demographic.date_of_birth\"",
            "category = \"user.shoe_size\"",
            1,
        )
        .replacen("consent_record = \"newsletter\"\n", "", 1);
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("registry.toml");
    std::fs::write(&file, bad).expect("write");
    let out = tavle()
        .args(["registry", "check", "--file"])
        .arg(&file)
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("field people.birth_date: unknown category `user.shoe_size`"),
        "{err}"
    );
    assert!(
        err.contains("purpose newsletter: a consent purpose needs a consent record type"),
        "{err}"
    );
}

#[test]
fn registry_export_prints_every_field_with_its_purposes_bases_and_retention() {
    let out = tavle()
        .args(["registry", "export", "--format", "json"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let fields = v["fields"].as_array().expect("fields");
    assert_eq!(fields.len(), registry().fields.len());
    let email = fields
        .iter()
        .find(|f| f["key"] == "people.email")
        .expect("people.email");
    assert_eq!(email["category"], "user.contact.email");
    assert_eq!(email["retention"], "account_left_3y");
    let purpose = v["purposes"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["key"] == "training_records"))
        .expect("purpose");
    assert_eq!(purpose["public_body"]["basis"], "c");
    assert_eq!(v["version"], registry().version);
}
