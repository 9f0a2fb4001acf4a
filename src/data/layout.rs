//! How one export's columns map to a source's date, platform, account, metrics and dimensions:
//! the source's declaration resolved once ([`SourcePlan`]), and each file's headers resolved
//! against it ([`FileLayout`]), which `ingest.rs` then reads rows by.

use super::cells::{DateFormat, NumberFormat};
use super::csv_reader::BlockRange;
use super::error::DataError;
use crate::catalog::{Catalog, DurationUnit, canonical_platform};
use crate::spec::model::{Layout as LayoutKind, Source, Totals};
use crate::spec::yaml::push_pointer;
use crate::suggest::{nearest_help, quote_list};

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
#[derive(Debug, Clone)]
pub(super) enum Field {
    /// Not given: the empty string.
    Absent,
    /// The same (normalized) text on every row.
    Constant(String),
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
    /// The preset, when the source names one.
    pub preset: Option<&'static super::presets::Preset>,
    /// `encoding:`, resolved.
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

/// One export's columns resolved against a [`SourcePlan`].
pub struct FileLayout {
    pub(super) date: usize,
    pub(super) platform: Field,
    pub(super) account: Field,
    /// Wide: `(column, metric id, duration unit, scale)`.
    pub(super) metrics: Vec<(usize, String, Option<DurationUnit>, f64)>,
    /// Long: metric column, value column.
    pub(super) long: Option<(usize, usize)>,
    /// Per table dimension: its column in this file.
    pub(super) dims: Vec<Option<usize>>,
    pub(super) headers: Vec<String>,
    /// How this file's dates are read when it is not the plan's way (decided by `sniff.rs`).
    pub(super) dates: Option<DateFormat>,
    /// Year-less dates: the year of the first row (of the anchor column, when there is one).
    pub(super) year_start: Option<i16>,
    /// Year-less dates anchored by an export-day column.
    pub(super) yearless_anchor: Option<usize>,
    /// The date column holds offsets from a start date (GA4's `Nth day`, `Nth week`).
    pub(super) offset: Option<Offset>,
    /// A table without dates (GA4's channel table): every row covers this range, first and
    /// last day, as a whole. `date` is then no column.
    pub(super) whole: Option<(jiff::civil::Date, jiff::civil::Date)>,
    /// Metrics that several differently named columns would be read into and added up without
    /// the user asking, with those columns: an error once a goal needs the metric.
    duplicates: Vec<(String, Vec<usize>)>,
    /// `(read, twin, metric)`: a header repeated in the export (Meta writes `Views` twice). The
    /// metric is read from the first column only; every row must hold the same value in both.
    pub(super) twins: Vec<(usize, usize, String)>,
}

/// How a GA4 offset column dates its rows.
#[derive(Debug, Clone, Copy)]
pub enum Offset {
    /// `Nth day` N: the start date + N days.
    Days(jiff::civil::Date),
    /// `Nth week` N: GA4 weeks run Sunday–Saturday; week 0 is the partial week holding the
    /// start date (dated by the start date), week N ≥ 1 starts on the Sunday N weeks after the
    /// Sunday on or before the start date.
    Weeks(jiff::civil::Date),
}

impl Offset {
    /// The first day of row `n`.
    pub fn day(self, n: i64) -> Option<jiff::civil::Date> {
        use jiff::ToSpan;
        match self {
            Offset::Days(start) => start.checked_add(n.days()).ok(),
            Offset::Weeks(start) if n == 0 => Some(start),
            Offset::Weeks(start) => {
                let back = i64::from(start.weekday().to_sunday_zero_offset());
                start.checked_add((7 * n - back).days()).ok()
            }
        }
    }
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

/// The `date` of a layout without a date column: past every cell, so no column is taken for it.
const NO_COLUMN: usize = usize::MAX;

/// Resolves an export's headers; an error names the missing column and the headers it has.
pub fn resolve(
    plan: &SourcePlan,
    headers: &[String],
    catalog: &Catalog,
    dims: &[String],
    display: &str,
    range: BlockRange,
) -> Result<FileLayout, DataError> {
    let start_date = range.start;
    let normalized: Vec<String> = headers.iter().map(|h| normalize(h)).collect();
    let find = |name: &str| normalized.iter().position(|h| *h == normalize(name));
    // GA4's `Nth day` / `Nth week`: offsets from the block's `# Start date:`, when the file
    // has no date column of its own.
    let offsets = start_date.and_then(|start| {
        if plan.source.date_column.is_some() || plan.date_headers.iter().any(|h| find(h).is_some())
        {
            return None;
        }
        find("nth_day")
            .map(|c| (c, Offset::Days(start)))
            .or_else(|| find("nth_week").map(|c| (c, Offset::Weeks(start))))
    });
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
                    capped_list(headers)
                )
            },
            &format!("the headers are {}", capped_list(headers)),
        ))
        .declared_at(push_pointer(&pointer, key))
    };
    let date = match &plan.source.date_column {
        Some(name) => find(name).ok_or_else(|| missing("the date column", name, "date_column"))?,
        None if offsets.is_some() => offsets.map_or(0, |(c, _)| c),
        None if start_date.is_some() && !plan.date_headers.iter().any(|h| find(h).is_some()) => {
            if range.end.is_none() {
                return Err(DataError::at(
                    display,
                    None,
                    format!(
                        "this table of {display} has no date column and no `# End date:`: its rows are totals for a range that does not say where it ends"
                    ),
                )
                .help("goalpost places values on days, so such a table cannot answer a goal; export the report with the Date dimension (or pick a table with `Nth day`/`Nth week` using `block:`)")
                .declared_at(pointer.clone()));
            }
            NO_COLUMN
        }
        None => plan
            .date_headers
            .iter()
            .find_map(|h| find(h))
            .ok_or_else(|| {
                DataError::at(display, Some(1), format!("{display} has no `date` column"))
                    .help(format!(
                        "name the date column with `date_column:`; the headers are {}",
                        capped_list(headers)
                    ))
                    .declared_at(pointer.clone())
            })?,
    };
    let platform = match (&plan.source.platform, &plan.source.platform_column) {
        (Some(p), _) => Field::Constant(canonical_platform(p.as_str()).to_string()),
        (None, Some(col)) => Field::Column(
            find(col).ok_or_else(|| missing("the platform column", col, "platform_column"))?,
        ),
        (None, None) => match plan.platform {
            Some(p) => Field::Constant(p.to_string()),
            None => Field::Absent,
        },
    };
    let account = match (&plan.source.account, &plan.source.account_column) {
        (Some(a), _) => Field::Constant(a.trim().to_lowercase()),
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
    let special = [Some(date), column_of(&platform), column_of(&account)];
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
    let mut duplicates = Vec::new();
    let mut twins = Vec::new();
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
        // A metric the user's `columns:` maps is read from those columns only: a header that
        // happens to be named like the metric would otherwise be added to it.
        let user_mapped = |metric: &str| {
            mapped
                .iter()
                .any(|(_, o)| o.from_user && o.metric == metric)
        };
        let mut kept: Vec<(usize, &Mapping)> = Vec::new();
        for (col, m) in &mapped {
            if m.rank.is_some_and(|r| outranked(&m.metric, r))
                || (!m.from_user && user_mapped(&m.metric))
            {
                continue;
            }
            let twin_of = kept
                .iter()
                .find(|(c, k)| k.metric == m.metric && normalized[*c] == normalized[*col]);
            match twin_of {
                Some((first, _)) => twins.push((*first, *col, m.metric.clone())),
                None => kept.push((*col, m)),
            }
        }
        for (col, m) in &kept {
            let unit = catalog.get(&m.metric).and_then(|d| d.duration_unit);
            metrics.push((*col, m.metric.clone(), unit, m.scale));
        }
        duplicates = duplicated(&kept);
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
        dates: None,
        year_start: None,
        yearless_anchor: None,
        offset: offsets.map(|(_, o)| o),
        whole: range.start.zip(range.end).filter(|_| date == NO_COLUMN),
        duplicates,
        twins,
    })
}

/// Metrics read from several differently named columns that the user did not all map.
fn duplicated(kept: &[(usize, &Mapping)]) -> Vec<(String, Vec<usize>)> {
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for (col, m) in kept {
        match out.iter_mut().find(|(metric, _)| *metric == m.metric) {
            Some((_, cols)) => cols.push(*col),
            None => out.push((m.metric.clone(), vec![*col])),
        }
    }
    out.retain(|(metric, cols)| {
        let on_purpose = kept
            .iter()
            .filter(|(_, m)| m.metric == *metric)
            .all(|(_, m)| m.from_user);
        cols.len() > 1 && !on_purpose
    });
    out
}

impl FileLayout {
    /// An error when a metric some goal needs would be summed over several columns that the
    /// user did not map (`likes` and a preset's `Reactions`): which one holds the number is a
    /// guess. Columns the
    /// user's `columns:` maps to one metric are added up on purpose (`Organic reach`, `Paid
    /// reach` → `reach`). `header_line` is the header's line, when known.
    pub fn check_duplicates(
        &self,
        needed: &std::collections::BTreeSet<String>,
        display: &str,
        header_line: Option<u64>,
    ) -> Result<(), DataError> {
        let Some((metric, cols)) = self.duplicates.iter().find(|(m, _)| needed.contains(m)) else {
            return Ok(());
        };
        let named: Vec<String> = cols
            .iter()
            .map(|c| {
                let header = self.headers.get(*c).map_or("", String::as_str);
                format!("{} (`{header}`)", c + 1)
            })
            .collect();
        Err(DataError::at(
            display,
            header_line,
            format!(
                "columns {} of {display} are {} read as `{metric}`: they would be added up",
                named.join(" and "),
                if named.len() == 2 { "both" } else { "all" }
            ),
        )
        .help(format!(
            "keep one such column in the export, or name the one to read under the source's `columns:` (`columns: {{\"HEADER\": {metric}}}`); columns mapped there on purpose are added up"
        )))
    }
}

/// At most [`LISTED`] headers quoted, then how many more (an export may have 200 columns).
pub fn capped_list(headers: &[String]) -> String {
    const LISTED: usize = 12;
    if headers.len() <= LISTED {
        return quote_list(headers);
    }
    format!(
        "{} and {} more",
        quote_list(&headers[..LISTED]),
        headers.len() - LISTED
    )
}

fn column_of(field: &Field) -> Option<usize> {
    match field {
        Field::Column(c) => Some(*c),
        _ => None,
    }
}

/// How a header maps to a metric.
struct Mapping {
    metric: String,
    scale: f64,
    rank: Option<usize>,
    /// From the user's `columns:` (not a preset's list or the header's own name).
    from_user: bool,
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
            from_user: c.rank.is_none(),
        });
    }
    if plan.ignored.contains(&key) {
        return None;
    }
    catalog.get(&key).map(|m| Mapping {
        metric: m.id.clone(),
        scale: 1.0,
        rank: None,
        from_user: false,
    })
}

/// The metric a header (or a long layout's metric name) stands for.
pub fn metric_for(plan: &SourcePlan, name: &str, catalog: &Catalog) -> Option<String> {
    mapping_for(plan, name, catalog).map(|m| m.metric)
}
