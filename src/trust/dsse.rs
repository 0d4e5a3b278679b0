//! The DSSE pre-authentication encoding: the exact bytes an ECDSA signature covers.
//!
//! DSSE v1 (<https://github.com/secure-systems-lab/dsse/blob/v1.0.0/protocol.md>):
//!
//! ```text
//! PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body
//! ```
//!
//! where `LEN` is the length in bytes as ASCII decimal without leading zeros and `SP` is one
//! space. model_signing 1.x builds the same bytes (`sign_sigstore_pb.pae`), always with the
//! in-toto payload type.

/// The payload type of an in-toto statement inside a DSSE envelope.
pub(crate) const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// The bytes that are signed for `payload` of type `payload_type`.
pub(crate) fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let header = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    );
    let mut out = Vec::with_capacity(header.len() + payload.len());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(payload);
    out
}
