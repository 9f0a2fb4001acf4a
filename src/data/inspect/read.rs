//! A block read through a source entry with the functions `check` reads sources with
//! (`plan`, `open_file`, `read_rows` of `data/mod.rs`): its columns, its dates and its rows.

use jiff::tz::TimeZone;

use super::Context;
use super::document::{ColumnReport, DateReport, RowsReport};
use crate::data::layout::{Field, FileLayout, SourcePlan};
use crate::data::{DataError, Needs, Opened, Table, hashing};

/// What reading a block through an entry gave.
pub(super) struct Found {
    /// The block the entry's `block:` picked (CSV).
    pub(super) picked: Option<usize>,
    pub(super) date: DateReport,
    pub(super) columns: Vec<ColumnReport>,
    pub(super) unmapped: Vec<String>,
    pub(super) rows: RowsReport,
}

/// Reads the file through the entry `keys` as `check` would, every row.
pub(super) fn read_entry(
    cx: &Context,
    keys: &serde_json::Map<String, serde_json::Value>,
) -> Result<Found, DataError> {
    let source = super::source_of(keys).map_err(|e| DataError::at(cx.display, None, e))?;
    let plan = crate::data::plan("inspect", &source, &TimeZone::UTC)?;
    let mut hasher = hashing::Hashing::open(cx.path, cx.display)?;
    let bytes = std::fs::metadata(cx.path).map_or(0, |m| m.len());
    let (file, layout) = crate::data::open_file(
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
    let counts = crate::data::read_rows(
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
    range: Option<(crate::data::Day, crate::data::Day)>,
) -> DateReport {
    let mut date = DateReport {
        column: layout.headers.get(layout.date).cloned(),
        form: None,
        strftime: None,
        year_less: layout.year_start.is_some(),
        offsets_from: None,
        first: range.map(|(a, _)| crate::data::day_date(a).to_string()),
        last: range.map(|(_, b)| crate::data::day_date(b).to_string()),
    };
    if let Some((first, last)) = layout.whole {
        date.form = Some(format!(
            "totals for {first} … {last} as a whole (GA4's `# Start date:` … `# End date:`): only a goal over exactly that window reads them"
        ));
        return date;
    }
    if let Some(offset) = layout.offset {
        let (what, start) = match offset {
            crate::data::layout::Offset::Days(s) => ("`Nth day`", s),
            crate::data::layout::Offset::Weeks(s) => ("`Nth week`", s),
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
