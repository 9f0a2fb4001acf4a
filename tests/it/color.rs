//! Diagnostics are colored only when the terminal asks for it, and never with NO_COLOR.

use std::process::Command;

fn stderr_with(env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_goalpost"));
    cmd.args(["validate", "tests/cases/warnings.yaml"])
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    String::from_utf8(cmd.output().expect("run goalpost").stderr).expect("UTF-8")
}

#[test]
fn plain_when_piped() {
    assert!(!stderr_with(&[]).contains('\x1b'));
}

#[test]
fn colored_when_forced() {
    assert!(stderr_with(&[("CLICOLOR_FORCE", "1")]).contains("\x1b["));
}

#[test]
fn never_with_no_color() {
    assert!(!stderr_with(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains('\x1b'));
}
