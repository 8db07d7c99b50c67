//! Cookies and third-party resources (issue 6) through HTTP on both databases: a crawl of the
//! main pages, signed out and signed in, finds only strictly necessary cookies
//! (`domain::cookies::ALL`); the banner (a labelled region with a form, no JavaScript) shows
//! until it is answered and is then remembered (signed out in a cookie holding only the answer
//! and text version, signed in as the `analytics_cookies` consent); the cookie page lists every
//! cookie; every `src` and `href` is same-origin and the Content-Security-Policy allows nothing
//! else. Promises: KBT-11 (cookies beyond the strictly necessary need consent; ekomloven
//! § 3-15), DFO-4 (no third-party tracking or analytics), NDLA-5 (analytics cookies declared),
//! DFO-18 (login cookies last for the browser session).

use reqwest::StatusCode;
use serde_json::Value;

use crate::both_backends;
use crate::harness::{Browser, TestApp};

both_backends!(
    only_strictly_necessary_cookies_are_set_without_consent_signed_out_and_signed_in,
    the_banner_shows_until_answered_and_a_visitors_answer_is_remembered_in_a_necessary_cookie,
    the_banner_shows_until_answered_and_a_signed_in_answer_is_a_consent,
    the_cookie_page_lists_every_cookie_with_purpose_and_duration,
    pages_load_nothing_from_other_origins_and_the_csp_allows_only_self,
);

const SIGNED_OUT: &[&str] = &[
    "/",
    "/login",
    "/newsletter",
    "/privacy/cookies",
    "/privacy/sub-processors",
    "/privacy/competence-recipients",
    "/password/forgot",
];

const SIGNED_IN: &[&str] = &[
    "/",
    "/learn",
    "/catalogue",
    "/profile",
    "/privacy",
    "/privacy/consents",
    "/privacy/cookies",
    "/privacy/access-log",
    "/favourites",
    "/competence",
    "/newsletter",
    "/history",
    "/certificates",
];

fn cookie_names(r: &reqwest::Response) -> Vec<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split_once('=').map(|(n, _)| n.trim().to_owned()))
        .collect()
}

fn assert_necessary(names: &[String], path: &str) {
    for n in names {
        assert!(
            domain::cookies::strictly_necessary(n),
            "{path} set the cookie {n}, which is not strictly necessary"
        );
    }
}

async fn crawl(b: &Browser, paths: &[&str]) -> Vec<(String, String)> {
    let mut pages = Vec::new();
    for path in paths {
        let r = b.get(path).await;
        assert!(
            r.status().is_success() || r.status().is_redirection(),
            "{path}: {}",
            r.status()
        );
        assert_necessary(&cookie_names(&r), path);
        pages.push(((*path).to_owned(), r.text().await.expect("body")));
    }
    pages
}

async fn only_strictly_necessary_cookies_are_set_without_consent_signed_out_and_signed_in(
    app: TestApp,
) {
    let b = app.browser();
    crawl(&b, SIGNED_OUT).await;
    // Signing in sets the session and a fresh CSRF token only, without an expiry (DFO-18).
    let r = b
        .login("elev@demo.tavle.no", crate::harness::PASSWORD, "/")
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_necessary(&cookie_names(&r), "POST /login");
    for v in r.headers().get_all("set-cookie") {
        let v = v.to_str().expect("ascii").to_ascii_lowercase();
        assert!(!v.contains("max-age") && !v.contains("expires"), "{v}");
        assert!(v.contains("httponly"), "{v}");
    }
    crawl(&b, SIGNED_IN).await;
    let admin = app.browser_login("admin@demo.tavle.no").await;
    crawl(
        &admin,
        &[
            "/org/demo/admin",
            "/org/demo/admin/people",
            "/org/demo/team",
        ],
    )
    .await;
    // Answering the banner signed out sets only the choice cookie.
    let v = app.browser();
    let r = v
        .post_form("/privacy/cookies", &[("choice", "reject"), ("next", "/")])
        .await;
    assert_necessary(&cookie_names(&r), "POST /privacy/cookies");
    let r = b.post_form("/logout", &[]).await;
    assert_necessary(&cookie_names(&r), "POST /logout");
}

fn has_banner(html: &str) -> bool {
    html.contains(r#"id="cookie-banner""#)
}

async fn the_banner_shows_until_answered_and_a_visitors_answer_is_remembered_in_a_necessary_cookie(
    app: TestApp,
) {
    let b = app.browser();
    // Signed out, `/` redirects to the login page.
    let html = b.get("/login").await.text().await.expect("html");
    assert!(has_banner(&html));
    // Accessible without JavaScript: a labelled region with a form of two buttons.
    assert!(html.contains(
        r#"<section class="cookie-banner" id="cookie-banner" aria-labelledby="cookie-banner-h">"#
    ));
    assert!(html.contains(r#"<form method="post" action="/privacy/cookies">"#));
    assert!(html.contains(r#"name="choice" value="accept""#));
    assert!(html.contains(r#"name="choice" value="reject""#));
    assert!(!html.contains("<script"));
    assert!(has_banner(
        &b.get("/login").await.text().await.expect("html")
    ));

    // Without the CSRF token the answer is refused and nothing is remembered.
    let r = b
        .post_form_raw("/privacy/cookies", &[("choice", "reject"), ("next", "/")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(b.cookie("tavle_cookie_choice").is_none());

    let r = b
        .post_form(
            "/privacy/cookies",
            &[("choice", "reject"), ("next", "/login")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login?done=cookies_saved");
    let set = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().expect("ascii").to_owned())
        .find(|v| v.starts_with("tavle_cookie_choice="))
        .expect("choice cookie");
    // Only the answer and the text version; remembered for 180 days.
    assert!(set.starts_with("tavle_cookie_choice=1.no;"), "{set}");
    assert!(set.contains("Max-Age=15552000"), "{set}");
    assert!(set.contains("HttpOnly"), "{set}");
    for path in ["/", "/login", "/newsletter"] {
        assert!(
            !has_banner(&b.get(path).await.text().await.expect("html")),
            "{path}"
        );
    }
    let page = b.get("/privacy/cookies").await.text().await.expect("html");
    assert!(
        page.contains("takket nei") || page.contains("declined"),
        "{page}"
    );
    // Changed from the cookie page.
    let r = b
        .post_form(
            "/privacy/cookies",
            &[("choice", "accept"), ("next", "/privacy/cookies")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(b.cookie("tavle_cookie_choice").as_deref(), Some("1.yes"));
    // An off-site `next` goes home instead; an unknown choice is refused.
    let r = b
        .post_form(
            "/privacy/cookies",
            &[("choice", "accept"), ("next", "https://evil.example")],
        )
        .await;
    assert_eq!(r.headers()["location"], "/?done=cookies_saved");
    let r = b
        .post_form("/privacy/cookies", &[("choice", "maybe"), ("next", "/")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(b.cookie("tavle_cookie_choice").as_deref(), Some("1.yes"));
    // Another browser has not answered.
    assert!(has_banner(
        &app.browser()
            .get("/login")
            .await
            .text()
            .await
            .expect("html")
    ));
}

async fn consent_of(b: &Browser) -> Option<Value> {
    let list: Value = b
        .get("/api/v1/me/consents")
        .await
        .json()
        .await
        .expect("json");
    list.as_array()
        .expect("list")
        .iter()
        .find(|c| c["purpose"] == "analytics_cookies")
        .cloned()
}

async fn the_banner_shows_until_answered_and_a_signed_in_answer_is_a_consent(app: TestApp) {
    let b = app.browser_login("elev@demo.tavle.no").await;
    assert!(has_banner(
        &b.get("/learn").await.text().await.expect("html")
    ));
    let c = consent_of(&b).await.expect("offered on the consent page");
    assert_eq!(c["given"], false);
    let r = b
        .post_form(
            "/privacy/cookies",
            &[("choice", "accept"), ("next", "/learn")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // No cookie for a signed-in answer: it is in the consent log.
    assert!(!cookie_names(&r).iter().any(|n| n == "tavle_cookie_choice"));
    assert_eq!(consent_of(&b).await.expect("consent")["given"], true);
    assert!(!has_banner(
        &b.get("/learn").await.text().await.expect("html")
    ));
    // Remembered for the person, in another browser too.
    let elsewhere = app.browser_login("elev@demo.tavle.no").await;
    assert!(!has_banner(
        &elsewhere.get("/").await.text().await.expect("html")
    ));
    // Changed from the cookie page: withdrawn, still answered.
    b.post_form(
        "/privacy/cookies",
        &[("choice", "reject"), ("next", "/privacy/cookies")],
    )
    .await;
    assert_eq!(consent_of(&b).await.expect("consent")["given"], false);
    assert!(!has_banner(&b.get("/").await.text().await.expect("html")));
    let history: Value = b
        .get("/api/v1/me/consents/history")
        .await
        .json()
        .await
        .expect("json");
    let changes: Vec<&Value> = history
        .as_array()
        .expect("list")
        .iter()
        .filter(|h| h["purpose"] == "analytics_cookies")
        .collect();
    assert_eq!(changes.len(), 2, "{history}");

    // Declining first is remembered too (recorded as a refusal to the text in force).
    let other = app.browser_login("ansatt@demo.tavle.no").await;
    assert!(has_banner(
        &other.get("/").await.text().await.expect("html")
    ));
    other
        .post_form("/privacy/cookies", &[("choice", "reject"), ("next", "/")])
        .await;
    assert!(!has_banner(
        &other.get("/").await.text().await.expect("html")
    ));
    assert_eq!(consent_of(&other).await.expect("consent")["given"], false);
    // A visitor's cookie does not answer for a person who signs in on that browser.
    let v = app.browser();
    v.post_form("/privacy/cookies", &[("choice", "accept"), ("next", "/")])
        .await;
    let r = v
        .login("laerer@demo.tavle.no", crate::harness::PASSWORD, "/")
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(has_banner(&v.get("/").await.text().await.expect("html")));
}

async fn the_cookie_page_lists_every_cookie_with_purpose_and_duration(app: TestApp) {
    for b in [app.browser(), app.browser_login("elev@demo.tavle.no").await] {
        let r = b.get("/privacy/cookies").await;
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.expect("html");
        // The page asks itself; no banner on top of it.
        assert!(!has_banner(&html));
        for c in domain::cookies::ALL {
            assert!(
                html.contains(&format!("<code>{}</code>", c.name)),
                "{}",
                c.name
            );
        }
        for key in ["Holder deg innlogget.", "180 dager", "Strengt nødvendig"] {
            assert!(html.contains(key), "{key}");
        }
        assert!(html.contains(r#"name="choice" value="accept""#));
    }
}

/// Every address the page loads or submits to: `src`/`srcset` of any element, `href` of
/// `<link>` (stylesheets, icons, preloads) and `action` of forms.
fn loaded(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tag in html.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or("");
        let is_link = tag.starts_with("link ");
        for attr in ["src=\"", "srcset=\"", "action=\"", "href=\""] {
            if attr == "href=\"" && !is_link {
                continue;
            }
            if let Some(i) = tag.find(attr) {
                let after = &tag[i + attr.len()..];
                out.push(after[..after.find('"').unwrap_or(after.len())].to_owned());
            }
        }
    }
    out
}

/// Every `<a href>` leaving the site: navigation the person chooses, which loads nothing into
/// Tavle's pages. Only the supervisory authority (the notice must name where to complain) is
/// linked.
fn outbound(html: &str) -> Vec<String> {
    html.match_indices("<a ")
        .filter_map(|(i, _)| {
            let tag = &html[i..i + html[i..].find('>').unwrap_or(0)];
            let after = &tag[tag.find("href=\"")? + 6..];
            let url = &after[..after.find('"')?];
            (url.starts_with("http") || url.starts_with("//")).then(|| url.to_owned())
        })
        .collect()
}

fn same_origin(url: &str, base: &str) -> bool {
    (url.starts_with('/') && !url.starts_with("//"))
        || url.starts_with('#')
        || url.starts_with('?')
        || url.starts_with(base)
        || url.is_empty()
}

async fn pages_load_nothing_from_other_origins_and_the_csp_allows_only_self(app: TestApp) {
    let out = app.browser();
    let inside = app.browser_login("admin@demo.tavle.no").await;
    let mut pages = crawl(&out, SIGNED_OUT).await;
    pages.extend(crawl(&inside, SIGNED_IN).await);
    pages.extend(crawl(&inside, &["/org/demo/admin", "/org/demo/admin/people"]).await);
    for (path, html) in &pages {
        for url in loaded(html) {
            assert!(same_origin(&url, &app.url("")), "{path} loads {url}");
        }
        for url in outbound(html) {
            assert!(
                url.starts_with("https://www.datatilsynet.no"),
                "{path} links to {url}"
            );
        }
        assert!(!html.contains("<script"), "{path}");
        assert!(!html.contains("<iframe"), "{path}");
        assert!(!html.contains("@import"), "{path}");
    }
    let css = out
        .get("/static/style.css")
        .await
        .text()
        .await
        .expect("css");
    assert!(
        !css.contains("@import") && !css.contains("url(http"),
        "the stylesheet loads nothing else"
    );
    for path in ["/", "/login", "/privacy/cookies", "/newsletter"] {
        let r = out.get(path).await;
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(
            csp.contains("default-src 'none'") || csp.contains("default-src 'self'"),
            "{csp}"
        );
        for directive in csp.split(';') {
            let mut parts = directive.split_whitespace();
            let Some(name) = parts.next() else { continue };
            for source in parts {
                assert!(
                    matches!(source, "'self'" | "'none'" | "data:"),
                    "{name} allows {source}"
                );
            }
        }
    }
}
