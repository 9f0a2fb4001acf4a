//! Reading a CSV on several threads gives the same bytes as reading it on one, and errors past
//! the first chunk still name their exact line. The exports are built here, several MiB long
//! (one of them 70 MiB), so they split into many 1 MiB chunks; quoted cells with line breaks
//! and records ended by a lone `\r` exercise the quote-aware splitter, plain rows the fast one.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output};

/// Rows in the generated export: about 4 MiB.
const ROWS: usize = 90_000;

const GOALS: &str = "version: 1
title: Parallel reading
sources:
  posts:
    path: posts.csv
    date_column: date
    account_column: account
    platform_column: platform
lint:
  vanity-metric: off
  non-additive: off
  no-objective: off
goals:
  - id: all-impressions
    metric: impressions
    start: 2024-01-01
    deadline: 2024-12-31
    target: {at_least: 0}
  - id: one-account-ctr
    metric: ctr
    account: acct-3
    platform: instagram
    start: 2024-02-01
    deadline: 2024-05-31
    target: {at_least: 0}
  - id: spend
    metric: spend
    start: 2024-03-01
    deadline: 2024-09-30
    target: {at_most: 1.0e15}
";

/// A deterministic export: `date,account,platform,caption,impressions,clicks,spend`. Every
/// 97th caption is quoted and holds a line break, so records and lines differ.
fn export(bad_row: Option<usize>) -> (String, Option<u64>) {
    let platforms = ["instagram", "facebook", "linkedin"];
    let mut text = String::from("date,account,platform,caption,impressions,clicks,spend\n");
    let mut line = 1u64;
    let mut bad_line = None;
    for i in 0..ROWS {
        let day = 1 + (i * 7919) % 365;
        let date = jiff::civil::date(2024, 1, 1)
            .checked_add(jiff::Span::new().days(i64::try_from(day).expect("a day of the year") - 1))
            .expect("a 2024 date");
        let caption = if i % 97 == 0 {
            "\"launch,\nday\"".to_string()
        } else {
            format!("post {i}")
        };
        let impressions = if bad_row == Some(i) {
            bad_line = Some(line + 1);
            "12x".to_string()
        } else {
            ((i * 31) % 5000).to_string()
        };
        let _ = writeln!(
            text,
            "{date},acct-{},{},{caption},{impressions},{},{}.{:02}",
            i % 7,
            platforms[i % 3],
            (i * 13) % 50,
            (i * 17) % 300,
            i % 100
        );
        line += 1 + u64::from(i % 97 == 0);
    }
    (text, bad_line)
}

fn check(dir: &Path, threads: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_goalpost"))
        .args(["check", "goals.yaml", "--as-of", "2025-01-31", "-f", "json"])
        .current_dir(dir)
        .env("GOALPOST_THREADS", threads)
        .output()
        .expect("goalpost runs")
}

fn setup(bad_row: Option<usize>) -> (tempfile::TempDir, Option<u64>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (csv, bad_line) = export(bad_row);
    assert!(csv.len() > 3 << 20, "the export must span several chunks");
    std::fs::write(dir.path().join("posts.csv"), csv).expect("write export");
    std::fs::write(dir.path().join("goals.yaml"), GOALS).expect("write goals");
    (dir, bad_line)
}

#[test]
fn several_threads_give_the_same_bytes_as_one() {
    let (dir, _) = setup(None);
    let one = check(dir.path(), "1");
    let four = check(dir.path(), "4");
    assert_eq!(
        one.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    assert_eq!(four.status.code(), Some(0));
    assert!(
        one.stdout == four.stdout,
        "outputs differ between 1 and 4 threads"
    );
    let doc: serde_json::Value = serde_json::from_slice(&one.stdout).expect("JSON");
    // Every row falls in 2024, the window of the first goal.
    let total: f64 = (0..ROWS).map(|i| ((i * 31) % 5000) as f64).sum();
    let actual = doc["goals"][0]["actual"].as_f64().expect("a number");
    #[allow(clippy::float_cmp, reason = "whole numbers below 2^53 add exactly")]
    let exact = actual == total;
    assert!(
        exact,
        "every row's impressions are counted once: {actual} vs {total}"
    );
}

#[test]
fn an_error_past_the_first_chunk_names_its_line() {
    let bad_row = ROWS - 1_000;
    let (dir, bad_line) = setup(Some(bad_row));
    let bad_line = bad_line.expect("a bad line");
    for threads in ["1", "4"] {
        let out = check(dir.path(), threads);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        let at = format!("posts.csv:{bad_line}:5");
        assert!(
            stderr.contains(&at),
            "threads={threads}: expected `{at}` in\n{stderr}"
        );
        assert!(stderr.contains("`12x`"), "{stderr}");
    }
}

/// Rows of the large export: about 70 MiB, past the 64 MiB that earlier tests stayed under.
const LARGE_ROWS: usize = 1_000_000;

/// `caption,date,impressions`: the caption comes first, so after a record ended by a lone
/// `\r` (every 89th) a quoted caption can open the next record; every 97th caption is quoted
/// and spans two lines. Returns the export and the impressions' exact total.
fn large_export() -> (Vec<u8>, u64) {
    let mut text = Vec::with_capacity(LARGE_ROWS * 72);
    text.extend_from_slice(b"caption,date,impressions,notes\n");
    let mut total = 0u64;
    for i in 0..LARGE_ROWS {
        let day = 1 + (i * 7919) % 365;
        let date = jiff::civil::date(2024, 1, 1)
            .checked_add(jiff::Span::new().days(i64::try_from(day).expect("a day") - 1))
            .expect("a 2024 date");
        let impressions = (i * 31) % 5000;
        total += impressions as u64;
        if i % 97 == 0 {
            let _ = write!(text, "\"launch,\nday {i}\"");
        } else {
            let _ = write!(text, "post {i}");
        }
        let end = if i % 89 == 0 { "\r" } else { "\n" };
        let _ = write!(
            text,
            ",{date},{impressions},padding to make every row a little longer {i}{end}"
        );
    }
    (text, total)
}

#[test]
fn over_64_mib_with_quoted_lines_and_lone_carriage_returns_1_2_8_threads_agree() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (csv, total) = large_export();
    assert!(csv.len() > 64 << 20, "the export must be over 64 MiB");
    std::fs::write(dir.path().join("posts.csv"), csv).expect("write export");
    let goals = "version: 1
title: Large parallel reading
sources:
  posts: {path: posts.csv, date_column: date, platform: instagram}
lint: {vanity-metric: off, no-objective: off}
goals:
  - id: all-impressions
    metric: impressions
    start: 2024-01-01
    deadline: 2024-12-31
    target: {at_least: 0}
";
    std::fs::write(dir.path().join("goals.yaml"), goals).expect("write goals");
    let runs: Vec<Output> = ["1", "2", "8"]
        .iter()
        .map(|t| check(dir.path(), t))
        .collect();
    let one = &runs[0];
    assert_eq!(
        one.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    for (threads, run) in ["2", "8"].iter().zip(&runs[1..]) {
        assert!(
            run.stdout == one.stdout && run.status.code() == Some(0),
            "{threads} threads differ from one"
        );
    }
    let doc: serde_json::Value = serde_json::from_slice(&one.stdout).expect("JSON");
    let actual = doc["goals"][0]["actual"].as_f64().expect("a number");
    #[allow(clippy::cast_precision_loss, reason = "the total is far below 2^53")]
    let expected = total as f64;
    #[allow(clippy::float_cmp, reason = "whole numbers below 2^53 add exactly")]
    let exact = actual == expected;
    assert!(exact, "every row counted once: {actual} vs {expected}");
    assert_eq!(doc["sources"][0]["rows"], LARGE_ROWS);
}
