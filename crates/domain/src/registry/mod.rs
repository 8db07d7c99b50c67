//! The data registry: every personal-data field Tavle stores, declared once as data
//! (`registry.toml` beside this module, embedded in the binary), validated when loaded, and
//! queried by everything that handles personal data: visibility (which relation sees a field,
//! under which purpose), the generated privacy notice and record of processing, and later
//! export, erasure and retention.
//!
//! Nothing here does I/O: the file is embedded with `include_str!` and parsed by [`Registry::parse`].

pub mod keys;
pub mod notice;
pub mod ropa;
mod vocabulary;

use std::collections::BTreeSet;
use std::sync::{LazyLock, OnceLock};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::access::Relation;
use crate::org::OrganisationKind;

pub use vocabulary::{CATEGORIES, Category, Special};

/// The registry as shipped.
pub const EMBEDDED: &str = include_str!("registry.toml");

static LOADED: LazyLock<Result<Registry, Vec<Problem>>> =
    LazyLock::new(|| Registry::parse(EMBEDDED));

/// The shipped registry, validated. `tavle serve` refuses to start when it is invalid
/// ([`load`]), and a unit test keeps the shipped file valid, so this never fails at run time.
pub fn registry() -> &'static Registry {
    match &*LOADED {
        Ok(r) => r,
        Err(problems) => panic!(
            "the embedded data registry is invalid (run `tavle registry check`): {}",
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ),
    }
}

/// The shipped registry, or every problem found in it.
pub fn load() -> Result<&'static Registry, &'static [Problem]> {
    match &*LOADED {
        Ok(r) => Ok(r),
        Err(p) => Err(p),
    }
}

/// Text in the languages the generated documents are rendered in (nynorsk falls back to bokmål).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub nb: String,
    pub en: String,
}

impl Text {
    pub fn get(&self, language: crate::org::Language) -> &str {
        match language {
            crate::org::Language::En => &self.en,
            _ => &self.nb,
        }
    }
}

/// A legal basis of GDPR Art. 6(1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum LegalBasis {
    /// (a) consent.
    #[serde(rename = "a")]
    Consent,
    /// (b) a contract with the person.
    #[serde(rename = "b")]
    Contract,
    /// (c) a legal obligation of the controller.
    #[serde(rename = "c")]
    LegalObligation,
    /// (d) vital interests.
    #[serde(rename = "d")]
    VitalInterests,
    /// (e) a task in the public interest or official authority.
    #[serde(rename = "e")]
    PublicTask,
    /// (f) legitimate interests (never for a public body's own tasks).
    #[serde(rename = "f")]
    LegitimateInterests,
}

impl LegalBasis {
    /// `"6(1)(a)"` …
    pub fn article(self) -> &'static str {
        match self {
            Self::Consent => "GDPR art. 6 (1) a",
            Self::Contract => "GDPR art. 6 (1) b",
            Self::LegalObligation => "GDPR art. 6 (1) c",
            Self::VitalInterests => "GDPR art. 6 (1) d",
            Self::PublicTask => "GDPR art. 6 (1) e",
            Self::LegitimateInterests => "GDPR art. 6 (1) f",
        }
    }

    /// The W3C DPV term.
    pub fn dpv(self) -> &'static str {
        match self {
            Self::Consent => "eu-gdpr:A6-1-a",
            Self::Contract => "eu-gdpr:A6-1-b",
            Self::LegalObligation => "eu-gdpr:A6-1-c",
            Self::VitalInterests => "eu-gdpr:A6-1-d",
            Self::PublicTask => "eu-gdpr:A6-1-e",
            Self::LegitimateInterests => "eu-gdpr:A6-1-f",
        }
    }

    /// (c) and (e) need a supplementing national law (Art. 6(3)).
    pub fn needs_law(self) -> bool {
        matches!(self, Self::LegalObligation | Self::PublicTask)
    }
}

/// The basis of a purpose for one kind of organisation, with the supplementing law.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Basis {
    pub basis: LegalBasis,
    /// The Norwegian law that supplements (c) or (e), e.g. "arbeidsmiljøloven § 3-2".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub law: Option<String>,
}

/// Why personal data is processed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Purpose {
    pub key: String,
    pub name: Text,
    pub description: Text,
    /// The W3C DPV purpose this is an instance of (e.g. `dpv:ServiceProvision`).
    pub dpv: String,
    /// The basis where the controller is a public body.
    pub public_body: Basis,
    /// The basis where the controller is a private organisation (or the operator).
    pub private: Basis,
    /// For a consent purpose: the kind of consent record that proves it (the policy issue
    /// records these).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_record: Option<String>,
    /// Who receives data for this purpose beyond the controller (keys of `recipients`);
    /// `recipients = []` declares that nobody does. Left out, the record of processing
    /// names the gap (Art. 30(1)(d)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipients: Option<Vec<String>>,
}

impl Purpose {
    pub fn basis_for(&self, kind: OrganisationKind) -> &Basis {
        match kind {
            OrganisationKind::PublicBody => &self.public_body,
            OrganisationKind::Private => &self.private,
        }
    }
}

/// What starts a retention period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    MembershipEnded,
    AccountDeactivated,
    AccountLeft,
    IdentityProviderAccountGone,
    InquiryAnswered,
    EventEvaluationClosed,
    CertificateExpired,
    Unsubscribed,
    RecordAge,
    LastLogin,
    SessionEnded,
    CourseArchived,
    /// The person withdrew the consent the data was held for.
    ConsentWithdrawn,
}

/// What a retention rule or erasure does to a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Delete,
    Anonymise,
}

/// A named retention rule (the retention issue executes them): a trigger, a period, an
/// action and where the period comes from. Rules are maxima.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionRule {
    pub key: String,
    pub description: Text,
    pub trigger: Trigger,
    /// The default period in days after the trigger.
    pub days: u32,
    /// The longest period an organisation may set (the legal maximum); at least `days`.
    pub max_days: u32,
    pub action: Action,
    /// A law and section, or "organisation policy".
    pub source: String,
}

/// A kind of legal hold: a statutory minimum or a dispute that keeps records past erasure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalHoldKind {
    pub key: String,
    pub name: Text,
    /// The law or ground, e.g. "bokføringsloven § 13".
    pub basis: String,
    pub duration: Text,
}

/// Who receives personal data beyond the controller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    pub key: String,
    pub name: Text,
    /// Outside the EU/EEA (a transfer, Art. 44–49).
    #[serde(default)]
    pub outside_eea: bool,
}

/// Where a field's value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The person gave it.
    #[serde(rename = "self")]
    Person,
    /// The employer's or school's HR system (import, SCIM) or administrators.
    Hr,
    IdentityProvider,
    /// A teacher or course administrator (grades, attendance, approvals).
    Teacher,
    /// Tavle recorded it (times, progress, logs).
    System,
}

/// Who may correct a field (Art. 16).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Corrector {
    #[serde(rename = "self")]
    Person,
    Employer,
    Admin,
    Teacher,
    Nobody,
}

/// Whom a field is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Employee,
    Student,
    ExternalUser,
    CourseStaff,
    ContactPerson,
}

/// What erasure does to a field.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Erasure {
    Delete,
    Anonymise,
    /// Kept under the named legal hold kind while it lasts, then deleted.
    Hold(String),
}

/// A setting a visibility grant depends on: it applies only while the setting is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// The course shows its participant list (off by default).
    ParticipantList,
    /// The organisation lets managers see detail (time on task, answers), having recorded the
    /// aml. ch. 9 discussion and a DPIA reference (R15).
    ManagerDetail,
    /// Platform setting: a later employer sees training from earlier employments (KS-12).
    HistoryAcrossEmployers,
    /// Platform setting: users with extended rights may look people up (DFO-12).
    DirectoryLookup,
    /// The operator has recorded a support case for this person.
    SupportCase,
}

impl Condition {
    pub const ALL: [Self; 5] = [
        Self::ParticipantList,
        Self::ManagerDetail,
        Self::HistoryAcrossEmployers,
        Self::DirectoryLookup,
        Self::SupportCase,
    ];

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// One relation's sight of a field, for one purpose, possibly only while a setting is on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    pub to: Relation,
    #[serde(rename = "for")]
    pub purpose: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
}

/// One stored personal-data field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// `table.column`, or `files.<purpose>` for a file store.
    pub key: String,
    pub label: Text,
    /// A category key of [`CATEGORIES`].
    pub category: String,
    pub subjects: Vec<Subject>,
    pub purposes: Vec<String>,
    pub source: Source,
    pub corrected_by: Corrector,
    /// Who sees it besides the person (who always does, where `export` holds). Empty: nobody.
    #[serde(default)]
    pub visible: Vec<Grant>,
    /// A retention rule key.
    pub retention: String,
    /// Part of the person's export.
    pub export: bool,
    pub erasure: Erasure,
}

impl Field {
    pub fn table(&self) -> &str {
        self.key.split_once('.').map_or(&*self.key, |(t, _)| t)
    }

    pub fn column(&self) -> &str {
        self.key.split_once('.').map_or("", |(_, c)| c)
    }
}

/// A table (all columns: `column = "*"`) or column that holds no personal data, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotPersonal {
    pub table: String,
    pub columns: Vec<String>,
    pub reason: String,
}

/// A line of the registry's change log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub version: u32,
    pub date: String,
    pub summary: String,
}

/// The registry as the file declares it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registry {
    /// Raised by every material change (a category, purpose, basis, recipient, visibility or
    /// retention of any entry), so that people can be asked to accept the new notice.
    pub version: u32,
    /// The hash of the material content at `version` ([`Registry::material_hash`]).
    pub material_hash: String,
    pub changes: Vec<Change>,
    pub recipients: Vec<Recipient>,
    pub purposes: Vec<Purpose>,
    pub retention_rules: Vec<RetentionRule>,
    pub legal_holds: Vec<LegalHoldKind>,
    pub fields: Vec<Field>,
    pub not_personal: Vec<NotPersonal>,
    /// Visibility compiled for quick checks (built when parsed).
    #[serde(skip)]
    compiled: Vec<Vec<CompiledGrant>>,
    /// [`Registry::content_hash`], worked out once when parsed.
    #[serde(skip)]
    content_hash: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct CompiledGrant {
    relation: Relation,
    condition: Option<Condition>,
    purpose: usize,
}

/// One problem in the registry, naming the entry.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{entry}: {message}")]
pub struct Problem {
    pub entry: String,
    pub message: String,
}

fn problem(entry: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem {
        entry: entry.into(),
        message: message.into(),
    }
}

/// Relations that may never see special-category or criminal-record data (stricter
/// defaults, Art. 9 and 10): only the person, the organisation's administrators and DPO.
const NEVER_SPECIAL: [Relation; 7] = [
    Relation::DirectManager,
    Relation::IndirectManager,
    Relation::CoParticipant,
    Relation::ReportViewer,
    Relation::ProviderStaff,
    Relation::LaterEmployer,
    Relation::DirectoryLookup,
];

impl Registry {
    /// Parses and validates a registry file; every problem is reported, each naming its entry.
    pub fn parse(text: &str) -> Result<Self, Vec<Problem>> {
        let mut registry: Registry = toml::from_str(text)
            .map_err(|e| vec![problem("registry.toml", e.to_string().trim().to_owned())])?;
        let problems = registry.problems();
        if !problems.is_empty() {
            return Err(problems);
        }
        registry.compile();
        registry.content_hash = registry.hash_content();
        Ok(registry)
    }

    fn compile(&mut self) {
        self.compiled = self
            .fields
            .iter()
            .map(|f| {
                f.visible
                    .iter()
                    .filter_map(|g| {
                        Some(CompiledGrant {
                            relation: g.to,
                            condition: g.when,
                            purpose: self.purposes.iter().position(|p| p.key == g.purpose)?,
                        })
                    })
                    .collect()
            })
            .collect();
    }

    /// Every problem: duplicates, unknown references, missing bases, (f) on a public body,
    /// consent without a record type, fields without retention, special data too widely seen,
    /// a version that did not follow a material change.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for r in &self.recipients {
            if !seen.insert(("recipient", r.key.clone())) {
                out.push(problem(format!("recipient {}", r.key), "declared twice"));
            }
        }
        for p in &self.purposes {
            let entry = format!("purpose {}", p.key);
            if !seen.insert(("purpose", p.key.clone())) {
                out.push(problem(&entry, "declared twice"));
            }
            if p.public_body.basis == LegalBasis::LegitimateInterests {
                out.push(problem(
                    &entry,
                    "legitimate interests (6(1)(f)) cannot be the basis of a public body's own tasks",
                ));
            }
            for (kind, b) in [("public_body", &p.public_body), ("private", &p.private)] {
                if b.basis.needs_law() && b.law.as_deref().is_none_or(|l| l.trim().is_empty()) {
                    out.push(problem(
                        &entry,
                        format!(
                            "{kind}: basis {} needs the supplementing law (`law`)",
                            b.basis.article()
                        ),
                    ));
                }
            }
            let consent = p.public_body.basis == LegalBasis::Consent
                || p.private.basis == LegalBasis::Consent;
            if consent
                && p.consent_record
                    .as_deref()
                    .is_none_or(|c| c.trim().is_empty())
            {
                out.push(problem(
                    &entry,
                    "a consent purpose needs a consent record type (`consent_record`)",
                ));
            }
            for r in p.recipients.iter().flatten() {
                if !self.recipients.iter().any(|x| &x.key == r) {
                    out.push(problem(&entry, format!("unknown recipient `{r}`")));
                }
            }
            if p.dpv.trim().is_empty() {
                out.push(problem(&entry, "no DPV purpose (`dpv`)"));
            }
        }
        for r in &self.retention_rules {
            let entry = format!("retention rule {}", r.key);
            if !seen.insert(("retention", r.key.clone())) {
                out.push(problem(&entry, "declared twice"));
            }
            if r.max_days < r.days {
                out.push(problem(
                    &entry,
                    format!(
                        "default {} days is longer than the maximum {}",
                        r.days, r.max_days
                    ),
                ));
            }
            if r.source.trim().is_empty() {
                out.push(problem(
                    &entry,
                    "no source (a law and section, or \"organisation policy\")",
                ));
            }
        }
        for h in &self.legal_holds {
            if !seen.insert(("hold", h.key.clone())) {
                out.push(problem(format!("legal hold {}", h.key), "declared twice"));
            }
        }
        for f in &self.fields {
            let entry = format!("field {}", f.key);
            if !seen.insert(("field", f.key.clone())) {
                out.push(problem(&entry, "declared twice"));
            }
            if f.column().is_empty() {
                out.push(problem(&entry, "the key must be `table.column`"));
            }
            let category = Category::find(&f.category);
            if category.is_none() {
                out.push(problem(
                    &entry,
                    format!("unknown category `{}`", f.category),
                ));
            }
            if f.subjects.is_empty() {
                out.push(problem(&entry, "no data subjects"));
            }
            if f.purposes.is_empty() {
                out.push(problem(&entry, "no purpose"));
            }
            for p in &f.purposes {
                if !self.purposes.iter().any(|x| &x.key == p) {
                    out.push(problem(&entry, format!("unknown purpose `{p}`")));
                }
            }
            for g in &f.visible {
                if !f.purposes.contains(&g.purpose) {
                    out.push(problem(
                        &entry,
                        format!(
                            "visible to {} for `{}`, which is not one of the field's purposes",
                            g.to.as_str(),
                            g.purpose
                        ),
                    ));
                }
                if g.to == Relation::Myself {
                    out.push(problem(
                        &entry,
                        "`myself` always sees their own data; do not list it",
                    ));
                }
                if category.is_some_and(|c| c.special.is_some()) && NEVER_SPECIAL.contains(&g.to) {
                    out.push(problem(
                        &entry,
                        format!(
                            "special-category or criminal-record data may not be visible to {}",
                            g.to.as_str()
                        ),
                    ));
                }
            }
            if f.retention.trim().is_empty() {
                out.push(problem(&entry, "no retention rule"));
            } else if !self.retention_rules.iter().any(|r| r.key == f.retention) {
                out.push(problem(
                    &entry,
                    format!("unknown retention rule `{}`", f.retention),
                ));
            }
            if let Erasure::Hold(h) = &f.erasure
                && !self.legal_holds.iter().any(|x| &x.key == h)
            {
                out.push(problem(&entry, format!("unknown legal hold `{h}`")));
            }
        }
        for n in &self.not_personal {
            let entry = format!("not personal {}", n.table);
            if n.reason.trim().is_empty() {
                out.push(problem(&entry, "no reason"));
            }
            for c in &n.columns {
                let key = format!("{}.{c}", n.table);
                if self.fields.iter().any(|f| f.key == key) {
                    out.push(problem(
                        &entry,
                        format!("`{key}` is declared personal data too"),
                    ));
                }
            }
        }
        match self.changes.last() {
            Some(c) if c.version == self.version => {}
            _ => out.push(problem(
                "registry",
                format!(
                    "the change log's last entry must describe version {}",
                    self.version
                ),
            )),
        }
        let hash = self.material_hash();
        if out.is_empty() && hash != self.material_hash {
            out.push(problem(
                "registry",
                format!(
                    "material change since version {}: raise `version` to {}, add a `[[changes]]` entry and set `material_hash = \"{hash}\"`",
                    self.version,
                    self.version + 1
                ),
            ));
        }
        out
    }

    /// A hash of what is material (categories, purposes, bases, recipients, visibility,
    /// retention, erasure), not of wording: names, labels, descriptions and reasons are left out.
    pub fn material_hash(&self) -> String {
        fn strip(v: &mut serde_json::Value) {
            match v {
                serde_json::Value::Object(map) => {
                    for key in [
                        "name",
                        "label",
                        "description",
                        "duration",
                        "reason",
                        "summary",
                        "date",
                    ] {
                        map.remove(key);
                    }
                    map.values_mut().for_each(strip);
                }
                serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
                _ => {}
            }
        }
        let mut v = serde_json::json!({
            "recipients": self.recipients,
            "purposes": self.purposes,
            "retention_rules": self.retention_rules,
            "legal_holds": self.legal_holds,
            "fields": self.fields,
            "not_personal": self.not_personal,
        });
        strip(&mut v);
        sha256_hex(&canonical(&v))
    }

    /// A hash of the whole file's content as parsed (wording included), for the notice.
    pub fn content_hash(&self) -> String {
        self.content_hash.clone()
    }

    fn hash_content(&self) -> String {
        let v = serde_json::to_value(self).unwrap_or_default();
        sha256_hex(&canonical(&v))
    }

    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    pub fn purpose(&self, key: &str) -> Option<&Purpose> {
        self.purposes.iter().find(|p| p.key == key)
    }

    pub fn retention_rule(&self, key: &str) -> Option<&RetentionRule> {
        self.retention_rules.iter().find(|r| r.key == key)
    }

    pub fn legal_hold(&self, key: &str) -> Option<&LegalHoldKind> {
        self.legal_holds.iter().find(|h| h.key == key)
    }

    pub fn recipient(&self, key: &str) -> Option<&Recipient> {
        self.recipients.iter().find(|r| r.key == key)
    }

    /// Whether `column` of `table` is declared: as personal data, or as not personal.
    pub fn declares(&self, table: &str, column: &str) -> bool {
        self.fields
            .iter()
            .any(|f| f.table() == table && f.column() == column)
            || self
                .not_personal
                .iter()
                .any(|n| n.table == table && n.columns.iter().any(|c| c == "*" || c == column))
    }

    /// The index of a field, for [`Registry::allows`]. `None` for an undeclared key (a test
    /// proves every key the code asks about is declared).
    pub fn index(&self, key: &str) -> Option<FieldIndex> {
        self.fields
            .iter()
            .position(|f| f.key == key)
            .map(FieldIndex)
    }

    /// Under which purpose the viewer sees the field, if at all: the first grant whose
    /// relation the viewer has and whose condition (if any) holds. The person always sees
    /// their own data.
    pub fn allows(&self, field: FieldIndex, viewer: &Viewer) -> Option<Sight<'_>> {
        if viewer.relations.contains(Relation::Myself) {
            return Some(Sight::Own);
        }
        self.compiled.get(field.0)?.iter().find_map(|g| {
            (viewer.relations.contains(g.relation)
                && g.condition.is_none_or(|c| viewer.conditions & c.bit() != 0))
            .then(|| Sight::For(&self.purposes[g.purpose]))
        })
    }
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// JSON with object keys sorted, whatever the map type's order.
fn canonical(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let items: Vec<String> = keys
                .into_iter()
                .map(|k| {
                    format!(
                        "{}:{}",
                        serde_json::Value::String(k.clone()),
                        canonical(&map[k])
                    )
                })
                .collect();
            format!("{{{}}}", items.join(","))
        }
        serde_json::Value::Array(items) => {
            format!(
                "[{}]",
                items.iter().map(canonical).collect::<Vec<_>>().join(",")
            )
        }
        other => other.to_string(),
    }
}

/// A field the code reads, named once (see [`keys`]); its place in the shipped registry is
/// found on first use. A test proves every key is declared.
pub struct Key {
    name: &'static str,
    index: OnceLock<Option<FieldIndex>>,
}

impl Key {
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            index: OnceLock::new(),
        }
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    fn index(&self) -> Option<FieldIndex> {
        *self.index.get_or_init(|| registry().index(self.name))
    }

    /// Under which purpose the viewer sees this field of the shipped registry, if at all.
    pub fn sight(&self, viewer: &Viewer) -> Option<Sight<'static>> {
        self.index().and_then(|i| registry().allows(i, viewer))
    }

    pub fn visible_to(&self, viewer: &Viewer) -> bool {
        self.sight(viewer).is_some()
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// A declared field's position, resolved once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldIndex(usize);

/// How a viewer sees a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sight<'a> {
    /// It is their own.
    Own,
    /// Someone else's, seen for this purpose (what the access audit records).
    For(&'a Purpose),
}

/// A set of relations (small: a bit set).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Relations(u16);

impl Relations {
    pub fn of(relations: &[Relation]) -> Self {
        let mut set = Self::default();
        for &r in relations {
            set.insert(r);
        }
        set
    }

    pub fn insert(&mut self, r: Relation) {
        self.0 |= 1 << (r as u16);
    }

    pub fn contains(self, r: Relation) -> bool {
        self.0 & (1 << (r as u16)) != 0
    }
}

/// Who is looking: their relations to the person, and the settings that are on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Viewer {
    pub relations: Relations,
    conditions: u8,
}

impl Viewer {
    pub fn new(relations: &[Relation]) -> Self {
        Self {
            relations: Relations::of(relations),
            conditions: 0,
        }
    }

    /// The viewer with `condition` on (a course's participant list, an organisation setting).
    pub fn with(mut self, condition: Condition, on: bool) -> Self {
        if on {
            self.conditions |= condition.bit();
        }
        self
    }

    pub fn has(&self, condition: Condition) -> bool {
        self.conditions & condition.bit() != 0
    }
}

#[cfg(test)]
mod tests;

/// The generated documents' tests (notice and record of processing).
#[cfg(test)]
mod notice_tests;
