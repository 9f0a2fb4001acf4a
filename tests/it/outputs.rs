//! `-o` outputs: never replace a device, a symlink or an input; all or nothing across several
//! outputs; the umask's mode; no temp file left behind after SIGTERM; messages name the
//! destination, never the temp file.

use std::path::Path;
use std::process::Output;

use crate::support::{assert_exit, goalpost};

const GOALS: &str = "version: 1
title: T
sources:
  s:
    path: data.csv
    platform: instagram
    date_column: Date
goals:
  - id: g1
    title: likes
    metric: likes
    platform: instagram
    start: 2027-01-01
    deadline: 2027-03-31
    target: {at_least: 10}
    why: test
    owner: \"@x\"
";

/// A directory with `goals.yaml` and `data.csv`.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("goals.yaml"), GOALS).unwrap();
    std::fs::write(dir.path().join("data.csv"), "Date,Likes\n2027-01-01,3\n").unwrap();
    dir
}

fn check(dir: &Path, outputs: &[&str]) -> Output {
    let mut cmd = goalpost();
    cmd.current_dir(dir)
        .args(["check", "goals.yaml", "--as-of", "2027-01-05"]);
    for o in outputs {
        cmd.args(["-o", o]);
    }
    cmd.output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[cfg(unix)]
#[test]
fn a_device_is_refused_not_replaced() {
    let dir = project();
    let out = check(dir.path(), &["markdown:/dev/full"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("cannot write /dev/full: it is a device"),
        "{}",
        stderr(&out)
    );
    assert!(!Path::new("/dev/full").is_file());
}

#[cfg(unix)]
#[test]
fn a_symlink_is_refused() {
    let dir = project();
    std::os::unix::fs::symlink("elsewhere.md", dir.path().join("link.md")).unwrap();
    let out = check(dir.path(), &["markdown:link.md"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("it is a symbolic link"),
        "{}",
        stderr(&out)
    );
    assert!(dir.path().join("link.md").is_symlink());
}

#[test]
fn an_input_is_never_an_output() {
    let dir = project();
    for (output, what) in [
        ("markdown:goals.yaml", "it is the goal file"),
        ("json:./data.csv", "it is an export"),
    ] {
        let out = check(dir.path(), &[output]);
        assert_exit(&out, 2);
        assert!(stderr(&out).contains(what), "{output}: {}", stderr(&out));
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("goals.yaml")).unwrap(),
        GOALS
    );
}

#[test]
fn several_outputs_are_all_or_nothing() {
    let dir = project();
    std::fs::write(dir.path().join("first.md"), "old\n").unwrap();
    let out = check(dir.path(), &["markdown:first.md", "json:goals.yaml"]);
    assert_exit(&out, 2);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("first.md")).unwrap(),
        "old\n"
    );
    assert!(temp_files(dir.path()).is_empty());
    let out = check(dir.path(), &["markdown:first.md", "json:missing/x.json"]);
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("cannot write missing/x.json"), "{err}");
    assert!(!err.contains(".tmp"), "the temp file is named: {err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("first.md")).unwrap(),
        "old\n"
    );
    let out = check(dir.path(), &["markdown:first.md", "json:second.json"]);
    assert_exit(&out, 0);
    assert_ne!(
        std::fs::read_to_string(dir.path().join("first.md")).unwrap(),
        "old\n"
    );
    assert!(dir.path().join("second.json").is_file());
}

#[cfg(unix)]
#[test]
fn modes_follow_the_umask_or_the_existing_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project();
    let bin = env!("CARGO_BIN_EXE_goalpost");
    let status = std::process::Command::new("sh")
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args([
            "-c",
            &format!(
                "umask 027; exec '{bin}' check goals.yaml --as-of 2027-01-05 -o markdown:new.md"
            ),
        ])
        .output()
        .unwrap();
    assert_exit(&status, 0);
    let mode = |name: &str| {
        std::fs::metadata(dir.path().join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("new.md"), 0o640);
    std::fs::set_permissions(
        dir.path().join("new.md"),
        std::fs::Permissions::from_mode(0o604),
    )
    .unwrap();
    assert_exit(&check(dir.path(), &["markdown:new.md"]), 0);
    assert_eq!(mode("new.md"), 0o604);
}

#[cfg(unix)]
#[test]
fn sigterm_leaves_no_temp_file() {
    use std::os::unix::process::ExitStatusExt;
    let dir = project();
    let mut child = goalpost()
        .current_dir(dir.path())
        .args(["check", "goals.yaml", "--as-of", "2027-01-05"])
        .args(["-o", "markdown:a.md", "-o", "json:b.json"])
        .env("GOALPOST_TEST_STALL_BEFORE_RENAME", "20000")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while temp_files(dir.path()).len() < 2 {
        assert!(start.elapsed().as_secs() < 15, "no temp files appeared");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(15), "{status:?}");
    assert_eq!(temp_files(dir.path()), Vec::<String>::new());
    assert!(!dir.path().join("a.md").exists());
}

/// The `--since` report may be the `-o json:` output: it is read before anything is written,
/// and replaced atomically, so one file carries each run to the next.
#[test]
fn the_since_report_may_be_replaced_by_the_new_one() {
    let dir = project();
    let first = check(dir.path(), &["json:last.json"]);
    assert_exit(&first, 0);
    let first = std::fs::read_to_string(dir.path().join("last.json")).unwrap();
    let out = goalpost()
        .current_dir(dir.path())
        .args(["check", "goals.yaml", "--as-of", "2027-02-15"])
        .args(["--since", "last.json", "-o", "json:last.json"])
        .output()
        .expect("run goalpost");
    assert_exit(&out, 0);
    let second: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("last.json")).unwrap())
            .unwrap();
    let first: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(second["changes"]["since"], first["as_of"]);
    assert_eq!(second["as_of"], "2027-02-15");
    assert!(temp_files(dir.path()).is_empty());
}
