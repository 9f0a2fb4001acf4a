//! `goalpost init` writes a starter that validates and checks (exit 0 on the sample's month),
//! with the committed example workflow, and never overwrites; `goalpost completions` prints a
//! script for every supported shell.

use std::path::Path;

use crate::support::{assert_exit, goalpost, read};

const WRITTEN: [&str; 3] = [
    "goals.yaml",
    "data/instagram.csv",
    ".github/workflows/goalpost.yml",
];

#[test]
fn init_writes_a_starter_that_validates_and_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new/team");
    let out = goalpost().arg("init").arg(&dir).output().unwrap();
    assert_exit(&out, 0);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("--as-of 2027-01-31"), "{stdout}");
    for file in WRITTEN {
        assert!(dir.join(file).is_file(), "{file} not written");
    }
    let validate = goalpost()
        .arg("validate")
        .arg(dir.join("goals.yaml"))
        .output()
        .unwrap();
    assert_exit(&validate, 0);
    let check = goalpost()
        .current_dir(&dir)
        .args(["check", "--as-of", "2027-01-31"])
        .output()
        .unwrap();
    assert_exit(&check, 0);
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(text.contains("check ok: 4 goals"), "{text}");
    assert!(
        check.stderr.is_empty(),
        "no lint warning: {}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn the_workflow_is_the_committed_example() {
    let tmp = tempfile::tempdir().unwrap();
    let out = goalpost().arg("init").arg(tmp.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (written, committed) in [
        (
            ".github/workflows/goalpost.yml",
            ".github/workflows/goalpost.yml",
        ),
        ("goals.yaml", "examples/starter/goals.yaml"),
        ("data/instagram.csv", "examples/starter/data/instagram.csv"),
    ] {
        assert_eq!(
            read(&tmp.path().join(written)),
            read(&root.join(committed)),
            "{written}"
        );
    }
}

#[test]
fn init_never_overwrites_and_writes_nothing_when_a_file_exists() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("goals.yaml"), "version: 1 # mine\n").unwrap();
    let out = goalpost().arg("init").arg(tmp.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mine = tmp.path().join("goals.yaml");
    assert!(
        stderr.contains(&format!("error: {} already exists", mine.display())),
        "{stderr}"
    );
    assert!(stderr.contains("init wrote nothing"), "{stderr}");
    assert_eq!(read(&mine), "version: 1 # mine\n");
    assert!(!tmp.path().join("data").exists() && !tmp.path().join(".github").exists());
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = goalpost().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        for word in [
            "goalpost",
            "validate",
            "check",
            "init",
            "inspect",
            "completions",
            "as-of",
        ] {
            assert!(script.contains(word), "{shell} script lacks {word}");
        }
    }
    let out = goalpost().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
