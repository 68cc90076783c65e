//! What every case of a run shares: the plan, the evaluated globals and target URLs, the HTTP
//! client, the redactor, and the run-wide state that cases report to (policies, reachability).

use crate::DatasetSource;
use crate::http::Http;
use crate::policy::Watch;
use crate::progress::Progress;
use crate::reach::Reachability;
use crate::redact::Redactor;
use crate::select::Selection;
use crate::value::Value;
use intent_ir::Plan;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// What every case of a run shares.
pub struct Shared {
    pub plan: Arc<Plan>,
    pub globals: HashMap<String, Value>,
    /// Base URL of each target, without a trailing `/`.
    pub targets: HashMap<String, String>,
    pub http: Http,
    pub redactor: Redactor,
    pub default_timeout: Duration,
    /// Where datasets are read from.
    pub datasets: Arc<dyn DatasetSource>,
    /// Receives a readable dump of each exchange when `--verbose` is on.
    pub exchanges: Option<Arc<dyn Fn(String) + Send + Sync>>,
    /// The policies applied to every response, with what they found so far.
    pub policies: Watch,
    /// Which targets answered and which are down.
    pub reach: Reachability,
    /// What the run selected: a policy replays only the selected intents.
    pub selection: Selection,
    /// Where evaluations and load blocks count their rows and requests as they go.
    pub progress: Progress,
}
