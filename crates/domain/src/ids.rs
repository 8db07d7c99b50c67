//! Typed identifiers. All ids are UUIDv7 (time-ordered), created by [`new`](PersonId::new).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = Uuid))]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh time-ordered (v7) id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            /// Hyphenated lower-case hex, encoded directly (links on a list page print many).
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0.hyphenated().encode_lower(&mut Uuid::encode_buffer()))
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// A person: platform-wide, may belong to several organisations over time.
    PersonId
);
id_type!(
    /// An organisation (tenant).
    OrganisationId
);
id_type!(
    /// An organisational unit inside one organisation.
    UnitId
);
id_type!(
    /// A person's membership (employment, study, …) in one organisation.
    MembershipId
);
id_type!(
    /// A course, owned by one organisation.
    CourseId
);
id_type!(
    /// A module (section) of a course.
    ModuleId
);
id_type!(
    /// An activity in a course: content, quiz, assignment, survey, event or external record.
    ActivityId
);
id_type!(
    /// One taking of a course by one person (a re-take is a new enrollment).
    EnrollmentId
);
id_type!(
    /// A stored file (uploads are kept under their content hash).
    FileId
);
id_type!(
    /// A requirement of an organisation: a course its people (or some of them) must complete.
    RequirementId
);
id_type!(
    /// A certificate issued on completing a course.
    CertificateId
);
id_type!(
    /// A post in a course's discussion (a thread's first post, or a reply).
    PostId
);
id_type!(
    /// A submission to an assignment.
    SubmissionId
);
id_type!(
    /// A registration for an event.
    RegistrationId
);
id_type!(
    /// A policy (privacy notice, terms of use, …) of the platform or one organisation.
    PolicyId
);
id_type!(
    /// One numbered version of a policy.
    PolicyVersionId
);
id_type!(
    /// One person's acceptance of one policy version.
    AcceptanceId
);
id_type!(
    /// A request to delete one's account.
    DeletionRequestId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_version_7_and_ordered() {
        let a = PersonId::new();
        let b = PersonId::new();
        assert_eq!(a.0.get_version_num(), 7);
        assert!(a <= b);
    }

    #[test]
    fn ids_print_as_hyphenated_lower_case_uuids() {
        let id = PersonId(Uuid::from_u128(0x01A2_306C_5B91_74B7_B443_588E_F514_6769));
        assert_eq!(id.to_string(), "01a2306c-5b91-74b7-b443-588ef5146769");
        assert_eq!(id.to_string().parse::<PersonId>().ok(), Some(id));
    }
}
