//! How one export's columns map to a source's date, platform, account, metrics and dimensions,
//! and the ingestion of its rows into the source's [`Table`].

use std::collections::HashMap;

use csv::ByteRecord;

use super::cells::{self, DateFormat, NumberFormat};
use super::error::DataError;
use super::table::{Day, Table, day_number};
use crate::catalog::{Catalog, DurationUnit, canonical_platform};
use crate::spec::model::{Layout as LayoutKind, OnError, Source, Totals};
use crate::spec::yaml::push_pointer;
use crate::suggest::{nearest_help, quote_list};

/// Labels of total rows that exports append (first cell or date cell, any case).
const TOTAL_LABELS: &[&str] = &[
    "total",
    "totals",
    "grand total",
    "totaal",
    "gesamt",
    "summe",
];

/// `Link clicks` → `link_clicks`: how headers meet metric ids.
pub fn normalize(header: &str) -> String {
    header
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

/// A platform as written in a column (`Instagram`, `Google Business`, `Twitter`) → its id.
pub fn platform_id(text: &str) -> String {
    canonical_platform(&normalize(text)).to_string()
}

/// Where a series field comes from.
#[derive(Debug, Clone, Copy)]
enum Field {
    /// Not given: the empty string.
    Absent,
    /// The same interned value on every row.
    Constant(u32),
    /// A column.
    Column(usize),
}

/// One `columns:` entry or preset mapping of a [`SourcePlan`].
#[derive(Debug, Clone)]
pub struct PlanColumn {
    /// Header, normalized.
    pub header: String,
    /// Metric id.
    pub metric: String,
    /// Factor applied to every value (1 unless a preset says otherwise).
    pub scale: f64,
    /// For a preset mapping, its place in the preset's list: of several preset headers for one
    /// metric, a file's lowest-ranked one is read. `None` for the user's `columns:`.
    pub rank: Option<usize>,
}

/// A source's declaration, resolved once for all its files.
pub struct SourcePlan<'a> {
    /// Source id.
    pub id: &'a str,
    /// The declaration.
    pub source: &'a Source,
    /// Header → metric id, from `columns:` and then the preset.
    pub columns: Vec<PlanColumn>,
    /// Headers (normalized) the preset keeps from matching a metric id by themselves.
    pub ignored: Vec<String>,
    /// The preset's platform, when the source names neither `platform` nor `platform_column`.
    pub platform: Option<&'static str>,
    /// Lines to skip before the header: `skip_rows:`, else the preset's.
    pub skip_rows: u32,
    /// Daily activity or lifetime totals: `totals:`, else the preset's, else daily.
    pub totals: Totals,
    /// `columns:` entries the user wrote (they must exist in the export).
    pub user_columns: Vec<String>,
    /// Candidate date headers (normalized), first match wins.
    pub date_headers: Vec<String>,
    /// `skip_rows_matching:` and the preset's, lower-cased.
    pub skip_matching: Vec<String>,
    /// Number format.
    pub number: NumberFormat,
    /// Date format.
    pub dates: DateFormat,
}

/// One export's columns resolved against a [`SourcePlan`].
pub struct FileLayout {
    date: usize,
    platform: Field,
    account: Field,
    /// Wide: `(column, metric id, duration unit, scale)`.
    metrics: Vec<(usize, String, Option<DurationUnit>, f64)>,
    /// Long: metric column, value column.
    long: Option<(usize, usize)>,
    /// Per table dimension: its column in this file.
    dims: Vec<Option<usize>>,
    headers: Vec<String>,
}

impl FileLayout {
    /// Metric ids this file provides (wide layout; long layouts learn theirs row by row).
    pub fn metric_ids(&self) -> impl Iterator<Item = &str> {
        self.metrics.iter().map(|(_, m, _, _)| m.as_str())
    }
    /// Whether this file has a column for table dimension `i`.
    pub fn has_dim(&self, i: usize) -> bool {
        self.dims.get(i).is_some_and(Option::is_some)
    }
}

/// Resolves an export's headers; an error names the missing column and the headers it has.
pub fn resolve(
    plan: &SourcePlan,
    headers: &[String],
    catalog: &Catalog,
    dims: &[String],
    display: &str,
    table: &mut Table,
) -> Result<FileLayout, DataError> {
    let normalized: Vec<String> = headers.iter().map(|h| normalize(h)).collect();
    let find = |name: &str| normalized.iter().position(|h| *h == normalize(name));
    let pointer = format!("/sources/{}", plan.id);
    let missing = |what: &str, name: &str, key: &str| {
        DataError::at(
            display,
            Some(1),
            format!("{what} `{name}` is not a column of {display}"),
        )
        .help(nearest_help(
            name,
            headers.iter().map(String::as_str),
            |near| {
                format!(
                    "did you mean {near}? The headers are {}",
                    quote_list(headers)
                )
            },
            &format!("the headers are {}", quote_list(headers)),
        ))
        .declared_at(push_pointer(&pointer, key))
    };
    let date = match &plan.source.date_column {
        Some(name) => find(name).ok_or_else(|| missing("the date column", name, "date_column"))?,
        None => plan
            .date_headers
            .iter()
            .find_map(|h| find(h))
            .ok_or_else(|| {
                DataError::at(display, Some(1), format!("{display} has no `date` column"))
                    .help(format!(
                        "name the date column with `date_column:`; the headers are {}",
                        quote_list(headers)
                    ))
                    .declared_at(pointer.clone())
            })?,
    };
    let platform = match (&plan.source.platform, &plan.source.platform_column) {
        (Some(p), _) => Field::Constant(table.strings.intern(canonical_platform(p.as_str()))),
        (None, Some(col)) => Field::Column(
            find(col).ok_or_else(|| missing("the platform column", col, "platform_column"))?,
        ),
        (None, None) => match plan.platform {
            Some(p) => Field::Constant(table.strings.intern(p)),
            None => Field::Absent,
        },
    };
    let account = match (&plan.source.account, &plan.source.account_column) {
        (Some(a), _) => Field::Constant(table.strings.intern(&a.trim().to_lowercase())),
        (None, Some(col)) => Field::Column(
            find(col).ok_or_else(|| missing("the account column", col, "account_column"))?,
        ),
        (None, None) => Field::Absent,
    };
    for user in &plan.user_columns {
        if find(user).is_none() && plan.source.layout != Some(LayoutKind::Long) {
            let key = push_pointer(&format!("{pointer}/columns"), user);
            return Err(missing("the column", user, "columns").declared_at(key));
        }
    }
    let special = [Some(date), column_of(platform), column_of(account)];
    let long = match plan.source.layout {
        Some(LayoutKind::Long) => {
            let metric_col = plan.source.metric_column.as_deref().unwrap_or("metric");
            let value_col = plan.source.value_column.as_deref().unwrap_or("value");
            Some((
                find(metric_col)
                    .ok_or_else(|| missing("the metric column", metric_col, "metric_column"))?,
                find(value_col)
                    .ok_or_else(|| missing("the value column", value_col, "value_column"))?,
            ))
        }
        _ => None,
    };
    let mut metrics = Vec::new();
    if long.is_none() {
        let mut mapped = Vec::new();
        for (col, header) in normalized.iter().enumerate() {
            if special.contains(&Some(col)) {
                continue;
            }
            if let Some(m) = mapping_for(plan, header, catalog) {
                mapped.push((col, m));
            }
        }
        // Of a preset's alternative headers for one metric, only the first listed is read.
        let outranked = |metric: &str, rank: usize| {
            mapped
                .iter()
                .any(|(_, o)| o.metric == metric && o.rank.is_some_and(|r| r < rank))
        };
        for (col, m) in &mapped {
            if m.rank.is_some_and(|r| outranked(&m.metric, r)) {
                continue;
            }
            let unit = catalog.get(&m.metric).and_then(|d| d.duration_unit);
            metrics.push((*col, m.metric.clone(), unit, m.scale));
        }
    }
    let dims = dims.iter().map(|d| find(d)).collect();
    Ok(FileLayout {
        date,
        platform,
        account,
        metrics,
        long,
        dims,
        headers: headers.to_vec(),
    })
}

fn column_of(field: Field) -> Option<usize> {
    match field {
        Field::Column(c) => Some(c),
        _ => None,
    }
}

/// How a header maps to a metric.
struct Mapping {
    metric: String,
    scale: f64,
    rank: Option<usize>,
}

/// The mapping of a header: the user's `columns:`, then the preset's, then a header named like a
/// metric id (unless the preset ignores it).
fn mapping_for(plan: &SourcePlan, name: &str, catalog: &Catalog) -> Option<Mapping> {
    let key = normalize(name);
    if let Some(c) = plan.columns.iter().find(|c| c.header == key) {
        return Some(Mapping {
            metric: c.metric.clone(),
            scale: c.scale,
            rank: c.rank,
        });
    }
    if plan.ignored.contains(&key) {
        return None;
    }
    catalog.get(&key).map(|m| Mapping {
        metric: m.id.clone(),
        scale: 1.0,
        rank: None,
    })
}

/// The metric a header (or a long layout's metric name) stands for.
pub fn metric_for(plan: &SourcePlan, name: &str, catalog: &Catalog) -> Option<String> {
    mapping_for(plan, name, catalog).map(|m| m.metric)
}

/// Counters of one source.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    /// Rows stored.
    pub rows: u64,
    /// Malformed rows skipped (`on_error: skip`).
    pub skipped: u64,
    /// Total rows dropped.
    pub totals: u64,
}

/// Feeds one export's rows into a table.
pub struct Ingest<'a> {
    plan: &'a SourcePlan<'a>,
    layout: &'a FileLayout,
    catalog: &'a Catalog,
    display: &'a str,
    /// `(column, slot, duration unit, scale)` for wide layouts, only the metrics the table keeps.
    slots: Vec<(usize, usize, Option<DurationUnit>, f64)>,
    key: Vec<u32>,
    values: Vec<(usize, f64)>,
    last_date: (Vec<u8>, Day),
    platform_cache: HashMap<Vec<u8>, u32>,
    /// Counters.
    pub counts: Counts,
}

impl<'a> Ingest<'a> {
    /// Prepares ingestion of one file.
    pub fn new(
        plan: &'a SourcePlan<'a>,
        layout: &'a FileLayout,
        catalog: &'a Catalog,
        display: &'a str,
        table: &Table,
    ) -> Self {
        let slots = layout
            .metrics
            .iter()
            .filter_map(|(col, m, unit, scale)| table.slot(m).map(|s| (*col, s, *unit, *scale)))
            .collect();
        Ingest {
            plan,
            layout,
            catalog,
            display,
            slots,
            key: Vec::new(),
            values: Vec::new(),
            last_date: (Vec::new(), 0),
            platform_cache: HashMap::new(),
            counts: Counts::default(),
        }
    }

    /// Reads one row; a malformed cell is an error unless the source says `on_error: skip`.
    pub fn row(
        &mut self,
        table: &mut Table,
        record: &ByteRecord,
        line: u64,
    ) -> Result<(), DataError> {
        match self.try_row(table, record, line) {
            Ok(()) => Ok(()),
            Err(e) if self.plan.source.on_error == Some(OnError::Skip) => {
                let _ = e;
                self.counts.skipped += 1;
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    fn try_row(
        &mut self,
        table: &mut Table,
        record: &ByteRecord,
        line: u64,
    ) -> Result<(), DataError> {
        if record.iter().all(|c| c.trim_ascii().is_empty()) {
            return Ok(());
        }
        self.check_width(record, line)?;
        let first = text(record, 0);
        let date_text = text(record, self.layout.date);
        if self.is_total(first) || self.is_total(date_text) {
            self.counts.totals += 1;
            return Ok(());
        }
        if date_text.trim().is_empty() {
            return Ok(());
        }
        let day = self.day(record, line)?;
        self.values.clear();
        if let Some((metric_col, value_col)) = self.layout.long {
            let name = text(record, metric_col);
            if let Some(slot) =
                metric_for(self.plan, name, self.catalog).and_then(|m| table.slot(&m))
            {
                let unit = table
                    .metrics
                    .get(slot)
                    .and_then(|m| self.catalog.get(m))
                    .and_then(|m| m.duration_unit);
                if let Some(v) = self.number(record, value_col, unit, line)? {
                    self.values.push((slot, v));
                }
            }
        } else {
            for i in 0..self.slots.len() {
                let (col, slot, unit, scale) = self.slots[i];
                if let Some(v) = self.number(record, col, unit, line)? {
                    self.values.push((slot, v * scale));
                }
            }
        }
        self.series_key(table, record, line)?;
        let series = table.series_index(&self.key);
        table.see_day(day);
        for &(slot, v) in &self.values {
            table.add(series, day, slot, v);
        }
        self.counts.rows += 1;
        Ok(())
    }

    fn check_width(&self, record: &ByteRecord, line: u64) -> Result<(), DataError> {
        let width = self.layout.headers.len();
        if record.len() > width
            && record
                .iter()
                .skip(width)
                .any(|c| !c.trim_ascii().is_empty())
        {
            return Err(DataError::at(
                self.display,
                Some(line),
                format!("the row has {} fields but the header has {width}", record.len()),
            )
            .column(width + 1)
            .help("a cell with the delimiter in it must be quoted; check the delimiter (`delimiter:`) too"));
        }
        Ok(())
    }

    fn is_total(&self, cell: &str) -> bool {
        let t = cell.trim().to_lowercase();
        !t.is_empty()
            && (TOTAL_LABELS.contains(&t.as_str()) || self.plan.skip_matching.contains(&t))
    }

    fn day(&mut self, record: &ByteRecord, line: u64) -> Result<Day, DataError> {
        let raw = record.get(self.layout.date).unwrap_or_default();
        if raw == self.last_date.0.as_slice() {
            return Ok(self.last_date.1);
        }
        let value = self.utf8(record, self.layout.date, line)?;
        let date = cells::parse_date(value, &self.plan.dates)
            .map_err(|e| self.cell_error(self.layout.date, value, line, e))?;
        let day = day_number(date);
        self.last_date = (raw.to_vec(), day);
        Ok(day)
    }

    fn number(
        &self,
        record: &ByteRecord,
        col: usize,
        unit: Option<DurationUnit>,
        line: u64,
    ) -> Result<Option<f64>, DataError> {
        let value = self.utf8(record, col, line)?;
        cells::parse_number(value, self.plan.number, unit)
            .map_err(|e| self.cell_error(col, value, line, e))
    }

    fn series_key(
        &mut self,
        table: &mut Table,
        record: &ByteRecord,
        line: u64,
    ) -> Result<(), DataError> {
        self.key.clear();
        let platform = match self.layout.platform {
            Field::Absent => 0,
            Field::Constant(id) => id,
            Field::Column(col) => {
                let raw = record.get(col).unwrap_or_default();
                match self.platform_cache.get(raw) {
                    Some(id) => *id,
                    None => {
                        let id = table
                            .strings
                            .intern(&platform_id(self.utf8(record, col, line)?));
                        self.platform_cache.insert(raw.to_vec(), id);
                        id
                    }
                }
            }
        };
        self.key.push(platform);
        let account = match self.layout.account {
            Field::Absent => 0,
            Field::Constant(id) => id,
            Field::Column(col) => table
                .strings
                .intern(&self.utf8(record, col, line)?.trim().to_lowercase()),
        };
        self.key.push(account);
        for i in 0..self.layout.dims.len() {
            let id = match self.layout.dims[i] {
                Some(col) => table
                    .strings
                    .intern(&self.utf8(record, col, line)?.trim().to_lowercase()),
                None => 0,
            };
            self.key.push(id);
        }
        Ok(())
    }

    fn utf8<'r>(
        &self,
        record: &'r ByteRecord,
        col: usize,
        line: u64,
    ) -> Result<&'r str, DataError> {
        std::str::from_utf8(record.get(col).unwrap_or_default()).map_err(|_| {
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
                value.escape_debug(),
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

/// `not a number` → `is not a number`; messages that start with a verb stay.
fn phrase(message: &str) -> String {
    if message.starts_with("is ") || message.starts_with("does ") {
        message.to_string()
    } else {
        format!("is {message}")
    }
}

fn text(record: &ByteRecord, col: usize) -> &str {
    std::str::from_utf8(record.get(col).unwrap_or_default()).unwrap_or("")
}
