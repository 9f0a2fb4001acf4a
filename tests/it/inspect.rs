//! `goalpost inspect` and `init --from`: the entry inspect suggests for each committed fixture
//! (`tests/inspect/`, in the shapes of real exports) is pasted into a goal file and `check`
//! gives the hand-computed totals; the JSON document has a committed schema
//! (`specs/inspect.schema.json`, `GOALPOST_BLESS=1 cargo test --test it inspect_schema`
//! rewrites it) and validates; `init --from` writes a goal file `validate` accepts and `check`
//! runs, and never overwrites. On the real-export corpus (`../shared/real-exports`, skipped
//! with a note when absent, as `real_exports.rs` does) inspect reads every file and suggests
//! the preset `expected.yaml` names, and every figure `real_exports.rs` reproduces with the
//! preset is reproduced with inspect's entries instead (plus what the corpus allows on top of
//! a preset); and the outputs docs/presets.md shows for three of its files are what inspect
//! prints.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::real_exports;
use crate::support::{assert_committed, assert_exit, goalpost, read};
use goalpost::data::inspect::document::{INSPECT_SCHEMA_TEXT, generate_schema};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/inspect").join(name)
}

/// `inspect -f json --year 2027 FILE...` (absolute paths, so that entries paste anywhere).
fn inspect_json(files: &[PathBuf]) -> Value {
    let out = goalpost()
        .args(["inspect", "-f", "json", "--year", "2027"])
        .args(files)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// A block with a source: (metric, hand-computed total over all its rows, the last date).
type Block = (&'static str, f64, &'static str);

/// The fixtures with an entry, and their blocks with a source.
const EXPECTED: &[(&str, &[Block])] = &[
    // Follows 3 + 5 + 4; Instagram follows 7 + 2.
    (
        "meta-follows.csv",
        &[
            ("follower_growth", 12.0, "2026-11-03"),
            ("follower_growth", 9.0, "2026-11-02"),
        ],
    ),
    // Sessions 120 + 95 + 130 + 101 on 2026-11-01 + 0…3 days.
    ("ga4-sessions.csv", &[("sessions", 446.0, "2026-11-04")]),
    // Likes 5 + 4 + 9 + 6 across New Year (2026-12-30 … 2027-01-02 with `year: 2027`).
    ("tiktok-overview.csv", &[("likes", 24.0, "2027-01-02")]),
    // Likes 10 + 7; the `Total` row is left out.
    ("posts.csv", &[("likes", 17.0, "2026-11-02")]),
    // Instagram's likes 4 + 5 (the entry names the `Platform` column; the goal asks for
    // instagram below).
    ("by-platform.csv", &[("likes", 9.0, "2026-11-02")]),
];

#[test]
fn suggested_entries_pasted_into_a_goal_file_give_the_hand_computed_totals() {
    for (name, blocks) in EXPECTED {
        let doc = inspect_json(&[fixture(name)]);
        let sources: Vec<&Value> = doc["files"][0]["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| &b["source"])
            .filter(|s| !s.is_null())
            .collect();
        assert_eq!(sources.len(), blocks.len(), "{name}: {doc:#}");
        let mut goals = String::from("version: 1\ntimezone: UTC\nsources:\n");
        for s in &sources {
            goals.push_str(s["yaml"].as_str().unwrap());
        }
        goals.push_str("goals:\n");
        for (i, ((metric, _, last), s)) in blocks.iter().zip(&sources).enumerate() {
            // One goal per entry, kept to its block by the entry's platform when it has one.
            let platform = s["platform"]
                .as_str()
                .or(s["platform_column"].as_str().map(|_| "instagram"))
                .map(|p| format!("    platform: {p}\n"))
                .unwrap_or_default();
            let _ = write!(
                goals,
                "  - id: g{i}\n    metric: {metric}\n{platform}    start: 2026-01-01\n    deadline: {last}\n    target: {{at_least: 1}}\n"
            );
        }
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("goals.yaml");
        std::fs::write(&file, &goals).unwrap();
        let as_of = blocks.iter().map(|b| b.2).max().unwrap();
        let out = goalpost()
            .arg("check")
            .arg(&file)
            .args(["--as-of", as_of, "-f", "json", "--fail-on", "none"])
            .output()
            .unwrap();
        assert_exit(&out, 0);
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        for (i, (_, want, _)) in blocks.iter().enumerate() {
            let goal = report["goals"]
                .as_array()
                .unwrap()
                .iter()
                .find(|g| g["id"] == format!("g{i}"))
                .unwrap();
            // The Meta file's first block names no platform, so its goal (no `platform:`)
            // reads both blocks' sources: 12 + 9.
            if *name == "meta-follows.csv" && i == 0 {
                assert_eq!(goal["actual"].as_f64(), Some(12.0 + 9.0), "{goals}");
                continue;
            }
            assert_eq!(
                goal["actual"].as_f64(),
                Some(*want),
                "{name} g{i}:\n{goals}"
            );
        }
    }
}

#[test]
fn what_inspect_reports_about_a_meta_file_with_two_blocks() {
    let doc = inspect_json(&[fixture("meta-follows.csv")]);
    let file = &doc["files"][0];
    assert_eq!(file["encoding"]["name"], "UTF-16LE");
    assert_eq!(file["encoding"]["bom"], true);
    assert_eq!(file["sep_line"], true);
    let blocks = file["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[1]["title"], "Instagram follows");
    assert_eq!(blocks[1]["header_line"], 9);
    assert_eq!(blocks[1]["source"]["block"], "Instagram follows");
    assert_eq!(blocks[1]["source"]["platform"], "instagram");
    assert_eq!(blocks[0]["source"]["platform"], Value::Null);
    assert!(
        blocks[0]["guesses"][0]
            .as_str()
            .unwrap()
            .contains("platform:")
    );
    assert_eq!(blocks[0]["rows"]["read"], 3);
}

#[test]
fn a_year_not_given_is_this_year_and_said_to_be_a_guess() {
    let out = goalpost()
        .args(["inspect", "tests/inspect/tiktok-overview.csv"])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("is this year, a guess"), "{text}");
    assert!(text.contains("    year: "), "{text}");
}

#[test]
fn inspect_schema_is_committed_and_outputs_validate() {
    assert_committed(
        "specs/inspect.schema.json",
        &generate_schema(),
        INSPECT_SCHEMA_TEXT,
        "inspect_schema",
    );
    let schema: Value = serde_json::from_str(INSPECT_SCHEMA_TEXT).unwrap();
    jsonschema::draft202012::meta::validate(&schema).expect("a valid 2020-12 schema");
    let validator = jsonschema::draft202012::new(&schema).expect("compile the schema");
    let mut files: Vec<PathBuf> = EXPECTED.iter().map(|(n, _)| fixture(n)).collect();
    files.push(root().join("tests/eval/load-xlsx/Overview.xlsx"));
    files.push(root().join("examples/starter/data/instagram.csv"));
    let doc = inspect_json(&files);
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // Same inputs, same bytes.
    assert_eq!(doc, inspect_json(&files));
}

#[test]
fn init_from_writes_a_goal_file_that_validates_and_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("team");
    let out = goalpost()
        .arg("init")
        .arg(&dir)
        .arg("--from")
        .args(EXPECTED.iter().map(|(n, _)| fixture(n)))
        .args(["--year", "2027"])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("--as-of 2027-01-02"), "{stdout}");
    let goals = read(&dir.join("goals.yaml"));
    assert!(dir.join(".github/workflows/goalpost.yml").is_file());
    assert!(!dir.join("data").exists(), "no sample export with --from");
    // Paths are relative to the goal file.
    assert!(goals.contains("path: ../../"), "{goals}");
    for id in [
        "meta-follows-instagram-follows-follower-growth",
        "ga4-sessions-sessions",
        "tiktok-overview-comments",
        "posts-comments",
        "by-platform-shares",
    ] {
        assert!(goals.contains(&format!("- id: {id}\n")), "{id}:\n{goals}");
    }
    let validate = goalpost()
        .arg("validate")
        .arg(dir.join("goals.yaml"))
        .output()
        .unwrap();
    assert_exit(&validate, 0);
    let check = goalpost()
        .current_dir(&dir)
        .args([
            "check",
            "--as-of",
            "2027-01-02",
            "--fail-on",
            "none",
            "-f",
            "json",
        ])
        .output()
        .unwrap();
    assert_exit(&check, 0);
    let report: Value = serde_json::from_slice(&check.stdout).unwrap();
    let tiktok = report["goals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == "tiktok-overview-comments")
        .unwrap();
    // The goal is on the first count that is no vanity metric; the 2027 period holds January 1
    // and 2: 2 + 1 comments.
    assert_eq!(tiktok["actual"].as_f64(), Some(3.0), "{goals}");
}

#[test]
fn init_from_never_overwrites_and_an_unreadable_export_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("goals.yaml"), "version: 1 # mine\n").unwrap();
    let out = goalpost()
        .arg("init")
        .arg(tmp.path())
        .arg("--from")
        .arg(fixture("posts.csv"))
        .output()
        .unwrap();
    assert_exit(&out, 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(read(&tmp.path().join("goals.yaml")), "version: 1 # mine\n");
    assert!(!tmp.path().join(".github").exists());
    let fresh = tmp.path().join("fresh");
    let out = goalpost()
        .arg("init")
        .arg(&fresh)
        .arg("--from")
        .arg(fixture("posts.csv"))
        .arg(fixture("binary.csv"))
        .output()
        .unwrap();
    assert_exit(&out, 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("binary.csv:2:2"), "{stderr}");
    assert!(stderr.contains("init wrote nothing"), "{stderr}");
    assert!(!fresh.exists());
}

fn corpus() -> PathBuf {
    root().join("../shared/real-exports")
}

/// Every export of the corpus (its README and manifest left out).
fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for folder in std::fs::read_dir(dir).unwrap().flatten() {
        if folder.path().is_dir() {
            for f in std::fs::read_dir(folder.path()).unwrap().flatten() {
                files.push(f.path());
            }
        }
    }
    files.sort();
    files
}

#[test]
fn inspect_reads_every_real_export_and_suggests_its_preset() {
    let dir = corpus();
    let manifest = dir.join("expected.yaml");
    if !manifest.is_file() {
        eprintln!(
            "\ninspect: corpus test SKIPPED, {} does not exist (the corpus is not part of the repository)",
            manifest.display()
        );
        return;
    }
    let dir = dir.canonicalize().unwrap();
    let entries: Vec<Value> = serde_saphyr::from_str(&read(&manifest)).unwrap();
    let files = corpus_files(&dir);
    assert!(files.len() >= 60, "{} files", files.len());
    let results = crate::pool::run(&files, |f| {
        let out = goalpost()
            .args(["inspect", "-f", "json", "--year", "2026"])
            .arg(f)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    });
    let mut failures = Vec::new();
    let mut suggested = 0;
    for (file, result) in files.iter().zip(results) {
        let rel = file.strip_prefix(&dir).unwrap().display().to_string();
        let Ok((code, stdout, stderr)) = result else {
            failures.push(format!("{rel}: inspect panicked"));
            continue;
        };
        if code != Some(0) {
            failures.push(format!("{rel}: exit {code:?}: {stderr}"));
            continue;
        }
        let doc: Value = serde_json::from_str(&stdout).unwrap();
        let presets: Vec<&str> = doc["files"][0]["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|b| b["source"]["preset"].as_str())
            .collect();
        let wanted: Vec<&str> = entries
            .iter()
            .filter(|e| match &e["file"] {
                Value::String(s) => *s == rel,
                Value::Array(list) => list.iter().any(|s| *s == rel.as_str()),
                _ => false,
            })
            .filter_map(|e| e["preset"].as_str())
            .collect();
        if wanted.is_empty() {
            continue;
        }
        suggested += 1;
        if !presets.iter().any(|p| wanted.contains(p)) {
            failures.push(format!(
                "{rel}: suggested {presets:?}, expected.yaml names {wanted:?}"
            ));
        }
    }
    eprintln!(
        "\ninspect: {} corpus files read, {suggested} with expected entries",
        files.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The entry inspect suggests for one file of a corpus entry (the block the entry selects, when
/// it selects one), with the entry's year.
fn suggested_for(dir: &Path, file: &str, entry: &Value) -> Result<Value, String> {
    let mut cmd = goalpost();
    cmd.args(["inspect", "-f", "json"]).arg(dir.join(file));
    if let Some(year) = entry["user_adds"]["year"].as_i64() {
        cmd.args(["--year", &year.to_string()]);
    }
    let out = cmd.output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).map_err(|e| format!("{file}: {e}"))?;
    let squash = |s: &str| s.to_lowercase().replace(' ', "");
    let wanted = entry["select"]
        .as_str()
        .and_then(real_exports::selected)
        .map(squash);
    doc["files"][0]["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| &b["source"])
        .filter(|s| !s.is_null())
        .find(|s| {
            wanted
                .as_ref()
                .is_none_or(|w| s["block"].as_str().map(squash).as_ref() == Some(w))
        })
        .cloned()
        .ok_or_else(|| format!("{file}: no entry for {:?}", entry["select"]))
}

/// The goal file of a corpus entry built from inspect's entries: their YAML as printed, plus
/// what the corpus allows on top of a preset (the platform `meta-daily` cannot know, the
/// entry's `columns:` and other keys but `year:`, which `--year` gave).
fn goal_file_from_inspect(dir: &Path, entry: &Value) -> Result<String, String> {
    let files: Vec<&str> = match &entry["file"] {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        other => return Err(format!("file: {other}")),
    };
    let platform = entry["platform"].as_str().unwrap_or_default();
    let adds = entry["user_adds"].as_object();
    let mut out = String::from("version: 1\ntimezone: UTC\n");
    if let Some(columns) = entry["user_adds"]["columns"].as_object() {
        out.push_str("metrics:\n");
        for id in columns.values().filter_map(Value::as_str) {
            let _ = writeln!(out, "  {id}: {{unit: count}}");
        }
    }
    out.push_str("sources:\n");
    for (i, file) in files.iter().enumerate() {
        let s = suggested_for(dir, file, entry)?;
        let id = s["id"].as_str().unwrap_or_default();
        let yaml = s["yaml"].as_str().unwrap_or_default();
        out.push_str(&yaml.replacen(&format!("  {id}:"), &format!("  s{i}:"), 1));
        if s["platform"].is_null() && s["preset"] == "meta-daily" {
            let _ = writeln!(out, "    platform: {platform}");
        }
        for (key, value) in adds.into_iter().flatten() {
            if key != "year" {
                let _ = writeln!(out, "    {key}: {}", real_exports::yaml(value));
            }
        }
    }
    let window = &entry["window"];
    let _ = write!(
        out,
        "goals:\n  - id: g\n    metric: {}\n    platform: {platform}\n    start: {}\n    deadline: {}\n    target: {{at_least: 1}}\n",
        entry["metric"].as_str().unwrap_or_default(),
        real_exports::date(&window["start"]),
        real_exports::date(&window["end"]),
    );
    Ok(out)
}

fn check_entry_through_inspect(dir: &Path, entry: &Value) -> Result<(), String> {
    let goals = goal_file_from_inspect(dir, entry)?;
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("goals.yaml");
    std::fs::write(&file, &goals).unwrap();
    let end: jiff::civil::Date = real_exports::date(&entry["window"]["end"]).parse().unwrap();
    let out = goalpost()
        .arg("check")
        .arg(&file)
        .args(["--as-of", &end.tomorrow().unwrap().to_string()])
        .args(["-f", "json", "--fail-on", "none"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout)
        .map_err(|_| format!("{}\n{goals}", String::from_utf8_lossy(&out.stderr)))?;
    let actual = doc["goals"][0]["actual"].as_f64();
    let want = entry["value"].as_f64().unwrap_or(f64::NAN);
    match actual {
        Some(got) if real_exports::same_number(want, got) => Ok(()),
        other => Err(format!("got {other:?}, expected {want}\n{goals}")),
    }
}

#[test]
fn inspects_entries_reproduce_every_figure_the_presets_reproduce() {
    let dir = corpus();
    let manifest = dir.join("expected.yaml");
    if !manifest.is_file() {
        eprintln!(
            "\ninspect: corpus figures SKIPPED, {} does not exist",
            manifest.display()
        );
        return;
    }
    let dir = dir.canonicalize().unwrap();
    let entries: Vec<Value> = serde_saphyr::from_str(&read(&manifest)).unwrap();
    // The entries `check` reproduces with the preset and the corpus's keys (real_exports.rs):
    // with inspect's entries instead, each must give the same figure.
    let passing = read(&root().join(real_exports::PASSING));
    let listed: Vec<&Value> = entries
        .iter()
        .filter(|e| passing.lines().any(|l| e["id"] == l.trim()))
        .collect();
    assert!(listed.len() >= 90, "{} entries", listed.len());
    let results = crate::pool::run(&listed, |e| check_entry_through_inspect(&dir, e));
    let failures: Vec<String> = listed
        .iter()
        .zip(results)
        .filter_map(|(e, r)| match r {
            Ok(Ok(())) => None,
            Ok(Err(why)) | Err(why) => Some(format!("{}: {why}", e["id"])),
        })
        .collect();
    eprintln!(
        "\ninspect: {} of {} figures reproduced through inspect's entries",
        listed.len() - failures.len(),
        listed.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The `$ goalpost inspect …` examples of docs/presets.md, with the output printed under each.
fn documented_runs(doc: &str) -> Vec<(Vec<String>, String)> {
    let mut runs = Vec::new();
    for block in doc.split("```text\n").skip(1) {
        let Some(body) = block.split("\n```").next() else {
            continue;
        };
        let Some((command, output)) = body.split_once('\n') else {
            continue;
        };
        if let Some(args) = command.strip_prefix("$ goalpost ") {
            let args = args.split_whitespace().map(str::to_string).collect();
            runs.push((args, format!("{output}\n")));
        }
    }
    runs
}

#[test]
fn the_inspect_outputs_in_the_docs_are_what_inspect_prints() {
    let dir = corpus();
    if !dir.join("expected.yaml").is_file() {
        eprintln!(
            "\ninspect: docs outputs SKIPPED, {} does not exist",
            dir.display()
        );
        return;
    }
    let runs = documented_runs(&read(&root().join("docs/presets.md")));
    assert_eq!(runs.len(), 3, "three corpus files in docs/presets.md");
    let files = corpus_files(&dir);
    for (args, printed) in runs {
        let name = args.last().unwrap();
        let file = files
            .iter()
            .find(|f| f.file_name().is_some_and(|n| n == name.as_str()))
            .unwrap_or_else(|| panic!("{name} is no corpus file"));
        // Run in the export's folder, as the docs show it (the path is the file name).
        let out = goalpost()
            .current_dir(file.parent().unwrap())
            .args(&args)
            .output()
            .unwrap();
        assert_exit(&out, 0);
        assert_eq!(String::from_utf8_lossy(&out.stdout), printed, "{name}");
    }
}
