//! `goalpost validate [FILE...]`: schema + lint, no data read.

use std::io::Write;

use serde::Serialize;

use crate::Exit;
use crate::cli::{ValidateArgs, ValidateFormat};
use crate::diag::{Diagnostic, DiagnosticRenderer, Level, summary};
use crate::failure::CannotRun;
use crate::lint::{self, LevelOverrides};
use crate::rules::RuleId;
use crate::spec;

/// The result of validating one file.
#[derive(Debug, Serialize)]
pub struct FileReport {
    /// The file as given.
    pub file: String,
    /// Error-level findings.
    pub errors: usize,
    /// Warning-level findings.
    pub warnings: usize,
    /// Every finding.
    pub diagnostics: Vec<Diagnostic>,
    /// The text, for rendering.
    #[serde(skip)]
    pub text: Option<String>,
    /// Whether the file could not be read at all.
    #[serde(skip)]
    pub unreadable: bool,
}

/// Validates one goal file.
pub fn validate_file(path: &std::path::Path, overrides: &LevelOverrides) -> FileReport {
    let display = path.display().to_string();
    let (text, diagnostics, unreadable) = match spec::load(path) {
        Ok(parsed) => {
            let linted = lint::lint(&parsed, overrides);
            (Some(parsed.source.text), linted.diagnostics, false)
        }
        Err(failure) => {
            let unreadable = failure.source.is_none()
                && failure.diagnostics.iter().all(|d| d.rule == RuleId::Yaml);
            (
                failure.source.map(|s| s.text),
                failure.diagnostics,
                unreadable,
            )
        }
    };
    let count = |level| diagnostics.iter().filter(|d| d.level == level).count();
    FileReport {
        file: display,
        errors: count(Level::Error),
        warnings: count(Level::Warn),
        diagnostics,
        text,
        unreadable,
    }
}

/// Runs the command.
pub fn run(args: &ValidateArgs) -> Exit {
    let overrides = match crate::resolve::level_overrides(&args.levels) {
        Ok(o) => o,
        Err(problem) => {
            CannotRun::problem(problem).print();
            return Exit::Failed;
        }
    };
    let reports: Vec<FileReport> = args
        .files
        .iter()
        .map(|f| validate_file(f, &overrides))
        .collect();
    let written = match args.format {
        ValidateFormat::Text => write_text(&reports),
        ValidateFormat::Json => super::print_stdout(&json(&reports)),
        ValidateFormat::Github => super::print_stdout(&github(&reports)),
    };
    if !written || reports.iter().any(|r| r.unreadable) {
        Exit::Failed
    } else if reports.iter().any(|r| r.errors > 0) {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

/// Every finding as a workflow command on its line (paths relative to the workspace in
/// GitHub Actions).
fn github(reports: &[FileReport]) -> String {
    let runner = crate::github::Runner::from_env();
    let path = |file: &str| {
        runner
            .as_ref()
            .map_or_else(|| file.to_string(), |r| r.annotation_path(file))
    };
    let diagnostics: Vec<_> = reports
        .iter()
        .flat_map(|r| r.diagnostics.iter().cloned())
        .collect();
    crate::report::annotations::for_diagnostics(&diagnostics, &[], path)
}

fn write_text(reports: &[FileReport]) -> bool {
    let color = anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never;
    let renderer = DiagnosticRenderer::new(color);
    let mut err = anstream::stderr().lock();
    let mut all = Vec::new();
    for report in reports {
        for d in &report.diagnostics {
            let _ = writeln!(
                err,
                "{}",
                renderer.render(d, report.text.as_deref()).trim_end()
            );
            let _ = writeln!(err);
        }
        all.extend(report.diagnostics.iter().cloned());
    }
    let verdict = if all.iter().any(|d| d.level == Level::Error) {
        "failed"
    } else {
        "ok"
    };
    writeln!(err, "validate {verdict}: {}", summary(&all, reports.len())).is_ok()
}

fn json(reports: &[FileReport]) -> String {
    let errors: usize = reports.iter().map(|r| r.errors).sum();
    let warnings: usize = reports.iter().map(|r| r.warnings).sum();
    let doc = serde_json::json!({
        "schema_version": 1,
        "tool": { "name": "goalpost", "version": env!("CARGO_PKG_VERSION") },
        "errors": errors,
        "warnings": warnings,
        "files": reports,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
