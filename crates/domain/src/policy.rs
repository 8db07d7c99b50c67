//! Policies and their acceptance (GDPR Art. 7(1), 13; PRIVACY-DOMAIN R2, R3; KS-1, KS-2, DFO-1,
//! NDLA-15), without I/O.
//!
//! A *policy* (privacy notice, terms of use, cookie notice, other) belongs to the platform or
//! to one organisation and has numbered, immutable *versions*: a draft is published (it becomes
//! active and the active one before it is retired), and an active one may be retired without a
//! successor. Each version carries a title, a short summary and the full text in one or more of
//! the languages, an [`Audience`], whether people of that audience must accept it before using
//! the service (`mandatory`), and whether it is a *minor* change that asks nobody again.
//!
//! **Who accepts how.** The way a person accepts follows from how they stand with the policy's
//! controller ([`Group`]): an employee *acknowledges* (the basis of the processing is the
//! employment, never consent, so employees never see consent wording), everyone else *consents*
//! and may withdraw ([`AcceptanceKind::for_groups`]).
//!
//! **When someone must accept again.** A published version records `requires_from`: the number
//! of the newest version at or before it that was not a minor change ([`requires_from`]). A
//! person satisfies the active version when they accepted (and did not withdraw) any version of
//! the policy numbered at least that ([`satisfied`]). So a person who accepted v1 is held after a
//! major v2 and is not after a minor v3; one who never accepted v2 must accept v3.
//!
//! **The privacy notice** is not typed in: its versions snapshot the notice generated from the
//! data registry ([`crate::registry::notice`]) as Markdown ([`notice_markdown`]), with the
//! registry version and content hash, and a new version is due when the registry's version rose
//! past the snapshot's ([`notice_outdated`]).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::Date;

use crate::learning::course::flag;
use crate::org::Language;
use crate::person::MembershipKind;
use crate::registry::notice::Notice;
use crate::validation::FieldErrors;

/// What kind of document a policy is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyKind {
    PrivacyNotice,
    TermsOfUse,
    CookieNotice,
    Other,
}

impl PolicyKind {
    pub const ALL: [Self; 4] = [
        Self::PrivacyNotice,
        Self::TermsOfUse,
        Self::CookieNotice,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PrivacyNotice => "privacy_notice",
            Self::TermsOfUse => "terms_of_use",
            Self::CookieNotice => "cookie_notice",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or("invalid_choice")
    }

    /// The privacy notice's text is generated from the registry, never typed in.
    pub fn is_generated(self) -> bool {
        self == Self::PrivacyNotice
    }
}

/// How a person stands with a policy's controller, from their memberships.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Employee,
    Student,
    /// External or self-registered members, and (for platform policies) people without any
    /// organisation.
    External,
}

impl Group {
    pub fn of(kind: MembershipKind) -> Self {
        match kind {
            MembershipKind::Employee => Self::Employee,
            MembershipKind::Student => Self::Student,
            MembershipKind::External | MembershipKind::SelfRegistered => Self::External,
        }
    }

    /// The groups of a person's current memberships with a controller. For the platform
    /// (`platform`: every current membership anywhere) a person without any is external: the
    /// operator is then their controller (DESIGN.md §3b).
    pub fn of_memberships(
        kinds: impl IntoIterator<Item = MembershipKind>,
        platform: bool,
    ) -> Vec<Self> {
        let mut out = Vec::new();
        for k in kinds {
            let g = Self::of(k);
            if !out.contains(&g) {
                out.push(g);
            }
        }
        if platform && out.is_empty() {
            out.push(Self::External);
        }
        out
    }
}

/// Who a policy version is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Employees,
    Students,
    ExternalUsers,
    Everyone,
}

impl Audience {
    pub const ALL: [Self; 4] = [
        Self::Everyone,
        Self::Employees,
        Self::Students,
        Self::ExternalUsers,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Employees => "employees",
            Self::Students => "students",
            Self::ExternalUsers => "external_users",
            Self::Everyone => "everyone",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str() == s.trim())
            .ok_or("invalid_choice")
    }

    /// The groups it is for.
    pub fn groups(self) -> &'static [Group] {
        match self {
            Self::Employees => &[Group::Employee],
            Self::Students => &[Group::Student],
            Self::ExternalUsers => &[Group::External],
            Self::Everyone => &[Group::Employee, Group::Student, Group::External],
        }
    }

    /// Whether a person in `groups` is in the audience.
    pub fn covers(self, groups: &[Group]) -> bool {
        self.groups().iter().any(|g| groups.contains(g))
    }

    /// How each group of the audience accepts, for the list of policies ("employees
    /// acknowledge, students and external users consent").
    pub fn kinds(self) -> Vec<(Group, AcceptanceKind)> {
        self.groups()
            .iter()
            .map(|&g| (g, AcceptanceKind::for_groups(&[g])))
            .collect()
    }
}

/// How a person accepts a version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AcceptanceKind {
    /// "I have read this": the processing rests on the employment (or another basis), not on
    /// the acceptance.
    Acknowledgement,
    /// GDPR Art. 6(1)(a): freely given, and withdrawable as easily.
    Consent,
}

impl AcceptanceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Acknowledgement => "acknowledgement",
            Self::Consent => "consent",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        match s {
            "acknowledgement" => Ok(Self::Acknowledgement),
            "consent" => Ok(Self::Consent),
            _ => Err("invalid_choice"),
        }
    }

    /// An employee acknowledges: consent is not freely given in an employment, and the basis
    /// is the employment. Everyone else consents. `groups` are the person's groups within the
    /// version's audience.
    pub fn for_groups(groups: &[Group]) -> Self {
        if groups.contains(&Group::Employee) {
            Self::Acknowledgement
        } else {
            Self::Consent
        }
    }

    /// How a person in `groups` accepts a version for `audience`: by their groups in it.
    pub fn for_person(audience: Audience, groups: &[Group]) -> Self {
        let within: Vec<Group> = groups
            .iter()
            .copied()
            .filter(|g| audience.groups().contains(g))
            .collect();
        Self::for_groups(&within)
    }
}

/// Where a version is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionStatus {
    Draft,
    Active,
    Retired,
}

impl VersionStatus {
    pub const ALL: [Self; 3] = [Self::Draft, Self::Active, Self::Retired];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Active => "active",
            Self::Retired => "retired",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or("invalid_choice")
    }

    /// Only a draft is published.
    pub fn check_publish(self) -> Result<(), &'static str> {
        match self {
            Self::Draft => Ok(()),
            _ => Err("policy_version_not_draft"),
        }
    }

    /// Only the active version is retired by hand.
    pub fn check_retire(self) -> Result<(), &'static str> {
        match self {
            Self::Active => Ok(()),
            _ => Err("policy_version_not_active"),
        }
    }

    /// Only the active version can be accepted. A draft is nobody's to accept (it answers as
    /// an unknown version); a retired one was replaced.
    pub fn check_accept(self) -> Result<(), &'static str> {
        match self {
            Self::Active => Ok(()),
            Self::Retired => Err("policy_version_retired"),
            Self::Draft => Err("unknown_policy_version"),
        }
    }
}

/// A version's text in one language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyText {
    pub title: String,
    /// A short summary shown above the full text (KS-2).
    pub summary: String,
    /// The full text, in Markdown (raw HTML is dropped when shown).
    pub body: String,
}

/// A version's texts, one per language, in [`Language::ALL`] order; never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Texts(Vec<(Language, PolicyText)>);

impl Texts {
    /// At least one text, at most one per language.
    pub fn new(mut texts: Vec<(Language, PolicyText)>) -> Result<Self, &'static str> {
        if texts.is_empty() {
            return Err("one_language_required");
        }
        texts.sort_by_key(|(l, _)| Language::ALL.iter().position(|x| x == l));
        if texts.windows(2).any(|w| w[0].0 == w[1].0) {
            return Err("duplicate_language");
        }
        Ok(Self(texts))
    }

    pub fn all(&self) -> &[(Language, PolicyText)] {
        &self.0
    }

    pub fn languages(&self) -> Vec<Language> {
        self.0.iter().map(|(l, _)| *l).collect()
    }

    pub fn get(&self, language: Language) -> Option<&PolicyText> {
        self.0.iter().find(|(l, _)| *l == language).map(|(_, t)| t)
    }

    /// The text to show someone reading `language`: theirs, else bokmål for nynorsk (and the
    /// other way round), else the first there is. Returns the language shown, which is what an
    /// acceptance records.
    pub fn best(&self, language: Language) -> (Language, &PolicyText) {
        let fallback = match language {
            Language::Nn => Some(Language::Nb),
            Language::Nb => Some(Language::Nn),
            Language::En => None,
        };
        let found = std::iter::once(language)
            .chain(fallback)
            .chain([Language::Nb, Language::En, Language::Nn])
            .find_map(|l| self.get(l).map(|t| (l, t)));
        match found {
            Some(found) => found,
            // `Texts` is never empty.
            None => (self.0[0].0, &self.0[0].1),
        }
    }
}

/// What an acceptance proves: a version's content, hashed (SHA-256, hex) over its audience,
/// whether it is mandatory and every text, in a canonical form.
pub fn content_hash(audience: Audience, mandatory: bool, texts: &Texts) -> String {
    let mut h = Sha256::new();
    let mut field = |s: &str| {
        h.update((s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    };
    field("tavle-policy-version-1");
    field(audience.as_str());
    field(if mandatory { "mandatory" } else { "optional" });
    for (l, t) in texts.all() {
        field(l.code());
        field(&t.title);
        field(&t.summary);
        field(&t.body);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A version's settings, validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Terms {
    pub audience: Audience,
    pub mandatory: bool,
    pub minor: bool,
}

/// A new version as a form or JSON body gives it: settings, and title, summary and text per
/// language (`title_nb`, `summary_nb`, `body_nb`, …; a language left wholly empty is absent).
/// A privacy notice's texts are generated, so its text fields are ignored.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionInput {
    /// `everyone`, `employees`, `students` or `external_users`.
    #[serde(default)]
    pub audience: String,
    /// People of the audience must accept it before using the service (`on`, `true`).
    #[serde(default)]
    pub mandatory: String,
    /// A minor change: whoever accepted the version before need not accept again (`on`, `true`).
    #[serde(default)]
    pub minor: String,
    #[serde(default)]
    pub title_nb: String,
    #[serde(default)]
    pub summary_nb: String,
    #[serde(default)]
    pub body_nb: String,
    #[serde(default)]
    pub title_nn: String,
    #[serde(default)]
    pub summary_nn: String,
    #[serde(default)]
    pub body_nn: String,
    #[serde(default)]
    pub title_en: String,
    #[serde(default)]
    pub summary_en: String,
    #[serde(default)]
    pub body_en: String,
}

pub const TITLE_MAX: usize = 200;
pub const SUMMARY_MAX: usize = 2_000;
pub const BODY_MAX: usize = 200_000;

impl VersionInput {
    fn fields(&self, language: Language) -> [(&'static str, &str, usize); 3] {
        match language {
            Language::Nb => [
                ("title_nb", &self.title_nb, TITLE_MAX),
                ("summary_nb", &self.summary_nb, SUMMARY_MAX),
                ("body_nb", &self.body_nb, BODY_MAX),
            ],
            Language::Nn => [
                ("title_nn", &self.title_nn, TITLE_MAX),
                ("summary_nn", &self.summary_nn, SUMMARY_MAX),
                ("body_nn", &self.body_nn, BODY_MAX),
            ],
            Language::En => [
                ("title_en", &self.title_en, TITLE_MAX),
                ("summary_en", &self.summary_en, SUMMARY_MAX),
                ("body_en", &self.body_en, BODY_MAX),
            ],
        }
    }

    /// The settings, with their errors added to `errors`.
    pub fn terms(&self, errors: &mut FieldErrors) -> Option<Terms> {
        let audience = errors.check("audience", Audience::parse(&self.audience));
        audience.map(|audience| Terms {
            audience,
            mandatory: flag(&self.mandatory),
            minor: flag(&self.minor),
        })
    }

    /// The texts: a language is present when any of its three fields is filled, and then all
    /// three are required. At least one language is.
    pub fn texts(&self, errors: &mut FieldErrors) -> Option<Texts> {
        let mut texts = Vec::new();
        let before = errors.0.len();
        for language in Language::ALL {
            let fields = self.fields(language);
            if fields.iter().all(|(_, v, _)| v.trim().is_empty()) {
                continue;
            }
            let mut values = Vec::new();
            for (name, value, max) in fields {
                let value = value.trim();
                if value.is_empty() {
                    errors.add(name, "required");
                } else if value.chars().count() > max {
                    errors.add(name, "too_long");
                } else {
                    values.push(value.replace("\r\n", "\n"));
                }
            }
            if let [title, summary, body] = values.as_slice() {
                texts.push((
                    language,
                    PolicyText {
                        title: title.clone(),
                        summary: summary.clone(),
                        body: body.clone(),
                    },
                ));
            }
        }
        if texts.is_empty() && errors.0.len() == before {
            errors.add("title_nb", "one_language_required");
            return None;
        }
        (errors.0.len() == before)
            .then(|| Texts::new(texts).ok())
            .flatten()
    }

    /// The form's values for a version being copied into a new draft.
    pub fn from_version(terms: Terms, texts: &Texts) -> Self {
        let mut input = Self {
            audience: terms.audience.as_str().to_owned(),
            mandatory: if terms.mandatory { "on" } else { "" }.to_owned(),
            ..Default::default()
        };
        for (l, t) in texts.all() {
            let (title, summary, body) = match l {
                Language::Nb => (
                    &mut input.title_nb,
                    &mut input.summary_nb,
                    &mut input.body_nb,
                ),
                Language::Nn => (
                    &mut input.title_nn,
                    &mut input.summary_nn,
                    &mut input.body_nn,
                ),
                Language::En => (
                    &mut input.title_en,
                    &mut input.summary_en,
                    &mut input.body_en,
                ),
            };
            title.clone_from(&t.title);
            summary.clone_from(&t.summary);
            body.clone_from(&t.body);
        }
        input
    }
}

/// A published version, as far as acceptance is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Published {
    pub number: u32,
    pub requires_from: u32,
}

/// The `requires_from` of version `number` when it is published after `previous` (the newest
/// published version before it, if any): a minor change keeps the previous one's, anything
/// else asks everyone again from itself. A first version cannot be minor.
pub fn requires_from(
    number: u32,
    minor: bool,
    previous: Option<Published>,
) -> Result<u32, &'static str> {
    match (minor, previous) {
        (true, None) => Err("minor_needs_previous"),
        (true, Some(p)) => Ok(p.requires_from),
        (false, _) => Ok(number),
    }
}

/// Whether accepted (not withdrawn) versions `accepted` of a policy satisfy its active version.
pub fn satisfied(requires_from: u32, accepted: impl IntoIterator<Item = u32>) -> bool {
    accepted.into_iter().any(|n| n >= requires_from)
}

/// An active version as the gate weighs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gate {
    pub audience: Audience,
    pub mandatory: bool,
    pub requires_from: u32,
}

impl Gate {
    /// Whether a person in `groups` (with the version's controller), who accepted versions
    /// `accepted` of the policy, must accept this version before using the service.
    pub fn holds(&self, groups: &[Group], accepted: impl IntoIterator<Item = u32>) -> bool {
        self.mandatory && self.audience.covers(groups) && !satisfied(self.requires_from, accepted)
    }
}

/// Whether a privacy-notice version snapshotting registry `snapshot` (its version) is out of
/// date: the registry's version rose (a material change), so people must be asked again.
pub fn notice_outdated(snapshot: Option<u32>, registry_version: u32) -> bool {
    snapshot.is_none_or(|v| v < registry_version)
}

/// A new privacy-notice version may be a minor change only while the registry's version is the
/// one the last published version snapshot: a material change asks everyone again.
pub fn check_notice_minor(
    minor: bool,
    last_snapshot: Option<u32>,
    registry_version: u32,
) -> Result<(), &'static str> {
    if minor && notice_outdated(last_snapshot, registry_version) {
        Err("minor_not_after_material_change")
    } else {
        Ok(())
    }
}

/// The date a request received on `received` must be answered by: one calendar month later
/// (GDPR Art. 12(3)), on the month's last day when it has no such day (31 January → 28/29
/// February).
pub fn one_month_after(received: Date) -> Date {
    let (year, month) = match received.month().next() {
        time::Month::January => (received.year() + 1, time::Month::January),
        next => (received.year(), next),
    };
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, received.day().min(last)).unwrap_or(received)
}

/// Escapes text for Markdown so that names and descriptions show as written.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The privacy notice as Markdown, the text a privacy-notice version snapshots. Headings and
/// fixed wording come from the catalogue through `wording` (the keys the notice page uses).
pub fn notice_markdown(n: &Notice, wording: crate::registry::notice::Wording<'_>) -> String {
    use std::fmt::Write;
    let w = |key: &str| md(&wording(key));
    let mut out = String::new();
    let _ = writeln!(out, "## {}\n", w("privacy.controller"));
    let _ = writeln!(out, "{}\n", w("privacy.controller_help"));
    let _ = writeln!(
        out,
        "- {}: {}",
        w("privacy.controller"),
        md(&n.controller.name)
    );
    let _ = writeln!(
        out,
        "- {}: {}",
        w("privacy.contact"),
        n.controller.email.as_deref().map_or("–".to_owned(), md)
    );
    let dpo = match &n.dpo {
        Some(d) => match &d.email {
            Some(e) => format!("{}, {}", md(&d.name), md(e)),
            None => md(&d.name),
        },
        None => w("privacy.dpo_none"),
    };
    let _ = writeln!(out, "- {}: {dpo}\n", w("privacy.dpo"));
    let _ = writeln!(out, "## {}\n", w("privacy.purposes"));
    for p in &n.purposes {
        let _ = writeln!(out, "### {}\n", md(&p.name));
        let _ = writeln!(out, "{}\n", md(&p.description));
        let law = p
            .basis
            .law
            .as_deref()
            .map(|l| format!("; {}: {}", w("privacy.law"), md(l)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "- {}: {}{law}",
            w("privacy.basis"),
            md(&p.basis.article)
        );
        let categories: Vec<String> = p
            .categories
            .iter()
            .map(|c| {
                if c.special {
                    format!("{} ({})", md(&c.name), w("privacy.special"))
                } else {
                    md(&c.name)
                }
            })
            .collect();
        let _ = writeln!(
            out,
            "- {}: {}",
            w("privacy.categories"),
            categories.join(", ")
        );
        let sources: Vec<String> = p.sources.iter().map(|s| md(s)).collect();
        let _ = writeln!(out, "- {}: {}", w("privacy.sources"), sources.join("; "));
        let recipients = if p.recipients.is_empty() {
            w("privacy.recipients_none")
        } else {
            p.recipients
                .iter()
                .map(|r| md(&r.name))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let _ = writeln!(out, "- {}: {recipients}", w("privacy.recipients"));
        for r in &p.retention {
            let rules: Vec<String> = r.rules.iter().map(|x| md(x)).collect();
            let _ = writeln!(
                out,
                "- {} ({}): {}",
                w("privacy.retention"),
                md(&r.category),
                rules.join(" ")
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## {}\n", w("privacy.transfers"));
    if n.transfers.is_empty() {
        let _ = writeln!(out, "{}\n", w("privacy.transfers_none"));
    } else {
        for x in &n.transfers {
            let country = x
                .country
                .as_deref()
                .map(|c| format!(" ({})", md(c)))
                .unwrap_or_default();
            let safeguards = x
                .safeguards
                .as_deref()
                .map(|g| format!(": {}", md(g)))
                .unwrap_or_default();
            let _ = writeln!(out, "- {}{country}{safeguards}", md(&x.to));
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{}: {}\n",
        w("privacy.sub_processors_link"),
        n.sub_processors_link
    );
    let _ = writeln!(out, "## {}\n", w("privacy.rights"));
    for r in &n.rights {
        let _ = writeln!(
            out,
            "- **{}** ({}): {}",
            md(&r.name),
            md(&r.article),
            md(&r.how)
        );
    }
    let _ = writeln!(
        out,
        "\n{} {}\n",
        md(&wording("privacy.authority").replace("{authority}", &n.authority.name)),
        n.authority.url
    );
    let version = n.registry_version.to_string();
    let _ = writeln!(
        out,
        "{}: {}. {}",
        w("privacy.last_changed"),
        md(&n.last_changed),
        md(&wording("privacy.version")
            .replace("{version}", &version)
            .replace("{hash}", &n.content_hash))
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn coded_enums_serialise_as_their_stored_codes() {
        let code = |v: serde_json::Value| v.as_str().map(str::to_owned);
        for k in PolicyKind::ALL {
            assert_eq!(code(serde_json::json!(k)).as_deref(), Some(k.as_str()));
            assert_eq!(PolicyKind::parse(k.as_str()), Ok(k));
        }
        for a in Audience::ALL {
            assert_eq!(code(serde_json::json!(a)).as_deref(), Some(a.as_str()));
            assert_eq!(Audience::parse(a.as_str()), Ok(a));
        }
        for s in VersionStatus::ALL {
            assert_eq!(code(serde_json::json!(s)).as_deref(), Some(s.as_str()));
        }
        for k in [AcceptanceKind::Acknowledgement, AcceptanceKind::Consent] {
            assert_eq!(AcceptanceKind::parse(k.as_str()), Ok(k));
        }
        assert_eq!(Audience::parse("managers"), Err("invalid_choice"));
    }

    /// DFO-1: employees acknowledge, everyone else consents; never consent for an employee.
    #[test]
    fn employees_acknowledge_and_everyone_else_consents() {
        use AcceptanceKind::*;
        assert_eq!(
            AcceptanceKind::for_person(Audience::Everyone, &[Group::Employee]),
            Acknowledgement
        );
        assert_eq!(
            AcceptanceKind::for_person(Audience::Everyone, &[Group::Student]),
            Consent
        );
        assert_eq!(
            AcceptanceKind::for_person(Audience::Everyone, &[Group::External]),
            Consent
        );
        // An employee who is also external acknowledges a policy for everyone…
        assert_eq!(
            AcceptanceKind::for_person(Audience::Everyone, &[Group::External, Group::Employee]),
            Acknowledgement
        );
        // …and consents to one only for external users.
        assert_eq!(
            AcceptanceKind::for_person(
                Audience::ExternalUsers,
                &[Group::External, Group::Employee]
            ),
            Consent
        );
        for (g, k) in Audience::Everyone.kinds() {
            assert_eq!(k == Acknowledgement, g == Group::Employee);
        }
    }

    #[test]
    fn groups_come_from_memberships_and_nobody_is_nothing_to_the_platform() {
        assert_eq!(
            Group::of_memberships(
                [MembershipKind::SelfRegistered, MembershipKind::External],
                false
            ),
            vec![Group::External]
        );
        assert_eq!(Group::of_memberships([], true), vec![Group::External]);
        assert_eq!(Group::of_memberships([], false), Vec::<Group>::new());
        assert!(Audience::Everyone.covers(&[Group::Student]));
        assert!(!Audience::Employees.covers(&[Group::Student, Group::External]));
        assert!(!Audience::Everyone.covers(&[]));
    }

    /// R2: a person who accepted v1 is held after a major v2, not after a minor v3; one who
    /// never accepted v2 must accept v3.
    #[test]
    fn minor_versions_ask_nobody_again_and_major_ones_ask_everyone() {
        assert_eq!(requires_from(1, true, None), Err("minor_needs_previous"));
        let v1 = Published {
            number: 1,
            requires_from: requires_from(1, false, None).expect("v1"),
        };
        let v2 = Published {
            number: 2,
            requires_from: requires_from(2, false, Some(v1)).expect("v2"),
        };
        let v3 = Published {
            number: 3,
            requires_from: requires_from(3, true, Some(v2)).expect("v3"),
        };
        assert_eq!(
            (v1.requires_from, v2.requires_from, v3.requires_from),
            (1, 2, 2)
        );
        let gate = |v: Published| Gate {
            audience: Audience::Everyone,
            mandatory: true,
            requires_from: v.requires_from,
        };
        let employee = [Group::Employee];
        assert!(!gate(v1).holds(&employee, [1]));
        assert!(gate(v2).holds(&employee, [1]), "held after a major v2");
        assert!(!gate(v3).holds(&employee, [1, 2]), "not after a minor v3");
        assert!(gate(v3).holds(&employee, [1]), "v2 was never accepted");
        assert!(!gate(v3).holds(&employee, [3]));
        assert!(gate(v1).holds(&employee, []));
        // Not mandatory, or not for them: never held.
        let optional = Gate {
            mandatory: false,
            ..gate(v1)
        };
        assert!(!optional.holds(&employee, []));
        let students = Gate {
            audience: Audience::Students,
            ..gate(v1)
        };
        assert!(!students.holds(&employee, []));
    }

    #[test]
    fn only_drafts_publish_only_active_versions_retire_or_are_accepted() {
        use VersionStatus::*;
        assert_eq!(Draft.check_publish(), Ok(()));
        assert_eq!(Active.check_publish(), Err("policy_version_not_draft"));
        assert_eq!(Active.check_retire(), Ok(()));
        assert_eq!(Retired.check_retire(), Err("policy_version_not_active"));
        assert_eq!(Active.check_accept(), Ok(()));
        assert_eq!(Retired.check_accept(), Err("policy_version_retired"));
        assert_eq!(Draft.check_accept(), Err("unknown_policy_version"));
    }

    fn input() -> VersionInput {
        VersionInput {
            audience: "everyone".into(),
            mandatory: "on".into(),
            title_nb: "Vilkår".into(),
            summary_nb: "Kort".into(),
            body_nb: "Lang\r\ntekst".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_version_needs_one_whole_language_and_reports_every_gap() {
        let mut errors = FieldErrors::new();
        let terms = input().terms(&mut errors).expect("terms");
        let texts = input().texts(&mut errors).expect("texts");
        assert!(errors.is_empty());
        assert_eq!(
            terms,
            Terms {
                audience: Audience::Everyone,
                mandatory: true,
                minor: false
            }
        );
        assert_eq!(texts.languages(), vec![Language::Nb]);
        assert_eq!(
            texts.get(Language::Nb).map(|t| t.body.as_str()),
            Some("Lang\ntekst")
        );

        let mut errors = FieldErrors::new();
        let none = VersionInput {
            audience: "all".into(),
            ..Default::default()
        };
        assert!(none.terms(&mut errors).is_none());
        assert!(none.texts(&mut errors).is_none());
        assert_eq!(errors.for_field("audience"), Some("invalid_choice"));
        assert_eq!(errors.for_field("title_nb"), Some("one_language_required"));

        let mut errors = FieldErrors::new();
        let partial = VersionInput {
            title_en: "Terms".into(),
            body_nb: "x".repeat(BODY_MAX + 1),
            ..input()
        };
        assert!(partial.texts(&mut errors).is_none());
        assert_eq!(errors.for_field("summary_en"), Some("required"));
        assert_eq!(errors.for_field("body_en"), Some("required"));
        assert_eq!(errors.for_field("body_nb"), Some("too_long"));
    }

    #[test]
    fn readers_get_their_language_else_the_nearest_one() {
        let text = |t: &str| PolicyText {
            title: t.into(),
            summary: t.into(),
            body: t.into(),
        };
        let only_nb = Texts::new(vec![(Language::Nb, text("nb"))]).expect("texts");
        assert_eq!(only_nb.best(Language::En).0, Language::Nb);
        assert_eq!(only_nb.best(Language::Nn).0, Language::Nb);
        let nn_en =
            Texts::new(vec![(Language::En, text("en")), (Language::Nn, text("nn"))]).expect("t");
        assert_eq!(nn_en.languages(), vec![Language::Nn, Language::En]);
        assert_eq!(nn_en.best(Language::Nb).0, Language::Nn);
        assert_eq!(nn_en.best(Language::En).0, Language::En);
        assert_eq!(Texts::new(vec![]), Err("one_language_required"));
        assert_eq!(
            Texts::new(vec![(Language::Nb, text("a")), (Language::Nb, text("b"))]),
            Err("duplicate_language")
        );
    }

    #[test]
    fn the_content_hash_covers_every_text_and_setting() {
        let mut errors = FieldErrors::new();
        let texts = input().texts(&mut errors).expect("texts");
        let h = content_hash(Audience::Everyone, true, &texts);
        assert_eq!(h.len(), 64);
        assert_eq!(h, content_hash(Audience::Everyone, true, &texts));
        assert_ne!(h, content_hash(Audience::Employees, true, &texts));
        assert_ne!(h, content_hash(Audience::Everyone, false, &texts));
        let changed = VersionInput {
            summary_nb: "Kortere".into(),
            ..input()
        }
        .texts(&mut errors)
        .expect("texts");
        assert_ne!(h, content_hash(Audience::Everyone, true, &changed));
        let copied = VersionInput::from_version(
            Terms {
                audience: Audience::Everyone,
                mandatory: true,
                minor: false,
            },
            &texts,
        );
        assert_eq!(copied.texts(&mut errors), Some(texts));
    }

    #[test]
    fn a_notice_is_outdated_once_the_registry_version_rose() {
        assert!(notice_outdated(None, 3));
        assert!(notice_outdated(Some(3), 4));
        assert!(!notice_outdated(Some(4), 4));
        assert_eq!(check_notice_minor(true, Some(4), 4), Ok(()));
        assert_eq!(
            check_notice_minor(true, Some(3), 4),
            Err("minor_not_after_material_change")
        );
        assert_eq!(check_notice_minor(false, Some(3), 4), Ok(()));
    }

    #[test]
    fn requests_are_due_one_calendar_month_after_receipt() {
        assert_eq!(
            one_month_after(date!(2026 - 01 - 15)),
            date!(2026 - 02 - 15)
        );
        assert_eq!(
            one_month_after(date!(2026 - 01 - 31)),
            date!(2026 - 02 - 28)
        );
        assert_eq!(
            one_month_after(date!(2028 - 01 - 31)),
            date!(2028 - 02 - 29)
        );
        assert_eq!(
            one_month_after(date!(2026 - 12 - 31)),
            date!(2027 - 01 - 31)
        );
    }

    #[test]
    fn markdown_escapes_what_would_format() {
        assert_eq!(md("A*B_[c]#"), "A\\*B\\_\\[c\\]\\#");
    }
}
