//! The results of a run: the contract between the runner and every report.
//!
//! Results carry the stable ids and sources of the plan, so a report can point a failure at
//! the claim in the spec. Secret values never reach this type: the runner redacts them first.

use crate::{Source, SpecFile, StableId};
use serde::{Deserialize, Serialize};

/// The format of results this crate writes; reports check it.
pub const RESULTS_FORMAT: &str = "intent-results/1";

/// Everything a run found out.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct RunResult {
    /// Always [`RESULTS_FORMAT`].
    pub format: String,
    pub files: Vec<SpecFile>,
    /// When the run started, RFC 3339 in UTC.
    pub started_at: String,
    pub duration_ms: f64,
    /// True when the run was stopped (Ctrl-C) before every item finished.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    /// One entry per intent (or example row), evaluation, load block and policy, in plan order.
    pub items: Vec<ItemResult>,
    /// The targets that could not be reached at all: the run could not be carried out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreachable: Vec<Unreachable>,
}

/// A target that refused every connection of a run (or could not be found): it never
/// answered, so the items that would have sent to it after the first failure were skipped.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Unreachable {
    /// The target's name in the spec.
    pub target: String,
    /// The URL of the first request that could not connect (redacted).
    pub url: String,
    /// Why: `cannot connect: Connection refused (os error 111)`.
    pub cause: String,
    /// How many items were skipped (reported as errored) because the target was down.
    pub skipped: usize,
}

impl RunResult {
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for item in &self.items {
            match item.status {
                Status::Passed => summary.passed += 1,
                Status::Failed => summary.failed += 1,
                Status::Errored => summary.errored += 1,
                Status::NotRun => summary.not_run += 1,
                Status::Skipped => summary.skipped += 1,
            }
            summary.checks += item.checks.len();
            summary.failed_checks += item
                .checks
                .iter()
                .filter(|c| c.status == Status::Failed)
                .count();
        }
        summary
    }

    /// Whether everything that ran passed (items not run do not fail a run; they are listed).
    pub fn passed(&self) -> bool {
        !self.interrupted
            && self.unreachable.is_empty()
            && self
                .items
                .iter()
                .all(|i| matches!(i.status, Status::Passed | Status::NotRun | Status::Skipped))
    }
}

/// Counts for summaries.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub errored: usize,
    pub not_run: usize,
    pub skipped: usize,
    pub checks: usize,
    pub failed_checks: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Intent,
    Evaluation,
    Load,
    Policy,
    Monitor,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Intent => "intent",
            ItemKind::Evaluation => "evaluate",
            ItemKind::Load => "load",
            ItemKind::Policy => "policy",
            ItemKind::Monitor => "monitor",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Passed,
    /// A check, threshold or policy did not hold.
    Failed,
    /// The item could not be carried out: a target refused, a step failed, a dataset was
    /// unreadable. Counts as a failure.
    Errored,
    /// Not executed, with a reason (a construct this runner does not run yet, or an interrupt).
    NotRun,
    /// Not executed because something before it failed.
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Errored => "errored",
            Status::NotRun => "not run",
            Status::Skipped => "skipped",
        }
    }
}

/// One intent, example row, evaluation, load block or policy.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct ItemResult {
    /// The item's id, or the example row's id for a row.
    pub id: StableId,
    pub kind: ItemKind,
    pub title: String,
    pub file: u32,
    pub tags: Vec<String>,
    /// The intent's `because`: why the behaviour matters, so a failure says what is at stake.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub because: Option<String>,
    pub source: Source,
    pub status: Status,
    /// Why the item errored or did not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The target that could not be reached when the item was skipped because of it (see
    /// [`RunResult::unreachable`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreachable: Option<String>,
    pub duration_ms: f64,
    /// For an example row: its values by column, as text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub example: Vec<(String, String)>,
    pub checks: Vec<CheckResult>,
    /// Aggregate values (evaluations and load blocks).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<Metric>,
    /// The requests made, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<RequestRecord>,
    /// For an evaluation: each row's outcome, classification and scores, in row order (past
    /// the first 10,000 rows, only the rows that did not pass or were misclassified).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cases: Vec<CaseRecord>,
    /// For an evaluation: how many rows `cases` leaves out.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cases_omitted: usize,
    /// For an evaluation: how many of the rows left out were misclassified, so a report can
    /// say how many rows were wrong in all, not only among those kept.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub misclassified_omitted: usize,
}

/// One row of an evaluation: how its checks went, what it classified and what it scored.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct CaseRecord {
    /// The row's number in the dataset, from 1.
    pub row: usize,
    pub status: Status,
    /// The predicted and the expected label, when the row reached `classify`; `None` for a
    /// label that was absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classified: Option<Classification>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scores: Vec<(String, f64)>,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Classification {
    pub predicted: Option<String>,
    pub expected: Option<String>,
}

impl Classification {
    /// Whether the prediction is right: present and equal to the expected label.
    pub fn correct(&self) -> bool {
        self.predicted.is_some() && self.predicted == self.expected
    }
}

/// One check's outcome.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct CheckResult {
    pub id: StableId,
    /// The expectation as written in the spec.
    pub text: String,
    pub status: Status,
    pub source: Source,
    /// What the check wanted, as text (the right-hand side of a comparison, a type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// What the system did, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    /// Why it failed, in words (the failing element of a quantifier, a transport error).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Each way a response failed its declared type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<Violation>,
    /// The index into [`ItemResult::requests`] of the response the check read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<usize>,
    pub duration_ms: f64,
}

/// One way a value fails its type.
#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
pub struct Violation {
    /// JSONPath of the offending value: `$.items[2].qty`.
    pub path: String,
    pub message: String,
}

/// A request as sent and what came back, with secrets redacted.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct RequestRecord {
    /// The request's id in the plan.
    pub id: StableId,
    pub method: String,
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    pub duration_ms: f64,
    /// Set when no response came back: refused, reset, timed out, too large.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub source: Source,
}

/// A named aggregate value with the threshold it was held to.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Metric {
    pub name: String,
    pub value: f64,
    /// The unit of `value`: `ms`, `%`, `/s`, or empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
}

pub(crate) fn is_zero(n: &usize) -> bool {
    *n == 0
}
