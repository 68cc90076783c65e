//! The monitor's runs as Prometheus metrics, served at `/metrics` by `intent monitor
//! --metrics ADDR`, so the dashboards and alerting that operations already run (Prometheus,
//! Grafana, Alertmanager) watch the specs too, beside the history file and the webhooks.
//!
//! Metrics are named the Prometheus way (base units in the name: `_seconds`, `_ratio`,
//! `_bytes`; `_total` on counters) and carry only bounded labels taken from the plan: the
//! monitor's and the item's stable ids, the item's kind, a status or outcome from a fixed set,
//! and a metric's name as the spec writes it (`p99(duration)`). No response value and no
//! secret ever becomes a label: results are redacted by the runner before they get here, and
//! nothing read from a response is used as a label at all.
//!
//! | metric | type | labels |
//! | --- | --- | --- |
//! | `intent_monitor_runs_total` | counter | `monitor`, `outcome` (`passed`, `failed`, `interrupted`) |
//! | `intent_monitor_run_duration_seconds` | histogram | `monitor` |
//! | `intent_monitor_last_run_timestamp_seconds` | gauge (Unix time of the latest completed run) | `monitor` |
//! | `intent_monitor_failed_runs_in_a_row` | gauge (the streak `alert … after N` counts) | `monitor` |
//! | `intent_item_status` | gauge, 1 for the item's latest status and 0 for the others | `monitor`, `item`, `kind`, `status` |
//! | `intent_check_failures_total` | counter of failed checks | `monitor`, `item`, `kind` |
//! | `intent_item_metric_seconds`, `_ratio`, `_per_second`, `_bytes`, `intent_item_metric` | gauge (latest value) | `monitor`, `item`, `kind`, `metric` |

use intent_ir::{ItemResult, RunResult, Status};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

/// The item statuses `intent_item_status` has a series for, with their label values.
const STATUSES: [(Status, &str); 5] = [
    (Status::Passed, "passed"),
    (Status::Failed, "failed"),
    (Status::Errored, "errored"),
    (Status::NotRun, "not_run"),
    (Status::Skipped, "skipped"),
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MonitorLabels {
    monitor: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    monitor: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ItemLabels {
    monitor: String,
    item: String,
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    monitor: String,
    item: String,
    kind: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MetricLabels {
    monitor: String,
    item: String,
    kind: String,
    metric: String,
}

type FloatGauge = Gauge<f64, AtomicU64>;
type Durations = Family<MonitorLabels, Histogram, fn() -> Histogram>;

/// The run durations' buckets: 5 ms to about 164 s, doubling, since a monitor runs anything
/// from one health check to a load block of minutes.
fn run_duration_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.005, 2.0, 16))
}

/// Every metric of the monitors, updated after each run and encoded on each scrape.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    runs: Family<OutcomeLabels, Counter>,
    run_duration: Durations,
    last_run: Family<MonitorLabels, FloatGauge>,
    streak: Family<MonitorLabels, Gauge>,
    item_status: Family<StatusLabels, Gauge>,
    check_failures: Family<ItemLabels, Counter>,
    /// The items' metrics by unit: seconds, ratios, per second, bytes, and plain numbers.
    seconds: Family<MetricLabels, FloatGauge>,
    ratio: Family<MetricLabels, FloatGauge>,
    per_second: Family<MetricLabels, FloatGauge>,
    bytes: Family<MetricLabels, FloatGauge>,
    plain: Family<MetricLabels, FloatGauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("intent");
        let runs = Family::default();
        registry.register(
            "monitor_runs",
            "Runs of each monitor, by outcome (passed, failed, interrupted)",
            runs.clone(),
        );
        let run_duration: Durations = Family::new_with_constructor(run_duration_histogram);
        registry.register_with_unit(
            "monitor_run_duration",
            "How long each run of a monitor took",
            Unit::Seconds,
            run_duration.clone(),
        );
        let last_run = Family::default();
        registry.register_with_unit(
            "monitor_last_run_timestamp",
            "When the latest completed run of a monitor ended (Unix time)",
            Unit::Seconds,
            last_run.clone(),
        );
        let streak = Family::default();
        registry.register(
            "monitor_failed_runs_in_a_row",
            "Failed runs of a monitor in a row, the streak that `alert ... after N failures` counts",
            streak.clone(),
        );
        let item_status = Family::default();
        registry.register(
            "item_status",
            "The latest status of each item a monitor runs: 1 for its status, 0 for the others",
            item_status.clone(),
        );
        let check_failures = Family::default();
        registry.register(
            "check_failures",
            "Checks of an item that failed, over the monitor's runs",
            check_failures.clone(),
        );
        let mut by_unit = |unit: Option<&str>, what: &str| {
            let family = Family::default();
            let help = format!(
                "The latest {what} of a load block, evaluation or policy, by its name in the spec"
            );
            match unit {
                Some(unit) => registry.register_with_unit(
                    "item_metric",
                    help,
                    Unit::Other(unit.to_string()),
                    family.clone(),
                ),
                None => registry.register("item_metric", help, family.clone()),
            }
            family
        };
        Metrics {
            seconds: by_unit(Some("seconds"), "durations (latency percentiles, means)"),
            ratio: by_unit(Some("ratio"), "shares (error rate, accuracy, rates)"),
            per_second: by_unit(Some("per_second"), "rates per second (throughput)"),
            bytes: by_unit(Some("bytes"), "sizes"),
            plain: by_unit(None, "counts and scores"),
            registry,
            runs,
            run_duration,
            last_run,
            streak,
            item_status,
            check_failures,
        }
    }

    /// Records a run of monitor `monitor` (its stable id) that ended at `ended` (Unix
    /// seconds), after which the monitor has failed `streak` runs in a row.
    pub fn observe(&self, monitor: &str, result: &RunResult, streak: u32, ended: f64) {
        let labels = MonitorLabels {
            monitor: monitor.to_string(),
        };
        let outcome = crate::history::outcome(result);
        self.runs
            .get_or_create(&OutcomeLabels {
                monitor: monitor.to_string(),
                outcome: outcome.to_string(),
            })
            .inc();
        self.run_duration
            .get_or_create(&labels)
            .observe(result.duration_ms / 1000.0);
        // An interrupted run says nothing of the system (as for the exit status and the
        // streak): it is counted, and the rest stays as the latest completed run left it.
        if result.interrupted {
            return;
        }
        self.last_run.get_or_create(&labels).set(ended);
        self.streak.get_or_create(&labels).set(i64::from(streak));
        for item in &result.items {
            self.observe_item(monitor, item);
        }
    }

    fn observe_item(&self, monitor: &str, item: &ItemResult) {
        let item_labels = ItemLabels {
            monitor: monitor.to_string(),
            item: item.id.as_str().to_string(),
            kind: item.kind.as_str().to_string(),
        };
        for (status, name) in STATUSES {
            self.item_status
                .get_or_create(&StatusLabels {
                    monitor: monitor.to_string(),
                    item: item_labels.item.clone(),
                    kind: item_labels.kind.clone(),
                    status: name.to_string(),
                })
                .set(i64::from(item.status == status));
        }
        let failed = item
            .checks
            .iter()
            .filter(|c| c.status == Status::Failed)
            .count();
        // Created at 0 too, so a rate over it starts from the first run.
        self.check_failures
            .get_or_create(&item_labels)
            .inc_by(failed as u64);
        for metric in &item.metrics {
            let (family, value) = match metric.unit.as_str() {
                "ms" => (&self.seconds, metric.value / 1000.0),
                "%" => (&self.ratio, metric.value / 100.0),
                "/s" => (&self.per_second, metric.value),
                "B" => (&self.bytes, metric.value),
                _ => (&self.plain, metric.value),
            };
            family
                .get_or_create(&MetricLabels {
                    monitor: monitor.to_string(),
                    item: item_labels.item.clone(),
                    kind: item_labels.kind.clone(),
                    metric: metric.name.clone(),
                })
                .set(value);
        }
    }

    /// The metrics in the Prometheus text format (version 0.0.4).
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

/// The `Content-Type` of [`Metrics::encode`]'s text.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// Serves `GET /metrics` on `listener` until the future is dropped.
pub async fn serve(
    listener: tokio::net::TcpListener,
    metrics: Arc<Metrics>,
) -> std::io::Result<()> {
    use axum::http::{StatusCode, header};
    let scrape = move || {
        let metrics = Arc::clone(&metrics);
        async move {
            match metrics.encode() {
                Ok(text) => (StatusCode::OK, [(header::CONTENT_TYPE, CONTENT_TYPE)], text),
                Err(_) => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                    "the metrics could not be encoded\n".to_string(),
                ),
            }
        }
    };
    let app = axum::Router::new().route("/metrics", axum::routing::get(scrape));
    axum::serve(listener, app).await
}

/// The address `--metrics` binds: `PORT` or `:PORT` on loopback (`127.0.0.1`), or
/// `HOST:PORT` as written (`0.0.0.0:9464` to be scraped from other machines, `[::1]:9464`);
/// `localhost` is loopback. Loopback unless the address says otherwise, since the metrics name
/// the system's items and need not leave the machine.
pub fn parse_address(text: &str) -> Result<SocketAddr, String> {
    let loopback = |port: &str| {
        port.parse::<u16>()
            .map(|port| SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port))
            .map_err(|_| format!("`{port}` is not a port number"))
    };
    if let Some(port) = text.strip_prefix(':') {
        return loopback(port);
    }
    if let Some(port) = text.strip_prefix("localhost:") {
        return loopback(port);
    }
    if !text.contains(':') {
        return loopback(text);
    }
    text.parse::<SocketAddr>().map_err(|_| {
        format!("`{text}` is not an address: write PORT, HOST:PORT or [IPv6]:PORT, such as 127.0.0.1:9464")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_loopback_unless_it_says_otherwise() {
        let ok = |text: &str| parse_address(text).map(|a| a.to_string());
        assert_eq!(ok("9464"), Ok("127.0.0.1:9464".into()));
        assert_eq!(ok(":9464"), Ok("127.0.0.1:9464".into()));
        assert_eq!(ok("localhost:0"), Ok("127.0.0.1:0".into()));
        assert_eq!(ok("0.0.0.0:9464"), Ok("0.0.0.0:9464".into()));
        assert_eq!(ok("[::1]:9464"), Ok("[::1]:9464".into()));
        assert!(parse_address("somewhere:9464").is_err());
        assert!(parse_address("99999").is_err());
    }
}
