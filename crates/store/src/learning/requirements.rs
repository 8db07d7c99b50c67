//! Requirements an organisation sets, who they apply to, and the completions that meet them.

use std::collections::HashMap;

use domain::learning::requirement::{Audience, RequirementRule};
use domain::{CourseId, FieldErrors, OrganisationId, PersonId, RequirementId, UnitId};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::units::Unit;
use crate::{Db, Result, StoreError, now, stored, with_conn};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub id: RequirementId,
    pub organisation_id: OrganisationId,
    pub course_owner_id: OrganisationId,
    pub course_title: String,
    pub rule: RequirementRule,
    pub created_at: OffsetDateTime,
}

/// Creates a requirement. The course must be one the organisation's people may take: its own,
/// shared with it, or public.
pub async fn create(
    db: &mut Db,
    org: OrganisationId,
    rule: &RequirementRule,
    by: PersonId,
) -> Result<RequirementId> {
    let owner: Option<Uuid> = with_conn!(db, |c| {
        sqlx::query_scalar(
        "SELECT c.organisation_id FROM courses c WHERE c.id = $2 AND c.status <> 'draft' AND (c.organisation_id = $1 \
           OR c.visibility = 'public' OR (c.visibility = 'shared' AND EXISTS (SELECT 1 FROM course_shares s \
             WHERE s.organisation_id = c.organisation_id AND s.course_id = c.id AND s.shared_with_id = $1)))"
    )
    .bind(org.0)
    .bind(rule.course.0)
    .fetch_optional(&mut *c)
    .await
    })?;
    let Some(owner) = owner else {
        return Err(FieldErrors::single("course_id", "invalid_choice").into());
    };
    if let Audience::Unit { unit } = &rule.audience
        && !crate::units::exists(db, org, *unit).await?
    {
        return Err(FieldErrors::single("unit_id", "invalid_choice").into());
    }
    let id = RequirementId::new();
    let (unit, position) = match &rule.audience {
        Audience::Everyone => (None, None),
        Audience::Unit { unit } => (Some(unit.0), None),
        Audience::Position { position } => (None, Some(position.clone())),
    };
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO requirements (organisation_id, id, course_owner_id, course_id, audience, unit_id, position, \
         due_days, renewal_months, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    )
    .bind(org.0)
    .bind(id.0)
    .bind(owner)
    .bind(rule.course.0)
    .bind(rule.audience.kind())
    .bind(unit)
    .bind(position)
    .bind(i32::from(rule.due_days))
    .bind(rule.renewal_months.map(i32::from))
    .bind(by.0)
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(id)
}

pub async fn delete(db: &mut Db, org: OrganisationId, id: RequirementId) -> Result<()> {
    let done = with_conn!(db, |c| sqlx::query(
        "DELETE FROM requirements WHERE organisation_id = $1 AND id = $2"
    )
    .bind(org.0)
    .bind(id.0)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The organisation's requirements, by course title.
pub async fn of_organisation(db: &mut Db, org: OrganisationId) -> Result<Vec<Requirement>> {
    type Row = (
        Uuid,
        Uuid,
        Uuid,
        String,
        String,
        Option<Uuid>,
        Option<String>,
        i32,
        Option<i32>,
        OffsetDateTime,
    );
    let rows: Vec<Row> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT r.id, r.course_owner_id, r.course_id, c.title, r.audience, r.unit_id, r.position, r.due_days, \
         r.renewal_months, r.created_at FROM requirements r \
         JOIN courses c ON c.organisation_id = r.course_owner_id AND c.id = r.course_id \
         WHERE r.organisation_id = $1 ORDER BY c.title, r.id"
    )
    .bind(org.0)
    .fetch_all(&mut *c)
    .await
    })?;
    rows.into_iter()
        .map(
            |(id, owner, course, title, audience, unit, position, due, renewal, created_at)| {
                let audience = match (audience.as_str(), unit, position) {
                    ("everyone", _, _) => Audience::Everyone,
                    ("unit", Some(unit), _) => Audience::Unit { unit: UnitId(unit) },
                    ("position", _, Some(position)) => Audience::Position { position },
                    _ => return Err(StoreError::Corrupt("requirements.audience")),
                };
                Ok(Requirement {
                    id: RequirementId(id),
                    organisation_id: org,
                    course_owner_id: OrganisationId(owner),
                    course_title: title,
                    rule: RequirementRule {
                        course: CourseId(course),
                        audience,
                        due_days: stored(
                            u16::try_from(due).map_err(|_| ""),
                            "requirements.due_days",
                        )?,
                        renewal_months: renewal.and_then(|r| u16::try_from(r).ok()),
                    },
                    created_at,
                })
            },
        )
        .collect()
}

/// A current membership as requirements see it: where the person sits and since when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    pub person_id: PersonId,
    pub unit_id: Option<UnitId>,
    pub position: Option<String>,
    pub starts_on: Date,
}

/// The current memberships of `org` (of these people only, when given).
async fn placements(
    db: &mut Db,
    org: OrganisationId,
    people: Option<&[PersonId]>,
) -> Result<Vec<Placement>> {
    let rows: Vec<(Uuid, Option<Uuid>, Option<String>, Date)> =
        with_conn!(db, |c| sqlx::query_as(
            "SELECT person_id, unit_id, position, starts_on FROM memberships \
         WHERE organisation_id = $1 AND status <> 'ended' ORDER BY person_id, starts_on"
        )
        .bind(org.0)
        .fetch_all(&mut *c)
        .await)?;
    let wanted: Option<std::collections::HashSet<PersonId>> =
        people.map(|p| p.iter().copied().collect());
    Ok(rows
        .into_iter()
        .map(|(person, unit, position, starts_on)| Placement {
            person_id: PersonId(person),
            unit_id: unit.map(UnitId),
            position,
            starts_on,
        })
        .filter(|p| wanted.as_ref().is_none_or(|w| w.contains(&p.person_id)))
        .collect())
}

/// Each unit's path from itself up to the top (for "this unit and everything below it").
/// One unit and its ancestors, nearest first (as [`ancestors`] gives them), without reading
/// the whole tree.
pub async fn unit_chain(db: &mut Db, org: OrganisationId, unit: UnitId) -> Result<Vec<UnitId>> {
    let ids: Vec<Uuid> = with_conn!(db, |c| sqlx::query_scalar(
        "WITH RECURSIVE up (id, parent_id, depth) AS ( \
           SELECT id, parent_id, 0 FROM org_units WHERE organisation_id = $1 AND id = $2 \
           UNION ALL \
           SELECT u.id, u.parent_id, up.depth + 1 FROM org_units u JOIN up \
             ON u.organisation_id = $1 AND u.id = up.parent_id WHERE up.depth < 64) \
         SELECT id FROM up ORDER BY depth"
    )
    .bind(org.0)
    .bind(unit.0)
    .fetch_all(&mut *c)
    .await)?;
    Ok(ids.into_iter().map(UnitId).collect())
}

pub fn ancestors(units: &[Unit]) -> HashMap<UnitId, Vec<UnitId>> {
    let parent: HashMap<UnitId, Option<UnitId>> =
        units.iter().map(|u| (u.id, u.parent_id)).collect();
    units
        .iter()
        .map(|u| {
            let mut chain = vec![u.id];
            let mut at = u.parent_id;
            while let Some(p) = at {
                if chain.contains(&p) || chain.len() > 64 {
                    break;
                }
                chain.push(p);
                at = parent.get(&p).copied().flatten();
            }
            (u.id, chain)
        })
        .collect()
}

/// Enrolls everyone a requirement of `org` applies to who has neither an active enrollment in
/// its course nor a completion that still counts (idempotent: the requirement job runs it on a
/// schedule and after people or requirements change). Returns how many were enrolled.
pub async fn enroll_required(db: &mut Db, org: OrganisationId, today: Date) -> Result<u64> {
    use domain::learning::progress::EnrollmentSource;
    use domain::learning::requirement::{Qualification, RequirementStatus, status};
    let requirements = of_organisation(db, org).await?;
    if requirements.is_empty() {
        return Ok(0);
    }
    let units = crate::units::tree(db, org).await?;
    let ancestors = ancestors(&units);
    let people = placements(db, org, None).await?;
    let mut enrolled = 0;
    for requirement in &requirements {
        let course =
            crate::learning::courses::get(db, requirement.course_owner_id, requirement.rule.course)
                .await?;
        if course.settings.status != domain::learning::course::CourseStatus::Open {
            continue;
        }
        type Row = (Uuid, String, Option<OffsetDateTime>, Option<Date>);
        let taken: Vec<Row> = with_conn!(db, |c| {
            sqlx::query_as(
            "SELECT e.person_id, e.status, e.completed_at, (SELECT x.expires_on FROM certificates x \
               WHERE x.person_id = e.person_id AND x.organisation_id = e.organisation_id AND x.enrollment_id = e.id \
               ORDER BY x.issued_on DESC LIMIT 1) \
             FROM enrollments e WHERE e.organisation_id = $1 AND e.course_id = $2 AND e.status <> 'withdrawn'"
        )
        .bind(course.organisation_id.0)
        .bind(course.id.0)
        .fetch_all(&mut *c)
        .await
        })?;
        let mut active = std::collections::HashSet::new();
        let mut latest: HashMap<PersonId, Qualification> = HashMap::new();
        for (person, st, completed_at, expires) in taken {
            let person = PersonId(person);
            if st == "active" {
                active.insert(person);
            } else if let Some(at) = completed_at {
                let q = Qualification {
                    completed_on: at.date(),
                    certificate_expires_on: expires,
                };
                latest
                    .entry(person)
                    .and_modify(|old| {
                        if q.completed_on > old.completed_on {
                            *old = q;
                        }
                    })
                    .or_insert(q);
            }
        }
        let mut seen = std::collections::HashSet::new();
        for p in &people {
            if !seen.insert(p.person_id) || active.contains(&p.person_id) {
                continue;
            }
            let path = p
                .unit_id
                .and_then(|u| ancestors.get(&u))
                .cloned()
                .unwrap_or_default();
            if !requirement
                .rule
                .audience
                .includes(&path, p.position.as_deref())
            {
                continue;
            }
            let standing = status(
                &requirement.rule,
                p.starts_on,
                latest.get(&p.person_id).copied(),
                today,
            );
            if matches!(standing, RequirementStatus::Met { .. }) {
                continue;
            }
            crate::learning::enrollments::enroll(
                db,
                &course,
                p.person_id,
                Some(org),
                EnrollmentSource::Requirement,
                None,
            )
            .await?;
            enrolled += 1;
        }
    }
    Ok(enrolled)
}
