//! Inputs for the benchmarks, generated in code so that no large fixture is committed.

pub mod json;
pub mod spec;
