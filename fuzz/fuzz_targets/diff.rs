//! Two goal files (the input split at its first NUL byte; without one, the same file twice)
//! compared by `diff` and rendered in every format. Must never panic; a file compared with
//! itself has no change.
#![no_main]

use goalpost::diff::{self, document::DiffDocument, document::Revision, load, render};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (base, head) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, data),
    };
    let dir = std::path::PathBuf::new();
    let (Ok(base_side), Ok(head_side)) = (
        load::from_bytes("base:goals.yaml", dir.clone(), base),
        load::from_bytes("goals.yaml", dir, head),
    ) else {
        return;
    };
    let changes = diff::compare(Some(&base_side), &head_side);
    if base == head {
        assert!(changes.is_empty(), "a file differs from itself: {changes:?}");
    }
    let revision = |rev: Option<&str>, file: &str| Revision {
        rev: rev.map(str::to_string),
        file: file.to_string(),
        exists: true,
    };
    let doc = DiffDocument::new(
        "goals.yaml".into(),
        revision(Some("base"), "base:goals.yaml"),
        revision(None, "goals.yaml"),
        changes,
    );
    let _ = render::text(&doc, false);
    let _ = render::markdown(&doc);
    let _ = render::github(&doc);
    let json = doc.to_json();
    assert!(
        serde_json::from_str::<serde_json::Value>(&json).is_ok(),
        "diff -f json is not JSON: {json}"
    );
});
