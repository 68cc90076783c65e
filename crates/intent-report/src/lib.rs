//! Reports of an Intent run: what a person reads in a terminal, and what CI tools read.
//!
//! Every report is a pure function of an [`intent_ir::RunResult`] (the terminal failure view also
//! takes the [`intent_source::SourceMap`] of the spec files, to draw each failed check like a compiler error).
//! Nothing here prints, reads the environment or touches files: the command line decides where
//! each report goes.
//!
//! | format | function | for |
//! | --- | --- | --- |
//! | terminal | [`item_line`], [`failures`], [`summary`] | a person watching the run |
//! | JUnit XML | [`junit`] | CI test tabs (Jenkins, GitLab, Azure, GitHub test reporters) |
//! | JSON | [`json`], [`parse_json`] | tools; the stable `intent-results/1` schema |
//! | Markdown | [`markdown`] | a CI job page (`$GITHUB_STEP_SUMMARY`) |
//! | GitHub annotations | [`github_annotations`] | inline errors on a pull request |
//! | HTML | [`html`] | a self-contained page for people, with charts, kept as a CI artifact |
//!
//! The traceability audit of `intent audit` (which requirements are verified, by which checks,
//! and when they last passed) is built from a plan and the latest results and drawn in the same
//! formats by [`audit`].
//!
//! Secret values never reach these functions: the runner redacts them before it builds the
//! results. Text that came from the system under test (actual values, messages) is still treated
//! as untrusted: control characters are escaped before they reach a terminal, and every format
//! escapes what its syntax needs.

pub mod audit;
mod github;
mod html;
mod json;
mod junit;
mod markdown;
mod terminal;
mod text;

pub use github::github_annotations;
pub use html::html;
pub use json::{check_format, json, parse_json};
pub use junit::junit;
pub use markdown::markdown;
pub use terminal::{TerminalOptions, failures, item_line, summary};
pub use text::{format_duration, metric_value};

/// Why a report could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The JUnit writer failed.
    #[error("could not write the JUnit report: {0}")]
    Junit(#[from] quick_junit::SerializeError),
    /// The text is not JSON of a run result.
    #[error("not a results file: {0}")]
    Json(#[from] serde_json::Error),
    /// A time is not RFC 3339 (a run's `started_at`, `--as-of`).
    #[error("`{text}` is not a time (RFC 3339, e.g. 2026-11-25T10:00:00Z): {reason}")]
    Time { text: String, reason: String },
    /// The results are of a format this version does not read.
    #[error("results are in format `{found}`, this version reads `{expected}`")]
    Format {
        found: String,
        expected: &'static str,
    },
}
