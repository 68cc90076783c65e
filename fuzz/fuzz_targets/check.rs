//! The checker on a tree in memory: two spec files (the input split at its first NUL byte,
//! the first importing the second) and a dataset sample. Diagnostics with registered codes
//! and spans inside their files, never a panic; and checking for diagnostics only (intent trees
//! dropped and parsed again) reports the same.
#![no_main]

use intent_source::{CODES, DataSample, SourceTree};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (main, rest) = text.split_once('\0').unwrap_or((&text, ""));
    let (common, sample) = rest
        .split_once('\0')
        .unwrap_or((rest, "q,team\nwhere?,billing\n"));
    let mut tree = SourceTree::new("/project");
    let main_path = Path::new("/project/main.intent");
    tree.insert(
        main_path,
        "main.intent",
        Ok(format!("use \"common.intent\"\n{main}").into()),
    );
    tree.insert(
        Path::new("/project/common.intent"),
        "common.intent",
        Ok(common.into()),
    );
    tree.insert_data(
        Path::new("/project/data.csv"),
        Ok(DataSample {
            text: sample.to_string(),
            complete: true,
        }),
    );
    tree.name(main_path);
    let checked = intent_check::check(&tree);
    // Checking for diagnostics only drops each intent's tree and parses it again: it must
    // report exactly what a full check reports.
    let light = intent_check::check_keeping(&tree, intent_check::Keep::Diagnostics);
    let messages = |d: &[intent_source::Diagnostic]| -> Vec<(String, String)> {
        d.iter()
            .map(|d| (d.code.as_str().to_string(), d.message.clone()))
            .collect()
    };
    assert_eq!(
        messages(&checked.diagnostics),
        messages(&light.diagnostics),
        "checking for diagnostics only reports something else"
    );
    for diagnostic in &checked.diagnostics {
        assert!(
            CODES.iter().any(|c| c.code == diagnostic.code),
            "an unregistered code"
        );
        for label in &diagnostic.labels {
            let len = checked.loaded.sources.get(label.file).text().len();
            assert!(
                label.span.end as usize <= len,
                "a span past the end of its file"
            );
        }
    }
});
