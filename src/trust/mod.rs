//! Trust: digests, integrity strings, keys and signatures.
//!
//! - [`sha256`], [`to_hex`], [`parse_hex_digest`]: file digests as the manifest lists them.
//! - [`sri_sha256`], [`check_integrity`]: a whole bundle's identity as an SRI string
//!   (`sha256-<base64>`, like `<script integrity>`).
//! - [`sign`], [`verify`]: `model.sig` in the OpenSSF model-signing format, key-based ECDSA
//!   P-256, interoperable with the `model_signing` 1.x Python tool in both directions.
//! - [`parse_private_key_pem`], [`parse_public_key_pem`], [`private_key_to_pem`],
//!   [`public_key_to_pem`], [`fingerprint`]: keys, written byte for byte as Python's
//!   `cryptography` writes them, so the fingerprint equals model_signing's key hint.
//!
//! Nothing here touches the filesystem or needs randomness (signing is deterministic), so the
//! module compiles for wasm32. Signature and integrity inputs are treated as hostile: every
//! failure is a typed error and nothing panics on them.
//!
//! # The `model.sig` format, as model_signing 1.1.1 reads and writes it
//!
//! - The file is a Sigstore bundle, compact JSON: `mediaType`
//!   `application/vnd.dev.sigstore.bundle.v0.3+json`; `verificationMaterial` with
//!   `publicKey.hint` = lowercase hex sha256 of the signer's SubjectPublicKeyInfo PEM text
//!   and an empty `tlogEntries`; a `dsseEnvelope` with base64 `payload`, `payloadType`
//!   `application/vnd.in-toto+json` and one signature `{sig, keyid: ""}`.
//! - `sig` is base64 of a DER ECDSA signature, with SHA-256 for P-256, over the DSSE
//!   pre-authentication encoding `DSSEv1 <len type> <type> <len payload> <payload>`.
//! - The payload is an in-toto v1 statement; its predicate (type
//!   `https://model_signing/signature/v1.0`) lists every file as
//!   `{name, algorithm: "sha256", digest: <hex of the file's plain sha256>}`, sorted by path,
//!   and its single subject carries the model name and the sha256 of the concatenated raw
//!   file digests in that order.
//! - `model_signing sign key DIR` hashes every regular file under DIR except the signature
//!   path (when inside DIR) and `.git`, `.gitattributes`, `.github`, `.gitignore`; it records
//!   those as `serialization.ignore_paths`, with `method: "files"`, `hash_type: "sha256"`,
//!   `allow_symlinks: false`. Verification hashes DIR the same way and requires the same set
//!   of files with the same digests.

mod digest;
mod dsse;
mod envelope;
mod error;
mod integrity;
mod keys;
mod signature;
mod sigstore_bundle;
mod statement;

#[cfg(test)]
mod tests;

pub use digest::{parse_hex_digest, sha256, to_hex};
pub use envelope::{open_envelope, sign_envelope, OpenedEnvelope};
pub use error::{DigestError, IntegrityError, KeyError, SignatureError};
pub use integrity::{check_integrity, sri_sha256, IntegrityValid};
#[cfg(feature = "cli")]
pub use keys::generate_key;
pub use keys::{
    fingerprint, parse_private_key_pem, parse_public_key_pem, private_key_to_pem, public_key_to_pem,
};
pub use signature::{sign, verify, Resource, SignatureValid, MAX_SIGNATURE_BYTES};
