//! The anonymous aggregates recommendations use: among other people whose `recommendations`
//! consent is given, how many who took a course the person took also took another one. Only
//! counts leave this query, and only for groups of at least `domain::recommend::MIN_GROUP`
//! people (the domain drops smaller ones again); nobody's id, name or courses do.

use domain::consent::purposes::RECOMMENDATIONS;
use domain::recommend::{CoTaken, MIN_GROUP};
use domain::{CourseId, PersonId};
use uuid::Uuid;

use crate::{Db, Result, with_conn};

/// Courses taken together with the person's courses, by other consenting people.
pub async fn co_taken(db: &mut Db, person: PersonId) -> Result<Vec<CoTaken>> {
    let rows: Vec<(Uuid, Uuid, i64)> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT a.course_id, b.course_id, COUNT(DISTINCT a.person_id) \
         FROM enrollments mine \
         JOIN enrollments a ON a.organisation_id = mine.organisation_id AND a.course_id = mine.course_id \
           AND a.status <> 'withdrawn' AND a.person_id <> $1 \
         JOIN consents k ON k.person_id = a.person_id AND k.purpose = $2 AND k.status = 'given' \
         JOIN enrollments b ON b.person_id = a.person_id AND b.status <> 'withdrawn' \
           AND NOT (b.organisation_id = a.organisation_id AND b.course_id = a.course_id) \
         WHERE mine.person_id = $1 AND mine.status <> 'withdrawn' \
         GROUP BY a.course_id, b.course_id \
         HAVING COUNT(DISTINCT a.person_id) >= $3"
    )
    .bind(person.0)
    .bind(RECOMMENDATIONS)
    .bind(i64::from(MIN_GROUP))
    .fetch_all(&mut *c)
    .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(taken, also, people)| CoTaken {
            taken: CourseId(taken),
            also: CourseId(also),
            people: u32::try_from(people).unwrap_or(u32::MAX),
        })
        .collect())
}
