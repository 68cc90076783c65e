//! Alerts: a JSON message POSTed to a webhook when a monitor has failed the given number of
//! times in a row, and again when it recovers.

use intent_ir::{RunResult, Status};
use serde_json::json;
use std::time::Duration;

/// How alerts are delivered: each attempt is bounded, and a failed one is repeated after a
/// growing wait, so a webhook that is briefly down still gets the alert and one that never
/// answers gives up in bounded time. Delivery runs beside the schedule (see `outbox`), so
/// none of this delays a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// How long one attempt may take, connecting included.
    pub timeout: Duration,
    /// How many times a failed attempt is repeated.
    pub retries: u32,
    /// The wait before the first repetition; it doubles before each next one.
    pub backoff: Duration,
}

impl Default for Delivery {
    fn default() -> Delivery {
        Delivery {
            timeout: Duration::from_secs(5),
            retries: 2,
            backoff: Duration::from_millis(500),
        }
    }
}

/// How far a delivery got: the attempts made and why the last one failed, for the history
/// when it is cut short.
#[derive(Debug, Default)]
pub struct Attempts {
    pub made: u32,
    pub last_failure: Option<String>,
}

/// Whether an alert says the monitor started failing or stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Failing,
    Recovered,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Failing => "failing",
            State::Recovered => "recovered",
        }
    }
}

/// The message of an alert: the monitor, its state and streak, and what failed (already
/// redacted by the runner).
pub fn message(
    monitor_id: &str,
    monitor: &str,
    state: State,
    streak: u32,
    result: &RunResult,
) -> serde_json::Value {
    let failures: Vec<serde_json::Value> = result
        .items
        .iter()
        .filter(|i| matches!(i.status, Status::Failed | Status::Errored))
        .map(|item| {
            let checks: Vec<serde_json::Value> = item
                .checks
                .iter()
                .filter(|c| c.status == Status::Failed)
                .map(|c| {
                    json!({
                        "check": c.text,
                        "expected": c.expected,
                        "actual": c.actual,
                        "message": c.message,
                    })
                })
                .collect();
            json!({
                "id": item.id.as_str(),
                "kind": item.kind.as_str(),
                "title": item.title,
                "status": item.status.as_str(),
                "reason": item.reason,
                "checks": checks,
            })
        })
        .collect();
    json!({
        "monitor": monitor,
        "monitor_id": monitor_id,
        "state": state.as_str(),
        "failed_runs_in_a_row": streak,
        "run": {
            "started_at": result.started_at,
            "duration_ms": result.duration_ms,
            "passed": result.items.iter().filter(|i| i.status == Status::Passed).count(),
            "failed": failures.len(),
        },
        "failures": failures,
    })
}

/// POSTs `message` to `url` until the webhook takes it (a 2xx), refuses it for good (another
/// 4xx than 408 and 429), or `delivery.retries` repetitions have failed too. `Ok` with
/// `answered STATUS`, or the cause; `attempts` follows along.
pub async fn deliver(
    client: &reqwest::Client,
    url: &str,
    message: &serde_json::Value,
    delivery: Delivery,
    attempts: &mut Attempts,
) -> Result<String, String> {
    let mut wait = delivery.backoff;
    loop {
        attempts.made += 1;
        let failure = match post(client, url, message, delivery.timeout).await {
            Ok(status) if attempts.made == 1 => return Ok(format!("answered {status}")),
            Ok(status) => {
                return Ok(format!(
                    "answered {status} (attempt {} of {})",
                    attempts.made,
                    delivery.retries + 1
                ));
            }
            Err(failure) => failure,
        };
        let cause = if attempts.made == 1 {
            failure.cause.clone()
        } else {
            format!("{} (after {} attempts)", failure.cause, attempts.made)
        };
        attempts.last_failure = Some(failure.cause);
        if !failure.worth_repeating || attempts.made > delivery.retries {
            return Err(cause);
        }
        tokio::time::sleep(wait).await;
        wait = wait.saturating_mul(2);
    }
}

/// Why an attempt failed, and whether another could succeed.
struct Failure {
    cause: String,
    worth_repeating: bool,
}

/// One attempt: the HTTP status of a 2xx answer, or why not.
async fn post(
    client: &reqwest::Client,
    url: &str,
    message: &serde_json::Value,
    timeout: Duration,
) -> Result<u16, Failure> {
    let sent = tokio::time::timeout(timeout, client.post(url).json(message).send()).await;
    let response = match sent {
        Err(_) => {
            return Err(Failure {
                cause: format!("the webhook did not answer within {timeout:?}"),
                worth_repeating: true,
            });
        }
        Ok(Err(e)) => {
            return Err(Failure {
                cause: describe(&e),
                worth_repeating: true,
            });
        }
        Ok(Ok(response)) => response,
    };
    let status = response.status();
    if status.is_success() {
        return Ok(status.as_u16());
    }
    Err(Failure {
        cause: format!("the webhook answered {status}"),
        // A server error, a timeout or a rate limit may pass; another refusal will not.
        worth_repeating: status.is_server_error() || matches!(status.as_u16(), 408 | 429),
    })
}

fn describe(error: &reqwest::Error) -> String {
    use std::error::Error;
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
