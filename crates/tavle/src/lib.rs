//! The `tavle` binary's library: configuration, wiring and the command-line interface. Kept as
//! a library so that the integration tests start exactly what `tavle serve` starts.

use std::net::SocketAddr;

use anyhow::Context;
use secrecy::ExposeSecret;
use store::Store;
use tokio::net::TcpListener;

pub mod cli;
pub mod config;
pub mod dataset;
pub mod demo;

pub use config::Config;

/// Opens the configured database (creating the data directory for SQLite) and migrates it.
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let store = match &config.database_url {
        Some(url) => Store::connect(url.expose_secret())
            .await
            .with_context(|| format!("cannot connect to {}", config.database_description()))?,
        None => {
            std::fs::create_dir_all(&config.data_dir).with_context(|| {
                format!("cannot create data directory {}", config.data_dir.display())
            })?;
            Store::open_sqlite(&config.sqlite_path())
                .await
                .with_context(|| format!("cannot open {}", config.sqlite_path().display()))?
        }
    };
    store.migrate().await.context("database migration failed")?;
    Ok(store)
}

/// A running server: where it listens, and the task serving it.
pub struct Server {
    pub addr: SocketAddr,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Binds `config.addr` (port 0 picks a free port) and serves Tavle on `store` in the background.
pub async fn start(config: &Config, store: Store) -> anyhow::Result<Server> {
    // Everything that handles personal data reads the registry: never serve with a bad one.
    domain::registry::load().map_err(cli::registry_problems)?;
    // The consents people are asked for are checked against it.
    domain::consent::load().map_err(cli::registry_problems)?;
    let listener = TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.addr))?;
    let addr = listener.local_addr()?;
    // The platform's key pair exists from the first start (DESIGN.md §3b).
    signer(config)?;
    let state = web::AppState::new(store, config.web());
    let audit = state.audit.clone();
    let app = web::app(state);
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await;
        // Reads audited during the last requests are appended before the process ends.
        audit.flush().await;
        served
    });
    Ok(Server { addr, task })
}

/// The platform's signing key (configured, or `signing.key` in the data directory), created
/// if missing.
pub fn signer(config: &Config) -> anyhow::Result<store::audit::Signer> {
    Ok(store::audit::Signer::load_or_create(
        &config.signing_key_path(),
    )?)
}

/// The job runner with the configured schedules and mailer.
pub fn runner(config: &Config, store: Store) -> anyhow::Result<jobs::Runner> {
    let schedules = config.schedules().context("invalid job schedule")?;
    let mailer = config.mailer().context("invalid e-mail configuration")?;
    Ok(jobs::Runner::new(store, mailer, schedules))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// The text `tavle import people` prints: counts, then every problem by line.
pub fn describe_import(report: &web::ops::ImportReport, dry_run: bool) -> String {
    use domain::import::Action;
    let (c, u, e, n) = (
        report.count(Action::Create),
        report.count(Action::Update),
        report.count(Action::End),
        report.count(Action::Unchanged),
    );
    let mut out = if report.applied {
        format!(
            "imported: {c} created, {u} changed, {e} ended, {n} unchanged, {} new units\n",
            report.new_units
        )
    } else {
        let verb = if dry_run && report.errors.is_empty() {
            "dry run, nothing written"
        } else {
            "nothing written"
        };
        format!(
            "{verb}: would create {c}, change {u}, end {e}; {n} unchanged; {} new units\n",
            report.new_units
        )
    };
    if dry_run {
        for r in report.rows.iter().filter(|r| r.action != Action::Unchanged) {
            let changes = if r.changes.is_empty() {
                String::new()
            } else {
                format!(" ({})", r.changes.join(", "))
            };
            out.push_str(&format!(
                "  line {}: {} {}{changes}\n",
                r.row.line,
                r.action.as_str(),
                r.row.employee_number
            ));
        }
    }
    if !report.errors.is_empty() {
        out.push_str(&format!(
            "{} problem(s){}:\n",
            report.errors.len(),
            if report.applied { ", rows skipped" } else { "" }
        ));
        for e in &report.errors {
            let column = if e.column.is_empty() {
                String::new()
            } else {
                format!(", column {}", e.column)
            };
            out.push_str(&format!("  line {}{column}: {}\n", e.line, e.code));
        }
    }
    out
}
