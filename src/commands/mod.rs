//! One module per subcommand; each returns an [`crate::Exit`].

pub mod check;
pub mod completions;
pub mod diff;
pub mod history;
pub mod init;
pub mod init_from;
pub mod inspect;
pub mod metrics;
pub mod schema;
pub mod validate;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::failure::{CannotRun, Problem};

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
/// `replace: false` an existing file is left alone and the write fails. See [`write_files`].
pub(crate) fn write_atomically(path: &Path, text: &str, replace: bool) -> Result<(), Problem> {
    write_files(&[(path, text)], &[], replace)
}

/// The goal file read and linted for `command` (`check`, `history`): a file that does not
/// parse, or has an error-level finding, stops the command with its diagnostics.
pub(crate) fn read_and_lint(
    command: &str,
    path: &Path,
    overrides: &crate::lint::LevelOverrides,
) -> Result<(crate::spec::ParsedFile, crate::lint::Linted), CannotRun> {
    let file = path.display().to_string();
    let parsed = crate::spec::load(path).map_err(|f| {
        let cannot = CannotRun::located(f.diagnostics, &file, f.source.map(|s| s.text));
        let errors = cannot.errors();
        cannot.headline(format!(
            "{command} could not run: {}",
            plural(errors, "error")
        ))
    })?;
    let linted = crate::lint::lint(&parsed, overrides);
    if linted.has_errors() {
        return Err(CannotRun::located(
            linted.diagnostics,
            &file,
            Some(parsed.source.text.clone()),
        )
        .headline(format!(
            "{command} could not run: the goal file has errors (see `goalpost validate`)"
        )));
    }
    Ok((parsed, linted))
}

/// `COMMAND could not run: N data errors`, with each error located in its export or in the
/// goal file's source declaration.
pub(crate) fn data_failure(
    command: &str,
    parsed: &crate::spec::ParsedFile,
    errors: &[crate::data::DataError],
) -> CannotRun {
    let diagnostics = errors.iter().map(|e| e.to_diagnostic(parsed)).collect();
    CannotRun::located(
        diagnostics,
        &parsed.source.display,
        Some(parsed.source.text.clone()),
    )
    .headline(format!(
        "{command} could not run: {}",
        plural(errors.len(), "data error")
    ))
}

/// `1 error`, `2 errors`.
pub(crate) fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// An input that an output must not replace: its path and what it is ("the goal file").
pub(crate) type Protected<'a> = (&'a Path, &'a str);

/// Writes several files all or nothing, as far as the file system allows.
///
/// Every destination is checked first: it must be a regular file or missing (a symlink, device,
/// FIFO or directory is refused, never replaced), and not one of the `protected` inputs (same
/// file, by device and inode, or by canonical path). Then every text goes to a temp file next to
/// its destination, synced, with the destination's mode (an existing file's, else `0666` less
/// the umask). Only when all are written are they renamed over their destinations, in order. A
/// rename that fails then (rare: a rename within one directory needs no space) leaves the
/// destinations before it replaced and the others untouched, and the error names the file.
/// Temp files are removed on every failure, and on SIGINT, SIGTERM and SIGHUP (see
/// [`cleanup`]). Messages name the destination, never the temp file.
pub(crate) fn write_files(
    files: &[(&Path, &str)],
    protected: &[Protected],
    replace: bool,
) -> Result<(), Problem> {
    refuse_repeated(files)?;
    let mut modes = Vec::with_capacity(files.len());
    for (path, _) in files {
        modes.push(check_destination(path, protected, replace)?);
    }
    let mut temps = Vec::with_capacity(files.len());
    for ((path, text), mode) in files.iter().zip(modes) {
        temps.push(Pending::write(path, text, mode)?);
    }
    if let Some(ms) = std::env::var("GOALPOST_TEST_STALL_BEFORE_RENAME")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        // Test hook: lets the tests interrupt a run while its temp files exist.
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    for ((path, _), temp) in files.iter().zip(temps) {
        temp.persist(path, replace)?;
    }
    Ok(())
}

/// A temp file holding one output, registered for removal on a signal (the file is dropped,
/// and so removed, before its registration).
struct Pending {
    file: tempfile::NamedTempFile,
    slot: Slot,
}

/// A temp file's registration in [`cleanup`], forgotten when dropped.
struct Slot(Option<usize>);

impl Drop for Slot {
    fn drop(&mut self) {
        cleanup::unregister(self.0.take());
    }
}

impl Pending {
    fn write(
        path: &Path,
        text: &str,
        mode: Option<std::fs::Permissions>,
    ) -> Result<Pending, Problem> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let fail = |e: &std::io::Error| cannot_write(path, e);
        let mut builder = tempfile::Builder::new();
        builder.prefix(".goalpost-").suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // The umask applies to a created file's mode, as for any other new file.
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let file = builder.tempfile_in(&dir).map_err(|e| fail(&e))?;
        let pending = Pending {
            slot: Slot(cleanup::register(file.path())),
            file,
        };
        let handle = pending.file.as_file();
        if let Some(mode) = mode {
            handle.set_permissions(mode).map_err(|e| fail(&e))?;
        }
        let mut writer = handle;
        writer.write_all(text.as_bytes()).map_err(|e| fail(&e))?;
        handle.sync_all().map_err(|e| fail(&e))?;
        Ok(pending)
    }

    fn persist(self, path: &Path, replace: bool) -> Result<(), Problem> {
        let Pending { file, slot } = self;
        let result = if replace {
            file.persist(path).map(drop)
        } else {
            file.persist_noclobber(path).map(drop)
        };
        // The temp file is renamed, or removed as the error drops it; then it is forgotten.
        let result = result.map_err(|e| cannot_write(path, &e.error));
        drop(slot);
        result
    }
}

/// "cannot write PATH: REASON", the reason without the temp file's path (the errors of the
/// `tempfile` crate name it).
fn cannot_write(path: &Path, e: &std::io::Error) -> Problem {
    let reason = match e.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code).to_string(),
        None => match e.kind() {
            std::io::ErrorKind::AlreadyExists => "the file exists".to_string(),
            std::io::ErrorKind::NotFound => "its directory does not exist".to_string(),
            kind => kind.to_string(),
        },
    };
    Problem::new(format!("cannot write {}: {reason}", path.display()))
}

/// The destination's mode to keep (an existing regular file's), or an error when it must not be
/// written.
/// Two outputs into one file: the later would replace the earlier without a word. Paths are
/// compared as the file system resolves them (`out.md`, `./out.md` and `dir/../out.md` are one).
fn refuse_repeated(files: &[(&Path, &str)]) -> Result<(), Problem> {
    let resolved = |path: &Path| -> PathBuf {
        let parent = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let dir = std::fs::canonicalize(parent).unwrap_or_else(|_| parent.to_path_buf());
        path.file_name().map_or(dir.clone(), |name| dir.join(name))
    };
    let keys: Vec<PathBuf> = files.iter().map(|(p, _)| resolved(p)).collect();
    for (i, key) in keys.iter().enumerate() {
        if let Some(j) = keys[..i].iter().position(|k| k == key) {
            return Err(Problem::new(format!(
                "cannot write {}: another output ({}) writes the same file",
                files[i].0.display(),
                files[j].0.display()
            ))
            .help("give each `-o FORMAT:PATH` a path of its own"));
        }
    }
    Ok(())
}

fn check_destination(
    path: &Path,
    protected: &[Protected],
    replace: bool,
) -> Result<Option<std::fs::Permissions>, Problem> {
    let refuse = |why: String| {
        Problem::new(format!("cannot write {}: {why}", path.display()))
            .help("outputs are written only to a regular file or a new path")
    };
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(cannot_write(path, &e)),
    };
    let file_type = meta.file_type();
    if file_type.is_symlink() {
        return Err(refuse(
            "it is a symbolic link; goalpost does not replace a symbolic link with a file".into(),
        ));
    }
    if let Some(what) = crate::bounded_read::not_regular(file_type) {
        return Err(refuse(format!(
            "it is {what}; goalpost only replaces a regular file"
        )));
    }
    for (input, what) in protected {
        if same_file(path, &meta, input) {
            return Err(Problem::new(format!(
                "cannot write {}: it is {what} ({}), an input of this run",
                path.display(),
                input.display()
            ))
            .help("choose another output path"));
        }
    }
    if !replace {
        return Err(Problem::new(format!(
            "cannot write {}: the file exists",
            path.display()
        )));
    }
    Ok(Some(meta.permissions()))
}

/// Whether the existing `path` (with `meta`) is the same file as `other`.
fn same_file(path: &Path, meta: &std::fs::Metadata, other: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(o) = std::fs::metadata(other) {
            return o.dev() == meta.dev() && o.ino() == meta.ino();
        }
    }
    let _ = meta;
    match (std::fs::canonicalize(path), std::fs::canonicalize(other)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Temp files to remove when the process is interrupted: SIGINT (Ctrl-C), SIGTERM (what CI
/// sends on cancellation), SIGHUP. The handler removes every registered temp file, then
/// restores the default action and raises the signal again, so the process still ends "killed
/// by SIGTERM". A signal the process ignores (`nohup`) stays ignored.
#[cfg(unix)]
#[allow(
    unsafe_code,
    reason = "sigaction and unlink in a signal handler need libc"
)]
mod cleanup {
    use std::ffi::{CString, c_char, c_int};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;
    use std::ptr::null_mut;
    use std::sync::Once;
    use std::sync::atomic::{AtomicPtr, Ordering};

    /// Temp files open at once: one per `-o`.
    const SLOTS: usize = 64;

    /// The registered paths. A path is never freed (a handler may be reading it): a few bytes
    /// per output file per run.
    static PENDING: [AtomicPtr<c_char>; SLOTS] = [const { AtomicPtr::new(null_mut()) }; SLOTS];
    static INSTALL: Once = Once::new();

    /// Registers `path` for removal on a signal; its slot, or `None` when all are taken (the
    /// file is still removed on every other way out).
    pub fn register(path: &Path) -> Option<usize> {
        INSTALL.call_once(install);
        let ptr = CString::new(path.as_os_str().as_bytes()).ok()?.into_raw();
        for (i, slot) in PENDING.iter().enumerate() {
            if slot
                .compare_exchange(null_mut(), ptr, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
            {
                return Some(i);
            }
        }
        // SAFETY: `ptr` came from `into_raw` above and was published nowhere.
        drop(unsafe { CString::from_raw(ptr) });
        None
    }

    /// The file at `slot` is gone (renamed or removed): forget it.
    pub fn unregister(slot: Option<usize>) {
        if let Some(slot) = slot.and_then(|i| PENDING.get(i)) {
            slot.store(null_mut(), Ordering::SeqCst);
        }
    }

    extern "C" fn on_signal(signal: c_int) {
        for slot in &PENDING {
            let path = slot.load(Ordering::SeqCst);
            if !path.is_null() {
                // SAFETY: a registered pointer is a NUL-terminated string that is never freed;
                // unlink is async-signal-safe.
                unsafe { libc::unlink(path) };
            }
        }
        // SAFETY: signal and raise are async-signal-safe; the default action ends the process.
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
    }

    fn install() {
        for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            // SAFETY: plain sigaction calls on zero-initialised structs; the handler only calls
            // async-signal-safe functions.
            unsafe {
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(signal, std::ptr::null(), &raw mut old) != 0
                    || old.sa_sigaction == libc::SIG_IGN
                {
                    continue;
                }
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_signal as extern "C" fn(c_int) as libc::sighandler_t;
                libc::sigemptyset(&raw mut action.sa_mask);
                libc::sigaction(signal, &raw const action, null_mut());
            }
        }
    }
}

/// Elsewhere temp files are removed on every way out but a signal.
#[cfg(not(unix))]
mod cleanup {
    pub fn register(_: &std::path::Path) -> Option<usize> {
        None
    }

    pub fn unregister(_: Option<usize>) {}
}
