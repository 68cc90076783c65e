//! `intent.toml`: the project file.
//!
//! The folder holding `intent.toml` is the project root. The file says where the specs are, and
//! per target where it runs and, optionally, how to start it for a test run:
//!
//! ```toml
//! # Spec paths, relative to this file, used when `intent run`/`intent check` get no PATH.
//! specs = ["examples/shop/specs"]
//!
//! [targets.shop]
//! url = "http://127.0.0.1:8080"                 # optional: overrides the spec's target URL
//! environments = { staging = "https://staging.example.com" }   # chosen with --env NAME
//! ca = "certs/ca.pem"                           # optional: CA certificates trusted besides the system's
//! cert = "certs/client.pem"                     # optional, with `key`: a client certificate (mutual TLS)
//! key = "certs/client-key.pem"
//! http2_prior_knowledge = false                 # optional: HTTP/2 without negotiation (h2c)
//!
//! [targets.shop.start]                          # optional: how to start the system under test
//! command = ["cargo", "run", "--quiet", "-p", "intent-example-shop", "--", "127.0.0.1:0"]
//! cwd = "."                                     # relative to intent.toml; default: its folder
//! ready = "/health"                             # HTTP path polled until it answers 2xx
//! timeout = "180s"                              # how long start + readiness may take
//! url_from_output = 'listening on (http://\S+)' # regex with one group: the URL printed on stdout
//! env = { RUST_LOG = "warn" }                   # extra environment variables
//!
//! [audit]                                       # optional: `intent audit`
//! requirement_prefix = "req:"                   # a tag @req:SHOP-12 names requirement SHOP-12
//! stale_after = "7d"                            # a passing result older than this is stale
//! requirements = "requirements.csv"             # the requirements list (id,title), when none is named
//! ```
//!
//! Every key is optional except `start.command`; unknown keys are errors, so a typo never
//! silently does nothing. Defaults: `specs = []`, `ready = "/"`, `timeout = "60s"`, `cwd` the
//! folder of `intent.toml`, `requirement_prefix = "req:"`, `stale_after = "7d"`. Durations are
//! a number and a unit: `ms`, `s`, `m`, `h` or `d` (`"500ms"`, `"1.5s"`, `"2m"`, `"7d"`). `url_from_output` must have exactly one capture group.
//!
//! See `docs/configuration.md` for how these URLs combine with `--target` and `--env`.

use crate::absolute;
use intent_source::normalise;
use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use thiserror::Error;

/// The name of the project file.
pub const FILE_NAME: &str = "intent.toml";

/// How long start + readiness may take when `timeout` is not given.
pub const DEFAULT_START_TIMEOUT: Duration = Duration::from_secs(60);

/// The tag prefix that names a requirement when `[audit] requirement_prefix` is not given: a
/// tag `@req:SHOP-12` says the item verifies requirement `SHOP-12`. The grammar allows `:` in
/// tags, and `req:` reads as what it is.
pub const DEFAULT_REQUIREMENT_PREFIX: &str = "req:";

/// How old a passing result may be before `intent audit` calls it stale, when
/// `[audit] stale_after` is not given: a week, so a weekly scheduled run keeps a project fresh.
pub const DEFAULT_STALE_AFTER: Duration = Duration::from_secs(7 * 24 * 3600);

/// A loaded `intent.toml`, with every path resolved against its folder.
#[derive(Debug, Clone)]
pub struct Config {
    /// The folder holding `intent.toml` (absolute).
    pub root: PathBuf,
    /// The spec files or folders to use when the command line names none (absolute).
    pub specs: Vec<PathBuf>,
    /// The `[targets.NAME]` tables, by target name.
    pub targets: BTreeMap<String, TargetConfig>,
    /// The `[audit]` table, with its defaults when there is none.
    pub audit: AuditConfig,
}

/// The `[audit]` table: how `intent audit` recognises requirements and judges results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditConfig {
    /// The tag prefix that names a requirement (`req:` in `@req:SHOP-12`); never empty.
    pub requirement_prefix: String,
    /// How old a passing result may be before it is stale.
    pub stale_after: Duration,
    /// The requirements list (CSV with the header `id,title`) used when the command line
    /// names none (absolute).
    pub requirements: Option<PathBuf>,
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig {
            requirement_prefix: DEFAULT_REQUIREMENT_PREFIX.to_owned(),
            stale_after: DEFAULT_STALE_AFTER,
            requirements: None,
        }
    }
}

/// One `[targets.NAME]` table.
#[derive(Debug, Clone, Default)]
pub struct TargetConfig {
    /// `url`: overrides the URL expression of the spec's target.
    pub url: Option<String>,
    /// `environments`: environment name → URL, chosen with `--env NAME`.
    pub environments: BTreeMap<String, String>,
    /// `[targets.NAME.start]`: how to start the system under test.
    pub start: Option<StartConfig>,
    /// `ca`: a PEM file of CA certificates trusted for this target besides the system's roots
    /// (absolute).
    pub ca: Option<PathBuf>,
    /// `cert` and `key`: the client certificate this target asks for (mutual TLS).
    pub identity: Option<ClientIdentity>,
    /// `http2_prior_knowledge`: speak HTTP/2 from the first byte, without negotiating it (h2c
    /// on `http://`, a server known to speak only HTTP/2 on `https://`).
    pub http2_prior_knowledge: bool,
}

/// A client certificate and its private key, both PEM files (absolute paths).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIdentity {
    /// `cert`: the certificate chain, the client's own certificate first.
    pub cert: PathBuf,
    /// `key`: the private key of that certificate (PKCS #8, PKCS #1 or SEC1).
    pub key: PathBuf,
}

/// One `[targets.NAME.start]` table: how to start a system under test and know it is ready.
#[derive(Debug, Clone)]
pub struct StartConfig {
    /// The program and its arguments (never empty; no shell is involved).
    pub command: Vec<String>,
    /// The working directory of the command (absolute).
    pub cwd: PathBuf,
    /// The HTTP path polled until it answers 2xx, starting with `/`.
    pub ready: String,
    /// How long starting and becoming ready may take together, from the spawn.
    pub timeout: Duration,
    /// A regex whose group 1 is the URL the system prints on its standard output.
    pub url_from_output: Option<Regex>,
    /// Extra environment variables for the command (added to the inherited environment).
    pub env: BTreeMap<String, String>,
}

/// Why `intent.toml` could not be used.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// The file could not be read (missing, a folder, no permission, not UTF-8).
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file is not valid TOML.
    #[error("{}:{line}:{column}: invalid TOML: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column (in characters) of the error.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// The file is valid TOML but does not have the expected shape: an unknown key (a typo), a
    /// missing `command`, a value of the wrong type.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Schema {
        /// The file.
        path: PathBuf,
        /// 1-based line of the offending key or value (1 when unknown).
        line: usize,
        /// 1-based column of the offending key or value (1 when unknown).
        column: usize,
        /// What is wrong, e.g. "unknown field `comand`, expected one of ...".
        message: String,
    },
    /// `start.command` is empty or its program is an empty string.
    #[error(
        "{}: target `{target}`: `start.command` is empty; give the program and its arguments, e.g. [\"cargo\", \"run\"]",
        path.display()
    )]
    EmptyCommand {
        /// The file.
        path: PathBuf,
        /// The target whose `start` table it is.
        target: String,
    },
    /// `start.timeout` is not a duration such as `"500ms"`, `"30s"` or `"2m"`.
    #[error(
        "{}: target `{target}`: `start.timeout = {text:?}` is not a duration: {reason} (write e.g. \"500ms\", \"30s\", \"2m\")",
        path.display()
    )]
    BadDuration {
        /// The file.
        path: PathBuf,
        /// The target whose `start` table it is.
        target: String,
        /// The text as written.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `start.ready` is not an absolute HTTP path.
    #[error(
        "{}: target `{target}`: `start.ready = {ready:?}` must be an HTTP path starting with `/`, e.g. \"/health\"",
        path.display()
    )]
    BadReadyPath {
        /// The file.
        path: PathBuf,
        /// The target whose `start` table it is.
        target: String,
        /// The path as written.
        ready: String,
    },
    /// Only one of `cert` and `key` is given: a client certificate needs both.
    #[error(
        "{}: target `{target}`: `{given}` is set but `{missing}` is not; mutual TLS needs both the client certificate (`cert`) and its private key (`key`), as PEM files",
        path.display()
    )]
    HalfIdentity {
        /// The file.
        path: PathBuf,
        /// The target.
        target: String,
        /// The key that is there.
        given: &'static str,
        /// The key that is missing.
        missing: &'static str,
    },
    /// `start.url_from_output` is not a valid regex.
    #[error("{}: target `{target}`: `start.url_from_output` is not a valid regex: {source}", path.display())]
    InvalidRegex {
        /// The file.
        path: PathBuf,
        /// The target whose `start` table it is.
        target: String,
        /// The regex engine's error (it quotes the pattern).
        source: Box<regex::Error>,
    },
    /// `[audit] requirement_prefix` is empty: every tag would name a requirement.
    #[error(
        "{}: `[audit] requirement_prefix` is empty; give the prefix of requirement tags, e.g. \"req:\" for @req:SHOP-12",
        path.display()
    )]
    EmptyPrefix {
        /// The file.
        path: PathBuf,
    },
    /// `[audit] stale_after` is not a duration.
    #[error(
        "{}: `[audit] stale_after = {text:?}` is not a duration: {reason} (write e.g. \"12h\", \"7d\")",
        path.display()
    )]
    BadStaleAfter {
        /// The file.
        path: PathBuf,
        /// The text as written.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `start.url_from_output` does not have exactly one capture group (the URL).
    #[error(
        "{}: target `{target}`: `start.url_from_output = {pattern:?}` has {groups} capture groups; it needs exactly one, around the URL, e.g. 'listening on (http://\\S+)' (use (?:...) for other groups)",
        path.display()
    )]
    RegexGroups {
        /// The file.
        path: PathBuf,
        /// The target whose `start` table it is.
        target: String,
        /// The pattern as written.
        pattern: String,
        /// How many capture groups it has.
        groups: usize,
    },
}

/// The nearest `intent.toml` in `start` or one of its ancestors. `start` may be a file or a
/// folder, relative (to the current directory) or absolute.
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = absolute(start);
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// Reads, parses and validates the project file at `path`.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let path = absolute(path);
    let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
        path: path.clone(),
        source,
    })?;
    let root = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("/"));
    parse(&text, &path, &root)
}

/// Parses the text of a project file; `path` is for messages, `root` resolves relative paths.
fn parse(text: &str, path: &Path, root: &Path) -> Result<Config, ConfigError> {
    // Syntax first, so a broken file is reported as such rather than as a shape error.
    if let Err(e) = toml::from_str::<toml::Table>(text) {
        let (line, column) = line_column(text, e.span().map_or(0, |s| s.start));
        return Err(ConfigError::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            message: e.message().trim().to_owned(),
        });
    }
    let raw: RawProject = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_column(text, s.start));
        ConfigError::Schema {
            path: path.to_path_buf(),
            line,
            column,
            message: e.message().trim().to_owned(),
        }
    })?;

    let specs = raw.specs.iter().map(|s| resolve(root, s)).collect();
    let mut targets = BTreeMap::new();
    for (name, raw_target) in raw.targets {
        let start = match raw_target.start {
            Some(raw_start) => Some(start_config(raw_start, &name, path, root)?),
            None => None,
        };
        let identity = match (raw_target.cert, raw_target.key) {
            (Some(cert), Some(key)) => Some(ClientIdentity {
                cert: resolve(root, &cert),
                key: resolve(root, &key),
            }),
            (None, None) => None,
            (cert, _) => {
                let (given, missing) = if cert.is_some() {
                    ("cert", "key")
                } else {
                    ("key", "cert")
                };
                return Err(ConfigError::HalfIdentity {
                    path: path.to_path_buf(),
                    target: name,
                    given,
                    missing,
                });
            }
        };
        targets.insert(
            name,
            TargetConfig {
                url: raw_target.url,
                environments: raw_target.environments,
                start,
                ca: raw_target.ca.map(|ca| resolve(root, &ca)),
                identity,
                http2_prior_knowledge: raw_target.http2_prior_knowledge,
            },
        );
    }
    Ok(Config {
        root: root.to_path_buf(),
        specs,
        targets,
        audit: audit_config(raw.audit, path, root)?,
    })
}

fn audit_config(raw: RawAudit, path: &Path, root: &Path) -> Result<AuditConfig, ConfigError> {
    let defaults = AuditConfig::default();
    let requirement_prefix = raw
        .requirement_prefix
        .unwrap_or(defaults.requirement_prefix);
    if requirement_prefix.is_empty() {
        return Err(ConfigError::EmptyPrefix {
            path: path.to_path_buf(),
        });
    }
    let stale_after = match raw.stale_after {
        None => defaults.stale_after,
        Some(text) => parse_duration(&text).map_err(|reason| ConfigError::BadStaleAfter {
            path: path.to_path_buf(),
            text,
            reason,
        })?,
    };
    Ok(AuditConfig {
        requirement_prefix,
        stale_after,
        requirements: raw.requirements.map(|r| resolve(root, &r)),
    })
}

fn start_config(
    raw: RawStart,
    target: &str,
    path: &Path,
    root: &Path,
) -> Result<StartConfig, ConfigError> {
    if raw.command.first().is_none_or(|program| program.is_empty()) {
        return Err(ConfigError::EmptyCommand {
            path: path.to_path_buf(),
            target: target.to_owned(),
        });
    }
    let ready = raw.ready.unwrap_or_else(|| "/".to_owned());
    if !ready.starts_with('/') {
        return Err(ConfigError::BadReadyPath {
            path: path.to_path_buf(),
            target: target.to_owned(),
            ready,
        });
    }
    let timeout = match raw.timeout {
        None => DEFAULT_START_TIMEOUT,
        Some(text) => parse_duration(&text).map_err(|reason| ConfigError::BadDuration {
            path: path.to_path_buf(),
            target: target.to_owned(),
            text,
            reason,
        })?,
    };
    let url_from_output = match raw.url_from_output {
        None => None,
        Some(pattern) => {
            let regex = Regex::new(&pattern).map_err(|source| ConfigError::InvalidRegex {
                path: path.to_path_buf(),
                target: target.to_owned(),
                source: Box::new(source),
            })?;
            // `captures_len` counts the implicit group 0 (the whole match).
            let groups = regex.captures_len() - 1;
            if groups != 1 {
                return Err(ConfigError::RegexGroups {
                    path: path.to_path_buf(),
                    target: target.to_owned(),
                    pattern,
                    groups,
                });
            }
            Some(regex)
        }
    };
    Ok(StartConfig {
        command: raw.command,
        cwd: raw
            .cwd
            .map_or_else(|| root.to_path_buf(), |cwd| resolve(root, &cwd)),
        ready,
        timeout,
        url_from_output,
        env: raw.env,
    })
}

/// Parses `"500ms"`, `"30s"`, `"1.5s"`, `"2m"`, `"1h"`, `"7d"`: a non-negative decimal number
/// and a unit. The error says what is wrong.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    if number.is_empty() {
        return Err("it does not start with a number".to_owned());
    }
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{number}` is not a number"))?;
    let seconds_per_unit = match unit.trim() {
        "ms" => 0.001,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        "" => return Err("the unit is missing (ms, s, m, h or d)".to_owned()),
        other => return Err(format!("unknown unit `{other}` (use ms, s, m, h or d)")),
    };
    let duration = Duration::try_from_secs_f64(value * seconds_per_unit)
        .map_err(|_| "it is too large".to_owned())?;
    if duration.is_zero() {
        return Err("it must be greater than zero".to_owned());
    }
    Ok(duration)
}

/// `root.join(path)`, lexically normalised (an absolute `path` stays where it points).
fn resolve(root: &Path, path: &str) -> PathBuf {
    normalise(&root.join(path))
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProject {
    #[serde(default)]
    specs: Vec<String>,
    #[serde(default)]
    targets: BTreeMap<String, RawTarget>,
    #[serde(default)]
    audit: RawAudit,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAudit {
    requirement_prefix: Option<String>,
    stale_after: Option<String>,
    requirements: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    url: Option<String>,
    #[serde(default)]
    environments: BTreeMap<String, String>,
    start: Option<RawStart>,
    ca: Option<String>,
    cert: Option<String>,
    key: Option<String>,
    #[serde(default)]
    http2_prior_knowledge: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStart {
    command: Vec<String>,
    cwd: Option<String>,
    ready: Option<String>,
    timeout: Option<String>,
    url_from_output: Option<String>,
    #[serde(default)]
    env: BTreeMap<String, String>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const FULL: &str = r#"
# Spec paths, relative to this file.
specs = ["examples/shop/specs", "./more"]

[targets.shop]
url = "http://127.0.0.1:8080"
environments = { staging = "https://staging.example.com", prod = "https://shop.example.com" }

[targets.shop.start]
command = ["cargo", "run", "--quiet", "-p", "intent-example-shop", "--", "127.0.0.1:0"]
cwd = "services/shop"
ready = "/health"
timeout = "180s"
url_from_output = 'listening on (http://\S+)'
env = { RUST_LOG = "warn" }

[targets.search]
url = "http://127.0.0.1:9090"
"#;

    /// Writes `text` as `intent.toml` in a fresh folder and loads it.
    fn load_text(text: &str) -> (tempfile::TempDir, Result<Config, ConfigError>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, text).unwrap();
        let project = load(&path);
        (dir, project)
    }

    fn load_err(text: &str) -> ConfigError {
        match load_text(text).1 {
            Ok(project) => panic!("expected an error, got {project:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn a_full_file_parses_and_resolves_paths_against_its_folder() {
        let (dir, project) = load_text(FULL);
        let project = project.unwrap();
        let root = absolute(dir.path());
        assert_eq!(project.root, root);
        assert_eq!(
            project.specs,
            vec![root.join("examples/shop/specs"), root.join("more")]
        );
        assert_eq!(
            project.targets.keys().collect::<Vec<_>>(),
            ["search", "shop"]
        );

        let shop = &project.targets["shop"];
        assert_eq!(shop.url.as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(shop.environments["staging"], "https://staging.example.com");
        let start = shop.start.as_ref().unwrap();
        assert_eq!(start.command[0], "cargo");
        assert_eq!(start.command.len(), 7);
        assert_eq!(start.cwd, root.join("services/shop"));
        assert_eq!(resolve(&root.join("a/b"), "../c/./d"), root.join("a/c/d"));
        assert_eq!(start.ready, "/health");
        assert_eq!(start.timeout, Duration::from_secs(180));
        let regex = start.url_from_output.as_ref().unwrap();
        let caps = regex
            .captures("shop: listening on http://127.0.0.1:4321")
            .unwrap();
        assert_eq!(&caps[1], "http://127.0.0.1:4321");
        assert_eq!(start.env["RUST_LOG"], "warn");

        let search = &project.targets["search"];
        assert!(search.start.is_none());
        assert!(search.environments.is_empty());
    }

    #[test]
    fn tls_and_http2_settings_resolve_against_the_folder() {
        let text = "[targets.api]\nca = \"certs/ca.pem\"\ncert = \"certs/c.pem\"\nkey = \"/k.pem\"\nhttp2_prior_knowledge = true\n[targets.plain]\n";
        let (dir, project) = load_text(text);
        let project = project.unwrap();
        let root = absolute(dir.path());
        let api = &project.targets["api"];
        assert_eq!(api.ca, Some(root.join("certs/ca.pem")));
        assert_eq!(
            api.identity,
            Some(ClientIdentity {
                cert: root.join("certs/c.pem"),
                key: PathBuf::from("/k.pem"),
            })
        );
        assert!(api.http2_prior_knowledge);
        let plain = &project.targets["plain"];
        assert_eq!((&plain.ca, &plain.identity), (&None, &None));
        assert!(!plain.http2_prior_knowledge);

        let message = load_err("[targets.api]\nkey = \"k.pem\"\n").to_string();
        assert!(
            message.ends_with("target `api`: `key` is set but `cert` is not; mutual TLS needs both the client certificate (`cert`) and its private key (`key`), as PEM files"),
            "{message}"
        );
    }

    #[test]
    fn start_defaults_and_an_empty_file() {
        let (dir, project) = load_text("[targets.a.start]\ncommand = [\"x\"]\n");
        let project = project.unwrap();
        let start = project.targets["a"].start.as_ref().unwrap();
        assert_eq!(start.cwd, absolute(dir.path()));
        assert_eq!(start.ready, "/");
        assert_eq!(start.timeout, DEFAULT_START_TIMEOUT);
        assert!(start.url_from_output.is_none());
        assert!(start.env.is_empty());

        let (_dir, project) = load_text("");
        let project = project.unwrap();
        assert!(project.specs.is_empty());
        assert!(project.targets.is_empty());
    }

    #[test]
    fn find_walks_up_to_the_nearest_project_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = absolute(dir.path());
        let deep = root.join("a/b/c");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(root.join("a/b/c/spec.intent"), "").unwrap();
        // Nothing yet (unless a folder above the temporary folder has one).
        let outer = find(&deep);
        assert!(outer.as_ref().is_none_or(|p| !p.starts_with(&root)));

        std::fs::write(root.join(FILE_NAME), "").unwrap();
        assert_eq!(find(&deep), Some(root.join(FILE_NAME)));
        assert_eq!(find(&deep.join("spec.intent")), Some(root.join(FILE_NAME)));

        std::fs::write(root.join("a").join(FILE_NAME), "").unwrap();
        assert_eq!(find(&deep), Some(root.join("a").join(FILE_NAME)));
        assert_eq!(find(&root), Some(root.join(FILE_NAME)));
    }

    #[test]
    fn an_unreadable_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = load(&dir.path().join(FILE_NAME)).unwrap_err();
        assert!(matches!(err, ConfigError::Read { .. }), "{err:?}");
        assert!(err.to_string().contains("cannot read"), "{err}");
    }

    #[test]
    fn a_toml_syntax_error_has_line_and_column() {
        let err = load_err("specs = []\n[targets.shop\nurl = 1\n");
        let ConfigError::Syntax { line, column, .. } = &err else {
            panic!("{err:?}");
        };
        assert_eq!((*line, *column), (2, 14));
        assert!(
            err.to_string().contains("intent.toml:2:14: invalid TOML"),
            "{err}"
        );
    }

    #[test]
    fn unknown_keys_are_errors_with_their_place() {
        let err = load_err("[targets.shop.start]\ncommand = [\"x\"]\ncomand = [\"y\"]\n");
        let ConfigError::Schema { line, message, .. } = &err else {
            panic!("{err:?}");
        };
        assert_eq!(*line, 3);
        assert!(message.contains("unknown field `comand`"), "{message}");

        let err = load_err("spec = [\"a\"]\n");
        assert!(
            err.to_string()
                .contains("intent.toml:1:1: unknown field `spec`"),
            "{err}"
        );

        let err = load_err("[targets.shop]\nurls = \"http://x\"\n");
        assert!(err.to_string().contains("unknown field `urls`"), "{err}");

        // A missing command and a wrong type are shape errors too.
        let err = load_err("[targets.shop.start]\nready = \"/\"\n");
        assert!(err.to_string().contains("missing field `command`"), "{err}");
        let err = load_err("[targets.shop.start]\ncommand = \"cargo run\"\n");
        assert!(
            matches!(err, ConfigError::Schema { line: 2, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn an_empty_command_is_an_error() {
        let err = load_err("[targets.shop.start]\ncommand = []\n");
        assert!(matches!(err, ConfigError::EmptyCommand { ref target, .. } if target == "shop"));
        assert!(
            err.to_string().contains("`start.command` is empty"),
            "{err}"
        );
        let err = load_err("[targets.shop.start]\ncommand = [\"\", \"x\"]\n");
        assert!(matches!(err, ConfigError::EmptyCommand { .. }), "{err:?}");
    }

    #[test]
    fn a_bad_duration_is_an_error() {
        for (text, reason) in [
            ("soon", "does not start with a number"),
            ("30", "unit is missing"),
            ("30 days", "unknown unit `days`"),
            ("1.2.3s", "is not a number"),
            ("0s", "greater than zero"),
        ] {
            let err = load_err(&format!(
                "[targets.shop.start]\ncommand = [\"x\"]\ntimeout = \"{text}\"\n"
            ));
            assert!(matches!(err, ConfigError::BadDuration { .. }), "{err:?}");
            let message = err.to_string();
            assert!(message.contains(reason), "{text}: {message}");
            assert!(message.contains("target `shop`"), "{message}");
        }
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(7 * 86_400)));
        assert_eq!(parse_duration(" 10 s "), Ok(Duration::from_secs(10)));
    }

    #[test]
    fn the_audit_table_has_defaults_and_is_checked() {
        let (_dir, project) = load_text("");
        assert_eq!(project.unwrap().audit, AuditConfig::default());
        let (dir, project) = load_text(
            "[audit]\nrequirement_prefix = \"REQ-\"\nstale_after = \"36h\"\nrequirements = \"docs/reqs.csv\"\n",
        );
        let audit = project.unwrap().audit;
        assert_eq!(audit.requirement_prefix, "REQ-");
        assert_eq!(audit.stale_after, Duration::from_secs(36 * 3600));
        assert_eq!(
            audit.requirements,
            Some(absolute(dir.path()).join("docs/reqs.csv"))
        );
        let err = load_err("[audit]\nrequirement_prefix = \"\"\n");
        assert!(matches!(err, ConfigError::EmptyPrefix { .. }), "{err:?}");
        let err = load_err("[audit]\nstale_after = \"a week\"\n");
        assert!(
            err.to_string()
                .contains("`[audit] stale_after = \"a week\"` is not a duration"),
            "{err}"
        );
        let err = load_err("[audit]\nstale = \"7d\"\n");
        assert!(err.to_string().contains("unknown field `stale`"), "{err}");
    }

    #[test]
    fn a_ready_path_must_start_with_a_slash() {
        let err = load_err("[targets.shop.start]\ncommand = [\"x\"]\nready = \"health\"\n");
        assert!(matches!(err, ConfigError::BadReadyPath { .. }), "{err:?}");
    }

    #[test]
    fn an_invalid_regex_is_an_error() {
        let err = load_err(
            "[targets.shop.start]\ncommand = [\"x\"]\nurl_from_output = 'listening on (http://\\S+'\n",
        );
        assert!(matches!(err, ConfigError::InvalidRegex { .. }), "{err:?}");
        let message = err.to_string();
        assert!(message.contains("not a valid regex"), "{message}");
        assert!(message.contains("unclosed group"), "{message}");
    }

    #[test]
    fn a_regex_needs_exactly_one_group() {
        let err = load_err(
            "[targets.shop.start]\ncommand = [\"x\"]\nurl_from_output = 'listening on http://\\S+'\n",
        );
        assert!(
            matches!(err, ConfigError::RegexGroups { groups: 0, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("has 0 capture groups"), "{err}");

        let err = load_err(
            "[targets.shop.start]\ncommand = [\"x\"]\nurl_from_output = '(on|at) (http://\\S+)'\n",
        );
        assert!(
            matches!(err, ConfigError::RegexGroups { groups: 2, .. }),
            "{err:?}"
        );

        // Non-capturing groups do not count.
        let (_dir, project) = load_text(
            "[targets.shop.start]\ncommand = [\"x\"]\nurl_from_output = '(?:on|at) (http://\\S+)'\n",
        );
        project.unwrap();
    }
}
