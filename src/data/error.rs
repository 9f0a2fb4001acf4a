//! Errors reading data: located in an export (file, line, column) or, when the goal file's
//! source declaration is what is wrong, at that declaration.

use crate::diag::{Diagnostic, Span};
use crate::rules::RuleId;
use crate::spec::ParsedFile;

/// A problem that stops `check`: exit 2. Small on the happy path: the details are boxed.
#[derive(Debug, Clone, PartialEq)]
pub struct DataError {
    /// The export, as shown to the user.
    pub file: String,
    /// 1-based physical line in the export.
    pub line: Option<u64>,
    /// Everything else.
    pub detail: Box<Detail>,
}

/// The message, help and position details of a [`DataError`].
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    /// 1-based column (field number) in the export.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// JSON pointer into the goal file when the declaration is at fault (`/sources/ig/columns`).
    pub pointer: Option<String>,
}

impl DataError {
    /// An error in `file`, at `line` when known.
    pub fn at(file: &str, line: Option<u64>, message: impl Into<String>) -> Self {
        DataError {
            file: file.to_string(),
            line,
            detail: Box::new(Detail {
                column: None,
                message: message.into(),
                help: None,
                pointer: None,
            }),
        }
    }

    /// A file that cannot be opened or read.
    pub fn io(file: &str, e: &std::io::Error) -> Self {
        let what = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => e.to_string(),
        };
        DataError::at(file, None, format!("cannot read the export: {what}"))
    }

    /// Sets the column.
    pub fn column(mut self, column: usize) -> Self {
        self.detail.column = Some(column);
        self
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.detail.help = Some(help.into());
        self
    }

    /// Locates the error at the goal file's declaration instead.
    pub fn declared_at(mut self, pointer: impl Into<String>) -> Self {
        self.detail.pointer = Some(pointer.into());
        self
    }

    /// The diagnostic to render: at the goal file's node when the declaration is at fault,
    /// otherwise at the export's line and column.
    pub fn to_diagnostic(&self, parsed: &ParsedFile) -> Diagnostic {
        let detail = &self.detail;
        let d = match &detail.pointer {
            Some(pointer) => {
                Diagnostic::new(RuleId::Data, &parsed.source.display, detail.message.clone()).at(
                    parsed
                        .spans
                        .key(pointer)
                        .or_else(|| parsed.spans.value(pointer)),
                )
            }
            None => return self.to_export_diagnostic(),
        };
        match &detail.help {
            Some(h) => d.help(h.clone()),
            None => d,
        }
    }

    /// The diagnostic at the export's line and column (a command without a goal file:
    /// `inspect`, `init --from`).
    pub fn to_export_diagnostic(&self) -> Diagnostic {
        let detail = &self.detail;
        let span = self.line.map(|line| Span {
            bytes: 0..0,
            line: usize::try_from(line).unwrap_or(usize::MAX),
            column: detail.column.unwrap_or(1),
        });
        let d = Diagnostic::new(RuleId::Data, &self.file, detail.message.clone()).at(span);
        match &detail.help {
            Some(h) => d.help(h.clone()),
            None => d,
        }
    }
}
