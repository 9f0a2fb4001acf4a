//! `goalpost init [DIR]`: a starter `goals.yaml`, the sample export it reads, and the example
//! GitHub workflow — the committed files themselves (`examples/starter/`,
//! `.github/workflows/goalpost.yml`), built in so they cannot drift. With `--from FILE...`, the
//! `goals.yaml` reads those exports instead (`init_from.rs`) and no sample is written. Never
//! overwrites: when any target exists, nothing is written and the exit code is 2.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::Exit;
use crate::cli::InitArgs;
use crate::failure::Problem;

/// The files `init` writes: path inside DIR, and contents.
pub const FILES: [(&str, &str); 3] = [
    (
        "goals.yaml",
        include_str!("../../examples/starter/goals.yaml"),
    ),
    (
        "data/instagram.csv",
        include_str!("../../examples/starter/data/instagram.csv"),
    ),
    (
        ".github/workflows/goalpost.yml",
        include_str!("../../.github/workflows/goalpost.yml"),
    ),
];

/// The date the sample export is judged on in the next-step hint.
pub const SAMPLE_AS_OF: &str = "2027-01-31";

/// Runs the command.
pub fn run(args: &InitArgs) -> Exit {
    let mut hint = "(the sample export covers January 2027)".to_string();
    let mut as_of = SAMPLE_AS_OF.to_string();
    let files: Vec<(&str, String)> = if args.from.is_empty() {
        FILES
            .iter()
            .map(|(rel, text)| (*rel, (*text).to_string()))
            .collect()
    } else {
        let year = super::inspect::year(args.year);
        match super::init_from::goal_file(&args.dir, &args.from, year) {
            Ok(built) => {
                if let Some(last) = built.last {
                    hint = format!("(the newest row of the exports is from {last})");
                    as_of = last;
                }
                vec![
                    (FILES[0].0, built.text),
                    (FILES[2].0, FILES[2].1.to_string()),
                ]
            }
            Err(super::init_from::Failure::Unreadable(errors)) => {
                let failure = super::inspect::failure("init", &errors);
                failure.print();
                let _ = writeln!(anstream::stderr().lock(), "init wrote nothing");
                return Exit::Failed;
            }
            Err(super::init_from::Failure::Problem(problem)) => {
                let _ = writeln!(anstream::stderr().lock(), "{problem}\n\ninit wrote nothing");
                return Exit::Failed;
            }
        }
    };
    let targets: Vec<(PathBuf, &str)> = files
        .iter()
        .map(|(rel, text)| (args.dir.join(rel), text.as_str()))
        .collect();
    let existing: Vec<&Path> = targets
        .iter()
        .map(|(p, _)| p.as_path())
        .filter(|p| p.symlink_metadata().is_ok())
        .collect();
    let mut err = anstream::stderr().lock();
    if !existing.is_empty() {
        for path in &existing {
            let _ = writeln!(err, "error: {} already exists", path.display());
        }
        let _ = writeln!(
            err,
            "  = help: goalpost init never overwrites a file: move {} away, or run `goalpost init NEW_DIR`\n\ninit wrote nothing",
            if existing.len() == 1 { "it" } else { "them" }
        );
        return Exit::Failed;
    }
    if let Err(message) = write_all(&targets) {
        let _ = writeln!(err, "{message}\n\ninit wrote nothing");
        return Exit::Failed;
    }
    let goals = &targets[0].0;
    let mut text: String = targets
        .iter()
        .map(|(p, _)| format!("created {}\n", p.display()))
        .collect();
    text.push_str(&format!(
        "\nnext: goalpost check {} --as-of {as_of}   {hint}\n",
        goals.display()
    ));
    if super::print_stdout(&text) {
        Exit::Clean
    } else {
        Exit::Failed
    }
}

/// Writes every file atomically, creating directories; on a failure removes what it wrote.
fn write_all(targets: &[(PathBuf, &str)]) -> Result<(), Problem> {
    let mut written: Vec<&Path> = Vec::new();
    for (path, text) in targets {
        let result = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
            Some(dir) => std::fs::create_dir_all(dir)
                .map_err(|e| Problem::new(format!("cannot create {}: {e}", dir.display()))),
            None => Ok(()),
        }
        .and_then(|()| super::write_atomically(path, text, false));
        if let Err(message) = result {
            for done in written {
                let _ = std::fs::remove_file(done);
            }
            return Err(message);
        }
        written.push(path);
    }
    Ok(())
}
