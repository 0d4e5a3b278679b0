//! A deliberately small and strict zip reader and writer for bundles.
//!
//! Bundles hold three entries, and the reader is the first thing an attacker's bytes reach,
//! so we parse the archive ourselves instead of using a general zip library. The reader
//! accepts exactly the layout [`write`] produces — entries back to back from offset 0, the
//! central directory right after them, the end record closing the file — and refuses
//! everything a general reader tolerates and another reader might interpret differently:
//! data before, between or after the structures, a second or commented end record, zip64,
//! extra fields, local headers that disagree with the directory, flags other than UTF-8,
//! encryption, methods other than stored and deflate, links and directories. The rule it
//! enforces is that Python's `zipfile`, `unzip` and sealed-onnx read the same entries with
//! the same bytes (tested against `zipfile` in `tests/e2e/hostile.rs`).
//!
//! Reading happens in two steps so that nothing is inflated before the whole directory,
//! every name and every declared size has been checked: [`read_directory`], then
//! [`inflate`] for each entry the caller wants.

mod directory;
mod inflate;
mod layout;
mod write;

pub use super::error::ZipError;
use super::limits::Limits;
pub use directory::{read_directory, EntryInfo};
pub use write::write;

/// The first four bytes of every bundle (the first entry's local header): a stream that
/// starts otherwise can be refused before reading the rest.
pub const LOCAL_HEADER_SIGNATURE: [u8; 4] = *b"PK\x03\x04";

/// One decompressed entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Entry name.
    pub name: String,
    /// Decompressed content.
    pub data: Vec<u8>,
}

/// Inflates one entry of `bytes` found by [`read_directory`] on the same bytes.
///
/// # Errors
/// A [`ZipError`] when the data does not inflate to exactly its declared size, has bytes
/// after the end of its deflate stream, or fails its CRC-32.
pub fn inflate(bytes: &[u8], entry: &EntryInfo) -> Result<Vec<u8>, ZipError> {
    inflate::inflate(bytes, entry)
}

/// Reads and inflates every entry, enforcing `limits` and refusing anything unusual.
///
/// # Errors
/// The first check that fails, as a [`ZipError`]; [`ZipError::check`] names it.
///
/// # Example
///
/// ```
/// use sealed_onnx::bundle::{zip, Limits};
/// let bytes = zip::write(&[("model.onnx", b"graph")]);
/// assert_eq!(zip::read(&bytes, &Limits::default()).unwrap()[0].data, b"graph");
///
/// // Data in front of the archive: zipfile would read it, sealed-onnx does not.
/// let mut prepended = b"#!/bin/sh\n".to_vec();
/// prepended.extend_from_slice(&bytes);
/// let err = zip::read(&prepended, &Limits::default()).unwrap_err();
/// assert_eq!(err.check(), "zip.prepended-data");
/// ```
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Vec<Entry>, ZipError> {
    read_directory(bytes, limits)?
        .into_iter()
        .map(|info| {
            let data = inflate(bytes, &info)?;
            Ok(Entry {
                name: info.name,
                data,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
