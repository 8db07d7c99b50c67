//! Group commit for activity progress: every progress change goes to one writer task, which
//! takes all changes waiting at that moment, applies them in one transaction and answers each
//! only after the commit. Many small writes then cost one commit (SQLite has one writer at a
//! time anyway), and no change is acknowledged before it is durable.

use std::collections::HashMap;

use domain::learning::progress::{
    ActivityProgress, ActivityWeight, CompletionState, EnrollmentStatus, ProgressStatus, evaluate,
};
use domain::{ActivityId, CourseId, EnrollmentId, OrganisationId};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::learning::courses::Course;
use crate::learning::enrollments::{
    PROGRESS_UPSERT, ProgressUpdate, Recorded, recompute, record_with, weights,
};
use crate::{
    Conn, Db, FieldErrors, Result, Store, StoreError, json_rows, now, stored, with_conn,
    with_dialect,
};

/// At most this many changes share a transaction (larger batches spread the commit over more
/// changes: 10,300 writes/s at 1,024 against 9,800 at 512, measured in `bench/README.md`).
const BATCH: usize = 1024;

/// One caller's changes: one or more, all to one enrollment and each to a different activity
/// (they go in together and the caller is answered with the completion after the last).
struct Job {
    course: Course,
    updates: Vec<ProgressUpdate>,
    reply: oneshot::Sender<Result<Recorded>>,
}

impl Job {
    fn key(&self) -> (OrganisationId, EnrollmentId) {
        let u = &self.updates[0];
        (u.organisation_id, u.enrollment_id)
    }

    fn seconds(&self) -> i64 {
        self.updates.iter().map(|u| i64::from(u.seconds)).sum()
    }
}

/// The handle to the writer task (cheap to clone).
#[derive(Clone)]
pub struct ProgressWriter {
    jobs: mpsc::Sender<Job>,
}

impl ProgressWriter {
    /// Starts the writer on the current runtime.
    pub fn spawn(store: Store) -> Self {
        let (jobs, rx) = mpsc::channel(4 * BATCH);
        tokio::spawn(run(store, rx));
        Self { jobs }
    }

    /// Records one change; returns once it is committed.
    pub async fn record(&self, course: &Course, update: ProgressUpdate) -> Result<Recorded> {
        self.record_all(course, vec![update]).await
    }

    /// Records several changes to one enrollment together (a client sending what it queued);
    /// returns the completion after all of them, once they are committed. Each change must be
    /// to a different activity of that enrollment, and there must be at least one.
    pub async fn record_all(
        &self,
        course: &Course,
        updates: Vec<ProgressUpdate>,
    ) -> Result<Recorded> {
        let Some(first) = updates.first() else {
            return Err(FieldErrors::single("changes", "required").into());
        };
        let one_enrollment = updates.iter().all(|u| {
            u.organisation_id == first.organisation_id && u.enrollment_id == first.enrollment_id
        });
        let mut activities: Vec<ActivityId> = updates.iter().map(|u| u.activity_id).collect();
        activities.sort_unstable_by_key(|a| a.0);
        activities.dedup();
        if !one_enrollment || activities.len() != updates.len() {
            return Err(FieldErrors::single("changes", "duplicate_activity").into());
        }
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job {
                course: course.clone(),
                updates,
                reply,
            })
            .await
            .map_err(|_| StoreError::Unavailable)?;
        answer.await.map_err(|_| StoreError::Unavailable)?
    }
}

async fn run(store: Store, mut rx: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(BATCH);
    while let Some(first) = rx.recv().await {
        batch.push(first);
        while batch.len() < BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let jobs = std::mem::take(&mut batch);
        match apply(&store, &jobs).await {
            Ok(results) => {
                for (job, result) in jobs.into_iter().zip(results) {
                    let _ = job.reply.send(Ok(result));
                }
            }
            // Something in the batch failed (and rolled it all back): each change again on its
            // own, so that one bad change fails alone.
            Err(e) => {
                tracing::debug!(error = %e, changes = jobs.len(), "progress batch failed; applying its changes one by one");
                for job in jobs {
                    let result = apply(&store, std::slice::from_ref(&job))
                        .await
                        .map(|mut r| r.remove(0));
                    let _ = job.reply.send(result);
                }
            }
        }
    }
}

async fn apply(store: &Store, jobs: &[Job]) -> Result<Vec<Recorded>> {
    let mut db = store.begin().await?;
    // The courses' activities are read once per batch (one query per organisation), not once
    // per change.
    let weighed = if jobs.len() == 1 {
        let course = &jobs[0].course;
        let w = weights(&mut db, course.organisation_id, course.id).await?;
        HashMap::from([((course.organisation_id, course.id), w)])
    } else {
        weights_of(&mut db, jobs).await?
    };
    // Changes to distinct enrollments go in together (a few statements for many changes). A
    // second change to an enrollment goes in a later round, so that it sees the one before,
    // as it would one by one.
    let results = if let [job] = jobs
        && let [update] = job.updates.as_slice()
    {
        let key = (job.course.organisation_id, job.course.id);
        let w = weighed.get(&key).map(Vec::as_slice).unwrap_or_default();
        vec![record_with(&mut db, &job.course, w, update).await?]
    } else {
        let mut rounds: Vec<Vec<usize>> = Vec::new();
        let mut seen: HashMap<(OrganisationId, EnrollmentId), usize> = HashMap::new();
        for (i, job) in jobs.iter().enumerate() {
            let n = seen.entry(job.key()).or_insert(0);
            if rounds.len() <= *n {
                rounds.push(Vec::new());
            }
            rounds[*n].push(i);
            *n += 1;
        }
        let mut results: Vec<Option<Recorded>> = vec![None; jobs.len()];
        for round in rounds {
            let these: Vec<&Job> = round.iter().map(|&i| &jobs[i]).collect();
            for (i, r) in round
                .into_iter()
                .zip(apply_together(&mut db, &these, &weighed).await?)
            {
                results[i] = Some(r);
            }
        }
        results.into_iter().flatten().collect()
    };
    db.commit().await?;
    Ok(results)
}

/// The activity weights of every course the jobs touch, in one query per organisation.
async fn weights_of(
    db: &mut Db,
    jobs: &[Job],
) -> Result<HashMap<(OrganisationId, CourseId), Vec<ActivityWeight>>> {
    let mut courses: HashMap<OrganisationId, Vec<CourseId>> = HashMap::new();
    for job in jobs {
        let list = courses.entry(job.course.organisation_id).or_default();
        if !list.contains(&job.course.id) {
            list.push(job.course.id);
        }
    }
    let mut out: HashMap<(OrganisationId, CourseId), Vec<ActivityWeight>> = HashMap::new();
    for (org, ids) in courses {
        for id in &ids {
            out.insert((org, *id), Vec::new());
        }
        for chunk in ids.chunks(ROWS) {
            let rows: Vec<(Uuid, Uuid, i32, Option<i32>)> = with_conn!(db, |c| {
                let mut q = sqlx::QueryBuilder::new(
                    "SELECT course_id, id, required, quiz_points FROM activities WHERE organisation_id = ",
                );
                q.push_bind(org.0).push(" AND course_id IN (");
                let mut list = q.separated(", ");
                for id in chunk {
                    list.push_bind(id.0);
                }
                q.push(")");
                q.build_query_as().fetch_all(&mut *c).await
            })?;
            for (course, id, required, points) in rows {
                if let Some(list) = out.get_mut(&(org, CourseId(course))) {
                    list.push(ActivityWeight {
                        id: ActivityId(id),
                        required: required != 0,
                        quiz_points: points.and_then(|p| u32::try_from(p).ok()),
                    });
                }
            }
        }
    }
    Ok(out)
}

/// Rows per statement: ten bound values a row, well under both backends' limits.
const ROWS: usize = 500;

/// Applies changes to distinct enrollments with the same effect as [`record_with`] one by one:
/// all progress rows in multi-row upserts, the enrollments and their progress read back in
/// one query each, completion evaluated here, the enrollments' counters written in one
/// statement (PostgreSQL) or one cached statement each (SQLite). An enrollment completed by its change then takes the one-by-one path
/// (`recompute`), which marks it and issues its certificates.
async fn apply_together(
    db: &mut Db,
    jobs: &[&Job],
    weighed: &HashMap<(OrganisationId, CourseId), Vec<ActivityWeight>>,
) -> Result<Vec<Recorded>> {
    let at = now();
    let updates: Vec<&ProgressUpdate> = jobs.iter().flat_map(|j| &j.updates).collect();
    for chunk in updates.chunks(ROWS) {
        with_conn!(db, |c| {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO activity_progress (organisation_id, enrollment_id, activity_id, status, score, max_score, \
                 attempts, time_spent_seconds, completed_at, updated_at) ",
            );
            q.push_values(chunk, |mut b, u| {
                let (score, max) = match u.score {
                    Some((s, m)) => (Some(i64::from(s)), Some(i64::from(m))),
                    None => (None, None),
                };
                b.push_bind(u.organisation_id.0)
                    .push_bind(u.enrollment_id.0)
                    .push_bind(u.activity_id.0)
                    .push_bind(u.status.as_str())
                    .push_bind(score)
                    .push_bind(max)
                    .push_bind(i32::from(u.attempt))
                    .push_bind(i64::from(u.seconds))
                    .push_bind((u.status == ProgressStatus::Done).then_some(at))
                    .push_bind(at);
            });
            q.push(PROGRESS_UPSERT);
            q.build().execute(&mut *c).await.map(|r| r.rows_affected())
        })?;
    }
    // The enrollments and their progress, after the changes.
    let mut by_org: HashMap<OrganisationId, Vec<EnrollmentId>> = HashMap::new();
    for job in jobs {
        let (org, enrollment) = job.key();
        by_org.entry(org).or_default().push(enrollment);
    }
    let mut status: HashMap<EnrollmentId, String> = HashMap::new();
    let mut progress: HashMap<EnrollmentId, Vec<ActivityProgress>> = HashMap::new();
    for (org, ids) in &by_org {
        for chunk in ids.chunks(ROWS) {
            let json: String = with_dialect!(db,
                sqlite: "SELECT json_group_array(json_array(hex(id), status)) FROM enrollments WHERE organisation_id = ",
                postgres: "SELECT COALESCE(json_agg(json_build_array(id, status)), '[]')::text FROM enrollments WHERE organisation_id = ",
                |c, sql| {
                    let mut q = sqlx::QueryBuilder::new(sql);
                    q.push_bind(org.0).push(" AND id IN (");
                    let mut list = q.separated(", ");
                    for id in chunk {
                        list.push_bind(id.0);
                    }
                    q.push(")");
                    q.build_query_scalar().fetch_one(&mut *c).await
                }
            )?;
            for (id, st) in json_rows::<(Uuid, String)>(&json, "enrollments")? {
                status.insert(EnrollmentId(id), st);
            }
            let json: String = with_dialect!(db,
                sqlite: "SELECT json_group_array(json_array(hex(enrollment_id), hex(activity_id), status, score)) \
                         FROM activity_progress WHERE organisation_id = ",
                postgres: "SELECT COALESCE(json_agg(json_build_array(enrollment_id, activity_id, status, score)), '[]')::text \
                           FROM activity_progress WHERE organisation_id = ",
                |c, sql| {
                    let mut q = sqlx::QueryBuilder::new(sql);
                    q.push_bind(org.0).push(" AND enrollment_id IN (");
                    let mut list = q.separated(", ");
                    for id in chunk {
                        list.push_bind(id.0);
                    }
                    q.push(")");
                    q.build_query_scalar().fetch_one(&mut *c).await
                }
            )?;
            for (e, a, st, score) in
                json_rows::<(Uuid, Uuid, String, Option<i64>)>(&json, "activity_progress")?
            {
                progress
                    .entry(EnrollmentId(e))
                    .or_default()
                    .push(ActivityProgress {
                        activity: ActivityId(a),
                        status: stored(ProgressStatus::parse(&st), "activity_progress.status")?,
                        score: score.and_then(|s| u32::try_from(s).ok()),
                    });
            }
        }
    }
    // Completion of each, as `recompute` works it out.
    let mut states = Vec::with_capacity(jobs.len());
    for job in jobs {
        let course = &job.course;
        let (_, e) = job.key();
        let Some(st) = status.get(&e) else {
            // As `recompute` would: the whole batch then goes again change by change.
            return Err(StoreError::NotFound);
        };
        let st = stored(EnrollmentStatus::parse(st), "enrollments.status")?;
        let w = weighed
            .get(&(course.organisation_id, course.id))
            .map(Vec::as_slice)
            .unwrap_or_default();
        let p = progress.get(&e).map(Vec::as_slice).unwrap_or_default();
        let state = evaluate(
            course.settings.completion_rule,
            course.settings.pass_mark,
            w,
            p,
        );
        states.push((state, state.complete && st == EnrollmentStatus::Active));
    }
    // The enrollments' counters: on PostgreSQL one statement per organisation; on SQLite one
    // (prepared once) per enrollment, as its `UPDATE … FROM` was planned as a scan.
    for org in by_org.keys() {
        let rows: Vec<(&Job, &(CompletionState, bool))> = jobs
            .iter()
            .copied()
            .zip(&states)
            .filter(|(j, _)| j.key().0 == *org)
            .collect();
        match db.conn() {
            Conn::Postgres(c) => {
                for chunk in rows.chunks(ROWS) {
                    let mut q = sqlx::QueryBuilder::new("WITH v (id, done, total, secs, at) AS (");
                    q.push_values(chunk, |mut b, (job, (state, _))| {
                        b.push_bind(job.key().1.0)
                            .push_bind(state.required_done as i32)
                            .push_bind(state.required_total as i32)
                            .push_bind(job.seconds())
                            .push_bind(at);
                    });
                    q.push(
                        ") UPDATE enrollments SET required_done = v.done, required_total = v.total, \
                         time_spent_seconds = enrollments.time_spent_seconds + v.secs, last_activity_at = v.at \
                         FROM v WHERE enrollments.organisation_id = ",
                    )
                    .push_bind(org.0)
                    .push(" AND enrollments.id = v.id");
                    q.build().execute(&mut *c).await?;
                }
            }
            Conn::Sqlite(c) => {
                for (job, (state, _)) in rows {
                    sqlx::query(
                        "UPDATE enrollments SET required_done = $3, required_total = $4, \
                         time_spent_seconds = time_spent_seconds + $5, last_activity_at = $6 \
                         WHERE organisation_id = $1 AND id = $2",
                    )
                    .bind(org.0)
                    .bind(job.key().1.0)
                    .bind(state.required_done as i32)
                    .bind(state.required_total as i32)
                    .bind(job.seconds())
                    .bind(at)
                    .execute(&mut *c)
                    .await?;
                }
            }
        }
    }
    let mut results = Vec::with_capacity(jobs.len());
    for (job, (state, completes)) in jobs.iter().zip(states) {
        if completes {
            let key = (job.course.organisation_id, job.course.id);
            let w = weighed.get(&key).map(Vec::as_slice).unwrap_or_default();
            results.push(recompute(db, &job.course, w, job.key().1, 0).await?);
        } else {
            results.push(Recorded {
                state,
                completed_now: false,
                certificate: None,
            });
        }
    }
    Ok(results)
}
