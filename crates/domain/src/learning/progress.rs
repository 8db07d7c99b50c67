//! Progress through a course and when it counts as complete. Completion is decided from one
//! enrollment's progress (one row per activity), never from a course's whole history.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::ActivityId;
use crate::learning::course::CompletionRule;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressStatus {
    NotStarted,
    InProgress,
    Done,
    /// Cannot be done any more in this enrollment (a quiz's attempts are used up).
    Failed,
}

impl ProgressStatus {
    pub const ALL: [Self; 4] = [Self::NotStarted, Self::InProgress, Self::Done, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::InProgress => "in_progress",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or("invalid_choice")
    }
}

/// How someone came to take a course.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnrollmentSource {
    /// They enrolled themselves.
    SelfService,
    /// Their manager assigned it.
    Manager,
    /// An administrator enrolled them (one by one or by unit).
    Admin,
    /// A requirement of their organisation enrolled them.
    Requirement,
}

impl EnrollmentSource {
    pub const ALL: [Self; 4] = [
        Self::SelfService,
        Self::Manager,
        Self::Admin,
        Self::Requirement,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SelfService => "self",
            Self::Manager => "manager",
            Self::Admin => "admin",
            Self::Requirement => "requirement",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or("invalid_choice")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnrollmentStatus {
    Active,
    Completed,
    Withdrawn,
}

impl EnrollmentStatus {
    pub const ALL: [Self; 3] = [Self::Active, Self::Completed, Self::Withdrawn];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Completed => "completed",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or("invalid_choice")
    }
}

/// What completion needs to know of an activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ActivityWeight {
    pub id: ActivityId,
    pub required: bool,
    /// A quiz's points; `None` for other kinds.
    pub quiz_points: Option<u32>,
}

/// One activity's progress in one enrollment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ActivityProgress {
    pub activity: ActivityId,
    pub status: ProgressStatus,
    /// A quiz's best score.
    pub score: Option<u32>,
}

/// Where an enrollment stands against its course's completion rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CompletionState {
    pub required_done: u32,
    pub required_total: u32,
    pub quiz_points: u32,
    pub quiz_max_points: u32,
    pub complete: bool,
}

impl CompletionState {
    /// Percent of the required activities done (100 when none are required).
    pub fn percent_done(&self) -> u32 {
        (self.required_done * 100)
            .checked_div(self.required_total)
            .unwrap_or(100)
    }

    pub fn quiz_percent(&self) -> u32 {
        (self.quiz_points * 100)
            .checked_div(self.quiz_max_points)
            .unwrap_or(100)
    }
}

/// Evaluates the rule over one enrollment's progress.
pub fn evaluate(
    rule: CompletionRule,
    pass_mark: Option<u8>,
    activities: &[ActivityWeight],
    progress: &[ActivityProgress],
) -> CompletionState {
    let of = |id: ActivityId| progress.iter().find(|p| p.activity == id);
    let required: Vec<_> = activities.iter().filter(|a| a.required).collect();
    let required_done = required
        .iter()
        .filter(|a| of(a.id).is_some_and(|p| p.status == ProgressStatus::Done))
        .count() as u32;
    let quiz_max_points = activities.iter().filter_map(|a| a.quiz_points).sum();
    let quiz_points = activities
        .iter()
        .filter(|a| a.quiz_points.is_some())
        .filter_map(|a| of(a.id).and_then(|p| p.score))
        .sum();
    let mut state = CompletionState {
        required_done,
        required_total: required.len() as u32,
        quiz_points,
        quiz_max_points,
        complete: false,
    };
    let all_required = state.required_done == state.required_total;
    let pass = state.quiz_percent() >= u32::from(pass_mark.unwrap_or(0));
    state.complete = activities
        .iter()
        .any(|a| a.required || a.quiz_points.is_some())
        && (!rule.needs_all_required() || all_required)
        && (!rule.needs_pass_mark() || pass);
    state
}

/// `date` plus `months`, on the same day of the month or the month's last day.
pub fn add_months(date: Date, months: u32) -> Date {
    let total = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = Month::try_from(month0 as u8 + 1).unwrap_or(Month::December);
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, date.day().min(last)).unwrap_or(date)
}

/// When a certificate issued on `issued_on` expires, if it does.
pub fn certificate_expiry(issued_on: Date, validity_months: Option<u16>) -> Option<Date> {
    validity_months.map(|m| add_months(issued_on, u32::from(m)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn ids() -> [ActivityId; 3] {
        [ActivityId::new(), ActivityId::new(), ActivityId::new()]
    }

    #[test]
    fn all_required_completes_when_every_required_activity_is_done() {
        let [a, b, c] = ids();
        let acts = [
            ActivityWeight {
                id: a,
                required: true,
                quiz_points: None,
            },
            ActivityWeight {
                id: b,
                required: true,
                quiz_points: Some(10),
            },
            ActivityWeight {
                id: c,
                required: false,
                quiz_points: None,
            },
        ];
        let done = |id| ActivityProgress {
            activity: id,
            status: ProgressStatus::Done,
            score: Some(4),
        };
        let half = evaluate(CompletionRule::AllRequired, None, &acts, &[done(a)]);
        assert!(!half.complete);
        assert_eq!(half.percent_done(), 50);
        let full = evaluate(
            CompletionRule::AllRequired,
            None,
            &acts,
            &[done(a), done(b)],
        );
        assert!(full.complete);
        let both = evaluate(
            CompletionRule::AllRequiredAndPassMark,
            Some(50),
            &acts,
            &[done(a), done(b)],
        );
        assert!(!both.complete, "4 of 10 points is under the pass mark");
        assert_eq!(both.quiz_percent(), 40);
        let pass = evaluate(
            CompletionRule::PassMark,
            Some(40),
            &acts,
            &[ActivityProgress {
                activity: b,
                status: ProgressStatus::InProgress,
                score: Some(4),
            }],
        );
        assert!(pass.complete);
    }

    #[test]
    fn a_course_with_nothing_to_do_is_never_complete_by_itself() {
        assert!(!evaluate(CompletionRule::AllRequired, None, &[], &[]).complete);
    }

    #[test]
    fn months_are_added_to_the_same_day_or_the_last_of_the_month() {
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(add_months(date!(2024 - 02 - 29), 12), date!(2025 - 02 - 28));
        assert_eq!(add_months(date!(2026 - 11 - 15), 60), date!(2031 - 11 - 15));
        assert_eq!(certificate_expiry(date!(2026 - 06 - 01), None), None);
    }
}
