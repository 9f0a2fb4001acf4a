//! The renderings of a [`HistoryDocument`]: text for a terminal (each goal's status changes),
//! JSON, and Markdown (a goals × dates table of status icons, then a Mermaid `xychart-beta` per
//! goal of the actual value against the pace line, which GitHub draws).

use std::fmt::Write as _;

use super::document::{GoalHistory, HistoryDocument, Point};
use crate::catalog::Unit;
use crate::cli::HistoryFormat;
use crate::diag::one_line;
use crate::failure::Problem;
use crate::report::format;
use crate::report::markdown::escape;
use crate::vocab::Status;

/// `doc` in `format`.
///
/// # Errors
/// The document could not be serialized.
pub fn render(doc: &HistoryDocument, format: HistoryFormat) -> Result<String, Problem> {
    Ok(match format {
        HistoryFormat::Text => text(doc),
        HistoryFormat::Json => {
            let mut s =
                serde_json::to_string_pretty(doc).map_err(|e| Problem::new(e.to_string()))?;
            s.push('\n');
            s
        }
        HistoryFormat::Markdown => markdown(doc),
    })
}

/// A value in the goal's unit (`12,345`, `4.5%`); none → `–`.
fn show(goal: &GoalHistory, v: Option<f64>) -> String {
    match &goal.metric {
        Some(m) => m.show(v),
        None => v.map_or_else(|| "–".to_string(), |v| format::grouped(v, 2)),
    }
}

fn every_name(doc: &HistoryDocument) -> &'static str {
    match doc.every {
        crate::cli::HistoryStep::Day => "day",
        crate::cli::HistoryStep::Week => "week",
        crate::cli::HistoryStep::Month => "month",
    }
}

fn heading(doc: &HistoryDocument) -> String {
    let n = doc.dates.len();
    format!(
        "{n} date{} from {} to {}, every {}",
        if n == 1 { "" } else { "s" },
        doc.from,
        doc.to,
        every_name(doc)
    )
}

/// Each goal with the dates its status changed and the numbers on those dates, then the
/// status on the last date.
fn text(doc: &HistoryDocument) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — history, {}\n",
        one_line(&doc.title),
        heading(doc)
    );
    for g in &doc.goals {
        if g.title == g.id {
            let _ = writeln!(out, "{}", g.id);
        } else {
            let _ = writeln!(out, "{}  {}", g.id, one_line(&g.title));
        }
        let line = |p: &Point, now: &str| {
            let text = format!(
                "  {}  {:<9}  {}{now}",
                p.as_of,
                p.status.label(),
                numbers(g, p)
            );
            format!("{}\n", text.trim_end())
        };
        for c in &g.changes {
            if let Some(p) = g.points.iter().find(|p| p.as_of == c.as_of) {
                out.push_str(&line(p, ""));
            }
        }
        // The newest date, when the status has not changed on it: where the goal stands now.
        if let Some(last) = g.points.last()
            && g.changes.last().is_some_and(|c| c.as_of != last.as_of)
        {
            out.push_str(&line(last, " (now)"));
        }
    }
    let slipped = doc
        .goals
        .iter()
        .filter(|g| {
            let (first, last) = (g.points.first(), g.points.last());
            first
                .zip(last)
                .is_some_and(|(a, b)| worse(b.status, a.status))
        })
        .count();
    let _ = writeln!(
        out,
        "\nhistory: {} goal{}, {} worse on {} than on {}",
        doc.goals.len(),
        if doc.goals.len() == 1 { "" } else { "s" },
        slipped,
        doc.to,
        doc.dates.first().map_or(doc.from.as_str(), String::as_str)
    );
    out
}

/// Whether `now` is further along the progress scale than `before` (on track → at risk).
fn worse(now: Status, before: Status) -> bool {
    match (now.progress_step(), before.progress_step()) {
        (Some(a), Some(b)) => a > b,
        (Some(_), None) => matches!(before.tone(), crate::vocab::Tone::Good),
        _ => false,
    }
}

fn numbers(g: &GoalHistory, p: &Point) -> String {
    let mut parts = Vec::new();
    if p.actual.is_some() {
        parts.push(format!("actual {}", show(g, p.actual)));
    }
    if p.expected.is_some() {
        parts.push(format!("expected {}", show(g, p.expected)));
    }
    if p.projected.is_some() {
        parts.push(format!("projected {}", show(g, p.projected)));
    }
    if let Some(reason) = &p.reason {
        parts.push(format!("why: {}", one_line(reason)));
    }
    parts.join(", ")
}

/// The Markdown page: the table, the icons' key, and a chart per goal with a metric.
fn markdown(doc: &HistoryDocument) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## {} — history\n", escape(&doc.title));
    let _ = writeln!(out, "{}.\n", heading(doc));
    out.push_str("| goal |");
    for d in &doc.dates {
        let _ = write!(out, " {d} |");
    }
    out.push_str("\n|---|");
    out.push_str(&":-:|".repeat(doc.dates.len()));
    out.push('\n');
    for g in &doc.goals {
        let _ = write!(out, "| {} |", escape(&g.title));
        for p in &g.points {
            let _ = write!(out, " {} |", p.status.icon());
        }
        out.push('\n');
    }
    let key: Vec<String> = Status::WORST_FIRST
        .iter()
        .map(|s| format!("{} {}", s.icon(), s.label()))
        .collect();
    let _ = writeln!(out, "\n{}\n", key.join(" · "));
    for g in &doc.goals {
        chart(&mut out, g);
    }
    out
}

/// The chart of one goal: its actual value (the first line) against the pace line (the second:
/// where the target's pace puts the value on each date, the target itself for a goal that is
/// not a running sum or after the deadline). Dates without a value are left out, since
/// Mermaid has no gaps in a line; composite goals have no numbers to draw.
fn chart(out: &mut String, g: &GoalHistory) {
    let Some(metric) = &g.metric else { return };
    let scale = if metric.unit == Unit::Percent {
        100.0
    } else {
        1.0
    };
    let drawn: Vec<(&Point, f64, f64)> = g
        .points
        .iter()
        .filter_map(|p| {
            let actual = p.actual?;
            let pace = p.expected.or(g.target)?;
            (actual.is_finite() && pace.is_finite()).then_some((p, actual * scale, pace * scale))
        })
        .collect();
    let _ = writeln!(out, "### {}\n", escape(&g.title));
    if drawn.is_empty() {
        let _ = writeln!(
            out,
            "No date of the range has a value to draw (see the table).\n"
        );
        return;
    }
    let left_out = g.points.len() - drawn.len();
    let _ = write!(
        out,
        "Actual {} (first line) against the pace line (second line)",
        escape(&metric.title)
    );
    if left_out > 0 {
        let _ = write!(
            out,
            "; {left_out} date{} without a value {} left out",
            if left_out == 1 { "" } else { "s" },
            if left_out == 1 { "is" } else { "are" }
        );
    }
    // Labels without the year when every drawn date is in one year (the title says which):
    // full dates do not fit under a point each. The chart grows with the dates, and the
    // actual value is drawn in a strong colour, the pace line in grey.
    let years: Vec<&str> = drawn
        .iter()
        .map(|(p, _, _)| p.as_of.get(..4).unwrap_or(""))
        .collect();
    let one_year = years.windows(2).all(|w| w[0] == w[1]);
    let width = (drawn.len() * PIXELS_PER_DATE).max(MIN_CHART_WIDTH);
    out.push_str(".\n\n```mermaid\n");
    let _ = writeln!(
        out,
        "---\nconfig:\n  xyChart:\n    width: {width}\n  themeVariables:\n    xyChart:\n      plotColorPalette: \"{ACTUAL_COLOR}, {PACE_COLOR}\"\n---"
    );
    out.push_str("xychart-beta\n");
    let title = if one_year {
        format!(
            "{} ({})",
            g.title,
            years.first().copied().unwrap_or_default()
        )
    } else {
        g.title.clone()
    };
    let _ = writeln!(out, "    title \"{}\"", mermaid_text(&title));
    let labels: Vec<String> = drawn
        .iter()
        .map(|(p, _, _)| {
            let label = if one_year {
                p.as_of.get(5..).unwrap_or(&p.as_of)
            } else {
                &p.as_of
            };
            format!("\"{label}\"")
        })
        .collect();
    let _ = writeln!(out, "    x-axis [{}]", labels.join(", "));
    let unit = if scale > 1.0 {
        format!("{} (%)", metric.title)
    } else {
        metric.title.clone()
    };
    let _ = writeln!(out, "    y-axis \"{}\"", mermaid_text(&unit));
    let actual: Vec<String> = drawn.iter().map(|(_, a, _)| number(*a)).collect();
    let pace: Vec<String> = drawn.iter().map(|(_, _, p)| number(*p)).collect();
    let _ = writeln!(out, "    line [{}]", actual.join(", "));
    let _ = writeln!(out, "    line [{}]", pace.join(", "));
    out.push_str("```\n\n");
}

/// Horizontal room per date in a chart, in pixels: an `MM-DD` label fits.
const PIXELS_PER_DATE: usize = 56;
/// The narrowest chart (Mermaid's own default width).
const MIN_CHART_WIDTH: usize = 700;
/// The colour of the actual value's line.
const ACTUAL_COLOR: &str = "#1f6feb";
/// The colour of the pace line.
const PACE_COLOR: &str = "#9a9a9a";

/// A number for Mermaid: at most four decimals, no exponent, no trailing zeros.
fn number(v: f64) -> String {
    let text = format!("{v:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

/// Text inside a Mermaid quoted string: quotes, backslashes, markup and entity characters,
/// and line breaks cannot end the string, start HTML or a directive; what is left is plain.
fn mermaid_text(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| match c {
            '"' | '`' => '\'',
            '<' | '>' | '&' | '#' | ';' | '\\' | '{' | '}' => ' ',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    // `%%` starts a Mermaid comment or directive; one `%` is text.
    let mut text = one_line(cleaned.trim()).into_owned();
    while text.contains("%%") {
        text = text.replace("%%", "%");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_plain_decimals() {
        assert_eq!(number(1234.5), "1234.5");
        assert_eq!(number(3.0), "3");
        assert_eq!(number(0.123_456), "0.1235");
        assert_eq!(number(-0.000_01), "0");
        assert_eq!(number(1e21), "1000000000000000000000");
    }

    #[test]
    fn titles_cannot_break_out_of_the_chart() {
        assert_eq!(
            mermaid_text("Q1 \"reach\"<br/>%%{init}%%\n; x"),
            "Q1 'reach' br/ % init %   x"
        );
    }
}
