//! Errors from reading and writing bundles.

use thiserror::Error;

/// Why a `.sonnx` file could not be read as a zip container.
///
/// Each check has its own variant, and [`ZipError::check`] gives its stable name (the one
/// the hostile-bundle corpus in `tests/hostile/` expects).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ZipError {
    /// The bytes are not a zip archive (no end-of-central-directory record).
    #[error("not a zip archive: a .sonnx bundle is a zip file; check you passed the bundle, not the raw model")]
    NotAZip,
    /// The file is over the size limit (checked before reading it whole).
    #[error("bundle is {size} bytes, over the {limit}-byte limit")]
    TooLarge {
        /// File size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A stream of unknown length went past the size limit; reading stopped there.
    #[error("bundle is more than the {limit}-byte limit (reading stopped at the limit)")]
    StreamTooLarge {
        /// The limit.
        limit: u64,
    },
    /// The archive ends before a structure it declares.
    #[error("zip archive is truncated ({what}): download or copy the bundle again")]
    Truncated {
        /// Which structure was cut off.
        what: &'static str,
    },
    /// A record signature is missing where the layout puts one.
    #[error("zip archive is corrupt: {what}")]
    Corrupt {
        /// What is inconsistent.
        what: &'static str,
    },
    /// Bytes follow the end-of-central-directory record (or it is not the last record).
    #[error("zip archive has {bytes} bytes after its end record: a bundle ends with its end record; other zip tools could read a different archive")]
    DataAfterEndRecord {
        /// How many bytes follow the end record found.
        bytes: u64,
    },
    /// The end record declares an archive comment.
    #[error(
        "zip archive has a {length}-byte archive comment: bundles have none; re-pack the bundle"
    )]
    ArchiveComment {
        /// The declared comment length.
        length: u16,
    },
    /// Any zip64 structure or marker value.
    #[error("zip archive uses zip64 ({what}), which bundles never do")]
    Zip64 {
        /// Which zip64 structure was found.
        what: &'static str,
    },
    /// Disk numbers other than 0, or per-disk counts that differ from the totals.
    #[error("zip archive spans several disks, which bundles never do")]
    MultiDisk,
    /// More entries than a bundle can have.
    #[error("archive has {count} entries, over the limit of {limit}; a bundle holds three")]
    TooManyEntries {
        /// Entry count (as declared, or as found so far).
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// The end record's entry count differs from the entries in the directory.
    #[error("zip end record declares {declared} entries but the central directory holds {found}: other zip tools could read different entries")]
    EntryCountMismatch {
        /// Count in the end record.
        declared: u16,
        /// Entries found in the directory.
        found: usize,
    },
    /// Data before the first entry (the archive's offsets do not start at 0).
    #[error("zip archive has {bytes} bytes of data in front of it: a bundle starts with its first entry")]
    PrependedData {
        /// Bytes before the archive.
        bytes: u64,
    },
    /// Bytes between the central directory and the end record.
    #[error("zip archive has {bytes} bytes between its central directory and its end record: a bundle has none")]
    JunkBeforeEndRecord {
        /// Bytes in the gap.
        bytes: u64,
    },
    /// Bytes between the last entry's data and the central directory.
    #[error("zip archive has {bytes} bytes between its last entry and its central directory: a bundle has none")]
    DataBeforeDirectory {
        /// Bytes in the gap.
        bytes: u64,
    },
    /// An entry's local header is not right after the previous entry's data (or, for the
    /// first entry, not at the start of the file).
    #[error("entry {name:?} starts at offset {found} where the layout puts it at {expected}: a bundle's entries are back to back from the start of the file, in directory order")]
    EntryOutOfPlace {
        /// Entry name.
        name: String,
        /// Where the layout puts it.
        expected: u64,
        /// Where the directory says it is.
        found: u64,
    },
    /// An entry name that is not a plain file name: empty, starting with `.`, or with
    /// anything but ASCII letters, digits, `.`, `_` and `-` (paths, NUL, non-ASCII).
    #[error("entry name {name:?} is not a plain file name (ASCII letters, digits, '.', '_', '-'): bundle entries are model.onnx, manifest.json and model.sig")]
    UnsafeName {
        /// The name, lossily decoded.
        name: String,
    },
    /// The same entry name appears twice.
    #[error("entry {name:?} appears more than once")]
    DuplicateEntry {
        /// Entry name.
        name: String,
    },
    /// An extra field (zip64 sizes, timestamps, Unix owners…) in either header.
    #[error("entry {name:?} has an extra field in its {header}: bundles have none")]
    ExtraField {
        /// Entry name.
        name: String,
        /// `central directory` or `local header`.
        header: &'static str,
    },
    /// A per-entry comment.
    #[error("entry {name:?} has a comment: bundles have none")]
    EntryComment {
        /// Entry name.
        name: String,
    },
    /// An entry that needs a newer zip version than 2.0 to extract.
    #[error("entry {name:?} needs zip version {}.{} to extract; bundle entries need 2.0", version / 10, version % 10)]
    VersionNeeded {
        /// Entry name.
        name: String,
        /// The declared version needed (45 = 4.5).
        version: u16,
    },
    /// A general-purpose flag bit other than UTF-8 names and the deflate level hint.
    #[error(
        "entry {name:?} sets general-purpose flag bit {bit} ({meaning}), which bundles never use"
    )]
    DisallowedFlag {
        /// Entry name.
        name: String,
        /// The lowest disallowed bit.
        bit: u8,
        /// What that bit means.
        meaning: &'static str,
    },
    /// An entry uses a compression method other than stored or deflate.
    #[error("entry {name:?} uses compression method {method}; only stored (0) and deflate (8) are accepted")]
    UnsupportedMethod {
        /// Entry name.
        name: String,
        /// The method number.
        method: u16,
    },
    /// A stored entry whose compressed and uncompressed sizes differ.
    #[error("stored entry {name:?} declares {compressed} bytes stored but {uncompressed} bytes of content")]
    StoredSizeMismatch {
        /// Entry name.
        name: String,
        /// Compressed size.
        compressed: u64,
        /// Uncompressed size.
        uncompressed: u64,
    },
    /// External attributes that make an entry a link, directory or device.
    #[error("entry {name:?} is not a regular file (external attributes {attributes:#010x}): unzip would not extract it as a file")]
    NotARegularFile {
        /// Entry name.
        name: String,
        /// The external attributes.
        attributes: u32,
    },
    /// No local header where the directory says the entry starts.
    #[error("entry {name:?} has no local header where the central directory puts it")]
    LocalHeaderMissing {
        /// Entry name.
        name: String,
    },
    /// The local header disagrees with the central directory.
    #[error("entry {name:?}: the local header's {field} differs from the central directory's; other zip tools could extract different bytes")]
    LocalHeaderMismatch {
        /// Entry name.
        name: String,
        /// The first field that differs.
        field: &'static str,
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
    /// All entries together declare more than the limit.
    #[error("entries declare {declared} bytes or more decompressed, over the {limit}-byte limit")]
    UncompressedTooLarge {
        /// The declared sizes summed so far.
        declared: u64,
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
    /// The compressed data is not a valid deflate stream.
    #[error("entry {name:?} is not valid deflate data: the bundle is damaged")]
    InflateFailed {
        /// Entry name.
        name: String,
    },
    /// The data inflates to a size other than the declared one.
    #[error("entry {name:?} inflates to {} than its declared {declared} bytes", if *larger { "more" } else { "fewer" })]
    InflatedSizeMismatch {
        /// Entry name.
        name: String,
        /// Declared size.
        declared: u64,
        /// Whether it inflates to more (else fewer).
        larger: bool,
    },
    /// Bytes after the end of the deflate stream, inside the entry's compressed size.
    #[error(
        "entry {name:?} has {bytes} bytes after the end of its compressed data: a bundle has none"
    )]
    CompressedTrailingData {
        /// Entry name.
        name: String,
        /// The unused bytes.
        bytes: u64,
    },
    /// The decompressed data does not match the stored checksum.
    #[error("entry {name:?} fails its CRC-32 check: the bundle is damaged")]
    CrcMismatch {
        /// Entry name.
        name: String,
    },
}

impl ZipError {
    /// The stable name of the failed check, e.g. `zip.local-header-mismatch`.
    pub fn check(&self) -> &'static str {
        match self {
            ZipError::NotAZip => "zip.not-a-zip",
            ZipError::TooLarge { .. } | ZipError::StreamTooLarge { .. } => "zip.too-large",
            ZipError::Truncated { .. } => "zip.truncated",
            ZipError::Corrupt { .. } => "zip.corrupt",
            ZipError::DataAfterEndRecord { .. } => "zip.data-after-end-record",
            ZipError::ArchiveComment { .. } => "zip.archive-comment",
            ZipError::Zip64 { .. } => "zip.zip64",
            ZipError::MultiDisk => "zip.multi-disk",
            ZipError::TooManyEntries { .. } => "zip.too-many-entries",
            ZipError::EntryCountMismatch { .. } => "zip.entry-count-mismatch",
            ZipError::PrependedData { .. } => "zip.prepended-data",
            ZipError::JunkBeforeEndRecord { .. } => "zip.junk-before-end-record",
            ZipError::DataBeforeDirectory { .. } => "zip.data-before-directory",
            ZipError::EntryOutOfPlace { .. } => "zip.entry-out-of-place",
            ZipError::UnsafeName { .. } => "zip.unsafe-name",
            ZipError::DuplicateEntry { .. } => "zip.duplicate-entry",
            ZipError::ExtraField { .. } => "zip.extra-field",
            ZipError::EntryComment { .. } => "zip.entry-comment",
            ZipError::VersionNeeded { .. } => "zip.version-needed",
            ZipError::DisallowedFlag { .. } => "zip.disallowed-flag",
            ZipError::UnsupportedMethod { .. } => "zip.unsupported-method",
            ZipError::StoredSizeMismatch { .. } => "zip.stored-size-mismatch",
            ZipError::NotARegularFile { .. } => "zip.not-a-regular-file",
            ZipError::LocalHeaderMissing { .. } => "zip.local-header-missing",
            ZipError::LocalHeaderMismatch { .. } => "zip.local-header-mismatch",
            ZipError::EntryTooLarge { .. } => "zip.entry-too-large",
            ZipError::UncompressedTooLarge { .. } => "zip.uncompressed-too-large",
            ZipError::CompressionBomb { .. } => "zip.compression-bomb",
            ZipError::InflateFailed { .. } => "zip.inflate-failed",
            ZipError::InflatedSizeMismatch { .. } => "zip.inflated-size-mismatch",
            ZipError::CompressedTrailingData { .. } => "zip.compressed-trailing-data",
            ZipError::CrcMismatch { .. } => "zip.crc-mismatch",
        }
    }
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
    /// `manifest.json` declares more bytes than the manifest limit.
    #[error("manifest.json is {size} bytes, over the {limit}-byte manifest limit")]
    ManifestTooLarge {
        /// Declared size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// `model.sig` declares more bytes than the signature limit.
    #[error("model.sig is {size} bytes, over the {limit}-byte signature limit")]
    SignatureTooLarge {
        /// Declared size.
        size: u64,
        /// The limit.
        limit: u64,
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

impl BundleError {
    /// The stable name of the failed check, e.g. `zip.archive-comment` or
    /// `bundle.unexpected-entry`.
    pub fn check(&self) -> &'static str {
        match self {
            BundleError::Zip(e) => e.check(),
            BundleError::UnexpectedEntry { .. } => "bundle.unexpected-entry",
            BundleError::MissingEntry { .. } => "bundle.missing-entry",
            BundleError::ManifestTooLarge { .. } => "bundle.manifest-too-large",
            BundleError::SignatureTooLarge { .. } => "bundle.signature-too-large",
            BundleError::ManifestJson { .. } => "manifest.json",
            BundleError::UnknownFormat { .. } => "manifest.format",
            BundleError::ManifestInvalid { .. } => "manifest.invalid",
        }
    }
}
