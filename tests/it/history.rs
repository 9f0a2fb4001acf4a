//! `goalpost history`: every `tests/history/<case>/` holds a goal file, its exports and
//! `expect.yaml` with the statuses and numbers on each date worked out by hand from
//! docs/evaluation.md. The case runs `goalpost history goals.yaml ARGS -f json`; the dates must
//! match, and for each goal every listed field, one value per date (`status`, `actual`,
//! `expected`, `projected`, `progress`), and `changes` when given. Also: the text and Markdown
//! outputs of the bundled example, and `-o` files.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::evaluation::compare;
use crate::pool;

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/history");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("expect.yaml").is_file())
        .collect();
    cases.sort();
    cases
}

/// `goalpost history FILE ARGS`, with its exit code, stdout and stderr.
pub fn history(file: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_goalpost"))
        .arg("history")
        .arg(file)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run goalpost");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn check_case(case: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(case.join("expect.yaml")).expect("expect.yaml");
    let expect: Value =
        serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", case.display()));
    let mut args: Vec<&str> = expect
        .get("args")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    args.extend(["-f", "json"]);
    let (code, stdout, stderr) = history(&case.join("goals.yaml"), &args);
    let mut problems = Vec::new();
    if let Some(exit) = expect.get("exit").and_then(Value::as_i64)
        && code != i32::try_from(exit).ok()
    {
        problems.push(format!(
            "exit code: expected {exit}, got {code:?}\n{stderr}"
        ));
    }
    let doc: Value = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    if let Some(dates) = expect.get("dates") {
        compare("dates", dates, &doc["dates"], &mut problems);
    }
    let goals = doc["goals"].as_array().cloned().unwrap_or_default();
    let empty = serde_json::Map::new();
    for (id, fields) in expect["goals"].as_object().unwrap_or(&empty) {
        let Some(goal) = goals.iter().find(|g| g["id"].as_str() == Some(id)) else {
            problems.push(format!("{id}: not in the history\n{stderr}"));
            continue;
        };
        for (field, want) in fields.as_object().unwrap_or(&empty) {
            let got = if field == "changes" || field == "target" {
                goal[field].clone()
            } else {
                let points = goal["points"].as_array().cloned().unwrap_or_default();
                Value::Array(points.iter().map(|p| p[field].clone()).collect())
            };
            compare(&format!("{id}.{field}"), want, &got, &mut problems);
        }
    }
    problems
}

#[test]
fn hand_computed_histories_match() {
    let cases = cases();
    assert!(
        cases.len() >= 2,
        "expected the history cases, found {}",
        cases.len()
    );
    let failures: Vec<String> = cases
        .iter()
        .zip(pool::run(&cases, |case| check_case(case)))
        .filter_map(|(case, problems)| {
            let problems = problems.unwrap_or_else(|panic| vec![panic]);
            (!problems.is_empty())
                .then(|| format!("{}:\n  {}", case.display(), problems.join("\n  ")))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme/goals.yaml")
}

const RANGE: [&str; 4] = ["--from", "2027-01-04", "--to", "2027-03-15"];

#[test]
fn markdown_has_a_status_table_and_a_chart_per_metric_goal() {
    let (code, md, stderr) = history(&example(), &[&RANGE[..], &["-f", "markdown"]].concat());
    assert_eq!(code, Some(0), "{stderr}");
    // 11 dates: the header row has the goal column and one per date.
    let header = md
        .lines()
        .find(|l| l.starts_with("| goal |"))
        .expect("table");
    assert_eq!(header.matches(" | ").count() + 1, 12, "{header}");
    assert!(
        header.contains("2027-01-04") && header.ends_with("2027-03-15 |"),
        "{header}"
    );
    let charts = md.matches("```mermaid\n").count();
    assert_eq!(md.matches("---\nxychart-beta\n").count(), charts, "{md}");
    // ten goals, one of them a composite without numbers
    assert_eq!(charts, 9, "{md}");
    for block in md.split("```mermaid\n").skip(1) {
        let block = block.split("```").next().unwrap_or_default();
        let lines: Vec<&str> = block.lines().collect();
        let xs = lines
            .iter()
            .find(|l| l.trim_start().starts_with("x-axis"))
            .unwrap();
        let n = xs.matches('"').count() / 2;
        let series: Vec<&&str> = lines
            .iter()
            .filter(|l| l.trim_start().starts_with("line ["))
            .collect();
        assert_eq!(series.len(), 2, "{block}");
        for s in series {
            assert_eq!(s.matches(',').count() + 1, n, "a value per date: {block}");
        }
    }
}

#[test]
fn text_lists_each_change_and_the_outputs_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("history.json");
    let md = dir.path().join("history.md");
    let o_json = format!("json:{}", json.display());
    let o_md = format!("markdown:{}", md.display());
    let (code, text, stderr) = history(
        &example(),
        &[&RANGE[..], &["-o", &o_json, "-o", &o_md]].concat(),
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        text.contains("11 dates from 2027-01-04 to 2027-03-15, every week"),
        "{text}"
    );
    // The follower goal reached its target between the 02-22 and 03-01 dates.
    assert!(text.contains("  2027-03-01  achieved "), "{text}");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(doc["dates"].as_array().map(Vec::len), Some(11));
    let (_, again, _) = history(&example(), &[&RANGE[..], &["-f", "markdown"]].concat());
    assert_eq!(
        std::fs::read_to_string(&md).unwrap(),
        again,
        "same bytes twice"
    );
}

/// Each date of a history is `check --as-of` that date: same statuses and numbers, goal by goal
/// (composites, recurring and rolling goals included).
#[test]
fn every_date_is_what_check_reports_that_day() {
    let (code, stdout, stderr) = history(&example(), &[&RANGE[..], &["-f", "json"]].concat());
    assert_eq!(code, Some(0), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    for (d, date) in doc["dates"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .step_by(3)
    {
        let date = date.as_str().unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_goalpost"))
            .args(["check"])
            .arg(example())
            .args(["--as-of", date, "-f", "json", "--fail-on", "none"])
            .output()
            .unwrap();
        let check: Value = serde_json::from_slice(&out.stdout).unwrap();
        for (g, goal) in doc["goals"].as_array().unwrap().iter().enumerate() {
            let point = &goal["points"][d];
            let report = &check["goals"][g];
            assert_eq!(goal["id"], report["id"]);
            for field in [
                "status",
                "actual",
                "expected",
                "projected",
                "progress",
                "reason",
            ] {
                assert_eq!(
                    point[field], report[field],
                    "{} {field} on {date}",
                    goal["id"]
                );
            }
        }
    }
}
