//! Setup reads straight from the benchmark's database (the load tool's own SQL, never the
//! server's): which course and activity each synthetic learner is enrolled in, and which
//! manager leads about 500 people. Nothing here runs while load is measured.

use std::collections::HashMap;

use anyhow::Context;
use store::{Store, with_conn};
use uuid::Uuid;

/// Where the database is: `--database-url`, else `--data-dir` (SQLite `tavle.db` in it).
#[derive(Clone, Debug, Default)]
pub struct Location {
    pub data_dir: Option<std::path::PathBuf>,
    pub database_url: Option<String>,
}

impl Location {
    pub fn given(&self) -> bool {
        self.data_dir.is_some() || self.database_url.is_some()
    }

    pub async fn open(&self) -> anyhow::Result<Store> {
        match (&self.database_url, &self.data_dir) {
            (Some(url), _) => Store::connect(url).await.context("cannot connect"),
            (None, Some(dir)) => {
                let path = dir.join("tavle.db");
                anyhow::ensure!(path.exists(), "no database at {}", path.display());
                Store::open_sqlite(&path)
                    .await
                    .with_context(|| format!("cannot open {}", path.display()))
            }
            (None, None) => anyhow::bail!("give --data-dir or --database-url"),
        }
    }
}

/// An active enrollment and one of its course's content pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Target {
    pub organisation: Uuid,
    pub course: Uuid,
    pub enrollment: Uuid,
    pub activity: Uuid,
}

/// For each e-mail address, an active enrollment of that person in the organisation `slug`
/// and the course's first content page (`None` when they have no active enrollment).
pub async fn targets_of(
    store: &Store,
    slug: &str,
    emails: &[String],
) -> anyhow::Result<Vec<Option<Target>>> {
    let mut db = store.conn().await?;
    let mut out = Vec::with_capacity(emails.len());
    for email in emails {
        let row: Option<(Uuid, Uuid, Uuid, Uuid)> = with_conn!(db, |c| {
            sqlx::query_as(
                "SELECT e.organisation_id, e.course_id, e.id, \
                   (SELECT a.id FROM activities a WHERE a.organisation_id = e.organisation_id \
                     AND a.course_id = e.course_id AND a.kind = 'content' ORDER BY a.position, a.id LIMIT 1) \
                 FROM enrollments e JOIN people p ON p.id = e.person_id \
                 JOIN organisations o ON o.id = e.organisation_id \
                 WHERE p.email = $1 AND o.slug = $2 AND e.status = 'active' \
                   AND EXISTS (SELECT 1 FROM activities a WHERE a.organisation_id = e.organisation_id \
                     AND a.course_id = e.course_id AND a.kind = 'content') \
                 ORDER BY e.id LIMIT 1",
            )
            .bind(email)
            .bind(slug)
            .fetch_optional(&mut *c)
            .await
        })?;
        out.push(
            row.map(|(organisation, course, enrollment, activity)| Target {
                organisation,
                course,
                enrollment,
                activity,
            }),
        );
    }
    Ok(out)
}

/// Up to `limit` active enrollments in `slug`, each with a content page of its course (one
/// per enrollment), for the writer benchmark.
pub async fn many_targets(store: &Store, slug: &str, limit: i64) -> anyhow::Result<Vec<Target>> {
    let mut db = store.conn().await?;
    let rows: Vec<(Uuid, Uuid, Uuid, Uuid)> = with_conn!(db, |c| {
        sqlx::query_as(
            "SELECT e.organisation_id, e.course_id, e.id, \
               (SELECT a.id FROM activities a WHERE a.organisation_id = e.organisation_id \
                 AND a.course_id = e.course_id AND a.kind = 'content' ORDER BY a.position, a.id LIMIT 1) AS activity \
             FROM enrollments e JOIN organisations o ON o.id = e.organisation_id \
             WHERE o.slug = $1 AND e.status = 'active' \
               AND EXISTS (SELECT 1 FROM activities a WHERE a.organisation_id = e.organisation_id \
                 AND a.course_id = e.course_id AND a.kind = 'content') \
             ORDER BY e.id LIMIT CAST($2 AS BIGINT)",
        )
        .bind(slug)
        .bind(limit)
        .fetch_all(&mut *c)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(organisation, course, enrollment, activity)| Target {
            organisation,
            course,
            enrollment,
            activity,
        })
        .collect())
}

/// Up to `limit` activities of the target's course, in order.
pub async fn activities_of(store: &Store, t: &Target, limit: usize) -> anyhow::Result<Vec<Uuid>> {
    let mut db = store.conn().await?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let ids: Vec<Uuid> = with_conn!(db, |c| {
        sqlx::query_scalar(
            "SELECT id FROM activities WHERE organisation_id = $1 AND course_id = $2 \
             ORDER BY position, id LIMIT CAST($3 AS BIGINT)",
        )
        .bind(t.organisation)
        .bind(t.course)
        .bind(limit)
        .fetch_all(&mut *c)
        .await
    })?;
    Ok(ids)
}

/// The time recorded on every progress row of the targets' (distinct) enrollments.
pub async fn seconds_in(store: &Store, targets: &[Option<Target>]) -> anyhow::Result<i64> {
    let mut enrollments: Vec<(Uuid, Uuid)> = targets
        .iter()
        .flatten()
        .map(|t| (t.organisation, t.enrollment))
        .collect();
    enrollments.sort_unstable();
    enrollments.dedup();
    let mut db = store.conn().await?;
    let mut total = 0;
    for (organisation, enrollment) in enrollments {
        let seconds: Option<i64> = with_conn!(db, |c| {
            sqlx::query_scalar(
                "SELECT CAST(SUM(time_spent_seconds) AS BIGINT) FROM activity_progress \
                 WHERE organisation_id = $1 AND enrollment_id = $2",
            )
            .bind(organisation)
            .bind(enrollment)
            .fetch_one(&mut *c)
            .await
        })?;
        total += seconds.unwrap_or(0);
    }
    Ok(total)
}

/// The seconds recorded on each target's progress row (0 when it has none).
pub async fn seconds_of(store: &Store, targets: &[Target]) -> anyhow::Result<HashMap<Target, i64>> {
    let mut db = store.conn().await?;
    let mut out = HashMap::with_capacity(targets.len());
    for t in targets {
        let seconds: Option<i64> = with_conn!(db, |c| {
            sqlx::query_scalar(
                "SELECT time_spent_seconds FROM activity_progress \
                 WHERE organisation_id = $1 AND enrollment_id = $2 AND activity_id = $3",
            )
            .bind(t.organisation)
            .bind(t.enrollment)
            .bind(t.activity)
            .fetch_optional(&mut *c)
            .await
        })?;
        out.insert(*t, seconds.unwrap_or(0));
    }
    Ok(out)
}

/// The e-mail of the member of `slug` whose people (direct and indirect) number closest to
/// `wanted`, and that number.
pub async fn manager_of_about(
    store: &Store,
    slug: &str,
    wanted: usize,
) -> anyhow::Result<(String, usize)> {
    let mut db = store.conn().await?;
    let rows: Vec<(Uuid, Option<Uuid>)> = with_conn!(db, |c| {
        sqlx::query_as(
            "SELECT m.person_id, m.manager_id FROM memberships m JOIN organisations o ON o.id = m.organisation_id \
             WHERE o.slug = $1 AND m.status <> 'ended'",
        )
        .bind(slug)
        .fetch_all(&mut *c)
        .await
    })?;
    let manager: HashMap<Uuid, Uuid> = rows
        .iter()
        .filter_map(|(p, m)| m.map(|m| (*p, m)))
        .collect();
    let mut led: HashMap<Uuid, usize> = HashMap::new();
    for (person, _) in &rows {
        let mut at = *person;
        let mut steps = 0;
        while let Some(m) = manager.get(&at) {
            *led.entry(*m).or_default() += 1;
            at = *m;
            steps += 1;
            if steps > 64 {
                break;
            }
        }
    }
    let (person, count) = led
        .into_iter()
        .min_by_key(|&(p, n)| (n.abs_diff(wanted), p))
        .context("nobody in the organisation manages anyone")?;
    let email: String = with_conn!(db, |c| {
        sqlx::query_scalar("SELECT email FROM people WHERE id = $1")
            .bind(person)
            .fetch_one(&mut *c)
            .await
    })?;
    Ok((email, count))
}
