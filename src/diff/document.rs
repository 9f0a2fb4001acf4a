//! The `diff -f json` document: versioned, deterministic, and what every other format renders.
//! Its JSON Schema is generated from these types and committed at `specs/diff.schema.json`; a
//! test fails when they drift.

use serde::Serialize;

use super::{Change, Effect};
pub use crate::report::document::Tool;

/// Version of the document's shape; bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

/// The committed schema of the document.
pub const DIFF_SCHEMA_TEXT: &str = include_str!("../../specs/diff.schema.json");

/// What changed in the goals between two versions of a goal file.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(title = "goalpost diff report"))]
pub struct DiffDocument {
    /// Always 1 for this shape.
    pub schema_version: u32,
    /// The tool that wrote it.
    pub tool: Tool,
    /// The goal file's path from the repository root (what GitHub annotations point at).
    pub file: String,
    /// The version compared against (`--base`).
    pub base: Revision,
    /// The version compared (`--head`, or the working tree).
    pub head: Revision,
    /// How many changes of each effect.
    pub summary: DiffSummary,
    /// Every change: loosened, then tightened, then the rest; file-wide settings first, then
    /// goals in head-file order, then removed goals in base-file order.
    pub changes: Vec<Change>,
}

/// One version of the goal file.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Revision {
    /// The git revision as given; `null` for the working tree.
    pub rev: Option<String>,
    /// The file's name in messages: `origin/main:goals.yaml`, or the path as given.
    pub file: String,
    /// Whether the goal file exists in this version; a base without it (a new goal file) makes
    /// every goal `added`.
    pub exists: bool,
}

/// Counts of changes by effect.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DiffSummary {
    /// All changes.
    pub changes: usize,
    /// Changes that loosen a goal (what `--fail-on-loosened` fails on).
    pub loosened: usize,
    /// Changes that tighten a goal.
    pub tightened: usize,
    /// Changes that neither loosen nor tighten, or cannot be ordered without data.
    pub neutral: usize,
    /// Loosened changes that give no reason (the `loosened-without-reason` finding): what
    /// `--fail-on-loosened --allow-explained` fails on.
    pub unexplained: usize,
}

impl DiffDocument {
    /// The document for `changes` (already sorted) between `base` and `head`.
    pub fn new(file: String, base: Revision, head: Revision, changes: Vec<Change>) -> Self {
        let count = |e: Effect| changes.iter().filter(|c| c.effect == e).count();
        let summary = DiffSummary {
            changes: changes.len(),
            loosened: count(Effect::Loosened),
            tightened: count(Effect::Tightened),
            neutral: count(Effect::Neutral),
            unexplained: changes.iter().filter(|c| c.finding.is_some()).count(),
        };
        DiffDocument {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "goalpost".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            file,
            base,
            head,
            summary,
            changes,
        }
    }

    /// Whether any change loosens a goal.
    pub fn loosens(&self) -> bool {
        self.summary.loosened > 0
    }

    /// Whether `--fail-on-loosened` fails: on any loosened change, or with `allow_explained`
    /// (`--allow-explained`) only on one that gives no reason.
    pub fn fails_gate(&self, allow_explained: bool) -> bool {
        if allow_explained {
            self.summary.unexplained > 0
        } else {
            self.loosens()
        }
    }

    /// The document as pretty JSON, ending in a newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The document's JSON Schema, generated from these types.
#[cfg(feature = "schema")]
pub fn generate_schema() -> String {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<DiffDocument>();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
