//! The `check` JSON document (SPEC §6): versioned, deterministic, and the context Markdown
//! templates receive. Its JSON Schema is generated from these types and committed at
//! `specs/check.schema.json`; a test fails when they drift.

use indexmap::IndexMap;
use serde::Serialize;

use crate::catalog::{Aggregate, Better, DurationUnit, Unit};
pub use crate::data::InputFile;
use crate::diag::Diagnostic;
use crate::spec::model::{Every, ObjectiveKind, Pass, Severity, Status};

/// Version of the document's shape; bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything `goalpost check` found, as one document.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(title = "goalpost check report"))]
pub struct Document {
    /// Always 1 for this shape.
    pub schema_version: u32,
    /// The tool that wrote it.
    pub tool: Tool,
    /// The goal file, as given on the command line.
    pub file: String,
    /// Scorecard title (the goal file's `title`, or its file name).
    pub title: String,
    /// The date the goals were judged on (`--as-of`, or today in `timezone`).
    pub as_of: String,
    /// The goal file's time zone.
    pub timezone: String,
    /// Currency code of currency metrics.
    pub currency: String,
    /// Statuses that fail the check (`--fail-on` or `defaults.fail_on`).
    pub fail_on: Vec<Status>,
    /// Counts per status, and how many goals fail the check.
    pub summary: Summary,
    /// Objectives in file order, each with its goals' ids; goals without one are under `null`.
    pub objectives: Vec<ObjectiveReport>,
    /// Every goal in file order.
    pub goals: Vec<GoalReport>,
    /// Lint findings (data-free and data-dependent) that are not `off`.
    pub lint: Vec<Diagnostic>,
    /// Every data source with the files it read.
    pub sources: Vec<SourceReport>,
    /// Every input file (the goal file first) with its size and SHA-256.
    pub inputs: Vec<InputFile>,
    /// With `--since PREVIOUS.json`: what changed since that run, per goal; `null` without.
    pub changes: Option<super::since::Changes>,
}

/// Name and version of goalpost.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Tool {
    /// `goalpost`.
    pub name: String,
    /// The crate version.
    pub version: String,
}

/// How many goals are in each status.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Summary {
    /// All goals (composites included).
    pub goals: usize,
    /// Goals per status; every status is present, zeros included.
    pub statuses: IndexMap<Status, usize>,
    /// Goals in a `fail_on` status with severity `error`: they make `check` exit 1.
    pub failing: usize,
    /// Lint warnings.
    pub warnings: usize,
}

/// An objective and the goals that serve it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ObjectiveReport {
    /// Objective id; `null` collects goals without an objective.
    pub id: Option<String>,
    /// Human title (the id when none is given).
    pub title: String,
    /// Objective kind.
    pub kind: Option<ObjectiveKind>,
    /// Ids of its goals, in file order.
    pub goals: Vec<String>,
    /// The worst status among its goals.
    pub status: Option<Status>,
}

/// One goal's evaluation.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GoalReport {
    /// Goal id.
    pub id: String,
    /// Title (the id when none is given).
    pub title: String,
    /// Objective id.
    pub objective: Option<String>,
    /// Owner.
    pub owner: Option<String>,
    /// Why the goal matters.
    pub why: Option<String>,
    /// Free-text notes.
    pub notes: Option<String>,
    /// `error` or `warn`.
    pub severity: Severity,
    /// Line of the goal in the goal file (1-based).
    pub line: usize,
    /// Column of the goal in the goal file (1-based).
    pub column: usize,
    /// The metric (absent for composite goals).
    pub metric: Option<MetricReport>,
    /// Platforms the goal covers; `null` for all.
    pub platforms: Option<Vec<String>>,
    /// Accounts the goal covers; `null` for all.
    pub accounts: Option<Vec<String>>,
    /// `where:` filters, column → accepted values.
    #[serde(rename = "where")]
    pub filter: IndexMap<String, Vec<String>>,
    /// The window judged.
    pub window: Option<WindowReport>,
    /// The baseline, when the goal has one.
    pub baseline: Option<BaselineReport>,
    /// The target.
    pub target: Option<TargetReport>,
    /// The value over the observed window; `null` when undefined.
    pub actual: Option<f64>,
    /// The value expected at the deadline at the current pace.
    pub projected: Option<f64>,
    /// Sum metrics: where the pace line says the value should be today (target × f).
    pub expected: Option<f64>,
    /// Share of the way to the target (1 = there).
    pub progress: Option<f64>,
    /// Sum metrics: what each remaining day must add to meet the target.
    pub needed_per_day: Option<f64>,
    /// Sum metrics: the date the current pace reaches the target.
    pub eta: Option<String>,
    /// The status.
    pub status: Status,
    /// For a `no_data` goal, why there is nothing to judge: an empty source, a platform,
    /// account or `where:` value no row has (with the values the data holds), data that ends
    /// before the window, a current bucket without data yet, a zero denominator.
    pub reason: Option<String>,
    /// A recurring goal whose current bucket has no data yet is judged on its last complete
    /// bucket; this says so ("this week … is waiting for data; judged on the last complete
    /// week …: achieved").
    pub judged_on: Option<String>,
    /// Late data (`settles:` on a source): the provisional days the goal reads. They count in
    /// `actual`; the status, `projected`, `expected` and `progress` use the settled days only,
    /// and `judged_on` says so.
    pub provisional: Option<ProvisionalReport>,
    /// Whether this goal makes `check` fail (a `fail_on` status and severity `error`).
    pub failing: bool,
    /// The newest data date of the goal's sources (L), before filters.
    pub data_end: Option<String>,
    /// Warnings: vanity, stale, incomplete, small-sample, non-additive, lint.
    pub warnings: Vec<GoalWarning>,
    /// Daily values over the observed window, for sparklines (not for composites).
    pub daily: Option<DailySeries>,
    /// Recurring goals: every bucket, in order.
    pub buckets: Option<Vec<BucketReport>>,
    /// Recurring goals: met closed buckets in a row, ending with the latest closed one.
    pub streak: Option<usize>,
    /// Composite goals: member ids.
    pub members: Option<Vec<String>>,
}

/// A metric as the report shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MetricReport {
    /// Metric id.
    pub id: String,
    /// Human title.
    pub title: String,
    /// Unit of the value.
    pub unit: Unit,
    /// Unit of a duration metric.
    pub duration_unit: Option<DurationUnit>,
    /// Currency code, for currency metrics.
    pub currency: Option<String>,
    /// Better direction.
    pub better: Option<Better>,
    /// Aggregation over the window.
    pub aggregate: Aggregate,
    /// Vanity metric.
    pub vanity: bool,
    /// Not additive across days.
    pub non_additive: bool,
    /// Formula, for derived metrics.
    pub formula: Option<String>,
}

impl MetricReport {
    /// A value in this metric's unit (`12,345`, `4.5%`, `€6.50`); none → `–`.
    pub fn show(&self, v: Option<f64>) -> String {
        let currency = self
            .currency
            .as_deref()
            .unwrap_or(crate::resolve::defaults::CURRENCY);
        super::format::value(v, self.unit, self.duration_unit, currency)
    }
}

/// The window a goal is judged on.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WindowReport {
    /// First day (for an open window: the first data date).
    pub start: Option<String>,
    /// Last day; `null` for a standing rolling goal.
    pub deadline: Option<String>,
    /// Days in the window.
    pub days: Option<i64>,
    /// Whether the start came from the data, not the goal file ("since `<date>`").
    pub open_start: bool,
    /// Last day of the observed window: min(deadline, as-of, data end).
    pub observed_end: Option<String>,
    /// Days observed.
    pub observed_days: i64,
    /// Rolling goals: the window length in days.
    pub rolling: Option<u32>,
    /// Recurring goals: the bucket size.
    pub every: Option<Every>,
    /// Recurring goals: how buckets are judged.
    pub pass: Option<Pass>,
}

/// The provisional days of a goal's sources.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProvisionalReport {
    /// The first provisional day.
    pub from: String,
    /// The last (the newest data day, or the as-of date when earlier).
    pub to: String,
    /// The last settled day: what the status is judged as of.
    pub settled_through: String,
    /// The sources whose `settles:` makes these days provisional.
    pub sources: Vec<String>,
}

/// A baseline and where its value came from.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BaselineReport {
    /// The value; `null` when the data gives none.
    pub value: Option<f64>,
    /// First day of a baseline computed from data.
    pub start: Option<String>,
    /// Last day of a baseline computed from data.
    pub end: Option<String>,
}

/// A target resolved to numbers.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TargetReport {
    /// `at_least`, `at_most`, `increase`, `decrease` or `between`.
    pub kind: String,
    /// The literal(s) as written (`20%`, `300`).
    pub written: String,
    /// Lowest value that meets the target (`null`: unbounded).
    pub low: Option<f64>,
    /// Highest value that meets the target (`null`: unbounded).
    pub high: Option<f64>,
    /// The number progress and pace aim at: `low` for at-least targets, `high` for at-most.
    pub value: Option<f64>,
}

/// A warning attached to a goal.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GoalWarning {
    /// Kebab-case code: `vanity-metric`, `stale`, `incomplete`, `small-sample`, or a lint rule.
    pub code: String,
    /// One sentence.
    pub message: String,
}

/// Daily values, one per day from `start`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DailySeries {
    /// Date of the first value.
    pub start: String,
    /// One value per day; `null` where the day has none.
    pub values: Vec<Option<f64>>,
}

/// One calendar bucket of a recurring goal.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BucketReport {
    /// First day.
    pub start: String,
    /// Last day.
    pub end: String,
    /// Value over the bucket's observed part.
    pub actual: Option<f64>,
    /// Projected value at the bucket's end.
    pub projected: Option<f64>,
    /// The bucket's status.
    pub status: Status,
    /// Whether the observed days end before the bucket does (the current bucket, or data that
    /// stops early): `actual` covers only part of it.
    pub partial: bool,
}

/// A data source and what was read from it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SourceReport {
    /// Source id.
    pub id: String,
    /// Files the path or glob matched.
    pub files: Vec<String>,
    /// Whether rows are daily activity or lifetime totals per post.
    pub totals: String,
    /// Metrics the source provides.
    pub metrics: Vec<String>,
    /// Data rows read.
    pub rows: u64,
    /// Rows skipped as malformed (`on_error: skip`).
    pub skipped_rows: u64,
    /// Total rows dropped (`skip_rows_matching`, a preset, or a known "Total" label).
    pub total_rows: u64,
    /// Rows with values but no date, which no window can count (`undated-rows` warns).
    pub undated_rows: u64,
    /// How the source was read where goalpost had to decide (an encoding guessed, Excel's
    /// wrapping undone).
    pub notes: Vec<String>,
    /// First data date.
    pub first_date: Option<String>,
    /// Last data date.
    pub last_date: Option<String>,
    /// For a query source (`sql:`), what the database ran and returned; absent for files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sql: Option<SqlReport>,
}

/// What a query source's database ran and returned (docs/sql.md): enough to trace a scorecard
/// to the query and the server. Never a URL or a credential.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SqlReport {
    /// SHA-256 of the `sql:` text, lowercase hex.
    pub query_sha256: String,
    /// The server's `SELECT version()`.
    pub server_version: String,
    /// Rows the query returned to the aggregate, every day of them.
    pub query_rows: u64,
    /// Of those, the rows summed into what goalpost fetched.
    pub rows_aggregated: u64,
    /// (day, series) rows fetched.
    pub groups: u64,
    /// First day fetched (`null`: from the first); absent when every day was fetched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<Option<String>>,
    /// Last day fetched; absent when every day was fetched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<Option<String>>,
}

/// The committed schema of the document (`specs/check.schema.json`).
pub const CHECK_SCHEMA_TEXT: &str = include_str!("../../specs/check.schema.json");

/// The document's JSON Schema, generated from these types.
#[cfg(feature = "schema")]
pub fn generate_schema() -> String {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<Document>();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
