//! The command-line interface, declared with clap.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Intent: executable specifications, checked like a compiler, run against real systems.
#[derive(Parser, Debug)]
#[command(name = "intent", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check specs without sending anything: syntax, imports, names, types and datasets.
    Check(CheckArgs),
    /// Explain a diagnostic code, with a wrong and a right example.
    Explain(ExplainArgs),
}

/// Options shared by every command that compiles specs.
#[derive(Args, Debug, Clone)]
pub struct CompileOptions {
    /// Spec files or folders (searched recursively for `*.intent`).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Treat warnings as errors (for CI).
    #[arg(long)]
    pub deny_warnings: bool,
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
