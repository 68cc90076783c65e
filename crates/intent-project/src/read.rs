//! Reading a file safely: only a regular file is opened (a FIFO would block, a device would
//! never end), its size is checked before it is read and the read is bounded anyway (a file
//! may grow), and its real path (symlinks followed) must be inside the project root when the
//! file is confined to it.

use intent_source::{DataSample, FileProblem};
use std::fs::{File, Metadata};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The largest spec file read: 64 MiB (the parser refuses more anyway).
pub const SPEC_LIMIT: u64 = 64 * 1024 * 1024;

/// The most of a dataset the compiler checks: the header and this many rows...
pub const SAMPLE_ROWS: usize = 100;

/// ...within this many bytes.
pub const SAMPLE_BYTES: u64 = 1024 * 1024;

/// The folder files are confined to, as given and with its symlinks resolved.
#[derive(Debug, Clone)]
pub struct Confinement {
    pub root: PathBuf,
    pub real_root: PathBuf,
}

/// What is at `path`: a regular file's real path and metadata, or why it may not be read.
fn inspect(path: &Path, confine: Option<&Confinement>) -> Result<(PathBuf, Metadata), FileProblem> {
    // A path that leaves the root as written is refused without looking at it.
    if let Some(confine) = confine
        && !path.starts_with(&confine.root)
    {
        return Err(FileProblem::OutsideRoot {
            resolved: path.to_path_buf(),
            root: confine.root.clone(),
        });
    }
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => FileProblem::Missing,
        _ => FileProblem::Unreadable {
            reason: e.to_string(),
        },
    })?;
    let real = std::fs::canonicalize(path).map_err(|e| FileProblem::Unreadable {
        reason: e.to_string(),
    })?;
    if let Some(confine) = confine
        && !real.starts_with(&confine.real_root)
    {
        return Err(FileProblem::OutsideRoot {
            resolved: real,
            root: confine.root.clone(),
        });
    }
    if !meta.is_file() {
        return Err(FileProblem::NotAFile {
            kind: kind_of(&meta),
        });
    }
    Ok((real, meta))
}

/// What a special file is, in words.
fn kind_of(meta: &Metadata) -> &'static str {
    if meta.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// The real path of a readable regular file (for telling two paths of one file apart).
pub fn real_path(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok()
}

/// The text of the file at `path`, at most `limit` bytes.
pub fn read_text(
    path: &Path,
    limit: u64,
    confine: Option<&Confinement>,
) -> Result<Arc<str>, FileProblem> {
    text_of(read_bytes(path, limit, confine)?)
}

/// The largest file a multipart body sends: 64 MiB.
pub const ATTACHMENT_LIMIT: u64 = 64 * 1024 * 1024;

/// The size of a file a multipart body sends, or why it cannot be sent: a regular file of at
/// most [`ATTACHMENT_LIMIT`] bytes, inside the root when confined.
pub fn attachment_size(path: &Path, confine: Option<&Confinement>) -> Result<u64, FileProblem> {
    let (_, meta) = inspect(path, confine)?;
    if meta.len() > ATTACHMENT_LIMIT {
        return Err(FileProblem::TooLarge {
            size: meta.len(),
            limit: ATTACHMENT_LIMIT,
        });
    }
    Ok(meta.len())
}

/// The largest PEM file read (certificates and keys): 1 MiB, far more than any chain.
pub const PEM_LIMIT: u64 = 1024 * 1024;

/// The bytes of the file at `path`, at most `limit`: a regular file, size-checked before it
/// is read and the read bounded anyway.
pub fn read_bytes(
    path: &Path,
    limit: u64,
    confine: Option<&Confinement>,
) -> Result<Vec<u8>, FileProblem> {
    let (_, meta) = inspect(path, confine)?;
    if meta.len() > limit {
        return Err(FileProblem::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    open_checked(path)?
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| FileProblem::Unreadable {
            reason: e.to_string(),
        })?;
    if bytes.len() as u64 > limit {
        return Err(FileProblem::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// The first lines of the dataset at `path`: the header and up to [`SAMPLE_ROWS`] rows,
/// within [`SAMPLE_BYTES`], never more, however large the file.
pub fn read_sample(path: &Path, confine: Option<&Confinement>) -> Result<DataSample, FileProblem> {
    inspect(path, confine)?;
    let mut reader = BufReader::new(open_checked(path)?.take(SAMPLE_BYTES));
    let mut bytes = Vec::new();
    let mut complete = false;
    for _ in 0..=SAMPLE_ROWS {
        let read = reader
            .read_until(b'\n', &mut bytes)
            .map_err(|e| FileProblem::Unreadable {
                reason: e.to_string(),
            })?;
        if read == 0 {
            complete = bytes.len() < SAMPLE_BYTES as usize;
            break;
        }
    }
    if !complete && !bytes.ends_with(b"\n") {
        // A line cut by the byte limit is not checked.
        let end = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        bytes.truncate(end);
    }
    let text = text_of(bytes)?;
    Ok(DataSample {
        text: text.to_string(),
        complete,
    })
}

/// The file at `path`, opened for reading (streamed by the runner, unbounded).
pub fn open(path: &Path, confine: Option<&Confinement>) -> Result<File, FileProblem> {
    inspect(path, confine)?;
    open_checked(path)
}

fn open_checked(path: &Path) -> Result<File, FileProblem> {
    File::open(path).map_err(|e| FileProblem::Unreadable {
        reason: e.to_string(),
    })
}

fn text_of(bytes: Vec<u8>) -> Result<Arc<str>, FileProblem> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text.into()),
        Err(e) => Err(FileProblem::NotUtf8 {
            offset: e.utf8_error().valid_up_to(),
            lossy: String::from_utf8_lossy(e.as_bytes()).into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_inside_the_root_are_read() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("project");
        std::fs::create_dir(&root).expect("mkdir");
        let confine = Confinement {
            root: root.clone(),
            real_root: std::fs::canonicalize(&root).expect("real root"),
        };
        let inside = root.join("a.intent");
        std::fs::write(&inside, "let a = 1\n").expect("write");
        assert_eq!(
            read_text(&inside, SPEC_LIMIT, Some(&confine)).as_deref(),
            Ok("let a = 1\n")
        );
        assert_eq!(
            read_text(&root, SPEC_LIMIT, Some(&confine)),
            Err(FileProblem::NotAFile { kind: "a folder" })
        );
        assert_eq!(
            read_text(&root.join("missing"), SPEC_LIMIT, Some(&confine)),
            Err(FileProblem::Missing)
        );
        let outside = dir.path().join("secret.txt");
        std::fs::write(&outside, "top secret\n").expect("write");
        assert!(matches!(
            read_text(&outside, SPEC_LIMIT, Some(&confine)),
            Err(FileProblem::OutsideRoot { .. })
        ));
        assert_eq!(
            read_text(&inside, 4, None),
            Err(FileProblem::TooLarge { size: 10, limit: 4 })
        );
        #[cfg(unix)]
        {
            let link = root.join("link.intent");
            std::os::unix::fs::symlink(&outside, &link).expect("symlink");
            assert!(matches!(
                read_text(&link, SPEC_LIMIT, Some(&confine)),
                Err(FileProblem::OutsideRoot { .. })
            ));
            assert_eq!(
                read_text(Path::new("/dev/zero"), SPEC_LIMIT, None),
                Err(FileProblem::NotAFile {
                    kind: "a character device"
                })
            );
        }
    }

    #[test]
    fn a_sample_holds_the_first_lines_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("d.csv");
        let mut text = String::from("q,team\n");
        for i in 0..1000 {
            text.push_str(&format!("question {i},billing\n"));
        }
        std::fs::write(&path, &text).expect("write");
        let sample = read_sample(&path, None).expect("a sample");
        assert!(!sample.complete);
        assert_eq!(sample.text.lines().count(), SAMPLE_ROWS + 1);
        std::fs::write(&path, "q,team\nwhere?,billing\n").expect("write");
        let sample = read_sample(&path, None).expect("a sample");
        assert!(sample.complete);
        assert_eq!(sample.text, "q,team\nwhere?,billing\n");
    }
}
