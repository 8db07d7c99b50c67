//! A course's discussion: threads and replies. People edit and delete their own posts; a
//! deleted post that others replied to keeps its place without its text or author.

use domain::person::non_empty;
use domain::{CourseId, FieldErrors, OrganisationId, PersonId, PostId};
use uuid::Uuid;

use crate::{Db, Result, StoreError, now, with_conn};

fn text(field: &str, s: &str, max: usize) -> Result<String> {
    non_empty(s, max).map_err(|code| FieldErrors::single(field, code).into())
}

/// Starts a thread.
pub async fn create_thread(
    db: &mut Db,
    org: OrganisationId,
    course: CourseId,
    author: PersonId,
    title: &str,
    body: &str,
) -> Result<PostId> {
    let mut errors = FieldErrors::new();
    let title = errors.check("title", non_empty(title, 200));
    let body = errors.check("body", non_empty(body, 20_000));
    let (Some(title), Some(body)) = (title, body) else {
        return Err(errors.into());
    };
    let id = PostId::new();
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO discussion_posts (organisation_id, id, course_id, thread_id, author_id, title, body, created_at) \
         VALUES ($1, $2, $3, NULL, $4, $5, $6, $7)"
    )
    .bind(org.0)
    .bind(id.0)
    .bind(course.0)
    .bind(author.0)
    .bind(title)
    .bind(body)
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(id)
}

/// Replies in a thread of the course.
pub async fn reply(
    db: &mut Db,
    org: OrganisationId,
    course: CourseId,
    thread: PostId,
    author: PersonId,
    body: &str,
) -> Result<PostId> {
    let body = text("body", body, 20_000)?;
    let exists: Option<i32> = with_conn!(db, |c| {
        sqlx::query_scalar(
        "SELECT 1 FROM discussion_posts WHERE organisation_id = $1 AND course_id = $2 AND id = $3 AND thread_id IS NULL"
    )
    .bind(org.0)
    .bind(course.0)
    .bind(thread.0)
    .fetch_optional(&mut *c)
    .await
    })?;
    if exists.is_none() {
        return Err(StoreError::NotFound);
    }
    let id = PostId::new();
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO discussion_posts (organisation_id, id, course_id, thread_id, author_id, body, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    )
    .bind(org.0)
    .bind(id.0)
    .bind(course.0)
    .bind(thread.0)
    .bind(author.0)
    .bind(body)
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(id)
}

/// Changes the text of one's own post; another person's post is not found.
pub async fn edit(
    db: &mut Db,
    org: OrganisationId,
    course: CourseId,
    post: PostId,
    author: PersonId,
    body: &str,
) -> Result<()> {
    let body = text("body", body, 20_000)?;
    let done = with_conn!(db, |c| {
        sqlx::query(
        "UPDATE discussion_posts SET body = $5, edited_at = $6 WHERE organisation_id = $1 AND course_id = $2 \
         AND id = $3 AND author_id = $4 AND deleted_at IS NULL"
    )
    .bind(org.0)
    .bind(course.0)
    .bind(post.0)
    .bind(author.0)
    .bind(body)
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

/// Deletes one's own post: gone for good, unless it starts a thread others replied to, which
/// then keeps its place with neither text nor author.
pub async fn delete(
    db: &mut Db,
    org: OrganisationId,
    course: CourseId,
    post: PostId,
    author: PersonId,
) -> Result<()> {
    let replies: Option<i64> = with_conn!(db, |c| {
        sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM discussion_posts r WHERE r.organisation_id = p.organisation_id AND r.thread_id = p.id) \
         FROM discussion_posts p WHERE p.organisation_id = $1 AND p.course_id = $2 AND p.id = $3 AND p.author_id = $4"
    )
    .bind(org.0)
    .bind(course.0)
    .bind(post.0)
    .bind(author.0)
    .fetch_optional(&mut *c)
    .await
    })?;
    match replies {
        None => Err(StoreError::NotFound),
        Some(0) => {
            with_conn!(db, |c| sqlx::query(
                "DELETE FROM discussion_posts WHERE organisation_id = $1 AND id = $2"
            )
            .bind(org.0)
            .bind(post.0)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
            Ok(())
        }
        Some(_) => {
            with_conn!(db, |c| {
                sqlx::query(
                "UPDATE discussion_posts SET body = '', title = NULL, author_id = NULL, deleted_at = $3 \
                 WHERE organisation_id = $1 AND id = $2"
            )
            .bind(org.0)
            .bind(post.0)
            .bind(now())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
            })?;
            Ok(())
        }
    }
}

/// A thread's id for a post (itself when it starts one).
pub async fn thread_of(db: &mut Db, org: OrganisationId, post: PostId) -> Result<PostId> {
    let row: Option<Option<Uuid>> = with_conn!(db, |c| sqlx::query_scalar(
        "SELECT thread_id FROM discussion_posts WHERE organisation_id = $1 AND id = $2"
    )
    .bind(org.0)
    .bind(post.0)
    .fetch_optional(&mut *c)
    .await)?;
    match row {
        None => Err(StoreError::NotFound),
        Some(thread) => Ok(PostId(thread.unwrap_or(post.0))),
    }
}
