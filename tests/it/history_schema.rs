//! The `history -f json` document has a committed JSON Schema (`specs/history.schema.json`)
//! generated from its types; it must not drift, and real output must validate against it.
//! Run with `GOALPOST_BLESS=1` to rewrite the schema after changing the types.

use std::path::Path;

use crate::support::assert_committed;
use goalpost::history::document::{HISTORY_SCHEMA_TEXT, generate_schema};

#[test]
fn committed_history_schema_matches_the_types() {
    assert_committed(
        "specs/history.schema.json",
        &generate_schema(),
        HISTORY_SCHEMA_TEXT,
        "history_schema",
    );
}

#[test]
fn history_documents_validate_against_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(HISTORY_SCHEMA_TEXT).unwrap();
    jsonschema::draft202012::meta::validate(&schema).expect("a valid 2020-12 schema");
    let validator = jsonschema::draft202012::new(&schema).expect("compile the schema");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let runs = [
        (
            root.join("examples/acme/goals.yaml"),
            [
                "--from",
                "2027-01-04",
                "--to",
                "2027-03-15",
                "--every",
                "week",
            ],
        ),
        (
            root.join("tests/history/weekly-slip/goals.yaml"),
            [
                "--from",
                "2027-01-07",
                "--to",
                "2027-02-03",
                "--every",
                "day",
            ],
        ),
    ];
    for (file, args) in runs {
        let (code, stdout, stderr) =
            crate::history::history(&file, &[&args[..], &["-f", "json"]].concat());
        assert_eq!(code, Some(0), "{stderr}");
        let doc: serde_json::Value = serde_json::from_str(&stdout).expect("JSON on stdout");
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{}: {}",
            file.display(),
            errors.join("\n")
        );
    }
}
