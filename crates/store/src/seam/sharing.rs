//! Reads of a person's data that their consent opens to others: their competence through a
//! share link (`competence_to_others`), what an employer received (`competence_to_employer`),
//! and a course's reviews (`course_reviews`). Each read checks, in the query, that the consent
//! still stands: a withdrawal closes them at once, whatever was shared before.
//!
//! Reviews reach others as published text: rating, text, the month, and the name only where the
//! reviewer chose to show it; never the person's id. Received competence is what the person
//! sent, as sent, with their name as the organisation's administrators see it.

use domain::PersonId;
use domain::access::{Actor, Relation};
use domain::competence::{Item, link_works};
use domain::consent::{catalogue, purposes};
use domain::features::PublishedReview;
use domain::registry::{Viewer, keys};
use domain::{CourseId, OrganisationId};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::learning::{my_certificates, my_enrollments};
use super::project;
use crate::{Db, Result, StoreError, people, with_conn};

/// The actor's own competence: completed courses and certificates, newest first.
pub async fn my_competence(db: &mut Db, actor: &Actor) -> Result<Vec<Item>> {
    competence_of(db, actor.person_id).await
}

async fn competence_of(db: &mut Db, person: PersonId) -> Result<Vec<Item>> {
    // The person's own reads, done as the person.
    let me = Actor {
        person_id: person,
        operator: false,
        grants: Vec::new(),
    };
    let mut items = Vec::new();
    for e in my_enrollments(db, &me).await? {
        if let Some(done) = e.enrollment.completed_at {
            items.push(Item {
                id: format!("completion:{}", e.enrollment.id),
                kind: "completion".into(),
                course: e.course_title,
                organisation: e.owner_name,
                date: done.date().to_string(),
                expires_on: None,
            });
        }
    }
    for c in my_certificates(db, &me).await? {
        items.push(Item {
            id: format!("certificate:{}", c.id),
            kind: "certificate".into(),
            course: c.course_title,
            organisation: c.owner_name,
            date: c.issued_on.to_string(),
            expires_on: c.expires_on.map(|d| d.to_string()),
        });
    }
    Ok(items)
}

/// Whether the person's consent to `purpose` stands (its latest change gave it, to a version
/// still in force).
async fn stands(db: &mut Db, person: PersonId, purpose: &str) -> Result<bool> {
    let row: Option<(String, i32)> = with_conn!(db, |c| sqlx::query_as(
        "SELECT status, text_version FROM consents WHERE person_id = $1 AND purpose = $2"
    )
    .bind(person.0)
    .bind(purpose)
    .fetch_optional(&mut *c)
    .await)?;
    Ok(row.is_some_and(|(s, v)| {
        s == "given"
            && catalogue()
                .get(purpose)
                .is_some_and(|d| d.stands(u32::try_from(v).unwrap_or(0)))
    }))
}

/// Someone's competence, as a share link shows it to whoever holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedCompetence {
    /// Whose it is (for the audit entry; never shown).
    pub person: PersonId,
    pub name: String,
    pub items: Vec<Item>,
}

/// The competence a link's token opens, on `today`. A revoked or expired link, an unknown
/// token and a withdrawn consent all answer `NotFound` alike.
pub async fn shared(db: &mut Db, token_hash: &str, today: Date) -> Result<SharedCompetence> {
    let row: Option<(Uuid, Option<Date>, Option<OffsetDateTime>)> =
        with_conn!(db, |c| sqlx::query_as(
            "SELECT person_id, expires_on, revoked_at FROM share_links WHERE token_hash = $1"
        )
        .bind(token_hash)
        .fetch_optional(&mut *c)
        .await)?;
    let Some((person, expires_on, revoked_at)) = row else {
        return Err(StoreError::NotFound);
    };
    let person = PersonId(person);
    if !link_works(revoked_at.is_some(), expires_on, today)
        || !stands(db, person, purposes::COMPETENCE_TO_OTHERS).await?
    {
        return Err(StoreError::NotFound);
    }
    let p = people::find(db, person).await?;
    Ok(SharedCompetence {
        person,
        name: format!("{} {}", p.given_name, p.family_name),
        items: competence_of(db, person).await?,
    })
}

/// Competence a member sent to the organisation, as its administrators see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    pub person: PersonId,
    pub name: String,
    pub sent_at: OffsetDateTime,
    pub items: Vec<Item>,
}

/// What the organisation's members sent it, newest first, for its administrators only, and
/// only from people whose `competence_to_employer` consent stands.
pub async fn received(db: &mut Db, actor: &Actor, org: OrganisationId) -> Result<Vec<Received>> {
    if !actor.is_org_admin(org) {
        return Err(StoreError::NotFound);
    }
    project::require(
        &[Relation::OrgAdmin],
        Viewer::default(),
        &[
            &keys::GIVEN_NAME,
            &keys::FAMILY_NAME,
            &keys::TRANSFER_ITEMS,
            &keys::TRANSFER_SENT,
        ],
    )?;
    type Row = (Uuid, String, String, OffsetDateTime, String, i32);
    let rows: Vec<Row> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT t.person_id, p.given_name, p.family_name, t.sent_at, t.items, k.text_version \
         FROM competence_transfers t \
         JOIN people p ON p.id = t.person_id \
         JOIN consents k ON k.person_id = t.person_id AND k.purpose = $2 AND k.status = 'given' \
         WHERE t.recipient_organisation_id = $1 AND t.purpose = $2 \
           AND EXISTS (SELECT 1 FROM memberships m WHERE m.organisation_id = $1 AND m.person_id = t.person_id) \
         ORDER BY t.sent_at DESC, t.id DESC"
    )
    .bind(org.0)
    .bind(purposes::COMPETENCE_TO_EMPLOYER)
    .fetch_all(&mut *c)
    .await
    })?;
    let definition = catalogue().get(purposes::COMPETENCE_TO_EMPLOYER);
    rows.into_iter()
        .filter(|r| definition.is_some_and(|d| d.stands(u32::try_from(r.5).unwrap_or(0))))
        .map(|(person, given, family, sent_at, items, _)| {
            Ok(Received {
                person: PersonId(person),
                name: format!("{given} {family}"),
                sent_at,
                items: serde_json::from_str(&items)
                    .map_err(|_| StoreError::Corrupt("competence_transfers.items"))?,
            })
        })
        .collect()
}

/// A course's reviews as anyone who may see the course sees them (the caller checked that),
/// from reviewers whose consent stands. `domain::features::shown_reviews` decides what of them
/// is shown.
pub async fn published_reviews(
    db: &mut Db,
    org: OrganisationId,
    course: CourseId,
) -> Result<Vec<PublishedReview>> {
    type Row = (i32, String, Option<String>, OffsetDateTime, i32);
    let rows: Vec<Row> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT r.rating, r.body, r.author_name, r.updated_at, k.text_version FROM course_reviews r \
         JOIN consents k ON k.person_id = r.person_id AND k.purpose = $3 AND k.status = 'given' \
         WHERE r.organisation_id = $1 AND r.course_id = $2"
    )
    .bind(org.0)
    .bind(course.0)
    .bind(purposes::COURSE_REVIEWS)
    .fetch_all(&mut *c)
    .await
    })?;
    let definition = catalogue().get(purposes::COURSE_REVIEWS);
    rows.into_iter()
        .filter(|r| definition.is_some_and(|d| d.stands(u32::try_from(r.4).unwrap_or(0))))
        .map(|(rating, body, author_name, updated_at, _)| {
            Ok(PublishedReview {
                rating: u8::try_from(rating)
                    .map_err(|_| StoreError::Corrupt("course_reviews.rating"))?,
                body,
                author_name,
                month: format!(
                    "{:04}-{:02}",
                    updated_at.year(),
                    u8::from(updated_at.month())
                ),
            })
        })
        .collect()
}

/// The organisations the actor is a current member of (employee, student, …): where they may
/// send their competence as to an employer.
pub async fn my_employers(
    db: &mut Db,
    actor: &Actor,
) -> Result<Vec<crate::organisations::Organisation>> {
    let ids: Vec<Uuid> = with_conn!(db, |c| {
        sqlx::query_scalar(
        "SELECT DISTINCT organisation_id FROM memberships WHERE person_id = $1 AND status <> 'ended'"
    )
    .bind(actor.person_id.0)
    .fetch_all(&mut *c)
    .await
    })?;
    crate::organisations::all_of(db, ids.into_iter().map(OrganisationId)).await
}
