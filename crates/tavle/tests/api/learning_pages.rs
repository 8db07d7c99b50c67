//! The learning core through its HTML pages: an administrator builds a course in the editor,
//! learners take it (content, quiz, assignment upload), a certificate is issued, managers see
//! the requirement matrix and assign courses, and nobody reaches what is not theirs.

use reqwest::StatusCode;

use crate::both_backends;
use crate::harness::{Browser, TestApp, other_org};

both_backends!(
    a_course_built_in_the_editor_is_taken_and_completed_with_a_certificate_and_a_quiz_is_refused_twice,
    an_assignment_refuses_a_forbidden_type_and_an_oversized_file_and_only_its_learner_and_teachers_read_it,
    managers_see_the_requirement_matrix_and_assign_courses_and_admins_download_the_report,
    surveys_keep_anonymous_answers_unlinked_and_hide_results_under_five_answers,
    events_fill_up_to_a_waiting_list_take_attendance_and_close_registration_with_the_evaluation,
    external_records_with_proof_are_approved_and_discussion_posts_are_edited_only_by_their_authors,
    a_shared_course_is_taken_by_a_partner_organisation_whose_learner_is_told_what_the_provider_sees,
    the_demo_learner_finds_required_training_certificates_and_their_graded_hand_in,
);

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// Every `{prefix}<id>` in a page, in order (ids are UUIDs).
fn ids_after(page: &str, prefix: &str) -> Vec<String> {
    page.match_indices(prefix)
        .map(|(i, _)| {
            page[i + prefix.len()..]
                .chars()
                .take(36)
                .collect::<String>()
        })
        .filter(|id| id.len() == 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
        .collect()
}

/// Creates an open, self-enrollable course with a certificate valid 60 months; returns its
/// path (`/org/demo/courses/<id>`) and the id of its first module.
async fn new_course(admin: &Browser, title: &str) -> (String, String) {
    let r = admin
        .post_form(
            "/org/demo/admin/courses",
            &[
                ("title", title),
                ("summary", "Grunnkurs"),
                ("language", "nb"),
                ("tags", "hms, brann"),
                ("visibility", "organisation"),
                ("status", "open"),
                ("self_enrollment", "on"),
                ("completion_rule", "all_required"),
                ("certificate", "on"),
                ("certificate_validity_months", "60"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let edit = location(&r);
    let base = edit
        .strip_suffix("/edit?done=created")
        .expect("to the editor")
        .to_owned();
    let form = admin
        .get(&format!("{base}/activities/new?kind=content"))
        .await
        .text()
        .await
        .expect("page");
    let module = ids_after(&form, "<option value=\"")
        .into_iter()
        .next()
        .expect("the first module");
    (base, module)
}

async fn add_activity(admin: &Browser, base: &str, fields: &[(&str, &str)]) {
    let r = admin.post_form(&format!("{base}/activities"), fields).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap_or_default()
    );
}

async fn activity_ids(b: &Browser, base: &str) -> Vec<String> {
    let page = b.get(base).await.text().await.expect("course page");
    ids_after(&page, &format!("{base}/activities/"))
}

async fn a_course_built_in_the_editor_is_taken_and_completed_with_a_certificate_and_a_quiz_is_refused_twice(
    app: TestApp,
) {
    let admin = app.browser_login("admin@demo.tavle.no").await;
    let (base, module) = new_course(&admin, "Brannvern").await;
    // A quiz whose questions do not parse is refused with the question named.
    let r = admin
        .post_form(
            &format!("{base}/activities"),
            &[
                ("kind", "quiz"),
                ("title", "Prøve"),
                ("module_id", &module),
                ("required", "on"),
                ("questions", "Hva slukker brann?\n[ ] Bensin"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.expect("page");
    assert!(page.contains("Spørsmål 1"), "{page}");
    add_activity(
        &admin,
        &base,
        &[
            ("kind", "content"),
            ("title", "Les dette"),
            ("module_id", &module),
            ("required", "on"),
            (
                "body",
                "# Rømningsveier\n\nAlltid *fri*. <script>alert(1)</script>",
            ),
        ],
    )
    .await;
    add_activity(
        &admin,
        &base,
        &[
            ("kind", "quiz"),
            ("title", "Prøve"),
            ("module_id", &module),
            ("required", "on"),
            ("questions", "Hva slukker brann?\n[x] Vann\n[ ] Bensin"),
            ("pass_mark", "100"),
            ("attempts_limit", "3"),
            ("feedback", "on"),
        ],
    )
    .await;

    let learner = app.browser_login("ansatt@demo.tavle.no").await;
    let catalogue = learner
        .get("/catalogue?q=brann")
        .await
        .text()
        .await
        .expect("page");
    assert!(catalogue.contains("Brannvern"), "{catalogue}");
    // Not enrolled: the activities are not open to the learner.
    let ids = activity_ids(&learner, &base).await;
    assert_eq!(ids.len(), 2, "both activities are listed");
    let (content, quiz) = (&ids[0], &ids[1]);
    let r = learner.get(&format!("{base}/activities/{content}")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = learner.post_form(&format!("{base}/enroll"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = learner.post_form(&format!("{base}/enroll"), &[]).await;
    assert_eq!(
        r.status(),
        StatusCode::CONFLICT,
        "enrolling twice is refused"
    );

    let page = learner
        .get(&format!("{base}/activities/{content}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("<h1>Rømningsveier</h1>"), "{page}");
    assert!(
        !page.contains("<script>alert"),
        "raw HTML in Markdown is not rendered"
    );
    let r = learner
        .post_form(&format!("{base}/activities/{content}/done"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // Time on the page (sent by activity.js) adds up and shows to the teacher.
    let r = learner
        .post_form(
            &format!("{base}/activities/{content}/time"),
            &[("seconds", "150")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let participants = admin
        .get(&format!("{base}/participants"))
        .await
        .text()
        .await
        .expect("page");
    assert!(participants.contains("0 t 2 min"), "{participants}");
    let quiz_path = format!("{base}/activities/{quiz}/quiz");
    let r = learner
        .post_form(&quiz_path, &[("attempt", "1"), ("q0", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).ends_with("done=quiz_not_passed"));
    let r = learner
        .post_form(&quiz_path, &[("attempt", "1"), ("q0", "0")])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CONFLICT,
        "the same attempt posted twice is refused"
    );
    let r = learner.post_form(&quiz_path, &[("attempt", "2")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "unanswered");
    let r = learner
        .post_form(&quiz_path, &[("attempt", "2"), ("q0", "0")])
        .await;
    assert!(location(&r).ends_with("done=quiz_passed"));
    // Passed: no more attempts.
    let r = learner
        .post_form(&quiz_path, &[("attempt", "3"), ("q0", "0")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Both required activities done: completed, with a certificate valid five years.
    let history = learner.get("/history").await.text().await.expect("page");
    assert!(
        history.contains("Brannvern") && history.contains("Fullført"),
        "{history}"
    );
    let certificates = learner
        .get("/certificates")
        .await
        .text()
        .await
        .expect("page");
    let link = ids_after(&certificates, "/org/demo/certificates/");
    assert_eq!(link.len(), 1, "{certificates}");
    let expected_expiry = (time::OffsetDateTime::now_utc().date() + time::Duration::days(365 * 5))
        .year()
        .to_string();
    assert!(certificates.contains(&expected_expiry), "{certificates}");
    let cert = learner
        .get(&format!("/org/demo/certificates/{}", link[0]))
        .await;
    assert_eq!(cert.status(), StatusCode::OK);
    let cert = cert.text().await.expect("page");
    assert!(cert.contains("Brannvern"));
    // Another person's certificate is not found.
    let other = app.browser_login("elev@demo.tavle.no").await;
    let r = other
        .get(&format!("/org/demo/certificates/{}", link[0]))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // A course id that does not exist here, or in another organisation's path, answers 404.
    let r = other
        .get("/org/demo/courses/0190a8b4-0000-7000-8000-000000000000")
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The re-take keeps the completed enrollment in the history.
    let r = learner.post_form(&format!("{base}/retake"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let history = learner.get("/history").await.text().await.expect("page");
    assert_eq!(history.matches("Brannvern").count(), 2, "{history}");
    // The dashboard shows the course in progress again.
    let dashboard = learner.get("/learn").await.text().await.expect("page");
    assert!(dashboard.contains("Brannvern"), "{dashboard}");
}

async fn upload(b: &Browser, path: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let token = b.csrf().await;
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    );
    b.client
        .post(format!("{}{path}?csrf_token={token}", b.base))
        .multipart(form)
        .send()
        .await
        .expect("send")
}

async fn an_assignment_refuses_a_forbidden_type_and_an_oversized_file_and_only_its_learner_and_teachers_read_it(
    app: TestApp,
) {
    let admin = app.browser_login("admin@demo.tavle.no").await;
    let (base, module) = new_course(&admin, "Rapportskriving").await;
    add_activity(
        &admin,
        &base,
        &[
            ("kind", "assignment"),
            ("title", "Lever rapport"),
            ("module_id", &module),
            ("required", "on"),
            ("instructions", "Skriv en side."),
            ("max_megabytes", "1"),
            ("allowed_types", "pdf"),
            ("resubmission", "on"),
        ],
    )
    .await;
    let learner = app.browser_login("ansatt@demo.tavle.no").await;
    learner.post_form(&format!("{base}/enroll"), &[]).await;
    let ids = activity_ids(&learner, &base).await;
    let path = format!("{base}/activities/{}/submission", ids[0]);

    let files_dir = app.data_dir().join("files");
    let before = crate::harness::files_in(&files_dir);
    let elf = b"\x7fELF\x02\x01\x01\x00 pretending to be a pdf".to_vec();
    let r = upload(&learner, &path, "rapport.pdf", elf).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.expect("page");
    assert!(page.contains("filtypen er ikke tillatt"), "{page}");
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(1024 * 1024 + 10, b'x');
    let r = upload(&learner, &path, "stor.pdf", big).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.expect("page").contains("større enn"));
    assert_eq!(
        crate::harness::files_in(&files_dir),
        before,
        "refused uploads leave nothing behind (not even in the incoming folder)"
    );

    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let r = upload(&learner, &path, "rapport.pdf", pdf.clone()).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let page = learner
        .get(&format!("{base}/activities/{}", ids[0]))
        .await
        .text()
        .await
        .expect("page");
    let file = ids_after(&page, "/org/demo/files/");
    assert_eq!(file.len(), 1, "{page}");
    let file_path = format!("/org/demo/files/{}", file[0]);
    let r = learner.get(&file_path).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    assert_eq!(r.bytes().await.expect("bytes").to_vec(), pdf);
    // Another learner of the same course cannot open it; the course's admin can.
    let other = app.browser_login("elev@demo.tavle.no").await;
    other.post_form(&format!("{base}/enroll"), &[]).await;
    assert_eq!(other.get(&file_path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(admin.get(&file_path).await.status(), StatusCode::OK);
    // The teacher grades it from the queue; the learner sees the grade.
    let queue = admin
        .get(&format!("{base}/grading"))
        .await
        .text()
        .await
        .expect("page");
    let submission = ids_after(&queue, &format!("{base}/submissions/"));
    assert_eq!(submission.len(), 1, "{queue}");
    let r = admin
        .post_form(
            &format!("{base}/submissions/{}/grade", submission[0]),
            &[("grade", "passed"), ("comment", "Godt skrevet")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = learner
        .get(&format!("{base}/activities/{}", ids[0]))
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("Godt skrevet") && page.contains("Bestått"),
        "{page}"
    );
    let history = learner.get("/history").await.text().await.expect("page");
    assert!(
        history.contains("Fullført"),
        "a passed assignment completes the course"
    );
}

async fn managers_see_the_requirement_matrix_and_assign_courses_and_admins_download_the_report(
    app: TestApp,
) {
    let admin = app.browser_login("admin@demo.tavle.no").await;
    let (base, module) = new_course(&admin, "Personvern grunnkurs").await;
    add_activity(
        &admin,
        &base,
        &[
            ("kind", "content"),
            ("title", "Hva er en personopplysning?"),
            ("module_id", &module),
            ("required", "on"),
            ("body", "Alt som kan knyttes til deg."),
        ],
    )
    .await;
    let course_id = base.rsplit('/').next().expect("id").to_owned();
    let r = admin
        .post_form(
            "/org/demo/admin/requirements",
            &[
                ("course_id", &course_id),
                ("audience", "everyone"),
                ("due_days", "30"),
                ("renewal_months", ""),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let r = admin
        .post_form(
            "/org/demo/admin/requirements",
            &[
                ("course_id", &course_id),
                ("audience", "unit"),
                ("due_days", "x"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad input is refused"
    );

    // The manager sees their people and the requirement, with a status for each.
    let leder = app.browser_login("leder@demo.tavle.no").await;
    let matrix = leder
        .get("/org/demo/team/requirements")
        .await
        .text()
        .await
        .expect("page");
    assert!(matrix.contains("Personvern grunnkurs"), "{matrix}");
    assert!(matrix.contains("Lise Lærer"), "{matrix}");
    assert!(matrix.contains("status-due"), "{matrix}");
    // The requirement is new: Lise has its due period from today, on her own page too.
    let lise = app.browser_login("laerer@demo.tavle.no").await;
    let dashboard = lise.get("/learn").await.text().await.expect("page");
    let row = dashboard
        .split("<tr>")
        .find(|row| row.contains("Personvern grunnkurs"))
        .unwrap_or_default();
    assert!(row.contains("status-due"), "{dashboard}");
    assert!(
        !matrix.contains("Anne Admin"),
        "a manager sees only their own people"
    );

    // The manager assigns the course to one of their people; the learner sees it required.
    let assign = leder
        .get("/org/demo/team/assign")
        .await
        .text()
        .await
        .expect("page");
    let people = ids_after(&assign, "name=\"people\" value=\"");
    assert!(!people.is_empty(), "{assign}");
    let r = leder
        .post_form(
            "/org/demo/team/assign",
            &[
                ("course", &format!("demo/{course_id}")),
                ("people", &people[0]),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap_or_default()
    );
    // Someone who is not theirs is refused, and nothing is written.
    let outsider = app.browser_login("admin@demo.tavle.no").await;
    let admin_id_page = outsider
        .get("/org/demo/admin/people")
        .await
        .text()
        .await
        .expect("page");
    let everyone = ids_after(&admin_id_page, "/org/demo/admin/people/");
    let stranger = everyone
        .iter()
        .find(|id| !people.contains(id))
        .expect("someone not the manager's")
        .clone();
    let r = leder
        .post_form(
            "/org/demo/team/assign",
            &[
                ("course", &format!("demo/{course_id}")),
                ("people", &stranger),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.expect("page");
    assert!(page.contains("Velg et av alternativene"), "{page}");

    // The requirement job enrolls everyone it applies to (and is idempotent).
    let record = app
        .runner()
        .run_once(jobs::REQUIREMENT_ENROLLMENT)
        .await
        .expect("job");
    assert_eq!(record.status, "done", "{record:?}");
    let learner = app.browser_login("ansatt@demo.tavle.no").await;
    let history = learner.get("/history").await.text().await.expect("page");
    assert!(history.contains("Personvern grunnkurs"), "{history}");
    app.runner()
        .run_once(jobs::REQUIREMENT_ENROLLMENT)
        .await
        .expect("job");
    let history = learner.get("/history").await.text().await.expect("page");
    assert_eq!(
        history.matches("Personvern grunnkurs").count(),
        1,
        "a second run enrolls nobody twice: {history}"
    );
    assert!(
        history.contains("Pågår"),
        "enrolled and under way: {history}"
    );
    let r = learner.post_form(&format!("{base}/enroll"), &[]).await;
    assert_eq!(
        r.status(),
        StatusCode::CONFLICT,
        "already enrolled by the requirement"
    );
    // The report shows completions; the CSV carries the same rows.
    let ids = activity_ids(&learner, &base).await;
    learner
        .post_form(&format!("{base}/activities/{}/done", ids[0]), &[])
        .await;
    let dashboard = learner.get("/learn").await.text().await.expect("page");
    assert!(dashboard.contains("status-met"), "{dashboard}");
    let csv = admin.get("/org/demo/admin/reports.csv").await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/csv"))
    );
    let csv = csv.text().await.expect("csv");
    assert!(
        csv.contains("Personvern grunnkurs") && csv.contains(';'),
        "{csv}"
    );
    // A learner cannot read the report.
    let r = learner.get("/org/demo/admin/reports.csv").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

async fn enrolled_learners(app: &TestApp, base: &str, keys: &[&str]) -> Vec<Browser> {
    let mut out = Vec::new();
    for key in keys {
        let b = app.browser_login(&format!("{key}@demo.tavle.no")).await;
        let r = b.post_form(&format!("{base}/enroll"), &[]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{key} enrolls");
        out.push(b);
    }
    out
}

async fn surveys_keep_anonymous_answers_unlinked_and_hide_results_under_five_answers(app: TestApp) {
    let admin = app.browser_login("admin@demo.tavle.no").await;
    let (base, module) = new_course(&admin, "Trivsel").await;
    for (title, anonymous) in [("Anonym", "on"), ("Med navn", "")] {
        add_activity(
            &admin,
            &base,
            &[
                ("kind", "survey"),
                ("title", title),
                ("module_id", &module),
                ("required", "on"),
                ("anonymous", anonymous),
                (
                    "survey_questions",
                    "Hvor fornøyd er du? (skala)\n\nHva kan bli bedre? (tekst)",
                ),
            ],
        )
        .await;
    }
    // A page nobody reads keeps the course open while the surveys are answered.
    add_activity(
        &admin,
        &base,
        &[
            ("kind", "content"),
            ("title", "Til slutt"),
            ("module_id", &module),
            ("required", "on"),
            ("body", "Takk."),
        ],
    )
    .await;
    let learners = enrolled_learners(&app, &base, &["ansatt", "elev"]).await;
    let ids = activity_ids(&learners[0], &base).await;
    let (anonymous, named) = (&ids[0], &ids[1]);
    let page = learners[0]
        .get(&format!("{base}/activities/{anonymous}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("anonym"),
        "the learner is told before answering: {page}"
    );
    for (i, b) in learners.iter().enumerate() {
        for id in [anonymous, named] {
            let r = b
                .post_form(
                    &format!("{base}/activities/{id}/survey"),
                    &[("a0", &(i + 3).to_string()), ("a1", "Mer kaffe")],
                )
                .await;
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
        }
    }
    let r = learners[0]
        .post_form(
            &format!("{base}/activities/{named}/survey"),
            &[("a0", "1"), ("a1", "")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "one answer per person"
    );
    assert!(r.text().await.expect("page").contains("allerede svart"));
    let r = learners[0]
        .post_form(
            &format!("{base}/activities/{anonymous}/survey"),
            &[("a0", "4"), ("a1", "")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "an anonymous survey is answered once too"
    );
    assert!(r.text().await.expect("page").contains("allerede svart"));
    let r = learners[1]
        .post_form(&format!("{base}/activities/{named}/survey"), &[("a0", "9")])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a scale is 1 to 5"
    );
    // Anonymous: two answers are too few to show; nothing names who answered.
    let results = admin
        .get(&format!("{base}/activities/{anonymous}/results"))
        .await
        .text()
        .await
        .expect("page");
    assert!(results.contains("minst fem"), "{results}");
    assert!(
        !results.contains("Mer kaffe") && !results.contains("Emil"),
        "{results}"
    );
    // The answers are stored, and nothing in them names who gave them.
    let mut db = app.store.conn().await.expect("db");
    let stored = store::learning::work::survey_responses(
        &mut db,
        store_org(&app).await,
        anonymous.parse().expect("id"),
    )
    .await
    .expect("responses");
    drop(db);
    assert_eq!(stored.len(), 2);
    // Identified: the teacher sees each person's answers.
    let results = admin
        .get(&format!("{base}/activities/{named}/results"))
        .await
        .text()
        .await
        .expect("page");
    assert!(results.contains("Mer kaffe"), "{results}");
    // A learner cannot open the results.
    let r = learners[1]
        .get(&format!("{base}/activities/{named}/results"))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

async fn store_org(app: &TestApp) -> domain::OrganisationId {
    let mut db = app.store.conn().await.expect("db");
    store::organisations::by_slug(&mut db, "demo")
        .await
        .expect("demo")
        .id
}

async fn events_fill_up_to_a_waiting_list_take_attendance_and_close_registration_with_the_evaluation(
    app: TestApp,
) {
    let admin = app.browser_login("admin@demo.tavle.no").await;
    let (base, module) = new_course(&admin, "Førstehjelp").await;
    add_activity(
        &admin,
        &base,
        &[
            ("kind", "event"),
            ("title", "Kurskveld"),
            ("module_id", &module),
            ("required", "on"),
            ("starts_at", "2030-03-01T17:00"),
            ("ends_at", "2030-03-01T20:00"),
            ("place", "Rådhuset"),
            ("capacity", "1"),
            ("registration_fields", "name, email, work_phone"),
        ],
    )
    .await;
    let learners = enrolled_learners(&app, &base, &["ansatt", "elev", "laerer"]).await;
    let id = activity_ids(&learners[0], &base).await.remove(0);
    let event = format!("{base}/activities/{id}");
    let r = learners[0]
        .post_form(
            &format!("{event}/register"),
            &[
                ("name", "Ada Ansatt"),
                ("email", "ansatt@demo.tavle.no"),
                ("work_phone", "abc"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a phone number is checked"
    );
    let form = |phone: &'static str| {
        [
            ("name", "Navn Navnesen"),
            ("email", "navn@demo.tavle.no"),
            ("work_phone", phone),
        ]
    };
    let r = learners[0]
        .post_form(&format!("{event}/register"), &form("+47 22 33 44 55"))
        .await;
    assert!(
        location(&r).ends_with("done=registered"),
        "{}",
        location(&r)
    );
    let r = learners[1]
        .post_form(&format!("{event}/register"), &form("22334455"))
        .await;
    assert!(
        location(&r).ends_with("done=waitlisted"),
        "full: {}",
        location(&r)
    );
    // The organiser sees both and marks attendance.
    let page = admin
        .get(&format!("{event}/attendance"))
        .await
        .text()
        .await
        .expect("page");
    let registrations = ids_after(&page, &format!("{event}/registrations/"));
    assert_eq!(registrations.len(), 2, "{page}");
    assert!(page.contains("+47 22 33 44 55"));
    let r = admin
        .post_form(
            &format!("{event}/registrations/{}/attendance", registrations[0]),
            &[("attended", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Closing the evaluation closes registration.
    let r = admin
        .post_form(&format!("{event}/evaluation"), &[("evaluation", "closed")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = learners[2]
        .post_form(&format!("{event}/register"), &form("22334455"))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.expect("page").contains("stengt"));
}

async fn send_record(b: &Browser, path: &str, date: &str, with_file: bool) -> reqwest::Response {
    let token = b.csrf().await;
    let mut form = reqwest::multipart::Form::new()
        .text("provider", "Truckskolen AS")
        .text("completed_on", date.to_owned())
        .text("hours", "7,5");
    if with_file {
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec()).file_name("bevis.pdf"),
        );
    }
    b.client
        .post(format!("{}{path}?csrf_token={token}", b.base))
        .multipart(form)
        .send()
        .await
        .expect("send")
}

async fn external_records_with_proof_are_approved_and_discussion_posts_are_edited_only_by_their_authors(
    app: TestApp,
) {
    let admin = app.browser_login("admin@demo.tavle.no").await;
    let (base, module) = new_course(&admin, "Truckførerbevis").await;
    add_activity(
        &admin,
        &base,
        &[
            ("kind", "external_record"),
            ("title", "Dokumenter kurset"),
            ("module_id", &module),
            ("required", "on"),
            ("instructions", "Last opp kursbeviset."),
            ("proof_required", "on"),
        ],
    )
    .await;
    let learners = enrolled_learners(&app, &base, &["ansatt", "elev"]).await;
    let id = activity_ids(&learners[0], &base).await.remove(0);
    let path = format!("{base}/activities/{id}/record");
    let r = send_record(&learners[0], &path, "2999-01-01", true).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a date in the future"
    );
    let r = send_record(&learners[0], &path, "2025-05-05", false).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the proof is required"
    );
    let r = send_record(&learners[0], &path, "2025-05-05", true).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap_or_default()
    );
    let r = send_record(&learners[0], &path, "2025-05-06", true).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "one record waits for a decision at a time"
    );
    assert!(
        r.text()
            .await
            .expect("page")
            .contains("venter på godkjenning")
    );
    let queue = admin
        .get(&format!("{base}/grading"))
        .await
        .text()
        .await
        .expect("page");
    assert!(
        queue.contains("Truckskolen AS") && queue.contains("7.5"),
        "{queue}"
    );
    let record = ids_after(&queue, &format!("{base}/records/"));
    assert_eq!(record.len(), 1, "{queue}");
    let r = admin
        .post_form(
            &format!("{base}/records/{}/decision", record[0]),
            &[("decision", "approved"), ("comment", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let history = learners[0]
        .get("/history")
        .await
        .text()
        .await
        .expect("page");
    assert!(
        history.contains("Fullført"),
        "an approved record completes it: {history}"
    );

    // Discussion: a thread and a reply; only authors edit or delete their posts.
    let discussion = format!("{base}/discussion");
    let r = learners[0]
        .post_form(
            &discussion,
            &[("title", "Spørsmål"), ("body", "Gjelder beviset i EU?")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = learners[1]
        .get(&discussion)
        .await
        .text()
        .await
        .expect("page");
    let thread = ids_after(&page, &format!("{discussion}/"))
        .into_iter()
        .next()
        .expect("thread");
    let r = learners[1]
        .post_form(
            &format!("{discussion}/{thread}/reply"),
            &[("body", "Ja, det tror jeg.")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = learners[1]
        .post_form(
            &format!("{discussion}/{thread}/edit"),
            &[("body", "Endret av en annen")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "another's post is not theirs to edit"
    );
    let r = learners[0]
        .post_form(
            &format!("{discussion}/{thread}/edit"),
            &[("body", "Gjelder beviset i Norden?")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = learners[1]
        .get(&discussion)
        .await
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("Norden") && !page.contains("Endret av en annen"),
        "{page}"
    );
    assert!(page.contains("Ja, det tror jeg."));
    let r = learners[1]
        .post_form(&format!("{discussion}/{thread}/delete"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "nor to delete");
    let page = learners[0]
        .get(&discussion)
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Norden"), "the post is still there: {page}");
}

async fn a_shared_course_is_taken_by_a_partner_organisation_whose_learner_is_told_what_the_provider_sees(
    app: TestApp,
) {
    let other = other_org(&app).await;
    {
        let hash = web::auth::hash_password(crate::harness::PASSWORD.to_owned())
            .await
            .expect("hash");
        let mut db = app.store.conn().await.expect("db");
        store::identities::set_password(&mut db, other.member_id.parse().expect("id"), &hash)
            .await
            .expect("password");
    }
    let admin = app.browser_login("admin@demo.tavle.no").await;
    let (base, module) = new_course(&admin, "Felles introduksjon").await;
    add_activity(
        &admin,
        &base,
        &[
            ("kind", "content"),
            ("title", "Velkommen"),
            ("module_id", &module),
            ("required", "on"),
            ("body", "Hei"),
        ],
    )
    .await;
    let (private, _) = new_course(&admin, "Bare for oss").await;
    let r = admin
        .post_form(&format!("{base}/shares"), &[("organisation", "nope")])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "an unknown organisation"
    );
    let r = admin
        .post_form(&format!("{base}/shares"), &[("organisation", "other")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let olga = app.browser_login("olga@other.no").await;
    let catalogue = olga.get("/catalogue").await.text().await.expect("page");
    assert!(
        catalogue.contains("Felles introduksjon") && !catalogue.contains("Bare for oss"),
        "{catalogue}"
    );
    assert_eq!(olga.get(&private).await.status(), StatusCode::NOT_FOUND);
    let page = olga.get(&base).await.text().await.expect("page");
    assert!(
        page.contains("navnet ditt, e-postadressen din, framdriften din"),
        "the learner is told before enrolling: {page}"
    );
    let r = olga.post_form(&format!("{base}/enroll"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = activity_ids(&olga, &base).await.remove(0);
    olga.post_form(&format!("{base}/activities/{id}/done"), &[])
        .await;
    // The provider's course admin sees her name, e-mail, progress and organisation.
    let participants = admin
        .get(&format!("{base}/participants"))
        .await
        .text()
        .await
        .expect("page");
    assert!(
        participants.contains("olga@other.no") && participants.contains("Other AS"),
        "{participants}"
    );
    assert!(participants.contains("1/1"), "{participants}");
    // …but nothing else about her: she is not a person the provider's admin can look up.
    let people = admin
        .get("/org/demo/admin/people")
        .await
        .text()
        .await
        .expect("page");
    assert!(!people.contains("olga@other.no"));
}

/// The demo shows every page with real data: the demo learner's dashboard, history,
/// certificates, and the hand-in they can download (its bytes are stored like an upload's).
async fn the_demo_learner_finds_required_training_certificates_and_their_graded_hand_in(
    app: TestApp,
) {
    let learner = app.browser_login("deltaker@demo.tavle.no").await;
    let dashboard = learner.get("/learn").await.text().await.expect("page");
    assert!(dashboard.contains("status-"), "{dashboard}");
    let certificates = learner
        .get("/certificates")
        .await
        .text()
        .await
        .expect("page");
    assert!(!ids_after(&certificates, "/org/demo/certificates/").is_empty());
    let history = learner.get("/history").await.text().await.expect("page");
    let courses = ids_after(&history, "/org/demo/courses/");
    let mut found = None;
    for course in courses {
        let base = format!("/org/demo/courses/{course}");
        for activity in activity_ids(&learner, &base).await {
            let page = learner
                .get(&format!("{base}/activities/{activity}"))
                .await
                .text()
                .await
                .expect("page");
            if let Some(file) = ids_after(&page, "/org/demo/files/").into_iter().next() {
                found = Some(file);
            }
        }
    }
    let file = found.expect("the demo learner's hand-in is linked from its activity");
    let r = learner.get(&format!("/org/demo/files/{file}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"%PDF"), "the stored demo file is served");
}
