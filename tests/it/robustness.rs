//! Bad input never panics: the binary exits 1 or 2 with a located message.

use std::path::Path;
use std::process::{Command, Output};

use crate::pool;

fn validate(path: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_goalpost"))
        .arg("validate")
        .arg(path)
        .env("NO_COLOR", "1")
        .output()
        .expect("run goalpost")
}

/// What is wrong with validating a file `name` holding `bytes`: it must exit 1 or 2, without a
/// panic, with `expect` in its message.
fn clean_failure(name: &str, bytes: &[u8], expect: &str) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let out = validate(&path);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("panicked") {
        Some(format!("{name}: {stderr}"))
    } else if !matches!(out.status.code(), Some(1 | 2)) {
        Some(format!("{name}: exit {:?}\n{stderr}", out.status.code()))
    } else if !stderr.contains(expect) {
        Some(format!("{name}: expected `{expect}` in\n{stderr}"))
    } else {
        None
    }
}

/// Every `(name, bytes, expect)` input fails cleanly (see [`clean_failure`]); the inputs run in
/// parallel, and every one that does not is reported.
fn assert_clean_failures(inputs: &[(&str, &[u8], &str)]) {
    let failures: Vec<String> = inputs
        .iter()
        .zip(pool::run(inputs, |&(name, bytes, expect)| {
            clean_failure(name, bytes, expect)
        }))
        .filter_map(|(&(name, ..), result)| result.unwrap_or_else(|p| Some(format!("{name}: {p}"))))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn empty_file() {
    assert_clean_failures(&[
        ("empty.yaml", b"", "the goal file is empty"),
        (
            "comment.yaml",
            b"# nothing here\n",
            "the goal file is empty",
        ),
    ]);
}

#[test]
fn binary_junk() {
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13).to_le_bytes()[0])
        .collect();
    assert_clean_failures(&[
        ("junk.yaml", &junk, "error[yaml]"),
        ("nul.yaml", b"version: 1\x00\x01\x02", "error[yaml]"),
    ]);
}

#[test]
fn invalid_utf8_is_located() {
    let latin1: &[u8] = b"version: 1\ntitle: caf\xe9\n";
    assert_clean_failures(&[
        ("latin1.yaml", latin1, "not valid UTF-8"),
        ("latin1.yaml", latin1, ":2:11"),
    ]);
}

#[test]
fn huge_file_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.yaml");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(100 * 1024 * 1024).unwrap();
    let out = validate(&path);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("100 MiB"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn deep_nesting() {
    let flow = "[".repeat(10_000);
    let flow_map = format!("{}{}", "{a: ".repeat(10_000), "}".repeat(10_000));
    // Block nesting grows quadratically in bytes; 100 levels already break the depth limit.
    let block: String = (0..100).map(|i| format!("{}a:\n", " ".repeat(i))).collect();
    assert_clean_failures(&[
        ("flow.yaml", flow.as_bytes(), "error[yaml]"),
        ("flow-map.yaml", flow_map.as_bytes(), "error[yaml]"),
        ("block.yaml", block.as_bytes(), "nested deeper than"),
    ]);
}

#[test]
fn alias_bomb() {
    let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 9].join(",");
        bomb.push_str(&format!("{}: &{} [{refs}]\n", pair[1], pair[1]));
    }
    assert_clean_failures(&[("bomb.yaml", bomb.as_bytes(), "alias bomb")]);
}

#[test]
fn missing_file_exits_2() {
    let out = validate(Path::new("does/not/exist.yaml"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read does/not/exist.yaml"));
}
