//! `goalpost diff [FILE] --base REF [--head REF]`: what changed in the goals between two git
//! revisions (SPEC §7). Exit codes: 0 done (or nothing loosened with `--fail-on-loosened`), 1 a
//! change loosens a goal and `--fail-on-loosened` is set (with `--allow-explained`, a change
//! that gives no reason), 2 could not run (not a git
//! repository, unknown revision, a missing or invalid goal file).

use crate::Exit;
use crate::cli::{DiffArgs, DiffFormat};
use crate::diff::document::{DiffDocument, Revision};
use crate::diff::git::RepoFile;
use crate::diff::load::{self, LoadError};
use crate::diff::{self, Side, render};
use crate::failure::{CannotRun, Problem};

/// Runs the command.
pub fn run(args: &DiffArgs) -> Exit {
    let doc = match document(args) {
        Ok(doc) => doc,
        Err(e) => {
            report(e);
            return Exit::Failed;
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
        Exit::Failed
    } else if args.fail_on_loosened && doc.fails_gate(args.allow_explained) {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

/// Reads both versions (head first: a missing head file is the likelier mistake) and compares.
fn document(args: &DiffArgs) -> Result<DiffDocument, LoadError> {
    let repo = RepoFile::locate(&args.file).map_err(LoadError::Problem)?;
    let head: Side = match &args.head {
        Some(rev) => load::at_revision(&repo, rev)?.ok_or_else(|| {
            LoadError::Problem(Problem::new(format!(
                "{} does not exist at {rev}",
                repo.path
            )))
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

/// Prints why the diff could not run on stderr: git's trouble as one problem, an invalid
/// version as compiler-style diagnostics.
fn report(error: LoadError) {
    let cannot = match error {
        LoadError::Problem(p) => CannotRun::problem(p),
        LoadError::Invalid { diagnostics, text } => {
            let file = diagnostics
                .first()
                .map_or("the goal file", |d| d.file.as_str())
                .to_string();
            let why = if text.is_some() {
                "is not a valid goal file (see `goalpost validate`)"
            } else {
                "cannot be read"
            };
            CannotRun::located(diagnostics, &file, text)
                .headline(format!("diff could not run: {file} {why}"))
        }
    };
    cannot.print();
}
