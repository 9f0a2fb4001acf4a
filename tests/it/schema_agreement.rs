//! One source of truth: every fixture the JSON Schema accepts, the Rust types accept, and the
//! other way round.

use std::path::Path;

use goalpost::spec::GoalFile;
use goalpost::spec::schema::validate;
use goalpost::spec::yaml::parse;

use crate::pool;

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
    // Each file on its own: on a few threads, every disagreement reported.
    let verdicts = pool::run(&files, |path| verdict(path));
    let (mut accepted, mut rejected) = (0, 0);
    let mut failures = Vec::new();
    for (path, result) in files.iter().zip(verdicts) {
        match result {
            Ok(Ok(Some(true))) => accepted += 1,
            Ok(Ok(Some(false))) => rejected += 1,
            Ok(Ok(None)) => {}
            Ok(Err(failure)) => failures.push(failure),
            Err(panic) => failures.push(format!("{}: {panic}", path.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        accepted > 5 && rejected > 5,
        "accepted {accepted}, rejected {rejected}"
    );
}

/// Whether the schema accepts the file at `path` (`None` when it is not readable YAML), or the
/// message when the schema and the types disagree.
fn verdict(path: &Path) -> Result<Option<bool>, String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(None);
    };
    let Ok((json, spans)) = parse(&text) else {
        return Ok(None);
    };
    let schema_ok = validate(&json, &spans, "f").is_empty();
    let types = serde_json::from_value::<GoalFile>(json);
    if schema_ok != types.is_ok() {
        return Err(format!(
            "{}: schema says {schema_ok}, types say {:?}",
            path.display(),
            types.err().map(|e| e.to_string())
        ));
    }
    Ok(Some(schema_ok))
}
