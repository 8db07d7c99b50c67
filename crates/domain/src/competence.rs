//! Sharing competence: the items a person may share (completions and certificates), share
//! links, transfers to a named recipient, and the published list of competence databases.
//! Every kind of sharing rests on its own consent ([`Target::purpose`]).

use serde::{Deserialize, Serialize};
use time::Date;

use crate::consent::purposes;
use crate::learning::course::flag;
use crate::person::parse_optional_date;
use crate::{FieldErrors, OrganisationId};

/// The longest name of a share link.
pub const LABEL_MAX: usize = 80;

/// One piece of competence: a completed course or a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Item {
    /// `completion:<enrollment id>` or `certificate:<certificate id>`.
    pub id: String,
    /// `completion` or `certificate`.
    pub kind: String,
    pub course: String,
    /// The organisation that offered the course.
    pub organisation: String,
    /// Completed on, or issued on (`YYYY-MM-DD`).
    pub date: String,
    /// A certificate's expiry (`YYYY-MM-DD`), if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<String>,
}

/// A kind of competence database on the published list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatabaseKind {
    NonCommercial,
    Commercial,
}

impl DatabaseKind {
    pub const ALL: [Self; 2] = [Self::NonCommercial, Self::Commercial];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NonCommercial => "non_commercial",
            Self::Commercial => "commercial",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        match s.trim() {
            "non_commercial" => Ok(Self::NonCommercial),
            "commercial" => Ok(Self::Commercial),
            "" => Err("required"),
            _ => Err("invalid_choice"),
        }
    }

    /// The consent a transfer to such a database rests on.
    pub fn purpose(self) -> &'static str {
        match self {
            Self::NonCommercial => purposes::COMPETENCE_TO_DATABASES,
            Self::Commercial => purposes::COMPETENCE_TO_COMMERCIAL_DATABASES,
        }
    }
}

/// Where a transfer goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// An organisation the person is a current member of.
    Employer(OrganisationId),
    /// A competence database on the published list.
    Database(uuid::Uuid, DatabaseKind),
}

impl Target {
    pub fn purpose(self) -> &'static str {
        match self {
            Self::Employer(_) => purposes::COMPETENCE_TO_EMPLOYER,
            Self::Database(_, kind) => kind.purpose(),
        }
    }
}

/// A share link as the person asks for it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareLinkInput {
    /// A name for the person's own overview ("Søknad Bergen kommune").
    #[serde(default)]
    pub label: String,
    /// The last day the link works (`YYYY-MM-DD` or `DD.MM.YYYY`); left out, until revoked.
    #[serde(default)]
    pub expires_on: String,
}

impl ShareLinkInput {
    /// The label and last day: the label is required and short, the day not before today.
    pub fn validate(&self, today: Date) -> Result<(String, Option<Date>), FieldErrors> {
        let mut errors = FieldErrors::new();
        let label = self.label.trim();
        if label.is_empty() {
            errors.add("label", "required");
        } else if label.chars().count() > LABEL_MAX {
            errors.add("label", "too_long");
        }
        let expires = errors
            .check("expires_on", parse_optional_date(&self.expires_on))
            .flatten();
        if expires.is_some_and(|d| d < today) {
            errors.add("expires_on", "in_the_past");
        }
        errors.into_result((label.to_owned(), expires))
    }
}

/// Whether a share link works on `today`.
pub fn link_works(revoked: bool, expires_on: Option<Date>, today: Date) -> bool {
    !revoked && expires_on.is_none_or(|d| today <= d)
}

/// A transfer as the person asks for it: the recipient and the items to send.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferInput {
    /// `employer:<organisation slug>` or `database:<recipient id>`.
    #[serde(default)]
    pub recipient: String,
    /// Ids of items (from the competence page or `GET /me/competence`).
    #[serde(default)]
    pub items: Vec<String>,
}

/// A recipient as named in a [`TransferInput`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecipientRef {
    Employer(String),
    Database(uuid::Uuid),
}

impl TransferInput {
    /// The recipient and the chosen items (in the order the person has them), or every field
    /// error: a recipient that does not parse, no item, an item the person does not have.
    pub fn validate(&self, available: &[Item]) -> Result<(RecipientRef, Vec<Item>), FieldErrors> {
        let mut errors = FieldErrors::new();
        let recipient = match self.recipient.trim().split_once(':') {
            _ if self.recipient.trim().is_empty() => {
                errors.add("recipient", "required");
                None
            }
            Some(("employer", slug)) if !slug.is_empty() => {
                Some(RecipientRef::Employer(slug.to_owned()))
            }
            Some(("database", id)) => match id.parse() {
                Ok(id) => Some(RecipientRef::Database(id)),
                Err(_) => {
                    errors.add("recipient", "invalid_choice");
                    None
                }
            },
            _ => {
                errors.add("recipient", "invalid_choice");
                None
            }
        };
        let wanted: Vec<&str> = self
            .items
            .iter()
            .map(|i| i.trim())
            .filter(|i| !i.is_empty())
            .collect();
        if wanted.is_empty() {
            errors.add("items", "required");
        } else if wanted
            .iter()
            .any(|w| !available.iter().any(|item| item.id == *w))
        {
            errors.add("items", "unknown_item");
        }
        let items: Vec<Item> = available
            .iter()
            .filter(|item| wanted.contains(&item.id.as_str()))
            .cloned()
            .collect();
        match recipient {
            Some(r) if errors.is_empty() => Ok((r, items)),
            _ => Err(errors),
        }
    }
}

/// A competence database as the operator enters it on the published list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecipientInput {
    #[serde(default)]
    pub name: String,
    /// What it does with what it receives.
    #[serde(default)]
    pub service: String,
    /// `non_commercial` or `commercial`.
    #[serde(default)]
    pub kind: String,
    /// ISO 3166-1 alpha-2.
    #[serde(default)]
    pub country: String,
    /// Where to read its own privacy notice (`https://…`).
    #[serde(default)]
    pub url: String,
    /// Outside the EU/EEA although the country is in it (`on`, `true`).
    #[serde(default)]
    pub outside_eea: String,
}

/// A valid competence database entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    pub name: String,
    pub service: String,
    pub kind: DatabaseKind,
    pub country: String,
    pub url: Option<String>,
    pub outside_eea: bool,
}

impl RecipientInput {
    pub fn validate(&self) -> Result<Recipient, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = self.name.trim();
        let service = self.service.trim();
        for (field, value, max) in [("name", name, 200), ("service", service, 2000)] {
            if value.is_empty() {
                errors.add(field, "required");
            } else if value.chars().count() > max {
                errors.add(field, "too_long");
            }
        }
        let kind = errors.check("kind", DatabaseKind::parse(&self.kind));
        let country = self.country.trim().to_ascii_uppercase();
        if country.is_empty() {
            errors.add("country", "required");
        } else if !(country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase())) {
            errors.add("country", "invalid_country");
        }
        let url = self.url.trim();
        if !url.is_empty() && (!url.starts_with("https://") || url.len() > 500 || url.contains(' '))
        {
            errors.add("url", "invalid_url");
        }
        match kind {
            Some(kind) if errors.is_empty() => Ok(Recipient {
                name: name.to_owned(),
                service: service.to_owned(),
                kind,
                outside_eea: flag(&self.outside_eea) || !crate::registry::notice::in_eea(&country),
                country,
                url: (!url.is_empty()).then(|| url.to_owned()),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn item(id: &str) -> Item {
        Item {
            id: id.into(),
            kind: "completion".into(),
            course: "Førstehjelp".into(),
            organisation: "Demo".into(),
            date: "2026-01-01".into(),
            expires_on: None,
        }
    }

    #[test]
    fn share_links_need_a_name_and_an_expiry_not_in_the_past() {
        let today = date!(2026 - 12 - 08);
        let ok = ShareLinkInput {
            label: " Søknad ".into(),
            expires_on: "31.12.2026".into(),
        };
        assert_eq!(
            ok.validate(today),
            Ok(("Søknad".into(), Some(date!(2026 - 12 - 31))))
        );
        let forever = ShareLinkInput {
            label: "CV".into(),
            expires_on: String::new(),
        };
        assert_eq!(forever.validate(today), Ok(("CV".into(), None)));
        let bad = ShareLinkInput {
            label: String::new(),
            expires_on: "2026-12-07".into(),
        }
        .validate(today)
        .expect_err("refused");
        let codes: Vec<&str> = bad.0.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["required", "in_the_past"]);
        assert!(link_works(false, Some(today), today));
        assert!(!link_works(false, Some(date!(2026 - 12 - 07)), today));
        assert!(!link_works(true, None, today));
    }

    #[test]
    fn a_transfer_names_a_recipient_and_items_the_person_has() {
        let have = [item("completion:a"), item("certificate:b")];
        let (r, items) = TransferInput {
            recipient: "employer:demo".into(),
            items: vec!["certificate:b".into()],
        }
        .validate(&have)
        .expect("valid");
        assert_eq!(r, RecipientRef::Employer("demo".into()));
        assert_eq!(items, [item("certificate:b")]);
        let id = uuid::Uuid::now_v7();
        let (r, _) = TransferInput {
            recipient: format!("database:{id}"),
            items: vec!["completion:a".into()],
        }
        .validate(&have)
        .expect("valid");
        assert_eq!(r, RecipientRef::Database(id));
        let e = TransferInput {
            recipient: "database:nope".into(),
            items: vec!["completion:zzz".into()],
        }
        .validate(&have)
        .expect_err("refused");
        let codes: Vec<&str> = e.0.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["invalid_choice", "unknown_item"]);
        let e = TransferInput::default()
            .validate(&have)
            .expect_err("refused");
        let codes: Vec<&str> = e.0.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["required", "required"]);
    }

    #[test]
    fn each_kind_of_sharing_rests_on_its_own_consent() {
        let org = OrganisationId::new();
        assert_eq!(
            Target::Employer(org).purpose(),
            purposes::COMPETENCE_TO_EMPLOYER
        );
        let id = uuid::Uuid::now_v7();
        assert_eq!(
            Target::Database(id, DatabaseKind::NonCommercial).purpose(),
            purposes::COMPETENCE_TO_DATABASES
        );
        assert_eq!(
            Target::Database(id, DatabaseKind::Commercial).purpose(),
            purposes::COMPETENCE_TO_COMMERCIAL_DATABASES
        );
    }

    #[test]
    fn a_database_on_the_list_has_a_name_service_kind_and_country() {
        let ok = RecipientInput {
            name: "Kompetanseregisteret".into(),
            service: "Register over fagbrev".into(),
            kind: "non_commercial".into(),
            country: "no".into(),
            url: "https://example.no/personvern".into(),
            outside_eea: String::new(),
        }
        .validate()
        .expect("valid");
        assert_eq!(ok.country, "NO");
        assert!(!ok.outside_eea);
        let e = RecipientInput {
            kind: "charity".into(),
            country: "Norge".into(),
            url: "http://x".into(),
            ..RecipientInput::default()
        }
        .validate()
        .expect_err("refused");
        let codes: Vec<&str> = e.0.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "required",
                "required",
                "invalid_choice",
                "invalid_country",
                "invalid_url"
            ]
        );
        let us = RecipientInput {
            name: "X".into(),
            service: "Y".into(),
            kind: "commercial".into(),
            country: "US".into(),
            ..RecipientInput::default()
        }
        .validate()
        .expect("valid");
        assert!(us.outside_eea);
    }
}
