//! `goalpost diff [FILE] --base REF [--head REF]`: what changed in the goals between two git
//! revisions (SPEC §7). Exit codes: 0 done (or nothing loosened with `--fail-on-loosened`), 1 a
//! change loosens a goal and `--fail-on-loosened` is set, 2 could not run (not a git
//! repository, unknown revision, a missing or invalid goal file).

use std::io::Write;

use crate::Outcome;
use crate::cli::{DiffArgs, DiffFormat};
use crate::diag::DiagnosticRenderer;
use crate::diff::document::{DiffDocument, Revision};
use crate::diff::git::RepoFile;
use crate::diff::load::{self, LoadError};
use crate::diff::{self, Side, render};

/// Runs the command.
pub fn run(args: &DiffArgs) -> Outcome {
    let doc = match document(args) {
        Ok(doc) => doc,
        Err(e) => {
            report(&e);
            return Outcome::Failed;
        }
    };
    let out = match args.format {
        DiffFormat::Text => {
            let color =
                anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
            render::text(&doc, color)
        }
        DiffFormat::Json => doc.to_json(),
        DiffFormat::Markdown => render::markdown(&doc),
        DiffFormat::Github => render::github(&doc),
    };
    if !super::print_stdout(&out) {
        Outcome::Failed
    } else if args.fail_on_loosened && doc.loosens() {
        Outcome::Findings
    } else {
        Outcome::Clean
    }
}

/// Reads both versions (head first: a missing head file is the likelier mistake) and compares.
fn document(args: &DiffArgs) -> Result<DiffDocument, LoadError> {
    let repo = RepoFile::locate(&args.file).map_err(LoadError::Message)?;
    let head: Side = match &args.head {
        Some(rev) => load::at_revision(&repo, rev)?.ok_or_else(|| {
            LoadError::Message(format!("error: {} does not exist at {rev}", repo.path))
        })?,
        None => load::working_tree(&args.file)?,
    };
    let base = load::at_revision(&repo, &args.base)?;
    let changes = diff::compare(base.as_ref(), &head);
    let base_rev = Revision {
        rev: Some(args.base.clone()),
        file: format!("{}:{}", args.base, repo.path),
        exists: base.is_some(),
    };
    let head_rev = Revision {
        rev: args.head.clone(),
        file: head.display().to_string(),
        exists: true,
    };
    Ok(DiffDocument::new(repo.path, base_rev, head_rev, changes))
}

/// Prints why the diff could not run on stderr: git's trouble as one message, an invalid
/// version as compiler-style diagnostics.
fn report(error: &LoadError) {
    let mut err = anstream::stderr().lock();
    match error {
        LoadError::Message(m) => {
            let _ = writeln!(err, "{m}");
        }
        LoadError::Invalid { diagnostics, text } => {
            let color =
                anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never;
            let renderer = DiagnosticRenderer::new(color);
            for d in diagnostics {
                let _ = writeln!(err, "{}\n", renderer.render(d, text.as_deref()).trim_end());
            }
            let file = diagnostics
                .first()
                .map_or("the goal file", |d| d.file.as_str());
            let why = if text.is_some() {
                "is not a valid goal file (see `goalpost validate`)"
            } else {
                "cannot be read"
            };
            let _ = writeln!(err, "diff could not run: {file} {why}");
        }
    }
}
