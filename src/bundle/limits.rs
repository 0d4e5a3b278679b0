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
            max_compression_ratio: 100,
            max_entries: 16,
        }
    }
}
