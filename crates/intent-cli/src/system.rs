//! Starting a system under test, waiting until it is ready, and stopping it.
//!
//! [`start`] runs the `[targets.NAME.start]` command of `intent.toml` (see
//! [`intent_project::StartConfig`]) in a new process group, learns its URL (from a line it
//! prints, or the target's configured URL), and polls `GET URL + ready` until it answers 2xx.
//! [`RunningSystem::stop`] stops the whole process group: `SIGTERM`, then `SIGKILL` after a
//! grace period. The same happens when starting fails after the spawn, and (with `SIGKILL`,
//! synchronously) when a [`RunningSystem`] is dropped, e.g. on a panic or when the future
//! running the specs is cancelled on Ctrl-C. Every wait is bounded.
//!
//! The system's standard output and error are read continuously, so it never blocks on a full
//! pipe; their last lines are kept for error messages ([`RunningSystem::output_tail`]).
//!
//! On Linux the calling process becomes a "child subreaper" on the first [`start`], so that the
//! system's own children, orphaned when their parent dies, are re-parented to it and reaped by
//! [`RunningSystem::stop`] rather than left as zombies.
//!
//! Unix only (process groups and signals).

use intent_project::StartConfig;
use nix::errno::Errno;
use nix::sys::signal::{Signal, killpg};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;
use std::collections::VecDeque;
use std::fmt;
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use thiserror::Error;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// How many lines of output (stdout and stderr together) are kept.
pub const TAIL_LINES: usize = 50;
/// Longer lines are cut to this many bytes in the tail.
const MAX_LINE_BYTES: usize = 4096;
/// Pause between two readiness probes.
const POLL_INTERVAL: Duration = Duration::from_millis(100);
/// Time limit of one readiness probe.
const PROBE_TIMEOUT: Duration = Duration::from_secs(1);
/// How long the group gets between `SIGTERM` and `SIGKILL`.
pub const GRACE_PERIOD: Duration = Duration::from_secs(3);
/// How long to wait for the group to disappear after `SIGKILL`.
const KILL_WAIT: Duration = Duration::from_secs(2);
/// How long to wait for the output pipes to close once the group is gone.
const DRAIN_WAIT: Duration = Duration::from_millis(500);
/// When stdout closes before the URL was printed: how long to wait for the exit.
const EXIT_AFTER_EOF_WAIT: Duration = Duration::from_secs(1);
/// How often to look whether the group is gone while stopping it.
const STOP_POLL: Duration = Duration::from_millis(20);

/// A started and ready system under test. Stop it with [`RunningSystem::stop`]; dropping it
/// kills its process group with `SIGKILL`.
#[derive(Debug)]
pub struct RunningSystem {
    target: String,
    command: String,
    url: String,
    child: Child,
    /// The process group: the child's pid (it leads its own group).
    pgid: Pid,
    output: Output,
    drains: Vec<JoinHandle<()>>,
    /// Set once the group was stopped and reaped: nothing left to do on drop.
    stopped: bool,
}

/// Why a system under test could not be started or did not become ready. Every message names
/// the target and the command.
#[derive(Debug, Error)]
pub enum StartError {
    /// There is no way to learn the system's URL: no `url_from_output` in the `start` table and
    /// no URL for the target. Nothing was started.
    #[error(
        "cannot start target `{target}` (`{command}`): its URL is unknown; set `url_from_output` in [targets.{target}.start] (a regex matching the line where it prints its URL) or `url` in [targets.{target}]"
    )]
    NoUrl {
        /// The target.
        target: String,
        /// The command, as a shell would show it.
        command: String,
    },
    /// The working directory of the command does not exist. Nothing was started.
    #[error(
        "cannot start target `{target}` (`{command}`): its working directory {} does not exist",
        cwd.display()
    )]
    MissingCwd {
        /// The target.
        target: String,
        /// The command, as a shell would show it.
        command: String,
        /// The missing folder.
        cwd: PathBuf,
    },
    /// The command could not be spawned: the program is not found or not executable.
    #[error(
        "cannot start target `{target}` with `{command}`: cannot run `{program}`: {source}{}",
        spawn_hint(source)
    )]
    Spawn {
        /// The target.
        target: String,
        /// The command, as a shell would show it.
        command: String,
        /// The program (the first word of the command).
        program: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The HTTP client for the readiness probe could not be created. Nothing was started.
    #[error("cannot start target `{target}` (`{command}`): cannot create an HTTP client: {source}")]
    HttpClient {
        /// The target.
        target: String,
        /// The command, as a shell would show it.
        command: String,
        /// The client's error.
        source: reqwest::Error,
    },
    /// The process exited before it was ready (a crash, a bad argument, a port in use).
    #[error("target `{target}`: `{command}` exited before it was ready ({status}){output}")]
    Exited {
        /// The target.
        target: String,
        /// The command, as a shell would show it.
        command: String,
        /// How it exited.
        status: ExitStatus,
        /// The last lines it printed.
        output: OutputTail,
    },
    /// The process closed its standard output without printing a line matching
    /// `url_from_output`, so its URL is unknown. The process group was stopped.
    #[error(
        "target `{target}`: `{command}` closed its standard output without printing a line matching `{pattern}` (url_from_output), so its URL is unknown{output}"
    )]
    UrlNotPrinted {
        /// The target.
        target: String,
        /// The command, as a shell would show it.
        command: String,
        /// The `url_from_output` regex.
        pattern: String,
        /// The last lines it printed.
        output: OutputTail,
    },
    /// The system did not print its URL, or did not answer the readiness probe with a 2xx, within
    /// the `timeout`. The process group was stopped.
    #[error(
        "target `{target}`: `{command}` was not ready within {timeout:?}: {last_error}{output}"
    )]
    Timeout {
        /// The target.
        target: String,
        /// The command, as a shell would show it.
        command: String,
        /// The configured `timeout`.
        timeout: Duration,
        /// What was still missing: the URL line, or the last probe's error or status.
        last_error: String,
        /// The last lines it printed.
        output: OutputTail,
    },
    /// Waiting for the process failed (an operating system error). The process group was
    /// stopped.
    #[error("target `{target}`: cannot wait for `{command}`: {source}{output}")]
    Wait {
        /// The target.
        target: String,
        /// The command, as a shell would show it.
        command: String,
        /// What the operating system said.
        source: std::io::Error,
        /// The last lines it printed.
        output: OutputTail,
    },
}

fn spawn_hint(source: &std::io::Error) -> &'static str {
    match source.kind() {
        std::io::ErrorKind::NotFound => "; is it installed and on PATH?",
        std::io::ErrorKind::PermissionDenied => "; is it an executable file?",
        _ => "",
    }
}

/// The last lines a system printed (stdout and stderr interleaved, oldest first). Displayed as
/// an indented block after a newline, or as nothing when there are no lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutputTail(Vec<String>);

impl OutputTail {
    /// The lines, oldest first.
    pub fn lines(&self) -> &[String] {
        &self.0
    }
}

impl fmt::Display for OutputTail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("\n  (it printed nothing)");
        }
        f.write_str("\n  its last output:")?;
        for line in &self.0 {
            write!(f, "\n  | {line}")?;
        }
        Ok(())
    }
}

/// The shared, bounded tail of the output.
#[derive(Debug, Clone, Default)]
struct Output(Arc<Mutex<VecDeque<String>>>);

impl Output {
    fn push(&self, line: String) {
        let mut lines = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if lines.len() == TAIL_LINES {
            lines.pop_front();
        }
        lines.push_back(line);
    }

    fn snapshot(&self) -> OutputTail {
        let lines = self.0.lock().unwrap_or_else(|e| e.into_inner());
        OutputTail(lines.iter().cloned().collect())
    }
}

/// Why waiting for readiness failed (turned into a [`StartError`] once the group is stopped and
/// the output collected).
enum Failure {
    Exited(ExitStatus),
    UrlNotPrinted,
    Timeout,
    Wait(std::io::Error),
}

/// Starts the system under test of target `name` and waits until it is ready.
///
/// Its URL is group 1 of the first stdout line matching `config.url_from_output`, or else
/// `fallback_url` (the target's configured URL). On success the system keeps running until
/// [`RunningSystem::stop`] (or drop); on failure its whole process group has been stopped.
pub async fn start(
    name: &str,
    config: &StartConfig,
    fallback_url: Option<&str>,
) -> Result<RunningSystem, StartError> {
    let command = display_command(&config.command);
    let target = name.to_owned();
    if config.url_from_output.is_none() && fallback_url.is_none() {
        return Err(StartError::NoUrl { target, command });
    }
    if !config.cwd.is_dir() {
        return Err(StartError::MissingCwd {
            target,
            command,
            cwd: config.cwd.clone(),
        });
    }
    let client = match reqwest::Client::builder()
        .no_proxy()
        .timeout(PROBE_TIMEOUT)
        .build()
    {
        Ok(client) => client,
        Err(source) => {
            return Err(StartError::HttpClient {
                target,
                command,
                source,
            });
        }
    };
    become_subreaper();

    let program = config.command.first().cloned().unwrap_or_default();
    let deadline = Instant::now() + config.timeout;
    // A relative program path with a `/` (`./target/debug/shop`) is relative to `cwd`, like
    // every other path of the start table; a bare name is looked up on PATH.
    let program_path = if program.contains('/') {
        config.cwd.join(&program)
    } else {
        PathBuf::from(&program)
    };
    let mut cmd = Command::new(&program_path);
    cmd.args(config.command.iter().skip(1))
        .current_dir(&config.cwd)
        .envs(&config.env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .process_group(0);
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(source) => {
            return Err(StartError::Spawn {
                target,
                command,
                program,
                source,
            });
        }
    };
    let Some(pgid) = child
        .id()
        .and_then(|id| i32::try_from(id).ok())
        .map(Pid::from_raw)
    else {
        // Only possible if the child was already reaped, which nothing here has done.
        return Err(StartError::Wait {
            target,
            command,
            source: std::io::Error::other("the started process has no pid"),
            output: OutputTail::default(),
        });
    };

    let output = Output::default();
    let (url_tx, url_rx) = match &config.url_from_output {
        Some(regex) => {
            let (tx, rx) = oneshot::channel();
            (Some((regex.clone(), tx)), Some(rx))
        }
        None => (None, None),
    };
    let mut drains = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        drains.push(tokio::spawn(drain(stdout, output.clone(), url_tx)));
    }
    if let Some(stderr) = child.stderr.take() {
        drains.push(tokio::spawn(drain(stderr, output.clone(), None)));
    }

    // From here on, dropping `system` (the start future cancelled) kills the group.
    let mut system = RunningSystem {
        target,
        command,
        url: String::new(),
        child,
        pgid,
        output,
        drains,
        stopped: false,
    };
    let mut last_error = None;
    let result = tokio::time::timeout_at(
        deadline,
        wait_ready(
            &mut system.child,
            url_rx,
            fallback_url,
            &config.ready,
            &client,
            &mut last_error,
        ),
    )
    .await;
    let failure = match result {
        Ok(Ok(url)) => {
            system.url = url;
            return Ok(system);
        }
        Ok(Err(failure)) => failure,
        Err(_elapsed) => Failure::Timeout,
    };

    system.shutdown().await;
    let output = system.output.snapshot();
    let target = std::mem::take(&mut system.target);
    let command = std::mem::take(&mut system.command);
    Err(match failure {
        Failure::Exited(status) => StartError::Exited {
            target,
            command,
            status,
            output,
        },
        Failure::UrlNotPrinted => StartError::UrlNotPrinted {
            target,
            command,
            pattern: pattern_text(config),
            output,
        },
        Failure::Timeout => StartError::Timeout {
            target,
            command,
            timeout: config.timeout,
            last_error: last_error.unwrap_or_else(|| match &config.url_from_output {
                Some(_) => format!(
                    "no line of its standard output matched `{}` (url_from_output)",
                    pattern_text(config)
                ),
                None => "the readiness probe was not sent".to_owned(),
            }),
            output,
        },
        Failure::Wait(source) => StartError::Wait {
            target,
            command,
            source,
            output,
        },
    })
}

fn pattern_text(config: &StartConfig) -> String {
    config
        .url_from_output
        .as_ref()
        .map(|r| r.as_str().to_owned())
        .unwrap_or_default()
}

/// Learns the URL and probes it until a 2xx answer; fails as soon as the process exits.
/// Unbounded by itself: the caller puts a deadline on it. `last_error` holds the last probe's
/// problem, for the timeout message.
async fn wait_ready(
    child: &mut Child,
    url_rx: Option<oneshot::Receiver<String>>,
    fallback_url: Option<&str>,
    ready: &str,
    client: &reqwest::Client,
    last_error: &mut Option<String>,
) -> Result<String, Failure> {
    let url = match url_rx {
        Some(rx) => tokio::select! {
            status = child.wait() => return Err(exited(status)),
            url = rx => match url {
                Ok(url) => url,
                // Stdout closed without the line: most likely the process is exiting.
                Err(_) => {
                    return match tokio::time::timeout(EXIT_AFTER_EOF_WAIT, child.wait()).await {
                        Ok(status) => Err(exited(status)),
                        Err(_) => Err(Failure::UrlNotPrinted),
                    };
                }
            },
        },
        None => fallback_url.unwrap_or_default().to_owned(),
    };
    let url = url.trim_end_matches('/').to_owned();
    let probe_url = format!("{url}{ready}");
    *last_error = Some(format!("GET {probe_url} got no answer"));
    loop {
        tokio::select! {
            status = child.wait() => return Err(exited(status)),
            result = probe(client, &probe_url) => match result {
                Ok(()) => return Ok(url),
                Err(problem) => *last_error = Some(problem),
            },
        }
        tokio::select! {
            status = child.wait() => return Err(exited(status)),
            () = tokio::time::sleep(POLL_INTERVAL) => {}
        }
    }
}

fn exited(status: std::io::Result<ExitStatus>) -> Failure {
    match status {
        Ok(status) => Failure::Exited(status),
        Err(e) => Failure::Wait(e),
    }
}

/// One readiness probe: `Ok` on a 2xx answer, else what went wrong.
async fn probe(client: &reqwest::Client, url: &str) -> Result<(), String> {
    match client.get(url).send().await {
        Ok(response) if response.status().is_success() => Ok(()),
        Ok(response) => Err(format!("GET {url} answered {}", response.status())),
        Err(e) => Err(format!("GET {url} failed: {}", error_chain(&e))),
    }
}

/// An error and its sources, joined with ": " (without repeating a source the message already
/// contains).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let part = e.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = e.source();
    }
    text
}

/// Reads `reader` to its end, line by line, into the tail; the first line matching the regex
/// sends its group 1 (the URL). Lines longer than [`MAX_LINE_BYTES`] are cut, so memory stays
/// bounded whatever the system prints.
async fn drain<R: AsyncRead + Unpin>(
    reader: R,
    output: Output,
    mut url: Option<(regex::Regex, oneshot::Sender<String>)>,
) {
    let mut reader = BufReader::new(reader);
    let mut line = Vec::new();
    let mut cut = false;
    loop {
        let buffer = match reader.fill_buf().await {
            Ok([]) | Err(_) => break,
            Ok(buffer) => buffer,
        };
        let (chunk, consumed, complete) = match buffer.iter().position(|&b| b == b'\n') {
            Some(i) => (&buffer[..i], i + 1, true),
            None => (buffer, buffer.len(), false),
        };
        let room = MAX_LINE_BYTES.saturating_sub(line.len());
        cut |= chunk.len() > room;
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        reader.consume(consumed);
        if complete {
            finish_line(&mut line, &mut cut, &output, &mut url);
        }
    }
    if !line.is_empty() {
        finish_line(&mut line, &mut cut, &output, &mut url);
    }
}

fn finish_line(
    line: &mut Vec<u8>,
    cut: &mut bool,
    output: &Output,
    url: &mut Option<(regex::Regex, oneshot::Sender<String>)>,
) {
    let mut text = String::from_utf8_lossy(line)
        .trim_end_matches('\r')
        .to_owned();
    line.clear();
    let found = url.as_ref().and_then(|(regex, _)| {
        let group = regex.captures(&text)?.get(1)?;
        Some(group.as_str().to_owned())
    });
    if let Some(found) = found {
        if let Some((_, tx)) = url.take() {
            let _ = tx.send(found);
        }
    }
    if std::mem::take(cut) {
        text.push_str(" [...]");
    }
    output.push(text);
}

impl RunningSystem {
    /// The URL the system answers on (without a trailing `/`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The name of the target it serves.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The pid of the started command, which is also its process group id.
    pub fn pid(&self) -> u32 {
        self.pgid.as_raw().unsigned_abs()
    }

    /// The last lines it printed so far (stdout and stderr interleaved).
    pub fn output_tail(&self) -> OutputTail {
        self.output.snapshot()
    }

    /// Stops the whole process group: `SIGTERM`, then `SIGKILL` if anything is still alive
    /// after [`GRACE_PERIOD`]; reaps the processes. Bounded: returns within a few seconds.
    pub async fn stop(mut self) {
        self.shutdown().await;
    }

    async fn shutdown(&mut self) {
        if self.stopped {
            return;
        }
        let _ = killpg(self.pgid, Signal::SIGTERM);
        if !self.wait_group_gone(GRACE_PERIOD).await {
            let _ = killpg(self.pgid, Signal::SIGKILL);
            let _ = self.child.start_kill();
            self.wait_group_gone(KILL_WAIT).await;
        }
        self.stopped = true;
        // The pipes close when the last process holding them is gone.
        let deadline = Instant::now() + DRAIN_WAIT;
        for drain in &mut self.drains {
            if tokio::time::timeout_at(deadline, &mut *drain)
                .await
                .is_err()
            {
                drain.abort();
            }
        }
    }

    /// Reaps the child and the group's orphans until no process of the group is left (true) or
    /// `limit` has passed (false).
    async fn wait_group_gone(&mut self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            // Reap the leader first, then (only then, so as not to steal its status from tokio)
            // the orphans of the group that were re-parented to this process.
            let leader_reaped = !matches!(self.child.try_wait(), Ok(None));
            if leader_reaped {
                reap_orphans(self.pgid);
            }
            if leader_reaped && killpg(self.pgid, None) == Err(Errno::ESRCH) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(STOP_POLL).await;
        }
    }
}

impl Drop for RunningSystem {
    /// Best effort, synchronous: `SIGKILL` to the whole group, no grace period. When a tokio
    /// runtime is still there (the future owning the system was cancelled), a task reaps the
    /// killed processes; the child itself is reaped by tokio (`kill_on_drop`).
    fn drop(&mut self) {
        for drain in &self.drains {
            drain.abort();
        }
        if self.stopped {
            return;
        }
        self.stopped = true;
        let _ = killpg(self.pgid, Signal::SIGKILL);
        let _ = self.child.start_kill();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let pgid = self.pgid;
            runtime.spawn(async move {
                let deadline = Instant::now() + KILL_WAIT;
                // Reaping the leader here as well is harmless: tokio forgets a child that
                // another waiter reaped.
                while Instant::now() < deadline {
                    reap_orphans(pgid);
                    if killpg(pgid, None) == Err(Errno::ESRCH) {
                        break;
                    }
                    tokio::time::sleep(STOP_POLL).await;
                }
            });
        }
    }
}

/// Reaps, without blocking, every exited child of this process in group `pgid`.
fn reap_orphans(pgid: Pid) {
    let group = Pid::from_raw(-pgid.as_raw());
    // Bounded: each iteration reaps one process, and a group has finitely many.
    for _ in 0..10_000 {
        match waitpid(group, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// Makes this process the reaper of its orphaned descendants (Linux), so the children a system
/// leaves behind are reaped by [`RunningSystem::stop`] rather than left as zombies.
fn become_subreaper() {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            let _ = nix::sys::prctl::set_child_subreaper(true);
        });
    }
}

/// The command as a shell would show it: arguments with special characters single-quoted.
fn display_command(command: &[String]) -> String {
    let mut text = String::new();
    for (i, word) in command.iter().enumerate() {
        if i > 0 {
            text.push(' ');
        }
        let plain = !word.is_empty()
            && word
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c));
        if plain {
            text.push_str(word);
        } else {
            text.push('\'');
            text.push_str(&word.replace('\'', r"'\''"));
            text.push('\'');
        }
    }
    text
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use nix::sys::signal::kill;
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
}
