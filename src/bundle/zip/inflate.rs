//! Inflating one checked entry into a buffer of exactly its declared size.

use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

use super::directory::EntryInfo;
use super::layout::{METHOD_DEFLATE, METHOD_STORED};
use super::ZipError;

/// The entry's content: stored bytes copied, deflate inflated into exactly
/// `uncompressed_size` bytes (never more is allocated), then its CRC-32 checked.
///
/// The compressed data must be one complete deflate stream that ends exactly where the
/// entry's compressed size says, so no reader can find other bytes after it.
pub fn inflate(bytes: &[u8], entry: &EntryInfo) -> Result<Vec<u8>, ZipError> {
    let end = entry
        .data_start
        .checked_add(entry.compressed_size as usize)
        .ok_or(ZipError::Truncated { what: "entry data" })?;
    let raw = bytes
        .get(entry.data_start..end)
        .ok_or(ZipError::Truncated { what: "entry data" })?;
    let data = match entry.method {
        METHOD_STORED => raw.to_vec(),
        METHOD_DEFLATE => inflate_exact(raw, entry)?,
        method => {
            return Err(ZipError::UnsupportedMethod {
                name: entry.name.clone(),
                method,
            })
        }
    };
    if crc32fast::hash(&data) != entry.crc {
        return Err(ZipError::CrcMismatch {
            name: entry.name.clone(),
        });
    }
    Ok(data)
}

fn inflate_exact(raw: &[u8], entry: &EntryInfo) -> Result<Vec<u8>, ZipError> {
    let declared = entry.uncompressed_size as usize;
    let mut out = vec![0u8; declared];
    let mut state = Box::<DecompressorOxide>::default();
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let (status, consumed, written) = decompress(&mut state, raw, &mut out, 0, flags);
    let name = || entry.name.clone();
    match status {
        TINFLStatus::Done => {}
        // The output is full but the stream goes on: it inflates to more than declared.
        TINFLStatus::HasMoreOutput => {
            return Err(ZipError::InflatedSizeMismatch {
                name: name(),
                declared: entry.uncompressed_size,
                larger: true,
            })
        }
        _ => return Err(ZipError::InflateFailed { name: name() }),
    }
    if written != declared {
        return Err(ZipError::InflatedSizeMismatch {
            name: name(),
            declared: entry.uncompressed_size,
            larger: false,
        });
    }
    if consumed != raw.len() {
        return Err(ZipError::CompressedTrailingData {
            name: name(),
            bytes: (raw.len() - consumed) as u64,
        });
    }
    Ok(out)
}
