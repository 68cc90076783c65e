//! Code generated between Intent and other tools: JSON Schema for the named types of a plan,
//! Rust test scaffolds that run the specs under `cargo test`, and spec skeletons imported
//! from OpenAPI and Swagger descriptions and from Cucumber feature files.

mod features;
mod jsonschema;
mod names;
mod openapi;
mod scaffold;
mod values;

pub use features::{GherkinSpec, StepBinder, StepMatch, Unbound, import_feature};
pub use jsonschema::{DIALECT, json_schema, schema};
pub use openapi::{
    Fetch, FetchError, ImportError, Imported, NoFiles, Options, Summary, import_openapi,
};
pub use scaffold::rust_tests;
