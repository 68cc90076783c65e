//! The command-line interface, declared with clap.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Intent: executable specifications, checked like a compiler, run against real systems.
#[derive(Parser, Debug)]
#[command(name = "intent", version, about, max_term_width = 100, after_help = crate::EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check specs without sending anything: syntax, imports, names, types and datasets.
    Check(CheckArgs),
    /// Compile specs to a plan (versioned JSON) for the runner or other tools.
    Compile(CompileArgs),
    /// Lay spec files out the one way (indentation, aligned tables, blank lines), in place.
    Fmt(FmtArgs),
    /// Compile specs and run them against the real system; exit 0 when everything passed.
    Run(RunArgs),
    /// Run the monitors of the specs on their schedule, keep their history and send alerts.
    Monitor(MonitorArgs),
    /// Show the monitors' history: availability, recent runs and alerts.
    History(HistoryArgs),
    /// Trace requirements to checks: which are verified, by which items, and when they last
    /// passed (from results files or the monitors' history).
    Audit(AuditArgs),
    /// Write a spec skeleton from another description of an API.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Explain a diagnostic code, with a wrong and a right example.
    Explain(ExplainArgs),
    /// Run the language server on standard input and output, for an editor.
    Lsp,
    /// Print a shell completion script for `intent` to standard output.
    ///
    /// bash: `intent completions bash > ~/.local/share/bash-completion/completions/intent`;
    /// zsh: `intent completions zsh > ~/.zfunc/_intent` (with `~/.zfunc` on `fpath`); fish:
    /// `intent completions fish > ~/.config/fish/completions/intent.fish`.
    Completions(CompletionsArgs),
    /// Print the manual page of `intent` (roff) to standard output, or write a page per command.
    ///
    /// `intent man | man -l -` reads it; `intent man --dir DIR` writes `intent.1`,
    /// `intent-run.1` and so on into DIR, for `MANPATH` or a package.
    Man(ManArgs),
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
pub struct ManArgs {
    /// Write one page per command (`intent.1`, `intent-run.1`, …) into this folder (made if
    /// missing) instead of printing the page of `intent`.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Options shared by every command that compiles specs.
#[derive(Args, Debug, Clone)]
pub struct CompileOptions {
    /// Spec files or folders (searched recursively for `*.intent`); default: the `specs` of
    /// the nearest intent.toml.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat warnings as errors (for CI).
    #[arg(long)]
    pub deny_warnings: bool,
    /// Allow imports and dataset paths outside the project root (the folder with
    /// intent.toml).
    #[arg(long)]
    pub allow_outside_root: bool,
}

#[derive(Args, Debug)]
pub struct CompileArgs {
    #[command(flatten)]
    pub compile: CompileOptions,
    /// What to produce.
    #[arg(long, value_enum, default_value_t = Emit::Plan)]
    pub emit: Emit,
    /// Write to this file instead of standard output (with `--emit k6`, into this folder).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Emit {
    /// The plan: versioned JSON with every check typed, with its stable id and source.
    Plan,
    /// The syntax tree of every loaded file, as JSON (for tools and for debugging the grammar).
    Ast,
    /// JSON Schema (draft 2020-12) with every named type under `$defs`.
    Jsonschema,
    /// A Rust file with one `#[test]` per intent, evaluation and load block, for `cargo test`.
    Rust,
    /// One k6 script per load block, written into the folder `-o DIR`.
    K6,
    /// Prometheus alerting rules for the monitors' `alert … after N failures`.
    PrometheusRules,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub compile: CompileOptions,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// A diagnostic code such as E0003.
    pub code: String,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Graphical diagnostics with source context.
    Human,
    /// One JSON object per diagnostic, one per line.
    Json,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    pub compile: CompileOptions,
    /// Run a plan written by `intent compile` instead of compiling specs.
    #[arg(long, value_name = "FILE", conflicts_with = "paths")]
    pub plan: Option<PathBuf>,
    /// Select by tag expression, e.g. "@smoke and not (@slow or @wip)".
    #[arg(long, value_name = "EXPR")]
    pub tags: Option<String>,
    /// Select items whose title contains this text (case-insensitive); repeatable.
    #[arg(long, value_name = "TEXT")]
    pub name: Vec<String>,
    /// Select the item with this stable id (as in the plan and the reports); repeatable.
    #[arg(long, value_name = "ID")]
    pub id: Vec<String>,
    /// Run only shard K of N (a deterministic partition for CI matrices), e.g. 2/4.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Exit 0 when --tags, --name, --id or --shard select no intent, evaluation or load block.
    /// Without it such a run is refused (exit 2) with what there is to select, so a typo or a
    /// stale id cannot pass by checking nothing.
    #[arg(long)]
    pub allow_empty: bool,
    /// Write a report: junit=PATH, json=PATH, markdown=PATH or html=PATH; repeatable.
    #[arg(long = "report", value_name = "KIND=PATH")]
    pub reports: Vec<String>,
    /// Print every request and response (secrets redacted).
    #[arg(long, short)]
    pub verbose: bool,
    #[command(flatten)]
    pub system: SystemArgs,
}

/// Where the system under test is, and how hard to drive it: shared by `run` and `monitor`.
#[derive(Args, Debug)]
pub struct SystemArgs {
    /// Override a target's URL: NAME=URL; repeatable. Wins over intent.toml.
    #[arg(long = "target", value_name = "NAME=URL")]
    pub targets: Vec<String>,
    /// Use the URLs of this environment from intent.toml.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Do not start systems under test, even if intent.toml says how.
    #[arg(long)]
    pub no_start: bool,
    /// How many intents run at once (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// How many threads drive the requests (default: one fewer than the cores, at least one,
    /// leaving a core to a system under test on the same machine). With one, every request
    /// is driven from one thread, which on a small machine is the fastest.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// The largest response body accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = intent_runner::DEFAULT_BODY_LIMIT)]
    pub max_body: usize,
    /// Trust the CA certificates of this PEM file for every target, besides the system's
    /// roots; repeatable. A target's own CA goes in intent.toml (`ca`).
    #[arg(long, value_name = "FILE")]
    pub cacert: Vec<PathBuf>,
    /// Connect to every target directly, ignoring HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and
    /// NO_PROXY (which apply otherwise, as in curl).
    #[arg(long)]
    pub no_proxy: bool,
}

#[derive(Args, Debug)]
pub struct MonitorArgs {
    #[command(flatten)]
    pub compile: CompileOptions,
    /// Use a plan written by `intent compile` instead of compiling specs.
    #[arg(long, value_name = "FILE", conflicts_with = "paths")]
    pub plan: Option<PathBuf>,
    /// Watch only the monitors whose title contains this text (case-insensitive); repeatable.
    #[arg(long = "monitor", value_name = "TEXT")]
    pub monitors: Vec<String>,
    /// Stop after each monitor ran N times (default: watch until Ctrl-C).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub cycles: Option<u32>,
    /// Run each monitor once and stop: the same as `--cycles 1`.
    #[arg(long, conflicts_with = "cycles")]
    pub once: bool,
    /// The history file (SQLite); default: .intent/history.sqlite in the project root.
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// How long a webhook has to answer one attempt to deliver an alert ("500ms", "5s").
    #[arg(long, value_name = "DURATION", default_value = "5s",
          value_parser = intent_project::parse_duration)]
    pub alert_timeout: std::time::Duration,
    /// How many times a failed delivery of an alert is repeated (after 0.5 s, then 1 s, 2 s, …).
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub alert_retries: u32,
    /// Serve the monitors' metrics for Prometheus at http://ADDR/metrics: PORT or :PORT on
    /// loopback, or HOST:PORT as written (0.0.0.0:9464 to be scraped from other machines).
    #[arg(long, value_name = "ADDR", value_parser = intent_monitor::metrics::parse_address)]
    pub metrics: Option<std::net::SocketAddr>,
    #[command(flatten)]
    pub system: SystemArgs,
}

#[derive(Args, Debug)]
pub struct HistoryArgs {
    /// The history file (SQLite); default: .intent/history.sqlite in the project root.
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// Show only the monitor with this title.
    #[arg(long = "monitor", value_name = "TITLE")]
    pub monitor: Option<String>,
    /// How many recent runs to list.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
    /// Also list each run's metrics (latency percentiles, error rates, accuracy, …).
    #[arg(long)]
    pub metrics: bool,
}

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// Spec files or folders (searched recursively for `*.intent`); default: the `specs` of
    /// the nearest intent.toml.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// A results file written by `intent run --report json=FILE`; repeatable (the newest
    /// result of each item wins, e.g. over the shards of a run).
    #[arg(long = "results", value_name = "FILE")]
    pub results: Vec<PathBuf>,
    /// The monitors' history (SQLite) written by `intent monitor`: each item's newest run.
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// The requirements list: a CSV file with the header `id,title`, inside the project
    /// root; default: `[audit] requirements` of intent.toml.
    #[arg(long, value_name = "FILE")]
    pub requirements: Option<PathBuf>,
    /// Exit 1 unless every requirement is verified: carried by an item with checks, whose
    /// latest results all passed within the stale age.
    #[arg(long)]
    pub require_coverage: bool,
    /// A passing result older than this is stale ("12h", "7d"); default: `[audit]
    /// stale_after` of intent.toml, else 7d.
    #[arg(long, value_name = "DURATION", value_parser = intent_project::parse_duration)]
    pub stale_after: Option<std::time::Duration>,
    /// Judge staleness as of this time (RFC 3339, e.g. 2026-11-25T10:00:00Z) instead of
    /// now, for a report that can be made again.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub as_of: Option<chrono::DateTime<chrono::Utc>>,
    /// What to print.
    #[arg(long, value_enum, default_value_t = AuditFormat::Terminal)]
    pub format: AuditFormat,
    /// Also write the audit to a file: json=PATH, markdown=PATH or html=PATH; repeatable.
    #[arg(long = "report", value_name = "KIND=PATH", value_parser = audit_report)]
    pub reports: Vec<(AuditFormat, PathBuf)>,
    /// Allow the requirements list outside the project root (the folder with intent.toml).
    #[arg(long)]
    pub allow_outside_root: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditFormat {
    /// Requirements and items as text, for a person.
    Terminal,
    /// The `intent-audit/1` JSON, for tools.
    Json,
    /// Markdown tables, for a CI job page.
    #[value(alias = "md")]
    Markdown,
    /// One self-contained HTML page.
    Html,
}

fn parse_time(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    intent_report::audit::parse_time(text).map_err(|e| e.to_string())
}

/// `KIND=PATH` of `intent audit --report`.
fn audit_report(text: &str) -> Result<(AuditFormat, PathBuf), String> {
    let (kind, path) = text
        .split_once('=')
        .ok_or_else(|| "write a report as KIND=PATH, e.g. html=audit.html".to_string())?;
    match AuditFormat::from_str(kind, true) {
        Ok(AuditFormat::Terminal) | Err(_) => Err(format!(
            "unknown report kind `{kind}`: use json, markdown or html"
        )),
        Ok(format) => Ok((format, PathBuf::from(path))),
    }
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// From an OpenAPI 3.x or Swagger 2.0 description (JSON or YAML, with the files its `$ref`s
    /// name): named types from its schemas, an intent per operation.
    Openapi(OpenapiArgs),
    /// From Cucumber feature files: a spec per feature, an intent per scenario, each
    /// Given/When/Then line bound to the project's steps (or kept as a comment).
    Gherkin(GherkinArgs),
}

#[derive(Args, Debug)]
pub struct GherkinArgs {
    /// The feature files (`.feature`).
    #[arg(value_name = "FILE", required = true)]
    pub features: Vec<PathBuf>,
    /// The folder to write one spec per feature into (made if missing).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Spec files or folders whose steps the lines bind to; default: the `specs` of the
    /// nearest intent.toml above DIR.
    #[arg(long, value_name = "PATH")]
    pub steps: Vec<PathBuf>,
}

#[derive(Args, Debug)]
pub struct OpenapiArgs {
    /// The OpenAPI or Swagger description (`.json`, `.yaml` or `.yml`).
    #[arg(value_name = "FILE")]
    pub document: PathBuf,
    /// The name of the target in the spec.
    #[arg(long, value_name = "NAME", default_value = "api")]
    pub target: String,
    /// Write the spec to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct FmtArgs {
    /// Spec files or folders (searched recursively for `*.intent`); default: the `specs` of
    /// the nearest intent.toml.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Change nothing; exit 1 and name the files that are not formatted (for CI).
    #[arg(long)]
    pub check: bool,
}
