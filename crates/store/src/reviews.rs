//! Course reviews: one per person and course, written only while the person's
//! `course_reviews` consent stands. What others see of them is read through
//! [`crate::seam::sharing::published_reviews`] (never the person, never the day).

use domain::consent::purposes::COURSE_REVIEWS;
use domain::features::Review;
use domain::{CourseId, OrganisationId, PersonId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, Result, StoreError, consents, now, with_conn};

/// The person's own review of a course.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MyReview {
    pub organisation_id: OrganisationId,
    pub course_id: CourseId,
    pub owner_slug: String,
    pub course_title: String,
    pub rating: u8,
    pub body: String,
    pub show_name: bool,
    pub author_name: Option<String>,
    pub updated_at: OffsetDateTime,
}

type Row = (
    Uuid,
    Uuid,
    String,
    String,
    i32,
    String,
    i32,
    Option<String>,
    OffsetDateTime,
);

fn review(r: Row) -> Result<MyReview> {
    let (org, course, slug, title, rating, body, show_name, author_name, updated_at) = r;
    Ok(MyReview {
        organisation_id: OrganisationId(org),
        course_id: CourseId(course),
        owner_slug: slug,
        course_title: title,
        rating: u8::try_from(rating).map_err(|_| StoreError::Corrupt("course_reviews.rating"))?,
        body,
        show_name: show_name != 0,
        author_name,
        updated_at,
    })
}

const SELECT: &str = "SELECT r.organisation_id, r.course_id, o.slug, c.title, r.rating, r.body, r.show_name, \
     r.author_name, r.updated_at FROM course_reviews r \
     JOIN courses c ON c.organisation_id = r.organisation_id AND c.id = r.course_id \
     JOIN organisations o ON o.id = r.organisation_id ";

/// The person's review of one course, if any.
pub async fn mine(
    db: &mut Db,
    person: PersonId,
    org: OrganisationId,
    course: CourseId,
) -> Result<Option<MyReview>> {
    let sql =
        format!("{SELECT}WHERE r.organisation_id = $1 AND r.course_id = $2 AND r.person_id = $3");
    let row: Option<Row> = with_conn!(db, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(org.0)
        .bind(course.0)
        .bind(person.0)
        .fetch_optional(&mut *c)
        .await)?;
    row.map(review).transpose()
}

/// Every review the person wrote, newest first.
pub async fn of_person(db: &mut Db, person: PersonId) -> Result<Vec<MyReview>> {
    let sql = format!("{SELECT}WHERE r.person_id = $1 ORDER BY r.updated_at DESC, c.title");
    let rows: Vec<Row> = with_conn!(db, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(person.0)
        .fetch_all(&mut *c)
        .await)?;
    rows.into_iter().map(review).collect()
}

/// Writes or replaces the person's review (in the caller's transaction). `author_name` is the
/// name to show, given only when the person chose to show it.
pub async fn save(
    db: &mut Db,
    person: PersonId,
    org: OrganisationId,
    course: CourseId,
    review: &Review,
    author_name: Option<&str>,
) -> Result<()> {
    if !consents::hold(db, person, COURSE_REVIEWS).await? {
        return Err(StoreError::ConsentRequired(COURSE_REVIEWS));
    }
    let at = now();
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO course_reviews \
         (organisation_id, course_id, person_id, rating, body, show_name, author_name, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
         ON CONFLICT (organisation_id, course_id, person_id) DO UPDATE SET rating = excluded.rating, \
           body = excluded.body, show_name = excluded.show_name, author_name = excluded.author_name, \
           updated_at = excluded.updated_at"
    )
    .bind(org.0)
    .bind(course.0)
    .bind(person.0)
    .bind(i32::from(review.rating))
    .bind(&review.body)
    .bind(i32::from(review.show_name))
    .bind(author_name.filter(|_| review.show_name))
    .bind(at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Deletes the person's review of a course. `NotFound` when there is none.
pub async fn delete(
    db: &mut Db,
    person: PersonId,
    org: OrganisationId,
    course: CourseId,
) -> Result<()> {
    let n = with_conn!(db, |c| {
        sqlx::query(
        "DELETE FROM course_reviews WHERE organisation_id = $1 AND course_id = $2 AND person_id = $3"
    )
    .bind(org.0)
    .bind(course.0)
    .bind(person.0)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
