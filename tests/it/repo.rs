//! Throw-away git repositories for the `goalpost diff` tests. Git runs with a temporary `HOME`,
//! no system configuration and a fixed identity, so the developer's own git configuration
//! cannot leak into a test.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// What a run of goalpost produced.
pub struct Run {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// A git repository in a temporary directory, removed when dropped.
pub struct Repo {
    tmp: tempfile::TempDir,
}

/// Applies the isolated environment to a command that runs git (directly or through goalpost).
fn isolate(cmd: &mut Command, home: &Path) {
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CEILING_DIRECTORIES", home.parent().unwrap_or(home))
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE");
}

impl Repo {
    /// A new repository on branch `main`, with nothing committed.
    pub fn new() -> Repo {
        let repo = Repo::bare_dir();
        repo.git(&["init", "--quiet", "--initial-branch=main"]);
        repo
    }

    /// A temporary directory that is not a git repository.
    pub fn bare_dir() -> Repo {
        Repo {
            tmp: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    /// The repository's root.
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Runs git in the root; panics with git's message when it fails.
    pub fn git(&self, args: &[&str]) -> String {
        let mut cmd = Command::new("git");
        cmd.args(args).current_dir(self.path());
        isolate(&mut cmd, self.path());
        let out = cmd.output().expect("run git");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Writes `text` to `path` (relative to the root), creating directories.
    pub fn write(&self, path: &str, text: &str) {
        let full = self.path().join(path);
        if let Some(dir) = full.parent() {
            std::fs::create_dir_all(dir).expect("create the directory");
        }
        std::fs::write(full, text).expect("write the file");
    }

    /// Commits everything in the working tree.
    pub fn commit(&self, message: &str) {
        self.git(&["add", "--all"]);
        self.git(&["commit", "--quiet", "--allow-empty", "-m", message]);
    }

    /// Runs goalpost in the root.
    pub fn goalpost(&self, args: &[&str]) -> Run {
        self.goalpost_in(".", args)
    }

    /// Runs goalpost in `dir` (relative to the root).
    pub fn goalpost_in(&self, dir: &str, args: &[&str]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_goalpost"));
        cmd.args(args).current_dir(self.path().join(dir));
        isolate(&mut cmd, self.path());
        Run::from(cmd.output().expect("run goalpost"))
    }

    /// Runs goalpost in the root with extra variables set and others removed.
    pub fn goalpost_with(&self, args: &[&str], set: &[(&str, &str)], remove: &[&str]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_goalpost"));
        cmd.args(args).current_dir(self.path());
        isolate(&mut cmd, self.path());
        for var in remove {
            cmd.env_remove(var);
        }
        cmd.envs(set.iter().copied());
        Run::from(cmd.output().expect("run goalpost"))
    }
}

/// A file of `tests/diff/`.
pub fn fixture(name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "diff", name]
        .iter()
        .collect();
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// A repository with `base` committed as `goals.yaml` on `main`.
pub fn with_base(base: &str) -> Repo {
    let repo = Repo::new();
    repo.write("goals.yaml", base);
    repo.commit("base goals");
    repo
}
