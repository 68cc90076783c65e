//! The `intent` binary: all behaviour lives in the library so tests can drive it in-process.

fn main() -> std::process::ExitCode {
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let status = intent_cli::run(std::env::args_os(), &mut stdout, &mut stderr);
    std::process::ExitCode::from(status.code())
}
