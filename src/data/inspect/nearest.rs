//! Which preset a block's headers match, or the nearest one and how the headers differ. The
//! presets' own lists (`presets.rs`) are the only knowledge used: a header counts when a preset
//! maps it, ignores it, dates rows by it or names its metric by the title (`Primary`).

use super::super::layout::normalize;
use super::super::presets::{self, Preset};
use crate::catalog::Catalog;

/// The date headers every source tries (`layout.rs` reads them without a preset).
const GENERIC_DATES: [&str; 3] = ["date", "day", "datum"];

/// GA4's offset columns, dated from the block's `# Start date:`.
const OFFSETS: [&str; 2] = ["nth_day", "nth_week"];

/// How a block's headers meet one preset.
#[derive(Debug, Clone)]
pub struct Fit {
    /// The preset.
    pub preset: &'static Preset,
    /// Whether the block matches it.
    pub matches: bool,
    /// The preset's headers the block lacks (its date column, one per metric not provided).
    pub missing: Vec<String>,
    /// The block's headers the preset does not name.
    pub extra: Vec<String>,
}

/// Every header a preset names, normalized.
fn named(p: &Preset) -> Vec<String> {
    p.columns
        .iter()
        .map(|c| c.header)
        .chain(p.ignore.iter().copied())
        .chain(p.date_columns.iter().copied())
        .chain(p.titled.map(|t| t.column))
        .chain(p.yearless_anchor)
        .map(normalize)
        .collect()
}

/// Metric headers of a preset, normalized: its columns and a titled value column.
fn metric_headers(p: &Preset) -> Vec<String> {
    p.columns
        .iter()
        .map(|c| c.header)
        .chain(p.titled.map(|t| t.column))
        .map(normalize)
        .collect()
}

/// Letters and digits only, lower-cased: how file names and export names are compared.
fn squashed(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The platform's name of the export file, as the preset's description gives it (`YouTube
/// Studio, Chart data.csv (…)` → `chartdata`).
fn export_name(p: &Preset) -> Option<String> {
    let before = &p.description[..p.description.find(".csv")?];
    let name = before.rsplit(", ").next()?;
    Some(squashed(name)).filter(|n| !n.is_empty())
}

/// Where the block's date column for the preset is (its own date columns, then the names every
/// source tries).
fn date_position(p: &Preset, have: &[String]) -> Option<usize> {
    p.date_columns
        .iter()
        .map(|d| normalize(d))
        .chain(GENERIC_DATES.iter().map(|d| (*d).to_string()))
        .find_map(|d| have.iter().position(|h| *h == d))
}

/// Whether the block has the preset's date column (an offset column counts when the block
/// has a start date).
fn dated(p: &Preset, have: &[String], offsets: bool) -> bool {
    let own = p.date_columns.iter().map(|d| normalize(d));
    let generic = GENERIC_DATES.iter().map(|d| (*d).to_string());
    own.chain(generic).any(|d| have.contains(&d))
        || (offsets && OFFSETS.iter().any(|o| have.iter().any(|h| h == o)))
}

/// Whether a preset header tells the preset's export from others: not a metric id by itself
/// (`Likes` maps to `likes` without any preset) and not a date name every source tries.
fn distinctive(header: &str, catalog: &Catalog) -> bool {
    catalog.get(header).is_none() && !GENERIC_DATES.contains(&header)
}

/// The best preset for `headers`: of the presets the block matches, the best ranked; else the
/// nearest; `None` when no preset shares a distinctive header with the block.
///
/// A block matches a preset when it has the preset's date column and either one of its
/// distinctive headers (`Video views` is a metric id, every export's; `Primary`, `Publish time`,
/// `Reached audience` are not) or only headers the preset names, three of them metric headers
/// (TikTok's `Date,Video Views,Profile Views,Likes,…`) or fewer in a file named like the
/// export (`Overview.xlsx`); a date column is no distinctive header. A block with GA4's `# Start date:` comment (`offsets`)
/// matches the website preset. Ranked by: matching; distinctive headers in common; the
/// preset's platform (`TIKTOK_AUDIENCE_RAW.csv`) and the platform's own name of the export
/// (`Chart data.csv`, from the preset's description) in the file's name; the preset's date
/// column nearest the first column (a daily `Date` before a `Video publish time`); headers in
/// common; the presets' order.
pub fn best(headers: &[String], offsets: bool, file_name: &str, catalog: &Catalog) -> Option<Fit> {
    let have: Vec<String> = headers
        .iter()
        .map(|h| normalize(h))
        .filter(|h| !h.is_empty())
        .collect();
    let name = file_name.to_lowercase();
    let mut ranked = Vec::new();
    for id in presets::names() {
        let Some(p) = presets::get(id) else { continue };
        let names = named(p);
        let known = have.iter().filter(|h| names.contains(h)).count();
        let ga4 = offsets && p.platform == Some("website");
        // A date column marks no preset: which one is the date decides the ranking below.
        let dates: Vec<String> = p.date_columns.iter().map(|d| normalize(d)).collect();
        let marks = have
            .iter()
            .filter(|h| names.contains(h) && !dates.contains(h) && distinctive(h, catalog))
            .count()
            + usize::from(ga4);
        let in_name = |text: Option<String>| text.is_some_and(|n| squashed(&name).contains(&n));
        let named_export = in_name(export_name(p));
        let named_platform = in_name(p.platform.filter(|pl| pl.len() >= 4).map(squashed));
        let metric_count = metric_headers(p)
            .iter()
            .filter(|m| have.contains(m))
            .count();
        // Only headers the preset names: enough with three of its metric headers, or with the
        // export's own name in the file's name (`Overview.xlsx`).
        let all_named =
            known == have.len() && metric_count >= 1 && (metric_count >= 3 || named_export);
        if marks == 0 && !all_named {
            continue;
        }
        let matches =
            dated(p, &have, offsets) && ((marks > 0 && metric_count > 0) || all_named || ga4);
        let hinted = usize::from(named_platform) + usize::from(named_export);
        let date_at = date_position(p, &have).unwrap_or(usize::MAX);
        ranked.push(((matches, marks, hinted, usize::MAX - date_at, known), p));
    }
    let (key, preset) = ranked
        .iter()
        .enumerate()
        .max_by_key(|(i, (key, _))| (*key, usize::MAX - i))
        .map(|(_, r)| *r)?;
    let matches = key.0;
    Some(Fit {
        preset,
        matches,
        missing: missing(preset, &have, offsets),
        extra: headers
            .iter()
            .filter(|h| {
                let n = normalize(h);
                !n.is_empty() && !named(preset).contains(&n)
            })
            .cloned()
            .collect(),
    })
}

/// The preset's date column when the block lacks it, and for each metric the preset maps
/// that no header of the block provides, the first header the preset reads it from.
fn missing(p: &Preset, have: &[String], offsets: bool) -> Vec<String> {
    let mut out = Vec::new();
    if !dated(p, have, offsets)
        && let Some(d) = p.date_columns.first()
    {
        out.push((*d).to_string());
    }
    let mut seen: Vec<&str> = Vec::new();
    for c in p.columns {
        if seen.contains(&c.metric) {
            continue;
        }
        seen.push(c.metric);
        let provided = p
            .columns
            .iter()
            .filter(|o| o.metric == c.metric)
            .any(|o| have.contains(&normalize(o.header)));
        if !provided {
            out.push(c.header.to_string());
        }
    }
    if let Some(t) = p.titled
        && !have.contains(&normalize(t.column))
    {
        out.push(t.column.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(list: &[&str]) -> Vec<String> {
        list.iter().map(|h| (*h).to_string()).collect()
    }

    #[test]
    fn meta_daily_series_match_by_their_value_column() {
        let fit = best(
            &headers(&["Date", "Primary"]),
            false,
            "t.csv",
            &Catalog::builtin(),
        )
        .unwrap();
        assert_eq!((fit.preset.id, fit.matches), ("meta-daily", true));
        assert!(fit.missing.is_empty() && fit.extra.is_empty(), "{fit:?}");
    }

    #[test]
    fn a_block_without_the_date_column_is_only_near() {
        let fit = best(
            &headers(&["Region", "Primary"]),
            false,
            "t.csv",
            &Catalog::builtin(),
        )
        .unwrap();
        assert_eq!((fit.preset.id, fit.matches), ("meta-daily", false));
        assert_eq!(fit.missing, ["Date"]);
        assert_eq!(fit.extra, ["Region"]);
    }

    #[test]
    fn metric_ids_alone_match_no_preset() {
        let generic = headers(&["Date", "Likes", "Comments", "Shares", "Impressions"]);
        assert!(best(&generic, false, "t.csv", &Catalog::builtin()).is_none());
    }

    #[test]
    fn no_shared_metric_header_is_no_preset() {
        assert!(
            best(
                &headers(&["Age", "Share"]),
                false,
                "t.csv",
                &Catalog::builtin()
            )
            .is_none()
        );
    }
}
