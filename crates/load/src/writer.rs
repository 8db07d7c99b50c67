//! `--scenario writer`: the group-commit progress writer (`store::learning::writer`) on its
//! own, without HTTP: `concurrency` tasks record progress on distinct enrollments for a fixed
//! time; then every acknowledged write is checked to be in the database.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use domain::learning::progress::ProgressStatus;
use domain::{ActivityId, CourseId, EnrollmentId, OrganisationId};
use store::learning::enrollments::ProgressUpdate;
use store::learning::writer::ProgressWriter;

use crate::db::{Location, Target};
use crate::{histogram, summary};

pub struct Options {
    pub org: String,
    pub concurrency: usize,
    pub duration: u64,
    /// Enrollments to spread the writes over.
    pub targets: i64,
}

pub async fn run(location: &Location, o: &Options) -> anyhow::Result<()> {
    let store = location.open().await?;
    let targets = crate::db::many_targets(&store, &o.org, o.targets).await?;
    anyhow::ensure!(
        !targets.is_empty(),
        "no active enrollments in {} (run `tavle dataset` first)",
        o.org
    );
    let mut courses = HashMap::new();
    {
        let mut db = store.conn().await?;
        for t in &targets {
            if let std::collections::hash_map::Entry::Vacant(slot) = courses.entry(t.course) {
                let course = store::learning::courses::get(
                    &mut db,
                    OrganisationId(t.organisation),
                    CourseId(t.course),
                )
                .await
                .context("course of a target")?;
                slot.insert(course);
            }
        }
    }
    let before = crate::db::seconds_of(&store, &targets).await?;
    let writer = ProgressWriter::spawn(store.clone());
    let warmup = Duration::from_secs(2);
    let measure = Duration::from_secs(o.duration);
    let start = Instant::now();
    let courses = std::sync::Arc::new(courses);
    let targets = std::sync::Arc::new(targets);
    let mut tasks = Vec::new();
    for w in 0..o.concurrency {
        let (writer, courses, targets) = (writer.clone(), courses.clone(), targets.clone());
        let concurrency = o.concurrency;
        tasks.push(tokio::spawn(async move {
            let mut h = histogram();
            let mut acked: HashMap<Target, i64> = HashMap::new();
            let mut errors = 0u64;
            // Each task has its own targets (w, w + concurrency, …), in turn.
            let mut i = w;
            loop {
                let elapsed = start.elapsed();
                if elapsed >= warmup + measure {
                    break;
                }
                let t = targets[i % targets.len()];
                i += concurrency;
                let Some(course) = courses.get(&t.course) else {
                    continue;
                };
                let update = ProgressUpdate {
                    organisation_id: OrganisationId(t.organisation),
                    enrollment_id: EnrollmentId(t.enrollment),
                    activity_id: ActivityId(t.activity),
                    status: ProgressStatus::InProgress,
                    score: None,
                    attempt: false,
                    seconds: 1,
                };
                let began = Instant::now();
                match writer.record(course, update).await {
                    Ok(_) => {
                        // Every acknowledged write counts, warm-up included, for the check.
                        *acked.entry(t).or_default() += 1;
                        if elapsed >= warmup {
                            h.record(began.elapsed().as_micros() as u64).ok();
                        }
                    }
                    Err(_) => errors += 1,
                }
            }
            (h, acked, errors)
        }));
    }
    let mut all = histogram();
    let mut acked: HashMap<Target, i64> = HashMap::new();
    let mut errors = 0;
    for task in tasks {
        let (h, a, e) = task.await?;
        all.add(&h).ok();
        for (t, n) in a {
            *acked.entry(t).or_default() += n;
        }
        errors += e;
    }
    drop(writer);
    let seconds = measure.as_secs_f64();
    println!(
        "scenario writer: {} tasks over {} enrollments, {:.0} s measured after {} s warm-up ({:?})",
        o.concurrency,
        before.len(),
        seconds,
        warmup.as_secs(),
        store.backend()
    );
    println!(
        "throughput: {:.0} acknowledged writes/s ({} writes measured, {} errors)",
        all.len() as f64 / seconds,
        all.len(),
        errors
    );
    println!("{}", summary("write latency (until committed)", &all));
    // Every acknowledged write is in the database: each target's seconds grew by exactly its
    // acknowledged writes (one second each).
    let check: Vec<Target> = acked.keys().copied().collect();
    let after = crate::db::seconds_of(&store, &check).await?;
    let mut missing = 0i64;
    let mut total = 0i64;
    for (t, n) in &acked {
        total += n;
        let grew = after.get(t).copied().unwrap_or(0) - before.get(t).copied().unwrap_or(0);
        if grew != *n {
            missing += (n - grew).abs();
        }
    }
    println!("durability: {total} acknowledged writes, {missing} missing or extra in the database");
    anyhow::ensure!(
        missing == 0,
        "{missing} acknowledged writes are not in the database"
    );
    if errors > 0 {
        anyhow::bail!("{errors} writes failed");
    }
    Ok(())
}
