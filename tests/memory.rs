//! The formatter and `intent check` work one item at a time: neither holds every intent's
//! syntax tree, so their peak memory is a small multiple of the text. Measured by counting the
//! bytes allocated through this test binary's global allocator. The formatter is
//! single-threaded, so its figure is exact; the checker parses on rayon's threads, so its bound
//! leaves a wide margin. The tests take turns behind a lock, and each measurement counts only
//! the bytes live beyond those live when it starts. Time and resident memory are measured by `scripts/bench-memory.sh`, not here.

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

/// The counter is global, so each test takes its turn, from its first allocation to its last.
fn turn() -> std::sync::MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
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
    let _turn = turn();
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

/// A spec of `n` of the smallest intents there are: the hardest case for memory per byte.
fn tiny_intents(n: usize) -> String {
    (0..n)
        .map(|i| format!("intent \"i{i}\" {{\n  then 1 == 1\n}}\n"))
        .collect()
}

#[test]
fn checking_for_diagnostics_holds_no_intent_tree() {
    let _turn = turn();
    use intent_source::SourceTree;
    use std::path::Path;
    let text = tiny_intents(20_000);
    let mut tree = SourceTree::new("/project");
    let path = Path::new("/project/tiny.intent");
    tree.insert(path, "tiny.intent", Ok(text.as_str().into()));
    tree.name(path);
    let (checked, peak) =
        peak_of(|| intent_check::check_keeping(&tree, intent_check::Keep::Diagnostics));
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    assert_eq!(checked.plan.intents.len(), 20_000);
    // Holding every intent's tree took 35 bytes per byte here; dropping each once parsed, 17.5.
    let per_byte = peak as f64 / text.len() as f64;
    assert!(
        per_byte < 25.0,
        "checking {} bytes peaked at {peak} bytes ({per_byte:.1} per byte)",
        text.len()
    );
}
