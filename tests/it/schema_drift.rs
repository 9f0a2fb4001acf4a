//! The committed JSON Schema is the one generated from the Rust types.
//! Run with `GOALPOST_BLESS=1` to rewrite `specs/goalpost.schema.json` after changing the types.

use crate::support::assert_committed;
use goalpost::spec::schema::{SCHEMA_TEXT, generate};

#[test]
fn committed_schema_matches_the_types() {
    assert_committed(
        "specs/goalpost.schema.json",
        &generate(),
        SCHEMA_TEXT,
        "schema_drift",
    );
}

#[test]
fn committed_schema_is_valid_draft_2020_12() {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA_TEXT).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    jsonschema::draft202012::meta::validate(&schema).expect("the schema is a valid 2020-12 schema");
}
