//! The `.sonnx` container: a zip of `model.onnx`, `manifest.json` and (once signed) `model.sig`.
//!
//! This module only reads and writes the structure; whether the content can be trusted is
//! decided by [`crate::trust`] and [`crate::loader`].

mod check;
mod check_outputs;
mod error;
mod limits;
pub mod manifest;
pub mod migration;
pub mod zip;

pub use error::{BundleError, ZipError};
pub use limits::Limits;
pub use manifest::Manifest;

/// Entry name of the ONNX graph.
pub const MODEL_ENTRY: &str = "model.onnx";
/// Entry name of the manifest.
pub const MANIFEST_ENTRY: &str = "manifest.json";
/// Entry name of the signature.
pub const SIGNATURE_ENTRY: &str = "model.sig";

/// A bundle's entries, read but not yet verified.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    /// The ONNX graph, as stored.
    pub model: Vec<u8>,
    /// The manifest exactly as stored (digests and signatures cover these bytes).
    pub manifest_bytes: Vec<u8>,
    /// The parsed and checked manifest.
    pub manifest: Manifest,
    /// `model.sig`, when the bundle is signed.
    pub signature: Option<Vec<u8>>,
}

impl Bundle {
    /// Reads a bundle, refusing unexpected, duplicate or missing entries and invalid manifests.
    ///
    /// The whole zip directory, every entry name and every declared size are checked before
    /// anything is inflated; then only the three bundle entries are inflated, each into
    /// exactly its declared size.
    ///
    /// # Errors
    /// A [`BundleError`] naming the first structural problem found.
    pub fn read(bytes: &[u8], limits: &Limits) -> Result<Bundle, BundleError> {
        Bundle::open(bytes, limits)?.read_model()
    }

    /// The first half of [`Bundle::read`]: checks the directory, then inflates and checks
    /// the manifest and the signature, but not the model. The model is the one entry that
    /// can be large (up to [`Limits::max_entry_bytes`]); a loader given a key can check the
    /// signature, which covers the manifest, which lists the model's digest, before paying
    /// for it (see [`OpenBundle::read_model`]).
    ///
    /// # Errors
    /// A [`BundleError`] naming the first structural problem found.
    pub fn open<'a>(bytes: &'a [u8], limits: &Limits) -> Result<OpenBundle<'a>, BundleError> {
        let directory = zip::read_directory(bytes, limits)?;
        let (mut model, mut manifest, mut signature) = (None, None, None);
        for entry in directory {
            let slot = match entry.name.as_str() {
                MODEL_ENTRY => &mut model,
                MANIFEST_ENTRY => &mut manifest,
                SIGNATURE_ENTRY => &mut signature,
                _ => return Err(BundleError::UnexpectedEntry { name: entry.name }),
            };
            *slot = Some(entry);
        }
        let model = model.ok_or(BundleError::MissingEntry { name: MODEL_ENTRY })?;
        let manifest = manifest.ok_or(BundleError::MissingEntry {
            name: MANIFEST_ENTRY,
        })?;
        if manifest.uncompressed_size > limits.max_manifest_bytes {
            return Err(BundleError::ManifestTooLarge {
                size: manifest.uncompressed_size,
                limit: limits.max_manifest_bytes,
            });
        }
        if let Some(sig) = signature
            .as_ref()
            .filter(|s| s.uncompressed_size > limits.max_signature_bytes)
        {
            return Err(BundleError::SignatureTooLarge {
                size: sig.uncompressed_size,
                limit: limits.max_signature_bytes,
            });
        }
        let manifest_bytes = zip::inflate(bytes, &manifest)?;
        let manifest = parse_manifest(&manifest_bytes)?;
        let signature = signature.map(|s| zip::inflate(bytes, &s)).transpose()?;
        Ok(OpenBundle {
            bytes,
            model,
            manifest_bytes,
            manifest,
            signature,
        })
    }

    /// Serializes the bundle as a deterministic zip.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut entries: Vec<(&str, &[u8])> = vec![
            (MODEL_ENTRY, &self.model),
            (MANIFEST_ENTRY, &self.manifest_bytes),
        ];
        if let Some(sig) = &self.signature {
            entries.push((SIGNATURE_ENTRY, sig));
        }
        zip::write(&entries)
    }
}

/// A bundle whose directory, manifest and signature are read and checked, its model not
/// yet inflated (see [`Bundle::open`]).
#[derive(Debug, Clone)]
pub struct OpenBundle<'a> {
    bytes: &'a [u8],
    model: zip::EntryInfo,
    /// The manifest exactly as stored (digests and signatures cover these bytes).
    pub manifest_bytes: Vec<u8>,
    /// The parsed and checked manifest.
    pub manifest: Manifest,
    /// `model.sig`, when the bundle is signed.
    pub signature: Option<Vec<u8>>,
}

impl OpenBundle<'_> {
    /// The size `model.onnx` inflates to, as the directory declares it (already checked
    /// against the limits; [`read_model`](Self::read_model) refuses any other size).
    pub fn model_size(&self) -> u64 {
        self.model.uncompressed_size
    }

    /// The second half of [`Bundle::read`]: inflates `model.onnx`.
    ///
    /// # Errors
    /// A [`BundleError`] if the model's data is not exactly what the directory declares.
    pub fn read_model(self) -> Result<Bundle, BundleError> {
        let model = zip::inflate(self.bytes, &self.model)?;
        Ok(Bundle {
            model,
            manifest_bytes: self.manifest_bytes,
            manifest: self.manifest,
            signature: self.signature,
        })
    }
}

/// Parses and checks `manifest.json`.
///
/// The `format` field is read first, so that a bundle from a newer format version gets
/// "unknown format" rather than a confusing field-level error.
///
/// # Errors
/// [`BundleError::ManifestJson`], [`BundleError::UnknownFormat`] or
/// [`BundleError::ManifestInvalid`].
pub fn parse_manifest(bytes: &[u8]) -> Result<Manifest, BundleError> {
    let json_err = |e: serde_json::Error| BundleError::ManifestJson {
        detail: e.to_string(),
    };
    // A well-formed manifest of this format is read in one pass, straight into the structure
    // (a manifest carries the test vectors and the drift baseline: 100 KB–1 MB for the bench
    // MLP and dense network, and building a `Value` first doubled the work). Anything else
    // takes the path below, which reads `format` first, so every error is the one it gives.
    if let Ok(manifest) = serde_json::from_slice::<Manifest>(bytes) {
        if manifest.format == manifest::FORMAT {
            check::check(&manifest)?;
            return Ok(manifest);
        }
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(json_err)?;
    match value.get("format").and_then(|f| f.as_str()) {
        Some(manifest::FORMAT) => {}
        Some(other) => {
            return Err(BundleError::UnknownFormat {
                found: other.to_string(),
                supported: manifest::FORMAT,
            })
        }
        None => {
            return Err(BundleError::ManifestInvalid {
                path: "format".into(),
                problem: format!("missing; expected \"{}\"", manifest::FORMAT),
            })
        }
    }
    let manifest: Manifest = serde_json::from_value(value).map_err(json_err)?;
    check::check(&manifest)?;
    Ok(manifest)
}

/// Checks a manifest and serializes it as pretty JSON (what `pack` writes).
///
/// # Errors
/// The same checks as [`parse_manifest`], so nothing is written that would not read back.
pub fn manifest_to_bytes(manifest: &Manifest) -> Result<Vec<u8>, BundleError> {
    check::check(manifest)?;
    let mut out = serde_json::to_vec_pretty(manifest).map_err(|e| BundleError::ManifestJson {
        detail: e.to_string(),
    })?;
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests;
