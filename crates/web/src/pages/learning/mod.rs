//! Learning pages: the learner's dashboard, catalogue, courses and activities, history and
//! certificates ([`learner`]); the teacher's editor, participants, grading and attendance
//! ([`teaching`]); the manager's requirement matrix, expiring certificates and assigning, and
//! the administrator's courses, requirements and reports ([`managing`]). Every handler goes
//! through [`crate::learning`] (shared with the API) or the store's seam.

use axum::Router;
use axum::extract::{FromRequest, Request};
use axum::routing::{get, post};
use domain::learning::requirement::RequirementStatus;

use crate::AppState;
use crate::error::AppError;
use crate::i18n::Tr;

mod learner;
mod managing;
mod teaching;

pub fn router() -> Router<AppState> {
    let course = "/org/{slug}/courses/{id}";
    let activity = "/org/{slug}/courses/{id}/activities/{aid}";
    let at = |suffix: &str| format!("{course}{suffix}");
    let on = |suffix: &str| format!("{activity}{suffix}");
    Router::new()
        .route("/learn", get(learner::dashboard))
        .route("/catalogue", get(learner::catalogue))
        .route("/history", get(learner::history))
        .route("/certificates", get(learner::certificates))
        .route("/org/{slug}/certificates/{id}", get(learner::certificate))
        .route("/org/{slug}/files/{id}", get(learner::file))
        .route(course, get(learner::course))
        .route(&at("/enroll"), post(learner::enroll))
        .route(&at("/retake"), post(learner::retake))
        .route(activity, get(learner::activity))
        .route(&on("/done"), post(learner::mark_done))
        .route(&on("/time"), post(learner::record_time))
        .route(&on("/quiz"), post(learner::submit_quiz))
        .route(&on("/survey"), post(learner::answer_survey))
        .route(&on("/register"), post(learner::register))
        .route(&on("/cancel"), post(learner::cancel))
        .route(
            &at("/discussion"),
            get(learner::discussion).post(learner::start_thread),
        )
        .route(&at("/discussion/{post}/reply"), post(learner::reply))
        .route(&at("/discussion/{post}/edit"), post(learner::edit_post))
        .route(&at("/discussion/{post}/delete"), post(learner::delete_post))
        .route(
            &at("/edit"),
            get(teaching::editor).post(teaching::save_course),
        )
        .route(&at("/modules"), post(teaching::add_module))
        .route(&at("/modules/{mid}"), post(teaching::rename_module))
        .route(&at("/activities"), post(teaching::create_activity))
        .route(&at("/activities/new"), get(teaching::new_activity))
        .route(
            &on("/edit"),
            get(teaching::activity_editor).post(teaching::save_activity),
        )
        .route(&at("/staff"), post(teaching::add_staff))
        .route(&at("/staff/{person}/remove"), post(teaching::remove_staff))
        .route(&at("/shares"), post(teaching::share))
        .route(&at("/shares/{org}/remove"), post(teaching::unshare))
        .route(&at("/participants"), get(teaching::participants))
        .route(&at("/grading"), get(teaching::grading))
        .route(&at("/submissions/{sid}/grade"), post(teaching::grade))
        .route(
            &at("/records/{rid}/decision"),
            post(teaching::decide_record),
        )
        .route(&on("/attendance"), get(teaching::attendance))
        .route(
            &on("/registrations/{rid}/attendance"),
            post(teaching::mark_attendance),
        )
        .route(&on("/evaluation"), post(teaching::set_evaluation))
        .route(&on("/results"), get(teaching::survey_results))
        .route("/org/{slug}/team/requirements", get(managing::matrix))
        .route("/org/{slug}/team/expiring", get(managing::expiring))
        .route(
            "/org/{slug}/team/assign",
            get(managing::assign_page).post(managing::assign),
        )
        .route(
            "/org/{slug}/admin/courses",
            get(managing::courses).post(managing::create_course),
        )
        .route(
            "/org/{slug}/admin/requirements",
            get(managing::requirements).post(managing::create_requirement),
        )
        .route(
            "/org/{slug}/admin/requirements/{rid}/delete",
            post(managing::delete_requirement),
        )
        .route("/org/{slug}/admin/reports", get(managing::report))
        .route("/org/{slug}/admin/reports.csv", get(managing::report_csv))
}

/// Routes that take a file (multipart): an assignment's submission and a record's proof.
pub fn upload_router() -> Router<AppState> {
    let activity = "/org/{slug}/courses/{id}/activities/{aid}";
    Router::new()
        .route(
            &format!("{activity}/submission"),
            post(learner::submit_assignment),
        )
        .route(
            &format!("{activity}/record"),
            post(learner::record_external),
        )
}

/// A URL-encoded form as its pairs, repeated names kept (quiz checkboxes, bulk choices).
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    pub fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    pub fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl<S: Send + Sync> FromRequest<S> for Pairs {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::TooLarge)?;
        Ok(Self(
            form_urlencoded::parse(&bytes)
                .into_owned()
                .filter(|(k, _)| k != "csrf_token")
                .collect(),
        ))
    }
}

/// A requirement status as a page shows it: its label, the date it turns on, and a class
/// for its colour (text always says it; colour only repeats it).
pub struct StatusCell {
    pub code: &'static str,
    pub label: String,
    pub date: String,
}

impl StatusCell {
    pub fn of(t: Tr, status: &RequirementStatus) -> Self {
        Self {
            code: status.code(),
            label: label(t, "requirement_status", status.code()),
            date: status.date().map(|d| d.to_string()).unwrap_or_default(),
        }
    }
}

/// `<prefix>.<code>` from the catalogue, for enum labels.
pub fn label(t: Tr, prefix: &str, code: &str) -> String {
    t.get(&format!("{prefix}.{code}")).to_owned()
}

/// Hours and minutes of time spent ("1 t 5 min").
pub fn duration(t: Tr, seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    t.fill(
        "learn.duration",
        &[
            ("hours", &(minutes / 60).to_string()),
            ("minutes", &(minutes % 60).to_string()),
        ],
    )
}
