//! Platform rollups and the account index: per source, one series per platform summing all its
//! accounts and dimension values, built on parallel threads the first time a selection of whole
//! platforms needs it — a goal on "all accounts" then reads one series per platform instead of
//! one per account (docs/performance.md). Also the series of each account, so that a goal on
//! one account finds its series without scanning them all. Both are built lazily and shared by
//! every goal (they are `Sync`); [`SeriesSet`](super::SeriesSet) is what reads them.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::table::{DayPages, Table};
use super::{DataSet, LoadedSource};
use crate::threads::in_parallel;

/// The rollups and account indexes of every source of a [`DataSet`], built on first use.
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
    pub(super) fn series_of(&self, index: usize, source: &LoadedSource, account: u32) -> &[usize] {
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
    pub(super) fn of(&self, index: usize, source: &LoadedSource) -> &[(u32, DayPages)] {
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
