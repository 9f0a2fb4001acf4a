//! The real-export corpus (`../shared/real-exports`, see its README): for every entry of its
//! `expected.yaml`, a goal file whose source is the export's path, its `preset:`, the platform
//! where the preset cannot know it (`meta-daily`) and the entry's one `user_adds` key (plus the
//! `block:` that picks a block or table when the entry has a `select`), run through
//! `goalpost check --as-of <window end + 1> -f json --fail-on none`; the goal's `actual` must be
//! the entry's `value` within 1e-9 (relative).
//!
//! The corpus is other people's data: it is never copied into this repository, and a checkout
//! without `../shared/real-exports` (CI) skips this test with a note. Which entries goalpost
//! reproduces today is recorded in `tests/real_exports_passing.txt`: the test fails when a
//! listed entry fails, and when an unlisted one passes (list it: progress is recorded);
//! `GOALPOST_BLESS=1 cargo test --test it real_exports` rewrites the list. Once every entry
//! passes, the list holds them all and any difference fails. Run with `--nocapture` to see the
//! table of every entry.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::pool;

/// The committed list of entry ids reproduced today.
pub(crate) const PASSING: &str = "tests/real_exports_passing.txt";

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/real-exports")
}

/// YAML for one value: JSON is YAML's flow style, and quotes every string.
pub(crate) fn yaml(value: &Value) -> String {
    serde_json::to_string(value).expect("JSON")
}

/// The text between the first pair of backticks of an entry's `select` (`block `Follows``).
pub(crate) fn selected(select: &str) -> Option<&str> {
    let start = select.find('`')? + 1;
    let len = select[start..].find('`')?;
    Some(&select[start..start + len])
}

/// The goal file of one entry.
fn goal_file(root: &Path, entry: &Value) -> String {
    let files: Vec<&str> = match &entry["file"] {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        other => panic!("file: {other}"),
    };
    let preset = entry["preset"].as_str().expect("preset");
    let platform = entry["platform"].as_str().expect("platform");
    let metric = entry["metric"].as_str().expect("metric");
    let mut out = String::from("version: 1\ntimezone: UTC\n");
    // Metrics the catalog does not have (`users`, `new_users`) come with `columns:`.
    if let Some(columns) = entry["user_adds"].get("columns").and_then(Value::as_object) {
        out.push_str("metrics:\n");
        for id in columns.values().filter_map(Value::as_str) {
            let _ = writeln!(out, "  {id}: {{unit: count}}");
        }
    }
    out.push_str("sources:\n");
    for (i, file) in files.iter().enumerate() {
        let path = root.join(file);
        let _ = writeln!(out, "  s{i}:");
        let _ = writeln!(
            out,
            "    path: {}",
            yaml(&Value::String(path.display().to_string()))
        );
        let _ = writeln!(out, "    preset: {}", yaml(&Value::String(preset.into())));
        if preset == "meta-daily" {
            let _ = writeln!(out, "    platform: {platform}");
        }
        if let Some(adds) = entry["user_adds"].as_object() {
            for (key, value) in adds {
                let _ = writeln!(out, "    {key}: {}", yaml(value));
            }
        }
        if let Some(block) = entry["select"].as_str().and_then(selected) {
            let _ = writeln!(out, "    block: {}", yaml(&Value::String(block.into())));
        }
    }
    let window = &entry["window"];
    let _ = write!(
        out,
        "goals:\n  - id: g\n    metric: {metric}\n    platform: {platform}\n    start: {}\n    deadline: {}\n    target: {{at_least: 1}}\n",
        date(&window["start"]),
        date(&window["end"]),
    );
    out
}

pub(crate) fn date(value: &Value) -> String {
    value
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| value.to_string())
}

pub(crate) fn same_number(expected: f64, actual: f64) -> bool {
    #[allow(clippy::float_cmp, reason = "equal zeros are the same number")]
    let equal = expected == actual;
    equal || (expected - actual).abs() <= 1e-9 * expected.abs().max(actual.abs())
}

/// Runs one entry: `Ok(actual)` when it matches, `Err(what happened)` otherwise.
fn run_entry(root: &Path, entry: &Value) -> Result<f64, String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let goals = dir.path().join("goals.yaml");
    std::fs::write(&goals, goal_file(root, entry)).expect("write goals");
    let end: jiff::civil::Date = date(&entry["window"]["end"]).parse().expect("window end");
    let as_of = end.tomorrow().expect("tomorrow").to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_goalpost"))
        .arg("check")
        .arg(&goals)
        .args(["--as-of", &as_of, "-f", "json", "--fail-on", "none"])
        .env("NO_COLOR", "1")
        .output()
        .expect("run goalpost");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let first_error = || {
        stderr
            .lines()
            .find(|l| l.starts_with("error"))
            .unwrap_or("no output")
            .chars()
            .take(160)
            .collect::<String>()
    };
    let doc: Value = serde_json::from_slice(&out.stdout).map_err(|_| first_error())?;
    let actual = doc["goals"]
        .as_array()
        .and_then(|goals| goals.iter().find(|g| g["id"] == "g"))
        .map(|g| g["actual"].clone())
        .unwrap_or(Value::Null);
    let want = entry["value"].as_f64().expect("value");
    match actual.as_f64() {
        Some(got) if same_number(want, got) => Ok(got),
        Some(got) => Err(format!("got {got}, expected {want}")),
        None => Err(format!("no actual ({})", first_error())),
    }
}

#[test]
fn real_exports_reproduce_the_hand_verified_figures() {
    let root = corpus();
    let manifest = root.join("expected.yaml");
    if !manifest.is_file() {
        eprintln!(
            "\nreal_exports: SKIPPED, {} does not exist (the corpus is not part of the repository)",
            manifest.display()
        );
        return;
    }
    let root = root.canonicalize().expect("corpus path");
    let text = std::fs::read_to_string(&manifest).expect("expected.yaml");
    let entries: Vec<Value> = serde_saphyr::from_str(&text).expect("expected.yaml parses");
    assert!(entries.len() >= 100, "{} entries", entries.len());
    let results = pool::run(&entries, |entry| run_entry(&root, entry));
    let mut table = String::new();
    let mut passing = Vec::new();
    for (entry, result) in entries.iter().zip(&results) {
        let id = entry["id"].as_str().expect("id");
        match result {
            Ok(Ok(_)) => {
                passing.push(id.to_string());
                let _ = writeln!(table, "PASS  {id}");
            }
            Ok(Err(why)) => {
                let _ = writeln!(table, "FAIL  {id}\n        {why}");
            }
            Err(panic) => {
                let _ = writeln!(table, "FAIL  {id}\n        {panic}");
            }
        }
    }
    eprintln!(
        "\n{table}\nreal_exports: {} of {} entries reproduced",
        passing.len(),
        entries.len()
    );
    let list_path = Path::new(env!("CARGO_MANIFEST_DIR")).join(PASSING);
    if std::env::var_os("GOALPOST_BLESS").is_some() {
        let mut text = String::new();
        for id in &passing {
            text.push_str(id);
            text.push('\n');
        }
        std::fs::write(&list_path, text).expect("write the passing list");
        return;
    }
    let listed = std::fs::read_to_string(&list_path).unwrap_or_default();
    let listed: Vec<&str> = listed.lines().filter(|l| !l.trim().is_empty()).collect();
    let regressed: Vec<&&str> = listed
        .iter()
        .filter(|id| !passing.iter().any(|p| p == *id))
        .collect();
    let unlisted: Vec<&String> = passing
        .iter()
        .filter(|p| !listed.contains(&p.as_str()))
        .collect();
    assert!(
        regressed.is_empty() && unlisted.is_empty(),
        "listed in {PASSING} but failing: {regressed:#?}\npassing but not listed (run \
         `GOALPOST_BLESS=1 cargo test --test it real_exports`): {unlisted:#?}\n{table}"
    );
}
