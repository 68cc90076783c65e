//! Code generated from a plan for other tools: JSON Schema for the named types, and Rust test
//! scaffolds that run the specs under `cargo test`.

mod jsonschema;
mod scaffold;

pub use jsonschema::{DIALECT, json_schema, schema};
pub use scaffold::rust_tests;
