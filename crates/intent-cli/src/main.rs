//! The `intent` binary: all behaviour lives in the library so tests can drive it in-process.

fn main() -> std::process::ExitCode {
    // Standard output is locked for the whole run (one lock, many lines). Standard error is
    // not: the progress bar draws on it from its own thread.
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr();
    let status = intent_cli::run(std::env::args_os(), &mut stdout, &mut stderr);
    std::process::ExitCode::from(status.code())
}
