//! The bundled example: `check` exits 0 on it, writes every `-o` output atomically, gives the
//! same bytes on every run, and renders the scorecard committed at examples/acme/scorecard.md.
//! Run with `GOALPOST_BLESS=1` to rewrite the committed scorecard after a deliberate change.

use std::path::Path;

use crate::support::{EXAMPLE, goalpost};

const SCORECARD: &str = "examples/acme/scorecard.md";

fn check_example(out_dir: &Path) -> (Option<i32>, String) {
    let out = goalpost()
        .args(EXAMPLE)
        .args(["-f", "json"])
        .arg("-o")
        .arg(format!(
            "markdown:{}",
            out_dir.join("scorecard.md").display()
        ))
        .arg("-o")
        .arg(format!("junit:{}", out_dir.join("report.xml").display()))
        .output()
        .expect("run goalpost");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn example_renders_the_committed_scorecard() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, json) = check_example(dir.path());
    assert_eq!(code, Some(0), "the example must pass the check");
    let rendered =
        std::fs::read_to_string(dir.path().join("scorecard.md")).expect("scorecard written");
    assert!(
        std::fs::read_to_string(dir.path().join("report.xml"))
            .expect("junit written")
            .starts_with("<?xml")
    );
    let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON on stdout");
    assert_eq!(doc["summary"]["goals"], 10);
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join(SCORECARD);
    if std::env::var_os("GOALPOST_BLESS").is_some() {
        std::fs::write(&committed, &rendered).expect("write the scorecard");
        return;
    }
    let expected = std::fs::read_to_string(&committed).expect("committed scorecard");
    assert!(
        rendered == expected,
        "{SCORECARD} is out of date: run `GOALPOST_BLESS=1 cargo test --test it example::`"
    );
}

#[test]
fn same_inputs_same_bytes() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (_, json_a) = check_example(a.path());
    let (_, json_b) = check_example(b.path());
    assert_eq!(json_a, json_b);
    let read = |d: &Path| std::fs::read(d.join("scorecard.md")).unwrap();
    assert_eq!(read(a.path()), read(b.path()));
}

#[test]
fn no_temporary_files_are_left_behind() {
    let dir = tempfile::tempdir().unwrap();
    check_example(dir.path());
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["report.xml", "scorecard.md"]);
}
