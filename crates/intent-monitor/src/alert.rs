//! Alerts: a JSON message POSTed to a webhook when a monitor has failed the given number of
//! times in a row, and again when it recovers.

use intent_ir::{RunResult, Status};
use serde_json::json;
use std::time::Duration;

/// How long a webhook may take to answer before the alert counts as not delivered.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

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

/// POSTs `message` to `url`. `Ok` with the HTTP status when the webhook took it (2xx); an
/// error naming the cause otherwise.
pub async fn post(
    client: &reqwest::Client,
    url: &str,
    message: &serde_json::Value,
) -> Result<u16, String> {
    let response = client
        .post(url)
        .timeout(WEBHOOK_TIMEOUT)
        .json(message)
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let status = response.status();
    if status.is_success() {
        Ok(status.as_u16())
    } else {
        Err(format!("the webhook answered {status}"))
    }
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
