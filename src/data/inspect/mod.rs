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
//!
//! | file | owns |
//! |---|---|
//! | `mod.rs` | the flow: every file, each sheet of a workbook, its blocks surveyed (first with every preset's hints, then with the matching preset's) |
//! | `nearest.rs` | the preset a block's headers match, or the nearest and how they differ |
//! | `block.rs` | one block: the keys of its entry, the keys the reader's errors ask for, its report |
//! | `read.rs` | a block read through an entry as `check` reads it: columns, dates, rows |
//! | `entry.rs` | the entry's id and its YAML |
//! | `document.rs` | the JSON document and its schema |

mod block;
pub mod document;
mod entry;
mod nearest;
mod read;

pub use entry::entry_yaml;

use std::path::Path;

use jiff::tz::TimeZone;

use super::layout::{PlanColumn, SourcePlan, normalize};
use super::{DataError, Opened, hashing, presets};
use crate::catalog::Catalog;
use crate::spec::model::{Source, SourceFormat};
use document::{EncodingReport, FileReport, InspectDocument};

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
                        s.id = entry::unique(&s.id, &mut ids);
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
                start_date: csv.range.start.is_some(),
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
        report.blocks.push(block::inspect_block(
            &context,
            i,
            block,
            label.as_deref(),
            fit,
        ));
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
