//! A progress bar for long reads: drawn on a terminal only, never in CI or when stderr is a file
//! or pipe, so logs and captured output stay clean.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// Files smaller than this read too fast for a bar to help.
const MIN_BYTES: u64 = 64 << 20;

/// The bar of one file being read, or nothing.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar for reading `display` (`bytes` long), shown only where it helps: stderr is a
    /// terminal, `CI` is not set, and the file is large.
    pub fn for_file(display: &str, bytes: u64) -> Progress {
        let wanted = bytes >= MIN_BYTES
            && std::io::stderr().is_terminal()
            && std::env::var_os("CI").is_none();
        if !wanted {
            return Progress(None);
        }
        let bar = ProgressBar::new(bytes);
        if let Ok(style) = ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(format!("reading {display}"));
        Progress(Some(bar))
    }

    /// `bytes` more were read (called per chunk, not per row: a per-row tick costs seconds).
    pub fn advance(&self, bytes: usize) {
        if let Some(bar) = &self.0 {
            bar.inc(bytes as u64);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
