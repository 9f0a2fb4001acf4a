//! `check` inside GitHub Actions: with `GITHUB_ACTIONS=true` it appends the Markdown scorecard to
//! `$GITHUB_STEP_SUMMARY` and counts to `$GITHUB_OUTPUT` (appending, never replacing), warns
//! when a file cannot be written without failing, and names annotation paths relative to the
//! workspace; `-f github` emits the worst 10 annotations of each level and a `::notice`
//! counting the rest.

use crate::support::{EXAMPLE, Step, assert_exit, goalpost, read};

#[test]
fn summary_and_outputs_are_appended() {
    let step = Step::new();
    let out = step.run(goalpost().args(EXAMPLE).args(["-f", "github"]));
    assert_exit(&out, 0);
    let committed =
        read(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme/scorecard.md"));
    assert_eq!(step.summary(), format!("earlier summary\n{committed}"));
    assert_eq!(
        step.output(),
        "earlier=1\nexit-code=0\ntotal=10\nfailing=0\nwarnings=1\nmissed=0\noff-track=1\nat-risk=4\n\
         no-data=0\npending=0\non-track=4\nachieved=1\n"
    );
}

#[test]
fn outputs_name_the_scorecard_written_with_dash_o() {
    let step = Step::new();
    let path = step.dir.path().join("scorecard.md");
    let out = step.run(
        goalpost()
            .args(EXAMPLE)
            .arg("-o")
            .arg(format!("markdown:{}", path.display())),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        step.output()
            .ends_with(&format!("scorecard={}\n", path.display())),
        "{}",
        step.output()
    );
    assert_eq!(read(&path), step.summary().replace("earlier summary\n", ""));
}

#[test]
fn the_summary_honours_the_template() {
    let step = Step::new();
    let template = step.dir.path().join("mine.md.j2");
    std::fs::write(&template, "## {{ title }}: {{ summary.goals }} goals\n").unwrap();
    let out = step.run(goalpost().args(EXAMPLE).arg("--template").arg(&template));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        step.summary(),
        "earlier summary\n## Acme Outdoor — social goals 2027: 10 goals\n"
    );
}

#[test]
fn failing_goals_give_exit_code_one_in_the_outputs() {
    let step = Step::new();
    let out = step.run(goalpost().args(EXAMPLE).args(["--fail-on", "at_risk"]));
    assert_eq!(out.status.code(), Some(1));
    let output = step.output();
    assert!(
        output.contains("\nexit-code=1\n") && output.contains("\nfailing=4\n"),
        "{output}"
    );
}

#[test]
fn could_not_run_says_so_in_the_summary_the_scorecard_and_annotations() {
    let step = Step::new();
    let card = step.dir.path().join("scorecard.md");
    std::fs::write(&card, "last week's scorecard\n").unwrap();
    let out = step.run(
        goalpost()
            .args([
                "check",
                "tests/cases/hostile/goals.yaml",
                "--as-of",
                "2027-01-03",
            ])
            .args(["--data", "export=tests/cases/missing.csv", "-f", "github"])
            .arg("-o")
            .arg(format!("markdown:{}", card.display())),
    );
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("::error file=tests/cases/hostile/goals.yaml,line=9,col=3,title=goalpost data::the export `tests/cases/missing.csv` does not exist"),
        "{stdout}"
    );
    let summary = step.summary();
    assert!(
        summary.starts_with("earlier summary\n## ❌ goalpost could not run\n"),
        "{summary}"
    );
    assert!(summary.contains("does not exist"), "{summary}");
    // The sticky comment is posted from this file: it must not keep last week's scorecard.
    assert_eq!(read(&card), summary.replace("earlier summary\n", ""));
    assert_eq!(
        step.output(),
        format!("earlier=1\nexit-code=2\nscorecard={}\n", card.display())
    );
}

#[test]
fn an_unreadable_goal_file_still_writes_the_exit_code() {
    let step = Step::new();
    let out = step.run(goalpost().args(["check", "tests/cases/no-such-file.yaml"]));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(step.output(), "earlier=1\nexit-code=2\n");
    assert!(
        step.summary().contains("goalpost could not run"),
        "{}",
        step.summary()
    );
}

#[test]
fn an_unwritable_file_is_a_warning_not_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let missing_dir = dir.path().join("no-such-dir");
    let out = goalpost()
        .args(EXAMPLE)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", missing_dir.join("summary.md"))
        .env("GITHUB_OUTPUT", missing_dir.join("output"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: cannot append to") && stderr.contains("summary.md"),
        "{stderr}"
    );
    assert!(stderr.contains("output:"), "{stderr}");
}

#[test]
fn unset_files_are_a_warning_not_a_failure() {
    let out = goalpost()
        .args(EXAMPLE)
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: GITHUB_STEP_SUMMARY is not set"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: GITHUB_OUTPUT is not set"),
        "{stderr}"
    );
}

#[test]
fn nothing_is_written_outside_github_actions() {
    let step = Step::new();
    let out = goalpost()
        .args(EXAMPLE)
        .env("GITHUB_STEP_SUMMARY", &step.summary)
        .env("GITHUB_OUTPUT", &step.output)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(step.summary(), "earlier summary\n");
    assert_eq!(step.output(), "earlier=1\n");
}

#[test]
fn annotations_point_at_the_file_from_the_workspace() {
    let step = Step::new();
    let root = env!("CARGO_MANIFEST_DIR");
    let out = step.run(
        goalpost()
            .current_dir(std::path::Path::new(root).join("examples/acme"))
            .args([
                "check",
                "goals.yaml",
                "--as-of",
                "2027-03-15",
                "-f",
                "github",
            ])
            .env("GITHUB_WORKSPACE", root),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.lines().count() >= 5, "{stdout}");
    for line in stdout.lines() {
        assert!(
            line.starts_with("::warning file=examples/acme/goals.yaml,line="),
            "{line}"
        );
    }
}

/// A goal file with 13 failing goals (one of them missed), 12 slipping `severity: warn` ones.
fn many_slipping_goals(dir: &std::path::Path) -> std::path::PathBuf {
    let mut csv = String::from("date,leads\n");
    for day in 1..=31 {
        csv.push_str(&format!("2027-01-{day:02},1\n"));
    }
    std::fs::write(dir.join("leads.csv"), csv).unwrap();
    let mut yaml = String::from(
        "version: 1\nlint:\n  no-objective: off\nsources:\n  crm:\n    path: leads.csv\n    platform: linkedin\ngoals:\n",
    );
    let goal = |id: String, deadline: &str, severity: &str| {
        format!(
            "  - id: {id}\n    metric: leads\n    platform: linkedin\n    start: 2027-01-01\n    \
             deadline: {deadline}\n    target: {{at_least: 1000}}\n    severity: {severity}\n"
        )
    };
    for i in 0..12 {
        yaml.push_str(&goal(format!("fails-{i:02}"), "2027-03-31", "error"));
        yaml.push_str(&goal(format!("slips-{i:02}"), "2027-03-31", "warn"));
    }
    yaml.push_str(&goal("missed".into(), "2027-01-10", "error"));
    let file = dir.join("goals.yaml");
    std::fs::write(&file, yaml).unwrap();
    file
}

#[test]
fn annotations_are_the_worst_ten_of_each_level_and_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let file = many_slipping_goals(dir.path());
    let out = goalpost()
        .arg("check")
        .arg(&file)
        .args(["--as-of", "2027-01-31", "-f", "github"])
        .output()
        .unwrap();
    assert_exit(&out, 1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let count = |prefix: &str| stdout.lines().filter(|l| l.starts_with(prefix)).count();
    assert_eq!(count("::error "), 10, "{stdout}");
    assert_eq!(count("::warning "), 10, "{stdout}");
    assert_eq!(count("::notice "), 1, "{stdout}");
    assert!(
        stdout
            .lines()
            .next()
            .is_some_and(|l| l.contains("title=goal missed is missed")),
        "the worst first: {stdout}"
    );
    assert!(
        stdout.contains("::5 more annotations are not shown"),
        "{stdout}"
    );
}
