//! Signing and verifying `model.sig` in the OpenSSF model-signing format (key-based,
//! ECDSA P-256), compatible both ways with the `model_signing` 1.x Python tool.

use std::collections::{BTreeMap, BTreeSet};

use p256::ecdsa::{SigningKey, VerifyingKey};

use super::digest::{sha256, to_hex};
use super::envelope::{open_envelope, sign_envelope};
use super::error::SignatureError;
use super::statement::{self, cmp_names};

/// The largest `model.sig` [`verify`] reads. A signature over a bundle's two files is about
/// 2 KiB; each further file adds about 150 bytes.
pub const MAX_SIGNATURE_BYTES: usize = 1 << 20;

/// A file covered by a signature: its path relative to the model directory (with `/`
/// separators) and the sha256 of its contents.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Resource {
    /// Path relative to the model directory, e.g. `model.onnx`.
    pub name: String,
    /// sha256 of the file's contents.
    pub sha256: [u8; 32],
}

impl Resource {
    /// The resource for a file named `name` with these contents.
    ///
    /// # Example
    ///
    /// ```
    /// use sealed_onnx::trust::{sha256, Resource};
    /// let r = Resource::new("model.onnx", b"onnx bytes");
    /// assert_eq!(r.sha256, sha256(b"onnx bytes"));
    /// ```
    pub fn new(name: impl Into<String>, contents: &[u8]) -> Self {
        Self {
            name: name.into(),
            sha256: sha256(contents),
        }
    }
}

/// Proof that a signature verified with a key and covers exactly the expected files; only
/// [`verify`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
// The private field, unlike `#[non_exhaustive]`, keeps construction inside this module:
// nothing else in the crate can forge a proof.
#[allow(clippy::manual_non_exhaustive)]
pub struct SignatureValid {
    _proof: (),
    /// The fingerprint of the key that verified the signature (see
    /// [`fingerprint`](super::fingerprint)); model_signing calls it the key hint.
    pub fingerprint: String,
    /// The signed subject name: the model directory's name when the Python tool signed, or
    /// whatever name was passed to [`sign`]. Informative only; it is not checked.
    pub model_name: String,
}

/// Signs `resources` and returns the `model.sig` bytes: a Sigstore bundle whose DSSE
/// envelope carries an in-toto statement with predicate type
/// `https://model_signing/signature/v1.0`, signed with ECDSA P-256 / SHA-256.
///
/// `model_name` becomes the statement's subject name; `model_signing sign` uses the model
/// directory's name. Resources are listed sorted by path as model_signing lists them, and
/// names must be unique (a signature over duplicate names does not verify). The output is
/// deterministic (RFC 6979 nonces) and uses no randomness, so it works in wasm.
///
/// The result verifies with `model_signing verify key DIR --signature DIR/model.sig
/// --public_key KEY.pub.pem` when DIR holds exactly these files (plus `model.sig` and git
/// metadata, which the tool ignores).
///
/// # Example
///
/// ```
/// use sealed_onnx::trust::{sign, verify, Resource};
/// # let key = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
/// let files = [Resource::new("model.onnx", b"graph"), Resource::new("manifest.json", b"{}")];
/// let sig = sign(&files, "iris", &key);
/// let valid = verify(&sig, &files, key.verifying_key()).unwrap();
/// assert_eq!(valid.model_name, "iris");
/// ```
pub fn sign(resources: &[Resource], model_name: &str, key: &SigningKey) -> Vec<u8> {
    let mut sorted: Vec<&Resource> = resources.iter().collect();
    sorted.sort_by(|a, b| cmp_names(&a.name, &b.name));
    let payload = statement::write(model_name, &sorted);
    sign_envelope(payload.as_bytes(), key)
}

/// Verifies `model.sig` bytes against a public key and the files they must cover.
///
/// In order: the bundle structure and media type; the key hint, when present, must be
/// `key`'s [`fingerprint`](super::fingerprint); the payload type must be in-toto; the first
/// DSSE signature must verify over the pre-authentication encoding of the payload bytes *as
/// received* (they are parsed only after that); the statement must be an in-toto v1
/// statement with predicate type `https://model_signing/signature/v1.0`, one subject, the
/// `files` serialization with sha256, and a subject digest equal to the sha256 over the
/// listed digests; finally the signed files must be exactly `expected`, same names and same
/// digests.
///
/// Both S forms of an ECDSA signature are accepted (high S is not normalised away), as
/// OpenSSL, Go's `crypto/ecdsa` and Python's `cryptography` accept them: `model_signing`
/// signatures are high-S about half of the time. A valid `model.sig` can therefore be
/// re-encoded without the key; it still covers exactly the same files (see SECURITY.md).
///
/// # Errors
///
/// A [`SignatureError`] naming the first check that failed; for the file list,
/// [`SignatureError::MissingResource`], [`SignatureError::UnexpectedResource`] or
/// [`SignatureError::ResourceMismatch`] for the first differing name in sorted order.
///
/// # Example
///
/// ```
/// use sealed_onnx::trust::{sign, verify, Resource, SignatureError};
/// # let key = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
/// let sig = sign(&[Resource::new("model.onnx", b"graph")], "iris", &key);
/// let err = verify(&sig, &[Resource::new("model.onnx", b"changed")], key.verifying_key());
/// assert!(matches!(err, Err(SignatureError::ResourceMismatch { .. })));
/// ```
pub fn verify(
    sig: &[u8],
    expected: &[Resource],
    key: &VerifyingKey,
) -> Result<SignatureValid, SignatureError> {
    if sig.len() > MAX_SIGNATURE_BYTES {
        return Err(SignatureError::TooLarge {
            limit: MAX_SIGNATURE_BYTES,
            actual: sig.len(),
        });
    }
    let opened = open_envelope(sig, key)?;
    let signed = statement::parse(&opened.payload)?;
    check_resources(expected, &signed.resources)?;
    Ok(SignatureValid {
        _proof: (),
        fingerprint: opened.fingerprint,
        model_name: signed.model_name,
    })
}

/// The signed files must be exactly the expected ones.
fn check_resources(expected: &[Resource], signed: &[Resource]) -> Result<(), SignatureError> {
    let mut want: BTreeMap<&str, &[u8; 32]> = BTreeMap::new();
    for r in expected {
        if want.insert(&r.name, &r.sha256).is_some() {
            return Err(SignatureError::DuplicateResource {
                name: r.name.clone(),
            });
        }
    }
    // `statement::parse` already refused duplicate signed names.
    let have: BTreeMap<&str, &[u8; 32]> = signed.iter().map(|r| (&*r.name, &r.sha256)).collect();
    let names: BTreeSet<&str> = want.keys().chain(have.keys()).copied().collect();
    for name in names {
        match (want.get(name), have.get(name)) {
            (Some(_), None) => {
                return Err(SignatureError::MissingResource {
                    name: name.to_owned(),
                })
            }
            (None, Some(_)) => {
                return Err(SignatureError::UnexpectedResource {
                    name: name.to_owned(),
                })
            }
            (Some(w), Some(h)) if w != h => {
                return Err(SignatureError::ResourceMismatch {
                    name: name.to_owned(),
                    expected: to_hex(*w),
                    got: to_hex(*h),
                })
            }
            _ => {}
        }
    }
    Ok(())
}
