//! A metric's value over a window for a goal's selection (platforms, accounts, `where:`):
//! the metric's aggregation, formulas on window totals, and a memo of the windows a goal asks
//! for (docs/evaluation.md, "The value of a metric over a window"). Which series a selection
//! takes and their sums come from the data layer ([`SeriesSet`]: [`DaySums`] and
//! [`EachSeries`]); this module never sees how the days are stored.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

use crate::catalog::{Aggregate, Catalog, Metric};
use crate::data::{
    Compensated, DataSet, Day, DaySums, EachSeries, LoadedSource, SeriesSet, SeriesValues,
    day_count,
};
// Where `eval` has always found them; they live in `data`.
use crate::data::{Rollups, Selection};

/// Computes metric values for one selection.
pub struct Values<'a> {
    catalog: &'a Catalog,
    data: &'a DataSet,
    /// The series the selection takes, and their values.
    set: SeriesSet<'a>,
    /// Window values already computed, by metric id: a goal asks for the same metric over
    /// the same window more than once (its formula's inputs, `small-sample`'s denominator).
    memo: RefCell<HashMap<Window<'a>, Option<f64>>>,
}

/// A metric id over `[a, b]`.
type Window<'a> = (&'a str, Day, Day);

impl<'a> Values<'a> {
    /// Values over `data` for `selection`; `rollups` are `data`'s.
    pub fn new(
        catalog: &'a Catalog,
        data: &'a DataSet,
        rollups: &'a Rollups,
        selection: Selection,
    ) -> Self {
        Values {
            catalog,
            data,
            set: SeriesSet::new(data, rollups, selection),
            memo: RefCell::default(),
        }
    }

    /// Whether some source has a column for the metric.
    pub fn provided(&self, metric: &str) -> bool {
        self.data.provides(metric)
    }

    /// A level metric's level on each day of `[a, b]` that has a new value
    /// ([`EachSeries::levels`](crate::data::EachSeries::levels)); `None` elsewhere, and on every
    /// day for a metric no source provides.
    pub fn levels(&self, metric: &str, a: Day, b: Day) -> Vec<Option<f64>> {
        if !self.provided(metric) {
            return vec![None; day_count(a, b)];
        }
        self.set.each_series(metric).levels(a, b)
    }

    /// The metric's value over `[a, b]`; `None` is "no value".
    pub fn value(&self, metric: &str, a: Day, b: Day) -> Option<f64> {
        self.value_depth(metric, a, b, 0)
    }

    fn value_depth(&self, metric: &str, a: Day, b: Day, depth: usize) -> Option<f64> {
        let def = self.catalog.get(metric)?;
        // Formulas are checked for cycles when the catalog is built; the depth guard only
        // protects against a catalog built some other way (and its `None` is not memoized).
        if depth > 64 && !self.provided(metric) {
            return None;
        }
        let key = (def.id.as_str(), a, b);
        if let Some(value) = self.memo.borrow().get(&key) {
            return *value;
        }
        // A total that overflows (two cells of 1e308) is no value, as a formula's is.
        let value = self.compute(def, a, b, depth).filter(|v| v.is_finite());
        self.memo.borrow_mut().insert(key, value);
        value
    }

    fn compute(&self, def: &Metric, a: Day, b: Day, depth: usize) -> Option<f64> {
        let metric = def.id.as_str();
        if self.provided(metric) {
            return match def.aggregate {
                // No series selected (a platform, account or `where:` value no row has) is no
                // value: a goal on it is `no_data` with its reason, never a silent 0.
                Aggregate::Sum => {
                    let sums = self.set.day_sums(metric);
                    (!sums.is_empty()).then(|| sums.total(a, b))
                }
                Aggregate::Mean | Aggregate::Min | Aggregate::Max => {
                    of_daily_totals(def.aggregate, &self.set.day_sums(metric), a, b)
                }
                Aggregate::Last => per_series(&self.set.each_series(metric), |s| s.last_in(a, b)),
                Aggregate::First => per_series(&self.set.each_series(metric), |s| s.first_in(a, b)),
                Aggregate::Delta => per_series(&self.set.each_series(metric), |s| delta(s, a, b)),
                // A rate exported as a column: the mean of each series' last value.
                Aggregate::Formula => mean_of_last(&self.set.each_series(metric), a, b),
            };
        }
        let expr = def.expr.as_ref()?;
        expr.eval(&mut |input| self.value_depth(input, a, b, depth + 1))
    }

    /// The total of a formula's denominator over `[a, b]` (for `small-sample`).
    pub fn denominator(&self, metric: &Metric, a: Day, b: Day) -> Option<f64> {
        if self.provided(&metric.id) {
            return None;
        }
        let denominator = metric.expr.as_ref()?.denominator()?;
        denominator.eval(&mut |input| self.value(input, a, b))
    }

    /// One value per day of `[a, b]`, for sparklines: the same as [`Values::value`] of each
    /// single day, computed in one pass per series for sums and formulas over them.
    pub fn daily(&self, metric: &str, a: Day, b: Day) -> Vec<Option<f64>> {
        self.daily_depth(metric, a, b, 0)
    }

    fn daily_depth(&self, metric: &str, a: Day, b: Day, depth: usize) -> Vec<Option<f64>> {
        let Some(def) = self.catalog.get(metric) else {
            return vec![None; day_count(a, b)];
        };
        if self.provided(metric) {
            if def.aggregate != Aggregate::Sum {
                return (a..=b).map(|d| self.value(metric, d, d)).collect();
            }
            // A day without rows sums to 0, as a window does; no series at all is no value.
            let sums = self.set.day_sums(metric);
            if sums.is_empty() {
                return vec![None; day_count(a, b)];
            }
            let totals = sums.by_day(a, b);
            return totals.into_iter().map(|t| Some(t.unwrap_or(0.0))).collect();
        }
        let Some(expr) = def.expr.as_ref().filter(|_| depth <= 64) else {
            return vec![None; day_count(a, b)];
        };
        let inputs: HashMap<&str, Vec<Option<f64>>> = expr
            .inputs()
            .into_iter()
            .map(|input| (input, self.daily_depth(input, a, b, depth + 1)))
            .collect();
        (0..day_count(a, b))
            .map(|i| expr.eval(&mut |input| inputs.get(input).and_then(|v| v[i])))
            .collect()
    }

    /// Oldest and newest data date of the sources the metric comes from, before filters
    /// (docs/evaluation.md, "Windows"): a column's sources that can match the selection (all
    /// providing sources when none can); for a formula, the range every input covers.
    pub fn data_range(&self, metric: &str) -> Option<(Day, Day)> {
        self.data_range_depth(metric, 0)
    }

    fn data_range_depth(&self, metric: &str, depth: usize) -> Option<(Day, Day)> {
        if self.provided(metric) {
            return self.set.data_range(metric);
        }
        if depth > 64 {
            return None;
        }
        let expr = self.catalog.get(metric)?.expr.as_ref()?;
        expr.inputs()
            .iter()
            .map(|input| self.data_range_depth(input, depth + 1))
            .collect::<Option<Vec<_>>>()?
            .into_iter()
            .reduce(|(a1, b1), (a2, b2)| (a1.max(a2), b1.min(b2)))
    }

    /// The sources the metric is read from for this selection ([`SeriesSet::sources`]); for a
    /// formula, its inputs' sources, each once, in source order.
    pub fn sources(&self, metric: &str) -> Vec<&'a LoadedSource> {
        let mut found = BTreeSet::new();
        self.sources_depth(metric, 0, &mut found);
        found.into_iter().map(|i| &self.data.sources[i]).collect()
    }

    fn sources_depth(&self, metric: &str, depth: usize, found: &mut BTreeSet<usize>) {
        if self.provided(metric) {
            found.extend(self.set.sources(metric));
            return;
        }
        let Some(expr) = self.catalog.get(metric).and_then(|m| m.expr.as_ref()) else {
            return;
        };
        if depth <= 64 {
            for input in expr.inputs() {
                self.sources_depth(input, depth + 1, found);
            }
        }
    }
}

/// The change over `[a, b]`: the last value in the window minus the last one before it (or,
/// without one, the first one in it).
fn delta(series: &SeriesValues, a: Day, b: Day) -> Option<f64> {
    let end = series.last_in(a, b)?;
    let before = series.last_in(Day::MIN / 2, a - 1);
    let base = before.or_else(|| series.first_in(a, b))?;
    Some(end - base)
}

/// Applies `f` per series and sums the series that have a value.
fn per_series(each: &EachSeries, f: impl Fn(&SeriesValues) -> Option<f64>) -> Option<f64> {
    let mut total = Compensated::default();
    let mut any = false;
    for series in each.iter() {
        if let Some(v) = f(series) {
            total.add(v);
            any = true;
        }
    }
    any.then(|| total.value())
}

fn mean_of_last(each: &EachSeries, a: Day, b: Day) -> Option<f64> {
    let values: Vec<f64> = each.iter().filter_map(|s| s.last_in(a, b)).collect();
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// The mean, minimum or maximum of the daily totals of the days that have a value.
fn of_daily_totals(how: Aggregate, sums: &DaySums, a: Day, b: Day) -> Option<f64> {
    let totals: Vec<f64> = sums.by_day(a, b).into_iter().flatten().collect();
    if totals.is_empty() {
        return None;
    }
    Some(match how {
        Aggregate::Min => totals.iter().copied().fold(f64::INFINITY, f64::min),
        Aggregate::Max => totals.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        _ => totals.iter().sum::<f64>() / totals.len() as f64,
    })
}
