//! Code generated between Intent and other tools: JSON Schema for the named types of a plan,
//! Rust test scaffolds that run the specs under `cargo test`, k6 scripts from load blocks,
//! Prometheus alerting rules from monitors, and spec skeletons imported from OpenAPI
//! documents.

mod jsonschema;
pub mod k6;
mod openapi;
mod prometheus_rules;
mod refusal;
mod scaffold;

pub use jsonschema::{DIALECT, json_schema, schema};
pub use k6::{K6Script, k6_scripts};
pub use openapi::{ImportError, import_openapi};
pub use prometheus_rules::{ALERT_NAME, STREAK_METRIC, prometheus_rules};
pub(crate) use refusal::{Refusal, constant};
pub use scaffold::rust_tests;
