//! Who sees what of another person (issue 5, "Visibility"): the registry against a table of
//! the default visibility written here by hand, a matrix generated from the registry that
//! reads every person field through the HTTP API as every relation the demo can set up, and
//! cross-organisation isolation.

use std::collections::{BTreeMap, BTreeSet};

use domain::access::Relation;
use domain::registry::{Condition, Viewer, registry};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both_backends;
use crate::harness::{Api, TestApp, other_org};

both_backends!(
    every_person_field_is_shown_or_withheld_through_the_api_exactly_as_the_registry_grants,
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
        &["people.birth_date", "memberships.employee_number"],
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
