//! The `inspect` JSON document: what goalpost found in each export and the source entry that
//! reads it. Versioned and deterministic; its JSON Schema is generated from these types and
//! committed at `specs/inspect.schema.json` (a test fails when they drift).

use serde::Serialize;

use crate::report::document::Tool;
use crate::spec::model::SourceFormat;

/// Version of the document's shape; bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

/// Every file `goalpost inspect` read, in command-line order.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(title = "goalpost inspect report"))]
pub struct InspectDocument {
    /// Always 1 for this shape.
    pub schema_version: u32,
    /// The tool that wrote it.
    pub tool: Tool,
    /// One entry per file.
    pub files: Vec<FileReport>,
}

/// One export.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FileReport {
    /// The path, as given on the command line.
    pub path: String,
    /// How it is read: by its extension, as `check` decides.
    pub format: SourceFormat,
    /// A workbook's sheets, in workbook order (empty for other formats); each is inspected.
    pub sheets: Vec<String>,
    /// How the text was decoded (CSV and a sheet's text; absent for JSON).
    pub encoding: Option<EncodingReport>,
    /// The field delimiter: `comma`, `semicolon`, `tab` or `pipe` (CSV only).
    pub delimiter: Option<String>,
    /// Whether the file starts with a `sep=` line naming the delimiter.
    pub sep_line: bool,
    /// How the reader had to read the file (an encoding guessed, line ends, an Excel
    /// round-trip undone), one sentence each, as `check` reports them.
    pub notes: Vec<String>,
    /// The blocks of the file (one for most files), each with its own header.
    pub blocks: Vec<BlockReport>,
}

/// How a file's bytes became text.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EncodingReport {
    /// The WHATWG name: `UTF-8`, `UTF-16LE`, `windows-1252`, …
    pub name: String,
    /// Whether a byte-order mark named it.
    pub bom: bool,
    /// Whether goalpost guessed it (UTF-16 from its NUL bytes; Windows-1252 for a header that is
    /// not UTF-8): `encoding:` on the source makes it certain.
    pub guessed: bool,
}

/// One block of a file: a table with its own header.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BlockReport {
    /// The workbook's sheet the block is on, when the workbook has several.
    pub sheet: Option<String>,
    /// The title record(s) before its header (`Instagram follows`), joined with ` / `.
    pub title: Option<String>,
    /// The 1-based line the block starts on (a title or comment line, or its header); absent
    /// for JSON.
    pub start_line: Option<u64>,
    /// The 1-based line of its header row; absent for JSON.
    pub header_line: Option<u64>,
    /// The header cells, as written.
    pub headers: Vec<String>,
    /// The preset the headers match, or the nearest one and how they differ.
    pub preset: PresetReport,
    /// The date column and the form of its dates.
    pub date: DateReport,
    /// Columns read as metrics, in column order.
    pub columns: Vec<ColumnReport>,
    /// Columns read as no metric (besides the date column): dimensions a `where:` may filter
    /// on, or numbers a `columns:` entry could map.
    pub unmapped: Vec<String>,
    /// What reading every row gave; absent when the block cannot be read as a source.
    pub rows: Option<RowsReport>,
    /// The source entry that reads this block; absent when no entry can.
    pub source: Option<SuggestedSource>,
    /// What the entry had to guess, or the file does not say (its platform, the year of
    /// year-less dates): check these keys.
    pub guesses: Vec<String>,
    /// Why the block cannot be read as a source: the reader's own message and its help.
    pub problem: Option<String>,
}

/// The preset a block matches, or the nearest.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PresetReport {
    /// The preset id: the one that matches, else the nearest (the most headers in common);
    /// absent when no preset shares a header with the block.
    pub id: Option<String>,
    /// Whether the block matches it (its date column and metric headers are the preset's), so
    /// that the suggested source names it.
    pub matches: bool,
    /// Headers of the preset the block lacks: its date column, and one header for each metric
    /// it maps that no column of the block provides.
    pub missing: Vec<String>,
    /// Headers of the block the preset does not name.
    pub extra: Vec<String>,
}

/// The date column of a block.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DateReport {
    /// The date column's header; absent when the block has none.
    pub column: Option<String>,
    /// How its dates are read, in words: `ISO 8601`, a strftime form (`%m/%d/%Y`), month and
    /// day without a year, or `Nth day`/`Nth week` offsets from the start date.
    pub form: Option<String>,
    /// The strftime form, when the dates are not ISO 8601.
    pub strftime: Option<String>,
    /// Whether the dates have no year (`February 28`): the source needs `year:`.
    pub year_less: bool,
    /// The start date `Nth day`/`Nth week` offsets count from (GA4's `# Start date:`).
    pub offsets_from: Option<String>,
    /// The oldest row's date (YYYY-MM-DD).
    pub first: Option<String>,
    /// The newest row's date (YYYY-MM-DD).
    pub last: Option<String>,
}

/// A column read as a metric.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ColumnReport {
    /// The header, as written.
    pub header: String,
    /// The metric id it is read into.
    pub metric: String,
    /// The factor every value is multiplied by (`Watch time (hours)` → seconds: 3600), when
    /// it is not 1.
    pub scale: Option<f64>,
}

/// What reading a block's rows gave, as `check` counts them.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RowsReport {
    /// Dated rows read.
    pub read: u64,
    /// Total rows (`Total`, `Grand total`, …) left out.
    pub totals: u64,
    /// Rows holding values but no date, left out.
    pub undated: u64,
}

/// A source entry for `sources:`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SuggestedSource {
    /// The source id (from the file name, and the block's title when the file has several).
    pub id: String,
    /// `path:`: the file as given on the command line (relative to the goal file once pasted).
    pub path: String,
    /// `preset:`.
    pub preset: Option<String>,
    /// `sheet:` (a workbook with several sheets).
    pub sheet: Option<String>,
    /// `block:` (a file with several blocks).
    pub block: Option<String>,
    /// `platform:` when the preset cannot know it and the file names it.
    pub platform: Option<String>,
    /// `platform_column:` when a column is named `platform`.
    pub platform_column: Option<String>,
    /// `account_column:` when a column is named `account`.
    pub account_column: Option<String>,
    /// `date_column:` when no preset matches and the date column is not named `Date`.
    pub date_column: Option<String>,
    /// `decimal: ","` for a decimal-comma export (`1.234` is a thousand).
    pub decimal: Option<String>,
    /// `year:` for year-less dates.
    pub year: Option<i16>,
    /// The entry as YAML, indented to paste under `sources:`.
    pub yaml: String,
}

/// The committed schema of the document (`specs/inspect.schema.json`).
pub const INSPECT_SCHEMA_TEXT: &str = include_str!("../../../specs/inspect.schema.json");

/// The document's JSON Schema, generated from these types.
#[cfg(feature = "schema")]
pub fn generate_schema() -> String {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<InspectDocument>();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
