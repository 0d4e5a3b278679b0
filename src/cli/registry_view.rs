//! `sealed-onnx ls`: a registry's models, versions, channels and history.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::registry::store::{self, ModelFolder, HISTORY_FILE, INDEX_FILE};
use crate::registry::{self, Entry, Index, CHANNELS, MAX_INDEX_BYTES};
use crate::trust;

use super::files;

/// List a registry folder: every model and its channels; with a NAME, that model's
/// versions (digest, size, schema fingerprint, metric, test vectors), channels and history.
///
/// With --public-key the index and history are verified first; without, they are shown as
/// the files say, marked unverified.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The registry folder.
    registry: PathBuf,
    /// One model to show in full.
    name: Option<String>,
    /// The registry's public key (PEM): verify before showing.
    #[arg(long, value_name = "PEM")]
    public_key: Option<PathBuf>,
}

/// The model folders of a registry (those with an index), sorted by name.
pub(super) fn models(dir: &Path) -> Result<Vec<ModelFolder>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let entry = entry?;
        let folder = ModelFolder::at(&entry.path());
        if folder.exists() {
            out.push(folder);
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

struct Shown {
    index: Index,
    history: Vec<Entry>,
    verified: bool,
}

fn read(folder: &ModelFolder, key: Option<&p256::ecdsa::VerifyingKey>) -> Result<Shown> {
    match key {
        Some(key) => {
            let index = folder.read_index(key)?;
            let (_, history) = folder.read_history(key, Some(&index))?;
            Ok(Shown {
                index: index.index,
                history: history.entries,
                verified: true,
            })
        }
        None => {
            let bytes = store::read_capped(&folder.file(INDEX_FILE), MAX_INDEX_BYTES as u64)
                .map_err(anyhow::Error::msg)?;
            let index = registry::read_index_unverified(&bytes)?;
            // Unverified display: history lines are decoded the same way, skipping bad ones.
            let history = std::fs::read(folder.file(HISTORY_FILE))
                .ok()
                .map(|b| unverified_history(&b))
                .unwrap_or_default();
            Ok(Shown {
                index,
                history,
                verified: false,
            })
        }
    }
}

fn unverified_history(bytes: &[u8]) -> Vec<Entry> {
    use base64::Engine as _;
    bytes
        .split(|b| *b == b'\n')
        .filter_map(|line| {
            let v: serde_json::Value = serde_json::from_slice(line).ok()?;
            let payload = base64::engine::general_purpose::STANDARD
                .decode(v.pointer("/dsseEnvelope/payload")?.as_str()?)
                .ok()?;
            let s: serde_json::Value = serde_json::from_slice(&payload).ok()?;
            serde_json::from_value(s.get("predicate")?.clone()).ok()
        })
        .collect()
}

fn channels_line(index: &Index) -> String {
    CHANNELS
        .iter()
        .map(|c| {
            let v = index.channels.get(*c).map_or("-", |s| s.version.as_str());
            format!("{c}={v}")
        })
        .collect::<Vec<_>>()
        .join("  ")
}

/// Runs the command.
pub fn run(a: Args) -> Result<u8> {
    let key = match &a.public_key {
        Some(path) => Some(
            trust::parse_public_key_pem(&files::read_text(path)?)
                .with_context(|| format!("cannot use {} as a public key", path.display()))?,
        ),
        None => None,
    };
    let Some(name) = &a.name else {
        let models = models(&a.registry)?;
        if models.is_empty() {
            println!(
                "{}: no models (publish one with `sealed-onnx publish`)",
                a.registry.display()
            );
        }
        for folder in models {
            let shown = read(&folder, key.as_ref())
                .with_context(|| format!("cannot read the registry entry of {}", folder.name))?;
            println!(
                "{:<20} {} version(s)  {}{}",
                shown.index.name,
                shown.index.versions.len(),
                channels_line(&shown.index),
                if shown.verified { "" } else { "  (unverified)" }
            );
        }
        return Ok(0);
    };
    registry::check_name(name).map_err(anyhow::Error::msg)?;
    show_folder(&a.registry.join(name), key.as_ref())
}

/// Prints one model folder: versions, channels, history (verified when a key is given).
pub(super) fn show_folder(path: &Path, key: Option<&p256::ecdsa::VerifyingKey>) -> Result<u8> {
    let folder = ModelFolder::at(path);
    if !folder.exists() {
        anyhow::bail!(
            "{} has no index.json: not a registry model folder (give DIR/<name>; `sealed-onnx ls DIR` lists the models)",
            path.display()
        );
    }
    let shown = read(&folder, key)
        .with_context(|| format!("cannot read the registry folder {}", path.display()))?;
    print!("{}", render(&shown));
    Ok(0)
}

fn render(s: &Shown) -> String {
    let i = &s.index;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}  (index sequence {}, updated {}){}",
        i.name,
        i.sequence,
        i.updated,
        if s.verified {
            "  verified"
        } else {
            "  UNVERIFIED: signatures not checked (ls --public-key or verify-registry check them)"
        }
    );
    let _ = writeln!(out, "channels: {}  (current = prod)", channels_line(i));
    let _ = writeln!(out, "versions:");
    for v in &i.versions {
        let on: Vec<&str> = CHANNELS
            .iter()
            .filter(|c| i.channels.get(**c).is_some_and(|s| s.version == v.version))
            .copied()
            .collect();
        let metric = v
            .metric
            .as_ref()
            .map(|m| format!("{} {:.4}", m.name, m.mean))
            .unwrap_or_else(|| "no metric".into());
        let _ = writeln!(
            out,
            "  {:<10} {:>9} bytes  {}  {}  {} test vectors  schema {}{}",
            v.version,
            v.size,
            v.integrity,
            metric,
            v.test_vectors,
            v.schema.get(..19).unwrap_or(&v.schema),
            if on.is_empty() {
                String::new()
            } else {
                format!("  [{}]", on.join(", "))
            }
        );
    }
    let _ = writeln!(out, "history:");
    for e in &s.history {
        let from = e
            .from
            .as_deref()
            .map(|f| format!(" (was {f})"))
            .unwrap_or_default();
        let reason = e
            .reason
            .as_deref()
            .map(|r| format!(": {r}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {:>3}  {}  {:<8} {} {} {}{from}  by {}{reason}",
            e.seq,
            e.time,
            e.action.as_str(),
            e.version,
            if e.action == registry::Action::Publish {
                "to"
            } else {
                "on"
            },
            e.channel,
            e.signer.get(..16).unwrap_or(&e.signer),
        );
    }
    out
}
