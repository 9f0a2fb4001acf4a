//! One module per subcommand; each returns an [`crate::Outcome`].

pub mod check;
pub mod diff;
pub mod metrics;
pub mod schema;
pub mod validate;

use std::io::Write;

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
