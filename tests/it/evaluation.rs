//! Hand-computed evaluation cases: every `tests/eval/<case>/` holds a goal file, its exports and
//! `expect.yaml` with the numbers worked out by hand from docs/evaluation.md. The case runs
//! `goalpost check --as-of <as_of> -f json`; every field `expect.yaml` lists must match (numbers
//! within a relative 1e-9), and so must the exit code when given.
//!
//! A case with `since:` is compared with an earlier run (`check --since`): `since: {goals:
//! FILE, as_of: DATE}` first runs `check FILE --as-of DATE -f json` in the case and passes
//! that document, `since: {document: FILE}` passes a committed document. `changes:` then lists
//! fields of the `changes` section; its `goals:` maps ids to fields of each goal's entry, and
//! `order:` is the order of every entry's id.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::pool;

fn cases(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("expect.yaml").is_file())
        .collect();
    cases.sort();
    cases
}

fn expectation(case: &Path) -> Value {
    let text = std::fs::read_to_string(case.join("expect.yaml")).expect("expect.yaml");
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", case.display()))
}

fn run_check(case: &Path, as_of: &str, args: &[&str]) -> (Option<i32>, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_goalpost"))
        .arg("check")
        .arg(case.join("goals.yaml"))
        .args(["--as-of", as_of, "-f", "json"])
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run goalpost");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let doc = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code(), doc, stderr)
}

fn same_number(expected: &Value, actual: &Value) -> bool {
    match (expected.as_f64(), actual.as_f64()) {
        #[allow(
            clippy::float_cmp,
            reason = "equal infinities and zeros are the same number"
        )]
        (Some(e), Some(a)) => e == a || (e - a).abs() <= 1e-9 * e.abs().max(a.abs()),
        _ => false,
    }
}

/// Compares the fields `expected` lists; `path` names the place for the message.
pub(crate) fn compare(path: &str, expected: &Value, actual: &Value, problems: &mut Vec<String>) {
    match expected {
        Value::Number(_) => {
            if !same_number(expected, actual) {
                problems.push(format!("{path}: expected {expected}, got {actual}"));
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                compare(
                    &format!("{path}.{k}"),
                    v,
                    actual.get(k).unwrap_or(&Value::Null),
                    problems,
                );
            }
        }
        Value::Array(items) => match actual.as_array() {
            Some(got) if got.len() == items.len() => {
                for (i, (e, a)) in items.iter().zip(got).enumerate() {
                    compare(&format!("{path}[{i}]"), e, a, problems);
                }
            }
            _ => problems.push(format!(
                "{path}: expected {} items, got {actual}",
                items.len()
            )),
        },
        other => {
            if other != actual {
                problems.push(format!("{path}: expected {other}, got {actual}"));
            }
        }
    }
}

/// The fields of a goal report `expect.yaml` may name, with the report's value of each.
fn goal_view(goal: &Value) -> Value {
    let mut view = goal.clone();
    let target = goal.get("target").cloned().unwrap_or(Value::Null);
    let baseline = goal
        .get("baseline")
        .and_then(|b| b.get("value"))
        .cloned()
        .unwrap_or(Value::Null);
    let codes: Vec<Value> = goal
        .get("warnings")
        .and_then(Value::as_array)
        .map(|w| w.iter().filter_map(|w| w.get("code").cloned()).collect())
        .unwrap_or_default();
    if let Some(map) = view.as_object_mut() {
        map.insert(
            "low".into(),
            target.get("low").cloned().unwrap_or(Value::Null),
        );
        map.insert(
            "high".into(),
            target.get("high").cloned().unwrap_or(Value::Null),
        );
        map.insert("baseline".into(), baseline);
        map.insert("warnings".into(), Value::Array(codes));
    }
    view
}

/// The earlier document a `since:` case compares with: written by an earlier run into `dir`,
/// or committed in the case.
fn previous_document(case: &Path, since: &Value, dir: &Path) -> Result<PathBuf, String> {
    if let Some(document) = since.get("document").and_then(Value::as_str) {
        return Ok(case.join(document));
    }
    let goals = since
        .get("goals")
        .and_then(Value::as_str)
        .ok_or("since: goals or document")?;
    let as_of = since
        .get("as_of")
        .and_then(Value::as_str)
        .ok_or("since: as_of")?;
    let out = Command::new(env!("CARGO_BIN_EXE_goalpost"))
        .arg("check")
        .arg(case.join(goals))
        .args(["--as-of", as_of, "-f", "json"])
        .env("NO_COLOR", "1")
        .output()
        .map_err(|e| e.to_string())?;
    let path = dir.join("previous.json");
    std::fs::write(&path, &out.stdout).map_err(|e| e.to_string())?;
    Ok(path)
}

/// Compares `changes:` with the document's `changes` section.
fn compare_changes(expected: &Value, doc: &Value, problems: &mut Vec<String>) {
    let actual = doc.get("changes").unwrap_or(&Value::Null);
    let entries = actual
        .get("goals")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let empty = serde_json::Map::new();
    for (key, want) in expected.as_object().unwrap_or(&empty) {
        match key.as_str() {
            "order" => {
                let ids: Vec<Value> = entries
                    .iter()
                    .filter_map(|g| g.get("id").cloned())
                    .collect();
                compare("changes.order", want, &Value::Array(ids), problems);
            }
            "goals" => {
                for (id, fields) in want.as_object().unwrap_or(&empty) {
                    let entry = entries
                        .iter()
                        .find(|g| g.get("id").and_then(Value::as_str) == Some(id));
                    match entry {
                        Some(entry) => compare(&format!("changes.{id}"), fields, entry, problems),
                        None => problems.push(format!("changes.{id}: not in the changes")),
                    }
                }
            }
            _ => compare(
                &format!("changes.{key}"),
                want,
                actual.get(key).unwrap_or(&Value::Null),
                problems,
            ),
        }
    }
}

fn check_case(case: &Path) -> Vec<String> {
    let expect = expectation(case);
    let as_of = expect.get("as_of").and_then(Value::as_str).expect("as_of");
    // `args:` adds command-line arguments (`--fail-on at_risk`).
    let mut args: Vec<String> = expect
        .get("args")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let scratch = tempfile::tempdir().expect("temp dir");
    if let Some(since) = expect.get("since") {
        match previous_document(case, since, scratch.path()) {
            Ok(path) => args.extend(["--since".to_string(), path.display().to_string()]),
            Err(e) => return vec![format!("since: {e}")],
        }
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, doc, stderr) = run_check(case, as_of, &args);
    let mut problems = Vec::new();
    if let Some(changes) = expect.get("changes") {
        compare_changes(changes, &doc, &mut problems);
        if !problems.is_empty() {
            problems.push(stderr.clone());
        }
    }
    if let Some(exit) = expect.get("exit").and_then(Value::as_i64)
        && code != i32::try_from(exit).ok()
    {
        problems.push(format!(
            "exit code: expected {exit}, got {code:?}\n{stderr}"
        ));
    }
    let goals = doc
        .get("goals")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let empty = serde_json::Map::new();
    for (id, fields) in expect
        .get("goals")
        .and_then(Value::as_object)
        .unwrap_or(&empty)
    {
        let Some(goal) = goals
            .iter()
            .find(|g| g.get("id").and_then(Value::as_str) == Some(id))
        else {
            problems.push(format!("{id}: not in the report\n{stderr}"));
            continue;
        };
        let view = goal_view(goal);
        for (field, want) in fields.as_object().unwrap_or(&empty) {
            let got = view.get(field).unwrap_or(&Value::Null);
            if field == "warnings" {
                for code in want.as_array().into_iter().flatten() {
                    if !got.as_array().is_some_and(|g| g.contains(code)) {
                        problems.push(format!("{id}.warnings: expected {code}, got {got}"));
                    }
                }
            } else {
                compare(&format!("{id}.{field}"), want, got, &mut problems);
            }
        }
    }
    problems
}

#[test]
fn hand_computed_cases_match() {
    let cases = cases("tests/eval");
    assert!(
        cases.len() >= 40,
        "expected the evaluation cases, found {}",
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
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The problems of one `tests/data_errors` case, with the stderr they were found in.
fn check_data_error(case: &Path) -> (Vec<String>, String) {
    let expect = expectation(case);
    let as_of = expect
        .get("as_of")
        .and_then(Value::as_str)
        .unwrap_or("2027-01-31");
    let (code, _, stderr) = run_check(case, as_of, &[]);
    let mut problems = Vec::new();
    if code != Some(2) {
        problems.push(format!("exit code {code:?}, expected 2"));
    }
    if stderr.contains("panicked") {
        problems.push("panicked".into());
    }
    for want in expect
        .get("stderr_contains")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let want = want.as_str().unwrap_or_default();
        if !stderr.contains(want) {
            problems.push(format!("stderr lacks {want:?}"));
        }
    }
    (problems, stderr)
}

#[test]
fn bad_data_fails_with_a_located_error() {
    let cases = cases("tests/data_errors");
    let failures: Vec<String> = cases
        .iter()
        .zip(pool::run(&cases, |case| check_data_error(case)))
        .filter_map(|(case, result)| {
            let (problems, stderr) = result.unwrap_or_else(|panic| (vec![panic], String::new()));
            (!problems.is_empty())
                .then(|| format!("{}: {}\n{stderr}", case.display(), problems.join("; ")))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
