//! The language server's message reader on any byte stream: every read ends, with a message,
//! a refusal or the end of the input; never a panic, never an allocation the input did not pay
//! for.
#![no_main]

use intent_lsp::framing::{Incoming, Reader};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut reader = Reader::new(data);
    // Each read consumes input or ends it, so this loop is bounded by the input's length.
    for _ in 0..=data.len() {
        match reader.read() {
            Ok(Incoming::End) | Err(_) => return,
            Ok(_) => {}
        }
    }
    panic!("the reader did not reach the end of {} bytes", data.len());
});
