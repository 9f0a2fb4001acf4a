//! Shared by the integration tests: a command with no GitHub Actions variables inherited (the
//! project's own CI runs inside GitHub Actions), the arguments that check the bundled example, a
//! fake runner, and the check that a committed generated file is up to date.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The GitHub Actions variables a test must not inherit from the machine it runs on.
pub const GITHUB_VARS: [&str; 5] = [
    "GITHUB_ACTIONS",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_OUTPUT",
    "GITHUB_WORKSPACE",
    "GITHUB_ENV",
];

/// `check` on the bundled example (examples/acme) as of the day its committed scorecard shows.
pub const EXAMPLE: [&str; 4] = ["check", "examples/acme/goals.yaml", "--as-of", "2027-03-15"];

/// `goalpost` in the crate's directory, without colors or inherited GitHub variables.
pub fn goalpost() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_goalpost"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1");
    for var in GITHUB_VARS {
        cmd.env_remove(var);
    }
    cmd
}

/// Asserts that a run exited with `code`, showing its stderr when it did not.
#[track_caller]
pub fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A fake GitHub Actions step: a temporary directory with the step's summary and output files.
pub struct Step {
    /// Holds the files; removed on drop.
    pub dir: tempfile::TempDir,
    /// `$GITHUB_STEP_SUMMARY`.
    pub summary: PathBuf,
    /// `$GITHUB_OUTPUT`.
    pub output: PathBuf,
}

impl Step {
    /// A step whose files hold what earlier commands of the step wrote.
    pub fn new() -> Step {
        let dir = tempfile::tempdir().expect("tempdir");
        let summary = dir.path().join("step_summary.md");
        let output = dir.path().join("output");
        std::fs::write(&summary, "earlier summary\n").expect("write summary");
        std::fs::write(&output, "earlier=1\n").expect("write output");
        Step {
            dir,
            summary,
            output,
        }
    }

    /// `cmd` as it runs inside this step.
    pub fn run(&self, cmd: &mut Command) -> Output {
        cmd.env("GITHUB_ACTIONS", "true")
            .env("GITHUB_STEP_SUMMARY", &self.summary)
            .env("GITHUB_OUTPUT", &self.output)
            .output()
            .expect("run goalpost")
    }

    /// What the step summary holds.
    pub fn summary(&self) -> String {
        read(&self.summary)
    }

    /// What the outputs file holds.
    pub fn output(&self) -> String {
        read(&self.output)
    }
}

/// A file's text (panics with the path when it cannot be read).
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Lines a GitHub runner would take for a workflow command: `::` after leading whitespace.
pub fn command_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.trim_start().starts_with("::"))
        .collect()
}

/// Asserts that `generated` is the `committed` text of `path` (relative to the crate), naming
/// the command that rewrites it: `GOALPOST_BLESS=1 cargo test --test it {test}`. Under
/// `GOALPOST_BLESS` it writes `generated` to `path` instead.
#[track_caller]
pub fn assert_committed(path: &str, generated: &str, committed: &str, test: &str) {
    if blessing() {
        write(&Path::new(env!("CARGO_MANIFEST_DIR")).join(path), generated);
        return;
    }
    assert!(
        generated == committed,
        "{path} is out of date: run `GOALPOST_BLESS=1 cargo test --test it {test}`"
    );
}

/// Whether this run rewrites committed files instead of checking them (`GOALPOST_BLESS` is set).
fn blessing() -> bool {
    std::env::var_os("GOALPOST_BLESS").is_some()
}

/// Writes a file (panics with the path when it cannot be written).
fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// The paths src/ reads with `include_str!`/`include_bytes!`, relative to the crate root.
pub fn embedded_files() -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = read(&path);
                for piece in text.split("include_").skip(1) {
                    let Some(rest) = piece
                        .strip_prefix("str!(")
                        .or_else(|| piece.strip_prefix("bytes!("))
                        .and_then(|r| r.trim_start().strip_prefix('"'))
                    else {
                        continue;
                    };
                    let rel = &rest[..rest.find('"').unwrap()];
                    let mut resolved = path.parent().unwrap().to_path_buf();
                    for part in rel.split('/') {
                        match part {
                            ".." => {
                                resolved.pop();
                            }
                            "." => {}
                            part => resolved.push(part),
                        }
                    }
                    let resolved = resolved
                        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                        .unwrap_or_else(|_| panic!("{} embeds {rel}", path.display()))
                        .to_string_lossy()
                        .into_owned();
                    out.push(resolved);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out.sort();
    out.dedup();
    out
}
