//! Every goal file under tests/fixtures/ is validated and its rendered diagnostics snapshotted
//! (tests/snapshots/). The directory and file name say what must happen:
//!
//! - `lint/RULE.bad.yaml` reports RULE; `lint/RULE.good.yaml` does not;
//! - `schema/*.yaml` fails with a `schema` error, `yaml/*.yaml` with a `yaml` error;
//! - `valid/*.yaml` has no finding at all.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::{Path, PathBuf};

use goalpost::commands::validate::{FileReport, validate_file};
use goalpost::diag::{DiagnosticRenderer, Level, summary};
use goalpost::lint::LevelOverrides;
use goalpost::rules::RuleId;

use crate::pool;

fn relative(path: &Path) -> &Path {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
}

fn render(report: &FileReport) -> String {
    let renderer = DiagnosticRenderer::new(false);
    let mut out = String::new();
    for d in &report.diagnostics {
        out.push_str(renderer.render(d, report.text.as_deref()).trim_end());
        out.push_str("\n\n");
    }
    out.push_str(&summary(&report.diagnostics, 1));
    out.push('\n');
    out
}

fn rules(report: &FileReport) -> Vec<RuleId> {
    report.diagnostics.iter().map(|d| d.rule).collect()
}

/// Whether `report` is what the fixture's directory and name say must happen; the message when
/// it is not.
fn check_expectation(path: &Path, report: &FileReport) -> Result<(), String> {
    let dir = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|d| d.to_str())
        .unwrap_or("");
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let found = rules(report);
    let has_error = |rule| {
        report
            .diagnostics
            .iter()
            .any(|d| d.rule == rule && d.level == Level::Error)
    };
    let holds = |ok: bool, message: String| if ok { Ok(()) } else { Err(message) };
    match dir {
        "lint" => {
            let (rule, kind) = name
                .trim_end_matches(".yaml")
                .rsplit_once('.')
                .ok_or_else(|| format!("{name}: expected RULE.bad|good.yaml"))?;
            let rule = RuleId::parse(rule).ok_or_else(|| format!("{name}: no rule `{rule}`"))?;
            match kind {
                "bad" => holds(
                    found.contains(&rule),
                    format!("{name}: expected `{rule}`, found {found:?}"),
                ),
                "good" => holds(
                    !found.contains(&rule),
                    format!("{name}: `{rule}` still fires"),
                ),
                other => Err(format!("{name}: unknown fixture kind {other}")),
            }
        }
        "schema" => holds(
            has_error(RuleId::Schema),
            format!("{name}: expected a schema error, found {found:?}"),
        ),
        "yaml" => holds(
            has_error(RuleId::Yaml),
            format!("{name}: expected a yaml error, found {found:?}"),
        ),
        "valid" => holds(
            found.is_empty(),
            format!("{name}: expected no findings, found {found:?}"),
        ),
        other => Err(format!(
            "{name}: fixtures live in lint/, schema/, yaml/ or valid/, not {other}/"
        )),
    }
}

/// Every `.yaml` file under `dir`, relative to the crate (as `relative` names them).
fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for path in entries.flatten().map(|e| e.path()) {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(relative(&path).to_path_buf());
        }
    }
}

/// A fixture validated, and whether it did what its name says.
fn validate_fixture(path: &Path) -> (FileReport, Result<(), String>) {
    let report = validate_file(relative(path), &LevelOverrides::default());
    let expected = check_expectation(path, &report);
    (report, expected)
}

#[test]
fn fixtures() {
    // Validating is the slow part: every fixture is validated on a few threads first, then
    // compared with its snapshot in the glob's order (insta's settings are per thread).
    let mut files = Vec::new();
    yaml_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
        &mut files,
    );
    let mut validated: HashMap<PathBuf, (FileReport, Result<(), String>)> = files
        .iter()
        .zip(pool::run(&files, |path| validate_fixture(path)))
        .filter_map(|(path, result)| Some((path.clone(), result.ok()?)))
        .collect();
    let mut failures = Vec::new();
    // The snapshots keep the names they had as the test binary `fixtures` (module `fixtures`,
    // function `fixtures`): `tests/snapshots/fixtures__fixtures@DIR__NAME.yaml.snap`. A glob
    // with failed snapshots panics at its end; the failed expectations are reported first.
    let snapshots = catch_unwind(AssertUnwindSafe(|| {
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::glob!("..", "fixtures/**/*.yaml", |path| {
                // A fixture whose validation panicked on a thread panics here again, on its own.
                let (report, expected) = validated
                    .remove(relative(path))
                    .unwrap_or_else(|| validate_fixture(path));
                if let Err(failure) = expected {
                    failures.push(failure);
                }
                insta::assert_snapshot!("fixtures__fixtures", render(&report));
            });
        });
    }));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    if let Err(panic) = snapshots {
        resume_unwind(panic);
    }
}

#[test]
fn bundled_example_is_clean() {
    let report = validate_file(
        Path::new("examples/acme/goals.yaml"),
        &LevelOverrides::default(),
    );
    assert_eq!(render(&report), "0 errors, 0 warnings in 1 file\n");
}
