//! `tavle-load`: a reproducible HTTP load scenario against a running Tavle (see `bench/`).
//! Logs in as many synthetic people (from `tavle dataset`), then has `concurrency` workers
//! request pages for a fixed time and reports throughput and latency percentiles. The
//! learning scenarios read which courses people take from the database in their setup
//! (`--data-dir` or `--database-url`); `--scenario writer` benchmarks the group-commit
//! progress writer directly, without a server.

mod db;
mod writer;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};
use hdrhistogram::Histogram;

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Scenario {
    /// Each worker, signed in as its own person, requests `/profile`.
    Profile,
    /// Workers signed in as the organisation admin browse `/org/{org}/admin/people`: open a
    /// page by its number, then follow its "next" link nine times (keyset paging), then jump.
    People,
    /// Every request opens a people-list page by its number (`?page=N`, spread over the list).
    PeopleJump,
    /// Half and half.
    Mixed,
    /// `/healthz` (no database, no session): the stack's ceiling on this machine at this
    /// moment, to read the other figures against (shared machines vary by a third or more).
    Ceiling,
    /// Each worker, signed in as a learner, requests the learner dashboard `/learn`.
    Dashboard,
    /// Each worker, signed in as a learner, requests `/org/{org}/courses/{id}` of a course
    /// they are enrolled in (read from the database).
    Course,
    /// Workers signed in as the manager of about 500 people request their requirement
    /// matrix `/org/{org}/team/requirements`.
    Matrix,
    /// Each worker, signed in as a learner, POSTs time spent on a content page of a course
    /// they are enrolled in (`/api/v1/organisations/{org}/courses/{c}/activities/{a}/progress`).
    Progress,
    /// No HTTP: the group-commit progress writer on the database directly; reports writes/s
    /// and checks that every acknowledged write is in the database.
    Writer,
}

#[derive(Parser, Debug)]
#[command(
    name = "tavle-load",
    about = "Load scenario for Tavle: log in as many people, request pages, report latency"
)]
struct Args {
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// The organisation made by `tavle dataset --org`.
    #[arg(long, default_value = "bench")]
    org: String,
    #[arg(long, value_enum, default_value = "mixed")]
    scenario: Scenario,
    /// People to log in (p1…pN); the admin is p0.
    #[arg(long, default_value_t = 64)]
    users: usize,
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Seconds of load after a 2-second warm-up.
    #[arg(long, default_value_t = 20)]
    duration: u64,
    #[arg(long, default_value = "dataset-password")]
    password: String,
    /// Report the resident memory of this process (the server) at the end.
    #[arg(long)]
    server_pid: Option<u32>,
    /// The server's data directory (SQLite), for the learning scenarios' setup.
    #[arg(long)]
    data_dir: Option<std::path::PathBuf>,
    /// The server's PostgreSQL database, for the learning scenarios' setup.
    #[arg(long)]
    database_url: Option<String>,
    /// `matrix`: the manager to sign in as [default: the one leading closest to 500 people].
    #[arg(long)]
    manager: Option<String>,
    /// `writer`: enrollments to spread the writes over.
    #[arg(long, default_value_t = 20_000)]
    targets: i64,
    /// `progress`: changes per request. Above 1, each request POSTs one change for each of up
    /// to this many activities of the course at once (`/courses/{c}/progress`, as an app
    /// sends what it queued); the report then counts writes as well as requests.
    #[arg(long, default_value_t = 1)]
    changes: usize,
}

/// A signed-in person: the cookies the login set, sent on every request. (No cookie store:
/// matching cookies per request would cost the load generator more than the server.)
struct Session {
    client: reqwest::Client,
    cookie: String,
    /// The CSRF token the API login answered with (sent as `X-CSRF-Token` on writes).
    csrf: String,
}

impl Session {
    fn get(&self, url: &str) -> reqwest::RequestBuilder {
        self.client
            .get(url)
            .header(reqwest::header::COOKIE, &self.cookie)
    }
}

async fn login(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
) -> anyhow::Result<(Session, Duration)> {
    let started = Instant::now();
    let r = client
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"email": email, "password": password}))
        .send()
        .await
        .with_context(|| format!("cannot reach {base}"))?;
    let took = started.elapsed();
    if !r.status().is_success() {
        bail!("login of {email} failed: {}", r.status());
    }
    let cookie = r
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
        .collect::<Vec<_>>()
        .join("; ");
    let body: serde_json::Value = r.json().await.unwrap_or_default();
    let csrf = body["csrf_token"].as_str().unwrap_or_default().to_owned();
    Ok((
        Session {
            client: client.clone(),
            cookie,
            csrf,
        },
        took,
    ))
}

/// Seconds each progress write reports.
const PROGRESS_SECONDS: i64 = 30;

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3)
        .unwrap_or_else(|_| Histogram::new(3).unwrap_or_else(|_| unreachable!()))
}

fn summary(name: &str, h: &Histogram<u64>) -> String {
    let ms = |us: u64| us as f64 / 1000.0;
    format!(
        "{name}: n={} p50={:.2}ms p90={:.2}ms p99={:.2}ms p99.9={:.2}ms max={:.2}ms",
        h.len(),
        ms(h.value_at_quantile(0.5)),
        ms(h.value_at_quantile(0.9)),
        ms(h.value_at_quantile(0.99)),
        ms(h.value_at_quantile(0.999)),
        ms(h.max())
    )
}

/// An HTTP/1.1 keep-alive connection to the server.
struct Connection {
    sender: hyper::client::conn::http1::SendRequest<http_body_util::Full<hyper::body::Bytes>>,
    authority: String,
}

impl Connection {
    async fn open(authority: &str) -> anyhow::Result<Self> {
        let stream = tokio::net::TcpStream::connect(authority)
            .await
            .with_context(|| format!("cannot reach {authority}"))?;
        stream.set_nodelay(true)?;
        let (sender, conn) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
        tokio::spawn(conn);
        Ok(Self {
            sender,
            authority: authority.to_owned(),
        })
    }

    /// GETs `path` with the session's cookies; the status and the whole body.
    async fn get(
        &mut self,
        path: &str,
        cookie: &str,
    ) -> anyhow::Result<(hyper::StatusCode, hyper::body::Bytes)> {
        let request = hyper::Request::get(path)
            .header(hyper::header::HOST, &self.authority)
            .header(hyper::header::COOKIE, cookie)
            .body(http_body_util::Full::default())?;
        self.send(request).await
    }

    /// POSTs a JSON body to `path` with the session's cookies and CSRF token.
    async fn post_json(
        &mut self,
        path: &str,
        session: &Session,
        body: &hyper::body::Bytes,
    ) -> anyhow::Result<(hyper::StatusCode, hyper::body::Bytes)> {
        let request = hyper::Request::post(path)
            .header(hyper::header::HOST, &self.authority)
            .header(hyper::header::COOKIE, &session.cookie)
            .header("x-csrf-token", &session.csrf)
            .header(hyper::header::CONTENT_TYPE, "application/json")
            .body(http_body_util::Full::new(body.clone()))?;
        self.send(request).await
    }

    async fn send(
        &mut self,
        request: hyper::Request<http_body_util::Full<hyper::body::Bytes>>,
    ) -> anyhow::Result<(hyper::StatusCode, hyper::body::Bytes)> {
        use http_body_util::BodyExt;
        self.sender.ready().await?;
        let response = self.sender.send_request(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        Ok((status, body))
    }
}

/// The target of a page's `rel="next"` link, if it has one.
fn next_link(html: &[u8]) -> Option<String> {
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).rposition(|w| w == needle);
    let end = find(html, b"\" rel=\"next\"")?;
    let start = find(html.get(..end)?, b"href=\"")? + b"href=\"".len();
    let href = std::str::from_utf8(html.get(start..end)?).ok()?;
    Some(href.replace("&#38;", "&").replace("&amp;", "&"))
}

fn resident_memory(pid: u32) -> Option<String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
    };
    Some(format!(
        "server memory: VmRSS {} (peak VmHWM {})",
        field("VmRSS:")?,
        field("VmHWM:")?
    ))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let location = db::Location {
        data_dir: args.data_dir.clone(),
        database_url: args.database_url.clone(),
    };
    if matches!(args.scenario, Scenario::Writer) {
        let options = writer::Options {
            org: args.org.clone(),
            concurrency: args.concurrency,
            duration: args.duration,
            targets: args.targets,
        };
        return writer::run(&location, &options).await;
    }
    let base = args.url.trim_end_matches('/').to_owned();
    let domain = format!("{}.example", args.org);
    let learning = matches!(
        args.scenario,
        Scenario::Course | Scenario::Progress | Scenario::Matrix
    );
    anyhow::ensure!(
        !learning
            || location.given()
            || (args.manager.is_some() && matches!(args.scenario, Scenario::Matrix)),
        "the {:?} scenario reads its setup from the database: give --data-dir or --database-url",
        args.scenario
    );

    // Log in: the admin, and `users` people, a few at a time (argon2 is meant to be slow).
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency.max(4))
        .build()?;
    let mut logins = histogram();
    let (admin, took) = login(&client, &base, &format!("p0@{domain}"), &args.password).await?;
    logins.record(took.as_micros() as u64).ok();
    let admin = Arc::new(admin);
    let mut people = Vec::new();
    for chunk in (1..=args.users).collect::<Vec<_>>().chunks(4) {
        let tasks: Vec<_> = chunk
            .iter()
            .map(|i| {
                let (client, base, email, password) = (
                    client.clone(),
                    base.clone(),
                    format!("p{i}@{domain}"),
                    args.password.clone(),
                );
                tokio::spawn(async move { login(&client, &base, &email, &password).await })
            })
            .collect();
        for task in tasks {
            let (session, took) = task.await??;
            logins.record(took.as_micros() as u64).ok();
            people.push(Arc::new(session));
        }
    }
    // The learning scenarios' setup: each learner's course and content page, the manager.
    let mut targets: Vec<Option<db::Target>> = Vec::new();
    // `progress` with `--changes` above 1: each course's request body and how many writes it is.
    let mut bodies: HashMap<uuid::Uuid, (hyper::body::Bytes, u64)> = HashMap::new();
    let mut seconds_before: Option<i64> = None;
    let mut manager: Option<Arc<Session>> = None;
    if learning {
        let store = if location.given() {
            Some(location.open().await?)
        } else {
            None
        };
        if let Some(store) = &store
            && matches!(args.scenario, Scenario::Course | Scenario::Progress)
        {
            let emails: Vec<String> = (1..=args.users).map(|i| format!("p{i}@{domain}")).collect();
            targets = db::targets_of(store, &args.org, &emails).await?;
            let with = targets.iter().filter(|t| t.is_some()).count();
            anyhow::ensure!(
                with > 0,
                "none of the {} learners has an active enrollment",
                args.users
            );
            println!(
                "setup: {with} of {} learners have an active enrollment",
                args.users
            );
            if matches!(args.scenario, Scenario::Progress) {
                if args.changes > 1 {
                    for t in targets.iter().flatten() {
                        if bodies.contains_key(&t.course) {
                            continue;
                        }
                        let ids = db::activities_of(store, t, args.changes).await?;
                        let changes: Vec<serde_json::Value> = ids
                            .iter()
                            .map(|a| serde_json::json!({"activity_id": a, "seconds": PROGRESS_SECONDS}))
                            .collect();
                        let body = serde_json::to_vec(&serde_json::json!({"changes": changes}))?;
                        bodies.insert(t.course, (body.into(), ids.len() as u64));
                    }
                    let sizes: Vec<u64> = bodies.values().map(|(_, n)| *n).collect();
                    println!(
                        "setup: {} courses, {}–{} changes a request",
                        sizes.len(),
                        sizes.iter().min().copied().unwrap_or(0),
                        sizes.iter().max().copied().unwrap_or(0)
                    );
                }
                seconds_before = Some(db::seconds_in(store, &targets).await?);
            }
        }
        if matches!(args.scenario, Scenario::Matrix) {
            let email = match (&args.manager, &store) {
                (Some(m), _) => m.clone(),
                (None, Some(store)) => {
                    let (email, led) = db::manager_of_about(store, &args.org, 500).await?;
                    println!("setup: manager {email} leads {led} people (direct and indirect)");
                    email
                }
                (None, None) => anyhow::bail!("give --manager or the database"),
            };
            let (session, took) = login(&client, &base, &email, &args.password).await?;
            logins.record(took.as_micros() as u64).ok();
            manager = Some(Arc::new(session));
        }
        if let Some(store) = store {
            store.close().await;
        }
    }
    let pages = {
        let r = admin
            .get(&format!(
                "{base}/api/v1/organisations/{}/people?per_page=50",
                args.org
            ))
            .send()
            .await?;
        let total: i64 = r
            .headers()
            .get("x-total-count")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(50);
        ((total + 49) / 50).clamp(1, 200)
    };

    let warmup = Duration::from_secs(2);
    let measure = Duration::from_secs(args.duration);
    let authority = base
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(&base)
        .to_owned();
    let start = Instant::now();
    let mut workers = Vec::new();
    let progress_body = hyper::body::Bytes::from(format!(
        r#"{{"seconds": {PROGRESS_SECONDS}, "done": false}}"#
    ));
    let bodies = Arc::new(bodies);
    for w in 0..args.concurrency {
        // A learner with an active enrollment, for the scenarios that need one.
        let mut pick = w % people.len().max(1);
        if !targets.is_empty() {
            while targets.get(pick).copied().flatten().is_none() {
                pick = (pick + 1) % people.len().max(1);
            }
        }
        let target = targets.get(pick).copied().flatten();
        let person = people.get(pick).cloned().unwrap_or_else(|| admin.clone());
        let admin = admin.clone();
        let manager = manager.clone().unwrap_or_else(|| admin.clone());
        let (progress_body, writes_each) = match target.and_then(|t| bodies.get(&t.course)) {
            Some((body, n)) => (body.clone(), *n),
            None => (progress_body.clone(), 1),
        };
        let batched = !bodies.is_empty();
        let (authority, org) = (authority.clone(), args.org.clone());
        let scenario = args.scenario;
        workers.push(tokio::spawn(async move {
            // One keep-alive connection per worker, spoken to with hyper directly: a general
            // client's per-request work (URL parsing, pooling, redirects) would take CPU the
            // server shares on a small machine.
            let mut conn = Connection::open(&authority).await?;
            let mut h = histogram();
            let mut errors = 0u64;
            let mut n = 0u64;
            // Writes acknowledged, warm-up included (to check against the database), and in
            // the measured time.
            let (mut acked, mut measured) = (0u64, 0u64);
            let mut next: Option<String> = None;
            let mut jumps = 0i64;
            loop {
                let elapsed = start.elapsed();
                if elapsed >= warmup + measure {
                    break;
                }
                let people_page = match scenario {
                    Scenario::People | Scenario::PeopleJump => true,
                    Scenario::Mixed => (n + w as u64).is_multiple_of(2),
                    _ => false,
                };
                let browse = !matches!(scenario, Scenario::PeopleJump);
                let (session, path) = if people_page {
                    let path = match next.take().filter(|_| browse) {
                        Some(path) => path,
                        None => {
                            jumps += 1;
                            format!(
                                "/org/{org}/admin/people?page={}",
                                1 + (jumps * 37 + w as i64 * 13) % pages
                            )
                        }
                    };
                    (&admin, path)
                } else {
                    match (scenario, target) {
                        (Scenario::Ceiling, _) => (&person, "/healthz".to_owned()),
                        (Scenario::Dashboard, _) => (&person, "/learn".to_owned()),
                        (Scenario::Matrix, _) => {
                            (&manager, format!("/org/{org}/team/requirements"))
                        }
                        (Scenario::Course, Some(t)) => {
                            (&person, format!("/org/{org}/courses/{}", t.course))
                        }
                        (Scenario::Progress, Some(t)) if batched => (
                            &person,
                            format!("/api/v1/organisations/{org}/courses/{}/progress", t.course),
                        ),
                        (Scenario::Progress, Some(t)) => (
                            &person,
                            format!(
                                "/api/v1/organisations/{org}/courses/{}/activities/{}/progress",
                                t.course, t.activity
                            ),
                        ),
                        _ => (&person, "/profile".to_owned()),
                    }
                };
                let t = Instant::now();
                let answer = if matches!(scenario, Scenario::Progress) {
                    conn.post_json(&path, session, &progress_body).await
                } else {
                    conn.get(&path, &session.cookie).await
                };
                let ok = match answer {
                    Ok((status, body)) if status.is_success() => {
                        if people_page && browse && n % 10 != 9 {
                            next = next_link(&body);
                        }
                        true
                    }
                    Ok(_) => false,
                    Err(_) => {
                        conn = Connection::open(&authority).await?;
                        false
                    }
                };
                if ok {
                    acked += writes_each;
                }
                if elapsed >= warmup {
                    if ok {
                        h.record(t.elapsed().as_micros() as u64).ok();
                        measured += writes_each;
                    } else {
                        errors += 1;
                    }
                }
                n += 1;
            }
            anyhow::Ok((h, errors, acked, measured))
        }));
    }
    let mut all = histogram();
    let mut errors = 0;
    let (mut acked, mut writes) = (0u64, 0u64);
    for worker in workers {
        let (h, e, a, m) = worker.await??;
        all.add(&h).ok();
        errors += e;
        acked += a;
        writes += m;
    }
    let seconds = measure.as_secs_f64();
    println!(
        "scenario {:?}: concurrency {}, {} users, {:.0} s measured after {} s warm-up",
        args.scenario,
        args.concurrency,
        people.len(),
        seconds,
        warmup.as_secs()
    );
    println!(
        "throughput: {:.0} requests/s ({} requests, {} errors)",
        all.len() as f64 / seconds,
        all.len(),
        errors
    );
    if matches!(args.scenario, Scenario::Progress) {
        println!(
            "writes: {:.0} writes/s ({writes} in the measured time)",
            writes as f64 / seconds
        );
    }
    println!("{}", summary("latency", &all));
    println!("{}", summary("login (argon2id)", &logins));
    if let Some(before) = seconds_before {
        // Every acknowledged write must be in the database: the learners' time grew by
        // exactly what was acknowledged.
        let store = location.open().await?;
        let after = db::seconds_in(&store, &targets).await?;
        store.close().await;
        let expected = acked as i64 * PROGRESS_SECONDS;
        if after - before != expected {
            bail!(
                "lost writes: {acked} acknowledged ({expected} s) but the learners' time grew by {} s",
                after - before
            );
        }
        println!("checked: all {acked} acknowledged writes are in the database");
    }
    if let Some(pid) = args.server_pid {
        println!(
            "{}",
            resident_memory(pid).unwrap_or_else(|| format!("no process {pid}"))
        );
    }
    if errors > 0 {
        bail!("{errors} requests failed");
    }
    Ok(())
}
