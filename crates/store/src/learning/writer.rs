//! Group commit for activity progress: every progress change goes to one writer task, which
//! takes all changes waiting at that moment, applies them in one transaction and answers each
//! only after the commit. Many small writes then cost one commit (SQLite has one writer at a
//! time anyway), and no change is acknowledged before it is durable.

use std::collections::HashMap;

use domain::{CourseId, OrganisationId};
use tokio::sync::{mpsc, oneshot};

use crate::learning::courses::Course;
use crate::learning::enrollments::{ProgressUpdate, Recorded, record_with, weights};
use crate::{Result, Store, StoreError};

/// At most this many changes share a transaction.
const BATCH: usize = 512;

struct Job {
    course: Course,
    update: ProgressUpdate,
    reply: oneshot::Sender<Result<Recorded>>,
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
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job {
                course: course.clone(),
                update,
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
            Err(_) => {
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
    let mut results = Vec::with_capacity(jobs.len());
    // A course's activities are read once per batch, not once per change.
    let mut weighed = HashMap::new();
    for job in jobs {
        let key: (OrganisationId, CourseId) = (job.course.organisation_id, job.course.id);
        if let std::collections::hash_map::Entry::Vacant(slot) = weighed.entry(key) {
            slot.insert(weights(&mut db, key.0, key.1).await?);
        }
        let w = weighed.get(&key).map(Vec::as_slice).unwrap_or_default();
        results.push(record_with(&mut db, &job.course, w, &job.update).await?);
    }
    db.commit().await?;
    Ok(results)
}
