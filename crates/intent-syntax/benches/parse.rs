//! How fast the Intent parser reads a large spec, next to `serde_json` reading a JSON document
//! of about the same size.
//!
//! The goal (see docs/performance.md) is a 100,000-line spec parsed well under a second, at a
//! rate of bytes per second close to that of a tuned parser of a simpler syntax. Both inputs
//! are generated in code (see `support`), checked once outside the measurement, and measured in
//! one group with their byte counts as throughput so criterion reports comparable rates.
//!
//! Run with `cargo bench -p intent-syntax --bench parse`, or `scripts/bench-parse.sh`.

mod support;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use intent_source::{FileId, RenderOptions, SourceFile, SourceMap, render};
use std::hint::black_box;
use std::time::Duration;

/// The size of the spec the goal is stated for.
const SPEC_LINES: usize = 100_000;

/// Parses `text` once and panics with the first diagnostic if there is any: a benchmark of a
/// spec that does not parse would measure error recovery instead of parsing.
fn assert_parses_cleanly(text: &str) -> usize {
    let parsed = intent_syntax::parse(FileId(0), text);
    if let Some(first) = parsed.diagnostics.first() {
        let mut sources = SourceMap::new();
        let file = sources.add(SourceFile::new("generated.intent", text));
        assert_eq!(file, FileId(0), "the spec was parsed as file 0");
        panic!(
            "the generated spec has {} diagnostics; the first:\n{}",
            parsed.diagnostics.len(),
            render(first, &sources, RenderOptions::plain())
        );
    }
    parsed.file.items.len()
}

fn parse(c: &mut Criterion) {
    let spec = support::spec::generate_spec(SPEC_LINES);
    let items = assert_parses_cleanly(&spec);
    let json = support::json::generate_json(spec.len());
    serde_json::from_str::<serde_json::Value>(&json).expect("the generated JSON is valid");
    eprintln!(
        "inputs: spec {} lines, {} bytes, {items} items; json {} bytes",
        spec.lines().count(),
        spec.len(),
        json.len()
    );

    let mut group = c.benchmark_group("parse");
    // Two cores shared with other builds: few, long samples.
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));

    group.throughput(Throughput::Bytes(spec.len() as u64));
    group.bench_function("intent", |b| {
        b.iter(|| intent_syntax::parse(FileId(0), black_box(&spec)))
    });

    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function("serde_json", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&json)))
    });

    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
