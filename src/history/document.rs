//! The `history` JSON document: every goal's status, value and pace on each date of a range.
//! Versioned and deterministic; its JSON Schema is generated from these types and committed at
//! `specs/history.schema.json` (a test fails when they drift).

use serde::Serialize;

use crate::cli::HistoryStep;
use crate::data::InputFile;
use crate::report::document::{MetricReport, Tool};
use crate::spec::model::Severity;
use crate::vocab::Status;

/// Version of the document's shape; bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything `goalpost history` found, as one document.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(title = "goalpost history report"))]
pub struct HistoryDocument {
    /// Always 1 for this shape.
    pub schema_version: u32,
    /// The tool that wrote it.
    pub tool: Tool,
    /// The goal file, as given on the command line.
    pub file: String,
    /// Title (the goal file's `title`, or its file name).
    pub title: String,
    /// The goal file's time zone.
    pub timezone: String,
    /// Currency code of currency metrics.
    pub currency: String,
    /// `--from`.
    pub from: String,
    /// `--to` (default: today in `timezone`).
    pub to: String,
    /// `--every`: how far apart the dates are.
    pub every: HistoryStep,
    /// The dates the goals were judged as of, oldest first; the last is `to`.
    pub dates: Vec<String>,
    /// Every goal in file order.
    pub goals: Vec<GoalHistory>,
    /// Every input file (the goal file first) with its size and SHA-256.
    pub inputs: Vec<InputFile>,
}

/// One goal over the dates.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GoalHistory {
    /// Goal id.
    pub id: String,
    /// Title (the id when none is given).
    pub title: String,
    /// Owner.
    pub owner: Option<String>,
    /// `error` or `warn`.
    pub severity: Severity,
    /// Line of the goal in the goal file (1-based).
    pub line: usize,
    /// Column of the goal in the goal file (1-based).
    pub column: usize,
    /// The metric (absent for composite goals).
    pub metric: Option<MetricReport>,
    /// The number progress and pace aim at (the target's `low` for at-least targets, else its
    /// `high`), as on the newest date that has one.
    pub target: Option<f64>,
    /// One point per date, in the order of `dates`.
    pub points: Vec<Point>,
    /// The dates where the status differs from the date before (the first date included):
    /// when a goal started to slip, or recovered.
    pub changes: Vec<StatusChange>,
}

/// A goal as of one date, as `check --as-of` that date reports it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Point {
    /// The as-of date.
    pub as_of: String,
    /// The status (a composite's: its worst member's).
    pub status: Status,
    /// The value over the observed window; `null` when undefined.
    pub actual: Option<f64>,
    /// Sum metrics: where the pace line says the value should be on this date.
    pub expected: Option<f64>,
    /// The value expected at the deadline at the pace so far.
    pub projected: Option<f64>,
    /// Share of the way to the target (1 = there).
    pub progress: Option<f64>,
    /// For a `no_data` point, why there is nothing to judge.
    pub reason: Option<String>,
}

/// A status that differs from the date before.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatusChange {
    /// The first date with the new status.
    pub as_of: String,
    /// The status on the date before; `null` on the first date.
    pub from: Option<Status>,
    /// The new status.
    pub to: Status,
}

/// The committed schema of the document (`specs/history.schema.json`).
pub const HISTORY_SCHEMA_TEXT: &str = include_str!("../../specs/history.schema.json");

/// The document's JSON Schema, generated from these types.
#[cfg(feature = "schema")]
pub fn generate_schema() -> String {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<HistoryDocument>();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
