//! One module per subcommand; each returns an [`crate::Exit`].

pub mod check;
pub mod completions;
pub mod diff;
pub mod init;
pub mod metrics;
pub mod schema;
pub mod validate;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::failure::Problem;

/// Writes `text` to stdout; a closed pipe (`goalpost metrics | head`) is not an error.
pub(crate) fn print_stdout(text: &str) -> bool {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => true,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => true,
        Err(e) => {
            eprintln!("error: cannot write to stdout: {e}");
            false
        }
    }
}

/// Writes `text` next to `path`, syncs, then renames: readers never see half a file. With
/// `replace: false` an existing file is left alone and the write fails.
pub(crate) fn write_atomically(path: &Path, text: &str, replace: bool) -> Result<(), Problem> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let fail = |e: std::io::Error| Problem::new(format!("cannot write {}: {e}", path.display()));
    let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(fail)?;
    tmp.write_all(text.as_bytes()).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    if replace {
        tmp.persist(path).map_err(|e| fail(e.error))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| fail(e.error))?;
    }
    Ok(())
}
