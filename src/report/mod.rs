//! Stage 5 of the pipeline: the evaluation as a versioned JSON document (SPEC §6), and that
//! document rendered as text, Markdown (minijinja templates), JUnit XML or GitHub workflow
//! commands.

pub mod annotations;
pub mod build;
pub mod document;
pub mod format;
pub mod junit;
pub mod markdown;
pub mod notify;
pub mod render;
pub mod since;
pub mod text;

pub use document::Document;
