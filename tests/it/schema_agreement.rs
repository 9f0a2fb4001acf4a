//! One source of truth: every fixture the JSON Schema accepts, the Rust types accept, and the
//! other way round.

use std::path::Path;

use goalpost::spec::GoalFile;
use goalpost::spec::schema::validate;
use goalpost::spec::yaml::parse;

fn yaml_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

#[test]
fn schema_and_types_accept_the_same_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    yaml_files(&root.join("tests/fixtures"), &mut files);
    yaml_files(&root.join("examples"), &mut files);
    assert!(files.len() > 20, "fixtures not found");
    let (mut accepted, mut rejected) = (0, 0);
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok((json, spans)) = parse(&text) else {
            continue;
        };
        let schema_ok = validate(&json, &spans, "f").is_empty();
        let types = serde_json::from_value::<GoalFile>(json);
        assert_eq!(
            schema_ok,
            types.is_ok(),
            "{}: schema says {schema_ok}, types say {:?}",
            path.display(),
            types.err().map(|e| e.to_string())
        );
        if schema_ok {
            accepted += 1
        } else {
            rejected += 1
        }
    }
    assert!(
        accepted > 5 && rejected > 5,
        "accepted {accepted}, rejected {rejected}"
    );
}
