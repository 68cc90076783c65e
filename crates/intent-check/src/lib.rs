//! Semantic analysis of Intent specs: loading a spec set with its imports, then (in later
//! modules) resolving names, types, units, steps and datasets, and lowering to the plan.

mod load;

pub use load::{Loaded, LoadedFile, load, spec_files_in};
