//! One error type for the web layer. Each error has an HTTP status and a stable snake_case code
//! that is also its catalogue key (`error.<code>`). Internal causes are logged inside the request
//! span, never shown. [`crate::finish`] renders errors as problem+json (RFC 9457) under `/api/`
//! and as an HTML page elsewhere, in the requester's language.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::FieldErrors;
use store::StoreError;

/// Every error code the web layer may answer with (a test checks each has a message).
pub const ERROR_CODES: &[&str] = &[
    "not_found",
    "unauthenticated",
    "forbidden",
    "csrf_failed",
    "invalid_input",
    "malformed_body",
    "payload_too_large",
    "login_failed",
    "too_many_attempts",
    "invalid_token",
    "token_expired",
    "token_revoked",
    "insufficient_scope",
    "invalid_scope",
    "invalid_link",
    "passwords_differ",
    "invalid_days",
    // import codes
    "not_utf8",
    "malformed_csv",
    "unknown_column",
    "duplicate_column",
    "missing_column",
    "wrong_number_of_columns",
    "duplicate_employee_number",
    "duplicate_email",
    "unknown_manager",
    "manager_loop",
    "manager_refused",
    "method_not_allowed",
    "last_admin",
    "internal",
    // privacy documents
    "invalid_country",
    "safeguards_required",
    "record_incomplete",
    // field codes
    "required",
    "too_long",
    "invalid_email",
    "invalid_date",
    "invalid_choice",
    "invalid_slug",
    "invalid_language",
    "duplicate_language",
    "invalid_minimum_age",
    "already_exists",
    "password_too_short",
    "managed_by_organisation",
    "ends_before_start",
    "birth_date_required",
    "under_minimum_age",
    "unknown_person",
    // learning codes
    "invalid_datetime",
    "invalid_file_type",
    "invalid_number",
    "out_of_range",
    "resubmission_not_allowed",
    "submission_already_passed",
    "submission_awaits_grading",
    "already_enrolled",
    "attempt_already_submitted",
    "course_closed",
    "course_completed",
    "course_not_open",
    "done_by_the_activity",
    "event_closed",
    "not_enrolled",
    "self_enrollment_closed",
    "quiz_already_passed",
    "attempts_used_up",
    "answer_every_question",
    "answer_something",
    "question_unanswered",
    "in_the_future",
    "invalid_hours",
    "invalid_phone",
    "needs_certificate",
    "place_or_link",
    "quiz_bad_points",
    "quiz_bad_prompt",
    "quiz_mixed_options",
    "quiz_needs_options",
    "quiz_no_right_answer",
    "quiz_one_right_answer",
    "quiz_unknown_line",
    "survey_question_kind",
    "survey_unknown_line",
    "too_many",
    "already_registered",
    "file_too_large",
    "file_empty",
    "file_type_not_allowed",
    "kind_cannot_change",
    "not_a_member",
    "record_already_approved",
    "record_awaits_decision",
    "survey_already_answered",
    "not_in_course",
    "duplicate_activity",
    // policies
    "policy_acceptance_required",
    "unknown_policy_version",
    "policy_version_retired",
    "policy_version_not_draft",
    "policy_version_not_active",
    "policy_draft_exists",
    "policy_not_pending",
    "acknowledgement_not_refused",
    "consent_already_withdrawn",
    "minor_needs_previous",
    "minor_not_after_material_change",
    "one_language_required",
    "birth_date_needed",
    // consents and the features they govern
    "consent_required",
    "not_your_consent",
    "unknown_consent_purpose",
    "unknown_consent_version",
    "consent_version_outdated",
    "invalid_rating",
    "in_the_past",
    "unknown_item",
    "invalid_url",
    "not_reviewable",
];

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("not signed in")]
    Unauthenticated,
    #[error("wrong e-mail or password")]
    LoginFailed,
    /// Too many failed logins for the account or the address.
    #[error("too many failed attempts")]
    TooManyAttempts,
    /// A bearer token that is unknown, expired or revoked; the code says which.
    #[error("token refused: {0}")]
    BadToken(&'static str),
    /// Signed in, but this action is not theirs to take; `code` says why.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Invalid(#[from] FieldErrors),
    /// The body could not be read as the expected form or JSON; the detail is safe to show.
    #[error("malformed body: {0}")]
    Malformed(String),
    #[error("payload too large")]
    TooLarge,
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The feature needs the person's consent to the purpose named, which does not stand.
    #[error("consent to {0} is required")]
    ConsentRequired(&'static str),
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Unauthenticated | Self::LoginFailed | Self::BadToken(_) => {
                StatusCode::UNAUTHORIZED
            }
            Self::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            Self::Forbidden(_) | Self::ConsentRequired(_) => StatusCode::FORBIDDEN,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Malformed(_) => StatusCode::BAD_REQUEST,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Unauthenticated => "unauthenticated",
            Self::LoginFailed => "login_failed",
            Self::TooManyAttempts => "too_many_attempts",
            Self::BadToken(code) => code,
            Self::Forbidden(code) | Self::Conflict(code) => code,
            Self::ConsentRequired(_) => "consent_required",
            Self::Invalid(_) => "invalid_input",
            Self::Malformed(_) => "malformed_body",
            Self::TooLarge => "payload_too_large",
            Self::Internal(_) => "internal",
        }
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Invalid(errors) => Self::Invalid(errors),
            StoreError::ConsentRequired(purpose) => Self::ConsentRequired(purpose),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        Self::internal(e)
    }
}

/// Carried in a response's extensions until [`crate::finish`] renders it.
#[derive(Clone, Debug)]
pub struct PendingError {
    pub code: &'static str,
    pub status: StatusCode,
    pub fields: FieldErrors,
    pub detail: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Self::Internal(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        let pending = PendingError {
            code: self.code(),
            status: self.status(),
            detail: match &self {
                Self::Malformed(detail) => Some(detail.clone()),
                // The purpose's key; the response names it in the reader's language.
                Self::ConsentRequired(purpose) => Some((*purpose).to_owned()),
                _ => None,
            },
            fields: match self {
                Self::Invalid(fields) => fields,
                _ => FieldErrors::new(),
            },
        };
        let mut response = pending.status.into_response();
        response.extensions_mut().insert(pending);
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;
