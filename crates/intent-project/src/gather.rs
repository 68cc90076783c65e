//! Building the source tree: the spec files the user named (folders walked for `.intent`
//! files, in name order), every file they import, a sample of every dataset they declare and
//! the size of every file their multipart bodies send, each read once. Files the user named are read wherever they are; what they import and the
//! datasets they declare must stay inside the project root unless the project allows it.
//! Buffers an editor has open (`overlays`) stand in for the files on disk.

use crate::read::{self, Confinement, SPEC_LIMIT};
use crate::scan::references;
use crate::{Project, absolute};
use intent_source::{SourceTree, resolve};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Unsaved editor buffers by absolute path: they replace the files on disk.
pub type Overlays = BTreeMap<PathBuf, String>;

struct Gatherer<'p> {
    project: &'p Project,
    overlays: &'p Overlays,
    tree: SourceTree,
    /// Real path (symlinks resolved) → the tree path that holds it, so one file reached by two
    /// paths is read once.
    real: HashMap<PathBuf, PathBuf>,
    /// Files whose references are still to be followed: tree path and shown path.
    pending: Vec<(PathBuf, PathBuf)>,
}

impl Project {
    /// The tree of the specs at `paths` (files or folders), with their imports and dataset
    /// samples.
    pub fn tree(&self, paths: &[PathBuf], overlays: &Overlays) -> SourceTree {
        let mut gatherer = Gatherer {
            project: self,
            overlays,
            tree: SourceTree::new(&self.root),
            real: HashMap::new(),
            pending: Vec::new(),
        };
        for path in paths {
            let absolute = absolute(path);
            if !overlays.contains_key(&absolute) && absolute.is_dir() {
                for file in spec_files_in(&absolute) {
                    let shown = path.join(file.strip_prefix(&absolute).unwrap_or(&file));
                    gatherer.named(&file, &intent_source::normalise(&shown));
                }
            } else {
                gatherer.named(&absolute, &intent_source::normalise(path));
            }
        }
        gatherer.follow();
        gatherer.tree
    }
}

impl Gatherer<'_> {
    fn confinement(&self) -> Option<&Confinement> {
        (!self.project.allow_outside_root).then_some(&self.project.confinement)
    }

    /// Adds a file the user named (never confined).
    fn named(&mut self, path: &Path, shown: &Path) {
        self.add(path, shown, None);
        self.tree.name(path);
    }

    /// Adds the spec file at `path` unless the tree has it (or the same file by another
    /// path), and queues its references.
    fn add(&mut self, path: &Path, shown: &Path, confine: Option<&Confinement>) {
        if self.tree.get(path).is_some() {
            return;
        }
        let content = match self.overlays.get(path) {
            Some(text) => Ok(Arc::from(text.as_str())),
            None => {
                if let Some(real) = read::real_path(path)
                    && let Some(first) = self.real.get(&real)
                {
                    self.tree.alias(path, first);
                    return;
                }
                let content = read::read_text(path, SPEC_LIMIT, confine);
                if let Some(real) = read::real_path(path) {
                    self.real.insert(real, path.to_path_buf());
                }
                content
            }
        };
        if content.is_ok() {
            self.pending.push((path.to_path_buf(), shown.to_path_buf()));
        }
        self.tree.insert(path, shown, content);
    }

    /// Follows the imports and datasets of every file added, until none is left.
    fn follow(&mut self) {
        while let Some((path, shown)) = self.pending.pop() {
            let Some(Ok(text)) = self.tree.get(&path).map(|f| f.content.clone()) else {
                continue;
            };
            let found = references(&text);
            for written in found.uses {
                let imported = resolve(&path, &written);
                let imported_shown = resolve(&shown, &written);
                let confine = self.confinement().cloned();
                self.add(&imported, &imported_shown, confine.as_ref());
            }
            for written in found.datasets {
                let data = resolve(&path, &written);
                if self.tree.data(&data).is_none() {
                    let sample = read::read_sample(&data, self.confinement());
                    self.tree.insert_data(&data, sample);
                }
            }
            for written in found.attachments {
                let attachment = resolve(&path, &written);
                if self.tree.attachment(&attachment).is_none() {
                    let size = read::attachment_size(&attachment, self.confinement());
                    self.tree.insert_attachment(&attachment, size);
                }
            }
        }
    }
}

/// The `.intent` files below a folder, sorted so results never depend on the file system.
pub fn spec_files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "intent"))
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.sort();
    files
}
