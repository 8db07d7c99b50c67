//! Course recommendations, worked out when shown and never stored (only while the person's
//! `recommendations` consent stands; the caller checks).
//!
//! Inputs are the person's own history (courses taken, favourites, recent searches, each only
//! where its consent stands) and anonymous aggregates of others: how many people who took one
//! course also took another ([`CoTaken`]). Aggregates of fewer than [`MIN_GROUP`] people are
//! dropped here whatever the caller passes (PRIVACY-DOMAIN R27, k = 5), and no count, id or
//! name of anyone else reaches the output: a [`Recommendation`] names a course and a reason in
//! terms of the person's own history.

use std::collections::HashSet;

use crate::CourseId;
use crate::learning::course::matches_search;

/// The smallest group of other people an aggregate may come from.
pub const MIN_GROUP: u32 = 5;

/// How many recommendations are shown.
pub const LIMIT: usize = 5;

/// A course the person may find in the catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub id: CourseId,
    pub title: String,
    pub tags: Vec<String>,
    /// Title, summary and tags, for matching searches.
    pub text: String,
}

/// A course of the person's own history, with what a reason needs to name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Known {
    pub id: CourseId,
    pub title: String,
    pub tags: Vec<String>,
}

/// The person's own history.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    /// Courses the person is or was enrolled in (not withdrawn).
    pub taken: Vec<Known>,
    /// Favourite courses (empty unless the favourites consent stands).
    pub favourites: Vec<Known>,
    /// Recent search words, newest first (empty unless the search-history consent stands).
    pub searches: Vec<String>,
}

/// Among other people who consented, `people` took both `taken` and `also`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CoTaken {
    pub taken: CourseId,
    pub also: CourseId,
    pub people: u32,
}

/// Why a course is suggested, in terms of the person's own history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// Many people who took `course` (one of yours) also took this one.
    PopularAfter { course: String },
    /// It shares a topic with your favourite `course`.
    LikeFavourite { course: String },
    /// It matches your recent search `query`.
    Search { query: String },
    /// It is about `tag`, like courses you took.
    Topic { tag: String },
}

impl Reason {
    /// Which reason wins a tie (the most specific first).
    fn rank(&self) -> u8 {
        match self {
            Self::PopularAfter { .. } => 0,
            Self::LikeFavourite { .. } => 1,
            Self::Search { .. } => 2,
            Self::Topic { .. } => 3,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recommendation {
    pub course: CourseId,
    pub title: String,
    pub reason: Reason,
}

/// The aggregates that may be used: groups of at least [`MIN_GROUP`] people.
pub fn suppress(aggregates: &[CoTaken]) -> impl Iterator<Item = &CoTaken> {
    aggregates.iter().filter(|a| a.people >= MIN_GROUP)
}

/// At most `limit` courses for the person, best first: never one they took or marked as a
/// favourite, each with the reason that weighed most. Cheap: one pass over the candidates.
pub fn recommend(
    history: &History,
    candidates: &[Candidate],
    aggregates: &[CoTaken],
    limit: usize,
) -> Vec<Recommendation> {
    let mine: HashSet<CourseId> = history
        .taken
        .iter()
        .chain(&history.favourites)
        .map(|k| k.id)
        .collect();
    let usable: Vec<&CoTaken> = suppress(aggregates)
        .filter(|a| history.taken.iter().any(|k| k.id == a.taken))
        .collect();
    let title_of = |id: CourseId| {
        history
            .taken
            .iter()
            .find(|k| k.id == id)
            .map(|k| k.title.clone())
            .unwrap_or_default()
    };
    let searches: Vec<&String> = history
        .searches
        .iter()
        .filter(|q| !q.trim().is_empty())
        .collect();
    let mut scored: Vec<(u32, Recommendation)> = Vec::new();
    for c in candidates.iter().filter(|c| !mine.contains(&c.id)) {
        // Every component that applies, as (weight, reason); the heaviest names the reason.
        let mut parts: Vec<(u32, Reason)> = Vec::new();
        if let Some(best) = usable
            .iter()
            .filter(|a| a.also == c.id)
            .max_by_key(|a| (a.people, std::cmp::Reverse(a.taken)))
        {
            let groups = usable.iter().filter(|a| a.also == c.id).count() as u32;
            parts.push((
                30 + best.people.min(50) + 10 * (groups - 1),
                Reason::PopularAfter {
                    course: title_of(best.taken),
                },
            ));
        }
        let shared = |k: &Known| c.tags.iter().filter(|t| k.tags.contains(t)).count() as u32;
        if let Some((n, fav)) = history
            .favourites
            .iter()
            .map(|k| (shared(k), k))
            .filter(|(n, _)| *n > 0)
            .max_by_key(|(n, _)| *n)
        {
            parts.push((
                20 * n.min(3),
                Reason::LikeFavourite {
                    course: fav.title.clone(),
                },
            ));
        }
        if let Some(q) = searches.iter().find(|q| matches_search(&c.text, q)) {
            parts.push((
                15,
                Reason::Search {
                    query: (*q).clone(),
                },
            ));
        }
        let topics: Vec<(&String, u32)> = c
            .tags
            .iter()
            .map(|t| {
                (
                    t,
                    history.taken.iter().filter(|k| k.tags.contains(t)).count() as u32,
                )
            })
            .filter(|(_, n)| *n > 0)
            .collect();
        if let Some((tag, _)) = topics
            .iter()
            .max_by_key(|(t, n)| (*n, std::cmp::Reverse(*t)))
        {
            let total: u32 = topics.iter().map(|(_, n)| n).sum();
            parts.push((
                10 * total.min(3),
                Reason::Topic {
                    tag: (*tag).clone(),
                },
            ));
        }
        let score: u32 = parts.iter().map(|(w, _)| w).sum();
        if let Some((_, reason)) = parts
            .into_iter()
            .max_by_key(|(w, r)| (*w, std::cmp::Reverse(r.rank())))
        {
            scored.push((
                score,
                Recommendation {
                    course: c.id,
                    title: c.title.clone(),
                    reason,
                },
            ));
        }
    }
    scored.sort_by(|(a, x), (b, y)| {
        b.cmp(a)
            .then_with(|| x.title.cmp(&y.title))
            .then_with(|| x.course.cmp(&y.course))
    });
    scored.into_iter().take(limit).map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course(title: &str, tags: &[&str]) -> Candidate {
        Candidate {
            id: CourseId::new(),
            title: title.into(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            text: format!("{title} {}", tags.join(" ")).to_lowercase(),
        }
    }

    fn known(c: &Candidate) -> Known {
        Known {
            id: c.id,
            title: c.title.clone(),
            tags: c.tags.clone(),
        }
    }

    #[test]
    fn groups_of_fewer_than_five_people_are_never_used() {
        let first_aid = course("Førstehjelp", &[]);
        let fire = course("Brannvern", &[]);
        let history = History {
            taken: vec![known(&first_aid)],
            ..History::default()
        };
        let all = [first_aid.clone(), fire.clone()];
        for people in 1..MIN_GROUP {
            let agg = [CoTaken {
                taken: first_aid.id,
                also: fire.id,
                people,
            }];
            assert!(
                recommend(&history, &all, &agg, LIMIT).is_empty(),
                "{people}"
            );
        }
        let agg = [CoTaken {
            taken: first_aid.id,
            also: fire.id,
            people: MIN_GROUP,
        }];
        let r = recommend(&history, &all, &agg, LIMIT);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].course, fire.id);
        assert_eq!(
            r[0].reason,
            Reason::PopularAfter {
                course: "Førstehjelp".into()
            }
        );
    }

    #[test]
    fn aggregates_about_courses_the_person_did_not_take_are_ignored() {
        let a = course("A", &[]);
        let b = course("B", &[]);
        let c = course("C", &[]);
        let history = History {
            taken: vec![known(&a)],
            ..History::default()
        };
        let agg = [CoTaken {
            taken: b.id,
            also: c.id,
            people: 40,
        }];
        assert!(recommend(&history, &[a, b, c], &agg, LIMIT).is_empty());
    }

    #[test]
    fn nothing_taken_or_favourited_is_suggested_and_each_reason_comes_from_the_persons_history() {
        let gdpr = course("Personvern", &["personvern", "gdpr"]);
        let security = course("Informasjonssikkerhet", &["sikkerhet", "personvern"]);
        let fire = course("Brannvern", &["hms"]);
        let hms = course("HMS for ledere", &["hms", "ledelse"]);
        let excel = course("Regneark", &["kontor"]);
        let history = History {
            taken: vec![known(&gdpr)],
            favourites: vec![known(&fire)],
            searches: vec!["regneark".into()],
        };
        let all = [
            gdpr.clone(),
            security.clone(),
            fire.clone(),
            hms.clone(),
            excel.clone(),
        ];
        let r = recommend(&history, &all, &[], LIMIT);
        let ids: Vec<CourseId> = r.iter().map(|x| x.course).collect();
        assert!(!ids.contains(&gdpr.id) && !ids.contains(&fire.id));
        let reason = |id| &r.iter().find(|x| x.course == id).expect("shown").reason;
        assert_eq!(
            reason(hms.id),
            &Reason::LikeFavourite {
                course: "Brannvern".into()
            }
        );
        assert_eq!(
            reason(excel.id),
            &Reason::Search {
                query: "regneark".into()
            }
        );
        assert_eq!(
            reason(security.id),
            &Reason::Topic {
                tag: "personvern".into()
            }
        );
    }

    #[test]
    fn popular_courses_rank_first_and_the_list_is_limited() {
        let taken = course("Grunnkurs", &["x"]);
        let others: Vec<Candidate> = (0..8).map(|i| course(&format!("K{i}"), &["x"])).collect();
        let mut all = vec![taken.clone()];
        all.extend(others.clone());
        let agg = [CoTaken {
            taken: taken.id,
            also: others[7].id,
            people: 12,
        }];
        let history = History {
            taken: vec![known(&taken)],
            ..History::default()
        };
        let r = recommend(&history, &all, &agg, LIMIT);
        assert_eq!(r.len(), LIMIT);
        assert_eq!(r[0].course, others[7].id);
        // The rest tie on topic and come by title.
        assert_eq!(r[1].title, "K0");
    }

    #[test]
    fn no_history_gives_no_recommendations() {
        let all = [course("A", &["x"]), course("B", &["y"])];
        assert!(recommend(&History::default(), &all, &[], LIMIT).is_empty());
    }
}
