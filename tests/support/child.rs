//! Child processes for the end-to-end tests: `intent` in another folder or with other
//! environment variables (which a test may not change for its own process while other tests
//! run), the example shop as a system under test, and a system that fails at once. The test
//! binary itself plays them: it is started again with only its test `child_process`, which
//! calls [`play`].

use crate::harness::{RUN_LIMIT, Run, plain};
use intent_cli::Status;
use std::io::BufRead;
use std::path::Path;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// Which role [`child_process`] plays: `intent` (the command, with the JSON array of
/// arguments in [`CHILD_ARGS`]), `shop` (the example shop, printing its URL like the real
/// binary), `tls-echo` (the client tests' echo over TLS, see [`crate::tls::play_tls_echo`]) or
/// `exit` (a system that fails at once).
pub const CHILD: &str = "INTENT_TEST_CHILD";
pub const CHILD_ARGS: &str = "INTENT_TEST_CHILD_ARGS";

/// The command that starts this test binary as [`child_process`] in role `role`.
pub fn child_command() -> Vec<String> {
    let me = std::env::current_exe().expect("the test binary");
    vec![
        me.to_string_lossy().into_owned(),
        "--exact".into(),
        "child_process".into(),
        "--nocapture".into(),
        "--test-threads=1".into(),
    ]
}

/// Starts `intent ARGS...` as a child process in folder `dir`, with extra environment
/// variables, its stdout and stderr piped.
pub fn spawn_intent(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Child {
    let command = child_command();
    std::process::Command::new(&command[0])
        .args(&command[1..])
        .env(CHILD, "intent")
        .env(CHILD_ARGS, serde_json::to_string(args).expect("arguments"))
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the child")
}

/// Waits for a child, bounded by [`RUN_LIMIT`] (a hang kills it and fails the test), and
/// returns its exit code, stdout and stderr.
pub fn finish(mut child: std::process::Child) -> (i32, String, String) {
    let deadline = Instant::now() + RUN_LIMIT;
    while child.try_wait().expect("wait for the child").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the child `intent` did not finish within {RUN_LIMIT:?}: a hang");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("the child's output");
    (
        output.status.code().unwrap_or(-1),
        without_harness(&plain(&String::from_utf8_lossy(&output.stdout))),
        plain(&String::from_utf8_lossy(&output.stderr)),
    )
}

/// The child's stdout without what the test harness prints before the test it runs
/// (`running 1 test`, `test child_process ... `), so it reads as `intent`'s own output.
fn without_harness(stdout: &str) -> String {
    let rest = stdout.trim_start_matches('\n');
    let rest = rest.strip_prefix("running 1 test\n").unwrap_or(rest);
    rest.strip_prefix("test child_process ... ")
        .unwrap_or(rest)
        .to_string()
}

/// The child's standard output, line by line as it comes, read on a thread of its own.
pub fn stdout_lines(child: &mut std::process::Child) -> Receiver<String> {
    let stdout = child.stdout.take().expect("the child's stdout is piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    rx
}

/// The lines from `lines` up to and including the first that contains `text`, each waited for
/// at most [`RUN_LIMIT`] (longer fails the test as a hang).
pub fn lines_until(lines: &Receiver<String>, text: &str) -> String {
    let mut seen = String::new();
    loop {
        let line = lines
            .recv_timeout(RUN_LIMIT)
            .unwrap_or_else(|_| panic!("no line with {text:?} within {RUN_LIMIT:?}:\n{seen}"));
        seen.push_str(&line);
        seen.push('\n');
        if line.contains(text) {
            return seen;
        }
    }
}

/// The lines still to come from `lines`, once the child has exited (each waited for at most
/// [`RUN_LIMIT`]).
pub fn remaining_lines(lines: &Receiver<String>) -> String {
    let mut rest = String::new();
    while let Ok(line) = lines.recv_timeout(RUN_LIMIT) {
        rest.push_str(&line);
        rest.push('\n');
    }
    rest
}

/// Sends the child SIGINT, as Ctrl-C in a terminal does.
pub fn interrupt(child: &std::process::Child) {
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(sent.success(), "SIGINT could not be sent");
}

/// Runs `intent ARGS...` in a child process in folder `dir`.
pub fn intent_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    finish(spawn_intent(dir, args, env))
}

pub fn status_of(code: i32) -> Status {
    match code {
        0 => Status::Success,
        1 => Status::Failed,
        2 => Status::Invalid,
        _ => Status::CouldNotRun,
    }
}

/// Makes `dir` a project of its own (an empty intent.toml), so that no `intent.toml` in a
/// folder above it (say, a stray `/tmp/intent.toml`) changes the run.
pub fn isolate(dir: &Path) {
    std::fs::write(dir.join("intent.toml"), "# no targets to start\n").expect("write intent.toml");
}

/// [`run`], in a child process in folder `dir` (made a project of its own) with extra
/// environment variables.
pub fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    isolate(dir);
    let mut argv = vec!["run", "--no-start"];
    argv.extend_from_slice(args);
    argv.extend([
        "--report",
        "junit=r.xml",
        "--report",
        "json=r.json",
        "--report",
        "markdown=r.md",
        "--report",
        "html=r.html",
    ]);
    let (code, out, err) = intent_in(dir, &argv, env);
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap_or_default();
    Run {
        status: status_of(code),
        out,
        err,
        junit: read("r.xml"),
        json: read("r.json"),
        markdown: read("r.md"),
        html: read("r.html"),
    }
}

/// In a process started by these tests with [`CHILD`] set, plays another program and exits;
/// otherwise does nothing. Each test binary that starts children calls it from a test named
/// `child_process`. `intent run` reads `intent.toml` from its current
/// folder and secrets from its environment, neither of which a test may change for its own
/// process while other tests run; and using this binary as the system under test needs
/// nothing but the Rust toolchain.
pub fn play() {
    match std::env::var(CHILD).as_deref() {
        Ok("intent") => {
            let args = std::env::var(CHILD_ARGS).expect("child arguments");
            let args: Vec<String> = serde_json::from_str(&args).expect("a JSON array");
            let argv = std::iter::once("intent".to_string()).chain(args);
            let status = intent_cli::run(
                argv.map(Into::into),
                &mut std::io::stdout(),
                &mut std::io::stderr(),
            );
            std::process::exit(i32::from(status.code()));
        }
        Ok("shop") => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                let address = listener.local_addr().expect("address");
                println!("listening on http://{address}");
                intent_example_shop::serve(listener, std::future::pending::<()>())
                    .await
                    .expect("serve");
            });
        }
        Ok("tls-echo") => crate::tls::play_tls_echo(),
        Ok("exit") => {
            println!("cannot bind 127.0.0.1:0");
            std::process::exit(7);
        }
        _ => {}
    }
}
