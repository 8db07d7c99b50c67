//! Learning pages: the learner's dashboard, catalogue, courses and activities, history and
//! certificates; the teacher's editor, participants, grading and attendance; the manager's
//! requirement matrix, expiring certificates and assigning; the administrator's requirements,
//! sharing and reports.

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}

pub fn upload_router() -> Router<AppState> {
    Router::new()
}
