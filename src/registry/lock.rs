//! One writer at a time per model folder: a lock file created exclusively.
//!
//! `publish`, `promote` and `rollback` take the lock before reading the index and hold it
//! until the new index is in place. A second writer does not wait: it fails at once, naming
//! the lock file and what the holder wrote into it, and changes nothing. Readers (a web
//! server, `loadModel`) never take the lock: every file they read is replaced by an atomic
//! rename, so they see the old state or the new one, never half of one.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// The lock file's name inside a model folder.
pub const LOCK_FILE: &str = ".lock";

/// Why the lock could not be taken.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LockError {
    /// Another writer holds it.
    #[error("the registry folder is locked by another writer ({holder}); nothing was changed. Retry when it is done; if no sealed-onnx process is running, a crashed one left {} behind: remove it", path.display())]
    Held {
        /// The lock file.
        path: PathBuf,
        /// What the holder wrote (its process id and start time).
        holder: String,
    },
    /// The lock file could not be created for another reason.
    #[error("cannot create the lock file {}: {source}", path.display())]
    Io {
        /// The lock file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// A held lock; dropping it removes the lock file.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

impl Lock {
    /// Takes the lock of `folder` (which must exist), or fails at once if it is held.
    ///
    /// # Errors
    /// [`LockError::Held`] when another writer holds it.
    pub fn acquire(folder: &Path) -> Result<Lock, LockError> {
        let path = folder.join(LOCK_FILE);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                let now = time::OffsetDateTime::now_utc()
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default();
                // Informative only: the lock is the file's existence.
                let _ = writeln!(file, "pid {} since {now}", std::process::id());
                Ok(Lock { path })
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let holder = std::fs::read_to_string(&path)
                    .map(|s| s.trim().to_owned())
                    .ok()
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "a writer that is starting".to_owned());
                Err(LockError::Held { path, holder })
            }
            Err(source) => Err(LockError::Io { path, source }),
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
