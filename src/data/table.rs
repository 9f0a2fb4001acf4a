//! The in-memory form of a source: one daily table per series (platform × account × the
//! dimension values goals filter on), one slot per metric. A series stores its days in pages of
//! [`PAGE_DAYS`] days, allocated as rows arrive, so memory grows with the number of
//! (day × series × metric) cells the data touches — never with the number of rows, and with at
//! most one part-filled page at either end of a series (docs/performance.md).

use std::collections::HashMap;

use jiff::civil::Date as CivilDate;

/// A calendar day as a number (days since 1970-01-01), for dense indexing.
pub type Day = i32;

/// Days per page of a [`Series`].
pub const PAGE_DAYS: usize = 32;
/// `log2(PAGE_DAYS)`: `day >> PAGE_SHIFT` is the page number (floor division, also before 1970).
const PAGE_SHIFT: u32 = 5;
/// The last day offset within a page.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    reason = "PAGE_DAYS is 32"
)]
const PAGE_LAST: Day = (PAGE_DAYS - 1) as Day;

/// The day number of a date.
pub fn day_number(date: CivilDate) -> Day {
    let epoch = CivilDate::constant(1970, 1, 1);
    #[allow(
        clippy::cast_possible_truncation,
        reason = "jiff dates span ±9999 years, about 7.3 million days"
    )]
    let days = crate::spec::time::days_between(epoch, date) as Day;
    days
}

/// The date of a day number.
pub fn day_date(day: Day) -> CivilDate {
    let epoch = CivilDate::constant(1970, 1, 1);
    epoch
        .checked_add(jiff::Span::new().days(i64::from(day)))
        .unwrap_or(epoch)
}

/// Days in `[a, b]`, both included (0 when empty).
pub fn day_count(a: Day, b: Day) -> usize {
    usize::try_from(i64::from(b) - i64::from(a) + 1).unwrap_or(0)
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
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
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

/// The day-by-day values of every metric slot of one series ([`Series::days`]) or of a sum of
/// series (a platform rollup), stored in pages of [`PAGE_DAYS`] days × slots (day-major); NaN
/// marks "no value". Pages are allocated when a day in them first gets a value, and a directory
/// of pages, growing at either end, finds them. (Not `spec::scalars::Days`, which is a length of
/// time such as `stale_after: 7d`.)
#[derive(Debug, Clone, Default)]
pub struct DayPages {
    slots: usize,
    /// Page number of `pages[0]`.
    first_page: i32,
    pages: Vec<Option<Box<[f64]>>>,
    /// Oldest and newest day that received a value.
    range: Option<(Day, Day)>,
}

impl DayPages {
    /// No days yet, `slots` values per day.
    pub fn new(slots: usize) -> Self {
        DayPages {
            slots,
            ..DayPages::default()
        }
    }

    /// Oldest and newest day with a value (`None` when empty).
    pub fn day_range(&self) -> Option<(Day, Day)> {
        self.range
    }

    /// The value of `slot` on `day`.
    pub fn value(&self, day: Day, slot: usize) -> Option<f64> {
        let page = self.page((day >> PAGE_SHIFT) - self.first_page)?;
        let v = page[offset(day) * self.slots + slot];
        (!v.is_nan()).then_some(v)
    }

    fn page(&self, index: i32) -> Option<&[f64]> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.pages.get(i))
            .and_then(|p| p.as_deref())
    }

    /// Calls `f(day, value)` for every day of `[a, b]` with a value in `slot`, oldest first.
    #[allow(
        clippy::cast_possible_wrap,
        clippy::cast_sign_loss,
        reason = "page offsets are 0..PAGE_DAYS and i >= 0 within a page"
    )]
    pub fn each_in(&self, slot: usize, a: Day, b: Day, mut f: impl FnMut(Day, f64)) {
        let Some((first, last)) = self.range else {
            return;
        };
        let (a, b) = (a.max(first), b.min(last));
        if a > b {
            return;
        }
        for page_no in (a >> PAGE_SHIFT)..=(b >> PAGE_SHIFT) {
            let Some(page) = self.page(page_no - self.first_page) else {
                continue;
            };
            let base = page_no << PAGE_SHIFT;
            let lo = a.max(base) - base;
            let hi = b.min(base + PAGE_LAST) - base;
            for i in lo..=hi {
                let v = page[i as usize * self.slots + slot];
                if !v.is_nan() {
                    f(base + i, v);
                }
            }
        }
    }

    /// Adds the non-NaN entries of `values` (one per slot) to `day`; a row with none leaves the
    /// series untouched.
    pub fn add_row(&mut self, day: Day, values: &[f64]) {
        if values.iter().all(|v| v.is_nan()) {
            return;
        }
        let slots = self.slots;
        let at = offset(day) * slots;
        let page = self.page_mut(day);
        for (cell, v) in page[at..at + slots].iter_mut().zip(values) {
            if !v.is_nan() {
                *cell = if cell.is_nan() { *v } else { *cell + v };
            }
        }
        self.see(day);
    }

    /// Asks the CPU to start loading `day`'s cells, so that adding to them a few rows later does
    /// not wait for memory: rows land all over a table much larger than the caches, and this
    /// lets those cache misses overlap (docs/performance.md, "Adding rows"). Does nothing when
    /// the page does not exist yet or off x86-64.
    #[allow(unsafe_code, reason = "a prefetch hint: see the SAFETY comment")]
    pub fn prefetch(&self, day: Day) {
        let Some(page) = self.page((day >> PAGE_SHIFT) - self.first_page) else {
            return;
        };
        let at = offset(day) * self.slots;
        #[cfg(target_arch = "x86_64")]
        for cell in [at, at + self.slots - 1] {
            if let Some(v) = page.get(cell) {
                let p = std::ptr::from_ref(v).cast::<i8>();
                // SAFETY: a prefetch is only a hint; it never faults or changes memory, and `p`
                // points into a live page anyway.
                unsafe {
                    std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p);
                }
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (page, at);
    }

    /// Asks the CPU to start loading the page-directory entry of `day`, a step before
    /// [`DayPages::prefetch`]: the directories of all series together outgrow the caches too, and
    /// reading an entry is the first of the two memory trips an add makes.
    #[allow(unsafe_code, reason = "a prefetch hint: see the SAFETY comment")]
    pub fn prefetch_directory(&self, day: Day) {
        let Ok(index) = usize::try_from((day >> PAGE_SHIFT) - self.first_page) else {
            return;
        };
        #[cfg(target_arch = "x86_64")]
        if let Some(entry) = self.pages.get(index) {
            let p = std::ptr::from_ref(entry).cast::<i8>();
            // SAFETY: a prefetch is only a hint; it never faults or changes memory, and `p`
            // points into the live directory anyway.
            unsafe {
                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p);
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = index;
    }

    /// Adds `v` to `slot` on `day`.
    pub fn add(&mut self, day: Day, slot: usize, v: f64) {
        let at = offset(day) * self.slots + slot;
        let cell = &mut self.page_mut(day)[at];
        *cell = if cell.is_nan() { v } else { *cell + v };
        self.see(day);
    }

    fn see(&mut self, day: Day) {
        self.range = Some(match self.range {
            None => (day, day),
            Some((a, b)) => (a.min(day), b.max(day)),
        });
    }

    /// The page holding `day`, allocated (NaN-filled) when new; the page directory grows at
    /// either end, so unsorted and newest-first exports cost no copying of values.
    #[allow(
        clippy::cast_sign_loss,
        reason = "both differences are checked to be non-negative just before"
    )]
    fn page_mut(&mut self, day: Day) -> &mut [f64] {
        let page_no = day >> PAGE_SHIFT;
        if self.pages.is_empty() {
            self.first_page = page_no;
        }
        if page_no < self.first_page {
            let extra = (self.first_page - page_no) as usize;
            self.pages.splice(0..0, std::iter::repeat_n(None, extra));
            self.first_page = page_no;
        }
        let index = (page_no - self.first_page) as usize;
        if index >= self.pages.len() {
            self.pages.resize(index + 1, None);
        }
        let slots = self.slots;
        self.pages[index]
            .get_or_insert_with(|| vec![f64::NAN; PAGE_DAYS * slots].into_boxed_slice())
    }

    /// The day-by-day sum of `parts` (all with `slots` slots): a cell is a value when some part
    /// has one there. Sums are compensated (Neumaier), so adding up thousands of accounts' money
    /// does not drift.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_possible_wrap,
        reason = "a page index is below the number of pages, which Day numbers address"
    )]
    pub fn sum_of<'s>(slots: usize, parts: impl IntoIterator<Item = &'s DayPages>) -> DayPages {
        let mut total = DayPages::new(slots);
        let mut carry = DayPages::new(slots);
        for part in parts {
            debug_assert_eq!(part.slots, slots);
            for (i, page) in part.pages.iter().enumerate() {
                let Some(page) = page else { continue };
                let first_day = (part.first_page + i as i32) << PAGE_SHIFT;
                let sums = total.page_mut(first_day);
                let carries = carry.page_mut(first_day);
                for ((sum, c), &v) in sums.iter_mut().zip(carries.iter_mut()).zip(page.iter()) {
                    if v.is_nan() {
                        continue;
                    }
                    if sum.is_nan() {
                        *sum = v;
                        *c = 0.0;
                        continue;
                    }
                    let t = *sum + v;
                    *c += if sum.abs() >= v.abs() {
                        (*sum - t) + v
                    } else {
                        (v - t) + *sum
                    };
                    *sum = t;
                }
            }
            if let Some((a, b)) = part.range {
                total.see(a);
                total.see(b);
            }
        }
        for (sums, carries) in total.pages.iter_mut().zip(&carry.pages) {
            if let (Some(sums), Some(carries)) = (sums, carries) {
                for (sum, c) in sums.iter_mut().zip(carries.iter()) {
                    if !sum.is_nan() {
                        *sum += c;
                    }
                }
            }
        }
        total
    }

    /// Cells allocated (days × slots), for memory accounting in benchmarks.
    pub fn cells(&self) -> usize {
        self.pages.iter().flatten().map(|p| p.len()).sum()
    }
}

/// A day's place within its page.
#[allow(
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "the mask keeps 0..PAGE_DAYS"
)]
fn offset(day: Day) -> usize {
    (day & (PAGE_LAST)) as usize
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
    /// The values.
    pub days: DayPages,
}

impl Series {
    /// Oldest and newest day with a value (`None` when empty).
    pub fn day_range(&self) -> Option<(Day, Day)> {
        self.days.day_range()
    }

    /// The value of `slot` on `day`.
    pub fn value(&self, day: Day, slot: usize) -> Option<f64> {
        self.days.value(day, slot)
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
    /// The series, in order of first appearance in the files.
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

    /// Notes the dates of stored rows (even a row whose cells are all missing counts for
    /// freshness).
    pub fn see_days(&mut self, first: Day, last: Day) {
        self.day_range = Some(match self.day_range {
            None => (first, last),
            Some((a, b)) => (a.min(first), b.max(last)),
        });
    }

    /// The series for a key `[platform, account, dims...]`, created when new.
    pub fn series_index(&mut self, key: &[u32]) -> usize {
        if let Some(&i) = self.index.get(key) {
            return i;
        }
        let i = self.series.len();
        self.series.push(Series {
            platform: key[0],
            account: key[1],
            dims: key[2..].to_vec(),
            days: DayPages::new(self.metrics.len()),
        });
        self.index.insert(key.to_vec(), i);
        i
    }

    /// Adds one row's values (one per slot, NaN for none) to a series on a day.
    pub fn add_row(&mut self, series: usize, day: Day, values: &[f64]) {
        self.series[series].days.add_row(day, values);
    }

    /// Adds a value to a series' slot on a day.
    pub fn add(&mut self, series: usize, day: Day, slot: usize, v: f64) {
        self.series[series].days.add(day, slot, v);
    }

    /// Cells allocated over all series.
    pub fn cells(&self) -> usize {
        self.series.iter().map(|s| s.days.cells()).sum()
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
        t.add(s, -40, 1, 5.0);
        let series = &t.series[s];
        assert_eq!(series.value(100, 0), Some(5.0));
        assert_eq!(series.value(90, 1), Some(2.0));
        assert_eq!(series.value(90, 0), None);
        assert_eq!(series.value(500, 0), Some(3.0));
        assert_eq!(series.value(501, 0), None);
        assert_eq!(series.value(-40, 1), Some(5.0));
        assert_eq!(series.value(-41, 1), None);
        assert_eq!(series.day_range(), Some((-40, 500)));
    }

    #[test]
    fn memory_follows_touched_pages_not_the_span() {
        let mut t = Table::new(vec!["a".into()], vec![]);
        let s = t.series_index(&[0, 0]);
        // Two days ten years apart touch two pages, not 3,650 days.
        t.add(s, 0, 0, 1.0);
        t.add(s, 3650, 0, 1.0);
        assert_eq!(t.cells(), 2 * PAGE_DAYS);
        // Newest-first rows fill the same pages as oldest-first ones.
        let mut u = Table::new(vec!["a".into()], vec![]);
        let s = u.series_index(&[0, 0]);
        for day in (0..365).rev() {
            u.add(s, day, 0, 1.0);
        }
        assert_eq!(u.cells(), 365usize.div_ceil(PAGE_DAYS) * PAGE_DAYS);
    }

    #[test]
    fn each_in_visits_present_days_in_order_within_the_window() {
        let mut t = Table::new(vec!["a".into(), "b".into()], vec![]);
        let s = t.series_index(&[0, 0]);
        for day in [3, 31, 32, 64, 100] {
            t.add_row(s, day, &[f64::from(day), f64::NAN]);
        }
        let mut seen = Vec::new();
        t.series[s].days.each_in(0, 4, 64, |d, v| seen.push((d, v)));
        assert_eq!(seen, vec![(31, 31.0), (32, 32.0), (64, 64.0)]);
        let mut none = Vec::new();
        t.series[s]
            .days
            .each_in(1, 0, 200, |d, v| none.push((d, v)));
        assert!(none.is_empty());
    }

    #[test]
    fn sums_of_series_are_compensated_and_keep_gaps() {
        let mut t = Table::new(vec!["a".into(), "b".into()], vec![]);
        let x = t.series_index(&[0, 1]);
        let y = t.series_index(&[0, 2]);
        t.add_row(x, 10, &[1e16, f64::NAN]);
        t.add_row(y, 10, &[1.0, f64::NAN]);
        t.add_row(x, 300, &[f64::NAN, 2.0]);
        let z = t.series_index(&[0, 3]);
        t.add_row(z, 10, &[1.0, f64::NAN]);
        let total = DayPages::sum_of(2, t.series.iter().map(|s| &s.days));
        // Plain addition would lose both 1.0s against 1e16.
        assert_eq!(total.value(10, 0), Some(1e16 + 2.0));
        assert_eq!(total.value(10, 1), None);
        assert_eq!(total.value(300, 1), Some(2.0));
        assert_eq!(total.value(11, 0), None);
        assert_eq!(total.day_range(), Some((10, 300)));
    }
}
