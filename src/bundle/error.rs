//! Errors from reading and writing bundles.

use thiserror::Error;

/// Why a `.sonnx` file could not be read as a zip container.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ZipError {
    /// The bytes are not a zip archive (no end-of-central-directory record).
    #[error("not a zip archive: a .sonnx bundle is a zip file; check you passed the bundle, not the raw model")]
    NotAZip,
    /// The archive ends before a structure it declares.
    #[error("zip archive is truncated ({what}): download or copy the bundle again")]
    Truncated {
        /// Which structure was cut off.
        what: &'static str,
    },
    /// A structure inside the archive is inconsistent.
    #[error("zip archive is corrupt: {what}")]
    Corrupt {
        /// What is inconsistent.
        what: &'static str,
    },
    /// A zip feature that bundles never use.
    #[error("zip archive uses {what}, which bundles never do")]
    Unsupported {
        /// The feature.
        what: &'static str,
    },
    /// An entry uses a compression method other than stored or deflate.
    #[error("entry {name:?} uses compression method {method}; only stored (0) and deflate (8) are accepted")]
    UnsupportedMethod {
        /// Entry name.
        name: String,
        /// The method number.
        method: u16,
    },
    /// The same entry name appears twice.
    #[error("entry {name:?} appears more than once")]
    DuplicateEntry {
        /// Entry name.
        name: String,
    },
    /// The decompressed data does not match the stored checksum.
    #[error("entry {name:?} fails its CRC-32 check: the bundle is damaged")]
    CrcMismatch {
        /// Entry name.
        name: String,
    },
    /// The whole file is over the size limit.
    #[error("bundle is {size} bytes, over the {limit}-byte limit")]
    TooLarge {
        /// File size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// More entries than a bundle can have.
    #[error("archive has {count} entries, over the limit of {limit}; a bundle holds three")]
    TooManyEntries {
        /// Entry count.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// One entry decompresses to more than the limit.
    #[error("entry {name:?} decompresses to {size} bytes, over the {limit}-byte limit")]
    EntryTooLarge {
        /// Entry name.
        name: String,
        /// Declared size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// All entries together decompress to more than the limit.
    #[error("entries decompress to more than the {limit}-byte limit")]
    UncompressedTooLarge {
        /// The limit.
        limit: u64,
    },
    /// An entry's compression ratio is typical of a decompression bomb.
    #[error("entry {name:?} would inflate {compressed} bytes to {uncompressed}: refused as a compression bomb")]
    CompressionBomb {
        /// Entry name.
        name: String,
        /// Compressed size.
        compressed: u64,
        /// Declared decompressed size.
        uncompressed: u64,
    },
}

/// Why a bundle could not be read.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum BundleError {
    /// The zip container is unreadable.
    #[error(transparent)]
    Zip(#[from] ZipError),
    /// An entry other than `model.onnx`, `manifest.json` and `model.sig`.
    #[error(
        "unexpected entry {name:?}: a bundle holds only model.onnx, manifest.json and model.sig"
    )]
    UnexpectedEntry {
        /// Entry name.
        name: String,
    },
    /// A required entry is absent.
    #[error("bundle has no {name}")]
    MissingEntry {
        /// Entry name.
        name: &'static str,
    },
    /// `manifest.json` is not valid JSON or does not match the manifest structure.
    #[error("manifest.json is invalid: {detail}")]
    ManifestJson {
        /// The parser's message, with line and column.
        detail: String,
    },
    /// The manifest declares a format this version does not read.
    #[error("unknown bundle format {found:?}: this version of sealed-onnx reads {supported:?}; upgrade sealed-onnx or re-pack the bundle")]
    UnknownFormat {
        /// The declared format.
        found: String,
        /// The format this version reads.
        supported: &'static str,
    },
    /// The manifest parses but is inconsistent.
    #[error("manifest.json is invalid at {path}: {problem}")]
    ManifestInvalid {
        /// Where, e.g. `inputs.features[2].min`.
        path: String,
        /// What is wrong.
        problem: String,
    },
}
