//! Hostile text cannot inject a GitHub workflow command (in `-f github`, the log, or
//! `$GITHUB_OUTPUT`) nor HTML (in the step summary and `-f markdown`): neither a goal title
//! (tests/cases/hostile: a line break, `::`, `%`, `<script>`) nor text from the exports — the
//! file names a glob matches, and a malformed cell quoted in an error.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::{Step, command_lines, goalpost};

const HOSTILE: &str = "tests/cases/hostile/goals.yaml";
/// A file name cannot hold `/`, so no closing tag.
const NAME: &str = "export <script>alert(1) <img src=x> | 100% ::error::x\n::error::pwned.csv";

/// Output names `check` writes; every value is a number or the scorecard's path.
const OUTPUT_NAMES: [&str; 12] = [
    "exit-code",
    "total",
    "failing",
    "warnings",
    "missed",
    "off-track",
    "at-risk",
    "no-data",
    "pending",
    "on-track",
    "achieved",
    "scorecard",
];

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every line the runner would read as a command is one of goalpost's annotations.
fn assert_only_our_commands(log: &str) {
    for line in command_lines(log) {
        assert!(
            ["::error file=", "::warning file=", "::notice file="]
                .iter()
                .any(|p| line.starts_with(p)),
            "injected command: {line:?}"
        );
    }
}

/// `$GITHUB_OUTPUT` holds only goalpost's names with numbers (after the step's earlier line).
fn assert_clean_outputs(step: &Step) {
    let output = step.output();
    for line in output.lines().skip(1) {
        let (name, value) = line.split_once('=').unwrap_or_else(|| panic!("{line:?}"));
        assert!(OUTPUT_NAMES.contains(&name), "unknown output {line:?}");
        assert!(value.parse::<u32>().is_ok(), "not a number: {line:?}");
    }
}

/// The hostile goal file and its export in a temporary directory, the export renamed to a
/// hostile name that the source's glob matches.
fn hostile_export(cell: Option<&str>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let goals =
        support::read(Path::new(HOSTILE)).replace("path: data.csv", "path: \"export*.csv\"");
    std::fs::write(dir.path().join("goals.yaml"), goals).unwrap();
    let mut data = support::read(Path::new("tests/cases/hostile/data.csv"));
    if let Some(cell) = cell {
        data.push_str(&format!("2027-01-03,\"{cell}\",x\n"));
    }
    std::fs::write(dir.path().join(NAME), data).unwrap();
    let goals = dir.path().join("goals.yaml");
    (dir, goals)
}

fn check_in(step: &Step, goals: &Path, extra: &[&str]) -> Output {
    step.run(
        goalpost()
            .arg("check")
            .arg(goals)
            .args(["--as-of", "2027-01-03"])
            .args(extra),
    )
}

#[test]
fn a_title_cannot_inject_a_workflow_command() {
    let step = Step::new();
    let out = check_in(&step, Path::new(HOSTILE), &["-f", "github"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(
        stdout.lines().count(),
        1,
        "one annotation on one line:\n{stdout}"
    );
    assert!(
        stdout.contains("100%25") && stdout.contains("%0A::warning file=x::pwned"),
        "{stdout}"
    );
    assert_only_our_commands(&stdout);
    assert_only_our_commands(&text(&out.stderr));
    assert_clean_outputs(&step);
}

#[test]
fn a_title_cannot_inject_html() {
    let step = Step::new();
    let out = check_in(&step, Path::new(HOSTILE), &["-f", "markdown"]);
    assert_eq!(out.status.code(), Some(1));
    let summary = step.summary();
    assert_eq!(summary, format!("earlier summary\n{}", text(&out.stdout)));
    assert!(
        summary.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{summary}"
    );
    assert!(
        summary.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{summary}"
    );
    for raw in ["<script", "<img", "\n::warning", "](javascript:"] {
        assert!(
            !summary.contains(raw),
            "raw {raw:?} in the summary:\n{summary}"
        );
    }
}

#[test]
fn export_text_cannot_inject_a_workflow_command() {
    let (_dir, goals) = hostile_export(None);
    let step = Step::new();
    let out = check_in(&step, &goals, &["-f", "github"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_only_our_commands(&text(&out.stdout));
    assert_only_our_commands(&text(&out.stderr));
    assert_clean_outputs(&step);

    let (_dir, goals) = hostile_export(Some("7\n::error::pwned 100% <script>"));
    let step = Step::new();
    let out = check_in(&step, &goals, &["-f", "github"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a malformed cell stops the check"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(r"`7\n::error::pwned 100% <script>` is not a number"),
        "{stderr}"
    );
    assert_only_our_commands(&stderr);
    assert_eq!(step.output(), "earlier=1\nexit-code=2\n");
}

#[test]
fn export_text_cannot_inject_html() {
    let (dir, goals) = hostile_export(None);
    let template = dir.path().join("files.md.j2");
    std::fs::write(
        &template,
        "{% for s in sources %}{% for f in s.files %}- {{ f }}\n{% endfor %}{% endfor %}",
    )
    .unwrap();
    let step = Step::new();
    let out = check_in(
        &step,
        &goals,
        &["-f", "markdown", "--template", template.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let summary = step.summary();
    assert_eq!(summary, format!("earlier summary\n{}", text(&out.stdout)));
    assert!(
        summary.contains(
            "export &lt;script&gt;alert(1) &lt;img src=x&gt; \\| 100% ::error::x ::error::pwned.csv"
        ),
        "{summary}"
    );
    assert!(
        !summary.contains("<script") && !summary.contains("\n::error"),
        "{summary}"
    );
}
