//! `sealed-onnx inspect`: what a reviewer wants to see, without running anything.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::bundle::manifest::{Binding, FeatureType, Manifest};
use crate::bundle::Bundle;
use crate::schema::{expectation, format_number};
use crate::trust;
use anyhow::Result;

use super::files;

/// Show a bundle's card, schema, training metadata, sizes, digests and signer; or, for a
/// registry model folder (DIR/<name>), its versions, channels and history (unverified: use
/// `ls DIR NAME --public-key KEY` or `verify-registry`).
///
/// Nothing is verified here (use `verify`); the signer shown is what the signature claims.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The bundle to inspect (or a registry model folder).
    bundle: PathBuf,
    /// Print the manifest and sizes as JSON instead.
    #[arg(long)]
    json: bool,
}

/// The key hint a signature claims, without verifying anything.
fn claimed_signer(sig: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(sig).ok()?;
    v.pointer("/verificationMaterial/publicKey/hint")?
        .as_str()
        .map(str::to_string)
}

/// Runs the command.
pub fn run(a: Args) -> Result<u8> {
    // A registry model folder (DIR/<name>): its versions, channels and history, as `ls`.
    if a.bundle.is_dir() {
        return super::registry_view::show_folder(&a.bundle, None);
    }
    let (bytes, b) = files::read_bundle(&a.bundle)?;
    let digest = trust::sri_sha256(&bytes);
    let signer = b
        .signature
        .as_deref()
        .map(|s| claimed_signer(s).unwrap_or_else(|| "(unreadable signature)".into()));
    if a.json {
        let out = serde_json::json!({
            "digest": digest,
            "sizes": {"bundle": bytes.len(), "model.onnx": b.model.len(), "manifest.json": b.manifest_bytes.len(),
                      "model.sig": b.signature.as_ref().map(Vec::len)},
            "signer_claimed": signer,
            "manifest": b.manifest,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(0);
    }
    print!("{}", render(&b, &digest, bytes.len(), signer.as_deref()));
    Ok(0)
}

fn render(b: &Bundle, digest: &str, size: usize, signer: Option<&str>) -> String {
    let m: &Manifest = &b.manifest;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} {}  ({}, created {})",
        m.name, m.version, m.format, m.created
    );
    let _ = writeln!(s, "\n{}", m.card.description);
    for (title, text) in [
        ("Intended use", &m.card.intended_use),
        ("Out of scope", &m.card.out_of_scope),
        ("Limitations", &m.card.limitations),
        ("Fairness", &m.card.fairness),
        ("License", &m.card.license),
    ] {
        if !text.is_empty() {
            let _ = writeln!(s, "{title}: {text}");
        }
    }
    if !m.card.authors.is_empty() {
        let _ = writeln!(s, "Authors: {}", m.card.authors.join(", "));
    }
    let t = &m.training;
    let _ = writeln!(s, "\nTraining");
    let _ = writeln!(
        s,
        "  framework  {} {}; converter {} {}",
        t.framework.name, t.framework.version, t.converter.name, t.converter.version
    );
    let _ = writeln!(
        s,
        "  data       {} rows, sha256 {}",
        t.data.rows, t.data.sha256
    );
    if let Some(src) = &t.data.source {
        let _ = writeln!(s, "  source     {src}");
    }
    if let Some(cv) = &t.cv_metric {
        let _ = writeln!(
            s,
            "  cv         {} {:.4} ± {:.4} ({} folds)",
            cv.name, cv.mean, cv.std, cv.folds
        );
    }
    if let Some(c) = &t.git_commit {
        let _ = writeln!(s, "  commit     {c}");
    }
    if let Some(seed) = t.random_seed {
        let _ = writeln!(s, "  seed       {seed}");
    }
    let binding = match &m.inputs.binding {
        Binding::Tensor { input, dtype } => format!(
            "one [N, {}] {} tensor {input:?}",
            m.inputs.features.len(),
            dtype.as_str()
        ),
        Binding::Columns { columns } => format!("{} column tensors", columns.len()),
    };
    let _ = writeln!(
        s,
        "\nInputs ({} features, fed as {binding})",
        m.inputs.features.len()
    );
    for f in &m.inputs.features {
        let kind = if f.kind == FeatureType::String {
            "string"
        } else {
            f.kind.as_str()
        };
        let _ = writeln!(s, "  {:<24} {:<8} {}", f.name, kind, expectation(f));
        if let Some(r) = &f.range_source {
            let _ = writeln!(s, "  {:<24} {:<8} range: {r}", "", "");
        }
        if let Some(d) = &f.description {
            let _ = writeln!(s, "  {:<24} {:<8} {d}", "", "");
        }
    }
    if let Some(mig) = &m.migration {
        // What old callers may still send: the contract `predict` applies before validating.
        let _ = writeln!(
            s,
            "\nMigration (inputs of {}.x are accepted and migrated)",
            mig.from_major
        );
        for (name, f) in &mig.features {
            let _ = writeln!(s, "  {name:<24} {}", f.describe());
        }
        for name in &mig.removed {
            let _ = writeln!(s, "  {name:<24} removed: accepted and ignored");
        }
    }
    let o = &m.outputs;
    let _ = writeln!(s, "\nOutputs: {:?}", o.task);
    if let Some(names) = &o.class_names {
        let _ = writeln!(s, "  classes    {}", names.join(", "));
    }
    if let Some(names) = &o.value_names {
        let _ = writeln!(s, "  values     {}", names.join(", "));
    }
    if let Some(d) = o.dimension {
        let _ = writeln!(s, "  vector     {d} numbers per row");
    }
    if let Some(k) = o.clusters {
        let with = if o.distances.is_some() {
            ", with the distance to each"
        } else {
            ""
        };
        let _ = writeln!(s, "  clusters   {k}{with}");
    }
    if o.task == crate::bundle::manifest::Task::Outlier {
        let parts: Vec<&str> = [
            (o.label.is_some(), "label -1 (outlier) or 1"),
            (o.score.is_some(), "score (negative for outliers)"),
        ]
        .into_iter()
        .filter_map(|(has, what)| has.then_some(what))
        .collect();
        let _ = writeln!(s, "  outlier    {}", parts.join(", "));
    }
    let _ = writeln!(
        s,
        "  test vectors: {} (tolerance {} relative + {} absolute)",
        m.test_vectors.cases.len(),
        format_number(m.test_vectors.tolerance.relative),
        format_number(m.test_vectors.tolerance.absolute)
    );
    let _ = writeln!(s, "\nSizes and digests");
    let _ = writeln!(s, "  bundle         {size:>10} bytes  {digest}");
    let _ = writeln!(
        s,
        "  model.onnx     {:>10} bytes  sha256 {}",
        b.model.len(),
        trust::to_hex(&trust::sha256(&b.model))
    );
    let _ = writeln!(
        s,
        "  manifest.json  {:>10} bytes  sha256 {}",
        b.manifest_bytes.len(),
        trust::to_hex(&trust::sha256(&b.manifest_bytes))
    );
    match (&b.signature, signer) {
        (Some(sig), Some(fp)) => {
            let _ = writeln!(s, "  model.sig      {:>10} bytes  claims key {fp} (not verified here: run `sealed-onnx verify --public-key …`)", sig.len());
        }
        _ => {
            let _ = writeln!(
                s,
                "  model.sig      unsigned (sign with `sealed-onnx sign`)"
            );
        }
    }
    s
}
