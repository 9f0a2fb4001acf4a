//! Bad input never panics: the binary exits 1 or 2 with a located message.

use std::path::Path;
use std::process::{Command, Output};

fn validate(path: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_goalpost"))
        .arg("validate")
        .arg(path)
        .env("NO_COLOR", "1")
        .output()
        .expect("run goalpost")
}

fn assert_clean_failure(name: &str, bytes: &[u8], expect: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let out = validate(&path);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    assert!(
        matches!(out.status.code(), Some(1 | 2)),
        "{name}: exit {:?}\n{stderr}",
        out.status.code()
    );
    assert!(
        stderr.contains(expect),
        "{name}: expected `{expect}` in\n{stderr}"
    );
}

#[test]
fn empty_file() {
    assert_clean_failure("empty.yaml", b"", "the goal file is empty");
    assert_clean_failure(
        "comment.yaml",
        b"# nothing here\n",
        "the goal file is empty",
    );
}

#[test]
fn binary_junk() {
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    assert_clean_failure("junk.yaml", &junk, "error[yaml]");
    assert_clean_failure("nul.yaml", b"version: 1\x00\x01\x02", "error[yaml]");
}

#[test]
fn invalid_utf8_is_located() {
    assert_clean_failure(
        "latin1.yaml",
        b"version: 1\ntitle: caf\xe9\n",
        "not valid UTF-8",
    );
    assert_clean_failure("latin1.yaml", b"version: 1\ntitle: caf\xe9\n", ":2:11");
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
    assert_clean_failure("flow.yaml", "[".repeat(10_000).as_bytes(), "error[yaml]");
    let flow_map = format!("{}{}", "{a: ".repeat(10_000), "}".repeat(10_000));
    assert_clean_failure("flow-map.yaml", flow_map.as_bytes(), "error[yaml]");
    // Block nesting grows quadratically in bytes; 100 levels already break the depth limit.
    let block: String = (0..100).map(|i| format!("{}a:\n", " ".repeat(i))).collect();
    assert_clean_failure("block.yaml", block.as_bytes(), "nested deeper than");
}

#[test]
fn alias_bomb() {
    let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 9].join(",");
        bomb.push_str(&format!("{}: &{} [{refs}]\n", pair[1], pair[1]));
    }
    assert_clean_failure("bomb.yaml", bomb.as_bytes(), "alias bomb");
}

#[test]
fn missing_file_exits_2() {
    let out = validate(Path::new("does/not/exist.yaml"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read does/not/exist.yaml"));
}
