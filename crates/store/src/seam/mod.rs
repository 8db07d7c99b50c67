//! The seam for other people's data. Every read of a person's data that leaves the store goes
//! through here: each function takes the acting person, works out how the actor relates to the
//! person asked about, and returns only the fields the data registry grants those relations
//! ([`project`], [`domain::registry::Registry::allows`]). No relation, or a relation that sees
//! nothing, means [`StoreError::NotFound`], so a foreign id looks exactly like an unknown one.

use domain::access::{Actor, OrgRole, Relation, visible_fields_for};
use domain::org::Language;
use domain::person::{DataSource, MembershipKind, MembershipStatus};
use domain::registry::{Viewer, keys};
use domain::{OrganisationId, PersonId};
use time::Date;

use crate::memberships::{self, Membership};
use crate::organisations::Organisation;
use crate::{Db, Result, StoreError, json_rows, people, stored, with_conn, with_dialect};

/// A person as one viewer may see them. Fields the viewer may not see are `None` or empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonView {
    pub id: PersonId,
    /// How the viewer relates to the person (empty never happens: that is `NotFound`).
    pub relations: Vec<Relation>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub email: Option<String>,
    pub birth_date: Option<Date>,
    /// A year of birth, where only that was given.
    pub birth_year: Option<i32>,
    /// Only the memberships in the organisation the view was asked for (all of them for self).
    pub memberships: Vec<Membership>,
    pub roles: Vec<(OrganisationId, OrgRole)>,
    /// Self only.
    pub preferred_language: Option<Language>,
    /// Self only: where name and e-mail came from, which decides whether the person may edit them.
    pub profile_source: Option<DataSource>,
}

impl PersonView {
    pub fn full_name(&self) -> Option<String> {
        match (&self.given_name, &self.family_name) {
            (Some(g), Some(f)) => Some(format!("{g} {f}")),
            _ => None,
        }
    }
}

/// The acting person's own data.
pub async fn me(db: &mut Db, actor: &Actor) -> Result<PersonView> {
    view(db, actor.person_id, None, vec![Relation::Myself]).await
}

/// Where the actor's own name and e-mail came from (it decides whether they may edit them).
pub async fn my_profile_source(db: &mut Db, actor: &Actor) -> Result<DataSource> {
    people::profile_source(db, actor.person_id).await
}

/// The organisations the actor is a current member of or holds a role in, by name.
pub async fn my_organisations(
    db: &mut Db,
    actor: &Actor,
) -> Result<Vec<crate::organisations::Organisation>> {
    crate::organisations::for_person(db, actor.person_id).await
}

/// A person as the actor may see them within `org`. `NotFound` when the actor has no relation
/// to the person there.
pub async fn person_in_org(
    db: &mut Db,
    actor: &Actor,
    org: OrganisationId,
    person: PersonId,
) -> Result<PersonView> {
    let relations = relations(db, actor, org, person).await?;
    if relations.is_empty() {
        return Err(StoreError::NotFound);
    }
    let scope = if relations == [Relation::Myself] {
        None
    } else {
        Some(org)
    };
    view(db, person, scope, relations).await
}

async fn view(
    db: &mut Db,
    person: PersonId,
    org: Option<OrganisationId>,
    relations: Vec<Relation>,
) -> Result<PersonView> {
    let viewer = Viewer::new(&relations);
    let fields = visible_fields_for(&viewer);
    if !fields.any() {
        return Err(StoreError::NotFound);
    }
    let row = people::find(db, person).await?;
    let myself = relations.contains(&Relation::Myself);
    let memberships = if fields.memberships {
        memberships::of_person(db, person, org)
            .await?
            .into_iter()
            .map(|m| project_membership(&viewer, m))
            .collect()
    } else {
        Vec::new()
    };
    let roles = if fields.roles {
        let all = crate::actors::load(db, person).await?.grants;
        all.into_iter()
            .filter(|(o, _)| org.is_none_or(|org| *o == org))
            .collect()
    } else {
        Vec::new()
    };
    Ok(PersonView {
        id: person,
        given_name: fields.name.then(|| row.given_name.clone()),
        family_name: project::keep(&viewer, &keys::FAMILY_NAME, row.family_name.clone()),
        email: fields.email.then(|| row.email.clone()),
        birth_date: if fields.birth_date {
            row.birth_date
        } else {
            None
        },
        birth_year: row
            .birth_year
            .filter(|_| keys::BIRTH_YEAR.visible_to(&viewer)),
        memberships,
        roles,
        preferred_language: if myself {
            row.preferred_language
                .as_deref()
                .and_then(|l| Language::parse(l).ok())
        } else {
            None
        },
        profile_source: if myself {
            Some(stored(
                DataSource::parse(&row.profile_source),
                "people.profile_source",
            )?)
        } else {
            None
        },
        relations,
    })
}

/// A membership with the fields the viewer may not see blanked (a manager sees unit and
/// position, not the employee number).
fn project_membership(viewer: &Viewer, m: Membership) -> Membership {
    let unit = keys::MEMBERSHIP_UNIT.visible_to(viewer);
    let manager = keys::MEMBERSHIP_MANAGER.visible_to(viewer);
    Membership {
        unit_id: m.unit_id.filter(|_| unit),
        unit_name: m.unit_name.filter(|_| unit),
        position: m
            .position
            .filter(|_| keys::MEMBERSHIP_POSITION.visible_to(viewer)),
        employee_number: m
            .employee_number
            .filter(|_| keys::EMPLOYEE_NUMBER.visible_to(viewer)),
        manager_id: m.manager_id.filter(|_| manager),
        manager_name: m.manager_name.filter(|_| manager),
        manager_email: m.manager_email.filter(|_| manager),
        ends_on: m
            .ends_on
            .filter(|_| keys::MEMBERSHIP_ENDS.visible_to(viewer)),
        ..m
    }
}

/// How the actor relates to the person within `org`: as themself, their administrator,
/// report viewer or DPO (roles held in an organisation the person is a member of), their
/// manager at some depth, a teacher or course administrator of a course they take there, or
/// the platform operator.
pub async fn relations(
    db: &mut Db,
    actor: &Actor,
    org: OrganisationId,
    person: PersonId,
) -> Result<Vec<Relation>> {
    let mut relations = Vec::new();
    if actor.person_id == person {
        relations.push(Relation::Myself);
    }
    let roles: Vec<OrgRole> = OrgRole::ALL
        .into_iter()
        .filter(|&r| actor.has_role(org, r))
        .collect();
    if !roles.is_empty() && has_membership(db, org, person).await? {
        for role in roles {
            relations.push(match role {
                OrgRole::OrgAdmin => Relation::OrgAdmin,
                OrgRole::ReportViewer => Relation::ReportViewer,
                OrgRole::Dpo => Relation::Dpo,
            });
        }
    }
    match manager_depth(db, org, actor.person_id, person).await? {
        Some(1) => relations.push(Relation::DirectManager),
        Some(_) => relations.push(Relation::IndirectManager),
        None => {}
    }
    if actor.person_id != person && teaches(db, org, actor.person_id, person).await? {
        // A learner who is not a member here takes a shared course for a partner: its staff
        // see them as the providing organisation's staff do (DESIGN §3b).
        relations.push(if has_membership(db, org, person).await? {
            Relation::CourseStaff
        } else {
            Relation::ProviderStaff
        });
    }
    if actor.operator {
        relations.push(Relation::Operator);
    }
    Ok(relations)
}

/// Whether `staff` teaches or administers a course of `org` that `person` is enrolled in.
async fn teaches(
    db: &mut Db,
    org: OrganisationId,
    staff: PersonId,
    person: PersonId,
) -> Result<bool> {
    let found: Option<i32> = with_conn!(db, |c| sqlx::query_scalar(
        "SELECT 1 FROM course_staff s JOIN enrollments e \
           ON e.organisation_id = s.organisation_id AND e.course_id = s.course_id \
         WHERE s.organisation_id = $1 AND s.person_id = $2 AND e.person_id = $3 LIMIT 1"
    )
    .bind(org.0)
    .bind(staff.0)
    .bind(person.0)
    .fetch_optional(&mut *c)
    .await)?;
    Ok(found.is_some())
}

async fn has_membership(db: &mut Db, org: OrganisationId, person: PersonId) -> Result<bool> {
    let found: Option<i32> = with_conn!(db, |c| sqlx::query_scalar(
        "SELECT 1 FROM memberships WHERE organisation_id = $1 AND person_id = $2 LIMIT 1"
    )
    .bind(org.0)
    .bind(person.0)
    .fetch_optional(&mut *c)
    .await)?;
    Ok(found.is_some())
}

/// How many manager steps above `person` the `manager` stands in `org` (1 = direct), if at all.
async fn manager_depth(
    db: &mut Db,
    org: OrganisationId,
    manager: PersonId,
    person: PersonId,
) -> Result<Option<i32>> {
    if manager == person {
        return Ok(None);
    }
    let depth: Option<i32> = with_conn!(db, |c| {
        sqlx::query_scalar(
        "WITH RECURSIVE chain (manager_id, depth) AS ( \
           SELECT manager_id, 1 FROM memberships \
            WHERE organisation_id = $1 AND person_id = $2 AND manager_id IS NOT NULL AND status <> 'ended' \
           UNION \
           SELECT m.manager_id, chain.depth + 1 FROM memberships m JOIN chain ON m.person_id = chain.manager_id \
            WHERE m.organisation_id = $1 AND m.manager_id IS NOT NULL AND m.status <> 'ended' AND chain.depth < 32) \
         SELECT MIN(depth) FROM chain WHERE manager_id = $3"
    )
    .bind(org.0)
    .bind(person.0)
    .bind(manager.0)
    .fetch_one(&mut *c)
    .await
    })?;
    Ok(depth)
}

/// One membership in an organisation's list, with the member's name and e-mail. List rows
/// carry the manager's id only: `membership.manager_name` and `manager_email` are `None` here
/// (a single membership or person view has them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub membership: Membership,
}

/// A window of a list in name order: `size` rows of page `number`, reached by its number
/// (the database skips the rows before it, which grows with the number) or, from a link on
/// the page before or after, by keyset from that page's last or first membership.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub number: i64,
    pub size: i64,
    pub cursor: Option<Cursor>,
}

/// Where a keyset page starts, by the id of a membership on the neighbouring page (an id,
/// not the name it sorts by, so links carry no personal data).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cursor {
    After(domain::MembershipId),
    Before(domain::MembershipId),
}

impl Page {
    /// Page `number` (from 1) of `size` rows (1–500).
    pub fn numbered(number: i64, size: i64) -> Self {
        Self {
            number: number.max(1),
            size: size.clamp(1, 500),
            cursor: None,
        }
    }

    /// The same page, reached from a neighbouring page's link. If that membership is gone
    /// by then, the page is found by its number instead.
    pub fn from_cursor(self, cursor: Option<Cursor>) -> Self {
        Self { cursor, ..self }
    }

    fn offset(self) -> i64 {
        (self.number - 1).saturating_mul(self.size)
    }
}

/// What a people-list page shows of one membership: less than [`Member`] (no employee
/// number, source, unit or manager ids), so the database builds and sends less per row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberSummary {
    pub membership_id: domain::MembershipId,
    pub person_id: PersonId,
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub kind: MembershipKind,
    pub unit_name: Option<String>,
    pub position: Option<String>,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub status: MembershipStatus,
}

/// Members of one page, and how many there are in all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberPage<T = Member> {
    pub members: Vec<T>,
    pub total: i64,
}

/// A row of a member list as the database aggregates it, and what it becomes.
trait ListedRow: serde::de::DeserializeOwned {
    type Out;
    const SHAPE: Shape;
    /// The list's order: name sort key, then membership id.
    fn order(&self) -> (&str, uuid::Uuid);
    fn finish(self, org: OrganisationId, sees: &ListSight) -> Self::Out;
}

/// Which of a list's optional fields its viewer sees (worked out once per list).
pub(crate) struct ListSight {
    unit: bool,
    position: bool,
    employee_number: bool,
    manager: bool,
    ends_on: bool,
}

impl ListSight {
    fn of(relations: &[Relation]) -> Result<Self> {
        // Every list row shows these; a viewer the registry does not grant them sees no list.
        project::require(
            relations,
            Viewer::default(),
            &[
                &keys::GIVEN_NAME,
                &keys::FAMILY_NAME,
                &keys::EMAIL,
                &keys::MEMBERSHIP_KIND,
                &keys::MEMBERSHIP_STARTS,
                &keys::MEMBERSHIP_STATUS,
            ],
        )?;
        let sees = project::common(relations);
        Ok(Self {
            unit: sees(&keys::MEMBERSHIP_UNIT),
            position: sees(&keys::MEMBERSHIP_POSITION),
            employee_number: sees(&keys::EMPLOYEE_NUMBER),
            manager: sees(&keys::MEMBERSHIP_MANAGER),
            ends_on: sees(&keys::MEMBERSHIP_ENDS),
        })
    }
}

#[derive(Clone, Copy)]
enum Shape {
    Full,
    Summary,
}

/// A [`Member`] as the database aggregates it (see [`member_page_sql!`]). The coded columns
/// decode straight into their domain types (their serde names are their stored codes).
#[derive(serde::Deserialize)]
struct FullRow(
    uuid::Uuid,
    uuid::Uuid,
    String,
    String,
    String,
    MembershipKind,
    Option<uuid::Uuid>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<uuid::Uuid>,
    #[serde(deserialize_with = "crate::json_date::required")] Date,
    #[serde(deserialize_with = "crate::json_date::optional")] Option<Date>,
    DataSource,
    MembershipStatus,
    /// The name order key: the page is sorted by it here, not by the database (an ordered
    /// aggregate costs SQLite a sorter per page).
    String,
);

impl ListedRow for FullRow {
    type Out = Member;
    const SHAPE: Shape = Shape::Full;

    fn order(&self) -> (&str, uuid::Uuid) {
        (&self.15, self.0)
    }

    fn finish(self, org: OrganisationId, sees: &ListSight) -> Member {
        let FullRow(
            id,
            person,
            given_name,
            family_name,
            email,
            kind,
            unit_id,
            unit_name,
            position,
            employee_number,
            manager_id,
            starts_on,
            ends_on,
            source,
            status,
            _sort_key,
        ) = self;
        Member {
            given_name,
            family_name,
            email,
            membership: Membership {
                id: domain::MembershipId(id),
                organisation_id: org,
                person_id: PersonId(person),
                kind,
                unit_id: unit_id.map(domain::UnitId).filter(|_| sees.unit),
                unit_name: unit_name.filter(|_| sees.unit),
                position: position.filter(|_| sees.position),
                employee_number: employee_number.filter(|_| sees.employee_number),
                manager_id: manager_id.map(PersonId).filter(|_| sees.manager),
                manager_name: None,
                manager_email: None,
                starts_on,
                ends_on: ends_on.filter(|_| sees.ends_on),
                source,
                status,
            },
        }
    }
}

/// A [`MemberSummary`] as the database aggregates it (see [`member_page_sql!`]).
#[derive(serde::Deserialize)]
struct SummaryRow(
    uuid::Uuid,
    uuid::Uuid,
    String,
    String,
    String,
    MembershipKind,
    Option<String>,
    Option<String>,
    #[serde(deserialize_with = "crate::json_date::required")] Date,
    #[serde(deserialize_with = "crate::json_date::optional")] Option<Date>,
    MembershipStatus,
    String,
);

impl ListedRow for SummaryRow {
    type Out = MemberSummary;
    const SHAPE: Shape = Shape::Summary;

    fn order(&self) -> (&str, uuid::Uuid) {
        (&self.11, self.0)
    }

    fn finish(self, _: OrganisationId, sees: &ListSight) -> MemberSummary {
        let SummaryRow(
            id,
            person,
            given_name,
            family_name,
            email,
            kind,
            unit_name,
            position,
            starts_on,
            ends_on,
            status,
            _sort_key,
        ) = self;
        MemberSummary {
            membership_id: domain::MembershipId(id),
            person_id: PersonId(person),
            given_name,
            family_name,
            email,
            kind,
            unit_name: unit_name.filter(|_| sees.unit),
            position: position.filter(|_| sees.position),
            starts_on,
            ends_on: ends_on.filter(|_| sees.ends_on),
            status,
        }
    }
}

/// The people whom manager `$m` (a placeholder) leads in organisation `$1`, directly or not.
macro_rules! reports_cte {
    ($m:literal) => {
        concat!(
            "WITH RECURSIVE reports (person_id, depth) AS ( ",
            "SELECT person_id, 1 FROM memberships WHERE organisation_id = $1 AND manager_id = ", $m, " AND status <> 'ended' ",
            "UNION SELECT m.person_id, reports.depth + 1 FROM memberships m JOIN reports ON m.manager_id = reports.person_id ",
            "WHERE m.organisation_id = $1 AND m.status <> 'ended' AND reports.depth < 32) "
        )
    };
}

/// The current memberships of the people in `reports`, but the manager's own (`$m`).
macro_rules! reports_filter {
    ($m:literal) => {
        concat!(
            "WHERE l.organisation_id = $1 AND l.status <> 'ended' AND l.person_id <> ",
            $m,
            " AND l.person_id IN (SELECT person_id FROM reports) "
        )
    };
}

/// One page of members as a single JSON array, in no particular order: `$1` organisation,
/// `$2` page size, `$3` the offset or the cursor's membership id, `$4` the manager (for
/// `reports`). The page's ids come from the name-order index (`memberships_sorted`); only those
/// rows are read, and nothing else: each carries what a list shows. On SQLite the page joins
/// by rowid (the index holds it) and `CROSS JOIN` keeps the page as the outer loop (its planner
/// would otherwise walk every membership of the organisation).
///
/// `LIMIT CAST($2 AS BIGINT)`, not `LIMIT $2`: unless built with the query-planner stability
/// guarantee (`.cargo/config.toml` does), SQLite 3.51 reads a bare bound LIMIT as a constant
/// while preparing and re-prepares the statement each time it is bound, which cost more than
/// the query itself. Every bound LIMIT or OFFSET in the store is written so.
macro_rules! member_page_sql {
    (sqlite, $shape:ident, $who:ident, $start:ident) => {
        concat!(
            member_page_sql!(@prefix $who),
            "SELECT json_group_array(json_array(",
            member_page_sql!(@sqlite $shape),
            ")) FROM (SELECT l.rowid AS rid FROM memberships l ",
            member_page_sql!(@filter $who),
            member_page_sql!(@start $start),
            ") page CROSS JOIN memberships m WHERE m.rowid = page.rid"
        )
    };
    (postgres, $shape:ident, $who:ident, $start:ident) => {
        concat!(
            member_page_sql!(@prefix $who),
            "SELECT COALESCE(json_agg(json_build_array(",
            member_page_sql!(@postgres $shape),
            ")), '[]')::text FROM (SELECT l.id FROM memberships l ",
            member_page_sql!(@filter $who),
            member_page_sql!(@start $start),
            ") page JOIN memberships m ON m.organisation_id = $1 AND m.id = page.id"
        )
    };
    // The columns of `FullRow` and `SummaryRow`, in order, all from the membership row: it
    // keeps copies of its member's name and e-mail and its unit's name (migration 0005).
    // SQLite sends ids as hex.
    (@sqlite full) => {
        "hex(m.id), hex(m.person_id), m.member_given_name, m.member_family_name, m.member_email, m.kind, \
         nullif(hex(m.unit_id), ''), m.unit_name, m.position, m.employee_number, nullif(hex(m.manager_id), ''), \
         m.starts_on, m.ends_on, m.source, m.status, m.sort_key"
    };
    (@postgres full) => {
        "m.id, m.person_id, m.member_given_name, m.member_family_name, m.member_email, m.kind, m.unit_id, \
         m.unit_name, m.position, m.employee_number, m.manager_id, m.starts_on, m.ends_on, m.source, m.status, \
         m.sort_key"
    };
    (@sqlite summary) => {
        "hex(m.id), hex(m.person_id), m.member_given_name, m.member_family_name, m.member_email, m.kind, \
         m.unit_name, m.position, m.starts_on, m.ends_on, m.status, m.sort_key"
    };
    (@postgres summary) => {
        "m.id, m.person_id, m.member_given_name, m.member_family_name, m.member_email, m.kind, m.unit_name, \
         m.position, m.starts_on, m.ends_on, m.status, m.sort_key"
    };
    (@prefix all) => { "" };
    (@prefix reports) => { reports_cte!("$4") };
    (@filter all) => { "WHERE l.organisation_id = $1 " };
    (@filter reports) => { reports_filter!("$4") };
    (@start offset) => { "ORDER BY l.sort_key, l.id LIMIT CAST($2 AS BIGINT) OFFSET CAST($3 AS BIGINT)" };
    (@start after) => {
        "AND (l.sort_key, l.id) > (SELECT c.sort_key, c.id FROM memberships c WHERE c.organisation_id = $1 AND c.id = $3) \
         ORDER BY l.sort_key, l.id LIMIT CAST($2 AS BIGINT)"
    };
    (@start before) => {
        "AND (l.sort_key, l.id) < (SELECT c.sort_key, c.id FROM memberships c WHERE c.organisation_id = $1 AND c.id = $3) \
         ORDER BY l.sort_key DESC, l.id DESC LIMIT CAST($2 AS BIGINT)"
    };
}

/// Runs one page query of `$shape` rows of `$who` (`all` or `reports`) starting at `$start`.
macro_rules! fetch_member_page {
    ($db:expr, $shape:ident, $who:ident, $start:ident, $org:expr, $size:expr, $third:expr, $manager:expr) => {
        with_dialect!($db,
            sqlite: member_page_sql!(sqlite, $shape, $who, $start),
            postgres: member_page_sql!(postgres, $shape, $who, $start),
            |c, sql| {
                let q = sqlx::query_scalar::<_, String>(sql).bind($org).bind($size).bind($third);
                if $manager.is_some() { q.bind($manager) } else { q }
                    .fetch_one(&mut *c)
                    .await
            })
    };
}

/// The memberships of `org` the actor may see, one page at a time: all of them for an
/// organisation admin, the current memberships of the people they lead (directly or not) for
/// a manager, else none. Ordered by family name, given name (`domain::person::sort_key`).
pub async fn members(
    db: &mut Db,
    actor: &Actor,
    org: &Organisation,
    page: Page,
) -> Result<MemberPage<Member>> {
    listed::<FullRow>(db, actor, org, page).await
}

/// The same list as [`members`], as much of each membership as a people-list page shows.
pub async fn member_summaries(
    db: &mut Db,
    actor: &Actor,
    org: &Organisation,
    page: Page,
) -> Result<MemberPage<MemberSummary>> {
    listed::<SummaryRow>(db, actor, org, page).await
}

async fn listed<R: ListedRow>(
    db: &mut Db,
    actor: &Actor,
    org: &Organisation,
    page: Page,
) -> Result<MemberPage<R::Out>> {
    let admin = actor.is_org_admin(org.id);
    // An admin sees every membership; the count is kept with the organisation.
    let manager = (!admin).then_some(actor.person_id.0);
    let sees = ListSight::of(if admin {
        &[Relation::OrgAdmin]
    } else {
        &[Relation::DirectManager, Relation::IndirectManager]
    })?;
    let mut json = member_page(db, R::SHAPE, org.id, manager, page, page.cursor).await?;
    if json == "[]" && page.cursor.is_some() {
        // The membership the link pointed at is gone: find the page by its number.
        json = member_page(db, R::SHAPE, org.id, manager, page, None).await?;
    }
    let mut rows = json_rows::<R>(&json, "member list")?;
    rows.sort_unstable_by(|a, b| a.order().cmp(&b.order()));
    let members = rows
        .into_iter()
        .map(|row| row.finish(org.id, &sees))
        .collect();
    let total = match manager {
        None => org.member_count,
        Some(manager) => with_conn!(db, |c| sqlx::query_scalar(concat!(
            reports_cte!("$2"),
            "SELECT COUNT(*) FROM memberships l ",
            reports_filter!("$2")
        ))
        .bind(org.id.0)
        .bind(manager)
        .fetch_one(&mut *c)
        .await)?,
    };
    Ok(MemberPage { members, total })
}

async fn member_page(
    db: &mut Db,
    shape: Shape,
    org: OrganisationId,
    manager: Option<uuid::Uuid>,
    page: Page,
    cursor: Option<Cursor>,
) -> Result<String> {
    let (org, size, offset) = (org.0, page.size, page.offset());
    macro_rules! run {
        ($shape:ident) => {
            match (manager.is_some(), cursor) {
                (false, None) => {
                    fetch_member_page!(db, $shape, all, offset, org, size, offset, manager)
                }
                (false, Some(Cursor::After(id))) => {
                    fetch_member_page!(db, $shape, all, after, org, size, id.0, manager)
                }
                (false, Some(Cursor::Before(id))) => {
                    fetch_member_page!(db, $shape, all, before, org, size, id.0, manager)
                }
                (true, None) => {
                    fetch_member_page!(db, $shape, reports, offset, org, size, offset, manager)
                }
                (true, Some(Cursor::After(id))) => {
                    fetch_member_page!(db, $shape, reports, after, org, size, id.0, manager)
                }
                (true, Some(Cursor::Before(id))) => {
                    fetch_member_page!(db, $shape, reports, before, org, size, id.0, manager)
                }
            }
        };
    }
    Ok(match shape {
        Shape::Full => run!(full),
        Shape::Summary => run!(summary),
    }?)
}

/// One membership, if the actor may see the member it belongs to.
pub async fn membership(
    db: &mut Db,
    actor: &Actor,
    org: OrganisationId,
    id: domain::MembershipId,
) -> Result<Membership> {
    let membership = memberships::get(db, org, id).await?;
    if relations(db, actor, org, membership.person_id)
        .await?
        .is_empty()
    {
        return Err(StoreError::NotFound);
    }
    Ok(membership)
}

pub mod learning;
pub(crate) mod project;
pub mod sharing;
