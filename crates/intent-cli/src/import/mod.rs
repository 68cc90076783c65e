//! `intent import`: spec skeletons from what teams already have, an OpenAPI or Swagger
//! description ([`openapi`]) or Cucumber feature files ([`gherkin`]). Every skeleton is checked
//! before it is written, so what is written always passes `intent check`.

mod files;
mod gherkin;
mod openapi;
mod yaml;

pub use gherkin::gherkin;
pub use openapi::openapi;

use intent_source::Diagnostic;
use std::path::Path;

/// `intent check` of a generated spec shown as `shown`, read with the spec files it imports
/// and datasets under `root`: the files and the errors (warnings are expected: a skeleton may
/// not use everything it declares).
fn check_spec(spec: &str, shown: &Path, root: &Path) -> (intent_check::Loaded, Vec<Diagnostic>) {
    let project = intent_project::Project::new(root.to_path_buf(), None, false);
    let checked = intent_check::check(&project.tree_of_text(shown, spec.to_string()));
    let loaded = checked.loaded;
    let errors = checked
        .diagnostics
        .into_iter()
        .filter(|d| d.severity == intent_source::Severity::Error)
        .collect();
    (loaded, errors)
}

/// The errors of [`check_spec`], rendered.
fn errors_of(spec: &str, shown: &Path, root: &Path) -> Vec<String> {
    let (loaded, errors) = check_spec(spec, shown, root);
    errors
        .iter()
        .map(|d| intent_source::render(d, &loaded.sources, intent_source::RenderOptions::plain()))
        .collect()
}
