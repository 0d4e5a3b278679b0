//! `sealed-onnx verify`: run every check a loader runs, and say which passed.

use std::path::PathBuf;

use anyhow::{bail, Result};

use super::trust_args::TrustArgs;

/// Verify a bundle: integrity, structure, file digests, signature, graph and test vectors.
///
/// Exits 0 when every requested check passes, 1 otherwise (the message names the failed
/// check).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The bundle to verify.
    bundle: PathBuf,
    #[command(flatten)]
    trust: TrustArgs,
}

/// Runs the command.
pub fn run(a: Args) -> Result<u8> {
    if a.trust.public_key.is_none() && a.trust.integrity.is_none() && !a.trust.allow_unverified {
        bail!("nothing to verify against: pass --public-key (the signer's key) and/or --integrity (sha256-…); --allow-unverified checks everything but the signature");
    }
    let model = a.trust.load(&a.bundle)?;
    let v = model.verification();
    let m = model.manifest();
    println!("{} {} ({})", m.name, m.version, a.bundle.display());
    println!("  ok  zip structure and manifest ({})", m.format);
    println!("  ok  file digests");
    match &v.signer {
        Some(fp) => println!("  ok  signature by key {fp}"),
        None => println!("  --  signature not checked (no --public-key)"),
    }
    if v.integrity_checked {
        println!("  ok  integrity {}", v.digest);
    }
    println!("  ok  graph loads");
    println!("  ok  {0}/{0} test vectors", v.test_vectors_passed);
    println!("digest: {}", v.digest);
    if !v.verified {
        println!("UNVERIFIED: no key or integrity string vouched for this bundle");
    }
    Ok(0)
}
