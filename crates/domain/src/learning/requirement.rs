//! Requirements: training an organisation requires of its people (everyone, a unit with its
//! sub-units, or a position), and each person's standing against one.

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use crate::learning::course::optional_number;
use crate::learning::progress::add_months;
use crate::org::optional_text;
use crate::validation::FieldErrors;
use crate::{CourseId, UnitId};

/// Who a requirement applies to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Audience {
    Everyone,
    /// The unit and every unit below it.
    Unit {
        unit: UnitId,
    },
    /// Everyone whose position is this (case-insensitive).
    Position {
        position: String,
    },
}

impl Audience {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Everyone => "everyone",
            Self::Unit { .. } => "unit",
            Self::Position { .. } => "position",
        }
    }

    /// Whether a membership in `unit` (with its ancestors in `unit_path`) and `position` is in
    /// the audience.
    pub fn includes(&self, unit_path: &[UnitId], position: Option<&str>) -> bool {
        match self {
            Self::Everyone => true,
            Self::Unit { unit } => unit_path.contains(unit),
            Self::Position { position: wanted } => {
                position.is_some_and(|p| p.trim().eq_ignore_ascii_case(wanted.trim()))
            }
        }
    }
}

/// A validated requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequirementRule {
    pub course: CourseId,
    pub audience: Audience,
    /// Days a newcomer (or anyone, when the requirement is new) has to complete it.
    pub due_days: u16,
    /// Months a completion counts for (besides a certificate's own validity); `None` is for good.
    pub renewal_months: Option<u16>,
}

/// Unvalidated requirement from a form or JSON body.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequirementInput {
    #[serde(default)]
    pub course_id: String,
    /// `everyone`, `unit` or `position`.
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub position: String,
    /// Default 30.
    #[serde(default)]
    pub due_days: String,
    #[serde(default)]
    pub renewal_months: String,
}

impl RequirementInput {
    pub fn validate(&self) -> Result<RequirementRule, FieldErrors> {
        let mut errors = FieldErrors::new();
        let course = errors.check(
            "course_id",
            self.course_id
                .trim()
                .parse::<CourseId>()
                .map_err(|_| "invalid_choice"),
        );
        let audience = match self.audience.trim() {
            "" | "everyone" => Some(Audience::Everyone),
            "unit" => errors
                .check(
                    "unit_id",
                    self.unit_id
                        .trim()
                        .parse::<UnitId>()
                        .map_err(|_| "invalid_choice"),
                )
                .map(|unit| Audience::Unit { unit }),
            "position" => match errors.check("position", optional_text(&self.position, 200)) {
                Some(Some(position)) => Some(Audience::Position { position }),
                Some(None) => {
                    errors.add("position", "required");
                    None
                }
                None => None,
            },
            _ => {
                errors.add("audience", "invalid_choice");
                None
            }
        };
        let due = errors.check("due_days", optional_number::<u16>(&self.due_days, 0, 3650));
        let renewal = errors.check(
            "renewal_months",
            optional_number::<u16>(&self.renewal_months, 1, 600),
        );
        match (course, audience, due, renewal) {
            (Some(course), Some(audience), Some(due), Some(renewal_months))
                if errors.is_empty() =>
            {
                Ok(RequirementRule {
                    course,
                    audience,
                    due_days: due.unwrap_or(30),
                    renewal_months,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A completion that may meet a requirement: when, and until when a certificate holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Qualification {
    pub completed_on: Date,
    pub certificate_expires_on: Option<Date>,
}

/// A person's standing against one requirement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RequirementStatus {
    Met { until: Option<Date> },
    ExpiringSoon { on: Date },
    Expired { on: Date },
    Due { by: Date },
    Overdue { since: Date },
}

impl RequirementStatus {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Met { .. } => "met",
            Self::ExpiringSoon { .. } => "expiring_soon",
            Self::Expired { .. } => "expired",
            Self::Due { .. } => "due",
            Self::Overdue { .. } => "overdue",
        }
    }

    /// The date that matters for the status (until, on, by or since).
    pub fn date(&self) -> Option<Date> {
        match *self {
            Self::Met { until } => until,
            Self::ExpiringSoon { on } | Self::Expired { on } => Some(on),
            Self::Due { by } => Some(by),
            Self::Overdue { since } => Some(since),
        }
    }

    /// Needs doing now (overdue or expired).
    pub fn is_urgent(&self) -> bool {
        matches!(self, Self::Overdue { .. } | Self::Expired { .. })
    }
}

/// A qualification expiring within this many days is "expiring soon".
pub const EXPIRING_SOON_DAYS: i64 = 30;

/// The standing of someone who came under the requirement on `applies_since` (the later of
/// their membership's start and the requirement's creation), given their latest qualification.
pub fn status(
    rule: &RequirementRule,
    applies_since: Date,
    latest: Option<Qualification>,
    today: Date,
) -> RequirementStatus {
    match latest {
        Some(q) => {
            let by_renewal = rule
                .renewal_months
                .map(|m| add_months(q.completed_on, u32::from(m)));
            let expires = match (q.certificate_expires_on, by_renewal) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            match expires {
                Some(on) if on <= today => RequirementStatus::Expired { on },
                Some(on) if on - today <= Duration::days(EXPIRING_SOON_DAYS) => {
                    RequirementStatus::ExpiringSoon { on }
                }
                until => RequirementStatus::Met { until },
            }
        }
        None => {
            let by = applies_since + Duration::days(i64::from(rule.due_days));
            if today > by {
                RequirementStatus::Overdue { since: by }
            } else {
                RequirementStatus::Due { by }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn rule(renewal_months: Option<u16>) -> RequirementRule {
        RequirementRule {
            course: CourseId::new(),
            audience: Audience::Everyone,
            due_days: 30,
            renewal_months,
        }
    }

    #[test]
    fn newcomers_are_due_then_overdue() {
        let start = date!(2026 - 01 - 01);
        assert_eq!(
            status(&rule(None), start, None, date!(2026 - 01 - 31)),
            RequirementStatus::Due {
                by: date!(2026 - 01 - 31)
            }
        );
        assert_eq!(
            status(&rule(None), start, None, date!(2026 - 02 - 01)),
            RequirementStatus::Overdue {
                since: date!(2026 - 01 - 31)
            }
        );
    }

    #[test]
    fn qualifications_are_met_then_expire_soon_then_expire() {
        let q = Qualification {
            completed_on: date!(2025 - 01 - 10),
            certificate_expires_on: Some(date!(2027 - 01 - 10)),
        };
        let r = rule(Some(12));
        let start = date!(2024 - 01 - 01);
        assert_eq!(
            status(&r, start, Some(q), date!(2025 - 06 - 01)),
            RequirementStatus::Met {
                until: Some(date!(2026 - 01 - 10))
            },
            "the renewal comes before the certificate's own expiry"
        );
        assert_eq!(
            status(&r, start, Some(q), date!(2025 - 12 - 20)),
            RequirementStatus::ExpiringSoon {
                on: date!(2026 - 01 - 10)
            }
        );
        assert_eq!(
            status(&r, start, Some(q), date!(2026 - 01 - 10)),
            RequirementStatus::Expired {
                on: date!(2026 - 01 - 10)
            }
        );
        let forever = Qualification {
            completed_on: date!(2025 - 01 - 10),
            certificate_expires_on: None,
        };
        assert_eq!(
            status(&rule(None), start, Some(forever), date!(2040 - 01 - 01)),
            RequirementStatus::Met { until: None }
        );
    }

    #[test]
    fn audiences_are_everyone_a_unit_tree_or_a_position() {
        let (a, b) = (UnitId::new(), UnitId::new());
        assert!(
            Audience::Unit { unit: a }.includes(&[b, a], None),
            "a sub-unit of the unit"
        );
        assert!(!Audience::Unit { unit: a }.includes(&[b], None));
        assert!(
            Audience::Position {
                position: "Sykepleier".into()
            }
            .includes(&[], Some(" sykepleier "))
        );
        assert!(
            !Audience::Position {
                position: "Sykepleier".into()
            }
            .includes(&[], None)
        );
    }

    #[test]
    fn inputs_validate() {
        let ok = RequirementInput {
            course_id: CourseId::new().to_string(),
            audience: "position".into(),
            position: "Lærer".into(),
            ..Default::default()
        }
        .validate()
        .expect("valid");
        assert_eq!(ok.due_days, 30);
        let bad = RequirementInput {
            audience: "unit".into(),
            due_days: "-1".into(),
            ..Default::default()
        }
        .validate()
        .expect_err("invalid");
        let fields: Vec<_> = bad.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["course_id", "unit_id", "due_days"]);
    }
}
