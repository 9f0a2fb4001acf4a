//! The in-memory form of a source: one dense daily table per series (platform × account × the
//! dimension values goals filter on), one slot per metric. Memory grows with the number of
//! (day × series × metric) cells, never with the number of rows.

use std::collections::HashMap;

use jiff::civil::Date as CivilDate;

/// A calendar day as a number (days since 1970-01-01), for dense indexing.
pub type Day = i32;

/// The day number of a date.
pub fn day_number(date: CivilDate) -> Day {
    let epoch = CivilDate::constant(1970, 1, 1);
    crate::spec::time::days_between(epoch, date) as Day
}

/// The date of a day number.
pub fn day_date(day: Day) -> CivilDate {
    let epoch = CivilDate::constant(1970, 1, 1);
    epoch
        .checked_add(jiff::Span::new().days(i64::from(day)))
        .unwrap_or(epoch)
}

/// Interned strings: each distinct platform, account or dimension value is stored once.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    names: Vec<String>,
    ids: HashMap<String, u32>,
}

impl Interner {
    /// The id of `name`, adding it when new.
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.to_string());
        self.ids.insert(name.to_string(), id);
        id
    }

    /// The id of `name`, if it was ever interned.
    pub fn get(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }

    /// The string of an id.
    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }
}

/// One series: the daily values of every metric slot for one platform × account × dimensions.
#[derive(Debug, Clone)]
pub struct Series {
    /// Interned platform (canonical id), or the empty string when the source has none.
    pub platform: u32,
    /// Interned account (lower-cased), or the empty string.
    pub account: u32,
    /// Interned dimension values (lower-cased), aligned with [`Table::dims`].
    pub dims: Vec<u32>,
    first_day: Day,
    days: usize,
    /// `days × slots` values, day-major; NaN marks "no value".
    values: Vec<f64>,
}

impl Series {
    fn new(platform: u32, account: u32, dims: Vec<u32>) -> Self {
        Series {
            platform,
            account,
            dims,
            first_day: 0,
            days: 0,
            values: Vec::new(),
        }
    }

    /// First and last day with storage (`None` when empty).
    pub fn day_range(&self) -> Option<(Day, Day)> {
        (self.days > 0).then(|| (self.first_day, self.first_day + self.days as Day - 1))
    }

    /// The value of `slot` on `day`.
    pub fn value(&self, day: Day, slot: usize, slots: usize) -> Option<f64> {
        let offset = day.checked_sub(self.first_day)?;
        if offset < 0 || offset as usize >= self.days {
            return None;
        }
        let v = self.values[offset as usize * slots + slot];
        (!v.is_nan()).then_some(v)
    }

    /// Adds `v` to `slot` on `day`, growing the table at either end (doubling, so unsorted
    /// exports stay linear).
    fn add(&mut self, day: Day, slot: usize, slots: usize, v: f64) {
        self.ensure(day, slots);
        let cell = &mut self.values[(day - self.first_day) as usize * slots + slot];
        *cell = if cell.is_nan() { v } else { *cell + v };
    }

    fn ensure(&mut self, day: Day, slots: usize) {
        if self.days == 0 {
            self.first_day = day;
            self.days = 1;
            self.values = vec![f64::NAN; slots];
            return;
        }
        let last = self.first_day + self.days as Day - 1;
        if day > last {
            // Vec::resize grows capacity geometrically: appending stays amortized O(1).
            self.days = (day - self.first_day + 1) as usize;
            self.values.resize(self.days * slots, f64::NAN);
        } else if day < self.first_day {
            // Prepend at least as many days as are stored, so newest-first exports stay linear.
            let extra = ((self.first_day - day) as usize).max(self.days);
            let mut values = vec![f64::NAN; extra * slots];
            values.extend_from_slice(&self.values);
            self.values = values;
            self.first_day -= extra as Day;
            self.days += extra;
        }
    }
}

/// Every series of one source, with the metric slots it stores.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Metric id of each slot.
    pub metrics: Vec<String>,
    /// Dimension columns kept (lower-cased names), aligned with [`Series::dims`].
    pub dims: Vec<String>,
    /// Platforms, accounts and dimension values.
    pub strings: Interner,
    /// The series, in order of first appearance.
    pub series: Vec<Series>,
    index: HashMap<Vec<u32>, usize>,
    /// Oldest and newest row date, before any filter.
    pub day_range: Option<(Day, Day)>,
}

impl Table {
    /// An empty table with these metric slots and dimensions.
    pub fn new(metrics: Vec<String>, dims: Vec<String>) -> Self {
        let mut strings = Interner::default();
        strings.intern("");
        Table {
            metrics,
            dims,
            strings,
            ..Table::default()
        }
    }

    /// The slot of a metric.
    pub fn slot(&self, metric: &str) -> Option<usize> {
        self.metrics.iter().position(|m| m == metric)
    }

    /// Notes a row's date (even a row whose cells are all missing counts for freshness).
    pub fn see_day(&mut self, day: Day) {
        self.day_range = Some(match self.day_range {
            None => (day, day),
            Some((a, b)) => (a.min(day), b.max(day)),
        });
    }

    /// The series for a key `[platform, account, dims...]`, created when new.
    pub fn series_index(&mut self, key: &[u32]) -> usize {
        if let Some(&i) = self.index.get(key) {
            return i;
        }
        let i = self.series.len();
        self.series
            .push(Series::new(key[0], key[1], key[2..].to_vec()));
        self.index.insert(key.to_vec(), i);
        i
    }

    /// Adds a value to a series' slot on a day.
    pub fn add(&mut self, series: usize, day: Day, slot: usize, v: f64) {
        let slots = self.metrics.len();
        self.series[series].add(day, slot, slots, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip() {
        let d = CivilDate::constant(2026, 11, 24);
        assert_eq!(day_date(day_number(d)), d);
        assert_eq!(day_number(CivilDate::constant(1970, 1, 2)), 1);
    }

    #[test]
    fn series_grow_both_ways_and_keep_values() {
        let mut t = Table::new(vec!["a".into(), "b".into()], vec![]);
        let s = t.series_index(&[0, 0]);
        t.add(s, 100, 0, 1.0);
        t.add(s, 90, 1, 2.0);
        t.add(s, 500, 0, 3.0);
        t.add(s, 100, 0, 4.0);
        let series = &t.series[s];
        assert_eq!(series.value(100, 0, 2), Some(5.0));
        assert_eq!(series.value(90, 1, 2), Some(2.0));
        assert_eq!(series.value(90, 0, 2), None);
        assert_eq!(series.value(500, 0, 2), Some(3.0));
        assert_eq!(series.value(501, 0, 2), None);
    }
}
