//! `goalpost init [DIR] --from FILE...`: a starter `goals.yaml` whose `sources:` are the entries
//! `goalpost inspect` suggests for the exports (paths relative to DIR), with one example goal
//! per source on a metric its export really has, and the example workflow. No sample export is
//! written. Like `init`, it never overwrites: when a target exists, nothing is written.

use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

use crate::catalog::{Aggregate, Catalog, Unit};
use crate::data::inspect::document::{BlockReport, InspectDocument, SuggestedSource};
use crate::data::inspect::{self, entry_yaml};
use crate::failure::Problem;

/// The example target of every starter goal: a placeholder the file says to replace.
const PLACEHOLDER_TARGET: u32 = 1000;

/// The goal file for `files`, inspected, or why there is none. `dir` is where it is written.
pub fn goal_file(dir: &Path, files: &[PathBuf], year: inspect::Year) -> Result<Built, Failure> {
    let catalog = Catalog::builtin();
    let (doc, errors) = inspect::inspect_all(files, &catalog, year);
    if !errors.is_empty() {
        return Err(Failure::Unreadable(errors));
    }
    let text = render(dir, &doc, &catalog)?;
    let last = doc
        .files
        .iter()
        .flat_map(|f| &f.blocks)
        .filter(|b| b.source.is_some())
        .filter_map(|b| b.date.last.clone())
        .max();
    Ok(Built { text, last })
}

/// A starter goal file.
pub struct Built {
    /// Its text.
    pub text: String,
    /// The newest date of its exports (for the next-step hint).
    pub last: Option<String>,
}

/// Why `init --from` wrote nothing.
pub enum Failure {
    /// An export could not be read: the reader's errors.
    Unreadable(Vec<crate::data::DataError>),
    /// No block of the exports can be a source, or another plain problem.
    Problem(Problem),
}

impl From<Problem> for Failure {
    fn from(p: Problem) -> Failure {
        Failure::Problem(p)
    }
}

fn render(dir: &Path, doc: &InspectDocument, catalog: &Catalog) -> Result<String, Problem> {
    let mut sources = String::new();
    let mut goals = String::new();
    let mut skipped = Vec::new();
    for file in &doc.files {
        let path = relative_to(dir, Path::new(&file.path));
        for block in &file.blocks {
            let Some(source) = &block.source else {
                skipped.push(format!(
                    "{}{}: {}",
                    file.path,
                    block
                        .header_line
                        .map(|l| format!(" (block at line {l})"))
                        .unwrap_or_default(),
                    block
                        .problem
                        .as_deref()
                        .unwrap_or("no source entry reads it")
                ));
                continue;
            };
            for g in &block.guesses {
                let _ = writeln!(sources, "  # check: {g}");
            }
            sources.push_str(&entry_yaml(source, &path));
            if let Some(goal) = example_goal(source, block, catalog) {
                goals.push_str(&goal);
            }
        }
    }
    if sources.is_empty() {
        return Err(Problem::new(format!(
            "no block of {} can be a source",
            crate::suggest::quote_list(
                &doc.files.iter().map(|f| f.path.clone()).collect::<Vec<_>>()
            )
        ))
        .help(format!(
            "{}; `goalpost inspect FILE` shows what goalpost finds in an export",
            skipped.join("; ")
        )));
    }
    let mut out = String::from(HEADER);
    let _ = write!(out, "sources:\n{sources}\n");
    for s in &skipped {
        let _ = writeln!(out, "# not a source: {s}");
    }
    if !skipped.is_empty() {
        out.push('\n');
    }
    if goals.is_empty() {
        out.push_str(
            "goals: []   # no export has a count goalpost knows: see `goalpost metrics`\n",
        );
    } else {
        let _ = write!(out, "goals:\n{goals}");
    }
    Ok(out)
}

const HEADER: &str = "\
# A starter goal file written by `goalpost init --from`: each source is the entry
# `goalpost inspect` suggests for an export (run it again for what it found), and each goal an
# example on a metric that export has. Each goal is SMART: a Specific metric, Measurable from the
# export, an Achievable target, Relevant to an objective, Time-bound by its period. The targets
# are placeholders: set your own. `goalpost validate` checks the file without reading data;
# `goalpost metrics` lists every metric id.
version: 1
title: Our social goals
timezone: UTC                   # decides \"today\"; use yours, e.g. Europe/Amsterdam

objectives:                     # why the goals matter (the R of SMART)
  grow-audience:
    kind: awareness
    title: A bigger, more engaged audience

";

/// A goal on the block's first metric that adds up over days (a count, not a vanity metric
/// when there is another), over the calendar year of its newest row.
fn example_goal(
    source: &SuggestedSource,
    block: &BlockReport,
    catalog: &Catalog,
) -> Option<String> {
    let year = block.date.last.as_deref()?.get(..4)?;
    let counts: Vec<&crate::catalog::Metric> = block
        .columns
        .iter()
        .filter_map(|c| catalog.get(&c.metric))
        .filter(|m| m.unit == Unit::Count && m.aggregate == Aggregate::Sum && !m.non_additive)
        .collect();
    let metric = counts
        .iter()
        .find(|m| !m.vanity)
        .or_else(|| counts.first())?;
    let platform = source.platform.clone().or_else(|| {
        source
            .preset
            .as_deref()
            .and_then(crate::data::presets::get)
            .and_then(|p| p.platform.map(str::to_string))
    });
    let title = format!(
        "{PLACEHOLDER_TARGET} {} in {year}",
        metric.title.to_lowercase()
    );
    let mut out = format!(
        "  - id: {}-{}\n    title: {}\n    objective: grow-audience\n    metric: {}\n",
        source.id,
        metric.id.replace('_', "-"),
        serde_json::to_string(&title).unwrap_or_default(),
        metric.id
    );
    if let Some(p) = platform {
        let _ = writeln!(out, "    platform: {p}");
    }
    let _ = writeln!(out, "    period: {year}");
    let _ = writeln!(
        out,
        "    target: {{at_least: {PLACEHOLDER_TARGET}}}   # a placeholder: set your own"
    );
    if metric.vanity {
        let _ = writeln!(
            out,
            "    why: {}   # a vanity metric: say why it matters",
            serde_json::to_string("It shows that the audience grows").unwrap_or_default()
        );
    }
    out.push_str("    owner: \"@social-team\"\n\n");
    Some(out)
}

/// `file` as a path relative to `dir` (both taken from the working directory, `..` where
/// needed), or absolute when they share no root.
fn relative_to(dir: &Path, file: &Path) -> String {
    let absolute = |p: &Path| std::path::absolute(p).map(|p| normalized(&p));
    let (Ok(dir), Ok(file)) = (absolute(dir), absolute(file)) else {
        return file.display().to_string();
    };
    let d: Vec<Component> = dir.components().collect();
    let f: Vec<Component> = file.components().collect();
    let common = d.iter().zip(&f).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return file.display().to_string();
    }
    let mut out = PathBuf::new();
    for _ in common..d.len() {
        out.push("..");
    }
    for c in &f[common..] {
        out.push(c.as_os_str());
    }
    out.display().to_string()
}

/// `.` and `..` resolved lexically (no symlinks followed: the path is only written down).
fn normalized(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_goal_files_directory() {
        assert_eq!(
            relative_to(Path::new("a/b"), Path::new("a/data/x.csv")),
            "../data/x.csv"
        );
        assert_eq!(relative_to(Path::new("."), Path::new("./x.csv")), "x.csv");
        assert_eq!(relative_to(Path::new("a"), Path::new("a/./x.csv")), "x.csv");
    }
}
