//! The trust flags shared by commands that load a bundle.

use std::path::PathBuf;

use crate::loader::{LoadOptions, SealedModel};
use crate::trust;
use anyhow::{Context, Result};

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

    /// Reads and loads a bundle with these flags.
    pub fn load(&self, bundle: &std::path::Path) -> Result<SealedModel> {
        let options = self.options()?;
        let bytes = files::read_bundle_bytes(bundle, &options.limits)?;
        SealedModel::load(&bytes, &options)
            .with_context(|| format!("cannot load {}", bundle.display()))
    }
}
