//! `sealed-onnx verify-registry`: every signature, digest, link and pointer of a registry.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use crate::loader::{LoadOptions, SealedModel};
use crate::registry::store::{self, ModelFolder};
use crate::registry::{self, RegistryError};
use crate::schema::compat;
use crate::trust;

use super::files;

/// Verify a registry folder (or one model's folder in it): each index's signature and
/// consistency (every channel points at a listed version, current = prod), each history
/// line's signature and its hash chain up to the head the index was signed with, and each
/// listed bundle against its digest, its own signature and its test vectors.
///
/// Exits 0 when everything verifies, 1 at the first problem, naming the check
/// (registry.index, registry.history, registry.channel, registry.digest, registry.missing,
/// registry.bundle).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The registry folder, or one model's folder inside it.
    registry: PathBuf,
    /// The public key (PEM) of the key that signs the registry and its bundles.
    #[arg(long, value_name = "PEM")]
    public_key: PathBuf,
    /// Refuse an index older than this sequence (a replayed index): the sequence a previous
    /// run printed. The CLI keeps no state between runs. Only for one model's folder.
    #[arg(long, value_name = "N")]
    min_sequence: Option<u64>,
}

/// Runs the command.
pub fn run(a: Args) -> Result<u8> {
    let key = trust::parse_public_key_pem(&files::read_text(&a.public_key)?)
        .with_context(|| format!("cannot use {} as a public key", a.public_key.display()))?;
    let single = ModelFolder::at(&a.registry);
    let folders = if single.exists() {
        vec![single]
    } else {
        super::registry_view::models(&a.registry)?
    };
    if a.min_sequence.is_some() && folders.len() != 1 {
        bail!(
            "--min-sequence is one model's index sequence: give that model's folder ({}/<name>)",
            a.registry.display()
        );
    }
    if folders.is_empty() {
        bail!(
            "{} holds no registry (no <name>/index.json)",
            a.registry.display()
        );
    }
    for folder in &folders {
        if let Err(e) = verify_model(folder, &key, a.min_sequence) {
            bail!("{}: check {} failed: {e}", folder.name, e.check());
        }
    }
    println!("registry verified: {} model(s)", folders.len());
    Ok(0)
}

fn verify_model(
    folder: &ModelFolder,
    key: &p256::ecdsa::VerifyingKey,
    min_sequence: Option<u64>,
) -> Result<(), RegistryError> {
    let index = folder.read_index(key)?;
    registry::check_not_replayed(min_sequence, &index.index)?;
    println!(
        "{}: index sequence {} signed by {}",
        folder.name, index.index.sequence, index.signer
    );
    let (_, history) = folder.read_history(key, Some(&index))?;
    println!(
        "  ok  history: {} signed entries, chained, ending at the index's head",
        history.entries.len()
    );
    println!("  ok  channels: every channel points at a listed version");
    for v in &index.index.versions {
        let path = folder.file(&v.file);
        let bytes = store::read_capped(&path, crate::bundle::Limits::default().max_bundle_bytes)
            .map_err(|detail| RegistryError::BundleMissing {
                file: v.file.clone(),
                detail,
            })?;
        registry::check_bundle(v, &bytes)?;
        let invalid = |detail: String| RegistryError::BundleInvalid {
            file: v.file.clone(),
            detail,
        };
        let model = SealedModel::load(
            &bytes,
            &LoadOptions {
                public_key: Some(*key),
                ..LoadOptions::default()
            },
        )
        .map_err(|e| invalid(e.to_string()))?;
        let m = model.manifest();
        if m.name != index.index.name || m.version != v.version {
            return Err(invalid(format!(
                "it is {} {}, listed as {} {}",
                m.name, m.version, index.index.name, v.version
            )));
        }
        if compat::fingerprint(m) != v.schema {
            return Err(invalid(
                "its schema fingerprint differs from the index's".into(),
            ));
        }
        println!(
            "  ok  {} {} ({}, {} test vectors)",
            v.file,
            v.integrity,
            if model.verification().signer.is_some() {
                "signed"
            } else {
                "unsigned"
            },
            model.verification().test_vectors_passed
        );
    }
    Ok(())
}
