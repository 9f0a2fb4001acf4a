//! Stage 3 of the pipeline: read every declared source once — CSV, a workbook's sheet, JSON or
//! NDJSON, one file or a glob — into per-series daily tables (SPEC §3.1, docs/evaluation.md
//! "Reading sources"), and answer evaluation's questions about them: which series a goal
//! selects, and their sums.
//!
//! The files, in the order data flows through them:
//!
//! | file | owns |
//! |---|---|
//! | `mod.rs` | [`load`]: a source's declaration resolved once (`plan`), its files expanded, opened and dispatched by format |
//! | `presets.rs` | the built-in export presets (header → metric, date column, total rows) |
//! | `layout.rs` | one file's headers resolved against the plan: which column is the date, platform, account, each metric and dimension |
//! | `hashing.rs` | SHA-256 and size of every export, computed as it is read |
//! | `error.rs` | [`DataError`]: a problem located in an export or in the source's declaration |
//! | `csv_reader.rs` | CSV: opening (BOM, UTF-16, encodings, `sep=`, Excel-wrapped records, the header row found, blocks and `block:`, delimiter sniffing) and parsing one chunk of records |
//! | `line_ends.rs` | files whose lines end with `\r` alone (classic Mac OS), read as `\n` |
//! | `excel.rs` | workbooks (`.xlsx`, `.xls`, `.ods`) through calamine: one sheet (`sheet:`) as CSV text for `csv_reader.rs` |
//! | `sniff.rs` | decided once per file: the form of its dates, the years of year-less dates (`year:`), the thousands-separator guard |
//! | `chunks.rs` | cutting a CSV stream into chunks that end on record boundaries (quote-aware) |
//! | `pipeline.rs` | the threads of one CSV file: the reading thread, the parser threads, the chunk channel, the in-order merge |
//! | `scan.rs` | the byte scanner: the SSE2 splitter and the byte fast paths for numbers, dates and key comparisons |
//! | `json_reader.rs` | JSON and NDJSON: objects to rows, and the rows into the table |
//! | `cells.rs` | the general parser of a cell's text: numbers in every locale, missing values, durations, dates |
//! | `ingest.rs` | rows → batches on any thread (`Ingest`), and batches → the table in file order (`Merge`) |
//! | `progress.rs` | the progress bar of a long read (terminals only) |
//! | `table.rs` | the stored form: [`Table`] of [`Series`], each a [`DayPages`] of daily values per metric slot |
//! | `rollup.rs` | [`Rollups`]: per-platform sums and the account index, built lazily on parallel threads |
//! | `select.rs` | [`Selection`] (the series a goal names) and [`SeriesSet`] (those series found in a [`DataSet`]) |
//! | `sums.rs` | what evaluation reads: [`DaySums`] (totals over days), [`EachSeries`] (per-series values), [`Compensated`] |
//! | `sql/` | query sources (`sql:` + `url:`): the aggregate pushed down to PostgreSQL, read into the same table |
//! | `inspect/` | `goalpost inspect`: every block of one export found and read through a suggested source entry, with the functions above |
//!
//! Evaluation (`eval`) reaches the data only through [`DataSet`], [`SeriesSet`] and the sums it
//! hands out; pages, prefetching and rollups stay behind them.

mod cells;
mod chunks;
mod csv_reader;
mod error;
mod excel;
mod hashing;
mod ingest;
pub mod inspect;
mod json_reader;
mod layout;
mod line_ends;
mod pipeline;
pub mod presets;
mod progress;
mod rollup;
mod scan;
mod select;
mod sniff;
pub mod sql;
mod sums;
pub mod table;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use jiff::tz::TimeZone;

pub use cells::{CellError, DateFormat, NumberFormat, is_missing, parse_date, parse_number};
pub use error::DataError;
pub use hashing::InputFile;
pub use layout::{normalize, platform_id};
pub use rollup::Rollups;
pub use select::{Selection, SeriesSet};
pub use sums::{Compensated, DaySums, EachSeries, SeriesValues};
pub use table::{
    Day, DayPages, Interner, PAGE_DAYS, Series, Table, day_count, day_date, day_number,
};

use crate::catalog::Catalog;
use crate::spec::ParsedFile;
use crate::spec::model::{DecimalSign, Delimiter, Source, SourceFormat, Totals};
use ingest::Counts;
use layout::{FileLayout, PlanColumn, SourcePlan};

/// What the goals need from the data, so that unused columns are never parsed.
#[derive(Debug, Clone, Default)]
pub struct Needs {
    /// Metric ids read from columns (a goal's metric and, through formulas, its inputs).
    pub metrics: BTreeSet<String>,
    /// Dimension columns `where:` filters name (normalized).
    pub dims: Vec<String>,
    /// Per dimension of [`Needs::dims`], when every goal with a metric filters on it: the
    /// values any of them accepts (trimmed, lower-cased, as a selection compares them). A
    /// query source sums only the rows holding one of them (docs/sql.md).
    pub dim_values: Vec<Option<BTreeSet<String>>>,
    /// The first and last day any goal reads (windows, buckets, baselines), when known: a query
    /// source fetches only these days' sums. `Day::MIN` as the first: every day before the last.
    pub days: Option<(Day, Day)>,
}

/// What a query source's report records: enough to trace a scorecard to the query and the
/// server, no credentials.
#[derive(Debug, Clone, Default)]
pub struct SqlInfo {
    /// SHA-256 of the `sql:` text, lowercase hex.
    pub query_sha256: String,
    /// The server's `SELECT version()`.
    pub server_version: String,
    /// Rows the query returned to the aggregate (all of them, every day).
    pub query_rows: u64,
    /// Of those, the rows in the sums goalpost fetched.
    pub rows_aggregated: u64,
    /// (day, series) rows fetched.
    pub groups: u64,
    /// The days fetched, first and last (`None`: unbounded), when restricted.
    pub days: Option<(Option<String>, Option<String>)>,
}

/// One source after reading.
#[derive(Debug, Clone)]
pub struct LoadedSource {
    /// Source id.
    pub id: String,
    /// Files read, as shown to the user.
    pub files: Vec<String>,
    /// Daily activity or lifetime totals.
    pub totals: Totals,
    /// Every metric a column of the source maps to (needed or not), in column order.
    pub provides: Vec<String>,
    /// The data.
    pub table: Table,
    /// Which of [`Table::dims`] some file of the source has.
    pub dims_present: Vec<bool>,
    /// Rows stored.
    pub rows: u64,
    /// Malformed rows skipped.
    pub skipped_rows: u64,
    /// The file and line of the first of them.
    pub first_skipped: Option<(String, u64)>,
    /// Total rows dropped.
    pub total_rows: u64,
    /// Rows that hold values but no date (YouTube's unlisted videos): left out, since they
    /// cannot be placed in a window. The report warns with the count.
    pub undated_rows: u64,
    /// Where the first of them is: the file (as shown) and its line.
    pub first_undated: Option<(String, u64)>,
    /// How the source's files were read where goalpost had to guess (an encoding): one
    /// sentence each, for the report to show as source-level warnings.
    pub notes: Vec<String>,
    /// For a query source, what the database ran and returned.
    pub sql: Option<SqlInfo>,
    /// A table without dates (GA4's channel table): the range, first and last day, that every
    /// value covers as a whole. The values lie on the last day; only a window equal to the
    /// range may read them (eval says so to any other).
    pub span: Option<(Day, Day)>,
    /// `settles:` in days: the source's newest days within it are provisional.
    pub settles: Option<u32>,
}

impl LoadedSource {
    /// Whether the source has a column for `metric`.
    pub fn provides(&self, metric: &str) -> bool {
        self.provides.iter().any(|m| m == metric)
    }
}

/// Every source, read.
#[derive(Debug, Clone, Default)]
pub struct DataSet {
    /// Sources in declaration order.
    pub sources: Vec<LoadedSource>,
    /// Every export read, with size and SHA-256.
    pub inputs: Vec<InputFile>,
}

impl DataSet {
    /// Table sizes, for `GOALPOST_TIMINGS`: rows, series and allocated cells.
    #[must_use]
    pub fn describe(&self) -> String {
        let rows: u64 = self.sources.iter().map(|s| s.rows).sum();
        let series: usize = self.sources.iter().map(|s| s.table.series.len()).sum();
        let cells: usize = self.sources.iter().map(|s| s.table.cells()).sum();
        format!("{rows} rows, {series} series, {cells} day × metric cells allocated")
    }

    /// Whether some source has a column for `metric`.
    pub fn provides(&self, metric: &str) -> bool {
        self.sources.iter().any(|s| s.provides(metric))
    }
}

/// Reads every source of `parsed`. `paths` replaces a source's path (`--data NAME=PATH`).
/// Sources are read independently; every failing source contributes its first error.
pub fn load(
    parsed: &ParsedFile,
    catalog: &Catalog,
    needs: &Needs,
    paths: &IndexMap<String, PathBuf>,
    file_tz: &TimeZone,
) -> Result<DataSet, Vec<DataError>> {
    let mut set = DataSet::default();
    let mut errors = Vec::new();
    let mut connections = sql::Connections::default();
    for (id, source) in &parsed.model.sources {
        if let (Some(query), Some(url), None) = (&source.sql, &source.url, paths.get(id.as_str())) {
            let loaded = plan(id.as_str(), source, file_tz)
                .and_then(|plan| sql::load(&plan, query, url, catalog, needs, &mut connections));
            match loaded {
                Ok(s) => set.sources.push(s),
                Err(e) => errors.push(e),
            }
            continue;
        }
        let files = match paths.get(id.as_str()) {
            Some(p) => expand(
                &p.display().to_string(),
                Path::new(""),
                &PathOrigin::Flag(id.as_str()),
            )
            .map_err(|e| e.declared_at(format!("/sources/{id}"))),
            None => expand(
                source.path.as_deref().unwrap_or_default(),
                &parsed.source.dir,
                &PathOrigin::GoalFile,
            )
            .map_err(|e| e.declared_at(format!("/sources/{id}/path"))),
        };
        let loaded = files.and_then(|files| {
            let plan = plan(id.as_str(), source, file_tz)?;
            load_source(&plan, &files, catalog, needs, &mut set.inputs)
        });
        match loaded {
            Ok(s) => set.sources.push(s),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(set)
    } else {
        Err(errors)
    }
}

/// Where a source's path was written, which decides what it is relative to.
enum PathOrigin<'a> {
    /// `path:` in the goal file: relative to the goal file's directory.
    GoalFile,
    /// `--data NAME=PATH` for the source `NAME`: relative to the working directory.
    Flag(&'a str),
    /// A file `goalpost inspect` or `init --from` names: relative to the working directory.
    Inspect,
}

impl PathOrigin<'_> {
    fn check(&self) -> String {
        match self {
            PathOrigin::GoalFile => "check `path:` (relative to the goal file)".to_string(),
            PathOrigin::Flag(id) => {
                format!("check `--data {id}=PATH` (relative to the working directory)")
            }
            PathOrigin::Inspect => "check the path (relative to the working directory)".into(),
        }
    }
}

/// An error unless `full` is a regular file that exists.
fn one_file(full: &Path, origin: &PathOrigin) -> Result<(), DataError> {
    let shown = full.display().to_string();
    if full.is_file() {
        Ok(())
    } else if let Some(what) = full
        .metadata()
        .ok()
        .and_then(|m| crate::bounded_read::not_regular(m.file_type()))
    {
        // A device never ends and a FIFO blocks: only regular files are read.
        Err(DataError::at(
            &shown,
            None,
            format!("the export `{shown}` is {what}, not a regular file"),
        )
        .help(match origin {
            PathOrigin::Inspect => "name an exported file",
            _ => "point `path:` or `--data NAME=PATH` at an exported file",
        }))
    } else {
        Err(
            DataError::at(&shown, None, format!("the export `{shown}` does not exist")).help(
                match origin {
                    PathOrigin::GoalFile => format!(
                        "{}, or point the source elsewhere with `--data NAME=PATH`",
                        origin.check()
                    ),
                    PathOrigin::Flag(_) | PathOrigin::Inspect => origin.check(),
                },
            ),
        )
    }
}

/// The files a path or glob names, sorted; none is an error.
fn expand(pattern: &str, dir: &Path, origin: &PathOrigin) -> Result<Vec<PathBuf>, DataError> {
    let full = dir.join(pattern);
    let shown = full.display().to_string();
    if !pattern.contains(['*', '?', '[']) {
        return one_file(&full, origin).map(|()| vec![full]);
    }
    let mut files: Vec<PathBuf> = glob::glob(&shown)
        .map_err(|e| {
            DataError::at(
                &shown,
                None,
                format!("`{pattern}` is not a valid glob: {}", e.msg),
            )
        })?
        .filter_map(Result::ok)
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(
            DataError::at(&shown, None, format!("no file matches `{shown}`")).help(format!(
                "{}; `*` matches within one directory",
                origin.check()
            )),
        );
    }
    Ok(files)
}

fn plan<'a>(
    id: &'a str,
    source: &'a Source,
    file_tz: &TimeZone,
) -> Result<SourcePlan<'a>, DataError> {
    // What errors about the declaration name when no export is involved yet.
    let shown = source.path.as_deref().unwrap_or(id);
    let preset = match &source.preset {
        Some(name) => Some(presets::get(name).ok_or_else(|| {
            let all = crate::suggest::quote_list(&presets::names());
            DataError::at(shown, None, format!("there is no preset `{name}`"))
                .help(crate::suggest::nearest_help(
                    name,
                    presets::names(),
                    |near| format!("did you mean {near}? The presets are {all} (docs/presets.md)"),
                    &format!("the presets are {all} (docs/presets.md)"),
                ))
                .declared_at(format!("/sources/{id}/preset"))
        })?),
        None => None,
    };
    let mut columns: Vec<PlanColumn> = source
        .columns
        .iter()
        .map(|(h, m)| PlanColumn {
            header: normalize(h),
            metric: m.as_str().to_string(),
            scale: 1.0,
            rank: None,
        })
        .collect();
    let mut ignored = Vec::new();
    let mut date_headers = vec!["date".to_string(), "day".into(), "datum".into()];
    let mut skip_matching: Vec<String> = source
        .skip_rows_matching
        .iter()
        .map(|s| s.trim().to_lowercase())
        .collect();
    let mut strftime = source.date_format.clone();
    let mut skip_rows = source.skip_rows;
    let mut platform = None;
    let mut totals = source.totals;
    if let Some(p) = preset {
        // The user's `columns:` win: a header or a metric they map is not mapped by the preset.
        let user = columns.clone();
        let user_maps = |header: &str, metric: &str| {
            user.iter()
                .any(|c| c.header == header || c.metric == metric)
        };
        for (rank, c) in p.columns.iter().enumerate() {
            let header = normalize(c.header);
            if !user_maps(&header, c.metric) {
                columns.push(PlanColumn {
                    header,
                    metric: c.metric.to_string(),
                    scale: c.scale,
                    // A column that adds to the others is never an alternative to them.
                    rank: (!c.adds).then_some(rank),
                });
            }
        }
        ignored.extend(p.ignore.iter().map(|h| normalize(h)));
        date_headers.splice(0..0, p.date_columns.iter().map(|d| normalize(d)));
        skip_matching.extend(p.skip_rows_matching.iter().map(|s| s.to_lowercase()));
        strftime = strftime.or(p.date_format.map(str::to_string));
        skip_rows = skip_rows.or(Some(p.skip_rows));
        if source.platform.is_none() && source.platform_column.is_none() {
            platform = p.platform;
        }
        totals = totals.or(Some(p.totals));
    }
    let encoding = match &source.encoding {
        Some(label) => Some(
            encoding_rs::Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
                DataError::at(
                    shown,
                    None,
                    format!("`{label}` is not a text encoding goalpost knows"),
                )
                .help("use a WHATWG encoding label: `utf-8`, `utf-16le`, `windows-1252`, `windows-1250`, `windows-1251`, `iso-8859-2`, …")
                .declared_at(format!("/sources/{id}/encoding"))
            })?,
        ),
        None => None,
    };
    let source_tz = match &source.timezone {
        Some(name) => TimeZone::get(name).map_err(|_| {
            DataError::at(shown, None, format!("`{name}` is not an IANA time zone"))
                .declared_at(format!("/sources/{id}/timezone"))
        })?,
        None => file_tz.clone(),
    };
    Ok(SourcePlan {
        id,
        source,
        columns,
        ignored,
        platform,
        skip_rows: skip_rows.unwrap_or(0),
        totals: totals.unwrap_or(Totals::Daily),
        user_columns: source.columns.keys().cloned().collect(),
        date_headers,
        skip_matching,
        number: NumberFormat {
            decimal: if source.decimal == Some(DecimalSign::Comma) {
                b','
            } else {
                b'.'
            },
            abbreviated: source.abbreviated == Some(true),
        },
        dates: DateFormat {
            strftime,
            source_tz,
            file_tz: file_tz.clone(),
        },
        preset,
        encoding,
    })
}

/// One file of a source, opened, with its rows still to read.
enum Opened {
    Csv(csv_reader::OpenedCsv),
    Json(json_reader::JsonRows),
}

impl Opened {
    fn headers(&self) -> &[String] {
        match self {
            Opened::Csv(c) => &c.headers,
            Opened::Json(j) => &j.headers,
        }
    }
}

fn load_source(
    plan: &SourcePlan,
    files: &[PathBuf],
    catalog: &Catalog,
    needs: &Needs,
    inputs: &mut Vec<InputFile>,
) -> Result<LoadedSource, DataError> {
    let source = plan.source;
    let mut table = Table::new(Vec::new(), needs.dims.clone());
    // Phase 1: open every file and resolve its columns, so the table's metric slots are known
    // before the first row is stored.
    let mut opened = Vec::new();
    let mut notes = Vec::new();
    for path in files {
        let display = path.display().to_string();
        let mut hasher = hashing::Hashing::open(path, &display)?;
        let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
        let (file, layout) = open_file(
            path,
            &display,
            plan,
            catalog,
            needs,
            bytes,
            &mut hasher,
            None,
        )?;
        if let Opened::Csv(csv) = &file {
            notes.extend(csv.notes.iter().cloned());
        }
        opened.push((display, hasher, file, layout, bytes));
    }
    let span = whole_span(
        plan.id,
        opened.iter().map(|(d, _, _, l, _)| (d.as_str(), l)),
    )?;
    if let Some((first, last)) = span {
        table.see_days(first, last);
    }
    let mut provides: Vec<String> = Vec::new();
    for (_, _, _, layout, _) in &opened {
        for m in layout.metric_ids() {
            if !provides.iter().any(|p| p == m) {
                provides.push(m.to_string());
            }
        }
    }
    if source.layout == Some(crate::spec::model::Layout::Long) {
        provides = needs.metrics.iter().cloned().collect();
    }
    if let Some(counted) = &source.count_rows
        && !provides.iter().any(|p| p == counted.as_str())
    {
        provides.push(counted.to_string());
    }
    table.metrics = provides
        .iter()
        .filter(|m| needs.metrics.contains(*m))
        .cloned()
        .collect();
    let dims_present = (0..needs.dims.len())
        .map(|i| opened.iter().any(|(_, _, _, l, _)| l.has_dim(i)))
        .collect();
    // Phase 2: stream the rows.
    let mut counts = Counts::default();
    let mut first_undated = None;
    let mut first_skipped = None;
    let mut shown = Vec::new();
    for (display, hasher, file, layout, bytes) in opened {
        let c = read_rows(plan, &layout, catalog, &display, file, &mut table, bytes)?;
        counts.rows += c.rows;
        counts.skipped += c.skipped;
        counts.totals += c.totals;
        if first_undated.is_none() {
            first_undated = c.first_undated.map(|l| (display.clone(), l));
        }
        if first_skipped.is_none() {
            first_skipped = c.first_skipped.map(|l| (display.clone(), l));
        }
        counts.undated += c.undated;
        inputs.push(hasher.finish()?);
        shown.push(display);
    }
    if source.layout == Some(crate::spec::model::Layout::Long) {
        provides = long_metrics_seen(&table);
    }
    Ok(LoadedSource {
        id: plan.id.to_string(),
        files: shown,
        totals: plan.totals,
        provides,
        table,
        dims_present,
        rows: counts.rows,
        skipped_rows: counts.skipped,
        first_skipped,
        total_rows: counts.totals,
        undated_rows: counts.undated,
        first_undated,
        notes,
        sql: None,
        span,
        settles: source.settles.map(|d| d.0),
    })
}

/// The range a source's tables without dates cover as a whole: every file of the source must be
/// such a table, over the same range (a range total cannot be added to daily rows, nor to a
/// total over other days).
fn whole_span<'l>(
    id: &str,
    files: impl Iterator<Item = (&'l str, &'l FileLayout)>,
) -> Result<Option<(Day, Day)>, DataError> {
    let mut span: Option<(&str, Option<(Day, Day)>)> = None;
    for (display, layout) in files {
        let this = layout.whole.map(|(a, b)| (day_number(a), day_number(b)));
        match span {
            None => span = Some((display, this)),
            Some((first, seen)) if seen != this => {
                let covers = |s: Option<(Day, Day)>| match s {
                    Some((a, b)) => {
                        format!("totals for {} … {} as a whole", day_date(a), day_date(b))
                    }
                    None => "dated rows".to_string(),
                };
                return Err(DataError::at(
                    display,
                    None,
                    format!(
                        "source `{id}`: {display} holds {}, and {first} holds {}",
                        covers(this),
                        covers(seen)
                    ),
                )
                .help("a table without dates can only stand alone: give it a source of its own")
                .declared_at(format!("/sources/{id}")));
            }
            Some(_) => {}
        }
    }
    Ok(span.and_then(|(_, s)| s))
}

/// One file of a source opened and its columns resolved, as `check` reads it: the header row
/// and block found, the columns mapped, a titled value column named, and (for a file read into
/// memory) the form of its dates decided. `block_index` reads that block whatever `block:`
/// says (`goalpost inspect`).
#[allow(
    clippy::too_many_arguments,
    reason = "the reading's inputs, each used once; a struct would only rename them"
)]
fn open_file(
    path: &Path,
    display: &str,
    plan: &SourcePlan,
    catalog: &Catalog,
    needs: &Needs,
    bytes: u64,
    hasher: &mut hashing::Hashing,
    block_index: Option<usize>,
) -> Result<(Opened, FileLayout), DataError> {
    let file = open(path, display, plan, catalog, bytes, hasher, block_index)?;
    let range = match &file {
        Opened::Csv(csv) => csv.range,
        Opened::Json(_) => csv_reader::BlockRange::default(),
    };
    let mut layout = layout::resolve(
        plan,
        file.headers(),
        catalog,
        &needs.dims,
        display,
        range,
    )
    .map_err(|mut e| {
        if let Opened::Csv(csv) = &file
            && let Some((line, skip)) = csv.likely_header
        {
            let before = e.detail.help.take().unwrap_or_default();
            e.detail.help = Some(format!(
                "{before}{}line {line} looks like the header row: add `skip_rows: {skip}` to the source if it is",
                if before.is_empty() { "" } else { "; " }
            ));
        }
        e
    })?;
    let header_line = match &file {
        Opened::Csv(csv) => Some(csv.line_offset),
        Opened::Json(_) => None,
    };
    layout.check_duplicates(&needs.metrics, display, header_line)?;
    if let Opened::Csv(csv) = &file {
        titled_value(plan, csv, &mut layout, catalog, display)?;
        if let Some(body) = &csv.body {
            let dates = sniff::dates(body, csv.delimiter, &layout, plan, display, csv.line_offset)?;
            layout.dates = dates.format;
            layout.year_start = dates.year_start;
            layout.yearless_anchor = dates.anchor;
            sniff::thousands_guard(body, csv.delimiter, &layout, plan, catalog, display)?;
        } else if plan.source.year.is_some() {
            return Err(DataError::at(
                display,
                None,
                "`year:` reads year-less dates of exports up to 8 MiB; this one is larger",
            )
            .help("split the export, or write its dates with a year"));
        }
    }
    Ok((file, layout))
}

/// A long layout provides the metrics that actually occur in its metric column.
fn long_metrics_seen(table: &Table) -> Vec<String> {
    table
        .metrics
        .iter()
        .enumerate()
        .filter(|(slot, _)| {
            table.series.iter().any(|s| {
                let mut any = false;
                s.days.each_in(*slot, Day::MIN, Day::MAX, |_, _| any = true);
                any
            })
        })
        .map(|(_, m)| m.clone())
        .collect()
}

fn open(
    path: &Path,
    display: &str,
    plan: &SourcePlan,
    catalog: &Catalog,
    size: u64,
    hasher: &mut hashing::Hashing,
    block_index: Option<usize>,
) -> Result<Opened, DataError> {
    let source = plan.source;
    match format_of(path, source) {
        SourceFormat::Csv => {
            let mut options = csv_options(plan, catalog, size);
            options.block_index = block_index;
            csv_reader::open(hasher.reader()?, display, &options).map(Opened::Csv)
        }
        SourceFormat::Excel => {
            let bytes = hasher.read_all()?;
            let (csv, text) = match excel::sheet_as_csv(bytes, display, source.sheet.as_deref())? {
                excel::Sheet::Csv(csv) => (csv, false),
                // Not a workbook after all (a CSV or an HTML table named `.xls`): read as text,
                // which says what it is.
                excel::Sheet::NotAWorkbook(bytes) => (bytes, true),
            };
            let mut options = csv_options(plan, catalog, csv.len() as u64);
            options.block_index = block_index;
            let mut opened = csv_reader::open(std::io::Cursor::new(csv), display, &options)?;
            if text {
                opened.notes.push(format!(
                    "{display}: not a workbook despite its name, but text: read as CSV"
                ));
            }
            Ok(Opened::Csv(opened))
        }
        SourceFormat::Json => {
            json_reader::read_array(&hasher.read_all()?, display).map(Opened::Json)
        }
        SourceFormat::Ndjson => {
            json_reader::read_lines(&hasher.read_all()?, display).map(Opened::Json)
        }
    }
}

/// A preset whose value column is named by the file's title record (Meta's daily series:
/// `Facebook reach`, then `Date,Primary`): the column is mapped to the title's metric.
fn titled_value(
    plan: &SourcePlan,
    csv: &csv_reader::OpenedCsv,
    layout: &mut FileLayout,
    catalog: &Catalog,
    display: &str,
) -> Result<(), DataError> {
    let Some(titled) = plan.preset.and_then(|p| p.titled) else {
        return Ok(());
    };
    let Some(col) = csv
        .headers
        .iter()
        .position(|h| normalize(h) == normalize(titled.column))
    else {
        return Ok(());
    };
    if layout.metrics.iter().any(|(c, _, _, _)| *c == col) {
        // The user's `columns:` maps it.
        return Ok(());
    }
    let title = csv.title.as_deref().unwrap_or_default();
    let Some(metric) = presets::title_metric(titled, title) else {
        let known = titled
            .titles
            .iter()
            .map(|(t, m)| format!("`{t}` → {m}"))
            .collect::<Vec<_>>()
            .join(", ");
        let message = if title.is_empty() {
            format!(
                "{display} has no title record naming the metric of its `{}` column",
                titled.column
            )
        } else {
            format!("the title record `{title}` of {display} names no metric goalpost knows")
        };
        return Err(DataError::at(display, None, message)
            .help(format!(
                "map the column yourself (`columns: {{{}: METRIC}}`); the titles the preset knows are {known} (a title may start with the platform: `Instagram reach`)",
                titled.column
            ))
            .declared_at(format!("/sources/{}", plan.id)));
    };
    let unit = catalog.get(metric).and_then(|d| d.duration_unit);
    layout.metrics.push((col, metric.to_string(), unit, 1.0));
    Ok(())
}

/// What the CSV reader needs from the source: the hints for finding its header row.
fn csv_options(plan: &SourcePlan, catalog: &Catalog, size: u64) -> csv_reader::CsvOptions {
    let source = plan.source;
    let mut date_headers = plan.date_headers.clone();
    date_headers.extend(["nth_day".to_string(), "nth_week".to_string()]);
    date_headers.extend(source.date_column.as_deref().map(normalize));
    let known_headers = plan
        .columns
        .iter()
        .map(|c| c.header.clone())
        .chain(catalog.ids().map(str::to_string))
        .chain(
            plan.preset
                .and_then(|p| p.titled)
                .map(|t| normalize(t.column)),
        )
        .collect();
    csv_reader::CsvOptions {
        delimiter: source.delimiter.map(delimiter_byte),
        skip_rows: plan.skip_rows,
        skip_rows_declared: source.skip_rows.is_some(),
        date_headers,
        known_headers,
        block: source.block.clone(),
        block_index: None,
        encoding: plan.encoding,
        size,
    }
}

fn format_of(path: &Path, source: &Source) -> SourceFormat {
    if let Some(f) = source.format {
        return f;
    }
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .as_deref()
    {
        Some("json") => SourceFormat::Json,
        Some("ndjson" | "jsonl") => SourceFormat::Ndjson,
        Some("xlsx" | "xlsm" | "xlsb" | "xls" | "ods") => SourceFormat::Excel,
        _ => SourceFormat::Csv,
    }
}

fn delimiter_byte(d: Delimiter) -> u8 {
    match d {
        Delimiter::Comma => b',',
        Delimiter::Semicolon => b';',
        Delimiter::Tab => b'\t',
        Delimiter::Pipe => b'|',
    }
}

fn read_rows(
    plan: &SourcePlan,
    layout: &FileLayout,
    catalog: &Catalog,
    display: &str,
    file: Opened,
    table: &mut Table,
    bytes: u64,
) -> Result<Counts, DataError> {
    let job = ingest::FileJob {
        plan,
        layout,
        catalog,
        display,
        metrics: table.metrics.clone(),
    };
    match file {
        Opened::Csv(csv) => pipeline::read_csv(&job, csv, table, bytes),
        Opened::Json(json) => json_reader::read_json(&job, json.rows, table),
    }
}
