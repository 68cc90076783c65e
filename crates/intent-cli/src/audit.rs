//! `intent audit`: which requirements are verified, by which checks, and when they last passed.
//! The specs are compiled as `intent check` does; the latest result of each item comes from
//! results files (`intent run --report json=FILE`) and the monitors' history; the audit is
//! built and drawn by `intent_report::audit`. Nothing is sent anywhere.

use crate::Status;
use crate::check::compile;
use crate::cli::{AuditArgs, AuditFormat, CompileOptions, Format};
use crate::output::use_color;
use intent_ir::audit::Audit;
use intent_project::{Project, Requirement, RequirementsError};
use intent_report::audit::{AuditOptions, Evidence, Listed};
use intent_report::{ReportError, TerminalOptions};
use intent_source::FileProblem;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// The largest results file read: 256 MiB (an evaluation keeps at most 10,000 rows; a run
/// with many is still far below).
const RESULTS_LIMIT: u64 = 256 * 1024 * 1024;

/// Why the audit's input cannot be used: each is an invalid input (exit 2).
#[derive(Debug, thiserror::Error)]
enum InputError {
    #[error("cannot read the results {}: {problem}", path.display())]
    ResultsFile { path: PathBuf, problem: FileProblem },
    #[error("{}: {source}", path.display())]
    Results { path: PathBuf, source: ReportError },
    #[error("there is no history at {}: `intent monitor` writes it", path.display())]
    NoHistory { path: PathBuf },
    #[error("the history {} is not a regular file", path.display())]
    HistoryNotAFile { path: PathBuf },
    #[error(transparent)]
    History(#[from] intent_monitor::HistoryError),
    #[error("{}: {source}", path.display())]
    HistoryTime { path: PathBuf, source: ReportError },
    #[error(transparent)]
    Requirements(#[from] RequirementsError),
}

pub fn run(args: &AuditArgs, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    let options = CompileOptions {
        paths: args.paths.clone(),
        format: Format::Human,
        deny_warnings: false,
        allow_outside_root: args.allow_outside_root,
    };
    let Some(compiled) = compile(&options, intent_check::Keep::Run, out, err) else {
        return Status::Invalid;
    };
    let audit = match audit(args, &compiled.project, &compiled.checked.plan) {
        Ok(audit) => audit,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return Status::Invalid;
        }
    };
    let terminal = TerminalOptions {
        color: use_color(std::io::stdout().is_terminal()),
        ..TerminalOptions::plain()
    };
    let _ = write!(out, "{}", render(&audit, args.format, &terminal));
    for (format, path) in &args.reports {
        let text = render(&audit, *format, &TerminalOptions::plain());
        if let Err(e) = std::fs::write(path, text) {
            let _ = writeln!(err, "error: cannot write {}: {e}", path.display());
            return Status::CouldNotRun;
        }
    }
    if args.require_coverage && !intent_report::audit::covered(&audit) {
        let _ = writeln!(
            err,
            "error: --require-coverage: {} ({})",
            if audit.requirements.is_empty() {
                format!(
                    "no requirement is traced: no tag @{}… and no requirements list",
                    audit.requirement_prefix
                )
            } else {
                "not every requirement is verified".to_owned()
            },
            intent_report::audit::counts_text(&audit)
        );
        return Status::Failed;
    }
    Status::Success
}

fn render(audit: &Audit, format: AuditFormat, terminal: &TerminalOptions) -> String {
    match format {
        AuditFormat::Terminal => intent_report::audit::terminal(audit, terminal),
        AuditFormat::Json => intent_report::audit::json(audit),
        AuditFormat::Markdown => intent_report::audit::markdown(audit),
        AuditFormat::Html => intent_report::audit::html(audit),
    }
}

/// Reads the requirements list and the latest results, and builds the audit.
fn audit(args: &AuditArgs, project: &Project, plan: &intent_ir::Plan) -> Result<Audit, InputError> {
    let config = project
        .config
        .as_ref()
        .map(|c| c.audit.clone())
        .unwrap_or_default();
    let list_path = args.requirements.clone().or(config.requirements);
    let listed: Option<Vec<Listed>> = match list_path {
        Some(path) => Some(
            project
                .requirements(&path)?
                .into_iter()
                .map(|Requirement { id, title }| Listed { id, title })
                .collect(),
        ),
        None => None,
    };
    let mut evidence = Evidence::default();
    for path in &args.results {
        let text = intent_project::read_bounded(path, RESULTS_LIMIT).map_err(|problem| {
            InputError::ResultsFile {
                path: path.clone(),
                problem,
            }
        })?;
        let results = |source| InputError::Results {
            path: path.clone(),
            source,
        };
        let result = intent_report::parse_json(&text).map_err(results)?;
        evidence.add_run(&result).map_err(results)?;
    }
    if let Some(path) = &args.history {
        history(path, &mut evidence)?;
    }
    let redactor = intent_runner::redactor(plan);
    let redact = |text: &str| redactor.redact(text);
    let options = AuditOptions {
        requirement_prefix: &config.requirement_prefix,
        stale_after: args.stale_after.unwrap_or(config.stale_after),
        as_of: args.as_of.unwrap_or_else(chrono::Utc::now),
        requirements: listed.as_deref(),
        redact: &redact,
    };
    Ok(intent_report::audit::build(plan, &evidence, &options))
}

/// Adds the newest run of each item that the history at `path` holds.
fn history(path: &Path, evidence: &mut Evidence) -> Result<(), InputError> {
    // Only an existing regular file: SQLite would create a missing one, and block on a FIFO.
    match std::fs::metadata(path) {
        Err(_) => {
            return Err(InputError::NoHistory {
                path: path.to_path_buf(),
            });
        }
        Ok(meta) if !meta.is_file() => {
            return Err(InputError::HistoryNotAFile {
                path: path.to_path_buf(),
            });
        }
        Ok(_) => {}
    }
    let history = intent_monitor::History::read(path)?;
    for row in history.latest_results()? {
        let status = match row.status.as_str() {
            "passed" => intent_ir::Status::Passed,
            "failed" => intent_ir::Status::Failed,
            _ => intent_ir::Status::Errored,
        };
        evidence
            .add(&row.item_id, status, &row.started_at)
            .map_err(|source| InputError::HistoryTime {
                path: path.to_path_buf(),
                source,
            })?;
    }
    Ok(())
}
