//! k6 scripts from load blocks: `intent compile --emit k6`.
//!
//! A load test bigger than one machine can drive belongs on an engine that already runs
//! distributed (k6 on k6-operator, or Grafana Cloud k6), not on a cluster of Intent's own. So
//! each `load` block becomes one k6 script (an ES module) that sends the same request with the
//! same model and holds the same thresholds, and the spec stays the source of truth: the
//! script is generated again whenever the spec changes.
//!
//! What a k6 script cannot say exactly as the spec means it is refused with a coded
//! diagnostic at its span (`E4001` for `at N% confidence`, `E4002` for the rest), never left
//! out: a script that silently dropped a threshold would pass where `intent run` fails.

mod js;
mod script;
mod thresholds;

use intent_ir::{Load, Plan};
use intent_source::{Diagnostic, FileId};

/// The request timeout when neither the request nor its target sets one: `intent run`'s own
/// default (`intent_runner::DEFAULT_TIMEOUT`), so a script waits exactly as long. k6's own
/// default (60 s) would differ.
pub const DEFAULT_TIMEOUT_MS: f64 = 30_000.0;

/// The most iterations in flight at once, as in `intent run` (`intent_runner::load::
/// MAX_IN_FLIGHT`): the ceiling of a script's `maxVUs`.
pub const MAX_VUS: u64 = 1000;

/// One generated script.
#[derive(Debug, Clone, PartialEq)]
pub struct K6Script {
    /// The load block's stable id.
    pub id: String,
    /// The file name to write it as: the id with `/` as `__` and `::` as `--`, then `.js`.
    pub file_name: String,
    pub text: String,
}

/// One script per load block of the plan, in plan order; or every diagnostic of every block
/// that cannot be expressed in k6 (then no script is worth writing: a partial export would
/// look complete).
pub fn k6_scripts(plan: &Plan) -> Result<Vec<K6Script>, Vec<Diagnostic>> {
    let mut scripts = Vec::new();
    let mut diagnostics = Vec::new();
    for load in &plan.loads {
        match script::script(plan, load) {
            Ok(text) => scripts.push(K6Script {
                id: load.id.as_str().to_string(),
                file_name: file_name(load),
                text,
            }),
            Err(refusals) => diagnostics.extend(
                refusals
                    .into_iter()
                    .map(|r| r.into_diagnostic(FileId(load.source.file))),
            ),
        }
    }
    if diagnostics.is_empty() {
        Ok(scripts)
    } else {
        Err(diagnostics)
    }
}

/// `examples/shop/specs/load::the-catalog-holds` → `examples__shop__specs__load--the-catalog-holds.js`:
/// one flat folder of scripts, each named after the id it came from.
fn file_name(load: &Load) -> String {
    format!(
        "{}.js",
        load.id
            .as_str()
            .trim_start_matches('/')
            .replace('/', "__")
            .replace("::", "--")
    )
}
