//! `intent import`: spec skeletons from what teams already have, an OpenAPI or Swagger
//! description ([`openapi`]) or Cucumber feature files ([`gherkin`]). Every skeleton is checked
//! before it is written, so what is written always passes `intent check`.

mod files;
mod openapi;
mod yaml;

pub use openapi::openapi;

use std::path::Path;

/// The errors `intent check` finds in a generated spec shown as `shown`, read with the spec
/// files it imports from `root` (warnings are expected: a skeleton may not use everything it
/// declares).
fn errors_of(spec: &str, shown: &Path, root: &Path) -> Vec<String> {
    let loaded = intent_check::load_text(shown, spec.to_string());
    let options = intent_check::CheckOptions {
        project_root: Some(root.to_path_buf()),
        allow_outside_root: false,
    };
    let checked = intent_check::check(&loaded, &options);
    checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == intent_source::Severity::Error)
        .map(|d| intent_source::render(d, &loaded.sources, intent_source::RenderOptions::plain()))
        .collect()
}
