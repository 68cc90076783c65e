//! Policies: governance checks applied to every response in their scope while the run goes on,
//! and intents replayed without credentials once it is done. A policy is one item: each of its
//! checks is reported once, with the responses or intents it failed for. At level `fail` a
//! failure fails the item (and the run); at level `warn` the item passes and its failures are
//! reported as warnings; at level `off` it is listed as not run.

use crate::case::Case;
use crate::http::Response;
use crate::shared::Shared;
use crate::tally::{Noun, Tally};
use futures_util::{StreamExt, stream};
use intent_ir::{
    CheckResult, Intent, ItemResult, Metric, Plan, Policy, PolicyLevel, PolicyScope, RequestRecord,
    Status,
};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

const RESPONSES: Noun = Noun {
    one: "response",
    many: "responses",
    listed: 3,
};

const INTENTS: Noun = Noun {
    one: "intent",
    many: "intents",
    listed: 10,
};

/// The policies applied to every response, each with the tally of what it found so far. Every
/// case hands each response it receives to [`Watch::observe`].
#[derive(Default)]
pub struct Watch {
    /// The index of each policy in the plan, with its tally.
    tallies: Vec<(usize, Mutex<Tally<String>>)>,
}

impl Watch {
    /// Watches the policies of `plan` that have checks for responses and are not `off`.
    pub fn new(plan: &Plan) -> Self {
        let tallies = plan
            .policies
            .iter()
            .enumerate()
            .filter(|(_, p)| p.level != PolicyLevel::Off && !p.checks.is_empty())
            .map(|(i, _)| (i, Mutex::new(Tally::new(RESPONSES))))
            .collect();
        Self { tallies }
    }

    /// Checks a response, received by the case `origin` from `target`, against every policy
    /// whose scope holds it.
    pub fn observe(
        &self,
        shared: &Shared,
        origin: &ItemResult,
        target: &str,
        response: &Arc<Response>,
        record: &RequestRecord,
    ) {
        for (index, tally) in &self.tallies {
            let policy = &shared.plan.policies[*index];
            let in_scope = match &policy.scope {
                PolicyScope::Responses { target: only } => {
                    only.as_deref().is_none_or(|t| t == target)
                }
                PolicyScope::Intents { tags } => tags.matches(&origin.tags),
            };
            if !in_scope {
                continue;
            }
            let base = ItemResult {
                id: policy.id.clone(),
                ..crate::placeholder()
            };
            let case = Case::judge(
                shared,
                base,
                Arc::clone(response),
                record.clone(),
                &policy.checks,
            );
            let status = record
                .status
                .map_or_else(String::new, |s| format!(" → {s}"));
            let key = format!(
                "{} {}{status} of \"{}\"",
                record.method, record.url, origin.title
            );
            tally
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .add(key, &case);
        }
    }

    /// The tally of the policy at `index`, if it watched responses.
    fn take(&self, index: usize) -> Option<Tally<String>> {
        let (_, tally) = self.tallies.iter().find(|(i, _)| *i == index)?;
        let mut tally = tally.lock().unwrap_or_else(PoisonError::into_inner);
        Some(std::mem::replace(&mut *tally, Tally::new(RESPONSES)))
    }
}

/// An intent of a replay, known by its place in the plan and shown by its title.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Replayed {
    index: usize,
    title: String,
}

impl fmt::Display for Replayed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.title)
    }
}

/// Replays the intents in the policy's scope (and in the run's selection) without
/// credentials, at most `jobs` at once, and adds a check result per `without auth` check.
pub async fn replay_all(
    shared: &Shared,
    index: usize,
    mut result: ItemResult,
    jobs: usize,
) -> ItemResult {
    let policy = &shared.plan.policies[index];
    if policy.level == PolicyLevel::Off || policy.without_auth.is_empty() {
        return result;
    }
    let pending: Vec<_> = shared
        .plan
        .intents
        .iter()
        .enumerate()
        .filter(|(_, intent)| {
            in_scope(policy, intent)
                && shared
                    .selection
                    .selects(&intent.id, &intent.title, &intent.tags)
        })
        .map(|(i, intent)| replay(shared, policy, i, intent))
        .collect();
    let mut replays = stream::iter(pending).buffered(jobs.max(1));
    let mut tally = Tally::new(INTENTS);
    while let Some((key, case)) = replays.next().await {
        tally.add(key, &case);
    }
    result
        .metrics
        .push(count("intents replayed", tally.cases()));
    tally.finish(&mut result);
    result
}

fn count(name: &str, value: usize) -> Metric {
    Metric {
        name: name.into(),
        value: value as f64,
        unit: String::new(),
    }
}

/// Settles the policy once no more responses will come: adds what it found in the responses
/// it watched, and decides its status by its level.
pub fn settle(shared: &Shared, index: usize, mut result: ItemResult) -> ItemResult {
    let policy = &shared.plan.policies[index];
    if policy.level == PolicyLevel::Off {
        result.status = Status::NotRun;
        result.reason = Some("the policy is at level `off`".into());
        return result;
    }
    if let Some(tally) = shared.policies.take(index) {
        result
            .metrics
            .insert(0, count("responses checked", tally.cases()));
        tally.finish(&mut result);
    }
    if result.checks.is_empty() {
        result.status = Status::NotRun;
        result.reason = Some("no response or intent of this run was in its scope".into());
        return result;
    }
    let failed = result.checks.iter().any(|c| c.status == Status::Failed);
    result.status = if failed && policy.level == PolicyLevel::Fail {
        Status::Failed
    } else {
        Status::Passed
    };
    result
}

/// Whether a replay `without auth` covers the intent: those tagged as the scope says, or
/// for a scope of responses, the intents that send a request to its target.
fn in_scope(policy: &Policy, intent: &Intent) -> bool {
    match &policy.scope {
        PolicyScope::Intents { tags } => tags.matches(&intent.tags),
        PolicyScope::Responses { target: None } => true,
        PolicyScope::Responses { target: Some(t) } => intent
            .actions
            .iter()
            .any(|a| matches!(a, intent_ir::Action::Request(r) if &r.target == t)),
    }
}

/// Replays one intent without credentials (with the values of its first example row).
async fn replay(
    shared: &Shared,
    policy: &Policy,
    index: usize,
    intent: &Intent,
) -> (Replayed, ItemResult) {
    // Named so, the responses of the replay are told apart from the intent's own where the
    // policies that watch responses list them.
    let title = format!("{} (replayed without credentials)", intent.title);
    let mut case = Case::new(shared, crate::case_of(&policy.id, &title, &intent.tags));
    if let Some(examples) = &intent.examples
        && let Some(row) = examples.rows.first()
    {
        crate::bind_row(shared, &mut case, examples, row);
    }
    let no_credentials = CheckResult {
        id: policy.credentials.clone(),
        text: "the intent sends credentials".into(),
        status: Status::Failed,
        source: intent.source.clone(),
        expected: None,
        actual: None,
        message: Some(
            "no request of the intent carries credentials, so there is nothing to replay without them"
                .into(),
        ),
        violations: Vec::new(),
        request: None,
        duration_ms: 0.0,
    };
    let result = case
        .replay(&intent.actions, &policy.without_auth, no_credentials)
        .await;
    let key = Replayed {
        index,
        title: intent.title.clone(),
    };
    (key, result)
}
