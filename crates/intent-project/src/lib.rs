//! The project layer: the only code besides the command line that touches the file system for
//! specs and data. It finds the project root (the folder of `intent.toml`) once, reads
//! `intent.toml`, resolves the specs, their `use` imports and their datasets under one rule
//! (relative to the file that names them), and reads each file once: only regular files, size
//! checked before reading, real paths confined to the root. The compiler gets the result as an
//! in-memory [`SourceTree`]; the runner gets [`DatasetFiles`] to stream datasets from; and
//! target URLs are resolved here with their precedence.

mod config;
mod data;
mod gather;
mod read;
mod requirements;
mod scan;
mod targets;

pub use config::{
    AuditConfig, ClientIdentity, Config, ConfigError, DEFAULT_REQUIREMENT_PREFIX,
    DEFAULT_STALE_AFTER, DEFAULT_START_TIMEOUT, FILE_NAME, StartConfig, TargetConfig,
    parse_duration,
};
pub use data::DatasetFiles;
pub use gather::{Overlays, spec_files_in};
pub use read::{ATTACHMENT_LIMIT, PEM_LIMIT, SAMPLE_BYTES, SAMPLE_ROWS, SPEC_LIMIT};
pub use requirements::{REQUIREMENTS_LIMIT, Requirement, RequirementsError};
pub use targets::{TargetError, TargetUrls};

use intent_source::{SourceTree, normalise};
use read::Confinement;
use std::path::{Path, PathBuf};

/// A project: its root, its `intent.toml` (when there is one), and whether files outside the
/// root may be read.
#[derive(Debug, Clone)]
pub struct Project {
    /// The folder of `intent.toml`; without one, the folder of the first spec named (or the
    /// current folder). Absolute and lexically normalised.
    pub root: PathBuf,
    /// The project file, when there is one.
    pub config: Option<Config>,
    /// Whether imports and datasets may be read from outside the root (`--allow-outside-root`).
    pub allow_outside_root: bool,
    confinement: Confinement,
}

impl Project {
    /// Finds the project of `paths` (the first one; the current folder when there is none):
    /// the nearest folder above it that holds `intent.toml`, read and validated.
    pub fn discover(paths: &[PathBuf], allow_outside_root: bool) -> Result<Project, ConfigError> {
        let start = match paths.first() {
            Some(path) => absolute(path),
            None => absolute(Path::new(".")),
        };
        match config::find(&start) {
            Some(file) => {
                let config = config::load(&file)?;
                Ok(Project::new(
                    config.root.clone(),
                    Some(config),
                    allow_outside_root,
                ))
            }
            None => {
                let root = if start.is_dir() {
                    start
                } else {
                    start
                        .parent()
                        .map_or_else(|| absolute(Path::new(".")), Path::to_path_buf)
                };
                Ok(Project::new(root, None, allow_outside_root))
            }
        }
    }

    /// The project rooted at `root`, with `config`.
    pub fn new(root: PathBuf, config: Option<Config>, allow_outside_root: bool) -> Project {
        let root = absolute(&root);
        let real_root = std::fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
        Project {
            confinement: Confinement {
                root: root.clone(),
                real_root,
            },
            root,
            config,
            allow_outside_root,
        }
    }

    /// The spec paths to use when a command names none: `specs` of `intent.toml`.
    pub fn default_specs(&self) -> Vec<PathBuf> {
        self.config
            .as_ref()
            .map(|c| c.specs.clone())
            .unwrap_or_default()
    }

    /// The tree of one spec given as text (a generated one, or an editor's buffer) as if it
    /// were the file at `path`, with what it imports.
    pub fn tree_of_text(&self, path: &Path, text: String) -> SourceTree {
        let path = absolute(path);
        let overlays = Overlays::from([(path.clone(), text)]);
        self.tree(&[path], &overlays)
    }
}

/// The text of a spec file, read as the tree reads one: a regular file of at most
/// [`SPEC_LIMIT`] bytes (for the formatter, and for the spec files a compiled plan names).
pub fn read_spec(path: &Path) -> Result<std::sync::Arc<str>, intent_source::FileProblem> {
    read_bounded(path, SPEC_LIMIT)
}

/// The text of the file at `path`, read as the tree reads a spec (a regular file, so a FIFO
/// cannot block, of at most `limit` bytes, checked before reading) but wherever it is: for
/// files the user names that are not specs, such as a results file `intent audit` reads.
pub fn read_bounded(
    path: &Path,
    limit: u64,
) -> Result<std::sync::Arc<str>, intent_source::FileProblem> {
    read::read_text(path, limit, None)
}

/// The bytes of a certificate or key file (`--cacert`, a target's `ca`, `cert` or `key`): a
/// regular file of at most [`PEM_LIMIT`] bytes, wherever it is (like `intent.toml`'s `cwd`,
/// these paths are the user's own choice, not a spec's).
pub fn read_pem(path: &Path) -> Result<Vec<u8>, intent_source::FileProblem> {
    read::read_bytes(path, PEM_LIMIT, None)
}

/// An absolute, lexically normalised path (without touching the file system, so a missing
/// file still has a place).
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    normalise(&joined)
}
