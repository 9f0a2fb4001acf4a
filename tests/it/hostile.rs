//! The hostile-input corpus: every `tests/hostile/NAME.case.toml` runs goalpost on bad input
//! (goal files, exports, templates, outputs, arguments) and must end as the case says: the
//! expected exit code, the expected text on stderr (with its `FILE:LINE:COL` where there is
//! one), never a panic (exit 101), never a signal, never more than [`TIMEOUT`]. Big inputs are
//! generated here, not committed (`generate = ["nested-parens:20000>goals.yaml"]`). The cases
//! run in parallel ([`crate::pool`]); every failing one is reported.
//!
//! A case's keys:
//!
//! | key | meaning |
//! |---|---|
//! | `args` | the command line after `goalpost`, run in a fresh temporary directory |
//! | `exit` | the expected exit code |
//! | `stderr` | text stderr must contain; with `located` (the default) it must hold a `:LINE` |
//! | `located` | `false` when the problem has no position (an argument, a device) |
//! | `base` | `true` to start from `tests/hostile/base/` (a valid `goals.yaml` and `data.csv`) |
//! | `files` | `NAME = "text"`: files written into the directory (over the base ones) |
//! | `generate` | `"KIND:ARG>NAME"`: big or binary inputs made by [`generate`] |
//! | `stdin` | text on standard input |
//! | `not_in_stderr`, `not_in_stdout` | text that must not appear |
//! | `in_stdout` | text stdout must contain |
//! | `max_stderr_bytes` | stderr must be at most this long |
//! | `absent` | paths that must not exist afterwards |
//! | `unchanged` | files that must hold what the case wrote |
//! | `git` | `true`: commit the files to a new git repository first; then `after` is written |
//! | `after` | `NAME = "text"`: files written after the commit (for `diff`) |

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::pool;

/// A case that runs longer is killed and fails.
// A hang never ends; the slowest case takes a few seconds in a debug build on 2 busy cores.
// The margin keeps a loaded machine from reading as a hang.
const TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    args: Vec<String>,
    exit: i32,
    stderr: String,
    #[serde(default = "yes")]
    located: bool,
    #[serde(default)]
    base: bool,
    #[serde(default)]
    files: BTreeMap<String, String>,
    #[serde(default)]
    generate: Vec<String>,
    #[serde(default)]
    stdin: Option<String>,
    #[serde(default)]
    not_in_stderr: Vec<String>,
    #[serde(default)]
    not_in_stdout: Vec<String>,
    #[serde(default)]
    in_stdout: Vec<String>,
    #[serde(default)]
    max_stderr_bytes: Option<usize>,
    #[serde(default)]
    absent: Vec<String>,
    #[serde(default)]
    unchanged: Vec<String>,
    #[serde(default)]
    git: bool,
    #[serde(default)]
    after: BTreeMap<String, String>,
}

fn yes() -> bool {
    true
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

fn cases() -> Vec<(String, String)> {
    let mut cases: Vec<(String, String)> = std::fs::read_dir(corpus_dir())
        .expect("tests/hostile")
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let name = name.strip_suffix(".case.toml")?.to_string();
            Some((name, std::fs::read_to_string(e.path()).expect("read case")))
        })
        .collect();
    cases.sort();
    cases
}

#[test]
fn corpus() {
    let cases = cases();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let results = pool::run(&cases, |(_, text)| run_case(text).err());
    let failures: Vec<String> = cases
        .iter()
        .zip(results)
        .filter_map(|((name, _), r)| match r {
            Ok(None) => None,
            Ok(Some(why)) => Some(format!("{name}: {why}")),
            Err(panic) => Some(format!("{name}: the harness {panic}")),
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} hostile cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// Whether `text` holds a position: `:` then digits.
fn has_position(text: &str) -> bool {
    text.split(':')
        .skip(1)
        .any(|part| part.chars().next().is_some_and(|c| c.is_ascii_digit()))
}

fn run_case(text: &str) -> Result<(), String> {
    let case: Case = toml_edit::de::from_str(text).map_err(|e| format!("bad case file: {e}"))?;
    if case.located && !has_position(&case.stderr) {
        return Err(format!(
            "`stderr = {:?}` names no `:LINE:COL`; give one, or say `located = false`",
            case.stderr
        ));
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let root = dir.path();
    if case.base {
        for entry in std::fs::read_dir(corpus_dir().join("base")).map_err(|e| e.to_string())? {
            let entry = entry.map_err(|e| e.to_string())?;
            std::fs::copy(entry.path(), root.join(entry.file_name())).map_err(|e| e.to_string())?;
        }
    }
    for (file, content) in &case.files {
        write(root, file, content.as_bytes())?;
    }
    for spec in &case.generate {
        generate(root, spec)?;
    }
    if case.git {
        git(root, &["init", "-q", "-b", "main"])?;
        git(root, &["add", "-A"])?;
        git(root, &["commit", "-q", "-m", "base"])?;
    }
    for (file, content) in &case.after {
        write(root, file, content.as_bytes())?;
    }
    let before: Vec<(String, Vec<u8>)> = case
        .unchanged
        .iter()
        .map(|f| (f.clone(), std::fs::read(root.join(f)).unwrap_or_default()))
        .collect();
    let run = run(root, &case.args, case.stdin.as_deref())?;
    let stderr = String::from_utf8_lossy(&run.stderr);
    let stdout = String::from_utf8_lossy(&run.stdout);
    let shown = || format!("stderr:\n{}", cut(&stderr));
    if stderr.contains("panicked") || run.code == Some(101) {
        return Err(format!("panicked (exit {:?})\n{}", run.code, shown()));
    }
    let Some(code) = run.code else {
        return Err(format!("killed by a signal ({})\n{}", run.signal, shown()));
    };
    if code != case.exit {
        return Err(format!("exit {code}, expected {}\n{}", case.exit, shown()));
    }
    if !stderr.contains(&case.stderr) {
        return Err(format!("expected `{}` on stderr\n{}", case.stderr, shown()));
    }
    for text in &case.not_in_stderr {
        if stderr.contains(text.as_str()) {
            return Err(format!(
                "`{}` is on stderr\n{}",
                text.escape_debug(),
                shown()
            ));
        }
    }
    for text in &case.not_in_stdout {
        if stdout.contains(text.as_str()) {
            return Err(format!(
                "`{}` is on stdout:\n{}",
                text.escape_debug(),
                cut(&stdout)
            ));
        }
    }
    for text in &case.in_stdout {
        if !stdout.contains(text.as_str()) {
            return Err(format!(
                "`{}` is not on stdout:\n{}",
                text.escape_debug(),
                cut(&stdout)
            ));
        }
    }
    if let Some(max) = case.max_stderr_bytes
        && run.stderr.len() > max
    {
        return Err(format!(
            "stderr is {} bytes, more than {max}",
            run.stderr.len()
        ));
    }
    for path in &case.absent {
        if root.join(path).symlink_metadata().is_ok() {
            return Err(format!("`{path}` exists afterwards"));
        }
    }
    for (file, content) in before {
        if std::fs::read(root.join(&file)).unwrap_or_default() != content {
            return Err(format!("`{file}` was changed"));
        }
    }
    Ok(())
}

fn cut(text: &str) -> String {
    match text.char_indices().nth(3000) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

fn write(root: &Path, file: &str, bytes: &[u8]) -> Result<(), String> {
    let path = root.join(file);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    std::fs::write(&path, bytes).map_err(|e| format!("write {file}: {e}"))
}

fn git(root: &Path, args: &[&str]) -> Result<(), String> {
    let home = root.join(".home");
    std::fs::create_dir_all(&home).map_err(|e| e.to_string())?;
    let out = Command::new("git")
        .current_dir(root)
        .args(args)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", &home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .map_err(|e| format!("git: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The goal file the generators build on: one goal on `likes`, and a `deep` metric whose
/// formula is `formula`.
fn goal_file_with_formula(formula: &str) -> String {
    format!(
        "version: 1\ntitle: T\nsources:\n  s:\n    path: data.csv\n    platform: instagram\n    \
         date_column: Date\nmetrics:\n  deep:\n    formula: \"{formula}\"\ngoals:\n  - id: g1\n    \
         title: deep\n    metric: deep\n    platform: instagram\n    start: 2027-01-01\n    \
         deadline: 2027-03-31\n    target: {{at_least: 10}}\n    owner: \"@x\"\n"
    )
}

/// Makes a big or binary input: `KIND:ARG>NAME`.
///
/// - `nested-parens:N`, `formula-chain:N`, `formula-signs:N`: a goal file whose formula has N
///   nested parentheses, N terms `likes - likes - …`, N signs;
/// - `goals:N`: a valid goal file of N goals;
/// - `sparse-mib:N`: a file of N MiB of zeros (a hole: nothing is written);
/// - `big-cell:N`: a CSV whose second row has an N-byte cell that is not a number;
/// - `latin1-template`: a template with a Latin-1 byte on line 3, column 3;
/// - `hex:BYTES`: the bytes, in hex (invalid UTF-8, NUL, binary headers);
/// - `repeat:N:TEXT`: TEXT N times;
/// - `fifo`: a named pipe (unix);
/// - `symlink:TARGET`: a symbolic link to TARGET (unix).
fn generate(root: &Path, spec: &str) -> Result<(), String> {
    let (what, name) = spec
        .rsplit_once('>')
        .ok_or_else(|| format!("`{spec}`: expected KIND:ARG>NAME"))?;
    let (kind, arg) = what.split_once(':').unwrap_or((what, ""));
    let n = || {
        arg.split(':')
            .next()
            .unwrap_or_default()
            .parse::<usize>()
            .map_err(|_| format!("`{spec}`: expected a number"))
    };
    let path = root.join(name);
    let bytes: Vec<u8> = match kind {
        "nested-parens" => {
            let n = n()?;
            goal_file_with_formula(&format!("{}likes{}", "(".repeat(n), ")".repeat(n))).into()
        }
        "formula-chain" => goal_file_with_formula(&vec!["likes"; n()?].join(" - ")).into(),
        "formula-signs" => goal_file_with_formula(&format!("{}likes", "-".repeat(n()?))).into(),
        "goals" => {
            let mut text = String::from(
                "version: 1\ntitle: T\nlint: {no-objective: off}\nsources:\n  s:\n    path: data.csv\n    \
                 platform: instagram\n    date_column: Date\ngoals:\n",
            );
            for i in 0..n()? {
                text.push_str(&format!(
                    "  - {{id: g{i}, title: shares {i}, metric: shares, platform: instagram, \
                     start: 2027-01-01, deadline: 2027-03-31, target: {{at_least: 10}}, owner: \"@x\"}}\n"
                ));
            }
            text.into()
        }
        "sparse-mib" => {
            let file = std::fs::File::create(&path).map_err(|e| e.to_string())?;
            file.set_len(n()? as u64 * 1024 * 1024)
                .map_err(|e| e.to_string())?;
            return Ok(());
        }
        "big-cell" => {
            let mut text = b"Date,Shares\n2027-01-01,".to_vec();
            text.extend(std::iter::repeat_n(b'x', n()?));
            text.push(b'\n');
            text
        }
        "cr-before-quote" => {
            // A lone `\r` ends a record, so the quote after it opens a field that runs over
            // N lines that look like rows: none of them may be counted.
            let mut text = b"Date,Shares\n2027-01-01,5\r\"".to_vec();
            text.extend(b"2027-01-02,1000000\n".repeat(n()?));
            text.extend_from_slice(b"\"\n2027-01-04,7\n");
            text
        }
        "latin1-template" => b"# {{ title }}\nok\nab\xe9c\n".to_vec(),
        "hex" => (0..arg.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(arg.get(i..i + 2).unwrap_or("?"), 16))
            .collect::<Result<_, _>>()
            .map_err(|_| format!("`{spec}`: expected hex digits"))?,
        "repeat" => {
            let (count, text) = arg
                .split_once(':')
                .ok_or_else(|| format!("`{spec}`: expected repeat:N:TEXT"))?;
            let count: usize = count.parse().map_err(|_| format!("`{spec}`: N"))?;
            text.repeat(count).replace("\\n", "\n").into()
        }
        #[cfg(unix)]
        "fifo" => {
            let out = Command::new("mkfifo")
                .arg(&path)
                .output()
                .map_err(|e| format!("mkfifo: {e}"))?;
            return if out.status.success() {
                Ok(())
            } else {
                Err("mkfifo failed".into())
            };
        }
        #[cfg(unix)]
        "symlink" => {
            return std::os::unix::fs::symlink(arg, &path).map_err(|e| e.to_string());
        }
        _ => return Err(format!("`{spec}`: unknown generator `{kind}`")),
    };
    write(root, name, &bytes)
}

struct Ran {
    code: Option<i32>,
    signal: String,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// Runs goalpost in `dir`, killing it after [`TIMEOUT`].
fn run(dir: &Path, args: &[String], stdin: Option<&str>) -> Result<Ran, String> {
    // `GOALPOST_HOSTILE_BIN` runs the corpus against another build (an older one, to see the
    // cases fail without their fixes).
    let bin = std::env::var_os("GOALPOST_HOSTILE_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_goalpost").into());
    let mut cmd = Command::new(bin);
    cmd.current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env("RUST_BACKTRACE", "0")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in crate::support::GITHUB_VARS {
        cmd.env_remove(var);
    }
    let mut child = cmd.spawn().map_err(|e| format!("spawn: {e}"))?;
    if let (Some(text), Some(mut input)) = (stdin, child.stdin.take()) {
        let text = text.to_string();
        std::thread::spawn(move || {
            let _ = input.write_all(text.as_bytes());
        });
    }
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("timed out after {} s (killed)", TIMEOUT.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    #[cfg(unix)]
    let signal = {
        use std::os::unix::process::ExitStatusExt;
        status
            .signal()
            .map_or_else(String::new, |s| format!("signal {s}"))
    };
    #[cfg(not(unix))]
    let signal = String::new();
    Ok(Ran {
        code: status.code(),
        signal,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}
