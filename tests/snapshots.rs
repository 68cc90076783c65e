//! Every stored snapshot belongs to a test input that still exists, so a renamed or deleted
//! fixture cannot leave a stale snapshot behind.

use intent_tests::repo_root;

#[test]
fn no_snapshot_is_unreferenced() {
    let dir = repo_root().join("tests/snapshots");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let mut stale = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix(".snap") else {
            stale.push(name);
            continue;
        };
        // Snapshot names are `<test>__<kind>__<path with / as __>`.
        let Some((_, rest)) = stem.split_once("__") else {
            stale.push(name);
            continue;
        };
        let Some((_, path)) = rest.split_once("__") else {
            stale.push(name);
            continue;
        };
        if !repo_root().join(path.replace("__", "/")).exists() {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "unreferenced snapshots (delete them): {stale:?}"
    );
}
