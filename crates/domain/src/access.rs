//! Who is acting, and what they may see of another person.
//!
//! The store works out the [`Relation`]s between an actor and a person (it needs data for that);
//! this module decides, without I/O, which fields those relations reveal. The registry issue
//! replaces these fixed rules with data-driven ones; the shape (relations in, fields out) stays.

use serde::{Deserialize, Serialize};

use crate::registry::{Viewer, keys};

use crate::{OrganisationId, PersonId};

/// A role granted within one organisation. Manager is not a grant: it is derived from the
/// manager relation of memberships. Teacher and course admin are per course (learning core).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgRole {
    OrgAdmin,
    ReportViewer,
    Dpo,
}

impl OrgRole {
    pub const ALL: [Self; 3] = [Self::OrgAdmin, Self::ReportViewer, Self::Dpo];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrgAdmin => "org_admin",
            Self::ReportViewer => "report_viewer",
            Self::Dpo => "dpo",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or("invalid_choice")
    }
}

/// The person on whose behalf a request runs, with the grants that matter for access checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub person_id: PersonId,
    pub operator: bool,
    pub grants: Vec<(OrganisationId, OrgRole)>,
}

impl Actor {
    pub fn has_role(&self, org: OrganisationId, role: OrgRole) -> bool {
        self.grants.iter().any(|&(o, r)| o == org && r == role)
    }

    pub fn is_org_admin(&self, org: OrganisationId) -> bool {
        self.has_role(org, OrgRole::OrgAdmin)
    }

    /// Organisations in which the actor holds any granted role.
    pub fn organisations_with_roles(&self) -> Vec<OrganisationId> {
        let mut orgs: Vec<_> = self.grants.iter().map(|&(o, _)| o).collect();
        orgs.sort();
        orgs.dedup();
        orgs
    }
}

/// How a viewer relates to the person whose data is asked for. The data registry says, per
/// field and purpose, which relations see it (`registry::Registry::allows`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The viewer is the person.
    Myself,
    /// The viewer is the person's manager in a membership.
    DirectManager,
    /// The viewer manages the person's manager, at any depth.
    IndirectManager,
    /// The viewer teaches or administers a course the person takes.
    CourseStaff,
    /// The viewer takes a course the person takes (only where its participant list is on).
    CoParticipant,
    /// The viewer administers an organisation the person is a member of.
    OrgAdmin,
    /// The viewer reads the organisation's reports.
    ReportViewer,
    /// The viewer teaches or administers, in the providing organisation, a shared course the
    /// person takes for another organisation.
    ProviderStaff,
    /// The viewer administers or manages in a later employer (platform setting, KS-12).
    LaterEmployer,
    /// A user with extended rights looking someone up (platform setting, DFO-12).
    DirectoryLookup,
    /// The organisation's data protection officer.
    Dpo,
    /// The platform operator.
    Operator,
}

impl Relation {
    pub const ALL: [Self; 12] = [
        Self::Myself,
        Self::DirectManager,
        Self::IndirectManager,
        Self::CourseStaff,
        Self::CoParticipant,
        Self::OrgAdmin,
        Self::ReportViewer,
        Self::ProviderStaff,
        Self::LaterEmployer,
        Self::DirectoryLookup,
        Self::Dpo,
        Self::Operator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Myself => "myself",
            Self::DirectManager => "direct_manager",
            Self::IndirectManager => "indirect_manager",
            Self::CourseStaff => "course_staff",
            Self::CoParticipant => "co_participant",
            Self::OrgAdmin => "org_admin",
            Self::ReportViewer => "report_viewer",
            Self::ProviderStaff => "provider_staff",
            Self::LaterEmployer => "later_employer",
            Self::DirectoryLookup => "directory_lookup",
            Self::Dpo => "dpo",
            Self::Operator => "operator",
        }
    }
}

/// The fields of a person a viewer may see. Memberships are always limited to the
/// organisations where a relation holds (tenant isolation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VisibleFields {
    pub name: bool,
    pub email: bool,
    pub birth_date: bool,
    pub memberships: bool,
    pub roles: bool,
}

impl VisibleFields {
    pub fn any(self) -> bool {
        self.name || self.email || self.birth_date || self.memberships || self.roles
    }
}

/// The person fields a viewer sees, as the data registry declares them.
pub fn visible_fields_for(viewer: &Viewer) -> VisibleFields {
    VisibleFields {
        name: keys::GIVEN_NAME.visible_to(viewer),
        email: keys::EMAIL.visible_to(viewer),
        birth_date: keys::BIRTH_DATE.visible_to(viewer),
        memberships: keys::MEMBERSHIP_KIND.visible_to(viewer),
        roles: keys::ROLES.visible_to(viewer),
    }
}

/// The fields a set of relations reveals together (no settings on); nothing when there is
/// no relation.
pub fn visible_fields(relations: &[Relation]) -> VisibleFields {
    visible_fields_for(&Viewer::new(relations))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_relation_reveals_nothing() {
        assert!(!visible_fields(&[]).any());
    }

    #[test]
    fn managers_do_not_see_birth_dates_but_admins_do() {
        assert!(!visible_fields(&[Relation::DirectManager]).birth_date);
        assert!(!visible_fields(&[Relation::IndirectManager]).birth_date);
        assert!(visible_fields(&[Relation::OrgAdmin]).birth_date);
        assert!(visible_fields(&[Relation::DirectManager, Relation::OrgAdmin]).birth_date);
    }

    #[test]
    fn actor_roles_are_per_organisation() {
        let org_a = OrganisationId::new();
        let org_b = OrganisationId::new();
        let actor = Actor {
            person_id: PersonId::new(),
            operator: false,
            grants: vec![(org_a, OrgRole::OrgAdmin)],
        };
        assert!(actor.is_org_admin(org_a));
        assert!(!actor.is_org_admin(org_b));
    }
}
