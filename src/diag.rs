//! Diagnostics: a located finding with a rule id, a level, a message and a help line, rendered
//! like a compiler error (source line, caret, `help:`) or serialized for machines.

use std::fmt::Write as _;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level as SnippetLevel, Renderer, Snippet};
use serde::Serialize;

use crate::rules::RuleId;

/// How loud a finding is. `Off` findings are dropped before they are reported.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Not reported.
    Off,
    /// Reported; does not fail `validate`.
    Warn,
    /// Reported; makes `validate` exit 1.
    Error,
}

impl Level {
    /// The word used in rendered diagnostics (`error`, `warning`).
    pub fn label(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Warn => "warning",
            Level::Error => "error",
        }
    }
}

/// A byte range in a source file, with the 1-based line and column of its start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Span {
    /// Byte offsets of the highlighted text.
    #[serde(skip)]
    pub bytes: Range<usize>,
    /// 1-based line of the start.
    pub line: usize,
    /// 1-based column (in characters) of the start.
    pub column: usize,
}

/// One finding about one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Diagnostic {
    /// Stable kebab-case rule id (`unknown-metric`, `schema`, `yaml`).
    pub rule: RuleId,
    /// Effective level after configuration.
    pub level: Level,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The file the finding is about, as given on the command line.
    pub file: String,
    /// Where in the file; `None` when the finding is about the file as a whole.
    #[serde(flatten)]
    pub span: Option<Span>,
    /// Short label under the caret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The goal the finding belongs to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goal: Option<String>,
}

impl Diagnostic {
    /// A new error-level diagnostic for `rule` about `file`.
    pub fn new(rule: RuleId, file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            level: Level::Error,
            message: message.into(),
            file: file.to_string(),
            span: None,
            label: None,
            help: None,
            goal: None,
        }
    }

    /// Sets the level.
    pub fn level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }

    /// Sets the location.
    pub fn at(mut self, span: Option<Span>) -> Self {
        self.span = span;
        self
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the label shown under the caret.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Names the goal the finding belongs to.
    pub fn goal(mut self, goal: Option<&str>) -> Self {
        self.goal = goal.map(str::to_string);
        self
    }
}

/// Renders diagnostics against their source text, like rustc does.
pub struct DiagnosticRenderer {
    renderer: Renderer,
}

impl DiagnosticRenderer {
    /// A renderer; `color` decides whether ANSI styles are emitted.
    pub fn new(color: bool) -> Self {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        DiagnosticRenderer { renderer }
    }

    /// Renders one diagnostic; `source` is the text of `diag.file`, when it could be read.
    pub fn render(&self, diag: &Diagnostic, source: Option<&str>) -> String {
        let level = match diag.level {
            Level::Error | Level::Off => SnippetLevel::ERROR,
            Level::Warn => SnippetLevel::WARNING,
        };
        let message = one_line(&diag.message);
        let label = diag.label.as_deref().map(one_line);
        let file = one_line(&diag.file);
        let title = level.primary_title(message.as_ref()).id(diag.rule.as_str());
        let mut group = match (&diag.span, source) {
            (Some(span), Some(source)) => {
                let range = clamp_to_char_boundaries(source, &span.bytes);
                // Only the annotated lines go to the renderer: it walks every line it is given,
                // and a thousand findings in a long goal file would walk it a thousand times.
                let (from, to) = line_bounds(source, &range);
                let mut annotation =
                    AnnotationKind::Primary.span(range.start - from..range.end - from);
                if let Some(label) = &label {
                    annotation = annotation.label(label.as_ref());
                }
                title.element(
                    Snippet::source(&source[from..to])
                        .line_start(span.line)
                        .path(file.as_ref())
                        .annotation(annotation),
                )
            }
            // A position without the text (a line of a data export): `--> file:line:column`.
            (Some(span), None) => Group::with_title(title).element(
                annotate_snippets::Origin::path(file.as_ref())
                    .line(span.line)
                    .char_column(span.column),
            ),
            (None, _) => {
                Group::with_title(title).element(annotate_snippets::Origin::path(file.as_ref()))
            }
        };
        let help = diag.help.as_deref().map(one_line);
        if let Some(help) = &help {
            group = group.element(SnippetLevel::HELP.message(help.as_ref()));
        }
        let mut out = self.renderer.render(&[group]);
        out.push('\n');
        out
    }
}

/// The start of the line holding `range.start` and the end of the line holding `range.end`
/// (past its line break).
fn line_bounds(source: &str, range: &std::ops::Range<usize>) -> (usize, usize) {
    let from = source[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let to = source[range.end..]
        .find('\n')
        .map_or(source.len(), |i| range.end + i + 1);
    (from, to)
}

/// `text` with line breaks and other control characters written as escapes (`\n`): a message
/// quoting a user's key or value stays on its line, so in a CI log it cannot start a line of its
/// own (a GitHub workflow command such as `::error::`, even indented).
pub fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// A one-line summary: `2 errors, 1 warning in goals.yaml`.
pub fn summary(diags: &[Diagnostic], files: usize) -> String {
    let errors = diags.iter().filter(|d| d.level == Level::Error).count();
    let warnings = diags.iter().filter(|d| d.level == Level::Warn).count();
    let mut out = String::new();
    let _ = write!(
        out,
        "{} {}, {} {} in {} {}",
        errors,
        plural(errors, "error", "errors"),
        warnings,
        plural(warnings, "warning", "warnings"),
        files,
        plural(files, "file", "files"),
    );
    out
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// Annotations must start and end on char boundaries and stay inside the text; an empty range
/// at the end of a line is widened to one character so the caret has something to point at.
fn clamp_to_char_boundaries(source: &str, range: &Range<usize>) -> Range<usize> {
    let mut start = range.start.min(source.len());
    while !source.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = range.end.clamp(start, source.len());
    while !source.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn user_text_stays_on_its_line() {
        assert_eq!(one_line("dead\n::error::key\r"), "dead\\n::error::key\\r");
        assert_eq!(one_line("plain `text` ✓"), "plain `text` ✓");
    }
}
