//! The `intent` binary: all behaviour lives in the library so tests can drive it in-process.

/// mimalloc rather than the system allocator: the parser, the checker and the runner make many
/// small short-lived allocations (syntax trees, request and response values), and glibc's
/// malloc took about 15 % of `intent check`'s time on a large spec (`docs/performance.md`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // No transparent huge pages: mimalloc asks for them on its arenas, and each is zeroed
    // whole (2 MiB) when first touched, which made a third of the time of a short run and
    // 16 MB of the peak of `intent check` (`docs/performance.md`). Best effort: a kernel
    // without the setting runs as before.
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_thp_disable(true);
    // Neither stream is locked for the whole run: the progress bar draws on standard error
    // from its own thread, and the language server writes standard output from its own.
    let mut stdout = std::io::stdout();
    let mut stderr = std::io::stderr();
    let status = intent_cli::run(std::env::args_os(), &mut stdout, &mut stderr);
    std::process::ExitCode::from(status.code())
}
