//! Errors, limits, headers, health and the OpenAPI document.

use reqwest::StatusCode;
use serde_json::Value;

use crate::both_backends;
use crate::harness::TestApp;

both_backends!(
    api_errors_are_problem_json_with_stable_codes,
    oversized_bodies_are_refused_with_413,
    every_response_carries_the_security_headers,
    health_and_readiness_answer,
    openapi_document_describes_the_api,
);

async fn api_errors_are_problem_json_with_stable_codes(app: TestApp) {
    let b = app.browser();
    let r = b.get("/api/v1/me").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let problem: Value = r.json().await.expect("json");
    assert_eq!(problem["code"], "unauthenticated");
    assert_eq!(problem["type"], "/api/problems/unauthenticated");
    let api = app.api_login("admin@demo.tavle.no").await;
    let r = api
        .browser
        .client
        .post(app.url("/api/v1/organisations/demo/units"))
        .header("x-csrf-token", &api.csrf)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let problem: Value = r.json().await.expect("json");
    assert_eq!(problem["code"], "malformed_body");
    assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty()));
    let (status, problem) = api.get("/api/v1/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(problem["code"], "not_found");
    let (status, problem) = api.call(reqwest::Method::DELETE, "/api/v1/me", None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(problem["code"], "method_not_allowed");
    // HTML paths get a page in the person's language.
    let r = b.get("/no/such/page").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .expect("ct")
            .starts_with("text/html")
    );
    assert!(
        r.text()
            .await
            .expect("body")
            .contains("Vi fant ikke det du ba om.")
    );
}

async fn oversized_bodies_are_refused_with_413(app: TestApp) {
    let api = app.api_login("admin@demo.tavle.no").await;
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let r = api
        .browser
        .client
        .post(app.url("/api/v1/organisations/demo/units"))
        .header("x-csrf-token", &api.csrf)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let problem: Value = r.json().await.expect("json");
    assert_eq!(problem["code"], "payload_too_large");
    let b = app.browser_login("admin@demo.tavle.no").await;
    let token = b.csrf().await;
    let r = b
        .client
        .post(app.url("/org/demo/admin/units"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("name", &"y".repeat(2 * 1024 * 1024)),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let (_, units) = api.get("/api/v1/organisations/demo/units").await;
    assert!(!units.to_string().contains("xxxx") && !units.to_string().contains("yyyy"));
}

async fn every_response_carries_the_security_headers(app: TestApp) {
    let b = app.browser();
    for path in [
        "/login",
        "/",
        "/api/openapi.json",
        "/healthz",
        "/static/style.css",
        "/nope",
        "/api/v1/me",
    ] {
        let r = b.get(path).await;
        let h = r.headers();
        let csp = h
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            csp.contains("frame-ancestors 'none'")
                && csp.contains("script-src 'self'")
                && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        assert!(h.contains_key("x-request-id"), "{path}");
    }
    let page = b.get("/login").await.text().await.expect("body");
    assert!(
        !page.contains("<script") && !page.contains("style=\""),
        "no inline script or style"
    );
}

async fn health_and_readiness_answer(app: TestApp) {
    let b = app.browser();
    assert_eq!(b.get("/healthz").await.status(), StatusCode::OK);
    assert_eq!(b.get("/readyz").await.status(), StatusCode::OK);
    app.store.close().await;
    assert_eq!(
        b.get("/readyz").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
}

async fn openapi_document_describes_the_api(app: TestApp) {
    let doc: Value = app
        .browser()
        .get("/api/openapi.json")
        .await
        .json()
        .await
        .expect("json");
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().expect("paths");
    for path in [
        "/api/v1/session",
        "/api/v1/me",
        "/api/v1/organisations",
        "/api/v1/organisations/{slug}/people",
        "/api/v1/organisations/{slug}/memberships/{id}",
    ] {
        assert!(paths.contains_key(path), "missing {path}");
    }
    assert!(doc["paths"]["/api/v1/me"]["patch"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    assert!(doc["components"]["schemas"]["PersonDto"].is_object());
}
