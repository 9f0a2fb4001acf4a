//! `goalpost inspect FILE...`: what the reader finds in each export and a ready-to-paste
//! `sources:` entry (`data::inspect` finds it all; this module prints it). Text for a person,
//! `-f json` for machines (specs/inspect.schema.json). A file that cannot be read gives the
//! reader's located error and exit 2; the other files are still reported.

use std::fmt::Write as _;

use crate::Exit;
use crate::catalog::Catalog;
use crate::cli::{InspectArgs, ReportFormat};
use crate::data::inspect::document::{BlockReport, FileReport, InspectDocument};
use crate::data::inspect::{self, Year};
use crate::failure::CannotRun;

/// Runs the command.
pub fn run(args: &InspectArgs) -> Exit {
    let (doc, errors) = inspect::inspect_all(&args.files, &Catalog::builtin(), year(args.year));
    let text = match args.format {
        ReportFormat::Text => text(&doc),
        ReportFormat::Json => json(&doc),
    };
    let printed = super::print_stdout(&text);
    if !errors.is_empty() {
        failure("inspect", &errors).print();
        return Exit::Failed;
    }
    if printed { Exit::Clean } else { Exit::Failed }
}

/// `--year`, else this year (UTC), which the report then calls a guess.
pub(crate) fn year(given: Option<i16>) -> Year {
    match given {
        Some(value) => Year { value, given: true },
        None => Year {
            value: jiff::Timestamp::now()
                .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .date()
                .year(),
            given: false,
        },
    }
}

/// The reader's errors, located in their exports, closed by `COMMAND could not read N files`.
pub(crate) fn failure(command: &str, errors: &[crate::data::DataError]) -> CannotRun {
    let diagnostics = errors
        .iter()
        .map(crate::data::DataError::to_export_diagnostic)
        .collect();
    CannotRun::located(diagnostics, "", None).headline(format!(
        "{command} could not read {}",
        super::plural(errors.len(), "file")
    ))
}

fn json(doc: &InspectDocument) -> String {
    let mut text = serde_json::to_string_pretty(doc).unwrap_or_default();
    text.push('\n');
    text
}

/// The report for a person: each file, its blocks, then its entries under `sources:`.
pub(crate) fn text(doc: &InspectDocument) -> String {
    let mut out = String::new();
    for (i, file) in doc.files.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        file_text(&mut out, file);
    }
    out
}

fn file_text(out: &mut String, file: &FileReport) {
    let _ = writeln!(out, "{}", file.path);
    let format = serde_json::to_value(file.format)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let mut read = vec![format];
    if let Some(e) = &file.encoding {
        let how = match (e.bom, e.guessed) {
            (true, _) => " (byte-order mark)",
            (false, true) => " (guessed: set `encoding:` to be sure)",
            (false, false) => "",
        };
        read.push(format!("{}{how}", e.name));
    }
    if let Some(d) = &file.delimiter {
        let from = if file.sep_line {
            " (its `sep=` line)"
        } else {
            ""
        };
        read.push(format!("{d}-delimited{from}"));
    }
    line(out, "read as", &read.join(", "));
    if !file.sheets.is_empty() {
        line(out, "sheets", &crate::suggest::quote_list(&file.sheets));
    }
    for note in &file.notes {
        line(out, "note", note);
    }
    let n = file.blocks.len();
    if n > 1 {
        let what = if file.sheets.len() > 1 {
            "over its sheets"
        } else {
            "each with its own header"
        };
        line(out, "blocks", &format!("{n}, {what}"));
    }
    for (i, block) in file.blocks.iter().enumerate() {
        block_text(out, block, (n > 1).then_some((i + 1, n)));
    }
    let entries: Vec<&str> = file
        .blocks
        .iter()
        .filter_map(|b| b.source.as_ref().map(|s| s.yaml.as_str()))
        .collect();
    if entries.is_empty() {
        out.push_str("\nno source entry can read this file\n");
    } else {
        let _ = writeln!(out, "\nsources:\n{}", entries.concat().trim_end());
    }
}

fn block_text(out: &mut String, block: &BlockReport, of: Option<(usize, usize)>) {
    let indent = if of.is_some() { "  " } else { "" };
    if let Some((i, n)) = of {
        let header = block.headers.join(",");
        let name = block.title.as_deref().unwrap_or(&header);
        let sheet = block
            .sheet
            .as_deref()
            .map(|s| format!(" on sheet `{s}`"))
            .unwrap_or_default();
        let _ = writeln!(out, "  block {i} of {n}{sheet}: `{name}`");
    }
    let row = |out: &mut String, key: &str, value: &str| {
        line(out, &format!("{indent}{key}"), value);
    };
    if let Some(h) = block.header_line {
        let start = block
            .start_line
            .filter(|s| *s != h)
            .map(|s| format!(" (the block starts on line {s})"))
            .unwrap_or_default();
        row(out, "header", &format!("line {h}{start}"));
    }
    row(out, "preset", &preset_text(block));
    if block.problem.is_none() || block.date.column.is_some() {
        row(out, "date", &date_text(block));
    }
    if let Some(rows) = &block.rows {
        let mut text = format!("{} read", rows.read);
        if rows.totals > 0 {
            let _ = write!(
                text,
                ", {} left out",
                super::plural(
                    usize::try_from(rows.totals).unwrap_or(usize::MAX),
                    "total row"
                )
            );
        }
        if rows.undated > 0 {
            let _ = write!(text, ", {} with values but no date left out", rows.undated);
        }
        row(out, "rows", &text);
    }
    if block.problem.is_none() {
        let metrics: Vec<String> = block
            .columns
            .iter()
            .map(|c| match c.scale {
                Some(s) => format!("`{}` → {} (× {s})", c.header, c.metric),
                None => format!("`{}` → {}", c.header, c.metric),
            })
            .collect();
        row(
            out,
            "metrics",
            &if metrics.is_empty() {
                "none: no column is a metric goalpost knows (map one with `columns:`)".into()
            } else {
                metrics.join(", ")
            },
        );
        if !block.unmapped.is_empty() {
            row(out, "other", &capped(&block.unmapped));
        }
    }
    for g in &block.guesses {
        row(out, "check", g);
    }
    if let Some(p) = &block.problem {
        row(out, "problem", &format!("cannot be a source: {p}"));
    }
}

fn preset_text(block: &BlockReport) -> String {
    let p = &block.preset;
    let Some(id) = &p.id else {
        return "none: no preset names one of its metric headers".into();
    };
    let mut text = if p.matches {
        format!("{id} (matches)")
    } else {
        format!("none matches; the nearest is {id}")
    };
    if !p.matches && !p.missing.is_empty() {
        let _ = write!(text, "; it lacks {}", capped(&p.missing));
    }
    if !p.extra.is_empty() {
        let _ = write!(text, "; not named by {id}: {}", capped(&p.extra));
    }
    text
}

fn date_text(block: &BlockReport) -> String {
    let d = &block.date;
    let Some(column) = &d.column else {
        return match &d.form {
            Some(form) => format!("no date column: {form}"),
            None => "no date column".into(),
        };
    };
    let mut text = format!("`{column}`");
    if let Some(form) = &d.form {
        let _ = write!(text, ", {form}");
    }
    match (&d.first, &d.last) {
        (Some(a), Some(b)) => {
            let _ = write!(text, ": {a} … {b}");
        }
        _ if block.rows.is_some() => text.push_str(": no dated rows"),
        _ => {}
    }
    text
}

/// At most eight names quoted, then how many more.
fn capped(names: &[String]) -> String {
    const SHOWN: usize = 8;
    let quoted = |list: &[String]| {
        list.iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if names.len() <= SHOWN {
        quoted(names)
    } else {
        format!(
            "{} and {} more",
            quoted(&names[..SHOWN]),
            names.len() - SHOWN
        )
    }
}

/// `  key      value`, keys padded to one width.
fn line(out: &mut String, key: &str, value: &str) {
    let _ = writeln!(out, "  {key:<10} {value}");
}
