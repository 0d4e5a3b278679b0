//! Interoperability with the OpenSSF `model_signing` tool (PyPI `model-signing`, pinned in
//! `models/requirements.txt`): signatures made here verify there, and the other way round.
//!
//! Needs `models/.venv` (`bash scripts/setup-python.sh`). Without it these tests print a
//! "skipped" line and pass, unless `SEALED_ONNX_REQUIRE_PYTHON=1`, which turns a missing tool
//! into a failure (the test runner script sets it).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use p256::ecdsa::SigningKey;
use sealed_onnx::trust::{
    fingerprint, private_key_to_pem, public_key_to_pem, sha256, sign, verify, Resource,
    SignatureError,
};

/// The pinned tool, or `None` (after saying why) when the test should be skipped.
fn model_signing() -> Option<PathBuf> {
    let tool = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/.venv/bin/model_signing");
    if tool.is_file() {
        return Some(tool);
    }
    if std::env::var("SEALED_ONNX_REQUIRE_PYTHON").as_deref() == Ok("1") {
        panic!(
            "{} is missing and SEALED_ONNX_REQUIRE_PYTHON=1: run `bash scripts/setup-python.sh` to create models/.venv",
            tool.display()
        );
    }
    eprintln!(
        "skipped: {} not found; run `bash scripts/setup-python.sh` to run the model_signing interop tests",
        tool.display()
    );
    None
}

fn run(tool: &Path, args: &[&Path]) -> Output {
    let output = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", tool.display()));
    eprintln!(
        "$ model_signing {}\n{}{}",
        args.iter()
            .map(|a| a.display().to_string())
            .collect::<Vec<_>>()
            .join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn tool_verify(tool: &Path, dir: &Path, public_pem: &Path) -> Output {
    run(
        tool,
        &[
            Path::new("verify"),
            Path::new("key"),
            dir,
            Path::new("--signature"),
            &dir.join("model.sig"),
            Path::new("--public_key"),
            public_pem,
        ],
    )
}

fn tool_sign(tool: &Path, dir: &Path, private_pem: &Path) -> Output {
    run(
        tool,
        &[
            Path::new("sign"),
            Path::new("key"),
            dir,
            Path::new("--private_key"),
            private_pem,
            Path::new("--signature"),
            &dir.join("model.sig"),
        ],
    )
}

fn new_key() -> SigningKey {
    #[cfg(feature = "cli")]
    {
        sealed_onnx::trust::generate_key()
    }
    #[cfg(not(feature = "cli"))]
    {
        SigningKey::from_slice(&sha256(b"model_signing interop test key")).unwrap()
    }
}

/// A model directory named `iris` with the given files, inside a fresh temporary directory
/// that also holds the keys (outside the model directory, so they are not hashed).
struct Fixture {
    tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl Fixture {
    fn new(files: &[(&str, &[u8])]) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("iris");
        for (name, bytes) in files {
            let path = dir.join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, bytes).unwrap();
        }
        Self { tmp, dir }
    }

    fn resources(&self, names: &[&str]) -> Vec<Resource> {
        names
            .iter()
            .map(|name| Resource::new(*name, &fs::read(self.dir.join(name)).unwrap()))
            .collect()
    }

    fn write_outside(&self, name: &str, text: &str) -> PathBuf {
        let path = self.tmp.path().join(name);
        fs::write(&path, text).unwrap();
        path
    }
}

const MODEL: &[u8] = b"\x08\x07\x12\x08skl2onnx\x1a\x061.20.0 not really onnx \x00\xff";
const MANIFEST: &[u8] = br#"{"format":"sealed-onnx/1","name":"iris","version":"1.0.0"}"#;

#[test]
fn our_signature_verifies_with_model_signing() {
    let Some(tool) = model_signing() else { return };
    let fx = Fixture::new(&[("model.onnx", MODEL), ("manifest.json", MANIFEST)]);
    let key = new_key();
    let public_pem = fx.write_outside("signer.pub.pem", &public_key_to_pem(key.verifying_key()));

    let sig = sign(
        &fx.resources(&["model.onnx", "manifest.json"]),
        "iris",
        &key,
    );
    fs::write(fx.dir.join("model.sig"), &sig).unwrap();
    let ok = tool_verify(&tool, &fx.dir, &public_pem);
    assert!(ok.status.success(), "model_signing refused our signature");

    // One changed byte in a signed file: the tool must refuse.
    let mut tampered = MODEL.to_vec();
    tampered[0] ^= 1;
    fs::write(fx.dir.join("model.onnx"), &tampered).unwrap();
    let bad = tool_verify(&tool, &fx.dir, &public_pem);
    assert!(
        !bad.status.success(),
        "model_signing accepted a tampered file"
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("model.onnx"));

    // Restored, but with an extra file: refused too.
    fs::write(fx.dir.join("model.onnx"), MODEL).unwrap();
    fs::write(fx.dir.join("extra.txt"), b"x").unwrap();
    let extra = tool_verify(&tool, &fx.dir, &public_pem);
    assert!(
        !extra.status.success(),
        "model_signing accepted an extra file"
    );

    // And with another key: refused.
    fs::remove_file(fx.dir.join("extra.txt")).unwrap();
    let other = SigningKey::from_slice(&sha256(b"another key")).unwrap();
    let other_pem = fx.write_outside("other.pub.pem", &public_key_to_pem(other.verifying_key()));
    let wrong_key = tool_verify(&tool, &fx.dir, &other_pem);
    assert!(
        !wrong_key.status.success(),
        "model_signing accepted another key"
    );
    assert!(tool_verify(&tool, &fx.dir, &public_pem).status.success());
}

#[test]
fn model_signing_signature_verifies_here() {
    let Some(tool) = model_signing() else { return };
    let fx = Fixture::new(&[("model.onnx", MODEL), ("manifest.json", MANIFEST)]);
    let key = new_key();
    let private_pem = fx.write_outside("signer.key.pem", &private_key_to_pem(&key));

    let out = tool_sign(&tool, &fx.dir, &private_pem);
    assert!(
        out.status.success(),
        "model_signing could not sign with our PEM key"
    );
    let sig = fs::read(fx.dir.join("model.sig")).unwrap();
    let files = fx.resources(&["model.onnx", "manifest.json"]);

    let valid = verify(&sig, &files, key.verifying_key()).unwrap();
    assert_eq!(valid.fingerprint, fingerprint(key.verifying_key()));
    assert_eq!(valid.model_name, "iris");
    let bundle: serde_json::Value = serde_json::from_slice(&sig).unwrap();
    assert_eq!(
        bundle["verificationMaterial"]["publicKey"]["hint"],
        valid.fingerprint.as_str()
    );

    // A changed file is refused here as well, naming the file.
    let mut changed = files.clone();
    changed[0] = Resource::new("model.onnx", b"other");
    assert!(matches!(
        verify(&sig, &changed, key.verifying_key()),
        Err(SignatureError::ResourceMismatch { name, .. }) if name == "model.onnx"
    ));
}

/// Nested paths and several files, both directions: same names, same order, same digests.
#[test]
fn nested_files_agree_both_ways() {
    let Some(tool) = model_signing() else { return };
    let names = [
        "model.onnx",
        "manifest.json",
        "a/b.bin",
        "a.b",
        "a-/z",
        "B.txt",
    ];
    let contents: Vec<Vec<u8>> = names.iter().map(|n| n.repeat(3).into_bytes()).collect();
    let files: Vec<(&str, &[u8])> = names
        .iter()
        .zip(&contents)
        .map(|(n, c)| (*n, c.as_slice()))
        .collect();
    let fx = Fixture::new(&files);
    let key = new_key();
    let private_pem = fx.write_outside("k.pem", &private_key_to_pem(&key));
    let public_pem = fx.write_outside("k.pub.pem", &public_key_to_pem(key.verifying_key()));
    let resources = fx.resources(&names);

    assert!(tool_sign(&tool, &fx.dir, &private_pem).status.success());
    let theirs = fs::read(fx.dir.join("model.sig")).unwrap();
    assert!(verify(&theirs, &resources, key.verifying_key()).is_ok());

    let ours = sign(&resources, "iris", &key);
    fs::write(fx.dir.join("model.sig"), &ours).unwrap();
    assert!(tool_verify(&tool, &fx.dir, &public_pem).status.success());

    // Both list the resources in the same order.
    let listed = |sig: &[u8]| -> Vec<String> {
        use base64::Engine as _;
        let bundle: serde_json::Value = serde_json::from_slice(sig).unwrap();
        let payload = base64::engine::general_purpose::STANDARD
            .decode(bundle["dsseEnvelope"]["payload"].as_str().unwrap())
            .unwrap();
        let statement: serde_json::Value = serde_json::from_slice(&payload).unwrap();
        statement["predicate"]["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(listed(&ours), listed(&theirs));
}

/// Unzips a bundle's entries into `dir`.
fn unzip_into(bundle: &Path, dir: &Path) {
    for (name, data) in crate::support::entries(bundle) {
        fs::write(dir.join(name), data).unwrap();
    }
}

#[test]
fn committed_bundle_verifies_with_model_signing() {
    let Some(tool) = model_signing() else { return };
    let dir = crate::support::tempdir();
    unzip_into(&crate::support::repo("models/iris-1.0.0.sonnx"), dir.path());
    let out = tool_verify(&tool, dir.path(), &crate::support::demo_pub());
    assert!(
        out.status.success(),
        "model_signing refused the committed iris bundle"
    );

    // The tool checks the same thing we do: a changed manifest no longer verifies.
    fs::write(dir.path().join("manifest.json"), b"{}").unwrap();
    assert!(!tool_verify(&tool, dir.path(), &crate::support::demo_pub())
        .status
        .success());
}

#[test]
fn bundle_signed_by_model_signing_verifies_with_the_cli() {
    use crate::support::*;
    let Some(tool) = model_signing() else { return };
    let dir = tempdir();
    let (private, public) = keygen(dir.path(), "student");
    let unsigned = pack("diabetes", dir.path());
    let model_dir = dir.path().join("diabetes");
    fs::create_dir(&model_dir).unwrap();
    unzip_into(&unsigned, &model_dir);
    assert!(tool_sign(&tool, &model_dir, &private).status.success());

    let mut e = entries(&unsigned);
    e.push((
        "model.sig".into(),
        fs::read(model_dir.join("model.sig")).unwrap(),
    ));
    let signed = dir.path().join("signed-by-tool.sonnx");
    write_entries(&signed, &e);
    let out = cli([
        "verify".as_ref(),
        signed.as_os_str(),
        "--public-key".as_ref(),
        public.as_os_str(),
    ]);
    let key =
        sealed_onnx::trust::parse_public_key_pem(&fs::read_to_string(&public).unwrap()).unwrap();
    assert!(
        out.ok()
            .contains(&format!("ok  signature by key {}", fingerprint(&key))),
        "{}",
        out.stdout
    );

    // And a signature made by the tool for other files is refused by name.
    fs::write(model_dir.join("model.onnx"), b"not the model").unwrap();
    assert!(tool_sign(&tool, &model_dir, &private).status.success());
    let mut e = entries(&unsigned);
    e.push((
        "model.sig".into(),
        fs::read(model_dir.join("model.sig")).unwrap(),
    ));
    write_entries(&signed, &e);
    cli([
        "verify".as_ref(),
        signed.as_os_str(),
        "--public-key".as_ref(),
        public.as_os_str(),
    ])
    .fails_with("model.onnx");
}
