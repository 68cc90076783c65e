//! The `intent` command line: argument parsing, files on disk, output and exit codes.
//!
//! Every command writes to the writers it is given and returns a [`Status`], so the end-to-end
//! tests run the real commands in-process.

mod audit;
mod check;
mod cli;
mod client;
mod compile;
mod explain;
mod fmt;
mod history;
mod import;
mod man;
mod monitor;
mod output;
mod progress;
mod run;
mod session;
pub mod system;

use clap::Parser;
use std::ffi::OsString;
use std::io::Write;

pub use cli::Cli;

/// How a command ended, as the process exit code CI reads.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Status {
    /// 0: everything passed.
    Success,
    /// 1: a check, threshold or policy failed.
    Failed,
    /// 2: the spec or the command is invalid.
    Invalid,
    /// 3: the run could not be carried out.
    CouldNotRun,
}

/// The exit codes, as `intent --help` lists them (a test keeps them equal to [`Status`]).
pub const EXIT_CODES: &str = "\
Exit codes:
  0  everything passed
  1  a check, threshold or policy failed, or an item errored; `fmt --check`: a file is not formatted
  2  the spec or the command is invalid (also: a selection of nothing, without --allow-empty)
  3  the run could not be carried out: a target could not be reached at all, a system under test
     did not start, a target has no URL, the run was interrupted";

impl Status {
    /// Every status, in the order of its code.
    pub const ALL: [Status; 4] = [
        Status::Success,
        Status::Failed,
        Status::Invalid,
        Status::CouldNotRun,
    ];

    pub fn code(self) -> u8 {
        match self {
            Status::Success => 0,
            Status::Failed => 1,
            Status::Invalid => 2,
            Status::CouldNotRun => 3,
        }
    }
}

/// Runs the command line `args` (including the program name).
pub fn run(
    args: impl IntoIterator<Item = OsString>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let is_help = matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            );
            let target: &mut dyn Write = if is_help { out } else { err };
            let _ = write!(target, "{}", e.render());
            return if is_help {
                Status::Success
            } else {
                Status::Invalid
            };
        }
    };
    match cli.command {
        cli::Command::Check(args) => check::run(&args, out, err),
        cli::Command::Compile(args) => compile::run(&args, out, err),
        cli::Command::Fmt(args) => fmt::run(&args, out, err),
        cli::Command::Run(args) => run::run(&args, out, err),
        cli::Command::Monitor(args) => monitor::run(&args, out, err),
        cli::Command::History(args) => history::run(&args, out, err),
        cli::Command::Audit(args) => audit::run(&args, out, err),
        cli::Command::Import(cli::ImportCommand::Openapi(args)) => import::openapi(&args, out, err),
        cli::Command::Import(cli::ImportCommand::Gherkin(args)) => import::gherkin(&args, err),
        cli::Command::Explain(args) => explain::run(&args, out, err),
        cli::Command::Lsp => lsp(err),
        cli::Command::Completions(args) => man::completions(&args, out),
        cli::Command::Man(args) => man::man(&args, out, err),
    }
}

/// `intent lsp`: the language server on standard input and output, until the editor exits.
/// Malformed messages are answered and described on standard error (see
/// `intent_lsp::framing`); they do not stop it.
fn lsp(err: &mut dyn Write) -> Status {
    let connected = intent_lsp::connect(std::io::stdin(), std::io::stdout(), std::io::stderr());
    let (connection, io) = match connected {
        Ok(connected) => connected,
        Err(e) => {
            let _ = writeln!(err, "error: cannot start the language server: {e}");
            return Status::CouldNotRun;
        }
    };
    let served = intent_lsp::serve(&connection);
    drop(connection);
    let joined = io.join();
    match (served, joined) {
        (Ok(()), Ok(())) => Status::Success,
        (Err(e), _) => {
            let _ = writeln!(err, "error: {e}");
            Status::CouldNotRun
        }
        (_, Err(e)) => {
            let _ = writeln!(err, "error: the editor's connection failed: {e}");
            Status::CouldNotRun
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_lists_every_exit_code() {
        for status in Status::ALL {
            let line = format!("\n  {}  ", status.code());
            assert!(EXIT_CODES.contains(&line), "no line for {status:?}");
        }
        let codes = EXIT_CODES
            .lines()
            .filter(|line| line.trim_start().starts_with(|c: char| c.is_ascii_digit()))
            .count();
        assert_eq!(codes, Status::ALL.len());
    }
}
