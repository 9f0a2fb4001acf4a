//! Every goal file under tests/fixtures/ is validated and its rendered diagnostics snapshotted
//! (tests/snapshots/). The directory and file name say what must happen:
//!
//! - `lint/RULE.bad.yaml` reports RULE; `lint/RULE.good.yaml` does not;
//! - `schema/*.yaml` fails with a `schema` error, `yaml/*.yaml` with a `yaml` error;
//! - `valid/*.yaml` has no finding at all.

use std::path::Path;

use goalpost::commands::validate::{FileReport, validate_file};
use goalpost::diag::{DiagnosticRenderer, Level, summary};
use goalpost::lint::LevelOverrides;
use goalpost::rules::RuleId;

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

fn check_expectation(path: &Path, report: &FileReport) {
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
    match dir {
        "lint" => {
            let (rule, kind) = name
                .trim_end_matches(".yaml")
                .rsplit_once('.')
                .expect("RULE.bad|good.yaml");
            let rule = RuleId::parse(rule).unwrap_or_else(|| panic!("{name}: no rule `{rule}`"));
            match kind {
                "bad" => assert!(
                    found.contains(&rule),
                    "{name}: expected `{rule}`, found {found:?}"
                ),
                "good" => assert!(!found.contains(&rule), "{name}: `{rule}` still fires"),
                other => panic!("{name}: unknown fixture kind {other}"),
            }
        }
        "schema" => assert!(
            has_error(RuleId::Schema),
            "{name}: expected a schema error, found {found:?}"
        ),
        "yaml" => assert!(
            has_error(RuleId::Yaml),
            "{name}: expected a yaml error, found {found:?}"
        ),
        "valid" => assert!(
            found.is_empty(),
            "{name}: expected no findings, found {found:?}"
        ),
        other => panic!("{name}: fixtures live in lint/, schema/, yaml/ or valid/, not {other}/"),
    }
}

#[test]
fn fixtures() {
    // The snapshots keep the names they had as the test binary `fixtures` (module `fixtures`,
    // function `fixtures`): `tests/snapshots/fixtures__fixtures@DIR__NAME.yaml.snap`.
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::glob!("..", "fixtures/**/*.yaml", |path| {
            let shown = relative(path);
            let report = validate_file(shown, &LevelOverrides::default());
            check_expectation(path, &report);
            insta::assert_snapshot!("fixtures__fixtures", render(&report));
        });
    });
}

#[test]
fn bundled_example_is_clean() {
    let report = validate_file(
        Path::new("examples/acme/goals.yaml"),
        &LevelOverrides::default(),
    );
    assert_eq!(render(&report), "0 errors, 0 warnings in 1 file\n");
}
