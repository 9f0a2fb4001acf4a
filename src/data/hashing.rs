//! SHA-256 and size of every export, computed while it is read (no second pass), so a
//! scorecard can be traced to the exact files it came from.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::error::DataError;

/// An input file, so a scorecard can be traced to the exact exports it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InputFile {
    /// Path as shown (relative to the working directory when given so).
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
}

impl InputFile {
    /// Hashes bytes already in memory (the goal file).
    pub fn of_bytes(path: &str, bytes: &[u8]) -> InputFile {
        InputFile {
            path: path.to_string(),
            bytes: bytes.len() as u64,
            sha256: hex(&Sha256::digest(bytes)),
        }
    }
}

/// What has been read of a file so far: its running SHA-256 and its size.
#[derive(Default)]
struct Digested {
    hasher: Sha256,
    bytes: u64,
}

/// A file being read, hashing every byte that passes.
pub struct Hashing {
    path: PathBuf,
    display: String,
    state: Arc<Mutex<Digested>>,
}

impl Hashing {
    /// Prepares to read `path`.
    pub fn open(path: &Path, display: &str) -> Result<Hashing, DataError> {
        Ok(Hashing {
            path: path.to_path_buf(),
            display: display.to_string(),
            state: Arc::default(),
        })
    }

    /// A reader of the file that hashes what it reads.
    pub fn reader(&mut self) -> Result<HashingReader, DataError> {
        let file = File::open(&self.path).map_err(|e| DataError::io(&self.display, &e))?;
        Ok(HashingReader {
            file,
            state: Arc::clone(&self.state),
        })
    }

    /// The whole file, hashed.
    pub fn read_all(&mut self) -> Result<Vec<u8>, DataError> {
        let mut bytes = Vec::new();
        self.reader()?
            .read_to_end(&mut bytes)
            .map_err(|e| DataError::io(&self.display, &e))?;
        Ok(bytes)
    }

    /// Size and digest of everything read.
    pub fn finish(self) -> Result<InputFile, DataError> {
        let state = std::mem::take(&mut *lock(&self.state));
        Ok(InputFile {
            path: self.display,
            bytes: state.bytes,
            sha256: hex(&state.hasher.finalize()),
        })
    }
}

/// See [`Hashing::reader`]. It is `Send`, so a reading thread can hash while others parse.
pub struct HashingReader {
    file: File,
    state: Arc<Mutex<Digested>>,
}

impl Read for HashingReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.file.read(buf)?;
        let mut state = lock(&self.state);
        state.hasher.update(&buf[..n]);
        state.bytes += n as u64;
        Ok(n)
    }
}

/// What has been read, also after a panic elsewhere (the digest is only read once the reading is done).
fn lock(state: &Mutex<Digested>) -> std::sync::MutexGuard<'_, Digested> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
