//! Organisations (tenants), their settings and their tree of units.

use serde::{Deserialize, Serialize};

use crate::person::{Email, non_empty};
use crate::validation::FieldErrors;

/// Whether an organisation is a public body. Public bodies may not rely on GDPR Art. 6(1)(f)
/// for their own tasks, so the registry picks legal bases by this kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    PublicBody,
    Private,
}

impl OrganisationKind {
    pub const ALL: [Self; 2] = [Self::PublicBody, Self::Private];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PublicBody => "public_body",
            Self::Private => "private",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        match s {
            "public_body" => Ok(Self::PublicBody),
            "private" => Ok(Self::Private),
            _ => Err("invalid_choice"),
        }
    }
}

/// The languages Tavle speaks. Bokmål and English are complete; nynorsk is being translated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    Nb,
    Nn,
    En,
}

impl Language {
    pub const ALL: [Self; 3] = [Self::Nb, Self::Nn, Self::En];

    pub fn code(self) -> &'static str {
        match self {
            Self::Nb => "nb",
            Self::Nn => "nn",
            Self::En => "en",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        match s.trim().to_ascii_lowercase().as_str() {
            "nb" | "no" | "nb-no" | "no-no" => Ok(Self::Nb),
            "nn" | "nn-no" => Ok(Self::Nn),
            "en" | "en-gb" | "en-us" => Ok(Self::En),
            _ => Err("invalid_language"),
        }
    }

    /// Parses a comma-separated list such as `nb,en`; empty lists and duplicates are refused.
    pub fn parse_list(s: &str) -> Result<Vec<Self>, &'static str> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let lang = Self::parse(part)?;
            if out.contains(&lang) {
                return Err("duplicate_language");
            }
            out.push(lang);
        }
        if out.is_empty() {
            Err("required")
        } else {
            Ok(out)
        }
    }

    pub fn join(list: &[Self]) -> String {
        list.iter().map(|l| l.code()).collect::<Vec<_>>().join(",")
    }
}

/// An organisation's short name in URLs: 2–63 characters of `a-z`, `0-9` and inner `-`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Slug(String);

impl Slug {
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let s = s.trim();
        let ok_chars = s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if s.is_empty() {
            Err("required")
        } else if !(2..=63).contains(&s.len())
            || !ok_chars
            || s.starts_with('-')
            || s.ends_with('-')
        {
            Err("invalid_slug")
        } else {
            Ok(Self(s.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The youngest age at which a person may use the organisation's service. None unless set;
/// presets are 15 (Munio) and 16 (KS Læring). Norway's Art. 8 age is 13, so lower values are
/// refused as meaningless.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MinimumAge(u8);

impl MinimumAge {
    pub const PRESETS: [u8; 2] = [15, 16];

    pub fn parse(s: &str) -> Result<Option<Self>, &'static str> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        let years: u8 = s.parse().map_err(|_| "invalid_minimum_age")?;
        Self::new(years).map(Some)
    }

    pub fn new(years: u8) -> Result<Self, &'static str> {
        if (13..=18).contains(&years) {
            Ok(Self(years))
        } else {
            Err("invalid_minimum_age")
        }
    }

    pub fn years(self) -> u8 {
        self.0
    }
}

/// An organisation's settings, validated. Used both to create and to update one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrganisationSettings {
    pub name: String,
    pub kind: OrganisationKind,
    pub minimum_age: Option<MinimumAge>,
    pub languages: Vec<Language>,
    pub contact_email: Option<Email>,
    pub dpo_name: Option<String>,
    pub dpo_email: Option<Email>,
}

/// Unvalidated organisation settings as they come from a form or a JSON body.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationSettingsInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    /// Years, or empty for none.
    #[serde(default)]
    pub minimum_age: String,
    /// Comma-separated language codes, e.g. `nb,en`.
    #[serde(default)]
    pub languages: String,
    #[serde(default)]
    pub contact_email: String,
    #[serde(default)]
    pub dpo_name: String,
    #[serde(default)]
    pub dpo_email: String,
}

impl OrganisationSettingsInput {
    pub fn validate(&self) -> Result<OrganisationSettings, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", non_empty(&self.name, 200));
        let kind = errors.check("kind", OrganisationKind::parse(&self.kind));
        let minimum_age = errors.check("minimum_age", MinimumAge::parse(&self.minimum_age));
        let languages = errors.check("languages", Language::parse_list(&self.languages));
        let contact_email =
            errors.check("contact_email", Email::parse_optional(&self.contact_email));
        let dpo_name = errors.check("dpo_name", optional_text(&self.dpo_name, 200));
        let dpo_email = errors.check("dpo_email", Email::parse_optional(&self.dpo_email));
        match (
            name,
            kind,
            minimum_age,
            languages,
            contact_email,
            dpo_name,
            dpo_email,
        ) {
            (
                Some(name),
                Some(kind),
                Some(minimum_age),
                Some(languages),
                Some(contact_email),
                Some(dpo_name),
                Some(dpo_email),
            ) if errors.is_empty() => Ok(OrganisationSettings {
                name,
                kind,
                minimum_age,
                languages,
                contact_email,
                dpo_name,
                dpo_email,
            }),
            _ => Err(errors),
        }
    }
}

/// Trims; empty means `None`; longer than `max` characters is an error.
pub fn optional_text(s: &str, max: usize) -> Result<Option<String>, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        Ok(None)
    } else if s.chars().count() > max {
        Err("too_long")
    } else {
        Ok(Some(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_accepts_lowercase_digits_and_inner_dashes() {
        assert!(Slug::parse("oslo-kommune-2").is_ok());
        assert_eq!(Slug::parse("Oslo"), Err("invalid_slug"));
        assert_eq!(Slug::parse("-x"), Err("invalid_slug"));
        assert_eq!(Slug::parse("a"), Err("invalid_slug"));
        assert_eq!(Slug::parse(" "), Err("required"));
    }

    #[test]
    fn minimum_age_is_none_unless_set_and_must_be_13_to_18() {
        assert_eq!(MinimumAge::parse(""), Ok(None));
        assert_eq!(
            MinimumAge::parse("16").map(|a| a.map(MinimumAge::years)),
            Ok(Some(16))
        );
        assert_eq!(MinimumAge::parse("12"), Err("invalid_minimum_age"));
        assert_eq!(MinimumAge::parse("x"), Err("invalid_minimum_age"));
    }

    #[test]
    fn language_list_refuses_unknown_empty_and_duplicates() {
        assert_eq!(
            Language::parse_list("nb, en"),
            Ok(vec![Language::Nb, Language::En])
        );
        assert_eq!(Language::parse_list("nb,de"), Err("invalid_language"));
        assert_eq!(Language::parse_list(""), Err("required"));
        assert_eq!(Language::parse_list("nb,nb"), Err("duplicate_language"));
    }

    #[test]
    fn settings_validation_reports_every_bad_field() {
        let input = OrganisationSettingsInput {
            name: "".into(),
            kind: "company".into(),
            minimum_age: "5".into(),
            languages: "nb".into(),
            contact_email: "not-an-email".into(),
            ..Default::default()
        };
        let errors = input.validate().expect_err("invalid input");
        assert_eq!(errors.for_field("name"), Some("required"));
        assert_eq!(errors.for_field("kind"), Some("invalid_choice"));
        assert_eq!(errors.for_field("minimum_age"), Some("invalid_minimum_age"));
        assert_eq!(errors.for_field("contact_email"), Some("invalid_email"));
        assert_eq!(errors.for_field("languages"), None);
    }
}
