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
    /// Compile specs to a plan (versioned JSON) for the runner or other tools.
    Compile(CompileArgs),
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
    /// Allow dataset paths outside the project root (the folder with intent.toml).
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
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Emit {
    /// The plan: versioned JSON with every check typed, with its stable id and source.
    Plan,
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
