//! The seam for learning data about people: one's own enrollments, work and certificates;
//! what a course's teachers see of its participants (name, e-mail, progress and work: DFO-9,
//! DFO-10 for a providing organisation's staff); what co-participants see of each other when a
//! course's participant list is on (name, e-mail, workplace, completion date: KS-9); what
//! managers and administrators see (requirement status, due and expiry dates: R15). Every
//! function takes the acting person and checks the relation first; no relation is `NotFound`.

use std::collections::HashMap;

use domain::access::{Actor, Relation};
use domain::learning::course::StaffRole;
use domain::learning::progress::{EnrollmentSource, EnrollmentStatus};
use domain::learning::requirement::{Qualification, RequirementStatus, status};
use domain::registry::{Condition, Key, Viewer, keys};
use domain::{
    ActivityId, CertificateId, CourseId, EnrollmentId, FileId, OrganisationId, PersonId, PostId,
    SubmissionId, UnitId,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::project;
use crate::learning::courses::{self, Course};
use crate::learning::enrollments::{self, Enrollment, Progress};
use crate::learning::requirements::{self, Requirement};
use crate::learning::work::{self, Attempt, ExternalRecordRow, Registration, Submission};
use crate::{Db, Result, StoreError, stored, with_conn};

/// What a course's staff see of each participant (DFO-9, DFO-10), and a providing
/// organisation's staff of a partner's people: name, e-mail, progress, course activity.
const PARTICIPANT_FIELDS: &[&Key] = &[
    &keys::GIVEN_NAME,
    &keys::FAMILY_NAME,
    &keys::EMAIL,
    &keys::ENROLLMENT_SOURCE,
    &keys::ENROLLMENT_STATUS,
    &keys::ENROLLED_AT,
    &keys::COMPLETED_AT,
    &keys::REQUIRED_DONE,
    &keys::VIA_ORGANISATION,
    &keys::COURSE_TIME,
];

/// What a teacher sees of a hand-in.
const SUBMISSION_FIELDS: &[&Key] = &[
    &keys::GIVEN_NAME,
    &keys::FAMILY_NAME,
    &keys::SUBMISSION_FILE,
    &keys::SUBMISSION_GRADE,
];

/// What managers, administrators and report viewers follow up: who, where, whether done,
/// and certificates' expiry (R15: not answers or time on task).
const FOLLOW_UP_FIELDS: &[&Key] = &[
    &keys::GIVEN_NAME,
    &keys::FAMILY_NAME,
    &keys::MEMBERSHIP_UNIT,
    &keys::ENROLLMENT_STATUS,
    &keys::COMPLETED_AT,
    &keys::CERTIFICATE_EXPIRES,
];

async fn require_teaching(db: &mut Db, actor: &Actor, course: &Course) -> Result<()> {
    if courses::access(db, actor, course).await?.can_teach() {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

// ---- one's own ----

/// One of the actor's enrollments, with its course.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MyEnrollment {
    pub enrollment: Enrollment,
    pub course_title: String,
    pub owner_slug: String,
    pub owner_name: String,
    /// The latest certificate from this enrollment's course, if any.
    pub certificate: Option<(CertificateId, Date, Option<Date>)>,
}

#[derive(sqlx::FromRow)]
struct MyEnrollmentRow {
    #[sqlx(flatten)]
    enrollment: enrollments::EnrollmentRow,
    course_title: String,
    owner_slug: String,
    owner_name: String,
    certificate_id: Option<Uuid>,
    issued_on: Option<Date>,
    expires_on: Option<Date>,
}

/// The actor's enrollments (every organisation, newest first; withdrawn ones left out).
pub async fn my_enrollments(db: &mut Db, actor: &Actor) -> Result<Vec<MyEnrollment>> {
    let rows: Vec<MyEnrollmentRow> = with_conn!(db, |c| {
        sqlx::query_as(concat!(
        "SELECT ",
        enrollments::enrollment_columns!(),
        ", c.title AS course_title, o.slug AS owner_slug, o.name AS owner_name, \
           x.id AS certificate_id, x.issued_on, x.expires_on \
         FROM enrollments e JOIN courses c ON c.organisation_id = e.organisation_id AND c.id = e.course_id \
         JOIN organisations o ON o.id = e.organisation_id \
         LEFT JOIN certificates x ON x.person_id = e.person_id AND x.course_id = e.course_id \
           AND x.organisation_id = e.organisation_id AND x.enrollment_id = e.id \
         WHERE e.person_id = $1 AND e.status <> 'withdrawn' ORDER BY e.enrolled_at DESC, e.id"
    ))
    .bind(actor.person_id.0)
    .fetch_all(&mut *c)
    .await
    })?;
    rows.into_iter()
        .map(|r| {
            Ok(MyEnrollment {
                enrollment: r.enrollment.try_into()?,
                course_title: r.course_title,
                owner_slug: r.owner_slug,
                owner_name: r.owner_name,
                certificate: match (r.certificate_id, r.issued_on) {
                    (Some(id), Some(issued)) => Some((CertificateId(id), issued, r.expires_on)),
                    _ => None,
                },
            })
        })
        .collect()
}

/// The actor's current enrollment in a course, without its progress (taking an activity needs
/// only this).
pub async fn my_current_enrollment(
    db: &mut Db,
    actor: &Actor,
    course: &Course,
) -> Result<Option<Enrollment>> {
    enrollments::current(db, course.organisation_id, course.id, actor.person_id).await
}

/// The actor's current enrollment in a course and its progress.
pub async fn my_enrollment(
    db: &mut Db,
    actor: &Actor,
    course: &Course,
) -> Result<Option<(Enrollment, Vec<Progress>)>> {
    let Some(e) = my_current_enrollment(db, actor, course).await? else {
        return Ok(None);
    };
    let progress = enrollments::progress_of(db, course.organisation_id, e.id).await?;
    Ok(Some((e, progress)))
}

/// One of the actor's own enrollments by id (another's is not found).
pub async fn my_enrollment_by_id(
    db: &mut Db,
    actor: &Actor,
    org: OrganisationId,
    id: EnrollmentId,
) -> Result<Enrollment> {
    let e = enrollments::get(db, org, id).await?;
    if e.person_id == actor.person_id {
        Ok(e)
    } else {
        Err(StoreError::NotFound)
    }
}

pub async fn my_attempts(
    db: &mut Db,
    actor: &Actor,
    enrollment: &Enrollment,
    activity: ActivityId,
) -> Result<Vec<Attempt>> {
    own(actor, enrollment)?;
    work::attempts(db, enrollment.organisation_id, enrollment.id, activity).await
}

pub async fn my_submission(
    db: &mut Db,
    actor: &Actor,
    enrollment: &Enrollment,
    activity: ActivityId,
) -> Result<Option<Submission>> {
    own(actor, enrollment)?;
    work::latest_submission(db, enrollment.organisation_id, enrollment.id, activity).await
}

pub async fn my_registration(
    db: &mut Db,
    actor: &Actor,
    org: OrganisationId,
    activity: ActivityId,
) -> Result<Option<Registration>> {
    work::registration_of(db, org, activity, actor.person_id).await
}

pub async fn my_record(
    db: &mut Db,
    actor: &Actor,
    enrollment: &Enrollment,
    activity: ActivityId,
) -> Result<Option<ExternalRecordRow>> {
    own(actor, enrollment)?;
    work::latest_record(db, enrollment.organisation_id, enrollment.id, activity).await
}

fn own(actor: &Actor, enrollment: &Enrollment) -> Result<()> {
    if enrollment.person_id == actor.person_id {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// A certificate as its holder (or its course's staff) sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateView {
    pub id: CertificateId,
    pub organisation_id: OrganisationId,
    pub owner_name: String,
    pub owner_slug: String,
    pub course_id: CourseId,
    pub course_title: String,
    pub holder_name: String,
    pub issued_on: Date,
    pub expires_on: Option<Date>,
}

type CertificateTuple = (
    Uuid,
    Uuid,
    String,
    String,
    Uuid,
    String,
    String,
    String,
    Date,
    Option<Date>,
);

fn certificate_view(t: CertificateTuple) -> CertificateView {
    let (id, org, owner_name, owner_slug, course, title, given, family, issued_on, expires_on) = t;
    CertificateView {
        id: CertificateId(id),
        organisation_id: OrganisationId(org),
        owner_name,
        owner_slug,
        course_id: CourseId(course),
        course_title: title,
        holder_name: format!("{given} {family}"),
        issued_on,
        expires_on,
    }
}

macro_rules! certificate_select {
    () => {
        "SELECT x.id, x.organisation_id, o.name, o.slug, x.course_id, c.title, p.given_name, p.family_name, \
                x.issued_on, x.expires_on \
         FROM certificates x JOIN courses c ON c.organisation_id = x.organisation_id AND c.id = x.course_id \
         JOIN organisations o ON o.id = x.organisation_id JOIN people p ON p.id = x.person_id "
    };
}

/// The actor's certificates, newest first.
pub async fn my_certificates(db: &mut Db, actor: &Actor) -> Result<Vec<CertificateView>> {
    let rows: Vec<CertificateTuple> = with_conn!(db, |c| sqlx::query_as(concat!(
        certificate_select!(),
        "WHERE x.person_id = $1 ORDER BY x.issued_on DESC, x.id"
    ))
    .bind(actor.person_id.0)
    .fetch_all(&mut *c)
    .await)?;
    Ok(rows.into_iter().map(certificate_view).collect())
}

/// One certificate, for its holder.
pub async fn my_certificate(
    db: &mut Db,
    actor: &Actor,
    org: OrganisationId,
    id: CertificateId,
) -> Result<CertificateView> {
    let row: Option<CertificateTuple> = with_conn!(db, |c| sqlx::query_as(concat!(
        certificate_select!(),
        "WHERE x.organisation_id = $1 AND x.id = $2 AND x.person_id = $3"
    ))
    .bind(org.0)
    .bind(id.0)
    .bind(actor.person_id.0)
    .fetch_optional(&mut *c)
    .await)?;
    row.map(certificate_view).ok_or(StoreError::NotFound)
}

/// A requirement and the actor's standing against it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MyRequirement {
    pub organisation_name: String,
    pub requirement: Requirement,
    pub course_slug: String,
    pub status: RequirementStatus,
}

/// The requirements that apply to the actor in the organisations they belong to.
pub async fn my_requirements(
    db: &mut Db,
    actor: &Actor,
    today: Date,
) -> Result<Vec<MyRequirement>> {
    let orgs: Vec<(Uuid, String)> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT DISTINCT o.id, o.name FROM memberships m JOIN organisations o ON o.id = m.organisation_id \
         WHERE m.person_id = $1 AND m.status <> 'ended' AND EXISTS (SELECT 1 FROM requirements r WHERE r.organisation_id = o.id) \
         ORDER BY o.name"
    )
    .bind(actor.person_id.0)
    .fetch_all(&mut *c)
    .await
    })?;
    let mut out = Vec::new();
    let mut slugs: HashMap<OrganisationId, String> = HashMap::new();
    for (org, org_name) in orgs {
        let org = OrganisationId(org);
        let matrix = matrix_for(db, org, Scope::Person(actor.person_id), None, today).await?;
        for person in matrix.people {
            for (requirement, status) in matrix.requirements.iter().zip(person.statuses) {
                if let Some(status) = status {
                    out.push(MyRequirement {
                        organisation_name: org_name.clone(),
                        course_slug: match slugs.get(&requirement.course_owner_id) {
                            Some(slug) => slug.clone(),
                            None => {
                                let slug = slug_of(db, requirement.course_owner_id).await?;
                                slugs.insert(requirement.course_owner_id, slug.clone());
                                slug
                            }
                        },
                        requirement: requirement.clone(),
                        status,
                    });
                }
            }
        }
    }
    Ok(out)
}

async fn slug_of(db: &mut Db, org: OrganisationId) -> Result<String> {
    let slug: Option<String> = with_conn!(db, |c| sqlx::query_scalar(
        "SELECT slug FROM organisations WHERE id = $1"
    )
    .bind(org.0)
    .fetch_optional(&mut *c)
    .await)?;
    slug.ok_or(StoreError::NotFound)
}

// ---- a course's staff ----

/// The course's teachers and course admins by name (shown on the course page).
pub async fn course_staff(
    db: &mut Db,
    course: &Course,
) -> Result<Vec<(PersonId, String, String, StaffRole)>> {
    let rows: Vec<(Uuid, String, String, String, String)> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT p.id, p.given_name, p.family_name, p.email, s.role FROM course_staff s JOIN people p ON p.id = s.person_id \
         WHERE s.organisation_id = $1 AND s.course_id = $2 ORDER BY p.family_name, p.given_name"
    )
    .bind(course.organisation_id.0)
    .bind(course.id.0)
    .fetch_all(&mut *c)
    .await
    })?;
    rows.into_iter()
        .map(|(id, given, family, email, role)| {
            Ok((
                PersonId(id),
                format!("{given} {family}"),
                email,
                stored(StaffRole::parse(&role), "course_staff.role")?,
            ))
        })
        .collect()
}

// ---- what teachers see ----

/// A participant as the course's teachers see them (DFO-9, DFO-10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Participant {
    pub enrollment_id: EnrollmentId,
    pub person_id: PersonId,
    pub name: String,
    pub email: String,
    /// The organisation they take it for, when not the owner (a shared course's partner).
    pub via_organisation: Option<String>,
    pub source: EnrollmentSource,
    pub status: EnrollmentStatus,
    pub required_done: i32,
    pub required_total: i32,
    pub time_spent_seconds: i64,
    pub enrolled_at: OffsetDateTime,
    pub completed_at: Option<OffsetDateTime>,
}

type ParticipantTuple = (
    Uuid,
    Uuid,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    i32,
    i32,
    i64,
    OffsetDateTime,
    Option<OffsetDateTime>,
);

fn participant(t: ParticipantTuple) -> Result<Participant> {
    let (
        e,
        p,
        given,
        family,
        email,
        via,
        source,
        status,
        done,
        total,
        seconds,
        enrolled_at,
        completed_at,
    ) = t;
    Ok(Participant {
        enrollment_id: EnrollmentId(e),
        person_id: PersonId(p),
        name: format!("{given} {family}"),
        email,
        via_organisation: via,
        source: stored(EnrollmentSource::parse(&source), "enrollments.source")?,
        status: stored(EnrollmentStatus::parse(&status), "enrollments.status")?,
        required_done: done,
        required_total: total,
        time_spent_seconds: seconds,
        enrolled_at,
        completed_at,
    })
}

macro_rules! participant_select {
    () => {
        "SELECT e.id, p.id, p.given_name, p.family_name, p.email, \
                (SELECT v.name FROM organisations v WHERE v.id = e.via_organisation_id AND v.id <> e.organisation_id), \
                e.source, e.status, e.required_done, e.required_total, e.time_spent_seconds, e.enrolled_at, e.completed_at \
         FROM enrollments e JOIN people p ON p.id = e.person_id "
    };
}

/// The course's participants (not withdrawn), by name.
pub async fn participants(db: &mut Db, actor: &Actor, course: &Course) -> Result<Vec<Participant>> {
    require_teaching(db, actor, course).await?;
    project::require(
        &[Relation::CourseStaff, Relation::ProviderStaff],
        Viewer::default(),
        PARTICIPANT_FIELDS,
    )?;
    let rows: Vec<ParticipantTuple> = with_conn!(db, |c| sqlx::query_as(concat!(
        participant_select!(),
        "WHERE e.organisation_id = $1 AND e.course_id = $2 AND e.status <> 'withdrawn' \
         ORDER BY p.family_name, p.given_name, e.enrolled_at"
    ))
    .bind(course.organisation_id.0)
    .bind(course.id.0)
    .fetch_all(&mut *c)
    .await)?;
    rows.into_iter().map(participant).collect()
}

/// One participant and their progress per activity.
pub async fn participant_progress(
    db: &mut Db,
    actor: &Actor,
    course: &Course,
    enrollment: EnrollmentId,
) -> Result<(Participant, Vec<Progress>)> {
    require_teaching(db, actor, course).await?;
    project::require(
        &[Relation::CourseStaff, Relation::ProviderStaff],
        Viewer::default(),
        PARTICIPANT_FIELDS,
    )?;
    project::require(
        &[Relation::CourseStaff, Relation::ProviderStaff],
        Viewer::default(),
        &[
            &keys::ACTIVITY_STATUS,
            &keys::ACTIVITY_TIME,
            &keys::ACTIVITY_SCORE,
        ],
    )?;
    let row: Option<ParticipantTuple> = with_conn!(db, |c| sqlx::query_as(concat!(
        participant_select!(),
        "WHERE e.organisation_id = $1 AND e.course_id = $2 AND e.id = $3"
    ))
    .bind(course.organisation_id.0)
    .bind(course.id.0)
    .bind(enrollment.0)
    .fetch_optional(&mut *c)
    .await)?;
    let p = participant(row.ok_or(StoreError::NotFound)?)?;
    let progress = enrollments::progress_of(db, course.organisation_id, enrollment).await?;
    Ok((p, progress))
}

/// A submission with its learner, as a teacher sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubmissionView {
    pub submission: Submission,
    /// Whose it is (for the audit log).
    pub learner_id: PersonId,
    pub learner: String,
    pub activity_title: String,
}

#[derive(sqlx::FromRow)]
struct SubmissionViewRow {
    #[sqlx(flatten)]
    submission: work::SubmissionRow,
    learner_id: uuid::Uuid,
    given_name: String,
    family_name: String,
    activity_title: String,
}

macro_rules! submission_view_select {
    () => {
        concat!(
            "SELECT ",
            work::submission_columns!(),
            ", p.id AS learner_id, p.given_name, p.family_name, a.title AS activity_title FROM submissions s \
             JOIN enrollments e ON e.organisation_id = s.organisation_id AND e.id = s.enrollment_id \
             JOIN people p ON p.id = e.person_id \
             JOIN activities a ON a.organisation_id = s.organisation_id AND a.id = s.activity_id "
        )
    };
}

fn submission_view(r: SubmissionViewRow) -> Result<SubmissionView> {
    Ok(SubmissionView {
        submission: r.submission.try_into()?,
        learner_id: PersonId(r.learner_id),
        learner: format!("{} {}", r.given_name, r.family_name),
        activity_title: r.activity_title,
    })
}

/// Submissions of the course awaiting a grade, oldest first (the grading queue).
pub async fn grading_queue(
    db: &mut Db,
    actor: &Actor,
    course: &Course,
) -> Result<Vec<SubmissionView>> {
    require_teaching(db, actor, course).await?;
    project::require(
        &[Relation::CourseStaff, Relation::ProviderStaff],
        Viewer::default(),
        SUBMISSION_FIELDS,
    )?;
    let rows: Vec<SubmissionViewRow> = with_conn!(db, |c| {
        sqlx::query_as(concat!(
        submission_view_select!(),
        "WHERE s.organisation_id = $1 AND a.course_id = $2 AND s.grade IS NULL AND e.status <> 'withdrawn' \
         ORDER BY s.submitted_at, s.id"
    ))
    .bind(course.organisation_id.0)
    .bind(course.id.0)
    .fetch_all(&mut *c)
    .await
    })?;
    rows.into_iter().map(submission_view).collect()
}

pub async fn submission_for_teacher(
    db: &mut Db,
    actor: &Actor,
    course: &Course,
    id: SubmissionId,
) -> Result<SubmissionView> {
    require_teaching(db, actor, course).await?;
    project::require(
        &[Relation::CourseStaff, Relation::ProviderStaff],
        Viewer::default(),
        SUBMISSION_FIELDS,
    )?;
    let row: Option<SubmissionViewRow> = with_conn!(db, |c| sqlx::query_as(concat!(
        submission_view_select!(),
        "WHERE s.organisation_id = $1 AND a.course_id = $2 AND s.id = $3"
    ))
    .bind(course.organisation_id.0)
    .bind(course.id.0)
    .bind(id.0)
    .fetch_optional(&mut *c)
    .await)?;
    submission_view(row.ok_or(StoreError::NotFound)?)
}

/// A registration with its person's name, as the organiser sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistrationView {
    pub registration: Registration,
    pub name: String,
}

/// An event's registrations in order of registration.
pub async fn registrations(
    db: &mut Db,
    actor: &Actor,
    course: &Course,
    activity: ActivityId,
) -> Result<Vec<RegistrationView>> {
    require_teaching(db, actor, course).await?;
    project::require(
        &[Relation::CourseStaff, Relation::ProviderStaff],
        Viewer::default(),
        &[
            &keys::GIVEN_NAME,
            &keys::FAMILY_NAME,
            &keys::REGISTRATION_ANSWERS,
            &keys::ATTENDANCE,
        ],
    )?;
    let regs = work::registrations(db, course.organisation_id, activity).await?;
    // Collected first: an iterator borrowing `regs` held across an await keeps the future
    // from being `Send` for every lifetime (axum handlers need that).
    let people: Vec<PersonId> = regs.iter().map(|r| r.person_id).collect();
    let names = names_of(db, people).await?;
    Ok(regs
        .into_iter()
        .map(|registration| RegistrationView {
            name: names
                .get(&registration.person_id)
                .cloned()
                .unwrap_or_default(),
            registration,
        })
        .collect())
}

async fn names_of(
    db: &mut Db,
    people: impl IntoIterator<Item = PersonId>,
) -> Result<HashMap<PersonId, String>> {
    let mut out = HashMap::new();
    for person in people {
        if out.contains_key(&person) {
            continue;
        }
        let row: Option<(String, String)> = with_conn!(db, |c| sqlx::query_as(
            "SELECT given_name, family_name FROM people WHERE id = $1"
        )
        .bind(person.0)
        .fetch_optional(&mut *c)
        .await)?;
        if let Some((g, f)) = row {
            out.insert(person, format!("{g} {f}"));
        }
    }
    Ok(out)
}

/// A row as its query reads it.
type RecordRow = (
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
    String,
    String,
    String,
    String,
    Uuid,
);

/// A record of training done elsewhere with its learner, as an approver sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordView {
    pub record: ExternalRecordRow,
    /// Whose it is (for the audit log).
    pub learner_id: PersonId,
    pub learner: String,
    pub email: String,
    pub activity_title: String,
}

/// The course's records of training done elsewhere (pending first). Course admins and the
/// owner's administrators approve them.
pub async fn external_records(
    db: &mut Db,
    actor: &Actor,
    course: &Course,
) -> Result<Vec<RecordView>> {
    if !courses::access(db, actor, course).await?.can_edit() {
        return Err(StoreError::NotFound);
    }
    project::require(
        &[Relation::CourseStaff, Relation::OrgAdmin],
        Viewer::default(),
        &[
            &keys::GIVEN_NAME,
            &keys::FAMILY_NAME,
            &keys::EMAIL,
            &keys::EXTERNAL_RECORD,
            &keys::EXTERNAL_PROOF,
        ],
    )?;
    let rows: Vec<RecordRow> = with_conn!(db, |c| {
        sqlx::query_as(concat!(
            "SELECT ",
            work::record_columns!(),
            ", p.given_name, p.family_name, p.email, a.title, p.id FROM external_records r \
             JOIN enrollments e ON e.organisation_id = r.organisation_id AND e.id = r.enrollment_id \
             JOIN people p ON p.id = e.person_id JOIN activities a ON a.organisation_id = r.organisation_id AND a.id = r.activity_id \
             WHERE r.organisation_id = $1 AND a.course_id = $2 \
             ORDER BY CASE r.status WHEN 'pending' THEN 0 ELSE 1 END, r.submitted_at"
        ))
        .bind(course.organisation_id.0)
        .bind(course.id.0)
        .fetch_all(&mut *c)
        .await
    })?;
    rows.into_iter()
        .map(
            |(
                id,
                e,
                a,
                provider,
                on,
                tenths,
                proof,
                st,
                comment,
                at,
                given,
                family,
                email,
                title,
                learner,
            )| {
                Ok(RecordView {
                    learner_id: PersonId(learner),
                    record: work::record_from_tuple((
                        id, e, a, provider, on, tenths, proof, st, comment, at,
                    ))?,
                    learner: format!("{given} {family}"),
                    email,
                    activity_title: title,
                })
            },
        )
        .collect()
}

/// Who answered an identified survey and what (the learner was told it is identified).
pub async fn identified_responses(
    db: &mut Db,
    actor: &Actor,
    course: &Course,
    activity: ActivityId,
) -> Result<Vec<(String, Vec<domain::learning::activity::SurveyAnswer>)>> {
    require_teaching(db, actor, course).await?;
    project::require(
        &[Relation::CourseStaff],
        Viewer::default(),
        &[&keys::GIVEN_NAME, &keys::FAMILY_NAME, &keys::SURVEY_ANSWERS],
    )?;
    let rows: Vec<(String, String, String)> = with_conn!(db, |c| sqlx::query_as(
        "SELECT p.given_name, p.family_name, r.answers FROM survey_responses r \
         JOIN enrollments e ON e.organisation_id = r.organisation_id AND e.id = r.enrollment_id \
         JOIN people p ON p.id = e.person_id WHERE r.organisation_id = $1 AND r.activity_id = $2 \
         ORDER BY p.family_name, p.given_name"
    )
    .bind(course.organisation_id.0)
    .bind(activity.0)
    .fetch_all(&mut *c)
    .await)?;
    rows.into_iter()
        .map(|(g, f, answers)| {
            Ok((
                format!("{g} {f}"),
                serde_json::from_str(&answers)
                    .map_err(|_| StoreError::Corrupt("survey_responses.answers"))?,
            ))
        })
        .collect()
}

/// Who answered an identified survey (for the audit log of [`identified_responses`]).
pub async fn identified_respondents(
    db: &mut Db,
    actor: &Actor,
    course: &Course,
    activity: ActivityId,
) -> Result<Vec<PersonId>> {
    require_teaching(db, actor, course).await?;
    let ids: Vec<Uuid> = with_conn!(db, |c| sqlx::query_scalar(
        "SELECT e.person_id FROM survey_responses r \
         JOIN enrollments e ON e.organisation_id = r.organisation_id AND e.id = r.enrollment_id \
         WHERE r.organisation_id = $1 AND r.activity_id = $2"
    )
    .bind(course.organisation_id.0)
    .bind(activity.0)
    .fetch_all(&mut *c)
    .await)?;
    Ok(ids.into_iter().map(PersonId).collect())
}

// ---- co-participants ----

/// A row as its query reads it.
type CoParticipantRow = (
    Uuid,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<OffsetDateTime>,
);

/// A co-participant on a course's participant list (KS-9).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoParticipant {
    /// For the audit log only; no view shows it.
    pub person_id: PersonId,
    pub name: String,
    pub email: String,
    /// Their organisation and unit.
    pub workplace: String,
    pub completed_on: Option<Date>,
}

/// The participant list, for someone taking the course, when the course has it on; `None`
/// when it is off.
pub async fn co_participants(
    db: &mut Db,
    actor: &Actor,
    course: &Course,
) -> Result<Option<Vec<CoParticipant>>> {
    if !course.settings.participant_list {
        return Ok(None);
    }
    let access = courses::access(db, actor, course).await?;
    if !access.enrolled && !access.can_teach() {
        return Err(StoreError::NotFound);
    }
    project::require(
        &[Relation::CoParticipant],
        Viewer::default().with(Condition::ParticipantList, true),
        &[
            &keys::GIVEN_NAME,
            &keys::FAMILY_NAME,
            &keys::EMAIL,
            &keys::MEMBERSHIP_UNIT,
            &keys::COMPLETED_AT,
        ],
    )?;
    let rows: Vec<CoParticipantRow> = with_conn!(db, |c| {
        sqlx::query_as(
            "SELECT e.person_id, p.given_name, p.family_name, p.email, \
                    (SELECT o.name FROM memberships m JOIN organisations o ON o.id = m.organisation_id \
                      WHERE m.person_id = e.person_id AND m.organisation_id = COALESCE(e.via_organisation_id, e.organisation_id) \
                      AND m.status <> 'ended' LIMIT 1), \
                    (SELECT m.unit_name FROM memberships m WHERE m.person_id = e.person_id \
                      AND m.organisation_id = COALESCE(e.via_organisation_id, e.organisation_id) AND m.status <> 'ended' LIMIT 1), \
                    e.completed_at \
             FROM enrollments e JOIN people p ON p.id = e.person_id \
             WHERE e.organisation_id = $1 AND e.course_id = $2 AND e.status <> 'withdrawn' \
             ORDER BY p.family_name, p.given_name"
        )
        .bind(course.organisation_id.0)
        .bind(course.id.0)
        .fetch_all(&mut *c)
        .await
    })?;
    Ok(Some(
        rows.into_iter()
            .map(|(id, g, f, email, org, unit, completed)| CoParticipant {
                person_id: PersonId(id),
                name: format!("{g} {f}"),
                email,
                workplace: match (org, unit) {
                    (Some(o), Some(u)) => format!("{o}, {u}"),
                    (Some(o), None) => o,
                    (None, _) => String::new(),
                },
                completed_on: completed.map(|c| c.date()),
            })
            .collect(),
    ))
}

// ---- discussion ----

/// A post with its author's name (`None` once deleted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Post {
    pub id: PostId,
    pub thread_id: Option<PostId>,
    pub author_id: Option<PersonId>,
    pub author: Option<String>,
    pub title: Option<String>,
    pub body: String,
    pub created_at: OffsetDateTime,
    pub edited_at: Option<OffsetDateTime>,
    pub deleted: bool,
}

/// The course's discussion, for its participants and staff: threads (newest first), each
/// with its replies in order.
pub async fn discussion(
    db: &mut Db,
    actor: &Actor,
    course: &Course,
) -> Result<Vec<(Post, Vec<Post>)>> {
    let access = courses::access(db, actor, course).await?;
    if !access.enrolled && !access.can_teach() {
        return Err(StoreError::NotFound);
    }
    project::require(
        &[Relation::CoParticipant, Relation::CourseStaff],
        Viewer::default(),
        &[&keys::GIVEN_NAME, &keys::FAMILY_NAME, &keys::POST_BODY],
    )?;
    type Row = (
        Uuid,
        Option<Uuid>,
        Option<Uuid>,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
        OffsetDateTime,
        Option<OffsetDateTime>,
        Option<OffsetDateTime>,
    );
    let rows: Vec<Row> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT d.id, d.thread_id, d.author_id, p.given_name, p.family_name, d.title, d.body, d.created_at, \
                d.edited_at, d.deleted_at \
         FROM discussion_posts d LEFT JOIN people p ON p.id = d.author_id \
         WHERE d.organisation_id = $1 AND d.course_id = $2 ORDER BY d.created_at, d.id"
    )
    .bind(course.organisation_id.0)
    .bind(course.id.0)
    .fetch_all(&mut *c)
    .await
    })?;
    let posts: Vec<Post> = rows
        .into_iter()
        .map(
            |(id, thread, author, g, f, title, body, created_at, edited_at, deleted_at)| Post {
                id: PostId(id),
                thread_id: thread.map(PostId),
                author_id: author.map(PersonId),
                author: match (g, f) {
                    (Some(g), Some(f)) => Some(format!("{g} {f}")),
                    _ => None,
                },
                title,
                body,
                created_at,
                edited_at,
                deleted: deleted_at.is_some(),
            },
        )
        .collect();
    let mut threads: Vec<(Post, Vec<Post>)> = posts
        .iter()
        .filter(|p| p.thread_id.is_none())
        .map(|p| (p.clone(), Vec::new()))
        .collect();
    for reply in posts.into_iter().filter(|p| p.thread_id.is_some()) {
        if let Some((_, replies)) = threads
            .iter_mut()
            .find(|(t, _)| Some(t.id) == reply.thread_id)
        {
            replies.push(reply);
        }
    }
    threads.reverse();
    Ok(threads)
}

// ---- managers and administrators ----

/// Whose requirements a matrix shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    /// Every current member (an administrator).
    Organisation,
    /// The people a manager leads, directly or not.
    Reports(PersonId),
    /// One person (their own page).
    Person(PersonId),
}

/// One person's row in a requirement matrix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatrixRow {
    pub person_id: PersonId,
    pub name: String,
    pub unit: Option<String>,
    /// Per requirement (in the matrix's order): the status, or `None` when it does not apply.
    pub statuses: Vec<Option<RequirementStatus>>,
}

/// People × requirements of an organisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matrix {
    pub requirements: Vec<Requirement>,
    pub people: Vec<MatrixRow>,
}

/// The requirement matrix as the actor may see it: every member for an administrator (or
/// report viewer), the people they lead for a manager; optionally only those in a unit (and
/// its sub-units). Managers see status, due and expiry dates, nothing of the work itself (R15).
pub async fn requirement_matrix(
    db: &mut Db,
    actor: &Actor,
    org: OrganisationId,
    unit: Option<UnitId>,
    today: Date,
) -> Result<Matrix> {
    let scope =
        if actor.is_org_admin(org) || actor.has_role(org, domain::access::OrgRole::ReportViewer) {
            Scope::Organisation
        } else {
            Scope::Reports(actor.person_id)
        };
    project::require(
        match scope {
            Scope::Organisation => &[Relation::OrgAdmin, Relation::ReportViewer],
            Scope::Reports(_) => &[Relation::DirectManager, Relation::IndirectManager],
            Scope::Person(_) => &[Relation::Myself],
        },
        Viewer::default(),
        FOLLOW_UP_FIELDS,
    )?;
    matrix_for(db, org, scope, unit, today).await
}

/// A person as the matrix reads them: id, name, unit, position and start date.
type MatrixPersonRow = (
    Uuid,
    String,
    String,
    Option<Uuid>,
    Option<String>,
    Option<String>,
    Date,
);

async fn matrix_for(
    db: &mut Db,
    org: OrganisationId,
    scope: Scope,
    unit: Option<UnitId>,
    today: Date,
) -> Result<Matrix> {
    let requirements = requirements::of_organisation(db, org).await?;
    let people: Vec<MatrixPersonRow> = match scope {
        Scope::Organisation => with_conn!(db, |c| {
            sqlx::query_as(
            "SELECT person_id, member_given_name, member_family_name, unit_id, unit_name, position, starts_on \
             FROM memberships WHERE organisation_id = $1 AND status <> 'ended' ORDER BY sort_key, id"
        )
        .bind(org.0)
        .fetch_all(&mut *c)
        .await
        })?,
        Scope::Reports(manager) => with_conn!(db, |c| {
            sqlx::query_as(concat!(
            reports_cte!("$2"),
            "SELECT l.person_id, l.member_given_name, l.member_family_name, l.unit_id, l.unit_name, l.position, l.starts_on \
             FROM memberships l ",
            reports_filter!("$2"),
            "ORDER BY l.sort_key, l.id"
        ))
        .bind(org.0)
        .bind(manager.0)
        .fetch_all(&mut *c)
        .await
        })?,
        Scope::Person(person) => with_conn!(db, |c| {
            sqlx::query_as(
            "SELECT person_id, member_given_name, member_family_name, unit_id, unit_name, position, starts_on \
             FROM memberships WHERE organisation_id = $1 AND person_id = $2 AND status <> 'ended' ORDER BY starts_on"
        )
        .bind(org.0)
        .bind(person.0)
        .fetch_all(&mut *c)
        .await
        })?,
    };
    // One person (the learner's dashboard) needs only their own units' chains, not the tree.
    let ancestors = match scope {
        Scope::Person(_) if unit.is_none() => {
            let mut chains = HashMap::new();
            for u in people.iter().filter_map(|p| p.3) {
                if let std::collections::hash_map::Entry::Vacant(slot) = chains.entry(UnitId(u)) {
                    slot.insert(requirements::unit_chain(db, org, UnitId(u)).await?);
                }
            }
            chains
        }
        _ => requirements::ancestors(&crate::units::tree(db, org).await?),
    };
    let in_unit = |u: Option<Uuid>| match unit {
        None => true,
        Some(wanted) => u
            .and_then(|u| ancestors.get(&UnitId(u)))
            .is_some_and(|chain| chain.contains(&wanted)),
    };
    let qualifications = qualifications(db, org, scope).await?;
    let mut rows: Vec<MatrixRow> = Vec::new();
    for (person, given, family, unit_id, unit_name, position, starts_on) in people {
        if !in_unit(unit_id) {
            continue;
        }
        let person = PersonId(person);
        // Someone with two memberships shows once, under the first.
        if rows.iter().any(|r| r.person_id == person) {
            continue;
        }
        let path = unit_id
            .and_then(|u| ancestors.get(&UnitId(u)))
            .cloned()
            .unwrap_or_default();
        let statuses = requirements
            .iter()
            .map(|r| {
                r.rule
                    .audience
                    .includes(&path, position.as_deref())
                    .then(|| {
                        let since = starts_on.max(r.created_at.date());
                        status(
                            &r.rule,
                            since,
                            qualifications.get(&(person, r.rule.course)).copied(),
                            today,
                        )
                    })
            })
            .collect();
        rows.push(MatrixRow {
            person_id: person,
            name: format!("{given} {family}"),
            unit: unit_name,
            statuses,
        });
    }
    Ok(Matrix {
        requirements,
        people: rows,
    })
}

/// The latest completion of each required course by each person in scope, with its
/// certificate's expiry. One query: the scope's people by the person index.
async fn qualifications(
    db: &mut Db,
    org: OrganisationId,
    scope: Scope,
) -> Result<HashMap<(PersonId, CourseId), Qualification>> {
    macro_rules! completions {
        ($people:expr) => {
            concat!(
                "SELECT e.person_id, e.course_id, e.completed_at, \
                   (SELECT x.expires_on FROM certificates x WHERE x.person_id = e.person_id AND x.course_id = e.course_id \
                     AND x.organisation_id = e.organisation_id ORDER BY x.issued_on DESC LIMIT 1) \
                 FROM enrollments e WHERE e.status = 'completed' \
                 AND e.course_id IN (SELECT course_id FROM requirements WHERE organisation_id = $1) \
                 AND e.person_id IN (",
                $people,
                ")"
            )
        };
    }
    type Row = (Uuid, Uuid, Option<OffsetDateTime>, Option<Date>);
    let rows: Vec<Row> = match scope {
        Scope::Organisation => with_conn!(db, |c| sqlx::query_as(completions!(
            "SELECT person_id FROM memberships WHERE organisation_id = $1 AND status <> 'ended'"
        ))
        .bind(org.0)
        .fetch_all(&mut *c)
        .await)?,
        Scope::Reports(manager) => with_conn!(db, |c| sqlx::query_as(concat!(
            reports_cte!("$2"),
            completions!(concat!(
                "SELECT l.person_id FROM memberships l ",
                reports_filter!("$2")
            ))
        ))
        .bind(org.0)
        .bind(manager.0)
        .fetch_all(&mut *c)
        .await)?,
        Scope::Person(person) => with_conn!(db, |c| sqlx::query_as(completions!("SELECT $2"))
            .bind(org.0)
            .bind(person.0)
            .fetch_all(&mut *c)
            .await)?,
    };
    let mut out: HashMap<(PersonId, CourseId), Qualification> = HashMap::new();
    for (person, course, completed_at, expires) in rows {
        let Some(completed_at) = completed_at else {
            continue;
        };
        let q = Qualification {
            completed_on: completed_at.date(),
            certificate_expires_on: expires,
        };
        out.entry((PersonId(person), CourseId(course)))
            .and_modify(|old| {
                if q.completed_on > old.completed_on {
                    *old = q;
                }
            })
            .or_insert(q);
    }
    Ok(out)
}

/// A certificate that expires soon (or has expired), as a manager or administrator sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpiringCertificate {
    pub person_id: PersonId,
    pub name: String,
    pub course_title: String,
    pub expires_on: Date,
}

/// Certificates of the people the actor follows (all members for an administrator, their
/// people for a manager) that expire by `until`, latest certificate per person and course.
pub async fn expiring_certificates(
    db: &mut Db,
    actor: &Actor,
    org: OrganisationId,
    until: Date,
) -> Result<Vec<ExpiringCertificate>> {
    let scope =
        if actor.is_org_admin(org) || actor.has_role(org, domain::access::OrgRole::ReportViewer) {
            Scope::Organisation
        } else {
            Scope::Reports(actor.person_id)
        };
    project::require(
        match scope {
            Scope::Organisation => &[Relation::OrgAdmin, Relation::ReportViewer],
            Scope::Reports(_) => &[Relation::DirectManager, Relation::IndirectManager],
            Scope::Person(_) => &[Relation::Myself],
        },
        Viewer::default(),
        FOLLOW_UP_FIELDS,
    )?;
    macro_rules! expiring {
        ($until:literal, $people:expr) => {
            concat!(
                "SELECT x.person_id, p.given_name, p.family_name, c.title, x.expires_on FROM certificates x \
                 JOIN people p ON p.id = x.person_id JOIN courses c ON c.organisation_id = x.organisation_id AND c.id = x.course_id \
                 WHERE x.expires_on IS NOT NULL AND x.expires_on <= ", $until, " AND x.person_id IN (",
                $people,
                ") AND NOT EXISTS (SELECT 1 FROM certificates y WHERE y.person_id = x.person_id AND y.course_id = x.course_id \
                  AND y.issued_on > x.issued_on) ORDER BY x.expires_on, p.family_name"
            )
        };
    }
    type Row = (Uuid, String, String, String, Date);
    let rows: Vec<Row> = match scope {
        Scope::Reports(manager) => with_conn!(db, |c| sqlx::query_as(concat!(
            reports_cte!("$2"),
            expiring!(
                "$3",
                concat!(
                    "SELECT l.person_id FROM memberships l ",
                    reports_filter!("$2")
                )
            )
        ))
        .bind(org.0)
        .bind(manager.0)
        .bind(until)
        .fetch_all(&mut *c)
        .await)?,
        _ => with_conn!(db, |c| sqlx::query_as(expiring!(
            "$2",
            "SELECT person_id FROM memberships WHERE organisation_id = $1 AND status <> 'ended'"
        ))
        .bind(org.0)
        .bind(until)
        .fetch_all(&mut *c)
        .await)?,
    };
    Ok(rows
        .into_iter()
        .map(|(person, g, f, title, expires_on)| ExpiringCertificate {
            person_id: PersonId(person),
            name: format!("{g} {f}"),
            course_title: title,
            expires_on,
        })
        .collect())
}

/// One completion in an administrator's report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionRow {
    /// Whose completion it is (for the audit log; not shown).
    pub person_id: PersonId,
    pub name: String,
    pub email: String,
    pub unit: Option<String>,
    pub course_title: String,
    pub completed_on: Date,
    pub expires_on: Option<Date>,
}

/// Who completed what, for an organisation's administrators: completions of the courses it
/// owns, taken for it, or that it requires of its members (MUN-13: not other training).
pub async fn completion_report(
    db: &mut Db,
    actor: &Actor,
    org: OrganisationId,
) -> Result<Vec<CompletionRow>> {
    if !actor.is_org_admin(org) && !actor.has_role(org, domain::access::OrgRole::ReportViewer) {
        return Err(StoreError::NotFound);
    }
    project::require(
        &[Relation::OrgAdmin, Relation::ReportViewer],
        Viewer::default(),
        &[
            &keys::GIVEN_NAME,
            &keys::FAMILY_NAME,
            &keys::EMAIL,
            &keys::MEMBERSHIP_UNIT,
            &keys::COMPLETED_AT,
            &keys::CERTIFICATE_EXPIRES,
        ],
    )?;
    type Row = (
        uuid::Uuid,
        String,
        String,
        String,
        Option<String>,
        String,
        Option<OffsetDateTime>,
        Option<Date>,
    );
    let rows: Vec<Row> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT p.id, p.given_name, p.family_name, p.email, \
                (SELECT m.unit_name FROM memberships m WHERE m.organisation_id = $1 AND m.person_id = e.person_id \
                  AND m.status <> 'ended' LIMIT 1), \
                c.title, e.completed_at, \
                (SELECT x.expires_on FROM certificates x WHERE x.person_id = e.person_id AND x.course_id = e.course_id \
                   AND x.organisation_id = e.organisation_id AND x.enrollment_id = e.id \
                  ORDER BY x.issued_on DESC LIMIT 1) \
         FROM enrollments e JOIN people p ON p.id = e.person_id \
         JOIN courses c ON c.organisation_id = e.organisation_id AND c.id = e.course_id \
         WHERE e.status = 'completed' AND (e.organisation_id = $1 OR e.via_organisation_id = $1 \
           OR (e.course_id IN (SELECT course_id FROM requirements WHERE organisation_id = $1) \
               AND e.person_id IN (SELECT person_id FROM memberships WHERE organisation_id = $1 AND status <> 'ended'))) \
         ORDER BY c.title, p.family_name, p.given_name, e.completed_at"
    )
    .bind(org.0)
    .fetch_all(&mut *c)
    .await
    })?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, g, f, email, unit, title, completed, expires)| {
            Some(CompletionRow {
                person_id: PersonId(id),
                name: format!("{g} {f}"),
                email,
                unit,
                course_title: title,
                completed_on: completed?.date(),
                expires_on: expires,
            })
        })
        .collect())
}

/// A file a person handed in, for someone checking who may read it: whose it is.
pub async fn file_owner(
    db: &mut Db,
    org: OrganisationId,
    file: FileId,
) -> Result<Option<PersonId>> {
    crate::learning::files::owner_of_work(db, org, file).await
}
