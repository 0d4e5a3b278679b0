//! `sealed-onnx keygen`: a new ECDSA P-256 key pair.

use std::path::PathBuf;

use crate::trust;
use anyhow::Result;

use super::files;

/// Create an ECDSA P-256 key pair (PEM) for signing bundles.
///
/// Keep the private key secret; publish the public key next to your bundles.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the private key (PKCS#8 PEM, mode 0600: readable by you only).
    #[arg(long, value_name = "PEM")]
    private_key: PathBuf,
    /// Where to write the public key (SubjectPublicKeyInfo PEM).
    #[arg(long, value_name = "PEM")]
    public_key: PathBuf,
    /// Replace existing key files.
    #[arg(long)]
    force: bool,
}

/// Runs the command.
pub fn run(a: Args) -> Result<u8> {
    let key = trust::generate_key();
    if !a.force {
        for path in [&a.private_key, &a.public_key] {
            if path.exists() {
                anyhow::bail!(
                    "{} already exists; pass --force to replace it (a lost private key cannot sign updates of bundles already published)",
                    path.display()
                );
            }
        }
    }
    files::write_secret(
        &a.private_key,
        trust::private_key_to_pem(&key).as_bytes(),
        a.force,
    )?;
    let public = trust::public_key_to_pem(key.verifying_key());
    files::write(&a.public_key, public.as_bytes(), a.force)?;
    println!(
        "wrote {} (keep it secret) and {}",
        a.private_key.display(),
        a.public_key.display()
    );
    println!(
        "key fingerprint: {}",
        trust::fingerprint(key.verifying_key())
    );
    Ok(0)
}
