//! The one shape of "this command could not run" (exit 2), and its one printer.
//!
//! Library code returns located [`Diagnostic`]s or typed errors; a command collects them into a
//! [`CannotRun`], which prints every diagnostic against the text it points into, every plain
//! problem as `error: …` with its `= help:` line, and a closing line that says what stopped.

use std::io::Write as _;

use crate::diag::{Diagnostic, DiagnosticRenderer, Level};

/// A problem that points at no line of a file: a flag, a missing directory, git.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong, without the `error: ` prefix.
    pub message: String,
    /// How to fix it, when there is something to say.
    pub help: Option<String>,
}

impl Problem {
    /// A problem with no help line.
    #[must_use]
    pub fn new(message: impl Into<String>) -> Problem {
        Problem {
            message: message.into(),
            help: None,
        }
    }

    /// The same problem with a `= help:` line.
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error: {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// Why a command could not run.
#[derive(Debug, Default)]
pub struct CannotRun {
    /// Located problems, in the order found.
    pub diagnostics: Vec<Diagnostic>,
    /// The texts diagnostics point into, by the file name they carry.
    pub texts: Vec<(String, String)>,
    /// Problems that point at no file.
    pub problems: Vec<Problem>,
    /// The closing line (`check could not run: 2 data errors`); none for a lone problem.
    pub headline: Option<String>,
}

impl CannotRun {
    /// One plain problem.
    #[must_use]
    pub fn problem(problem: Problem) -> CannotRun {
        CannotRun {
            problems: vec![problem],
            ..CannotRun::default()
        }
    }

    /// Located problems in `file`, whose text is `text` when it could be read.
    #[must_use]
    pub fn located(diagnostics: Vec<Diagnostic>, file: &str, text: Option<String>) -> CannotRun {
        CannotRun {
            diagnostics,
            texts: text.map(|t| (file.to_string(), t)).into_iter().collect(),
            ..CannotRun::default()
        }
    }

    /// The same, closed by `line`.
    #[must_use]
    pub fn headline(mut self, line: impl Into<String>) -> CannotRun {
        self.headline = Some(line.into());
        self
    }

    /// How many error-level diagnostics there are.
    #[must_use]
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.level == Level::Error)
            .count()
    }

    /// Everything, as stderr shows it (colored when `color`).
    #[must_use]
    pub fn render(&self, color: bool) -> String {
        let renderer = DiagnosticRenderer::new(color);
        let mut out = String::new();
        for d in &self.diagnostics {
            let text = self
                .texts
                .iter()
                .find(|(file, _)| *file == d.file)
                .map(|(_, t)| t.as_str());
            out.push_str(renderer.render(d, text).trim_end());
            out.push_str("\n\n");
        }
        for p in &self.problems {
            out.push_str(&p.to_string());
            out.push('\n');
        }
        if let Some(line) = &self.headline {
            out.push_str(line);
            out.push('\n');
        }
        out
    }

    /// Prints [`render`](Self::render) to stderr in one write.
    pub fn print(&self) {
        let color =
            anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never;
        let _ = anstream::stderr()
            .lock()
            .write_all(self.render(color).as_bytes());
    }
}

impl From<Problem> for CannotRun {
    fn from(problem: Problem) -> CannotRun {
        CannotRun::problem(problem)
    }
}
