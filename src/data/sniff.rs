//! Decided once per file, from the whole date column of a file read into memory: the form its
//! dates are written in (when the preset's format or ISO does not read them all), the year of
//! year-less dates (`February 28`, with the source's `year:`), and the guard against a decimal
//! comma export whose thousands separators would read as decimals. Nothing here runs per row of
//! the parse; ISO date columns cost one pass over the date cells of a small file.

use super::cells::{self, DateFormat};
use super::error::DataError;
use super::layout::{FileLayout, SourcePlan, normalize};
use crate::catalog::{Catalog, Unit};

/// What a file's date column needs, beyond the source's plan.
#[derive(Debug, Clone, Default)]
pub struct FileDates {
    /// The form that reads every date of the file, when it is not the plan's.
    pub format: Option<DateFormat>,
    /// Year-less dates: the year of the first row (later rows roll over at New Year).
    pub year_start: Option<i16>,
    /// Year-less dates anchored by an export-day column: that column (its first row's year is
    /// `year_start`).
    pub anchor: Option<usize>,
}

/// The forms tried after the preset's format and ISO, in order. Day-first and month-first pairs
/// are decided by the whole column.
const FALLBACKS: &[&str] = &[
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%b %d, %Y",
    "%a, %b %d, %Y",
    "%B %d, %Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
    "%Y/%m/%d",
    "%d.%m.%Y",
];

/// How many distinct dates are looked at before the whole column is.
const SAMPLE: usize = 64;

/// Month-first and day-first forms that read the same cells when no day is above 12.
const PAIRS: &[(&str, &str)] = &[("%m/%d/%Y", "%d/%m/%Y"), ("%m-%d-%Y", "%d-%m-%Y")];

/// The date cells of `body` (the data rows) in file order, consecutive repeats dropped, with the
/// line of each (relative to `line_offset`).
fn date_cells(
    body: &[u8],
    delimiter: u8,
    col: usize,
    plan: &SourcePlan,
    limit: usize,
) -> Vec<(String, u64)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .comment(Some(b'#'))
        .from_reader(body);
    let mut record = csv::ByteRecord::new();
    let mut out: Vec<(String, u64)> = Vec::new();
    while out.len() < limit
        && let Ok(true) = reader.read_byte_record(&mut record)
    {
        let cell = String::from_utf8_lossy(record.get(col).unwrap_or_default());
        let cell = cell.trim();
        if cells::is_missing(cell) || is_label(cell, plan) {
            continue;
        }
        let first = String::from_utf8_lossy(record.get(0).unwrap_or_default()).to_lowercase();
        if is_label(&first, plan) {
            continue;
        }
        if out.last().is_some_and(|(last, _)| last == cell) {
            continue;
        }
        let line = record.position().map_or(0, csv::Position::line);
        out.push((cell.to_string(), line));
    }
    out
}

fn is_label(text: &str, plan: &SourcePlan) -> bool {
    super::ingest::is_total_label(&text.trim().to_lowercase(), plan)
}

fn with_format(plan: &SourcePlan, strftime: Option<&str>) -> DateFormat {
    DateFormat {
        strftime: strftime.map(str::to_string),
        ..plan.dates.clone()
    }
}

fn reads_all(cells: &[(String, u64)], format: &DateFormat) -> bool {
    cells
        .iter()
        .all(|(c, _)| cells::parse_date(c, format).is_ok())
}

/// Decides how the dates of one file are read; `Ok(default)` keeps the plan's reading.
pub fn dates(
    body: &[u8],
    delimiter: u8,
    layout: &FileLayout,
    plan: &SourcePlan,
    display: &str,
    line_offset: u64,
) -> Result<FileDates, DataError> {
    let declared = plan.source.date_format.is_some();
    if declared && plan.source.year.is_none() {
        return Ok(FileDates::default());
    }
    if layout.offset.is_some() {
        return Ok(FileDates::default());
    }
    // The first dates first: when the plan reads them (an ISO column, nearly always), the rest
    // of the column is left to the parse, as before. Only a column the plan cannot read is
    // looked at whole.
    let head = date_cells(body, delimiter, layout.date, plan, SAMPLE);
    if head.is_empty() {
        return Ok(FileDates::default());
    }
    if plan.source.year.is_none() && reads_all(&head, &plan.dates) {
        return Ok(FileDates::default());
    }
    let cells = if head.len() < SAMPLE {
        head
    } else {
        date_cells(body, delimiter, layout.date, plan, usize::MAX)
    };
    let column = &layout.headers[layout.date];
    if !declared {
        let mut candidates: Vec<Option<&str>> = vec![None];
        candidates.extend(FALLBACKS.iter().map(|f| Some(*f)));
        let fits: Vec<Option<&str>> = candidates
            .into_iter()
            .filter(|f| *f != plan.dates.strftime.as_deref())
            .filter(|f| reads_all(&cells, &with_format(plan, *f)))
            .collect();
        if let Some(first) = fits.first() {
            for (m, d) in PAIRS {
                if fits.contains(&Some(m)) && fits.contains(&Some(d)) {
                    return Err(DataError::at(
                        display,
                        Some(line_offset + cells[0].1),
                        format!(
                            "the dates in column `{column}` (`{}`) read both month-first and day-first: no day is above 12",
                            cells[0].0
                        ),
                    )
                    .help(format!(
                        "add `date_format: \"{m}\"` (month first) or `date_format: \"{d}\"` (day first) to the source"
                    )));
                }
            }
            if plan.source.year.is_none() {
                return Ok(FileDates {
                    format: Some(with_format(plan, *first)),
                    ..FileDates::default()
                });
            }
        }
    }
    // Year-less dates (`February 28`): the source's `year:` is the newest row's.
    let Some(first_md) = month_day(&cells[0].0) else {
        return Ok(FileDates::default());
    };
    if cells.iter().any(|(c, _)| month_day(c).is_none()) {
        return Ok(FileDates::default());
    }
    let Some(year) = plan.source.year else {
        return Err(DataError::at(
            display,
            Some(line_offset + cells[0].1),
            format!(
                "the dates in column `{column}` have no year (`{}`)",
                cells[0].0
            ),
        )
        .help("add `year:` to the source: the year of the newest (last) row; earlier rows roll back a year at each New Year"));
    };
    // An export day column (TikTok's `Content.csv`: `Time`) anchors the post dates: each is the
    // latest such day on or before it. Its own years roll back like a daily series'.
    let anchor = plan.preset.and_then(|p| p.yearless_anchor).and_then(|h| {
        layout
            .headers
            .iter()
            .position(|x| normalize(x) == normalize(h))
    });
    let (cells, column) = match anchor {
        Some(col) => {
            let anchors = date_cells(body, delimiter, col, plan, usize::MAX);
            if anchors.is_empty() || anchors.iter().any(|(c, _)| month_day(c).is_none()) {
                return Ok(FileDates::default());
            }
            (anchors, &layout.headers[col])
        }
        None => (cells, column),
    };
    let first_md = month_day(&cells[0].0).unwrap_or(first_md);
    let mut last = first_md;
    let mut crossings: i16 = 0;
    for (c, line) in &cells[1..] {
        let md = month_day(c).unwrap_or(last);
        if md < last {
            // Oldest first, a step back is New Year: from the second half of a year into the
            // first half of the next. Any other step back means the rows are not in date order,
            // and no year can be told.
            if !(last.0 >= 7 && md.0 <= 6) {
                return Err(DataError::at(
                    display,
                    Some(line_offset + line),
                    format!(
                        "the year-less dates in column `{column}` are not in date order (`{c}` after a later day), so `year:` cannot tell their years"
                    ),
                )
                .help("`year:` reads exports whose rows run oldest first (TikTok Studio's daily files); write the dates with a year instead"));
            }
            crossings += 1;
        }
        last = md;
    }
    Ok(FileDates {
        format: None,
        year_start: Some(year - crossings),
        anchor,
    })
}

/// `February 28`, `Feb 28`, `28 February`: month and day of a date written without a year.
pub fn month_day(text: &str) -> Option<(i8, i8)> {
    let text = text.trim();
    if !text.bytes().any(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    for f in ["%B %d", "%b %d", "%d %B", "%d %b"] {
        if let Ok(tm) = jiff::fmt::strtime::parse(f, text)
            && let (Some(m), Some(d)) = (tm.month(), tm.day())
            && tm.year().is_none()
        {
            return Some((m, d));
        }
    }
    None
}

/// The day of a year-less date in `year`.
pub fn in_year(md: (i8, i8), year: i16) -> Option<jiff::civil::Date> {
    jiff::civil::Date::new(year, md.0, md.1).ok()
}

/// In a `;`-delimited file read with the default `.` decimal sign, a count or currency column
/// whose every dotted value has exactly three digits after the dot (`2.081`) holds thousands
/// separators of a decimal-comma locale: an error, not decimals.
pub fn thousands_guard(
    body: &[u8],
    delimiter: u8,
    layout: &FileLayout,
    plan: &SourcePlan,
    catalog: &Catalog,
    display: &str,
) -> Result<(), DataError> {
    if delimiter != b';' || plan.source.decimal.is_some() {
        return Ok(());
    }
    let watched: Vec<(usize, &str)> = layout
        .metrics
        .iter()
        .filter(|(_, m, _, _)| {
            catalog
                .get(m)
                .is_some_and(|d| matches!(d.unit, Unit::Count | Unit::Currency))
        })
        .map(|(col, m, _, _)| (*col, m.as_str()))
        .collect();
    if watched.is_empty() {
        return Ok(());
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .comment(Some(b'#'))
        .from_reader(body);
    let mut record = csv::ByteRecord::new();
    // Per watched column: dotted values seen, and whether all had three digits after the dot.
    let mut state: Vec<(u64, bool, String)> = vec![(0, true, String::new()); watched.len()];
    while state.iter().any(|s| s.1)
        && let Ok(true) = reader.read_byte_record(&mut record)
    {
        for (i, (col, _)) in watched.iter().enumerate() {
            let cell = record.get(*col).unwrap_or_default().trim_ascii();
            if let Some(dot) = memchr::memchr(b'.', cell) {
                let after = &cell[dot + 1..];
                let grouped = after.len() == 3 && after.iter().all(u8::is_ascii_digit);
                let s = &mut state[i];
                s.0 += 1;
                s.1 &= grouped;
                if s.2.is_empty() {
                    s.2 = String::from_utf8_lossy(cell).into_owned();
                }
            }
        }
    }
    for ((col, metric), (dotted, all_grouped, example)) in watched.iter().zip(state) {
        if dotted > 0 && all_grouped {
            return Err(DataError::at(
                display,
                None,
                format!(
                    "column `{}` ({metric}) writes `{example}`: every dotted value has three digits after the dot, which reads as a thousands separator, not a decimal",
                    layout.headers[*col]
                ),
            )
            .help("this `;`-delimited export looks like a decimal-comma locale: add `decimal: \",\"` to the source (or `decimal: \".\"` if these really are decimals)"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::layout::Offset;

    #[test]
    fn month_and_day_without_a_year() {
        assert_eq!(month_day("February 28"), Some((2, 28)));
        assert_eq!(month_day("Feb 1"), Some((2, 1)));
        assert_eq!(month_day("28 February"), Some((2, 28)));
        assert_eq!(month_day("2026-02-28"), None);
        assert_eq!(month_day("Feb 28, 2026"), None);
        assert_eq!(in_year((2, 29), 2025), None);
    }

    #[test]
    fn ga4_offsets_date_their_rows() {
        let start = jiff::civil::date(2025, 1, 1); // a Wednesday
        let day = |o: Offset, n| o.day(n).unwrap().to_string();
        assert_eq!(day(Offset::Days(start), 0), "2025-01-01");
        assert_eq!(day(Offset::Days(start), 334), "2025-12-01");
        assert_eq!(day(Offset::Weeks(start), 0), "2025-01-01");
        assert_eq!(day(Offset::Weeks(start), 1), "2025-01-05");
        assert_eq!(day(Offset::Weeks(start), 14), "2025-04-06");
        let sunday = jiff::civil::date(2025, 1, 5);
        assert_eq!(day(Offset::Weeks(sunday), 1), "2025-01-12");
    }
}
