//! Source files, spans and diagnostics: the vocabulary every stage of Intent shares.
//!
//! A stage reports problems as [`Diagnostic`] values pointing into a [`SourceMap`]; only the
//! command line decides how they are shown (graphical with miette, or JSON), so the stages never
//! print anything themselves.

mod codes;
mod diagnostic;
mod excerpt;
mod render;
mod source;
mod span;
mod suggest;
mod tree;

pub use codes::{CODES, Code, CodeInfo, code};
pub use diagnostic::{Diagnostic, Label, Severity};
pub use render::{JsonDiagnostic, RenderOptions, render, render_snippet, to_json};
pub use source::{FileId, LineCol, SourceFile, SourceMap};
pub use span::Span;
pub use suggest::did_you_mean;
pub use tree::{DataSample, FileProblem, SourceTree, TreeFile, normalise, resolve};
