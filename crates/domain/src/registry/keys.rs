//! The registry fields the code reads of other people, each named once. Views in the store's
//! seam ask these whether a viewer may see them; `ALL` lets a test prove each is declared.

use super::Key;

macro_rules! keys {
    ($($name:ident = $key:literal,)*) => {
        $(pub static $name: Key = Key::new($key);)*
        /// Every key above.
        pub static ALL: &[&Key] = &[$(&$name,)*];
    };
}

keys! {
    GIVEN_NAME = "people.given_name",
    FAMILY_NAME = "people.family_name",
    EMAIL = "people.email",
    BIRTH_DATE = "people.birth_date",
    BIRTH_YEAR = "people.birth_year",
    MEMBERSHIP_KIND = "memberships.kind",
    MEMBERSHIP_UNIT = "memberships.unit_id",
    MEMBERSHIP_POSITION = "memberships.position",
    EMPLOYEE_NUMBER = "memberships.employee_number",
    MEMBERSHIP_MANAGER = "memberships.manager_id",
    MEMBERSHIP_STARTS = "memberships.starts_on",
    MEMBERSHIP_ENDS = "memberships.ends_on",
    MEMBERSHIP_STATUS = "memberships.status",
    ROLES = "role_grants.role",
    ENROLLMENT_SOURCE = "enrollments.source",
    ENROLLMENT_STATUS = "enrollments.status",
    ENROLLED_AT = "enrollments.enrolled_at",
    COMPLETED_AT = "enrollments.completed_at",
    REQUIRED_DONE = "enrollments.required_done",
    VIA_ORGANISATION = "enrollments.via_organisation_id",
    COURSE_TIME = "enrollments.time_spent_seconds",
    ACTIVITY_STATUS = "activity_progress.status",
    ACTIVITY_TIME = "activity_progress.time_spent_seconds",
    ACTIVITY_SCORE = "activity_progress.score",
    QUIZ_ANSWERS = "quiz_attempts.answers",
    SUBMISSION_FILE = "submissions.file_id",
    SUBMISSION_GRADE = "submissions.grade",
    SURVEY_ANSWERS = "survey_responses.answers",
    REGISTRATION_ANSWERS = "event_registrations.answers",
    ATTENDANCE = "event_registrations.attended",
    EXTERNAL_RECORD = "external_records.provider",
    EXTERNAL_PROOF = "external_records.proof_file_id",
    CERTIFICATE_ISSUED = "certificates.issued_on",
    CERTIFICATE_EXPIRES = "certificates.expires_on",
    POST_BODY = "discussion_posts.body",
    TRANSFER_ITEMS = "competence_transfers.items",
    TRANSFER_SENT = "competence_transfers.sent_at",
}
