//! Signing and opening a DSSE envelope (inside a Sigstore bundle) around any in-toto
//! statement, with a key-based ECDSA P-256 signature.
//!
//! `model.sig` ([`sign`](super::sign) / [`verify`](super::verify)) is this envelope around
//! a model_signing statement; the registry's `index.json` and each `history.jsonl` line are
//! the same envelope around statements with their own predicate types, so one key and one
//! verifier cover bundles and registries alike.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};

use super::dsse::{pae, IN_TOTO_PAYLOAD_TYPE};
use super::error::SignatureError;
use super::keys::fingerprint;
use super::sigstore_bundle::{self, Bundle, BUNDLE_MEDIA_TYPE};

/// A payload whose envelope signature verified with a key; only [`open_envelope`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
#[allow(clippy::manual_non_exhaustive)]
pub struct OpenedEnvelope {
    _proof: (),
    /// The signed payload bytes, exactly as received (an in-toto statement, not yet parsed).
    pub payload: Vec<u8>,
    /// The fingerprint of the key that verified the signature.
    pub fingerprint: String,
}

/// Signs `payload` (an in-toto statement) and returns the Sigstore bundle bytes: compact
/// JSON on one line, deterministic (RFC 6979 nonces).
///
/// # Example
///
/// ```
/// use sealed_onnx::trust::{open_envelope, sign_envelope};
/// # let key = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
/// let signed = sign_envelope(br#"{"_type":"https://in-toto.io/Statement/v1"}"#, &key);
/// let opened = open_envelope(&signed, key.verifying_key()).unwrap();
/// assert!(opened.payload.starts_with(b"{"));
/// ```
pub fn sign_envelope(payload: &[u8], key: &SigningKey) -> Vec<u8> {
    let signature: Signature = key.sign(&pae(IN_TOTO_PAYLOAD_TYPE, payload));
    sigstore_bundle::write(
        &fingerprint(key.verifying_key()),
        &STANDARD.encode(payload),
        &STANDARD.encode(signature.to_der().as_bytes()),
    )
}

/// Checks a Sigstore bundle's structure, key hint, payload type and first DSSE signature
/// with `key`, and returns the payload as received. The payload is not parsed here.
///
/// # Errors
///
/// A [`SignatureError`] naming the first check that failed.
pub fn open_envelope(sig: &[u8], key: &VerifyingKey) -> Result<OpenedEnvelope, SignatureError> {
    let bundle: Bundle = serde_json::from_slice(sig).map_err(|e| SignatureError::Malformed {
        what: format!("not a Sigstore bundle: {e}"),
    })?;
    if bundle.media_type != BUNDLE_MEDIA_TYPE {
        return Err(SignatureError::WrongMediaType {
            got: bundle.media_type,
            expected: BUNDLE_MEDIA_TYPE,
        });
    }
    let key_fingerprint = fingerprint(key);
    let public_key = bundle
        .verification_material
        .public_key
        .ok_or(SignatureError::NotKeyBased)?;
    // model_signing before 1.0 wrote no hint; like the Python tool, accept its absence.
    if let Some(hint) = public_key.hint.filter(|h| !h.is_empty()) {
        if hint != key_fingerprint {
            return Err(SignatureError::KeyMismatch {
                hint,
                fingerprint: key_fingerprint,
            });
        }
    }
    let envelope = bundle
        .dsse_envelope
        .ok_or_else(|| SignatureError::Malformed {
            what: "no dsseEnvelope (only DSSE signatures are supported)".to_owned(),
        })?;
    if envelope.payload_type != IN_TOTO_PAYLOAD_TYPE {
        return Err(SignatureError::WrongPayloadType {
            got: envelope.payload_type,
            expected: IN_TOTO_PAYLOAD_TYPE,
        });
    }
    let payload = STANDARD.decode(envelope.payload.as_bytes()).map_err(|_| {
        SignatureError::InvalidBase64 {
            field: "dsseEnvelope.payload",
        }
    })?;
    // Like model_signing, only the first signature is checked.
    let first = envelope
        .signatures
        .first()
        .ok_or(SignatureError::NoSignature)?;
    let der = STANDARD
        .decode(first.sig.as_bytes())
        .map_err(|_| SignatureError::InvalidBase64 {
            field: "dsseEnvelope.signatures[0].sig",
        })?;
    let signature = Signature::from_der(&der).map_err(|_| SignatureError::Malformed {
        what: "dsseEnvelope.signatures[0].sig is not a DER-encoded ECDSA P-256 signature"
            .to_owned(),
    })?;
    key.verify(&pae(IN_TOTO_PAYLOAD_TYPE, &payload), &signature)
        .map_err(|_| SignatureError::BadSignature)?;
    Ok(OpenedEnvelope {
        _proof: (),
        payload,
        fingerprint: key_fingerprint,
    })
}
