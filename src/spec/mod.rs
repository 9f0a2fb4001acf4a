//! Stage 1 of the pipeline: read a goal file, parse its YAML with positions, validate it
//! against the JSON Schema, and deserialize it into the typed model.
//!
//! Problems are collected, not returned at the first one: a file with five mistakes gets five
//! diagnostics.

pub mod model;
pub mod scalars;
pub mod schema;
pub mod time;
pub mod yaml;

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::bounded_read::{self, ReadError};
use crate::diag::{Diagnostic, Span};
use crate::rules::RuleId;
pub use model::GoalFile;
pub use yaml::SpanIndex;

/// Largest goal file read; a thousand goals take about 150 KiB.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A goal file's text and where it came from.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// The path as the user gave it, for messages.
    pub display: String,
    /// The file's directory: relative paths inside it start here.
    pub dir: PathBuf,
    /// The text (invalid UTF-8 replaced, for rendering only).
    pub text: String,
}

/// A goal file that parsed and matched the schema.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    /// The source.
    pub source: SourceText,
    /// The document as JSON (what the schema validated).
    pub json: Value,
    /// Positions of every node, by JSON pointer.
    pub spans: SpanIndex,
    /// The typed model.
    pub model: GoalFile,
}

/// Why a file could not be turned into a [`ParsedFile`].
#[derive(Debug)]
pub struct ParseFailure {
    /// The text, when it could be read (for rendering the diagnostics).
    pub source: Option<SourceText>,
    /// Every problem found.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads and parses the goal file at `path`.
pub fn load(path: &Path) -> Result<ParsedFile, ParseFailure> {
    let display = path.display().to_string();
    let fail = |source, d| ParseFailure {
        source,
        diagnostics: vec![d],
    };
    let bytes = match crate::bounded_read::read_regular(path, MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(ReadError::Io(e)) => return Err(fail(None, io_error(&display, &e))),
        Err(ReadError::TooLarge(_)) => {
            let size = std::fs::metadata(path).map_or(0, |m| m.len());
            let shown = if size > MAX_FILE_BYTES {
                format!("{} MiB", size / (1024 * 1024))
            } else {
                format!("larger than {}", bounded_read::size(MAX_FILE_BYTES))
            };
            let d = Diagnostic::new(
                RuleId::Yaml,
                &display,
                format!(
                    "the file is {shown}; goal files over {} are refused",
                    bounded_read::size(MAX_FILE_BYTES)
                ),
            )
            .help(
                "is this the goal file? Data exports belong under `sources:`, not in the goal file",
            );
            return Err(fail(None, d));
        }
        Err(e @ ReadError::NotRegular(_)) => {
            let d = Diagnostic::new(
                RuleId::Yaml,
                &display,
                format!("cannot read {display}: {e}"),
            )
            .help("give the path of a goal file (a device, FIFO or directory is refused)");
            return Err(fail(None, d));
        }
    };
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parse_bytes(&display, dir, &bytes)
}

/// Parses goal file bytes; `display` names the file in messages.
pub fn parse_bytes(display: &str, dir: PathBuf, bytes: &[u8]) -> Result<ParsedFile, ParseFailure> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(e) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let span = point_at(&text, e.valid_up_to());
            let d = Diagnostic::new(RuleId::Yaml, display, "the file is not valid UTF-8")
                .at(Some(span))
                .label("invalid byte here")
                .help("save the goal file as UTF-8");
            let source = SourceText {
                display: display.to_string(),
                dir,
                text,
            };
            return Err(ParseFailure {
                source: Some(source),
                diagnostics: vec![d],
            });
        }
    };
    let source = SourceText {
        display: display.to_string(),
        dir,
        text,
    };
    parse_source(source)
}

/// [`yaml::parse`], with the JSON Schema compiled on another thread meanwhile: compiling it
/// takes a few milliseconds that would otherwise add to every run.
fn parse_yaml_compiling_schema(text: &str) -> Result<(Value, SpanIndex), yaml::YamlError> {
    if crate::threads::worker_threads() < 2 {
        return yaml::parse(text);
    }
    std::thread::scope(|scope| {
        scope.spawn(schema::compile);
        yaml::parse(text)
    })
}

fn parse_source(source: SourceText) -> Result<ParsedFile, ParseFailure> {
    let display = source.display.clone();
    let fail = |source, diagnostics| {
        Err(ParseFailure {
            source: Some(source),
            diagnostics,
        })
    };
    let (json, spans) = match parse_yaml_compiling_schema(&source.text) {
        Ok(parsed) => parsed,
        Err(e) => {
            let d = Diagnostic::new(
                RuleId::Yaml,
                &display,
                format!("invalid YAML: {}", e.message),
            )
            .at(e.span);
            return fail(source, vec![d]);
        }
    };
    if json.is_null() {
        let d = Diagnostic::new(RuleId::Yaml, &display, "the goal file is empty")
            .help("start from `goalpost init`, or see docs/goal-file.md for the format");
        return fail(source, vec![d]);
    }
    let problems = schema::validate(&json, &spans, &display);
    if !problems.is_empty() {
        return fail(source, problems);
    }
    // Read from the tree in place: a copy of a thousand-goal document costs more than parsing
    // it into the model.
    match GoalFile::deserialize(&json) {
        Ok(model) => Ok(ParsedFile {
            source,
            json,
            spans,
            model,
        }),
        // The schema accepted what the types refuse: a drift the agreement test exists to
        // catch. Report it rather than crash.
        Err(e) => {
            let d = Diagnostic::new(RuleId::Schema, &display, format!("invalid goal file: {e}"));
            fail(source, vec![d])
        }
    }
}

fn io_error(display: &str, e: &std::io::Error) -> Diagnostic {
    let help = match e.kind() {
        std::io::ErrorKind::NotFound => "check the path, or create one with `goalpost init`",
        std::io::ErrorKind::PermissionDenied => "check the file's permissions",
        _ => "check that the path names a readable file",
    };
    Diagnostic::new(RuleId::Yaml, display, format!("cannot read {display}: {e}")).help(help)
}

/// A one-character span at byte `offset` of `text`.
pub fn point_at(text: &str, offset: usize) -> Span {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let end = text[offset.min(text.len())..]
        .chars()
        .next()
        .map_or(offset, |c| offset + c.len_utf8());
    Span {
        bytes: offset..end,
        line,
        column,
    }
}
