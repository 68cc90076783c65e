//! The parser on any text: diagnostics, never a panic, every span inside the text.
#![no_main]

use intent_source::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = intent_syntax::parse(FileId(0), &text);
    for diagnostic in &parsed.diagnostics {
        for label in &diagnostic.labels {
            assert!(label.span.end as usize <= text.len(), "a span past the end");
        }
    }
});
