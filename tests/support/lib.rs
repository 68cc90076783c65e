//! Helpers shared by the end-to-end tests: fixture discovery, rendering diagnostics the way
//! snapshots show them, the `# expect-line: N` header of error fixtures, (in [`fault`]) a
//! misbehaving HTTP server for the runner tests, (in [`servers`]) third-party servers on
//! loopback, (in [`http`]) the small client the support code reads them with, and (in
//! [`harness`]) running `intent` in-process against the example shop, and (in [`tls`]) the
//! TLS, HTTP/2, multipart and proxy servers of the client tests.

pub mod child;
pub mod fault;
pub mod harness;
pub mod http;
pub mod servers;
pub mod tls;

use intent_source::{Diagnostic, FileId, RenderOptions, SourceFile, SourceMap, render};
use std::path::{Path, PathBuf};

/// The root of the repository.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives in the repository")
        .to_path_buf()
}

/// Every `.intent` file below `dir` (relative to the repository root), sorted.
pub fn intent_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(repo_root().join(dir))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "intent"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

/// A path relative to the repository root with `/` separators, for stable snapshot text.
pub fn relative(path: &Path) -> String {
    path.strip_prefix(repo_root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Renders diagnostics the way snapshots store them: fixed width, no colour.
pub fn render_all(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    diagnostics
        .iter()
        .map(|d| render(d, sources, RenderOptions::plain()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A source map holding one file, for rendering the diagnostics of a single-file parse.
pub fn single_file(path: &Path, text: &str) -> (SourceMap, FileId) {
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new(relative(path), text));
    (sources, id)
}

/// What an error fixture promises: the code (from its file name) and the line (from its
/// `# expect-line: N` first line).
#[derive(Debug)]
pub struct Expectation {
    pub code: String,
    pub line: u32,
}

pub fn expectation(path: &Path, text: &str) -> Expectation {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let code = name.split('_').next().unwrap_or_default().to_string();
    let line = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# expect-line:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("{name} must start with `# expect-line: N`"));
    Expectation { code, line }
}

/// Makes a FIFO at `at` (with the system's `mkfifo`): reading one blocks until a writer comes,
/// which the safe reads must refuse to do.
pub fn mkfifo(at: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(at)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", at.display());
}

/// Reads `paths` through the project layer, as `intent check` does, in the project rooted at
/// `root`, and checks them.
pub fn check_in(root: &Path, paths: &[PathBuf]) -> intent_check::Checked {
    let project = intent_project::Project::new(root.to_path_buf(), None, false);
    intent_check::check(&project.tree(paths, &intent_project::Overlays::new()))
}
