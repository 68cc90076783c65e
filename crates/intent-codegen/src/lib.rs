//! Code generated between Intent and other tools: JSON Schema for the named types of a plan,
//! Rust test scaffolds that run the specs under `cargo test`, k6 scripts from load blocks,
//! Prometheus alerting rules from monitors, and spec skeletons imported from OpenAPI and
//! Swagger descriptions and from Cucumber feature files.

mod features;
mod jsonschema;
pub mod k6;
mod names;
mod openapi;
mod prometheus_rules;
mod refusal;
mod scaffold;
mod values;

pub use features::{GherkinSpec, StepBinder, StepMatch, Unbound, import_feature};
pub use jsonschema::{DIALECT, json_schema, schema};
pub use k6::{K6Script, k6_scripts};
pub use openapi::{
    Fetch, FetchError, ImportError, Imported, NoFiles, Options, Summary, import_openapi,
};
pub use prometheus_rules::{ALERT_NAME, STREAK_METRIC, prometheus_rules};
pub(crate) use refusal::{Refusal, constant};
pub use scaffold::rust_tests;
