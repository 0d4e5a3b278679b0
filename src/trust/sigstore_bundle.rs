//! The Sigstore bundle JSON that wraps the DSSE envelope: the `model.sig` file itself.
//!
//! Key-based model_signing 1.x writes compact JSON in this shape (and nothing else: its reader
//! forbids unknown fields):
//!
//! ```json
//! {"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json",
//!  "verificationMaterial":{"publicKey":{"hint":"<sha256 hex of the public key PEM>"},"tlogEntries":[]},
//!  "dsseEnvelope":{"payload":"<base64 statement>","payloadType":"application/vnd.in-toto+json",
//!                  "signatures":[{"sig":"<base64 DER ECDSA signature>","keyid":""}]}}
//! ```
//!
//! Reading is lenient about fields this crate does not use (older model_signing versions
//! wrote `rawBytes` and `keyDetails` next to the hint, or no hint at all).

use serde::Deserialize;

use super::dsse::IN_TOTO_PAYLOAD_TYPE;

/// The media type key-based model_signing 1.x writes and requires.
pub(crate) const BUNDLE_MEDIA_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";

/// The parts of a bundle the verifier reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Bundle {
    pub(crate) media_type: String,
    pub(crate) verification_material: VerificationMaterial,
    #[serde(default)]
    pub(crate) dsse_envelope: Option<Envelope>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VerificationMaterial {
    #[serde(default)]
    pub(crate) public_key: Option<PublicKeyIdentifier>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct PublicKeyIdentifier {
    #[serde(default)]
    pub(crate) hint: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Envelope {
    pub(crate) payload: String,
    pub(crate) payload_type: String,
    pub(crate) signatures: Vec<EnvelopeSignature>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct EnvelopeSignature {
    pub(crate) sig: String,
}

/// `s` as a JSON string literal (quoted and escaped).
pub(crate) fn json_string(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// The bundle bytes, laid out exactly as model_signing writes them (compact, same key
/// order, no trailing newline).
pub(crate) fn write(hint: &str, payload_base64: &str, signature_base64: &str) -> Vec<u8> {
    format!(
        concat!(
            r#"{{"mediaType":{},"#,
            r#""verificationMaterial":{{"publicKey":{{"hint":{}}},"tlogEntries":[]}},"#,
            r#""dsseEnvelope":{{"payload":{},"payloadType":{},"#,
            r#""signatures":[{{"sig":{},"keyid":""}}]}}}}"#
        ),
        json_string(BUNDLE_MEDIA_TYPE),
        json_string(hint),
        json_string(payload_base64),
        json_string(IN_TOTO_PAYLOAD_TYPE),
        json_string(signature_base64),
    )
    .into_bytes()
}
