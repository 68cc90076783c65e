//! The formatter: what it formats parses to the same tree (it checks that itself, refusing with
//! `Changed` otherwise), and formatting is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match intent_syntax::format(&text) {
        Ok(formatted) => {
            let again = intent_syntax::format(&formatted);
            assert!(
                matches!(&again, Ok(twice) if *twice == formatted),
                "formatting is not idempotent"
            );
        }
        Err(intent_syntax::FormatError::Changed) => panic!("the formatter changed the tree"),
        Err(_) => {}
    }
});
