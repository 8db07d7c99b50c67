//! Favourites (courses and activities a person marked) and the lists they organise them in.
//! Only the person reads or writes them; every write first [`crate::consents::hold`]s the
//! `favourites` consent in its transaction and changes nothing without it.

use domain::consent::purposes::FAVOURITES;
use domain::{ActivityId, CourseId, OrganisationId, PersonId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Db, Result, StoreError, consents, now, with_conn};

/// One favourite, with what a list shows of its course or activity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Favourite {
    pub id: Uuid,
    pub organisation_id: OrganisationId,
    pub owner_slug: String,
    pub course_id: CourseId,
    pub course_title: String,
    pub activity_id: Option<ActivityId>,
    pub activity_title: Option<String>,
    pub created_at: OffsetDateTime,
    /// The lists it is in.
    pub lists: Vec<Uuid>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List {
    pub id: Uuid,
    pub name: String,
    pub created_at: OffsetDateTime,
}

type FavouriteRow = (
    Uuid,
    Uuid,
    String,
    Uuid,
    String,
    Option<Uuid>,
    Option<String>,
    OffsetDateTime,
);

/// The person's favourites, newest first, each with the lists it is in.
pub async fn all(db: &mut Db, person: PersonId) -> Result<Vec<Favourite>> {
    let rows: Vec<FavouriteRow> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT f.id, f.organisation_id, o.slug, f.course_id, c.title, f.activity_id, a.title, f.created_at \
         FROM favourites f \
         JOIN courses c ON c.organisation_id = f.organisation_id AND c.id = f.course_id \
         JOIN organisations o ON o.id = f.organisation_id \
         LEFT JOIN activities a ON a.organisation_id = f.organisation_id AND a.id = f.activity_id \
         WHERE f.person_id = $1 ORDER BY f.created_at DESC, f.id DESC"
    )
    .bind(person.0)
    .fetch_all(&mut *c)
    .await
    })?;
    let items: Vec<(Uuid, Uuid)> = with_conn!(db, |c| sqlx::query_as(
        "SELECT favourite_id, list_id FROM favourite_list_items WHERE person_id = $1"
    )
    .bind(person.0)
    .fetch_all(&mut *c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, org, slug, course, course_title, activity, activity_title, created_at)| {
                Favourite {
                    id,
                    organisation_id: OrganisationId(org),
                    owner_slug: slug,
                    course_id: CourseId(course),
                    course_title,
                    activity_id: activity.map(ActivityId),
                    activity_title,
                    created_at,
                    lists: items
                        .iter()
                        .filter(|(f, _)| *f == id)
                        .map(|(_, l)| *l)
                        .collect(),
                }
            },
        )
        .collect())
}

/// The favourite marking this course (no activity) or activity, if any.
pub async fn find(
    db: &mut Db,
    person: PersonId,
    org: OrganisationId,
    course: CourseId,
    activity: Option<ActivityId>,
) -> Result<Option<Uuid>> {
    Ok(with_conn!(db, |c| {
        sqlx::query_scalar(
        "SELECT id FROM favourites WHERE person_id = $1 AND organisation_id = $2 AND course_id = $3 \
         AND (($4 IS NULL AND activity_id IS NULL) OR activity_id = $4)"
    )
    .bind(person.0)
    .bind(org.0)
    .bind(course.0)
    .bind(activity.map(|a| a.0))
    .fetch_optional(&mut *c)
    .await
    })?)
}

/// Refuses unless the favourites consent stands (`consent_required`).
async fn held(db: &mut Db, person: PersonId) -> Result<()> {
    if consents::hold(db, person, FAVOURITES).await? {
        Ok(())
    } else {
        Err(StoreError::ConsentRequired(FAVOURITES))
    }
}

/// Marks a course or one of its activities (in the caller's transaction); marking it again
/// answers the favourite it already is.
pub async fn add(
    db: &mut Db,
    person: PersonId,
    org: OrganisationId,
    course: CourseId,
    activity: Option<ActivityId>,
) -> Result<Uuid> {
    held(db, person).await?;
    if let Some(id) = find(db, person, org, course, activity).await? {
        return Ok(id);
    }
    let id = Uuid::now_v7();
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO favourites (person_id, id, organisation_id, course_id, activity_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(person.0)
    .bind(id)
    .bind(org.0)
    .bind(course.0)
    .bind(activity.map(|a| a.0))
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(id)
}

/// Removes a favourite (and it from every list). `NotFound` for one that is not the person's.
pub async fn remove(db: &mut Db, person: PersonId, id: Uuid) -> Result<()> {
    with_conn!(db, |c| sqlx::query(
        "DELETE FROM favourite_list_items WHERE person_id = $1 AND favourite_id = $2"
    )
    .bind(person.0)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    let n = with_conn!(db, |c| sqlx::query(
        "DELETE FROM favourites WHERE person_id = $1 AND id = $2"
    )
    .bind(person.0)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The person's lists by name.
pub async fn lists(db: &mut Db, person: PersonId) -> Result<Vec<List>> {
    let rows: Vec<(Uuid, String, OffsetDateTime)> = with_conn!(db, |c| {
        sqlx::query_as(
        "SELECT id, name, created_at FROM favourite_lists WHERE person_id = $1 ORDER BY name, id"
    )
    .bind(person.0)
    .fetch_all(&mut *c)
    .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, name, created_at)| List {
            id,
            name,
            created_at,
        })
        .collect())
}

/// Makes a list; a name the person already uses is `name: already_exists`.
pub async fn create_list(db: &mut Db, person: PersonId, name: &str) -> Result<Uuid> {
    held(db, person).await?;
    let id = Uuid::now_v7();
    with_conn!(db, |c| sqlx::query(
        "INSERT INTO favourite_lists (person_id, id, name, created_at) VALUES ($1, $2, $3, $4)"
    )
    .bind(person.0)
    .bind(id)
    .bind(name)
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(StoreError::unique_as("name"))?;
    Ok(id)
}

pub async fn rename_list(db: &mut Db, person: PersonId, id: Uuid, name: &str) -> Result<()> {
    held(db, person).await?;
    let n = with_conn!(db, |c| sqlx::query(
        "UPDATE favourite_lists SET name = $3 WHERE person_id = $1 AND id = $2"
    )
    .bind(person.0)
    .bind(id)
    .bind(name)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(StoreError::unique_as("name"))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Deletes a list; its favourites stay favourites.
pub async fn delete_list(db: &mut Db, person: PersonId, id: Uuid) -> Result<()> {
    with_conn!(db, |c| sqlx::query(
        "DELETE FROM favourite_list_items WHERE person_id = $1 AND list_id = $2"
    )
    .bind(person.0)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    let n = with_conn!(db, |c| sqlx::query(
        "DELETE FROM favourite_lists WHERE person_id = $1 AND id = $2"
    )
    .bind(person.0)
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Puts one of the person's favourites in one of their lists (again: no change).
pub async fn add_to_list(db: &mut Db, person: PersonId, list: Uuid, favourite: Uuid) -> Result<()> {
    held(db, person).await?;
    let n = with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO favourite_list_items (person_id, list_id, favourite_id, added_at) \
         SELECT $1, l.id, f.id, $4 FROM favourite_lists l JOIN favourites f ON f.person_id = l.person_id \
         WHERE l.person_id = $1 AND l.id = $2 AND f.id = $3 \
         ON CONFLICT (person_id, list_id, favourite_id) DO NOTHING"
    )
    .bind(person.0)
    .bind(list)
    .bind(favourite)
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    if n == 0 {
        let both: i64 = with_conn!(db, |c| sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM favourite_lists WHERE person_id = $1 AND id = $2) \
                  + (SELECT COUNT(*) FROM favourites WHERE person_id = $1 AND id = $3)"
        )
        .bind(person.0)
        .bind(list)
        .bind(favourite)
        .fetch_one(&mut *c)
        .await)?;
        if both < 2 {
            return Err(StoreError::NotFound);
        }
    }
    Ok(())
}

pub async fn remove_from_list(
    db: &mut Db,
    person: PersonId,
    list: Uuid,
    favourite: Uuid,
) -> Result<()> {
    let n = with_conn!(db, |c| {
        sqlx::query(
        "DELETE FROM favourite_list_items WHERE person_id = $1 AND list_id = $2 AND favourite_id = $3"
    )
    .bind(person.0)
    .bind(list)
    .bind(favourite)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The favourite courses (not activities), for recommendations.
pub async fn courses(db: &mut Db, person: PersonId) -> Result<Vec<(OrganisationId, CourseId)>> {
    let rows: Vec<(Uuid, Uuid)> = with_conn!(db, |c| sqlx::query_as(
        "SELECT DISTINCT organisation_id, course_id FROM favourites WHERE person_id = $1"
    )
    .bind(person.0)
    .fetch_all(&mut *c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(o, c)| (OrganisationId(o), CourseId(c)))
        .collect())
}
