//! Storage of the learning core. Course content (courses, modules, activities, sharing) is
//! read here; anything about a person (enrollments, progress, work, certificates) leaves the
//! crate through `crate::seam::learning`.

pub mod bulk;
pub mod courses;
pub mod discussion;
pub mod enrollments;
pub mod files;
pub mod requirements;
pub mod work;
pub mod writer;
