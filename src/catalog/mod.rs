//! The metric catalog: built-in metrics and platforms (KPI_CATALOG.md §3–4), merged with the
//! custom metrics and platforms a goal file declares.

mod builtin;
pub mod formula;
mod platforms;
mod resolve;

pub use builtin::BUILTIN_METRICS;
pub use platforms::{BUILTIN_PLATFORMS, canonical_platform};
pub use resolve::{Catalog, CatalogProblem, Metric, ProblemKind};

use serde::Serialize;

/// What a metric's number measures, which decides how targets are written and values shown.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A plain count (posts, clicks, leads).
    Count,
    /// A fraction 0..1, written as `"4.5%"` and shown as 4.5%.
    Percent,
    /// A multiple, shown as 4.2× (ROAS, frequency).
    Factor,
    /// Money in the file's currency.
    Currency,
    /// A length of time; the metric states its [`DurationUnit`].
    Duration,
    /// Stars.
    Rating,
}

/// The unit a duration metric is counted in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DurationUnit {
    /// Seconds (watch time).
    Seconds,
    /// Minutes (response time).
    Minutes,
    /// Hours (time spent creating content).
    Hours,
}

/// Which way a metric should move; `None` in [`MetricDef::better`] means neither is better.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// More is better (reach, leads).
    Higher,
    /// Less is better (CPC, response time).
    Lower,
}

/// How a metric's daily values roll up over a window.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// Total over the window.
    Sum,
    /// Latest value in the window per series, summed across series.
    Last,
    /// Earliest value in the window per series, summed across series.
    First,
    /// Mean of the daily values.
    Mean,
    /// Smallest daily value.
    Min,
    /// Largest daily value.
    Max,
    /// Last value minus the last value before the window.
    Delta,
    /// Computed from the window totals of other metrics.
    Formula,
}

/// The funnel stage a metric belongs to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Being seen.
    Awareness,
    /// Interacting with content.
    Engagement,
    /// Taking the desired action.
    Conversion,
    /// Staying and being served well.
    Loyalty,
    /// What it costs.
    Cost,
    /// Internal effort (posts, hours).
    Input,
}

/// One built-in metric, as a static row of the catalog.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinMetric {
    /// Metric id, `snake_case`.
    pub id: &'static str,
    /// Human title for reports.
    pub title: &'static str,
    /// One-line definition.
    pub description: &'static str,
    /// Unit of the value.
    pub unit: Unit,
    /// Unit of a duration metric; `None` for every other unit.
    pub duration_unit: Option<DurationUnit>,
    /// Better direction; `None` when neither direction is better.
    pub better: Option<Better>,
    /// Aggregation over a window (`Formula` for derived metrics).
    pub aggregate: Aggregate,
    /// Funnel stage.
    pub stage: Stage,
    /// Easy to inflate, weakly tied to outcomes: a goal on it needs a `why:`.
    pub vanity: bool,
    /// Not additive across days (unique people): summing days gives an upper bound.
    pub non_additive: bool,
    /// Formula over other metric ids, for derived metrics (or a fallback when no column exists).
    pub formula: Option<&'static str>,
    /// For a vanity metric: the actionable metric(s) to watch instead.
    pub instead: Option<&'static str>,
}
