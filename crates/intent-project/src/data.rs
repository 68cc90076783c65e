//! Datasets (and the files multipart bodies send) for the runner: the plan names each by its path relative to the project root, and
//! the runner asks for it here rather than joining paths itself, so a dataset is opened under
//! the same rules as when it was checked (a regular file, inside the root unless allowed).

use crate::Project;
use crate::read::{self, Confinement};
use intent_source::FileProblem;
use std::fs::File;
use std::path::{Path, PathBuf};

/// Opens the datasets of a project for reading, row by row.
#[derive(Debug, Clone)]
pub struct DatasetFiles {
    root: PathBuf,
    confine: Option<Confinement>,
}

impl Project {
    /// The project's datasets, for the runner.
    pub fn datasets(&self) -> DatasetFiles {
        DatasetFiles {
            root: self.root.clone(),
            confine: (!self.allow_outside_root).then(|| self.confinement.clone()),
        }
    }
}

impl DatasetFiles {
    /// Opens the dataset at `path` (relative to the project root, as the plan writes it; an
    /// absolute path stays where it points), or says why it cannot be read.
    pub fn open(&self, path: &str) -> Result<File, FileProblem> {
        let full = intent_source::normalise(&self.root.join(Path::new(path)));
        read::open(&full, self.confine.as_ref())
    }

    /// The bytes of a file a multipart body sends (relative to the project root, as the plan
    /// writes it), under the same rules as when it was checked, at most
    /// [`read::ATTACHMENT_LIMIT`] bytes.
    pub fn attachment(&self, path: &str) -> Result<Vec<u8>, FileProblem> {
        let full = intent_source::normalise(&self.root.join(Path::new(path)));
        read::read_bytes(&full, read::ATTACHMENT_LIMIT, self.confine.as_ref())
    }
}
