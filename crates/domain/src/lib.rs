//! Tavle's domain: pure types and rules. No I/O lives here (no database, no network, no clock:
//! callers pass `today`/`now` in), so every rule can be unit-tested and reused by the store, the
//! web layer, the CLI and, later, the jobs.

pub mod access;
pub mod audit;
pub mod competence;
pub mod consent;
pub mod cookies;
pub mod features;
pub mod ids;
pub mod import;
pub mod learning;
pub mod machine;
pub mod newsletter;
pub mod org;
pub mod person;
pub mod policy;
pub mod recommend;
pub mod registry;
pub mod validation;

pub use ids::{
    AcceptanceId, ActivityId, CertificateId, CourseId, DeletionRequestId, EnrollmentId, FileId,
    MembershipId, ModuleId, OrganisationId, PersonId, PolicyId, PolicyVersionId, PostId,
    RegistrationId, RequirementId, SubmissionId, UnitId,
};
pub use validation::{FieldError, FieldErrors};
