//! A metric's value over a window for a goal's selection (platforms, accounts, `where:`):
//! aggregation per series, formulas on window totals (docs/evaluation.md, "The value of a
//! metric over a window").

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::OnceLock;

use super::parallel::in_parallel;
use crate::catalog::{Aggregate, Catalog, Metric};
use crate::data::{DataSet, Day, DayPages, LoadedSource, Table, normalize, platform_id};
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

    /// Whether the selection takes every account and every dimension value, so that a
    /// platform's rollup stands for its series.
    fn takes_whole_platforms(&self) -> bool {
        self.accounts.is_none() && self.filters.is_empty()
    }

    /// The selection in `source`'s interned ids: names the source never saw match nothing,
    /// so matching a series compares numbers instead of strings.
    fn resolve(&self, source: &LoadedSource) -> SourceSelection {
        let strings = &source.table.strings;
        let ids = |names: &[String]| names.iter().filter_map(|n| strings.get(n)).collect();
        let filters = self
            .filters
            .iter()
            .map(|(dim, accepted)| {
                let present = source.dims_present.get(*dim).copied().unwrap_or(false);
                present.then(|| (*dim, ids(accepted)))
            })
            .collect();
        SourceSelection {
            platforms: self.platforms.as_deref().map(ids),
            accounts: self.accounts.as_deref().map(ids),
            filters,
        }
    }
}

/// A [`Selection`] in the interned ids of one source.
#[derive(Debug)]
struct SourceSelection {
    /// Platform ids; `None` for all.
    platforms: Option<Vec<u32>>,
    /// Account ids; `None` for all.
    accounts: Option<Vec<u32>>,
    /// `(dimension index, accepted ids)`; `None` when the source lacks the column, which then
    /// matches no series.
    filters: Option<Vec<(usize, Vec<u32>)>>,
}

impl SourceSelection {
    /// Whether a series is selected.
    fn matches(&self, series: &crate::data::Series) -> bool {
        let filters_ok = self.filters.as_ref().is_some_and(|filters| {
            filters
                .iter()
                .all(|(dim, accepted)| accepted.contains(&series.dims[*dim]))
        });
        self.platform_ok(series.platform)
            && self
                .accounts
                .as_ref()
                .is_none_or(|a| a.contains(&series.account))
            && filters_ok
    }

    fn platform_ok(&self, platform: u32) -> bool {
        self.platforms
            .as_ref()
            .is_none_or(|p| p.contains(&platform))
    }
}

/// Per source, one series per platform summing all its accounts and dimension values, built the
/// first time a goal over whole platforms needs it: a goal on "all accounts" then reads one
/// series per platform instead of one per account (docs/performance.md). Also the series of
/// each account, so that a goal on one account finds its series without scanning them all.
#[derive(Debug, Default)]
pub struct Rollups {
    by_source: Vec<OnceLock<Vec<(u32, DayPages)>>>,
    by_account: Vec<OnceLock<HashMap<u32, Vec<usize>>>>,
}

impl Rollups {
    /// Empty rollups for `data`'s sources.
    pub fn new(data: &DataSet) -> Self {
        Rollups {
            by_source: data.sources.iter().map(|_| OnceLock::new()).collect(),
            by_account: data.sources.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    /// The indices of source `index`'s series of `account`, in table order.
    fn series_of(&self, index: usize, source: &LoadedSource, account: u32) -> &[usize] {
        let by_account = self.by_account[index].get_or_init(|| {
            let mut map: HashMap<u32, Vec<usize>> = HashMap::new();
            for (i, series) in source.table.series.iter().enumerate() {
                map.entry(series.account).or_default().push(i);
            }
            map
        });
        by_account.get(&account).map_or(&[], Vec::as_slice)
    }

    /// The platform rollups of source `index`: `(platform, summed days)`, in order of the
    /// platforms' first series.
    fn of(&self, index: usize, source: &LoadedSource) -> &[(u32, DayPages)] {
        self.by_source[index].get_or_init(|| {
            let platforms = platforms_of(&source.table);
            let days = in_parallel(platforms.len(), |i| rollup(&source.table, platforms[i]));
            platforms.into_iter().zip(days).collect()
        })
    }
}

/// The platforms of a table, in order of their first series.
fn platforms_of(table: &Table) -> Vec<u32> {
    let mut platforms: Vec<u32> = Vec::new();
    for s in &table.series {
        if !platforms.contains(&s.platform) {
            platforms.push(s.platform);
        }
    }
    platforms
}

/// The day-by-day sum of one platform's series, added in table order.
fn rollup(table: &Table, platform: u32) -> DayPages {
    let parts: Vec<&DayPages> = table
        .series
        .iter()
        .filter(|s| s.platform == platform)
        .map(|s| &s.days)
        .collect();
    let next = parts.iter().skip(1).map(Some).chain(std::iter::once(None));
    let warmed = parts.iter().zip(next).map(|(part, next)| {
        if let Some(next) = next {
            warm(next);
        }
        *part
    });
    DayPages::sum_of(table.metrics.len(), warmed)
}

/// Asks the CPU to load every day of `days`: the series' pages lie all over a table much larger
/// than the caches, and summing waits on memory more than it adds (a `perf annotate` shows the
/// load stalling); loading the next series while the current one is summed overlaps the two.
fn warm(days: &DayPages) {
    if let Some((first, last)) = days.day_range() {
        for day in first..=last {
            days.prefetch(day);
        }
    }
}

/// Computes metric values for one selection.
pub struct Values<'a> {
    catalog: &'a Catalog,
    data: &'a DataSet,
    rollups: &'a Rollups,
    selection: Selection,
    /// The selection in each source's ids.
    resolved: Vec<SourceSelection>,
    /// Per source, the indices of the matching series, found the first time they are needed.
    matched: OnceCell<Vec<Vec<usize>>>,
    /// The matching cells of each metric, found once per selection.
    cache: RefCell<HashMap<String, Rc<Cells<'a>>>>,
    /// Window values already computed, by metric id: a goal asks for the same metric over
    /// the same window more than once (its formula's inputs, `small-sample`'s denominator).
    memo: RefCell<HashMap<Window<'a>, Option<f64>>>,
}

/// A metric id over `[a, b]`.
type Window<'a> = (&'a str, Day, Day);

/// The daily values a metric reads: `(series days, slot)`.
type Cells<'a> = Vec<(&'a DayPages, usize)>;

impl<'a> Values<'a> {
    /// Values over `data` for `selection`.
    pub fn new(
        catalog: &'a Catalog,
        data: &'a DataSet,
        rollups: &'a Rollups,
        selection: Selection,
    ) -> Self {
        let resolved = data.sources.iter().map(|s| selection.resolve(s)).collect();
        Values {
            catalog,
            data,
            rollups,
            selection,
            resolved,
            matched: OnceCell::new(),
            cache: RefCell::default(),
            memo: RefCell::default(),
        }
    }

    /// The indices of the series of source `index` that the selection takes, in table order
    /// (the order sums add them in): one pass over the series per goal, shared by every metric.
    fn matched(&self, index: usize) -> &[usize] {
        let all = self.matched.get_or_init(|| {
            let sources = self.data.sources.iter().enumerate();
            sources.map(|(i, s)| self.find_matched(i, s)).collect()
        });
        &all[index]
    }

    /// The matching series of source `index`: a selection of accounts looks only at their
    /// series.
    fn find_matched(&self, index: usize, source: &LoadedSource) -> Vec<usize> {
        let selection = &self.resolved[index];
        let series = &source.table.series;
        let Some(accounts) = &selection.accounts else {
            let all = series.iter().enumerate();
            return all
                .filter(|(_, s)| selection.matches(s))
                .map(|(i, _)| i)
                .collect();
        };
        let mut found: Vec<usize> = accounts
            .iter()
            .flat_map(|a| self.rollups.series_of(index, source, *a))
            .copied()
            .filter(|i| selection.matches(&series[*i]))
            .collect();
        // Sums add series in table order, whatever order the accounts were listed in.
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Whether some source has a column for the metric.
    pub fn provided(&self, metric: &str) -> bool {
        self.data.sources.iter().any(|s| s.provides(metric))
    }

    fn cells(&self, metric: &str) -> Rc<Cells<'a>> {
        if let Some(cells) = self.cache.borrow().get(metric) {
            return Rc::clone(cells);
        }
        let cells = Rc::new(self.find_cells(metric));
        self.cache
            .borrow_mut()
            .insert(metric.to_string(), Rc::clone(&cells));
        cells
    }

    /// The series a metric reads. Day-additive aggregations over whole platforms read the
    /// platforms' rollups; the rest read each matching series.
    fn find_cells(&self, metric: &str) -> Cells<'a> {
        let additive = self.catalog.get(metric).is_some_and(|m| {
            matches!(
                m.aggregate,
                Aggregate::Sum | Aggregate::Mean | Aggregate::Min | Aggregate::Max
            )
        });
        let mut out = Vec::new();
        for (si, source) in self.data.sources.iter().enumerate() {
            let Some(slot) = source.table.slot(metric) else {
                continue;
            };
            if additive && self.selection.takes_whole_platforms() {
                for (platform, days) in self.rollups.of(si, source) {
                    if self.resolved[si].platform_ok(*platform) {
                        out.push((days, slot));
                    }
                }
                continue;
            }
            let series = &source.table.series;
            out.extend(self.matched(si).iter().map(|&i| (&series[i].days, slot)));
        }
        out
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
        let value = self.compute(def, a, b, depth);
        self.memo.borrow_mut().insert(key, value);
        value
    }

    fn compute(&self, def: &Metric, a: Day, b: Day, depth: usize) -> Option<f64> {
        let metric = def.id.as_str();
        if self.provided(metric) {
            let cells = self.cells(metric);
            return match def.aggregate {
                Aggregate::Sum => Some(sum(&cells, a, b)),
                Aggregate::Last => per_series(&cells, |c| last_in(c, a, b)),
                Aggregate::First => per_series(&cells, |c| first_in(c, a, b)),
                Aggregate::Delta => per_series(&cells, |c| delta(c, a, b)),
                Aggregate::Mean | Aggregate::Min | Aggregate::Max => {
                    of_daily_totals(def.aggregate, &cells, a, b)
                }
                Aggregate::Formula => mean_of_last(&cells, a, b),
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
            let mut totals = vec![Compensated::default(); day_count(a, b)];
            for (days, slot) in self.cells(metric).iter() {
                days.each_in(*slot, a, b, |d, v| totals[(d - a) as usize].add(v));
            }
            return totals.iter().map(|t| Some(t.value())).collect();
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
            let providing: Vec<(usize, &LoadedSource)> = self
                .data
                .sources
                .iter()
                .enumerate()
                .filter(|(_, s)| s.provides(metric))
                .collect();
            let relevant: Vec<(usize, &LoadedSource)> = providing
                .iter()
                .copied()
                .filter(|(i, _)| !self.matched(*i).is_empty())
                .collect();
            let pick = if relevant.is_empty() {
                providing
            } else {
                relevant
            };
            return pick
                .iter()
                .filter_map(|(_, s)| s.table.day_range)
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
}

/// Days in `[a, b]` (0 when empty).
fn day_count(a: Day, b: Day) -> usize {
    usize::try_from(i64::from(b) - i64::from(a) + 1).unwrap_or(0)
}

/// Σ over series and days, compensated (Neumaier) so long money sums do not drift.
fn sum(cells: &Cells, a: Day, b: Day) -> f64 {
    let mut total = Compensated::default();
    for (days, slot) in cells {
        days.each_in(*slot, a, b, |_, v| total.add(v));
    }
    total.value()
}

fn last_in(&(days, slot): &(&DayPages, usize), a: Day, b: Day) -> Option<f64> {
    let mut last = None;
    days.each_in(slot, a, b, |_, v| last = Some(v));
    last
}

fn first_in(&(days, slot): &(&DayPages, usize), a: Day, b: Day) -> Option<f64> {
    let (lo, hi) = days.day_range()?;
    (a.max(lo)..=b.min(hi)).find_map(|d| days.value(d, slot))
}

fn delta(cell: &(&DayPages, usize), a: Day, b: Day) -> Option<f64> {
    let end = last_in(cell, a, b)?;
    let before = last_in(cell, Day::MIN / 2, a - 1);
    let base = before.or_else(|| first_in(cell, a, b))?;
    Some(end - base)
}

/// Applies `f` per series and sums the series that have a value.
fn per_series(cells: &Cells, f: impl Fn(&(&DayPages, usize)) -> Option<f64>) -> Option<f64> {
    let mut total = Compensated::default();
    let mut any = false;
    for cell in cells {
        if let Some(v) = f(cell) {
            total.add(v);
            any = true;
        }
    }
    any.then(|| total.value())
}

fn mean_of_last(cells: &Cells, a: Day, b: Day) -> Option<f64> {
    let values: Vec<f64> = cells.iter().filter_map(|c| last_in(c, a, b)).collect();
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

fn of_daily_totals(how: Aggregate, cells: &Cells, a: Day, b: Day) -> Option<f64> {
    let mut per_day = vec![(Compensated::default(), false); day_count(a, b)];
    for (days, slot) in cells {
        days.each_in(*slot, a, b, |d, v| {
            let (t, any) = &mut per_day[(d - a) as usize];
            t.add(v);
            *any = true;
        });
    }
    let totals: Vec<f64> = per_day
        .iter()
        .filter(|(_, any)| *any)
        .map(|(t, _)| t.value())
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
