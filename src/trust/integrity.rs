//! Subresource Integrity (SRI) strings for whole-bundle digests, as in `<script integrity>`.
//!
//! Checking follows the W3C SRI algorithm ("do bytes match metadataList"): the string is
//! split on ASCII whitespace, options after `?` are ignored, tokens whose algorithm is not
//! sha256, sha384 or sha512 are skipped, and the bytes are valid when any token of the
//! *strongest* algorithm present matches. Three deliberate differences, because here an
//! integrity string is a security setting rather than a hint:
//!
//! - a string with no usable token is an error (a browser would load the resource unchecked);
//! - a token with a supported algorithm but an undecodable digest, or a digest of the wrong
//!   length, is an error (a browser would treat it as a non-matching token);
//! - algorithm names are matched case-insensitively, and digests may use the URL-safe base64
//!   alphabet and omit padding (they are compared as bytes, not as text).

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::digest::sha256;
use super::error::IntegrityError;

/// Proof that bytes matched an integrity string; only [`check_integrity`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
// The private field, unlike `#[non_exhaustive]`, keeps construction inside this module:
// nothing else in the crate can forge a proof.
#[allow(clippy::manual_non_exhaustive)]
pub struct IntegrityValid {
    _proof: (),
    /// The SRI string of the bytes for the algorithm that was checked, e.g. `sha384-…`.
    pub sri: String,
}

/// The hash functions SRI names, weakest first (the derived order is their strength).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Algorithm {
    Sha256,
    Sha384,
    Sha512,
}

impl Algorithm {
    fn parse(name: &str) -> Option<Self> {
        [Self::Sha256, Self::Sha384, Self::Sha512]
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name))
    }

    fn name(self) -> &'static str {
        match self {
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
        }
    }

    fn digest_len(self) -> usize {
        match self {
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }

    fn digest(self, bytes: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha256 => Sha256::digest(bytes).to_vec(),
            Self::Sha384 => Sha384::digest(bytes).to_vec(),
            Self::Sha512 => Sha512::digest(bytes).to_vec(),
        }
    }

    fn sri(self, digest: &[u8]) -> String {
        format!("{}-{}", self.name(), STANDARD.encode(digest))
    }
}

const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const LENIENT_STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const LENIENT_URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

fn decode_digest(value: &str) -> Option<Vec<u8>> {
    LENIENT_STANDARD
        .decode(value)
        .or_else(|_| LENIENT_URL_SAFE.decode(value))
        .ok()
}

/// The SRI string `sha256-<base64>` of `bytes`: a bundle's identity.
///
/// # Example
///
/// ```
/// assert_eq!(
///     sealed_onnx::trust::sri_sha256(b"abc"),
///     "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
/// );
/// ```
pub fn sri_sha256(bytes: &[u8]) -> String {
    Algorithm::Sha256.sri(&sha256(bytes))
}

/// One token that names a supported algorithm.
struct Token<'a> {
    algorithm: Algorithm,
    digest: Vec<u8>,
    /// `<algorithm>-<digest>`, without options.
    expression: &'a str,
}

fn parse_token(token: &str) -> Result<Option<Token<'_>>, IntegrityError> {
    // `split` always yields at least one item; the fallback is never used.
    let expression = token.split('?').next().unwrap_or(token);
    let (name, value) = expression.split_once('-').unwrap_or((expression, ""));
    let Some(algorithm) = Algorithm::parse(name) else {
        return Ok(None);
    };
    let malformed = |reason| IntegrityError::Malformed {
        token: token.to_owned(),
        reason,
    };
    if value.is_empty() {
        return Err(malformed("no digest after the algorithm"));
    }
    let digest = decode_digest(value).ok_or_else(|| malformed("the digest is not base64"))?;
    if digest.len() != algorithm.digest_len() {
        return Err(malformed(
            "the digest has the wrong length for its algorithm",
        ));
    }
    Ok(Some(Token {
        algorithm,
        digest,
        expression,
    }))
}

/// Checks `bytes` against an integrity string such as `sha384-<base64>`.
///
/// Several space-separated tokens are allowed; the bytes are valid when one token of the
/// strongest algorithm present matches (see the [module docs](self) for the exact rules).
///
/// # Errors
///
/// - [`IntegrityError::Empty`] when the string has no tokens;
/// - [`IntegrityError::UnsupportedAlgorithm`] when no token uses sha256, sha384 or sha512;
/// - [`IntegrityError::Malformed`] when such a token's digest is missing, not base64 or of
///   the wrong length;
/// - [`IntegrityError::Mismatch`] when no token of the strongest algorithm matches.
///
/// # Example
///
/// ```
/// use sealed_onnx::trust::{check_integrity, sri_sha256};
/// let sri = sri_sha256(b"bundle bytes");
/// assert!(check_integrity(b"bundle bytes", &sri).is_ok());
/// assert!(check_integrity(b"other bytes", &sri).is_err());
/// ```
pub fn check_integrity(bytes: &[u8], sri: &str) -> Result<IntegrityValid, IntegrityError> {
    let mut first_unsupported = None;
    let mut tokens = Vec::new();
    for raw in sri.split_ascii_whitespace() {
        match parse_token(raw)? {
            Some(token) => tokens.push(token),
            None => {
                first_unsupported.get_or_insert(raw);
            }
        }
    }
    let Some(strongest) = tokens.iter().map(|t| t.algorithm).max() else {
        return Err(match first_unsupported {
            None => IntegrityError::Empty,
            Some(raw) => IntegrityError::UnsupportedAlgorithm {
                got: raw.split(['-', '?']).next().unwrap_or(raw).to_owned(),
            },
        });
    };
    let actual = strongest.digest(bytes);
    let candidates = tokens.iter().filter(|t| t.algorithm == strongest);
    if candidates.clone().any(|t| t.digest == actual) {
        return Ok(IntegrityValid {
            _proof: (),
            sri: strongest.sri(&actual),
        });
    }
    Err(IntegrityError::Mismatch {
        expected: candidates
            .map(|t| t.expression)
            .collect::<Vec<_>>()
            .join(" "),
        actual: strongest.sri(&actual),
    })
}
