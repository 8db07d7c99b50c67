//! The message catalogue. Every user-visible string has a key; `locales/<lang>.toml` holds the
//! texts (nested tables flatten to dotted keys). Bokmål and English are complete (a test proves
//! it); nynorsk falls back to bokmål key by key until its catalogue is filled in.

use std::collections::HashMap;
use std::sync::LazyLock;

use domain::org::Language;
use domain::person::{MembershipKind, MembershipStatus};

const SOURCES: [(Language, &str); 3] = [
    (Language::Nb, include_str!("../locales/nb.toml")),
    (Language::Nn, include_str!("../locales/nn.toml")),
    (Language::En, include_str!("../locales/en.toml")),
];

/// Keys are compiled in, so the hash needs speed, not resistance to chosen keys (a page makes
/// a hundred lookups; SipHash was a twentieth of the people list's time).
type Catalogue = HashMap<String, String, foldhash::fast::FixedState>;

static CATALOGUES: LazyLock<HashMap<Language, Catalogue, foldhash::fast::FixedState>> =
    LazyLock::new(|| {
        SOURCES
            .iter()
            .map(|(lang, src)| {
                // The catalogues are compiled in and checked by the tests below, so a parse error
                // here is a build defect; an empty catalogue keeps the server up (keys show instead).
                let table: toml::Table = src.parse().unwrap_or_default();
                let mut flat = Catalogue::default();
                flatten("", &table, &mut flat);
                (*lang, flat)
            })
            .collect()
    });

fn flatten(prefix: &str, table: &toml::Table, out: &mut Catalogue) {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => flatten(&full, inner, out),
            toml::Value::String(text) => {
                out.insert(full, text.clone());
            }
            other => {
                out.insert(full, other.to_string());
            }
        }
    }
}

/// Texts in one language. Cheap to copy; templates call [`Tr::get`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tr {
    pub lang: Language,
}

impl Tr {
    pub fn new(lang: Language) -> Self {
        Self { lang }
    }

    /// The text for `key`; nynorsk falls back to bokmål, anything else to the key itself.
    pub fn get<'a>(&self, key: &'a str) -> &'a str
    where
        'static: 'a,
    {
        let lookup = |lang: Language| {
            CATALOGUES
                .get(&lang)
                .and_then(|c| c.get(key))
                .map(String::as_str)
        };
        lookup(self.lang)
            .or_else(|| {
                if self.lang == Language::Nn {
                    lookup(Language::Nb)
                } else {
                    None
                }
            })
            .unwrap_or(key)
    }

    /// The name of a kind of membership.
    pub fn kind(&self, kind: &MembershipKind) -> &'static str {
        self.get(match kind {
            MembershipKind::Employee => "kind.employee",
            MembershipKind::Student => "kind.student",
            MembershipKind::External => "kind.external",
            MembershipKind::SelfRegistered => "kind.self_registered",
        })
    }

    /// The name of a membership status.
    pub fn status(&self, status: &MembershipStatus) -> &'static str {
        self.get(match status {
            MembershipStatus::Active => "status.active",
            MembershipStatus::Suspended => "status.suspended",
            MembershipStatus::Ended => "status.ended",
        })
    }

    /// A membership's period: "2024-08-01 – 2025-06-30", or "from 2024-08-01" while it lasts.
    pub fn period(&self, start: &time::Date, end: &Option<time::Date>) -> String {
        let mut out = String::with_capacity(32);
        match end {
            Some(end) => {
                push_date(&mut out, *start);
                out.push_str(" – ");
                push_date(&mut out, *end);
            }
            None => {
                let since = self.get("membership.since");
                let (before, after) = since.split_once("{date}").unwrap_or((since, ""));
                out.push_str(before);
                push_date(&mut out, *start);
                out.push_str(after);
            }
        }
        out
    }

    /// The text for `key` with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.get(key).to_owned();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// The message for an error code (`error.<code>`).
    pub fn error(&self, code: &str) -> String {
        let key = format!("error.{code}");
        let text = self.get(&key);
        if text == key {
            self.get("error.internal").to_owned()
        } else {
            text.to_owned()
        }
    }

    /// The message for a field error, its `{name}` placeholders filled from its parameters
    /// ("Question 3 has no right answer").
    pub fn field_error(&self, error: &domain::FieldError) -> String {
        let mut text = self.error(&error.code);
        for (name, value) in &error.params {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }
}

/// Appends `YYYY-MM-DD` (ISO 8601, as forms and lists show dates) without the formatting
/// machinery: a list page prints a hundred dates.
pub fn push_date(out: &mut String, date: time::Date) {
    let digits = |out: &mut String, value: u32, width: usize| {
        let mut buf = [b'0'; 4];
        let mut v = value;
        for slot in buf.iter_mut().take(width).rev() {
            *slot = b'0' + (v % 10) as u8;
            v /= 10;
        }
        out.extend(buf.iter().take(width).map(|&b| char::from(b)));
    };
    let year = date.year();
    if (0..=9999).contains(&year) {
        digits(out, year.unsigned_abs(), 4);
        out.push('-');
        digits(out, u32::from(u8::from(date.month())), 2);
        out.push('-');
        digits(out, u32::from(date.day()), 2);
    } else {
        out.push_str(&date.to_string());
    }
}

/// Picks a language from an `Accept-Language` header, honouring q-values; bokmål by default.
pub fn negotiate(accept_language: Option<&str>) -> Language {
    let Some(header) = accept_language else {
        return Language::Nb;
    };
    let mut best: Option<(f32, Language)> = None;
    for item in header.split(',') {
        let mut parts = item.trim().split(';');
        let tag = parts.next().unwrap_or("").trim();
        let q = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        let lang = Language::parse(tag).or_else(|_| Language::parse(primary));
        if let Ok(lang) = lang
            && best.is_none_or(|(bq, _)| q > bq)
        {
            best = Some((q, lang));
        }
    }
    best.map(|(_, l)| l).unwrap_or(Language::Nb)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(lang: Language) -> BTreeSet<String> {
        CATALOGUES
            .get(&lang)
            .map(|c| c.keys().cloned().collect())
            .unwrap_or_default()
    }

    #[test]
    fn dates_print_as_iso_like_the_time_crate() {
        for date in [
            time::macros::date!(2024 - 02 - 29),
            time::macros::date!(0999 - 01 - 05),
            time::macros::date!(2026 - 12 - 01),
        ] {
            let mut out = String::new();
            push_date(&mut out, date);
            assert_eq!(out, date.to_string());
        }
    }

    #[test]
    fn periods_name_both_ends_or_say_since_when() {
        let start = time::macros::date!(2024 - 08 - 01);
        let end = time::macros::date!(2025 - 06 - 30);
        let en = Tr::new(Language::En);
        assert_eq!(en.period(&start, &Some(end)), "2024-08-01 – 2025-06-30");
        assert_eq!(en.period(&start, &None), "from 2024-08-01");
        assert_eq!(
            Tr::new(Language::Nb).period(&start, &None),
            "fra 2024-08-01"
        );
    }

    #[test]
    fn catalogues_parse_and_bokmal_and_english_have_the_same_keys() {
        for (lang, src) in SOURCES {
            assert!(
                src.parse::<toml::Table>().is_ok(),
                "{lang:?} catalogue does not parse"
            );
        }
        let nb = keys(Language::Nb);
        let en = keys(Language::En);
        assert!(nb.len() > 50);
        let only_nb: Vec<_> = nb.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&nb).collect();
        assert!(
            only_nb.is_empty() && only_en.is_empty(),
            "missing in en: {only_nb:?}; missing in nb: {only_en:?}"
        );
        let nn_extra: Vec<_> = keys(Language::Nn).difference(&nb).cloned().collect();
        assert!(
            nn_extra.is_empty(),
            "nynorsk keys unknown to bokmål: {nn_extra:?}"
        );
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/");
        let mut sources = Vec::new();
        for sub in [
            "templates",
            "src",
            "src/pages",
            "src/pages/learning",
            "src/api",
        ] {
            let Ok(entries) = std::fs::read_dir(format!("{dir}{sub}")) else {
                continue;
            };
            for entry in entries.flatten() {
                if entry.path().is_file() {
                    sources.push(std::fs::read_to_string(entry.path()).unwrap_or_default());
                }
            }
        }
        let nb = keys(Language::Nb);
        let mut missing = BTreeSet::new();
        for src in &sources {
            for pattern in ["t.get(\"", "t.fill(\"", "tr.get(\"", "tr.fill(\""] {
                for (i, _) in src.match_indices(pattern) {
                    let rest = &src[i + pattern.len()..];
                    let key = &rest[..rest.find('"').unwrap_or(0)];
                    if !nb.contains(key) {
                        missing.insert(key.to_owned());
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys used but not in the catalogue: {missing:?}"
        );
    }

    #[test]
    fn every_error_code_has_a_message() {
        let nb = keys(Language::Nb);
        let missing: Vec<_> = crate::error::ERROR_CODES
            .iter()
            .filter(|c| !nb.contains(&format!("error.{c}")))
            .collect();
        assert!(
            missing.is_empty(),
            "error codes without a message: {missing:?}"
        );
    }

    #[test]
    fn every_enum_value_shown_on_a_page_has_a_label() {
        use domain::access::OrgRole;
        use domain::org::OrganisationKind;
        use domain::person::{DataSource, MembershipKind, MembershipStatus};
        let nb = keys(Language::Nb);
        let mut wanted: Vec<String> = Vec::new();
        wanted.extend(MembershipKind::ALL.map(|k| format!("kind.{}", k.as_str())));
        wanted.extend(MembershipStatus::ALL.map(|k| format!("status.{}", k.as_str())));
        wanted.extend(OrgRole::ALL.map(|k| format!("role.{}", k.as_str())));
        wanted.extend(OrganisationKind::ALL.map(|k| format!("org_kind.{}", k.as_str())));
        wanted.extend(Language::ALL.map(|k| format!("language.{}", k.code())));
        wanted.extend(
            [
                DataSource::HrImport,
                DataSource::SelfService,
                DataSource::IdentityProvider,
                DataSource::Admin,
            ]
            .map(|k| format!("source.{}", k.as_str())),
        );
        wanted.extend(["saved", "created", "added", "admin_granted"].map(|k| format!("flash.{k}")));
        wanted.extend(
            store::audit::purposes::ALL
                .iter()
                .map(|k| format!("purpose.{k}")),
        );
        wanted.extend(
            domain::consent::purposes::ALL
                .iter()
                .map(|k| format!("purpose.{k}")),
        );
        wanted.extend(
            [
                "consent_given",
                "consent_withdrawn",
                "consent_unchanged",
                "favourite_added",
                "favourite_removed",
                "list_created",
                "list_renamed",
                "list_deleted",
                "list_changed",
                "review_saved",
                "review_deleted",
                "searches_forgotten",
                "link_created",
                "link_revoked",
                "competence_sent",
                "recipient_added",
                "recipient_ended",
            ]
            .map(|k| format!("flash.{k}")),
        );
        wanted.extend(["given", "withdrawn"].map(|k| format!("consents.action_{k}")));
        wanted.extend(["page", "api"].map(|k| format!("consents.channel_{k}")));
        wanted.extend(["completion", "certificate"].map(|k| format!("competence.kind_{k}")));
        wanted.extend(
            domain::competence::DatabaseKind::ALL
                .map(|k| format!("competence.db_kind_{}", k.as_str())),
        );
        wanted.extend(
            domain::competence::DatabaseKind::ALL.map(|k| format!("competence.to_{}", k.as_str())),
        );
        wanted.extend(
            crate::audit::RELATION_KEYS
                .iter()
                .map(|k| format!("audit_relation.{k}")),
        );
        wanted.extend(
            crate::audit::FIELD_KEYS
                .iter()
                .map(|k| format!("audit_field.{}", k.replace('.', "_"))),
        );
        wanted.extend(["read", "change"].map(|k| format!("audit.action_{k}")));
        {
            use domain::learning::activity::{ActivityKind, RegistrationField};
            use domain::learning::course::{CompletionRule, CourseStatus, StaffRole, Visibility};
            use domain::learning::progress::{EnrollmentSource, EnrollmentStatus, ProgressStatus};
            wanted.extend(ActivityKind::ALL.map(|k| format!("activity_kind.{}", k.as_str())));
            wanted.extend(
                RegistrationField::ALL.map(|k| format!("registration_field.{}", k.as_str())),
            );
            wanted.extend(Visibility::ALL.map(|k| format!("visibility.{}", k.as_str())));
            wanted.extend(CourseStatus::ALL.map(|k| format!("course_status.{}", k.as_str())));
            wanted.extend(CompletionRule::ALL.map(|k| format!("completion_rule.{}", k.as_str())));
            wanted.extend(StaffRole::ALL.map(|k| format!("staff_role.{}", k.as_str())));
            wanted.extend(ProgressStatus::ALL.map(|k| format!("progress.{}", k.as_str())));
            wanted
                .extend(EnrollmentSource::ALL.map(|k| format!("enrollment_source.{}", k.as_str())));
            wanted
                .extend(EnrollmentStatus::ALL.map(|k| format!("enrollment_status.{}", k.as_str())));
            wanted.extend(
                [
                    "enrolled",
                    "quiz_passed",
                    "quiz_not_passed",
                    "survey_answered",
                    "registered",
                    "waitlisted",
                    "cancelled",
                    "handed_in",
                    "recorded",
                    "posted",
                    "deleted",
                    "graded",
                    "decided",
                    "shared",
                    "removed",
                    "assigned",
                ]
                .map(|k| format!("flash.{k}")),
            );
            wanted.extend(
                ["met", "expiring_soon", "expired", "due", "overdue"]
                    .map(|k| format!("requirement_status.{k}")),
            );
            wanted.extend(
                ["registered", "waitlisted", "cancelled"]
                    .map(|k| format!("registration_status.{k}")),
            );
            wanted.extend(["pending", "approved", "rejected"].map(|k| format!("approval.{k}")));
            wanted.extend(["passed", "not_passed", "pending"].map(|k| format!("grade.{k}")));
        }
        let missing: Vec<_> = wanted.iter().filter(|k| !nb.contains(*k)).collect();
        assert!(missing.is_empty(), "labels missing: {missing:?}");
    }

    #[test]
    fn nynorsk_falls_back_to_bokmal_per_key() {
        assert_eq!(
            Tr::new(Language::Nn).get("nav.logout"),
            Tr::new(Language::Nb).get("nav.logout")
        );
    }

    #[test]
    fn accept_language_picks_the_best_supported_language() {
        assert_eq!(negotiate(Some("en-GB,en;q=0.9,nb;q=0.8")), Language::En);
        assert_eq!(negotiate(Some("de-DE,nn;q=0.5")), Language::Nn);
        assert_eq!(negotiate(Some("de")), Language::Nb);
        assert_eq!(negotiate(None), Language::Nb);
    }
}
