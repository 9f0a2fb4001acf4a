//! Shared by the `csv`, `json` and `template` targets: a directory with small goal files, and a
//! run of `goalpost check` in it. Run these targets with `-close_fd_mask=3` to silence the output.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use clap::Parser;

const GOALS: &str = "version: 1
title: Fuzz
lint: {no-objective: off, vanity-metric: off}
sources:
  s:
    path: data.csv
    platform: instagram
    date_column: Date
goals:
  - id: g1
    title: Likes
    metric: likes
    platform: instagram
    start: 2027-01-01
    deadline: 2027-03-31
    target: {at_least: 10}
    owner: \"@x\"
";

/// The goal file of the `json` target: one JSON and one NDJSON source.
const JSON_GOALS: &str = "version: 1
title: Fuzz JSON
lint: {no-objective: off, vanity-metric: off}
sources:
  j:
    path: data.json
    platform: instagram
  n:
    path: data.ndjson
    platform: facebook
goals:
  - id: g1
    title: Likes
    metric: likes
    start: 2027-01-01
    deadline: 2027-03-31
    target: {at_least: 10}
    owner: \"@x\"
  - id: g2
    title: CTR
    metric: ctr
    platform: facebook
    start: 2027-01-01
    deadline: 2027-03-31
    target: {at_least: 0.01}
    owner: \"@x\"
";

/// The directory (made once per process, left for the OS to clean: `/tmp`).
pub fn dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("goalpost-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("fuzz directory");
        std::fs::write(dir.join("goals.yaml"), GOALS).expect("goal file");
        std::fs::write(dir.join("json.yaml"), JSON_GOALS).expect("goal file");
        std::fs::write(dir.join("data.csv"), "Date,Likes\n2027-01-01,3\n").expect("export");
        dir
    })
}

/// `goalpost check goals.yaml --as-of 2027-02-01 EXTRA…` in [`dir`]; the exit code must be 0,
/// 1 or 2 (a panic aborts the fuzzer by itself).
#[allow(dead_code, reason = "not every target that includes this file uses it")]
pub fn check(extra: &[&str]) {
    check_file("goals.yaml", extra);
}

/// [`check`] of another goal file of [`dir`].
pub fn check_file(goal_file: &str, extra: &[&str]) {
    let dir = dir();
    let goals = dir.join(goal_file);
    let mut args = vec![
        "goalpost".to_string(),
        "check".to_string(),
        goals.display().to_string(),
        "--as-of".to_string(),
        "2027-02-01".to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let cli = goalpost::Cli::try_parse_from(args).expect("arguments");
    let code = goalpost::run(cli).exit_code();
    assert!(matches!(code, 0..=2), "exit {code}");
}
