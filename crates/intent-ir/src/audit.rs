//! The traceability audit that `intent audit` writes: which requirements are verified, by
//! which items and how many checks, and when those items last passed. It is the contract of
//! `--format json` (`intent-audit/1`), which a requirements tool or a dashboard reads, so it
//! lives beside the plan and the results. Only text of the specs reaches it (titles, `because`,
//! tags, paths relative to the project root), redacted as a run redacts it, and of the results
//! only each item's status and the time of its run.

use crate::{ItemKind, StableId, Status};
use serde::{Deserialize, Serialize};

/// The format of audits this crate writes.
pub const AUDIT_FORMAT: &str = "intent-audit/1";

/// The audit of one spec set against its latest results.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Audit {
    /// Always [`AUDIT_FORMAT`].
    pub format: String,
    /// The time results were judged at (`--as-of`, else when the audit ran), RFC 3339 in UTC.
    pub as_of: String,
    /// The tag prefix that names a requirement (`req:` in `@req:SHOP-12`).
    pub requirement_prefix: String,
    /// How old, in seconds, a passing result may be before it is stale.
    pub stale_after_s: u64,
    pub summary: AuditSummary,
    /// The listed requirements in list order, then those only tags name, by id.
    pub requirements: Vec<RequirementCoverage>,
    /// Every intent, evaluation, load block and policy, in plan order.
    pub items: Vec<AuditItem>,
}

/// Counts for the headline.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct AuditSummary {
    pub requirements: usize,
    pub verified: usize,
    pub failing: usize,
    pub stale: usize,
    pub not_run: usize,
    pub uncovered: usize,
    pub items: usize,
    /// Items that carry no requirement tag.
    pub untraced: usize,
    /// The checks of every item.
    pub checks: usize,
}

/// How well a requirement, or one item, is verified. For a requirement, the first that holds
/// of: no item with a check carries it (`uncovered`); one of them failed or errored in its
/// latest result (`failing`); one has no result (`not_run`); one's latest pass is older than
/// the stale age (`stale`); else `verified`. An item is judged the same way on its own.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    Uncovered,
    Failing,
    NotRun,
    Stale,
    Verified,
}

impl Coverage {
    /// The state in words, as the text reports write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Coverage::Uncovered => "no check",
            Coverage::Failing => "failing",
            Coverage::NotRun => "not run",
            Coverage::Stale => "stale",
            Coverage::Verified => "verified",
        }
    }
}

/// One requirement and what verifies it.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct RequirementCoverage {
    /// The id after the tag prefix (`SHOP-12`).
    pub id: String,
    /// Its title in the requirements list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// True when a requirements list was given and does not name it: a tag names an unknown
    /// requirement (a typo, or a list to complete).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unlisted: bool,
    pub state: Coverage,
    /// The items that carry it, in plan order.
    pub items: Vec<StableId>,
    /// The checks of those items.
    pub checks: usize,
    /// The oldest of those items' latest results: how old the evidence is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest_result: Option<String>,
}

/// One intent, evaluation, load block or policy.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct AuditItem {
    pub id: StableId,
    pub kind: ItemKind,
    pub title: String,
    /// The spec file, relative to the project root, with `/` separators.
    pub file: String,
    pub line: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub because: Option<String>,
    /// Every tag, without the `@`.
    pub tags: Vec<String>,
    /// The requirements its tags name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<String>,
    /// How many checks it declares (`Plan::declared_checks`).
    pub checks: usize,
    pub state: Coverage,
    /// Its latest result, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest: Option<LatestResult>,
}

/// An item's latest result. For an intent with examples, over its rows: `failed` or
/// `errored` when a row was, with the time of the oldest row's result.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct LatestResult {
    /// `passed`, `failed` or `errored`.
    pub status: Status,
    /// When the run that produced it started, RFC 3339 in UTC.
    pub at: String,
    /// For an intent with examples: how many rows have no result.
    #[serde(default, skip_serializing_if = "crate::results::is_zero")]
    pub rows_not_run: usize,
}
