//! The `diff -f json` document has a committed JSON Schema (`specs/diff.schema.json`) generated
//! from its types; it must not drift. Run with `GOALPOST_BLESS=1` to rewrite it after changing
//! the types. (tests/it/diff.rs validates real output against it.)

use crate::support::assert_committed;
use goalpost::diff::document::{DIFF_SCHEMA_TEXT, generate_schema};

#[test]
fn committed_diff_schema_matches_the_types() {
    assert_committed(
        "specs/diff.schema.json",
        &generate_schema(),
        DIFF_SCHEMA_TEXT,
        "diff_schema",
    );
}

#[test]
fn committed_diff_schema_is_a_valid_2020_12_schema() {
    let schema: serde_json::Value = serde_json::from_str(DIFF_SCHEMA_TEXT).expect("JSON");
    jsonschema::draft202012::meta::validate(&schema).expect("a valid 2020-12 schema");
}
