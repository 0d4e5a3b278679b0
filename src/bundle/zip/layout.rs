//! The byte layout of the zip records a bundle uses, and little-endian field reads that
//! return `None` past the end instead of panicking.

pub(super) const LOCAL_SIG: u32 = 0x0403_4b50;
pub(super) const CENTRAL_SIG: u32 = 0x0201_4b50;
pub(super) const EOCD_SIG: u32 = 0x0605_4b50;
pub(super) const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
pub(super) const EOCD_LEN: usize = 22;
pub(super) const ZIP64_LOCATOR_LEN: usize = 20;
pub(super) const CENTRAL_LEN: usize = 46;
pub(super) const LOCAL_LEN: usize = 30;
pub(super) const METHOD_STORED: u16 = 0;
pub(super) const METHOD_DEFLATE: u16 = 8;
/// General-purpose flag bit 11: names and comments are UTF-8.
pub(super) const FLAG_UTF8: u16 = 1 << 11;
/// Flag bits a bundle may carry: 11 (UTF-8 names) and 1–2 (the deflate level hint, which
/// changes nothing about how the data is read).
pub(super) const FLAGS_ALLOWED: u16 = FLAG_UTF8 | 0b110;
/// "Version needed to extract" of a bundle entry: 2.0 (deflate). zip64 needs 4.5, strong
/// encryption 5.0, newer methods 6.3.
pub(super) const VERSION_NEEDED_MAX: u16 = 20;
/// The file-type bits of a Unix mode (upper half of the external attributes).
pub(super) const UNIX_TYPE_MASK: u32 = 0o170_000;
/// A regular file.
pub(super) const UNIX_REGULAR: u32 = 0o100_000;
/// MS-DOS attribute bits that make an entry something other than a plain file: volume
/// label (0x08) and directory (0x10).
pub(super) const DOS_NOT_A_FILE: u32 = 0x18;

/// A little-endian `u16` at `at`, or `None` past the end.
pub(super) fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

/// A little-endian `u32` at `at`, or `None` past the end.
pub(super) fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// What the local header and the central directory must agree on, field by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct CommonFields {
    pub version_needed: u16,
    pub flags: u16,
    pub method: u16,
    pub time: u16,
    pub date: u16,
    pub crc: u32,
    pub compressed: u32,
    pub uncompressed: u32,
    pub name_len: u16,
}

impl CommonFields {
    /// Reads the fields shared by both headers, starting at `at` (the version-needed field).
    pub(super) fn read(b: &[u8], at: usize) -> Option<CommonFields> {
        Some(CommonFields {
            version_needed: u16_at(b, at)?,
            flags: u16_at(b, at + 2)?,
            method: u16_at(b, at + 4)?,
            time: u16_at(b, at + 6)?,
            date: u16_at(b, at + 8)?,
            crc: u32_at(b, at + 10)?,
            compressed: u32_at(b, at + 14)?,
            uncompressed: u32_at(b, at + 18)?,
            name_len: u16_at(b, at + 22)?,
        })
    }

    /// The first field (by name) where `self` and `other` differ.
    pub(super) fn first_difference(&self, other: &CommonFields) -> Option<&'static str> {
        let pairs: [(&'static str, u32, u32); 9] = [
            (
                "version needed",
                self.version_needed.into(),
                other.version_needed.into(),
            ),
            ("flags", self.flags.into(), other.flags.into()),
            (
                "compression method",
                self.method.into(),
                other.method.into(),
            ),
            ("modification time", self.time.into(), other.time.into()),
            ("modification date", self.date.into(), other.date.into()),
            ("CRC-32", self.crc, other.crc),
            ("compressed size", self.compressed, other.compressed),
            ("uncompressed size", self.uncompressed, other.uncompressed),
            ("name length", self.name_len.into(), other.name_len.into()),
        ];
        pairs
            .iter()
            .find(|(_, a, b)| a != b)
            .map(|(what, _, _)| *what)
    }
}

/// The name of the first disallowed general-purpose flag bit in `flags`, if any.
pub(super) fn disallowed_flag(flags: u16) -> Option<(u8, &'static str)> {
    let bad = flags & !FLAGS_ALLOWED;
    if bad == 0 {
        return None;
    }
    let bit = bad.trailing_zeros() as u8;
    let meaning = match bit {
        0 => "encryption",
        3 => "data descriptor (sizes after the data)",
        4 => "enhanced deflate",
        5 => "compressed patched data",
        6 => "strong encryption",
        13 => "encrypted central directory",
        _ => "reserved",
    };
    Some((bit, meaning))
}
