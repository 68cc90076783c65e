//! The formatter works one item at a time: formatting a large spec never holds a whole syntax
//! tree, so its peak memory is a small multiple of the text. Measured by counting the bytes
//! allocated through this test binary's global allocator, which is deterministic (the
//! formatter is single-threaded, and this binary has no other test running beside it). Time
//! and resident memory are measured by `scripts/bench-memory.sh`, not here.

use peak_alloc::PeakAlloc;

#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

/// A spec of `n` small intents, each a request and a check, laid out badly (no indentation,
/// extra blank lines) so that the formatter has work on every item.
fn spec(n: usize) -> String {
    let mut text = String::from("target shop = \"http://127.0.0.1:9\"\n\n\n");
    for i in 0..n {
        text.push_str(&format!(
            "intent \"health {i}\" {{\nwhen GET shop \"/h/{i}\"\n\n\nthen status == 200\n}}\n"
        ));
    }
    text
}

/// The most bytes live at once while `work` runs, beyond those live before it.
fn peak_of<T>(work: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATOR.current_usage();
    ALLOCATOR.reset_peak_usage();
    let result = work();
    (result, ALLOCATOR.peak_usage() - before)
}

#[test]
fn formatting_holds_one_item_at_a_time() {
    let small = spec(1_000);
    let large = spec(20_000);
    let (formatted, small_peak) = peak_of(|| intent_syntax::format(&small));
    assert!(formatted.is_ok(), "the small spec formats: {formatted:?}");
    let (formatted, large_peak) = peak_of(|| intent_syntax::format(&large));
    let formatted = formatted.expect("the large spec formats");
    assert!(formatted.contains("intent \"health 19999\" {\n  when GET shop \"/h/19999\"\n"));
    // The output and the line layout grow with the text; the syntax trees do not: a formatter
    // that parsed the whole file before and after needs well over 100 times the text.
    let per_byte = large_peak as f64 / large.len() as f64;
    assert!(
        per_byte < 12.0,
        "formatting {} bytes peaked at {large_peak} bytes ({per_byte:.1} per byte)",
        large.len()
    );
    // Twenty times the items cost at most about twenty times the memory: nothing is held per
    // item beyond the text's own size.
    let growth = large_peak as f64 / small_peak as f64;
    assert!(growth < 22.0, "20x the items took {growth:.1}x the memory");
}
