//! ECDSA P-256 keys in PEM form, and the key fingerprint model_signing uses as a hint.
//!
//! Keys are written exactly as Python's `cryptography` (and OpenSSL) write them: public keys
//! as SubjectPublicKeyInfo (`PUBLIC KEY`) with an uncompressed point, private keys as
//! unencrypted PKCS#8 (`PRIVATE KEY`), base64 in 64-character lines, `\n` line endings.
//! That byte-exactness matters: model_signing's key hint is the sha256 of the public key PEM
//! text, so [`fingerprint`] must hash the same text the Python tool would.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use p256::ecdsa::{SigningKey, VerifyingKey};
use p256::pkcs8::{
    AlgorithmIdentifierRef, DecodePrivateKey, DecodePublicKey, ObjectIdentifier, PrivateKeyInfo,
    SubjectPublicKeyInfoRef,
};
use p256::SecretKey;

use super::digest::{sha256, to_hex};
use super::error::KeyError;

/// `id-ecPublicKey`, the algorithm of every elliptic-curve key.
const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// `prime256v1`, also called P-256 and secp256r1.
const PRIME256V1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");

/// DER of a P-256 SubjectPublicKeyInfo up to the 65-byte uncompressed point.
const SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, // SEQUENCE, 89 bytes
    0x30, 0x13, // SEQUENCE (AlgorithmIdentifier), 19 bytes
    0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, // OID id-ecPublicKey
    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, // OID prime256v1
    0x03, 0x42, 0x00, // BIT STRING, 66 bytes, no unused bits
];

/// DER of a P-256 PKCS#8 PrivateKeyInfo up to the 32-byte private scalar.
const PKCS8_PREFIX: [u8; 36] = [
    0x30, 0x81, 0x87, // SEQUENCE, 135 bytes
    0x02, 0x01, 0x00, // INTEGER 0 (version)
    0x30, 0x13, // SEQUENCE (AlgorithmIdentifier), 19 bytes
    0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, // OID id-ecPublicKey
    0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, // OID prime256v1
    0x04, 0x6d, // OCTET STRING, 109 bytes
    0x30, 0x6b, // SEQUENCE (SEC1 ECPrivateKey), 107 bytes
    0x02, 0x01, 0x01, // INTEGER 1 (version)
    0x04, 0x20, // OCTET STRING, 32 bytes: the private scalar follows
];

/// DER between the private scalar and the 65-byte uncompressed public point.
const PKCS8_PUBLIC_KEY_TAG: [u8; 5] = [
    0xa1, 0x44, // [1], 68 bytes
    0x03, 0x42, 0x00, // BIT STRING, 66 bytes, no unused bits
];

/// One `-----BEGIN <label>----- … -----END <label>-----` block.
struct PemBlock {
    label: String,
    /// RFC 1421 `Proc-Type: 4,ENCRYPTED` header (legacy OpenSSL password protection).
    encrypted: bool,
    der: Vec<u8>,
}

/// Every PEM block in `text`, in order. Text around the blocks is ignored, as OpenSSL does.
fn pem_blocks(text: &str) -> Result<Vec<PemBlock>, KeyError> {
    const BEGIN: &str = "-----BEGIN ";
    const DASHES: &str = "-----";
    let invalid = |reason| KeyError::InvalidPem { reason };
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some((_, after_begin)) = rest.split_once(BEGIN) {
        let (label, after_label) = after_begin
            .split_once(DASHES)
            .ok_or_else(|| invalid("the BEGIN line does not end with -----"))?;
        if label.contains(['\n', '\r']) {
            return Err(invalid("the BEGIN line does not end with -----"));
        }
        let end = format!("{DASHES}END {label}{DASHES}");
        let (body, after_end) = after_label
            .split_once(end.as_str())
            .ok_or_else(|| invalid("a block has no matching END line"))?;
        let mut encrypted = false;
        let mut base64_text = String::with_capacity(body.len());
        for line in body.lines().map(str::trim) {
            if line.contains(':') {
                // An RFC 1421 header such as `Proc-Type: 4,ENCRYPTED` or `DEK-Info: …`.
                encrypted |= line.starts_with("Proc-Type:") && line.contains("ENCRYPTED");
            } else {
                base64_text.push_str(line);
            }
        }
        let der = STANDARD
            .decode(base64_text.as_bytes())
            .map_err(|_| invalid("the block body is not base64"))?;
        blocks.push(PemBlock {
            label: label.to_owned(),
            encrypted,
            der,
        });
        rest = after_end;
    }
    if blocks.is_empty() {
        return Err(KeyError::NoPemBlock);
    }
    Ok(blocks)
}

fn algorithm_name(oid: ObjectIdentifier) -> String {
    match oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" => "RSA".to_owned(),
        "1.2.840.113549.1.1.10" => "RSA-PSS".to_owned(),
        "1.2.840.10040.4.1" => "DSA".to_owned(),
        "1.3.101.110" => "X25519".to_owned(),
        "1.3.101.111" => "X448".to_owned(),
        "1.3.101.112" => "Ed25519".to_owned(),
        "1.3.101.113" => "Ed448".to_owned(),
        other => format!("OID {other}"),
    }
}

fn curve_name(oid: ObjectIdentifier) -> String {
    match oid.to_string().as_str() {
        "1.3.132.0.34" => "P-384 (secp384r1)".to_owned(),
        "1.3.132.0.35" => "P-521 (secp521r1)".to_owned(),
        "1.3.132.0.10" => "secp256k1".to_owned(),
        "1.2.840.10045.3.1.1" => "P-192 (prime192v1)".to_owned(),
        "1.3.132.0.33" => "P-224 (secp224r1)".to_owned(),
        other => format!("OID {other}"),
    }
}

/// Refuses anything but an ECDSA key on P-256, naming what it is instead.
fn check_p256(algorithm: &AlgorithmIdentifierRef<'_>) -> Result<(), KeyError> {
    if algorithm.oid != ID_EC_PUBLIC_KEY {
        return Err(KeyError::UnsupportedKeyType {
            algorithm: algorithm_name(algorithm.oid),
        });
    }
    match algorithm.parameters_oid() {
        Ok(curve) if curve == PRIME256V1 => Ok(()),
        Ok(curve) => Err(KeyError::UnsupportedCurve {
            curve: curve_name(curve),
        }),
        Err(_) => Err(KeyError::InvalidKey {
            reason: "the elliptic curve is not given by name",
        }),
    }
}

/// Parses an ECDSA P-256 private key from PEM text.
///
/// Accepts unencrypted PKCS#8 (`-----BEGIN PRIVATE KEY-----`, what `sealed-onnx keygen`,
/// `openssl genpkey` and Python's `cryptography` write) and SEC1
/// (`-----BEGIN EC PRIVATE KEY-----`, what `openssl ecparam -genkey` writes). Other PEM
/// blocks before the key, such as `EC PARAMETERS`, are skipped.
///
/// # Errors
///
/// [`KeyError::NoPemBlock`] / [`KeyError::InvalidPem`] when the text is not PEM,
/// [`KeyError::PublicKeyInsteadOfPrivate`] for a public key,
/// [`KeyError::EncryptedPrivateKey`] for a password-protected key,
/// [`KeyError::UnsupportedKeyType`] / [`KeyError::UnsupportedCurve`] for keys other than
/// ECDSA P-256, [`KeyError::InvalidKey`] when the key itself is invalid, and
/// [`KeyError::UnexpectedPemLabel`] when the text holds no key at all.
///
/// # Example
///
/// ```
/// use sealed_onnx::trust::{parse_private_key_pem, private_key_to_pem};
/// # let key = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
/// let pem = private_key_to_pem(&key);
/// assert_eq!(parse_private_key_pem(&pem).unwrap(), key);
/// ```
pub fn parse_private_key_pem(pem: &str) -> Result<SigningKey, KeyError> {
    let mut first_other: Option<String> = None;
    for block in pem_blocks(pem)? {
        match block.label.as_str() {
            "PRIVATE KEY" => return pkcs8_private_key(&block.der),
            "EC PRIVATE KEY" if block.encrypted => return Err(KeyError::EncryptedPrivateKey),
            "EC PRIVATE KEY" => return sec1_private_key(&block.der),
            "ENCRYPTED PRIVATE KEY" => return Err(KeyError::EncryptedPrivateKey),
            "PUBLIC KEY" => return Err(KeyError::PublicKeyInsteadOfPrivate),
            "RSA PRIVATE KEY" => {
                return Err(KeyError::UnsupportedKeyType {
                    algorithm: "RSA".to_owned(),
                })
            }
            "DSA PRIVATE KEY" => {
                return Err(KeyError::UnsupportedKeyType {
                    algorithm: "DSA".to_owned(),
                })
            }
            _ => {
                first_other.get_or_insert(block.label);
            }
        }
    }
    Err(KeyError::UnexpectedPemLabel {
        expected: "PRIVATE KEY or EC PRIVATE KEY",
        found: first_other.unwrap_or_default(),
    })
}

fn pkcs8_private_key(der: &[u8]) -> Result<SigningKey, KeyError> {
    let info = PrivateKeyInfo::try_from(der).map_err(|_| KeyError::InvalidKey {
        reason: "the PRIVATE KEY block is not a PKCS#8 structure",
    })?;
    check_p256(&info.algorithm)?;
    SigningKey::from_pkcs8_der(der).map_err(|_| KeyError::InvalidKey {
        reason: "the private key is not a valid P-256 key",
    })
}

fn sec1_private_key(der: &[u8]) -> Result<SigningKey, KeyError> {
    SecretKey::from_sec1_der(der)
        .map(SigningKey::from)
        .map_err(|_| KeyError::InvalidKey {
            reason: "the EC PRIVATE KEY block is not a valid P-256 key",
        })
}

/// Parses an ECDSA P-256 public key from PEM text (`-----BEGIN PUBLIC KEY-----`,
/// SubjectPublicKeyInfo), as `sealed-onnx keygen`, `openssl pkey -pubout` and Python's
/// `cryptography` write it.
///
/// # Errors
///
/// [`KeyError::NoPemBlock`] / [`KeyError::InvalidPem`] when the text is not PEM,
/// [`KeyError::PrivateKeyInsteadOfPublic`] for a private key,
/// [`KeyError::UnsupportedKeyType`] / [`KeyError::UnsupportedCurve`] for keys other than
/// ECDSA P-256, [`KeyError::InvalidKey`] when the point is not on the curve, and
/// [`KeyError::UnexpectedPemLabel`] for anything else (a certificate, say).
///
/// # Example
///
/// ```
/// use sealed_onnx::trust::{parse_public_key_pem, public_key_to_pem};
/// # let key = *p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap().verifying_key();
/// let pem = public_key_to_pem(&key);
/// assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
/// assert_eq!(parse_public_key_pem(&pem).unwrap(), key);
/// ```
pub fn parse_public_key_pem(pem: &str) -> Result<VerifyingKey, KeyError> {
    let mut first_other: Option<String> = None;
    for block in pem_blocks(pem)? {
        match block.label.as_str() {
            "PUBLIC KEY" => return spki_public_key(&block.der),
            label if label.ends_with("PRIVATE KEY") => {
                return Err(KeyError::PrivateKeyInsteadOfPublic)
            }
            _ => {
                first_other.get_or_insert(block.label);
            }
        }
    }
    Err(KeyError::UnexpectedPemLabel {
        expected: "PUBLIC KEY",
        found: first_other.unwrap_or_default(),
    })
}

fn spki_public_key(der: &[u8]) -> Result<VerifyingKey, KeyError> {
    let info = SubjectPublicKeyInfoRef::try_from(der).map_err(|_| KeyError::InvalidKey {
        reason: "the PUBLIC KEY block is not a SubjectPublicKeyInfo structure",
    })?;
    check_p256(&info.algorithm)?;
    VerifyingKey::from_public_key_der(der).map_err(|_| KeyError::InvalidKey {
        reason: "the public key is not a point on P-256",
    })
}

/// PEM text: `-----BEGIN <label>-----`, base64 in 64-character lines, `-----END <label>-----`,
/// each line ending in `\n`.
fn to_pem(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let mut out = String::with_capacity(body.len() + body.len() / 64 + 2 * label.len() + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    for (i, c) in body.chars().enumerate() {
        if i > 0 && i % 64 == 0 {
            out.push('\n');
        }
        out.push(c);
    }
    out.push_str("\n-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

/// Writes a private key as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), the
/// form `model_signing sign key --private_key` and [`parse_private_key_pem`] read.
///
/// # Example
///
/// ```
/// # let key = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
/// let pem = sealed_onnx::trust::private_key_to_pem(&key);
/// assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
/// ```
pub fn private_key_to_pem(key: &SigningKey) -> String {
    let mut der = Vec::with_capacity(138);
    der.extend_from_slice(&PKCS8_PREFIX);
    der.extend_from_slice(&key.to_bytes());
    der.extend_from_slice(&PKCS8_PUBLIC_KEY_TAG);
    der.extend_from_slice(key.verifying_key().to_encoded_point(false).as_bytes());
    to_pem("PRIVATE KEY", &der)
}

/// Writes a public key as SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`), byte for
/// byte as Python's `cryptography` writes it.
///
/// # Example
///
/// ```
/// # let key = *p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap().verifying_key();
/// let pem = sealed_onnx::trust::public_key_to_pem(&key);
/// assert!(pem.ends_with("-----END PUBLIC KEY-----\n"));
/// ```
pub fn public_key_to_pem(key: &VerifyingKey) -> String {
    let mut der = Vec::with_capacity(91);
    der.extend_from_slice(&SPKI_PREFIX);
    der.extend_from_slice(key.to_encoded_point(false).as_bytes());
    to_pem("PUBLIC KEY", &der)
}

/// The key's fingerprint: lowercase hex sha256 of its [`public_key_to_pem`] text.
///
/// This is exactly the `verificationMaterial.publicKey.hint` model_signing writes into a
/// signature, so a signature names the key that made it.
///
/// # Example
///
/// ```
/// use sealed_onnx::trust::{fingerprint, public_key_to_pem, sha256, to_hex};
/// # let key = *p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap().verifying_key();
/// assert_eq!(fingerprint(&key), to_hex(&sha256(public_key_to_pem(&key).as_bytes())));
/// ```
pub fn fingerprint(key: &VerifyingKey) -> String {
    to_hex(&sha256(public_key_to_pem(key).as_bytes()))
}

/// A new random ECDSA P-256 private key from the operating system's random source.
///
/// Only with the `cli` feature: the core (and the wasm build) never needs randomness,
/// because ECDSA signing here is deterministic (RFC 6979).
///
/// # Example
///
/// ```
/// let key = sealed_onnx::trust::generate_key();
/// assert_ne!(key, sealed_onnx::trust::generate_key());
/// ```
#[cfg(feature = "cli")]
pub fn generate_key() -> SigningKey {
    SigningKey::random(&mut rand_core::OsRng)
}
