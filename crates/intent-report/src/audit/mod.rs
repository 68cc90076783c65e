//! The traceability audit: from a plan and the latest results of its items, which
//! requirements are verified, by which items and checks, and when those last passed
//! ([`build`]); then the same audit for a person ([`terminal`]), a CI job page
//! ([`markdown()`]), a page to keep ([`html()`]) and tools ([`json()`], `intent-audit/1`).
//!
//! The audit is a pure function of its inputs, "now" included ([`AuditOptions::as_of`]), so
//! the same plan and results give the same audit. What it shows of the specs (titles and
//! `because`) goes through the redaction the caller gives, the one a run would use; of the
//! results it keeps only each item's status and the time of its run, never a message.

mod html;
mod markdown;
mod terminal;

pub use html::html;
pub use markdown::markdown;
pub use terminal::{counts_text, terminal};

use crate::ReportError;
use chrono::{DateTime, SecondsFormat, Utc};
use intent_ir::audit::{
    AUDIT_FORMAT, Audit, AuditItem, AuditSummary, Coverage, LatestResult, RequirementCoverage,
};
use intent_ir::{ItemKind, Plan, RunResult, StableId, Status};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

/// A requirement of the requirements list.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Listed {
    pub id: String,
    pub title: String,
}

/// What the audit is judged by, besides the plan and the results.
pub struct AuditOptions<'a> {
    /// The tag prefix that names a requirement (`req:`).
    pub requirement_prefix: &'a str,
    /// How old a passing result may be before it is stale.
    pub stale_after: Duration,
    /// The time to judge staleness at.
    pub as_of: DateTime<Utc>,
    /// The requirements list, when one was given: its requirements are shown even when no
    /// item carries them.
    pub requirements: Option<&'a [Listed]>,
    /// The redaction of text from the specs (titles, `because`).
    pub redact: &'a dyn Fn(&str) -> String,
}

impl std::fmt::Debug for AuditOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditOptions")
            .field("requirement_prefix", &self.requirement_prefix)
            .field("stale_after", &self.stale_after)
            .field("as_of", &self.as_of)
            .field("requirements", &self.requirements)
            .finish_non_exhaustive()
    }
}

/// The latest result of each item, from results files and the monitors' history: the newer
/// of two results of one item wins.
#[derive(Clone, Debug, Default)]
pub struct Evidence {
    latest: HashMap<String, (Status, DateTime<Utc>)>,
}

impl Evidence {
    /// The items a run carried out (passed, failed or errored), as of its start. Items not
    /// run or skipped say nothing of the system and are left out.
    pub fn add_run(&mut self, result: &RunResult) -> Result<(), ReportError> {
        let at = parse_time(&result.started_at)?;
        for item in &result.items {
            self.add_at(item.id.as_str(), item.status, at);
        }
        Ok(())
    }

    /// One item's result (by its id, an example row's own id for a row) of a run that started
    /// at `at` (RFC 3339).
    pub fn add(&mut self, id: &str, status: Status, at: &str) -> Result<(), ReportError> {
        let at = parse_time(at)?;
        self.add_at(id, status, at);
        Ok(())
    }

    fn add_at(&mut self, id: &str, status: Status, at: DateTime<Utc>) {
        if !matches!(status, Status::Passed | Status::Failed | Status::Errored) {
            return;
        }
        match self.latest.get(id) {
            Some((_, known)) if *known >= at => {}
            _ => {
                self.latest.insert(id.to_owned(), (status, at));
            }
        }
    }
}

/// Reads an RFC 3339 time, such as a run's `started_at` or `--as-of`.
pub fn parse_time(text: &str) -> Result<DateTime<Utc>, ReportError> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| ReportError::Time {
            text: text.to_owned(),
            reason: e.to_string(),
        })
}

/// A time as the audit writes it: RFC 3339 in UTC, to the millisecond.
fn time_text(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// One item of the plan as the audit sees it, before judging.
struct Entry<'p> {
    id: &'p StableId,
    kind: ItemKind,
    title: &'p str,
    file: u32,
    line: u32,
    because: Option<&'p str>,
    tags: &'p [String],
    /// The ids its results carry: its own, or each example row's.
    result_ids: Vec<&'p StableId>,
}

/// Every intent, evaluation, load block and policy of the plan, in plan order.
fn entries(plan: &Plan) -> Vec<Entry<'_>> {
    let mut entries = Vec::new();
    for i in &plan.intents {
        let rows: Vec<&StableId> = i
            .examples
            .iter()
            .flat_map(|e| &e.rows)
            .map(|r| &r.id)
            .collect();
        entries.push(Entry {
            id: &i.id,
            kind: ItemKind::Intent,
            title: &i.title,
            file: i.file,
            line: i.source.line,
            because: i.because.as_deref(),
            tags: &i.tags,
            result_ids: if rows.is_empty() { vec![&i.id] } else { rows },
        });
    }
    let mut add = |id, kind, title, file, line, tags| {
        entries.push(Entry {
            id,
            kind,
            title,
            file,
            line,
            because: None,
            tags,
            result_ids: vec![id],
        });
    };
    for e in &plan.evaluations {
        let kind = ItemKind::Evaluation;
        add(&e.id, kind, &e.title, e.file, e.source.line, &e.tags);
    }
    for l in &plan.loads {
        add(
            &l.id,
            ItemKind::Load,
            &l.title,
            l.file,
            l.source.line,
            &l.tags,
        );
    }
    for p in &plan.policies {
        let kind = ItemKind::Policy;
        add(&p.id, kind, &p.title, p.file, p.source.line, &p.tags);
    }
    entries
}

/// The audit of `plan` against `evidence`.
pub fn build(plan: &Plan, evidence: &Evidence, options: &AuditOptions) -> Audit {
    let checks: HashMap<&StableId, usize> = plan
        .declared_checks()
        .into_iter()
        .map(|d| (d.id, d.checks.len()))
        .collect();
    // An age too large for the calendar makes nothing stale.
    let stale_before = chrono::Duration::from_std(options.stale_after)
        .ok()
        .and_then(|age| options.as_of.checked_sub_signed(age))
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let mut items = Vec::new();
    // The oldest latest result of each item, for its requirements.
    let mut oldest: Vec<Option<DateTime<Utc>>> = Vec::new();
    for entry in entries(plan) {
        let count = checks.get(entry.id).copied().unwrap_or(0);
        let found: Vec<Option<&(Status, DateTime<Utc>)>> = entry
            .result_ids
            .iter()
            .map(|id| evidence.latest.get(id.as_str()))
            .collect();
        let (state, latest, at) = judge(count, &found, stale_before);
        oldest.push(at);
        items.push(AuditItem {
            id: entry.id.clone(),
            kind: entry.kind,
            title: (options.redact)(entry.title),
            file: plan
                .files
                .get(entry.file as usize)
                .map_or_else(String::new, |f| f.path.clone()),
            line: entry.line,
            because: entry.because.map(options.redact),
            tags: entry.tags.to_vec(),
            requirements: entry
                .tags
                .iter()
                .filter_map(|t| t.strip_prefix(options.requirement_prefix))
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
                .collect(),
            checks: count,
            state,
            latest,
        });
    }
    let requirements = requirements(&items, &oldest, options.requirements);
    let mut summary = AuditSummary {
        requirements: requirements.len(),
        items: items.len(),
        untraced: items.iter().filter(|i| i.requirements.is_empty()).count(),
        checks: items.iter().map(|i| i.checks).sum(),
        ..AuditSummary::default()
    };
    for requirement in &requirements {
        *match requirement.state {
            Coverage::Verified => &mut summary.verified,
            Coverage::Failing => &mut summary.failing,
            Coverage::Stale => &mut summary.stale,
            Coverage::NotRun => &mut summary.not_run,
            Coverage::Uncovered => &mut summary.uncovered,
        } += 1;
    }
    Audit {
        format: AUDIT_FORMAT.to_owned(),
        as_of: time_text(options.as_of),
        requirement_prefix: options.requirement_prefix.to_owned(),
        stale_after_s: options.stale_after.as_secs(),
        summary,
        requirements,
        items,
    }
}

/// An item's state from its number of checks and the latest result of each of its result
/// ids, with the result shown and the time of its oldest part.
fn judge(
    checks: usize,
    found: &[Option<&(Status, DateTime<Utc>)>],
    stale_before: DateTime<Utc>,
) -> (Coverage, Option<LatestResult>, Option<DateTime<Utc>>) {
    let present: Vec<&(Status, DateTime<Utc>)> = found.iter().flatten().copied().collect();
    let oldest = present.iter().map(|(_, at)| *at).min();
    let status = [Status::Failed, Status::Errored]
        .into_iter()
        .find(|bad| present.iter().any(|(s, _)| s == bad))
        .unwrap_or(Status::Passed);
    let missing = found.len() - present.len();
    let latest = oldest.map(|at| LatestResult {
        status,
        at: time_text(at),
        rows_not_run: if found.len() > 1 { missing } else { 0 },
    });
    let state = if checks == 0 {
        Coverage::Uncovered
    } else if status != Status::Passed {
        Coverage::Failing
    } else if missing > 0 {
        Coverage::NotRun
    } else if oldest.is_some_and(|at| at < stale_before) {
        Coverage::Stale
    } else {
        Coverage::Verified
    };
    (state, latest, oldest)
}

/// Each requirement with the items that carry it: the listed ones in list order, then those
/// only tags name, by id.
fn requirements(
    items: &[AuditItem],
    oldest: &[Option<DateTime<Utc>>],
    listed: Option<&[Listed]>,
) -> Vec<RequirementCoverage> {
    let mut carried: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, item) in items.iter().enumerate() {
        for requirement in &item.requirements {
            carried.entry(requirement).or_default().push(index);
        }
    }
    let coverage = |id: &str, title: Option<String>, unlisted: bool| {
        let carriers = carried.get(id).map_or(&[][..], Vec::as_slice);
        let checked: Vec<usize> = carriers
            .iter()
            .copied()
            .filter(|&i| items[i].checks > 0)
            .collect();
        RequirementCoverage {
            id: id.to_owned(),
            title,
            unlisted,
            // The worst of its items' states; none with a check is no coverage at all.
            state: checked
                .iter()
                .map(|&i| items[i].state)
                .min()
                .unwrap_or(Coverage::Uncovered),
            items: carriers.iter().map(|&i| items[i].id.clone()).collect(),
            checks: checked.iter().map(|&i| items[i].checks).sum(),
            oldest_result: if checked.iter().all(|&i| oldest[i].is_some()) {
                checked
                    .iter()
                    .filter_map(|&i| oldest[i])
                    .min()
                    .map(time_text)
            } else {
                None
            },
        }
    };
    let mut out: Vec<RequirementCoverage> = listed
        .unwrap_or_default()
        .iter()
        .map(|r| {
            coverage(
                &r.id,
                Some(r.title.clone()).filter(|t| !t.is_empty()),
                false,
            )
        })
        .collect();
    for id in carried.keys() {
        if !out.iter().any(|r| r.id == *id) {
            out.push(coverage(id, None, listed.is_some()));
        }
    }
    out
}

/// The audit as pretty-printed JSON (`intent-audit/1`, see `docs/audit.md`). Ends with a
/// newline.
pub fn json(audit: &Audit) -> String {
    crate::json::pretty(audit, AUDIT_FORMAT) + "\n"
}

/// Whether there are requirements and every one is verified (what `--require-coverage`
/// asks): none failing, not run, stale or without a check. An audit that traces no
/// requirement covers nothing, as a run that selects nothing checks nothing.
pub fn covered(audit: &Audit) -> bool {
    !audit.requirements.is_empty()
        && audit
            .requirements
            .iter()
            .all(|r| r.state == Coverage::Verified)
}

/// The headline of every format: `every requirement verified`, `not every requirement is
/// verified`, or `no requirement traced`.
pub(crate) fn headline(audit: &Audit) -> &'static str {
    if audit.requirements.is_empty() {
        "no requirement traced"
    } else if covered(audit) {
        "every requirement verified"
    } else {
        "not every requirement is verified"
    }
}

/// A stale age for people: `7d`, `36h`, `90m`, `45s` (the largest unit that divides it).
pub fn age_text(seconds: u64) -> String {
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60)] {
        if seconds > 0 && seconds % size == 0 {
            return format!("{}{unit}", seconds / size);
        }
    }
    format!("{seconds}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        parse_time(text).expect("a time")
    }

    #[test]
    fn the_newer_result_of_an_item_wins_and_items_not_run_say_nothing() {
        let mut evidence = Evidence::default();
        let add = |e: &mut Evidence, status, time| e.add("a", status, time).expect("a time");
        add(&mut evidence, Status::Failed, "2026-01-02T00:00:00Z");
        add(&mut evidence, Status::Passed, "2026-01-01T00:00:00Z");
        add(&mut evidence, Status::NotRun, "2026-01-03T00:00:00Z");
        assert_eq!(
            evidence.latest.get("a"),
            Some(&(Status::Failed, at("2026-01-02T00:00:00Z")))
        );
        add(&mut evidence, Status::Passed, "2026-01-02T01:00:00+02:00");
        assert_eq!(
            evidence.latest["a"].0,
            Status::Failed,
            "an hour earlier in UTC"
        );
        assert!(evidence.add("a", Status::Passed, "yesterday").is_err());
    }

    #[test]
    fn an_item_is_failing_then_not_run_then_stale_then_verified() {
        let stale_before = at("2026-01-02T00:00:00Z");
        let old = (Status::Passed, at("2026-01-01T00:00:00Z"));
        let new = (Status::Passed, at("2026-01-03T00:00:00Z"));
        let failed = (Status::Failed, at("2026-01-03T00:00:00Z"));
        let state = |checks, found: &[Option<&(Status, DateTime<Utc>)>]| {
            judge(checks, found, stale_before).0
        };
        assert_eq!(state(0, &[Some(&new)]), Coverage::Uncovered);
        assert_eq!(
            state(2, &[Some(&old), Some(&failed), None]),
            Coverage::Failing
        );
        assert_eq!(state(2, &[Some(&new), None]), Coverage::NotRun);
        assert_eq!(state(2, &[None]), Coverage::NotRun);
        assert_eq!(state(2, &[Some(&new), Some(&old)]), Coverage::Stale);
        assert_eq!(state(2, &[Some(&new)]), Coverage::Verified);
        // The result shown: the worst status, the oldest time, the rows without a result.
        let (_, latest, _) = judge(2, &[Some(&new), Some(&old), None], stale_before);
        assert_eq!(
            latest,
            Some(LatestResult {
                status: Status::Passed,
                at: "2026-01-01T00:00:00.000Z".into(),
                rows_not_run: 1,
            })
        );
        assert_eq!(judge(2, &[None], stale_before).1, None);
    }

    #[test]
    fn stale_ages_read_in_their_largest_unit() {
        assert_eq!(age_text(7 * 86_400), "7d");
        assert_eq!(age_text(36 * 3_600), "36h");
        assert_eq!(age_text(90 * 60), "90m");
        assert_eq!(age_text(45), "45s");
        assert_eq!(age_text(0), "0s");
    }
}
