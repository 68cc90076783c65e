//! One case: an intent, or one row of its examples. Actions run in order; a request that gets
//! no response stops the case, and the checks after it are reported as skipped.

mod exchange;
mod request;

use crate::cookies::Cookies;
use crate::errors::EvalError;
use crate::explain::Explanation;
use crate::http::Response;
use crate::interpret::{Aggregates, Env};
use crate::redact::Redactor;
use crate::shared::Shared;
use crate::stats::{Bound, Interval};
use crate::value::Value;
use intent_ir::{
    Action, Check, CheckResult, ItemResult, Plan, Request, RequestRecord, Source, StableId, Status,
};
use request::request_text;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The most characters of a value (expected, actual, a violation) a result keeps; cut after
/// redaction.
const SHOWN_VALUE: usize = 200;

/// The most characters of a check's message a result keeps.
const SHOWN_MESSAGE: usize = 1000;

/// The pause between retries when `every` is not given.
const DEFAULT_RETRY_PAUSE: Duration = Duration::from_millis(200);

/// Why a case stopped early.
struct Stop;

/// What one case of an evaluation or iteration of a load block recorded for the aggregates: its
/// scores, its classification, the conditions of `rate(...)`, and its last response.
#[derive(Debug, Default)]
pub struct Observed {
    pub scores: Vec<(String, f64)>,
    /// The predicted and the expected label, once the case reached `classify`.
    pub classified: Option<intent_ir::Classification>,
    /// One entry per condition asked for, in order; `None` where it could not be evaluated.
    pub conditions: Vec<Option<bool>>,
    /// The status and duration of the case's last response.
    pub status: Option<u16>,
    pub duration_ms: Option<f64>,
}

pub struct Case<'s> {
    shared: &'s Shared,
    env: Env<'s>,
    pub result: ItemResult,
    /// The case's session: an intent (or one of its rows) keeps its cookies across requests.
    cookies: Cookies,
    /// The run's redactor plus the values this case derived from secrets (`upper(token)`).
    redactor: Redactor,
    observed: Observed,
    /// Set when the case replays an intent for a policy `without auth`: the checks made on the
    /// response to its first request that carried credentials, sent without them.
    replay: Option<&'s [Check]>,
}

type Step<'a> = Pin<Box<dyn Future<Output = Result<(), Stop>> + Send + 'a>>;

impl<'s> Case<'s> {
    pub fn new(shared: &'s Shared, result: ItemResult) -> Self {
        Self {
            shared,
            env: Env::new(&shared.plan, &shared.globals),
            result,
            cookies: Cookies::default(),
            redactor: shared.redactor.clone(),
            observed: Observed::default(),
            replay: None,
        }
    }

    /// Checks `checks` against one response alone, as a policy applied to every response does:
    /// they read that response and the globals.
    pub fn judge(
        shared: &'s Shared,
        base: ItemResult,
        response: Arc<Response>,
        record: RequestRecord,
        checks: &[Check],
    ) -> ItemResult {
        let started = Instant::now();
        let mut case = Case::new(shared, base);
        case.env.latest = Some(response);
        case.result.requests.push(record);
        for check in checks {
            case.check(check);
        }
        case.settle(started, false)
    }

    /// Replays `actions` (an intent's) for a policy: requests without credentials are sent as
    /// written, and the first one that carries credentials is sent without them, `checks` are
    /// made on its response, and the replay ends there. The intent's own checks are not made.
    /// An intent that never sends credentials fails the replay, with `no_credentials` as the
    /// check.
    pub async fn replay(
        mut self,
        actions: &[Action],
        checks: &'s [Check],
        no_credentials: CheckResult,
    ) -> ItemResult {
        let started = Instant::now();
        self.replay = Some(checks);
        let ended = self.actions(actions).await.is_err();
        if !ended {
            self.result.checks.push(no_credentials);
        }
        self.settle(started, false)
    }

    pub fn bind(&mut self, name: &str, value: Value) {
        self.env.bind(name, value);
    }

    /// Runs the actions and settles the item's status.
    pub async fn run(self, actions: &[Action]) -> ItemResult {
        self.run_observed(actions, &[]).await.0
    }

    /// Runs the actions of one case of an evaluation, and then evaluates `conditions` (the
    /// arguments of `rate(...)`) in what the case left behind.
    pub async fn run_observed(
        mut self,
        actions: &[Action],
        conditions: &[&intent_ir::Expr],
    ) -> (ItemResult, Observed) {
        let started = Instant::now();
        let stopped = self.actions(actions).await.is_err();
        self.observed.duration_ms = self.env.latest.as_ref().map(|r| r.duration_ms);
        self.observed.status = self.env.latest.as_ref().map(|r| r.status);
        self.observed.conditions = conditions
            .iter()
            .map(|c| self.env.eval(c).ok().and_then(|v| v.as_json()?.as_bool()))
            .collect();
        let observed = std::mem::take(&mut self.observed);
        (self.settle(started, stopped), observed)
    }

    /// Checks thresholds over the aggregates of many cases.
    pub fn thresholds(mut self, checks: &[Check], aggregates: &'s dyn Aggregates) -> ItemResult {
        let started = Instant::now();
        self.env.aggregates = Some(aggregates);
        for check in checks {
            self.check(check);
        }
        self.settle(started, false)
    }

    /// Settles the item's status from its checks: errored when the case could not go on.
    fn settle(mut self, started: Instant, stopped: bool) -> ItemResult {
        self.result.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
        let failed = self
            .result
            .checks
            .iter()
            .any(|c| c.status == Status::Failed);
        self.result.status = if stopped {
            // The case could not go on: its item errored, with the cause as the reason.
            if self.result.unreachable.is_none() {
                self.result.reason = self
                    .result
                    .checks
                    .iter()
                    .rev()
                    .find(|c| matches!(c.status, Status::Failed | Status::Errored))
                    .and_then(|c| c.message.clone());
            }
            Status::Errored
        } else if failed {
            Status::Failed
        } else {
            Status::Passed
        };
        self.result
    }

    fn actions<'a>(&'a mut self, actions: &'a [Action]) -> Step<'a> {
        Box::pin(async move {
            for (i, action) in actions.iter().enumerate() {
                if let Err(stop) = self.action(action).await {
                    self.skip(&actions[i + 1..]);
                    return Err(stop);
                }
            }
            Ok(())
        })
    }

    async fn action(&mut self, action: &Action) -> Result<(), Stop> {
        match action {
            Action::Bind {
                id,
                name,
                value,
                source,
            } => {
                let started = Instant::now();
                match self.env.eval(value) {
                    Ok(v) => {
                        self.env.bind(name, v);
                        Ok(())
                    }
                    Err(e) => {
                        let text = format!("given {name}");
                        self.failed(id.clone(), &text, source, started, e.to_string(), None);
                        Err(Stop)
                    }
                }
            }
            Action::CallStep {
                id,
                step,
                args,
                bind,
                source,
            } => {
                self.call_step(id, step, args, bind.as_deref(), source)
                    .await
            }
            Action::Request(request) => self.request(request).await,
            // A replay makes only the policy's checks.
            Action::Check(_) if self.replay.is_some() => Ok(()),
            Action::Check(check) => {
                self.check(check);
                Ok(())
            }
            Action::Score {
                id,
                name,
                value,
                source,
            } => {
                let started = Instant::now();
                let id = id.clone();
                let text = format!("score {name}");
                match self.env.eval(value).map(|v| v.as_f64()) {
                    Ok(Some(score)) => {
                        self.observed.scores.push((name.clone(), score));
                        let passed = Explanation::default();
                        self.push_check(id, &text, source, started, Status::Passed, passed, None);
                    }
                    Ok(None) => {
                        let message = "the score is not a number".to_string();
                        self.failed(id, &text, source, started, message, None);
                    }
                    Err(e) => self.failed(id, &text, source, started, e.to_string(), None),
                }
                Ok(())
            }
            Action::Classify {
                predicted,
                expected,
                ..
            } => {
                let label = |env: &mut Env<'_>, e| match env.eval(e) {
                    Ok(Value::Absent) | Err(_) => None,
                    Ok(v) => Some(v.to_text()),
                };
                let predicted = label(&mut self.env, predicted);
                let expected = label(&mut self.env, expected);
                self.observed.classified = Some(intent_ir::Classification {
                    predicted,
                    expected,
                });
                Ok(())
            }
        }
    }

    /// Calls a step; a failure to make the call (no such step, an argument or the result that
    /// cannot be computed) is reported as the check `id` of the call.
    async fn call_step(
        &mut self,
        id: &StableId,
        step: &StableId,
        args: &[intent_ir::Expr],
        bind: Option<&str>,
        source: &Source,
    ) -> Result<(), Stop> {
        let started = Instant::now();
        let plan = Arc::clone(&self.shared.plan);
        let Some(definition) = plan.step(step) else {
            self.failed(
                id.clone(),
                &format!("step {step}"),
                source,
                started,
                "the plan has no such step".into(),
                None,
            );
            return Err(Stop);
        };
        let values: Result<Vec<Value>, EvalError> = args.iter().map(|a| self.env.eval(a)).collect();
        let values = match values {
            Ok(v) => v,
            Err(e) => {
                self.failed(
                    id.clone(),
                    &definition.pattern,
                    source,
                    started,
                    e.to_string(),
                    None,
                );
                return Err(Stop);
            }
        };
        // A computed argument that breaks its parameter's type fails the step before it sends
        // anything, as a literal one is refused by the checker.
        if let Some(why) = broken_parameter(&plan, &definition.params, &values) {
            let message = self.redactor.redact(&why);
            self.failed(
                id.clone(),
                &definition.pattern,
                source,
                started,
                message,
                None,
            );
            return Err(Stop);
        }
        // A step runs in its own scope: its parameters and the globals, and its own responses.
        let saved = std::mem::replace(
            &mut self.env,
            Env::new(&self.shared.plan, &self.shared.globals),
        );
        for (param, value) in definition.params.iter().zip(values) {
            self.env.bind(&param.name, value);
        }
        let outcome = self.actions(&definition.actions).await;
        let result = match (&outcome, &definition.result) {
            (Ok(()), Some(expr)) => Some(self.env.eval(expr)),
            _ => None,
        };
        // The step's last response becomes the caller's latest, as the checker assumes.
        let step_latest = self.env.latest.take();
        self.env = saved;
        if step_latest.is_some() {
            self.env.latest = step_latest;
        }
        outcome?;
        match (bind, result) {
            (Some(name), Some(Ok(value))) => self.env.bind(name, value),
            (_, Some(Err(e))) => {
                self.failed(
                    id.clone(),
                    &definition.pattern,
                    source,
                    started,
                    format!("the step's result: {e}"),
                    None,
                );
                return Err(Stop);
            }
            _ => {}
        }
        Ok(())
    }

    fn check(&mut self, check: &Check) {
        let started = Instant::now();
        self.env.interval = match &check.confidence {
            None => None,
            Some(level) => match self.env.eval(level).map(|v| v.as_f64()) {
                Ok(Some(level)) if level > 0.0 && level < 100.0 => Some(Interval {
                    level,
                    bound: bound_of(&check.expr),
                }),
                _ => {
                    let message = "the confidence must be a percentage between 0% and 100%";
                    let id = check.id.clone();
                    self.failed(
                        id,
                        &check.text,
                        &check.source,
                        started,
                        message.into(),
                        None,
                    );
                    return;
                }
            },
        };
        let outcome = self.env.check(&check.expr);
        let interval = self.env.interval.take();
        // A threshold reads all cases, not the response of one.
        let request = self
            .env
            .aggregates
            .is_none()
            .then(|| self.last_request())
            .flatten();
        let (status, explanation) = match outcome {
            Ok(None) => (Status::Passed, Explanation::default()),
            Ok(Some(e)) => (Status::Failed, e),
            Err(e) => (
                Status::Failed,
                Explanation {
                    message: Some(e.to_string()),
                    ..Explanation::default()
                },
            ),
        };
        let explanation = match interval {
            Some(i) if status == Status::Failed && explanation.message.is_none() => Explanation {
                message: Some(format!(
                    "compared with the {} bound of the {}% Wilson confidence interval",
                    if i.bound == Bound::Lower {
                        "lower"
                    } else {
                        "upper"
                    },
                    i.level
                )),
                ..explanation
            },
            _ => explanation,
        };
        self.push_check(
            check.id.clone(),
            &check.text,
            &check.source,
            started,
            status,
            explanation,
            request,
        );
    }

    fn last_request(&self) -> Option<usize> {
        self.result.requests.len().checked_sub(1)
    }

    async fn request(&mut self, request: &Request) -> Result<(), Stop> {
        let started = Instant::now();
        if let Some(why) = self.shared.reach.skip(&request.target) {
            self.result.reason = Some(why);
            self.result.unreachable = Some(request.target.clone());
            return Err(Stop);
        }
        let mut prepared = match self.prepare(request) {
            Ok(p) => p,
            Err(e) => {
                self.failed(
                    request.id.clone(),
                    &request_text(request),
                    &request.source,
                    started,
                    e.to_string(),
                    None,
                );
                return Err(Stop);
            }
        };
        // In a replay, the first request with credentials goes without them, once.
        let stripped = self.replay.is_some() && prepared.has_credentials();
        if stripped {
            prepared.strip_credentials();
        }
        let attempts = match &request.options.retry {
            _ if stripped => 1,
            Some(retry) => {
                1 + self
                    .env
                    .eval(&retry.times)
                    .ok()
                    .and_then(|v| v.as_f64())
                    .unwrap_or(0.0)
                    .clamp(0.0, 1000.0) as usize
            }
            None => 1,
        };
        let pause = request
            .options
            .retry
            .as_ref()
            .and_then(|r| r.every.as_ref())
            .and_then(|e| self.env.eval(e).ok())
            .and_then(|v| v.as_f64())
            .map_or(DEFAULT_RETRY_PAUSE, |ms| {
                Duration::from_secs_f64(ms.max(0.0) / 1000.0)
            });
        let mut until_held = request.options.retry.is_none();
        let mut last_until: Option<String> = None;
        for attempt in 1..=attempts {
            let sent = Instant::now();
            // A replay without credentials sends no cookies either.
            let cookies = (!stripped).then_some(&mut self.cookies);
            let outcome = self.shared.http.send(&prepared, cookies).await;
            match outcome {
                Err(error) => {
                    let url = self.redactor.redact(&prepared.url);
                    let cause = self.redactor.redact(&error.cause);
                    self.exchange(&prepared, None, Some(&cause));
                    if error.unreachable {
                        self.shared.reach.unreachable(&request.target, &url, &cause);
                    }
                    if attempt < attempts && !self.shared.reach.is_down(&request.target) {
                        tokio::time::sleep(pause).await;
                        continue;
                    }
                    let error = cause;
                    let message = format!("{} {url}: {error}", prepared.method);
                    self.result.requests.push(RequestRecord {
                        id: request.id.clone(),
                        method: prepared.method.clone(),
                        url,
                        status: None,
                        duration_ms: sent.elapsed().as_secs_f64() * 1000.0,
                        error: Some(error.clone()),
                        source: request.source.clone(),
                    });
                    let request_index = self.last_request();
                    // The check was not made: the request got no response to check.
                    self.push_check(
                        request.id.clone(),
                        &request_text(request),
                        &request.source,
                        started,
                        Status::Errored,
                        Explanation {
                            message: Some(message),
                            ..Explanation::default()
                        },
                        request_index,
                    );
                    return Err(Stop);
                }
                Ok(response) => {
                    self.shared.reach.answered(&request.target);
                    self.exchange(&prepared, Some(&response), None);
                    let record = RequestRecord {
                        id: request.id.clone(),
                        method: prepared.method.clone(),
                        url: self.redactor.redact(&response.url),
                        status: Some(response.status),
                        duration_ms: response.duration_ms,
                        error: None,
                        source: request.source.clone(),
                    };
                    let response = Arc::new(response);
                    self.shared.policies.observe(
                        self.shared,
                        &self.result,
                        &request.target,
                        &response,
                        &record,
                    );
                    self.result.requests.push(record);
                    self.env.latest = Some(Arc::clone(&response));
                    if let Some(name) = &request.name {
                        self.env.bind(name, Value::Response(Arc::clone(&response)));
                    }
                    if let Some(retry) = &request.options.retry {
                        match self
                            .env
                            .eval(&retry.until)
                            .and_then(|v| crate::interpret::truth(&v))
                        {
                            Ok(true) => {
                                until_held = true;
                                break;
                            }
                            Ok(false) => last_until = None,
                            Err(e) => last_until = Some(e.to_string()),
                        }
                        if attempt < attempts {
                            tokio::time::sleep(pause).await;
                        }
                    }
                }
            }
        }
        if stripped {
            for check in self.replay.unwrap_or_default() {
                self.check(check);
            }
            return Err(Stop);
        }
        let request_index = self.last_request();
        if let Some(retry) = &request.options.retry {
            let status = if until_held {
                Status::Passed
            } else {
                Status::Failed
            };
            let explanation = if until_held {
                Explanation::default()
            } else {
                Explanation {
                    expected: Some("the `until` condition to hold".into()),
                    actual: Some(format!("it did not hold in {attempts} attempts")),
                    message: last_until
                        .or_else(|| Some(format!("retry exhausted after {attempts} attempts"))),
                    violations: Vec::new(),
                }
            };
            self.push_check(
                retry.id.clone(),
                "retry until",
                &request.source,
                started,
                status,
                explanation,
                request_index,
            );
        }
        if let (Some(ty), Some(id)) = (&request.returns, &request.conformance) {
            let explanation = self.env.conformance(ty);
            let status = if explanation.is_some() {
                Status::Failed
            } else {
                Status::Passed
            };
            self.push_check(
                id.clone(),
                &format!("-> {}", ty.describe()),
                &request.source,
                started,
                status,
                explanation.unwrap_or_default(),
                request_index,
            );
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn push_check(
        &mut self,
        id: StableId,
        text: &str,
        source: &Source,
        started: Instant,
        status: Status,
        explanation: Explanation,
        request: Option<usize>,
    ) {
        let r = &self.redactor;
        let value = |text: Option<String>| text.map(|t| r.preview(&t, SHOWN_VALUE));
        self.result.checks.push(CheckResult {
            id,
            text: r.redact(text),
            status,
            source: source.clone(),
            expected: value(explanation.expected),
            actual: value(explanation.actual),
            message: explanation.message.map(|m| r.preview(&m, SHOWN_MESSAGE)),
            violations: explanation
                .violations
                .into_iter()
                .map(|v| intent_ir::Violation {
                    path: v.path,
                    message: r.preview(&v.message, SHOWN_VALUE),
                })
                .collect(),
            request,
            duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        });
    }

    fn failed(
        &mut self,
        id: StableId,
        text: &str,
        source: &Source,
        started: Instant,
        message: String,
        request: Option<usize>,
    ) {
        self.push_check(
            id,
            text,
            source,
            started,
            Status::Failed,
            Explanation {
                message: Some(message),
                ..Explanation::default()
            },
            request,
        );
    }

    /// Reports the checks of actions that will not run as skipped (not in a replay, which
    /// makes none of them).
    fn skip(&mut self, rest: &[Action]) {
        if self.replay.is_some() {
            return;
        }
        for action in rest {
            if let Action::Check(check) = action {
                self.result.checks.push(CheckResult {
                    id: check.id.clone(),
                    text: self.redactor.redact(&check.text),
                    status: Status::Skipped,
                    source: check.source.clone(),
                    expected: None,
                    actual: None,
                    message: Some("skipped: an earlier step of this case failed".into()),
                    violations: Vec::new(),
                    request: None,
                    duration_ms: 0.0,
                });
            }
        }
    }
}

/// The first argument whose value does not conform to its parameter's type (refinements
/// included), in words naming the parameter.
fn broken_parameter(plan: &Plan, params: &[intent_ir::Param], values: &[Value]) -> Option<String> {
    params.iter().zip(values).find_map(|(param, value)| {
        let violations = intent_conform::conform(&value.to_json(), &param.ty, plan);
        let first = violations.first()?;
        Some(format!(
            "the argument {} for the parameter `{}` does not fit its type `{}`: {}",
            value,
            param.name,
            param.ty.describe(),
            first.message
        ))
    })
}

/// The end of the interval a threshold compares: the lower for `accuracy >= 90%`, the upper
/// for `rate(...) <= 5%` (and mirrored when the aggregate is on the right).
fn bound_of(expr: &intent_ir::Expr) -> Bound {
    use intent_ir::{BinaryOp, ExprKind};
    let ExprKind::Binary { op, lhs, .. } = &expr.kind else {
        return Bound::Lower;
    };
    let aggregate_left = matches!(lhs.kind, ExprKind::Aggregate { .. });
    match (op, aggregate_left) {
        (BinaryOp::Lt | BinaryOp::Le, true) | (BinaryOp::Gt | BinaryOp::Ge, false) => Bound::Upper,
        _ => Bound::Lower,
    }
}
