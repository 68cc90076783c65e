//! `shop [ADDR]`: runs the example shop.
//!
//! Whoever starts it (a spec runner, a test) learns the real address from
//! the single line `listening on http://HOST:PORT` on stdout, which is why
//! `127.0.0.1:0` is a sensible address to pass.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use tokio::net::TcpListener;

/// Address used when none is given.
const DEFAULT_ADDR: &str = "127.0.0.1:8080";
const USAGE: &str =
    "usage: shop [ADDR]   (default 127.0.0.1:8080; use 127.0.0.1:0 for a free port)";

/// Exit code for bad invocations (unusable address, bad arguments).
const EXIT_USAGE: u8 = 2;

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let raw = args.next();
    if args.next().is_some() {
        eprintln!("shop: too many arguments\n{USAGE}");
        return ExitCode::from(EXIT_USAGE);
    }
    if matches!(raw.as_deref(), Some("-h" | "--help")) {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let raw = raw.unwrap_or_else(|| DEFAULT_ADDR.to_owned());

    let addr: SocketAddr = match raw.parse() {
        Ok(addr) => addr,
        Err(err) => {
            eprintln!(
                "shop: invalid address {raw:?}: {err} (expected IP:PORT, e.g. 127.0.0.1:8080)"
            );
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let listener = match TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("shop: cannot listen on {addr}: {err}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let local = match listener.local_addr() {
        Ok(local) => local,
        Err(err) => {
            eprintln!("shop: cannot determine the bound address: {err}");
            return ExitCode::FAILURE;
        }
    };

    // Install signal handlers before announcing the address, so a signal
    // sent as soon as the line is read is already handled gracefully.
    let shutdown = match shutdown_signal() {
        Ok(shutdown) => shutdown,
        Err(err) => {
            eprintln!("shop: cannot install signal handlers: {err}");
            return ExitCode::FAILURE;
        }
    };

    if let Err(err) = announce(local) {
        eprintln!("shop: cannot write to stdout: {err}");
        return ExitCode::FAILURE;
    }

    match intent_example_shop::serve(listener, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("shop: server error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the one line callers wait for, flushed so pipes see it now.
fn announce(local: SocketAddr) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening on http://{local}")?;
    stdout.flush()
}

/// A future completing on SIGTERM or Ctrl-C (SIGINT). The handlers are
/// registered when this function returns, not when the future is polled.
#[cfg(unix)]
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};

    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => {}
            _ = interrupt.recv() => {}
        }
    })
}

/// A future completing on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    Ok(async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
}
