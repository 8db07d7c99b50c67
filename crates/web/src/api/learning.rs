//! The learning core in the JSON API: courses and their content, enrollment, taking
//! activities, teaching, requirements, reports and discussion. Handlers call
//! [`crate::learning`] (shared with the pages) and the store's seam.

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}

pub fn upload_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
