//! Turning an export's rows into table rows. An [`Ingest`] parses rows into a [`Batch`] without
//! touching the table, so several threads can parse chunks of one file at once; [`Merge`] then
//! adds the batches to the [`Table`] in file order, which keeps every sum's order — and so
//! every output byte — the same however the file was split.

use std::collections::HashMap;

use csv::ByteRecord;

use super::cells;
use super::error::DataError;
use super::layout::{Field, FileLayout, SourcePlan, metric_for, platform_id};
use super::scan::{self, plain_decimal, same_bytes};
use super::table::{Day, Table, day_number};
use crate::catalog::{Catalog, DurationUnit};
use crate::spec::model::OnError;

/// Whether `lowered` (a cell, trimmed and lower-cased) labels a total row: a built-in label or
/// one of the source's `skip_rows_matching`.
pub(super) fn is_total_label(lowered: &str, plan: &SourcePlan) -> bool {
    TOTAL_LABELS.contains(&lowered) || plan.skip_matching.iter().any(|m| m == lowered)
}

/// Labels of total rows that exports append (first cell or date cell, any case).
const TOTAL_LABELS: &[&str] = &[
    "total",
    "totals",
    "grand total",
    "totaal",
    "gesamt",
    "summe",
];

/// Counters of one source.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    /// Rows stored.
    pub rows: u64,
    /// Malformed rows skipped (`on_error: skip`).
    pub skipped: u64,
    /// The line of the first of them.
    pub first_skipped: Option<u64>,
    /// Total rows dropped.
    pub totals: u64,
    /// Rows holding values but no date (left out: they cannot be placed in a window).
    pub undated: u64,
    /// The line of the first of them.
    pub first_undated: Option<u64>,
}

impl Counts {
    fn absorb(&mut self, other: Counts) {
        self.rows += other.rows;
        self.skipped += other.skipped;
        self.first_skipped = self.first_skipped.or(other.first_skipped);
        self.totals += other.totals;
        self.undated += other.undated;
        self.first_undated = self.first_undated.or(other.first_undated);
    }
}

/// A series key as normalized text: platform id, lower-cased account, lower-cased dimensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesKey {
    platform: String,
    account: String,
    dims: Vec<String>,
}

/// Parsed rows of one chunk of an export, ready to be added to a table.
#[derive(Debug, Default)]
pub struct Batch {
    /// Keys first seen by this [`Ingest`] in this chunk, in the order of their local ids.
    new_keys: Vec<SeriesKey>,
    /// `(local key id, day)` per stored row.
    rows: Vec<(u32, Day)>,
    /// `rows.len() × slots` values; NaN where a cell is missing.
    values: Vec<f64>,
    /// Oldest and newest day of the stored rows.
    days: Option<(Day, Day)>,
    /// Counters.
    pub counts: Counts,
    /// The first error, its line relative to the chunk (see [`Batch::shift_lines`]).
    pub error: Option<DataError>,
}

impl Batch {
    /// Empties the batch, keeping its allocations for the next chunk (fresh allocations of this
    /// size cost a page fault per 4 KiB).
    pub fn recycle(&mut self) {
        self.new_keys.clear();
        self.rows.clear();
        self.values.clear();
        self.days = None;
        self.counts = Counts::default();
        self.error = None;
    }

    /// Makes the error's line absolute: `offset` is the number of lines before the chunk.
    pub fn shift_lines(&mut self, offset: u64) {
        if let Some(e) = self.error.as_mut() {
            e.line = e.line.map(|l| l + offset);
        }
        self.counts.first_undated = self.counts.first_undated.map(|l| l + offset);
        self.counts.first_skipped = self.counts.first_skipped.map(|l| l + offset);
    }

    fn see(&mut self, day: Day) {
        self.days = Some(match self.days {
            None => (day, day),
            Some((a, b)) => (a.min(day), b.max(day)),
        });
    }
}

/// The cells of one row, however the row was split: a [`ByteRecord`] (from the `csv` crate, or
/// built from a JSON object) or a [`SplitRow`](super::scan::SplitRow) of the byte scanner.
pub trait Row {
    /// Cell `i`, empty when the row is shorter.
    fn cell(&self, i: usize) -> &[u8];
    /// Number of cells.
    fn width(&self) -> usize;
}

impl Row for ByteRecord {
    fn cell(&self, i: usize) -> &[u8] {
        self.get(i).unwrap_or_default()
    }
    fn width(&self) -> usize {
        self.len()
    }
}

/// What every [`Ingest`] of one file is made from: each parser thread makes its own.
pub struct FileJob<'a> {
    /// The source's plan.
    pub plan: &'a SourcePlan<'a>,
    /// The file's columns.
    pub layout: &'a FileLayout,
    /// The metric catalog.
    pub catalog: &'a Catalog,
    /// The file as shown.
    pub display: &'a str,
    /// The table's metric slots.
    pub metrics: Vec<String>,
}

impl FileJob<'_> {
    /// A fresh [`Ingest`] of the file.
    pub fn ingest(&self) -> Ingest<'_> {
        Ingest::new(
            self.plan,
            self.layout,
            self.catalog,
            self.display,
            &self.metrics,
        )
    }
}

/// Parses one export's rows (on any thread): the file's layout resolved against the source's
/// plan, with caches that make the common row cost no allocation.
pub struct Ingest<'a> {
    plan: &'a SourcePlan<'a>,
    layout: &'a FileLayout,
    catalog: &'a Catalog,
    display: &'a str,
    /// A row of missing values (NaN), one per table slot, copied in before a row's cells are
    /// filled.
    missing: Vec<f64>,
    /// `(column, slot, duration unit, scale)` for wide layouts, only the metrics the table keeps.
    slots: Vec<(usize, usize, Option<DurationUnit>, f64)>,
    /// Whether no two columns share a slot, so a cell is written once and never read first.
    distinct_slots: bool,
    /// Repeated headers of metrics the table keeps: `(read, twin)` columns that must agree.
    twins: Vec<(usize, usize)>,
    /// `count_rows:`: the slot every dated row adds 1 to.
    count_slot: Option<usize>,
    /// Long layouts: the slot and duration unit of a metric-column text.
    long_slots: HashMap<Vec<u8>, Option<(usize, Option<DurationUnit>)>>,
    /// Table metric ids per slot.
    table_metrics: &'a [String],
    last_date: (Vec<u8>, Day),
    /// The raw bytes of a row's key cells → local key id; the last key is checked first because
    /// exports come in runs of one account.
    keys: HashMap<Vec<u8>, u32, foldhash::fast::RandomState>,
    key_bytes: Vec<u8>,
    last_key: Option<(Vec<u8>, u32)>,
    /// Key texts with local ids not yet sent in a batch.
    new_keys: Vec<SeriesKey>,
    /// Local ids handed out.
    next_key: u32,
    /// Year-less dates: the year and month-day of the last row.
    yearless: Option<(i16, (i8, i8))>,
    /// A table without dates: the day every row goes on (its range's last).
    whole_day: Option<Day>,
}

impl<'a> Ingest<'a> {
    /// Prepares ingestion of one file into a table with `table_metrics` slots.
    pub fn new(
        plan: &'a SourcePlan<'a>,
        layout: &'a FileLayout,
        catalog: &'a Catalog,
        display: &'a str,
        table_metrics: &'a [String],
    ) -> Self {
        let slot = |m: &str| table_metrics.iter().position(|t| t == m);
        let slots = layout
            .metrics
            .iter()
            .filter_map(|(col, m, unit, scale)| slot(m).map(|s| (*col, s, *unit, *scale)))
            .collect::<Vec<(usize, usize, Option<DurationUnit>, f64)>>();
        let distinct_slots = slots
            .iter()
            .enumerate()
            .all(|(i, a)| slots[..i].iter().all(|b| b.1 != a.1));
        let count_slot = plan
            .source
            .count_rows
            .as_ref()
            .and_then(|m| slot(m.as_str()));
        let twins = layout
            .twins
            .iter()
            .filter(|(_, _, m)| slot(m).is_some())
            .map(|(a, b, _)| (*a, *b))
            .collect();
        Ingest {
            count_slot,
            distinct_slots,
            twins,
            plan,
            layout,
            catalog,
            display,
            missing: vec![f64::NAN; table_metrics.len()],
            slots,
            long_slots: HashMap::new(),
            table_metrics,
            last_date: (Vec::new(), 0),
            keys: HashMap::default(),
            key_bytes: Vec::new(),
            last_key: None,
            new_keys: Vec::new(),
            next_key: 0,
            yearless: None,
            whole_day: layout.whole.map(|(_, last)| day_number(last)),
        }
    }

    /// A record that cannot be read at all at `line`: skipped and counted under `on_error:
    /// skip`, else `error` becomes the batch's error.
    pub fn unreadable(&self, batch: &mut Batch, error: DataError, line: u64) {
        if self.plan.source.on_error == Some(OnError::Skip) {
            batch.counts.skipped += 1;
            batch.counts.first_skipped = batch.counts.first_skipped.or(Some(line));
        } else {
            batch.error = Some(error);
        }
    }

    /// Reads one row into `batch`; a malformed cell is recorded as the batch's error unless the
    /// source says `on_error: skip`. Returns `false` once the batch has an error.
    pub fn row(&mut self, batch: &mut Batch, record: &impl Row, line: u64) -> bool {
        let mark = batch.values.len();
        match self.try_row(batch, record, line) {
            Ok(()) => true,
            Err(e) => {
                batch.values.truncate(mark);
                let again = self.repeats_header(record);
                if self.plan.source.on_error == Some(OnError::Skip) && !again {
                    batch.counts.skipped += 1;
                    batch.counts.first_skipped = batch.counts.first_skipped.or(Some(line));
                    true
                } else if again {
                    batch.error = Some(
                        DataError::at(
                            self.display,
                            Some(line),
                            "this line repeats the header: another block of the export begins here",
                        )
                        .help("a source reads one block: split the file, or name the block with `block:` (files up to 8 MiB are split into blocks)"),
                    );
                    false
                } else {
                    batch.error = Some(e);
                    false
                }
            }
        }
    }

    /// A repeated header must repeat its values: when the two columns differ, which one holds
    /// the number is a guess, and adding them up would double it.
    fn check_twins(&self, record: &impl Row, line: u64) -> Result<(), DataError> {
        for &(a, b) in &self.twins {
            let (x, y) = (record.cell(a).trim_ascii(), record.cell(b).trim_ascii());
            if x != y {
                let header = self.layout.headers.get(a).map_or("", String::as_str);
                return Err(DataError::at(
                    self.display,
                    Some(line),
                    format!(
                        "columns {} and {} are both `{header}` and differ on this row (`{}` and `{}`): which one is right is a guess",
                        a + 1,
                        b + 1,
                        shorten(&String::from_utf8_lossy(x)),
                        shorten(&String::from_utf8_lossy(y))
                    ),
                )
                .help("remove one of the two columns from the export, or rename it in the header"));
            }
        }
        Ok(())
    }

    /// Hands the keys first seen since the last call to `batch` (call once per batch, last).
    pub fn finish(&mut self, batch: &mut Batch) {
        batch.new_keys = std::mem::take(&mut self.new_keys);
    }

    fn try_row(
        &mut self,
        batch: &mut Batch,
        record: &impl Row,
        line: u64,
    ) -> Result<(), DataError> {
        if (0..record.width()).all(|i| record.cell(i).trim_ascii().is_empty()) {
            return Ok(());
        }
        self.check_width(record, line)?;
        self.check_twins(record, line)?;
        let date_raw = record.cell(self.layout.date);
        if self.is_total(record.cell(0)) || self.is_total(date_raw) {
            batch.counts.totals += 1;
            return Ok(());
        }
        let day = match self.whole_day {
            // A table without dates: its rows go on the range's last day, and the source
            // records the range so that only a window equal to it reads them.
            Some(day) => day,
            None if date_raw.trim_ascii().is_empty() => {
                self.undated(batch, record, line);
                return Ok(());
            }
            None => self.day(record, line)?,
        };
        let start = batch.values.len();
        batch.values.extend_from_slice(&self.missing);
        if let Some((metric_col, value_col)) = self.layout.long {
            if let Some((slot, unit)) = self.long_slot(record.cell(metric_col))
                && let Some(v) = self.number(record, value_col, unit, line)?
            {
                batch.values[start + slot] = v;
            }
        } else {
            let decimal = self.plan.number.decimal;
            for i in 0..self.slots.len() {
                let (col, slot, unit, scale) = self.slots[i];
                // The plain-number test inline, the general parser (and its large `Result`)
                // out of line: most cells of most exports are plain numbers.
                let parsed = match plain_decimal(record.cell(col), decimal) {
                    Some(v) => Some(v),
                    None => self.number(record, col, unit, line)?,
                };
                if let Some(v) = parsed {
                    let cell = &mut batch.values[start + slot];
                    if self.distinct_slots {
                        *cell = v * scale;
                        continue;
                    }
                    // Two columns mapped to one metric add up, as they always have.
                    *cell = if cell.is_nan() {
                        v * scale
                    } else {
                        *cell + v * scale
                    };
                }
            }
        }
        if let Some(slot) = self.count_slot {
            let cell = &mut batch.values[start + slot];
            *cell = if cell.is_nan() { 1.0 } else { *cell + 1.0 };
        }
        let key = self.key(record, line)?;
        batch.rows.push((key, day));
        batch.see(day);
        batch.counts.rows += 1;
        Ok(())
    }

    /// Whether a row that failed is the header again: a second block of a file too large to be
    /// split into blocks (`csv_reader::IN_MEMORY`). It stops the read even with
    /// `on_error: skip`, which must never merge two blocks. Only failed rows are looked at.
    #[inline(never)]
    fn repeats_header(&self, record: &impl Row) -> bool {
        let headers = &self.layout.headers;
        record.width() == headers.len()
            && (0..headers.len())
                .all(|i| std::str::from_utf8(record.cell(i)).is_ok_and(|c| c.trim() == headers[i]))
    }

    /// A row without a date: counted when a metric cell of it holds a value (YouTube's unlisted
    /// videos), so that the report can say rows were left out; a blank row is not counted.
    #[inline(never)]
    fn undated(&self, batch: &mut Batch, record: &impl Row, line: u64) {
        let valued = self.layout.metrics.iter().any(|(col, _, _, _)| {
            let cell = record.cell(*col);
            // A number: a description row under the header (text in every cell) is no row.
            std::str::from_utf8(cell).is_ok_and(|t| {
                cells::parse_number(t, self.plan.number, None).is_ok_and(|v| v.is_some())
            })
        });
        if valued {
            batch.counts.undated += 1;
            batch.counts.first_undated = batch.counts.first_undated.or(Some(line));
        }
    }

    fn check_width(&self, record: &impl Row, line: u64) -> Result<(), DataError> {
        let width = self.layout.headers.len();
        if record.width() > width
            && (width..record.width()).any(|i| !record.cell(i).trim_ascii().is_empty())
        {
            return Err(DataError::at(
                self.display,
                Some(line),
                format!("the row has {} fields but the header has {width}", record.width()),
            )
            .column(width + 1)
            .help("a cell with the delimiter in it must be quoted; check the delimiter (`delimiter:`) too"));
        }
        Ok(())
    }

    fn is_total(&self, cell: &[u8]) -> bool {
        let cell = cell.trim_ascii();
        // Fast exit for dates and numbers: every built-in total label starts with a letter.
        if self.plan.skip_matching.is_empty()
            && cell.first().is_none_or(|b| !b.is_ascii_alphabetic())
        {
            return false;
        }
        let t = String::from_utf8_lossy(cell).trim().to_lowercase();
        !t.is_empty() && is_total_label(&t, self.plan)
    }

    fn day(&mut self, record: &impl Row, line: u64) -> Result<Day, DataError> {
        let raw = record.cell(self.layout.date);
        if let Some(anchor) = self.layout.yearless_anchor {
            return self.anchored_day(anchor, record, line);
        }
        if same_bytes(raw, &self.last_date.0) {
            return Ok(self.last_date.1);
        }
        if self.layout.year_start.is_some() {
            return self.yearless_day(record, line);
        }
        if let Some(offset) = self.layout.offset {
            return self.offset_day(offset, record, line);
        }
        let dates = self.layout.dates.as_ref().unwrap_or(&self.plan.dates);
        let fast = match dates.strftime {
            None => scan::iso_date(raw),
            Some(_) => None,
        };
        let date = match fast {
            Some(date) => date,
            None => {
                let value = self.utf8(record, self.layout.date, line)?;
                cells::parse_date(value, dates)
                    .map_err(|e| self.cell_error(self.layout.date, value, line, e))?
            }
        };
        let day = day_number(date);
        self.last_date = (raw.to_vec(), day);
        Ok(day)
    }

    /// A year-less date (`February 28`): in the year of the row before, or the next year when
    /// the month and day go back (New Year). The file is read on one thread in order.
    #[inline(never)]
    fn yearless_day(&mut self, record: &impl Row, line: u64) -> Result<Day, DataError> {
        let raw = record.cell(self.layout.date);
        let value = self.utf8(record, self.layout.date, line)?;
        let bad = |message: &str| {
            self.cell_error(
                self.layout.date,
                value,
                line,
                cells::CellError {
                    message: message.to_string(),
                    help: Some(
                        "with `year:`, every date of the column is a month and a day (`February 28`)"
                            .into(),
                    ),
                },
            )
        };
        let md = super::sniff::month_day(value).ok_or_else(|| bad("is not a month and a day"))?;
        let (mut year, last) = self
            .yearless
            .unwrap_or((self.layout.year_start.unwrap_or(0), md));
        if md < last {
            year += 1;
        }
        let date =
            super::sniff::in_year(md, year).ok_or_else(|| bad("is not a day of that year"))?;
        self.yearless = Some((year, md));
        let day = day_number(date);
        self.last_date = (raw.to_vec(), day);
        Ok(day)
    }

    /// A year-less date anchored by the row's export day (`Time`): the latest such day on or
    /// before it; the export days themselves roll over like [`Self::yearless_day`].
    #[inline(never)]
    fn anchored_day(
        &mut self,
        anchor: usize,
        record: &impl Row,
        line: u64,
    ) -> Result<Day, DataError> {
        let bad = |this: &Self, col: usize, value: &str| {
            this.cell_error(
                col,
                value,
                line,
                cells::CellError {
                    message: "is not a month and a day".into(),
                    help: Some("with `year:`, every date of the column is a month and a day (`February 28`)".into()),
                },
            )
        };
        let export = self.utf8(record, anchor, line)?;
        let export_md = super::sniff::month_day(export).ok_or_else(|| bad(self, anchor, export))?;
        let value = self.utf8(record, self.layout.date, line)?;
        let md =
            super::sniff::month_day(value).ok_or_else(|| bad(self, self.layout.date, value))?;
        let (mut year, last) = self
            .yearless
            .unwrap_or((self.layout.year_start.unwrap_or(0), export_md));
        if export_md < last {
            year += 1;
        }
        self.yearless = Some((year, export_md));
        let year = if md <= export_md { year } else { year - 1 };
        let date =
            super::sniff::in_year(md, year).ok_or_else(|| bad(self, self.layout.date, value))?;
        Ok(day_number(date))
    }

    /// A GA4 offset (`0003` in `Nth day` or `Nth week`) → its first day.
    #[inline(never)]
    fn offset_day(
        &mut self,
        offset: super::layout::Offset,
        record: &impl Row,
        line: u64,
    ) -> Result<Day, DataError> {
        let raw = record.cell(self.layout.date);
        let value = self.utf8(record, self.layout.date, line)?;
        let date = value
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| (0..=100_000).contains(n))
            .and_then(|n| offset.day(n))
            .ok_or_else(|| {
                self.cell_error(
                    self.layout.date,
                    value,
                    line,
                    cells::CellError {
                        message: "is not an offset (`0000`, `0001`, …)".into(),
                        help: None,
                    },
                )
            })?;
        let day = day_number(date);
        self.last_date = (raw.to_vec(), day);
        Ok(day)
    }

    fn long_slot(&mut self, raw: &[u8]) -> Option<(usize, Option<DurationUnit>)> {
        if let Some(hit) = self.long_slots.get(raw) {
            return *hit;
        }
        let name = String::from_utf8_lossy(raw);
        let found = metric_for(self.plan, &name, self.catalog).and_then(|m| {
            let slot = self.table_metrics.iter().position(|t| *t == m)?;
            Some((slot, self.catalog.get(&m).and_then(|d| d.duration_unit)))
        });
        self.long_slots.insert(raw.to_vec(), found);
        found
    }

    #[inline(never)]
    fn number(
        &self,
        record: &impl Row,
        col: usize,
        unit: Option<DurationUnit>,
        line: u64,
    ) -> Result<Option<f64>, DataError> {
        let raw = record.cell(col);
        if let Some(v) = plain_decimal(raw, self.plan.number.decimal) {
            return Ok(Some(v));
        }
        let value = self.utf8(record, col, line)?;
        cells::parse_number(value, self.plan.number, unit)
            .map_err(|e| self.cell_error(col, value, line, e))
    }

    /// The local id of the row's series; its text is normalized only the first time its raw
    /// cells are seen.
    fn key(&mut self, record: &impl Row, line: u64) -> Result<u32, DataError> {
        self.key_bytes.clear();
        let columns = [&self.layout.platform, &self.layout.account]
            .into_iter()
            .filter_map(|f| match f {
                Field::Column(c) => Some(*c),
                _ => None,
            })
            .chain(self.layout.dims.iter().flatten().copied());
        for col in columns {
            self.key_bytes.extend_from_slice(record.cell(col));
            // 0xFF never occurs in UTF-8, so it separates cells unambiguously.
            self.key_bytes.push(0xFF);
        }
        if let Some((bytes, id)) = &self.last_key
            && same_bytes(bytes, &self.key_bytes)
        {
            return Ok(*id);
        }
        let id = match self.keys.get(self.key_bytes.as_slice()) {
            Some(id) => *id,
            None => {
                let key = self.key_text(record, line)?;
                let id = self.next_key;
                self.next_key += 1;
                self.new_keys.push(key);
                self.keys.insert(self.key_bytes.clone(), id);
                id
            }
        };
        match &mut self.last_key {
            Some((bytes, last)) => {
                bytes.clone_from(&self.key_bytes);
                *last = id;
            }
            None => self.last_key = Some((self.key_bytes.clone(), id)),
        }
        Ok(id)
    }

    fn key_text(&self, record: &impl Row, line: u64) -> Result<SeriesKey, DataError> {
        let cell = |field: &Field, normal: fn(&str) -> String| -> Result<String, DataError> {
            Ok(match field {
                Field::Column(col) => normal(self.utf8(record, *col, line)?),
                Field::Constant(text) => text.clone(),
                Field::Absent => String::new(),
            })
        };
        let lower = |s: &str| s.trim().to_lowercase();
        let mut dims = Vec::with_capacity(self.layout.dims.len());
        for col in &self.layout.dims {
            dims.push(match col {
                Some(col) => lower(self.utf8(record, *col, line)?),
                None => String::new(),
            });
        }
        Ok(SeriesKey {
            platform: cell(&self.layout.platform, platform_id)?,
            account: cell(&self.layout.account, lower)?,
            dims,
        })
    }

    fn utf8<'r>(&self, record: &'r impl Row, col: usize, line: u64) -> Result<&'r str, DataError> {
        std::str::from_utf8(record.cell(col)).map_err(|_| {
            DataError::at(
                self.display,
                Some(line),
                format!(
                    "in column `{}`, the cell is not UTF-8 text",
                    self.header(col)
                ),
            )
            .column(col + 1)
            .help("save the export as UTF-8 (or UTF-16 with a byte-order mark)")
        })
    }

    fn header(&self, col: usize) -> &str {
        self.layout.headers.get(col).map_or("?", String::as_str)
    }

    fn cell_error(&self, col: usize, value: &str, line: u64, e: cells::CellError) -> DataError {
        let err = DataError::at(
            self.display,
            Some(line),
            format!(
                "in column `{}`, `{}` {}",
                self.header(col),
                shorten(value).escape_debug(),
                phrase(&e.message)
            ),
        )
        .column(col + 1);
        let skip = "or add `on_error: skip` to the source to skip such rows";
        match e.help {
            Some(h) => err.help(format!("{h}; {skip}")),
            None => err.help(format!("fix the cell, {skip}")),
        }
    }
}

/// A cell as echoed in a message: its first 80 characters and `…` when longer (a runaway
/// quoted cell can be megabytes).
fn shorten(value: &str) -> std::borrow::Cow<'_, str> {
    const SHOWN: usize = 80;
    match value.char_indices().nth(SHOWN) {
        Some((end, _)) => format!("{}…", &value[..end]).into(),
        None => value.into(),
    }
}

/// `not a number` → `is not a number`; messages that start with a verb stay.
fn phrase(message: &str) -> String {
    if message.starts_with("is ") || message.starts_with("does ") {
        message.to_string()
    } else {
        format!("is {message}")
    }
}

/// Rows between prefetching a row's cells and adding to them: enough to cover a trip to memory.
/// The page-directory entry is prefetched twice as far ahead, since the cell prefetch reads it.
const PREFETCH_AHEAD: usize = 16;

/// Adds batches to a table, in file order. Each parsing thread numbers its keys itself;
/// `Merge` maps every thread's local ids to the table's series.
#[derive(Debug, Default)]
pub struct Merge {
    /// Per parser: local key id → series index.
    series: Vec<Vec<usize>>,
    /// Counters over all batches.
    pub counts: Counts,
}

impl Merge {
    /// Adds `batch`, parsed by parser number `parser`, to `table`.
    pub fn apply(&mut self, table: &mut Table, parser: usize, batch: &Batch) {
        if self.series.len() <= parser {
            self.series.resize_with(parser + 1, Vec::new);
        }
        let map = &mut self.series[parser];
        for key in &batch.new_keys {
            let mut ids = Vec::with_capacity(2 + key.dims.len());
            ids.push(table.strings.intern(&key.platform));
            ids.push(table.strings.intern(&key.account));
            ids.extend(key.dims.iter().map(|d| table.strings.intern(d)));
            map.push(table.series_index(&ids));
        }
        let width = table.metrics.len();
        for (i, &(key, day)) in batch.rows.iter().enumerate() {
            if let Some(&(k, d)) = batch.rows.get(i + 2 * PREFETCH_AHEAD) {
                table.series[map[k as usize]].days.prefetch_directory(d);
            }
            if let Some(&(k, d)) = batch.rows.get(i + PREFETCH_AHEAD) {
                table.series[map[k as usize]].days.prefetch(d);
            }
            let values = &batch.values[i * width..(i + 1) * width];
            table.add_row(map[key as usize], day, values);
        }
        if let Some((a, b)) = batch.days {
            table.see_days(a, b);
        }
        self.counts.absorb(batch.counts);
    }
}
