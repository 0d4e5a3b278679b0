//! Errors from digests, integrity strings, keys and signatures.
//!
//! One enum per family, so a caller can match on exactly the checks it cares about. Every
//! variant carries the values a person needs to act on it; the `Display` text is one
//! lowercase clause that, where there is something to do, says what.

use thiserror::Error;

/// Why a hexadecimal sha256 digest could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DigestError {
    /// The text is not 64 characters long.
    #[error("a sha256 hex digest has 64 characters, this one has {len}")]
    WrongLength {
        /// How many characters the text has.
        len: usize,
    },
    /// A character is not a lowercase hexadecimal digit.
    #[error(
        "character {found:?} at position {index} of a sha256 hex digest is not a lowercase hexadecimal digit"
    )]
    InvalidCharacter {
        /// Zero-based character position.
        index: usize,
        /// The offending character.
        found: char,
    },
}

/// Why an integrity (SRI) string was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum IntegrityError {
    /// The string has no tokens at all.
    #[error("integrity string is empty: pass an SRI string such as sha256-<base64 digest>")]
    Empty,
    /// No token names an algorithm this crate checks.
    #[error("integrity algorithm {got:?} is not supported: use sha256, sha384 or sha512")]
    UnsupportedAlgorithm {
        /// The algorithm of the first token.
        got: String,
    },
    /// A token names a supported algorithm but its digest is unusable.
    #[error(
        "integrity token {token:?} is malformed ({reason}): expected <algorithm>-<base64 digest>"
    )]
    Malformed {
        /// The token as written (options after `?` included).
        token: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The bytes hash to something else.
    #[error("integrity mismatch: expected {expected} but the bytes hash to {actual}; the file was changed or is not the one you meant")]
    Mismatch {
        /// The strongest-algorithm tokens from the integrity string, space-separated.
        expected: String,
        /// The SRI string of the bytes for that algorithm.
        actual: String,
    },
}

/// Why a PEM key could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The text has no `-----BEGIN …-----` block.
    #[error("no PEM block found: pass the text of a .pem key file (it starts with -----BEGIN)")]
    NoPemBlock,
    /// A PEM block is cut off or its body is not base64.
    #[error("PEM block is malformed ({reason}): copy the key file again")]
    InvalidPem {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A public key was given where a private key is needed.
    #[error("expected a private key but got a public key: signing needs the private key file")]
    PublicKeyInsteadOfPrivate,
    /// A private key was given where a public key is needed.
    #[error("expected a public key but got a private key: pass the public key, and keep the private key secret")]
    PrivateKeyInsteadOfPublic,
    /// The PEM block holds something that is not a key of the expected kind.
    #[error("expected a {expected} PEM block but found {found:?}")]
    UnexpectedPemLabel {
        /// The label(s) that would have been accepted.
        expected: &'static str,
        /// The label that was found.
        found: String,
    },
    /// The private key is encrypted with a password.
    #[error(
        "password-protected private keys are not supported: export the key without a password"
    )]
    EncryptedPrivateKey,
    /// The key is not an elliptic-curve key.
    #[error("{algorithm} keys are not supported: use an ECDSA P-256 key")]
    UnsupportedKeyType {
        /// The key algorithm, by name when known, else its OID.
        algorithm: String,
    },
    /// The key is an elliptic-curve key on another curve.
    #[error("elliptic curve {curve} is not supported: use an ECDSA P-256 (prime256v1) key")]
    UnsupportedCurve {
        /// The curve, by name when known, else its OID.
        curve: String,
    },
    /// The key's DER structure or value is invalid.
    #[error("key is invalid: {reason}")]
    InvalidKey {
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// Why a `model.sig` signature was refused.
///
/// Checks run in this order, and the first failure is returned: size, bundle structure,
/// media type, verification material (the public-key hint), payload type, the ECDSA
/// signature itself, then the signed in-toto statement, then the signed file list against
/// the expected one.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The signature file is larger than any real one.
    #[error("signature file is {actual} bytes, over the {limit}-byte limit")]
    TooLarge {
        /// The limit.
        limit: usize,
        /// The file size.
        actual: usize,
    },
    /// The bytes are not the expected JSON structure.
    #[error("signature is malformed: {what}")]
    Malformed {
        /// What is missing or wrong.
        what: String,
    },
    /// A base64 field does not decode.
    #[error("signature field {field} is not valid base64")]
    InvalidBase64 {
        /// JSON path of the field.
        field: &'static str,
    },
    /// The Sigstore bundle has another media type.
    #[error("signature has media type {got:?}, expected {expected:?}: it was not made by key-based model_signing 1.x")]
    WrongMediaType {
        /// The media type found.
        got: String,
        /// The media type key-based model_signing writes.
        expected: &'static str,
    },
    /// The bundle carries a certificate or no key material, not a public-key hint.
    #[error("signature was not made with a key pair (its verification material has no public key): only key-based model_signing signatures are supported")]
    NotKeyBased,
    /// The bundle names a key other than the one given.
    #[error("signed by a different key: its fingerprint is {hint}, you gave {fingerprint}; pass the signer's public key")]
    KeyMismatch {
        /// The key hint in the signature.
        hint: String,
        /// The fingerprint of the key given to the verifier.
        fingerprint: String,
    },
    /// The DSSE envelope carries something other than an in-toto statement.
    #[error("signed payload type is {got:?}, expected {expected:?}")]
    WrongPayloadType {
        /// The payload type found.
        got: String,
        /// The in-toto payload type.
        expected: &'static str,
    },
    /// The DSSE envelope has no signature.
    #[error("signature envelope contains no signature")]
    NoSignature,
    /// The ECDSA signature does not verify.
    #[error("signature does not verify with the given public key: check you passed the signer's public key; if you did, the signature was altered")]
    BadSignature,
    /// The signed statement is not an in-toto v1 statement.
    #[error("signed statement type is {got:?}, expected {expected:?}")]
    WrongStatementType {
        /// The `_type` found.
        got: String,
        /// The in-toto v1 statement type.
        expected: &'static str,
    },
    /// The signed statement is not a model_signing v1.0 signature.
    #[error("signed predicate type is {got:?}, expected {expected:?}: the signature is not a model_signing v1.0 signature")]
    WrongPredicateType {
        /// The predicate type found.
        got: String,
        /// The model_signing v1.0 predicate type.
        expected: &'static str,
    },
    /// The statement has zero or several subjects.
    #[error("signed statement has {got} subjects, expected exactly one")]
    SubjectCount {
        /// How many subjects it has.
        got: usize,
    },
    /// The files were serialized in a way other than one digest per whole file.
    #[error("signature uses serialization method {got:?}: only \"files\" is supported (sign without sharding)")]
    UnsupportedSerialization {
        /// The method found.
        got: String,
    },
    /// A digest uses an algorithm other than sha256.
    #[error("signature uses hash algorithm {got:?}: only sha256 is supported")]
    UnsupportedHashAlgorithm {
        /// The algorithm found.
        got: String,
    },
    /// The subject digest does not match the listed file digests.
    #[error("signed statement is inconsistent: subject digest is {expected} but the listed files hash to {actual}")]
    SubjectDigestMismatch {
        /// The subject digest in the statement.
        expected: String,
        /// The digest over the listed file digests.
        actual: String,
    },
    /// A file name appears twice (in the signature or in the expected list).
    #[error("file {name:?} is listed more than once")]
    DuplicateResource {
        /// The file name.
        name: String,
    },
    /// An expected file is not covered by the signature.
    #[error("file {name:?} is not covered by the signature")]
    MissingResource {
        /// The file name.
        name: String,
    },
    /// The signature covers a file that is not expected.
    #[error("signature covers file {name:?}, which is not expected")]
    UnexpectedResource {
        /// The file name.
        name: String,
    },
    /// A file's digest differs from the signed one.
    #[error("file {name:?} was changed after signing: its sha256 is {expected} but the signature has {got}")]
    ResourceMismatch {
        /// The file name.
        name: String,
        /// The digest of the file as given to the verifier (hex).
        expected: String,
        /// The digest recorded in the signature (hex).
        got: String,
    },
}
