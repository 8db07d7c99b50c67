//! The record of processing activities (GDPR Art. 30(1)) for one controller, generated from
//! the registry: one activity per purpose in use. Every field Art. 30(1)(a)–(g) asks for must be
//! filled, or [`Ropa::generate`] fails naming each gap.
//!
//! What is required, and why:
//! - (a) the controller's name and contact e-mail; the DPO's name and e-mail where one is
//!   designated, and always for a public body (Art. 37(1)(a) obliges it to designate one);
//! - (b) each purpose's name and description (and its legal basis, which the registry already
//!   requires);
//! - (c) the data subjects and the personal-data categories (from the fields);
//! - (d) the recipients, or an explicit `recipients = []` saying nobody beyond the controller;
//! - (e) transfers outside the EU/EEA, each with its safeguards;
//! - (f) the retention of every category (each rule's description and period);
//! - (g) a general description of the security measures (a fixed list, from the catalogue).

use serde::Serialize;

use super::Registry;
use super::notice::{
    BasisText, CategoryText, Controller, Party, SubProcessor, Transfer, Wording, basis, categories,
    push_unique, subject_key,
};
use crate::org::{Language, OrganisationKind};

/// The security measures every processing activity shares (Art. 32), as catalogue keys.
pub const SECURITY_MEASURES: [&str; 6] = [
    "ropa.measure.passwords",
    "ropa.measure.tokens",
    "ropa.measure.tls",
    "ropa.measure.tenant_isolation",
    "ropa.measure.access_audit",
    "ropa.measure.encryption_at_rest",
];

/// The CSV header: one column per Art. 30(1) field.
pub const CSV_HEADER: [&str; 12] = [
    "purpose",
    "description",
    "controller",
    "controller_contact",
    "dpo",
    "legal_basis",
    "data_subjects",
    "personal_data_categories",
    "recipients",
    "transfers_outside_eea",
    "retention",
    "security_measures",
];

/// Something Art. 30 requires that is missing, naming where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{entry}: {message}")]
pub struct Gap {
    pub entry: String,
    pub message: String,
}

fn gap(entry: impl Into<String>, message: impl Into<String>) -> Gap {
    Gap {
        entry: entry.into(),
        message: message.into(),
    }
}

/// One retention rule as the record states it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RetentionPeriod {
    pub category: String,
    pub rule: String,
    pub description: String,
    /// Days after the trigger (the default an organisation may shorten).
    pub days: u32,
    /// The longest period an organisation may set.
    pub max_days: u32,
    /// A law and section, or organisation policy.
    pub source: String,
}

/// One processing activity: one purpose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Activity {
    pub purpose_key: String,
    pub purpose: String,
    pub description: String,
    pub legal_basis: BasisText,
    pub data_subjects: Vec<String>,
    pub categories: Vec<CategoryText>,
    /// Recipients beyond the controller; empty where the registry declares none.
    pub recipients: Vec<String>,
    pub transfers: Vec<Transfer>,
    pub retention: Vec<RetentionPeriod>,
}

/// The record of processing activities of one controller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ropa {
    pub language: String,
    pub controller: Party,
    /// `public_body` or `private`.
    pub controller_kind: String,
    pub dpo: Option<Party>,
    pub activities: Vec<Activity>,
    /// Art. 32 measures shared by every activity.
    pub security_measures: Vec<String>,
    /// Purposes the registry declares that no stored field serves yet (no processing).
    pub purposes_not_in_use: Vec<String>,
    pub registry_version: u32,
    pub content_hash: String,
    pub last_changed: String,
}

/// A cell a spreadsheet will not run as a formula: a leading `=`, `+`, `-` or `@` (an
/// organisation's name, a sub-processor's) gets an apostrophe in front.
fn spreadsheet_safe(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

fn filled(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

impl Ropa {
    /// The record for `controller`, or every gap that keeps it from being complete.
    pub fn generate(
        registry: &Registry,
        controller: &Controller,
        sub_processors: &[SubProcessor],
        language: Language,
        today: time::Date,
        wording: Wording<'_>,
    ) -> Result<Ropa, Vec<Gap>> {
        let language = match language {
            Language::En => Language::En,
            _ => Language::Nb,
        };
        let mut gaps = Vec::new();
        if controller.name.trim().is_empty() {
            gaps.push(gap("controller", "no name"));
        }
        let contact = filled(&controller.contact_email);
        if contact.is_none() {
            gaps.push(gap("controller", "no contact e-mail"));
        }
        let dpo_name = filled(&controller.dpo_name);
        let dpo_email = filled(&controller.dpo_email);
        let dpo_required = controller.kind == OrganisationKind::PublicBody;
        if dpo_required || dpo_name.is_some() || dpo_email.is_some() {
            if dpo_name.is_none() {
                gaps.push(gap("DPO", "no name"));
            }
            if dpo_email.is_none() {
                gaps.push(gap("DPO", "no e-mail"));
            }
        }
        let current: Vec<&SubProcessor> = sub_processors
            .iter()
            .filter(|s| s.is_current(today))
            .collect();
        for s in &current {
            let entry = format!("sub-processor {}", s.name);
            if s.name.trim().is_empty() || s.service.trim().is_empty() {
                gaps.push(gap(&entry, "no name or service"));
            }
            if s.transfers() && s.safeguards.as_deref().is_none_or(|g| g.trim().is_empty()) {
                gaps.push(gap(
                    &entry,
                    format!(
                        "processes data outside the EU/EEA ({}) without stated safeguards",
                        s.country
                    ),
                ));
            }
        }
        let mut activities = Vec::new();
        for p in registry.purposes_in_use() {
            let entry = format!("purpose {}", p.key);
            let description = p.description.get(language).trim().to_owned();
            if description.is_empty() {
                gaps.push(gap(&entry, "no description"));
            }
            let mut subjects = Vec::new();
            for f in registry.fields_for(&p.key) {
                for s in &f.subjects {
                    push_unique(&mut subjects, wording(subject_key(*s)));
                }
            }
            if subjects.is_empty() {
                gaps.push(gap(&entry, "no data subjects"));
            }
            let categories = categories(registry, &p.key, language);
            let recipient_keys = match &p.recipients {
                Some(keys) => keys.clone(),
                None => {
                    gaps.push(gap(
                        &entry,
                        "no recipients stated and no 'none' declared (`recipients = []`)",
                    ));
                    Vec::new()
                }
            };
            let recipients: Vec<_> = recipient_keys
                .iter()
                .filter_map(|k| registry.recipient(k))
                .collect();
            let mut transfers: Vec<Transfer> = recipients
                .iter()
                .filter(|r| r.outside_eea)
                .map(|r| Transfer {
                    to: r.name.get(language).to_owned(),
                    country: None,
                    safeguards: None,
                })
                .collect();
            if recipient_keys
                .iter()
                .any(|k| k == "operator" || k == "sub_processors")
            {
                transfers.extend(current.iter().filter(|s| s.transfers()).map(|s| Transfer {
                    to: s.name.clone(),
                    country: Some(s.country.clone()),
                    safeguards: filled(&s.safeguards),
                }));
            }
            let mut retention = Vec::new();
            for c in &categories {
                let mut found = false;
                for f in registry.fields_for(&p.key).filter(|f| f.category == c.key) {
                    let Some(rule) = registry.retention_rule(&f.retention) else {
                        continue;
                    };
                    let description = rule.description.get(language).trim();
                    if description.is_empty() {
                        continue;
                    }
                    found = true;
                    push_unique(
                        &mut retention,
                        RetentionPeriod {
                            category: c.name.clone(),
                            rule: rule.key.clone(),
                            description: description.to_owned(),
                            days: rule.days,
                            max_days: rule.max_days,
                            source: rule.source.clone(),
                        },
                    );
                }
                if !found {
                    gaps.push(gap(
                        &entry,
                        format!("category {} has no retention described", c.key),
                    ));
                }
            }
            activities.push(Activity {
                purpose_key: p.key.clone(),
                purpose: p.name.get(language).to_owned(),
                description,
                legal_basis: basis(p, controller.kind),
                data_subjects: subjects,
                categories,
                recipients: recipients
                    .iter()
                    .map(|r| r.name.get(language).to_owned())
                    .collect(),
                transfers,
                retention,
            });
        }
        if !gaps.is_empty() {
            return Err(gaps);
        }
        Ok(Ropa {
            language: language.code().to_owned(),
            controller: Party {
                name: controller.name.trim().to_owned(),
                email: contact,
            },
            controller_kind: controller.kind.as_str().to_owned(),
            dpo: dpo_name.map(|name| Party {
                name,
                email: dpo_email,
            }),
            activities,
            security_measures: SECURITY_MEASURES.iter().map(|k| wording(k)).collect(),
            purposes_not_in_use: registry
                .purposes_not_in_use()
                .map(|p| p.key.clone())
                .collect(),
            registry_version: registry.version,
            content_hash: registry.content_hash(),
            last_changed: registry.last_changed().to_owned(),
        })
    }

    /// One row per activity under [`CSV_HEADER`]; lists are joined with `; `. The catalogue's
    /// `ropa.none` is written where an activity has no recipients or transfers, and `ropa.days`
    /// (with `{days}`, `{max}` and `{source}`) states each retention period.
    pub fn to_csv(&self, wording: Wording<'_>) -> Result<String, csv::Error> {
        let none = wording("ropa.none");
        let period = wording("ropa.days");
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(CSV_HEADER)?;
        let controller_contact = self.controller.email.clone().unwrap_or_default();
        let dpo = self.dpo.as_ref().map_or_else(String::new, |d| {
            format!("{} <{}>", d.name, d.email.as_deref().unwrap_or_default())
        });
        let measures = self.security_measures.join("; ");
        let or_none = |items: Vec<String>| {
            if items.is_empty() {
                none.clone()
            } else {
                items.join("; ")
            }
        };
        for a in &self.activities {
            let basis = match &a.legal_basis.law {
                Some(law) => format!("{} ({law})", a.legal_basis.article),
                None => a.legal_basis.article.clone(),
            };
            let transfers = a
                .transfers
                .iter()
                .map(|t| {
                    format!(
                        "{} ({}): {}",
                        t.to,
                        t.country.as_deref().unwrap_or("?"),
                        t.safeguards.as_deref().unwrap_or_default()
                    )
                })
                .collect();
            let retention = a
                .retention
                .iter()
                .map(|r| {
                    let period = period
                        .replace("{days}", &r.days.to_string())
                        .replace("{max}", &r.max_days.to_string())
                        .replace("{source}", &r.source);
                    format!("{}: {} ({period})", r.category, r.description)
                })
                .collect::<Vec<_>>()
                .join("; ");
            let cells = [
                a.purpose.as_str(),
                a.description.as_str(),
                self.controller.name.as_str(),
                controller_contact.as_str(),
                dpo.as_str(),
                basis.as_str(),
                a.data_subjects.join("; ").as_str(),
                a.categories
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
                    .as_str(),
                or_none(a.recipients.clone()).as_str(),
                or_none(transfers).as_str(),
                retention.as_str(),
                measures.as_str(),
            ]
            .map(spreadsheet_safe);
            out.write_record(&cells)?;
        }
        let bytes = out.into_inner().map_err(|e| e.into_error())?;
        String::from_utf8(bytes)
            .map_err(|e| csv::Error::from(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
    }
}
