//! People and their memberships in organisations.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::org::{MinimumAge, optional_text};
use crate::validation::FieldErrors;

/// An e-mail address, trimmed and lower-cased so that it is unique regardless of case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let s = s.trim().to_lowercase();
        if s.is_empty() {
            return Err("required");
        }
        let valid = s.len() <= 254
            && !s
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
            && match s.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                        && !domain.contains("..")
                }
                None => false,
            };
        if valid {
            Ok(Self(s))
        } else {
            Err("invalid_email")
        }
    }

    pub fn parse_optional(s: &str) -> Result<Option<Self>, &'static str> {
        if s.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(s).map(Some)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Trimmed, non-empty text of at most `max` characters.
pub fn non_empty(s: &str, max: usize) -> Result<String, &'static str> {
    match optional_text(s, max)? {
        Some(s) => Ok(s),
        None => Err("required"),
    }
}

/// A new password: at least 10 characters (long passphrases beat complexity rules), at most 1024.
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 10;

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let n = s.chars().count();
        if n == 0 {
            Err("required")
        } else if n < Self::MIN_CHARS {
            Err("password_too_short")
        } else if n > 1024 {
            Err("too_long")
        } else {
            Ok(Self(s.to_owned()))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// Where a piece of data came from. Data from HR or an identity provider is corrected there,
/// not by the person (KS-15, DFO-14, MUN-9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataSource {
    HrImport,
    #[serde(rename = "self")]
    SelfService,
    IdentityProvider,
    Admin,
}

impl DataSource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HrImport => "hr_import",
            Self::SelfService => "self",
            Self::IdentityProvider => "identity_provider",
            Self::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        match s {
            "hr_import" => Ok(Self::HrImport),
            "self" => Ok(Self::SelfService),
            "identity_provider" => Ok(Self::IdentityProvider),
            "admin" => Ok(Self::Admin),
            _ => Err("invalid_choice"),
        }
    }

    /// Whether the person may change the core profile fields (name, e-mail) that came from
    /// this source. Fields an employer or identity provider controls are corrected there.
    pub fn person_may_edit(self) -> bool {
        matches!(self, Self::SelfService)
    }
}

/// A key that sorts people by family name, then given name, as Norwegians expect: case does not
/// matter, and æ, ø, å come after z in that order (as `{`, `|`, `}`, the bytes after `z`). Compared byte by byte, so both databases
/// order it the same way.
pub fn sort_key(family_name: &str, given_name: &str) -> String {
    let fold = |s: &str| {
        s.trim()
            .to_lowercase()
            .chars()
            .map(|c| match c {
                'æ' | 'ä' => '{',
                'ø' | 'ö' => '|',
                'å' => '}',
                c => c,
            })
            .collect::<String>()
    };
    // \u{1} sorts below every printable character (PostgreSQL text cannot hold \u{0}).
    format!("{}\u{1}{}", fold(family_name), fold(given_name))
}

/// Parses `YYYY-MM-DD` or the Norwegian `DD.MM.YYYY`.
pub fn parse_date(s: &str) -> Result<Date, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Err("required");
    }
    let iso = time::macros::format_description!("[year]-[month]-[day]");
    let norwegian = time::macros::format_description!("[day].[month].[year]");
    Date::parse(s, iso)
        .or_else(|_| Date::parse(s, norwegian))
        .map_err(|_| "invalid_date")
}

pub fn parse_optional_date(s: &str) -> Result<Option<Date>, &'static str> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        parse_date(s).map(Some)
    }
}

/// Whole years between `birth_date` and `today`.
pub fn age_on(birth_date: Date, today: Date) -> i32 {
    let mut years = today.year() - birth_date.year();
    if (today.month() as u8, today.day()) < (birth_date.month() as u8, birth_date.day()) {
        years -= 1;
    }
    years
}

/// What a person gave of their birth: a date, or (as Feide's `feideYearOfBirth`) a year only.
/// Age is never derived from a national identity number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Birth {
    Date(Date),
    Year(i32),
}

impl Birth {
    pub fn date(self) -> Option<Date> {
        match self {
            Self::Date(d) => Some(d),
            Self::Year(_) => None,
        }
    }

    pub fn year(self) -> Option<i32> {
        match self {
            Self::Date(_) => None,
            Self::Year(y) => Some(y),
        }
    }

    /// From the stored columns (a date wins over a year).
    pub fn from_parts(date: Option<Date>, year: Option<i32>) -> Option<Self> {
        date.map(Self::Date).or(year.map(Self::Year))
    }
}

/// Parses a birth date (`YYYY-MM-DD`, `DD.MM.YYYY`) or a year alone (`YYYY`); empty is `None`.
pub fn parse_birth(s: &str) -> Result<Option<Birth>, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        let year: i32 = s.parse().map_err(|_| "invalid_date")?;
        return if year >= 1900 {
            Ok(Some(Birth::Year(year)))
        } else {
            Err("invalid_date")
        };
    }
    parse_date(s).map(|d| Some(Birth::Date(d)))
}

/// Checks an organisation's minimum age. Where one is set a birth date or year is required; age
/// is never derived from a national identity number. With a year alone the person must be old
/// enough even if born on its last day: when the year leaves it open (they turn the minimum
/// age this year), the full date is asked for (`birth_date_needed`).
pub fn check_minimum_age(
    minimum: Option<MinimumAge>,
    birth: Option<Birth>,
    today: Date,
) -> Result<(), &'static str> {
    let Some(minimum) = minimum else {
        return Ok(());
    };
    let minimum = i32::from(minimum.years());
    match birth {
        None => Err("birth_date_required"),
        Some(Birth::Date(d)) if d > today => Err("invalid_date"),
        Some(Birth::Date(d)) if age_on(d, today) < minimum => Err("under_minimum_age"),
        Some(Birth::Date(_)) => Ok(()),
        Some(Birth::Year(y)) if y > today.year() => Err("invalid_date"),
        Some(Birth::Year(y)) => {
            let oldest = today.year() - y;
            let youngest = Date::from_calendar_date(y, time::Month::December, 31)
                .map(|d| age_on(d, today))
                .unwrap_or(oldest - 1);
            if youngest >= minimum {
                Ok(())
            } else if oldest >= minimum {
                Err("birth_date_needed")
            } else {
                Err("under_minimum_age")
            }
        }
    }
}

/// A new person, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPerson {
    pub given_name: String,
    pub family_name: String,
    pub email: Email,
    pub birth: Option<Birth>,
}

/// Unvalidated input for a new person.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPersonInput {
    #[serde(default)]
    pub given_name: String,
    #[serde(default)]
    pub family_name: String,
    #[serde(default)]
    pub email: String,
    /// `YYYY-MM-DD`, `DD.MM.YYYY` or a year alone (`YYYY`); optional unless the organisation
    /// sets a minimum age.
    #[serde(default)]
    pub birth_date: String,
}

impl NewPersonInput {
    pub fn validate(
        &self,
        minimum_age: Option<MinimumAge>,
        today: Date,
    ) -> Result<NewPerson, FieldErrors> {
        let mut errors = FieldErrors::new();
        let given_name = errors.check("given_name", non_empty(&self.given_name, 100));
        let family_name = errors.check("family_name", non_empty(&self.family_name, 100));
        let email = errors.check("email", Email::parse(&self.email));
        let birth = errors.check("birth_date", parse_birth(&self.birth_date));
        if let Some(birth) = birth
            && let Err(code) = check_minimum_age(minimum_age, birth, today)
        {
            errors.add("birth_date", code);
        }
        match (given_name, family_name, email, birth) {
            (Some(given_name), Some(family_name), Some(email), Some(birth))
                if errors.is_empty() =>
            {
                Ok(NewPerson {
                    given_name,
                    family_name,
                    email,
                    birth,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Whether a validation refused someone for their age (what the refusal count counts).
pub fn refused_for_age(errors: &FieldErrors) -> bool {
    errors.0.iter().any(|e| {
        e.field == "birth_date"
            && matches!(e.code.as_str(), "under_minimum_age" | "birth_date_needed")
    })
}

/// What a person may change about themselves on the profile page.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileInput {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub email: Option<String>,
    pub preferred_language: Option<String>,
}

/// A validated profile change. `None` leaves the field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileChange {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub email: Option<Email>,
    pub preferred_language: Option<crate::org::Language>,
}

impl ProfileInput {
    /// Validates a change; name and e-mail may only change when their source lets the person
    /// edit them, otherwise the field error `managed_by_organisation` says where to correct it.
    pub fn validate(&self, source: DataSource) -> Result<ProfileChange, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut change = ProfileChange::default();
        let editable = source.person_may_edit();
        for (field, value, max) in [
            ("given_name", &self.given_name, 100),
            ("family_name", &self.family_name, 100),
        ] {
            if let Some(value) = value {
                if !editable {
                    errors.add(field, "managed_by_organisation");
                } else if let Some(v) = errors.check(field, non_empty(value, max)) {
                    if field == "given_name" {
                        change.given_name = Some(v);
                    } else {
                        change.family_name = Some(v);
                    }
                }
            }
        }
        if let Some(email) = &self.email {
            if !editable {
                errors.add("email", "managed_by_organisation");
            } else {
                change.email = errors.check("email", Email::parse(email));
            }
        }
        if let Some(lang) = &self.preferred_language {
            change.preferred_language =
                errors.check("preferred_language", crate::org::Language::parse(lang));
        }
        errors.into_result(change)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MembershipKind {
    Employee,
    Student,
    External,
    SelfRegistered,
}

impl MembershipKind {
    pub const ALL: [Self; 4] = [
        Self::Employee,
        Self::Student,
        Self::External,
        Self::SelfRegistered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Employee => "employee",
            Self::Student => "student",
            Self::External => "external",
            Self::SelfRegistered => "self_registered",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or("invalid_choice")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MembershipStatus {
    Active,
    Suspended,
    Ended,
}

impl MembershipStatus {
    pub const ALL: [Self; 3] = [Self::Active, Self::Suspended, Self::Ended];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Ended => "ended",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or("invalid_choice")
    }
}

/// The validated terms of a membership (everything but who and where).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MembershipTerms {
    pub kind: MembershipKind,
    pub position: Option<String>,
    pub employee_number: Option<String>,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub status: MembershipStatus,
}

/// Unvalidated membership terms from a form or JSON body. Unit and manager are ids checked
/// against the organisation by the store.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MembershipInput {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub unit_id: String,
    #[serde(default)]
    pub position: String,
    #[serde(default)]
    pub employee_number: String,
    #[serde(default)]
    pub manager_id: String,
    /// The manager by e-mail instead of id (what people type in a form); used when
    /// `manager_id` is empty.
    #[serde(default)]
    pub manager_email: String,
    /// Defaults to today when empty.
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    /// Defaults to `active` when empty.
    #[serde(default)]
    pub status: String,
}

impl MembershipInput {
    pub fn validate(&self, today: Date) -> Result<MembershipTerms, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = errors.check("kind", MembershipKind::parse(self.kind.trim()));
        let position = errors.check("position", optional_text(&self.position, 200));
        let employee_number =
            errors.check("employee_number", optional_text(&self.employee_number, 64));
        let starts_on = if self.starts_on.trim().is_empty() {
            Some(today)
        } else {
            errors.check("starts_on", parse_date(&self.starts_on))
        };
        let ends_on = errors.check("ends_on", parse_optional_date(&self.ends_on));
        let status = if self.status.trim().is_empty() {
            Some(MembershipStatus::Active)
        } else {
            errors.check("status", MembershipStatus::parse(self.status.trim()))
        };
        if let (Some(start), Some(Some(end))) = (starts_on, ends_on)
            && end < start
        {
            errors.add("ends_on", "ends_before_start");
        }
        if let Err(code) = Email::parse_optional(&self.manager_email) {
            errors.add("manager_email", code);
        }
        for (field, value) in [("unit_id", &self.unit_id), ("manager_id", &self.manager_id)] {
            let v = value.trim();
            if !v.is_empty() && uuid::Uuid::parse_str(v).is_err() {
                errors.add(field, "invalid_choice");
            }
        }
        match (kind, position, employee_number, starts_on, ends_on, status) {
            (
                Some(kind),
                Some(position),
                Some(employee_number),
                Some(starts_on),
                Some(ends_on),
                Some(status),
            ) if errors.is_empty() => Ok(MembershipTerms {
                kind,
                position,
                employee_number,
                starts_on,
                ends_on,
                status,
            }),
            _ => Err(errors),
        }
    }

    pub fn unit_id(&self) -> Option<crate::UnitId> {
        uuid::Uuid::parse_str(self.unit_id.trim())
            .ok()
            .map(crate::UnitId)
    }

    pub fn manager_id(&self) -> Option<crate::PersonId> {
        uuid::Uuid::parse_str(self.manager_id.trim())
            .ok()
            .map(crate::PersonId)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// The store decodes these from their stored codes through serde: the two must agree.
    #[test]
    fn coded_enums_serialise_as_their_stored_codes() {
        let code = |v: serde_json::Value| v.as_str().map(str::to_owned);
        for k in MembershipKind::ALL {
            assert_eq!(code(serde_json::json!(k)).as_deref(), Some(k.as_str()));
        }
        for s in MembershipStatus::ALL {
            assert_eq!(code(serde_json::json!(s)).as_deref(), Some(s.as_str()));
        }
        for d in [
            DataSource::HrImport,
            DataSource::SelfService,
            DataSource::IdentityProvider,
            DataSource::Admin,
        ] {
            assert_eq!(code(serde_json::json!(d)).as_deref(), Some(d.as_str()));
        }
    }

    #[test]
    fn email_is_lowercased_and_checked() {
        assert_eq!(
            Email::parse(" Kari@Example.NO ").map(|e| e.as_str().to_owned()),
            Ok("kari@example.no".into())
        );
        for bad in [
            "kari",
            "kari@",
            "@x.no",
            "kari@x",
            "ka ri@x.no",
            "a@b@c.no",
            "a@x..no",
        ] {
            assert_eq!(Email::parse(bad), Err("invalid_email"), "{bad}");
        }
    }

    #[test]
    fn sort_keys_follow_the_norwegian_alphabet_and_ignore_case() {
        let mut names = [
            ("Østby", "Kari"),
            ("Aas", "Per"),
            ("Ås", "Eva"),
            ("Zahl", "Ola"),
            ("Ærø", "Liv"),
            ("berg", "Anne"),
            ("Berg", "Aase"),
        ];
        names.sort_by_key(|(f, g)| sort_key(f, g));
        let families: Vec<_> = names.iter().map(|(f, g)| format!("{f} {g}")).collect();
        assert_eq!(
            families,
            vec![
                "Aas Per",
                "Berg Aase",
                "berg Anne",
                "Zahl Ola",
                "Ærø Liv",
                "Østby Kari",
                "Ås Eva"
            ]
        );
    }

    #[test]
    fn dates_parse_in_iso_and_norwegian_form() {
        assert_eq!(parse_date("2001-02-03"), Ok(date!(2001 - 02 - 03)));
        assert_eq!(parse_date("03.02.2001"), Ok(date!(2001 - 02 - 03)));
        assert_eq!(parse_date("2001-13-01"), Err("invalid_date"));
    }

    #[test]
    fn age_counts_whole_years_around_the_birthday() {
        assert_eq!(age_on(date!(2010 - 06 - 15), date!(2026 - 06 - 14)), 15);
        assert_eq!(age_on(date!(2010 - 06 - 15), date!(2026 - 06 - 15)), 16);
    }

    #[test]
    fn minimum_age_refuses_the_under_aged_and_requires_a_birth_date() {
        let sixteen = MinimumAge::new(16).ok();
        let today = date!(2026 - 11 - 23);
        let on = |d| Some(Birth::Date(d));
        assert_eq!(
            check_minimum_age(sixteen, on(date!(2011 - 01 - 01)), today),
            Err("under_minimum_age")
        );
        assert_eq!(
            check_minimum_age(sixteen, on(date!(2010 - 11 - 23)), today),
            Ok(())
        );
        assert_eq!(
            check_minimum_age(sixteen, on(date!(2027 - 01 - 01)), today),
            Err("invalid_date")
        );
        assert_eq!(
            check_minimum_age(sixteen, None, today),
            Err("birth_date_required")
        );
        assert_eq!(check_minimum_age(None, None, today), Ok(()));
    }

    /// A year alone (Feide's `feideYearOfBirth`, R5) proves the age only when the person is old
    /// enough even if born on 31 December; the year they turn it, the full date is asked for.
    #[test]
    fn a_birth_year_proves_the_age_only_beyond_doubt() {
        let sixteen = MinimumAge::new(16).ok();
        let today = date!(2026 - 11 - 23);
        let year = |y| Some(Birth::Year(y));
        assert_eq!(check_minimum_age(sixteen, year(2009), today), Ok(()));
        assert_eq!(
            check_minimum_age(sixteen, year(2010), today),
            Err("birth_date_needed")
        );
        assert_eq!(
            check_minimum_age(sixteen, year(2011), today),
            Err("under_minimum_age")
        );
        assert_eq!(
            check_minimum_age(sixteen, year(2010), date!(2026 - 12 - 31)),
            Ok(())
        );
        assert_eq!(
            check_minimum_age(sixteen, year(2030), today),
            Err("invalid_date")
        );
        assert_eq!(parse_birth("2010"), Ok(Some(Birth::Year(2010))));
        assert_eq!(
            parse_birth("17.05.2010"),
            Ok(Some(Birth::Date(date!(2010 - 05 - 17))))
        );
        assert_eq!(parse_birth(""), Ok(None));
        assert_eq!(parse_birth("1850"), Err("invalid_date"));
        assert_eq!(parse_birth("20100"), Err("invalid_date"));
        // A national identity number is no birth date: age is never read from one.
        assert_eq!(parse_birth("17051012345"), Err("invalid_date"));
        let input = NewPersonInput {
            given_name: "A".into(),
            family_name: "B".into(),
            email: "a@b.no".into(),
            birth_date: "2010".into(),
        };
        let errors = input.validate(sixteen, today).expect_err("open");
        assert!(refused_for_age(&errors));
        let errors = NewPersonInput {
            birth_date: String::new(),
            ..input.clone()
        }
        .validate(sixteen, today)
        .expect_err("required");
        assert!(!refused_for_age(&errors));
        assert_eq!(
            input
                .validate(sixteen, date!(2027 - 01 - 01))
                .map(|p| p.birth),
            Ok(Some(Birth::Year(2010)))
        );
    }

    #[test]
    fn profile_fields_from_hr_are_not_editable_by_the_person() {
        let input = ProfileInput {
            given_name: Some("Kari".into()),
            preferred_language: Some("en".into()),
            ..Default::default()
        };
        let errors = input.validate(DataSource::HrImport).expect_err("hr-owned");
        assert_eq!(
            errors.for_field("given_name"),
            Some("managed_by_organisation")
        );
        let change = input.validate(DataSource::SelfService).expect("self-owned");
        assert_eq!(change.given_name.as_deref(), Some("Kari"));
    }

    #[test]
    fn membership_end_before_start_is_refused() {
        let input = MembershipInput {
            kind: "employee".into(),
            starts_on: "2025-01-01".into(),
            ends_on: "2024-12-31".into(),
            ..Default::default()
        };
        let errors = input.validate(date!(2025 - 01 - 01)).expect_err("invalid");
        assert_eq!(errors.for_field("ends_on"), Some("ends_before_start"));
    }

    #[test]
    fn password_must_be_at_least_ten_characters() {
        assert_eq!(
            NewPassword::parse("short").err(),
            Some("password_too_short")
        );
        assert!(NewPassword::parse("a long passphrase").is_ok());
    }
}
