//! Size limits applied while reading a bundle.

/// Limits that keep a hostile bundle from exhausting memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted `.sonnx` file, in bytes.
    pub max_bundle_bytes: u64,
    /// Largest accepted sum of decompressed entry sizes, in bytes.
    pub max_uncompressed_bytes: u64,
    /// Largest accepted single decompressed entry, in bytes.
    pub max_entry_bytes: u64,
    /// Largest accepted `manifest.json` (parsing JSON costs several times its size in
    /// memory, so this is far below the entry limit; the examples' are 16–72 KiB).
    pub max_manifest_bytes: u64,
    /// Largest accepted `model.sig` (a key-based Sigstore bundle is about 1.6 KiB; one with
    /// a certificate chain and transparency-log entries a few KiB). The same as
    /// `trust::MAX_SIGNATURE_BYTES`, checked here from the declared size before inflating.
    pub max_signature_bytes: u64,
    /// Largest accepted ratio of decompressed to compressed size (for entries over 1 MiB).
    pub max_compression_ratio: u64,
    /// Largest accepted number of entries. Above the three a bundle can hold, so that a
    /// stray extra file is reported by name; low enough to bound the work on hostile input.
    pub max_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bundle_bytes: 256 << 20,
            max_uncompressed_bytes: 512 << 20,
            max_entry_bytes: 512 << 20,
            max_manifest_bytes: 8 << 20,
            max_signature_bytes: 1 << 20,
            max_compression_ratio: 100,
            max_entries: 16,
        }
    }
}
