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

mod output;
mod stop;

pub use output::OutputTail;

use intent_project::StartConfig;
use nix::unistd::Pid;
use output::{Output, drain};
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;
use stop::become_subreaper;
use thiserror::Error;
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

/// How [`start`] says that it is still waiting: every `every`, `say` gets a line such as
/// `starting shop: building or starting… 10 s (no URL printed yet)`, so that a first start
/// that compiles the system for minutes is not silence.
pub struct Waiting<'a> {
    /// The time between two lines (the first comes after `every`).
    pub every: Duration,
    /// Receives each line.
    pub say: &'a mut dyn FnMut(String),
}

impl std::fmt::Debug for Waiting<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Waiting")
            .field("every", &self.every)
            .finish_non_exhaustive()
    }
}

/// What a start is waiting for, as the lines of [`Waiting`] say it.
#[derive(Debug, Default)]
struct Progress {
    /// The URL, once it is known (printed, or the configured one).
    url: Option<String>,
    /// The last readiness probe's problem.
    last_error: Option<String>,
}

/// The line [`Waiting`] gets after `waited` (whole seconds).
fn waiting_line(target: &str, progress: &Progress, waited: Duration) -> String {
    let seconds = waited.as_secs();
    match (&progress.url, &progress.last_error) {
        (None, _) => {
            format!("starting {target}: building or starting… {seconds} s (no URL printed yet)")
        }
        (Some(url), None) => format!("starting {target}: waiting for {url}… {seconds} s"),
        (Some(_), Some(problem)) => {
            format!("starting {target}: not ready yet… {seconds} s ({problem})")
        }
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
/// While it waits, `waiting` gets a line every `waiting.every`. The readiness probe trusts
/// `tls.roots`, sends `tls.identity` and speaks HTTP/2 by prior knowledge when `tls` says so,
/// as the run's requests to the target will.
pub async fn start(
    name: &str,
    config: &StartConfig,
    fallback_url: Option<&str>,
    tls: &intent_runner::TargetClient,
    waiting: Waiting<'_>,
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
    let mut probe = reqwest::Client::builder().no_proxy().timeout(PROBE_TIMEOUT);
    if !tls.roots.is_empty() {
        probe = probe.tls_certs_merge(tls.roots.iter().cloned());
    }
    if let Some(identity) = &tls.identity {
        probe = probe.identity(identity.clone());
    }
    if tls.http2_prior_knowledge {
        probe = probe.http2_prior_knowledge();
    }
    let client = match probe.build() {
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
    let started = Instant::now();
    let deadline = started + config.timeout;
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
    let progress = std::sync::Mutex::new(Progress::default());
    let ready = wait_ready(
        &mut system.child,
        url_rx,
        fallback_url,
        &config.ready,
        &client,
        &progress,
    );
    let Waiting { every, say } = waiting;
    let result = tokio::time::timeout_at(deadline, async {
        tokio::pin!(ready);
        let mut ticks = tokio::time::interval_at(started + every, every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tokio::select! {
                result = &mut ready => break result,
                _ = ticks.tick() => {
                    let line = waiting_line(name, &lock(&progress), started.elapsed());
                    say(line);
                }
            }
        }
    })
    .await;
    let last_error = {
        let progress = lock(&progress);
        let no_answer = progress
            .url
            .as_ref()
            .map(|url| format!("GET {url} got no answer"));
        progress.last_error.clone().or(no_answer)
    };
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

/// The progress, whatever a panicking holder left in it (it only ever holds text).
fn lock(progress: &std::sync::Mutex<Progress>) -> std::sync::MutexGuard<'_, Progress> {
    progress
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Learns the URL and probes it until a 2xx answer; fails as soon as the process exits.
/// Unbounded by itself: the caller puts a deadline on it. `progress` holds the URL once known
/// and the last probe's problem, for the waiting lines and the timeout message.
async fn wait_ready(
    child: &mut Child,
    url_rx: Option<oneshot::Receiver<String>>,
    fallback_url: Option<&str>,
    ready: &str,
    client: &reqwest::Client,
    progress: &std::sync::Mutex<Progress>,
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
    lock(progress).url = Some(probe_url.clone());
    loop {
        tokio::select! {
            status = child.wait() => return Err(exited(status)),
            result = probe(client, &probe_url) => match result {
                Ok(()) => return Ok(url),
                Err(problem) => lock(progress).last_error = Some(problem),
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
mod tests;
