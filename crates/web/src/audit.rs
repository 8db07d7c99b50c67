//! Recording reads of other people's data in the audit log (changes are appended in their
//! transaction by `ops` and `learning`). Each helper leaves out the actor themself: seeing
//! one's own data is not audited.

use domain::access::{Actor, Relation};
use domain::{OrganisationId, PersonId};
use store::audit::{AuditEntry, purposes};
use store::seam::PersonView;

use crate::AppState;

/// Records that `actor` saw `subjects`' `fields` in `org` (one entry for the whole page).
pub async fn read(
    state: &AppState,
    org: OrganisationId,
    actor: &Actor,
    relation: &str,
    subjects: impl IntoIterator<Item = PersonId>,
    fields: &[&str],
    purpose: &'static str,
) {
    let mut subjects: Vec<PersonId> = subjects
        .into_iter()
        .filter(|p| *p != actor.person_id)
        .collect();
    subjects.sort_unstable_by_key(|p| p.0);
    subjects.dedup();
    if subjects.is_empty() {
        return;
    }
    state
        .audit
        .record(AuditEntry::read(
            org,
            actor.person_id,
            relation,
            subjects,
            fields,
            purpose,
        ))
        .await;
}

/// Records that `actor` saw the person `view` shows, with the fields it reveals.
pub async fn person_viewed(
    state: &AppState,
    org: OrganisationId,
    actor: &Actor,
    view: &PersonView,
) {
    let Some(relation) = view
        .relations
        .iter()
        .copied()
        .find(|r| *r != Relation::Myself)
    else {
        return;
    };
    let mut fields = vec!["user.name"];
    if view.email.is_some() {
        fields.push("user.contact.email");
    }
    if view.birth_date.is_some() || view.birth_year.is_some() {
        fields.push("user.demographic.date_of_birth");
    }
    if !view.memberships.is_empty() {
        fields.push("user.employment");
    }
    if !view.roles.is_empty() {
        fields.push("user.role");
    }
    read(
        state,
        org,
        actor,
        relation.as_str(),
        [view.id],
        &fields,
        purpose_of(relation),
    )
    .await;
}

/// Why someone with this relation looks at a person: the purpose under which the registry
/// lets them see the person's name.
pub fn purpose_of(relation: Relation) -> &'static str {
    match domain::registry::keys::GIVEN_NAME.sight(&domain::registry::Viewer::new(&[relation])) {
        Some(domain::registry::Sight::For(p)) => p.key.as_str(),
        _ => purposes::ADMINISTRATION,
    }
}

/// The relation an admin or manager list is read under: admin if the actor administers `org`.
pub fn list_relation(actor: &Actor, org: OrganisationId) -> (&'static str, &'static str) {
    if actor.is_org_admin(org) {
        ("org_admin", purposes::ADMINISTRATION)
    } else {
        ("manager", purposes::TRAINING_FOLLOW_UP)
    }
}

use store::learning::courses::Course;
use store::seam::learning as seen;

/// A course's participants, as its teachers see them: participants taking a shared course
/// for another organisation are read for that purpose.
pub async fn participants(
    state: &AppState,
    actor: &Actor,
    course: &Course,
    list: &[seen::Participant],
) {
    let fields = &[
        "user.name",
        "user.contact.email",
        "user.education.enrollment",
        "user.education.progress",
    ];
    let (shared, own): (Vec<_>, Vec<_>) = list.iter().partition(|p| p.via_organisation.is_some());
    for (people, purpose) in [(own, purposes::TEACHING), (shared, purposes::SHARED_COURSE)] {
        read(
            state,
            course.organisation_id,
            actor,
            "teacher",
            people.iter().map(|p| p.person_id),
            fields,
            purpose,
        )
        .await;
    }
}

/// A course's participant list as someone taking or teaching it sees it: names with e-mail,
/// workplace and completion, so more than names in a list.
pub async fn co_participants(
    state: &AppState,
    actor: &Actor,
    course: &Course,
    teaches: bool,
    list: &[seen::CoParticipant],
) {
    let (relation, purpose) = if teaches {
        ("teacher", purposes::TEACHING)
    } else {
        ("co_participant", purposes::PARTICIPANT_LIST)
    };
    read(
        state,
        course.organisation_id,
        actor,
        relation,
        list.iter().map(|p| p.person_id),
        &[
            "user.name",
            "user.contact.email",
            "user.workplace",
            "user.education.enrollment",
        ],
        purpose,
    )
    .await;
}

/// Submissions in a grading queue or opened for grading.
pub async fn submissions(
    state: &AppState,
    actor: &Actor,
    course: &Course,
    list: &[seen::SubmissionView],
) {
    read(
        state,
        course.organisation_id,
        actor,
        "teacher",
        list.iter().map(|s| s.learner_id),
        &["user.name", "user.content.submission"],
        purposes::TEACHING,
    )
    .await;
}

/// An event's registrations, as its organisers see them.
pub async fn registrations(
    state: &AppState,
    actor: &Actor,
    course: &Course,
    list: &[seen::RegistrationView],
) {
    read(
        state,
        course.organisation_id,
        actor,
        "teacher",
        list.iter().map(|r| r.registration.person_id),
        &["user.name", "user.event.registration"],
        purposes::TEACHING,
    )
    .await;
}

/// A requirement matrix, as a manager or administrator sees it.
pub async fn matrix(state: &AppState, actor: &Actor, org: OrganisationId, m: &seen::Matrix) {
    let (relation, purpose) = match list_relation(actor, org) {
        ("org_admin", _) => ("org_admin", purposes::REPORTING),
        other => other,
    };
    read(
        state,
        org,
        actor,
        relation,
        m.people.iter().map(|p| p.person_id),
        &[
            "user.name",
            "user.education.enrollment",
            "user.education.qualification",
        ],
        purpose,
    )
    .await;
}

/// A completion report (page, JSON or CSV).
pub async fn completions(
    state: &AppState,
    actor: &Actor,
    org: OrganisationId,
    rows: &[seen::CompletionRow],
) {
    let relation = if actor.is_org_admin(org) {
        "org_admin"
    } else {
        "report_viewer"
    };
    read(
        state,
        org,
        actor,
        relation,
        rows.iter().map(|r| r.person_id),
        &[
            "user.name",
            "user.contact.email",
            "user.workplace",
            "user.education.enrollment",
        ],
        purposes::REPORTING,
    )
    .await;
}

/// What the DPO searches the log by, as typed into the form or the query string.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct SearchQuery {
    /// The e-mail of a person named in the entries.
    #[serde(default)]
    pub person: String,
    /// The e-mail of the person who acted.
    #[serde(default)]
    pub actor: String,
    /// From this day (`YYYY-MM-DD` or `DD.MM.YYYY`).
    #[serde(default)]
    pub from: String,
    /// To this day, inclusive.
    #[serde(default)]
    pub to: String,
    /// A purpose key (`administration`, `teaching`, …).
    #[serde(default)]
    pub purpose: String,
    /// Page number, from 1.
    pub page: Option<i64>,
}

/// Entries per page of the log.
pub const LOG_PAGE: i64 = 50;

/// The organisation's log for its data protection officer (anyone else: `NotFound`). The search
/// itself is audited: the DPO reads the people it names.
pub async fn search_log(
    state: &AppState,
    user: &crate::auth::CurrentUser,
    slug: &str,
    query: &SearchQuery,
) -> crate::error::AppResult<(
    store::organisations::Organisation,
    Vec<store::audit::LogEntry>,
)> {
    use domain::FieldErrors;
    use domain::person::Email;
    let org = crate::ops::org_visible(state, user, slug).await?;
    if !user.actor.has_role(org.id, domain::access::OrgRole::Dpo) {
        return Err(crate::error::AppError::NotFound);
    }
    let mut errors = FieldErrors::new();
    let person = errors.check("person", Email::parse_optional(&query.person));
    let actor = errors.check("actor", Email::parse_optional(&query.actor));
    let date = |raw: &str| match raw.trim() {
        "" => Ok(None),
        d => domain::person::parse_date(d).map(Some),
    };
    let from = errors.check("from", date(&query.from));
    let to = errors.check("to", date(&query.to));
    let purpose = match query.purpose.trim() {
        "" => None,
        p if purposes::ALL.contains(&p) => Some(p.to_owned()),
        _ => {
            errors.add("purpose", "invalid_choice");
            None
        }
    };
    let (Some(person), Some(actor), Some(from), Some(to)) = (person, actor, from, to) else {
        return Err(errors.into());
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let mut db = state.store.conn().await?;
    let subject = match person {
        Some(e) => Some(store::people::id_by_email(&mut db, &e).await?),
        None => None,
    };
    let acting = match actor {
        Some(e) => Some(store::people::id_by_email(&mut db, &e).await?),
        None => None,
    };
    let page = query.page.unwrap_or(1).max(1);
    // An e-mail no account has finds nothing.
    let entries = if matches!(subject, Some(None)) || matches!(acting, Some(None)) {
        Vec::new()
    } else {
        let search = store::audit::Search {
            subject: subject.flatten(),
            actor: acting.flatten(),
            from,
            to,
            purpose,
        };
        store::audit::search(&mut db, org.id, &search, LOG_PAGE, (page - 1) * LOG_PAGE).await?
    };
    drop(db);
    let named: Vec<PersonId> = entries
        .iter()
        .flat_map(|e| e.subjects.iter().chain(std::iter::once(&e.actor)))
        .filter_map(|n| n.person)
        .collect();
    read(
        state,
        org.id,
        &user.actor,
        "dpo",
        named,
        &["user.name", "audit.entries"],
        purposes::AUDIT,
    )
    .await;
    Ok((org, entries))
}

/// Every key the code writes to audit entries: the data registry's categories (a test proves
/// each is one) and `audit.entries`; each has a label `audit_field.<key with _ for .>`.
pub const FIELD_KEYS: &[&str] = &[
    "user.name",
    "user.contact.email",
    "user.demographic.date_of_birth",
    "user.employment",
    "user.workplace",
    "user.role",
    "user.preference.language",
    "user.education.enrollment",
    "user.education.progress",
    "user.education.assessment",
    "user.content.submission",
    "user.event.registration",
    "user.education.qualification",
    "user.education.external_record",
    "user.content.opinion",
    "user.privacy_preferences",
    "user.privacy_request",
    "user.consent",
    "user.preference.favourites",
    "user.content.review",
    "user.behavior.search_history",
    "user.authorization.credentials",
    "audit.entries",
];

/// Every relation key the code writes (each has a label `audit_relation.<key>`).
pub const RELATION_KEYS: &[&str] = &[
    "myself",
    "org_admin",
    "direct_manager",
    "indirect_manager",
    "manager",
    "teacher",
    "course_staff",
    "co_participant",
    "provider_staff",
    "report_viewer",
    "dpo",
    "operator",
    "link_holder",
];

/// Records of training done elsewhere, as the course's approvers see them.
pub async fn external_records(
    state: &AppState,
    actor: &Actor,
    course: &Course,
    list: &[seen::RecordView],
) {
    read(
        state,
        course.organisation_id,
        actor,
        "teacher",
        list.iter().map(|r| r.learner_id),
        &[
            "user.name",
            "user.contact.email",
            "user.education.external_record",
        ],
        purposes::TEACHING,
    )
    .await;
}

/// Certificates about to expire, as a manager or administrator sees them.
pub async fn expiring(
    state: &AppState,
    actor: &Actor,
    org: OrganisationId,
    list: &[seen::ExpiringCertificate],
) {
    let (relation, purpose) = list_relation(actor, org);
    read(
        state,
        org,
        actor,
        relation,
        list.iter().map(|c| c.person_id),
        &["user.name", "user.education.qualification"],
        purpose,
    )
    .await;
}

/// The answers of an identified survey, with who gave them.
pub async fn survey_answers(
    state: &AppState,
    db: &mut store::Db,
    actor: &Actor,
    course: &Course,
    activity: domain::ActivityId,
) -> crate::error::AppResult<()> {
    let people = seen::identified_respondents(db, actor, course, activity).await?;
    read(
        state,
        course.organisation_id,
        actor,
        "teacher",
        people,
        &["user.name", "user.content.opinion"],
        purposes::TEACHING,
    )
    .await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use domain::registry::{Category, registry};

    #[test]
    fn audit_entries_name_the_registry_s_categories_and_purposes() {
        for key in super::FIELD_KEYS {
            assert!(
                *key == "audit.entries" || Category::find(key).is_some(),
                "{key} is not a registry category"
            );
        }
        for purpose in store::audit::purposes::ALL {
            assert!(
                registry().purpose(purpose).is_some(),
                "{purpose} is not a registry purpose"
            );
        }
    }
}
