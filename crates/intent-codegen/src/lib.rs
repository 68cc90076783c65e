//! Code generated between Intent and other tools: JSON Schema for the named types of a plan,
//! Rust test scaffolds that run the specs under `cargo test`, and spec skeletons imported
//! from OpenAPI and Swagger descriptions.

mod jsonschema;
mod openapi;
mod scaffold;

pub use jsonschema::{DIALECT, json_schema, schema};
pub use openapi::{
    Fetch, FetchError, ImportError, Imported, NoFiles, Options, Summary, import_openapi,
};
pub use scaffold::rust_tests;
