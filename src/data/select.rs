//! Which series a goal reads. A [`Selection`] names platforms, accounts and `where:` values as
//! a goal writes them; a [`SeriesSet`] is that selection applied to a [`DataSet`]: the matching
//! series of every source, found once by interned ids and shared by every metric the goal asks
//! for, and the door to their values ([`DaySums`], [`EachSeries`]).

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use super::layout::{normalize, platform_id};
use super::rollup::Rollups;
use super::sums::{DaySums, EachSeries, SeriesValues};
use super::table::{Day, Series};
use super::{DataSet, LoadedSource};
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
    fn matches(&self, series: &Series) -> bool {
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

/// The series of a [`DataSet`] one [`Selection`] takes, and every metric's values in them. Made
/// per goal, on the thread that evaluates it; the [`Rollups`] it reads are shared.
pub struct SeriesSet<'d> {
    data: &'d DataSet,
    rollups: &'d Rollups,
    selection: Selection,
    /// The selection in each source's ids.
    resolved: Vec<SourceSelection>,
    /// Per source, the indices of the matching series, found the first time they are needed.
    matched: OnceCell<Vec<Vec<usize>>>,
    /// Each metric's [`DaySums`], found once per set.
    day_sums: RefCell<HashMap<String, Rc<DaySums<'d>>>>,
    /// Each metric's [`EachSeries`], found once per set.
    each_series: RefCell<HashMap<String, Rc<EachSeries<'d>>>>,
}

impl<'d> SeriesSet<'d> {
    /// The series of `data` that `selection` takes; `rollups` are `data`'s.
    pub fn new(data: &'d DataSet, rollups: &'d Rollups, selection: Selection) -> Self {
        let resolved = data.sources.iter().map(|s| selection.resolve(s)).collect();
        SeriesSet {
            data,
            rollups,
            selection,
            resolved,
            matched: OnceCell::new(),
            day_sums: RefCell::default(),
            each_series: RefCell::default(),
        }
    }

    /// The indices of the series of source `index` that the selection takes, in table order
    /// (the order sums add them in): one pass over the series per set, shared by every metric.
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

    /// `metric` summed day by day over the set (for `sum`, and `mean`/`min`/`max` of daily
    /// totals): over whole platforms, the platforms' rollups; otherwise each matching series.
    pub fn day_sums(&self, metric: &str) -> Rc<DaySums<'d>> {
        if let Some(sums) = self.day_sums.borrow().get(metric) {
            return Rc::clone(sums);
        }
        let sums = Rc::new(DaySums::new(self.parts(metric, true)));
        self.day_sums
            .borrow_mut()
            .insert(metric.to_string(), Rc::clone(&sums));
        sums
    }

    /// `metric` in each matching series, in table order.
    pub fn each_series(&self, metric: &str) -> Rc<EachSeries<'d>> {
        if let Some(each) = self.each_series.borrow().get(metric) {
            return Rc::clone(each);
        }
        let each = Rc::new(EachSeries::new(self.parts(metric, false)));
        self.each_series
            .borrow_mut()
            .insert(metric.to_string(), Rc::clone(&each));
        each
    }

    /// The series `metric` is read from, source by source in table order; `rollups` lets the
    /// platform rollups stand in for whole platforms.
    fn parts(&self, metric: &str, rollups: bool) -> Vec<SeriesValues<'d>> {
        let mut out = Vec::new();
        for (si, source) in self.data.sources.iter().enumerate() {
            let Some(slot) = source.table.slot(metric) else {
                continue;
            };
            if rollups && self.selection.takes_whole_platforms() {
                for (platform, days) in self.rollups.of(si, source) {
                    if self.resolved[si].platform_ok(*platform) {
                        out.push(SeriesValues::new(days, slot));
                    }
                }
                continue;
            }
            let series = &source.table.series;
            out.extend(
                self.matched(si)
                    .iter()
                    .map(|&i| SeriesValues::new(&series[i].days, slot)),
            );
        }
        out
    }

    /// Oldest and newest row date, before filters, of the sources with a column for `metric`
    /// (docs/evaluation.md, "Windows"): those where the set has series
    /// ([`SeriesSet::sources`]), or every one when it has series in none.
    pub fn data_range(&self, metric: &str) -> Option<(Day, Day)> {
        let mut pick = self.sources(metric);
        if pick.is_empty() {
            pick = self.providing(metric).collect();
        }
        pick.into_iter()
            .filter_map(|i| self.data.sources[i].table.day_range)
            .reduce(|(a1, b1), (a2, b2)| (a1.min(a2), b1.max(b2)))
    }

    /// The indices of the sources `metric` is read from for this set, in source order: those
    /// with a column for it where the set has series.
    pub fn sources(&self, metric: &str) -> Vec<usize> {
        self.providing(metric)
            .filter(|i| !self.matched(*i).is_empty())
            .collect()
    }

    /// The indices of the sources with a column for `metric`.
    fn providing(&self, metric: &str) -> impl Iterator<Item = usize> {
        let sources = &self.data.sources;
        (0..sources.len()).filter(move |i| sources[*i].provides(metric))
    }
}
