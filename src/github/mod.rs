//! `check` inside GitHub Actions (SPEC §6): when `GITHUB_ACTIONS=true`, the Markdown scorecard is
//! appended to `$GITHUB_STEP_SUMMARY` and the counts to `$GITHUB_OUTPUT`. Both files are shared
//! by every command of a step, so they are appended to, never replaced; a missing or unwritable
//! file is a warning on stderr, never a failed check.

pub mod outputs;
pub mod summary;

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The GitHub Actions runner `check` runs in, read from its environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Runner {
    /// `$GITHUB_STEP_SUMMARY`: the step's Markdown summary file.
    pub step_summary: Option<PathBuf>,
    /// `$GITHUB_OUTPUT`: the step's outputs file.
    pub output: Option<PathBuf>,
    /// `$GITHUB_WORKSPACE`: the checkout that annotation paths are relative to.
    pub workspace: Option<PathBuf>,
}

impl Runner {
    /// The runner, when `GITHUB_ACTIONS` is `true`; `None` everywhere else.
    pub fn from_env() -> Option<Runner> {
        Runner::from_vars(|name| std::env::var_os(name).filter(|v| !v.is_empty()))
    }

    /// As [`Runner::from_env`], reading variables through `var` (for tests).
    pub fn from_vars(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<Runner> {
        if var("GITHUB_ACTIONS")? != "true" {
            return None;
        }
        Some(Runner {
            step_summary: var("GITHUB_STEP_SUMMARY").map(PathBuf::from),
            output: var("GITHUB_OUTPUT").map(PathBuf::from),
            workspace: var("GITHUB_WORKSPACE").map(PathBuf::from),
        })
    }

    /// Appends the scorecard to the step summary, cut to GitHub's size limit.
    pub fn write_summary(&self, markdown: &str) {
        let Some(path) = self.step_summary.as_deref() else {
            warn("GITHUB_STEP_SUMMARY is not set: the scorecard is not in the job summary");
            return;
        };
        let used =
            std::fs::metadata(path).map_or(0, |m| usize::try_from(m.len()).unwrap_or(usize::MAX));
        let budget = summary::LIMIT.saturating_sub(used);
        match summary::fit(markdown, budget) {
            Some(text) => report(path, append(path, &text)),
            None => warn(&format!(
                "{} is full (GitHub keeps {} per step): the scorecard is not in the job summary",
                path.display(),
                summary::LIMIT_TEXT
            )),
        }
    }

    /// Appends `name=value` lines to the step's outputs file.
    pub fn write_outputs(&self, lines: &str) {
        match self.output.as_deref() {
            Some(path) => report(path, append(path, lines)),
            None => warn("GITHUB_OUTPUT is not set: the step has no goalpost outputs"),
        }
    }

    /// The goal file's path as annotations need it: relative to the workspace, with `/`.
    pub fn annotation_path(&self, file: &str) -> String {
        let rebased = self.workspace.as_deref().and_then(|ws| {
            let cwd = std::env::current_dir().ok()?;
            relative_to(Path::new(file), &cwd, ws)
        });
        rebased
            .unwrap_or_else(|| file.to_string())
            .replace('\\', "/")
    }
}

/// `file` (relative to `cwd`, or absolute) relative to `workspace`; `None` when it is outside.
pub fn relative_to(file: &Path, cwd: &Path, workspace: &Path) -> Option<String> {
    let absolute = normalize(&cwd.join(file));
    let workspace = normalize(workspace);
    let relative = absolute.strip_prefix(&workspace).ok()?;
    Some(relative.to_string_lossy().into_owned())
}

/// Drops `.` and resolves `..` without touching the file system (symlinks are kept as written).
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// One `write` on a file opened for appending: the runner's files are shared by every command of
/// a step, so they are never replaced (a temporary file and a rename would drop what others wrote).
fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.flush()
}

fn report(path: &Path, result: std::io::Result<()>) {
    if let Err(e) = result {
        warn(&format!("cannot append to {}: {e}", path.display()));
    }
}

fn warn(message: &str) {
    let _ = writeln!(anstream::stderr().lock(), "warning: {message}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<std::ffi::OsString> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).into())
        }
    }

    #[test]
    fn only_inside_github_actions() {
        assert_eq!(Runner::from_vars(vars(&[])), None);
        assert_eq!(
            Runner::from_vars(vars(&[("GITHUB_ACTIONS", "false")])),
            None
        );
        let runner = Runner::from_vars(vars(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_OUTPUT", "/tmp/out"),
        ]))
        .expect("a runner");
        assert_eq!(runner.output, Some(PathBuf::from("/tmp/out")));
        assert_eq!(runner.step_summary, None);
    }

    #[test]
    fn annotation_paths_are_relative_to_the_workspace() {
        let ws = Path::new("/home/runner/work/repo/repo");
        let rel = |file: &str, cwd: &str| relative_to(Path::new(file), Path::new(cwd), ws);
        assert_eq!(
            rel("goals.yaml", "/home/runner/work/repo/repo/marketing").as_deref(),
            Some("marketing/goals.yaml")
        );
        assert_eq!(
            rel("../goals.yaml", "/home/runner/work/repo/repo/sub").as_deref(),
            Some("goals.yaml")
        );
        assert_eq!(
            rel("./a/goals.yaml", "/home/runner/work/repo/repo").as_deref(),
            Some("a/goals.yaml")
        );
        assert_eq!(rel("/etc/goals.yaml", "/home/runner/work/repo/repo"), None);
    }
}
