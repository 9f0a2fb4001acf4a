//! The benchmark kit's agreement check: on generated data, `goalpost check` (run through
//! `tests/bench/peer_goalpost.sh`, and through the Python-free `benches/peer/peer_goalpost.sh`
//! with its template) gives every goal the same value as the exact evaluator
//! `tests/bench/reference.py`. Also checks that the vendored scripts in `tests/bench/` are
//! still byte-identical to their originals in `../shared/bench` when that directory exists.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The vendored scripts: each is a copy of the file of the same name in `../shared/bench`.
const VENDORED: &[&str] = &[
    "gen_data.py",
    "gen_goals.py",
    "reference.py",
    "to_goalpost.py",
    "from_goalpost.py",
    "compare.py",
    "peer_goalpost.sh",
];

/// The crate root: every command runs there, so script paths are `tests/bench/…`.
fn crate_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Whether `python3` can be started at all. When it cannot, says so on the real stderr
/// (not captured by the test harness), so a skipped check is hard to miss.
fn python3_available() -> bool {
    match Command::new("python3").arg("--version").output() {
        Ok(_) => true,
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "\n!!! bench_agreement: SKIPPED, cannot run `python3` ({e}).\n\
                 !!! goalpost was NOT compared with tests/bench/reference.py.\n"
            );
            false
        }
    }
}

/// A command for `program`, the space-separated `fixed` arguments, then `paths`, in the crate
/// root. Python writes no `__pycache__` into `tests/bench/` (`gen_goals.py` imports
/// `gen_data.py`); `peer_goalpost.sh` inherits that.
fn command(program: &str, fixed: &str, paths: &[&str]) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(fixed.split_whitespace())
        .args(paths)
        .current_dir(crate_root())
        .env("PYTHONDONTWRITEBYTECODE", "1");
    cmd
}

/// Runs `cmd` and returns its stdout; panics, showing the command, its exit status, stdout
/// and stderr, unless it exits 0.
fn run_ok(cmd: &mut Command) -> String {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot start {shown}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{shown} failed ({})\n--- stdout\n{stdout}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Runs `python3 fixed… paths…` in the crate root; see [`command`] and [`run_ok`].
fn python(fixed: &str, paths: &[&str]) -> String {
    run_ok(&mut command("python3", fixed, paths))
}

/// `dir/name` as a string argument.
fn arg_path(dir: &Path, name: &str) -> String {
    let path = dir.join(name);
    path.to_str()
        .unwrap_or_else(|| panic!("temporary path {} is not UTF-8", path.display()))
        .to_owned()
}

#[test]
fn goalpost_agrees_with_the_exact_reference() {
    if !python3_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("create a temporary directory for bench_agreement");
    let posts = arg_path(dir.path(), "posts.csv");
    let goals = arg_path(dir.path(), "goals.csv");
    let exact = arg_path(dir.path(), "exact.csv");
    let actual = arg_path(dir.path(), "goalpost.csv");

    python(
        "tests/bench/gen_data.py --rows 20000 --accounts 50 --seed 42 --jobs 1 --out",
        &[&posts],
    );
    python(
        "tests/bench/gen_goals.py --goals 200 --accounts 50 --seed 7 --data-seed 42 --out",
        &[&goals],
    );
    // The exact answer first, so a broken kit is not mistaken for a goalpost failure.
    python("tests/bench/reference.py", &[&posts, &goals, &exact]);
    let peer = &[posts.as_str(), &goals, &actual];
    run_ok(
        command("bash", "tests/bench/peer_goalpost.sh", peer)
            .env("GOALPOST_BIN", env!("CARGO_BIN_EXE_goalpost")),
    );
    let verdict = python("tests/bench/compare.py", &[&exact, &actual]);
    println!("{}", verdict.trim_end());

    // The template route writes `goal_id,value` itself; the goal file is already made.
    let templated = arg_path(dir.path(), "goalpost-template.csv");
    run_ok(
        command(
            "bash",
            "benches/peer/peer_goalpost.sh",
            &[&posts, &goals, &templated],
        )
        .env("GOALPOST_BIN", env!("CARGO_BIN_EXE_goalpost")),
    );
    let verdict = python("tests/bench/compare.py", &[&exact, &templated]);
    println!("template: {}", verdict.trim_end());
}

/// The original of the vendored scripts, when this checkout sits in the goalpost workspace.
fn shared_bench() -> Option<PathBuf> {
    let dir = crate_root().join("../shared/bench");
    dir.is_dir().then_some(dir)
}

/// The bytes of `path`; panics naming the file when it cannot be read.
fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn vendored_scripts_match_shared_bench() {
    let Some(upstream) = shared_bench() else {
        println!("note: ../shared/bench does not exist here; vendored scripts not compared");
        return;
    };
    let local = crate_root().join("tests/bench");
    let differ: Vec<&str> = VENDORED
        .iter()
        .copied()
        .filter(|name| read(&upstream.join(name)) != read(&local.join(name)))
        .collect();
    assert!(
        differ.is_empty(),
        "tests/bench/ is out of date with {}: {differ:?} differ; copy them again",
        upstream.display()
    );
}
