//! A registry folder on disk: reading its files and replacing them atomically.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use p256::ecdsa::VerifyingKey;

use super::error::RegistryError;
use super::history::{verify_history, VerifiedHistory};
use super::index::{verify_index, VerifiedIndex, MAX_INDEX_BYTES};

/// The index file's name inside a model folder.
pub const INDEX_FILE: &str = "index.json";
/// The history file's name inside a model folder.
pub const HISTORY_FILE: &str = "history.jsonl";

/// One model's folder in a registry: `DIR/<name>/`.
#[derive(Debug, Clone)]
pub struct ModelFolder {
    /// The folder.
    pub path: PathBuf,
    /// The model's name (the folder's name).
    pub name: String,
}

impl ModelFolder {
    /// The folder of `name` in the registry `dir`.
    pub fn new(dir: &Path, name: &str) -> ModelFolder {
        ModelFolder {
            path: dir.join(name),
            name: name.to_owned(),
        }
    }

    /// The folder at `path`, named by its last component.
    pub fn at(path: &Path) -> ModelFolder {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        ModelFolder {
            path: path.to_owned(),
            name,
        }
    }

    /// A file of the folder.
    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// Whether the folder has an index.
    pub fn exists(&self) -> bool {
        self.file(INDEX_FILE).is_file()
    }

    /// Reads and verifies the index.
    ///
    /// # Errors
    /// A missing or unreadable index, or one that does not verify.
    pub fn read_index(&self, key: &VerifyingKey) -> Result<VerifiedIndex, RegistryError> {
        let path = self.file(INDEX_FILE);
        let bytes = read_capped(&path, MAX_INDEX_BYTES as u64).map_err(|detail| {
            RegistryError::IndexFormat {
                what: format!("cannot read {}: {detail}", path.display()),
            }
        })?;
        verify_index(&bytes, key, Some(&self.name))
    }

    /// Reads and verifies the history, against the index's head when given.
    ///
    /// # Errors
    /// The first line that fails.
    pub fn read_history(
        &self,
        key: &VerifyingKey,
        index: Option<&VerifiedIndex>,
    ) -> Result<(Vec<u8>, VerifiedHistory), RegistryError> {
        let path = self.file(HISTORY_FILE);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => {
                return Err(RegistryError::HistoryFormat {
                    line: 0,
                    what: format!("cannot read {}: {e}", path.display()),
                })
            }
        };
        let history = verify_history(&bytes, key, &self.name, index.map(|i| &i.index.history))?;
        Ok((bytes, history))
    }
}

/// Reads a file whole, refusing one over `limit` bytes before reading it.
///
/// # Errors
/// The reason, as text.
pub fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".to_owned());
    }
    if meta.len() > limit {
        return Err(format!("{} bytes, over the {limit}-byte limit", meta.len()));
    }
    std::fs::read(path).map_err(|e| e.to_string())
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

fn write_temp(path: &Path, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let temp = temp_path(path);
    let mut file = std::fs::File::create(&temp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(temp)
}

/// Replaces `path` with `bytes` atomically: a reader sees the old file or the new one.
///
/// # Errors
/// Writing or renaming failed (the old file is then untouched).
pub fn replace_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temp = write_temp(path, bytes)?;
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

/// Creates `path` with `bytes` atomically, failing if it exists (a published bundle is
/// never overwritten): written to a temporary file, then hard-linked into place, which the
/// file system refuses when the name is taken.
///
/// # Errors
/// [`std::io::ErrorKind::AlreadyExists`] when `path` exists; other I/O failures.
pub fn create_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temp = write_temp(path, bytes)?;
    let linked = std::fs::hard_link(&temp, path);
    let _ = std::fs::remove_file(&temp);
    linked
}
