//! The trust flags shared by commands that load a bundle.

use std::path::PathBuf;

use crate::loader::{LoadOptions, SealedModel};
use crate::registry::store::{self, ModelFolder};
use crate::registry::{self, RegistryError};
use crate::trust;
use anyhow::{bail, Context, Result};

use super::files;

/// How to trust a bundle.
#[derive(Debug, clap::Args)]
pub struct TrustArgs {
    /// The signer's public key (PEM); the bundle's signature must verify with it.
    #[arg(long, value_name = "PEM")]
    pub public_key: Option<PathBuf>,
    /// Expected digest of the whole bundle, as an SRI string (sha256-…, sha384-…, sha512-…).
    #[arg(long, value_name = "SRI")]
    pub integrity: Option<String>,
    /// Load even without a public key or integrity string (results are marked unverified).
    #[arg(long)]
    pub allow_unverified: bool,
    /// The path is a registry model folder (DIR/<name>): load the version this channel
    /// (dev, staging, prod or current) points at, checked against the signed index; needs
    /// --public-key.
    #[arg(long, value_name = "CHANNEL")]
    pub channel: Option<String>,
    /// With --channel: refuse an index older than this sequence (a replayed index). The CLI
    /// keeps no state between runs; keep the sequence it prints and pass it next time.
    #[arg(long, value_name = "N", requires = "channel")]
    pub min_sequence: Option<u64>,
}

impl TrustArgs {
    /// The loader options these flags ask for.
    pub fn options(&self) -> Result<LoadOptions> {
        let public_key = match &self.public_key {
            Some(path) => Some(
                trust::parse_public_key_pem(&files::read_text(path)?)
                    .with_context(|| format!("cannot use {} as a public key", path.display()))?,
            ),
            None => None,
        };
        Ok(LoadOptions {
            public_key,
            integrity: self.integrity.clone(),
            allow_unverified: self.allow_unverified,
            ..LoadOptions::default()
        })
    }

    /// Reads and loads a bundle with these flags (with `--channel`, the bundle a registry
    /// folder's channel points at).
    pub fn load(&self, bundle: &std::path::Path) -> Result<SealedModel> {
        self.load_with(bundle, self.options()?)
    }

    /// [`TrustArgs::load`] with options adjusted by the command.
    pub fn load_with(&self, bundle: &std::path::Path, options: LoadOptions) -> Result<SealedModel> {
        if let Some(channel) = &self.channel {
            return load_channel(bundle, channel, self.min_sequence, options);
        }
        let bytes = files::read_bundle_bytes(bundle, &options.limits)?;
        SealedModel::load(&bytes, &options)
            .with_context(|| format!("cannot load {}", bundle.display()))
    }
}

/// Loads the bundle a registry folder's channel points at, checked against the signed index.
fn load_channel(
    folder: &std::path::Path,
    channel: &str,
    min_sequence: Option<u64>,
    mut options: LoadOptions,
) -> Result<SealedModel> {
    let Some(key) = options.public_key else {
        bail!("--channel needs --public-key: the registry's index must verify before a channel can be trusted");
    };
    // Each refusal names its check, as verify-registry and the npm package do.
    let named = |e: RegistryError| anyhow::anyhow!("check {} failed: {e}", e.check());
    let folder = ModelFolder::at(folder);
    let index = folder
        .read_index(&key)
        .map_err(named)
        .with_context(|| format!("cannot use the registry folder {}", folder.path.display()))?;
    registry::check_not_replayed(min_sequence, &index.index).map_err(named)?;
    let entry = index.index.resolve(channel).map_err(named)?.clone();
    let path = folder.file(&entry.file);
    let bytes = store::read_capped(&path, options.limits.max_bundle_bytes).map_err(|detail| {
        named(RegistryError::BundleMissing {
            file: entry.file.clone(),
            detail,
        })
    })?;
    registry::check_bundle(&entry, &bytes).map_err(named)?;
    options.integrity = Some(entry.integrity.clone());
    let model = SealedModel::load(&bytes, &options)
        .with_context(|| format!("cannot load {}", path.display()))?;
    eprintln!(
        "{} {channel} → {} ({}, index sequence {})",
        index.index.name, entry.version, entry.integrity, index.index.sequence
    );
    Ok(model)
}
