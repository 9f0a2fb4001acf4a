//! GitHub workflow commands (`::error file=…,line=…::…`) pointing at each slipping goal's line
//! and at lint findings. GitHub shows at most 10 error and 10 warning annotations per step, so
//! the worst 10 of each are emitted and one `::notice` counts the rest.
//!
//! Every command is one line that starts with `::`; user text only ever appears escaped (a line
//! break as `%0A`), so a title cannot start a second command.

use super::document::{Document, GoalReport};
use super::format::band;
use super::since::GoalChange;
use crate::diag::{Diagnostic, Level};
use crate::vocab::{Movement, Tone};

/// Annotations GitHub shows per level and step.
pub const LIMIT: usize = 10;

/// One annotation before escaping.
struct Annotation {
    level: &'static str,
    file: String,
    line: usize,
    column: usize,
    title: String,
    message: String,
    rank: u8,
}

/// The workflow commands for a document, one per line. `path` turns a file as the document
/// names it into the path annotations need (in GitHub Actions: relative to the workspace).
pub fn render(doc: &Document, path: impl Fn(&str) -> String) -> String {
    let file = path(&doc.file);
    let slipped = |g: &GoalReport| {
        doc.changes.as_ref().and_then(|c| {
            c.goals
                .iter()
                .find(|m| m.movement == Movement::Slipped && m.id == g.id)
                .map(|m| (c.since.as_str(), m))
        })
    };
    let mut annotations: Vec<Annotation> = doc
        .goals
        .iter()
        .filter_map(|g| {
            let mut a = goal_annotation(g, &file)?;
            // Slipped goals come first: they are what changed.
            a.rank = a.rank.saturating_add(1);
            if let Some((since, m)) = slipped(g) {
                mark_slipped(&mut a, g, since, m);
            }
            Some(a)
        })
        .collect();
    annotations.extend(
        doc.lint
            .iter()
            .filter_map(|d| diagnostic_annotation(d, &path)),
    );
    emit(annotations, &file)
}

/// Workflow commands for diagnostics alone: `validate -f github`, and a `check` that could not
/// run. Problems without a file (a bad flag) become an `::error` without a position.
pub fn for_diagnostics(
    diagnostics: &[Diagnostic],
    problems: &[String],
    path: impl Fn(&str) -> String,
) -> String {
    let mut annotations: Vec<Annotation> = diagnostics
        .iter()
        .filter_map(|d| diagnostic_annotation(d, &path))
        .collect();
    let mut out = String::new();
    for p in problems {
        out.push_str(&format!(
            "::error title={}::{}\n",
            property("goalpost could not run"),
            data(p)
        ));
    }
    let file = annotations
        .first()
        .map(|a| a.file.clone())
        .unwrap_or_default();
    annotations.iter_mut().for_each(|a| a.rank = 10);
    out.push_str(&emit(annotations, &file));
    out
}

fn diagnostic_annotation(d: &Diagnostic, path: &impl Fn(&str) -> String) -> Option<Annotation> {
    let level = match d.level {
        Level::Off => return None,
        Level::Error => "error",
        Level::Warn => "warning",
    };
    Some(Annotation {
        level,
        file: path(&d.file),
        line: d.span.as_ref().map_or(1, |s| s.line),
        column: d.span.as_ref().map_or(1, |s| s.column),
        title: format!("goalpost {}", d.rule),
        message: match &d.help {
            Some(h) => format!("{}\n{h}", d.message),
            None => d.message.clone(),
        },
        rank: 10,
    })
}

/// The worst [`LIMIT`] annotations of each level, one line each, and a notice counting the
/// rest (`file` names where the notice points).
fn emit(mut annotations: Vec<Annotation>, file: &str) -> String {
    annotations.sort_by_key(|a| a.rank);
    let mut out = String::new();
    let mut hidden = 0;
    for level in ["error", "warning", "notice"] {
        let of_level: Vec<&Annotation> = annotations.iter().filter(|a| a.level == level).collect();
        hidden += of_level.len().saturating_sub(LIMIT);
        for a in of_level.into_iter().take(LIMIT) {
            out.push_str(&format!(
                "::{} file={},line={},col={},title={}::{}\n",
                a.level,
                property(&a.file),
                a.line,
                a.column,
                property(&a.title),
                data(&a.message)
            ));
        }
    }
    if hidden > 0 {
        out.push_str(&format!(
            "::notice file={},title={}::{}\n",
            property(file),
            property("goalpost"),
            data(&format!("{hidden} more annotations are not shown (GitHub shows {LIMIT} of each level per step); see the scorecard"))
        ));
    }
    out
}

fn goal_annotation(g: &GoalReport, file: &str) -> Option<Annotation> {
    let level = if g.failing {
        "error"
    } else if matches!(g.status.tone(), Tone::Bad | Tone::Warning) {
        "warning"
    } else if g.reason.is_some() {
        "notice"
    } else {
        return None;
    };
    let show = |v| {
        g.metric
            .as_ref()
            .map_or_else(|| format_number_or_dash(v), |m| m.show(v))
    };
    let target = g
        .target
        .as_ref()
        .and_then(|t| band(t.low, t.high, show))
        .map_or(String::new(), |b| format!(" vs target {b}"));
    let message = match (&g.reason, g.actual) {
        (Some(reason), _) => format!("{}: {reason}", g.title),
        (None, actual) => match actual {
            Some(_) => format!(
                "{}: {}{} (projected {})",
                g.title,
                show(g.actual),
                target,
                show(g.projected)
            ),
            None => g.title.clone(),
        },
    };
    Some(Annotation {
        level,
        file: file.to_string(),
        line: g.line,
        column: g.column,
        title: format!("goal {} is {}", g.id, g.status.label()),
        message,
        rank: g.status.rank(),
    })
}

/// A slipped goal's annotation says so in its title and from where in its message.
fn mark_slipped(a: &mut Annotation, g: &GoalReport, since: &str, m: &GoalChange) {
    let Some(before) = &m.previous else { return };
    a.title = format!(
        "goal {} slipped: {} → {}",
        g.id,
        before.status.label(),
        g.status.label()
    );
    a.message = format!(
        "{} (slipped since {since}, from {} {})",
        a.message,
        before.status.label(),
        before.shown
    );
    a.rank = 0;
}

fn format_number_or_dash(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), crate::spec::scalars::format_number)
}

/// Escapes a message (`%`, CR, LF), per GitHub's toolkit; every other control character (C0
/// but tab, DEL, C1: ESC, BEL, the start of an OSC-8 link) is dropped, so user text cannot
/// drive the terminal a log is shown in.
pub fn data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value: as [`data`], plus `:` and `,`.
pub fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_toolkit() {
        assert_eq!(data("50% done\r\n::error::x"), "50%25 done%0D%0A::error::x");
        assert_eq!(property("a:b,c\n"), "a%3Ab%2Cc%0A");
        assert_eq!(
            data("a\u{1b}]8;;https://x\u{7}link\u{1b}]8;;\u{7}\u{1b}[2J\u{9b}b\tc"),
            "a]8;;https://xlink]8;;[2Jb\tc"
        );
    }
}
