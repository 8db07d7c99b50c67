//! Courses: what a course is, who may see and take it, when it is complete, and whether it
//! gives a certificate.

use serde::{Deserialize, Serialize};

use crate::CourseId;
use crate::org::{Language, optional_text};
use crate::person::non_empty;
use crate::validation::FieldErrors;

/// Who finds and may take a course.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// The owning organisation's members only.
    Organisation,
    /// The owner's members and those of the organisations it is shared with.
    Shared,
    /// Anyone signed in (the public catalogue).
    Public,
}

impl Visibility {
    pub const ALL: [Self; 3] = [Self::Organisation, Self::Shared, Self::Public];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Organisation => "organisation",
            Self::Shared => "shared",
            Self::Public => "public",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or("invalid_choice")
    }
}

/// A course's life: drafts are seen by their staff only; closed courses take no new work.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CourseStatus {
    Draft,
    Open,
    Closed,
}

impl CourseStatus {
    pub const ALL: [Self; 3] = [Self::Draft, Self::Open, Self::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or("invalid_choice")
    }
}

/// When a course is complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompletionRule {
    /// Every required activity is done.
    AllRequired,
    /// The points of all quizzes together reach the pass mark.
    PassMark,
    /// Both.
    AllRequiredAndPassMark,
}

impl CompletionRule {
    pub const ALL: [Self; 3] = [
        Self::AllRequired,
        Self::PassMark,
        Self::AllRequiredAndPassMark,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AllRequired => "all_required",
            Self::PassMark => "pass_mark",
            Self::AllRequiredAndPassMark => "all_required_and_pass_mark",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or("invalid_choice")
    }

    pub fn needs_pass_mark(self) -> bool {
        !matches!(self, Self::AllRequired)
    }

    pub fn needs_all_required(self) -> bool {
        !matches!(self, Self::PassMark)
    }
}

/// A role on one course.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// Runs the course: sees participants and their work, grades, marks attendance.
    Teacher,
    /// Edits the course too, approves external records, manages staff and sharing.
    CourseAdmin,
}

impl StaffRole {
    pub const ALL: [Self; 2] = [Self::Teacher, Self::CourseAdmin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Teacher => "teacher",
            Self::CourseAdmin => "course_admin",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or("invalid_choice")
    }
}

/// A course's certificate: issued on completion, valid for a while (or for good).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CertificatePolicy {
    pub validity_months: Option<u16>,
}

/// A course's validated settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CourseSettings {
    pub title: String,
    pub summary: String,
    pub language: Language,
    pub tags: Vec<String>,
    pub visibility: Visibility,
    pub status: CourseStatus,
    pub self_enrollment: bool,
    pub completion_rule: CompletionRule,
    /// Percent of all quiz points; set when the rule uses it.
    pub pass_mark: Option<u8>,
    pub certificate: Option<CertificatePolicy>,
    /// A shorter course whose completion renews this course's certificate.
    pub refresher_course: Option<CourseId>,
    /// Co-participants see each other's name, e-mail, workplace and completion date (off by
    /// default: Art. 25(2), KS-9).
    pub participant_list: bool,
}

/// A checkbox or JSON flag: `on`, `true`, `1` or `yes` is set; anything else (or nothing) is not.
pub fn flag(s: &str) -> bool {
    matches!(
        s.trim().to_ascii_lowercase().as_str(),
        "on" | "true" | "1" | "yes"
    )
}

/// Tags: comma-separated, lower-cased, trimmed, at most ten of at most 40 characters each.
pub fn parse_tags(s: &str) -> Result<Vec<String>, &'static str> {
    let mut tags: Vec<String> = Vec::new();
    for tag in s.split(',').map(|t| t.trim().to_lowercase()) {
        if tag.is_empty() || tags.contains(&tag) {
            continue;
        }
        if tag.chars().count() > 40 {
            return Err("too_long");
        }
        tags.push(tag);
    }
    if tags.len() > 10 {
        return Err("too_many");
    }
    Ok(tags)
}

/// A number within bounds; empty is `None`.
pub fn optional_number<T: TryFrom<i64>>(
    s: &str,
    min: i64,
    max: i64,
) -> Result<Option<T>, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let n: i64 = s.parse().map_err(|_| "invalid_number")?;
    if n < min || n > max {
        return Err("out_of_range");
    }
    T::try_from(n).map(Some).map_err(|_| "out_of_range")
}

/// Unvalidated course settings from a form or JSON body.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourseInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: String,
    /// `nb`, `nn` or `en`; defaults to `nb`.
    #[serde(default)]
    pub language: String,
    /// Comma-separated.
    #[serde(default)]
    pub tags: String,
    /// `organisation` (default), `shared` or `public`.
    #[serde(default)]
    pub visibility: String,
    /// `draft` (default), `open` or `closed`.
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub self_enrollment: String,
    /// `all_required` (default), `pass_mark` or `all_required_and_pass_mark`.
    #[serde(default)]
    pub completion_rule: String,
    /// Percent (0–100) of all quiz points.
    #[serde(default)]
    pub pass_mark: String,
    #[serde(default)]
    pub certificate: String,
    /// Months a certificate is valid (1–600); empty is for good.
    #[serde(default)]
    pub certificate_validity_months: String,
    #[serde(default)]
    pub refresher_course_id: String,
    #[serde(default)]
    pub participant_list: String,
}

fn or_default<'a>(s: &'a str, default: &'a str) -> &'a str {
    match s.trim() {
        "" => default,
        v => v,
    }
}

impl CourseInput {
    pub fn validate(&self) -> Result<CourseSettings, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = errors.check("title", non_empty(&self.title, 200));
        let summary = errors.check("summary", optional_text(&self.summary, 4000));
        let language = errors.check(
            "language",
            Language::parse(or_default(&self.language, "nb")),
        );
        let tags = errors.check("tags", parse_tags(&self.tags));
        let visibility = errors.check(
            "visibility",
            Visibility::parse(or_default(&self.visibility, "organisation")),
        );
        let status = errors.check(
            "status",
            CourseStatus::parse(or_default(&self.status, "draft")),
        );
        let rule = errors.check(
            "completion_rule",
            CompletionRule::parse(or_default(&self.completion_rule, "all_required")),
        );
        let pass_mark = errors.check("pass_mark", optional_number::<u8>(&self.pass_mark, 0, 100));
        if let (Some(rule), Some(None)) = (rule, pass_mark)
            && rule.needs_pass_mark()
        {
            errors.add("pass_mark", "required");
        }
        let certificate = flag(&self.certificate);
        let validity = errors.check(
            "certificate_validity_months",
            optional_number::<u16>(&self.certificate_validity_months, 1, 600),
        );
        if !certificate && matches!(validity, Some(Some(_))) {
            errors.add("certificate_validity_months", "needs_certificate");
        }
        let refresher = match self.refresher_course_id.trim() {
            "" => Some(None),
            raw => errors.check(
                "refresher_course_id",
                raw.parse::<CourseId>()
                    .map(Some)
                    .map_err(|_| "invalid_choice"),
            ),
        };
        match (
            title, summary, language, tags, visibility, status, rule, pass_mark, validity,
            refresher,
        ) {
            (
                Some(title),
                Some(summary),
                Some(language),
                Some(tags),
                Some(visibility),
                Some(status),
                Some(completion_rule),
                Some(pass_mark),
                Some(validity_months),
                Some(refresher_course),
            ) if errors.is_empty() => Ok(CourseSettings {
                title,
                summary: summary.unwrap_or_default(),
                language,
                tags,
                visibility,
                status,
                self_enrollment: flag(&self.self_enrollment),
                completion_rule,
                pass_mark: pass_mark.filter(|_| completion_rule.needs_pass_mark()),
                certificate: certificate.then_some(CertificatePolicy { validity_months }),
                refresher_course,
                participant_list: flag(&self.participant_list),
            }),
            _ => Err(errors),
        }
    }
}

impl CourseSettings {
    /// The settings as an input again (to fill an edit form).
    pub fn to_input(&self) -> CourseInput {
        let yes = |b: bool| if b { "on".to_owned() } else { String::new() };
        CourseInput {
            title: self.title.clone(),
            summary: self.summary.clone(),
            language: self.language.code().into(),
            tags: self.tags.join(", "),
            visibility: self.visibility.as_str().into(),
            status: self.status.as_str().into(),
            self_enrollment: yes(self.self_enrollment),
            completion_rule: self.completion_rule.as_str().into(),
            pass_mark: self.pass_mark.map(|p| p.to_string()).unwrap_or_default(),
            certificate: yes(self.certificate.is_some()),
            certificate_validity_months: self
                .certificate
                .and_then(|c| c.validity_months)
                .map(|m| m.to_string())
                .unwrap_or_default(),
            refresher_course_id: self
                .refresher_course
                .map(|c| c.to_string())
                .unwrap_or_default(),
            participant_list: yes(self.participant_list),
        }
    }
}

/// How one person stands to one course; the store gathers these facts, this decides what
/// they allow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CourseAccess {
    /// Administers the organisation that owns the course.
    pub owner_admin: bool,
    pub staff: Option<StaffRole>,
    /// A current member of the owning organisation (or holds a role in it).
    pub owner_member: bool,
    /// A current member of an organisation the course is shared with (that organisation).
    pub via_share: Option<crate::OrganisationId>,
    /// Has an enrollment in the course that is not withdrawn.
    pub enrolled: bool,
}

impl CourseAccess {
    /// Edits the course, its activities, staff and sharing.
    pub fn can_edit(&self) -> bool {
        self.owner_admin || self.staff == Some(StaffRole::CourseAdmin)
    }

    /// Runs the course: participants and their progress and work, grading, attendance.
    pub fn can_teach(&self) -> bool {
        self.can_edit() || self.staff == Some(StaffRole::Teacher)
    }

    /// Sees the course page (its catalogue entry and content).
    pub fn can_view(&self, visibility: Visibility, status: CourseStatus) -> bool {
        if self.can_teach() {
            return true;
        }
        if status == CourseStatus::Draft {
            return false;
        }
        self.enrolled
            || match visibility {
                Visibility::Organisation => self.owner_member,
                Visibility::Shared => self.owner_member || self.via_share.is_some(),
                Visibility::Public => true,
            }
    }

    /// May enroll themselves now.
    pub fn can_self_enroll(&self, settings: &CourseSettings) -> bool {
        !self.enrolled
            && settings.status == CourseStatus::Open
            && settings.self_enrollment
            && self.can_view(settings.visibility, settings.status)
    }
}

/// Whether a course can be searched for by `query`: every word of the query appears in the
/// title, summary or tags (case-insensitive).
pub fn matches_search(settings_text: &str, query: &str) -> bool {
    let hay = settings_text.to_lowercase();
    query
        .split_whitespace()
        .all(|word| hay.contains(&word.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CourseInput {
        CourseInput {
            title: "Brannvern".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_minimal_course_is_a_draft_for_the_organisation_completed_by_its_required_activities() {
        let s = input().validate().expect("valid");
        assert_eq!(s.status, CourseStatus::Draft);
        assert_eq!(s.visibility, Visibility::Organisation);
        assert_eq!(s.completion_rule, CompletionRule::AllRequired);
        assert_eq!(s.language, Language::Nb);
        assert!(
            !s.participant_list,
            "participant lists are off by default (KS-9, Art. 25)"
        );
        assert!(s.certificate.is_none());
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = CourseInput {
            title: " ".into(),
            language: "de".into(),
            completion_rule: "pass_mark".into(),
            certificate_validity_months: "12".into(),
            refresher_course_id: "nope".into(),
            ..Default::default()
        };
        let errors = bad.validate().expect_err("invalid");
        let fields: Vec<_> = errors
            .0
            .iter()
            .map(|e| format!("{}:{}", e.field, e.code))
            .collect();
        assert_eq!(
            fields,
            [
                "title:required",
                "language:invalid_language",
                "pass_mark:required",
                "certificate_validity_months:needs_certificate",
                "refresher_course_id:invalid_choice"
            ]
        );
    }

    #[test]
    fn certificates_carry_their_validity_and_settings_round_trip_through_the_form() {
        let s = CourseInput {
            certificate: "on".into(),
            certificate_validity_months: "60".into(),
            completion_rule: "all_required_and_pass_mark".into(),
            pass_mark: "80".into(),
            tags: "HMS, brann, hms".into(),
            ..input()
        }
        .validate()
        .expect("valid");
        assert_eq!(
            s.certificate,
            Some(CertificatePolicy {
                validity_months: Some(60)
            })
        );
        assert_eq!(s.tags, ["hms", "brann"]);
        assert_eq!(s.to_input().validate().expect("again"), s);
    }

    #[test]
    fn drafts_are_for_staff_and_each_visibility_reaches_its_people() {
        let outsider = CourseAccess::default();
        let member = CourseAccess {
            owner_member: true,
            ..Default::default()
        };
        let partner = CourseAccess {
            via_share: Some(crate::OrganisationId::new()),
            ..Default::default()
        };
        let teacher = CourseAccess {
            staff: Some(StaffRole::Teacher),
            ..Default::default()
        };
        use CourseStatus::*;
        use Visibility::*;
        assert!(!member.can_view(Organisation, Draft) && teacher.can_view(Organisation, Draft));
        assert!(member.can_view(Organisation, Open) && !partner.can_view(Organisation, Open));
        assert!(partner.can_view(Shared, Open) && !outsider.can_view(Shared, Open));
        assert!(outsider.can_view(Public, Closed));
        assert!(teacher.can_teach() && !teacher.can_edit());
        let settings = CourseInput {
            title: "x".into(),
            status: "open".into(),
            self_enrollment: "on".into(),
            ..Default::default()
        }
        .validate()
        .expect("valid");
        assert!(member.can_self_enroll(&settings));
        assert!(
            !CourseAccess {
                enrolled: true,
                ..member
            }
            .can_self_enroll(&settings)
        );
        assert!(
            !partner.can_self_enroll(&settings),
            "not shared with the partner"
        );
    }

    #[test]
    fn search_needs_every_word() {
        assert!(matches_search("Brannvern for ansatte hms", "brann HMS"));
        assert!(!matches_search("Brannvern", "brann førstehjelp"));
    }
}
