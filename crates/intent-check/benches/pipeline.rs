//! How fast the whole front end turns a large spec into a plan: reading the file, parsing it,
//! resolving names, type-checking, verifying the datasets and lowering to the plan — what
//! `intent check` does before it prints anything.
//!
//! The goal (see docs/performance.md) is a 100,000-line spec handled well under a second. The
//! spec is the parser benchmark's (`intent-syntax/benches/support/spec.rs`, included below so
//! both benchmarks measure the same text); it is written to a temporary folder with an
//! `intent.toml` and the small JSON Lines dataset each of its areas reads, checked once
//! outside the measurement (any error diagnostic stops the benchmark, rendered), and then
//! measured with its byte count as throughput.
//!
//! Two functions, so the share of the checker can be read off:
//! - `pipeline/read`: the project layer reads the spec and its datasets into a source tree;
//! - `pipeline/read_check`: that, then `check` (parse, resolve, type, lower), dropping the
//!   plan.
//!
//! Run with `cargo bench -p intent-check --bench pipeline`.

#[path = "../../intent-syntax/benches/support/spec.rs"]
mod spec;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use intent_check::check;
use intent_project::{Overlays, Project};
use intent_source::{RenderOptions, render};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The size of the spec the goal is stated for.
const SPEC_LINES: usize = 100_000;

/// One row that fits the columns every generated dataset declares.
const DATASET_ROW: &str =
    r#"{"question":"Where is my parcel?","answer":"On its way.","team":"shipping"}"#;

/// Writes the spec, an `intent.toml` (so the folder is the project root, as for `intent
/// check` run in a project) and every dataset the spec declares. Returns the spec's path.
fn write_project(dir: &Path, text: &str) -> PathBuf {
    std::fs::write(dir.join("intent.toml"), "specs = [\"generated.intent\"]\n")
        .expect("write intent.toml");
    let spec = dir.join("generated.intent");
    std::fs::write(&spec, text).expect("write the spec");
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("dataset ") else {
            continue;
        };
        let path = rest
            .split('"')
            .nth(1)
            .expect("a generated dataset names its file in quotes");
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().expect("a dataset file has a folder"))
            .expect("create the dataset folder");
        std::fs::write(&file, format!("{DATASET_ROW}\n")).expect("write a dataset");
    }
    spec
}

/// Loads and checks once and panics with the first error, rendered, if there is any: a
/// benchmark of a spec with errors would measure error reporting instead of checking.
/// Returns a description of what was checked.
fn assert_checks_cleanly(project: &Project, paths: &[PathBuf]) -> String {
    let checked = check(&project.tree(paths, &Overlays::new()));
    let loaded = &checked.loaded;
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    if let Some(first) = errors.first() {
        panic!(
            "the generated spec has {} error diagnostics; the first:\n{}",
            errors.len(),
            render(first, &loaded.sources, RenderOptions::plain())
        );
    }
    let plan = &checked.plan;
    format!(
        "{} files, {} warnings; plan: {} intents, {} steps, {} types, {} datasets, {} evaluations, {} loads, {} policies, {} monitors",
        loaded.files.len(),
        checked.diagnostics.len(),
        plan.intents.len(),
        plan.steps.len(),
        plan.types.len(),
        plan.datasets.len(),
        plan.evaluations.len(),
        plan.loads.len(),
        plan.policies.len(),
        plan.monitors.len()
    )
}

fn pipeline(c: &mut Criterion) {
    let text = spec::generate_spec(SPEC_LINES);
    let dir = tempfile::tempdir().expect("create a temporary folder");
    let paths = vec![write_project(dir.path(), &text)];
    // As `intent check` does: the root is the folder holding intent.toml above the spec.
    let project = Project::discover(&paths, false).expect("the generated intent.toml reads");
    let summary = assert_checks_cleanly(&project, &paths);
    eprintln!(
        "input: spec {} lines, {} bytes; {summary}",
        text.lines().count(),
        text.len()
    );

    let mut group = c.benchmark_group("pipeline");
    // Two cores shared with other builds: few, long samples.
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Bytes(text.len() as u64));

    let none = Overlays::new();
    group.bench_function("read", |b| {
        b.iter(|| project.tree(black_box(&paths), &none))
    });
    group.bench_function("read_check", |b| {
        b.iter(|| check(&project.tree(black_box(&paths), &none)))
    });

    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
