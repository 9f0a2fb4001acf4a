//! The diff as text (compiler-style, for a terminal), Markdown (a pull-request comment section)
//! and GitHub workflow commands. Every format lists loosened changes first; user text (titles,
//! filter values, revision names) is escaped for each format.

use std::fmt::Write as _;

use super::document::DiffDocument;
use super::{Change, ChangeKind, Effect, ReasonKey};
use crate::report::annotations::{LIMIT, data, property};
use crate::report::markdown::escape;

/// The heading of the Markdown section; the Action's comment embeds it as is.
pub const MARKDOWN_HEADING: &str = "### Moved goalposts";

/// `≥ 300 → ≥ 250`; `added: reach ≥ 100`; `removed (was reach ≥ 100)`; `renamed to new-id`.
fn what(c: &Change) -> String {
    let (before, after) = (
        c.before.as_deref().unwrap_or(""),
        c.after.as_deref().unwrap_or(""),
    );
    match c.kind {
        ChangeKind::Added => format!("added: {after}"),
        ChangeKind::Removed => format!("removed (was {before})"),
        ChangeKind::Renamed => format!("renamed from {before}"),
        kind => format!("{}: {before} → {after}", kind.label()),
    }
}

/// Longest reason shown in text, Markdown and annotations; the JSON document has all of it.
const REASON_CHARS: usize = 120;

/// What a loosened change says about why, in a few words: `why: Q4 budget moved to TikTok`,
/// or the finding when it gives no reason; `None` for changes that need none.
fn reason_words(c: &Change) -> Option<String> {
    if let Some(r) = &c.reason {
        let mut text: String = r.text.chars().take(REASON_CHARS).collect();
        if r.text.chars().count() > REASON_CHARS {
            text.push('…');
        }
        let key = match r.key {
            ReasonKey::Why => "why",
            ReasonKey::Notes => "notes",
        };
        return Some(format!("{key}: {text}"));
    }
    c.finding.map(|f| format!("no reason given ({})", f.id()))
}

/// How a change without a reason can get one.
fn reason_help(c: &Change) -> &'static str {
    if c.id.is_none() || c.kind == ChangeKind::Removed {
        "no reason given, and the goal file has no place for one: --allow-explained does not pass it"
    } else {
        "no reason given: say why in the goal's `why:` or `notes:`"
    }
}

/// The goal id, or the setting's name for a file-wide change.
fn subject(c: &Change) -> &str {
    c.id.as_deref().unwrap_or(&c.title)
}

/// Text without control characters: a title cannot move the cursor or fake a line.
fn plain(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn summary_counts(doc: &DiffDocument) -> String {
    let s = &doc.summary;
    let unexplained = match s.unexplained {
        0 => String::new(),
        n => format!(" ({n} without a reason)"),
    };
    format!(
        "{} change{}: {} loosened{unexplained}, {} tightened, {} other",
        s.changes,
        if s.changes == 1 { "" } else { "s" },
        s.loosened,
        s.tightened,
        s.neutral
    )
}

/// The terminal report: one compiler-style entry per change, then a summary line. `color`
/// paints the effect (only on a terminal, never with `NO_COLOR`: the caller decides).
pub fn text(doc: &DiffDocument, color: bool) -> String {
    let mut out = String::new();
    for c in &doc.changes {
        let effect = paint(c.effect, c.effect.label(), color);
        let _ = writeln!(out, "{effect}: {}: {}", subject(c), plain(&what(c)));
        let _ = writeln!(out, "  --> {}:{}", plain(&c.file), c.line);
        if c.id.as_deref().is_some_and(|id| id != c.title) {
            let _ = writeln!(out, "   = {}", plain(&c.title));
        }
        match (c.finding, reason_words(c)) {
            (Some(finding), _) => {
                let help = reason_help(c);
                let _ = writeln!(out, "   = warning[{}]: {help}", finding.id());
            }
            (None, Some(words)) => {
                let _ = writeln!(out, "   = {}", plain(&words));
            }
            (None, None) => {}
        }
        let _ = writeln!(out);
    }
    let span = format!("{} → {}", plain(&doc.base.file), plain(&doc.head.file));
    if doc.changes.is_empty() {
        let _ = writeln!(out, "diff ok: no goal changed ({span})");
    } else {
        let verdict = if doc.loosens() { "loosened" } else { "ok" };
        let _ = writeln!(out, "diff {verdict}: {} ({span})", summary_counts(doc));
    }
    out
}

fn paint(effect: Effect, text: &str, color: bool) -> String {
    if !color {
        return text.to_string();
    }
    let code = match effect {
        Effect::Loosened => "1;31",
        Effect::Tightened => "32",
        Effect::Neutral => "36",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// `since main` (against the working tree), or `between main and feature`.
fn range_words(doc: &DiffDocument) -> String {
    let base = escape(doc.base.rev.as_deref().unwrap_or(""));
    match &doc.head.rev {
        None => format!("since {base}"),
        Some(head) => format!("between {base} and {}", escape(head)),
    }
}

/// A GitHub-flavoured Markdown section: a `### ` heading, a summary line and a table of
/// changes, loosened first; a single line when nothing changed. Self-contained (no links, no
/// HTML but what it writes itself) so a pull-request comment can embed it as is.
pub fn markdown(doc: &DiffDocument) -> String {
    let (file, range) = (escape(&doc.file), range_words(doc));
    if doc.changes.is_empty() {
        return format!("No goalposts moved: no goal in {file} changed {range}.\n");
    }
    let mut out = format!("{MARKDOWN_HEADING}\n\n");
    let s = &doc.summary;
    let loosened = match (s.loosened, s.unexplained) {
        (0, _) => "0 loosened".to_string(),
        (n, 0) => format!("**{n} loosened**"),
        (n, u) => format!("**{n} loosened** ({u} without a reason)"),
    };
    let intro = if doc.base.exists {
        format!("Changes to {file} {range}")
    } else {
        format!("{file} is new {range}: every goal is added")
    };
    let _ = writeln!(
        out,
        "{intro}: {loosened}, {} tightened, {} other.\n",
        s.tightened, s.neutral
    );
    out.push_str(
        "| | goal | change | before | after | reason | line |\n|---|---|---|---|---|---|---|\n",
    );
    for c in &doc.changes {
        let goal = match &c.id {
            Some(id) if *id != c.title => format!("**{}** — {}", escape(id), escape(&c.title)),
            _ => format!("**{}**", escape(subject(c))),
        };
        let cell = |v: &Option<String>| v.as_deref().map_or_else(|| "–".into(), escape);
        let reason = match (reason_words(c), c.finding) {
            (Some(words), None) => escape(&words),
            (Some(words), Some(_)) => format!("⚠️ {}", escape(&words)),
            (None, _) => String::new(),
        };
        let _ = writeln!(
            out,
            "| {} | {goal} | {} | {} | {} | {reason} | {}:{} |",
            icon(c.effect),
            escape(c.kind.label()),
            cell(&c.before),
            cell(&c.after),
            escape(&c.file),
            c.line
        );
    }
    out
}

fn icon(effect: Effect) -> &'static str {
    match effect {
        Effect::Loosened => "🔻 **loosened**",
        Effect::Tightened => "🔺 tightened",
        Effect::Neutral => "◽ changed",
    }
}

/// GitHub workflow commands: a `::warning` at the goal's head-file line for each loosened
/// change (a removed goal has no line in the head file: its warning names the file only), at
/// most [`LIMIT`], then one `::notice` with the counts.
pub fn github(doc: &DiffDocument) -> String {
    let mut out = String::new();
    let loosened: Vec<&Change> = doc.changes.iter().filter(|c| c.loosens).collect();
    for c in loosened.iter().take(LIMIT) {
        let line = match c.kind {
            ChangeKind::Removed => String::new(),
            _ => format!(",line={}", c.line),
        };
        let title = format!("goalpost: {} {}", subject(c), c.kind.label());
        let mut message = format!("{}: {}", c.title, what(c));
        if let Some(words) = reason_words(c) {
            let _ = write!(message, "; {words}");
        }
        let _ = writeln!(
            out,
            "::warning file={}{line},title={}::{}",
            property(&doc.file),
            property(&title),
            data(&message)
        );
    }
    let base = doc.base.rev.as_deref().unwrap_or("");
    let mut notice = if doc.changes.is_empty() {
        format!("no goal changed since {base}")
    } else {
        format!("{} since {base}", summary_counts(doc))
    };
    if loosened.len() > LIMIT {
        let _ = write!(
            notice,
            " ({} loosened changes not annotated; see the diff)",
            loosened.len() - LIMIT
        );
    }
    let _ = writeln!(
        out,
        "::notice file={},title={}::{}",
        property(&doc.file),
        property("goalpost diff"),
        data(&notice)
    );
    out
}
