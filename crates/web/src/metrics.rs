//! Prometheus metrics at `/metrics`: requests by route and status, latency histograms, job runs
//! (counted by the job runner), outbox depth and the database pool. No personal data: routes
//! are templates (`/org/{slug}/admin`), never concrete paths.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::AppState;

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process-wide recorder (installed on first use).
fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Suffix("duration_seconds".into()),
                    &[
                        0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                    ],
                )
                .and_then(|b| b.install_recorder())
                .inspect(|handle| {
                    // Without the exporter's own listener, histogram samples are folded into
                    // their buckets only by upkeep: run it, so they never pile up in memory.
                    let upkeep = handle.clone();
                    std::thread::spawn(move || {
                        loop {
                            std::thread::sleep(std::time::Duration::from_secs(5));
                            upkeep.run_upkeep();
                        }
                    });
                })
                .map_err(|e| tracing::warn!(error = %e, "metrics recorder not installed"))
                .ok()
        })
        .as_ref()
}

/// Counts and times every request by method, route template and status.
pub async fn track(req: Request, next: Next) -> Response {
    handle();
    let start = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("tavle_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!("tavle_http_request_duration_seconds", "method" => method, "route" => route).record(start.elapsed().as_secs_f64());
    response
}

/// Renders the metrics, refreshing the gauges that are read at scrape time.
pub async fn render(State(state): State<AppState>) -> Response {
    let (size, idle) = state.store.pool_stats();
    metrics::gauge!("tavle_db_pool_connections", "state" => "open").set(f64::from(size));
    metrics::gauge!("tavle_db_pool_connections", "state" => "idle").set(idle as f64);
    if let Ok(mut db) = state.store.conn().await
        && let Ok(depth) = store::outbox::depth(&mut db).await
    {
        metrics::gauge!("tavle_outbox_depth").set(depth as f64);
    }
    let body = handle().map(PrometheusHandle::render).unwrap_or_default();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}
