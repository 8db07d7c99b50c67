//! Courses, their staff, sharing, modules and activities; and how one actor stands to a
//! course (the facts `domain::learning::course::CourseAccess` decides on). Nothing here reads
//! another person's data except through `crate::seam`.

use domain::access::Actor;
use domain::learning::activity::{ActivityDraft, ActivitySettings};
use domain::learning::course::{
    CertificatePolicy, CompletionRule, CourseAccess, CourseSettings, CourseStatus, StaffRole,
    Visibility,
};
use domain::org::Language;
use domain::{ActivityId, CourseId, FieldErrors, ModuleId, OrganisationId, PersonId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, Result, StoreError, now, stored, with_conn};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Course {
    pub id: CourseId,
    pub organisation_id: OrganisationId,
    pub settings: CourseSettings,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
pub(crate) struct CourseRow {
    organisation_id: Uuid,
    id: Uuid,
    title: String,
    summary: String,
    language: String,
    tags: String,
    visibility: String,
    status: String,
    self_enrollment: i32,
    completion_rule: String,
    pass_mark: Option<i32>,
    certificate: i32,
    certificate_validity_months: Option<i32>,
    refresher_course_id: Option<Uuid>,
    participant_list: i32,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

macro_rules! course_columns {
    () => {
        "c.organisation_id, c.id, c.title, c.summary, c.language, c.tags, c.visibility, c.status, c.self_enrollment, \
         c.completion_rule, c.pass_mark, c.certificate, c.certificate_validity_months, c.refresher_course_id, \
         c.participant_list, c.created_at, c.updated_at"
    };
}

impl TryFrom<CourseRow> for Course {
    type Error = StoreError;
    fn try_from(r: CourseRow) -> Result<Self> {
        let small = |v: Option<i32>, what| -> Result<Option<u16>> {
            v.map(|v| u16::try_from(v).map_err(|_| StoreError::Corrupt(what)))
                .transpose()
        };
        Ok(Self {
            id: CourseId(r.id),
            organisation_id: OrganisationId(r.organisation_id),
            settings: CourseSettings {
                title: r.title,
                summary: r.summary,
                language: stored(Language::parse(&r.language), "courses.language")?,
                tags: r
                    .tags
                    .split(',')
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
                    .collect(),
                visibility: stored(Visibility::parse(&r.visibility), "courses.visibility")?,
                status: stored(CourseStatus::parse(&r.status), "courses.status")?,
                self_enrollment: r.self_enrollment != 0,
                completion_rule: stored(
                    CompletionRule::parse(&r.completion_rule),
                    "courses.completion_rule",
                )?,
                pass_mark: small(r.pass_mark, "courses.pass_mark")?
                    .map(|p| u8::try_from(p).unwrap_or(100)),
                certificate: (r.certificate != 0).then_some(CertificatePolicy {
                    validity_months: small(
                        r.certificate_validity_months,
                        "courses.certificate_validity_months",
                    )?,
                }),
                refresher_course: r.refresher_course_id.map(CourseId),
                participant_list: r.participant_list != 0,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

async fn check_refresher(
    db: &mut Db,
    org: OrganisationId,
    course: Option<CourseId>,
    settings: &CourseSettings,
) -> Result<()> {
    if let Some(refresher) = settings.refresher_course {
        let mine = Some(refresher) == course;
        if mine || get(db, org, refresher).await.is_err() {
            return Err(FieldErrors::single("refresher_course_id", "invalid_choice").into());
        }
    }
    Ok(())
}

/// Creates a course owned by `org`.
pub async fn create(
    db: &mut Db,
    org: OrganisationId,
    settings: &CourseSettings,
) -> Result<CourseId> {
    check_refresher(db, org, None, settings).await?;
    let id = CourseId::new();
    let at = now();
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO courses (organisation_id, id, title, summary, language, tags, visibility, status, self_enrollment, \
         completion_rule, pass_mark, certificate, certificate_validity_months, refresher_course_id, participant_list, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)"
    )
    .bind(org.0)
    .bind(id.0)
    .bind(&settings.title)
    .bind(&settings.summary)
    .bind(settings.language.code())
    .bind(settings.tags.join(","))
    .bind(settings.visibility.as_str())
    .bind(settings.status.as_str())
    .bind(i32::from(settings.self_enrollment))
    .bind(settings.completion_rule.as_str())
    .bind(settings.pass_mark.map(i32::from))
    .bind(i32::from(settings.certificate.is_some()))
    .bind(settings.certificate.and_then(|c| c.validity_months).map(i32::from))
    .bind(settings.refresher_course.map(|r| r.0))
    .bind(i32::from(settings.participant_list))
    .bind(at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(id)
}

pub async fn update(
    db: &mut Db,
    org: OrganisationId,
    id: CourseId,
    settings: &CourseSettings,
) -> Result<()> {
    check_refresher(db, org, Some(id), settings).await?;
    let done = with_conn!(db, |c| {
        sqlx::query(
        "UPDATE courses SET title = $3, summary = $4, language = $5, tags = $6, visibility = $7, status = $8, \
         self_enrollment = $9, completion_rule = $10, pass_mark = $11, certificate = $12, \
         certificate_validity_months = $13, refresher_course_id = $14, participant_list = $15, updated_at = $16 \
         WHERE organisation_id = $1 AND id = $2"
    )
    .bind(org.0)
    .bind(id.0)
    .bind(&settings.title)
    .bind(&settings.summary)
    .bind(settings.language.code())
    .bind(settings.tags.join(","))
    .bind(settings.visibility.as_str())
    .bind(settings.status.as_str())
    .bind(i32::from(settings.self_enrollment))
    .bind(settings.completion_rule.as_str())
    .bind(settings.pass_mark.map(i32::from))
    .bind(i32::from(settings.certificate.is_some()))
    .bind(settings.certificate.and_then(|c| c.validity_months).map(i32::from))
    .bind(settings.refresher_course.map(|r| r.0))
    .bind(i32::from(settings.participant_list))
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// A course of `org`; another organisation's course is not found.
pub async fn get(db: &mut Db, org: OrganisationId, id: CourseId) -> Result<Course> {
    let row: Option<CourseRow> = with_conn!(db, |c| sqlx::query_as(concat!(
        "SELECT ",
        course_columns!(),
        " FROM courses c WHERE c.organisation_id = $1 AND c.id = $2"
    ))
    .bind(org.0)
    .bind(id.0)
    .fetch_optional(&mut *c)
    .await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// The courses `org` owns, by title.
pub async fn of_organisation(db: &mut Db, org: OrganisationId) -> Result<Vec<Course>> {
    let rows: Vec<CourseRow> = with_conn!(db, |c| sqlx::query_as(concat!(
        "SELECT ",
        course_columns!(),
        " FROM courses c WHERE c.organisation_id = $1 ORDER BY c.title, c.id"
    ))
    .bind(org.0)
    .fetch_all(&mut *c)
    .await)?;
    rows.into_iter().map(TryInto::try_into).collect()
}

/// What a catalogue search asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CatalogueQuery {
    /// Every word must appear in the title, summary or tags.
    pub text: String,
    pub language: Option<Language>,
    pub tag: Option<String>,
    pub organisation: Option<OrganisationId>,
    /// Only courses the people of this organisation may take: its own, public ones, and those
    /// shared with it.
    pub offered_to: Option<OrganisationId>,
}

/// One course in the catalogue, with the name of the organisation that offers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogueEntry {
    pub course: Course,
    pub owner_name: String,
    pub owner_slug: String,
}

#[derive(sqlx::FromRow)]
struct CatalogueRow {
    #[sqlx(flatten)]
    course: CourseRow,
    owner_name: String,
    owner_slug: String,
}

/// The courses the actor may find: open or closed courses of the organisations they belong to,
/// courses shared with those organisations, and the public catalogue; filtered and by title.
pub async fn catalogue(
    db: &mut Db,
    actor: &Actor,
    query: &CatalogueQuery,
    limit: i64,
) -> Result<Vec<CatalogueEntry>> {
    let words: Vec<String> = query
        .text
        .split_whitespace()
        .take(8)
        .map(|w| format!("%{}%", w.to_lowercase().replace(['%', '_'], "")))
        .collect();
    let rows: Vec<CatalogueRow> = with_conn!(db, |c| {
        let mut sql = String::from(concat!(
            "WITH mine (organisation_id) AS (",
            "SELECT organisation_id FROM memberships WHERE person_id = $1 AND status <> 'ended' ",
            "UNION SELECT organisation_id FROM role_grants WHERE person_id = $1) ",
            "SELECT ",
            course_columns!(),
            ", o.name AS owner_name, o.slug AS owner_slug FROM courses c JOIN organisations o ON o.id = c.organisation_id ",
            "WHERE c.status <> 'draft' AND (c.visibility = 'public' ",
            "OR c.organisation_id IN (SELECT organisation_id FROM mine) ",
            "OR (c.visibility = 'shared' AND EXISTS (SELECT 1 FROM course_shares s WHERE s.organisation_id = c.organisation_id ",
            "AND s.course_id = c.id AND s.shared_with_id IN (SELECT organisation_id FROM mine)))) ",
            "AND ($2 = '' OR c.language = $2) AND ($3 = '' OR (',' || c.tags || ',') LIKE $3) ",
            "AND ($4 IS NULL OR c.organisation_id = $4) ",
            "AND ($6 IS NULL OR c.organisation_id = $6 OR c.visibility = 'public' ",
            "OR (c.visibility = 'shared' AND EXISTS (SELECT 1 FROM course_shares s WHERE s.organisation_id = c.organisation_id ",
            "AND s.course_id = c.id AND s.shared_with_id = $6))) "
        ));
        // One condition per search word, each a bound parameter.
        for i in 0..words.len() {
            let n = i + 7;
            sql.push_str(&format!(
                "AND LOWER(c.title || ' ' || c.summary || ' ' || c.tags) LIKE ${n} "
            ));
        }
        sql.push_str("ORDER BY c.title, c.id LIMIT CAST($5 AS BIGINT)");
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(actor.person_id.0)
            .bind(query.language.map(Language::code).unwrap_or(""))
            .bind(
                query
                    .tag
                    .as_ref()
                    .map(|t| format!("%,{},%", t.to_lowercase().replace(['%', '_'], "")))
                    .unwrap_or_default(),
            )
            .bind(query.organisation.map(|o| o.0))
            .bind(limit)
            .bind(query.offered_to.map(|o| o.0));
        for w in &words {
            q = q.bind(w.clone());
        }
        q.fetch_all(&mut *c).await
    })?;
    rows.into_iter()
        .map(|r| {
            Ok(CatalogueEntry {
                course: r.course.try_into()?,
                owner_name: r.owner_name,
                owner_slug: r.owner_slug,
            })
        })
        .collect()
}

/// How the actor stands to the course.
pub async fn access(db: &mut Db, actor: &Actor, course: &Course) -> Result<CourseAccess> {
    let (org, id, person) = (course.organisation_id.0, course.id.0, actor.person_id.0);
    type Facts = (Option<String>, i64, Option<Uuid>, i64);
    let (staff, owner_member, via_share, enrolled): Facts = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT (SELECT role FROM course_staff WHERE organisation_id = $1 AND course_id = $2 AND person_id = $3), \
                (SELECT COUNT(*) FROM memberships WHERE person_id = $3 AND organisation_id = $1 AND status <> 'ended') \
              + (SELECT COUNT(*) FROM role_grants WHERE organisation_id = $1 AND person_id = $3), \
                (SELECT s.shared_with_id FROM course_shares s JOIN memberships m ON m.organisation_id = s.shared_with_id \
                  AND m.person_id = $3 AND m.status <> 'ended' WHERE s.organisation_id = $1 AND s.course_id = $2 \
                  ORDER BY s.shared_with_id LIMIT 1), \
                (SELECT COUNT(*) FROM enrollments WHERE organisation_id = $1 AND course_id = $2 AND person_id = $3 \
                  AND status <> 'withdrawn')"
    )
    .bind(org)
    .bind(id)
    .bind(person)
    .fetch_one(&mut *c)
    .await
    })?;
    let via_share = via_share
        .map(OrganisationId)
        .filter(|_| course.settings.visibility == Visibility::Shared);
    Ok(CourseAccess {
        owner_admin: actor.is_org_admin(course.organisation_id),
        staff: staff
            .map(|s| stored(StaffRole::parse(&s), "course_staff.role"))
            .transpose()?,
        owner_member: owner_member > 0,
        via_share,
        enrolled: enrolled > 0,
    })
}

// ---- staff ----

/// Makes the person teacher or course admin of the course (replacing another role). Staff
/// must be current members of the owning organisation.
pub async fn set_staff(
    db: &mut Db,
    org: OrganisationId,
    course: CourseId,
    person: PersonId,
    role: StaffRole,
) -> Result<()> {
    if !crate::memberships::is_current_member(db, org, person).await? {
        return Err(FieldErrors::single("email", "not_a_member").into());
    }
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO course_staff (organisation_id, course_id, person_id, role, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (organisation_id, course_id, person_id) DO UPDATE SET role = excluded.role"
    )
    .bind(org.0)
    .bind(course.0)
    .bind(person.0)
    .bind(role.as_str())
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn remove_staff(
    db: &mut Db,
    org: OrganisationId,
    course: CourseId,
    person: PersonId,
) -> Result<bool> {
    let done = with_conn!(db, |c| {
        sqlx::query(
        "DELETE FROM course_staff WHERE organisation_id = $1 AND course_id = $2 AND person_id = $3"
    )
    .bind(org.0)
    .bind(course.0)
    .bind(person.0)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(done > 0)
}

// ---- sharing ----

pub async fn share(
    db: &mut Db,
    org: OrganisationId,
    course: CourseId,
    with: OrganisationId,
) -> Result<()> {
    if with == org {
        return Err(FieldErrors::single("organisation", "invalid_choice").into());
    }
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO course_shares (organisation_id, course_id, shared_with_id, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (organisation_id, course_id, shared_with_id) DO NOTHING"
    )
    .bind(org.0)
    .bind(course.0)
    .bind(with.0)
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

pub async fn unshare(
    db: &mut Db,
    org: OrganisationId,
    course: CourseId,
    with: OrganisationId,
) -> Result<bool> {
    let done = with_conn!(db, |c| {
        sqlx::query(
        "DELETE FROM course_shares WHERE organisation_id = $1 AND course_id = $2 AND shared_with_id = $3"
    )
    .bind(org.0)
    .bind(course.0)
    .bind(with.0)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(done > 0)
}

/// The organisations a course is shared with: (id, name, slug), by name.
pub async fn shares(
    db: &mut Db,
    org: OrganisationId,
    course: CourseId,
) -> Result<Vec<(OrganisationId, String, String)>> {
    let rows: Vec<(Uuid, String, String)> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT o.id, o.name, o.slug FROM course_shares s JOIN organisations o ON o.id = s.shared_with_id \
         WHERE s.organisation_id = $1 AND s.course_id = $2 ORDER BY o.name"
    )
    .bind(org.0)
    .bind(course.0)
    .fetch_all(&mut *c)
    .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, name, slug)| (OrganisationId(id), name, slug))
        .collect())
}

// ---- modules ----

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Module {
    pub id: ModuleId,
    pub position: i32,
    pub title: String,
}

pub async fn modules(db: &mut Db, org: OrganisationId, course: CourseId) -> Result<Vec<Module>> {
    let rows: Vec<(Uuid, i32, String)> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT id, position, title FROM course_modules WHERE organisation_id = $1 AND course_id = $2 ORDER BY position, id"
    )
    .bind(org.0)
    .bind(course.0)
    .fetch_all(&mut *c)
    .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, position, title)| Module {
            id: ModuleId(id),
            position,
            title,
        })
        .collect())
}

/// Adds a module at the end of the course.
pub async fn create_module(
    db: &mut Db,
    org: OrganisationId,
    course: CourseId,
    title: &str,
) -> Result<ModuleId> {
    let title =
        domain::person::non_empty(title, 200).map_err(|code| FieldErrors::single("title", code))?;
    let id = ModuleId::new();
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO course_modules (organisation_id, id, course_id, position, title) \
         SELECT $1, $2, $3, COALESCE(MAX(position), 0) + 1, $4 FROM course_modules WHERE organisation_id = $1 AND course_id = $3"
    )
    .bind(org.0)
    .bind(id.0)
    .bind(course.0)
    .bind(title)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(id)
}

pub async fn rename_module(
    db: &mut Db,
    org: OrganisationId,
    course: CourseId,
    module: ModuleId,
    title: &str,
) -> Result<()> {
    let title =
        domain::person::non_empty(title, 200).map_err(|code| FieldErrors::single("title", code))?;
    let done = with_conn!(db, |c| {
        sqlx::query(
        "UPDATE course_modules SET title = $4 WHERE organisation_id = $1 AND course_id = $2 AND id = $3"
    )
    .bind(org.0)
    .bind(course.0)
    .bind(module.0)
    .bind(title)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

// ---- activities ----

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Activity {
    pub id: ActivityId,
    pub course_id: CourseId,
    pub module_id: ModuleId,
    pub position: i32,
    pub title: String,
    pub required: bool,
    pub settings: ActivitySettings,
}

impl Activity {
    pub fn draft(&self) -> ActivityDraft {
        ActivityDraft {
            title: self.title.clone(),
            required: self.required,
            settings: self.settings.clone(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct ActivityRow {
    id: Uuid,
    course_id: Uuid,
    module_id: Uuid,
    position: i32,
    title: String,
    required: i32,
    settings: String,
}

impl TryFrom<ActivityRow> for Activity {
    type Error = StoreError;
    fn try_from(r: ActivityRow) -> Result<Self> {
        Ok(Self {
            id: ActivityId(r.id),
            course_id: CourseId(r.course_id),
            module_id: ModuleId(r.module_id),
            position: r.position,
            title: r.title,
            required: r.required != 0,
            settings: serde_json::from_str(&r.settings)
                .map_err(|_| StoreError::Corrupt("activities.settings"))?,
        })
    }
}

fn settings_json(settings: &ActivitySettings) -> Result<String> {
    serde_json::to_string(settings).map_err(|_| StoreError::Corrupt("activities.settings"))
}

/// The activities of a course in order (by module, then position).
pub async fn activities(
    db: &mut Db,
    org: OrganisationId,
    course: CourseId,
) -> Result<Vec<Activity>> {
    let rows: Vec<ActivityRow> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT a.id, a.course_id, a.module_id, a.position, a.title, a.required, a.settings \
         FROM activities a JOIN course_modules m ON m.organisation_id = a.organisation_id AND m.id = a.module_id \
         WHERE a.organisation_id = $1 AND a.course_id = $2 ORDER BY m.position, a.position, a.id"
    )
    .bind(org.0)
    .bind(course.0)
    .fetch_all(&mut *c)
    .await
    })?;
    rows.into_iter().map(TryInto::try_into).collect()
}

pub async fn activity(
    db: &mut Db,
    org: OrganisationId,
    course: CourseId,
    id: ActivityId,
) -> Result<Activity> {
    let row: Option<ActivityRow> = with_conn!(db, |c| sqlx::query_as(
        "SELECT id, course_id, module_id, position, title, required, settings FROM activities \
         WHERE organisation_id = $1 AND course_id = $2 AND id = $3"
    )
    .bind(org.0)
    .bind(course.0)
    .bind(id.0)
    .fetch_optional(&mut *c)
    .await)?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

async fn module_of_course(
    db: &mut Db,
    org: OrganisationId,
    course: CourseId,
    module: ModuleId,
) -> Result<()> {
    let found: Option<i32> = with_conn!(db, |c| sqlx::query_scalar(
        "SELECT 1 FROM course_modules WHERE organisation_id = $1 AND course_id = $2 AND id = $3"
    )
    .bind(org.0)
    .bind(course.0)
    .bind(module.0)
    .fetch_optional(&mut *c)
    .await)?;
    found
        .map(|_| ())
        .ok_or_else(|| FieldErrors::single("module_id", "invalid_choice").into())
}

/// Adds an activity at the end of its module.
pub async fn create_activity(
    db: &mut Db,
    org: OrganisationId,
    course: CourseId,
    module: ModuleId,
    draft: &ActivityDraft,
) -> Result<ActivityId> {
    module_of_course(db, org, course, module).await?;
    let id = ActivityId::new();
    let at = now();
    let settings = settings_json(&draft.settings)?;
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO activities (organisation_id, id, course_id, module_id, position, kind, title, required, settings, \
         quiz_points, created_at, updated_at) \
         SELECT $1, $2, $3, $4, COALESCE(MAX(position), 0) + 1, $5, $6, $7, $8, $9, $10, $10 \
         FROM activities WHERE organisation_id = $1 AND module_id = $4"
    )
    .bind(org.0)
    .bind(id.0)
    .bind(course.0)
    .bind(module.0)
    .bind(draft.settings.kind().as_str())
    .bind(&draft.title)
    .bind(i32::from(draft.required))
    .bind(&settings)
    .bind(draft.settings.quiz_points().map(i64::from))
    .bind(at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(id)
}

/// Replaces an activity's title, requirement and settings (its kind stays) and moves it to
/// another module if asked.
pub async fn update_activity(
    db: &mut Db,
    org: OrganisationId,
    course: CourseId,
    id: ActivityId,
    module: ModuleId,
    draft: &ActivityDraft,
) -> Result<()> {
    let current = activity(db, org, course, id).await?;
    if current.settings.kind() != draft.settings.kind() {
        return Err(FieldErrors::single("kind", "kind_cannot_change").into());
    }
    module_of_course(db, org, course, module).await?;
    let settings = settings_json(&draft.settings)?;
    with_conn!(db, |c| {
        sqlx::query(
        "UPDATE activities SET module_id = $4, title = $5, required = $6, settings = $7, quiz_points = $8, updated_at = $9 \
         WHERE organisation_id = $1 AND course_id = $2 AND id = $3"
    )
    .bind(org.0)
    .bind(course.0)
    .bind(id.0)
    .bind(module.0)
    .bind(&draft.title)
    .bind(i32::from(draft.required))
    .bind(&settings)
    .bind(draft.settings.quiz_points().map(i64::from))
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Replaces an activity's settings only (an organiser closing an event's evaluation).
pub async fn set_activity_settings(
    db: &mut Db,
    org: OrganisationId,
    id: ActivityId,
    settings: &ActivitySettings,
) -> Result<()> {
    let json = settings_json(settings)?;
    with_conn!(db, |c| {
        sqlx::query(
        "UPDATE activities SET settings = $3, updated_at = $4 WHERE organisation_id = $1 AND id = $2"
    )
    .bind(org.0)
    .bind(id.0)
    .bind(&json)
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// The owner of course `id` when it is offered to `org` by another organisation: public, or
/// shared with `org`. `None` for any other course (its own courses are found with [`get`]).
pub async fn offered_to(
    db: &mut Db,
    org: OrganisationId,
    id: CourseId,
) -> Result<Option<OrganisationId>> {
    let owner: Option<Uuid> = with_conn!(db, |c| {
        sqlx::query_scalar(
        "SELECT c.organisation_id FROM courses c WHERE c.id = $2 AND c.organisation_id <> $1 AND (c.visibility = 'public' \
           OR (c.visibility = 'shared' AND EXISTS (SELECT 1 FROM course_shares s \
             WHERE s.organisation_id = c.organisation_id AND s.course_id = c.id AND s.shared_with_id = $1)))"
    )
    .bind(org.0)
    .bind(id.0)
    .fetch_optional(&mut *c)
    .await
    })?;
    Ok(owner.map(OrganisationId))
}
