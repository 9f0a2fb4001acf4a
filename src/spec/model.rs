//! The goal file as typed data (SPEC §1). Every struct denies unknown keys; the JSON Schema in
//! `specs/goalpost.schema.json` is generated from these types (`goalpost schema`), and a test
//! fails when the committed file drifts from them.

#[cfg(feature = "schema")]
use std::borrow::Cow;

use indexmap::IndexMap;
#[cfg(feature = "schema")]
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use super::scalars::{
    CurrencyCode, Date, Days, Id, PeriodName, Quantity, QuantityKind, SnakeId, Version,
};
use crate::catalog::{Aggregate, Better, DurationUnit, Stage, Unit};
use crate::diag::Level;
use crate::rules::RuleId;
pub use crate::vocab::Status;

/// A goalpost goal file: SMART social-media KPI goals, the objectives they serve, and where
/// their numbers come from.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(title = "goalpost goal file"))]
pub struct GoalFile {
    /// Format version; the only version is 1.
    pub version: Version,
    /// Scorecard title.
    #[serde(default)]
    pub title: Option<String>,
    /// IANA time zone that decides "today" (default UTC).
    #[serde(default)]
    pub timezone: Option<String>,
    /// Currency code shown with currency metrics (default EUR).
    #[serde(default)]
    pub currency: Option<CurrencyCode>,
    /// Business objectives the goals serve (the R of SMART), by id.
    #[serde(default)]
    pub objectives: IndexMap<Id, Objective>,
    /// Platform ids beyond the built-in ones.
    #[serde(default)]
    pub platforms: Vec<SnakeId>,
    /// Custom metrics, or overrides of built-in ones, by metric id.
    #[serde(default)]
    pub metrics: IndexMap<SnakeId, MetricSpec>,
    /// Where the numbers come from, by source id.
    #[serde(default)]
    pub sources: IndexMap<Id, Source>,
    /// Defaults for every goal.
    #[serde(default)]
    pub defaults: Defaults,
    /// Rule id → level (`off`, `warn`, `error`).
    #[serde(default)]
    pub lint: IndexMap<RuleId, Level>,
    /// The goals.
    #[serde(default)]
    pub goals: Vec<Goal>,
}

/// A business objective.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Objective {
    /// What kind of objective it is.
    pub kind: ObjectiveKind,
    /// Human title.
    #[serde(default)]
    pub title: Option<String>,
}

/// The four kinds of business objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ObjectiveKind {
    /// Grow revenue.
    Revenue,
    /// Cut cost.
    Cost,
    /// Grow awareness and reputation.
    Awareness,
    /// Keep customers.
    Retention,
}

/// A custom metric, or an override of a built-in one. Unset fields keep the built-in value (or
/// the defaults `count`, `higher`, `sum` for a new metric).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MetricSpec {
    /// Human title.
    #[serde(default)]
    pub title: Option<String>,
    /// One-line definition.
    #[serde(default)]
    pub description: Option<String>,
    /// Unit of the value.
    #[serde(default)]
    pub unit: Option<Unit>,
    /// Unit of a duration metric.
    #[serde(default)]
    pub duration_unit: Option<DurationUnit>,
    /// Better direction.
    #[serde(default)]
    pub better: Option<Better>,
    /// Aggregation over a window.
    #[serde(default)]
    pub aggregate: Option<Aggregate>,
    /// Funnel stage.
    #[serde(default)]
    pub stage: Option<Stage>,
    /// Whether the metric is a vanity metric.
    #[serde(default)]
    pub vanity: Option<bool>,
    /// Whether the metric is not additive across days.
    #[serde(default)]
    pub non_additive: Option<bool>,
    /// Expression over other metric ids: numbers, ids, `+ - * /`, parentheses.
    #[serde(default)]
    pub formula: Option<String>,
}

/// A data source: an export file (or glob), or a query on a PostgreSQL database (`sql:` and
/// `url:`, docs/sql.md), and how to read it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// File path or glob, relative to the goal file (a file source).
    #[serde(default)]
    pub path: Option<String>,
    /// A `SELECT` whose rows are the source's rows (a query source; needs `url:`). goalpost
    /// wraps it and asks the database for daily sums (docs/sql.md).
    #[serde(default)]
    pub sql: Option<String>,
    /// Where the query runs: `env:NAME`, the environment variable holding a PostgreSQL URL
    /// (`postgres://user:password@host:5432/db`). A literal URL is an error: it would put a
    /// password in git.
    #[serde(default)]
    pub url: Option<String>,
    /// File format (default: from the extension).
    #[serde(default)]
    pub format: Option<SourceFormat>,
    /// A preset for a common platform export.
    #[serde(default)]
    pub preset: Option<String>,
    /// `wide` (a column per metric, default) or `long` (metric and value columns).
    #[serde(default)]
    pub layout: Option<Layout>,
    /// Whether rows hold activity within a day (`daily`, default) or lifetime totals per post.
    #[serde(default)]
    pub totals: Option<Totals>,
    /// Constant platform of every row.
    #[serde(default)]
    pub platform: Option<SnakeId>,
    /// Column holding the platform.
    #[serde(default)]
    pub platform_column: Option<String>,
    /// Constant account of every row.
    #[serde(default)]
    pub account: Option<String>,
    /// Column holding the account.
    #[serde(default)]
    pub account_column: Option<String>,
    /// Column holding the date (default `date`, any case).
    #[serde(default)]
    pub date_column: Option<String>,
    /// strftime format of the date column.
    #[serde(default)]
    pub date_format: Option<String>,
    /// Time zone of naive date-times in the file (default: the goal file's).
    #[serde(default)]
    pub timezone: Option<String>,
    /// Header → metric id.
    #[serde(default)]
    pub columns: IndexMap<String, SnakeId>,
    /// Long layout: column holding the metric id.
    #[serde(default)]
    pub metric_column: Option<String>,
    /// Long layout: column holding the value.
    #[serde(default)]
    pub value_column: Option<String>,
    /// CSV delimiter: `,` `;` `|`, or a tab (`"\t"` or `tab`); default: sniffed from the header.
    #[serde(default)]
    pub delimiter: Option<Delimiter>,
    /// Decimal sign (default `.`).
    #[serde(default)]
    pub decimal: Option<DecimalSign>,
    /// Rows to skip before the header (description rows).
    #[serde(default)]
    pub skip_rows: Option<u32>,
    /// Skip data rows whose first cell equals one of these (total rows).
    #[serde(default)]
    pub skip_rows_matching: Vec<String>,
    /// What to do with a malformed cell.
    #[serde(default)]
    pub on_error: Option<OnError>,
    /// Each data row is one of these: every dated row adds 1 to this metric on its date
    /// (`count_rows: posts` on a per-post export makes "3 posts a week" a goal).
    #[serde(default)]
    pub count_rows: Option<SnakeId>,
    /// Which block of a file with several (each after a blank line, with its own title record
    /// and header) to read: its title record (`Instagram follows`) or its header line.
    #[serde(default)]
    pub block: Option<String>,
    /// The text encoding of a CSV export that is not UTF-8 or UTF-16 (`windows-1252`,
    /// `windows-1250`, `windows-1251`, `iso-8859-2`, … any WHATWG label).
    #[serde(default)]
    pub encoding: Option<String>,
    /// The year of the newest row, for dates written without a year (`February 28`): every
    /// earlier row is the latest such day on or before the row after it.
    #[serde(default)]
    pub year: Option<i16>,
    /// Which sheet of a workbook to read (default: the first).
    #[serde(default)]
    pub sheet: Option<String>,
    /// How long the platform keeps revising a day's numbers (`3d`: GA4; Meta's look-back): the
    /// source's newest days within it are provisional. They count in the actual; the status
    /// and the pace use the settled days only (docs/evaluation.md, "Late data").
    #[serde(default)]
    pub settles: Option<Days>,
    /// Read numbers the export abbreviates (`1.2K`, `3.4M`, `1B`) as thousands, millions and
    /// billions. Off by default: an abbreviation is rounded, so the total is approximate.
    #[serde(default)]
    pub abbreviated: Option<bool>,
}

/// Data file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    /// Comma-, semicolon- or tab-separated values.
    Csv,
    /// A JSON array of objects.
    Json,
    /// One JSON object per line.
    Ndjson,
    /// A spreadsheet workbook: `.xlsx`, `.xlsm`, `.xlsb`, `.xls` or `.ods` (one sheet is read).
    Excel,
}

/// Table layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// One column per metric.
    Wide,
    /// A metric column and a value column.
    Long,
}

/// What a row's numbers cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Totals {
    /// Activity within the row's day.
    Daily,
    /// Lifetime totals per post as of the export day.
    Lifetime,
}

/// CSV delimiters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Delimiter {
    /// `,`
    #[serde(rename = ",")]
    Comma,
    /// `;`
    #[serde(rename = ";")]
    Semicolon,
    /// A tab, written `"\t"` or `tab`.
    #[serde(rename = "\t", alias = "tab")]
    Tab,
    /// `|`
    #[serde(rename = "|")]
    Pipe,
}

/// Written by hand because schemars does not see serde's `alias`: the schema must accept `tab`
/// wherever the types do. One `const` per spelling keeps "expected one of" messages.
#[cfg(feature = "schema")]
impl JsonSchema for Delimiter {
    fn schema_name() -> Cow<'static, str> {
        "Delimiter".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "CSV delimiters.",
            "oneOf": [
                {"description": "`,`", "type": "string", "const": ","},
                {"description": "`;`", "type": "string", "const": ";"},
                {"description": "A tab.", "type": "string", "const": "\t"},
                {"description": "A tab, written as the word.", "type": "string", "const": "tab"},
                {"description": "`|`", "type": "string", "const": "|"},
            ],
        })
    }
}

/// Decimal signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum DecimalSign {
    /// `.` (thousands separator `,`).
    #[serde(rename = ".")]
    Point,
    /// `,` (thousands separator `.`).
    #[serde(rename = ",")]
    Comma,
}

/// Handling of malformed cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OnError {
    /// Stop with an error naming file, line, column and value (default).
    Fail,
    /// Skip the row and count it in the report.
    Skip,
}

/// Defaults for every goal.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// At-risk band as a share of the target (default `10%`).
    #[serde(default)]
    pub tolerance: Option<Quantity>,
    /// Warn when the newest data row is older than this (default `7d`).
    #[serde(default)]
    pub stale_after: Option<Days>,
    /// Statuses that make `check` exit 1 (default `[off_track, missed]`).
    #[serde(default)]
    pub fail_on: Option<Vec<Status>>,
    /// Smallest denominator total a rate is trusted on (default 100).
    #[serde(default)]
    pub min_sample: Option<u64>,
    /// How running sums are paced: `linear` (default), `seasonal` or `weekday`.
    #[serde(default)]
    pub pace: Option<crate::vocab::Pace>,
}

/// One SMART goal, or a composite of goals (`all_of`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// Unique id.
    pub id: Id,
    /// Human title (default: the id).
    #[serde(default)]
    pub title: Option<String>,
    /// The objective the goal serves.
    #[serde(default)]
    pub objective: Option<Id>,
    /// The metric measured.
    #[serde(default)]
    pub metric: Option<SnakeId>,
    /// Platform id, list of ids, or `all` (default all).
    #[serde(default)]
    pub platform: Option<OneOrMany<SnakeId>>,
    /// Account, list of accounts, or `all` (default all).
    #[serde(default)]
    pub account: Option<OneOrMany<String>>,
    /// Filter on other source columns: column → value or list of values.
    #[serde(default, rename = "where")]
    pub filter: IndexMap<String, OneOrMany<FilterValue>>,
    /// Named period, or `{start, deadline}`; sugar for `start` + `deadline`.
    #[serde(default)]
    pub period: Option<Period>,
    /// First day of the window.
    #[serde(default)]
    pub start: Option<Date>,
    /// Last day of the window.
    #[serde(default)]
    pub deadline: Option<Date>,
    /// Split the window into calendar buckets; the target applies to each.
    #[serde(default)]
    pub every: Option<Every>,
    /// Recurring goals: judge by the current bucket (default) or by all closed buckets.
    #[serde(default)]
    pub pass: Option<Pass>,
    /// Judge the last N days up to the as-of date (`7d`, `4w`).
    #[serde(default)]
    pub rolling: Option<Days>,
    /// The value to measure change against.
    #[serde(default)]
    pub baseline: Option<Baseline>,
    /// The target.
    #[serde(default)]
    pub target: Option<Target>,
    /// The at-risk band of this goal as a share of the target (default:
    /// `defaults.tolerance`).
    #[serde(default)]
    pub tolerance: Option<Quantity>,
    /// How a goal on a level metric (`aggregate: last`) is projected: `trend` (default) or
    /// `level`.
    #[serde(default)]
    pub projection: Option<crate::vocab::Projection>,
    /// How a running sum is paced (default: `defaults.pace`, else `linear`): `seasonal` follows
    /// the daily shape of the baseline period (or of the same window a year earlier),
    /// `weekday` the weekday profile of the observed data.
    #[serde(default)]
    pub pace: Option<crate::vocab::Pace>,
    /// Composite goal: met when every listed goal is met.
    #[serde(default)]
    pub all_of: Option<Vec<Id>>,
    /// Who answers for the goal.
    #[serde(default)]
    pub owner: Option<String>,
    /// Why this goal matters (justifies a vanity metric).
    #[serde(default)]
    pub why: Option<String>,
    /// `error` (default) or `warn`: a slipping warn goal never fails CI.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// Lint rules silenced for this goal.
    #[serde(default)]
    pub allow: Vec<RuleId>,
    /// Free text shown in reports.
    #[serde(default)]
    pub notes: Option<String>,
}

/// One value, or a list of values; the text `all` means no filter.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum OneOrMany<T> {
    /// A single value.
    One(T),
    /// A list of values.
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The values as a slice.
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(v) => std::slice::from_ref(v),
            OneOrMany::Many(v) => v,
        }
    }
}

/// A value a `where:` filter compares a column with.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum FilterValue {
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
    /// A boolean.
    Bool(bool),
}

impl FilterValue {
    /// The value as cell text: `reel`, `15`, `true`.
    pub fn text(&self) -> String {
        match self {
            FilterValue::Text(s) => s.clone(),
            FilterValue::Number(n) => super::scalars::format_number(*n),
            FilterValue::Bool(b) => b.to_string(),
        }
    }
}

/// A goal window: a named period, or an explicit range.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Period {
    /// `2027`, `2027-Q1`, `2027-03`, `2027-W05`.
    Named(PeriodName),
    /// `{start: 2027-01-01, deadline: 2027-03-31}`.
    Range(PeriodRange),
}

/// An explicit period.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PeriodRange {
    /// First day.
    pub start: Date,
    /// Last day.
    pub deadline: Date,
}

/// Calendar buckets of a recurring goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Every {
    /// Each day.
    Day,
    /// Each ISO week.
    Week,
    /// Each calendar month.
    Month,
    /// Each calendar quarter.
    Quarter,
}

/// How a recurring goal is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Pass {
    /// By the bucket holding the as-of date.
    Current,
    /// One missed closed bucket misses the goal.
    All,
}

/// How much a slipping goal matters to CI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Fails CI when in a `fail_on` status.
    Error,
    /// Reported, never fails CI.
    Warn,
}

/// A baseline: a number, `{value}`, `{period}` or `{start, end}` (computed from the data).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Baseline {
    /// `baseline: 12000` (or `"4.5%"` for a percent metric).
    Number(Quantity),
    /// `baseline: {value: 12000}`.
    Value(BaselineValue),
    /// `baseline: {period: 2026-Q4}`.
    Period(BaselinePeriod),
    /// `baseline: {start: 2026-10-01, end: 2026-12-31}`.
    Range(BaselineRange),
}

/// A baseline given as a number.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BaselineValue {
    /// The baseline value.
    pub value: Quantity,
}

/// A baseline computed over a named period.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BaselinePeriod {
    /// The period.
    pub period: Period,
}

/// A baseline computed over a date range.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BaselineRange {
    /// First day.
    pub start: Date,
    /// Last day.
    pub end: Date,
}

/// A target: exactly one of `at_least`, `at_most`, `increase`, `decrease`, `between`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Target {
    /// Value ≥ X.
    AtLeast(Quantity),
    /// Value ≤ X.
    AtMost(Quantity),
    /// Value ≥ baseline + X (`20%` relative, `0.5pp` points, a number absolute).
    Increase(Quantity),
    /// Value ≤ baseline − X, same forms.
    Decrease(Quantity),
    /// L ≤ value ≤ H.
    Between([Quantity; 2]),
}

impl Target {
    /// The key the target was written with.
    pub fn key(&self) -> &'static str {
        match self {
            Target::AtLeast(_) => "at_least",
            Target::AtMost(_) => "at_most",
            Target::Increase(_) => "increase",
            Target::Decrease(_) => "decrease",
            Target::Between(_) => "between",
        }
    }

    /// The values that meet the target, `(low, high)` (infinite ends are unbounded), given the
    /// baseline; `None` for a relative target without one. `20%` is relative (B × 1.2), `0.5pp`
    /// and numbers are absolute (B + X).
    pub fn band(&self, baseline: Option<f64>) -> Option<(f64, f64)> {
        let apply = |q: &Quantity, b: f64, sign: f64| match q.kind {
            QuantityKind::Percent => b * (1.0 + sign * q.value),
            QuantityKind::Number | QuantityKind::Points => b + sign * q.value,
        };
        Some(match self {
            Target::AtLeast(q) => (q.value, f64::INFINITY),
            Target::AtMost(q) => (f64::NEG_INFINITY, q.value),
            Target::Increase(q) => (apply(q, baseline?, 1.0), f64::INFINITY),
            Target::Decrease(q) => (f64::NEG_INFINITY, apply(q, baseline?, -1.0)),
            Target::Between([lo, hi]) => (lo.value, hi.value),
        })
    }

    /// Every literal of the target, with its JSON pointer suffix below the target.
    pub fn literals(&self) -> Vec<(String, Quantity)> {
        match self {
            Target::AtLeast(q) | Target::AtMost(q) | Target::Increase(q) | Target::Decrease(q) => {
                vec![(format!("/{}", self.key()), *q)]
            }
            Target::Between([lo, hi]) => {
                vec![("/between/0".into(), *lo), ("/between/1".into(), *hi)]
            }
        }
    }
}
