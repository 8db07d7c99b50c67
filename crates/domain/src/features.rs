//! Inputs of the features consents govern: favourite lists, course reviews and catalogue
//! searches (what is kept of a search). Each works only while its consent stands; the web
//! layer checks that before anything here runs.

use serde::{Deserialize, Serialize};

use crate::FieldErrors;
use crate::learning::course::flag;

/// The longest name of a favourite list.
pub const LIST_NAME_MAX: usize = 80;
/// The longest review.
pub const REVIEW_MAX: usize = 4000;
/// The most searches kept per person (the oldest go first), and for how many days.
pub const SEARCHES_KEPT: i64 = 20;
pub const SEARCH_DAYS: i64 = 90;
/// A shown review without the reviewer's name needs at least this many reviews of the course,
/// so that no reviewer can be singled out (k = 5, as for every other aggregate).
pub const ANONYMOUS_REVIEWS_FROM: usize = 5;

/// A favourite list's name as the person gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListInput {
    #[serde(default)]
    pub name: String,
}

impl ListInput {
    /// The trimmed name: required, at most [`LIST_NAME_MAX`] characters.
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let name = self.name.trim();
        if name.is_empty() {
            Err(FieldErrors::single("name", "required"))
        } else if name.chars().count() > LIST_NAME_MAX {
            Err(FieldErrors::single("name", "too_long"))
        } else {
            Ok(name.to_owned())
        }
    }
}

/// A review of a course as the person writes it (form or API).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewInput {
    /// 1 to 5.
    #[serde(default)]
    pub rating: String,
    /// Optional text.
    #[serde(default)]
    pub body: String,
    /// Show the reviewer's name with the review (a checkbox or flag: `on`, `true`); off by
    /// default.
    #[serde(default)]
    pub show_name: String,
}

/// A valid review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Review {
    pub rating: u8,
    pub body: String,
    pub show_name: bool,
}

impl ReviewInput {
    pub fn validate(&self) -> Result<Review, FieldErrors> {
        let mut errors = FieldErrors::new();
        let rating = match self.rating.trim() {
            "" => {
                errors.add("rating", "required");
                None
            }
            r => match r.parse::<u8>() {
                Ok(n @ 1..=5) => Some(n),
                _ => {
                    errors.add("rating", "invalid_rating");
                    None
                }
            },
        };
        let body = self.body.trim();
        if body.chars().count() > REVIEW_MAX {
            errors.add("body", "too_long");
        }
        match rating {
            Some(rating) if errors.is_empty() => Ok(Review {
                rating,
                body: body.to_owned(),
                show_name: flag(&self.show_name),
            }),
            _ => Err(errors),
        }
    }
}

/// A review as others see it: no person, no day; the name only where the reviewer chose it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedReview {
    pub rating: u8,
    pub body: String,
    pub author_name: Option<String>,
    /// `YYYY-MM` (a month, not a day, so that a review cannot be tied to when someone finished).
    pub month: String,
}

/// What a course's reviews show to someone other than their authors: the named ones always;
/// the anonymous ones and the average only from [`ANONYMOUS_REVIEWS_FROM`] reviews. Anonymous
/// reviews come in rating order (then text), not time order, so that the newest is not
/// recognisable as the latest participant's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ShownReviews {
    pub reviews: Vec<PublishedReview>,
    /// The number of reviews and their average rating, when there are enough.
    pub summary: Option<(usize, f64)>,
    /// Anonymous reviews withheld because there are too few reviews yet.
    pub withheld: usize,
}

pub fn shown_reviews(mut all: Vec<PublishedReview>) -> ShownReviews {
    let total = all.len();
    let enough = total >= ANONYMOUS_REVIEWS_FROM;
    let summary = enough.then(|| {
        let sum: u32 = all.iter().map(|r| u32::from(r.rating)).sum();
        (total, f64::from(sum) / total as f64)
    });
    let withheld = if enough {
        0
    } else {
        all.iter().filter(|r| r.author_name.is_none()).count()
    };
    all.retain(|r| enough || r.author_name.is_some());
    all.sort_by(|a, b| {
        b.rating
            .cmp(&a.rating)
            .then_with(|| a.body.cmp(&b.body))
            .then_with(|| a.author_name.cmp(&b.author_name))
    });
    for r in all.iter_mut().filter(|r| r.author_name.is_none()) {
        r.month.clear();
    }
    ShownReviews {
        reviews: all,
        summary,
        withheld,
    }
}

/// What is kept of a catalogue search: the words (trimmed, at most 200 characters) and filters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Search {
    pub query: String,
    pub language: String,
    pub tag: String,
}

impl Search {
    /// `None` when there is nothing worth remembering (no words and no filter).
    pub fn of(query: &str, language: &str, tag: &str) -> Option<Self> {
        let query: String = query
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(200)
            .collect();
        let language = language.trim().to_owned();
        let tag: String = tag.trim().to_lowercase().chars().take(100).collect();
        (!query.is_empty() || !language.is_empty() || !tag.is_empty()).then_some(Self {
            query,
            language,
            tag,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_names_are_required_and_short() {
        let name = |s: &str| ListInput { name: s.to_owned() }.validate();
        assert_eq!(name("  Til høsten "), Ok("Til høsten".into()));
        assert_eq!(name(" ").expect_err("refused").0[0].code, "required");
        assert_eq!(
            name(&"x".repeat(81)).expect_err("refused").0[0].code,
            "too_long"
        );
    }

    #[test]
    fn a_review_needs_a_rating_from_one_to_five_and_hides_the_name_by_default() {
        let r = ReviewInput {
            rating: "4".into(),
            body: " Nyttig ".into(),
            show_name: String::new(),
        }
        .validate()
        .expect("valid");
        assert_eq!(
            (r.rating, r.body.as_str(), r.show_name),
            (4, "Nyttig", false)
        );
        for bad in ["0", "6", "x", "3.5"] {
            let e = ReviewInput {
                rating: bad.into(),
                ..ReviewInput::default()
            }
            .validate()
            .expect_err("refused");
            assert_eq!(e.0[0].code, "invalid_rating", "{bad}");
        }
        let e = ReviewInput {
            body: "x".repeat(REVIEW_MAX + 1),
            ..ReviewInput::default()
        }
        .validate()
        .expect_err("refused");
        let codes: Vec<&str> = e.0.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["required", "too_long"]);
        let named = ReviewInput {
            rating: "5".into(),
            show_name: "on".into(),
            ..ReviewInput::default()
        };
        assert!(named.validate().expect("valid").show_name);
    }

    fn review(rating: u8, name: Option<&str>) -> PublishedReview {
        PublishedReview {
            rating,
            body: format!("r{rating}"),
            author_name: name.map(str::to_owned),
            month: "2026-12".into(),
        }
    }

    #[test]
    fn anonymous_reviews_and_the_average_wait_for_five_reviews() {
        let few = shown_reviews(vec![
            review(2, None),
            review(5, Some("Kari Nordmann")),
            review(4, None),
        ]);
        assert_eq!(few.summary, None);
        assert_eq!(few.withheld, 2);
        assert_eq!(few.reviews.len(), 1);
        assert_eq!(few.reviews[0].month, "2026-12");
        let enough = shown_reviews(vec![
            review(2, None),
            review(5, Some("Kari Nordmann")),
            review(4, None),
            review(3, None),
            review(1, None),
        ]);
        assert_eq!(enough.summary, Some((5, 3.0)));
        assert_eq!(enough.withheld, 0);
        let ratings: Vec<u8> = enough.reviews.iter().map(|r| r.rating).collect();
        assert_eq!(ratings, [5, 4, 3, 2, 1]);
        assert!(
            enough
                .reviews
                .iter()
                .filter(|r| r.author_name.is_none())
                .all(|r| r.month.is_empty())
        );
    }

    #[test]
    fn a_search_keeps_its_words_and_filters_only() {
        assert_eq!(Search::of("  ", "", " "), None);
        let s = Search::of("  brann   vern ", "nb", " HMS ").expect("kept");
        assert_eq!(
            (s.query.as_str(), s.language.as_str(), s.tag.as_str()),
            ("brann vern", "nb", "hms")
        );
        assert_eq!(
            Search::of(&"a".repeat(500), "", "")
                .expect("kept")
                .query
                .len(),
            200
        );
    }
}
