//! The operator's view of background work: job runs and failures, and e-mail delivery status
//! (never recipients or message bodies).

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::{Ctx, Layout, render};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;

pub struct JobRow {
    pub kind: String,
    pub status: String,
    pub attempts: String,
    pub run_at: String,
    pub finished: String,
    pub error: String,
}

pub struct DeliveryRow {
    pub id: String,
    pub kind: String,
    pub status: String,
    pub attempts: i32,
    pub created: String,
    pub sent: String,
}

#[derive(Template)]
#[template(path = "operator_jobs.html")]
struct JobsPage {
    l: Layout,
    t: Tr,
    failed: Vec<JobRow>,
    recent: Vec<JobRow>,
    deliveries: Vec<DeliveryRow>,
}

fn stamp(t: time::OffsetDateTime) -> String {
    format!(
        "{} {:02}:{:02}:{:02}",
        t.date(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn job_rows(tr: Tr, jobs: Vec<store::jobs::JobRecord>) -> Vec<JobRow> {
    jobs.into_iter()
        .map(|j| JobRow {
            kind: j.kind,
            status: tr.get(&format!("job_status.{}", j.status)).to_owned(),
            attempts: format!("{}/{}", j.attempts, j.max_attempts),
            run_at: stamp(j.run_at),
            finished: j.finished_at.map(stamp).unwrap_or_default(),
            error: j.last_error.unwrap_or_default(),
        })
        .collect()
}

pub async fn overview(
    State(state): State<AppState>,
    ctx: Ctx,
    PageUser(user): PageUser,
) -> AppResult<Response> {
    if !user.actor.operator {
        return Err(AppError::Forbidden("forbidden"));
    }
    let tr = ctx.0.tr;
    let mut db = state.store.conn().await?;
    let failed = job_rows(tr, store::jobs::recent(&mut db, 50, true).await?);
    let recent = job_rows(tr, store::jobs::recent(&mut db, 50, false).await?);
    let deliveries = store::outbox::deliveries(&mut db, 50)
        .await?
        .into_iter()
        .map(|d| DeliveryRow {
            id: d.id.to_string(),
            kind: tr.get(&format!("mail_kind.{}", d.kind)).to_owned(),
            status: tr.get(&format!("mail_status.{}", d.status)).to_owned(),
            attempts: d.attempts,
            created: stamp(d.created_at),
            sent: d.sent_at.map(stamp).unwrap_or_default(),
        })
        .collect();
    render(&JobsPage {
        l: ctx.layout("jobs.title", None),
        t: tr,
        failed,
        recent,
        deliveries,
    })
}
