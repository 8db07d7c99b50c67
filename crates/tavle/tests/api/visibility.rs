//! Who sees what of another person (issue 5, "Visibility"): the registry against a table of
//! the default visibility written here by hand, matrices generated from the registry that read
//! every person field and every learning field through the HTTP API as every relation the demo
//! can set up, and cross-organisation isolation.

use std::collections::{BTreeMap, BTreeSet};

use domain::access::Relation;
use domain::registry::{Condition, Viewer, registry};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both_backends;
use crate::harness::{Api, TestApp, other_org};
use crate::learning_api::{
    QUIZ, activity, content, course, done, enroll, fetch, file, right, upload,
};

both_backends!(
    every_person_field_is_shown_or_withheld_through_the_api_exactly_as_the_registry_grants,
    every_learning_field_is_shown_or_withheld_through_the_api_exactly_as_the_registry_grants,
    course_staff_see_their_participants_and_co_participants_only_while_the_list_is_on,
    nothing_of_a_person_reaches_another_organisation,
);

fn relation(code: &str) -> Relation {
    Relation::ALL
        .into_iter()
        .find(|r| {
            r.as_str()
                == match code {
                    "dm" => "direct_manager",
                    "im" => "indirect_manager",
                    "cs" => "course_staff",
                    "cp" => "co_participant",
                    "oa" => "org_admin",
                    "rv" => "report_viewer",
                    "ps" => "provider_staff",
                    "le" => "later_employer",
                    "dl" => "directory_lookup",
                    "dpo" => "dpo",
                    "op" => "operator",
                    other => panic!("unknown relation code {other}"),
                }
        })
        .expect("relation")
}

fn condition(code: &str) -> Condition {
    match code {
        "list" => Condition::ParticipantList,
        "detail" => Condition::ManagerDetail,
        "history" => Condition::HistoryAcrossEmployers,
        "directory" => Condition::DirectoryLookup,
        "support" => Condition::SupportCase,
        other => panic!("unknown condition code {other}"),
    }
}

/// The default visibility, by hand (data minimisation; R14, R15, R16, KS-12, DFO-12): per
/// group of fields, who sees them with no setting on, and who only while a setting is on
/// (`relation@setting`). Every field of the registry must be here.
const DEFAULTS: &[(&[&str], &str)] = &[
    (
        &["people.given_name", "people.family_name"],
        "dm im cs cp oa rv ps dpo | le@history dl@directory op@support",
    ),
    (
        &["people.email"],
        "dm im cs oa rv ps dpo | cp@list le@history dl@directory op@support",
    ),
    (
        &[
            "people.birth_date",
            "people.birth_year",
            "memberships.employee_number",
        ],
        "oa dpo |",
    ),
    (
        &[
            "memberships.kind",
            "memberships.position",
            "memberships.manager_id",
            "memberships.starts_on",
            "memberships.ends_on",
            "memberships.status",
        ],
        "dm im oa rv dpo |",
    ),
    (&["memberships.unit_id"], "dm im oa rv dpo | cp@list"),
    (
        &[
            "people.preferred_language",
            "memberships.sort_key",
            "memberships.member_given_name",
            "memberships.member_family_name",
            "memberships.member_email",
            "memberships.unit_name",
            "login_identities.subject",
            "login_identities.secret_hash",
            "platform_operators.granted_at",
            "sessions.token_hash",
            "sessions.last_seen_at",
            "outbox.recipient",
            "outbox.subject",
            "outbox.body",
            "outbox.last_error",
            "login_tokens.token_hash",
            "login_tokens.used_at",
            "api_tokens.token_hash",
            "api_tokens.last_used_at",
            "login_failures.key",
            "login_failures.failed_at",
            "organisations.contact_email",
            "organisations.dpo_name",
            "organisations.dpo_email",
            "discussion_posts.deleted_at",
            "audit_keys.audit_key",
            "audit_set_members.subject_key",
            // Acceptances and deletion requests are the person's own (their administrators
            // see counts only).
            "policy_acceptances.kind",
            "policy_acceptances.language",
            "policy_acceptances.accepted_at",
            "policy_acceptances.withdrawn_at",
            "account_deletion_requests.reason",
            "account_deletion_requests.status",
            "account_deletion_requests.received_at",
            "account_deletion_requests.due_on",
            // Consents and what is kept under them: the person's own (issue 6). Reviews reach
            // others as published text without the person (recipient `course_visitors`), not
            // through a relation.
            "consents.status",
            "consents.text_version",
            "consents.changed_at",
            "consent_changes.action",
            "consent_changes.text_version",
            "consent_changes.text_hash",
            "consent_changes.language",
            "consent_changes.channel",
            "consent_changes.changed_at",
            "favourite_lists.name",
            "favourites.created_at",
            "favourite_list_items.added_at",
            "course_reviews.rating",
            "course_reviews.body",
            "course_reviews.show_name",
            "course_reviews.author_name",
            "course_reviews.updated_at",
            "catalogue_searches.query",
            "catalogue_searches.language",
            "catalogue_searches.tag",
            "catalogue_searches.searched_at",
            "share_links.token_hash",
            "share_links.label",
            "share_links.expires_on",
            "share_links.revoked_at",
            "competence_transfers.consent_version",
            // Newsletter subscriptions: the subscriber's own, seen by nobody else (issue 6).
            "newsletter_subscriptions.name",
            "newsletter_subscriptions.email",
            "newsletter_subscriptions.subjects",
            "newsletter_subscriptions.status",
            "newsletter_subscriptions.confirmed_at",
            "newsletter_subscriptions.text_version",
            "newsletter_subscriptions.text_hash",
        ],
        "|",
    ),
    // What a member chose to send their organisation, while the consent stands (MUN-16).
    (
        &["competence_transfers.items", "competence_transfers.sent_at"],
        "oa |",
    ),
    (
        &["login_identities.last_login_at", "course_staff.role"],
        "oa |",
    ),
    (
        &[
            "role_grants.role",
            "role_grants.granted_by",
            "enrollments.enrolled_by",
            "external_records.decided_by",
            "requirements.created_by",
        ],
        "oa dpo |",
    ),
    (
        &[
            "enrollments.source",
            "enrollments.status",
            "enrollments.enrolled_at",
            "enrollments.required_done",
            "enrollments.required_total",
            "enrollments.via_organisation_id",
        ],
        "dm im cs oa rv ps dpo | le@history",
    ),
    (
        &["enrollments.completed_at"],
        "dm im cs oa rv ps dpo | cp@list le@history",
    ),
    (
        &[
            "enrollments.time_spent_seconds",
            "enrollments.last_activity_at",
            "activity_progress.updated_at",
            "activity_progress.time_spent_seconds",
            "activity_progress.score",
            "activity_progress.max_score",
            "activity_progress.attempts",
            "quiz_attempts.answers",
            "quiz_attempts.attempt",
            "quiz_attempts.points",
            "quiz_attempts.max_points",
            "quiz_attempts.passed",
            "quiz_attempts.submitted_at",
        ],
        "cs ps dpo | dm@detail im@detail",
    ),
    (
        &["activity_progress.status", "activity_progress.completed_at"],
        "dm im cs ps oa dpo |",
    ),
    (
        &[
            "submissions.file_id",
            "submissions.version",
            "submissions.submitted_at",
            "submissions.grade",
            "submissions.comment",
            "submissions.graded_by",
            "submissions.graded_at",
        ],
        "cs ps dpo |",
    ),
    (&["survey_responses.answers"], "cs dpo |"),
    (&["survey_responses.submitted_on", "files.name"], "cs |"),
    (
        &[
            "event_registrations.answers",
            "event_registrations.status",
            "event_registrations.attended",
            "event_registrations.registered_at",
            "event_registrations.updated_at",
        ],
        "cs ps oa dpo |",
    ),
    (
        &[
            "external_records.provider",
            "external_records.completed_on",
            "external_records.tenths_of_hours",
            "external_records.status",
            "external_records.decided_at",
            "external_records.submitted_at",
        ],
        "dm im cs oa dpo |",
    ),
    (
        &["external_records.proof_file_id", "external_records.comment"],
        "cs oa dpo |",
    ),
    (
        &["certificates.issued_on", "certificates.expires_on"],
        "dm im cs oa rv dpo | le@history",
    ),
    (
        &[
            "discussion_posts.title",
            "discussion_posts.body",
            "discussion_posts.edited_at",
        ],
        "cs cp |",
    ),
    (
        &[
            "files.uploaded_by",
            "audit_entries.actor_key",
            "audit_entries.subjects",
            "audit_subject_sets.keys",
            "audit_entries.at",
            "audit_entries.action",
            "audit_entries.relation",
            "audit_entries.fields",
            "audit_entries.purpose",
            "audit_entries.acting_organisation_id",
        ],
        "dpo |",
    ),
    (&["file_store.uploads"], "cs ps oa |"),
];

type Sight = (BTreeSet<Relation>, BTreeSet<(Relation, Condition)>);

fn parse(spec: &str) -> Sight {
    let (plain, conditional) = spec.split_once('|').expect("a `|` in every spec");
    let plain = plain.split_whitespace().map(relation).collect();
    let conditional = conditional
        .split_whitespace()
        .map(|c| {
            let (r, s) = c.split_once('@').expect("relation@setting");
            (relation(r), condition(s))
        })
        .collect();
    (plain, conditional)
}

/// Who sees the field per the registry: with no setting on, and only with one setting on.
fn registry_sight(key: &str) -> Sight {
    let r = registry();
    let index = r.index(key).expect("declared");
    let others = Relation::ALL.into_iter().filter(|x| *x != Relation::Myself);
    let plain: BTreeSet<Relation> = others
        .clone()
        .filter(|&x| r.allows(index, &Viewer::new(&[x])).is_some())
        .collect();
    let mut conditional = BTreeSet::new();
    for x in others.filter(|x| !plain.contains(x)) {
        for c in Condition::ALL {
            if r.allows(index, &Viewer::new(&[x]).with(c, true)).is_some() {
                conditional.insert((x, c));
            }
        }
    }
    (plain, conditional)
}

#[test]
fn the_registry_grants_exactly_the_hand_written_default_visibility() {
    let mut expected: BTreeMap<&str, Sight> = BTreeMap::new();
    for (keys, spec) in DEFAULTS {
        for key in *keys {
            assert!(
                expected.insert(key, parse(spec)).is_none(),
                "{key} is twice in the table"
            );
        }
    }
    let declared: BTreeSet<&str> = registry().fields.iter().map(|f| f.key.as_str()).collect();
    let listed: BTreeSet<&str> = expected.keys().copied().collect();
    assert_eq!(
        declared.difference(&listed).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "registry fields missing from the hand-written table"
    );
    assert_eq!(
        listed.difference(&declared).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "table rows that are not registry fields"
    );
    for (key, sight) in &expected {
        assert_eq!(&registry_sight(key), sight, "visibility of {key}");
    }
}

const ORG: &str = "/api/v1/organisations/demo";

/// Where a registry field appears in `GET /people/{id}`; fields the person view does not show
/// are left to the learning tests.
fn person_json(key: &str, person: &Value) -> Option<bool> {
    let membership = &person["memberships"][0];
    let present = |v: &Value| !v.is_null() && v != &json!([]);
    Some(match key {
        "people.given_name" => present(&person["given_name"]),
        "people.family_name" => present(&person["family_name"]),
        "people.email" => present(&person["email"]),
        "people.birth_date" => present(&person["birth_date"]),
        "memberships.kind" => present(&membership["kind"]),
        "memberships.unit_id" => present(&membership["unit_id"]),
        "memberships.position" => present(&membership["position"]),
        "memberships.employee_number" => present(&membership["employee_number"]),
        "memberships.manager_id" => present(&membership["manager_id"]),
        "memberships.ends_on" => present(&membership["ends_on"]),
        "role_grants.role" => present(&person["roles"]),
        _ => return None,
    })
}

/// A person with every person field filled, in the demo organisation: managed by Lars (whom
/// Dina manages), enrolled in a course Lise teaches, and holding a role.
async fn target(app: &TestApp, admin: &Api) -> String {
    let leder = app.person_id(admin, "leder").await;
    let (_, units) = admin.get(&format!("{ORG}/units")).await;
    let unit = units
        .as_array()
        .and_then(|u| u.iter().find(|u| u["name"] == "Solbakken skole"))
        .and_then(|u| u["id"].as_str())
        .expect("unit")
        .to_owned();
    let (status, created) = admin
        .post(
            &format!("{ORG}/people"),
            json!({"person": {"given_name": "Tina", "family_name": "Target", "email": "tina@demo.tavle.no",
                              "birth_date": "1990-05-17"},
                   "membership": {"kind": "employee", "unit_id": unit, "position": "Assistent",
                                  "employee_number": "E-4711", "manager_id": leder, "ends_on": "2031-12-31"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().expect("id").to_owned();
    let (status, r) = admin
        .put(&format!("{ORG}/people/{id}/roles/report_viewer"), json!({}))
        .await;
    assert!(status.is_success(), "{r}");
    id
}

async fn every_person_field_is_shown_or_withheld_through_the_api_exactly_as_the_registry_grants(
    app: TestApp,
) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let id = target(&app, &admin).await;
    // Lise teaches a course Tina takes.
    let (status, c) = admin
        .post(
            &format!("{ORG}/courses"),
            json!({"title": "Førstehjelp", "status": "open", "self_enrollment": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let course = c["course"]["id"].as_str().expect("course").to_owned();
    let (status, _) = admin
        .post(
            &format!("{ORG}/courses/{course}/staff"),
            json!({"email": "laerer@demo.tavle.no", "role": "teacher"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    set_password(&app, "tina@demo.tavle.no").await;
    let tina = app.api_login("tina@demo.tavle.no").await;
    let (status, r) = tina
        .post(&format!("{ORG}/courses/{course}/enrollment"), json!({}))
        .await;
    assert!(status.is_success(), "{r}");

    let viewers: Vec<(Option<Relation>, &str)> = vec![
        (Some(Relation::Myself), "tina"),
        (Some(Relation::DirectManager), "leder"),
        (Some(Relation::IndirectManager), "direktor"),
        (Some(Relation::OrgAdmin), "admin"),
        (Some(Relation::Dpo), "personvern"),
        (Some(Relation::ReportViewer), "rapport"),
        (Some(Relation::CourseStaff), "laerer"),
        (Some(Relation::Operator), "operator"),
        // A colleague with no relation to Tina.
        (None, "elev"),
    ];
    let mut checked = 0;
    for (relation, who) in viewers {
        let api = if who == "tina" {
            &tina
        } else {
            &app.api_login(&format!("{who}@demo.tavle.no")).await
        };
        let (status, person) = api.get(&format!("{ORG}/people/{id}")).await;
        let viewer = Viewer::new(&relation.into_iter().collect::<Vec<_>>());
        let any = registry()
            .fields
            .iter()
            .filter(|f| person_json(&f.key, &json!({})).is_some())
            .any(|f| {
                registry()
                    .index(&f.key)
                    .is_some_and(|i| registry().allows(i, &viewer).is_some())
            });
        if !any {
            assert_eq!(
                status,
                StatusCode::NOT_FOUND,
                "{who} sees nothing: {person}"
            );
            checked += 1;
            continue;
        }
        assert_eq!(status, StatusCode::OK, "{who}: {person}");
        for field in &registry().fields {
            let Some(shown) = person_json(&field.key, &person) else {
                continue;
            };
            let index = registry().index(&field.key).expect("declared");
            let granted = registry().allows(index, &viewer).is_some();
            assert_eq!(
                shown, granted,
                "{} as {who} ({relation:?}): shown {shown}, the registry grants {granted}\n{person}",
                field.key
            );
            checked += 1;
        }
    }
    assert!(checked > 60, "the matrix checked {checked} pairs");
}

const TINA: &str = "tina@demo.tavle.no";

/// The tables of the learning core's data about a person: their enrollments, progress and
/// work, certificates, course roles, posts and uploads.
const LEARNING_TABLES: &[&str] = &[
    "enrollments",
    "activity_progress",
    "quiz_attempts",
    "submissions",
    "survey_responses",
    "event_registrations",
    "external_records",
    "certificates",
    "course_staff",
    "discussion_posts",
    "files",
    "file_store",
];

/// Learning fields no API response carries, about anyone (the person themself included).
const NOT_IN_ANY_API: &[(&str, &str)] = &[
    (
        "enrollments.enrolled_by",
        "kept for the training records and the audit; no view names who enrolled someone",
    ),
    (
        "enrollments.last_activity_at",
        "kept for follow-up and retention; views show time spent, not when",
    ),
    (
        "activity_progress.updated_at",
        "bookkeeping of the progress row; views show its status and completion",
    ),
    (
        "quiz_attempts.answers",
        "an attempt shows its points and, with feedback, right or wrong per question; never the options chosen",
    ),
    ("submissions.graded_by", "no view names who graded"),
    ("survey_responses.submitted_on", "no view dates an answer"),
    (
        "event_registrations.updated_at",
        "no view shows when a registration last changed",
    ),
    ("external_records.decided_by", "no view names who decided"),
    (
        "external_records.decided_at",
        "no view dates the decision; its status and comment show",
    ),
    (
        "discussion_posts.deleted_at",
        "a deleted post shows only as deleted, without its author",
    ),
    (
        "files.uploaded_by",
        "a file is reached through the work it belongs to; no view names who uploaded it",
    ),
];

/// The API's views of the target's learning, and whom each is for: the relations its store
/// function states (`project::require`), and the person for their own. `me.*` are the target's
/// own reads (anyone else reading those paths gets their own data, never the target's).
const VIEWS: &[(&str, &[Relation])] = &[
    // GET /me/enrollments: the entry for the course.
    ("me.enrollment", &[Relation::Myself]),
    // GET /courses/{id}: the quiz's progress among the course's activities.
    ("me.quiz_progress", &[Relation::Myself]),
    // GET /courses/{id}/activities/{quiz}: the first attempt.
    ("me.quiz", &[Relation::Myself]),
    // GET /courses/{id}/activities/{assignment}: the graded submission.
    ("me.graded", &[Relation::Myself]),
    // GET /courses/{id}/activities/{event}: the registration.
    ("me.event", &[Relation::Myself]),
    // GET /courses/{id}/activities/{record}: the record.
    ("me.record", &[Relation::Myself]),
    // GET /me/certificates/{id}, by the target's certificate id (anyone else: not found).
    ("me.certificate", &[Relation::Myself]),
    // GET /courses/{id}/participants: the target's row.
    (
        "participants",
        &[Relation::CourseStaff, Relation::ProviderStaff],
    ),
    // GET /courses/{id}/participants/{enrollment}: the participant, and the quiz's progress.
    (
        "participant",
        &[Relation::CourseStaff, Relation::ProviderStaff],
    ),
    (
        "participant.quiz",
        &[Relation::CourseStaff, Relation::ProviderStaff],
    ),
    // GET /courses/{id}/grading: the submission awaiting a grade.
    ("grading", &[Relation::CourseStaff, Relation::ProviderStaff]),
    // GET /files/{id} of that submission: its bytes and name.
    (
        "submission_file",
        &[
            Relation::Myself,
            Relation::CourseStaff,
            Relation::ProviderStaff,
        ],
    ),
    // GET /courses/{id}/activities/{survey}/survey-results: the identified answer.
    ("survey", &[Relation::CourseStaff]),
    // GET /courses/{id}/activities/{event}/registrations: the registration.
    (
        "registrations",
        &[Relation::CourseStaff, Relation::ProviderStaff],
    ),
    // GET /courses/{id}/records: the record awaiting or past approval.
    ("records", &[Relation::CourseStaff, Relation::OrgAdmin]),
    // GET /files/{id} of the record's proof: its bytes and name.
    (
        "proof_file",
        &[Relation::Myself, Relation::CourseStaff, Relation::OrgAdmin],
    ),
    // GET /team/requirements: the target's status in the course's column.
    (
        "matrix",
        &[
            Relation::OrgAdmin,
            Relation::ReportViewer,
            Relation::DirectManager,
            Relation::IndirectManager,
        ],
    ),
    // GET /team/expiring: the target's certificate.
    (
        "expiring",
        &[
            Relation::OrgAdmin,
            Relation::ReportViewer,
            Relation::DirectManager,
            Relation::IndirectManager,
        ],
    ),
    // GET /reports/completions: the target's completion.
    ("completions", &[Relation::OrgAdmin, Relation::ReportViewer]),
    // GET /courses/{id}: the target on the participant list.
    (
        "co_participants",
        &[
            Relation::Myself,
            Relation::CoParticipant,
            Relation::CourseStaff,
        ],
    ),
    // GET /courses/{id}/discussion: the target's thread.
    (
        "discussion",
        &[
            Relation::Myself,
            Relation::CoParticipant,
            Relation::CourseStaff,
        ],
    ),
    // GET /courses/{id} of a course the target teaches: the target among its staff (for those
    // who administer the course).
    ("staff", &[Relation::OrgAdmin]),
];

/// Where each learning field of the target appears: (field, view, JSON pointer into the
/// target's part of the view). A pointer ending in `?` counts the key even when it is null:
/// the participant list names the organisation a course is taken for only when it is not the
/// course's own.
const CARRIERS: &[(&str, &str, &str)] = &[
    ("enrollments.source", "me.enrollment", "/source"),
    ("enrollments.source", "participants", "/source"),
    ("enrollments.source", "participant", "/source"),
    ("enrollments.status", "me.enrollment", "/status"),
    ("enrollments.status", "participants", "/status"),
    ("enrollments.status", "participant", "/status"),
    ("enrollments.status", "matrix", "/status"),
    ("enrollments.enrolled_at", "me.enrollment", "/enrolled_at"),
    ("enrollments.enrolled_at", "participants", "/enrolled_at"),
    ("enrollments.enrolled_at", "participant", "/enrolled_at"),
    ("enrollments.completed_at", "me.enrollment", "/completed_at"),
    ("enrollments.completed_at", "participants", "/completed_at"),
    ("enrollments.completed_at", "participant", "/completed_at"),
    ("enrollments.completed_at", "matrix", "/status"),
    ("enrollments.completed_at", "completions", "/completed_on"),
    (
        "enrollments.completed_at",
        "co_participants",
        "/completed_on",
    ),
    (
        "enrollments.required_done",
        "me.enrollment",
        "/required_done",
    ),
    (
        "enrollments.required_done",
        "participants",
        "/required_done",
    ),
    ("enrollments.required_done", "participant", "/required_done"),
    (
        "enrollments.required_total",
        "me.enrollment",
        "/required_total",
    ),
    (
        "enrollments.required_total",
        "participants",
        "/required_total",
    ),
    (
        "enrollments.required_total",
        "participant",
        "/required_total",
    ),
    (
        "enrollments.via_organisation_id",
        "me.enrollment",
        "/via_organisation_id",
    ),
    (
        "enrollments.via_organisation_id",
        "participants",
        "/via_organisation?",
    ),
    (
        "enrollments.via_organisation_id",
        "participant",
        "/via_organisation?",
    ),
    (
        "enrollments.time_spent_seconds",
        "me.enrollment",
        "/time_spent_seconds",
    ),
    (
        "enrollments.time_spent_seconds",
        "participants",
        "/time_spent_seconds",
    ),
    (
        "enrollments.time_spent_seconds",
        "participant",
        "/time_spent_seconds",
    ),
    ("activity_progress.status", "me.quiz_progress", "/status"),
    ("activity_progress.status", "participant.quiz", "/status"),
    (
        "activity_progress.completed_at",
        "me.quiz_progress",
        "/completed_at",
    ),
    (
        "activity_progress.completed_at",
        "participant.quiz",
        "/completed_at",
    ),
    (
        "activity_progress.time_spent_seconds",
        "me.quiz_progress",
        "/time_spent_seconds",
    ),
    (
        "activity_progress.time_spent_seconds",
        "participant.quiz",
        "/time_spent_seconds",
    ),
    ("activity_progress.score", "me.quiz_progress", "/score"),
    ("activity_progress.score", "participant.quiz", "/score"),
    (
        "activity_progress.max_score",
        "me.quiz_progress",
        "/max_score",
    ),
    (
        "activity_progress.max_score",
        "participant.quiz",
        "/max_score",
    ),
    (
        "activity_progress.attempts",
        "me.quiz_progress",
        "/attempts",
    ),
    (
        "activity_progress.attempts",
        "participant.quiz",
        "/attempts",
    ),
    ("quiz_attempts.attempt", "me.quiz", "/attempt"),
    ("quiz_attempts.points", "me.quiz", "/points"),
    ("quiz_attempts.max_points", "me.quiz", "/max_points"),
    ("quiz_attempts.passed", "me.quiz", "/passed"),
    ("quiz_attempts.submitted_at", "me.quiz", "/submitted_at"),
    ("submissions.file_id", "me.graded", "/file_id"),
    ("submissions.file_id", "grading", "/file_id"),
    ("submissions.version", "me.graded", "/version"),
    ("submissions.version", "grading", "/version"),
    ("submissions.submitted_at", "me.graded", "/submitted_at"),
    ("submissions.submitted_at", "grading", "/submitted_at"),
    // The grading queue holds work awaiting a grade only: grades show to the learner.
    ("submissions.grade", "me.graded", "/grade"),
    ("submissions.comment", "me.graded", "/comment"),
    ("submissions.graded_at", "me.graded", "/graded_at"),
    ("survey_responses.answers", "survey", "/answers"),
    ("event_registrations.answers", "me.event", "/answers"),
    ("event_registrations.answers", "registrations", "/answers"),
    ("event_registrations.status", "me.event", "/status"),
    ("event_registrations.status", "registrations", "/status"),
    ("event_registrations.attended", "me.event", "/attended"),
    ("event_registrations.attended", "registrations", "/attended"),
    (
        "event_registrations.registered_at",
        "me.event",
        "/registered_at",
    ),
    (
        "event_registrations.registered_at",
        "registrations",
        "/registered_at",
    ),
    ("external_records.provider", "me.record", "/provider"),
    ("external_records.provider", "records", "/provider"),
    (
        "external_records.completed_on",
        "me.record",
        "/completed_on",
    ),
    ("external_records.completed_on", "records", "/completed_on"),
    ("external_records.tenths_of_hours", "me.record", "/hours"),
    ("external_records.tenths_of_hours", "records", "/hours"),
    (
        "external_records.proof_file_id",
        "me.record",
        "/proof_file_id",
    ),
    (
        "external_records.proof_file_id",
        "records",
        "/proof_file_id",
    ),
    ("external_records.status", "me.record", "/status"),
    ("external_records.status", "records", "/status"),
    ("external_records.comment", "me.record", "/comment"),
    ("external_records.comment", "records", "/comment"),
    (
        "external_records.submitted_at",
        "me.record",
        "/submitted_at",
    ),
    ("external_records.submitted_at", "records", "/submitted_at"),
    (
        "certificates.issued_on",
        "me.enrollment",
        "/certificate/issued_on",
    ),
    ("certificates.issued_on", "me.certificate", "/issued_on"),
    (
        "certificates.expires_on",
        "me.enrollment",
        "/certificate/expires_on",
    ),
    ("certificates.expires_on", "me.certificate", "/expires_on"),
    ("certificates.expires_on", "matrix", "/date"),
    ("certificates.expires_on", "expiring", "/expires_on"),
    ("certificates.expires_on", "completions", "/expires_on"),
    ("course_staff.role", "staff", "/role"),
    ("discussion_posts.title", "discussion", "/title"),
    ("discussion_posts.body", "discussion", "/body"),
    ("discussion_posts.edited_at", "discussion", "/edited_at"),
    ("files.name", "submission_file", "/name"),
    ("files.name", "proof_file", "/name"),
    ("file_store.uploads", "submission_file", "/bytes"),
    ("file_store.uploads", "proof_file", "/bytes"),
];

/// Whether the viewer was shown `key` of the target in any view (`None`: no view carries it).
fn learning_json(key: &str, views: &BTreeMap<&str, Value>) -> Option<bool> {
    let mut carriers = CARRIERS.iter().filter(|(k, ..)| *k == key).peekable();
    carriers.peek()?;
    Some(carriers.any(|(_, view, pointer)| shown_in(views, view, pointer)))
}

/// Whether the target's part of `view` has a value at `pointer`.
fn shown_in(views: &BTreeMap<&str, Value>, view: &str, pointer: &str) -> bool {
    let present = |v: &Value| !v.is_null() && v != &json!([]) && v != &json!("");
    let part = views.get(view).unwrap_or(&Value::Null);
    match pointer.strip_suffix('?') {
        Some(key_only) => part.pointer(key_only).is_some(),
        None => part.pointer(pointer).is_some_and(present),
    }
}

/// Whom a view is for.
fn audience(view: &str) -> &'static [Relation] {
    VIEWS
        .iter()
        .find(|(v, _)| *v == view)
        .map(|(_, a)| *a)
        .unwrap_or_else(|| panic!("{view} is not in VIEWS"))
}

/// The learning fields of the registry the matrix reads, after checking that each is either
/// carried by a view or listed as in none (a new field must be placed in one of them).
fn mapped_learning_fields() -> Vec<&'static str> {
    let learning: BTreeSet<&str> = registry()
        .fields
        .iter()
        .filter(|f| LEARNING_TABLES.contains(&f.table()))
        .map(|f| f.key.as_str())
        .collect();
    let mapped: BTreeSet<&str> = CARRIERS.iter().map(|(k, ..)| *k).collect();
    let unmapped: BTreeSet<&str> = NOT_IN_ANY_API.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        mapped.intersection(&unmapped).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "fields both mapped and listed as in no API"
    );
    let placed: BTreeSet<&str> = mapped.union(&unmapped).copied().collect();
    assert_eq!(
        learning.difference(&placed).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "learning fields neither mapped to a view nor listed in NOT_IN_ANY_API"
    );
    assert_eq!(
        placed.difference(&learning).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "mapped or listed keys that are not learning fields of the registry"
    );
    for (_, view, _) in CARRIERS {
        audience(view);
    }
    registry()
        .fields
        .iter()
        .map(|f| f.key.as_str())
        .filter(|k| mapped.contains(k))
        .collect()
}

/// What the matrix needs of the target's learning.
struct Learning {
    person: String,
    course: String,
    quiz: String,
    graded: String,
    pending: String,
    survey: String,
    event: String,
    record: String,
    /// A course the target teaches.
    staffed: String,
    enrollment: String,
    certificate: String,
    pending_file: String,
    proof: String,
}

/// Tina (see [`target`]) with every learning field filled, through the API: she takes a
/// course with a participant list and a certificate valid two months (so it is soon expiring),
/// which Lise runs as its course admin and which Tina's position is required to take. She read
/// its page, passed its quiz (with time on it), handed in one assignment that is graded and
/// another that awaits a grade, answered its identified survey, registered for its event and
/// came, recorded training elsewhere with proof that was approved, and started and edited a
/// thread; the course is completed with a certificate. She teaches another course. Kari takes
/// the course too (a co-participant).
async fn learner_with_every_learning_field(app: &TestApp, admin: &Api) -> (Learning, Api, Api) {
    let person = target(app, admin).await;
    set_password(app, TINA).await;
    let tina = app.api_login(TINA).await;
    let kari = app.api_login("ansatt@demo.tavle.no").await;
    let (id, module) = course(
        admin,
        json!({"title": "Matrisekurs", "certificate": true, "certificate_validity_months": 2,
               "participant_list": true}),
    )
    .await;
    let page = content(admin, &id, &module).await;
    let quiz = activity(
        admin,
        &id,
        &module,
        json!({"kind": "quiz", "questions": QUIZ}),
    )
    .await;
    let assignment = |required: bool| {
        json!({"kind": "assignment", "required": required, "instructions": "Skriv en tekst",
               "allowed_types": "txt", "max_megabytes": 1})
    };
    let graded = activity(admin, &id, &module, assignment(true)).await;
    let pending = activity(admin, &id, &module, assignment(false)).await;
    let survey = activity(
        admin,
        &id,
        &module,
        json!({"kind": "survey", "required": false, "anonymous": false,
               "survey_questions": "Hvor nyttig? (scale)"}),
    )
    .await;
    let event = activity(
        admin,
        &id,
        &module,
        json!({"kind": "event", "required": false, "starts_at": "2030-03-01T09:00",
               "ends_at": "2030-03-01T15:00", "place": "Rådhuset", "capacity": 10,
               "registration_fields": "name,work_phone"}),
    )
    .await;
    let record = activity(
        admin,
        &id,
        &module,
        json!({"kind": "external_record", "required": false,
               "instructions": "Last opp kursbeviset", "proof_required": true}),
    )
    .await;
    let c = format!("{ORG}/courses/{id}");
    let (status, _) = admin
        .post(
            &format!("{c}/staff"),
            json!({"email": "laerer@demo.tavle.no", "role": "course_admin"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    enroll(&tina, &id).await;
    enroll(&kari, &id).await;
    let (status, r) = admin
        .post(
            &format!("{ORG}/requirements"),
            json!({"course_id": id, "audience": "position", "position": "Assistent", "due_days": 30}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    // Her work.
    done(&tina, &id, &page).await;
    let (status, p) = tina
        .post(
            &format!("{c}/activities/{quiz}/progress"),
            json!({"seconds": 20, "done": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    let (status, r) = tina
        .post(
            &format!("{c}/activities/{quiz}/quiz-attempts"),
            json!({"attempt": 1, "answers": right()}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert_eq!(r["passed"], true);
    let (status, s) = upload(
        &tina,
        &format!("{c}/activities/{graded}/submissions"),
        file(b"Brann trenger varme.\n".to_vec(), "svar.txt"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    let submission = s["id"].as_str().expect("submission").to_owned();
    let (status, s) = upload(
        &tina,
        &format!("{c}/activities/{pending}/submissions"),
        file(b"Et utkast.\n".to_vec(), "utkast.txt"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    let pending_file = s["file_url"].as_str().expect("file url").to_owned();
    let (status, r) = tina
        .post(
            &format!("{c}/activities/{survey}/survey-responses"),
            json!({"answers": [4]}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{r}");
    let (status, r) = tina
        .post(
            &format!("{c}/activities/{event}/registration"),
            json!({"name": "Tina Target", "work_phone": "+47 22 33 44 55"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let (status, r) = upload(
        &tina,
        &format!("{c}/activities/{record}/records"),
        reqwest::multipart::Form::new()
            .text("provider", "Røde Kors")
            .text("completed_on", "2025-11-01")
            .text("hours", "7,5")
            .part(
                "file",
                reqwest::multipart::Part::bytes(pdf).file_name("bevis.pdf"),
            ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let record_id = r["id"].as_str().expect("record").to_owned();
    let proof = r["proof_url"].as_str().expect("proof").to_owned();
    let (status, t) = tina
        .post(
            &format!("{c}/discussion"),
            json!({"title": "Spørsmål", "body": "Hva gjør vi?"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{t}");
    let thread = t["id"].as_str().expect("thread").to_owned();
    let (status, _) = tina
        .put(
            &format!("{c}/discussion/{thread}"),
            json!({"body": "Hva gjør vi nå?"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // Lise takes attendance, approves the record and grades the assignment: the course is
    // complete.
    let lise = app.api_login("laerer@demo.tavle.no").await;
    let (_, a) = tina.get(&format!("{c}/activities/{event}")).await;
    let registration = a["registration"]["id"].as_str().expect("registration");
    let (status, _) = lise
        .put(
            &format!("{c}/activities/{event}/registrations/{registration}/attendance"),
            json!({"attended": true}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = lise
        .put(
            &format!("{c}/records/{record_id}/decision"),
            json!({"decision": "approved", "comment": "Gyldig"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = lise
        .put(
            &format!("{c}/submissions/{submission}/grade"),
            json!({"grade": "passed", "comment": "Bra"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, history) = tina.get("/api/v1/me/enrollments").await;
    let mine = find(&history, "course_id", &id);
    assert_eq!(mine["status"], "completed", "{history}");
    let certificate = mine["certificate"]["id"]
        .as_str()
        .expect("certificate")
        .to_owned();
    let enrollment = mine["id"].as_str().expect("enrollment").to_owned();
    // A course she teaches.
    let (staffed, _) = course(admin, json!({"title": "Tinas kurs"})).await;
    let (status, _) = admin
        .post(
            &format!("{ORG}/courses/{staffed}/staff"),
            json!({"email": TINA, "role": "teacher"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let learning = Learning {
        person,
        course: id,
        quiz,
        graded,
        pending,
        survey,
        event,
        record,
        staffed,
        enrollment,
        certificate,
        pending_file,
        proof,
    };
    (learning, tina, kari)
}

/// The first element of a JSON list whose `field` is `value` (null if none or not a list).
fn find(list: &Value, field: &str, value: &str) -> Value {
    list.as_array()
        .and_then(|l| l.iter().find(|x| x[field] == value))
        .cloned()
        .unwrap_or(Value::Null)
}

/// A view's body; a view the viewer may not call at all (403, 404) shows nothing.
async fn read(api: &Api, path: &str) -> Value {
    let (status, body) = api.get(path).await;
    match status {
        StatusCode::OK => body,
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND => Value::Null,
        other => panic!("GET {path}: {other} {body}"),
    }
}

/// A file as the viewer may read it: that its bytes came, and whether its name did.
async fn read_file(api: &Api, url: &str, name: &str) -> Value {
    let (status, _, disposition, body) = fetch(api, url).await;
    match status {
        StatusCode::OK => {
            assert!(!body.is_empty(), "{url}");
            json!({"bytes": true, "name": disposition.contains(name).then_some(name)})
        }
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND => Value::Null,
        other => panic!("GET {url}: {other}"),
    }
}

/// Every view of [`VIEWS`] as `api` reads it: the target's part of each, or null.
async fn learning_views(api: &Api, myself: bool, t: &Learning) -> BTreeMap<&'static str, Value> {
    let c = format!("{ORG}/courses/{}", t.course);
    let mut v: BTreeMap<&'static str, Value> = BTreeMap::new();
    let detail = read(api, &c).await;
    if myself {
        let history = read(api, "/api/v1/me/enrollments").await;
        v.insert("me.enrollment", find(&history, "course_id", &t.course));
        let progress = detail["modules"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| find(&m["activities"], "id", &t.quiz))
            .find(|a| !a.is_null())
            .unwrap_or(Value::Null);
        v.insert("me.quiz_progress", progress["progress"].clone());
        let activity = |a: &str| format!("{c}/activities/{a}");
        v.insert(
            "me.quiz",
            read(api, &activity(&t.quiz)).await["attempts"][0].clone(),
        );
        v.insert(
            "me.graded",
            read(api, &activity(&t.graded)).await["submission"].clone(),
        );
        v.insert(
            "me.event",
            read(api, &activity(&t.event)).await["registration"].clone(),
        );
        v.insert(
            "me.record",
            read(api, &activity(&t.record)).await["record"].clone(),
        );
    } else {
        for view in [
            "me.enrollment",
            "me.quiz_progress",
            "me.quiz",
            "me.graded",
            "me.event",
            "me.record",
        ] {
            v.insert(view, Value::Null);
        }
    }
    v.insert(
        "me.certificate",
        read(api, &format!("/api/v1/me/certificates/{}", t.certificate)).await,
    );
    v.insert(
        "participants",
        find(
            &read(api, &format!("{c}/participants")).await,
            "person_id",
            &t.person,
        ),
    );
    let participant = read(api, &format!("{c}/participants/{}", t.enrollment)).await;
    v.insert("participant", participant["participant"].clone());
    v.insert(
        "participant.quiz",
        find(&participant["progress"], "activity_id", &t.quiz),
    );
    let queue = read(api, &format!("{c}/grading")).await;
    let waiting = queue
        .as_array()
        .and_then(|q| {
            q.iter()
                .find(|s| s["learner"] == "Tina Target" && s["activity_id"] == t.pending.as_str())
        })
        .cloned()
        .unwrap_or(Value::Null);
    v.insert("grading", waiting);
    v.insert(
        "submission_file",
        read_file(api, &t.pending_file, "utkast.txt").await,
    );
    let results = read(api, &format!("{c}/activities/{}/survey-results", t.survey)).await;
    v.insert(
        "survey",
        find(&results["identified"], "name", "Tina Target"),
    );
    v.insert(
        "registrations",
        find(
            &read(api, &format!("{c}/activities/{}/registrations", t.event)).await,
            "person_id",
            &t.person,
        ),
    );
    v.insert(
        "records",
        find(&read(api, &format!("{c}/records")).await, "email", TINA),
    );
    v.insert("proof_file", read_file(api, &t.proof, "bevis.pdf").await);
    let matrix = read(api, &format!("{ORG}/team/requirements")).await;
    let column = matrix["requirements"]
        .as_array()
        .and_then(|r| r.iter().position(|x| x["course_id"] == t.course.as_str()));
    let row = find(&matrix["people"], "person_id", &t.person);
    v.insert(
        "matrix",
        column.map_or(Value::Null, |i| row["statuses"][i].clone()),
    );
    v.insert(
        "expiring",
        find(
            &read(api, &format!("{ORG}/team/expiring")).await,
            "person_id",
            &t.person,
        ),
    );
    v.insert(
        "completions",
        find(
            &read(api, &format!("{ORG}/reports/completions")).await,
            "email",
            TINA,
        ),
    );
    v.insert(
        "co_participants",
        find(&detail["co_participants"], "email", TINA),
    );
    v.insert(
        "discussion",
        find(
            &read(api, &format!("{c}/discussion")).await,
            "author_id",
            &t.person,
        ),
    );
    let taught = read(api, &format!("{ORG}/courses/{}", t.staffed)).await;
    v.insert("staff", find(&taught["staff"], "person_id", &t.person));
    let read_views: Vec<&str> = v.keys().copied().collect();
    let mut declared: Vec<&str> = VIEWS.iter().map(|(name, _)| *name).collect();
    declared.sort_unstable();
    assert_eq!(read_views, declared, "every view is read");
    v
}

/// The pairs compared so far and how they came out.
#[derive(Default)]
struct Matrix {
    /// Pairs that agree with the registry: the three counts below together.
    checked: usize,
    /// Shown, and granted.
    shown: usize,
    /// Withheld, and not granted.
    withheld: usize,
    /// Withheld, granted, but no view for the viewer's relations carries the field (so what
    /// is checked is that nothing shows it).
    no_view: usize,
    /// Those fields, by the relations.
    no_view_fields: BTreeSet<(String, &'static str)>,
    mismatches: Vec<String>,
}

impl Matrix {
    /// Compares every mapped field as `who` saw it with what the registry grants them: shown
    /// exactly when granted and some view for their relations carries it, and then in every
    /// such view.
    fn compare(
        &mut self,
        fields: &[&'static str],
        who: &str,
        relations: &[Relation],
        participant_list: bool,
        views: &BTreeMap<&str, Value>,
    ) {
        let viewer = Viewer::new(relations).with(Condition::ParticipantList, participant_list);
        for &key in fields {
            let shown = learning_json(key, views).expect("mapped");
            let index = registry().index(key).expect("declared");
            let granted = registry().allows(index, &viewer).is_some();
            let for_them = |view: &str| audience(view).iter().any(|r| relations.contains(r));
            let carriers = || CARRIERS.iter().filter(|(k, ..)| *k == key);
            let viewed = carriers().any(|(_, view, _)| for_them(view));
            let expected = granted && viewed;
            let short: Vec<&str> = carriers()
                .filter(|(_, view, pointer)| {
                    granted && for_them(view) && !shown_in(views, view, pointer)
                })
                .map(|(_, view, _)| *view)
                .collect();
            if !short.is_empty() {
                self.mismatches.push(format!(
                    "{key} as {who} ({relations:?}): granted, but withheld by {short:?}"
                ));
                continue;
            }
            if shown != expected {
                self.mismatches.push(format!(
                    "{key} as {who} ({relations:?}, participant list {participant_list}): \
                     shown {shown}; the registry grants {granted}, a view for the relation {viewed}"
                ));
                continue;
            }
            self.checked += 1;
            if shown {
                self.shown += 1;
            } else if granted {
                self.no_view += 1;
                self.no_view_fields.insert((format!("{relations:?}"), key));
            } else {
                self.withheld += 1;
            }
        }
    }
}

async fn every_learning_field_is_shown_or_withheld_through_the_api_exactly_as_the_registry_grants(
    app: TestApp,
) {
    let fields = mapped_learning_fields();
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (t, tina, kari) = learner_with_every_learning_field(&app, &admin).await;
    let viewers: Vec<(&str, &[Relation])> = vec![
        ("tina", &[Relation::Myself]),
        ("leder", &[Relation::DirectManager]),
        ("direktor", &[Relation::IndirectManager]),
        // The owning organisation's admin administers every course it owns (the course's
        // editors are its admins and course admins; the audit log records these reads as a
        // teacher's), so in the course's views Anne is its staff as well. As org_admin alone
        // she would be shown time on task, scores, hand-ins, identified survey answers, posts
        // and file names the registry withholds from that relation.
        ("admin", &[Relation::OrgAdmin, Relation::CourseStaff]),
        ("personvern", &[Relation::Dpo]),
        ("rapport", &[Relation::ReportViewer]),
        ("laerer", &[Relation::CourseStaff]),
        ("operator", &[Relation::Operator]),
        // Kari takes the course too; its participant list is on.
        ("ansatt", &[Relation::CoParticipant]),
        // A colleague with no relation to Tina.
        ("elev", &[]),
    ];
    let mut matrix = Matrix::default();
    for (who, relations) in viewers {
        let api = match who {
            "tina" => &tina,
            "ansatt" => &kari,
            "admin" => &admin,
            _ => &app.api_login(&format!("{who}@demo.tavle.no")).await,
        };
        let views = learning_views(api, who == "tina", &t).await;
        matrix.compare(&fields, who, relations, true, &views);
    }
    // With the participant list off, Kari is still a co-participant (the discussion), but the
    // list is gone.
    let (status, c) = admin
        .put(
            &format!("{ORG}/courses/{}", t.course),
            json!({"title": "Matrisekurs", "status": "open", "self_enrollment": true,
                   "certificate": true, "certificate_validity_months": 2, "participant_list": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    let views = learning_views(&kari, false, &t).await;
    matrix.compare(
        &fields,
        "ansatt (list off)",
        &[Relation::CoParticipant],
        false,
        &views,
    );
    assert!(
        matrix.mismatches.is_empty(),
        "{} pairs differ from the registry:\n{}",
        matrix.mismatches.len(),
        matrix.mismatches.join("\n")
    );
    eprintln!(
        "learning matrix: {} (viewer, field) pairs agree with the registry: {} shown as granted, \
         {} withheld as not granted, {} granted but carried by no view for the relation (none \
         shows them)",
        matrix.checked, matrix.shown, matrix.withheld, matrix.no_view,
    );
    for (relations, key) in &matrix.no_view_fields {
        eprintln!("  granted without a view: {relations} {key}");
    }
    assert!(
        matrix.checked > 400,
        "the matrix checked {} pairs",
        matrix.checked
    );
    assert!(
        matrix.shown > 100 && matrix.withheld > 200,
        "{} pairs shown, {} withheld",
        matrix.shown,
        matrix.withheld
    );
}

/// Gives a demo person made through the API the demo password (they have no login yet).
async fn set_password(app: &TestApp, email: &str) {
    let store = &app.store;
    let id = {
        let mut db = store.conn().await.expect("db");
        store::people::id_by_email(
            &mut db,
            &domain::person::Email::parse(email).expect("e-mail"),
        )
        .await
        .expect("lookup")
        .expect("person")
    };
    let hash = web::auth::hash_password(crate::harness::PASSWORD.to_owned())
        .await
        .expect("hash");
    let mut db = store.conn().await.expect("db");
    store::identities::set_password(&mut db, id, &hash)
        .await
        .expect("password");
}

async fn course_staff_see_their_participants_and_co_participants_only_while_the_list_is_on(
    app: TestApp,
) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let kari = app.api_login("ansatt@demo.tavle.no").await;
    let emil = app.api_login("elev@demo.tavle.no").await;
    let mut courses = Vec::new();
    for list in [false, true] {
        let (status, c) = admin
            .post(
                &format!("{ORG}/courses"),
                json!({"title": "Hygiene", "status": "open", "self_enrollment": true,
                       "participant_list": list}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{c}");
        let course = c["course"]["id"].as_str().expect("course").to_owned();
        let (status, _) = admin
            .post(
                &format!("{ORG}/courses/{course}/staff"),
                json!({"email": "laerer@demo.tavle.no", "role": "teacher"}),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        for learner in [&kari, &emil] {
            let (status, r) = learner
                .post(&format!("{ORG}/courses/{course}/enrollment"), json!({}))
                .await;
            assert_eq!(status, StatusCode::CREATED, "{r}");
        }
        courses.push(course);
    }
    // The teacher sees name, e-mail and course activity (course_staff, teaching).
    let teacher = app.api_login("laerer@demo.tavle.no").await;
    let (status, people) = teacher
        .get(&format!("{ORG}/courses/{}/participants", courses[0]))
        .await;
    assert_eq!(status, StatusCode::OK, "{people}");
    let row = people
        .as_array()
        .and_then(|p| p.iter().find(|x| x["email"] == "ansatt@demo.tavle.no"))
        .expect("Kari is listed with her e-mail");
    assert!(row["time_spent_seconds"].is_number(), "{row}");
    // A co-participant sees nobody while the list is off (R14), and name and e-mail when on.
    let (_, off) = emil.get(&format!("{ORG}/courses/{}", courses[0])).await;
    assert!(off.get("co_participants").is_none(), "{off}");
    let (_, on) = emil.get(&format!("{ORG}/courses/{}", courses[1])).await;
    let list = on["co_participants"].as_array().expect("list");
    assert!(
        list.iter().any(|p| p["email"] == "ansatt@demo.tavle.no"),
        "{on}"
    );
    // A learner is not course staff: the participant list of the course is not theirs.
    let (status, _) = emil
        .get(&format!("{ORG}/courses/{}/participants", courses[1]))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn nothing_of_a_person_reaches_another_organisation(app: TestApp) {
    let other = other_org(&app).await;
    let admin = app.api_login("admin@demo.tavle.no").await;
    let kari = app.person_id(&admin, "ansatt").await;
    // The other organisation's admin: not through its own organisation's path …
    let (status, _) = other
        .admin
        .get(&format!("/api/v1/organisations/other/people/{kari}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // … nor through ours.
    let (status, _) = other.admin.get(&format!("{ORG}/people/{kari}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, list) = other.admin.get("/api/v1/organisations/other/people").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!list.to_string().contains("demo.tavle.no"), "{list}");
    // And ours sees nothing of theirs.
    let (status, _) = admin
        .get(&format!(
            "/api/v1/organisations/other/people/{}",
            other.member_id
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = admin
        .get(&format!("{ORG}/people/{}", other.member_id))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
