//! The privacy notice (GDPR Art. 13 and 14) each person sees for their organisation, generated
//! from the registry, the controller's settings and the operator's sub-processor register.
//!
//! Registry wording (purpose names, descriptions, category names, retention) comes from the
//! registry in the notice's language; fixed wording (the rights and how to use each in Tavle,
//! the security measures of the record of processing) comes from the message catalogue, through
//! the `wording` function the caller passes (`|key| catalogue.get(key)`), so that this module
//! stays free of I/O and the web layer's catalogue stays the one place for interface text.

use serde::Serialize;

use super::{Field, Registry, Source, Subject};
use crate::org::{Language, OrganisationKind};

/// Where a person complains about the processing (Art. 77): the Norwegian supervisory authority.
pub const AUTHORITY_NAME: &str = "Datatilsynet";
pub const AUTHORITY_URL: &str = "https://www.datatilsynet.no";

/// Looks up fixed wording by catalogue key.
pub type Wording<'a> = &'a dyn Fn(&str) -> String;

/// Who is responsible for the processing: an organisation (or, for people with no
/// organisation, the platform operator), as its settings say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Controller {
    pub name: String,
    pub kind: OrganisationKind,
    pub contact_email: Option<String>,
    pub dpo_name: Option<String>,
    pub dpo_email: Option<String>,
}

/// One entry of the operator's sub-processor register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubProcessor {
    pub name: String,
    /// What it does for the operator (hosting, e-mail delivery, …).
    pub service: String,
    /// ISO 3166-1 alpha-2 code of where the data is processed.
    pub country: String,
    /// Declared outside the EU/EEA (a transfer, Art. 44–49), whatever `country` says.
    pub outside_eea: bool,
    /// The transfer's safeguards (Art. 46: standard contractual clauses, an adequacy decision).
    pub safeguards: Option<String>,
    pub added_on: time::Date,
    pub ended_on: Option<time::Date>,
}

/// The EU and EEA member states (ISO 3166-1 alpha-2).
const EEA: [&str; 30] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
];

/// Whether `country` (an ISO 3166-1 alpha-2 code) is in the EU/EEA.
pub fn in_eea(country: &str) -> bool {
    let code = country.trim().to_ascii_uppercase();
    EEA.contains(&code.as_str())
}

impl SubProcessor {
    /// Current on `today`: added and not yet ended.
    pub fn is_current(&self, today: time::Date) -> bool {
        self.added_on <= today && self.ended_on.is_none_or(|e| e > today)
    }

    /// Data sent to it leaves the EU/EEA.
    pub fn transfers(&self) -> bool {
        self.outside_eea || !in_eea(&self.country)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Party {
    pub name: String,
    pub email: Option<String>,
}

/// The supervisory authority.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Authority {
    pub name: String,
    pub url: String,
}

/// A legal basis as the notice states it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BasisText {
    /// "GDPR art. 6 (1) e".
    pub article: String,
    /// The W3C DPV term, e.g. `eu-gdpr:A6-1-e`.
    pub dpv: String,
    /// The supplementing national law for (c) and (e).
    pub law: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryText {
    pub key: String,
    pub name: String,
    /// Special-category (Art. 9) or criminal-record (Art. 10) data.
    pub special: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecipientText {
    pub key: String,
    pub name: String,
    pub outside_eea: bool,
}

/// How long one category is kept for one purpose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetentionText {
    pub category: String,
    /// The retention rules' descriptions (one category may be kept under several rules).
    pub rules: Vec<String>,
}

/// One purpose of the processing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticePurpose {
    pub key: String,
    pub name: String,
    pub description: String,
    pub basis: BasisText,
    pub categories: Vec<CategoryText>,
    /// Where the data comes from, as text.
    pub sources: Vec<String>,
    pub recipients: Vec<RecipientText>,
    pub retention: Vec<RetentionText>,
}

/// A transfer outside the EU/EEA.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transfer {
    pub to: String,
    /// The country's code, where known (a registry recipient has none).
    pub country: Option<String>,
    pub safeguards: Option<String>,
}

/// A right of the person and how to use it in Tavle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Right {
    /// `access`, `rectification`, `erasure`, `restriction`, `objection`, `portability`,
    /// `withdraw_consent`, `complain`.
    pub key: String,
    /// "GDPR art. 15".
    pub article: String,
    pub name: String,
    pub how: String,
    /// Where in Tavle (or outside it) to use the right.
    pub link: String,
}

/// The privacy notice for one controller, in one language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notice {
    /// `nb` or `en` (nynorsk reads bokmål until translated).
    pub language: String,
    pub controller: Party,
    /// The data protection officer, where one is designated.
    pub dpo: Option<Party>,
    pub purposes: Vec<NoticePurpose>,
    pub transfers: Vec<Transfer>,
    pub rights: Vec<Right>,
    pub authority: Authority,
    /// Where the sub-processor register is published.
    pub sub_processors_link: String,
    pub registry_version: u32,
    pub content_hash: String,
    /// The date (`YYYY-MM-DD`) of the registry's last change.
    pub last_changed: String,
}

/// The rights with their article and where to use them.
const RIGHTS: [(&str, &str, &str); 8] = [
    ("access", "GDPR art. 15", "/profile"),
    ("rectification", "GDPR art. 16", "/profile"),
    ("erasure", "GDPR art. 17", "/privacy"),
    ("restriction", "GDPR art. 18", "/privacy"),
    ("objection", "GDPR art. 21", "/privacy"),
    ("portability", "GDPR art. 20", "/privacy"),
    ("withdraw_consent", "GDPR art. 7 (3)", "/privacy/consents"),
    ("complain", "GDPR art. 77", AUTHORITY_URL),
];

/// Where the sub-processor register is published.
pub const SUB_PROCESSORS_PATH: &str = "/privacy/sub-processors";

/// The catalogue key naming a source.
pub fn source_key(source: Source) -> &'static str {
    match source {
        Source::Person => "registry.source.self",
        Source::Hr => "registry.source.hr",
        Source::IdentityProvider => "registry.source.identity_provider",
        Source::Teacher => "registry.source.teacher",
        Source::System => "registry.source.system",
    }
}

/// The catalogue key naming a kind of data subject.
pub fn subject_key(subject: Subject) -> &'static str {
    match subject {
        Subject::Employee => "registry.subject.employee",
        Subject::Student => "registry.subject.student",
        Subject::ExternalUser => "registry.subject.external_user",
        Subject::CourseStaff => "registry.subject.course_staff",
        Subject::ContactPerson => "registry.subject.contact_person",
    }
}

/// Pushes `item` unless it is there already (keeps first-seen order).
pub(super) fn push_unique<T: PartialEq>(out: &mut Vec<T>, item: T) {
    if !out.contains(&item) {
        out.push(item);
    }
}

impl Registry {
    /// The purposes some stored field serves, in registry order. A purpose no field names yet
    /// (declared ahead of its feature) processes nothing and is left out of the documents.
    pub fn purposes_in_use(&self) -> impl Iterator<Item = &super::Purpose> {
        self.purposes
            .iter()
            .filter(|p| self.fields.iter().any(|f| f.purposes.contains(&p.key)))
    }

    /// Purposes declared but named by no field.
    pub fn purposes_not_in_use(&self) -> impl Iterator<Item = &super::Purpose> {
        self.purposes
            .iter()
            .filter(|p| !self.fields.iter().any(|f| f.purposes.contains(&p.key)))
    }

    /// The fields serving `purpose`.
    pub fn fields_for<'a>(&'a self, purpose: &'a str) -> impl Iterator<Item = &'a Field> + 'a {
        self.fields
            .iter()
            .filter(move |f| f.purposes.iter().any(|p| p == purpose))
    }

    /// The date of the last entry of the change log.
    pub fn last_changed(&self) -> &str {
        self.changes.last().map_or("", |c| c.date.as_str())
    }
}

/// The categories of a purpose's fields, in first-seen order.
pub(super) fn categories(
    registry: &Registry,
    purpose: &str,
    language: Language,
) -> Vec<CategoryText> {
    let mut out = Vec::new();
    for f in registry.fields_for(purpose) {
        let (name, special) = match super::Category::find(&f.category) {
            Some(c) => (
                match language {
                    Language::En => c.en.to_owned(),
                    _ => c.nb.to_owned(),
                },
                c.special.is_some(),
            ),
            None => (f.category.clone(), false),
        };
        push_unique(
            &mut out,
            CategoryText {
                key: f.category.clone(),
                name,
                special,
            },
        );
    }
    out
}

/// How long each category of a purpose is kept: the distinct rule descriptions.
pub(super) fn retention(
    registry: &Registry,
    purpose: &str,
    categories: &[CategoryText],
    language: Language,
) -> Vec<RetentionText> {
    categories
        .iter()
        .map(|c| {
            let mut rules = Vec::new();
            for f in registry.fields_for(purpose).filter(|f| f.category == c.key) {
                if let Some(rule) = registry.retention_rule(&f.retention) {
                    push_unique(&mut rules, rule.description.get(language).to_owned());
                }
            }
            RetentionText {
                category: c.name.clone(),
                rules,
            }
        })
        .collect()
}

pub(super) fn recipients(
    registry: &Registry,
    purpose: &super::Purpose,
    language: Language,
) -> Vec<RecipientText> {
    purpose
        .recipients
        .iter()
        .flatten()
        .filter_map(|key| registry.recipient(key))
        .map(|r| RecipientText {
            key: r.key.clone(),
            name: r.name.get(language).to_owned(),
            outside_eea: r.outside_eea,
        })
        .collect()
}

pub(super) fn basis(purpose: &super::Purpose, kind: OrganisationKind) -> BasisText {
    let b = purpose.basis_for(kind);
    BasisText {
        article: b.basis.article().to_owned(),
        dpv: b.basis.dpv().to_owned(),
        law: b.law.clone(),
    }
}

/// Transfers outside the EU/EEA: registry recipients marked so, and current sub-processors
/// outside it.
pub(super) fn transfers(
    registry: &Registry,
    sub_processors: &[SubProcessor],
    today: time::Date,
    language: Language,
) -> Vec<Transfer> {
    let mut out: Vec<Transfer> = registry
        .recipients
        .iter()
        .filter(|r| r.outside_eea)
        .map(|r| Transfer {
            to: r.name.get(language).to_owned(),
            country: None,
            safeguards: None,
        })
        .collect();
    out.extend(
        sub_processors
            .iter()
            .filter(|s| s.is_current(today) && s.transfers())
            .map(|s| Transfer {
                to: s.name.clone(),
                country: Some(s.country.clone()),
                safeguards: s.safeguards.clone().filter(|g| !g.trim().is_empty()),
            }),
    );
    out
}

fn nonempty(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

impl Notice {
    /// The notice for `controller` in `language`, with the sub-processors current on `today`.
    pub fn generate(
        registry: &Registry,
        controller: &Controller,
        sub_processors: &[SubProcessor],
        language: Language,
        today: time::Date,
        wording: Wording<'_>,
    ) -> Notice {
        let language = match language {
            Language::En => Language::En,
            _ => Language::Nb,
        };
        let purposes = registry
            .purposes_in_use()
            .map(|p| {
                let categories = categories(registry, &p.key, language);
                let mut sources = Vec::new();
                for f in registry.fields_for(&p.key) {
                    push_unique(&mut sources, wording(source_key(f.source)));
                }
                NoticePurpose {
                    key: p.key.clone(),
                    name: p.name.get(language).to_owned(),
                    description: p.description.get(language).to_owned(),
                    basis: basis(p, controller.kind),
                    retention: retention(registry, &p.key, &categories, language),
                    categories,
                    sources,
                    recipients: recipients(registry, p, language),
                }
            })
            .collect();
        let dpo_name = nonempty(&controller.dpo_name);
        let dpo_email = nonempty(&controller.dpo_email);
        let dpo = (dpo_name.is_some() || dpo_email.is_some()).then(|| Party {
            name: dpo_name.unwrap_or_default(),
            email: dpo_email,
        });
        Notice {
            language: language.code().to_owned(),
            controller: Party {
                name: controller.name.clone(),
                email: nonempty(&controller.contact_email),
            },
            dpo,
            purposes,
            transfers: transfers(registry, sub_processors, today, language),
            rights: RIGHTS
                .iter()
                .map(|&(key, article, link)| Right {
                    key: key.to_owned(),
                    article: article.to_owned(),
                    name: wording(&format!("notice.right.{key}")),
                    how: wording(&format!("notice.how.{key}")),
                    link: link.to_owned(),
                })
                .collect(),
            authority: Authority {
                name: AUTHORITY_NAME.to_owned(),
                url: AUTHORITY_URL.to_owned(),
            },
            sub_processors_link: SUB_PROCESSORS_PATH.to_owned(),
            registry_version: registry.version,
            content_hash: registry.content_hash(),
            last_changed: registry.last_changed().to_owned(),
        }
    }
}

/// A sub-processor as the operator enters it (form or API).
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubProcessorInput {
    #[serde(default)]
    pub name: String,
    /// What it does for the operator (hosting, e-mail delivery, …).
    #[serde(default)]
    pub service: String,
    /// ISO 3166-1 alpha-2 code of where the data is processed (`NO`, `SE`, `US`).
    #[serde(default)]
    pub country: String,
    /// Outside the EU/EEA even if the country is in it (e.g. support from elsewhere): a
    /// checkbox or JSON flag (`on`, `true`).
    #[serde(default)]
    pub outside_eea: String,
    /// Required for a transfer outside the EU/EEA (Art. 46).
    #[serde(default)]
    pub safeguards: String,
    /// `YYYY-MM-DD` or `DD.MM.YYYY`.
    #[serde(default)]
    pub added_on: String,
}

impl SubProcessorInput {
    /// The entry, or every field error: name, service and a two-letter country are required, a
    /// transfer needs its safeguards, the date must parse.
    pub fn validate(&self) -> Result<SubProcessor, crate::FieldErrors> {
        let mut errors = crate::FieldErrors::new();
        let name = self.name.trim();
        let service = self.service.trim();
        for (field, value) in [("name", name), ("service", service)] {
            if value.is_empty() {
                errors.add(field, "required");
            } else if value.chars().count() > 200 {
                errors.add(field, "too_long");
            }
        }
        let country = self.country.trim().to_ascii_uppercase();
        let code = country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase());
        if country.is_empty() {
            errors.add("country", "required");
        } else if !code {
            errors.add("country", "invalid_country");
        }
        let safeguards = self.safeguards.trim();
        let outside_eea = crate::learning::course::flag(&self.outside_eea);
        let transfers = outside_eea || (code && !in_eea(&country));
        if transfers && safeguards.is_empty() {
            errors.add("safeguards", "safeguards_required");
        }
        if safeguards.chars().count() > 2000 {
            errors.add("safeguards", "too_long");
        }
        let added_on = errors.check("added_on", crate::person::parse_date(&self.added_on));
        let value = added_on.map(|added_on| SubProcessor {
            name: name.to_owned(),
            service: service.to_owned(),
            country,
            outside_eea,
            safeguards: (!safeguards.is_empty()).then(|| safeguards.to_owned()),
            added_on,
            ended_on: None,
        });
        match value {
            Some(v) if errors.is_empty() => Ok(v),
            _ => Err(errors),
        }
    }
}
