//! One side of a diff: the goal file at a revision (or in the working tree), parsed and linted.
//! A side that does not parse, or has error-level lint findings, stops the diff: comparing a
//! broken file would report nonsense.

use std::path::Path;

use super::git::RepoFile;
use crate::catalog::Catalog;
use crate::diag::{Diagnostic, Level};
use crate::failure::Problem;
use crate::lint::{self, LevelOverrides};
use crate::spec::{self, ParseFailure, ParsedFile};

/// A valid goal file version.
#[derive(Debug)]
pub struct Side {
    /// The parsed file; its display name is `REV:path` for a revision.
    pub parsed: ParsedFile,
    /// The metric catalog the file sees (its `metrics:` applied).
    pub catalog: Catalog,
}

impl Side {
    /// The name the file goes by in messages: `origin/main:goals.yaml`, or the path given.
    pub fn display(&self) -> &str {
        &self.parsed.source.display
    }

    /// The 1-based line of the node at `pointer` (1 when the file does not have it).
    pub fn line(&self, pointer: &str) -> usize {
        self.parsed.spans.value(pointer).map_or(1, |s| s.line)
    }
}

/// Why a side could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// Git, or the file system, failed.
    Problem(Problem),
    /// The file is invalid: its diagnostics, and the text they point into.
    Invalid {
        /// Every error-level problem (warnings are not a reason to stop, and are dropped).
        diagnostics: Vec<Diagnostic>,
        /// The file's text, when it could be read.
        text: Option<String>,
    },
}

/// The goal file at revision `rev`; `Ok(None)` when the file does not exist there.
pub fn at_revision(repo: &RepoFile, rev: &str) -> Result<Option<Side>, LoadError> {
    let Some(bytes) = repo.read_at(rev).map_err(LoadError::Problem)? else {
        return Ok(None);
    };
    let display = format!("{rev}:{}", repo.path);
    from_bytes(&display, repo.dir.clone(), &bytes).map(Some)
}

/// A version given as bytes, shown as `display`, its relative paths resolved from `dir`.
pub fn from_bytes(display: &str, dir: std::path::PathBuf, bytes: &[u8]) -> Result<Side, LoadError> {
    checked(spec::parse_bytes(display, dir, bytes).map_err(invalid)?)
}

/// The goal file in the working tree.
pub fn working_tree(path: &Path) -> Result<Side, LoadError> {
    checked(spec::load(path).map_err(invalid)?)
}

fn invalid(failure: ParseFailure) -> LoadError {
    LoadError::Invalid {
        diagnostics: failure.diagnostics,
        text: failure.source.map(|s| s.text),
    }
}

/// Lints with the file's own `lint:` levels; error-level findings make the side invalid.
fn checked(parsed: ParsedFile) -> Result<Side, LoadError> {
    let linted = lint::lint(&parsed, &LevelOverrides::default());
    if linted.has_errors() {
        return Err(LoadError::Invalid {
            diagnostics: linted
                .diagnostics
                .into_iter()
                .filter(|d| d.level == Level::Error)
                .collect(),
            text: Some(parsed.source.text),
        });
    }
    Ok(Side {
        parsed,
        catalog: linted.catalog,
    })
}
