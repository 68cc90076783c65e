//! Which targets can be reached. A target that refuses the first connections of a run and has
//! never answered is down: the run says so once, the items that would send to it are skipped
//! as errored instead of each failing the same way, and the run could not be carried out.

use intent_ir::{Action, ItemResult, Plan, StableId, Status, Unreachable};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

#[derive(Debug, Default)]
struct State {
    /// The target answered at least once in this run.
    answered: bool,
    /// Set when the target is down: the request that found it out and why.
    down: Option<Unreachable>,
}

/// What the cases of a run have learnt about each target's reachability.
#[derive(Debug, Default)]
pub struct Reachability {
    targets: Mutex<BTreeMap<String, State>>,
}

impl Reachability {
    fn with<T>(&self, target: &str, f: impl FnOnce(&mut State) -> T) -> T {
        let mut targets = self
            .targets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Looked up before inserting: every request asks, and a key is made only once.
        if let Some(state) = targets.get_mut(target) {
            return f(state);
        }
        f(targets.entry(target.to_string()).or_default())
    }

    /// A response came back from `target`: it is up, whatever fails later.
    pub fn answered(&self, target: &str) {
        self.with(target, |state| state.answered = true);
    }

    /// No connection could be made to `target` (`url`, already redacted): unless it has
    /// answered before, it is down from now on.
    pub fn unreachable(&self, target: &str, url: &str, cause: &str) {
        self.with(target, |state| {
            if !state.answered && state.down.is_none() {
                state.down = Some(Unreachable {
                    target: target.to_string(),
                    url: url.to_string(),
                    cause: cause.to_string(),
                    skipped: 0,
                });
            }
        });
    }

    /// Why `target` is down, counting one more item skipped because of it; `None` when it may
    /// be up.
    pub fn skip(&self, target: &str) -> Option<String> {
        self.with(target, |state| {
            let down = state.down.as_mut()?;
            down.skipped += 1;
            Some(format!(
                "not run: the target `{}` is unreachable ({}: {})",
                down.target, down.url, down.cause
            ))
        })
    }

    /// Whether `target` is down.
    pub fn is_down(&self, target: &str) -> bool {
        self.with(target, |state| state.down.is_some())
    }

    /// The targets found down, by name.
    pub fn down(&self) -> Vec<Unreachable> {
        self.targets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .values()
            .filter_map(|state| state.down.clone())
            .collect()
    }
}

/// The targets `actions` send to, with those of the steps they call (each step once).
pub fn targets_of(plan: &Plan, actions: &[Action]) -> BTreeSet<String> {
    fn walk<'p>(
        plan: &'p Plan,
        actions: &'p [Action],
        seen: &mut BTreeSet<&'p StableId>,
        out: &mut BTreeSet<String>,
    ) {
        for action in actions {
            match action {
                Action::Request(request) => {
                    out.insert(request.target.clone());
                }
                Action::CallStep { step, .. } => {
                    if seen.insert(step)
                        && let Some(definition) = plan.step(step)
                    {
                        walk(plan, &definition.actions, seen, out);
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(plan, actions, &mut BTreeSet::new(), &mut out);
    out
}

impl Reachability {
    /// Stops `item`, which sends to `targets`, when one of them is down: it errored, with the
    /// reason and the target, and counts as one more item skipped because of it. Returns
    /// whether it stopped.
    pub fn halt(&self, targets: &BTreeSet<String>, item: &mut ItemResult) -> bool {
        let Some((target, why)) = targets
            .iter()
            .filter(|t| self.is_down(t))
            .find_map(|t| Some((t, self.skip(t)?)))
        else {
            return false;
        };
        item.status = Status::Errored;
        item.reason = Some(why);
        item.unreachable = Some(target.clone());
        true
    }

    /// Whether any of `targets` is down.
    pub fn any_down(&self, targets: &BTreeSet<String>) -> bool {
        targets.iter().any(|t| self.is_down(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_that_never_answered_is_down_once_refused() {
        let reach = Reachability::default();
        assert_eq!(reach.skip("shop"), None);
        reach.unreachable("shop", "http://127.0.0.1:1/a", "cannot connect");
        reach.unreachable("shop", "http://127.0.0.1:1/b", "cannot connect");
        assert!(reach.skip("shop").is_some_and(|why| why.contains("/a")));
        assert!(reach.skip("shop").is_some());
        let down = reach.down();
        assert_eq!(down.len(), 1);
        assert_eq!(down[0].skipped, 2);
        assert_eq!(down[0].url, "http://127.0.0.1:1/a");
    }

    #[test]
    fn a_target_that_answered_once_stays_up() {
        let reach = Reachability::default();
        reach.answered("shop");
        reach.unreachable("shop", "http://127.0.0.1:1/a", "cannot connect");
        assert_eq!(reach.skip("shop"), None);
        assert!(reach.down().is_empty());
    }
}
