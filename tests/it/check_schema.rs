//! The `check -f json` document has a committed JSON Schema (`specs/check.schema.json`) generated
//! from its types; it must not drift, and real output must validate against it.
//! Run with `GOALPOST_BLESS=1` to rewrite the schema after changing the types.

use crate::support::{EXAMPLE, assert_committed, goalpost};
use goalpost::report::document::{CHECK_SCHEMA_TEXT, generate_schema};

#[test]
fn committed_check_schema_matches_the_types() {
    assert_committed(
        "specs/check.schema.json",
        &generate_schema(),
        CHECK_SCHEMA_TEXT,
        "check_schema",
    );
}

#[test]
fn example_report_validates_against_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(CHECK_SCHEMA_TEXT).unwrap();
    jsonschema::draft202012::meta::validate(&schema).expect("a valid 2020-12 schema");
    let out = goalpost()
        .args(EXAMPLE)
        .args(["-f", "json"])
        .output()
        .expect("run goalpost");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let validator = jsonschema::draft202012::new(&schema).expect("compile the schema");
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// A report with a `changes` section (`--since`) validates too, and so does every document
/// `--since` is tested with: the one goalpost writes today is the shape it reads.
#[test]
fn a_report_with_changes_validates_against_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(CHECK_SCHEMA_TEXT).unwrap();
    let validator = jsonschema::draft202012::new(&schema).expect("compile the schema");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = goalpost()
        .current_dir(root)
        .args([
            "check",
            "tests/eval/since-every-change/goals.yaml",
            "--as-of",
            "2027-03-20",
        ])
        .args([
            "--since",
            "tests/cases/since/every-change-previous.json",
            "-f",
            "json",
        ])
        .output()
        .expect("run goalpost");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert!(
        doc["changes"]["goals"]
            .as_array()
            .is_some_and(|g| g.len() == 8)
    );
    let previous = std::fs::read(root.join("tests/cases/since/every-change-previous.json"))
        .expect("the earlier report");
    let previous: serde_json::Value = serde_json::from_slice(&previous).expect("JSON");
    for d in [&doc, &previous] {
        let errors: Vec<String> = validator
            .iter_errors(d)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}", errors.join("\n"));
    }
}
