//! Consents: the texts people consent to, whether a person's consent stands, and what one
//! change asks for. Pure: the store keeps the records, the web layer offers the forms.
//!
//! The purposes come from the data registry: every purpose whose basis is consent (Art. 6(1)(a))
//! and whose `consent_record` is [`RECORD`] has an entry in `consent_texts.toml` beside this
//! module, with versions that never change once published (nb, nn and en). A consent is given
//! or withdrawn to one version, in one step each ([`decide`]); it stands while the latest change
//! gave it and no later version needs consent again ([`Definition::stands`]). Data whose every
//! purpose is one consent purpose ([`held_only_for`]) is deleted when that consent is withdrawn.
//!
//! A purpose added later (a newsletter, analytics cookies) joins by declaring `consent_record =
//! "consent"` in the registry and its texts here; the features it governs ask
//! [`Consents::stands`].

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::org::Language;
use crate::registry::{LegalBasis, Problem, Registry, registry};
use crate::{FieldErrors, PersonId};

/// The texts as shipped.
pub const EMBEDDED: &str = include_str!("consent_texts.toml");

/// The registry's `consent_record` for consents kept in Tavle's consent log.
pub const RECORD: &str = "consent";

/// The registry's `consent_record` for the newsletter, proved by the confirmed subscription
/// itself (confirmation time and text version); its texts live here too.
pub const NEWSLETTER_RECORD: &str = "newsletter";

/// The consent purposes the code governs, each a registry purpose (a test proves it).
pub mod purposes {
    pub const FAVOURITES: &str = "favourites";
    pub const COURSE_REVIEWS: &str = "course_reviews";
    pub const SEARCH_HISTORY: &str = "search_history";
    pub const RECOMMENDATIONS: &str = "recommendations";
    pub const COMPETENCE_TO_EMPLOYER: &str = "competence_to_employer";
    pub const COMPETENCE_TO_DATABASES: &str = "competence_to_databases";
    pub const COMPETENCE_TO_COMMERCIAL_DATABASES: &str = "competence_to_commercial_databases";
    pub const COMPETENCE_TO_OTHERS: &str = "competence_to_others";
    pub const ANALYTICS_COOKIES: &str = "analytics_cookies";
    /// Not in the consent log (nor in [`ALL`]): a confirmed subscription is its record.
    pub const NEWSLETTER: &str = "newsletter";

    pub const ALL: &[&str] = &[
        FAVOURITES,
        COURSE_REVIEWS,
        SEARCH_HISTORY,
        RECOMMENDATIONS,
        COMPETENCE_TO_EMPLOYER,
        COMPETENCE_TO_DATABASES,
        COMPETENCE_TO_COMMERCIAL_DATABASES,
        COMPETENCE_TO_OTHERS,
        ANALYTICS_COOKIES,
    ];
}

/// A text in the three languages Tavle speaks. Consent texts are written out in nynorsk too:
/// a consent must be understood, so nothing falls back.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub nb: String,
    pub nn: String,
    pub en: String,
}

impl Text {
    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::Nb => &self.nb,
            Language::Nn => &self.nn,
            Language::En => &self.en,
        }
    }

    fn all(&self) -> [&str; 3] {
        [&self.nb, &self.nn, &self.en]
    }
}

/// One published version of a consent's text. Never changed once published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Version {
    pub version: u32,
    /// `YYYY-MM-DD`, the day it took effect.
    pub date: String,
    /// A change of wording only: consents to earlier versions still stand.
    #[serde(default)]
    pub minor: bool,
    pub title: Text,
    pub summary: Text,
    pub text: Text,
    /// SHA-256 of the purpose, number and every text (worked out when parsed).
    #[serde(skip_deserializing)]
    pub hash: String,
}

impl Version {
    fn hash_for(&self, purpose: &str) -> String {
        let mut h = Sha256::new();
        h.update(b"tavle-consent-text-v1\0");
        let version = self.version.to_string();
        let mut parts = vec![purpose, version.as_str()];
        for t in [&self.title, &self.summary, &self.text] {
            parts.extend(t.all());
        }
        for part in parts {
            // Length-prefixed, so no two different texts hash alike by moving a boundary.
            h.update((part.len() as u64).to_be_bytes());
            h.update(part.as_bytes());
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// One consent purpose and its versions, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    pub purpose: String,
    pub versions: Vec<Version>,
}

impl Definition {
    /// The version in force.
    pub fn current(&self) -> &Version {
        // Validation refuses a definition without versions.
        &self.versions[self.versions.len() - 1]
    }

    pub fn version(&self, number: u32) -> Option<&Version> {
        self.versions.iter().find(|v| v.version == number)
    }

    /// Whether a consent given to `version` still stands: no later version needs consent again.
    pub fn stands(&self, version: u32) -> bool {
        self.version(version).is_some()
            && !self
                .versions
                .iter()
                .any(|v| v.version > version && !v.minor)
    }
}

/// Every consent Tavle asks for, validated against the registry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub consents: Vec<Definition>,
}

fn problem(entry: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem {
        entry: entry.into(),
        message: message.into(),
    }
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

impl Catalogue {
    /// Parses the texts and checks them against `registry`; every problem names its entry.
    pub fn parse(text: &str, registry: &Registry) -> Result<Self, Vec<Problem>> {
        let mut catalogue: Catalogue = toml::from_str(text).map_err(|e| {
            vec![problem(
                "consent_texts.toml",
                e.to_string().trim().to_owned(),
            )]
        })?;
        let problems = catalogue.problems(registry);
        if !problems.is_empty() {
            return Err(problems);
        }
        for d in &mut catalogue.consents {
            for v in &mut d.versions {
                v.hash = v.hash_for(&d.purpose);
            }
        }
        Ok(catalogue)
    }

    fn problems(&self, registry: &Registry) -> Vec<Problem> {
        let mut out = Vec::new();
        for (i, d) in self.consents.iter().enumerate() {
            let entry = format!("consent {}", d.purpose);
            if self.consents[..i].iter().any(|x| x.purpose == d.purpose) {
                out.push(problem(&entry, "declared twice"));
            }
            match registry.purpose(&d.purpose) {
                None => out.push(problem(&entry, "not a purpose of the data registry")),
                Some(p) => {
                    if p.public_body.basis != LegalBasis::Consent
                        || p.private.basis != LegalBasis::Consent
                    {
                        out.push(problem(
                            &entry,
                            "the registry's basis for this purpose is not consent (6(1)(a)) for every kind of organisation",
                        ));
                    }
                    if !matches!(
                        p.consent_record.as_deref(),
                        Some(RECORD | NEWSLETTER_RECORD)
                    ) {
                        out.push(problem(
                            &entry,
                            format!("the registry's consent_record must be \"{RECORD}\" or \"{NEWSLETTER_RECORD}\""),
                        ));
                    }
                }
            }
            if d.versions.is_empty() {
                out.push(problem(&entry, "no versions"));
            }
            let mut date = String::new();
            for (n, v) in d.versions.iter().enumerate() {
                let entry = format!("consent {} version {}", d.purpose, v.version);
                if usize::try_from(v.version).ok() != Some(n + 1) {
                    out.push(problem(
                        &entry,
                        format!("versions are numbered 1, 2, … in order; expected {}", n + 1),
                    ));
                }
                if n == 0 && v.minor {
                    out.push(problem(
                        &entry,
                        "the first version cannot be a minor change",
                    ));
                }
                if !is_iso_date(&v.date) {
                    out.push(problem(&entry, "the date must be YYYY-MM-DD"));
                } else if v.date < date {
                    out.push(problem(&entry, "dated before the version it follows"));
                }
                date.clone_from(&v.date);
                for (what, t) in [
                    ("title", &v.title),
                    ("summary", &v.summary),
                    ("text", &v.text),
                ] {
                    for (lang, s) in [("nb", &t.nb), ("nn", &t.nn), ("en", &t.en)] {
                        if s.trim().is_empty() {
                            out.push(problem(&entry, format!("no {what} in {lang}")));
                        }
                    }
                }
            }
        }
        for p in &registry.purposes {
            if p.consent_record.as_deref() == Some(RECORD)
                && !self.consents.iter().any(|d| d.purpose == p.key)
            {
                out.push(problem(
                    format!("purpose {}", p.key),
                    "a consent kept in the consent log needs its texts in consent_texts.toml",
                ));
            }
        }
        out
    }

    pub fn get(&self, purpose: &str) -> Option<&Definition> {
        self.consents.iter().find(|d| d.purpose == purpose)
    }
}

static LOADED: LazyLock<Result<Catalogue, Vec<Problem>>> =
    LazyLock::new(|| Catalogue::parse(EMBEDDED, registry()));

/// The shipped texts, validated. `tavle serve` refuses to start when they are invalid
/// ([`load`]), and a unit test keeps them valid, so this never fails at run time.
pub fn catalogue() -> &'static Catalogue {
    match &*LOADED {
        Ok(c) => c,
        Err(problems) => panic!(
            "the embedded consent texts are invalid (run `tavle registry check`): {}",
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ),
    }
}

/// The shipped texts, or every problem found in them.
pub fn load() -> Result<&'static Catalogue, &'static [Problem]> {
    match &*LOADED {
        Ok(c) => Ok(c),
        Err(p) => Err(p),
    }
}

/// The tables whose every declared field serves `purpose` alone: what withdrawing that consent
/// deletes at once. Tables with a field kept for another purpose (the consent log, the record
/// of competence sent, kept for accountability) are not among them.
pub fn held_only_for<'a>(registry: &'a Registry, purpose: &str) -> Vec<&'a str> {
    let mut tables: Vec<&str> = Vec::new();
    for f in &registry.fields {
        let table = f.table();
        if tables.contains(&table) {
            continue;
        }
        let mut of_table = registry.fields.iter().filter(|g| g.table() == table);
        if of_table.all(|g| g.purposes.iter().all(|p| p == purpose)) {
            tables.push(table);
        }
    }
    tables
}

/// Whether a consent is given or withdrawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Given,
    Withdrawn,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Given => "given",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        match s {
            "given" => Ok(Self::Given),
            "withdrawn" => Ok(Self::Withdrawn),
            _ => Err("invalid_choice"),
        }
    }
}

/// Where a change was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Page,
    Api,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Page => "page",
            Self::Api => "api",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        match s {
            "page" => Ok(Self::Page),
            "api" => Ok(Self::Api),
            _ => Err("invalid_choice"),
        }
    }
}

/// The consents of one person that stand now, from their latest change per purpose.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Consents {
    standing: Vec<(String, u32)>,
}

impl Consents {
    /// From `(purpose, status, version)` of each purpose's latest change; consents to a version
    /// that a later one replaced (not as a minor change), or to purposes no longer offered, do
    /// not stand.
    pub fn from_latest<'a>(
        catalogue: &Catalogue,
        latest: impl IntoIterator<Item = (&'a str, Status, u32)>,
    ) -> Self {
        Self {
            standing: latest
                .into_iter()
                .filter(|(p, s, v)| {
                    *s == Status::Given && catalogue.get(p).is_some_and(|d| d.stands(*v))
                })
                .map(|(p, _, v)| (p.to_owned(), v))
                .collect(),
        }
    }

    pub fn stands(&self, purpose: &str) -> bool {
        self.standing.iter().any(|(p, _)| p == purpose)
    }

    /// The version the standing consent was given to.
    pub fn version(&self, purpose: &str) -> Option<u32> {
        self.standing
            .iter()
            .find(|(p, _)| p == purpose)
            .map(|(_, v)| *v)
    }
}

/// One change a person asks for: give (to the version of the text they read) or withdraw.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeInput {
    /// `true` gives the consent, `false` withdraws it.
    pub given: bool,
    /// The version of the text the person read: required to give (it must be the current one);
    /// optional to withdraw.
    #[serde(default)]
    pub version: Option<u32>,
    /// Whose consent the caller means to change. Left out, the caller's own; anyone else's is
    /// refused (`not_your_consent`). A form carries the id of the person it was shown to, so a
    /// form left open after someone else logged in on the same browser changes nothing.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Uuid))]
    pub person_id: Option<PersonId>,
}

/// What a change does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub purpose: String,
    pub status: Status,
    pub version: u32,
    /// The hash of that version's text.
    pub text_hash: String,
    /// Withdrawing: the consent stood or had been given, so data held for it goes now.
    pub withdraws: bool,
}

/// Why a change is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The change names another person.
    NotYours,
    /// An unknown purpose or version, or a version that is no longer the one to consent to.
    Invalid(FieldErrors),
}

/// What `actor` asking `input` for `purpose` does, given the purpose's latest change
/// (`latest`: status and version). `Ok(None)`: nothing changes (giving again what stands,
/// withdrawing what was never given), so nothing is recorded.
pub fn decide(
    catalogue: &Catalogue,
    actor: PersonId,
    purpose: &str,
    input: &ChangeInput,
    latest: Option<(Status, u32)>,
) -> Result<Option<Decision>, Refusal> {
    if input.person_id.is_some_and(|p| p != actor) {
        return Err(Refusal::NotYours);
    }
    // The newsletter's consent is given by confirming a subscription, not in the consent log.
    let Some(definition) = catalogue
        .get(purpose)
        .filter(|_| purpose != purposes::NEWSLETTER)
    else {
        return Err(Refusal::Invalid(FieldErrors::single(
            "purpose",
            "unknown_consent_purpose",
        )));
    };
    let seen = match input.version {
        Some(v) => match definition.version(v) {
            Some(version) => Some(version),
            None => {
                return Err(Refusal::Invalid(FieldErrors::single(
                    "version",
                    "unknown_consent_version",
                )));
            }
        },
        None => None,
    };
    let current = definition.current();
    if input.given {
        let Some(seen) = seen else {
            return Err(Refusal::Invalid(FieldErrors::single("version", "required")));
        };
        if seen.version != current.version {
            return Err(Refusal::Invalid(FieldErrors::single(
                "version",
                "consent_version_outdated",
            )));
        }
        if latest == Some((Status::Given, current.version)) {
            return Ok(None);
        }
        Ok(Some(Decision {
            purpose: definition.purpose.clone(),
            status: Status::Given,
            version: current.version,
            text_hash: current.hash.clone(),
            withdraws: false,
        }))
    } else {
        let Some((Status::Given, given_to)) = latest else {
            return Ok(None);
        };
        // The version the person saw when withdrawing, else the one they had consented to.
        let version = seen
            .or_else(|| definition.version(given_to))
            .unwrap_or(current);
        Ok(Some(Decision {
            purpose: definition.purpose.clone(),
            status: Status::Withdrawn,
            version: version.version,
            text_hash: version.hash.clone(),
            withdraws: true,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat() -> &'static Catalogue {
        catalogue()
    }

    #[test]
    fn the_shipped_texts_are_valid_and_cover_every_consent_purpose_of_the_registry() {
        let c = load().unwrap_or_else(|p| panic!("{p:?}"));
        for key in purposes::ALL {
            let d = c.get(key).unwrap_or_else(|| panic!("{key} has no texts"));
            let p = registry().purpose(key).expect("a registry purpose");
            assert_eq!(p.consent_record.as_deref(), Some(RECORD));
            assert_eq!(d.current().hash.len(), 64);
            for lang in Language::ALL {
                assert!(!d.current().text.get(lang).is_empty());
            }
        }
        // The consent-log purposes and the newsletter (its record is the subscription).
        assert_eq!(c.consents.len(), purposes::ALL.len() + 1);
        let p = registry()
            .purpose(purposes::NEWSLETTER)
            .expect("a registry purpose");
        assert_eq!(p.consent_record.as_deref(), Some(NEWSLETTER_RECORD));
    }

    #[test]
    fn the_newsletter_has_texts_but_its_record_is_the_subscription_not_the_consent_log() {
        assert!(cat().get(purposes::NEWSLETTER).is_some());
        assert!(!purposes::ALL.contains(&purposes::NEWSLETTER));
        let me = PersonId::new();
        let give = ChangeInput {
            given: true,
            version: Some(1),
            person_id: None,
        };
        assert!(matches!(
            decide(cat(), me, purposes::NEWSLETTER, &give, None),
            Err(Refusal::Invalid(_))
        ));
    }

    fn two_versions(minor: bool) -> Catalogue {
        let mut c = Catalogue {
            consents: vec![cat().get(purposes::FAVOURITES).expect("texts").clone()],
        };
        let mut v2 = c.consents[0].versions[0].clone();
        v2.version = 2;
        v2.minor = minor;
        v2.text.en.push_str(" More.");
        v2.hash = v2.hash_for(purposes::FAVOURITES);
        c.consents[0].versions.push(v2);
        c
    }

    #[test]
    fn a_consent_stands_until_a_later_version_needs_consent_again() {
        let major = two_versions(false);
        let d = &major.consents[0];
        assert!(!d.stands(1));
        assert!(d.stands(2));
        assert!(!d.stands(3));
        let minor = two_versions(true);
        assert!(minor.consents[0].stands(1));
        assert_ne!(
            minor.consents[0].versions[0].hash,
            minor.consents[0].versions[1].hash
        );
        let latest = [(purposes::FAVOURITES, Status::Given, 1)];
        assert!(!Consents::from_latest(&major, latest).stands(purposes::FAVOURITES));
        assert!(Consents::from_latest(&minor, latest).stands(purposes::FAVOURITES));
        let withdrawn = [(purposes::FAVOURITES, Status::Withdrawn, 2)];
        assert!(!Consents::from_latest(&major, withdrawn).stands(purposes::FAVOURITES));
        // Off by default: no change means no consent.
        assert!(!Consents::from_latest(&major, []).stands(purposes::FAVOURITES));
    }

    #[test]
    fn giving_needs_the_current_version_and_withdrawing_needs_nothing_more() {
        let me = PersonId::new();
        let give = ChangeInput {
            given: true,
            version: Some(1),
            person_id: None,
        };
        let d = decide(cat(), me, purposes::FAVOURITES, &give, None)
            .expect("ok")
            .expect("a change");
        assert_eq!(
            (d.status, d.version, d.withdraws),
            (Status::Given, 1, false)
        );
        assert_eq!(
            d.text_hash,
            cat()
                .get(purposes::FAVOURITES)
                .expect("texts")
                .current()
                .hash
        );
        // Giving again what stands changes nothing.
        assert_eq!(
            decide(
                cat(),
                me,
                purposes::FAVOURITES,
                &give,
                Some((Status::Given, 1))
            ),
            Ok(None)
        );
        let withdraw = ChangeInput::default();
        let d = decide(
            cat(),
            me,
            purposes::FAVOURITES,
            &withdraw,
            Some((Status::Given, 1)),
        )
        .expect("ok")
        .expect("a change");
        assert_eq!(
            (d.status, d.version, d.withdraws),
            (Status::Withdrawn, 1, true)
        );
        // Withdrawing what was never given, or is withdrawn, changes nothing.
        assert_eq!(
            decide(cat(), me, purposes::FAVOURITES, &withdraw, None),
            Ok(None)
        );
        assert_eq!(
            decide(
                cat(),
                me,
                purposes::FAVOURITES,
                &withdraw,
                Some((Status::Withdrawn, 1))
            ),
            Ok(None)
        );
    }

    #[test]
    fn bad_changes_are_refused_with_the_reason() {
        let me = PersonId::new();
        let code = |r: Result<Option<Decision>, Refusal>| match r {
            Err(Refusal::Invalid(e)) => e.0[0].code.clone(),
            other => panic!("{other:?}"),
        };
        let give = |version| ChangeInput {
            given: true,
            version,
            person_id: None,
        };
        assert_eq!(
            code(decide(cat(), me, "newsletter", &give(Some(1)), None)),
            "unknown_consent_purpose"
        );
        assert_eq!(
            code(decide(cat(), me, "nope", &give(Some(1)), None)),
            "unknown_consent_purpose"
        );
        assert_eq!(
            code(decide(
                cat(),
                me,
                purposes::FAVOURITES,
                &give(Some(9)),
                None
            )),
            "unknown_consent_version"
        );
        assert_eq!(
            code(decide(cat(), me, purposes::FAVOURITES, &give(None), None)),
            "required"
        );
        let major = two_versions(false);
        assert_eq!(
            code(decide(
                &major,
                me,
                purposes::FAVOURITES,
                &give(Some(1)),
                None
            )),
            "consent_version_outdated"
        );
        let someone_else = ChangeInput {
            person_id: Some(PersonId::new()),
            ..give(Some(1))
        };
        assert_eq!(
            decide(cat(), me, purposes::FAVOURITES, &someone_else, None),
            Err(Refusal::NotYours)
        );
        let myself = ChangeInput {
            person_id: Some(me),
            ..give(Some(1))
        };
        assert!(decide(cat(), me, purposes::FAVOURITES, &myself, None).is_ok());
    }

    #[test]
    fn a_lapsed_consent_can_be_withdrawn_and_given_again_to_the_new_version() {
        let major = two_versions(false);
        let me = PersonId::new();
        let d = decide(
            &major,
            me,
            purposes::FAVOURITES,
            &ChangeInput::default(),
            Some((Status::Given, 1)),
        )
        .expect("ok")
        .expect("change");
        assert_eq!((d.version, d.withdraws), (1, true));
        let d = decide(
            &major,
            me,
            purposes::FAVOURITES,
            &ChangeInput {
                given: true,
                version: Some(2),
                person_id: None,
            },
            Some((Status::Given, 1)),
        )
        .expect("ok")
        .expect("change");
        assert_eq!(d.version, 2);
    }

    #[test]
    fn withdrawing_deletes_the_tables_held_only_for_the_purpose() {
        let r = registry();
        assert_eq!(
            held_only_for(r, purposes::FAVOURITES),
            ["favourite_lists", "favourites", "favourite_list_items"]
        );
        assert_eq!(
            held_only_for(r, purposes::COURSE_REVIEWS),
            ["course_reviews"]
        );
        assert_eq!(
            held_only_for(r, purposes::SEARCH_HISTORY),
            ["catalogue_searches"]
        );
        assert_eq!(
            held_only_for(r, purposes::COMPETENCE_TO_OTHERS),
            ["share_links"]
        );
        // Recommendations are worked out, never stored; the record of competence sent is kept
        // for accountability.
        assert!(held_only_for(r, purposes::RECOMMENDATIONS).is_empty());
        assert!(held_only_for(r, purposes::COMPETENCE_TO_EMPLOYER).is_empty());
        // Nothing else is ever held for a consent alone.
        assert!(held_only_for(r, "account").is_empty());
    }

    #[test]
    fn a_text_file_out_of_step_with_the_registry_names_each_problem() {
        let bad = EMBEDDED
            .replacen("purpose = \"favourites\"", "purpose = \"favorites\"", 1)
            .replacen(
                "version = 1\ndate = \"2026-12-01\"",
                "version = 2\ndate = \"01.12.2026\"",
                1,
            );
        let problems = Catalogue::parse(&bad, registry()).expect_err("invalid");
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            text.contains(&"consent favorites: not a purpose of the data registry".to_owned()),
            "{text:?}"
        );
        assert!(text.iter().any(|t| t.contains("expected 1")), "{text:?}");
        assert!(text.iter().any(|t| t.contains("YYYY-MM-DD")), "{text:?}");
        assert!(
            text.contains(
                &"purpose favourites: a consent kept in the consent log needs its texts in consent_texts.toml"
                    .to_owned()
            ),
            "{text:?}"
        );
    }
}
