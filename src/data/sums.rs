//! Sums over the series a metric is read from: what evaluation computes goal values with. A
//! [`SeriesSet`](super::SeriesSet) hands out a metric's values in one of two readings —
//! [`DaySums`], added up over the set's series day by day (where a platform rollup may stand
//! in for the platform's series), or [`EachSeries`], one series at a time — and these are the
//! only ways evaluation reaches the stored days; how they are stored (pages, prefetches) stays
//! behind them. Every sum is compensated (Neumaier), and parts are always added in table order,
//! so a value never depends on thread count or evaluation order.

use super::table::{Day, DayPages, day_count};

/// One metric's daily values in one series, or in one platform rollup.
#[derive(Debug, Clone, Copy)]
pub struct SeriesValues<'d> {
    days: &'d DayPages,
    slot: usize,
}

impl<'d> SeriesValues<'d> {
    /// The values of `slot` in `days`.
    pub(super) fn new(days: &'d DayPages, slot: usize) -> Self {
        SeriesValues { days, slot }
    }

    /// Calls `f(day, value)` for every day of `[a, b]` with a value, oldest first.
    fn each_in(&self, a: Day, b: Day, f: impl FnMut(Day, f64)) {
        self.days.each_in(self.slot, a, b, f);
    }

    /// The value of the newest day of `[a, b]` that has one.
    pub fn last_in(&self, a: Day, b: Day) -> Option<f64> {
        let mut last = None;
        self.each_in(a, b, |_, v| last = Some(v));
        last
    }

    /// The value of the oldest day of `[a, b]` that has one.
    pub fn first_in(&self, a: Day, b: Day) -> Option<f64> {
        let (lo, hi) = self.days.day_range()?;
        (a.max(lo)..=b.min(hi)).find_map(|d| self.days.value(d, self.slot))
    }
}

/// A metric's values over a series set, to be added up day by day: for a selection of whole
/// platforms the platform rollups stand in for the series (the same totals, read from a handful
/// of series instead of thousands).
#[derive(Debug)]
pub struct DaySums<'d> {
    parts: Vec<SeriesValues<'d>>,
}

impl<'d> DaySums<'d> {
    pub(super) fn new(parts: Vec<SeriesValues<'d>>) -> Self {
        DaySums { parts }
    }

    /// Whether the selection matched no series at all: then a window has no value, not a
    /// total of 0.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Σ over the series and the days of `[a, b]`; 0 when there is no value.
    pub fn total(&self, a: Day, b: Day) -> f64 {
        let mut total = Compensated::default();
        for part in &self.parts {
            part.each_in(a, b, |_, v| total.add(v));
        }
        total.value()
    }

    /// Each day of `[a, b]`, summed over the series: `None` where no series has a value.
    pub fn by_day(&self, a: Day, b: Day) -> Vec<Option<f64>> {
        let mut per_day = vec![(Compensated::default(), false); day_count(a, b)];
        for part in &self.parts {
            part.each_in(a, b, |d, v| {
                #[allow(clippy::cast_sign_loss, reason = "each_in calls back with a <= d")]
                let (t, any) = &mut per_day[(d - a) as usize];
                t.add(v);
                *any = true;
            });
        }
        per_day
            .iter()
            .map(|(t, any)| any.then(|| t.value()))
            .collect()
    }
}

/// A metric's values in each series of a set, in table order: for aggregations that are not
/// sums of days (`last`, `first`, `delta`, a rate stored as a column).
#[derive(Debug)]
pub struct EachSeries<'d> {
    series: Vec<SeriesValues<'d>>,
}

impl<'d> EachSeries<'d> {
    pub(super) fn new(series: Vec<SeriesValues<'d>>) -> Self {
        EachSeries { series }
    }

    /// The series, in table order.
    pub fn iter(&self) -> impl Iterator<Item = &SeriesValues<'d>> {
        self.series.iter()
    }

    /// The level on each day of `[a, b]` on which some series has a value: the sum over the
    /// series of each one's newest value in `[a, day]` (a series without a row that day keeps
    /// its level); `None` on the other days. One pass over each series: every new value
    /// changes the total by its step from the series' previous value.
    pub fn levels(&self, a: Day, b: Day) -> Vec<Option<f64>> {
        let n = day_count(a, b);
        let mut steps = vec![(Compensated::default(), false); n];
        for series in &self.series {
            let mut previous = 0.0;
            series.each_in(a, b, |d, v| {
                #[allow(clippy::cast_sign_loss, reason = "each_in calls back with a <= d")]
                let (step, any) = &mut steps[(d - a) as usize];
                step.add(v - previous);
                *any = true;
                previous = v;
            });
        }
        let mut level = Compensated::default();
        steps
            .into_iter()
            .map(|(step, any)| {
                level.add(step.value());
                any.then(|| level.value())
            })
            .collect()
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
#[allow(
    clippy::float_cmp,
    reason = "compensated sums must give these exact values"
)]
mod tests {
    use super::*;
    use crate::data::Table;

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

    #[test]
    fn day_sums_and_each_series_read_the_window() {
        let mut t = Table::new(vec!["a".into()], vec![]);
        let x = t.series_index(&[0, 1]);
        let y = t.series_index(&[0, 2]);
        for (s, day, v) in [(x, 10, 1.0), (x, 12, 2.0), (y, 12, 4.0), (y, 20, 8.0)] {
            t.add(s, day, 0, v);
        }
        let parts = || t.series.iter().map(|s| SeriesValues::new(&s.days, 0));
        let sums = DaySums::new(parts().collect());
        assert_eq!(sums.total(10, 12), 7.0);
        assert_eq!(sums.total(13, 19), 0.0);
        assert_eq!(sums.by_day(11, 13), vec![None, Some(6.0), None]);
        let each = EachSeries::new(parts().collect());
        // Levels: x is 1 from day 10 and 2 from 12; y is 4 from 12 and 8 from 20.
        let levels = each.levels(10, 20);
        assert_eq!(
            (levels[0], levels[1], levels[2]),
            (Some(1.0), None, Some(6.0))
        );
        assert_eq!(levels[10], Some(10.0));
        assert_eq!(levels.iter().flatten().count(), 3);
        let last: Vec<_> = each.iter().map(|s| s.last_in(0, 15)).collect();
        assert_eq!(last, vec![Some(2.0), Some(4.0)]);
        let first: Vec<_> = each.iter().map(|s| s.first_in(11, 30)).collect();
        assert_eq!(first, vec![Some(2.0), Some(4.0)]);
        assert_eq!(each.iter().next().unwrap().first_in(13, 30), None);
    }
}
