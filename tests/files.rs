//! Files the project layer refuses to read, or reads only in part: each gets a coded
//! diagnostic at once, and none hangs or reads without bound. A FIFO (which would block a
//! reader), a device (which never ends), a folder, a symlink out of the project, a sparse
//! file of a gigabyte (as an import and as a dataset), and a spec with a 50 MB line.

use intent_cli::Status;
use intent_tests::harness::intent;
use intent_tests::mkfifo;
use std::path::{Path, PathBuf};

/// A project folder (with an empty intent.toml) and the path of its spec `main.intent`.
fn project(spec: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("project");
    std::fs::create_dir(&root).expect("the project folder");
    std::fs::write(root.join("intent.toml"), "").expect("intent.toml");
    let main = root.join("main.intent");
    std::fs::write(&main, spec).expect("the spec");
    (dir, main)
}

/// `intent check --format json ARGS...`: the status and the codes of the diagnostics, with
/// their messages.
fn check(args: &[&str]) -> (Status, Vec<(String, String)>) {
    let mut argv = vec!["check", "--format", "json"];
    argv.extend_from_slice(args);
    let (status, out, err) = intent(&argv);
    let diagnostics = out
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("one JSON object per line");
            (
                v["code"].as_str().unwrap_or_default().to_string(),
                v["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(err.len() < 10_000, "{err}");
    (status, diagnostics)
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// A file of `size` bytes that takes no room on disk.
fn sparse(at: &Path, size: u64) {
    let file = std::fs::File::create(at).expect("create");
    file.set_len(size).expect("set its length");
}

#[test]
fn a_fifo_is_refused_as_a_spec_an_import_and_a_dataset() {
    let (_dir, main) = project("use \"pipe.intent\"\ndataset d = \"pipe.csv\" { q: string }\n");
    let root = main.parent().expect("the project");
    mkfifo(&root.join("pipe.intent"));
    mkfifo(&root.join("pipe.csv"));
    let (status, found) = check(&[path(&main)]);
    assert_eq!(status, Status::Invalid);
    let codes: Vec<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
    assert!(
        codes.contains(&"E0031") && codes.contains(&"E3001"),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|(_, m)| m.contains("a FIFO")),
        "{found:#?}"
    );
    // Named on the command line, too.
    let (status, found) = check(&[path(&root.join("pipe.intent"))]);
    assert_eq!(status, Status::Invalid);
    assert_eq!(found[0].0, "E0031", "{found:#?}");
}

#[test]
fn a_device_and_a_folder_are_not_read() {
    let (_dir, main) = project("use \"folder\"\n");
    let root = main.parent().expect("the project");
    std::fs::create_dir(root.join("folder")).expect("a folder");
    let (status, found) = check(&[path(&main)]);
    assert_eq!(status, Status::Invalid);
    assert!(
        found
            .iter()
            .any(|(c, m)| c == "E0031" && m.contains("a folder")),
        "{found:#?}"
    );
    // /dev/zero as a spec would be read until memory runs out.
    let (status, found) = check(&["/dev/zero"]);
    assert_eq!(status, Status::Invalid);
    assert!(
        found
            .iter()
            .any(|(c, m)| c == "E0031" && m.contains("a character device")),
        "{found:#?}"
    );
    // As an import and a dataset outside the project, it is refused before it is looked at;
    // allowed outside the root, it is still not a file.
    let (_dir, main) = project("use \"/dev/zero\"\ndataset d = \"/dev/zero.csv\" { q: string }\n");
    let (_, found) = check(&[path(&main)]);
    let codes: Vec<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
    assert!(
        codes.contains(&"E1016") && codes.contains(&"E3002"),
        "{found:#?}"
    );
    let (_, found) = check(&[path(&main), "--allow-outside-root"]);
    assert!(
        found
            .iter()
            .any(|(c, m)| c == "E0031" && m.contains("a character device")),
        "{found:#?}"
    );
}

#[test]
fn a_symlink_out_of_the_project_is_refused_and_its_target_never_shown() {
    let (dir, main) = project("use \"inside.intent\"\ndataset d = \"data.csv\" { q: string }\n");
    let root = main.parent().expect("the project");
    let outside = dir.path().join("outside.intent");
    std::fs::write(&outside, "let leaked = \"do-not-print-me\"\n").expect("outside");
    std::os::unix::fs::symlink(&outside, root.join("inside.intent")).expect("symlink");
    let data = dir.path().join("outside.csv");
    std::fs::write(&data, "q\ndo-not-print-me\n").expect("outside data");
    std::os::unix::fs::symlink(&data, root.join("data.csv")).expect("symlink");
    let (status, out, err) = intent(&["check", path(&main)]);
    assert_eq!(status, Status::Invalid);
    let shown = format!("{out}{err}");
    assert!(
        shown.contains("E1016") && shown.contains("E3002"),
        "{shown}"
    );
    assert!(!shown.contains("do-not-print-me"), "{shown}");
    // `use "/etc/passwd"` reads nothing and prints nothing of it.
    let (_dir, main) = project("use \"/etc/passwd\"\n");
    let (status, out, err) = intent(&["check", path(&main)]);
    assert_eq!(status, Status::Invalid);
    let shown = format!("{out}{err}");
    assert!(
        shown.contains("E1016") && !shown.contains("root:"),
        "{shown}"
    );
}

#[test]
fn a_gigabyte_import_is_refused_by_its_size_and_a_gigabyte_dataset_is_sampled() {
    let (_dir, main) = project("use \"huge.intent\"\ndataset d = \"huge.csv\" { q: string }\n");
    let root = main.parent().expect("the project");
    sparse(&root.join("huge.intent"), 1 << 30);
    sparse(&root.join("huge.csv"), 1 << 30);
    let (status, found) = check(&[path(&main)]);
    assert_eq!(status, Status::Invalid);
    assert!(
        found
            .iter()
            .any(|(c, m)| c == "E0035" && m.contains("1073741824 bytes")),
        "{found:#?}"
    );
    // The dataset is a gigabyte of NUL bytes with no line break: the sample stops at a
    // megabyte and finds no header.
    assert!(
        found.iter().any(|(c, _)| c.starts_with("E300")),
        "{found:#?}"
    );
}

#[test]
fn a_fifty_megabyte_line_gives_a_short_diagnostic() {
    let line = "a".repeat(50 * 1024 * 1024);
    let (_dir, main) = project(&format!("let _x = \"{line}\" + 5ms\n"));
    let (status, out, err) = intent(&["check", path(&main)]);
    assert_eq!(status, Status::Invalid);
    let shown = format!("{out}{err}");
    assert!(shown.len() < 4_000, "{} bytes of output", shown.len());
}
