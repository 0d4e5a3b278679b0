//! Reading and checking the layout of a zip archive without inflating anything.
//!
//! The rule: every byte of the file belongs to exactly one structure, in the one order a
//! plain zip writer produces (local header, name, data; …; central directory; end record),
//! and every field that another zip reader might consult says the same thing as the field
//! we consult. Then Python's `zipfile` (which trusts the central directory and the sizes in
//! it), `unzip` (which searches for the end record from the end of the file) and streaming
//! readers (which walk local headers from the start) all find the same entries at the same
//! offsets with the same bytes as we do.

use super::layout::*;
use super::ZipError;
use crate::bundle::Limits;

/// One entry as the central directory declares it, already checked against its local
/// header, its place in the file and the limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryInfo {
    /// Entry name (printable ASCII).
    pub name: String,
    /// Declared decompressed size.
    pub uncompressed_size: u64,
    /// Compressed (stored) size.
    pub compressed_size: u64,
    pub(super) method: u16,
    pub(super) crc: u32,
    pub(super) data_start: usize,
}

fn truncated(what: &'static str) -> ZipError {
    ZipError::Truncated { what }
}

/// The offset of the end-of-central-directory record, which must be the file's last 22
/// bytes, with no archive comment.
fn find_end_record(bytes: &[u8]) -> Result<usize, ZipError> {
    let Some(tail) = bytes.len().checked_sub(EOCD_LEN) else {
        return Err(ZipError::NotAZip);
    };
    if u32_at(bytes, tail) == Some(EOCD_SIG) {
        return Ok(tail);
    }
    // Not at the end: name what follows the end record if there is one where a general zip
    // reader would look for it (the last 64 KiB, the largest archive comment).
    let first = tail.saturating_sub(usize::from(u16::MAX));
    match (first..tail)
        .rev()
        .find(|&pos| u32_at(bytes, pos) == Some(EOCD_SIG))
    {
        Some(pos) => {
            let after = tail - pos;
            match u16_at(bytes, pos + 20) {
                Some(comment) if usize::from(comment) == after => {
                    Err(ZipError::ArchiveComment { length: comment })
                }
                _ => Err(ZipError::DataAfterEndRecord {
                    bytes: after as u64,
                }),
            }
        }
        None => Err(ZipError::NotAZip),
    }
}

/// The central directory's place, from the end record.
struct EndRecord {
    entries: u16,
    cd_offset: usize,
    cd_end: usize,
}

fn read_end_record(bytes: &[u8], eocd: usize, limits: &Limits) -> Result<EndRecord, ZipError> {
    let f16 = |off| u16_at(bytes, eocd + off).ok_or(truncated("end of central directory"));
    let f32 = |off| u32_at(bytes, eocd + off).ok_or(truncated("end of central directory"));
    let (disk, cd_disk, on_disk, total) = (f16(4)?, f16(6)?, f16(8)?, f16(10)?);
    let (cd_size, cd_offset, comment) = (f32(12)?, f32(16)?, f16(20)?);
    if comment != 0 {
        return Err(ZipError::ArchiveComment { length: comment });
    }
    if on_disk == u16::MAX || total == u16::MAX || cd_size == u32::MAX || cd_offset == u32::MAX {
        return Err(ZipError::Zip64 {
            what: "end record field set to the zip64 marker",
        });
    }
    if eocd >= ZIP64_LOCATOR_LEN
        && u32_at(bytes, eocd - ZIP64_LOCATOR_LEN) == Some(ZIP64_LOCATOR_SIG)
    {
        return Err(ZipError::Zip64 {
            what: "zip64 end-of-central-directory locator",
        });
    }
    if disk != 0 || cd_disk != 0 || on_disk != total {
        return Err(ZipError::MultiDisk);
    }
    if usize::from(total) > limits.max_entries {
        return Err(ZipError::TooManyEntries {
            count: total.into(),
            limit: limits.max_entries,
        });
    }
    let cd_offset = cd_offset as usize;
    let cd_size = cd_size as usize;
    let cd_end = cd_offset
        .checked_add(cd_size)
        .filter(|&end| end <= eocd)
        .ok_or(truncated("central directory"))?;
    if cd_end < eocd {
        let gap = (eocd - cd_end) as u64;
        // A directory that ends right before the end record, but at offsets shifted by the
        // gap: data was put in front of the archive (zipfile reads such files, we do not).
        let shifted = eocd
            .checked_sub(cd_size)
            .is_some_and(|at| cd_size > 0 && u32_at(bytes, at) == Some(CENTRAL_SIG));
        return Err(if shifted {
            ZipError::PrependedData { bytes: gap }
        } else {
            ZipError::JunkBeforeEndRecord { bytes: gap }
        });
    }
    Ok(EndRecord {
        entries: total,
        cd_offset,
        cd_end,
    })
}

/// Reads the central directory and every local header, checking the layout and the
/// declared sizes; inflates nothing.
///
/// # Errors
/// The first check that fails, as a [`ZipError`]: the file size, the end record, the
/// directory, each local header against it, the names, the declared sizes.
pub fn read_directory(bytes: &[u8], limits: &Limits) -> Result<Vec<EntryInfo>, ZipError> {
    if bytes.len() as u64 > limits.max_bundle_bytes {
        return Err(ZipError::TooLarge {
            size: bytes.len() as u64,
            limit: limits.max_bundle_bytes,
        });
    }
    let eocd = find_end_record(bytes)?;
    let end = read_end_record(bytes, eocd, limits)?;

    let mut entries: Vec<EntryInfo> = Vec::new();
    let mut total_declared: u64 = 0;
    let mut next_local: usize = 0;
    let mut pos = end.cd_offset;
    while pos < end.cd_end {
        if entries.len() >= limits.max_entries {
            return Err(ZipError::TooManyEntries {
                count: entries.len() + 1,
                limit: limits.max_entries,
            });
        }
        let (entry, next) = read_central_entry(bytes, pos, end.cd_end)?;
        pos = next;
        if entries.iter().any(|e| e.name == entry.info.name) {
            return Err(ZipError::DuplicateEntry {
                name: entry.info.name,
            });
        }
        let info = check_local_header(bytes, entry, next_local, end.cd_offset)?;
        next_local = info.data_start + info.compressed_size as usize;
        check_declared_size(&info, &mut total_declared, limits)?;
        entries.push(info);
    }
    if entries.len() != usize::from(end.entries) {
        return Err(ZipError::EntryCountMismatch {
            declared: end.entries,
            found: entries.len(),
        });
    }
    if next_local != end.cd_offset {
        return Err(ZipError::DataBeforeDirectory {
            bytes: (end.cd_offset - next_local) as u64,
        });
    }
    Ok(entries)
}

/// A central-directory entry, before its local header is checked.
struct Central {
    info: EntryInfo,
    fields: CommonFields,
    local: usize,
}

fn read_central_entry(
    bytes: &[u8],
    pos: usize,
    cd_end: usize,
) -> Result<(Central, usize), ZipError> {
    let cut = || truncated("central directory");
    if u32_at(bytes, pos) != Some(CENTRAL_SIG) {
        return Err(ZipError::Corrupt {
            what: "central directory entry signature",
        });
    }
    let fields = CommonFields::read(bytes, pos + 6).ok_or_else(cut)?;
    let h16 = |off: usize| u16_at(bytes, pos + off).ok_or_else(cut);
    let h32 = |off: usize| u32_at(bytes, pos + off).ok_or_else(cut);
    let (extra_len, comment_len, disk) = (h16(30)?, h16(32)?, h16(34)?);
    let (external, local) = (h32(38)?, h32(42)?);
    let name_len = usize::from(fields.name_len);
    let name_at = pos + CENTRAL_LEN;
    let name_bytes = bytes.get(name_at..name_at + name_len).ok_or_else(cut)?;
    let next = name_at + name_len + usize::from(extra_len) + usize::from(comment_len);
    if next > cd_end {
        return Err(ZipError::Corrupt {
            what: "central directory entry runs past the directory's declared size",
        });
    }
    // Plain ASCII file names only (the three bundle names are): then every reader decodes a
    // name the same way whether or not it honours the UTF-8 flag (cp437 vs UTF-8), and no
    // extractor rewrites it (`unzip` strips `../`, maps `\\`, refuses absolute paths).
    let plain = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-');
    if name_bytes.first().is_none_or(|&b| b == b'.') || !name_bytes.iter().all(plain) {
        return Err(ZipError::UnsafeName {
            name: String::from_utf8_lossy(name_bytes).into_owned(),
        });
    }
    let name = String::from_utf8_lossy(name_bytes).into_owned();
    if fields.compressed == u32::MAX || fields.uncompressed == u32::MAX || local == u32::MAX {
        return Err(ZipError::Zip64 {
            what: "entry size or offset set to the zip64 marker",
        });
    }
    if extra_len != 0 {
        return Err(ZipError::ExtraField {
            name,
            header: "central directory",
        });
    }
    if comment_len != 0 {
        return Err(ZipError::EntryComment { name });
    }
    if disk != 0 {
        return Err(ZipError::MultiDisk);
    }
    if fields.version_needed > VERSION_NEEDED_MAX {
        return Err(ZipError::VersionNeeded {
            name,
            version: fields.version_needed,
        });
    }
    if let Some((bit, meaning)) = disallowed_flag(fields.flags) {
        return Err(ZipError::DisallowedFlag { name, bit, meaning });
    }
    if fields.method != METHOD_STORED && fields.method != METHOD_DEFLATE {
        return Err(ZipError::UnsupportedMethod {
            name,
            method: fields.method,
        });
    }
    if fields.method == METHOD_STORED && fields.compressed != fields.uncompressed {
        return Err(ZipError::StoredSizeMismatch {
            name,
            compressed: fields.compressed.into(),
            uncompressed: fields.uncompressed.into(),
        });
    }
    let unix_type = (external >> 16) & UNIX_TYPE_MASK;
    if (unix_type != 0 && unix_type != UNIX_REGULAR) || external & DOS_NOT_A_FILE != 0 {
        return Err(ZipError::NotARegularFile {
            name,
            attributes: external,
        });
    }
    let info = EntryInfo {
        name,
        uncompressed_size: fields.uncompressed.into(),
        compressed_size: fields.compressed.into(),
        method: fields.method,
        crc: fields.crc,
        data_start: 0,
    };
    Ok((
        Central {
            info,
            fields,
            local: local as usize,
        },
        next,
    ))
}

/// Checks that the local header sits right after the previous entry's data and says what
/// the central directory says; returns the entry with its data offset.
fn check_local_header(
    bytes: &[u8],
    central: Central,
    expected_at: usize,
    cd_offset: usize,
) -> Result<EntryInfo, ZipError> {
    let Central {
        mut info,
        fields,
        local,
    } = central;
    if local != expected_at {
        // Nothing but an entry where the first one should be: data was put in front.
        let prepended = expected_at == 0 && u32_at(bytes, 0) != Some(LOCAL_SIG);
        return Err(if prepended {
            ZipError::PrependedData {
                bytes: local as u64,
            }
        } else {
            ZipError::EntryOutOfPlace {
                name: info.name,
                expected: expected_at as u64,
                found: local as u64,
            }
        });
    }
    if u32_at(bytes, local) != Some(LOCAL_SIG) {
        return Err(ZipError::LocalHeaderMissing { name: info.name });
    }
    let cut = || truncated("local header");
    let local_fields = CommonFields::read(bytes, local + 4).ok_or_else(cut)?;
    if let Some(field) = fields.first_difference(&local_fields) {
        return Err(ZipError::LocalHeaderMismatch {
            name: info.name,
            field,
        });
    }
    if u16_at(bytes, local + 28).ok_or_else(cut)? != 0 {
        return Err(ZipError::ExtraField {
            name: info.name,
            header: "local header",
        });
    }
    let name_at = local + LOCAL_LEN;
    let name_end = name_at + usize::from(fields.name_len);
    if bytes.get(name_at..name_end) != Some(info.name.as_bytes()) {
        return Err(ZipError::LocalHeaderMismatch {
            name: info.name,
            field: "name",
        });
    }
    name_end
        .checked_add(fields.compressed as usize)
        .filter(|&end| end <= cd_offset)
        .ok_or(truncated("entry data"))?;
    info.data_start = name_end;
    Ok(info)
}

/// Applies the per-entry, total and compression-ratio limits to the declared sizes.
fn check_declared_size(info: &EntryInfo, total: &mut u64, limits: &Limits) -> Result<(), ZipError> {
    let declared = info.uncompressed_size;
    if declared > limits.max_entry_bytes {
        return Err(ZipError::EntryTooLarge {
            name: info.name.clone(),
            size: declared,
            limit: limits.max_entry_bytes,
        });
    }
    *total = total.saturating_add(declared);
    if *total > limits.max_uncompressed_bytes {
        return Err(ZipError::UncompressedTooLarge {
            declared: *total,
            limit: limits.max_uncompressed_bytes,
        });
    }
    let ratio_cap = info
        .compressed_size
        .saturating_mul(limits.max_compression_ratio);
    if declared > 1 << 20 && declared > ratio_cap {
        return Err(ZipError::CompressionBomb {
            name: info.name.clone(),
            compressed: info.compressed_size,
            uncompressed: declared,
        });
    }
    Ok(())
}
