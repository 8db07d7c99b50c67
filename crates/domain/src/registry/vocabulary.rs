//! The personal-data categories a registry field may have: short fideslang-style keys mapped to
//! W3C DPV 2.1 personal-data terms (`pd:`), with the special categories (Art. 9) and
//! criminal-record data (Art. 10) flagged.

use serde::Serialize;

use super::Text;

/// Data the GDPR protects more strictly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Special {
    /// Art. 9: health.
    Health,
    /// Art. 10: criminal convictions and offences (police certificates).
    CriminalRecord,
}

/// One category.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Category {
    pub key: &'static str,
    /// The DPV term, e.g. `pd:EmailAddress`.
    pub dpv: &'static str,
    pub nb: &'static str,
    pub en: &'static str,
    pub special: Option<Special>,
}

impl Category {
    pub fn find(key: &str) -> Option<&'static Category> {
        CATEGORIES.iter().find(|c| c.key == key)
    }

    pub fn name(&self) -> Text {
        Text {
            nb: self.nb.to_owned(),
            en: self.en.to_owned(),
        }
    }
}

const fn c(key: &'static str, dpv: &'static str, nb: &'static str, en: &'static str) -> Category {
    Category {
        key,
        dpv,
        nb,
        en,
        special: None,
    }
}

pub static CATEGORIES: &[Category] = &[
    c("user.name", "pd:Name", "Navn", "Name"),
    c(
        "user.contact.email",
        "pd:EmailAddress",
        "E-postadresse",
        "E-mail address",
    ),
    c(
        "user.contact.phone_number",
        "pd:TelephoneNumber",
        "Telefonnummer",
        "Telephone number",
    ),
    c(
        "user.contact.address",
        "pd:PhysicalAddress",
        "Postadresse",
        "Postal address",
    ),
    c(
        "user.demographic.date_of_birth",
        "pd:BirthDate",
        "Fødselsdato",
        "Date of birth",
    ),
    c(
        "user.preference.language",
        "pd:Language",
        "Foretrukket språk",
        "Preferred language",
    ),
    c(
        "user.unique_id",
        "pd:Identifier",
        "Intern identifikator",
        "Internal identifier",
    ),
    c(
        "user.unique_id.pseudonymous",
        "pd:Identifier",
        "Pseudonym nøkkel",
        "Pseudonymous key",
    ),
    c(
        "user.authorization.credentials",
        "pd:Password",
        "Påloggingsopplysninger",
        "Login credentials",
    ),
    c(
        "user.account.login",
        "pd:LoginRecord",
        "Innloggingshistorikk",
        "Login history",
    ),
    c("user.device.session", "pd:Session", "Økter", "Sessions"),
    c(
        "user.workplace",
        "pd:Employer",
        "Arbeidssted og enhet",
        "Workplace and unit",
    ),
    c("user.job_title", "pd:JobTitle", "Stilling", "Position"),
    c(
        "user.employment",
        "pd:EmploymentHistory",
        "Ansettelse og medlemskap",
        "Employment and membership",
    ),
    c(
        "user.employee_number",
        "pd:EmployeeID",
        "Ansattnummer",
        "Employee number",
    ),
    c(
        "user.role",
        "pd:Role",
        "Roller og rettigheter",
        "Roles and rights",
    ),
    c(
        "user.education.enrollment",
        "pd:EducationExperience",
        "Påmeldinger og gjennomføring",
        "Enrollments and completion",
    ),
    c(
        "user.education.progress",
        "pd:EducationExperience",
        "Framdrift i aktiviteter",
        "Progress in activities",
    ),
    c(
        "user.education.assessment",
        "pd:Performance",
        "Prøvesvar, poeng og vurderinger",
        "Quiz answers, scores and grades",
    ),
    c(
        "user.education.qualification",
        "pd:EducationQualification",
        "Kursbevis",
        "Certificates",
    ),
    c(
        "user.behavior.time_on_task",
        "pd:ServiceConsumptionBehavior",
        "Tidsbruk",
        "Time spent",
    ),
    c(
        "user.content.submission",
        "pd:Communication",
        "Innleveringer og filer",
        "Hand-ins and files",
    ),
    c(
        "user.content.discussion",
        "pd:Communication",
        "Innlegg i diskusjoner",
        "Discussion posts",
    ),
    c(
        "user.content.opinion",
        "pd:Opinion",
        "Svar på spørreundersøkelser",
        "Survey answers",
    ),
    c(
        "user.event.registration",
        "pd:Attendance",
        "Påmelding og oppmøte på arrangementer",
        "Event registration and attendance",
    ),
    c(
        "user.education.external_record",
        "pd:EducationExperience",
        "Opplæring tatt andre steder",
        "Training taken elsewhere",
    ),
    c(
        "user.financial.invoice_reference",
        "pd:Transactional",
        "Fakturareferanse",
        "Invoice reference",
    ),
    c(
        "user.communication.email_message",
        "pd:Communication",
        "E-post sendt til personen",
        "E-mail sent to the person",
    ),
    c(
        "user.audit",
        "pd:Record",
        "Logg over innsyn og endringer",
        "Log of access and changes",
    ),
    c(
        "user.privacy_preferences",
        "pd:PrivacyPreference",
        "Aksept av erklæringer og samtykker",
        "Acceptance of policies and consents",
    ),
    c(
        "user.privacy_request",
        "dpv:RightExerciseRecord",
        "Forespørsler om personvernrettigheter",
        "Requests to exercise privacy rights",
    ),
    c(
        "user.contact.organisation",
        "pd:Organisation",
        "Organisasjon oppgitt ved påmelding",
        "Organisation given at registration",
    ),
    c(
        "user.government_id.national_identification_number",
        "pd:NationalIdentificationNumber",
        "Fødselsnummer",
        "National identity number",
    ),
    c(
        "user.consent",
        "dpv:ConsentRecord",
        "Samtykker og endringer i dem",
        "Consents and their changes",
    ),
    c(
        "user.preference.interests",
        "pd:Interest",
        "Interesser (emner for nyhetsbrev)",
        "Interests (newsletter subjects)",
    ),
    c(
        "user.preference.favourites",
        "pd:Favorite",
        "Favoritter og lister",
        "Favourites and lists",
    ),
    c(
        "user.content.review",
        "pd:Opinion",
        "Vurderinger og omtaler av kurs",
        "Course ratings and reviews",
    ),
    c(
        "user.behavior.search_history",
        "pd:BrowsingBehavior",
        "Søk i kurskatalogen",
        "Catalogue searches",
    ),
    Category {
        key: "user.health",
        dpv: "pd:Health",
        nb: "Helseopplysninger",
        en: "Health data",
        special: Some(Special::Health),
    },
    Category {
        key: "user.criminal_history",
        dpv: "pd:CriminalConviction",
        nb: "Politiattest",
        en: "Police certificate",
        special: Some(Special::CriminalRecord),
    },
];
