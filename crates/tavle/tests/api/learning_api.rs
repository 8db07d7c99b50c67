//! The learning core's JSON API: courses and activities, enrollment, taking every kind of
//! activity, completion and certificates, teaching, requirements, sharing, discussion and
//! reports. Courses are made through the API in each test (no learning demo data is assumed);
//! the helpers that make them are shared with `visibility.rs`.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::both_backends;
use crate::harness::{Api, TestApp, field_errors, other_org};

both_backends!(
    admins_build_courses_with_modules_and_every_kind_of_activity_and_learners_see_only_what_is_theirs,
    learners_enroll_themselves_and_managers_and_admins_assign_people_and_whole_units,
    completing_the_required_activities_issues_a_certificate_with_expiry_and_a_retake_keeps_the_history,
    a_pass_mark_course_completes_on_quiz_points,
    queued_changes_to_several_activities_are_checked_together_and_recorded_all_or_nothing,
    quizzes_grade_answers_refuse_a_repeated_attempt_and_stop_at_the_limit_and_when_the_course_closes,
    assignments_take_allowed_files_refuse_large_and_executable_ones_and_keep_them_from_other_learners,
    anonymous_surveys_keep_no_link_to_the_person_and_show_results_from_five_answers_identified_ones_name_who_answered,
    events_fill_their_places_then_the_waiting_list_take_attendance_and_refuse_registration_once_closed,
    external_records_with_proof_are_approved_by_the_admin_and_complete_the_activity,
    requirements_show_met_due_and_overdue_on_the_dashboard_and_in_the_matrix,
    shared_courses_reach_the_partners_people_and_unshared_courses_of_another_organisation_are_not_found,
    discussion_posts_are_edited_and_deleted_by_their_authors_only,
    the_completion_report_comes_as_json_and_csv_for_admins_and_report_viewers_only,
    participant_lists_are_off_by_default_and_show_co_participants_when_on,
    the_openapi_document_describes_the_learning_api_and_every_schema_it_refers_to,
    api_tokens_reach_the_learning_api_within_their_scopes,
);

const ORG: &str = "/api/v1/organisations/demo";

pub(crate) const QUIZ: &str = "What does fire need?\n[x] Heat\n[x] Fuel\n[ ] Water\n> Take one away and it goes out.\n\nWhich extinguisher for an electrical fire?\n(x) CO2\n( ) Water";
const RIGHT: &str = "[[0,1],[0]]";

pub(crate) fn right() -> Value {
    serde_json::from_str(RIGHT).expect("answers")
}

fn merged(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    base
}

/// Creates an open, self-enrollable course of the demo organisation; returns its id and the
/// id of its first module.
pub(crate) async fn course(admin: &Api, extra: Value) -> (String, String) {
    let body = merged(
        json!({"title": "Brannvern", "status": "open", "self_enrollment": true}),
        extra,
    );
    let (status, c) = admin.post(&format!("{ORG}/courses"), body).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    (
        c["course"]["id"].as_str().expect("course id").to_owned(),
        c["modules"][0]["id"]
            .as_str()
            .expect("module id")
            .to_owned(),
    )
}

/// Adds a required activity; returns its id.
pub(crate) async fn activity(admin: &Api, course: &str, module: &str, extra: Value) -> String {
    let body = merged(
        json!({"module_id": module, "title": "Aktivitet", "required": true}),
        extra,
    );
    let (status, a) = admin
        .post(&format!("{ORG}/courses/{course}/activities"), body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    a["id"].as_str().expect("activity id").to_owned()
}

pub(crate) async fn content(admin: &Api, course: &str, module: &str) -> String {
    activity(
        admin,
        course,
        module,
        json!({"kind": "content", "body": "# Les dette\n\nTekst."}),
    )
    .await
}

pub(crate) async fn enroll(api: &Api, course: &str) {
    let (status, e) = api
        .post(&format!("{ORG}/courses/{course}/enrollment"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{e}");
}

pub(crate) async fn done(api: &Api, course: &str, activity: &str) -> Value {
    let (status, p) = api
        .post(
            &format!("{ORG}/courses/{course}/activities/{activity}/progress"),
            json!({"seconds": 30, "done": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    p
}

/// Posts a multipart form with the API client's session and CSRF header.
pub(crate) async fn upload(api: &Api, path: &str, form: Form) -> (StatusCode, Value) {
    let r = api
        .browser
        .client
        .post(format!("{}{path}", api.browser.base))
        .header("x-csrf-token", &api.csrf)
        .multipart(form)
        .send()
        .await
        .expect("send");
    let status = r.status();
    let text = r.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

pub(crate) fn file(bytes: Vec<u8>, name: &str) -> Form {
    Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()))
}

pub(crate) async fn fetch(api: &Api, path: &str) -> (StatusCode, String, String, Vec<u8>) {
    let r = api.browser.get(path).await;
    let status = r.status();
    let header = |name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let (kind, disposition) = (header("content-type"), header("content-disposition"));
    let body = r.bytes().await.expect("body").to_vec();
    (status, kind, disposition, body)
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

async fn execute(app: &TestApp, sql: &'static str, at: time::OffsetDateTime, id: &str) {
    let id: uuid::Uuid = id.parse().expect("uuid");
    match &app.store {
        store::Store::Sqlite(pool) => sqlx::query(sql)
            .bind(at)
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ()),
        store::Store::Postgres(pool) => sqlx::query(sql)
            .bind(at)
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ()),
    }
    .expect("update");
}

async fn count(app: &TestApp, sql: &'static str, id: &str) -> i64 {
    let id: uuid::Uuid = id.parse().expect("uuid");
    match &app.store {
        store::Store::Sqlite(pool) => sqlx::query_scalar(sql).bind(id).fetch_one(pool).await,
        store::Store::Postgres(pool) => sqlx::query_scalar(sql).bind(id).fetch_one(pool).await,
    }
    .expect("count")
}

async fn admins_build_courses_with_modules_and_every_kind_of_activity_and_learners_see_only_what_is_theirs(
    app: TestApp,
) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let learner = app.api_login("ansatt@demo.tavle.no").await;
    // Only administrators create courses; anyone else finds no such place.
    let (status, _) = learner
        .post(&format!("{ORG}/courses"), json!({"title": "Nei"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, problem) = admin
        .post(
            &format!("{ORG}/courses"),
            json!({"title": " ", "language": "de", "completion_rule": "pass_mark"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&problem),
        [
            "title:required",
            "language:invalid_language",
            "pass_mark:required"
        ]
    );
    let (id, first) = course(
        &admin,
        json!({"summary": "Om **brann**", "tags": ["HMS", "brann"], "language": "nb"}),
    )
    .await;
    let base = format!("{ORG}/courses/{id}");
    let (status, m) = admin
        .post(&format!("{base}/modules"), json!({"title": "Del 2"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let second = m["id"].as_str().expect("module").to_owned();
    let (status, _) = admin
        .put(
            &format!("{base}/modules/{second}"),
            json!({"title": "Del to"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let page = content(&admin, &id, &first).await;
    let quiz = activity(
        &admin,
        &id,
        &first,
        json!({"kind": "quiz", "title": "Test", "questions": QUIZ, "pass_mark": 100, "feedback": true}),
    )
    .await;
    activity(
        &admin,
        &id,
        &second,
        json!({"kind": "assignment", "title": "Oppgave", "instructions": "Skriv", "allowed_types": ["pdf", "txt"]}),
    )
    .await;
    activity(
        &admin,
        &id,
        &second,
        json!({"kind": "survey", "title": "Evaluering", "required": false, "anonymous": true,
               "survey_questions": "Nyttig? (scale)"}),
    )
    .await;
    activity(
        &admin,
        &id,
        &second,
        json!({"kind": "event", "title": "Øvelse", "starts_at": "2030-03-01T09:00", "ends_at": "2030-03-01T15:00",
               "place": "Rådhuset", "capacity": 20, "registration_fields": ["name", "email"]}),
    )
    .await;
    activity(
        &admin,
        &id,
        &second,
        json!({"kind": "external_record", "title": "Varme arbeider", "instructions": "Last opp sertifikatet",
               "proof_required": true}),
    )
    .await;
    let (status, problem) = admin
        .post(
            &format!("{base}/activities"),
            json!({"module_id": first, "kind": "quiz", "title": "Feil", "questions": "Q\n(x) a\n(x) b"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), ["questions:quiz_one_right_answer"]);
    let (status, c) = admin.get(&base).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["modules"][1]["title"], "Del to");
    let kinds: Vec<&str> = c["modules"]
        .as_array()
        .expect("modules")
        .iter()
        .flat_map(|m| m["activities"].as_array().expect("activities"))
        .filter_map(|a| a["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "content",
            "quiz",
            "assignment",
            "survey",
            "event",
            "external_record"
        ]
    );
    assert_eq!(c["course"]["tags"], json!(["hms", "brann"]));
    assert!(c["access"]["can_edit"] == true);
    // The catalogue filters by words, tag and language.
    let (_, found) = admin.get(&format!("{ORG}/courses?q=brann&tag=hms")).await;
    assert!(
        found
            .as_array()
            .expect("list")
            .iter()
            .any(|x| x["id"] == id)
    );
    let (_, none) = admin.get(&format!("{ORG}/courses?language=en")).await;
    assert!(!none.as_array().expect("list").iter().any(|x| x["id"] == id));
    // An editor sees the whole quiz, right answers and its form included.
    let (_, q) = admin.get(&format!("{base}/activities/{quiz}")).await;
    assert_eq!(q["settings"]["questions"][0]["options"][0]["correct"], true);
    assert_eq!(q["input"]["kind"], "quiz");
    // Editing keeps the kind.
    let (status, problem) = admin
        .put(
            &format!("{base}/activities/{page}"),
            json!({"kind": "quiz", "title": "Nei", "questions": QUIZ}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), ["kind:kind_cannot_change"]);
    let (status, edited) = admin
        .put(
            &format!("{base}/activities/{page}"),
            json!({"kind": "content", "title": "Les", "body": "Ny tekst", "required": "on"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["content"]["body"], "Ny tekst");
    // A learner sees the course, but an activity only once enrolled, and never the answers.
    let (status, c) = learner.get(&base).await;
    assert_eq!(status, StatusCode::OK);
    assert!(c["access"]["can_edit"] == false && c["access"]["can_self_enroll"] == true);
    assert!(
        c["provider_notice"].is_null(),
        "their own organisation's course"
    );
    let (status, problem) = learner.get(&format!("{base}/activities/{quiz}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["code"], "not_enrolled");
    enroll(&learner, &id).await;
    let (status, q) = learner.get(&format!("{base}/activities/{quiz}")).await;
    assert_eq!(status, StatusCode::OK, "{q}");
    assert!(q.get("settings").is_none() && q.get("input").is_none());
    assert!(!q.to_string().contains("correct"), "{q}");
    assert!(q["content"]["questions"][0].get("right_options").is_none());
    assert_eq!(q["content"]["questions"][0]["options"][2], "Water");
    // Learners do not edit.
    let (status, problem) = learner.put(&base, json!({"title": "Mitt kurs"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["code"], "forbidden");
    // A draft is for its staff only.
    let (draft, _) = course(&admin, json!({"title": "Utkast", "status": "draft"})).await;
    let (status, _) = learner.get(&format!("{ORG}/courses/{draft}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = learner.get(&format!("{ORG}/courses")).await;
    assert!(
        !list
            .as_array()
            .expect("list")
            .iter()
            .any(|x| x["id"] == draft)
    );
    let (_, list) = admin.get(&format!("{ORG}/courses")).await;
    assert!(
        list.as_array()
            .expect("list")
            .iter()
            .any(|x| x["id"] == draft)
    );
    // Unknown ids are not found.
    let (status, _) = admin
        .get(&format!("{ORG}/courses/{}", uuid::Uuid::now_v7()))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = admin.get(&format!("{ORG}/courses/nope")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn learners_enroll_themselves_and_managers_and_admins_assign_people_and_whole_units(
    app: TestApp,
) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let manager = app.api_login("leder@demo.tavle.no").await;
    let ekstern = app.api_login("ekstern@demo.tavle.no").await;
    let (id, module) = course(&admin, json!({})).await;
    content(&admin, &id, &module).await;
    enroll(&ekstern, &id).await;
    let (status, problem) = ekstern
        .post(&format!("{ORG}/courses/{id}/enrollment"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["code"], "already_enrolled");
    let (closed, _) = course(
        &admin,
        json!({"title": "Tildelt", "self_enrollment": false}),
    )
    .await;
    let (status, problem) = ekstern
        .post(&format!("{ORG}/courses/{closed}/enrollment"), json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["code"], "self_enrollment_closed");
    // A manager assigns their own people, and nobody else.
    let laerer = app.person_id(&admin, "laerer").await;
    let ansatt = app.person_id(&admin, "ansatt").await;
    let anne = app.person_id(&admin, "admin").await;
    let path = format!("{ORG}/courses/{closed}/assignments");
    let (status, problem) = manager.post(&path, json!({"people": [laerer, anne]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), ["people:invalid_choice"]);
    let (status, r) = manager
        .post(&path, json!({"people": [laerer, ansatt]}))
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["enrolled"], 2);
    let (status, _) = manager.post(&path, json!({"unit": "x"})).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "units are for administrators"
    );
    // An administrator enrolls a whole unit with its sub-units; those enrolled already are
    // skipped.
    let (status, unit) = admin
        .post(&format!("{ORG}/units"), json!({"name": "Kurslag"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{unit}");
    let team = unit["id"].as_str().expect("unit").to_owned();
    let (status, sub) = admin
        .post(
            &format!("{ORG}/units"),
            json!({"name": "Kurslag nord", "parent_id": team}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sub}");
    let sub = sub["id"].as_str().expect("unit").to_owned();
    for (given, email, unit) in [
        ("Una", "una@demo.tavle.no", &team),
        ("Ulf", "ulf@demo.tavle.no", &sub),
        ("Ulla", "ulla@demo.tavle.no", &team),
    ] {
        let (status, created) = admin
            .post(
                &format!("{ORG}/people"),
                json!({"person": {"given_name": given, "family_name": "Unit", "email": email, "birth_date": "1990-01-01"},
                       "membership": {"kind": "employee", "unit_id": unit}}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
    }
    let ulla = app.person_id(&admin, "ulla").await;
    let (status, r) = admin.post(&path, json!({"people": [ulla]})).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["enrolled"], 1);
    let (status, r) = admin.post(&path, json!({"unit": team})).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(
        r["enrolled"], 2,
        "Una and Ulf of the sub-unit; Ulla was enrolled"
    );
    let (status, problem) = admin
        .post(&path, json!({"unit": uuid::Uuid::now_v7().to_string()}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), ["unit_id:invalid_choice"]);
    let (status, people) = admin
        .get(&format!("{ORG}/courses/{closed}/participants"))
        .await;
    assert_eq!(status, StatusCode::OK, "{people}");
    let source = |email: &str| {
        people
            .as_array()
            .and_then(|p| p.iter().find(|x| x["email"] == email))
            .map(|x| x["source"].clone())
            .unwrap_or(Value::Null)
    };
    assert_eq!(source("laerer@demo.tavle.no"), "manager");
    assert_eq!(source("ulf@demo.tavle.no"), "admin");
    // The assigned see it among their courses in progress.
    let (_, dash) = manager.get("/api/v1/me/learning").await;
    assert!(
        !dash["in_progress"]
            .as_array()
            .expect("list")
            .iter()
            .any(|e| e["course_id"] == closed),
        "the manager assigned others, not themself"
    );
    let lise = app.api_login("laerer@demo.tavle.no").await;
    let (_, dash) = lise.get("/api/v1/me/learning").await;
    assert!(
        dash["in_progress"]
            .as_array()
            .expect("list")
            .iter()
            .any(|e| e["course_id"] == closed && e["source"] == "manager"),
        "{dash}"
    );
    // Learners do not see the participants.
    let (status, _) = ekstern
        .get(&format!("{ORG}/courses/{id}/participants"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn queued_changes_to_several_activities_are_checked_together_and_recorded_all_or_nothing(
    app: TestApp,
) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let learner = app.api_login("ansatt@demo.tavle.no").await;
    let (id, module) = course(&admin, json!({})).await;
    let one = content(&admin, &id, &module).await;
    let two = content(&admin, &id, &module).await;
    let quiz = activity(
        &admin,
        &id,
        &module,
        json!({"kind": "quiz", "required": false, "questions": QUIZ}),
    )
    .await;
    let (other, other_module) = course(&admin, json!({})).await;
    let elsewhere = content(&admin, &other, &other_module).await;
    let path = format!("{ORG}/courses/{id}/progress");
    let change = |activity: &str, seconds: u32, done: bool| json!({"activity_id": activity, "seconds": seconds, "done": done});
    // Not enrolled: refused, nothing recorded.
    let (status, problem) = learner
        .post(&path, json!({"changes": [change(&one, 10, false)]}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(problem["code"], "not_enrolled");
    enroll(&learner, &id).await;
    // Every refused change is named; none of the good ones is kept.
    let (status, problem) = learner
        .post(
            &path,
            json!({"changes": [
                change(&one, 10, true),
                change(&elsewhere, 10, false),
                change(&quiz, 10, true),
                change("not-an-id", 1, false),
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(
        field_errors(&problem),
        [
            "changes.1.activity_id:not_in_course",
            "changes.2.done:done_by_the_activity",
            "changes.3.activity_id:not_in_course",
        ]
    );
    let (_, c) = learner.get(&format!("{ORG}/courses/{id}")).await;
    assert!(
        c["modules"][0]["activities"][0]["progress"].is_null(),
        "nothing recorded: {c}"
    );
    let (status, problem) = learner.post(&path, json!({"changes": []})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), ["changes:required"]);
    let many: Vec<Value> = (0..201).map(|_| change(&one, 1, false)).collect();
    let (status, problem) = learner.post(&path, json!({"changes": many})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), ["changes:too_many"]);
    // Changes to the same activity add up; the answer is the completion after all of them.
    let (status, p) = learner
        .post(
            &path,
            json!({"changes": [
                change(&one, 20, false),
                change(&quiz, 15, false),
                change(&one, 25, true),
            ]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!(
        (
            p["required_done"].clone(),
            p["required_total"].clone(),
            p["complete"].clone()
        ),
        (json!(1), json!(2), json!(false))
    );
    let (_, c) = learner.get(&format!("{ORG}/courses/{id}")).await;
    let activities = &c["modules"][0]["activities"];
    assert_eq!(activities[0]["progress"]["status"], "done");
    assert_eq!(activities[0]["progress"]["time_spent_seconds"], 45);
    assert_eq!(activities[2]["progress"]["status"], "in_progress");
    assert_eq!(activities[2]["progress"]["time_spent_seconds"], 15);
    assert_eq!(c["enrollment"]["time_spent_seconds"], 60, "{c}");
    // The last required page completes the course and issues its completion in the same answer.
    let (status, p) = learner
        .post(&path, json!({"changes": [change(&two, 5, true)]}))
        .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert!(p["complete"] == true && p["completed_now"] == true, "{p}");
}

async fn completing_the_required_activities_issues_a_certificate_with_expiry_and_a_retake_keeps_the_history(
    app: TestApp,
) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let learner = app.api_login("ansatt@demo.tavle.no").await;
    let (id, module) = course(
        &admin,
        json!({"certificate": true, "certificate_validity_months": 12}),
    )
    .await;
    let one = content(&admin, &id, &module).await;
    let two = content(&admin, &id, &module).await;
    let quiz = activity(
        &admin,
        &id,
        &module,
        json!({"kind": "quiz", "required": false, "questions": QUIZ}),
    )
    .await;
    // Not enrolled: nothing is recorded.
    let (status, problem) = learner
        .post(
            &format!("{ORG}/courses/{id}/activities/{one}/progress"),
            json!({"seconds": 30, "done": false}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["code"], "not_enrolled");
    enroll(&learner, &id).await;
    let (status, p) = learner
        .post(
            &format!("{ORG}/courses/{id}/activities/{one}/progress"),
            json!({"seconds": 30, "done": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!(
        (p["required_done"].clone(), p["complete"].clone()),
        (json!(0), json!(false))
    );
    let (status, problem) = learner
        .post(
            &format!("{ORG}/courses/{id}/activities/{quiz}/progress"),
            json!({"seconds": 5, "done": true}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["code"], "done_by_the_activity");
    let p = done(&learner, &id, &one).await;
    assert_eq!(
        (p["required_done"].clone(), p["required_total"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(p["complete"], false);
    let p = done(&learner, &id, &two).await;
    assert!(p["complete"] == true && p["completed_now"] == true, "{p}");
    let certificate = p["certificate_id"]
        .as_str()
        .expect("certificate")
        .to_owned();
    let expected = domain::learning::progress::certificate_expiry(today(), Some(12))
        .expect("expiry")
        .to_string();
    let (status, c) = learner
        .get(&format!("/api/v1/me/certificates/{certificate}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["expires_on"], expected.as_str());
    assert_eq!(c["issued_on"], today().to_string().as_str());
    assert_eq!(c["holder_name"], "Kari Nordmann");
    let (_, list) = learner.get("/api/v1/me/certificates").await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    // Another person's certificate is not found.
    let other = app.api_login("elev@demo.tavle.no").await;
    let (status, _) = other
        .get(&format!("/api/v1/me/certificates/{certificate}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The course page shows the activities done.
    let (_, c) = learner.get(&format!("{ORG}/courses/{id}")).await;
    assert_eq!(c["enrollment"]["status"], "completed");
    assert_eq!(
        c["modules"][0]["activities"][0]["progress"]["status"],
        "done"
    );
    assert_eq!(
        c["modules"][0]["activities"][0]["progress"]["time_spent_seconds"],
        60
    );
    // A completed course cannot be worked on; a re-take starts afresh and keeps the history.
    let (status, problem) = learner
        .post(
            &format!("{ORG}/courses/{id}/activities/{one}/progress"),
            json!({"seconds": 30, "done": false}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["code"], "course_completed");
    let (status, r) = learner
        .post(&format!("{ORG}/courses/{id}/retake"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let (status, problem) = learner
        .post(&format!("{ORG}/courses/{id}/retake"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["code"], "already_enrolled");
    let (_, history) = learner.get("/api/v1/me/enrollments").await;
    let mine: Vec<&Value> = history
        .as_array()
        .expect("list")
        .iter()
        .filter(|e| e["course_id"] == id)
        .collect();
    assert_eq!(mine.len(), 2, "{history}");
    assert_eq!(mine[0]["status"], "active");
    assert_eq!(mine[0]["id"], r["enrollment_id"]);
    assert_eq!(mine[1]["status"], "completed");
    assert_eq!(mine[1]["certificate"]["id"], certificate.as_str());
    assert_eq!(mine[1]["course_title"], "Brannvern");
    let (_, c) = learner.get(&format!("{ORG}/courses/{id}")).await;
    assert_eq!(c["enrollment"]["status"], "active");
    assert!(c["modules"][0]["activities"][0]["progress"].is_null());
    // Completing a refresher course renews the certificate of the course it refreshes.
    let (refresher, module) = course(&admin, json!({"title": "Brannvern oppfriskning"})).await;
    let short = content(&admin, &refresher, &module).await;
    let (status, problem) = admin
        .post(
            &format!("{ORG}/courses"),
            json!({"title": "Feil", "refresher_course_id": uuid::Uuid::now_v7().to_string()}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&problem),
        ["refresher_course_id:invalid_choice"]
    );
    let (main, module) = course(
        &admin,
        json!({"title": "Brannvern grunnkurs", "certificate": true, "certificate_validity_months": 36,
               "refresher_course_id": refresher}),
    )
    .await;
    let long = content(&admin, &main, &module).await;
    let emil = app.api_login("elev@demo.tavle.no").await;
    enroll(&emil, &main).await;
    done(&emil, &main, &long).await;
    enroll(&emil, &refresher).await;
    let p = done(&emil, &refresher, &short).await;
    assert!(
        p["certificate_id"].is_null(),
        "the refresher gives none of its own"
    );
    let (_, list) = emil.get("/api/v1/me/certificates").await;
    let renewed = list
        .as_array()
        .expect("list")
        .iter()
        .filter(|c| c["course_id"] == main)
        .count();
    assert_eq!(renewed, 2, "{list}");
    // A learner who never completed it cannot re-take it.
    let (status, problem) = other
        .post(&format!("{ORG}/courses/{id}/retake"), json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["code"], "not_enrolled");
}

async fn a_pass_mark_course_completes_on_quiz_points(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let learner = app.api_login("ansatt@demo.tavle.no").await;
    let (id, module) = course(
        &admin,
        json!({"completion_rule": "pass_mark", "pass_mark": 50}),
    )
    .await;
    let quiz = activity(
        &admin,
        &id,
        &module,
        json!({"kind": "quiz", "questions": QUIZ, "pass_mark": 100}),
    )
    .await;
    content(&admin, &id, &module).await;
    enroll(&learner, &id).await;
    // Half the points: the quiz is not passed, but the course's pass mark is reached.
    let (status, r) = learner
        .post(
            &format!("{ORG}/courses/{id}/activities/{quiz}/quiz-attempts"),
            json!({"attempt": 1, "answers": [[0], [0]]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert_eq!(
        (r["points"].clone(), r["passed"].clone()),
        (json!(1), json!(false))
    );
    assert_eq!(r["completion"]["complete"], true, "{r}");
    assert_eq!(r["completion"]["quiz_points"], 1);
    assert!(r["feedback"].is_null(), "this quiz gives no feedback");
}

async fn quizzes_grade_answers_refuse_a_repeated_attempt_and_stop_at_the_limit_and_when_the_course_closes(
    app: TestApp,
) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let learner = app.api_login("ansatt@demo.tavle.no").await;
    let (id, module) = course(&admin, json!({"title": "Quizkurs"})).await;
    let limited = activity(
        &admin,
        &id,
        &module,
        json!({"kind": "quiz", "questions": QUIZ, "attempts_limit": 2, "feedback": true}),
    )
    .await;
    let open = activity(
        &admin,
        &id,
        &module,
        json!({"kind": "quiz", "questions": QUIZ}),
    )
    .await;
    let last = activity(
        &admin,
        &id,
        &module,
        json!({"kind": "quiz", "questions": QUIZ}),
    )
    .await;
    enroll(&learner, &id).await;
    let attempt = |quiz: &str| format!("{ORG}/courses/{id}/activities/{quiz}/quiz-attempts");
    let (status, r) = learner
        .post(
            &attempt(&limited),
            json!({"attempt": 1, "answers": [[0], [1]]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert_eq!(r["passed"], false);
    assert_eq!(r["points"], 0);
    assert_eq!(r["feedback"][0]["right_options"], json!([0, 1]));
    assert_eq!(
        r["feedback"][0]["explanation"],
        "Take one away and it goes out."
    );
    assert_eq!(r["feedback"][1]["correct"], false);
    // The same attempt sent again is refused.
    let (status, problem) = learner
        .post(
            &attempt(&limited),
            json!({"attempt": 1, "answers": right()}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["code"], "attempt_already_submitted");
    // After an attempt with feedback the learner sees the right answers.
    let (_, q) = learner
        .get(&format!("{ORG}/courses/{id}/activities/{limited}"))
        .await;
    assert_eq!(q["content"]["questions"][0]["right_options"], json!([0, 1]));
    assert_eq!(q["content"]["questions"][0]["correct"], false);
    assert_eq!(q["attempts"].as_array().map(Vec::len), Some(1));
    let (status, r) = learner
        .post(
            &attempt(&limited),
            json!({"attempt": 2, "answers": [[0], [1]]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let (_, q) = learner
        .get(&format!("{ORG}/courses/{id}/activities/{limited}"))
        .await;
    assert_eq!(q["progress"]["status"], "failed");
    assert_eq!(q["progress"]["attempts"], 2);
    let (status, problem) = learner
        .post(
            &attempt(&limited),
            json!({"attempt": 3, "answers": right()}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["code"], "attempts_used_up");
    // Answers that do not fit the quiz are field errors.
    let (status, problem) = learner
        .post(&attempt(&open), json!({"attempt": 1, "answers": [[0]]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), ["answers:answer_every_question"]);
    let (status, problem) = learner
        .post(
            &attempt(&open),
            json!({"attempt": 1, "answers": [[0, 1], [0, 1]]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), ["q1:invalid_choice"]);
    // Right answers pass; a passed quiz takes no more attempts.
    let (status, r) = learner
        .post(&attempt(&open), json!({"attempt": 1, "answers": right()}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert_eq!(
        (r["points"].clone(), r["max_points"].clone()),
        (json!(2), json!(2))
    );
    assert_eq!(r["passed"], true);
    assert_eq!(r["percent"], 100);
    let (status, problem) = learner
        .post(&attempt(&open), json!({"attempt": 2, "answers": right()}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["code"], "quiz_already_passed");
    // Once the course is closed, no new work is taken.
    let (status, c) = admin
        .put(
            &format!("{ORG}/courses/{id}"),
            json!({"title": "Quizkurs", "status": "closed", "self_enrollment": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["course"]["status"], "closed");
    let (status, problem) = learner
        .post(&attempt(&last), json!({"attempt": 1, "answers": right()}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["code"], "course_closed");
}

async fn assignments_take_allowed_files_refuse_large_and_executable_ones_and_keep_them_from_other_learners(
    app: TestApp,
) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (id, module) = course(&admin, json!({"title": "Skrivekurs"})).await;
    let task = activity(
        &admin,
        &id,
        &module,
        json!({"kind": "assignment", "instructions": "Skriv en tekst", "allowed_types": "pdf, txt",
               "max_megabytes": 1}),
    )
    .await;
    let (status, problem) = admin
        .post(
            &format!("{ORG}/courses/{id}/staff"),
            json!({"email": "nobody@demo.tavle.no", "role": "teacher"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), ["email:unknown_person"]);
    let (status, _) = admin
        .post(
            &format!("{ORG}/courses/{id}/staff"),
            json!({"email": "laerer@demo.tavle.no", "role": "teacher"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let teacher = app.api_login("laerer@demo.tavle.no").await;
    let kari = app.api_login("ansatt@demo.tavle.no").await;
    let emil = app.api_login("elev@demo.tavle.no").await;
    enroll(&kari, &id).await;
    enroll(&emil, &id).await;
    let path = format!("{ORG}/courses/{id}/activities/{task}/submissions");
    let essay = b"Brann trenger varme, brensel og oksygen.\n".to_vec();
    let form = file(essay.clone(), "min tekst.txt").text("comment", "Her er den");
    let (status, s) = upload(&kari, &path, form).await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    assert_eq!(s["version"], 1);
    assert!(s["grade"].is_null());
    let url = s["file_url"].as_str().expect("url").to_owned();
    // The learner and the teacher read it; another learner does not.
    let (status, kind, disposition, body) = fetch(&kari, &url).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "text/plain; charset=utf-8");
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("min tekst.txt"), "{disposition}");
    assert_eq!(body, essay);
    let (status, ..) = fetch(&teacher, &url).await;
    assert_eq!(status, StatusCode::OK);
    let (status, ..) = fetch(&emil, &url).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, ..) = fetch(&kari, &url.replace("/demo/", "/other/")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Too large, or not a document of an allowed type by its bytes: refused, nothing kept.
    let stored_files = || crate::harness::files_in(&app.data_dir().join("files"));
    let before = stored_files();
    for size in [1024 * 1024 + 1, 6 * 1024 * 1024] {
        let big = vec![b'a'; size];
        let (status, problem) = upload(&emil, &path, file(big, "stor.txt")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(field_errors(&problem), ["file:file_too_large"]);
    }
    let mut elf = b"\x7fELF\x02\x01\x01\x00".to_vec();
    elf.resize(256, 0);
    let (status, problem) = upload(&emil, &path, file(elf, "oppgave.pdf")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(field_errors(&problem), ["file:file_type_not_allowed"]);
    let (status, problem) = upload(&emil, &path, Form::new().text("comment", "glemte filen")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), ["file:required"]);
    let (_, a) = emil
        .get(&format!("{ORG}/courses/{id}/activities/{task}"))
        .await;
    assert!(a["submission"].is_null(), "{a}");
    assert_eq!(
        stored_files(),
        before,
        "refused uploads leave no file behind"
    );
    // One submission waits for its grade at a time.
    let (status, problem) = upload(&kari, &path, file(b"Ny versjon".to_vec(), "v2.txt")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["code"], "submission_awaits_grading");
    // The teacher's queue; learners do not grade.
    let (status, queue) = teacher.get(&format!("{ORG}/courses/{id}/grading")).await;
    assert_eq!(status, StatusCode::OK, "{queue}");
    assert_eq!(queue.as_array().map(Vec::len), Some(1));
    assert_eq!(queue[0]["learner"], "Kari Nordmann");
    let submission = queue[0]["id"].as_str().expect("id").to_owned();
    let grade = format!("{ORG}/courses/{id}/submissions/{submission}/grade");
    let (status, problem) = kari.put(&grade, json!({"grade": "passed"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["code"], "forbidden");
    let (status, problem) = teacher.put(&grade, json!({"grade": "great"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), ["grade:invalid_choice"]);
    let (status, _) = teacher
        .put(
            &grade,
            json!({"grade": "not_passed", "comment": "Mangler kilder"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, a) = kari
        .get(&format!("{ORG}/courses/{id}/activities/{task}"))
        .await;
    assert_eq!(a["submission"]["grade"], "not_passed");
    assert_eq!(a["submission"]["comment"], "Mangler kilder");
    // This assignment takes no second try.
    let (status, problem) = upload(&kari, &path, file(b"Ny versjon".to_vec(), "v2.txt")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["code"], "resubmission_not_allowed");
    // A submission of another course's learner is not this course's to grade.
    let (other, other_module) = course(&admin, json!({"title": "Annet"})).await;
    activity(
        &admin,
        &other,
        &other_module,
        json!({"kind": "content", "body": "x"}),
    )
    .await;
    let (status, _) = admin
        .put(
            &format!("{ORG}/courses/{other}/submissions/{submission}/grade"),
            json!({"grade": "passed"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn anonymous_surveys_keep_no_link_to_the_person_and_show_results_from_five_answers_identified_ones_name_who_answered(
    app: TestApp,
) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (id, module) = course(&admin, json!({"title": "Evalueringskurs"})).await;
    let questions =
        "Hvor nyttig? (scale)\n\nHva kan bli bedre? (text)\n\nBeste del?\n- Teori\n- Praksis";
    let anonymous = activity(
        &admin,
        &id,
        &module,
        json!({"kind": "survey", "anonymous": true, "survey_questions": questions}),
    )
    .await;
    let identified = activity(
        &admin,
        &id,
        &module,
        json!({"kind": "survey", "anonymous": false, "survey_questions": questions}),
    )
    .await;
    let results = format!("{ORG}/courses/{id}/activities/{anonymous}/survey-results");
    let mut learners = Vec::new();
    for key in ["ansatt", "laerer", "elev", "ekstern", "rapport"] {
        let api = app.api_login(&format!("{key}@demo.tavle.no")).await;
        enroll(&api, &id).await;
        learners.push(api);
    }
    let answer =
        |activity: &str| format!("{ORG}/courses/{id}/activities/{activity}/survey-responses");
    let (status, problem) = learners[0]
        .post(&answer(&anonymous), json!({"answers": [9, "", null]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&problem),
        ["a0:invalid_choice", "answers:answer_something"]
    );
    for (i, learner) in learners.iter().enumerate() {
        let (status, problem) = learner
            .post(
                &answer(&anonymous),
                json!({"answers": [5, "Mer praksis", 1]}),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{problem}");
        let (status, r) = admin.get(&results).await;
        assert_eq!(status, StatusCode::OK, "{r}");
        assert_eq!(r["responses"], i + 1);
        if i < 4 {
            assert!(r["results"].is_null(), "hidden under five answers: {r}");
        } else {
            assert_eq!(r["results"][0]["counts"], json!([0, 0, 0, 0, 5]));
            assert_eq!(r["results"][1]["texts"].as_array().map(Vec::len), Some(5));
            assert_eq!(r["results"][2]["counts"], json!([0, 5]));
            assert!(r.get("identified").is_none());
        }
    }
    // Nothing links an anonymous answer to its enrollment.
    let linked = count(
        &app,
        "SELECT COUNT(*) FROM survey_responses WHERE activity_id = $1 AND enrollment_id IS NOT NULL",
        &anonymous,
    )
    .await;
    assert_eq!(linked, 0);
    let (status, problem) = learners[0]
        .post(&answer(&anonymous), json!({"answers": [4, "", null]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), ["answers:survey_already_answered"]);
    let (_, a) = learners[0]
        .get(&format!("{ORG}/courses/{id}/activities/{anonymous}"))
        .await;
    assert_eq!(a["progress"]["status"], "done");
    // An identified survey names who answered what (the learner was told); results still
    // wait for five answers.
    let (status, _) = learners[0]
        .post(&answer(&identified), json!({"answers": ["3", "", "0"]}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, r) = admin
        .get(&format!(
            "{ORG}/courses/{id}/activities/{identified}/survey-results"
        ))
        .await;
    assert_eq!(r["anonymous"], false);
    assert!(r["results"].is_null());
    assert_eq!(r["identified"][0]["name"], "Kari Nordmann");
    assert_eq!(r["identified"][0]["answers"], json!([3, null, 0]));
    let linked = count(
        &app,
        "SELECT COUNT(*) FROM survey_responses WHERE activity_id = $1 AND enrollment_id IS NOT NULL",
        &identified,
    )
    .await;
    assert_eq!(linked, 1);
    // Learners do not see results.
    let (status, _) = learners[1].get(&results).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn events_fill_their_places_then_the_waiting_list_take_attendance_and_refuse_registration_once_closed(
    app: TestApp,
) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (id, module) = course(&admin, json!({"title": "Kurs med samling"})).await;
    let event = activity(
        &admin,
        &id,
        &module,
        json!({"kind": "event", "starts_at": "2030-03-01T09:00", "ends_at": "2030-03-01T15:00",
               "place": "Rådhuset", "capacity": 1, "registration_fields": "name,work_phone"}),
    )
    .await;
    let kari = app.api_login("ansatt@demo.tavle.no").await;
    let emil = app.api_login("elev@demo.tavle.no").await;
    let eva = app.api_login("ekstern@demo.tavle.no").await;
    for api in [&kari, &emil, &eva] {
        enroll(api, &id).await;
    }
    let path = format!("{ORG}/courses/{id}/activities/{event}/registration");
    let form =
        |name: &str| json!({"name": name, "work_phone": "+47 22 33 44 55", "address": "ignored"});
    let (status, r) = kari.post(&path, form("Kari Nordmann")).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert_eq!(r["status"], "registered");
    let (status, r) = emil.post(&path, form("Emil Elev")).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert_eq!(r["status"], "waitlisted");
    let (status, problem) = eva.post(&path, json!({"name": "Eva"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), ["work_phone:required"]);
    let (status, problem) = kari.post(&path, form("Kari")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), ["registration:already_registered"]);
    let (_, a) = kari
        .get(&format!("{ORG}/courses/{id}/activities/{event}"))
        .await;
    assert_eq!(a["registration"]["status"], "registered");
    assert_eq!(
        a["registration"]["answers"]["work_phone"],
        "+47 22 33 44 55"
    );
    assert!(a["registration"]["answers"].get("address").is_none());
    assert_eq!(
        a["content"]["registration_fields"],
        json!(["name", "work_phone"])
    );
    let list = format!("{ORG}/courses/{id}/activities/{event}/registrations");
    let (status, _) = kari.get(&list).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the organiser's list");
    // A cancelled place goes to the first on the waiting list.
    let (status, _) = kari.delete(&path).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, regs) = admin.get(&list).await;
    assert_eq!(status, StatusCode::OK, "{regs}");
    let find = |regs: &Value, name: &str| {
        regs.as_array()
            .and_then(|r| r.iter().find(|x| x["name"] == name))
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(find(&regs, "Emil Elev")["status"], "registered");
    assert_eq!(find(&regs, "Kari Nordmann")["status"], "cancelled");
    let (status, r) = kari.post(&path, form("Kari Nordmann")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(r["status"], "waitlisted");
    // Attendance: for those with a place; coming completes the activity.
    let (_, regs) = admin.get(&list).await;
    let attendance = |reg: &Value| {
        format!(
            "{ORG}/courses/{id}/activities/{event}/registrations/{}/attendance",
            reg["id"].as_str().unwrap_or("")
        )
    };
    let (status, _) = admin
        .put(
            &attendance(&find(&regs, "Kari Nordmann")),
            json!({"attended": true}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "waitlisted");
    let (status, _) = kari
        .put(
            &attendance(&find(&regs, "Emil Elev")),
            json!({"attended": true}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = admin
        .put(
            &attendance(&find(&regs, "Emil Elev")),
            json!({"attended": true}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, a) = emil
        .get(&format!("{ORG}/courses/{id}/activities/{event}"))
        .await;
    assert_eq!(a["registration"]["attended"], true);
    assert_eq!(a["progress"]["status"], "done");
    // A closed evaluation takes no registrations.
    let evaluation = format!("{ORG}/courses/{id}/activities/{event}/evaluation");
    let (status, problem) = admin.put(&evaluation, json!({"status": "shut"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), ["status:invalid_choice"]);
    let (status, _) = admin.put(&evaluation, json!({"status": "closed"})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, problem) = eva.post(&path, form("Eva Ekstern")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["code"], "event_closed");
    let (_, a) = admin
        .get(&format!("{ORG}/courses/{id}/activities/{event}"))
        .await;
    assert_eq!(a["content"]["evaluation_closed"], true);
    // Editing the event keeps its evaluation state.
    let (status, edited) = admin
        .put(
            &format!("{ORG}/courses/{id}/activities/{event}"),
            json!({"kind": "event", "title": "Samling", "starts_at": "2030-03-01T09:00",
                   "ends_at": "2030-03-01T16:00", "place": "Rådhuset", "capacity": 2,
                   "registration_fields": "name,work_phone", "required": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["content"]["evaluation_closed"], true);
    assert_eq!(edited["content"]["ends_at"], "2030-03-01T16:00");
    let (status, _) = admin.put(&evaluation, json!({"status": "open"})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, r) = eva.post(&path, form("Eva Ekstern")).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
}

async fn external_records_with_proof_are_approved_by_the_admin_and_complete_the_activity(
    app: TestApp,
) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (id, module) = course(&admin, json!({"title": "Varme arbeider"})).await;
    let record = activity(
        &admin,
        &id,
        &module,
        json!({"kind": "external_record", "instructions": "Last opp sertifikatet", "proof_required": true}),
    )
    .await;
    let kari = app.api_login("ansatt@demo.tavle.no").await;
    let emil = app.api_login("elev@demo.tavle.no").await;
    enroll(&kari, &id).await;
    enroll(&emil, &id).await;
    let path = format!("{ORG}/courses/{id}/activities/{record}/records");
    let fields = || {
        Form::new()
            .text("provider", "Norsk brannvernforening")
            .text("completed_on", "2025-11-01")
            .text("hours", "7,5")
    };
    let (status, problem) = upload(&kari, &path, fields()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), ["file:required"]);
    let (status, problem) = upload(
        &kari,
        &path,
        Form::new()
            .text("provider", "")
            .text("completed_on", "2999-01-01")
            .text("hours", "0"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&problem),
        [
            "provider:required",
            "completed_on:in_the_future",
            "hours:invalid_hours",
            "file:required"
        ]
    );
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let form = fields().part("file", Part::bytes(pdf.clone()).file_name("sertifikat.pdf"));
    let (status, r) = upload(&kari, &path, form).await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    assert_eq!(r["status"], "pending");
    assert_eq!(r["hours"], 7.5);
    let proof = r["proof_url"].as_str().expect("proof").to_owned();
    let form = fields().part("file", Part::bytes(pdf.clone()).file_name("igjen.pdf"));
    let (status, problem) = upload(&kari, &path, form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), ["provider:record_awaits_decision"]);
    // The proof is the learner's and the approvers'.
    let (status, kind, ..) = fetch(&kari, &proof).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/pdf"));
    let (status, ..) = fetch(&admin, &proof).await;
    assert_eq!(status, StatusCode::OK);
    let (status, ..) = fetch(&emil, &proof).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The admin approves.
    let (status, _) = kari.get(&format!("{ORG}/courses/{id}/records")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, records) = admin.get(&format!("{ORG}/courses/{id}/records")).await;
    assert_eq!(status, StatusCode::OK, "{records}");
    assert_eq!(records[0]["learner"], "Kari Nordmann");
    assert_eq!(records[0]["status"], "pending");
    let record_id = records[0]["id"].as_str().expect("id").to_owned();
    // Another course's editors do not decide this course's records.
    let (elsewhere, _) = course(&admin, json!({"title": "Annet kurs"})).await;
    let (status, _) = admin
        .put(
            &format!("{ORG}/courses/{elsewhere}/records/{record_id}/decision"),
            json!({"decision": "approved"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let decision = format!("{ORG}/courses/{id}/records/{record_id}/decision");
    let (status, _) = kari.put(&decision, json!({"decision": "approved"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, problem) = admin.put(&decision, json!({"decision": "pending"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), ["decision:invalid_choice"]);
    let (status, _) = admin
        .put(
            &decision,
            json!({"decision": "approved", "comment": "Gyldig"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = admin.put(&decision, json!({"decision": "rejected"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "decided already");
    let (_, a) = kari
        .get(&format!("{ORG}/courses/{id}/activities/{record}"))
        .await;
    assert_eq!(a["record"]["status"], "approved");
    assert_eq!(a["record"]["comment"], "Gyldig");
    assert_eq!(a["progress"]["status"], "done");
    let (_, history) = kari.get("/api/v1/me/enrollments").await;
    assert!(
        history
            .as_array()
            .expect("list")
            .iter()
            .any(|e| e["course_id"] == id && e["status"] == "completed"),
        "{history}"
    );
}

async fn requirements_show_met_due_and_overdue_on_the_dashboard_and_in_the_matrix(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let manager = app.api_login("leder@demo.tavle.no").await;
    let lise = app.api_login("laerer@demo.tavle.no").await;
    let (_, units) = admin.get(&format!("{ORG}/units")).await;
    let school = units
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["name"] == "Solbakken skole")
        .and_then(|u| u["id"].as_str())
        .expect("unit")
        .to_owned();
    let mut ids = Vec::new();
    let mut pages = Vec::new();
    for title in ["Krav: brannvern", "Krav: personvern", "Krav: HMS"] {
        let (id, module) = course(&admin, json!({"title": title, "self_enrollment": false})).await;
        pages.push(content(&admin, &id, &module).await);
        ids.push(id);
    }
    let path = format!("{ORG}/requirements");
    let (status, problem) = admin
        .post(&path, json!({"course_id": "nope", "audience": "unit"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&problem),
        ["course_id:invalid_choice", "unit_id:invalid_choice"]
    );
    let (status, _) = manager
        .post(&path, json!({"course_id": ids[0], "audience": "everyone"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "administrators only");
    let (status, r) = admin
        .post(
            &path,
            json!({"course_id": ids[0], "audience": "position", "position": "lærer", "due_days": 30}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let (status, overdue) = admin
        .post(
            &path,
            json!({"course_id": ids[1], "audience": "everyone", "due_days": 30}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{overdue}");
    let overdue = overdue["id"].as_str().expect("id").to_owned();
    let (status, _) = admin
        .post(
            &path,
            json!({"course_id": ids[2], "audience": "unit", "unit_id": school, "due_days": 30}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    // The requirement came two months ago: its 30 days are up.
    execute(
        &app,
        "UPDATE requirements SET created_at = $1 WHERE id = $2",
        store::now() - time::Duration::days(60),
        &overdue,
    )
    .await;
    // Requirements enroll those they apply to.
    let (_, dash) = lise.get("/api/v1/me/learning").await;
    let enrolled: Vec<&Value> = dash["in_progress"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|e| e["source"] == "requirement" && ids.iter().any(|id| e["course_id"] == *id))
        .collect();
    assert_eq!(enrolled.len(), 3, "{dash}");
    // Lise completes Brannvern.
    done(&lise, &ids[0], &pages[0]).await;
    let (_, dash) = lise.get("/api/v1/me/learning").await;
    let status_of = |course: &str| {
        dash["required"]
            .as_array()
            .and_then(|r| r.iter().find(|x| x["course_id"] == course))
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(status_of(&ids[0])["status"], "met", "{dash}");
    assert!(status_of(&ids[0])["date"].is_null(), "met for good");
    assert_eq!(status_of(&ids[1])["status"], "overdue");
    let thirty_ago = (today() - time::Duration::days(30)).to_string();
    assert_eq!(status_of(&ids[1])["date"], thirty_ago.as_str());
    assert_eq!(status_of(&ids[2])["status"], "due");
    let due = (today() + time::Duration::days(30)).to_string();
    assert_eq!(status_of(&ids[2])["date"], due.as_str());
    assert_eq!(status_of(&ids[2])["organisation_name"], "Demo kommune");
    // The matrix: everyone for the admin, their people for a manager, a unit when asked.
    let (status, m) = admin.get(&format!("{ORG}/team/requirements")).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    let column = |m: &Value, course: &str| {
        m["requirements"]
            .as_array()
            .and_then(|r| r.iter().position(|x| x["course_id"] == course))
            .expect("requirement")
    };
    let row = |m: &Value, name: &str| {
        m["people"]
            .as_array()
            .and_then(|p| p.iter().find(|x| x["name"] == name))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let (fire, privacy, safety) = (
        column(&m, &ids[0]),
        column(&m, &ids[1]),
        column(&m, &ids[2]),
    );
    let lise_row = row(&m, "Lise Lærer");
    assert_eq!(lise_row["statuses"][fire]["status"], "met");
    assert_eq!(lise_row["statuses"][privacy]["status"], "overdue");
    assert_eq!(lise_row["statuses"][safety]["status"], "due");
    let anne = row(&m, "Anne Admin");
    assert!(anne["statuses"][fire].is_null() && anne["statuses"][safety].is_null());
    assert_eq!(anne["statuses"][privacy]["status"], "overdue");
    let (_, m) = manager.get(&format!("{ORG}/team/requirements")).await;
    assert!(!row(&m, "Lise Lærer").is_null(), "{m}");
    assert!(row(&m, "Anne Admin").is_null());
    let (_, m) = admin
        .get(&format!("{ORG}/team/requirements?unit={school}"))
        .await;
    let names: Vec<&str> = m["people"]
        .as_array()
        .expect("people")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(
        names.contains(&"Lise Lærer") && !names.contains(&"Anne Admin"),
        "{names:?}"
    );
    let (_, m) = lise.get(&format!("{ORG}/team/requirements")).await;
    assert_eq!(m["people"], json!([]), "no one reports to her");
    // Certificates expiring within 90 days, for the holder and their manager.
    let (short, module) = course(
        &admin,
        json!({"title": "Krav: førstehjelp", "certificate": true, "certificate_validity_months": 2}),
    )
    .await;
    let page = content(&admin, &short, &module).await;
    enroll(&lise, &short).await;
    done(&lise, &short, &page).await;
    let (_, dash) = lise.get("/api/v1/me/learning").await;
    assert!(
        dash["expiring_certificates"]
            .as_array()
            .expect("list")
            .iter()
            .any(|c| c["course_title"] == "Krav: førstehjelp"),
        "{dash}"
    );
    for api in [&admin, &manager] {
        let (status, list) = api.get(&format!("{ORG}/team/expiring")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            list.as_array()
                .expect("list")
                .iter()
                .any(|c| c["name"] == "Lise Lærer" && c["course_title"] == "Krav: førstehjelp"),
            "{list}"
        );
    }
    // The list, and deleting (another organisation's or unknown ids are not found).
    let mine = |list: &Value| {
        list.as_array()
            .expect("list")
            .iter()
            .filter(|r| ids.iter().any(|id| r["course_id"] == *id))
            .count()
    };
    let (status, list) = admin.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine(&list), 3);
    let (status, _) = manager.get(&path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = admin
        .delete(&format!("{path}/{}", uuid::Uuid::now_v7()))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = admin.delete(&format!("{path}/{overdue}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, list) = admin.get(&path).await;
    assert_eq!(mine(&list), 2);
}

async fn shared_courses_reach_the_partners_people_and_unshared_courses_of_another_organisation_are_not_found(
    app: TestApp,
) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let other = other_org(&app).await;
    // The other organisation's admin is also a member there (a learner of the partner).
    let (status, m) = other
        .admin
        .post(
            "/api/v1/organisations/other/memberships",
            json!({"email": "admin@other.no", "membership": {"kind": "employee"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let otto = app.api_login("admin@other.no").await;
    let (id, module) = course(&admin, json!({"title": "Delt kurs"})).await;
    let page = content(&admin, &id, &module).await;
    let (status, _) = admin
        .post(
            &format!("{ORG}/courses/{id}/staff"),
            json!({"email": "laerer@demo.tavle.no", "role": "teacher"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // Not shared yet: not found for the partner, under either organisation.
    let there = format!("/api/v1/organisations/other/courses/{id}");
    let (status, _) = otto.get(&there).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = otto.get(&format!("{ORG}/courses/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, problem) = admin
        .post(
            &format!("{ORG}/courses/{id}/shares"),
            json!({"organisation": "nowhere"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), ["organisation:invalid_choice"]);
    let (status, _) = admin
        .post(
            &format!("{ORG}/courses/{id}/shares"),
            json!({"organisation": "other"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, c) = admin.get(&format!("{ORG}/courses/{id}")).await;
    assert_eq!(c["course"]["visibility"], "shared");
    assert_eq!(c["shares"][0]["slug"], "other");
    // The partner's people find it in their catalogue and are told what the provider sees.
    let (status, list) = otto.get("/api/v1/organisations/other/courses").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert!(
        list.as_array()
            .expect("list")
            .iter()
            .any(|c| c["id"] == id && c["owner_slug"] == "demo")
    );
    let (status, c) = otto.get(&there).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["provider_notice"]["organisation"], "Demo kommune");
    let (status, e) = otto.post(&format!("{there}/enrollment"), json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{e}");
    assert_eq!(e["provider_notice"]["code"], "provider_sees_participation");
    assert_eq!(
        e["provider_notice"]["sees"],
        json!(["name", "email", "progress", "course_activity"])
    );
    let (status, p) = otto
        .post(
            &format!("{there}/activities/{page}/progress"),
            json!({"seconds": 30, "done": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!(p["complete"], true);
    // The providing organisation's teacher sees them among the participants.
    let teacher = app.api_login("laerer@demo.tavle.no").await;
    let (status, people) = teacher
        .get(&format!("{ORG}/courses/{id}/participants"))
        .await;
    assert_eq!(status, StatusCode::OK, "{people}");
    let otto_row = people
        .as_array()
        .and_then(|p| p.iter().find(|x| x["email"] == "admin@other.no"))
        .cloned()
        .expect("the partner's learner");
    assert_eq!(otto_row["via_organisation"], "Other AS");
    assert_eq!(otto_row["status"], "completed");
    let (status, detail) = teacher
        .get(&format!(
            "{ORG}/courses/{id}/participants/{}",
            otto_row["enrollment_id"].as_str().unwrap_or("")
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["progress"][0]["status"], "done");
    // The owner's own learners get no notice.
    let kari = app.api_login("ansatt@demo.tavle.no").await;
    let (status, e) = kari
        .post(&format!("{ORG}/courses/{id}/enrollment"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(e["provider_notice"].is_null());
    // A course of the other organisation that is not shared is not found, however asked.
    let (status, c) = other
        .admin
        .post(
            "/api/v1/organisations/other/courses",
            json!({"title": "Intern", "status": "open", "self_enrollment": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let internal = c["course"]["id"].as_str().expect("id").to_owned();
    for path in [
        format!("/api/v1/organisations/other/courses/{internal}"),
        format!("{ORG}/courses/{internal}"),
    ] {
        let (status, _) = admin.get(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        let (status, _) = kari.post(&format!("{path}/enrollment"), json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, _) = admin
        .get(&format!("{ORG}/courses/{internal}/participants"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = kari.get(&format!("{ORG}/courses")).await;
    assert!(
        !list
            .as_array()
            .expect("list")
            .iter()
            .any(|c| c["id"] == internal)
    );
    // A teacher removed from the course sees its participants no more.
    let lise = app.person_id(&admin, "laerer").await;
    let (status, _) = teacher
        .delete(&format!("{ORG}/courses/{id}/staff/{lise}"))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "teachers do not manage staff"
    );
    let (status, _) = admin
        .delete(&format!("{ORG}/courses/{id}/staff/{lise}"))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = teacher
        .get(&format!("{ORG}/courses/{id}/participants"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Sharing ends.
    let (status, _) = admin
        .delete(&format!("{ORG}/courses/{id}/shares/other"))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, list) = otto.get("/api/v1/organisations/other/courses").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list.as_array()
            .is_some_and(|l| l.iter().all(|c| c["id"] != id.as_str())),
        "the course left the partner's catalogue: {list}"
    );
    let (status, _) = otto.get(&there).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn discussion_posts_are_edited_and_deleted_by_their_authors_only(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (id, module) = course(&admin, json!({"title": "Diskusjonskurs"})).await;
    content(&admin, &id, &module).await;
    let kari = app.api_login("ansatt@demo.tavle.no").await;
    let emil = app.api_login("elev@demo.tavle.no").await;
    let eva = app.api_login("ekstern@demo.tavle.no").await;
    enroll(&kari, &id).await;
    enroll(&emil, &id).await;
    let path = format!("{ORG}/courses/{id}/discussion");
    let (status, problem) = eva
        .post(&path, json!({"title": "Hei", "body": "Hallo"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(problem["code"], "not_enrolled");
    let (status, _) = eva.get(&path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, problem) = kari.post(&path, json!({"title": "", "body": ""})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), ["title:required", "body:required"]);
    let (status, t) = kari
        .post(&path, json!({"title": "Spørsmål", "body": "Hva gjør vi?"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{t}");
    let thread = t["id"].as_str().expect("id").to_owned();
    let (status, r) = emil
        .post(
            &format!("{path}/{thread}/replies"),
            json!({"body": "Vi slukker."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let reply = r["id"].as_str().expect("id").to_owned();
    // Authors edit their own posts; another's is not found.
    let (status, _) = kari
        .put(
            &format!("{path}/{thread}"),
            json!({"body": "Hva gjør vi nå?"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = emil
        .put(&format!("{path}/{thread}"), json!({"body": "Kapret"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = emil.delete(&format!("{path}/{thread}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = emil
        .put(
            &format!("{path}/{reply}"),
            json!({"body": "Vi slukker brannen."}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, threads) = kari.get(&path).await;
    assert_eq!(status, StatusCode::OK, "{threads}");
    assert_eq!(threads[0]["body"], "Hva gjør vi nå?");
    assert_eq!(threads[0]["mine"], true);
    assert!(!threads[0]["edited_at"].is_null());
    assert_eq!(threads[0]["replies"][0]["body"], "Vi slukker brannen.");
    assert_eq!(threads[0]["replies"][0]["author"], "Emil Elev");
    assert_eq!(threads[0]["replies"][0]["mine"], false);
    // A thread with replies keeps its place without text or author when deleted.
    let (status, _) = kari.delete(&format!("{path}/{thread}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, threads) = emil.get(&path).await;
    assert_eq!(threads[0]["deleted"], true);
    assert!(threads[0]["author_id"].is_null() && threads[0]["author"].is_null());
    assert_eq!(threads[0]["body"], "");
    assert_eq!(threads[0]["replies"].as_array().map(Vec::len), Some(1));
    let (status, _) = emil.delete(&format!("{path}/{reply}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // A thread without replies goes for good; the teacher reads the discussion too.
    let (status, t) = emil
        .post(&path, json!({"title": "Nytt", "body": "Tekst"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = emil
        .delete(&format!("{path}/{}", t["id"].as_str().unwrap_or("")))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, threads) = admin.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !threads
            .as_array()
            .expect("threads")
            .iter()
            .any(|t| t["title"] == "Nytt")
    );
}

async fn the_completion_report_comes_as_json_and_csv_for_admins_and_report_viewers_only(
    app: TestApp,
) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let (id, module) = course(&admin, json!({"title": "Rapportkurs, del 1"})).await;
    let page = content(&admin, &id, &module).await;
    let kari = app.api_login("ansatt@demo.tavle.no").await;
    enroll(&kari, &id).await;
    done(&kari, &id, &page).await;
    let path = format!("{ORG}/reports/completions");
    let (status, rows) = admin.get(&path).await;
    assert_eq!(status, StatusCode::OK, "{rows}");
    let row = rows
        .as_array()
        .and_then(|r| r.iter().find(|x| x["course_title"] == "Rapportkurs, del 1"))
        .cloned()
        .expect("row");
    assert_eq!(row["name"], "Kari Nordmann");
    assert_eq!(row["unit"], "Solbakken skole");
    assert_eq!(row["completed_on"], today().to_string().as_str());
    let expected = format!(
        "Kari Nordmann,ansatt@demo.tavle.no,Solbakken skole,\"Rapportkurs, del 1\",{},\r\n",
        today()
    );
    let r = admin.browser.get(&format!("{path}?format=csv")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap_or("")
        .to_owned();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    let text = r.text().await.expect("csv");
    assert!(
        text.starts_with("name,email,unit,course,completed_on,expires_on\r\n"),
        "{text}"
    );
    assert!(text.contains(&expected), "{text}");
    let r = admin
        .browser
        .client
        .get(format!("{}{path}", admin.browser.base))
        .header("accept", "text/csv")
        .send()
        .await
        .expect("send");
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let viewer = app.api_login("rapport@demo.tavle.no").await;
    let (status, _) = viewer.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = kari.get(&path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn participant_lists_are_off_by_default_and_show_co_participants_when_on(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let kari = app.api_login("ansatt@demo.tavle.no").await;
    let emil = app.api_login("elev@demo.tavle.no").await;
    let (private, module) = course(&admin, json!({"title": "Uten liste"})).await;
    content(&admin, &private, &module).await;
    let (listed, module) = course(
        &admin,
        json!({"title": "Med liste", "participant_list": true}),
    )
    .await;
    let page = content(&admin, &listed, &module).await;
    for id in [&private, &listed] {
        enroll(&kari, id).await;
        enroll(&emil, id).await;
    }
    let (_, c) = kari.get(&format!("{ORG}/courses/{private}")).await;
    assert!(c.get("co_participants").is_none(), "{c}");
    done(&emil, &listed, &page).await;
    let (_, c) = kari.get(&format!("{ORG}/courses/{listed}")).await;
    let list = c["co_participants"].as_array().expect("list");
    assert_eq!(list.len(), 2, "{c}");
    let emil_row = list
        .iter()
        .find(|p| p["name"] == "Emil Elev")
        .expect("Emil");
    assert_eq!(emil_row["email"], "elev@demo.tavle.no");
    assert_eq!(emil_row["workplace"], "Demo kommune, Solbakken skole");
    assert_eq!(emil_row["completed_on"], today().to_string().as_str());
    // Someone not taking the course sees no list.
    let eva = app.api_login("ekstern@demo.tavle.no").await;
    let (_, c) = eva.get(&format!("{ORG}/courses/{listed}")).await;
    assert!(c.get("co_participants").is_none(), "{c}");
}

async fn the_openapi_document_describes_the_learning_api_and_every_schema_it_refers_to(
    app: TestApp,
) {
    let doc: Value = app
        .browser()
        .get("/api/openapi.json")
        .await
        .json()
        .await
        .expect("json");
    let paths = doc["paths"].as_object().expect("paths");
    let course = "/api/v1/organisations/{slug}/courses/{id}";
    for (path, method) in [
        ("/api/v1/me/learning", "get"),
        ("/api/v1/me/certificates/{id}", "get"),
        ("/api/v1/organisations/{slug}/courses", "post"),
        (course, "put"),
        (
            "/api/v1/organisations/{slug}/courses/{id}/activities/{activity_id}/progress",
            "post",
        ),
        (
            "/api/v1/organisations/{slug}/courses/{id}/activities/{activity_id}/submissions",
            "post",
        ),
        (
            "/api/v1/organisations/{slug}/courses/{id}/activities/{activity_id}/records",
            "post",
        ),
        (
            "/api/v1/organisations/{slug}/courses/{id}/activities/{activity_id}/registration",
            "delete",
        ),
        ("/api/v1/organisations/{slug}/team/requirements", "get"),
        ("/api/v1/organisations/{slug}/reports/completions", "get"),
        ("/api/v1/organisations/{slug}/files/{id}", "get"),
    ] {
        assert!(paths[path][method].is_object(), "missing {method} {path}");
    }
    assert!(
        paths["/api/v1/organisations/{slug}/courses/{id}/activities/{activity_id}/submissions"]
            ["post"]["requestBody"]["content"]["multipart/form-data"]
            .is_object()
    );
    // Every reference resolves.
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v) {
                        ("$ref", Value::String(r)) => out.push(r.clone()),
                        _ => refs(v, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| refs(i, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(found.iter().any(|r| r.ends_with("/CourseDetail")));
    for r in found {
        let name = r.trim_start_matches("#/components/schemas/");
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "dangling reference {r}"
        );
    }
}

/// A call with a bearer token: its status and, for a refusal, its problem code.
async fn bearer(
    token: &str,
    method: reqwest::Method,
    url: String,
    body: Value,
) -> (StatusCode, String) {
    let r = reqwest::Client::new()
        .request(method, url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("send");
    let status = r.status();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    (status, body["code"].as_str().unwrap_or("").to_owned())
}

/// Creates a personal token through the profile page and reads it off the page.
async fn token(app: &TestApp, email: &str, scopes: &str) -> String {
    let b = app.browser_login(email).await;
    let r = b
        .post_form(
            "/profile/tokens",
            &[("name", "script"), ("scopes", scopes), ("days", "30")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.expect("body");
    let start = page.find("tvl_").expect("token shown once");
    page[start..].split('<').next().expect("token").to_owned()
}

async fn api_tokens_reach_the_learning_api_within_their_scopes(app: TestApp) {
    let admin = app.api_login("admin@demo.tavle.no").await;
    let kari = app.api_login("ansatt@demo.tavle.no").await;
    let (id, module) = course(&admin, json!({"title": "Tokenkurs"})).await;
    let page = content(&admin, &id, &module).await;
    enroll(&kari, &id).await;
    let reader = token(&app, "ansatt@demo.tavle.no", "me:read learning:read").await;
    let writer = token(&app, "ansatt@demo.tavle.no", "learning:write").await;
    let progress = app.url(&format!("{ORG}/courses/{id}/activities/{page}/progress"));
    let body = json!({"seconds": 30, "done": false});
    use reqwest::Method;
    assert_eq!(
        bearer(
            &reader,
            Method::GET,
            app.url("/api/v1/me/learning"),
            json!({})
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(
        bearer(
            &reader,
            Method::GET,
            app.url(&format!("{ORG}/courses/{id}")),
            json!({})
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(
        bearer(&reader, Method::POST, progress.clone(), body.clone()).await,
        (StatusCode::FORBIDDEN, "insufficient_scope".to_owned())
    );
    assert_eq!(
        bearer(
            &writer,
            Method::GET,
            app.url("/api/v1/me/enrollments"),
            json!({})
        )
        .await,
        (StatusCode::FORBIDDEN, "insufficient_scope".to_owned()),
        "not the me area"
    );
    assert_eq!(
        bearer(&writer, Method::POST, progress, body).await.0,
        StatusCode::OK
    );
    let (_, mine) = kari.get("/api/v1/me/enrollments").await;
    assert!(
        mine.to_string().contains("\"time_spent_seconds\":30"),
        "the writer's progress was recorded: {mine}"
    );
}
