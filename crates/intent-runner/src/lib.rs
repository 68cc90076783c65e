//! The runner: executes a plan against real systems and returns results every report can
//! read.
//!
//! Intents, example rows, evaluations (each over its dataset's rows) and load blocks run
//! concurrently (bounded by `jobs`); the actions of one case run in order. Policies watch every
//! response as it arrives and are settled last, after their replays `without auth`. Nothing here panics or hangs on a bad target: a refused connection, a reset,
//! a stall past the timeout, invalid JSON or a body over the cap each become a failed check
//! whose message names the URL and the cause, and the other cases still run.

mod case;
mod cookies;
mod decode;
mod errors;
mod evaluate;
mod explain;
mod http;
mod interpret;
mod load;
mod measure;
mod pii;
mod plain;
mod policy;
mod progress;
mod reach;
mod redact;
mod redirect;
mod scores;
mod select;
mod shared;
mod stats;
mod tally;
mod unselected;
mod value;

pub use errors::{EvalError, RunError};
pub use http::{ClientOptions, TargetClient};
pub use load::MAX_IN_FLIGHT;
pub use progress::{Progress, Snapshot};
pub use redact::{REDACTED, Redactor};
pub use select::{Selection, Shard};
pub use unselected::{Listing, NothingSelected};

use case::Case;
use intent_ir::{ItemKind, ItemResult, Plan, RESULTS_FORMAT, RunResult, Source, StableId, Status};
use shared::Shared;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};
use value::Value;

/// The default cap on a response body: 10 MB.
pub const DEFAULT_BODY_LIMIT: usize = 10 * 1024 * 1024;

/// The default timeout of a request when neither the request nor its target sets one.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How to run.
#[derive(Clone)]
pub struct RunOptions {
    /// How many cases run at once.
    pub jobs: usize,
    /// Target URLs that replace the spec's own (`--target NAME=URL`, `intent.toml`).
    pub targets: BTreeMap<String, String>,
    pub selection: Selection,
    pub body_limit: usize,
    pub default_timeout: Duration,
    /// Where the plan's datasets are read from (the project layer, which opens them under
    /// the rules they were checked by).
    pub datasets: Arc<dyn DatasetSource>,
    /// Receives every request and response, redacted, for `--verbose`.
    pub exchanges: Option<Arc<dyn Fn(String) + Send + Sync>>,
    /// Proxies, trusted CAs, client certificates and HTTP/2 settings.
    pub client: ClientOptions,
    /// Where evaluations and load blocks count what they have done, for a progress display.
    pub progress: Progress,
}

impl std::fmt::Debug for RunOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions")
            .field("jobs", &self.jobs)
            .field("targets", &self.targets)
            .field("selection", &self.selection)
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            jobs: std::thread::available_parallelism().map_or(2, usize::from),
            targets: BTreeMap::new(),
            selection: Selection::default(),
            body_limit: DEFAULT_BODY_LIMIT,
            default_timeout: DEFAULT_TIMEOUT,
            datasets: Arc::new(NoDatasets),
            exchanges: None,
            client: ClientOptions::default(),
            progress: Progress::default(),
        }
    }
}

/// Opens the files a plan names: datasets, for reading row by row, and the files multipart
/// bodies send.
pub trait DatasetSource: Send + Sync {
    /// The dataset at `path` (a plan's `resolved_path`, relative to the project root), or why
    /// it cannot be read, in words (`it does not exist`).
    fn open(&self, path: &str) -> Result<Box<dyn std::io::Read + Send>, String>;

    /// The bytes of the file at `path` (a multipart part's, relative to the project root), or
    /// why it cannot be read, in words.
    fn attachment(&self, path: &str) -> Result<Vec<u8>, String>;
}

/// The source of a run without a project: it has no files.
#[derive(Debug)]
pub struct NoDatasets;

impl DatasetSource for NoDatasets {
    fn open(&self, path: &str) -> Result<Box<dyn std::io::Read + Send>, String> {
        Err(format!("no project was given to read {path} from"))
    }

    fn attachment(&self, path: &str) -> Result<Vec<u8>, String> {
        Err(format!("no project was given to read {path} from"))
    }
}

/// One unit of work, with the result it starts from.
struct Work {
    result: ItemResult,
    job: Job,
}

enum Job {
    /// An intent (by index), or one row of its examples.
    Intent { index: usize, row: Option<usize> },
    /// An evaluation (by index): all its rows, then its thresholds.
    Evaluation { index: usize },
    /// A load block (by index): its traffic, then its thresholds.
    Load { index: usize },
    /// A policy (by index), settled once every other item is done: its replays `without auth`,
    /// then what it found in the responses it watched.
    Policy { index: usize },
    /// A block this runner lists as not run, with the reason in the result.
    Listed,
}

/// Runs the selected items of `plan`. `on_item` is called as each item finishes (for the
/// terminal's line per item). When `interrupt` completes (Ctrl-C), the cases still running
/// are stopped and reported as not run, and the result says it was interrupted.
pub async fn run(
    plan: Arc<Plan>,
    options: RunOptions,
    on_item: Arc<dyn Fn(&ItemResult) + Send + Sync>,
    interrupt: impl Future<Output = ()>,
) -> Result<RunResult, RunError> {
    let started_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let started = Instant::now();
    let shared = Arc::new(prepare(&plan, &options)?);
    let work = plan_work(&plan, &options.selection, &shared.redactor);
    let mut results: Vec<Option<ItemResult>> = vec![None; work.len()];
    // What to report for a case that never finishes (an interrupt), and the cases to run.
    let mut unfinished: Vec<Option<ItemResult>> = vec![None; results.len()];
    let mut cases: Vec<(usize, Work)> = Vec::new();
    let mut loads: Vec<(usize, Work)> = Vec::new();
    let mut policies: Vec<(usize, Work)> = Vec::new();
    for (index, item) in work.into_iter().enumerate() {
        match item.job {
            Job::Listed => {
                on_item(&item.result);
                results[index] = Some(item.result);
            }
            Job::Load { .. } => {
                unfinished[index] = Some(item.result.clone());
                loads.push((index, item));
            }
            Job::Policy { .. } => {
                unfinished[index] = Some(item.result.clone());
                policies.push((index, item));
            }
            _ => {
                unfinished[index] = Some(item.result.clone());
                cases.push((index, item));
            }
        }
    }
    let results = Arc::new(std::sync::Mutex::new(results));
    let jobs = options.jobs.max(1);
    tokio::pin!(interrupt);
    let mut interrupted = pool(&shared, cases, &results, &on_item, jobs, interrupt.as_mut()).await;
    // Load blocks run after the other items, one at a time, so that their latencies measure
    // the system under their own traffic, not under the rest of the run's.
    if !interrupted && !loads.is_empty() {
        interrupted = pool(&shared, loads, &results, &on_item, 1, interrupt.as_mut()).await;
    }
    // Policies watch every response, so they are settled after everything else, and after
    // their own replays: one at a time, each replaying up to `jobs` intents at once.
    if !interrupted {
        let replays = async {
            let mut replayed = Vec::new();
            for (index, item) in policies {
                let Job::Policy { index: policy } = item.job else {
                    continue;
                };
                let result = policy::replay_all(&shared, policy, item.result, jobs).await;
                replayed.push((index, policy, result));
            }
            replayed
        };
        tokio::select! {
            replayed = replays => {
                let mut stored = results.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                for (index, policy, result) in replayed {
                    let result = policy::settle(&shared, policy, result);
                    on_item(&result);
                    stored[index] = Some(result);
                }
            }
            () = interrupt.as_mut() => interrupted = true,
        }
    }
    let results = std::mem::take(
        &mut *results
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    let items = results
        .into_iter()
        .zip(unfinished)
        .map(|(done, fallback)| {
            done.unwrap_or_else(|| {
                let mut r = fallback.unwrap_or_else(placeholder);
                r.status = Status::NotRun;
                r.reason = Some(if interrupted {
                    "interrupted before it finished".into()
                } else {
                    "the runner stopped unexpectedly while running it".into()
                });
                r
            })
        })
        .collect();
    Ok(RunResult {
        format: RESULTS_FORMAT.to_string(),
        files: plan.files.clone(),
        started_at,
        duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        interrupted,
        items,
        unreachable: shared.reach.down(),
    })
}

/// Runs `work` on a pool of `jobs` workers that take it in plan order, storing each result at
/// its index as soon as it is known, so an interrupt loses nothing that finished. Returns
/// whether `interrupt` completed (and every worker was stopped).
async fn pool(
    shared: &Arc<Shared>,
    work: Vec<(usize, Work)>,
    results: &Arc<std::sync::Mutex<Vec<Option<ItemResult>>>>,
    on_item: &Arc<dyn Fn(&ItemResult) + Send + Sync>,
    jobs: usize,
    mut interrupt: std::pin::Pin<&mut impl Future<Output = ()>>,
) -> bool {
    let queue = Arc::new(std::sync::Mutex::new(work.into_iter()));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..jobs {
        let (shared, queue, results, on_item) = (
            Arc::clone(shared),
            Arc::clone(&queue),
            Arc::clone(results),
            Arc::clone(on_item),
        );
        tasks.spawn(async move {
            loop {
                let next = queue
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .next();
                let Some((index, item)) = next else { break };
                let result = run_work(&shared, item, jobs).await;
                on_item(&result);
                results
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)[index] = Some(result);
            }
        });
    }
    loop {
        tokio::select! {
            next = tasks.join_next() => if next.is_none() { return false },
            () = &mut interrupt => {
                tasks.abort_all();
                while tasks.join_next().await.is_some() {}
                return true;
            }
        }
    }
}

/// Runs one unit of work. An evaluation runs up to `jobs` of its rows at once.
async fn run_work(shared: &Arc<Shared>, item: Work, jobs: usize) -> ItemResult {
    match item.job {
        Job::Intent { index, row } => run_intent(shared, index, row, item.result).await,
        Job::Evaluation { index } => {
            evaluate::run(shared, &shared.plan.evaluations[index], item.result, jobs).await
        }
        Job::Load { index } => load::run(shared, index, item.result).await,
        // Policies are settled after the pool (in `run`); a listed block only reports.
        Job::Policy { .. } | Job::Listed => item.result,
    }
}

/// Runs one intent, or one row of its examples with the row's values bound.
async fn run_intent(
    shared: &Shared,
    index: usize,
    row: Option<usize>,
    base: ItemResult,
) -> ItemResult {
    let intent = &shared.plan.intents[index];
    let mut case = Case::new(shared, base);
    if let (Some(row), Some(examples)) = (row, &intent.examples) {
        bind_row(shared, &mut case, examples, &examples.rows[row]);
    }
    case.run(&intent.actions).await
}

/// Binds the values of an examples row to its columns' names.
fn bind_row(
    shared: &Shared,
    case: &mut Case<'_>,
    examples: &intent_ir::Examples,
    row: &intent_ir::ExampleRow,
) {
    for (column, value) in examples.columns.iter().zip(&row.values) {
        let value = interpret::Env::new(&shared.plan, &shared.globals)
            .eval(value)
            .unwrap_or(Value::Absent);
        case.bind(&column.name, value);
    }
}

/// What each case of an evaluation or load block starts from: the item's id, so the checks of
/// all its cases share their ids (and are tallied together), and its title and tags, which the
/// policies that watch its responses read.
fn case_of(id: &StableId, title: &str, tags: &[String]) -> ItemResult {
    ItemResult {
        id: id.clone(),
        title: title.to_string(),
        tags: tags.to_vec(),
        ..placeholder()
    }
}

fn placeholder() -> ItemResult {
    ItemResult {
        id: StableId("".into()),
        kind: ItemKind::Intent,
        title: String::new(),
        file: 0,
        tags: Vec::new(),
        because: None,
        source: Source {
            file: 0,
            line: 0,
            column: 0,
            span: intent_source::Span::default(),
        },
        status: Status::NotRun,
        reason: None,
        unreachable: None,
        duration_ms: 0.0,
        example: Vec::new(),
        checks: Vec::new(),
        metrics: Vec::new(),
        requests: Vec::new(),
        cases: Vec::new(),
        cases_omitted: 0,
        misclassified_omitted: 0,
    }
}

/// The lets and secrets, in plan order, and the values of the secrets (and of lets derived
/// from them), which every output must redact.
fn globals(plan: &Plan) -> Result<(HashMap<String, Value>, Vec<String>), RunError> {
    bindings(plan, false)
}

/// [`globals`]; when `lenient`, a binding that cannot be computed is left out instead of
/// failing (and so is every binding that reads it).
fn bindings(plan: &Plan, lenient: bool) -> Result<(HashMap<String, Value>, Vec<String>), RunError> {
    let mut globals: HashMap<String, Value> = HashMap::new();
    let mut secret_values = Vec::new();
    for binding in &plan.bindings {
        let value = match interpret::Env::new(plan, &globals).eval(&binding.value) {
            Ok(value) => value,
            Err(_) if lenient => continue,
            Err(e) => {
                let kind = if binding.secret { "secret" } else { "let" };
                return Err(RunError::Binding {
                    kind,
                    name: binding.name.clone(),
                    source: Box::new(e),
                });
            }
        };
        if binding.secret || binding.value.secret {
            secret_values.push(value.to_text());
        }
        globals.insert(binding.name.clone(), value);
    }
    Ok((globals, secret_values))
}

/// The redactor a run of `plan` would use, for text of the plan shown outside a run (the
/// titles and `because` of `intent audit`): every secret (and let derived from one) whose
/// value can be computed here is redacted, and the personal data the plan's detectors look
/// for is masked. A secret that cannot be computed (its variable unset) has no value on this
/// machine to leak, and is left out rather than failing.
pub fn redactor(plan: &Plan) -> Redactor {
    let secret_values = bindings(plan, true).map_or_else(|_| Vec::new(), |(_, values)| values);
    Redactor::new(secret_values).mask_pii(pii::detectors_in(plan))
}

/// The value of an expression that reads no response, such as a monitor's interval or an
/// alert's destination, with the lets and secrets evaluated as for a run. Quantities are in
/// their canonical unit (milliseconds, percent points, bytes, per second).
pub fn constant(plan: &Plan, expr: &intent_ir::Expr) -> Result<serde_json::Value, RunError> {
    let (globals, _) = globals(plan)?;
    interpret::Env::new(plan, &globals)
        .eval(expr)
        .map(|v| v.to_json())
        .map_err(|e| RunError::Constant(Box::new(e)))
}

/// Evaluates what every case shares: lets and secrets (in plan order) and target URLs.
fn prepare(plan: &Arc<Plan>, options: &RunOptions) -> Result<Shared, RunError> {
    let (globals, secret_values) = globals(plan)?;
    let mut targets = HashMap::new();
    for target in &plan.targets {
        let url = match options.targets.get(&target.name) {
            Some(url) => url.clone(),
            None => interpret::Env::new(plan, &globals)
                .eval(&target.url)
                .map_err(|source| RunError::TargetUrl {
                    target: target.name.clone(),
                    source: Box::new(source),
                })?
                .to_text(),
        };
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(RunError::NotHttp {
                target: target.name.clone(),
                url,
            });
        }
        targets.insert(target.name.clone(), url.trim_end_matches('/').to_string());
    }
    Ok(Shared {
        plan: Arc::clone(plan),
        globals,
        targets,
        http: http::Http::new(options.body_limit, &options.client).map_err(RunError::Client)?,
        redactor: Redactor::new(secret_values).mask_pii(pii::detectors_in(plan)),
        default_timeout: options.default_timeout,
        datasets: Arc::clone(&options.datasets),
        exchanges: options.exchanges.clone(),
        policies: policy::Watch::new(plan),
        reach: reach::Reachability::default(),
        selection: options.selection.clone(),
        progress: options.progress.clone(),
    })
}

/// Why `intent run` lists a monitor without running it.
const MONITOR_REASON: &str = "monitors run on their schedule under `intent monitor`";

/// How many items a run of `plan` with `selection` reports, for a progress bar.
pub fn planned_items(plan: &Plan, selection: &Selection) -> usize {
    plan_work(plan, selection, &Redactor::default()).len()
}

/// The work list in plan order: each selected intent (one entry per example row), evaluation
/// and load block, every policy, then the monitors, listed as not run with the reason (they
/// run under `intent monitor`). Text of the spec that reaches the results (`because`) goes
/// through `redactor`, as every other text does.
fn plan_work(plan: &Plan, selection: &Selection, redactor: &Redactor) -> Vec<Work> {
    let mut work = Vec::new();
    for (i, intent) in plan.intents.iter().enumerate() {
        if !selection.selects(&intent.id, &intent.title, &intent.tags) {
            continue;
        }
        let base = ItemResult {
            id: intent.id.clone(),
            kind: ItemKind::Intent,
            title: intent.title.clone(),
            file: intent.file,
            tags: intent.tags.clone(),
            because: intent.because.as_deref().map(|b| redactor.redact(b)),
            source: intent.source.clone(),
            ..placeholder()
        };
        match &intent.examples {
            None => work.push(Work {
                result: base,
                job: Job::Intent {
                    index: i,
                    row: None,
                },
            }),
            Some(examples) => {
                for (r, row) in examples.rows.iter().enumerate() {
                    let example = examples
                        .columns
                        .iter()
                        .zip(&row.values)
                        .map(|(c, v)| (c.name.clone(), example_text(plan, v)))
                        .collect();
                    work.push(Work {
                        result: ItemResult {
                            id: row.id.clone(),
                            source: row.source.clone(),
                            example,
                            ..base.clone()
                        },
                        job: Job::Intent {
                            index: i,
                            row: Some(r),
                        },
                    });
                }
            }
        }
    }
    for (index, e) in plan.evaluations.iter().enumerate() {
        if selection.selects(&e.id, &e.title, &e.tags) {
            work.push(Work {
                result: ItemResult {
                    id: e.id.clone(),
                    kind: ItemKind::Evaluation,
                    title: e.title.clone(),
                    file: e.file,
                    tags: e.tags.clone(),
                    source: e.source.clone(),
                    ..placeholder()
                },
                job: Job::Evaluation { index },
            });
        }
    }
    for (index, l) in plan.loads.iter().enumerate() {
        if selection.selects(&l.id, &l.title, &l.tags) {
            work.push(Work {
                result: ItemResult {
                    id: l.id.clone(),
                    kind: ItemKind::Load,
                    title: l.title.clone(),
                    file: l.file,
                    tags: l.tags.clone(),
                    source: l.source.clone(),
                    ..placeholder()
                },
                job: Job::Load { index },
            });
        }
    }
    // Policies apply to whatever this run selected (their replays to the selected intents), so
    // every run has them. Monitors carry no tags or titles to select: they are listed when
    // nothing is selected by tag or name, each in the one shard its id falls in.
    let unfiltered = !selection.narrows();
    let in_shard = |id: &StableId| unfiltered && selection.shard.is_none_or(|s| s.contains(id));
    for (index, p) in plan.policies.iter().enumerate() {
        work.push(Work {
            result: ItemResult {
                id: p.id.clone(),
                kind: ItemKind::Policy,
                title: p.title.clone(),
                file: p.file,
                tags: p.tags.clone(),
                source: p.source.clone(),
                ..placeholder()
            },
            job: Job::Policy { index },
        });
    }
    for m in plan.monitors.iter().filter(|m| in_shard(&m.id)) {
        work.push(Work {
            result: ItemResult {
                id: m.id.clone(),
                kind: ItemKind::Monitor,
                title: m.title.clone(),
                file: m.file,
                source: m.source.clone(),
                status: Status::NotRun,
                reason: Some(MONITOR_REASON.into()),
                ..placeholder()
            },
            job: Job::Listed,
        });
    }
    work
}

/// An example cell as text for reports (`"SAVE10"`, `17.98`).
fn example_text(plan: &Plan, value: &intent_ir::Expr) -> String {
    if value.secret {
        return REDACTED.to_string();
    }
    let globals = HashMap::new();
    interpret::Env::new(plan, &globals)
        .eval(value)
        .map_or_else(|_| "?".to_string(), |v| v.to_string())
}
