//! Learning-core operations shared by the HTML pages and the JSON API: courses and their
//! content, enrollment, taking activities, teaching, requirements and discussion. Each checks
//! who may act (through `domain::learning::course::CourseAccess`), validates everything, and
//! writes in one transaction (activity progress through the group-commit writer).

use axum::extract::multipart::Field;
use domain::access::Actor;
use domain::learning::activity::{
    ActivityInput, ActivitySettings, Approval, Grade, QuizAnswers, RegistrationField,
    RegistrationStatus, attempt_refusal, grade, read_recorded_training, submission_refusal,
};
use domain::learning::course::{CourseAccess, CourseInput, CourseStatus, StaffRole, Visibility};
use domain::learning::files::{FileType, clean_name, refusal};
use domain::learning::progress::{EnrollmentSource, EnrollmentStatus, ProgressStatus};
use domain::learning::requirement::RequirementInput;
use domain::person::Email;
use domain::{
    ActivityId, CourseId, EnrollmentId, FieldErrors, FileId, ModuleId, OrganisationId, PersonId,
    PostId, RegistrationId, RequirementId, SubmissionId, UnitId,
};
use store::learning::courses::{self, Activity, Course};
use store::learning::enrollments::{Enrollment, ProgressUpdate, Recorded};
use store::learning::files::{FileError, Purpose};
use store::learning::{discussion, requirements, work};
use store::organisations::{self, Organisation};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};

fn today() -> time::Date {
    store::now().date()
}

fn parse<T: std::str::FromStr>(raw: &str) -> AppResult<T> {
    raw.trim().parse().map_err(|_| AppError::NotFound)
}

/// A course as one person stands to it.
#[derive(Clone, Debug)]
pub struct CourseCtx {
    /// The organisation that owns the course.
    pub org: Organisation,
    pub course: Course,
    pub access: CourseAccess,
}

impl CourseCtx {
    pub fn base(&self) -> String {
        format!("/org/{}/courses/{}", self.org.slug, self.course.id)
    }

    fn require_edit(&self) -> AppResult<()> {
        if self.access.can_edit() {
            Ok(())
        } else {
            Err(AppError::Forbidden("forbidden"))
        }
    }

    fn require_teach(&self) -> AppResult<()> {
        if self.access.can_teach() {
            Ok(())
        } else {
            Err(AppError::Forbidden("forbidden"))
        }
    }

    fn require_open(&self) -> AppResult<()> {
        match self.course.settings.status {
            CourseStatus::Open => Ok(()),
            CourseStatus::Closed => Err(AppError::Forbidden("course_closed")),
            CourseStatus::Draft => Err(AppError::Forbidden("course_not_open")),
        }
    }
}

/// The course `id` of the organisation `slug`, if the user may see it. A course they may not
/// see, or of another organisation, is not found.
pub async fn course_ctx(
    state: &AppState,
    user: &CurrentUser,
    slug: &str,
    id: &str,
) -> AppResult<CourseCtx> {
    let id: CourseId = parse(id)?;
    let mut db = state.store.conn().await?;
    let org = match user
        .organisation
        .as_ref()
        .filter(|o| o.organisation.slug.as_str() == slug)
    {
        Some(found) => found.organisation.clone(),
        None => organisations::by_slug(&mut db, slug).await?,
    };
    let course = courses::get(&mut db, org.id, id).await?;
    let access = courses::access(&mut db, &user.actor, &course).await?;
    if !access.can_view(course.settings.visibility, course.settings.status) {
        return Err(AppError::NotFound);
    }
    Ok(CourseCtx {
        org,
        course,
        access,
    })
}

/// An activity of the course.
pub async fn activity_of(state: &AppState, ctx: &CourseCtx, id: &str) -> AppResult<Activity> {
    let mut db = state.store.conn().await?;
    Ok(courses::activity(&mut db, ctx.org.id, ctx.course.id, parse(id)?).await?)
}

// ---- courses ----

/// Creates a course owned by `org` (its administrators), with a first module.
pub async fn create_course(
    state: &AppState,
    actor: &Actor,
    org: &Organisation,
    input: &CourseInput,
) -> AppResult<CourseId> {
    if !actor.is_org_admin(org.id) {
        return Err(AppError::NotFound);
    }
    let settings = input.validate()?;
    let mut db = state.store.begin().await?;
    let id = courses::create(&mut db, org.id, &settings).await?;
    courses::create_module(&mut db, org.id, id, &settings.title).await?;
    db.commit().await?;
    Ok(id)
}

pub async fn update_course(
    state: &AppState,
    ctx: &CourseCtx,
    input: &CourseInput,
) -> AppResult<()> {
    ctx.require_edit()?;
    let settings = input.validate()?;
    let mut db = state.store.begin().await?;
    courses::update(&mut db, ctx.org.id, ctx.course.id, &settings).await?;
    db.commit().await?;
    Ok(())
}

pub async fn add_module(state: &AppState, ctx: &CourseCtx, title: &str) -> AppResult<ModuleId> {
    ctx.require_edit()?;
    let mut db = state.store.begin().await?;
    let id = courses::create_module(&mut db, ctx.org.id, ctx.course.id, title).await?;
    db.commit().await?;
    Ok(id)
}

pub async fn rename_module(
    state: &AppState,
    ctx: &CourseCtx,
    module: &str,
    title: &str,
) -> AppResult<()> {
    ctx.require_edit()?;
    let mut db = state.store.begin().await?;
    courses::rename_module(&mut db, ctx.org.id, ctx.course.id, parse(module)?, title).await?;
    db.commit().await?;
    Ok(())
}

fn module_id(input: &ActivityInput) -> AppResult<ModuleId> {
    input
        .module_id
        .trim()
        .parse()
        .map_err(|_| FieldErrors::single("module_id", "invalid_choice").into())
}

/// Adds an activity to a module of the course.
pub async fn create_activity(
    state: &AppState,
    ctx: &CourseCtx,
    input: &ActivityInput,
) -> AppResult<ActivityId> {
    ctx.require_edit()?;
    let mut errors = FieldErrors::new();
    let module = errors.merge(module_id(input).map_err(field_errors));
    let draft = errors.merge(input.validate());
    let (Some(module), Some(draft)) = (module, draft) else {
        return Err(errors.into());
    };
    let mut db = state.store.begin().await?;
    let id = courses::create_activity(&mut db, ctx.org.id, ctx.course.id, module, &draft).await?;
    db.commit().await?;
    Ok(id)
}

fn field_errors(e: AppError) -> FieldErrors {
    match e {
        AppError::Invalid(errors) => errors,
        _ => FieldErrors::single("module_id", "invalid_choice"),
    }
}

pub async fn update_activity(
    state: &AppState,
    ctx: &CourseCtx,
    activity: ActivityId,
    input: &ActivityInput,
) -> AppResult<()> {
    ctx.require_edit()?;
    let mut errors = FieldErrors::new();
    let module = errors.merge(module_id(input).map_err(field_errors));
    let draft = errors.merge(input.validate());
    let (Some(module), Some(mut draft)) = (module, draft) else {
        return Err(errors.into());
    };
    let mut db = state.store.begin().await?;
    // An event's evaluation state is the organiser's, not part of its form.
    if let ActivitySettings::Event(new) = &mut draft.settings
        && let Ok(current) = courses::activity(&mut db, ctx.org.id, ctx.course.id, activity).await
        && let ActivitySettings::Event(old) = current.settings
    {
        new.evaluation_closed_on = old.evaluation_closed_on;
    }
    courses::update_activity(&mut db, ctx.org.id, ctx.course.id, activity, module, &draft).await?;
    db.commit().await?;
    Ok(())
}

/// Appends a change of `person`'s course role, in `db`'s transaction: an organisation admin
/// administers it, a course admin does it as the course's staff, for teaching.
async fn staff_changed(
    db: &mut store::Db,
    actor: &Actor,
    ctx: &CourseCtx,
    person: PersonId,
) -> AppResult<()> {
    let (relation, purpose) = if actor.is_org_admin(ctx.org.id) {
        ("org_admin", store::audit::purposes::ADMINISTRATION)
    } else {
        ("course_staff", store::audit::purposes::TEACHING)
    };
    store::audit::append_change(
        db,
        store::audit::AuditEntry::change(
            Some(ctx.course.organisation_id),
            actor.person_id,
            relation,
            vec![person],
            &["user.role"],
            purpose,
        ),
    )
    .await?;
    Ok(())
}

/// Makes the person with this e-mail teacher or course admin of the course.
pub async fn set_staff(
    state: &AppState,
    actor: &Actor,
    ctx: &CourseCtx,
    email: &str,
    role: &str,
) -> AppResult<()> {
    ctx.require_edit()?;
    let mut errors = FieldErrors::new();
    let email = errors.check("email", Email::parse(email));
    let role = errors.check("role", StaffRole::parse(role.trim()));
    let (Some(email), Some(role)) = (email, role) else {
        return Err(errors.into());
    };
    let mut db = state.store.begin().await?;
    let person = store::people::id_by_email(&mut db, &email)
        .await?
        .ok_or_else(|| FieldErrors::single("email", "unknown_person"))?;
    courses::set_staff(&mut db, ctx.org.id, ctx.course.id, person, role).await?;
    staff_changed(&mut db, actor, ctx, person).await?;
    db.commit().await?;
    Ok(())
}

pub async fn remove_staff(
    state: &AppState,
    actor: &Actor,
    ctx: &CourseCtx,
    person: &str,
) -> AppResult<()> {
    ctx.require_edit()?;
    let person: PersonId = parse(person)?;
    let mut db = state.store.begin().await?;
    // Removing someone who is not on the staff changes nothing and is not audited.
    if courses::remove_staff(&mut db, ctx.org.id, ctx.course.id, person).await? {
        staff_changed(&mut db, actor, ctx, person).await?;
    }
    db.commit().await?;
    Ok(())
}

/// Shares the course with the organisation named `slug`; the course becomes `shared` if it
/// was the owner's only.
pub async fn share(state: &AppState, ctx: &CourseCtx, slug: &str) -> AppResult<()> {
    // Sharing is the owning organisation's decision, not a course admin's.
    if !ctx.access.owner_admin {
        return Err(AppError::Forbidden("forbidden"));
    }
    let mut db = state.store.begin().await?;
    let with = organisations::by_slug(&mut db, slug.trim())
        .await
        .map_err(|_| FieldErrors::single("organisation", "invalid_choice"))?;
    courses::share(&mut db, ctx.org.id, ctx.course.id, with.id).await?;
    if ctx.course.settings.visibility == Visibility::Organisation {
        let mut settings = ctx.course.settings.clone();
        settings.visibility = Visibility::Shared;
        courses::update(&mut db, ctx.org.id, ctx.course.id, &settings).await?;
    }
    db.commit().await?;
    Ok(())
}

pub async fn unshare(state: &AppState, ctx: &CourseCtx, org: &str) -> AppResult<()> {
    // Sharing is the owning organisation's decision, not a course admin's.
    if !ctx.access.owner_admin {
        return Err(AppError::Forbidden("forbidden"));
    }
    let mut db = state.store.begin().await?;
    courses::unshare(&mut db, ctx.org.id, ctx.course.id, parse(org)?).await?;
    db.commit().await?;
    Ok(())
}

// ---- enrollment ----

/// The organisation a person takes a course for: the owner when they belong to it, else the
/// partner it is shared with; nobody's for the public catalogue.
fn via(ctx: &CourseCtx) -> Option<OrganisationId> {
    if ctx.access.owner_member {
        Some(ctx.org.id)
    } else {
        ctx.access.via_share
    }
}

/// The user enrolls themselves (where the course allows it).
pub async fn self_enroll(
    state: &AppState,
    user: &CurrentUser,
    ctx: &CourseCtx,
) -> AppResult<EnrollmentId> {
    ctx.require_open()?;
    if !ctx.access.can_self_enroll(&ctx.course.settings) {
        return Err(if ctx.access.enrolled {
            AppError::Conflict("already_enrolled")
        } else {
            AppError::Forbidden("self_enrollment_closed")
        });
    }
    let mut db = state.store.begin().await?;
    let id = store::learning::enrollments::enroll(
        &mut db,
        &ctx.course,
        user.actor.person_id,
        via(ctx),
        EnrollmentSource::SelfService,
        Some(user.actor.person_id),
    )
    .await?;
    db.commit().await?;
    Ok(id)
}

/// Starts a course again after completing it (a re-take: the completed enrollment stays).
pub async fn retake(
    state: &AppState,
    user: &CurrentUser,
    ctx: &CourseCtx,
) -> AppResult<EnrollmentId> {
    ctx.require_open()?;
    let mut db = state.store.begin().await?;
    let current =
        store::seam::learning::my_current_enrollment(&mut db, &user.actor, &ctx.course).await?;
    match current {
        Some(e) if e.status == EnrollmentStatus::Completed => {}
        Some(_) => return Err(AppError::Conflict("already_enrolled")),
        None => return Err(AppError::Forbidden("not_enrolled")),
    }
    let id = store::learning::enrollments::enroll(
        &mut db,
        &ctx.course,
        user.actor.person_id,
        via(ctx),
        EnrollmentSource::SelfService,
        Some(user.actor.person_id),
    )
    .await?;
    db.commit().await?;
    Ok(id)
}

/// Who may enroll others into a course for `org`, and whether the course is one its people
/// may take (its own, shared with it, or public; and open).
async fn can_assign(db: &mut store::Db, org: &Organisation, course: &Course) -> AppResult<()> {
    if course.settings.status != CourseStatus::Open {
        return Err(AppError::Forbidden("course_not_open"));
    }
    let ok = course.organisation_id == org.id
        || course.settings.visibility == Visibility::Public
        || (course.settings.visibility == Visibility::Shared
            && courses::shares(db, course.organisation_id, course.id)
                .await?
                .iter()
                .any(|(id, _, _)| *id == org.id));
    if ok {
        Ok(())
    } else {
        Err(FieldErrors::single("course_id", "invalid_choice").into())
    }
}

/// The course named by `owner_slug` and `course` for assigning (no viewer check: the
/// assigner's organisation must be allowed to take it).
pub async fn course_for_assigning(
    state: &AppState,
    owner_slug: &str,
    course: &str,
) -> AppResult<Course> {
    let mut db = state.store.conn().await?;
    let owner = organisations::by_slug(&mut db, owner_slug)
        .await
        .map_err(|_| FieldErrors::single("course_id", "invalid_choice"))?;
    let id: CourseId = course
        .trim()
        .parse()
        .map_err(|_| FieldErrors::single("course_id", "invalid_choice"))?;
    courses::get(&mut db, owner.id, id)
        .await
        .map_err(|_| FieldErrors::single("course_id", "invalid_choice").into())
}

/// A manager assigns a course to some of their people, or an administrator to members of
/// their organisation. Each person must be the actor's to assign; nothing is written unless
/// every one is. Returns how many were enrolled (those already enrolled are skipped).
pub async fn assign(
    state: &AppState,
    actor: &Actor,
    org: &Organisation,
    course: &Course,
    people: &[PersonId],
) -> AppResult<usize> {
    if people.is_empty() {
        return Err(FieldErrors::single("people", "required").into());
    }
    let mut db = state.store.begin().await?;
    can_assign(&mut db, org, course).await?;
    let admin = actor.is_org_admin(org.id);
    let source = if admin {
        EnrollmentSource::Admin
    } else {
        EnrollmentSource::Manager
    };
    for person in people {
        let relations = store::seam::relations(&mut db, actor, org.id, *person).await?;
        let mine = relations.iter().any(|r| {
            matches!(
                r,
                domain::access::Relation::OrgAdmin
                    | domain::access::Relation::DirectManager
                    | domain::access::Relation::IndirectManager
            )
        });
        if !mine || !store::memberships::is_current_member(&mut db, org.id, *person).await? {
            return Err(FieldErrors::single("people", "invalid_choice").into());
        }
    }
    let mut enrolled = 0;
    for person in people {
        match store::learning::enrollments::enroll(
            &mut db,
            course,
            *person,
            Some(org.id),
            source,
            Some(actor.person_id),
        )
        .await
        {
            Ok(_) => enrolled += 1,
            Err(store::StoreError::Invalid(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let (relation, purpose) = crate::audit::list_relation(actor, org.id);
    store::audit::append_change(
        &mut db,
        store::audit::AuditEntry::change(
            Some(org.id),
            actor.person_id,
            relation,
            people.to_vec(),
            &["user.education.enrollment"],
            purpose,
        ),
    )
    .await?;
    db.commit().await?;
    Ok(enrolled)
}

/// An administrator enrolls everyone in a unit (and its sub-units).
pub async fn assign_unit(
    state: &AppState,
    actor: &Actor,
    org: &Organisation,
    course: &Course,
    unit: &str,
) -> AppResult<usize> {
    if !actor.is_org_admin(org.id) {
        return Err(AppError::Forbidden("forbidden"));
    }
    let unit: UnitId = unit
        .trim()
        .parse()
        .map_err(|_| FieldErrors::single("unit_id", "invalid_choice"))?;
    let mut db = state.store.conn().await?;
    let units = store::units::tree(&mut db, org.id).await?;
    if !units.iter().any(|u| u.id == unit) {
        return Err(FieldErrors::single("unit_id", "invalid_choice").into());
    }
    let matrix =
        store::seam::learning::requirement_matrix(&mut db, actor, org.id, Some(unit), today())
            .await?;
    drop(db);
    let people: Vec<PersonId> = matrix.people.iter().map(|p| p.person_id).collect();
    if people.is_empty() {
        return Ok(0);
    }
    assign(state, actor, org, course, &people).await
}

// ---- taking activities ----

/// The user's active enrollment in the course; taking an activity needs one.
pub async fn active_enrollment(
    state: &AppState,
    user: &CurrentUser,
    ctx: &CourseCtx,
) -> AppResult<Enrollment> {
    let mut db = state.store.conn().await?;
    match store::seam::learning::my_current_enrollment(&mut db, &user.actor, &ctx.course).await? {
        Some(e) if e.status == EnrollmentStatus::Active => Ok(e),
        Some(_) => Err(AppError::Forbidden("course_completed")),
        None => Err(AppError::Forbidden("not_enrolled")),
    }
}

/// Records time on an activity, and marks a content page done when `done` (through the
/// group-commit writer: this is the busiest write).
pub async fn record_progress(
    state: &AppState,
    user: &CurrentUser,
    ctx: &CourseCtx,
    activity: &Activity,
    seconds: u32,
    done: bool,
) -> AppResult<Recorded> {
    ctx.require_open()?;
    if done && !matches!(activity.settings, ActivitySettings::Content { .. }) {
        return Err(AppError::Forbidden("done_by_the_activity"));
    }
    let enrollment = active_enrollment(state, user, ctx).await?;
    let update = time_or_done(ctx, &enrollment, activity.id, seconds, done);
    Ok(state.progress.record(&ctx.course, update).await?)
}

/// Time on an activity (at most four hours count) and, when `done`, that it is done.
fn time_or_done(
    ctx: &CourseCtx,
    enrollment: &Enrollment,
    activity_id: ActivityId,
    seconds: u32,
    done: bool,
) -> ProgressUpdate {
    ProgressUpdate {
        organisation_id: ctx.org.id,
        enrollment_id: enrollment.id,
        activity_id,
        status: if done {
            ProgressStatus::Done
        } else {
            ProgressStatus::InProgress
        },
        score: None,
        attempt: false,
        seconds: seconds.min(4 * 3600),
    }
}

/// At most this many progress changes in one [`record_progress_all`].
pub const MAX_PROGRESS_CHANGES: usize = 200;

/// One change a client queued: time on an activity and, for a content page, that it is done.
pub struct ProgressChange {
    pub activity: String,
    pub seconds: u32,
    pub done: bool,
}

/// Records changes a client queued for several activities of one course at once (an app that
/// was offline, a player reporting a whole session): checked all together (every activity
/// must be of this course; `done` only for content pages), changes to the same activity
/// added up, then recorded in one group commit. Nothing is recorded if any change is refused.
pub async fn record_progress_all(
    state: &AppState,
    user: &CurrentUser,
    ctx: &CourseCtx,
    changes: &[ProgressChange],
) -> AppResult<Recorded> {
    ctx.require_open()?;
    if changes.is_empty() {
        return Err(FieldErrors::single("changes", "required").into());
    }
    if changes.len() > MAX_PROGRESS_CHANGES {
        let max = MAX_PROGRESS_CHANGES.to_string();
        let mut errors = FieldErrors::new();
        errors.add_with("changes", "too_many", &[("max", &max)]);
        return Err(errors.into());
    }
    let activities = {
        let mut db = state.store.conn().await?;
        courses::activities(&mut db, ctx.org.id, ctx.course.id).await?
    };
    let mut errors = FieldErrors::new();
    let mut merged: Vec<(ActivityId, u32, bool)> = Vec::with_capacity(changes.len());
    for (i, change) in changes.iter().enumerate() {
        let field = format!("changes.{i}.activity_id");
        let Some(activity) = change
            .activity
            .parse::<ActivityId>()
            .ok()
            .and_then(|id| activities.iter().find(|a| a.id == id))
        else {
            errors.add(&field, "not_in_course");
            continue;
        };
        if change.done && !matches!(activity.settings, ActivitySettings::Content { .. }) {
            errors.add(&format!("changes.{i}.done"), "done_by_the_activity");
            continue;
        }
        match merged.iter_mut().find(|(id, _, _)| *id == activity.id) {
            Some((_, seconds, done)) => {
                *seconds = seconds.saturating_add(change.seconds);
                *done |= change.done;
            }
            None => merged.push((activity.id, change.seconds, change.done)),
        }
    }
    errors.into_result(())?;
    let enrollment = active_enrollment(state, user, ctx).await?;
    let updates = merged
        .into_iter()
        .map(|(activity, seconds, done)| time_or_done(ctx, &enrollment, activity, seconds, done))
        .collect();
    Ok(state.progress.record_all(&ctx.course, updates).await?)
}

/// Submits quiz attempt number `attempt`.
pub async fn submit_quiz(
    state: &AppState,
    user: &CurrentUser,
    ctx: &CourseCtx,
    activity: &Activity,
    attempt: u32,
    answers: &QuizAnswers,
) -> AppResult<(domain::learning::activity::Graded, Recorded)> {
    ctx.require_open()?;
    let ActivitySettings::Quiz(quiz) = &activity.settings else {
        return Err(AppError::NotFound);
    };
    let enrollment = active_enrollment(state, user, ctx).await?;
    let mut db = state.store.begin().await?;
    let (so_far, passed) =
        work::quiz_standing(&mut db, ctx.org.id, enrollment.id, activity.id).await?;
    if attempt <= so_far {
        return Err(AppError::Conflict("attempt_already_submitted"));
    }
    if let Some(code) = attempt_refusal(quiz, so_far, passed) {
        return Err(AppError::Forbidden(code));
    }
    let graded = grade(quiz, answers)?;
    let recorded = work::submit_quiz(
        &mut db,
        &ctx.course,
        enrollment.id,
        activity.id,
        quiz,
        &work::QuizAttempt {
            number: attempt,
            answers,
            graded: &graded,
        },
    )
    .await
    .map_err(|e| match e {
        store::StoreError::Invalid(_) => AppError::Conflict("attempt_already_submitted"),
        other => other.into(),
    })?;
    db.commit().await?;
    Ok((graded, recorded))
}

/// Receives an uploaded file: streamed to the file store, refused (and not kept) when larger
/// than `max` or not of an `allowed` type by its bytes.
pub async fn receive_file(
    state: &AppState,
    mut field: Field<'_>,
    ctx: &CourseCtx,
    by: PersonId,
    purpose: Purpose,
    allowed: &[FileType],
    max: u64,
) -> AppResult<FileId> {
    let name = clean_name(field.file_name().unwrap_or("file"));
    let mut staging = state.files.begin(max).await.map_err(AppError::internal)?;
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => match staging.write(&chunk).await {
                Ok(()) => {}
                Err(FileError::TooLarge) => {
                    return Err(FieldErrors::single("file", "file_too_large").into());
                }
                Err(e) => return Err(AppError::internal(e)),
            },
            Ok(None) => break,
            Err(_) => return Err(AppError::Malformed("the upload was cut off".into())),
        }
    }
    let staged = staging.finish().await.map_err(AppError::internal)?;
    let detected = FileType::detect(&staged.head);
    if let Some(code) = refusal(detected, staged.size, allowed, max) {
        state.files.discard(staged).await;
        return Err(FieldErrors::single("file", code).into());
    }
    let file_type = detected.ok_or(AppError::internal("type checked above"))?;
    let (hash, size) = (staged.hash.clone(), staged.size);
    state.files.keep(staged).await.map_err(AppError::internal)?;
    let mut db = state.store.begin().await?;
    let id = store::learning::files::insert(
        &mut db,
        ctx.org.id,
        &hash,
        size,
        file_type,
        &name,
        purpose,
        Some(ctx.course.id),
        Some(by),
    )
    .await?;
    db.commit().await?;
    Ok(id)
}

/// The assignment's limits, and whether the learner may hand in now.
pub async fn assignment_check(
    state: &AppState,
    user: &CurrentUser,
    ctx: &CourseCtx,
    activity: &Activity,
) -> AppResult<(Enrollment, domain::learning::activity::Assignment)> {
    ctx.require_open()?;
    let ActivitySettings::Assignment(assignment) = &activity.settings else {
        return Err(AppError::NotFound);
    };
    let enrollment = active_enrollment(state, user, ctx).await?;
    let mut db = state.store.conn().await?;
    let latest =
        store::seam::learning::my_submission(&mut db, &user.actor, &enrollment, activity.id)
            .await?;
    if let Some(code) = submission_refusal(assignment, latest.map(|s| s.grade)) {
        return Err(AppError::Forbidden(code));
    }
    // The assignment's own limit, within the server's upload limit.
    let mut assignment = assignment.clone();
    assignment.max_bytes = assignment
        .max_bytes
        .min(state.config.max_upload_bytes as u64);
    Ok((enrollment, assignment))
}

/// What a proof of training done elsewhere may be, and how large.
pub fn proof_rules(state: &AppState) -> (&'static [FileType], u64) {
    (&FileType::DOCUMENTS, state.config.max_upload_bytes as u64)
}

/// Dashboards show certificates expiring within this many days.
pub const EXPIRING_WITHIN_DAYS: i64 = 90;

/// The learner's certificates that expire within [`EXPIRING_WITHIN_DAYS`] (or have expired):
/// only the latest of each course, so a renewed certificate hides the one it replaced.
/// `certificates` come newest first (as [`store::seam::learning::my_certificates`] gives them).
pub fn expiring_soon(
    certificates: Vec<store::seam::learning::CertificateView>,
    today: time::Date,
) -> Vec<store::seam::learning::CertificateView> {
    let until = today + time::Duration::days(EXPIRING_WITHIN_DAYS);
    let mut seen = std::collections::HashSet::new();
    certificates
        .into_iter()
        .filter(|c| seen.insert(c.course_id))
        .filter(|c| c.expires_on.is_some_and(|e| e <= until))
        .collect()
}

pub async fn submit_assignment(
    state: &AppState,
    ctx: &CourseCtx,
    enrollment: &Enrollment,
    activity: &Activity,
    file: FileId,
) -> AppResult<SubmissionId> {
    let mut db = state.store.begin().await?;
    let id =
        work::submit_assignment(&mut db, &ctx.course, enrollment.id, activity.id, file).await?;
    db.commit().await?;
    Ok(id)
}

pub async fn answer_survey(
    state: &AppState,
    user: &CurrentUser,
    ctx: &CourseCtx,
    activity: &Activity,
    value_of: impl Fn(&str) -> Option<String>,
) -> AppResult<()> {
    ctx.require_open()?;
    let ActivitySettings::Survey(survey) = &activity.settings else {
        return Err(AppError::NotFound);
    };
    let enrollment = active_enrollment(state, user, ctx).await?;
    let answers = domain::learning::activity::read_survey_answers(survey, value_of)?;
    let mut db = state.store.begin().await?;
    work::answer_survey(
        &mut db,
        &ctx.course,
        enrollment.id,
        activity.id,
        survey.anonymous,
        &answers,
        today(),
    )
    .await?;
    db.commit().await?;
    Ok(())
}

pub async fn register(
    state: &AppState,
    user: &CurrentUser,
    ctx: &CourseCtx,
    activity: &Activity,
    value_of: impl Fn(&str) -> Option<String>,
) -> AppResult<RegistrationStatus> {
    ctx.require_open()?;
    let ActivitySettings::Event(event) = &activity.settings else {
        return Err(AppError::NotFound);
    };
    if event.evaluation_closed_on.is_some() {
        return Err(AppError::Forbidden("event_closed"));
    }
    let enrollment = active_enrollment(state, user, ctx).await?;
    let answers: Vec<(RegistrationField, String)> =
        domain::learning::activity::read_registration(event, value_of)?;
    let mut db = state.store.begin().await?;
    let status = work::register(
        &mut db,
        &ctx.course,
        enrollment.id,
        activity.id,
        event,
        user.actor.person_id,
        &answers,
    )
    .await?;
    db.commit().await?;
    Ok(status)
}

pub async fn cancel_registration(
    state: &AppState,
    user: &CurrentUser,
    ctx: &CourseCtx,
    activity: &Activity,
) -> AppResult<()> {
    let ActivitySettings::Event(event) = &activity.settings else {
        return Err(AppError::NotFound);
    };
    let mut db = state.store.begin().await?;
    work::cancel_registration(
        &mut db,
        ctx.org.id,
        activity.id,
        event,
        user.actor.person_id,
    )
    .await?;
    db.commit().await?;
    Ok(())
}

/// Checks an external record before its proof is received.
pub async fn record_check(
    state: &AppState,
    user: &CurrentUser,
    ctx: &CourseCtx,
    activity: &Activity,
) -> AppResult<(Enrollment, domain::learning::activity::ExternalRecord)> {
    ctx.require_open()?;
    let ActivitySettings::ExternalRecord(record) = &activity.settings else {
        return Err(AppError::NotFound);
    };
    Ok((active_enrollment(state, user, ctx).await?, record.clone()))
}

pub async fn record_external(
    state: &AppState,
    ctx: &CourseCtx,
    enrollment: &Enrollment,
    activity: &Activity,
    record: &domain::learning::activity::ExternalRecord,
    fields: &std::collections::HashMap<String, String>,
    proof: Option<FileId>,
) -> AppResult<()> {
    let get = |k: &str| fields.get(k).map(String::as_str).unwrap_or("");
    let mut errors = FieldErrors::new();
    let training = errors.merge(read_recorded_training(
        get("provider"),
        get("completed_on"),
        get("hours"),
        today(),
    ));
    if record.proof_required && proof.is_none() {
        errors.add("file", "required");
    }
    let Some(training) = training.filter(|_| errors.is_empty()) else {
        return Err(errors.into());
    };
    let mut db = state.store.begin().await?;
    work::record_external(
        &mut db,
        &ctx.course,
        enrollment.id,
        activity.id,
        &training,
        proof,
    )
    .await?;
    db.commit().await?;
    Ok(())
}

// ---- teaching ----

pub async fn grade_submission(
    state: &AppState,
    user: &CurrentUser,
    ctx: &CourseCtx,
    submission: SubmissionId,
    grade: &str,
    comment: &str,
) -> AppResult<()> {
    ctx.require_teach()?;
    let mut errors = FieldErrors::new();
    let grade = errors.check("grade", Grade::parse(grade.trim()));
    let comment = errors.check("comment", domain::org::optional_text(comment, 4000));
    let (Some(grade), Some(comment)) = (grade, comment) else {
        return Err(errors.into());
    };
    let mut db = state.store.begin().await?;
    // The submission must be this course's.
    let view = store::seam::learning::submission_for_teacher(
        &mut db,
        &user.actor,
        &ctx.course,
        submission,
    )
    .await?;
    work::grade(
        &mut db,
        &ctx.course,
        submission,
        grade,
        comment.as_deref(),
        user.actor.person_id,
    )
    .await?;
    store::audit::append_change(
        &mut db,
        store::audit::AuditEntry::change(
            Some(ctx.course.organisation_id),
            user.actor.person_id,
            "teacher",
            vec![view.learner_id],
            &["user.education.assessment"],
            store::audit::purposes::TEACHING,
        ),
    )
    .await?;
    db.commit().await?;
    Ok(())
}

pub async fn mark_attendance(
    state: &AppState,
    user: &CurrentUser,
    ctx: &CourseCtx,
    activity: &Activity,
    registration: &str,
    attended: bool,
) -> AppResult<()> {
    ctx.require_teach()?;
    let registration: RegistrationId = parse(registration)?;
    let mut db = state.store.begin().await?;
    let person =
        work::mark_attendance(&mut db, &ctx.course, activity.id, registration, attended).await?;
    store::audit::append_change(
        &mut db,
        store::audit::AuditEntry::change(
            Some(ctx.course.organisation_id),
            user.actor.person_id,
            "teacher",
            vec![person],
            &["user.event.registration"],
            store::audit::purposes::TEACHING,
        ),
    )
    .await?;
    db.commit().await?;
    Ok(())
}

/// Opens or closes an event's evaluation (closing it starts the clock of its registrations'
/// retention: KBT-15).
pub async fn set_evaluation(
    state: &AppState,
    ctx: &CourseCtx,
    activity: &Activity,
    closed: bool,
) -> AppResult<()> {
    ctx.require_teach()?;
    let ActivitySettings::Event(event) = &activity.settings else {
        return Err(AppError::NotFound);
    };
    let mut event = event.clone();
    event.evaluation_closed_on = closed.then(today);
    let mut db = state.store.begin().await?;
    courses::set_activity_settings(
        &mut db,
        ctx.org.id,
        activity.id,
        &ActivitySettings::Event(event),
    )
    .await?;
    db.commit().await?;
    Ok(())
}

pub async fn decide_record(
    state: &AppState,
    user: &CurrentUser,
    ctx: &CourseCtx,
    record: &str,
    decision: &str,
    comment: &str,
) -> AppResult<()> {
    ctx.require_edit()?;
    let record: uuid::Uuid = parse(record)?;
    let mut errors = FieldErrors::new();
    let decision = errors.check(
        "decision",
        Approval::parse(decision.trim()).and_then(|a| {
            if a == Approval::Pending {
                Err("invalid_choice")
            } else {
                Ok(a)
            }
        }),
    );
    let comment = errors.check("comment", domain::org::optional_text(comment, 4000));
    let (Some(decision), Some(comment)) = (decision, comment) else {
        return Err(errors.into());
    };
    let mut db = state.store.begin().await?;
    let person = work::decide_record(
        &mut db,
        &ctx.course,
        record,
        decision,
        comment.as_deref(),
        user.actor.person_id,
    )
    .await?;
    store::audit::append_change(
        &mut db,
        store::audit::AuditEntry::change(
            Some(ctx.course.organisation_id),
            user.actor.person_id,
            "teacher",
            vec![person],
            &["user.education.external_record"],
            store::audit::purposes::TEACHING,
        ),
    )
    .await?;
    db.commit().await?;
    Ok(())
}

// ---- requirements ----

pub async fn create_requirement(
    state: &AppState,
    actor: &Actor,
    org: &Organisation,
    input: &RequirementInput,
) -> AppResult<RequirementId> {
    if !actor.is_org_admin(org.id) {
        return Err(AppError::NotFound);
    }
    let rule = input.validate()?;
    let mut db = state.store.begin().await?;
    let id = requirements::create(&mut db, org.id, &rule, actor.person_id).await?;
    requirements::enroll_required(&mut db, org.id, today()).await?;
    db.commit().await?;
    Ok(id)
}

pub async fn delete_requirement(
    state: &AppState,
    actor: &Actor,
    org: &Organisation,
    id: &str,
) -> AppResult<()> {
    if !actor.is_org_admin(org.id) {
        return Err(AppError::NotFound);
    }
    let mut db = state.store.begin().await?;
    requirements::delete(&mut db, org.id, parse(id)?).await?;
    db.commit().await?;
    Ok(())
}

// ---- discussion ----

fn require_discussion(ctx: &CourseCtx) -> AppResult<()> {
    if ctx.access.enrolled || ctx.access.can_teach() {
        Ok(())
    } else {
        Err(AppError::Forbidden("not_enrolled"))
    }
}

pub async fn start_thread(
    state: &AppState,
    user: &CurrentUser,
    ctx: &CourseCtx,
    title: &str,
    body: &str,
) -> AppResult<PostId> {
    require_discussion(ctx)?;
    let mut db = state.store.begin().await?;
    let id = discussion::create_thread(
        &mut db,
        ctx.org.id,
        ctx.course.id,
        user.actor.person_id,
        title,
        body,
    )
    .await?;
    db.commit().await?;
    Ok(id)
}

pub async fn reply(
    state: &AppState,
    user: &CurrentUser,
    ctx: &CourseCtx,
    thread: &str,
    body: &str,
) -> AppResult<PostId> {
    require_discussion(ctx)?;
    let mut db = state.store.begin().await?;
    let id = discussion::reply(
        &mut db,
        ctx.org.id,
        ctx.course.id,
        parse(thread)?,
        user.actor.person_id,
        body,
    )
    .await?;
    db.commit().await?;
    Ok(id)
}

pub async fn edit_post(
    state: &AppState,
    user: &CurrentUser,
    ctx: &CourseCtx,
    post: &str,
    body: &str,
) -> AppResult<PostId> {
    require_discussion(ctx)?;
    let post: PostId = parse(post)?;
    let mut db = state.store.begin().await?;
    discussion::edit(
        &mut db,
        ctx.org.id,
        ctx.course.id,
        post,
        user.actor.person_id,
        body,
    )
    .await?;
    let thread = discussion::thread_of(&mut db, ctx.org.id, post).await?;
    db.commit().await?;
    Ok(thread)
}

/// Deletes one's own post; returns its thread (`None` when the thread itself went).
pub async fn delete_post(
    state: &AppState,
    user: &CurrentUser,
    ctx: &CourseCtx,
    post: &str,
) -> AppResult<Option<PostId>> {
    require_discussion(ctx)?;
    let post: PostId = parse(post)?;
    let mut db = state.store.begin().await?;
    let thread = discussion::thread_of(&mut db, ctx.org.id, post).await?;
    discussion::delete(
        &mut db,
        ctx.org.id,
        ctx.course.id,
        post,
        user.actor.person_id,
    )
    .await?;
    let remains = discussion::thread_of(&mut db, ctx.org.id, thread)
        .await
        .is_ok();
    db.commit().await?;
    Ok(remains.then_some(thread))
}

// ---- files ----

/// A stored file, if the user may read it: a content image for whoever sees its course; a
/// submission or proof for its learner and the course's teachers (approvers for proofs).
pub async fn readable_file(
    state: &AppState,
    user: &CurrentUser,
    slug: &str,
    id: &str,
) -> AppResult<store::learning::files::StoredFile> {
    let id: FileId = parse(id)?;
    let mut db = state.store.conn().await?;
    let org = organisations::by_slug(&mut db, slug).await?;
    let file = store::learning::files::get(&mut db, org.id, id).await?;
    // A submission or a proof is its learner's work.
    let owner = match file.purpose {
        Purpose::Submission | Purpose::Proof => {
            store::seam::learning::file_owner(&mut db, org.id, id).await?
        }
        _ => None,
    };
    let course = match file.course_id {
        Some(c) => Some(courses::get(&mut db, org.id, c).await?),
        None => None,
    };
    let access = match &course {
        Some(c) => Some(courses::access(&mut db, &user.actor, c).await?),
        None => None,
    };
    let allowed = match (file.purpose, &course, access) {
        (Purpose::ContentImage, Some(c), Some(a)) => {
            a.can_view(c.settings.visibility, c.settings.status)
        }
        (Purpose::Submission, _, Some(a)) if a.can_teach() => true,
        (Purpose::Proof, _, Some(a)) if a.can_edit() => true,
        (Purpose::Submission | Purpose::Proof, _, _) => owner == Some(user.actor.person_id),
        _ => false,
    };
    if allowed {
        drop(db);
        // A teacher or course admin opening someone's work reads it (their own is left out).
        if let Some(owner) = owner {
            let category = match file.purpose {
                Purpose::Proof => "user.education.external_record",
                _ => "user.content.submission",
            };
            crate::audit::read(
                state,
                org.id,
                &user.actor,
                "teacher",
                [owner],
                &[category],
                store::audit::purposes::TEACHING,
            )
            .await;
        }
        Ok(file)
    } else {
        Err(AppError::NotFound)
    }
}

// ---- files and reports, as both doors send them ----

/// `attachment` (or `inline` for images) naming the file in ASCII and as RFC 5987 UTF-8.
fn disposition(name: &str, inline: bool) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    let kind = if inline { "inline" } else { "attachment" };
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A stored file's bytes as a response, read in 64 KB chunks (never whole into memory); the
/// caller has checked who asks ([`readable_file`]).
pub async fn file_response(
    state: &AppState,
    file: &store::learning::files::StoredFile,
) -> AppResult<axum::response::Response> {
    use axum::http::header;
    use axum::response::IntoResponse;
    use tokio::io::AsyncReadExt;
    let handle = state
        .files
        .open(&file.content_hash)
        .await
        .map_err(AppError::internal)?;
    let chunks = futures_util::stream::unfold(Some(handle), |handle| async move {
        let mut handle = handle?;
        let mut chunk = vec![0; 64 * 1024];
        match handle.read(&mut chunk).await {
            Ok(0) => None,
            Ok(n) => {
                chunk.truncate(n);
                Some((Ok::<_, std::io::Error>(chunk), Some(handle)))
            }
            Err(e) => Some((Err(e), None)),
        }
    });
    Ok((
        [
            (header::CONTENT_TYPE, file.file_type.media_type().to_owned()),
            (header::CONTENT_LENGTH, file.size.to_string()),
            (
                header::CONTENT_DISPOSITION,
                disposition(&file.name, file.file_type.is_image()),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        axum::body::Body::from_stream(chunks),
    )
        .into_response())
}

/// A CSV field, quoted when it holds a delimiter, a quote or a line break, and with a leading
/// `=`, `+`, `-`, `@`, tab or carriage return defused (spreadsheets would run it as a formula).
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', ';', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// The completion report as CSV: `header`, then a line per completion, fields joined by
/// `delimiter` (the pages use `;` for Norwegian spreadsheets, the API `,`).
pub fn completion_csv(
    header: [&str; 6],
    delimiter: &str,
    rows: &[store::seam::learning::CompletionRow],
) -> String {
    let mut out = header.map(csv_field).join(delimiter);
    out.push_str("\r\n");
    for r in rows {
        let line = [
            csv_field(&r.name),
            csv_field(&r.email),
            csv_field(r.unit.as_deref().unwrap_or("")),
            csv_field(&r.course_title),
            r.completed_on.to_string(),
            r.expires_on.map(|d| d.to_string()).unwrap_or_default(),
        ]
        .join(delimiter);
        out.push_str(&line);
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{csv_field, disposition};

    #[test]
    fn csv_fields_are_quoted_when_needed_and_formulas_are_defused() {
        assert_eq!(csv_field("Kari Nordmann"), "Kari Nordmann");
        assert_eq!(csv_field("Oslo; HR"), "\"Oslo; HR\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=SUM(A1)"), "'=SUM(A1)");
    }

    #[test]
    fn file_names_are_sent_in_ascii_and_utf_8() {
        assert_eq!(
            disposition("rapport \"å\".pdf", false),
            "attachment; filename=\"rapport ___.pdf\"; filename*=UTF-8''rapport%20%22%C3%A5%22%2Epdf"
        );
        assert!(disposition("bilde.png", true).starts_with("inline;"));
    }
}
