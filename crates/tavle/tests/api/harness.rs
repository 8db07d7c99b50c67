//! Starts Tavle for one test and offers HTTP helpers.

use std::sync::Arc;

use reqwest::cookie::{CookieStore, Jar};
use reqwest::{Client, Method, Response, StatusCode};
use secrecy::SecretString;
use serde_json::{Value, json};
use sqlx::Connection;
use store::Store;
use tavle::Config;

pub const PASSWORD: &str = tavle::demo::DEMO_PASSWORD;

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates `mod <test> { sqlite(), postgres() }` running the same async test on both backends.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    if let Some(app) = $crate::harness::TestApp::spawn($crate::harness::Backend::Sqlite).await {
                        super::$name(app).await;
                    }
                }
                #[tokio::test]
                async fn postgres() {
                    if let Some(app) = $crate::harness::TestApp::spawn($crate::harness::Backend::Postgres).await {
                        super::$name(app).await;
                    }
                }
            }
        )*
    };
}

pub fn postgres_admin_url() -> String {
    std::env::var("TAVLE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn postgres_required() -> bool {
    std::env::var("TAVLE_TEST_POSTGRES_REQUIRED").is_ok_and(|v| v == "1" || v == "true")
}

/// A PostgreSQL database made for one test and dropped when the test ends.
pub struct PgDatabase {
    pub url: String,
    name: String,
}

impl PgDatabase {
    /// Creates a fresh database, or `None` (after printing why) when no server answers and
    /// PostgreSQL is not required.
    pub async fn create() -> Option<Self> {
        let admin = postgres_admin_url();
        let connected = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            sqlx::PgConnection::connect(&admin),
        )
        .await;
        let mut conn = match connected {
            Ok(Ok(conn)) => conn,
            Ok(Err(e)) => return skip_or_fail(&admin, &e.to_string()),
            Err(_) => return skip_or_fail(&admin, "timed out"),
        };
        let name = format!("tavle_test_{}", uuid::Uuid::now_v7().simple());
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut conn)
            .await
            .expect("create test database");
        let _ = conn.close().await;
        let url = match admin.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{name}"),
            None => panic!("TAVLE_TEST_POSTGRES_URL must end in /<database>"),
        };
        Some(Self { url, name })
    }
}

fn skip_or_fail<T>(url: &str, reason: &str) -> Option<T> {
    let url = tavle::config::mask_password(url);
    if postgres_required() {
        panic!(
            "PostgreSQL is required (TAVLE_TEST_POSTGRES_REQUIRED=1) but {url} did not answer: {reason}"
        );
    }
    eprintln!(
        "skipping the PostgreSQL half of this test: {url} did not answer ({reason}); set TAVLE_TEST_POSTGRES_URL to run it"
    );
    None
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        let admin = postgres_admin_url();
        // Drop runs inside the test's runtime; use a runtime of our own on another thread.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                let mut conn = sqlx::PgConnection::connect(&admin).await?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                )))
                .execute(&mut conn)
                .await?;
                conn.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test database {}", self.name);
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub store: Store,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    // Dropped after the server: the database outlives the app that uses it.
    _pg: Option<PgDatabase>,
    dir: tempfile::TempDir,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl TestApp {
    /// Starts Tavle on `127.0.0.1:0` against a fresh database, with the demo organisation.
    pub async fn spawn(backend: Backend) -> Option<Self> {
        let dir = tempfile::tempdir().expect("temp dir");
        let pg = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(PgDatabase::create().await?),
        };
        let config = Config {
            addr: "127.0.0.1:0".parse().expect("addr"),
            data_dir: dir.path().to_path_buf(),
            database_url: pg.as_ref().map(|p| SecretString::from(p.url.clone())),
            ..Config::default()
        };
        let store = tavle::open_store(&config).await.expect("open store");
        tavle::demo::ensure(&store).await.expect("demo data");
        tavle::demo::ensure_files(&store::learning::files::FileStore::local(
            dir.path().join("files"),
        ))
        .await
        .expect("demo files");
        let server = tavle::start(&config, store.clone())
            .await
            .expect("start server");
        Some(Self {
            base: format!("http://{}", server.addr),
            store,
            server: server.task,
            _pg: pg,
            dir,
        })
    }

    /// The flags that point `tavle` at this app's database (for running the CLI against it).
    pub fn database_args(&self) -> Vec<String> {
        let dir = self.dir.path().to_str().expect("utf-8").to_owned();
        let mut args = vec!["--data-dir".to_owned(), dir];
        if let Some(pg) = &self._pg {
            args.extend(["--database-url".to_owned(), pg.url.clone()]);
        }
        args
    }

    /// The data directory (e-mail written as `.eml` lands in `outbox/` here).
    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// The `tavle` command-line arguments that reach this app's database.
    pub fn cli_database(&self) -> Vec<String> {
        match &self._pg {
            Some(pg) => vec!["--database-url".into(), pg.url.clone()],
            None => vec![
                "--data-dir".into(),
                self.data_dir().to_string_lossy().into_owned(),
            ],
        }
    }

    /// A job runner on this app's database, writing e-mail to the data directory.
    pub fn runner(&self) -> jobs::Runner {
        let mailer = jobs::Mailer::new(
            "Tavle <noreply@tavle.test>",
            None,
            self.data_dir().join("outbox"),
        )
        .expect("mailer");
        jobs::Runner::new(self.store.clone(), mailer, Vec::new())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A browser-like client with its own cookie jar that does not follow redirects.
    pub fn browser(&self) -> Browser {
        let jar = Arc::new(Jar::default());
        let client = Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Browser {
            client,
            jar,
            base: self.base.clone(),
        }
    }

    /// Signs in through the HTML login form.
    pub async fn browser_login(&self, email: &str) -> Browser {
        let b = self.browser();
        let r = b.login(email, PASSWORD, "/").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "login of {email} failed");
        b
    }

    /// Signs in through the JSON API.
    pub async fn api_login(&self, email: &str) -> Api {
        let b = self.browser();
        let r = b
            .client
            .post(self.url("/api/v1/session"))
            .json(&json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::OK, "API login of {email} failed");
        let body: Value = r.json().await.expect("json");
        let csrf = body["csrf_token"].as_str().expect("csrf token").to_owned();
        Api {
            browser: b,
            csrf,
            person_id: body["person_id"].as_str().expect("person id").to_owned(),
        }
    }

    /// The id of a demo person, by the part of the e-mail before `@demo.tavle.no`.
    pub async fn person_id(&self, admin: &Api, key: &str) -> String {
        let (_, people) = admin.get("/api/v1/organisations/demo/people").await;
        people
            .as_array()
            .and_then(|list| {
                list.iter()
                    .find(|m| m["email"] == format!("{key}@demo.tavle.no"))
            })
            .and_then(|m| m["membership"]["person_id"].as_str())
            .unwrap_or_else(|| panic!("no demo person {key}"))
            .to_owned()
    }
}

pub struct Browser {
    pub client: Client,
    pub jar: Arc<Jar>,
    pub base: String,
}

impl Browser {
    pub fn cookie(&self, name: &str) -> Option<String> {
        let url = self.base.parse().expect("url");
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")).map(str::to_owned))
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("send")
    }

    /// The CSRF token the pages put in forms (the double-submit cookie), fetching a page first
    /// if the jar has none yet.
    pub async fn csrf(&self) -> String {
        if let Some(token) = self.cookie("tavle_csrf") {
            return token;
        }
        self.get("/login").await;
        self.cookie("tavle_csrf").expect("csrf cookie")
    }

    /// Posts a form with the CSRF token added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", &token)];
        all.extend_from_slice(fields);
        self.post_form_raw(path, &all).await
    }

    /// Posts a form exactly as given (no CSRF token added).
    pub async fn post_form_raw(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(format!("{}{path}", self.base))
            .form(fields)
            .send()
            .await
            .expect("send")
    }

    pub async fn login(&self, email: &str, password: &str, next: &str) -> Response {
        self.post_form(
            "/login",
            &[("email", email), ("password", password), ("next", next)],
        )
        .await
    }
}

/// A signed-in API client sending the CSRF header on every call.
pub struct Api {
    pub browser: Browser,
    pub csrf: String,
    pub person_id: String,
}

impl Api {
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .browser
            .client
            .request(method, format!("{}{path}", self.browser.base))
            .header("x-csrf-token", &self.csrf);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let r = req.send().await.expect("send");
        let status = r.status();
        let text = r.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PUT, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, path, None).await
    }
}

/// The field codes of a problem document, as `field:code` strings.
pub fn field_errors(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    format!(
                        "{}:{}",
                        e["field"].as_str().unwrap_or(""),
                        e["code"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A second organisation with an admin and one member, made through the operator's API.
pub struct OtherOrg {
    pub admin: Api,
    pub member_id: String,
    pub membership_id: String,
    pub unit_id: String,
}

pub async fn other_org(app: &TestApp) -> OtherOrg {
    let operator = app.api_login("operator@demo.tavle.no").await;
    let (status, _) = operator
        .post(
            "/api/v1/organisations",
            json!({"slug": "other", "name": "Other AS", "kind": "private", "languages": "nb"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let store = &app.store;
    tavle::cli::create_user(
        store,
        &domain::person::NewPersonInput {
            given_name: "Otto".into(),
            family_name: "Other".into(),
            email: "admin@other.no".into(),
            birth_date: String::new(),
        },
        PASSWORD,
        false,
    )
    .await
    .expect("other admin");
    let (status, _) = operator
        .post(
            "/api/v1/organisations/other/admins",
            json!({"email": "admin@other.no"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let admin = app.api_login("admin@other.no").await;
    let (status, unit) = admin
        .post(
            "/api/v1/organisations/other/units",
            json!({"name": "Lager"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let unit_id = unit["id"].as_str().expect("unit id").to_owned();
    let (status, created) = admin
        .post(
            "/api/v1/organisations/other/people",
            json!({"person": {"given_name": "Olga", "family_name": "Other", "email": "olga@other.no", "birth_date": "1990-01-01"},
                   "membership": {"kind": "employee", "unit_id": unit_id}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let member_id = created["id"].as_str().expect("id").to_owned();
    let (_, person) = admin
        .get(&format!("/api/v1/organisations/other/people/{member_id}"))
        .await;
    let membership_id = person["memberships"][0]["id"]
        .as_str()
        .expect("membership")
        .to_owned();
    OtherOrg {
        admin,
        member_id,
        membership_id,
        unit_id,
    }
}

/// How many files the file store holds (kept ones and any left in its incoming folder).
pub fn files_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() { files_in(&p) } else { 1 }
                })
                .sum()
        })
        .unwrap_or(0)
}
