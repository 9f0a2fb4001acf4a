//! The terminal scorecard: one line per goal, worst first, then a summary line.

use std::fmt::Write as _;

use super::document::{Document, GoalReport};
use super::format::{band, percent};
use super::since::{Changes, Verdict};
use crate::diag::one_line;
use crate::vocab::{Movement, Status, Tone};

/// Renders the scorecard as plain text; `color` adds ANSI colors to the statuses.
pub fn render(doc: &Document, color: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — as of {}\n", one_line(&doc.title), doc.as_of);
    if let Some(changes) = &doc.changes {
        since(&mut out, changes);
    }
    let mut goals: Vec<&GoalReport> = doc.goals.iter().collect();
    goals.sort_by_key(|g| g.status.rank());
    let id_width = goals
        .iter()
        .map(|g| g.id.chars().count())
        .max()
        .unwrap_or(0);
    for g in goals {
        let label = format!("{:<9}", g.status.label());
        let label = if color {
            paint(g.status, &label)
        } else {
            label
        };
        let _ = writeln!(out, "  {label}  {:<id_width$}  {}", g.id, numbers(g));
        if let Some(note) = &g.judged_on {
            let _ = writeln!(
                out,
                "  {:<9}  {:<id_width$}  note: {}",
                "",
                "",
                one_line(note)
            );
        }
        if let Some(reason) = &g.reason {
            let _ = writeln!(
                out,
                "  {:<9}  {:<id_width$}  why: {}",
                "",
                "",
                one_line(reason)
            );
        }
        for w in &g.warnings {
            let _ = writeln!(
                out,
                "  {:<9}  {:<id_width$}  warning[{}]: {}",
                "",
                "",
                w.code,
                one_line(&w.message)
            );
        }
    }
    let counts: Vec<String> = doc
        .summary
        .statuses
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(s, n)| format!("{n} {}", s.label()))
        .collect();
    let _ = writeln!(
        out,
        "\ncheck {}: {} goal{} ({}), {} failing",
        if doc.summary.failing > 0 {
            "failed"
        } else {
            "ok"
        },
        doc.summary.goals,
        if doc.summary.goals == 1 { "" } else { "s" },
        counts.join(", "),
        doc.summary.failing
    );
    out
}

/// "since DATE: 1 slipped, …", then one line per goal that moved (or was renamed), slipped
/// first.
fn since(out: &mut String, changes: &Changes) {
    let counts: Vec<String> = changes
        .counts
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(m, n)| format!("{n} {}", m.label()))
        .collect();
    let counts = if counts.is_empty() {
        "no goals".to_string()
    } else {
        counts.join(", ")
    };
    let _ = writeln!(out, "since {}: {counts}", changes.since);
    let moved: Vec<_> = changes
        .goals
        .iter()
        .filter(|g| g.movement != Movement::Unchanged || g.previous_id.is_some())
        .collect();
    let id_width = moved
        .iter()
        .map(|g| g.id.chars().count())
        .max()
        .unwrap_or(0);
    for g in moved {
        let show = |v: Option<&Verdict>| {
            v.map_or_else(
                || "–".into(),
                |v| format!("{} {}", v.status.label(), v.shown),
            )
        };
        let renamed = g
            .previous_id
            .as_ref()
            .map_or(String::new(), |p| format!(" (was {})", one_line(p)));
        let _ = writeln!(
            out,
            "  {:<9}  {:<id_width$}  {} → {}{renamed}",
            g.movement.label(),
            g.id,
            show(g.previous.as_ref()),
            show(g.current.as_ref()),
        );
    }
    out.push('\n');
}

fn numbers(g: &GoalReport) -> String {
    if let Some(members) = &g.members {
        return format!("all of {}", members.join(", "));
    }
    let Some(m) = &g.metric else {
        return String::new();
    };
    let show = |v| m.show(v);
    let mut parts = vec![format!("{} {}", m.id, show(g.actual))];
    if let Some(t) = &g.target {
        parts.push(match band(t.low, t.high, show) {
            Some(b) => format!("target {b}"),
            None => format!("target {} {}", t.kind, t.written),
        });
    }
    if g.projected.is_some() && g.projected != g.actual {
        parts.push(format!("projected {}", show(g.projected)));
    }
    if g.progress.is_some() {
        parts.push(format!("progress {}", percent(g.progress)));
    }
    if let Some(n) = g.needed_per_day {
        parts.push(format!("needs {}/day", show(Some(n))));
    }
    parts.join(" · ")
}

fn paint(status: Status, text: &str) -> String {
    let code = match status.tone() {
        Tone::Bad => "31",
        Tone::Warning => "33",
        Tone::Good => "32",
        Tone::Muted => "2",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}
