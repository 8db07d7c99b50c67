//! A learner's work in activities: quiz attempts, assignment submissions and their grades,
//! survey responses, event registrations and attendance, training recorded elsewhere and its
//! approval. Each change records progress in the same transaction.

use domain::learning::activity::{
    Approval, Event, Grade, Graded, Quiz, QuizAnswers, RecordedTraining, RegistrationField,
    RegistrationStatus, SurveyAnswer, place_for, promotions,
};
use domain::learning::progress::ProgressStatus;
use domain::{
    ActivityId, EnrollmentId, FieldErrors, FileId, OrganisationId, PersonId, RegistrationId,
    SubmissionId,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::learning::courses::Course;
use crate::learning::enrollments::{ProgressUpdate, Recorded, record};
use crate::{Db, Result, StoreError, now, stored, with_conn};

fn update(
    course: &Course,
    enrollment: EnrollmentId,
    activity: ActivityId,
    status: ProgressStatus,
) -> ProgressUpdate {
    ProgressUpdate {
        organisation_id: course.organisation_id,
        enrollment_id: enrollment,
        activity_id: activity,
        status,
        score: None,
        attempt: false,
        seconds: 0,
    }
}

// ---- quizzes ----

/// Attempts so far and whether one passed.
pub async fn quiz_standing(
    db: &mut Db,
    org: OrganisationId,
    enrollment: EnrollmentId,
    activity: ActivityId,
) -> Result<(u32, bool)> {
    let (count, passed): (i64, i64) = with_conn!(db, |c| sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(passed), 0) FROM quiz_attempts \
         WHERE organisation_id = $1 AND enrollment_id = $2 AND activity_id = $3"
    )
    .bind(org.0)
    .bind(enrollment.0)
    .bind(activity.0)
    .fetch_one(&mut *c)
    .await)?;
    Ok((u32::try_from(count).unwrap_or(u32::MAX), passed > 0))
}

/// One attempt at a quiz as handed in and graded.
#[derive(Clone, Copy, Debug)]
pub struct QuizAttempt<'a> {
    /// The form's own attempt number (1, 2, …).
    pub number: u32,
    pub answers: &'a QuizAnswers,
    pub graded: &'a Graded,
}

/// Stores attempt number `attempt` (the form's own number: posting the same form twice is
/// refused) and records its score.
pub async fn submit_quiz(
    db: &mut Db,
    course: &Course,
    enrollment: EnrollmentId,
    activity: ActivityId,
    quiz: &Quiz,
    attempt: &QuizAttempt<'_>,
) -> Result<Recorded> {
    let QuizAttempt {
        number: attempt,
        answers,
        graded,
    } = *attempt;
    let org = course.organisation_id;
    let (so_far, _) = quiz_standing(db, org, enrollment, activity).await?;
    if attempt != so_far + 1 {
        return Err(FieldErrors::single("attempt", "attempt_already_submitted").into());
    }
    let json = serde_json::to_string(answers).map_err(|_| StoreError::Corrupt("answers"))?;
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO quiz_attempts (organisation_id, id, enrollment_id, activity_id, attempt, answers, points, \
         max_points, passed, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    )
    .bind(org.0)
    .bind(Uuid::now_v7())
    .bind(enrollment.0)
    .bind(activity.0)
    .bind(attempt as i32)
    .bind(&json)
    .bind(graded.points as i32)
    .bind(graded.max_points as i32)
    .bind(i32::from(graded.passed))
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    .map_err(StoreError::unique_as("attempt"))
    })?;
    let status = if graded.passed {
        ProgressStatus::Done
    } else if quiz
        .attempts_limit
        .is_some_and(|limit| attempt >= u32::from(limit))
    {
        ProgressStatus::Failed
    } else {
        ProgressStatus::InProgress
    };
    record(
        db,
        course,
        &ProgressUpdate {
            score: Some((graded.points, graded.max_points)),
            attempt: true,
            ..update(course, enrollment, activity, status)
        },
    )
    .await
}

/// One of a learner's quiz attempts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    pub attempt: i32,
    pub answers: QuizAnswers,
    pub points: i32,
    pub max_points: i32,
    pub passed: bool,
    pub submitted_at: OffsetDateTime,
}

pub(crate) async fn attempts(
    db: &mut Db,
    org: OrganisationId,
    enrollment: EnrollmentId,
    activity: ActivityId,
) -> Result<Vec<Attempt>> {
    type Row = (i32, String, i32, i32, i32, OffsetDateTime);
    let rows: Vec<Row> = with_conn!(db, |c| sqlx::query_as(
        "SELECT attempt, answers, points, max_points, passed, submitted_at FROM quiz_attempts \
         WHERE organisation_id = $1 AND enrollment_id = $2 AND activity_id = $3 ORDER BY attempt"
    )
    .bind(org.0)
    .bind(enrollment.0)
    .bind(activity.0)
    .fetch_all(&mut *c)
    .await)?;
    rows.into_iter()
        .map(
            |(attempt, answers, points, max_points, passed, submitted_at)| {
                Ok(Attempt {
                    attempt,
                    answers: serde_json::from_str(&answers)
                        .map_err(|_| StoreError::Corrupt("quiz_attempts.answers"))?,
                    points,
                    max_points,
                    passed: passed != 0,
                    submitted_at,
                })
            },
        )
        .collect()
}

// ---- assignments ----

/// A submission and its grade.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submission {
    pub id: SubmissionId,
    pub enrollment_id: EnrollmentId,
    pub activity_id: ActivityId,
    pub version: i32,
    pub file_id: FileId,
    pub submitted_at: OffsetDateTime,
    pub grade: Option<Grade>,
    pub comment: Option<String>,
    pub graded_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct SubmissionRow {
    id: Uuid,
    enrollment_id: Uuid,
    activity_id: Uuid,
    version: i32,
    file_id: Uuid,
    submitted_at: OffsetDateTime,
    grade: Option<String>,
    comment: Option<String>,
    graded_at: Option<OffsetDateTime>,
}

macro_rules! submission_columns {
    () => {
        "s.id, s.enrollment_id, s.activity_id, s.version, s.file_id, s.submitted_at, s.grade, s.comment, s.graded_at"
    };
}
pub(crate) use submission_columns;

impl TryFrom<SubmissionRow> for Submission {
    type Error = StoreError;
    fn try_from(r: SubmissionRow) -> Result<Self> {
        Ok(Self {
            id: SubmissionId(r.id),
            enrollment_id: EnrollmentId(r.enrollment_id),
            activity_id: ActivityId(r.activity_id),
            version: r.version,
            file_id: FileId(r.file_id),
            submitted_at: r.submitted_at,
            grade: r
                .grade
                .map(|g| stored(Grade::parse(&g), "submissions.grade"))
                .transpose()?,
            comment: r.comment,
            graded_at: r.graded_at,
        })
    }
}

/// The learner's latest submission to the assignment, if any.
pub(crate) async fn latest_submission(
    db: &mut Db,
    org: OrganisationId,
    enrollment: EnrollmentId,
    activity: ActivityId,
) -> Result<Option<Submission>> {
    let row: Option<SubmissionRow> = with_conn!(db, |c| {
        sqlx::query_as(concat!(
        "SELECT ",
        submission_columns!(),
        " FROM submissions s WHERE s.organisation_id = $1 AND s.enrollment_id = $2 AND s.activity_id = $3 \
          ORDER BY s.version DESC LIMIT 1"
    ))
    .bind(org.0)
    .bind(enrollment.0)
    .bind(activity.0)
    .fetch_optional(&mut *c)
    .await
    })?;
    row.map(TryInto::try_into).transpose()
}

pub(crate) async fn submission(
    db: &mut Db,
    org: OrganisationId,
    id: SubmissionId,
) -> Result<Submission> {
    let row: Option<SubmissionRow> = with_conn!(db, |c| sqlx::query_as(concat!(
        "SELECT ",
        submission_columns!(),
        " FROM submissions s WHERE s.organisation_id = $1 AND s.id = $2"
    ))
    .bind(org.0)
    .bind(id.0)
    .fetch_optional(&mut *c)
    .await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// Hands in a file (already stored and checked) as the next version.
pub async fn submit_assignment(
    db: &mut Db,
    course: &Course,
    enrollment: EnrollmentId,
    activity: ActivityId,
    file: FileId,
) -> Result<SubmissionId> {
    let org = course.organisation_id;
    let id = SubmissionId::new();
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO submissions (organisation_id, id, enrollment_id, activity_id, version, file_id, submitted_at) \
         SELECT $1, $2, $3, $4, COALESCE(MAX(version), 0) + 1, $5, $6 FROM submissions \
         WHERE organisation_id = $1 AND enrollment_id = $3 AND activity_id = $4"
    )
    .bind(org.0)
    .bind(id.0)
    .bind(enrollment.0)
    .bind(activity.0)
    .bind(file.0)
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    record(
        db,
        course,
        &update(course, enrollment, activity, ProgressStatus::InProgress),
    )
    .await?;
    Ok(id)
}

/// Grades a submission; a pass completes the activity.
pub async fn grade(
    db: &mut Db,
    course: &Course,
    submission: SubmissionId,
    grade: Grade,
    comment: Option<&str>,
    by: PersonId,
) -> Result<Recorded> {
    let org = course.organisation_id;
    let s = self::submission(db, org, submission).await?;
    with_conn!(db, |c| sqlx::query(
        "UPDATE submissions SET grade = $3, comment = $4, graded_by = $5, graded_at = $6 \
         WHERE organisation_id = $1 AND id = $2"
    )
    .bind(org.0)
    .bind(submission.0)
    .bind(grade.as_str())
    .bind(comment)
    .bind(by.0)
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    let status = match grade {
        Grade::Passed => ProgressStatus::Done,
        Grade::NotPassed => ProgressStatus::InProgress,
    };
    record(
        db,
        course,
        &update(course, s.enrollment_id, s.activity_id, status),
    )
    .await
}

// ---- surveys ----

/// Stores a survey response. An anonymous survey's response has no enrollment, a random id
/// and the day only; that the person answered is kept in their progress, not with the answer.
pub async fn answer_survey(
    db: &mut Db,
    course: &Course,
    enrollment: EnrollmentId,
    activity: ActivityId,
    anonymous: bool,
    answers: &[SurveyAnswer],
    today: Date,
) -> Result<Recorded> {
    let org = course.organisation_id;
    let answered: Option<String> = with_conn!(db, |c| {
        sqlx::query_scalar(
        "SELECT status FROM activity_progress WHERE organisation_id = $1 AND enrollment_id = $2 AND activity_id = $3"
    )
    .bind(org.0)
    .bind(enrollment.0)
    .bind(activity.0)
    .fetch_optional(&mut *c)
    .await
    })?;
    if answered.as_deref() == Some("done") {
        return Err(FieldErrors::single("answers", "survey_already_answered").into());
    }
    let json = serde_json::to_string(answers).map_err(|_| StoreError::Corrupt("answers"))?;
    let id = if anonymous {
        Uuid::new_v4()
    } else {
        Uuid::now_v7()
    };
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO survey_responses (organisation_id, id, activity_id, enrollment_id, answers, submitted_on) \
         VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(org.0)
    .bind(id)
    .bind(activity.0)
    .bind((!anonymous).then_some(enrollment.0))
    .bind(&json)
    .bind(today)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    record(
        db,
        course,
        &update(course, enrollment, activity, ProgressStatus::Done),
    )
    .await
}

/// All responses to a survey (their answers only), for its results.
pub async fn survey_responses(
    db: &mut Db,
    org: OrganisationId,
    activity: ActivityId,
) -> Result<Vec<Vec<SurveyAnswer>>> {
    let rows: Vec<String> = with_conn!(db, |c| sqlx::query_scalar(
        "SELECT answers FROM survey_responses WHERE organisation_id = $1 AND activity_id = $2"
    )
    .bind(org.0)
    .bind(activity.0)
    .fetch_all(&mut *c)
    .await)?;
    rows.iter()
        .map(|a| {
            serde_json::from_str(a).map_err(|_| StoreError::Corrupt("survey_responses.answers"))
        })
        .collect()
}

// ---- events ----

/// A registration for an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registration {
    pub id: RegistrationId,
    pub enrollment_id: EnrollmentId,
    pub person_id: PersonId,
    pub status: RegistrationStatus,
    pub answers: Vec<(RegistrationField, String)>,
    pub attended: Option<bool>,
    pub registered_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
pub(crate) struct RegistrationRow {
    id: Uuid,
    enrollment_id: Uuid,
    person_id: Uuid,
    status: String,
    answers: String,
    attended: Option<i32>,
    registered_at: OffsetDateTime,
}

impl TryFrom<RegistrationRow> for Registration {
    type Error = StoreError;
    fn try_from(r: RegistrationRow) -> Result<Self> {
        Ok(Self {
            id: RegistrationId(r.id),
            enrollment_id: EnrollmentId(r.enrollment_id),
            person_id: PersonId(r.person_id),
            status: stored(
                RegistrationStatus::parse(&r.status),
                "event_registrations.status",
            )?,
            answers: serde_json::from_str(&r.answers)
                .map_err(|_| StoreError::Corrupt("event_registrations.answers"))?,
            attended: r.attended.map(|a| a != 0),
            registered_at: r.registered_at,
        })
    }
}

pub(crate) async fn registrations(
    db: &mut Db,
    org: OrganisationId,
    activity: ActivityId,
) -> Result<Vec<Registration>> {
    let rows: Vec<RegistrationRow> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT id, enrollment_id, person_id, status, answers, attended, registered_at FROM event_registrations \
         WHERE organisation_id = $1 AND activity_id = $2 ORDER BY registered_at, id"
    )
    .bind(org.0)
    .bind(activity.0)
    .fetch_all(&mut *c)
    .await
    })?;
    rows.into_iter().map(TryInto::try_into).collect()
}

pub(crate) async fn registration_of(
    db: &mut Db,
    org: OrganisationId,
    activity: ActivityId,
    person: PersonId,
) -> Result<Option<Registration>> {
    Ok(registrations(db, org, activity)
        .await?
        .into_iter()
        .find(|r| r.person_id == person))
}

async fn counts(db: &mut Db, org: OrganisationId, activity: ActivityId) -> Result<(u32, u32)> {
    let (registered, waitlisted): (i64, i64) = with_conn!(db, |c| sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN status = 'registered' THEN 1 ELSE 0 END), 0), \
                COALESCE(SUM(CASE WHEN status = 'waitlisted' THEN 1 ELSE 0 END), 0) \
         FROM event_registrations WHERE organisation_id = $1 AND activity_id = $2"
    )
    .bind(org.0)
    .bind(activity.0)
    .fetch_one(&mut *c)
    .await)?;
    Ok((registered as u32, waitlisted as u32))
}

/// Registers the person for the event: a place while there is one, else the waiting list.
/// Registering again after cancelling takes a new turn.
pub async fn register(
    db: &mut Db,
    course: &Course,
    enrollment: EnrollmentId,
    activity: ActivityId,
    event: &Event,
    person: PersonId,
    answers: &[(RegistrationField, String)],
) -> Result<RegistrationStatus> {
    let org = course.organisation_id;
    if let Some(existing) = registration_of(db, org, activity, person).await?
        && existing.status != RegistrationStatus::Cancelled
    {
        return Err(FieldErrors::single("registration", "already_registered").into());
    }
    let (registered, _) = counts(db, org, activity).await?;
    let status = place_for(event, registered);
    let json = serde_json::to_string(answers).map_err(|_| StoreError::Corrupt("answers"))?;
    let at = now();
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO event_registrations (organisation_id, id, activity_id, enrollment_id, person_id, status, answers, \
         registered_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
         ON CONFLICT (organisation_id, activity_id, person_id) DO UPDATE SET status = excluded.status, \
           answers = excluded.answers, enrollment_id = excluded.enrollment_id, attended = NULL, \
           registered_at = excluded.registered_at, updated_at = excluded.updated_at"
    )
    .bind(org.0)
    .bind(Uuid::now_v7())
    .bind(activity.0)
    .bind(enrollment.0)
    .bind(person.0)
    .bind(status.as_str())
    .bind(&json)
    .bind(at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    record(
        db,
        course,
        &update(course, enrollment, activity, ProgressStatus::InProgress),
    )
    .await?;
    Ok(status)
}

/// Cancels the person's registration; the first on the waiting list takes a freed place.
pub async fn cancel_registration(
    db: &mut Db,
    org: OrganisationId,
    activity: ActivityId,
    event: &Event,
    person: PersonId,
) -> Result<()> {
    let done = with_conn!(db, |c| {
        sqlx::query(
        "UPDATE event_registrations SET status = 'cancelled', updated_at = $4 \
         WHERE organisation_id = $1 AND activity_id = $2 AND person_id = $3 AND status <> 'cancelled'"
    )
    .bind(org.0)
    .bind(activity.0)
    .bind(person.0)
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    let (registered, waitlisted) = counts(db, org, activity).await?;
    let promote = promotions(event, registered, waitlisted);
    if promote > 0 {
        with_conn!(db, |c| {
            sqlx::query(
            "UPDATE event_registrations SET status = 'registered', updated_at = $4 WHERE organisation_id = $1 AND id IN (\
             SELECT id FROM event_registrations WHERE organisation_id = $1 AND activity_id = $2 AND status = 'waitlisted' \
             ORDER BY registered_at, id LIMIT CAST($3 AS BIGINT))"
        )
        .bind(org.0)
        .bind(activity.0)
        .bind(i64::from(promote))
        .bind(now())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// The organiser marks whether a registered person came; coming completes the activity.
/// Returns whose registration it is.
pub async fn mark_attendance(
    db: &mut Db,
    course: &Course,
    activity: ActivityId,
    registration: RegistrationId,
    attended: bool,
) -> Result<PersonId> {
    let org = course.organisation_id;
    let enrollment: Option<Uuid> = with_conn!(db, |c| {
        sqlx::query_scalar(
        "UPDATE event_registrations SET attended = $4, updated_at = $5 \
         WHERE organisation_id = $1 AND activity_id = $2 AND id = $3 AND status = 'registered' RETURNING enrollment_id"
    )
    .bind(org.0)
    .bind(activity.0)
    .bind(registration.0)
    .bind(i32::from(attended))
    .bind(now())
    .fetch_optional(&mut *c)
    .await
    })?;
    let enrollment = EnrollmentId(enrollment.ok_or(StoreError::NotFound)?);
    let status = if attended {
        ProgressStatus::Done
    } else {
        ProgressStatus::InProgress
    };
    // Attendance of someone whose enrollment has ended changes nothing more.
    let (active, person): (String, Uuid) = with_conn!(db, |c| sqlx::query_as(
        "SELECT status, person_id FROM enrollments WHERE organisation_id = $1 AND id = $2"
    )
    .bind(org.0)
    .bind(enrollment.0)
    .fetch_optional(&mut *c)
    .await)?
    .ok_or(StoreError::NotFound)?;
    if active == "active" {
        record(db, course, &update(course, enrollment, activity, status)).await?;
    }
    Ok(PersonId(person))
}

// ---- external records ----

/// Training recorded elsewhere, awaiting or having had a decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalRecordRow {
    pub id: Uuid,
    pub enrollment_id: EnrollmentId,
    pub activity_id: ActivityId,
    pub provider: String,
    pub completed_on: Date,
    pub tenths_of_hours: i32,
    pub proof_file_id: Option<FileId>,
    pub status: Approval,
    pub comment: Option<String>,
    pub submitted_at: OffsetDateTime,
}

type RecordTuple = (
    Uuid,
    Uuid,
    Uuid,
    String,
    Date,
    i32,
    Option<Uuid>,
    String,
    Option<String>,
    OffsetDateTime,
);

pub(crate) fn record_from_tuple(t: RecordTuple) -> Result<ExternalRecordRow> {
    let (
        id,
        enrollment,
        activity,
        provider,
        completed_on,
        tenths,
        proof,
        status,
        comment,
        submitted_at,
    ) = t;
    Ok(ExternalRecordRow {
        id,
        enrollment_id: EnrollmentId(enrollment),
        activity_id: ActivityId(activity),
        provider,
        completed_on,
        tenths_of_hours: tenths,
        proof_file_id: proof.map(FileId),
        status: stored(Approval::parse(&status), "external_records.status")?,
        comment,
        submitted_at,
    })
}

macro_rules! record_columns {
    () => {
        "r.id, r.enrollment_id, r.activity_id, r.provider, r.completed_on, r.tenths_of_hours, r.proof_file_id, r.status, \
         r.comment, r.submitted_at"
    };
}
pub(crate) use record_columns;

pub(crate) async fn latest_record(
    db: &mut Db,
    org: OrganisationId,
    enrollment: EnrollmentId,
    activity: ActivityId,
) -> Result<Option<ExternalRecordRow>> {
    let row: Option<RecordTuple> = with_conn!(db, |c| {
        sqlx::query_as(concat!(
        "SELECT ",
        record_columns!(),
        " FROM external_records r WHERE r.organisation_id = $1 AND r.enrollment_id = $2 AND r.activity_id = $3 \
          ORDER BY r.submitted_at DESC, r.id DESC LIMIT 1"
    ))
    .bind(org.0)
    .bind(enrollment.0)
    .bind(activity.0)
    .fetch_optional(&mut *c)
    .await
    })?;
    row.map(record_from_tuple).transpose()
}

/// Records training done elsewhere for approval. A pending record must be decided first.
pub async fn record_external(
    db: &mut Db,
    course: &Course,
    enrollment: EnrollmentId,
    activity: ActivityId,
    training: &RecordedTraining,
    proof: Option<FileId>,
) -> Result<()> {
    let org = course.organisation_id;
    if let Some(latest) = latest_record(db, org, enrollment, activity).await? {
        match latest.status {
            Approval::Pending => {
                return Err(FieldErrors::single("provider", "record_awaits_decision").into());
            }
            Approval::Approved => {
                return Err(FieldErrors::single("provider", "record_already_approved").into());
            }
            Approval::Rejected => {}
        }
    }
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO external_records (organisation_id, id, enrollment_id, activity_id, provider, completed_on, \
         tenths_of_hours, proof_file_id, status, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9)"
    )
    .bind(org.0)
    .bind(Uuid::now_v7())
    .bind(enrollment.0)
    .bind(activity.0)
    .bind(&training.provider)
    .bind(training.completed_on)
    .bind(training.tenths_of_hours as i32)
    .bind(proof.map(|p| p.0))
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    record(
        db,
        course,
        &update(course, enrollment, activity, ProgressStatus::InProgress),
    )
    .await?;
    Ok(())
}

/// Approves or rejects a pending record; approval completes the activity. Returns whose
/// record it is.
pub async fn decide_record(
    db: &mut Db,
    course: &Course,
    record_id: Uuid,
    approval: Approval,
    comment: Option<&str>,
    by: PersonId,
) -> Result<PersonId> {
    let org = course.organisation_id;
    let found: Option<(Uuid, Uuid)> = with_conn!(db, |c| {
        sqlx::query_as(
        "UPDATE external_records SET status = $3, comment = $4, decided_by = $5, decided_at = $6 \
         WHERE organisation_id = $1 AND id = $2 AND status = 'pending' \
           AND activity_id IN (SELECT a.id FROM activities a WHERE a.organisation_id = $1 AND a.course_id = $7) \
         RETURNING enrollment_id, activity_id"
    )
    .bind(org.0)
    .bind(record_id)
    .bind(approval.as_str())
    .bind(comment)
    .bind(by.0)
    .bind(now())
    .bind(course.id.0)
    .fetch_optional(&mut *c)
    .await
    })?;
    let (enrollment, activity) = found.ok_or(StoreError::NotFound)?;
    let status = match approval {
        Approval::Approved => ProgressStatus::Done,
        _ => ProgressStatus::InProgress,
    };
    record(
        db,
        course,
        &update(
            course,
            EnrollmentId(enrollment),
            ActivityId(activity),
            status,
        ),
    )
    .await?;
    let person: Uuid = with_conn!(db, |c| sqlx::query_scalar(
        "SELECT person_id FROM enrollments WHERE organisation_id = $1 AND id = $2"
    )
    .bind(org.0)
    .bind(enrollment)
    .fetch_one(&mut *c)
    .await)?;
    Ok(PersonId(person))
}
