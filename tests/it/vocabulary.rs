//! The statuses are listed in one module, `src/vocab.rs`: no other source file matches on them
//! arm by arm, lists three or more of them, or spells their names in a string. A new status then
//! needs one edit, and the compiler finds every decision that must consider it.

use std::path::{Path, PathBuf};

const NAMES: [&str; 7] = [
    "pending",
    "no_data",
    "achieved",
    "on_track",
    "at_risk",
    "off_track",
    "missed",
];
const VARIANTS: [&str; 7] = [
    "Pending", "NoData", "Achieved", "OnTrack", "AtRisk", "OffTrack", "Missed",
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Problems in one file's text: status match arms, lists, and names in string literals.
fn problems(file: &str, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let at = format!("{file}:{}", n + 1);
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        let named: Vec<&str> = VARIANTS
            .iter()
            .copied()
            .filter(|v| code.contains(&format!("Status::{v}")))
            .collect();
        if code.starts_with("Status::") && code.contains("=>") {
            out.push(format!("{at}: a match arm on statuses: {code}"));
        }
        if named.len() >= 3 {
            out.push(format!("{at}: lists statuses {named:?}"));
        }
        let loose: Vec<&str> = NAMES
            .iter()
            .copied()
            .filter(|name| {
                let spaced = name.replace('_', " ");
                [name.to_string(), spaced, name.replace('_', "-")]
                    .iter()
                    .any(|s| s.contains(['_', ' ', '-']) && code.contains(&format!("\"{s}\"")))
            })
            .collect();
        if !loose.is_empty() {
            out.push(format!("{at}: spells status names {loose:?} in a string"));
        }
    }
    out
}

#[test]
fn statuses_are_listed_only_in_vocab() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    files.sort();
    let mut found = Vec::new();
    for path in files {
        let rel = path.strip_prefix(root).unwrap().display().to_string();
        if rel == "src/vocab.rs" {
            continue;
        }
        found.extend(problems(&rel, &std::fs::read_to_string(&path).unwrap()));
    }
    assert!(
        found.is_empty(),
        "statuses listed outside src/vocab.rs:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_finds_a_list() {
    let text =
        "match s {\n    Status::Missed | Status::OffTrack => 1,\n}\nlet x = \"off track\";\n";
    let found = problems("x.rs", text);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(problems("y.rs", "let s = Status::Pending;\n// Status::AtRisk => 1\n").is_empty());
}
