//! Reading a goal file at a git revision through the `git` command line: no checkout, no git
//! library, nothing written. `git cat-file` prints the blob `REV:path`, where `path` is the
//! file's path from the repository root (`git rev-parse --show-prefix` in its directory).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::failure::Problem;
use crate::spec::MAX_FILE_BYTES;

/// A goal file located in a git repository.
#[derive(Debug, Clone)]
pub struct RepoFile {
    /// The file's directory in the working tree; git runs here.
    pub dir: PathBuf,
    /// The file's path from the repository root, `/`-separated: `marketing/goals.yaml`.
    pub path: String,
}

impl RepoFile {
    /// Finds the repository holding `file` (which need not exist in the working tree).
    pub fn locate(file: &Path) -> Result<RepoFile, Problem> {
        let dir = match file.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| Problem::new(format!("`{}` does not name a file", file.display())))?;
        if !dir.is_dir() {
            return Err(Problem::new(format!(
                "cannot read {}: the directory {} does not exist",
                file.display(),
                dir.display()
            )));
        }
        let out = git(&dir, &["rev-parse", "--show-prefix"])?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            return Err(Problem::new(if stderr.contains("not a git repository") {
                format!(
                    "{} is not in a git repository; `goalpost diff` reads the base version with git",
                    file.display()
                )
            } else {
                format!("git cannot find the repository: {}", first_line(&stderr))
            }));
        }
        let prefix = String::from_utf8_lossy(&out.stdout).trim_end().to_string();
        Ok(RepoFile {
            dir,
            path: format!("{prefix}{name}"),
        })
    }

    /// The file's bytes at `rev`; `Ok(None)` when the revision exists but the file does not.
    pub fn read_at(&self, rev: &str) -> Result<Option<Vec<u8>>, Problem> {
        // A revision cannot start with `-`; refusing it keeps it from being read as an option.
        if rev.is_empty() || rev.starts_with('-') {
            return Err(Problem::new(format!("`{rev}` is not a git revision")));
        }
        let commit = format!("{rev}^{{commit}}");
        let known = git(&self.dir, &["rev-parse", "--verify", "--quiet", &commit])?;
        if !known.status.success() {
            return Err(Problem::new(format!("unknown git revision `{rev}`")).help(
                "check the name; a remote branch needs `git fetch` first (in GitHub Actions, `actions/checkout` with `fetch-depth: 0`)",
            ));
        }
        let object = format!("{rev}:{}", self.path);
        let kind = git(&self.dir, &["cat-file", "-t", &object])?;
        if !kind.status.success() {
            return Ok(None);
        }
        if String::from_utf8_lossy(&kind.stdout).trim() != "blob" {
            return Err(Problem::new(format!("{object} is not a file")));
        }
        let size = git(&self.dir, &["cat-file", "-s", &object])?;
        let bytes: u64 = String::from_utf8_lossy(&size.stdout)
            .trim()
            .parse()
            .unwrap_or(0);
        if bytes > MAX_FILE_BYTES {
            return Err(Problem::new(format!(
                "{object} is {} MiB; goal files over {} MiB are refused",
                bytes / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            )));
        }
        let blob = git(&self.dir, &["cat-file", "blob", &object])?;
        if !blob.status.success() {
            return Err(Problem::new(format!(
                "git cannot read {object}: {}",
                first_line(&String::from_utf8_lossy(&blob.stderr))
            )));
        }
        Ok(Some(blob.stdout))
    }
}

/// Runs git in `dir`; failing to start it at all is an error, a non-zero exit is not.
fn git(dir: &Path, args: &[&str]) -> Result<Output, Problem> {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| {
            Problem::new(format!(
                "cannot run git: {e}; `goalpost diff` needs git on the PATH"
            ))
        })
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim()
}
