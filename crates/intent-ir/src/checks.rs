//! The checks each item of a plan declares, by stable id. Results report checks by these ids,
//! so this is the join between a plan and its results: `intent audit` counts an item's checks
//! with it, and the traceability tests prove that every check a run reports is declared here.

use crate::{Action, Check, ItemKind, Plan, StableId};
use std::collections::BTreeSet;

/// One item that reports results (an intent, evaluation, load block or policy), with the ids
/// of the checks it declares.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Declared<'p> {
    pub id: &'p StableId,
    pub kind: ItemKind,
    /// The ids of its actions (a request's own check, its `-> Type` and `retry` checks,
    /// checks, `given`, step calls, scores), of the actions of every step it calls (and those
    /// they call, each step once), its thresholds and its implicit checks (an evaluation's
    /// "each row fits", a policy's "the intent sends credentials" when it replays intents
    /// `without auth`). A policy's replays also report the checks of the intents they replay;
    /// those are the intents' own and are not repeated here.
    pub checks: BTreeSet<&'p StableId>,
}

impl Plan {
    /// Every intent, evaluation, load block and policy with the checks it declares, in plan
    /// order (intents, evaluations, loads, policies). An intent with examples is one entry:
    /// its rows share its checks.
    pub fn declared_checks(&self) -> Vec<Declared<'_>> {
        let mut items = Vec::new();
        for intent in &self.intents {
            let checks = self.body_checks(&intent.actions, &[]);
            items.push(Declared {
                id: &intent.id,
                kind: ItemKind::Intent,
                checks,
            });
        }
        for evaluation in &self.evaluations {
            let mut checks = self.body_checks(&evaluation.actions, &evaluation.thresholds);
            checks.insert(&evaluation.row_conformance);
            items.push(Declared {
                id: &evaluation.id,
                kind: ItemKind::Evaluation,
                checks,
            });
        }
        for load in &self.loads {
            let checks = self.body_checks(&load.actions, &load.thresholds);
            items.push(Declared {
                id: &load.id,
                kind: ItemKind::Load,
                checks,
            });
        }
        for policy in &self.policies {
            let mut checks: BTreeSet<&StableId> = policy
                .checks
                .iter()
                .chain(&policy.without_auth)
                .map(|c| &c.id)
                .collect();
            if !policy.without_auth.is_empty() {
                checks.insert(&policy.credentials);
            }
            items.push(Declared {
                id: &policy.id,
                kind: ItemKind::Policy,
                checks,
            });
        }
        items
    }

    /// The check ids of a body of `actions` (with the steps it calls) and of its `thresholds`.
    fn body_checks<'p>(
        &'p self,
        actions: &'p [Action],
        thresholds: &'p [Check],
    ) -> BTreeSet<&'p StableId> {
        let mut checks = BTreeSet::new();
        self.action_checks(actions, &mut checks, &mut BTreeSet::new());
        checks.extend(thresholds.iter().map(|t| &t.id));
        checks
    }

    /// Adds the check ids of `actions` to `checks`, following step calls (each step once:
    /// `steps` holds the ids of the steps already followed).
    fn action_checks<'p>(
        &'p self,
        actions: &'p [Action],
        checks: &mut BTreeSet<&'p StableId>,
        steps: &mut BTreeSet<&'p StableId>,
    ) {
        for action in actions {
            match action {
                Action::Bind { id, .. } | Action::Score { id, .. } => {
                    checks.insert(id);
                }
                Action::CallStep { id, step, .. } => {
                    checks.insert(id);
                    if steps.insert(step)
                        && let Some(step) = self.step(step)
                    {
                        self.action_checks(&step.actions, checks, steps);
                    }
                }
                Action::Request(request) => {
                    checks.insert(&request.id);
                    checks.extend(request.conformance.iter());
                    checks.extend(request.options.retry.iter().map(|r| &r.id));
                }
                Action::Check(check) => {
                    checks.insert(&check.id);
                }
                Action::Classify { .. } => {}
            }
        }
    }
}
