//! sha256 digests and their lowercase hexadecimal form.

use sha2::{Digest, Sha256};

use super::error::DigestError;

/// The sha256 digest of `bytes`.
///
/// # Example
///
/// ```
/// use sealed_onnx::trust::{sha256, to_hex};
/// assert_eq!(
///     to_hex(&sha256(b"abc")),
///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// );
/// ```
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    // Fed in chunks rather than in one call: WebAssembly engines switch a function to its
    // optimised compile between calls, not during one, so one call over a 4 MB model runs
    // entirely in the baseline compile (measured in Node: a first load of the 100-tree
    // bench forest spent ~170 ms hashing). Smaller chunks switch a little sooner: a fresh
    // Node process hashed the bench MLP's manifest, bundle and model (790 KB) in a median
    // 9.7 ms in 8 KiB chunks, 12 ms in 64 KiB ones, and the dense network's 9 MB about as
    // fast either way (bench/README.md, "Cold start"). The digest is the same.
    let mut hasher = Sha256::new();
    for chunk in bytes.chunks(1 << 13) {
        hasher.update(chunk);
    }
    hasher.finalize().into()
}

/// Lowercase hexadecimal text of `d`.
///
/// # Example
///
/// ```
/// assert_eq!(sealed_onnx::trust::to_hex(&[0x00, 0xab, 0xff]), "00abff");
/// ```
pub fn to_hex(d: &[u8]) -> String {
    let mut out = String::with_capacity(d.len() * 2);
    for &b in d {
        for nibble in [b >> 4, b & 0x0f] {
            // A nibble is always below 16, so `from_digit` always succeeds.
            out.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
        }
    }
    out
}

/// Parses a sha256 digest written as 64 lowercase hexadecimal characters.
///
/// Uppercase is refused: every tool this crate interoperates with writes lowercase, and a
/// digest has exactly one spelling.
///
/// # Errors
///
/// [`DigestError::WrongLength`] unless the text has 64 characters,
/// [`DigestError::InvalidCharacter`] for the first character outside `0-9a-f`.
///
/// # Example
///
/// ```
/// use sealed_onnx::trust::{parse_hex_digest, sha256, to_hex};
/// let d = sha256(b"abc");
/// assert_eq!(parse_hex_digest(&to_hex(&d)), Ok(d));
/// assert!(parse_hex_digest("abc").is_err());
/// ```
pub fn parse_hex_digest(s: &str) -> Result<[u8; 32], DigestError> {
    let len = s.chars().count();
    if len != 64 {
        return Err(DigestError::WrongLength { len });
    }
    let mut out = [0u8; 32];
    let mut nibbles = s.chars().enumerate().map(|(index, c)| match c {
        '0'..='9' => Ok(c as u8 - b'0'),
        'a'..='f' => Ok(c as u8 - b'a' + 10),
        found => Err(DigestError::InvalidCharacter { index, found }),
    });
    for byte in out.iter_mut() {
        let hi = nibbles.next().unwrap_or(Ok(0))?;
        let lo = nibbles.next().unwrap_or(Ok(0))?;
        *byte = (hi << 4) | lo;
    }
    Ok(out)
}
