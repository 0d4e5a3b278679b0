//! `sealed-onnx sign`: add or replace `model.sig`.

use std::path::PathBuf;

use crate::loader::{check_file_digests, signed_resources};
use crate::trust;
use anyhow::{Context, Result};

use super::files;

/// Sign a bundle with a private key (OpenSSF model-signing format, ECDSA P-256).
///
/// The signature covers model.onnx and manifest.json; it also verifies with
/// `model_signing verify key DIR --signature DIR/model.sig --public_key KEY` on the unzipped
/// bundle.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The bundle to sign.
    bundle: PathBuf,
    /// The private key (PEM, PKCS#8 or SEC1).
    #[arg(long, value_name = "PEM")]
    key: PathBuf,
    /// Write the signed bundle here instead of replacing the input.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
}

/// Signs a bundle's bytes; returns the signed bundle and whether a signature was replaced.
pub fn sign(bytes: &[u8], key: &p256::ecdsa::SigningKey) -> Result<(Vec<u8>, bool)> {
    let mut bundle = crate::bundle::Bundle::read(bytes, &crate::bundle::Limits::default())
        .context("cannot read the bundle")?;
    // Re-check the file digests first: signing a modified bundle would bless the modification.
    check_file_digests(&bundle).context("re-pack the bundle instead of signing it")?;
    let replaced = bundle.signature.is_some();
    let resources = signed_resources(&bundle.model, &bundle.manifest_bytes);
    bundle.signature = Some(trust::sign(&resources, &bundle.manifest.name, key));
    Ok((bundle.to_bytes(), replaced))
}

/// Runs the command.
pub fn run(a: Args) -> Result<u8> {
    let bytes = files::read_bundle_bytes(&a.bundle, &crate::bundle::Limits::default())?;
    let key = trust::parse_private_key_pem(&files::read_text(&a.key)?)
        .with_context(|| format!("cannot use {} as a private key", a.key.display()))?;
    let (signed, replaced) =
        sign(&bytes, &key).with_context(|| format!("cannot sign {}", a.bundle.display()))?;
    match &a.out {
        Some(out) => files::write(out, &signed, a.force)?,
        None => files::write(&a.bundle, &signed, true)?,
    }
    let target = a.out.as_ref().unwrap_or(&a.bundle);
    println!(
        "{} {} with key {}",
        if replaced { "re-signed" } else { "signed" },
        target.display(),
        trust::fingerprint(key.verifying_key())
    );
    println!("integrity: {}", trust::sri_sha256(&signed));
    Ok(0)
}
