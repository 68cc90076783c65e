//! The checks of many cases of one item (the rows of an evaluation, the iterations of a load
//! block), tallied as the cases finish: each check is reported once, failed when it failed in
//! any case, with the cases it failed in and the details and request of the lowest-numbered
//! failure, so the report does not depend on the order concurrent cases finish in. Cases are
//! added one at a time, so a long load test keeps counts, not every case.

use intent_ir::{CheckResult, ItemResult, RequestRecord, StableId, Status};
use std::fmt::Display;

/// What the cases are called in messages: rows of a dataset, iterations of a load block,
/// responses or intents of a policy.
#[derive(Clone, Copy)]
pub struct Noun {
    /// `row`, `iteration`.
    pub one: &'static str,
    /// `rows`, `iterations`.
    pub many: &'static str,
    /// How many cases a failed check names before it says how many more.
    pub listed: usize,
}

/// One check over all cases.
struct CheckTally<K> {
    /// The first result seen, the model for the summary.
    first: CheckResult,
    failed: usize,
    ran: usize,
    duration_ms: f64,
    /// The failure of the lowest case, with its key and the request it read.
    failure: Option<(K, CheckResult, Option<RequestRecord>)>,
    /// The lowest keys of the cases it failed in.
    listed: Vec<K>,
}

/// The tally of one item's cases, each known by a key that orders them and names them in
/// messages: a row or iteration number, an intent, a response.
pub struct Tally<K> {
    noun: Noun,
    cases: usize,
    checks: Vec<CheckTally<K>>,
}

impl<K: Ord + Clone + Display> Tally<K> {
    pub fn new(noun: Noun) -> Self {
        Self {
            noun,
            cases: 0,
            checks: Vec::new(),
        }
    }

    /// Counts one finished case, known as `key`.
    pub fn add(&mut self, key: K, case: &ItemResult) {
        self.cases += 1;
        for check in &case.checks {
            let index = match self.position(&check.id) {
                Some(i) => i,
                None => {
                    self.checks.push(CheckTally {
                        first: check.clone(),
                        failed: 0,
                        ran: 0,
                        duration_ms: 0.0,
                        failure: None,
                        listed: Vec::new(),
                    });
                    self.checks.len() - 1
                }
            };
            let tally = &mut self.checks[index];
            tally.duration_ms += check.duration_ms;
            match check.status {
                Status::Skipped => continue,
                Status::Failed => {
                    tally.failed += 1;
                    // The lowest keys, whatever order concurrent cases finish in.
                    let listed = self.noun.listed;
                    if tally.listed.len() < listed || tally.listed.last().is_some_and(|l| key < *l)
                    {
                        tally.listed.push(key.clone());
                        tally.listed.sort_unstable();
                        tally.listed.truncate(listed);
                    }
                    if tally
                        .failure
                        .as_ref()
                        .is_none_or(|(first, ..)| key < *first)
                    {
                        let request = check.request.and_then(|i| case.requests.get(i)).cloned();
                        tally.failure = Some((key.clone(), check.clone(), request));
                    }
                }
                _ => {}
            }
            tally.ran += 1;
        }
    }

    /// Adds the cases another tally counted (another user's iterations), as if each had been
    /// added here: counts add up, and the lowest keys and the lowest failure are kept.
    pub fn merge(&mut self, other: Tally<K>) {
        self.cases += other.cases;
        for theirs in other.checks {
            let Some(index) = self.position(&theirs.first.id) else {
                self.checks.push(theirs);
                continue;
            };
            let mine = &mut self.checks[index];
            mine.failed += theirs.failed;
            mine.ran += theirs.ran;
            mine.duration_ms += theirs.duration_ms;
            mine.listed.extend(theirs.listed);
            mine.listed.sort_unstable();
            mine.listed.dedup();
            mine.listed.truncate(self.noun.listed);
            if let Some(failure) = theirs.failure
                && mine
                    .failure
                    .as_ref()
                    .is_none_or(|(first, ..)| failure.0 < *first)
            {
                mine.failure = Some(failure);
            }
        }
    }

    fn position(&self, id: &StableId) -> Option<usize> {
        self.checks.iter().position(|c| &c.first.id == id)
    }

    /// How many cases were added.
    pub fn cases(&self) -> usize {
        self.cases
    }

    /// Appends one check result per check to `result`, in the order the checks first
    /// appeared, and the request of each first failure to its requests.
    pub fn finish(self, result: &mut ItemResult) {
        let Noun { one, many, .. } = self.noun;
        for tally in self.checks {
            let mut summary = CheckResult {
                status: if tally.failed > 0 {
                    Status::Failed
                } else if tally.ran == 0 {
                    Status::Skipped
                } else {
                    Status::Passed
                },
                duration_ms: tally.duration_ms,
                message: None,
                expected: None,
                actual: None,
                violations: Vec::new(),
                request: None,
                ..tally.first
            };
            if let Some((key, failure, request)) = tally.failure {
                let mut keys: Vec<String> = tally.listed.iter().map(K::to_string).collect();
                if tally.failed > keys.len() {
                    keys.push(format!("and {} more", tally.failed - keys.len()));
                }
                let why = failure
                    .message
                    .as_deref()
                    .map_or_else(String::new, |m| format!("; {one} {key}: {m}"));
                summary.message = Some(format!(
                    "failed in {} of {} {many} ({} {}){why}",
                    tally.failed,
                    self.cases,
                    if tally.failed == 1 { one } else { many },
                    keys.join(", ")
                ));
                summary.expected = failure.expected;
                summary.actual = failure.actual;
                summary.violations = failure.violations;
                if let Some(request) = request {
                    result.requests.push(request);
                    summary.request = Some(result.requests.len() - 1);
                }
            }
            result.checks.push(summary);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROWS: Noun = Noun {
        one: "iteration",
        many: "iterations",
        listed: 2,
    };

    /// A case with one check, failed or passed, whose message names the case.
    fn case(key: usize, failed: bool) -> ItemResult {
        let mut case = crate::placeholder();
        case.checks.push(CheckResult {
            id: StableId("check".into()),
            text: "status == 200".into(),
            status: if failed {
                Status::Failed
            } else {
                Status::Passed
            },
            source: case.source.clone(),
            expected: None,
            actual: None,
            message: failed.then(|| format!("case {key}")),
            violations: Vec::new(),
            request: None,
            duration_ms: 1.0,
        });
        case
    }

    fn summary(tally: Tally<usize>) -> String {
        let mut result = crate::placeholder();
        tally.finish(&mut result);
        result.checks[0].message.clone().unwrap_or_default()
    }

    /// Tallies kept apart (one per user) and merged say what one tally of every case says.
    #[test]
    fn merged_tallies_report_as_one() {
        let cases = [
            (1, false),
            (2, true),
            (3, false),
            (4, true),
            (5, true),
            (6, false),
        ];
        let mut one = Tally::new(ROWS);
        for &(key, failed) in &cases {
            one.add(key, &case(key, failed));
        }
        let (mut a, mut b) = (Tally::new(ROWS), Tally::new(ROWS));
        for &(key, failed) in &cases {
            let part = if key % 3 == 1 { &mut a } else { &mut b };
            part.add(key, &case(key, failed));
        }
        a.merge(b);
        assert_eq!(a.cases(), 6);
        let merged = summary(a);
        assert_eq!(merged, summary(one));
        assert_eq!(
            merged,
            "failed in 3 of 6 iterations (iterations 2, 4, and 1 more); iteration 2: case 2"
        );
    }
}
