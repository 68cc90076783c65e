//! Broken input never crashes the front end: every valid spec of the repository, mutated in
//! many small deterministic ways (bytes deleted, duplicated, replaced with brackets, quotes and
//! keywords), goes through parsing and checking without a panic, and every problem found is a
//! diagnostic with a registered code and a span inside its file.

use intent_check::{CheckOptions, check, load};
use intent_source::CODES;
use intent_tests::{intent_files, relative};

/// A small deterministic generator (xorshift), so a failure reproduces exactly.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const FRAGMENTS: [&str; 16] = [
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "\"",
    "\"\"\"",
    "/",
    "#",
    "\n",
    "intent ",
    "when GET shop ",
    "then ",
    "every x in ",
    "@",
];

fn mutate(text: &str, noise: &mut Noise) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..1 + noise.below(3) {
        let at = noise.below(bytes.len() + 1);
        match noise.below(3) {
            0 if !bytes.is_empty() => {
                let end = (at + 1 + noise.below(8)).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            1 => {
                let fragment = FRAGMENTS[noise.below(FRAGMENTS.len())];
                bytes.splice(at..at, fragment.bytes());
            }
            _ => {
                let start = noise.below(bytes.len() + 1);
                let end = (start + noise.below(16)).min(bytes.len());
                let copy = bytes[start..end].to_vec();
                bytes.splice(at.min(bytes.len())..at.min(bytes.len()), copy);
            }
        }
    }
    // Mutations can split a multi-byte character; the loader reports that as E0001, which is
    // tested elsewhere, so keep the text valid UTF-8 here to reach the parser.
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn mutated_specs_give_diagnostics_never_panics() {
    let mut files = intent_files("examples");
    files.extend(intent_files("tests/fixtures/parse/ok"));
    files.extend(intent_files("tests/fixtures/check/ok"));
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("intent.toml"), "").expect("project root");
    let mut noise = Noise(0x2545_f491_4f6c_dd1d);
    let mut checked = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        for round in 0..25 {
            let mutated = mutate(&text, &mut noise);
            let spec = dir.path().join("mutated.intent");
            std::fs::write(&spec, &mutated).expect("write");
            let loaded = load(std::slice::from_ref(&spec));
            let result = check(&loaded, &CheckOptions::default());
            for d in &result.diagnostics {
                assert!(
                    CODES.iter().any(|c| c.code == d.code),
                    "{} round {round}: unregistered code {}",
                    relative(&path),
                    d.code
                );
                let len = loaded.sources.get(d.primary().file).text().len() as u32;
                assert!(
                    d.primary().span.end <= len,
                    "{} round {round}: span {:?} outside the file",
                    relative(&path),
                    d.primary().span
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 500, "mutated {checked} specs");
}
