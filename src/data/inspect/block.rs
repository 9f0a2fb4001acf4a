//! One block of an export: the keys of its entry (the preset, `block:`, `sheet:`, the platform
//! its title names, a date column no preset knows), the entry read as `check` would read it —
//! with `year:` or `decimal: ","` added when the reader's error asks for them — and the report.

use super::document::{BlockReport, DateReport, PresetReport};
use super::{Context, Surveyed, nearest, presets};
use crate::data::layout::normalize;

/// The block's report: the preset fit, then the suggested entry read as `check` would.
pub(super) fn inspect_block(
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
    // A column named `platform` (or `account`) holds each row's: the entry names it.
    let column_named = |name: &str| block.headers.iter().find(|h| normalize(h) == name).cloned();
    if let Some(col) = column_named("account") {
        keys.insert("account_column".into(), col.into());
    }
    if let Some(col) = column_named("platform") {
        keys.insert("platform_column".into(), col.into());
    } else if preset.is_none_or(|p| p.platform.is_none()) {
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
    let mut found = super::read::read_entry(cx, &keys);
    // The keys the reader's errors ask for, tried when the entry alone cannot read the block:
    // `year:` for year-less dates, `decimal: ","` for a decimal-comma export whose thousands
    // separators would read as decimals. An entry that reads with one keeps it, and says so.
    let retries: [&[(&str, serde_json::Value)]; 3] = [
        &[("year", cx.year.value.into())],
        &[("decimal", ",".into())],
        &[("year", cx.year.value.into()), ("decimal", ",".into())],
    ];
    // Both are decided from a file read into memory only (`sniff.rs`): a larger file is not
    // read again for nothing.
    let small =
        std::fs::metadata(cx.path).is_ok_and(|m| m.len() <= crate::data::csv_reader::IN_MEMORY);
    for added in retries {
        if found.is_ok() || !small {
            break;
        }
        let mut with = keys.clone();
        for (k, v) in added {
            with.insert((*k).to_string(), v.clone());
        }
        if let Ok(f) = super::read::read_entry(cx, &with) {
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
            report.source = Some(super::entry::suggested(&keys, cx, index, label));
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
