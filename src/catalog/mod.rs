//! The metric catalog: built-in metrics and platforms (KPI_CATALOG.md §3–4), merged with the
//! custom metrics and platforms a goal file declares.

mod builtin;
pub mod formula;
mod merge;
mod platforms;

pub use builtin::BUILTIN_METRICS;
pub use merge::{Catalog, CatalogProblem, Metric, ProblemKind};
pub use platforms::{BUILTIN_PLATFORMS, canonical_platform};

pub use crate::vocab::{Aggregate, Better, DurationUnit, Stage, Unit};

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
