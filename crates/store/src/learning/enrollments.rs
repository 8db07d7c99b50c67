//! Enrollments, progress per activity, completion and certificates. Completion is recomputed
//! from the one enrollment's progress rows whenever an activity changes; nothing here scans a
//! course's history.

use domain::learning::course::CompletionRule;
use domain::learning::progress::{
    ActivityProgress, ActivityWeight, CompletionState, EnrollmentSource, EnrollmentStatus,
    ProgressStatus, certificate_expiry, evaluate,
};
use domain::{
    ActivityId, CertificateId, CourseId, EnrollmentId, FieldErrors, OrganisationId, PersonId,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::learning::courses::Course;
use crate::{Db, Result, StoreError, now, stored, with_conn};

/// An enrollment as the store keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrollment {
    pub id: EnrollmentId,
    pub organisation_id: OrganisationId,
    pub course_id: CourseId,
    pub person_id: PersonId,
    pub via_organisation_id: Option<OrganisationId>,
    pub source: EnrollmentSource,
    pub status: EnrollmentStatus,
    pub enrolled_at: OffsetDateTime,
    pub completed_at: Option<OffsetDateTime>,
    pub required_done: i32,
    pub required_total: i32,
    pub time_spent_seconds: i64,
}

#[derive(sqlx::FromRow)]
pub(crate) struct EnrollmentRow {
    id: Uuid,
    organisation_id: Uuid,
    course_id: Uuid,
    person_id: Uuid,
    via_organisation_id: Option<Uuid>,
    source: String,
    status: String,
    enrolled_at: OffsetDateTime,
    completed_at: Option<OffsetDateTime>,
    required_done: i32,
    required_total: i32,
    time_spent_seconds: i64,
}

macro_rules! enrollment_columns {
    () => {
        "e.id, e.organisation_id, e.course_id, e.person_id, e.via_organisation_id, e.source, e.status, e.enrolled_at, \
         e.completed_at, e.required_done, e.required_total, e.time_spent_seconds"
    };
}
pub(crate) use enrollment_columns;

impl TryFrom<EnrollmentRow> for Enrollment {
    type Error = StoreError;
    fn try_from(r: EnrollmentRow) -> Result<Self> {
        Ok(Self {
            id: EnrollmentId(r.id),
            organisation_id: OrganisationId(r.organisation_id),
            course_id: CourseId(r.course_id),
            person_id: PersonId(r.person_id),
            via_organisation_id: r.via_organisation_id.map(OrganisationId),
            source: stored(EnrollmentSource::parse(&r.source), "enrollments.source")?,
            status: stored(EnrollmentStatus::parse(&r.status), "enrollments.status")?,
            enrolled_at: r.enrolled_at,
            completed_at: r.completed_at,
            required_done: r.required_done,
            required_total: r.required_total,
            time_spent_seconds: r.time_spent_seconds,
        })
    }
}

/// Enrolls the person in the course. An active enrollment already there is a field error
/// `already_enrolled` (a completed one is history: this starts a re-take).
pub async fn enroll(
    db: &mut Db,
    course: &Course,
    person: PersonId,
    via: Option<OrganisationId>,
    source: EnrollmentSource,
    by: Option<PersonId>,
) -> Result<EnrollmentId> {
    let id = EnrollmentId::new();
    let org = course.organisation_id;
    let done = with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO enrollments (organisation_id, id, course_id, person_id, via_organisation_id, source, status, \
         enrolled_by, enrolled_at, required_total) \
         SELECT $1, $2, $3, $4, $5, $6, 'active', $7, $8, \
                (SELECT COUNT(*) FROM activities WHERE organisation_id = $1 AND course_id = $3 AND required = 1) \
         ON CONFLICT (organisation_id, course_id, person_id) WHERE status = 'active' DO NOTHING"
    )
    .bind(org.0)
    .bind(id.0)
    .bind(course.id.0)
    .bind(person.0)
    .bind(via.map(|v| v.0))
    .bind(source.as_str())
    .bind(by.map(|b| b.0))
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    if done == 0 {
        return Err(FieldErrors::single("person", "already_enrolled").into());
    }
    Ok(id)
}

/// Withdraws an active enrollment (its progress is kept, as history).
pub async fn withdraw(db: &mut Db, org: OrganisationId, id: EnrollmentId) -> Result<()> {
    let done = with_conn!(db, |c| {
        sqlx::query(
        "UPDATE enrollments SET status = 'withdrawn' WHERE organisation_id = $1 AND id = $2 AND status = 'active'"
    )
    .bind(org.0)
    .bind(id.0)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn get(db: &mut Db, org: OrganisationId, id: EnrollmentId) -> Result<Enrollment> {
    let row: Option<EnrollmentRow> = with_conn!(db, |c| sqlx::query_as(concat!(
        "SELECT ",
        enrollment_columns!(),
        " FROM enrollments e WHERE e.organisation_id = $1 AND e.id = $2"
    ))
    .bind(org.0)
    .bind(id.0)
    .fetch_optional(&mut *c)
    .await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// The person's current enrollment in the course (active, else the latest completed).
pub(crate) async fn current(
    db: &mut Db,
    org: OrganisationId,
    course: CourseId,
    person: PersonId,
) -> Result<Option<Enrollment>> {
    let row: Option<EnrollmentRow> = with_conn!(db, |c| {
        sqlx::query_as(concat!(
        "SELECT ",
        enrollment_columns!(),
        " FROM enrollments e WHERE e.organisation_id = $1 AND e.course_id = $2 AND e.person_id = $3 \
          AND e.status <> 'withdrawn' ORDER BY CASE e.status WHEN 'active' THEN 0 ELSE 1 END, e.enrolled_at DESC LIMIT 1"
    ))
    .bind(org.0)
    .bind(course.0)
    .bind(person.0)
    .fetch_optional(&mut *c)
    .await
    })?;
    row.map(TryInto::try_into).transpose()
}

/// One activity's progress, as kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    pub activity_id: ActivityId,
    pub status: ProgressStatus,
    pub score: Option<i32>,
    pub max_score: Option<i32>,
    pub attempts: i32,
    pub time_spent_seconds: i64,
    pub completed_at: Option<OffsetDateTime>,
}

pub(crate) async fn progress_of(
    db: &mut Db,
    org: OrganisationId,
    enrollment: EnrollmentId,
) -> Result<Vec<Progress>> {
    type Row = (
        Uuid,
        String,
        Option<i32>,
        Option<i32>,
        i32,
        i64,
        Option<OffsetDateTime>,
    );
    let rows: Vec<Row> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT activity_id, status, score, max_score, attempts, time_spent_seconds, completed_at \
         FROM activity_progress WHERE organisation_id = $1 AND enrollment_id = $2"
    )
    .bind(org.0)
    .bind(enrollment.0)
    .fetch_all(&mut *c)
    .await
    })?;
    rows.into_iter()
        .map(
            |(a, status, score, max_score, attempts, seconds, completed_at)| {
                Ok(Progress {
                    activity_id: ActivityId(a),
                    status: stored(ProgressStatus::parse(&status), "activity_progress.status")?,
                    score,
                    max_score,
                    attempts,
                    time_spent_seconds: seconds,
                    completed_at,
                })
            },
        )
        .collect()
}

/// A change to one activity's progress in one enrollment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgressUpdate {
    pub organisation_id: OrganisationId,
    pub enrollment_id: EnrollmentId,
    pub activity_id: ActivityId,
    /// The new status; a done activity stays done (a later worse attempt does not undo it).
    pub status: ProgressStatus,
    /// A score, kept if better than the one before.
    pub score: Option<(u32, u32)>,
    /// Count one more attempt.
    pub attempt: bool,
    pub seconds: u32,
}

/// What recording progress did to the enrollment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub state: CompletionState,
    /// The enrollment became complete with this change.
    pub completed_now: bool,
    pub certificate: Option<CertificateId>,
}

/// How a progress change merges into the row there: a done activity stays done, the better
/// score stays, attempts and time add up.
macro_rules! progress_upsert {
    () => {
        " ON CONFLICT (organisation_id, enrollment_id, activity_id) DO UPDATE SET \
           status = CASE WHEN activity_progress.status = 'done' THEN 'done' \
                         WHEN activity_progress.status = 'failed' AND excluded.attempts = 0 \
                              AND excluded.score IS NULL THEN 'failed' \
                         ELSE excluded.status END, \
           score = CASE WHEN excluded.score IS NULL THEN activity_progress.score \
                        WHEN activity_progress.score IS NULL OR excluded.score > activity_progress.score THEN excluded.score \
                        ELSE activity_progress.score END, \
           max_score = COALESCE(excluded.max_score, activity_progress.max_score), \
           attempts = activity_progress.attempts + excluded.attempts, \
           time_spent_seconds = activity_progress.time_spent_seconds + excluded.time_spent_seconds, \
           completed_at = COALESCE(activity_progress.completed_at, excluded.completed_at), \
           updated_at = excluded.updated_at"
    };
}

/// The upsert's conflict clause, for the group-commit writer's multi-row insert.
pub(crate) const PROGRESS_UPSERT: &str = progress_upsert!();

/// Records progress and recomputes the enrollment's completion. Its course is passed in
/// (callers have it) so it is not read again.
pub async fn record(db: &mut Db, course: &Course, update: &ProgressUpdate) -> Result<Recorded> {
    let activities = weights(db, course.organisation_id, course.id).await?;
    record_with(db, course, &activities, update).await
}

/// [`record`] with the course's activity weights already read (the group-commit writer reads
/// them once per batch).
pub(crate) async fn record_with(
    db: &mut Db,
    course: &Course,
    activities: &[ActivityWeight],
    update: &ProgressUpdate,
) -> Result<Recorded> {
    let org = update.organisation_id;
    let at = now();
    let done_at = (update.status == ProgressStatus::Done).then_some(at);
    let (score, max) = match update.score {
        Some((s, m)) => (Some(i64::from(s)), Some(i64::from(m))),
        None => (None, None),
    };
    with_conn!(db, |c| {
        sqlx::query(
        concat!(
            "INSERT INTO activity_progress (organisation_id, enrollment_id, activity_id, status, score, max_score, attempts, \
             time_spent_seconds, completed_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            progress_upsert!()
        )
    )
    .bind(org.0)
    .bind(update.enrollment_id.0)
    .bind(update.activity_id.0)
    .bind(update.status.as_str())
    .bind(score)
    .bind(max)
    .bind(i32::from(update.attempt))
    .bind(i64::from(update.seconds))
    .bind(done_at)
    .bind(at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    recompute(
        db,
        course,
        activities,
        update.enrollment_id,
        i64::from(update.seconds),
    )
    .await
}

/// The weights completion needs of a course's activities.
pub(crate) async fn weights(
    db: &mut Db,
    org: OrganisationId,
    course: CourseId,
) -> Result<Vec<ActivityWeight>> {
    let rows: Vec<(Uuid, i32, Option<i32>)> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT id, required, quiz_points FROM activities WHERE organisation_id = $1 AND course_id = $2"
    )
    .bind(org.0)
    .bind(course.0)
    .fetch_all(&mut *c)
    .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, required, points)| ActivityWeight {
            id: ActivityId(id),
            required: required != 0,
            quiz_points: points.and_then(|p| u32::try_from(p).ok()),
        })
        .collect())
}

/// Recomputes one enrollment's completion from its progress rows; a newly complete enrollment
/// is marked completed and gets its certificate (and renews certificates the course refreshes).
pub(crate) async fn recompute(
    db: &mut Db,
    course: &Course,
    activities: &[ActivityWeight],
    enrollment: EnrollmentId,
    add_seconds: i64,
) -> Result<Recorded> {
    let org = course.organisation_id;
    let e = get(db, org, enrollment).await?;
    let progress: Vec<ActivityProgress> = progress_of(db, org, enrollment)
        .await?
        .into_iter()
        .map(|p| ActivityProgress {
            activity: p.activity_id,
            status: p.status,
            score: p.score.and_then(|s| u32::try_from(s).ok()),
        })
        .collect();
    let rule: CompletionRule = course.settings.completion_rule;
    let state = evaluate(rule, course.settings.pass_mark, activities, &progress);
    let at = now();
    let completed_now = state.complete && e.status == EnrollmentStatus::Active;
    with_conn!(db, |c| sqlx::query(
        "UPDATE enrollments SET required_done = $3, required_total = $4, \
           time_spent_seconds = time_spent_seconds + $5, last_activity_at = $6, \
           status = CASE WHEN $7 = 1 THEN 'completed' ELSE status END, \
           completed_at = CASE WHEN $7 = 1 THEN $6 ELSE completed_at END \
         WHERE organisation_id = $1 AND id = $2"
    )
    .bind(org.0)
    .bind(enrollment.0)
    .bind(state.required_done as i32)
    .bind(state.required_total as i32)
    .bind(add_seconds)
    .bind(at)
    .bind(i32::from(completed_now))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    let mut certificate = None;
    if completed_now {
        let today = at.date();
        if let Some(policy) = course.settings.certificate {
            certificate = Some(
                issue(
                    db,
                    org,
                    course.id,
                    enrollment,
                    e.person_id,
                    today,
                    certificate_expiry(today, policy.validity_months),
                )
                .await?,
            );
        }
        renew_refreshed(db, course, enrollment, e.person_id, today).await?;
    }
    Ok(Recorded {
        state,
        completed_now,
        certificate,
    })
}

/// A completed refresher course renews the certificate of every course it refreshes, for
/// someone who has held that course's certificate.
async fn renew_refreshed(
    db: &mut Db,
    refresher: &Course,
    enrollment: EnrollmentId,
    person: PersonId,
    today: Date,
) -> Result<()> {
    let org = refresher.organisation_id;
    let main: Vec<(Uuid, Option<i32>)> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT c.id, c.certificate_validity_months FROM courses c WHERE c.organisation_id = $1 \
         AND c.refresher_course_id = $2 AND c.certificate = 1 AND EXISTS (SELECT 1 FROM certificates x \
         WHERE x.organisation_id = $1 AND x.course_id = c.id AND x.person_id = $3)"
    )
    .bind(org.0)
    .bind(refresher.id.0)
    .bind(person.0)
    .fetch_all(&mut *c)
    .await
    })?;
    for (course, months) in main {
        let months = months.and_then(|m| u16::try_from(m).ok());
        issue(
            db,
            org,
            CourseId(course),
            enrollment,
            person,
            today,
            certificate_expiry(today, months),
        )
        .await?;
    }
    Ok(())
}

async fn issue(
    db: &mut Db,
    org: OrganisationId,
    course: CourseId,
    enrollment: EnrollmentId,
    person: PersonId,
    issued_on: Date,
    expires_on: Option<Date>,
) -> Result<CertificateId> {
    let id = CertificateId::new();
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO certificates (organisation_id, id, course_id, enrollment_id, person_id, issued_on, expires_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    )
    .bind(org.0)
    .bind(id.0)
    .bind(course.0)
    .bind(enrollment.0)
    .bind(person.0)
    .bind(issued_on)
    .bind(expires_on)
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(id)
}
