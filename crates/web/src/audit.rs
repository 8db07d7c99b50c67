//! Recording reads of other people's data in the audit log (changes are appended in their
//! transaction by `ops` and `learning`). Each helper leaves out the actor themself: seeing
//! one's own data is not audited.

use domain::access::{Actor, Relation};
use domain::{OrganisationId, PersonId};
use store::audit::{AuditEntry, purposes};
use store::seam::PersonView;

use crate::AppState;

/// The relation's key in audit entries and on the privacy page.
pub fn relation_key(r: Relation) -> &'static str {
    match r {
        Relation::Myself => "myself",
        Relation::DirectManager => "direct_manager",
        Relation::IndirectManager => "indirect_manager",
        Relation::OrgAdmin => "org_admin",
    }
}

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
    let mut fields = vec!["people.name"];
    if view.email.is_some() {
        fields.push("people.email");
    }
    if view.birth_date.is_some() {
        fields.push("people.birth_date");
    }
    if !view.memberships.is_empty() {
        fields.push("memberships");
    }
    if !view.roles.is_empty() {
        fields.push("roles");
    }
    read(
        state,
        org,
        actor,
        relation_key(relation),
        [view.id],
        &fields,
        purpose_of(relation),
    )
    .await;
}

/// Why someone with this relation looks at a person.
pub fn purpose_of(relation: Relation) -> &'static str {
    match relation {
        Relation::OrgAdmin | Relation::Myself => purposes::ADMINISTRATION,
        Relation::DirectManager | Relation::IndirectManager => purposes::TRAINING_FOLLOW_UP,
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
    let fields = &["people.name", "people.email", "learning.enrollment", "learning.progress"];
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
        &["people.name", "learning.submissions"],
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
        &["people.name", "learning.registrations"],
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
        &["people.name", "learning.requirements", "learning.certificates"],
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
        &["people.name", "people.email", "memberships.unit", "learning.completions"],
        purposes::REPORTING,
    )
    .await;
}
