//! The generated privacy documents for the demo organisation: the notice (nb and en), the
//! record of processing (page, JSON, CSV, API and `tavle ropa`), the registry page, and the
//! operator's sub-processor register (PRIVACY-DOMAIN R28, R29).

use std::process::Command;

use domain::registry::registry;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both_backends;
use crate::harness::{TestApp, field_errors};

both_backends!(
    privacy_documents_the_notice_renders_in_both_languages_with_every_purpose,
    privacy_documents_the_record_of_processing_is_complete_for_the_dpo_and_hidden_from_others,
    privacy_documents_the_operator_keeps_a_dated_sub_processor_register_everyone_sees,
    privacy_documents_tavle_ropa_prints_the_csv_and_names_a_gap,
);

fn purposes_in_use() -> Vec<&'static domain::registry::Purpose> {
    registry().purposes_in_use().collect()
}

/// HTML-escaped as askama writes text.
fn escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

async fn privacy_documents_the_notice_renders_in_both_languages_with_every_purpose(app: TestApp) {
    let employee = app.api_login("ansatt@demo.tavle.no").await;
    for lang in ["nb", "en"] {
        let (status, n) = employee
            .get(&format!(
                "/api/v1/organisations/demo/privacy-notice?lang={lang}"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{n}");
        assert_eq!(n["language"], lang);
        assert_eq!(n["controller"]["name"], "Demo kommune");
        assert_eq!(n["controller"]["email"], "post@demo.tavle.no");
        assert_eq!(n["dpo"]["name"], "Per Vern");
        assert_eq!(n["dpo"]["email"], "personvern@demo.tavle.no");
        assert_eq!(n["authority"]["name"], "Datatilsynet");
        assert_eq!(n["authority"]["url"], "https://www.datatilsynet.no");
        assert_eq!(n["registry_version"], registry().version);
        let shown = n["purposes"].as_array().expect("purposes");
        assert_eq!(shown.len(), purposes_in_use().len());
        let language = domain::org::Language::parse(lang).expect("lang");
        for p in purposes_in_use() {
            let s = shown
                .iter()
                .find(|x| x["key"] == p.key.as_str())
                .unwrap_or_else(|| panic!("purpose {} missing", p.key));
            assert_eq!(s["name"], p.name.get(language));
            // A public body: its own basis, never legitimate interests.
            assert_eq!(
                s["basis"]["article"],
                p.public_body.basis.article(),
                "{}",
                p.key
            );
            assert_ne!(s["basis"]["article"], "GDPR art. 6 (1) f");
        }
        let rights = n["rights"].as_array().expect("rights");
        assert_eq!(rights.len(), 8);
        assert!(
            rights
                .iter()
                .all(|r| !r["how"].as_str().unwrap_or("").is_empty()
                    && !r["how"].as_str().unwrap_or("").starts_with("notice."))
        );
    }

    // The pages: the organisation's notice, and the person's privacy page, in the person's
    // language (bokmål), and in English for a browser asking for it.
    let b = app.browser_login("ansatt@demo.tavle.no").await;
    for path in ["/org/demo/privacy-notice", "/privacy"] {
        let r = b.get(path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let page = r.text().await.expect("body");
        assert!(
            page.contains("Personvernerklæring for Demo kommune"),
            "{path}"
        );
        assert!(page.contains("personvern@demo.tavle.no"));
        assert!(page.contains("Per Vern"));
        assert!(page.contains("Datatilsynet"));
        assert!(page.contains("https://www.datatilsynet.no"));
        assert!(page.contains("/privacy/sub-processors"));
        assert!(page.contains("<caption>"));
        assert!(page.contains("scope=\"row\""));
        for p in purposes_in_use() {
            assert!(page.contains(&escaped(&p.name.nb)), "{path}: {}", p.key);
        }
        // A plain employee is not offered the DPO's documents.
        assert!(!page.contains("/org/demo/dpo/ropa"));
    }
    // The English notice through the API, rendered as a person reading English would see it.
    let (_, en) = employee
        .get("/api/v1/organisations/demo/privacy-notice?lang=en")
        .await;
    assert_eq!(en["purposes"][0]["name"], "User account and login");

    // The API describes the documents.
    let doc: Value = app
        .browser()
        .get("/api/openapi.json")
        .await
        .json()
        .await
        .expect("json");
    for path in [
        "/api/v1/organisations/{slug}/privacy-notice",
        "/api/v1/organisations/{slug}/ropa",
        "/api/v1/sub-processors",
        "/api/v1/sub-processors/{id}/end",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    for schema in ["Notice", "Ropa", "SubProcessorDto", "SubProcessorInput"] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }

    // Someone in no organisation (the demo operator) reads the platform's notice, with the
    // operator as controller.
    let page = app
        .browser_login("operator@demo.tavle.no")
        .await
        .get("/privacy")
        .await
        .text()
        .await
        .expect("body");
    assert!(page.contains("Personvernerklæring for Tavle"), "{page}");
    assert!(page.contains("driftsleverandøren av Tavle er ansvarlig"));

    // Someone outside the organisation gets 404.
    let outsider = app.api_login("kursholder@kompetansesenter.tavle.no").await;
    let (status, _) = outsider
        .get("/api/v1/organisations/demo/privacy-notice")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn privacy_documents_the_record_of_processing_is_complete_for_the_dpo_and_hidden_from_others(
    app: TestApp,
) {
    for who in ["personvern@demo.tavle.no", "admin@demo.tavle.no"] {
        let api = app.api_login(who).await;
        let (status, ropa) = api.get("/api/v1/organisations/demo/ropa?lang=en").await;
        assert_eq!(status, StatusCode::OK, "{who}: {ropa}");
        assert_eq!(ropa["controller"]["name"], "Demo kommune");
        assert_eq!(ropa["controller"]["email"], "post@demo.tavle.no");
        assert_eq!(ropa["dpo"]["email"], "personvern@demo.tavle.no");
        let activities = ropa["activities"].as_array().expect("activities");
        assert_eq!(activities.len(), purposes_in_use().len());
        for p in purposes_in_use() {
            let a = activities
                .iter()
                .find(|a| a["purpose_key"] == p.key.as_str())
                .unwrap_or_else(|| panic!("activity {} missing", p.key));
            for key in ["purpose", "description"] {
                assert!(
                    !a[key].as_str().unwrap_or("").is_empty(),
                    "{}: {key}",
                    p.key
                );
            }
            for key in ["data_subjects", "categories", "retention"] {
                assert!(
                    !a[key].as_array().is_none_or(Vec::is_empty),
                    "{}: {key}",
                    p.key
                );
            }
            assert!(a["legal_basis"]["article"].is_string());
        }
        assert_eq!(ropa["security_measures"].as_array().map(Vec::len), Some(6));

        // CSV, by Accept and by ?format=csv: a header of Art. 30 fields, one row per purpose,
        // no empty cell.
        let r = api
            .browser
            .client
            .get(app.url("/api/v1/organisations/demo/ropa?lang=en"))
            .header("Accept", "text/csv")
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::OK);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap_or("")
                .starts_with("text/csv")
        );
        check_csv(&r.text().await.expect("body"));
    }

    // The DPO's pages: the record with its downloads, the registry.
    let b = app.browser_login("personvern@demo.tavle.no").await;
    let page = b
        .get("/org/demo/dpo/ropa")
        .await
        .text()
        .await
        .expect("body");
    assert!(page.contains("Protokoll over behandlingsaktiviteter"));
    assert!(page.contains("/org/demo/dpo/ropa?format=csv"));
    assert!(page.contains("/org/demo/dpo/ropa?format=json"));
    for p in purposes_in_use() {
        assert!(page.contains(&escaped(&p.name.nb)), "{}", p.key);
    }
    let csv = b.get("/org/demo/dpo/ropa?format=csv").await;
    assert_eq!(csv.status(), StatusCode::OK);
    check_csv(&csv.text().await.expect("body"));
    let json: Value = b
        .get("/org/demo/dpo/ropa?format=json")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        json["activities"].as_array().map(Vec::len),
        Some(purposes_in_use().len())
    );
    let reg = b.get("/org/demo/dpo/registry").await;
    assert_eq!(reg.status(), StatusCode::OK);
    let reg = reg.text().await.expect("body");
    assert!(reg.contains("<code>people.email</code>"));
    assert!(reg.contains("scope=\"col\""));
    assert_eq!(
        reg.matches("<tr>").count(),
        registry().fields.len() + 1,
        "a row per field under the header"
    );
    // The privacy page offers the DPO both.
    let mine = b.get("/privacy").await.text().await.expect("body");
    assert!(mine.contains("/org/demo/dpo/ropa"));
    assert!(mine.contains("/org/demo/dpo/registry"));

    // Plain employees, report viewers, the operator and outsiders: 404.
    for who in [
        "ansatt@demo.tavle.no",
        "rapport@demo.tavle.no",
        "operator@demo.tavle.no",
    ] {
        let api = app.api_login(who).await;
        let (status, _) = api.get("/api/v1/organisations/demo/ropa").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{who}");
        let b = app.browser_login(who).await;
        for path in ["/org/demo/dpo/ropa", "/org/demo/dpo/registry"] {
            assert_eq!(
                b.get(path).await.status(),
                StatusCode::NOT_FOUND,
                "{who} {path}"
            );
        }
    }

    // Without a DPO e-mail the record is refused, naming the gap.
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (status, _) = admin
        .put(
            "/api/v1/organisations/demo",
            json!({"name": "Demo kommune", "kind": "public_body", "languages": "nb,nn,en",
                   "contact_email": "post@demo.tavle.no", "dpo_name": "Per Vern"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, problem) = admin.get("/api/v1/organisations/demo/ropa").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), vec!["DPO:record_incomplete"]);
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("DPO: no e-mail"),
        "{problem}"
    );
    let page = b_text(&app, "personvern@demo.tavle.no", "/org/demo/dpo/ropa").await;
    assert!(page.contains("DPO: no e-mail"));
}

async fn b_text(app: &TestApp, who: &str, path: &str) -> String {
    app.browser_login(who)
        .await
        .get(path)
        .await
        .text()
        .await
        .expect("body")
}

fn check_csv(text: &str) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, domain::registry::ropa::CSV_HEADER);
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("rows");
    assert_eq!(rows.len(), purposes_in_use().len());
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            assert!(!cell.trim().is_empty(), "empty {} in {row:?}", header[i]);
        }
    }
}

async fn privacy_documents_the_operator_keeps_a_dated_sub_processor_register_everyone_sees(
    app: TestApp,
) {
    let operator = app.browser_login("operator@demo.tavle.no").await;
    let form = operator.get("/operator/sub-processors").await;
    assert_eq!(form.status(), StatusCode::OK);
    assert!(
        form.text()
            .await
            .expect("body")
            .contains("new-sub-processor")
    );

    // A transfer without safeguards is refused, naming the field.
    let r = operator
        .post_form(
            "/operator/sub-processors",
            &[
                ("name", "Sky Inc."),
                ("service", "E-postutsending"),
                ("country", "US"),
                ("added_on", "2026-02-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .expect("body")
            .contains("EUs standardavtaler")
    );

    let r = operator
        .post_form(
            "/operator/sub-processors",
            &[
                ("name", "Nordisk Drift AS"),
                ("service", "Drift og lagring"),
                ("country", "no"),
                ("added_on", "01.03.2026"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // Through the API too, with a transfer and its safeguards; and ended again.
    let api = app.api_login("operator@demo.tavle.no").await;
    let (status, added) = api
        .post(
            "/api/v1/sub-processors",
            json!({"name": "Sky Inc.", "service": "E-mail delivery", "country": "US",
                   "safeguards": "EU standard contractual clauses (2021/914)", "added_on": "2026-02-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["outside_eea"], true);
    let id = added["id"].as_str().expect("id").to_owned();

    // Everyone sees the register, with dates, signed in or not.
    let anyone = app.browser();
    let page = anyone
        .get("/privacy/sub-processors")
        .await
        .text()
        .await
        .expect("body");
    assert!(page.contains("Demo Drift AS"), "the demo's own");
    assert!(page.contains("Nordisk Drift AS"));
    assert!(page.contains("2026-03-01"));
    assert!(page.contains("Sky Inc."));
    assert!(page.contains("2026-02-01"));
    assert!(!page.contains("new-sub-processor"), "no form for others");

    // The notice names the transfer with its safeguards.
    let employee = app.api_login("ansatt@demo.tavle.no").await;
    let (_, n) = employee
        .get("/api/v1/organisations/demo/privacy-notice?lang=en")
        .await;
    assert_eq!(n["transfers"][0]["to"], "Sky Inc.");
    assert_eq!(
        n["transfers"][0]["safeguards"],
        "EU standard contractual clauses (2021/914)"
    );

    // Only operators change the register.
    let (status, _) = employee
        .post(
            "/api/v1/sub-processors",
            json!({"name": "X", "service": "Y", "country": "NO", "added_on": "2026-01-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = employee
        .post(&format!("/api/v1/sub-processors/{id}/end"), json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, _) = api
        .post(
            &format!("/api/v1/sub-processors/{id}/end"),
            json!({"ended_on": "2026-06-30"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, list) = api.get("/api/v1/sub-processors").await;
    let ended = list
        .as_array()
        .and_then(|l| l.iter().find(|s| s["id"] == id.as_str()))
        .expect("still listed");
    assert_eq!(ended["ended_on"], "2026-06-30");
    let (_, n) = employee
        .get("/api/v1/organisations/demo/privacy-notice")
        .await;
    assert_eq!(
        n["transfers"],
        json!([]),
        "an ended sub-processor transfers nothing"
    );
    let page = anyone
        .get("/privacy/sub-processors")
        .await
        .text()
        .await
        .expect("body");
    assert!(page.contains("Tidligere underleverandører"));
    assert!(page.contains("2026-06-30"));

    // One announced ahead is listed as such, and the notice does not count it yet.
    let next_year = time::OffsetDateTime::now_utc().date().year() + 1;
    let (status, _) = api
        .post(
            "/api/v1/sub-processors",
            json!({"name": "Fremtid AS", "service": "Support", "country": "SE",
                   "added_on": format!("{next_year}-01-01")}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let page = anyone
        .get("/privacy/sub-processors")
        .await
        .text()
        .await
        .expect("body");
    let announced = page.find("Varslet").expect("the announced section");
    let now = page
        .find("Underleverandører nå")
        .expect("the current section");
    let fremtid = page.find("Fremtid AS").expect("listed");
    assert!(announced < fremtid && fremtid < now, "listed as announced");

    // The operator's page ends one too (today, when no date is given).
    let nordisk = list
        .as_array()
        .and_then(|l| l.iter().find(|s| s["name"] == "Nordisk Drift AS"))
        .and_then(|s| s["id"].as_str())
        .expect("Nordisk Drift AS")
        .to_owned();
    let form = operator
        .get("/operator/sub-processors")
        .await
        .text()
        .await
        .expect("body");
    assert!(form.contains(&format!("/operator/sub-processors/{nordisk}/end")));
    let r = operator
        .post_form(&format!("/operator/sub-processors/{nordisk}/end"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, list) = api.get("/api/v1/sub-processors").await;
    let today = time::OffsetDateTime::now_utc().date().to_string();
    assert!(
        list.as_array().is_some_and(|l| l
            .iter()
            .any(|s| s["id"] == nordisk.as_str() && s["ended_on"] == today.as_str())),
        "{list}"
    );
    // Ending it again is not found.
    let r = operator
        .post_form(&format!("/operator/sub-processors/{nordisk}/end"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

async fn privacy_documents_tavle_ropa_prints_the_csv_and_names_a_gap(app: TestApp) {
    let out = Command::new(env!("CARGO_BIN_EXE_tavle"))
        .args(["ropa", "--org", "demo", "--format", "csv", "--lang", "en"])
        .args(app.cli_database())
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    check_csv(&text);
    assert!(text.contains("Demo kommune"));

    let out = Command::new(env!("CARGO_BIN_EXE_tavle"))
        .args(["ropa", "--org", "demo", "--format", "json"])
        .args(app.cli_database())
        .output()
        .expect("run");
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        v["activities"].as_array().map(Vec::len),
        Some(purposes_in_use().len())
    );

    // Without the DPO's e-mail: a non-zero exit naming the gap.
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (status, _) = admin
        .put(
            "/api/v1/organisations/demo",
            json!({"name": "Demo kommune", "kind": "public_body", "languages": "nb,nn,en",
                   "contact_email": "post@demo.tavle.no", "dpo_name": "Per Vern"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let out = Command::new(env!("CARGO_BIN_EXE_tavle"))
        .args(["ropa", "--org", "demo", "--format", "csv"])
        .args(app.cli_database())
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("DPO: no e-mail"), "{err}");
}
