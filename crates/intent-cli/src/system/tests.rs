//! Starting and stopping real processes: readiness, URLs from output, failures, process
//! groups and their orphans.

#![allow(clippy::unwrap_used)]

use super::*;
use nix::errno::Errno;
use nix::sys::signal::{kill, killpg};
use std::collections::BTreeMap;

/// The regex matching `python3 -m http.server`'s
/// "Serving HTTP on 127.0.0.1 port N (http://127.0.0.1:N/) ..." line.
const PYTHON_URL: &str = r"\((http://127\.0\.0\.1:\d+)/\)";

fn config(command: &[&str], timeout: Duration, url_from_output: Option<&str>) -> StartConfig {
    StartConfig {
        command: command.iter().map(|s| (*s).to_owned()).collect(),
        cwd: std::env::temp_dir(),
        ready: "/".to_owned(),
        timeout,
        url_from_output: url_from_output.map(|r| regex::Regex::new(r).unwrap()),
        env: BTreeMap::new(),
    }
}

/// Starts without saying that it waits (the lines are tested on their own below).
async fn start(
    name: &str,
    config: &StartConfig,
    fallback_url: Option<&str>,
) -> Result<RunningSystem, StartError> {
    let waiting = Waiting {
        every: Duration::from_secs(3600),
        say: &mut |_| {},
    };
    let tls = intent_runner::TargetClient::default();
    super::start(name, config, fallback_url, &tls, waiting).await
}

/// A URL on a local port nobody listens on.
fn closed_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn pid(raw: u32) -> Pid {
    Pid::from_raw(i32::try_from(raw).unwrap())
}

/// True when no process has this pid any more (`kill(pid, 0)` fails with ESRCH).
fn gone(raw: u32) -> bool {
    kill(pid(raw), None) == Err(Errno::ESRCH)
}

fn group_gone(raw: u32) -> bool {
    killpg(pid(raw), None) == Err(Errno::ESRCH)
}

/// The number after `prefix` on a line of `text`.
fn number_after(text: &str, prefix: &str) -> u32 {
    let line = text
        .lines()
        .find_map(|line| {
            line.split_once(prefix)
                .map(|(_, rest)| rest.trim().to_owned())
        })
        .unwrap_or_else(|| panic!("no `{prefix}` in {text}"));
    line.parse().unwrap()
}

async fn get(url: &str) -> reqwest::Result<reqwest::StatusCode> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(2))
        .build()?;
    Ok(client.get(url).send().await?.status())
}

#[tokio::test]
async fn a_real_http_server_starts_answers_and_stops() {
    let config = config(
        &[
            "python3",
            "-u",
            "-m",
            "http.server",
            "0",
            "--bind",
            "127.0.0.1",
        ],
        Duration::from_secs(20),
        Some(PYTHON_URL),
    );
    let system = start("files", &config, None).await.unwrap();
    assert!(
        system.url().starts_with("http://127.0.0.1:"),
        "{}",
        system.url()
    );
    assert_eq!(system.target(), "files");
    assert_eq!(get(system.url()).await.unwrap(), reqwest::StatusCode::OK);
    assert!(
        system
            .output_tail()
            .lines()
            .iter()
            .any(|l| l.contains("Serving HTTP")),
        "{}",
        system.output_tail()
    );

    let pid = system.pid();
    let url = system.url().to_owned();
    assert!(!gone(pid));
    system.stop().await;
    assert!(gone(pid), "the server is still running");
    assert!(get(&url).await.is_err(), "the server still answers");
}

#[tokio::test]
async fn a_command_that_exits_at_once_reports_its_status_and_output() {
    let config = config(
        &["sh", "-c", "echo boom >&2; exit 3"],
        Duration::from_secs(10),
        None,
    );
    let err = start("shop", &config, Some(&closed_url()))
        .await
        .unwrap_err();
    let StartError::Exited { status, output, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(status.code(), Some(3));
    assert_eq!(output.lines(), ["boom"]);
    let message = err.to_string();
    assert!(message.contains("target `shop`"), "{message}");
    assert!(
        message.contains("`sh -c 'echo boom >&2; exit 3'`"),
        "{message}"
    );
    assert!(message.contains("exit status: 3"), "{message}");
    assert!(message.contains("| boom"), "{message}");

    // The same while waiting for the URL line.
    let config = StartConfig {
        url_from_output: Some(regex::Regex::new("on (http://.*)").unwrap()),
        ..config
    };
    let err = start("shop", &config, None).await.unwrap_err();
    assert!(
        matches!(&err, StartError::Exited { status, .. } if status.code() == Some(3)),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_system_that_never_gets_ready_times_out_and_is_stopped() {
    let config = config(
        &["sh", "-c", "echo \"pid $$\"; exec sleep 30"],
        Duration::from_millis(500),
        None,
    );
    let url = closed_url();
    let err = start("shop", &config, Some(&url)).await.unwrap_err();
    let StartError::Timeout {
        last_error, output, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert!(
        last_error.contains(&format!("GET {url}/ failed")),
        "{last_error}"
    );
    let message = err.to_string();
    assert!(message.contains("was not ready within 500ms"), "{message}");
    assert!(message.contains("exec sleep 30"), "{message}");
    let pid = number_after(&output.lines().join("\n"), "pid ");
    assert!(gone(pid), "the sleep is still running");
    assert!(group_gone(pid), "its group is still running");
}

#[tokio::test]
async fn a_url_never_printed_times_out_and_says_so() {
    let config = config(
        &["sh", "-c", "echo starting; exec sleep 30"],
        Duration::from_millis(500),
        Some("listening on (http://\\S+)"),
    );
    let err = start("shop", &config, None).await.unwrap_err();
    assert!(matches!(err, StartError::Timeout { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("no line of its standard output matched `listening on (http://\\S+)`"),
        "{message}"
    );
    assert!(message.contains("| starting"), "{message}");

    // Closing stdout without the line, and staying alive.
    let config = config_with_command(config, &["sh", "-c", "exec >&-; exec sleep 30"]);
    let err = start("shop", &config, None).await.unwrap_err();
    assert!(matches!(err, StartError::UrlNotPrinted { .. }), "{err:?}");
}

fn config_with_command(config: StartConfig, command: &[&str]) -> StartConfig {
    StartConfig {
        command: command.iter().map(|s| (*s).to_owned()).collect(),
        timeout: Duration::from_secs(5),
        ..config
    }
}

/// A system whose shell leaves a background `sleep` behind, and that sleep's pid.
async fn start_with_grandchild() -> (RunningSystem, u32) {
    let config = config(
        &[
            "sh",
            "-c",
            "sleep 30 & echo \"grandchild $!\"; python3 -u -m http.server 0 --bind 127.0.0.1",
        ],
        Duration::from_secs(20),
        Some(PYTHON_URL),
    );
    let system = start("files", &config, None).await.unwrap();
    let grandchild = number_after(&system.output_tail().lines().join("\n"), "grandchild ");
    (system, grandchild)
}

#[tokio::test]
async fn stop_kills_the_whole_process_group() {
    let (system, grandchild) = start_with_grandchild().await;
    let leader = system.pid();
    assert!(!gone(grandchild));
    system.stop().await;
    assert!(gone(leader), "the shell is still running");
    assert!(gone(grandchild), "the background sleep is still running");
    assert!(
        group_gone(leader),
        "a process of the group is still running"
    );
}

#[tokio::test]
async fn dropping_a_running_system_kills_its_group() {
    let (system, grandchild) = start_with_grandchild().await;
    let leader = system.pid();
    drop(system);
    // SIGKILL was sent synchronously; a background task reaps the processes.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !(gone(grandchild) && group_gone(leader)) {
        assert!(Instant::now() < deadline, "a process of the group survived");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn cancelling_start_kills_the_group() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    // The pids of the shell (the group leader) and of a background child.
    let script = format!(
        "sleep 30 & echo $$ $! > '{}.tmp'; mv '{0}.tmp' '{0}'; exec sleep 30",
        pid_file.display()
    );
    let config = config(
        &["sh", "-c", &script],
        Duration::from_secs(30),
        Some("never (printed)"),
    );
    let mut starting = Box::pin(start("shop", &config, None));
    // Once the command runs, cancel the start (drop its future) while it waits for the URL.
    let (leader, background) = loop {
        tokio::select! {
            result = &mut starting => panic!("the start ended: {result:?}"),
            () = tokio::time::sleep(Duration::from_millis(20)) => {
                if let Ok(text) = std::fs::read_to_string(&pid_file) {
                    let (a, b) = text.trim().split_once(' ').unwrap();
                    break (a.parse::<u32>().unwrap(), b.parse::<u32>().unwrap());
                }
            }
        }
    };
    assert!(!gone(background));
    drop(starting);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !(gone(background) && group_gone(leader)) {
        assert!(Instant::now() < deadline, "the cancelled system survived");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_missing_program_is_a_spawn_error_naming_it() {
    let config = config(
        &["intent-no-such-program-7f3a", "--flag"],
        Duration::from_secs(1),
        None,
    );
    let err = start("shop", &config, Some("http://127.0.0.1:1"))
        .await
        .unwrap_err();
    assert!(matches!(err, StartError::Spawn { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("cannot run `intent-no-such-program-7f3a`"),
        "{message}"
    );
    assert!(message.contains("target `shop`"), "{message}");
    assert!(message.contains("on PATH"), "{message}");
}

#[tokio::test]
async fn without_a_url_nothing_is_started() {
    let config = config(&["sleep", "30"], Duration::from_secs(1), None);
    let err = start("shop", &config, None).await.unwrap_err();
    assert!(matches!(err, StartError::NoUrl { .. }), "{err:?}");
    assert!(err.to_string().contains("url_from_output"), "{err}");

    let config = StartConfig {
        cwd: std::env::temp_dir().join("intent-no-such-folder-7f3a"),
        ..config
    };
    let err = start("shop", &config, Some("http://127.0.0.1:1"))
        .await
        .unwrap_err();
    assert!(matches!(err, StartError::MissingCwd { .. }), "{err:?}");
}

#[tokio::test]
async fn env_and_cwd_reach_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(
        &["sh", "-c", "echo \"$GREETING from $(pwd)\"; exit 7"],
        Duration::from_secs(5),
        None,
    );
    config.cwd = dir.path().to_path_buf();
    config.env.insert("GREETING".to_owned(), "hello".to_owned());
    let err = start("shop", &config, Some(&closed_url()))
        .await
        .unwrap_err();
    let StartError::Exited { output, .. } = &err else {
        panic!("{err:?}");
    };
    let expected = format!(
        "hello from {}",
        dir.path().canonicalize().unwrap().display()
    );
    assert_eq!(output.lines(), [expected]);
}

#[tokio::test]
async fn a_relative_program_path_is_relative_to_cwd() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("bin")).unwrap();
    std::fs::write(
        dir.path().join("bin/server"),
        "#!/bin/sh\necho from-cwd\nexit 5\n",
    )
    .unwrap();
    let mut config = config(&["sh", "./bin/server"], Duration::from_secs(5), None);
    config.cwd = dir.path().to_path_buf();
    let err = start("shop", &config, Some(&closed_url()))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StartError::Exited { status, output, .. }
            if status.code() == Some(5) && output.lines() == ["from-cwd"]),
        "{err:?}"
    );

    // The program itself: not executable, then missing.
    config.command = vec!["./bin/server".to_owned()];
    let err = start("shop", &config, Some(&closed_url()))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("is it an executable file?"),
        "{err}"
    );
    config.command = vec!["./bin/missing".to_owned()];
    let err = start("shop", &config, Some(&closed_url()))
        .await
        .unwrap_err();
    assert!(matches!(err, StartError::Spawn { .. }), "{err:?}");
}

#[tokio::test]
async fn the_tail_keeps_the_last_lines() {
    let config = config(
        &[
            "sh",
            "-c",
            "i=0; while [ $i -lt 200 ]; do echo line $i; i=$((i+1)); done; exit 1",
        ],
        Duration::from_secs(5),
        None,
    );
    let err = start("shop", &config, Some(&closed_url()))
        .await
        .unwrap_err();
    let StartError::Exited { output, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(output.lines().len(), TAIL_LINES);
    assert_eq!(output.lines().last().map(String::as_str), Some("line 199"));
    assert_eq!(output.lines()[0], "line 150");
}

#[tokio::test]
async fn commands_are_displayed_as_a_shell_would_show_them() {
    let words = ["cargo", "run", "--", "127.0.0.1:0", "a b", "it's", ""].map(String::from);
    assert_eq!(
        display_command(&words),
        r"cargo run -- 127.0.0.1:0 'a b' 'it'\''s' ''"
    );
}

/// On tokio's paused clock the lines come exactly on the tick, however slow the machine is.
#[tokio::test(start_paused = true)]
async fn a_slow_start_says_every_tick_how_long_it_has_waited() {
    let config = config(
        &["sh", "-c", "echo compiling; exec sleep 30"],
        Duration::from_millis(3500),
        Some("listening on (http://\\S+)"),
    );
    let mut lines = Vec::new();
    let waiting = Waiting {
        every: Duration::from_secs(1),
        say: &mut |line| lines.push(line),
    };
    let tls = intent_runner::TargetClient::default();
    let err = super::start("shop", &config, None, &tls, waiting)
        .await
        .unwrap_err();
    assert!(matches!(err, StartError::Timeout { .. }), "{err:?}");
    assert_eq!(
        lines,
        [1, 2, 3]
            .map(|s| format!("starting shop: building or starting… {s} s (no URL printed yet)"))
    );
}

#[test]
fn a_waiting_line_says_what_is_awaited() {
    let mut progress = Progress::default();
    let waited = Duration::from_millis(12_400);
    assert_eq!(
        waiting_line("shop", &progress, waited),
        "starting shop: building or starting… 12 s (no URL printed yet)"
    );
    progress.url = Some("http://127.0.0.1:4000/health".into());
    assert_eq!(
        waiting_line("shop", &progress, waited),
        "starting shop: waiting for http://127.0.0.1:4000/health… 12 s"
    );
    progress.last_error = Some("GET http://127.0.0.1:4000/health answered 503".into());
    assert_eq!(
        waiting_line("shop", &progress, waited),
        "starting shop: not ready yet… 12 s (GET http://127.0.0.1:4000/health answered 503)"
    );
}
