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
