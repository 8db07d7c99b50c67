//! `tavle-load`: a reproducible HTTP load scenario against a running Tavle (see `bench/`).
//! Logs in as many synthetic people (from `tavle dataset`), then has `concurrency` workers
//! request pages for a fixed time and reports throughput and latency percentiles.

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
}

/// A signed-in person: the cookies the login set, sent on every request. (No cookie store:
/// matching cookies per request would cost the load generator more than the server.)
struct Session {
    client: reqwest::Client,
    cookie: String,
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
    Ok((
        Session {
            client: client.clone(),
            cookie,
        },
        took,
    ))
}

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
    sender: hyper::client::conn::http1::SendRequest<http_body_util::Empty<hyper::body::Bytes>>,
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
        use http_body_util::BodyExt;
        let request = hyper::Request::get(path)
            .header(hyper::header::HOST, &self.authority)
            .header(hyper::header::COOKIE, cookie)
            .body(http_body_util::Empty::new())?;
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
    let base = args.url.trim_end_matches('/').to_owned();
    let domain = format!("{}.example", args.org);

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
    for w in 0..args.concurrency {
        let person = people
            .get(w % people.len().max(1))
            .cloned()
            .unwrap_or_else(|| admin.clone());
        let admin = admin.clone();
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
            let mut next: Option<String> = None;
            let mut jumps = 0i64;
            loop {
                let elapsed = start.elapsed();
                if elapsed >= warmup + measure {
                    break;
                }
                let people_page = match scenario {
                    Scenario::Profile | Scenario::Ceiling => false,
                    Scenario::People | Scenario::PeopleJump => true,
                    Scenario::Mixed => (n + w as u64).is_multiple_of(2),
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
                } else if matches!(scenario, Scenario::Ceiling) {
                    (&person, "/healthz".to_owned())
                } else {
                    (&person, "/profile".to_owned())
                };
                let t = Instant::now();
                let ok = match conn.get(&path, &session.cookie).await {
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
                if elapsed >= warmup {
                    if ok {
                        h.record(t.elapsed().as_micros() as u64).ok();
                    } else {
                        errors += 1;
                    }
                }
                n += 1;
            }
            anyhow::Ok((h, errors))
        }));
    }
    let mut all = histogram();
    let mut errors = 0;
    for worker in workers {
        let (h, e) = worker.await??;
        all.add(&h).ok();
        errors += e;
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
    println!("{}", summary("latency", &all));
    println!("{}", summary("login (argon2id)", &logins));
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
