//! Who is acting, and what they may see of another person.
//!
//! The store works out the [`Relation`]s between an actor and a person (it needs data for that);
//! this module decides, without I/O, which fields those relations reveal. The registry issue
//! replaces these fixed rules with data-driven ones; the shape (relations in, fields out) stays.

use serde::{Deserialize, Serialize};

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

/// How a viewer relates to the person whose data is asked for, within one organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The viewer is the person.
    Myself,
    /// The viewer is the person's manager in a membership.
    DirectManager,
    /// The viewer manages the person's manager, at any depth.
    IndirectManager,
    /// The viewer administers an organisation the person is a member of.
    OrgAdmin,
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

    fn union(self, other: Self) -> Self {
        Self {
            name: self.name || other.name,
            email: self.email || other.email,
            birth_date: self.birth_date || other.birth_date,
            memberships: self.memberships || other.memberships,
            roles: self.roles || other.roles,
        }
    }
}

/// The fields one relation reveals.
pub fn fields_for(relation: Relation) -> VisibleFields {
    match relation {
        Relation::Myself => VisibleFields {
            name: true,
            email: true,
            birth_date: true,
            memberships: true,
            roles: true,
        },
        // Managers follow up their staff's training (DFO-9): who they are and where they work,
        // not their birth date.
        Relation::DirectManager | Relation::IndirectManager => VisibleFields {
            name: true,
            email: true,
            birth_date: false,
            memberships: true,
            roles: false,
        },
        // The organisation administers its people: it holds the birth date where it asked
        // for one (minimum age) and manages roles.
        Relation::OrgAdmin => VisibleFields {
            name: true,
            email: true,
            birth_date: true,
            memberships: true,
            roles: true,
        },
    }
}

/// The fields a set of relations reveals together; nothing when there is no relation.
pub fn visible_fields(relations: &[Relation]) -> VisibleFields {
    relations
        .iter()
        .fold(VisibleFields::default(), |acc, &r| acc.union(fields_for(r)))
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
