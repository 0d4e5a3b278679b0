//! Unit tests for `trust`. Fixtures in `testdata/` were made with Python's `cryptography`
//! and `model_signing` 1.1.1 (see `testdata/README.md`).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use p256::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _};

use super::dsse::{pae, IN_TOTO_PAYLOAD_TYPE};
use super::*;

const TOOL_KEY_PKCS8: &str = include_str!("testdata/p256.key.pem");
const TOOL_KEY_SEC1: &str = include_str!("testdata/p256.sec1.pem");
const TOOL_KEY_ENCRYPTED: &str = include_str!("testdata/p256.encrypted.pem");
const TOOL_PUBLIC: &str = include_str!("testdata/p256.pub.pem");
const P384_KEY: &str = include_str!("testdata/p384.key.pem");
const P384_PUBLIC: &str = include_str!("testdata/p384.pub.pem");
const RSA_PUBLIC: &str = include_str!("testdata/rsa.pub.pem");
/// `model_signing sign key iris --private_key p256.key.pem --signature iris/model.sig` over
/// `iris/model.onnx` = `onnx bytes` and `iris/manifest.json` = `{"name":"iris"}`.
const TOOL_SIGNED: &[u8] = include_bytes!("testdata/tool_signed.sig");
/// The hint model_signing wrote into `tool_signed.sig` for `p256.pub.pem`.
const TOOL_HINT: &str = "c66898db18471f8bda17fc6f7c1748e23583c001ff351624a6adba0ec6879c9b";

fn key(seed: u8) -> SigningKey {
    SigningKey::from_slice(&[seed; 32]).unwrap()
}

fn tool_files() -> Vec<Resource> {
    vec![
        Resource::new("model.onnx", b"onnx bytes"),
        Resource::new("manifest.json", br#"{"name":"iris"}"#),
    ]
}

fn files() -> Vec<Resource> {
    vec![
        Resource::new("model.onnx", b"graph bytes"),
        Resource::new("manifest.json", br#"{"format":"sealed-onnx/1"}"#),
    ]
}

fn json(sig: &[u8]) -> serde_json::Value {
    serde_json::from_slice(sig).unwrap()
}

fn payload_of(sig: &[u8]) -> Vec<u8> {
    let b64 = json(sig)["dsseEnvelope"]["payload"]
        .as_str()
        .unwrap()
        .to_owned();
    STANDARD.decode(b64).unwrap()
}

/// A bundle around `payload`, validly signed by `key`: for statements that are wrong in
/// content but carry a good signature.
fn signed_bundle(payload: &[u8], key: &SigningKey) -> Vec<u8> {
    let signature: Signature = key.sign(&pae(IN_TOTO_PAYLOAD_TYPE, payload));
    super::sigstore_bundle::write(
        &fingerprint(key.verifying_key()),
        &STANDARD.encode(payload),
        &STANDARD.encode(signature.to_der().as_bytes()),
    )
}

/// Our own statement for `files()`, edited by `edit`, then properly signed.
fn resigned(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let k = key(1);
    let mut statement: serde_json::Value =
        serde_json::from_slice(&payload_of(&sign(&files(), "m", &k))).unwrap();
    edit(&mut statement);
    signed_bundle(statement.to_string().as_bytes(), &k)
}

fn verify_err(sig: &[u8]) -> SignatureError {
    verify(sig, &files(), key(1).verifying_key()).unwrap_err()
}

/// Replaces a JSON field of the bundle.
fn edit_bundle(sig: &[u8], edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut v = json(sig);
    edit(&mut v);
    v.to_string().into_bytes()
}

// ---------------------------------------------------------------- digests

#[test]
fn sha256_and_hex() {
    assert_eq!(
        to_hex(&sha256(b"")),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(to_hex(&[]), "");
    assert_eq!(to_hex(&[0x0f, 0xf0]), "0ff0");
}

#[test]
fn hex_digest_round_trip_and_errors() {
    let d = sha256(b"x");
    assert_eq!(parse_hex_digest(&to_hex(&d)), Ok(d));
    assert_eq!(
        parse_hex_digest("abcd"),
        Err(DigestError::WrongLength { len: 4 })
    );
    let upper = to_hex(&d).to_uppercase();
    assert!(matches!(
        parse_hex_digest(&upper),
        Err(DigestError::InvalidCharacter { .. })
    ));
    let mut bad = "0".repeat(63);
    bad.push('g');
    assert_eq!(
        parse_hex_digest(&bad).unwrap_err().to_string(),
        "character 'g' at position 63 of a sha256 hex digest is not a lowercase hexadecimal digit"
    );
    // 64 characters but more bytes: counted in characters, not bytes.
    let mut wide = "0".repeat(63);
    wide.push('é');
    assert_eq!(
        parse_hex_digest(&wide),
        Err(DigestError::InvalidCharacter {
            index: 63,
            found: 'é'
        })
    );
}

// ---------------------------------------------------------------- DSSE

#[test]
fn pae_matches_the_dsse_spec_example() {
    assert_eq!(
        pae("http://example.com/HelloWorld", b"hello world"),
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
    );
    assert_eq!(
        pae(IN_TOTO_PAYLOAD_TYPE, b""),
        b"DSSEv1 28 application/vnd.in-toto+json 0 ".to_vec()
    );
}

// ---------------------------------------------------------------- SRI

const ABC_SHA256: &str = "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";
const ABC_SHA384: &str = "sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn";
const ABC_SHA512: &str =
    "sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==";

#[test]
fn sri_of_known_bytes() {
    assert_eq!(sri_sha256(b"abc"), ABC_SHA256);
}

#[test]
fn integrity_accepts_each_algorithm() {
    for sri in [ABC_SHA256, ABC_SHA384, ABC_SHA512] {
        let valid = check_integrity(b"abc", sri).unwrap();
        assert_eq!(valid.sri, sri);
    }
}

#[test]
fn integrity_mismatch_names_both_digests() {
    let err = check_integrity(b"abd", ABC_SHA256).unwrap_err();
    assert_eq!(
        err,
        IntegrityError::Mismatch {
            expected: ABC_SHA256.to_owned(),
            actual: sri_sha256(b"abd"),
        }
    );
    assert_eq!(
        err.to_string(),
        format!(
            "integrity mismatch: expected {ABC_SHA256} but the bytes hash to {}; the file was changed or is not the one you meant",
            sri_sha256(b"abd")
        )
    );
}

#[test]
fn integrity_uses_only_the_strongest_algorithm() {
    let wrong512 = check_integrity(b"x", ABC_SHA512).unwrap_err();
    let IntegrityError::Mismatch { actual: x512, .. } = wrong512 else {
        panic!()
    };
    let wrong256 = sri_sha256(b"x");
    // A matching sha256 does not help when a (wrong) sha512 is present.
    let err = check_integrity(b"abc", &format!("{ABC_SHA256} {x512}")).unwrap_err();
    assert!(matches!(err, IntegrityError::Mismatch { ref expected, .. } if expected == &x512));
    // Any token of the strongest algorithm may match.
    assert!(check_integrity(b"abc", &format!("{x512}  {ABC_SHA512}\t{wrong256}")).is_ok());
    // Two non-matching strongest tokens are both reported.
    let err = check_integrity(b"abc", &format!("{x512} {x512}")).unwrap_err();
    assert!(
        matches!(err, IntegrityError::Mismatch { ref expected, .. } if expected == &format!("{x512} {x512}"))
    );
}

#[test]
fn integrity_ignores_unknown_algorithms_and_options() {
    assert!(check_integrity(b"abc", &format!("md5-abcd {ABC_SHA384}?ct=application/zip")).is_ok());
    // Algorithm names are matched case-insensitively.
    assert!(check_integrity(b"abc", &ABC_SHA256.replacen("sha256", "SHA256", 1)).is_ok());
    // URL-safe alphabet and missing padding are accepted.
    let url_safe = ABC_SHA256
        .replace('+', "-")
        .replace('/', "_")
        .replace('=', "");
    assert!(check_integrity(b"abc", &url_safe).is_ok());
}

#[test]
fn integrity_refuses_malformed_strings() {
    assert_eq!(check_integrity(b"abc", ""), Err(IntegrityError::Empty));
    assert_eq!(check_integrity(b"abc", " \n\t"), Err(IntegrityError::Empty));
    assert_eq!(
        check_integrity(b"abc", "md5-kAFQmDzST7DWlj99KOF/cg=="),
        Err(IntegrityError::UnsupportedAlgorithm { got: "md5".into() })
    );
    assert_eq!(
        check_integrity(b"abc", "md5-x").unwrap_err().to_string(),
        "integrity algorithm \"md5\" is not supported: use sha256, sha384 or sha512"
    );
    assert_eq!(
        check_integrity(b"abc", "sha256-not*base64"),
        Err(IntegrityError::Malformed {
            token: "sha256-not*base64".into(),
            reason: "the digest is not base64"
        })
    );
    assert_eq!(
        check_integrity(b"abc", "sha256"),
        Err(IntegrityError::Malformed {
            token: "sha256".into(),
            reason: "no digest after the algorithm"
        })
    );
    // A sha256 digest under a sha384 label.
    let relabelled = ABC_SHA256.replace("sha256", "sha384");
    assert_eq!(
        check_integrity(b"abc", &relabelled).unwrap_err().to_string(),
        format!("integrity token \"{relabelled}\" is malformed (the digest has the wrong length for its algorithm): expected <algorithm>-<base64 digest>")
    );
}

// ---------------------------------------------------------------- keys

#[test]
fn keys_are_written_exactly_as_python_cryptography_writes_them() {
    let private = parse_private_key_pem(TOOL_KEY_PKCS8).unwrap();
    assert_eq!(private_key_to_pem(&private), TOOL_KEY_PKCS8);
    assert_eq!(public_key_to_pem(private.verifying_key()), TOOL_PUBLIC);
    assert_eq!(fingerprint(private.verifying_key()), TOOL_HINT);
}

#[test]
fn key_writers_agree_with_the_p256_crate() {
    for seed in [1u8, 2, 0x7f] {
        let k = key(seed);
        let der = k.to_pkcs8_der().unwrap();
        let pem = private_key_to_pem(&k);
        assert_eq!(
            STANDARD
                .decode(
                    pem.lines()
                        .filter(|l| !l.starts_with("-----"))
                        .collect::<String>()
                )
                .unwrap(),
            der.as_bytes()
        );
        let public_der = k.verifying_key().to_public_key_der().unwrap();
        let public_pem = public_key_to_pem(k.verifying_key());
        assert_eq!(
            STANDARD
                .decode(
                    public_pem
                        .lines()
                        .filter(|l| !l.starts_with("-----"))
                        .collect::<String>()
                )
                .unwrap(),
            public_der.as_bytes()
        );
        assert_eq!(parse_private_key_pem(&pem).unwrap(), k);
        assert_eq!(
            &parse_public_key_pem(&public_pem).unwrap(),
            k.verifying_key()
        );
    }
}

#[test]
fn sec1_and_pkcs8_give_the_same_key() {
    let a = parse_private_key_pem(TOOL_KEY_PKCS8).unwrap();
    let b = parse_private_key_pem(TOOL_KEY_SEC1).unwrap();
    assert_eq!(a, b);
    // `openssl ecparam -genkey` writes an EC PARAMETERS block first; CRLF line endings.
    let with_params = format!(
        "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n{}",
        TOOL_KEY_SEC1.replace('\n', "\r\n")
    );
    assert_eq!(parse_private_key_pem(&with_params).unwrap(), a);
    let public = parse_public_key_pem(TOOL_PUBLIC).unwrap();
    assert_eq!(&public, a.verifying_key());
}

#[test]
fn private_key_errors() {
    assert_eq!(parse_private_key_pem(""), Err(KeyError::NoPemBlock));
    assert_eq!(
        parse_private_key_pem(TOOL_PUBLIC),
        Err(KeyError::PublicKeyInsteadOfPrivate)
    );
    assert_eq!(
        parse_private_key_pem(TOOL_KEY_ENCRYPTED),
        Err(KeyError::EncryptedPrivateKey)
    );
    assert_eq!(
        parse_private_key_pem(P384_KEY),
        Err(KeyError::UnsupportedCurve {
            curve: "P-384 (secp384r1)".into()
        })
    );
    assert_eq!(
        parse_private_key_pem(P384_KEY).unwrap_err().to_string(),
        "elliptic curve P-384 (secp384r1) is not supported: use an ECDSA P-256 (prime256v1) key"
    );
    let legacy_encrypted = "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END EC PRIVATE KEY-----\n";
    assert_eq!(
        parse_private_key_pem(legacy_encrypted),
        Err(KeyError::EncryptedPrivateKey)
    );
    let truncated = &TOOL_KEY_PKCS8[..TOOL_KEY_PKCS8.len() - 20];
    assert!(matches!(
        parse_private_key_pem(truncated),
        Err(KeyError::InvalidPem { .. })
    ));
    let garbage = "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n";
    assert_eq!(
        parse_private_key_pem(garbage),
        Err(KeyError::InvalidPem {
            reason: "the block body is not base64"
        })
    );
    let not_der = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    assert!(matches!(
        parse_private_key_pem(not_der),
        Err(KeyError::InvalidKey { .. })
    ));
    let cert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    assert_eq!(
        parse_private_key_pem(cert).unwrap_err().to_string(),
        "expected a PRIVATE KEY or EC PRIVATE KEY PEM block but found \"CERTIFICATE\""
    );
}

#[test]
fn public_key_errors() {
    assert_eq!(
        parse_public_key_pem("not a key").unwrap_err().to_string(),
        "no PEM block found: pass the text of a .pem key file (it starts with -----BEGIN)"
    );
    assert_eq!(
        parse_public_key_pem(TOOL_KEY_PKCS8),
        Err(KeyError::PrivateKeyInsteadOfPublic)
    );
    assert_eq!(
        parse_public_key_pem(TOOL_KEY_SEC1).unwrap_err().to_string(),
        "expected a public key but got a private key: pass the public key, and keep the private key secret"
    );
    assert_eq!(
        parse_public_key_pem(P384_PUBLIC),
        Err(KeyError::UnsupportedCurve {
            curve: "P-384 (secp384r1)".into()
        })
    );
    assert_eq!(
        parse_public_key_pem(RSA_PUBLIC),
        Err(KeyError::UnsupportedKeyType {
            algorithm: "RSA".into()
        })
    );
    // A valid SPKI structure whose point is not on the curve.
    let mut der = k_public_der();
    let last = der.len() - 1;
    der[last] ^= 1;
    let pem = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        STANDARD.encode(&der)
    );
    assert_eq!(
        parse_public_key_pem(&pem),
        Err(KeyError::InvalidKey {
            reason: "the public key is not a point on P-256"
        })
    );
    let unterminated = "-----BEGIN PUBLIC KEY\nAAAA\n";
    assert!(matches!(
        parse_public_key_pem(unterminated),
        Err(KeyError::InvalidPem { .. })
    ));
}

fn k_public_der() -> Vec<u8> {
    key(1)
        .verifying_key()
        .to_public_key_der()
        .unwrap()
        .as_bytes()
        .to_vec()
}

#[cfg(feature = "cli")]
#[test]
fn generated_keys_round_trip() {
    let k = generate_key();
    assert_eq!(parse_private_key_pem(&private_key_to_pem(&k)).unwrap(), k);
}

// ---------------------------------------------------------------- signatures

#[test]
fn round_trip() {
    let k = key(1);
    let sig = sign(&files(), "iris", &k);
    let valid = verify(&sig, &files(), k.verifying_key()).unwrap();
    assert_eq!(valid.fingerprint, fingerprint(k.verifying_key()));
    assert_eq!(valid.model_name, "iris");
    // Order of the expected list does not matter.
    let mut reversed = files();
    reversed.reverse();
    assert!(verify(&sig, &reversed, k.verifying_key()).is_ok());
    // Deterministic.
    assert_eq!(sig, sign(&files(), "iris", &k));
}

#[test]
fn a_signature_made_by_model_signing_verifies() {
    let public = parse_public_key_pem(TOOL_PUBLIC).unwrap();
    let valid = verify(TOOL_SIGNED, &tool_files(), &public).unwrap();
    assert_eq!(valid.fingerprint, TOOL_HINT);
    assert_eq!(valid.model_name, "iris");
    assert!(matches!(
        verify(TOOL_SIGNED, &files(), &public),
        Err(SignatureError::ResourceMismatch { .. })
    ));
}

#[test]
fn signed_bytes_have_the_model_signing_layout() {
    let k = parse_private_key_pem(TOOL_KEY_PKCS8).unwrap();
    let sig = sign(&tool_files(), "iris", &k);
    let text = std::str::from_utf8(&sig).unwrap();
    assert!(text.starts_with(&format!(
        r#"{{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{{"publicKey":{{"hint":"{TOOL_HINT}"}},"tlogEntries":[]}},"dsseEnvelope":{{"payload":""#
    )));
    assert!(text.ends_with(r#""keyid":""}]}}"#));
    assert!(
        text.contains(r#","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":""#)
    );
    let payload = String::from_utf8(payload_of(&sig)).unwrap();
    assert_eq!(
        payload,
        r#"{
  "_type": "https://in-toto.io/Statement/v1",
  "subject": [
    {
      "name": "iris",
      "digest": {
        "sha256": "af6ca32dddda04a39decf7d7ef9a48a59a62c75b14fbca79122490eb595f6056"
      }
    }
  ],
  "predicateType": "https://model_signing/signature/v1.0",
  "predicate": {
    "serialization": {
      "method": "files",
      "hash_type": "sha256",
      "allow_symlinks": false,
      "ignore_paths": [
        "model.sig",
        ".git",
        ".gitattributes",
        ".github",
        ".gitignore"
      ]
    },
    "resources": [
      {
        "name": "manifest.json",
        "algorithm": "sha256",
        "digest": "e405d60b6bc58292d3e905f5928876753e3fd6acbb8f3f185e08f77541bb3a45"
      },
      {
        "name": "model.onnx",
        "algorithm": "sha256",
        "digest": "c1650a9961b22b18b7919016db749eb46e2f14ad9da48dd02aa586fe8a335978"
      }
    ]
  }
}"#
    );
    // The same statement content as the Python tool's (its key order differs).
    let ours: serde_json::Value = serde_json::from_str(&payload).unwrap();
    let mut theirs: serde_json::Value = serde_json::from_slice(&payload_of(TOOL_SIGNED)).unwrap();
    // The tool's ignore_paths come from a set, in any order.
    theirs["predicate"]["serialization"]["ignore_paths"] =
        ours["predicate"]["serialization"]["ignore_paths"].clone();
    assert_eq!(ours, theirs);
}

#[test]
fn resources_are_sorted_by_path_component() {
    let k = key(1);
    let names = ["a.b", "B", "a/b", "a/a/z", "a-"];
    let resources: Vec<Resource> = names
        .iter()
        .map(|n| Resource::new(*n, n.as_bytes()))
        .collect();
    let sig = sign(&resources, "m", &k);
    let statement: serde_json::Value = serde_json::from_slice(&payload_of(&sig)).unwrap();
    let listed: Vec<&str> = statement["predicate"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    // As Python sorts PurePosixPath: ("B",) < ("a","a","z") < ("a","b") < ("a-",) < ("a.b",)
    assert_eq!(listed, ["B", "a/a/z", "a/b", "a-", "a.b"]);
    assert!(verify(&sig, &resources, k.verifying_key()).is_ok());
}

#[test]
fn empty_resource_list_round_trips() {
    let k = key(1);
    let sig = sign(&[], "empty", &k);
    assert!(String::from_utf8(payload_of(&sig))
        .unwrap()
        .contains("\"resources\": []"));
    assert!(verify(&sig, &[], k.verifying_key()).is_ok());
}

#[test]
fn tampered_payload_byte_fails() {
    let k = key(1);
    let sig = sign(&files(), "m", &k);
    let mut payload = payload_of(&sig);
    let i = payload.len() / 2;
    payload[i] ^= 0x01;
    let tampered = edit_bundle(&sig, |v| {
        v["dsseEnvelope"]["payload"] = STANDARD.encode(&payload).into();
    });
    assert_eq!(verify_err(&tampered), SignatureError::BadSignature);
    assert_eq!(
        SignatureError::BadSignature.to_string(),
        "signature does not verify with the given public key: check you passed the signer's public key; if you did, the signature was altered"
    );
}

#[test]
fn tampered_signature_fails() {
    let k = key(1);
    let sig = sign(&files(), "m", &k);
    let sig_b64 = json(&sig)["dsseEnvelope"]["signatures"][0]["sig"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut der = STANDARD.decode(sig_b64).unwrap();
    let last = der.len() - 1;
    der[last] ^= 0x01; // inside s
    let tampered = edit_bundle(&sig, |v| {
        v["dsseEnvelope"]["signatures"][0]["sig"] = STANDARD.encode(&der).into();
    });
    assert_eq!(verify_err(&tampered), SignatureError::BadSignature);
    // Not DER at all.
    let garbage = edit_bundle(&sig, |v| {
        v["dsseEnvelope"]["signatures"][0]["sig"] = STANDARD.encode([1, 2, 3]).into();
    });
    assert!(matches!(
        verify_err(&garbage),
        SignatureError::Malformed { .. }
    ));
}

/// Decision (issue 13, item 7): both S forms of a signature verify, as they do in OpenSSL
/// (which `model_signing` signs and verifies with), Go's `crypto/ecdsa` (cosign, sigstore-go)
/// and Python's `cryptography`. Refusing high S would refuse about half of the signatures
/// `model_signing` makes (and two of the four example bundles). The other form can be made
/// from a valid signature without the key; it covers the same files, so what a loader
/// verifies is unchanged, but it is a different `model.sig` and so a different bundle digest
/// (SECURITY.md, "Signatures").
#[test]
fn both_s_forms_of_a_signature_verify() {
    let k = key(1);
    let sig = sign(&files(), "m", &k);
    let b64 = json(&sig)["dsseEnvelope"]["signatures"][0]["sig"]
        .as_str()
        .unwrap()
        .to_owned();
    let original = Signature::from_der(&STANDARD.decode(b64).unwrap()).unwrap();
    let (r, s) = original.split_scalars();
    let flipped = Signature::from_scalars(r, -s).unwrap();
    assert_ne!(flipped, original);
    // Exactly one of the two is the low-S form.
    assert!(original.normalize_s().is_some() != flipped.normalize_s().is_some());
    let other = edit_bundle(&sig, |v| {
        v["dsseEnvelope"]["signatures"][0]["sig"] =
            STANDARD.encode(flipped.to_der().as_bytes()).into();
    });
    assert_ne!(other, sig);
    assert!(verify(&other, &files(), k.verifying_key()).is_ok());
    assert!(verify(&sig, &files(), k.verifying_key()).is_ok());
}

#[test]
fn wrong_key_fails() {
    let sig = sign(&files(), "m", &key(2));
    let err = verify_err(&sig);
    assert_eq!(
        err,
        SignatureError::KeyMismatch {
            hint: fingerprint(key(2).verifying_key()),
            fingerprint: fingerprint(key(1).verifying_key()),
        }
    );
    // Said once, in words: whose key signed it, which key was given, what to do.
    assert_eq!(
        err.to_string(),
        format!(
            "signed by a different key: its fingerprint is {}, you gave {}; pass the signer's public key",
            fingerprint(key(2).verifying_key()),
            fingerprint(key(1).verifying_key())
        )
    );
    // Without the hint, the ECDSA check itself refuses it.
    for hint in [serde_json::Value::Null, "".into()] {
        let no_hint = edit_bundle(&sig, |v| {
            v["verificationMaterial"]["publicKey"]["hint"] = hint;
        });
        assert_eq!(verify_err(&no_hint), SignatureError::BadSignature);
    }
    // And a hint-less signature from the right key still verifies (pre-1.0 bundles).
    let ok = edit_bundle(&sign(&files(), "m", &key(1)), |v| {
        v["verificationMaterial"]["publicKey"] = serde_json::json!({});
    });
    assert!(verify(&ok, &files(), key(1).verifying_key()).is_ok());
}

#[test]
fn resource_set_must_match_exactly() {
    let k = key(1);
    let sig = sign(&files(), "m", &k);
    let check = |expected: &[Resource]| verify(&sig, expected, k.verifying_key()).unwrap_err();

    let mut extra = files();
    extra.push(Resource::new("notes.txt", b""));
    assert_eq!(
        check(&extra),
        SignatureError::MissingResource {
            name: "notes.txt".into()
        }
    );
    assert_eq!(
        check(&extra).to_string(),
        "file \"notes.txt\" is not covered by the signature"
    );

    let missing = vec![Resource::new("model.onnx", b"graph bytes")];
    assert_eq!(
        check(&missing),
        SignatureError::UnexpectedResource {
            name: "manifest.json".into()
        }
    );

    let mut changed = files();
    changed[0] = Resource::new("model.onnx", b"other graph");
    let err = check(&changed);
    assert_eq!(
        err,
        SignatureError::ResourceMismatch {
            name: "model.onnx".into(),
            expected: to_hex(&sha256(b"other graph")),
            got: to_hex(&sha256(b"graph bytes")),
        }
    );
    assert_eq!(
        err.to_string(),
        format!(
            "file \"model.onnx\" was changed after signing: its sha256 is {} but the signature has {}",
            to_hex(&sha256(b"other graph")),
            to_hex(&sha256(b"graph bytes"))
        )
    );

    let mut duplicated = files();
    duplicated.push(files()[0].clone());
    assert_eq!(
        check(&duplicated),
        SignatureError::DuplicateResource {
            name: "model.onnx".into()
        }
    );
}

#[test]
fn wrong_predicate_type_fails_even_when_signed() {
    let sig = resigned(|s| s["predicateType"] = "https://model_signing/Digests/v0.1".into());
    assert_eq!(
        verify_err(&sig),
        SignatureError::WrongPredicateType {
            got: "https://model_signing/Digests/v0.1".into(),
            expected: "https://model_signing/signature/v1.0",
        }
    );
    let sig = resigned(|s| s["_type"] = "https://in-toto.io/Statement/v0.1".into());
    assert!(matches!(
        verify_err(&sig),
        SignatureError::WrongStatementType { .. }
    ));
}

#[test]
fn inconsistent_or_unsupported_statements_fail_even_when_signed() {
    let sig = resigned(|s| s["subject"][0]["digest"]["sha256"] = to_hex(&[0; 32]).into());
    assert!(matches!(
        verify_err(&sig),
        SignatureError::SubjectDigestMismatch { .. }
    ));
    // A changed resource digest breaks the subject digest.
    let sig = resigned(|s| s["predicate"]["resources"][0]["digest"] = to_hex(&[0; 32]).into());
    assert!(matches!(
        verify_err(&sig),
        SignatureError::SubjectDigestMismatch { .. }
    ));
    let sig = resigned(|s| s["predicate"]["serialization"]["method"] = "shards".into());
    assert_eq!(
        verify_err(&sig),
        SignatureError::UnsupportedSerialization {
            got: "shards".into()
        }
    );
    let sig = resigned(|s| s["predicate"]["serialization"]["hash_type"] = "blake3".into());
    assert_eq!(
        verify_err(&sig),
        SignatureError::UnsupportedHashAlgorithm {
            got: "blake3".into()
        }
    );
    let sig = resigned(|s| s["predicate"]["resources"][1]["algorithm"] = "sha512".into());
    assert_eq!(
        verify_err(&sig),
        SignatureError::UnsupportedHashAlgorithm {
            got: "sha512".into()
        }
    );
    let sig = resigned(|s| {
        let first = s["predicate"]["resources"][0].clone();
        s["predicate"]["resources"]
            .as_array_mut()
            .unwrap()
            .push(first);
    });
    assert!(matches!(
        verify_err(&sig),
        SignatureError::DuplicateResource { .. }
    ));
    let sig = resigned(|s| s["subject"] = serde_json::json!([]));
    assert_eq!(verify_err(&sig), SignatureError::SubjectCount { got: 0 });
    let sig = resigned(|s| {
        let first = s["subject"][0].clone();
        s["subject"].as_array_mut().unwrap().push(first);
    });
    assert_eq!(verify_err(&sig), SignatureError::SubjectCount { got: 2 });
    let sig = resigned(|s| s["predicate"]["resources"][0]["digest"] = "zz".into());
    assert!(matches!(verify_err(&sig), SignatureError::Malformed { .. }));
    let sig = resigned(|s| {
        s["predicate"]
            .as_object_mut()
            .unwrap()
            .remove("serialization");
    });
    assert!(matches!(verify_err(&sig), SignatureError::Malformed { .. }));
    // A signed payload that is not JSON.
    let sig = signed_bundle(b"not json", &key(1));
    assert!(matches!(verify_err(&sig), SignatureError::Malformed { .. }));
}

#[test]
fn malformed_bundles_fail() {
    let sig = sign(&files(), "m", &key(1));
    assert!(matches!(verify_err(b"{"), SignatureError::Malformed { .. }));
    assert!(matches!(verify_err(b""), SignatureError::Malformed { .. }));
    assert!(matches!(
        verify_err(&[0xff; 10]),
        SignatureError::Malformed { .. }
    ));
    assert!(matches!(
        verify_err(br#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}"#),
        SignatureError::Malformed { .. }
    ));
    let err = verify_err(b"[]");
    assert!(err
        .to_string()
        .starts_with("signature is malformed: not a Sigstore bundle: "));

    let media = edit_bundle(&sig, |v| {
        v["mediaType"] = "application/vnd.dev.sigstore.bundle+json;version=0.1".into();
    });
    assert!(matches!(
        verify_err(&media),
        SignatureError::WrongMediaType { .. }
    ));

    let certificate = edit_bundle(&sig, |v| {
        v["verificationMaterial"] =
            serde_json::json!({"certificate": {"rawBytes": "AAAA"}, "tlogEntries": []});
    });
    assert_eq!(verify_err(&certificate), SignatureError::NotKeyBased);

    let no_envelope = edit_bundle(&sig, |v| {
        v.as_object_mut().unwrap().remove("dsseEnvelope");
    });
    assert!(matches!(
        verify_err(&no_envelope),
        SignatureError::Malformed { .. }
    ));

    let no_sigs = edit_bundle(&sig, |v| {
        v["dsseEnvelope"]["signatures"] = serde_json::json!([]);
    });
    assert_eq!(verify_err(&no_sigs), SignatureError::NoSignature);

    let payload_type = edit_bundle(&sig, |v| {
        v["dsseEnvelope"]["payloadType"] = "text/plain".into();
    });
    assert!(matches!(
        verify_err(&payload_type),
        SignatureError::WrongPayloadType { .. }
    ));

    let too_large = vec![b' '; MAX_SIGNATURE_BYTES + 1];
    assert!(matches!(
        verify_err(&too_large),
        SignatureError::TooLarge { .. }
    ));
}

#[test]
fn bad_base64_fails() {
    let sig = sign(&files(), "m", &key(1));
    let bad_payload = edit_bundle(&sig, |v| {
        v["dsseEnvelope"]["payload"] = "not base64!".into();
    });
    assert_eq!(
        verify_err(&bad_payload),
        SignatureError::InvalidBase64 {
            field: "dsseEnvelope.payload"
        }
    );
    assert_eq!(
        verify_err(&bad_payload).to_string(),
        "signature field dsseEnvelope.payload is not valid base64"
    );
    let bad_sig = edit_bundle(&sig, |v| {
        v["dsseEnvelope"]["signatures"][0]["sig"] = "@@@@".into();
    });
    assert_eq!(
        verify_err(&bad_sig),
        SignatureError::InvalidBase64 {
            field: "dsseEnvelope.signatures[0].sig"
        }
    );
}

#[test]
fn only_the_first_signature_counts() {
    let sig = sign(&files(), "m", &key(1));
    let other = sign(&files(), "m", &key(2));
    let other_sig = json(&other)["dsseEnvelope"]["signatures"][0].clone();
    let first_bad = edit_bundle(&sig, |v| {
        v["dsseEnvelope"]["signatures"]
            .as_array_mut()
            .unwrap()
            .insert(0, other_sig);
    });
    assert_eq!(verify_err(&first_bad), SignatureError::BadSignature);
}

#[test]
fn verifying_key_is_not_confused_by_unknown_fields() {
    // Older model_signing wrote rawBytes/keyDetails next to the hint; readers ignore them.
    let k = key(1);
    let sig = edit_bundle(&sign(&files(), "m", &k), |v| {
        v["verificationMaterial"]["publicKey"]["rawBytes"] = "AAAA".into();
        v["verificationMaterial"]["publicKey"]["keyDetails"] = "PKIX_ECDSA_P256_SHA_256".into();
    });
    assert!(verify(&sig, &files(), k.verifying_key()).is_ok());
}

#[test]
fn mutated_or_truncated_signatures_never_panic() {
    let k = key(1);
    let sig = sign(&files(), "m", &k);
    let payload_b64 = json(&sig)["dsseEnvelope"]["payload"]
        .as_str()
        .unwrap()
        .to_owned();
    let text = String::from_utf8(sig.clone()).unwrap();
    let payload_at = text.find(&payload_b64).unwrap();
    for i in (0..sig.len()).step_by(7) {
        let mut mutated = sig.clone();
        mutated[i] ^= 0x04;
        let result = verify(&mutated, &files(), k.verifying_key());
        // Changing a field name the verifier ignores (`keyid`, `tlogEntries`) is harmless;
        // changing the signed payload never is.
        if (payload_at..payload_at + payload_b64.len()).contains(&i) {
            assert!(result.is_err(), "payload byte {i} changed but accepted");
        }
    }
    for len in 0..sig.len() {
        assert!(verify(&sig[..len], &files(), k.verifying_key()).is_err());
    }
}
