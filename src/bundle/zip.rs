//! A deliberately small zip reader and writer for bundles.
//!
//! Bundles hold three entries, and the reader is the first thing an attacker's bytes reach,
//! so we parse the central directory ourselves instead of using a general zip library: that
//! way duplicate names (which general readers silently collapse), zip64, encryption, odd
//! compression methods and size lies are all refused explicitly, and inflation is capped.

use super::error::ZipError;
use super::limits::Limits;

const LOCAL_SIG: u32 = 0x0403_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const EOCD_SIG: u32 = 0x0605_4b50;
const EOCD_LEN: usize = 22;
const CENTRAL_LEN: usize = 46;
const LOCAL_LEN: usize = 30;
const METHOD_STORED: u16 = 0;
const METHOD_DEFLATE: u16 = 8;
const FLAG_ENCRYPTED: u16 = 1;
const FLAG_UTF8: u16 = 1 << 11;

/// One decompressed entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Entry name.
    pub name: String,
    /// Decompressed content.
    pub data: Vec<u8>,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn truncated(what: &'static str) -> ZipError {
    ZipError::Truncated { what }
}

/// Finds the end-of-central-directory record, which must close the file exactly.
fn find_eocd(bytes: &[u8]) -> Result<usize, ZipError> {
    if bytes.len() < EOCD_LEN {
        return Err(ZipError::NotAZip);
    }
    let last = bytes.len() - EOCD_LEN;
    let first = last.saturating_sub(u16::MAX as usize);
    for pos in (first..=last).rev() {
        if u32_at(bytes, pos) == Some(EOCD_SIG) {
            let comment = u16_at(bytes, pos + 20).ok_or(truncated("end of central directory"))?;
            if pos + EOCD_LEN + comment as usize == bytes.len() {
                return Ok(pos);
            }
        }
    }
    Err(ZipError::NotAZip)
}

/// Reads every entry, enforcing `limits` and refusing anything unusual.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Vec<Entry>, ZipError> {
    if bytes.len() as u64 > limits.max_bundle_bytes {
        return Err(ZipError::TooLarge {
            size: bytes.len() as u64,
            limit: limits.max_bundle_bytes,
        });
    }
    let eocd = find_eocd(bytes)?;
    let field16 = |off| u16_at(bytes, eocd + off).ok_or(truncated("end of central directory"));
    let field32 = |off| u32_at(bytes, eocd + off).ok_or(truncated("end of central directory"));
    let (disk, cd_disk) = (field16(4)?, field16(6)?);
    let (on_disk, total) = (field16(8)?, field16(10)?);
    let (cd_size, cd_offset) = (field32(12)?, field32(16)?);
    if total == u16::MAX || cd_offset == u32::MAX || cd_size == u32::MAX {
        return Err(ZipError::Unsupported { what: "zip64" });
    }
    if disk != 0 || cd_disk != 0 || on_disk != total {
        return Err(ZipError::Unsupported {
            what: "multi-disk archives",
        });
    }
    if total as usize > limits.max_entries {
        return Err(ZipError::TooManyEntries {
            count: total as usize,
            limit: limits.max_entries,
        });
    }
    let cd_start = cd_offset as usize;
    let cd_end = cd_start
        .checked_add(cd_size as usize)
        .filter(|&end| end <= eocd)
        .ok_or(truncated("central directory"))?;

    let mut entries: Vec<Entry> = Vec::with_capacity(total as usize);
    let mut total_out: u64 = 0;
    let mut pos = cd_start;
    for _ in 0..total {
        let hdr = |off: usize| u16_at(bytes, pos + off).ok_or(truncated("central directory"));
        let hdr32 = |off: usize| u32_at(bytes, pos + off).ok_or(truncated("central directory"));
        if hdr32(0)? != CENTRAL_SIG {
            return Err(ZipError::Corrupt {
                what: "central directory entry signature",
            });
        }
        let flags = hdr(8)?;
        let method = hdr(10)?;
        let crc = hdr32(16)?;
        let csize = hdr32(20)?;
        let usize_ = hdr32(24)?;
        let name_len = hdr(28)? as usize;
        let extra_len = hdr(30)? as usize;
        let comment_len = hdr(32)? as usize;
        let local = hdr32(42)?;
        let name_bytes = bytes
            .get(pos + CENTRAL_LEN..pos + CENTRAL_LEN + name_len)
            .ok_or(truncated("central directory"))?;
        pos += CENTRAL_LEN + name_len + extra_len + comment_len;
        if pos > cd_end {
            return Err(truncated("central directory"));
        }
        let name = std::str::from_utf8(name_bytes)
            .map_err(|_| ZipError::Corrupt {
                what: "entry name is not UTF-8",
            })?
            .to_string();
        if entries.iter().any(|e| e.name == name) {
            return Err(ZipError::DuplicateEntry { name });
        }
        if flags & FLAG_ENCRYPTED != 0 {
            return Err(ZipError::Unsupported {
                what: "encrypted entries",
            });
        }
        if csize == u32::MAX || usize_ == u32::MAX || local == u32::MAX {
            return Err(ZipError::Unsupported { what: "zip64" });
        }
        let declared = u64::from(usize_);
        if declared > limits.max_entry_bytes {
            return Err(ZipError::EntryTooLarge {
                name,
                size: declared,
                limit: limits.max_entry_bytes,
            });
        }
        total_out += declared;
        if total_out > limits.max_uncompressed_bytes {
            return Err(ZipError::UncompressedTooLarge {
                limit: limits.max_uncompressed_bytes,
            });
        }
        if declared > 1 << 20 && declared > u64::from(csize) * limits.max_compression_ratio {
            return Err(ZipError::CompressionBomb {
                name,
                compressed: u64::from(csize),
                uncompressed: declared,
            });
        }

        let local = local as usize;
        if u32_at(bytes, local) != Some(LOCAL_SIG) {
            return Err(ZipError::Corrupt {
                what: "local header signature",
            });
        }
        let lname = u16_at(bytes, local + 26).ok_or(truncated("local header"))? as usize;
        let lextra = u16_at(bytes, local + 28).ok_or(truncated("local header"))? as usize;
        if bytes.get(local + LOCAL_LEN..local + LOCAL_LEN + lname) != Some(name_bytes) {
            return Err(ZipError::Corrupt {
                what: "local header name differs from the central directory",
            });
        }
        let start = local + LOCAL_LEN + lname + lextra;
        let raw = bytes
            .get(start..start + csize as usize)
            .ok_or(truncated("entry data"))?;
        let data = match method {
            METHOD_STORED => raw.to_vec(),
            METHOD_DEFLATE => {
                miniz_oxide::inflate::decompress_to_vec_with_limit(raw, usize_ as usize).map_err(
                    |_| ZipError::Corrupt {
                        what: "compressed data does not inflate to its declared size",
                    },
                )?
            }
            other => {
                return Err(ZipError::UnsupportedMethod {
                    name,
                    method: other,
                })
            }
        };
        if data.len() != usize_ as usize {
            return Err(ZipError::Corrupt {
                what: "entry size differs from its declared size",
            });
        }
        if crc32fast::hash(&data) != crc {
            return Err(ZipError::CrcMismatch { name });
        }
        entries.push(Entry { name, data });
    }
    Ok(entries)
}

/// Writes entries as a deterministic zip (fixed timestamps, deflate), so packing the same
/// inputs twice gives the same bytes and the same bundle digest.
pub fn write(entries: &[(&str, &[u8])]) -> Vec<u8> {
    // 1980-01-01 00:00:00, the earliest DOS date.
    const DOS_DATE: u16 = (1 << 5) | 1;
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let compressed = miniz_oxide::deflate::compress_to_vec(data, 9);
        let (method, body) = if compressed.len() < data.len() {
            (METHOD_DEFLATE, compressed.as_slice())
        } else {
            (METHOD_STORED, *data)
        };
        let crc = crc32fast::hash(data);
        let offset = out.len() as u32;
        let common = |buf: &mut Vec<u8>| {
            buf.extend_from_slice(&20u16.to_le_bytes()); // version needed: 2.0
            buf.extend_from_slice(&FLAG_UTF8.to_le_bytes());
            buf.extend_from_slice(&method.to_le_bytes());
            buf.extend_from_slice(&0u16.to_le_bytes()); // time
            buf.extend_from_slice(&DOS_DATE.to_le_bytes());
            buf.extend_from_slice(&crc.to_le_bytes());
            buf.extend_from_slice(&(body.len() as u32).to_le_bytes());
            buf.extend_from_slice(&(data.len() as u32).to_le_bytes());
            buf.extend_from_slice(&(name.len() as u16).to_le_bytes());
            buf.extend_from_slice(&0u16.to_le_bytes()); // extra length
        };
        out.extend_from_slice(&LOCAL_SIG.to_le_bytes());
        common(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(body);

        central.extend_from_slice(&CENTRAL_SIG.to_le_bytes());
        central.extend_from_slice(&((3u16 << 8) | 20).to_le_bytes()); // made by: Unix, 2.0
        common(&mut central);
        central.extend_from_slice(&0u16.to_le_bytes()); // comment length
        central.extend_from_slice(&0u16.to_le_bytes()); // disk number
        central.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        central.extend_from_slice(&0o100644u32.wrapping_shl(16).to_le_bytes()); // -rw-r--r--
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&EOCD_SIG.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[cfg(test)]
mod tests;
