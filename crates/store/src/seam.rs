//! The seam for other people's data. Every read of a person's data that leaves the store goes
//! through here: each function takes the acting person, works out how the actor relates to the
//! person asked about, and returns only the fields those relations reveal
//! ([`domain::access::visible_fields`]). No relation means [`StoreError::NotFound`], so a
//! foreign id looks exactly like an unknown one.

use domain::access::{Actor, OrgRole, Relation, visible_fields};
use domain::org::Language;
use domain::person::DataSource;
use domain::{OrganisationId, PersonId};
use time::Date;

use crate::memberships::{self, Membership};
use crate::{Db, Result, StoreError, people, stored, with_conn};

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

/// The actor's own language choice, if any.
pub async fn my_language(db: &mut Db, actor: &Actor) -> Result<Option<Language>> {
    people::preferred_language(db, actor.person_id).await
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
    let fields = visible_fields(&relations);
    let row = people::find(db, person).await?;
    let myself = relations.contains(&Relation::Myself);
    let memberships = if fields.memberships {
        memberships::of_person(db, person, org).await?
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
        family_name: fields.name.then(|| row.family_name.clone()),
        email: fields.email.then(|| row.email.clone()),
        birth_date: if fields.birth_date {
            row.birth_date
        } else {
            None
        },
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

/// How the actor relates to the person within `org`.
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
    if actor.is_org_admin(org) && has_membership(db, org, person).await? {
        relations.push(Relation::OrgAdmin);
    }
    match manager_depth(db, org, actor.person_id, person).await? {
        Some(1) => relations.push(Relation::DirectManager),
        Some(_) => relations.push(Relation::IndirectManager),
        None => {}
    }
    Ok(relations)
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

/// One membership in an organisation's list, with the member's name and e-mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub membership: Membership,
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    p_given_name: String,
    p_family_name: String,
    p_email: String,
    #[sqlx(flatten)]
    membership: memberships::Row,
}

macro_rules! member_columns {
    () => {
        concat!(
            "SELECT p.given_name AS p_given_name, p.family_name AS p_family_name, p.email AS p_email, ",
            memberships::row_columns!()
        )
    };
}

macro_rules! member_select {
    () => {
        concat!(
            member_columns!(),
            "FROM memberships m JOIN people p ON p.id = m.person_id ",
            memberships::row_joins!()
        )
    };
}

/// A window of a list: `limit` rows from `offset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub offset: i64,
    pub limit: i64,
}

impl Page {
    /// Page `number` (from 1) of `size` rows.
    pub fn numbered(number: i64, size: i64) -> Self {
        let size = size.clamp(1, 500);
        Self {
            offset: (number.max(1) - 1) * size,
            limit: size,
        }
    }

    pub const ALL: Self = Self {
        offset: 0,
        limit: i64::MAX,
    };
}

/// Members of one page, and how many there are in all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberPage {
    pub members: Vec<Member>,
    pub total: i64,
}

macro_rules! reports_cte {
    () => {
        concat!(
            "WITH RECURSIVE reports (person_id, depth) AS ( ",
            "SELECT person_id, 1 FROM memberships WHERE organisation_id = $1 AND manager_id = $2 AND status <> 'ended' ",
            "UNION SELECT m.person_id, reports.depth + 1 FROM memberships m JOIN reports ON m.manager_id = reports.person_id ",
            "WHERE m.organisation_id = $1 AND m.status <> 'ended' AND reports.depth < 32) "
        )
    };
}

macro_rules! reports_filter {
    () => {
        "WHERE m.organisation_id = $1 AND m.status <> 'ended' AND m.person_id <> $2 AND m.person_id IN (SELECT person_id FROM reports) "
    };
}

/// The memberships of `org` the actor may see, one page at a time: all of them for an
/// organisation admin, the current memberships of the people they lead (directly or not) for
/// a manager, else none. Ordered by family name, given name (`domain::person::sort_key`).
pub async fn members(
    db: &mut Db,
    actor: &Actor,
    org: OrganisationId,
    page: Page,
) -> Result<MemberPage> {
    let (rows, total): (Vec<MemberRow>, i64) = if actor.is_org_admin(org) {
        // The page's ids come from one covering index in name order; only those rows are
        // looked up and joined.
        let rows = with_conn!(db, |c| {
            sqlx::query_as(concat!(
            member_columns!(),
            "FROM (SELECT id FROM memberships WHERE organisation_id = $1 ORDER BY sort_key, id LIMIT $2 OFFSET $3) page ",
            // CROSS JOIN keeps the page as the outer loop on SQLite (its planner would otherwise
            // walk every membership of the organisation); PostgreSQL plans it as a plain join.
            "CROSS JOIN memberships m JOIN people p ON p.id = m.person_id ",
            memberships::row_joins!(),
            "WHERE m.organisation_id = $1 AND m.id = page.id ",
            "ORDER BY m.sort_key, m.id"
        ))
        .bind(org.0)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(&mut *c)
        .await
        })?;
        let total = with_conn!(db, |c| sqlx::query_scalar(
            "SELECT COUNT(*) FROM memberships WHERE organisation_id = $1"
        )
        .bind(org.0)
        .fetch_one(&mut *c)
        .await)?;
        (rows, total)
    } else {
        let rows = with_conn!(db, |c| sqlx::query_as(concat!(
            reports_cte!(),
            member_select!(),
            reports_filter!(),
            "ORDER BY m.sort_key, m.id LIMIT $3 OFFSET $4"
        ))
        .bind(org.0)
        .bind(actor.person_id.0)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(&mut *c)
        .await)?;
        let total = with_conn!(db, |c| sqlx::query_scalar(concat!(
            reports_cte!(),
            "SELECT COUNT(*) FROM memberships m ",
            reports_filter!()
        ))
        .bind(org.0)
        .bind(actor.person_id.0)
        .fetch_one(&mut *c)
        .await)?;
        (rows, total)
    };
    let members = rows
        .into_iter()
        .map(|r| {
            Ok(Member {
                given_name: r.p_given_name,
                family_name: r.p_family_name,
                email: r.p_email,
                membership: r.membership.try_into()?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(MemberPage { members, total })
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
