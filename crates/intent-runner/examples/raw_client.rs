//! `raw_client URL REQUESTS CONCURRENCY [--json FIELD=TEXT]`: the baseline for the runner's
//! throughput (docs/performance.md, `scripts/bench-runner.sh`).
//!
//! Sends `REQUESTS` GET requests to `URL` with at most `CONCURRENCY` in flight, through one
//! reqwest client configured as the runner's (no proxy, at most 10 redirects, a per-request
//! timeout), on a multi-threaded tokio runtime as `intent run` uses. Each request is sent, its
//! whole body read, and its status checked; nothing else is done with it. With `--json
//! FIELD=TEXT` the body is also parsed as JSON and its top-level string `FIELD` compared with
//! `TEXT`, about what the simplest checks of a spec need. Prints one line,
//!
//! ```text
//! raw client: 10000 requests, 4 concurrent, 1.234567 s, 8100.2 requests/s
//! ```
//!
//! and exits 1 if any request failed or did not answer 200. It refuses a URL whose host is not
//! a loopback address (127.0.0.0/8, `[::1]`, `localhost`); the loop is bounded by `REQUESTS`,
//! and each request by its timeout.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The runner's default per-request timeout is 30 s; a benchmark should not wait that long.
const TIMEOUT: Duration = Duration::from_secs(10);

/// As many redirects as the runner follows.
const MAX_REDIRECTS: usize = 10;

const USAGE: &str = "usage: raw_client URL REQUESTS CONCURRENCY [--json FIELD=TEXT]";

/// A top-level string field of a JSON body and the text it must have.
type Expected = Option<(String, String)>;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (url, requests, concurrency, expected) = match args.as_slice() {
        [url, requests, concurrency] => (url, requests, concurrency, None),
        [url, requests, concurrency, flag, field] if flag == "--json" => {
            let Some((name, text)) = field.split_once('=') else {
                eprintln!("write --json FIELD=TEXT\n{USAGE}");
                return std::process::ExitCode::from(2);
            };
            (
                url,
                requests,
                concurrency,
                Some((name.to_string(), text.to_string())),
            )
        }
        _ => {
            eprintln!("{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    if !is_loopback(url) {
        eprintln!("{url}: only http:// URLs on a loopback address are allowed");
        return std::process::ExitCode::from(2);
    }
    let (Ok(requests), Ok(concurrency)) = (requests.parse::<usize>(), concurrency.parse::<usize>())
    else {
        eprintln!("REQUESTS and CONCURRENCY are whole numbers\n{USAGE}");
        return std::process::ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(url.clone(), requests, concurrency.max(1), expected)) {
        Ok((elapsed, failures)) => {
            println!(
                "raw client: {requests} requests, {concurrency} concurrent, {:.6} s, {:.1} requests/s",
                elapsed.as_secs_f64(),
                requests as f64 / elapsed.as_secs_f64()
            );
            if failures.is_empty() {
                std::process::ExitCode::SUCCESS
            } else {
                eprintln!(
                    "{} requests failed; the first: {}",
                    failures.len(),
                    failures[0]
                );
                std::process::ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Whether `url` is an http:// URL whose host is a loopback address.
fn is_loopback(url: &str) -> bool {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return false;
    };
    parsed.scheme() == "http"
        && match parsed.host_str() {
            Some("localhost") => true,
            Some(host) => host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback()),
            None => false,
        }
}

/// Sends the requests from `concurrency` tasks that share one counter, and returns the time
/// from the first request to the last response with the failures.
async fn run(
    url: String,
    requests: usize,
    concurrency: usize,
    expected: Expected,
) -> Result<(Duration, Vec<String>), String> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS))
        .no_proxy()
        .user_agent("intent-raw-client")
        .build()
        .map_err(|e| format!("cannot create the HTTP client: {e}"))?;
    let url = Arc::new(url);
    let expected = Arc::new(expected);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (client, url, next) = (client.clone(), Arc::clone(&url), Arc::clone(&next));
        let expected = Arc::clone(&expected);
        tasks.spawn(async move {
            let mut failures = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < requests {
                if let Err(e) = fetch(&client, &url, &expected).await {
                    failures.push(e);
                }
            }
            failures
        });
    }
    let mut failures = Vec::new();
    while let Some(done) = tasks.join_next().await {
        failures.extend(done.map_err(|e| format!("a client task stopped: {e}"))?);
    }
    Ok((started.elapsed(), failures))
}

/// One request: send, read the whole body, check the status (and the JSON field).
async fn fetch(client: &reqwest::Client, url: &str, expected: &Expected) -> Result<(), String> {
    let response = client
        .get(url)
        .timeout(TIMEOUT)
        .send()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("GET {url}: reading the body: {e}"))?;
    if status != reqwest::StatusCode::OK {
        return Err(format!("GET {url}: status {status} ({} bytes)", body.len()));
    }
    if let Some((field, text)) = expected {
        let json: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|e| format!("GET {url}: the body is not JSON: {e}"))?;
        if json.get(field).and_then(serde_json::Value::as_str) != Some(text.as_str()) {
            return Err(format!("GET {url}: `{field}` is not {text:?}"));
        }
    }
    Ok(())
}
