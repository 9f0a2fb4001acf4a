//! `goalpost metrics`: the built-in metric catalog as a table or JSON.

use std::fmt::Write as _;

use crate::Exit;
use crate::catalog::{Aggregate, Better, Catalog, Metric};
use crate::cli::{MetricsArgs, ReportFormat};

/// Prints the catalog.
pub fn run(args: &MetricsArgs) -> Exit {
    let catalog = Catalog::builtin();
    let text = match args.format {
        ReportFormat::Text => table(&catalog),
        ReportFormat::Json => json(&catalog),
    };
    if super::print_stdout(&text) {
        Exit::Clean
    } else {
        Exit::Failed
    }
}

fn json(catalog: &Catalog) -> String {
    let metrics: Vec<&Metric> = catalog.iter().collect();
    let doc = serde_json::json!({ "schema_version": 1, "metrics": metrics });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

fn table(catalog: &Catalog) -> String {
    let header = [
        "id",
        "unit",
        "better",
        "aggregate",
        "stage",
        "flags",
        "definition",
    ];
    let rows: Vec<[String; 7]> = catalog.iter().map(row).collect();
    let widths: Vec<usize> = (0..6)
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([header[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let mut line = |cells: &[&str]| {
        for (c, cell) in cells.iter().enumerate() {
            if c < 6 {
                let _ = write!(out, "{cell:<w$}  ", w = widths[c]);
            } else {
                let _ = write!(out, "{cell}");
            }
        }
        out.push('\n');
    };
    line(&header);
    for r in &rows {
        line(&r.iter().map(String::as_str).collect::<Vec<_>>());
    }
    out
}

fn row(m: &Metric) -> [String; 7] {
    let unit = match m.duration_unit {
        Some(d) => format!("{} ({})", m.unit.name(), d.name()),
        None => m.unit.name().to_string(),
    };
    let better = match m.better {
        Some(Better::Higher) => "higher",
        Some(Better::Lower) => "lower",
        None => "-",
    };
    let aggregate = if m.aggregate == Aggregate::Formula {
        "formula".into()
    } else {
        m.aggregate.name().to_string()
    };
    let stage = m
        .stage
        .map_or_else(|| "-".to_string(), |s| s.name().to_string());
    let flags = [(m.vanity, "vanity"), (m.non_additive, "non-additive")]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, f)| *f)
        .collect::<Vec<_>>()
        .join(",");
    let definition = match &m.formula {
        Some(f) => format!("{} = {f}", m.title),
        None => m.title.clone(),
    };
    [
        m.id.clone(),
        unit,
        better.into(),
        aggregate,
        stage,
        if flags.is_empty() { "-".into() } else { flags },
        definition,
    ]
}
