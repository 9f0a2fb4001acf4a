//! A metric's value over a window for a goal's selection (platforms, accounts, `where:`):
//! aggregation per series, formulas on window totals (docs/evaluation.md, "The value of a
//! metric over a window").

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::catalog::{Aggregate, Catalog, Metric};
use crate::data::{DataSet, Day, LoadedSource, normalize, platform_id};
use crate::spec::model::Goal;

/// Which rows a goal counts.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Platform ids; `None` for all.
    pub platforms: Option<Vec<String>>,
    /// Accounts, lower-cased; `None` for all.
    pub accounts: Option<Vec<String>>,
    /// `(index into Needs::dims, accepted values lower-cased)`.
    pub filters: Vec<(usize, Vec<String>)>,
}

impl Selection {
    /// The selection a goal describes; `dims` is the list of dimension columns loaded.
    pub fn of(goal: &Goal, dims: &[String]) -> Selection {
        let list = |v: &[String]| -> Option<Vec<String>> {
            if v.iter().any(|s| s.eq_ignore_ascii_case("all")) {
                None
            } else {
                Some(v.to_vec())
            }
        };
        let platforms = goal.platform.as_ref().and_then(|p| {
            let ids: Vec<String> = p
                .as_slice()
                .iter()
                .map(|s| platform_id(s.as_str()))
                .collect();
            list(&ids)
        });
        let accounts = goal.account.as_ref().and_then(|a| {
            let ids: Vec<String> = a
                .as_slice()
                .iter()
                .map(|s| s.trim().to_lowercase())
                .collect();
            list(&ids)
        });
        let filters = goal
            .filter
            .iter()
            .filter_map(|(column, values)| {
                let index = dims.iter().position(|d| *d == normalize(column))?;
                let accepted = values
                    .as_slice()
                    .iter()
                    .map(|v| v.text().trim().to_lowercase())
                    .collect();
                Some((index, accepted))
            })
            .collect();
        Selection {
            platforms,
            accounts,
            filters,
        }
    }

    /// Whether a series of `source` is selected.
    fn matches(&self, source: &LoadedSource, series: &crate::data::Series) -> bool {
        let strings = &source.table.strings;
        let platform_ok = self
            .platforms
            .as_ref()
            .is_none_or(|p| p.iter().any(|id| id == strings.name(series.platform)));
        let account_ok = self
            .accounts
            .as_ref()
            .is_none_or(|a| a.iter().any(|id| id == strings.name(series.account)));
        let filters_ok = self.filters.iter().all(|(dim, accepted)| {
            source.dims_present.get(*dim).copied().unwrap_or(false)
                && accepted
                    .iter()
                    .any(|v| v == strings.name(series.dims[*dim]))
        });
        platform_ok && account_ok && filters_ok
    }
}

/// Computes metric values for one selection.
pub struct Values<'a> {
    catalog: &'a Catalog,
    data: &'a DataSet,
    selection: Selection,
    /// The matching series of each metric, found once per selection.
    cache: RefCell<HashMap<String, Rc<Cells>>>,
}

/// `(source, series, slot)` triples a metric reads.
type Cells = Vec<(usize, usize, usize)>;

impl<'a> Values<'a> {
    /// Values over `data` for `selection`.
    pub fn new(catalog: &'a Catalog, data: &'a DataSet, selection: Selection) -> Self {
        Values {
            catalog,
            data,
            selection,
            cache: RefCell::default(),
        }
    }

    /// Whether some source has a column for the metric.
    pub fn provided(&self, metric: &str) -> bool {
        self.data.sources.iter().any(|s| s.provides(metric))
    }

    fn cells(&self, metric: &str) -> Rc<Cells> {
        if let Some(cells) = self.cache.borrow().get(metric) {
            return Rc::clone(cells);
        }
        let cells = Rc::new(self.find_cells(metric));
        self.cache
            .borrow_mut()
            .insert(metric.to_string(), Rc::clone(&cells));
        cells
    }

    fn find_cells(&self, metric: &str) -> Cells {
        let mut out = Vec::new();
        for (si, source) in self.data.sources.iter().enumerate() {
            let Some(slot) = source.table.slot(metric) else {
                continue;
            };
            for (i, series) in source.table.series.iter().enumerate() {
                if self.selection.matches(source, series) {
                    out.push((si, i, slot));
                }
            }
        }
        out
    }

    fn get(&self, (source, series, slot): (usize, usize, usize), day: Day) -> Option<f64> {
        let table = &self.data.sources[source].table;
        table.series[series].value(day, slot, table.metrics.len())
    }

    /// The metric's value over `[a, b]`; `None` is "no value".
    pub fn value(&self, metric: &str, a: Day, b: Day) -> Option<f64> {
        self.value_depth(metric, a, b, 0)
    }

    fn value_depth(&self, metric: &str, a: Day, b: Day, depth: usize) -> Option<f64> {
        let def = self.catalog.get(metric)?;
        if self.provided(metric) {
            let cells = self.cells(metric);
            return match def.aggregate {
                Aggregate::Sum => Some(self.sum(&cells, a, b)),
                Aggregate::Last => self.per_series(&cells, |c| self.last_in(c, a, b)),
                Aggregate::First => self.per_series(&cells, |c| self.first_in(c, a, b)),
                Aggregate::Delta => self.per_series(&cells, |c| self.delta(c, a, b)),
                Aggregate::Mean | Aggregate::Min | Aggregate::Max => {
                    self.of_daily_totals(def.aggregate, &cells, a, b)
                }
                Aggregate::Formula => self.mean_of_last(&cells, a, b),
            };
        }
        // Formulas are checked for cycles when the catalog is built; the depth guard only
        // protects against a catalog built some other way.
        if depth > 64 {
            return None;
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

    /// One value per day of `[a, b]`, for sparklines.
    pub fn daily(&self, metric: &str, a: Day, b: Day) -> Vec<Option<f64>> {
        (a..=b).map(|d| self.value(metric, d, d)).collect()
    }

    /// Oldest and newest data date of the sources the metric comes from, before filters
    /// (docs/evaluation.md, "Windows"): a column's sources that can match the selection (all
    /// providing sources when none can); for a formula, the range every input covers.
    pub fn data_range(&self, metric: &str) -> Option<(Day, Day)> {
        self.data_range_depth(metric, 0)
    }

    fn data_range_depth(&self, metric: &str, depth: usize) -> Option<(Day, Day)> {
        if self.provided(metric) {
            let providing: Vec<&LoadedSource> = self
                .data
                .sources
                .iter()
                .filter(|s| s.provides(metric))
                .collect();
            let relevant: Vec<&LoadedSource> = providing
                .iter()
                .copied()
                .filter(|s| {
                    s.table
                        .series
                        .iter()
                        .any(|series| self.selection.matches(s, series))
                })
                .collect();
            let pick = if relevant.is_empty() {
                providing
            } else {
                relevant
            };
            return pick
                .iter()
                .filter_map(|s| s.table.day_range)
                .reduce(|(a1, b1), (a2, b2)| (a1.min(a2), b1.max(b2)));
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

    /// Σ over series and days, compensated (Neumaier) so long money sums do not drift.
    fn sum(&self, cells: &Cells, a: Day, b: Day) -> f64 {
        let mut total = Compensated::default();
        for &cell in cells {
            let (lo, hi) = self.clip(cell, a, b);
            for day in lo..=hi {
                if let Some(v) = self.get(cell, day) {
                    total.add(v);
                }
            }
        }
        total.value()
    }

    /// `[a, b]` narrowed to the days the series stores (empty when disjoint).
    fn clip(&self, (source, series, _): (usize, usize, usize), a: Day, b: Day) -> (Day, Day) {
        match self.data.sources[source].table.series[series].day_range() {
            Some((first, last)) => (a.max(first), b.min(last)),
            None => (1, 0),
        }
    }

    fn last_in(&self, cell: (usize, usize, usize), a: Day, b: Day) -> Option<f64> {
        let (lo, hi) = self.clip(cell, a, b);
        (lo..=hi).rev().find_map(|d| self.get(cell, d))
    }

    fn first_in(&self, cell: (usize, usize, usize), a: Day, b: Day) -> Option<f64> {
        let (lo, hi) = self.clip(cell, a, b);
        (lo..=hi).find_map(|d| self.get(cell, d))
    }

    fn delta(&self, cell: (usize, usize, usize), a: Day, b: Day) -> Option<f64> {
        let end = self.last_in(cell, a, b)?;
        let before = self.last_in(cell, Day::MIN / 2, a - 1);
        let base = before.or_else(|| self.first_in(cell, a, b))?;
        Some(end - base)
    }

    /// Applies `f` per series and sums the series that have a value.
    fn per_series(
        &self,
        cells: &Cells,
        f: impl Fn((usize, usize, usize)) -> Option<f64>,
    ) -> Option<f64> {
        let mut total = Compensated::default();
        let mut any = false;
        for &cell in cells {
            if let Some(v) = f(cell) {
                total.add(v);
                any = true;
            }
        }
        any.then(|| total.value())
    }

    fn mean_of_last(&self, cells: &Cells, a: Day, b: Day) -> Option<f64> {
        let values: Vec<f64> = cells
            .iter()
            .filter_map(|c| self.last_in(*c, a, b))
            .collect();
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    }

    fn of_daily_totals(&self, how: Aggregate, cells: &Cells, a: Day, b: Day) -> Option<f64> {
        let totals: Vec<f64> = (a..=b)
            .filter_map(|d| {
                let mut t = Compensated::default();
                let mut any = false;
                for &cell in cells {
                    if let Some(v) = self.get(cell, d) {
                        t.add(v);
                        any = true;
                    }
                }
                any.then(|| t.value())
            })
            .collect();
        if totals.is_empty() {
            return None;
        }
        Some(match how {
            Aggregate::Min => totals.iter().copied().fold(f64::INFINITY, f64::min),
            Aggregate::Max => totals.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            _ => totals.iter().sum::<f64>() / totals.len() as f64,
        })
    }
}

/// Neumaier's compensated sum: the rounding error of each addition is carried along.
#[derive(Debug, Default, Clone, Copy)]
pub struct Compensated {
    sum: f64,
    carry: f64,
}

impl Compensated {
    /// Adds a value.
    pub fn add(&mut self, v: f64) {
        let t = self.sum + v;
        if self.sum.abs() >= v.abs() {
            self.carry += (self.sum - t) + v;
        } else {
            self.carry += (v - t) + self.sum;
        }
        self.sum = t;
    }

    /// The sum.
    pub fn value(&self) -> f64 {
        self.sum + self.carry
    }
}

#[cfg(test)]
mod tests {
    use super::Compensated;

    #[test]
    fn compensated_sums_do_not_drift() {
        let mut c = Compensated::default();
        for _ in 0..1_000_000 {
            c.add(0.1);
        }
        assert_eq!(c.value(), 100_000.0);
        let naive: f64 = std::iter::repeat_n(0.1, 1_000_000).sum();
        assert_ne!(naive, 100_000.0);
    }
}
