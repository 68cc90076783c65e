//! The plan: the versioned contract between the Intent compiler and its runner.
//!
//! A plan is plain data (serde), deterministic (the same specs give the same bytes) and
//! self-contained: every intent, example row, evaluation, load block, policy and check carries
//! a stable id derived from its file and title and the source location it came from, so any
//! tool can run it, and any result can point back at the claim in the spec.
//!
//! Secrets are references (`env` variable names), never values.

pub mod audit;
mod checks;
mod expr;
mod ids;
mod items;
pub mod number;
mod results;
mod types;
pub mod units;

pub use checks::Declared;
pub use expr::*;
pub use ids::{StableId, normalise, slug};
pub use items::*;
pub use results::*;
pub use types::*;

/// The format of plans this crate writes and reads. A runner refuses other formats.
pub const FORMAT: &str = "intent-plan/1";
