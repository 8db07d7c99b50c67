//! Bulk inserts of learning-core rows for generated data (`tavle dataset`, the demo): many rows
//! per statement, inside the caller's transaction. The caller makes the rows consistent
//! (completion with progress, certificates with completion); constraints still hold.

use domain::{
    ActivityId, CertificateId, CourseId, EnrollmentId, ModuleId, OrganisationId, PersonId,
    RequirementId, UnitId,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{Db, Result, with_conn};

/// Rows per statement for narrow tables (under both backends' bind-parameter limits).
const CHUNK: usize = 1000;

pub struct CourseRow {
    pub id: CourseId,
    pub title: String,
    pub summary: String,
    pub tags: String,
    /// `organisation`, `shared` or `public`.
    pub visibility: &'static str,
    pub certificate_validity_months: Option<i32>,
    pub certificate: bool,
}

pub struct ModuleRow {
    pub id: ModuleId,
    pub course: CourseId,
    pub position: i32,
    pub title: String,
}

pub struct ActivityRow {
    pub id: ActivityId,
    pub course: CourseId,
    pub module: ModuleId,
    pub position: i32,
    /// `domain::learning::activity::ActivityKind::as_str`.
    pub kind: &'static str,
    pub title: String,
    pub required: bool,
    /// The settings as JSON (`ActivitySettings` serialised).
    pub settings: String,
    pub quiz_points: Option<i64>,
}

pub struct EnrollmentRow {
    pub id: EnrollmentId,
    pub course: CourseId,
    pub person: PersonId,
    /// `active` or `completed`.
    pub status: &'static str,
    pub enrolled_at: OffsetDateTime,
    pub completed_at: Option<OffsetDateTime>,
    pub required_done: i32,
    pub required_total: i32,
    pub time_spent_seconds: i64,
    pub last_activity_at: Option<OffsetDateTime>,
}

pub struct ProgressRow {
    pub enrollment: EnrollmentId,
    pub activity: ActivityId,
    /// `in_progress`, `done` or `failed`.
    pub status: &'static str,
    pub score: Option<i32>,
    pub max_score: Option<i32>,
    pub attempts: i32,
    pub time_spent_seconds: i64,
    pub completed_at: Option<OffsetDateTime>,
    pub updated_at: OffsetDateTime,
}

pub struct AttemptRow {
    pub enrollment: EnrollmentId,
    pub activity: ActivityId,
    pub attempt: i32,
    /// `QuizAnswers` as JSON.
    pub answers: &'static str,
    pub points: i32,
    pub max_points: i32,
    pub passed: bool,
    pub submitted_at: OffsetDateTime,
}

pub struct CertificateRow {
    pub id: CertificateId,
    pub course: CourseId,
    pub enrollment: EnrollmentId,
    pub person: PersonId,
    pub issued_on: Date,
    pub expires_on: Option<Date>,
}

pub struct RequirementRow {
    pub id: RequirementId,
    pub course: CourseId,
    /// `everyone`, `unit` or `position`.
    pub audience: &'static str,
    pub unit: Option<UnitId>,
    pub position: Option<String>,
    pub due_days: i32,
    pub renewal_months: Option<i32>,
    pub created_at: OffsetDateTime,
}

/// Open courses of `org` that anyone in it may take, completed when every required activity is.
pub async fn courses(
    db: &mut Db,
    org: OrganisationId,
    rows: &[CourseRow],
    at: OffsetDateTime,
) -> Result<()> {
    for chunk in rows.chunks(CHUNK / 2) {
        with_conn!(db, |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO courses (organisation_id, id, title, summary, language, tags, visibility, status, \
                 self_enrollment, completion_rule, pass_mark, certificate, certificate_validity_months, \
                 refresher_course_id, participant_list, created_at, updated_at) ",
            );
            q.push_values(chunk, |mut b, r| {
                b.push_bind(org.0)
                    .push_bind(r.id.0)
                    .push_bind(&r.title)
                    .push_bind(&r.summary)
                    .push_bind("nb")
                    .push_bind(&r.tags)
                    .push_bind(r.visibility)
                    .push_bind("open")
                    .push_bind(1i32)
                    .push_bind("all_required")
                    .push_bind(None::<i32>)
                    .push_bind(i32::from(r.certificate))
                    .push_bind(r.certificate_validity_months)
                    .push_bind(None::<Uuid>)
                    .push_bind(0i32)
                    .push_bind(at)
                    .push_bind(at);
            });
            q.build().execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

pub async fn modules(db: &mut Db, org: OrganisationId, rows: &[ModuleRow]) -> Result<()> {
    for chunk in rows.chunks(CHUNK) {
        with_conn!(db, |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO course_modules (organisation_id, id, course_id, position, title) ",
            );
            q.push_values(chunk, |mut b, r| {
                b.push_bind(org.0)
                    .push_bind(r.id.0)
                    .push_bind(r.course.0)
                    .push_bind(r.position)
                    .push_bind(&r.title);
            });
            q.build().execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

pub async fn activities(
    db: &mut Db,
    org: OrganisationId,
    rows: &[ActivityRow],
    at: OffsetDateTime,
) -> Result<()> {
    for chunk in rows.chunks(CHUNK / 2) {
        with_conn!(db, |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO activities (organisation_id, id, course_id, module_id, position, kind, title, required, \
                 settings, quiz_points, created_at, updated_at) ",
            );
            q.push_values(chunk, |mut b, r| {
                b.push_bind(org.0)
                    .push_bind(r.id.0)
                    .push_bind(r.course.0)
                    .push_bind(r.module.0)
                    .push_bind(r.position)
                    .push_bind(r.kind)
                    .push_bind(&r.title)
                    .push_bind(i32::from(r.required))
                    .push_bind(&r.settings)
                    .push_bind(r.quiz_points)
                    .push_bind(at)
                    .push_bind(at);
            });
            q.build().execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Enrollments of `org`'s own people in `org`'s courses (no other organisation involved).
pub async fn enrollments(db: &mut Db, org: OrganisationId, rows: &[EnrollmentRow]) -> Result<()> {
    for chunk in rows.chunks(CHUNK) {
        with_conn!(db, |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO enrollments (organisation_id, id, course_id, person_id, via_organisation_id, source, \
                 status, enrolled_by, enrolled_at, completed_at, required_done, required_total, time_spent_seconds, \
                 last_activity_at) ",
            );
            q.push_values(chunk, |mut b, r| {
                b.push_bind(org.0)
                    .push_bind(r.id.0)
                    .push_bind(r.course.0)
                    .push_bind(r.person.0)
                    .push_bind(None::<Uuid>)
                    .push_bind("admin")
                    .push_bind(r.status)
                    .push_bind(None::<Uuid>)
                    .push_bind(r.enrolled_at)
                    .push_bind(r.completed_at)
                    .push_bind(r.required_done)
                    .push_bind(r.required_total)
                    .push_bind(r.time_spent_seconds)
                    .push_bind(r.last_activity_at);
            });
            q.build().execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

pub async fn progress(db: &mut Db, org: OrganisationId, rows: &[ProgressRow]) -> Result<()> {
    for chunk in rows.chunks(CHUNK) {
        with_conn!(db, |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO activity_progress (organisation_id, enrollment_id, activity_id, status, score, max_score, \
                 attempts, time_spent_seconds, completed_at, updated_at) ",
            );
            q.push_values(chunk, |mut b, r| {
                b.push_bind(org.0)
                    .push_bind(r.enrollment.0)
                    .push_bind(r.activity.0)
                    .push_bind(r.status)
                    .push_bind(r.score)
                    .push_bind(r.max_score)
                    .push_bind(r.attempts)
                    .push_bind(r.time_spent_seconds)
                    .push_bind(r.completed_at)
                    .push_bind(r.updated_at);
            });
            q.build().execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

pub async fn quiz_attempts(db: &mut Db, org: OrganisationId, rows: &[AttemptRow]) -> Result<()> {
    for chunk in rows.chunks(CHUNK) {
        with_conn!(db, |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO quiz_attempts (organisation_id, id, enrollment_id, activity_id, attempt, answers, points, \
                 max_points, passed, submitted_at) ",
            );
            q.push_values(chunk, |mut b, r| {
                b.push_bind(org.0)
                    .push_bind(Uuid::now_v7())
                    .push_bind(r.enrollment.0)
                    .push_bind(r.activity.0)
                    .push_bind(r.attempt)
                    .push_bind(r.answers)
                    .push_bind(r.points)
                    .push_bind(r.max_points)
                    .push_bind(i32::from(r.passed))
                    .push_bind(r.submitted_at);
            });
            q.build().execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

pub async fn certificates(
    db: &mut Db,
    org: OrganisationId,
    rows: &[CertificateRow],
    at: OffsetDateTime,
) -> Result<()> {
    for chunk in rows.chunks(CHUNK) {
        with_conn!(db, |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO certificates (organisation_id, id, course_id, enrollment_id, person_id, issued_on, \
                 expires_on, created_at) ",
            );
            q.push_values(chunk, |mut b, r| {
                b.push_bind(org.0)
                    .push_bind(r.id.0)
                    .push_bind(r.course.0)
                    .push_bind(r.enrollment.0)
                    .push_bind(r.person.0)
                    .push_bind(r.issued_on)
                    .push_bind(r.expires_on)
                    .push_bind(at);
            });
            q.build().execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Requirements of `org` on its own courses.
pub async fn requirements(db: &mut Db, org: OrganisationId, rows: &[RequirementRow]) -> Result<()> {
    for chunk in rows.chunks(CHUNK) {
        with_conn!(db, |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO requirements (organisation_id, id, course_owner_id, course_id, audience, unit_id, position, \
                 due_days, renewal_months, created_by, created_at) ",
            );
            q.push_values(chunk, |mut b, r| {
                b.push_bind(org.0)
                    .push_bind(r.id.0)
                    .push_bind(org.0)
                    .push_bind(r.course.0)
                    .push_bind(r.audience)
                    .push_bind(r.unit.map(|u| u.0))
                    .push_bind(&r.position)
                    .push_bind(r.due_days)
                    .push_bind(r.renewal_months)
                    .push_bind(None::<Uuid>)
                    .push_bind(r.created_at);
            });
            q.build().execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// The courses of `org` whose titles start with `prefix`: (title, id), by title.
pub async fn courses_by_title(
    db: &mut Db,
    org: OrganisationId,
    prefix: &str,
) -> Result<Vec<(String, CourseId)>> {
    let rows: Vec<(String, Uuid)> = with_conn!(db, |c| {
        sqlx::query_as(
            "SELECT title, id FROM courses WHERE organisation_id = $1 AND title LIKE $2 ORDER BY title",
        )
        .bind(org.0)
        .bind(format!("{}%", prefix.replace(['%', '_'], "")))
        .fetch_all(&mut *c)
        .await
    })?;
    Ok(rows.into_iter().map(|(t, id)| (t, CourseId(id))).collect())
}

/// The number of enrollments in `org`'s courses (to tell a first run from a growth).
pub async fn enrollment_count(db: &mut Db, org: OrganisationId) -> Result<i64> {
    Ok(with_conn!(db, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM enrollments WHERE organisation_id = $1"
    )
    .bind(org.0)
    .fetch_one(&mut *c)
    .await)?)
}

/// Moves a completion into the past (demo data: certificates that expire soon or have
/// expired): the enrollment's completion time and its certificates' dates.
pub async fn backdate_completion(
    db: &mut Db,
    org: OrganisationId,
    enrollment: EnrollmentId,
    completed_at: OffsetDateTime,
    expires_on: Option<Date>,
) -> Result<()> {
    with_conn!(db, |c| {
        sqlx::query(
        "UPDATE enrollments SET completed_at = $3, enrolled_at = CASE WHEN enrolled_at > $3 THEN $3 ELSE enrolled_at END, \
         last_activity_at = $3 WHERE organisation_id = $1 AND id = $2 AND status = 'completed'"
    )
    .bind(org.0)
    .bind(enrollment.0)
    .bind(completed_at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    with_conn!(db, |c| {
        sqlx::query(
        "UPDATE certificates SET issued_on = $3, expires_on = $4 WHERE organisation_id = $1 AND enrollment_id = $2"
    )
    .bind(org.0)
    .bind(enrollment.0)
    .bind(completed_at.date())
    .bind(expires_on)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Moves a requirement's creation into the past (demo data: people who are overdue).
pub async fn backdate_requirement(
    db: &mut Db,
    org: OrganisationId,
    id: RequirementId,
    created_at: OffsetDateTime,
) -> Result<()> {
    with_conn!(db, |c| sqlx::query(
        "UPDATE requirements SET created_at = $3 WHERE organisation_id = $1 AND id = $2"
    )
    .bind(org.0)
    .bind(id.0)
    .bind(created_at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The id of the pending external record of an enrollment's activity (the demo approves one).
pub async fn pending_record(
    db: &mut Db,
    org: OrganisationId,
    enrollment: EnrollmentId,
    activity: ActivityId,
) -> Result<Option<Uuid>> {
    Ok(with_conn!(db, |c| sqlx::query_scalar(
        "SELECT id FROM external_records WHERE organisation_id = $1 AND enrollment_id = $2 \
         AND activity_id = $3 AND status = 'pending' ORDER BY submitted_at DESC, id DESC LIMIT 1"
    )
    .bind(org.0)
    .bind(enrollment.0)
    .bind(activity.0)
    .fetch_optional(&mut *c)
    .await)?)
}

/// After a bulk load, refreshes PostgreSQL's planner statistics (its autovacuum would get to
/// it later; until then joins over the new rows may be planned as scans). SQLite keeps its
/// own (`PRAGMA optimize` on close).
pub async fn analyze(db: &mut Db) -> Result<()> {
    if let crate::Conn::Postgres(c) = db.conn() {
        sqlx::query("ANALYZE").execute(&mut *c).await?;
    }
    Ok(())
}
