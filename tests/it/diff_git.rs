//! `goalpost diff` and git: revisions against the working tree, files in subdirectories, new
//! goal files, exit codes, and every way it cannot run (exit 2 with a message).

use crate::repo::{self, Repo, fixture, with_base};

const FLOOR: &str = "target: {at_least: 300}";

/// `base.yaml` with the `leads` floor at `floor`.
fn with_floor(floor: u32) -> String {
    fixture("base.yaml").replace(FLOOR, &format!("target: {{at_least: {floor}}}"))
}

fn json(run: &repo::Run) -> serde_json::Value {
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("JSON on stdout")
}

#[test]
fn head_revision_or_working_tree() {
    let repo = with_base(&fixture("base.yaml"));
    repo.write("goals.yaml", &with_floor(250));
    repo.commit("lower the leads floor");
    repo.write("goals.yaml", &with_floor(200));

    let committed =
        json(&repo.goalpost(&["diff", "--base", "HEAD~1", "--head", "HEAD", "-f", "json"]));
    assert_eq!(committed["changes"][0]["after"], "≥ 250");
    assert_eq!(committed["head"]["rev"], "HEAD");
    assert_eq!(committed["head"]["file"], "HEAD:goals.yaml");

    let working = json(&repo.goalpost(&["diff", "--base", "HEAD~1", "-f", "json"]));
    assert_eq!(working["changes"][0]["after"], "≥ 200");
    assert_eq!(working["head"]["file"], "goals.yaml");

    let unchanged =
        json(&repo.goalpost(&["diff", "--base", "HEAD", "--head", "HEAD", "-f", "json"]));
    assert_eq!(unchanged["summary"]["changes"], 0);
}

#[test]
fn fail_on_loosened_exits_1_only_when_a_change_loosens() {
    let repo = with_base(&fixture("base.yaml"));
    repo.write("goals.yaml", &with_floor(250));
    let loosened = repo.goalpost(&["diff", "--base", "main", "--fail-on-loosened"]);
    assert_eq!(loosened.code, 1, "{}{}", loosened.stdout, loosened.stderr);
    assert!(
        loosened.stdout.contains("diff loosened: 1 change"),
        "{}",
        loosened.stdout
    );
    assert_eq!(
        repo.goalpost(&["diff", "--base", "main"]).code,
        0,
        "without the flag"
    );

    repo.write("goals.yaml", &with_floor(400));
    let tightened = repo.goalpost(&["diff", "--base", "main", "--fail-on-loosened"]);
    assert_eq!(
        tightened.code, 0,
        "{}{}",
        tightened.stdout, tightened.stderr
    );
}

#[test]
fn a_new_goal_file_adds_every_goal() {
    let repo = Repo::new();
    repo.write("README.md", "goals come later\n");
    repo.commit("start");
    repo.write("goals.yaml", &fixture("base.yaml"));
    let run = repo.goalpost(&["diff", "--base", "main", "-f", "json", "--fail-on-loosened"]);
    let doc = json(&run);
    assert_eq!(doc["base"]["exists"], false);
    let changes = doc["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 10);
    assert!(
        changes
            .iter()
            .all(|c| c["kind"] == "added" && c["loosens"] == false)
    );
    let md = repo
        .goalpost(&["diff", "--base", "main", "-f", "markdown"])
        .stdout;
    assert!(
        md.contains("goals.yaml is new since main: every goal is added"),
        "{md}"
    );
}

#[test]
fn a_goal_file_in_a_subdirectory_from_anywhere() {
    let repo = Repo::new();
    repo.write("marketing/goals.yaml", &fixture("base.yaml"));
    repo.commit("base goals");
    repo.write("marketing/goals.yaml", &with_floor(250));
    for (cwd, file) in [(".", "marketing/goals.yaml"), ("marketing", "goals.yaml")] {
        let doc = json(&repo.goalpost_in(cwd, &["diff", file, "--base", "main", "-f", "json"]));
        assert_eq!(doc["file"], "marketing/goals.yaml", "from {cwd}");
        assert_eq!(
            doc["base"]["file"], "main:marketing/goals.yaml",
            "from {cwd}"
        );
        assert_eq!(doc["summary"]["loosened"], 1, "from {cwd}");
    }
    let gh = repo.goalpost_in("marketing", &["diff", "--base", "main", "-f", "github"]);
    assert!(
        gh.stdout
            .starts_with("::warning file=marketing/goals.yaml,line=23,"),
        "{}",
        gh.stdout
    );
}

/// Runs a diff that must fail with exit 2 and a message containing `needle` on stderr.
fn fails(repo: &Repo, args: &[&str], needle: &str) {
    let run = repo.goalpost(args);
    assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.is_empty(),
        "{args:?}: nothing on stdout: {}",
        run.stdout
    );
    assert!(
        run.stderr.contains(needle),
        "{args:?}: {needle:?} not in\n{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn unknown_revisions_exit_2() {
    let repo = with_base(&fixture("base.yaml"));
    fails(
        &repo,
        &["diff", "--base", "origin/nope"],
        "unknown git revision `origin/nope`",
    );
    fails(
        &repo,
        &["diff", "--base", "main", "--head", "v9"],
        "unknown git revision `v9`",
    );
    fails(
        &repo,
        &["diff", "--base=--output=x"],
        "is not a git revision",
    );
    let empty = Repo::new();
    empty.write("goals.yaml", &fixture("base.yaml"));
    fails(
        &empty,
        &["diff", "--base", "HEAD"],
        "unknown git revision `HEAD`",
    );
}

#[test]
fn outside_a_git_repository_exit_2() {
    let dir = Repo::bare_dir();
    dir.write("goals.yaml", &fixture("base.yaml"));
    fails(
        &dir,
        &["diff", "--base", "main"],
        "is not in a git repository",
    );
}

#[test]
fn a_missing_head_file_exits_2() {
    let repo = with_base(&fixture("base.yaml"));
    fails(
        &repo,
        &["diff", "other.yaml", "--base", "main"],
        "cannot read other.yaml",
    );
    fails(
        &repo,
        &["diff", "nowhere/goals.yaml", "--base", "main"],
        "does not exist",
    );
    repo.git(&["rm", "--quiet", "goals.yaml"]);
    repo.commit("drop the goals");
    fails(
        &repo,
        &["diff", "--base", "HEAD~1", "--head", "HEAD"],
        "goals.yaml does not exist at HEAD",
    );
}

#[test]
fn an_invalid_base_exits_2_with_located_diagnostics() {
    let repo = with_base(&fixture("base.yaml").replace(
        "    deadline: 2027-06-30\n    baseline: 250",
        "    deadlin: 2027-06-30\n    baseline: 250",
    ));
    repo.write("goals.yaml", &fixture("base.yaml"));
    fails(
        &repo,
        &["diff", "--base", "main"],
        "--> main:goals.yaml:31:5",
    );
    fails(
        &repo,
        &["diff", "--base", "main"],
        "error[schema]: unknown key `deadlin`",
    );
    fails(
        &repo,
        &["diff", "--base", "main"],
        "main:goals.yaml is not a valid goal file",
    );
}

#[test]
fn lint_errors_on_either_side_exit_2() {
    let broken = fixture("base.yaml").replace("metric: cpm", "metric: cpn");
    let repo = with_base(&broken);
    repo.write("goals.yaml", &fixture("base.yaml"));
    fails(&repo, &["diff", "--base", "main"], "error[unknown-metric]");
    let fixed = with_base(&fixture("base.yaml"));
    fixed.write("goals.yaml", &broken);
    fails(&fixed, &["diff", "--base", "main"], "--> goals.yaml:");
    fails(
        &fixed,
        &["diff", "--base", "main"],
        "goals.yaml is not a valid goal file",
    );
}
