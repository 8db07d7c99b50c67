//! The learning core's rules: courses and their activities, taking them (grading, places at
//! events, surveys, training recorded elsewhere), completion and certificates, and
//! requirements. Pure like the rest of `domain`: callers pass `today`.

pub mod activity;
pub mod course;
pub mod files;
pub mod markdown;
pub mod progress;
pub mod requirement;
