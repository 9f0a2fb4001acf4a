//! `goalpost inspect`: what the reader finds in an export — encoding, delimiter, `sep=` line,
//! blocks and header rows, the preset it matches (or the nearest), the date column and the form
//! of its dates, which columns are which metrics, the rows — and the source entry that reads it.
//!
//! Nothing here detects anything by itself: every block is opened by the reader `check` uses
//! (`csv_reader.rs`, `excel.rs`, `json_reader.rs`), once with every preset's headers as hints
//! to find the blocks and their headers, then once more through the suggested source entry
//! itself (`plan`, `open_file`, `read_rows` of `data/mod.rs`), so what is reported for the
//! columns, dates and rows is what `check` reads with that entry. The whole file is read, as
//! `check` reads it.

pub mod document;
mod nearest;

use std::path::Path;

use jiff::tz::TimeZone;

use super::layout::{Field, FileLayout, PlanColumn, SourcePlan, normalize};
use super::{DataError, Needs, Opened, Table, hashing, presets};
use crate::catalog::Catalog;
use crate::spec::model::{Source, SourceFormat};
use document::{
    BlockReport, ColumnReport, DateReport, EncodingReport, FileReport, InspectDocument,
    PresetReport, RowsReport, SuggestedSource,
};

/// The year given to year-less dates (`year:`), and whether the user gave it (`--year`) or it
/// is this year, a guess the report says it made.
#[derive(Debug, Clone, Copy)]
pub struct Year {
    /// The year of the newest row.
    pub value: i16,
    /// Whether the user named it.
    pub given: bool,
}

/// Inspects every file; a file that cannot be read gives the reader's error instead of a
/// report. Source ids are unique over the run.
pub fn inspect_all(
    paths: &[std::path::PathBuf],
    catalog: &Catalog,
    year: Year,
) -> (InspectDocument, Vec<DataError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    for path in paths {
        match inspect(path, catalog, year) {
            Ok(mut report) => {
                for block in &mut report.blocks {
                    if let Some(s) = &mut block.source {
                        s.id = unique(&s.id, &mut ids);
                        s.yaml = entry_yaml(s, &s.path);
                    }
                }
                files.push(report);
            }
            Err(e) => errors.push(e),
        }
    }
    let doc = InspectDocument {
        schema_version: document::SCHEMA_VERSION,
        tool: crate::report::document::Tool {
            name: "goalpost".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        files,
    };
    (doc, errors)
}

/// `id`, or `id-2`, `id-3`, … when it is taken.
fn unique(id: &str, taken: &mut Vec<String>) -> String {
    let mut candidate = id.to_string();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{id}-{n}");
        n += 1;
    }
    taken.push(candidate.clone());
    candidate
}

/// A source declaration from its keys, through the goal file's own deserializer (so that an
/// entry inspect suggests is one the goal file accepts).
fn source_of(keys: &serde_json::Map<String, serde_json::Value>) -> Result<Source, String> {
    serde_json::from_value(serde_json::Value::Object(keys.clone())).map_err(|e| e.to_string())
}

/// The plan the blocks are found with: no preset, but every preset's headers and date columns
/// as hints, so that a header row is found where any preset's would be.
fn survey_plan<'a>(source: &'a Source) -> Result<SourcePlan<'a>, DataError> {
    let mut plan = super::plan("inspect", source, &TimeZone::UTC)?;
    for id in presets::names() {
        let Some(p) = presets::get(id) else { continue };
        let headers = p
            .columns
            .iter()
            .map(|c| c.header)
            .chain(p.titled.map(|t| t.column));
        // Only the header-row search reads these (`csv_options`); nothing is mapped by them.
        plan.columns.extend(headers.map(|h| PlanColumn {
            header: normalize(h),
            metric: String::new(),
            scale: 1.0,
            rank: None,
        }));
        plan.date_headers
            .extend(p.date_columns.iter().map(|d| normalize(d)));
    }
    Ok(plan)
}

/// One block as the survey opened it.
struct Surveyed {
    headers: Vec<String>,
    title: Option<String>,
    start_line: Option<u64>,
    header_line: Option<u64>,
    start_date: bool,
}

fn open_survey(
    path: &Path,
    display: &str,
    plan: &SourcePlan,
    catalog: &Catalog,
    index: usize,
) -> Result<Opened, DataError> {
    let mut hasher = hashing::Hashing::open(path, display)?;
    let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
    super::open(
        path,
        display,
        plan,
        catalog,
        bytes,
        &mut hasher,
        Some(index),
    )
}

fn surveyed(opened: &Opened) -> Surveyed {
    match opened {
        Opened::Csv(csv) => {
            let label = csv.blocks.get(csv.block);
            Surveyed {
                headers: csv.headers.clone(),
                title: csv.title.clone(),
                start_line: label.map(|l| l.start_line),
                header_line: label.map(|l| l.header_line),
                start_date: csv.start_date.is_some(),
            }
        }
        Opened::Json(json) => Surveyed {
            headers: json.headers.clone(),
            title: None,
            start_line: None,
            header_line: None,
            start_date: false,
        },
    }
}

/// A file's blocks as one plan's hints find them.
struct Survey {
    /// The first block, opened (what the file-level facts come from).
    first: Opened,
    blocks: Vec<Surveyed>,
    /// What `block:` names each block by, when there are several.
    labels: Vec<Option<String>>,
}

/// Opens every block of the file with `plan`'s hints for finding header rows.
fn survey(
    path: &Path,
    display: &str,
    plan: &SourcePlan,
    catalog: &Catalog,
) -> Result<Survey, DataError> {
    let first = open_survey(path, display, plan, catalog, 0)?;
    let count = match &first {
        Opened::Csv(csv) => csv.blocks.len().max(1),
        Opened::Json(_) => 1,
    };
    let mut blocks = vec![surveyed(&first)];
    for i in 1..count {
        blocks.push(surveyed(&open_survey(path, display, plan, catalog, i)?));
    }
    let labels = match &first {
        Opened::Csv(csv) if count > 1 => csv
            .blocks
            .iter()
            .map(|b| {
                Some(
                    b.title
                        .as_deref()
                        .and_then(|t| t.rsplit(" / ").next())
                        .map_or_else(|| b.header.clone(), str::to_string),
                )
            })
            .collect(),
        _ => vec![None; count],
    };
    Ok(Survey {
        first,
        blocks,
        labels,
    })
}

/// Inspects one file: its blocks found with every preset's headers as hints; when a block
/// matches a preset, found again as that preset finds them (the blocks `check` sees with the
/// suggested entry); then each block read through its entry. Every sheet of a workbook is
/// inspected so.
pub fn inspect(path: &Path, catalog: &Catalog, year: Year) -> Result<FileReport, DataError> {
    let display = path.display().to_string();
    super::one_file(path, &super::PathOrigin::Inspect)?;
    let mut keys = serde_json::Map::new();
    keys.insert("path".into(), display.clone().into());
    let bare = source_of(&keys).map_err(|e| DataError::at(&display, None, e))?;
    let format = super::format_of(path, &bare);
    let sheets = match format {
        SourceFormat::Excel => std::fs::read(path)
            .map(|b| super::excel::sheet_names(&b))
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let mut report = FileReport {
        path: display.clone(),
        format,
        sheets: sheets.clone(),
        encoding: None,
        delimiter: None,
        sep_line: false,
        notes: Vec::new(),
        blocks: Vec::new(),
    };
    // The parts read one by one: the file, or each sheet (named only when there are several).
    let parts: Vec<Option<String>> = if sheets.len() > 1 {
        sheets.into_iter().map(Some).collect()
    } else {
        vec![None]
    };
    for sheet in parts {
        let mut keys = keys.clone();
        if let Some(s) = &sheet {
            keys.insert("sheet".into(), s.clone().into());
        }
        inspect_part(path, &display, catalog, year, keys, sheet, &mut report)?;
    }
    Ok(report)
}

/// Inspects the file (or one sheet of it), adding its blocks to `report`.
fn inspect_part(
    path: &Path,
    display: &str,
    catalog: &Catalog,
    year: Year,
    mut keys: serde_json::Map<String, serde_json::Value>,
    sheet: Option<String>,
    report: &mut FileReport,
) -> Result<(), DataError> {
    let bare = source_of(&keys).map_err(|e| DataError::at(display, None, e))?;
    let mut found = survey(path, display, &survey_plan(&bare)?, catalog)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let fit_of = |b: &Surveyed| nearest::best(&b.headers, b.start_date, &file_name, catalog);
    let chosen = found
        .blocks
        .iter()
        .find_map(|b| fit_of(b).filter(|f| f.matches).map(|f| f.preset));
    if let Some(p) = chosen {
        keys.insert("preset".into(), p.id.into());
        let with = source_of(&keys).map_err(|e| DataError::at(display, None, e))?;
        let plan = super::plan("inspect", &with, &TimeZone::UTC)?;
        found = survey(path, display, &plan, catalog)?;
    }
    if let Opened::Csv(csv) = &found.first
        && report.format == SourceFormat::Csv
    {
        report.encoding = Some(EncodingReport {
            name: csv.encoding.name.to_string(),
            bom: csv.encoding.bom,
            guessed: csv.encoding.guessed,
        });
        report.delimiter = Some(delimiter_name(csv.delimiter).to_string());
        report.sep_line = csv.sep.is_some();
    }
    if let Opened::Csv(csv) = &found.first {
        report.notes.extend(csv.notes.iter().cloned());
    }
    let context = Context {
        path,
        display,
        catalog,
        year,
        sheet,
        file_preset: chosen,
    };
    for (i, (block, label)) in found.blocks.into_iter().zip(found.labels).enumerate() {
        let fit = fit_of(&block);
        report
            .blocks
            .push(inspect_block(&context, i, block, label.as_deref(), fit));
    }
    Ok(())
}

/// What every block of one file shares.
struct Context<'a> {
    path: &'a Path,
    display: &'a str,
    catalog: &'a Catalog,
    year: Year,
    sheet: Option<String>,
    /// The preset the file's blocks were found with: a block that matches none is read with
    /// it too, so that its `block:` names the same blocks.
    file_preset: Option<&'static presets::Preset>,
}

fn delimiter_name(d: u8) -> &'static str {
    match d {
        b';' => "semicolon",
        b'\t' => "tab",
        b'|' => "pipe",
        _ => "comma",
    }
}

/// The block's report: the preset fit, then the suggested entry read as `check` would.
fn inspect_block(
    cx: &Context,
    index: usize,
    block: Surveyed,
    label: Option<&str>,
    fit: Option<nearest::Fit>,
) -> BlockReport {
    let preset = fit
        .as_ref()
        .filter(|f| f.matches)
        .map(|f| f.preset)
        .or(label.and(cx.file_preset));
    let mut keys = serde_json::Map::new();
    keys.insert("path".into(), cx.display.into());
    if let Some(p) = preset {
        keys.insert("preset".into(), p.id.into());
    }
    if let Some(s) = &cx.sheet {
        keys.insert("sheet".into(), s.clone().into());
    }
    if let Some(l) = label {
        keys.insert("block".into(), l.into());
    }
    let mut guesses = Vec::new();
    if preset.is_none_or(|p| p.platform.is_none()) {
        match title_platform(block.title.as_deref()) {
            Some(p) => {
                keys.insert("platform".into(), p.into());
            }
            None => guesses.push(
                "the file does not say which platform it is from: add `platform:` to the entry (a goal with a `platform:` reads only rows of that platform)"
                    .to_string(),
            ),
        }
    }
    if preset.is_none()
        && let Some(d) = date_header(&block.headers)
    {
        keys.insert("date_column".into(), d.into());
    }
    let mut found = read_entry(cx, &keys);
    // The keys the reader's errors ask for, tried when the entry alone cannot read the block:
    // `year:` for year-less dates, `decimal: ","` for a decimal-comma export whose thousands
    // separators would read as decimals. An entry that reads with one keeps it, and says so.
    let retries: [&[(&str, serde_json::Value)]; 3] = [
        &[("year", cx.year.value.into())],
        &[("decimal", ",".into())],
        &[("year", cx.year.value.into()), ("decimal", ",".into())],
    ];
    for added in retries {
        if found.is_ok() {
            break;
        }
        let mut with = keys.clone();
        for (k, v) in added {
            with.insert((*k).to_string(), v.clone());
        }
        if let Ok(f) = read_entry(cx, &with) {
            keys = with;
            found = Ok(f);
            for (k, _) in added {
                match *k {
                    "year" if !cx.year.given => guesses.push(format!(
                        "`year: {}` is this year, a guess: set the year of the newest row (or run with `--year`)",
                        cx.year.value
                    )),
                    "decimal" => guesses.push(
                        "`decimal: \",\"`: numbers such as `2.081` read as thousands (a decimal-comma export); write `decimal: \".\"` if they are decimals".to_string(),
                    ),
                    _ => {}
                }
            }
        }
    }
    let mut report = BlockReport {
        sheet: cx.sheet.clone(),
        title: block.title,
        start_line: block.start_line,
        header_line: block.header_line,
        headers: block.headers.clone(),
        preset: PresetReport {
            id: fit.as_ref().map(|f| f.preset.id.to_string()),
            matches: fit.as_ref().is_some_and(|f| f.matches),
            missing: fit.as_ref().map(|f| f.missing.clone()).unwrap_or_default(),
            extra: fit.map(|f| f.extra).unwrap_or_default(),
        },
        date: DateReport {
            column: None,
            form: None,
            strftime: None,
            year_less: false,
            offsets_from: None,
            first: None,
            last: None,
        },
        columns: Vec::new(),
        unmapped: Vec::new(),
        rows: None,
        source: None,
        guesses,
        problem: None,
    };
    match found {
        Ok(found) if found.picked.is_some_and(|p| p != index) => {
            report.guesses.clear();
            report.problem = Some(format!(
                "`block: {}` names an earlier block of the same title too, so no entry can read this one",
                label.unwrap_or_default()
            ));
        }
        Ok(found) => {
            report.date = found.date;
            report.columns = found.columns;
            report.unmapped = found.unmapped;
            report.rows = Some(found.rows);
            report.source = Some(suggested(&keys, cx, index, label));
        }
        Err(e) => {
            report.guesses.clear();
            report.problem = Some(match &e.detail.help {
                Some(help) => format!("{} ({help})", e.detail.message),
                None => e.detail.message.clone(),
            });
        }
    }
    report
}

/// The platform a title record starts with (`Instagram follows`), when it is a known one.
fn title_platform(title: Option<&str>) -> Option<String> {
    let first = title?.split_whitespace().next()?.to_lowercase();
    crate::catalog::BUILTIN_PLATFORMS
        .contains(&first.as_str())
        .then_some(first)
}

/// Without a preset: the first header any preset dates rows by, when it is not a name every
/// source tries (`Date`).
fn date_header(headers: &[String]) -> Option<String> {
    let generic = ["date", "day", "datum"];
    let mut known: Vec<String> = Vec::new();
    for id in presets::names() {
        if let Some(p) = presets::get(id) {
            known.extend(p.date_columns.iter().map(|d| normalize(d)));
        }
    }
    if headers
        .iter()
        .any(|h| generic.contains(&normalize(h).as_str()))
    {
        return None;
    }
    headers
        .iter()
        .find(|h| known.contains(&normalize(h)))
        .cloned()
}

/// The suggested entry (its id made unique and its YAML written by [`inspect_all`]).
fn suggested(
    keys: &serde_json::Map<String, serde_json::Value>,
    cx: &Context,
    index: usize,
    label: Option<&str>,
) -> SuggestedSource {
    let text = |k: &str| keys.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let stem = cx
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut id = slug(&stem);
    if let Some(l) = label {
        let part = slug(l);
        id = if part.is_empty() {
            format!("{id}-{}", index + 1)
        } else {
            format!("{id}-{part}")
        };
    }
    SuggestedSource {
        id,
        path: cx.display.to_string(),
        preset: text("preset"),
        sheet: text("sheet"),
        block: text("block"),
        platform: text("platform"),
        date_column: text("date_column"),
        decimal: text("decimal"),
        year: keys
            .get("year")
            .and_then(serde_json::Value::as_i64)
            .and_then(|y| i16::try_from(y).ok()),
        yaml: String::new(),
    }
}

/// Lower-case letters and digits, other runs as one `-`, at most 40 characters; `export` when
/// nothing is left (a source id starts with a letter or digit).
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out: String = out.trim_end_matches('-').chars().take(40).collect();
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "export".to_string()
    } else {
        out
    }
}

/// A scalar as YAML: plain when it cannot be read as anything but that string, else quoted
/// (JSON's quoting is YAML's).
fn scalar(text: &str) -> String {
    let plain = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == '/' || c == '_')
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ' '))
        && !text.ends_with(' ')
        && text.parse::<f64>().is_err()
        && !matches!(
            text.to_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}

/// The entry as YAML lines, indented to sit under `sources:`, with `path` as its path.
pub fn entry_yaml(s: &SuggestedSource, path: &str) -> String {
    let mut out = format!("  {}:\n    path: {}\n", s.id, scalar(path));
    let keys = [
        ("preset", s.preset.as_deref()),
        ("sheet", s.sheet.as_deref()),
        ("block", s.block.as_deref()),
        ("platform", s.platform.as_deref()),
        ("date_column", s.date_column.as_deref()),
        ("decimal", s.decimal.as_deref()),
    ];
    for (key, value) in keys {
        if let Some(v) = value {
            out.push_str(&format!("    {key}: {}\n", scalar(v)));
        }
    }
    if let Some(y) = s.year {
        out.push_str(&format!("    year: {y}\n"));
    }
    out
}

/// What reading a block through an entry gave.
struct Found {
    /// The block the entry's `block:` picked (CSV).
    picked: Option<usize>,
    date: DateReport,
    columns: Vec<ColumnReport>,
    unmapped: Vec<String>,
    rows: RowsReport,
}

/// Reads the file through the entry `keys` as `check` would, every row.
fn read_entry(
    cx: &Context,
    keys: &serde_json::Map<String, serde_json::Value>,
) -> Result<Found, DataError> {
    let source = source_of(keys).map_err(|e| DataError::at(cx.display, None, e))?;
    let plan = super::plan("inspect", &source, &TimeZone::UTC)?;
    let mut hasher = hashing::Hashing::open(cx.path, cx.display)?;
    let bytes = std::fs::metadata(cx.path).map_or(0, |m| m.len());
    let (file, layout) = super::open_file(
        cx.path,
        cx.display,
        &plan,
        cx.catalog,
        &Needs::default(),
        bytes,
        &mut hasher,
        None,
    )?;
    let picked = match &file {
        Opened::Csv(csv) => Some(csv.block),
        Opened::Json(_) => None,
    };
    let mut provides: Vec<String> = Vec::new();
    for m in layout.metric_ids() {
        if !provides.iter().any(|p| p == m) {
            provides.push(m.to_string());
        }
    }
    let mut table = Table::new(provides, Vec::new());
    let counts = super::read_rows(
        &plan, &layout, cx.catalog, cx.display, file, &mut table, bytes,
    )?;
    let (columns, unmapped) = columns_of(&layout);
    Ok(Found {
        picked,
        date: date_of(&plan, &layout, table.day_range),
        columns,
        unmapped,
        rows: RowsReport {
            read: counts.rows,
            totals: counts.totals,
            undated: counts.undated,
        },
    })
}

/// The metric columns and the others (the date, platform and account columns left out).
fn columns_of(layout: &FileLayout) -> (Vec<ColumnReport>, Vec<String>) {
    let header = |c: usize| layout.headers.get(c).cloned().unwrap_or_default();
    let mut metrics: Vec<&(usize, String, _, f64)> = layout.metrics.iter().collect();
    metrics.sort_by_key(|(c, ..)| *c);
    let columns = metrics
        .iter()
        .map(|(c, metric, _, scale)| ColumnReport {
            header: header(*c),
            metric: metric.clone(),
            #[allow(clippy::float_cmp, reason = "1 is written, never computed")]
            scale: (*scale != 1.0).then_some(*scale),
        })
        .collect();
    let special = |c: usize| {
        c == layout.date
            || matches!(layout.platform, Field::Column(p) if p == c)
            || matches!(layout.account, Field::Column(a) if a == c)
            || layout.metrics.iter().any(|(m, ..)| *m == c)
            || layout.twins.iter().any(|(_, t, _)| *t == c)
    };
    let unmapped = (0..layout.headers.len())
        .filter(|c| !special(*c) && !layout.headers[*c].trim().is_empty())
        .map(header)
        .collect();
    (columns, unmapped)
}

/// The date column and how its dates were read.
fn date_of(
    plan: &SourcePlan,
    layout: &FileLayout,
    range: Option<(super::Day, super::Day)>,
) -> DateReport {
    let mut date = DateReport {
        column: layout.headers.get(layout.date).cloned(),
        form: None,
        strftime: None,
        year_less: layout.year_start.is_some(),
        offsets_from: None,
        first: range.map(|(a, _)| super::day_date(a).to_string()),
        last: range.map(|(_, b)| super::day_date(b).to_string()),
    };
    if let Some(offset) = layout.offset {
        let (what, start) = match offset {
            super::layout::Offset::Days(s) => ("`Nth day`", s),
            super::layout::Offset::Weeks(s) => ("`Nth week`", s),
        };
        date.form = Some(format!("{what} offsets from the start date {start}"));
        date.offsets_from = Some(start.to_string());
        return date;
    }
    if date.year_less {
        date.form = Some("month and day without a year; `year:` is the newest row's".into());
        return date;
    }
    date.strftime = match &layout.dates {
        Some(d) => d.strftime.clone(),
        None => plan.dates.strftime.clone(),
    };
    date.form = Some(match &date.strftime {
        Some(f) => format!("`{f}`"),
        None => "ISO 8601 (dates or date-times)".to_string(),
    });
    date
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_slugs_and_unique() {
        assert_eq!(slug("Reports snapshot (2)"), "reports-snapshot-2");
        assert_eq!(slug("__"), "export");
        let mut taken = Vec::new();
        assert_eq!(unique("a", &mut taken), "a");
        assert_eq!(unique("a", &mut taken), "a-2");
    }

    #[test]
    fn scalars_are_quoted_only_when_needed() {
        assert_eq!(scalar("data/Follows.csv"), "data/Follows.csv");
        assert_eq!(scalar("Instagram follows"), "Instagram follows");
        assert_eq!(scalar("Nth week,New users"), "\"Nth week,New users\"");
        assert_eq!(scalar("2026"), "\"2026\"");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
    }
}
