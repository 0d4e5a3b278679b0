//! `sealed-onnx publish | promote | rollback`: the commands that change a registry folder.
//!
//! Each takes the folder's lock, reads and verifies the index and the whole history with the
//! key's public half (a registry that does not verify is never written on), then writes the
//! new files in an order that keeps every state readable: the bundle (a new name, never
//! overwritten), the history (atomic rename), the index (atomic rename) last.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use p256::ecdsa::{SigningKey, VerifyingKey};

use crate::bundle::Manifest;
use crate::loader::{LoadOptions, SealedModel};
use crate::registry::lock::Lock;
use crate::registry::store::{self, ModelFolder, HISTORY_FILE, INDEX_FILE};
use crate::registry::{
    self, line_hash, sign_entry, sign_index, Action, Entry, Index, MetricFloor, VersionEntry,
};
use crate::schema::compat;
use crate::trust;

use super::files;

/// Publish a signed bundle into a registry folder: DIR/<name>/<version>.sonnx, the signed
/// index DIR/<name>/index.json (the version with its digest, size, schema fingerprint,
/// metric and test-vector count; `dev` moves to it) and a signed entry in history.jsonl.
///
/// The bundle must verify with the key (signature and test vectors). A published version
/// never changes: publishing it again with the same bytes does nothing, with other bytes
/// is refused.
#[derive(Debug, clap::Args)]
pub struct PublishArgs {
    /// The signed bundle.
    bundle: PathBuf,
    /// The registry folder (created if missing).
    #[arg(long, value_name = "DIR")]
    registry: PathBuf,
    /// The private key (PEM) that signed the bundle; it signs the index and the history.
    #[arg(long, value_name = "PEM")]
    key: PathBuf,
    /// Why, recorded in the history.
    #[arg(long)]
    reason: Option<String>,
}

/// Move a channel (dev, staging, prod) to a published version, after its gates pass:
/// signature and test vectors; the schema against the channel's current version (a breaking
/// change needs a major bump, as `diff` judges); optionally the training metric; and the
/// order (prod only takes the version on staging, unless --skip-stage with a --reason).
/// Refuses with the failing gate named.
#[derive(Debug, clap::Args)]
pub struct PromoteArgs {
    /// The model's name.
    name: String,
    /// The version to promote.
    version: String,
    /// The channel: dev, staging or prod.
    #[arg(long, value_name = "CHANNEL")]
    to: String,
    /// The registry folder.
    #[arg(long, value_name = "DIR")]
    registry: PathBuf,
    /// The registry's private key (PEM).
    #[arg(long, value_name = "PEM")]
    key: PathBuf,
    /// Why, recorded in the history (required with --skip-stage).
    #[arg(long)]
    reason: Option<String>,
    /// The metric gate: the candidate's training.cv_metric mean must be at least this
    /// number, or at least the channel's current version's with `current`.
    #[arg(long, value_name = "VALUE|current")]
    min_metric: Option<MetricFloor>,
    /// Promote to prod a version that is not on staging (needs --reason).
    #[arg(long)]
    skip_stage: bool,
}

/// Move a channel back to the version it pointed at before the last promotion.
#[derive(Debug, clap::Args)]
pub struct RollbackArgs {
    /// The model's name.
    name: String,
    /// The channel to move back.
    #[arg(long, value_name = "CHANNEL", default_value = "prod")]
    channel: String,
    /// The registry folder.
    #[arg(long, value_name = "DIR")]
    registry: PathBuf,
    /// The registry's private key (PEM).
    #[arg(long, value_name = "PEM")]
    key: PathBuf,
    /// Why, recorded in the history.
    #[arg(long)]
    reason: Option<String>,
}

fn read_key(path: &Path) -> Result<SigningKey> {
    trust::parse_private_key_pem(&files::read_text(path)?)
        .with_context(|| format!("cannot use {} as a private key", path.display()))
}

/// Now, RFC 3339 to the second.
pub(super) fn now() -> String {
    let now = time::OffsetDateTime::now_utc();
    now.replace_nanosecond(0)
        .unwrap_or(now)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A locked, verified model folder being changed.
struct Change {
    folder: ModelFolder,
    key: SigningKey,
    index: Index,
    history: Vec<u8>,
    // Held until the new index is in place; dropping it removes the lock file.
    _lock: Lock,
}

impl Change {
    /// Locks the folder and reads its verified state (an empty one when `create` and there
    /// is no index yet).
    fn begin(dir: &Path, name: &str, key: SigningKey, create: bool) -> Result<Change> {
        registry::check_name(name).map_err(anyhow::Error::msg)?;
        let folder = ModelFolder::new(dir, name);
        if create {
            std::fs::create_dir_all(&folder.path)
                .with_context(|| format!("cannot create {}", folder.path.display()))?;
        } else if !folder.exists() {
            bail!(
                "{} has no model {name:?} (no {}): publish it first",
                dir.display(),
                folder.file(INDEX_FILE).display()
            );
        }
        let lock = Lock::acquire(&folder.path)?;
        let public = *key.verifying_key();
        let (index, history) = if folder.exists() {
            let verified = folder.read_index(&public).map_err(refuse_existing)?;
            let (bytes, _) = folder
                .read_history(&public, Some(&verified))
                .map_err(refuse_existing)?;
            (verified.index, bytes)
        } else {
            if folder.file(HISTORY_FILE).exists() {
                bail!("{} exists without an index: the folder is not a registry this tool wrote; move it away", folder.file(HISTORY_FILE).display());
            }
            (Index::new(name), Vec::new())
        };
        Ok(Change {
            folder,
            key,
            index,
            history,
            _lock: lock,
        })
    }

    fn public(&self) -> VerifyingKey {
        *self.key.verifying_key()
    }

    /// Appends a signed history entry and writes the history, then the re-signed index.
    #[allow(clippy::too_many_arguments)]
    fn commit(
        mut self,
        action: Action,
        version: &str,
        channel: &str,
        from: Option<String>,
        reason: Option<String>,
        gates: Vec<String>,
        now: &str,
    ) -> Result<()> {
        let integrity = self
            .index
            .version(version)
            .map(|v| v.integrity.clone())
            .unwrap_or_default();
        let entry = Entry {
            seq: self.index.history.entries + 1,
            action,
            name: self.index.name.clone(),
            version: version.to_owned(),
            integrity,
            channel: channel.to_owned(),
            from,
            reason,
            gates,
            signer: trust::fingerprint(&self.public()),
            time: now.to_owned(),
            prev: Some(self.index.history.head.clone()).filter(|h| !h.is_empty()),
        };
        let line = sign_entry(&entry, &self.key);
        self.index.history.entries = entry.seq;
        self.index.history.head = line_hash(&line);
        self.index.sequence += 1;
        self.index.updated = now.to_owned();
        let index_bytes = sign_index(&self.index, &self.key)?;
        let mut history = std::mem::take(&mut self.history);
        history.extend_from_slice(&line);
        history.push(b'\n');
        let history_path = self.folder.file(HISTORY_FILE);
        store::replace_atomically(&history_path, &history)
            .with_context(|| format!("cannot write {}", history_path.display()))?;
        let index_path = self.folder.file(INDEX_FILE);
        store::replace_atomically(&index_path, &index_bytes)
            .with_context(|| format!("cannot write {}", index_path.display()))?;
        Ok(())
    }
}

fn refuse_existing(e: registry::RegistryError) -> anyhow::Error {
    anyhow::anyhow!(
        "the registry does not verify with this key ({}): {e}; nothing was changed (run verify-registry)",
        e.check()
    )
}

/// Loads a bundle with the key: signature and test vectors.
fn load_verified(bytes: &[u8], key: &VerifyingKey, what: &str) -> Result<SealedModel> {
    SealedModel::load(
        bytes,
        &LoadOptions {
            public_key: Some(*key),
            ..LoadOptions::default()
        },
    )
    .with_context(|| format!("{what} does not verify with the registry key"))
}

/// Runs `publish`.
pub fn publish(a: PublishArgs) -> Result<u8> {
    let key = read_key(&a.key)?;
    let public = *key.verifying_key();
    let bytes = files::read_bundle_bytes(&a.bundle, &crate::bundle::Limits::default())?;
    let model = load_verified(&bytes, &public, &a.bundle.display().to_string())?;
    let m = model.manifest();
    let version = m.version.clone();
    if semver::Version::parse(&version).is_err() {
        bail!("version {version:?} is not a semantic version");
    }
    let mut change = Change::begin(&a.registry, &m.name, key, true)?;
    let file = format!("{version}.sonnx");
    let integrity = trust::sri_sha256(&bytes);
    if let Some(existing) = change.index.version(&version) {
        if existing.integrity == integrity {
            println!(
                "{} {version} is already published with these bytes; nothing to do",
                m.name
            );
            return Ok(0);
        }
        bail!(
            "{} {version} is already published with other bytes ({}, this bundle is {integrity}); published versions never change: bump the version",
            m.name,
            existing.integrity
        );
    }
    let path = change.folder.file(&file);
    match store::create_atomically(&path, &bytes) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            // Left by a publish that stopped before writing the index: reuse identical bytes.
            let there = std::fs::read(&path).unwrap_or_default();
            if there != bytes {
                bail!("{} exists but is not listed in the index and differs from this bundle: a publish was interrupted; remove it and publish again", path.display());
            }
        }
        Err(e) => return Err(e).with_context(|| format!("cannot write {}", path.display())),
    }
    let now = now();
    change.index.versions.push(VersionEntry {
        version: version.clone(),
        file,
        integrity: integrity.clone(),
        size: bytes.len() as u64,
        created: m.created.clone(),
        published: now.clone(),
        schema: compat::fingerprint(m),
        metric: m.training.cv_metric.clone(),
        test_vectors: model.verification().test_vectors_passed,
        signer: model.verification().signer.clone().unwrap_or_default(),
    });
    let from = change.index.channels.get("dev").map(|c| c.version.clone());
    change.index.point("dev", &version, &now);
    let name = m.name.clone();
    change.commit(
        Action::Publish,
        &version,
        "dev",
        from,
        a.reason,
        vec!["signature".into(), "test-vectors".into()],
        &now,
    )?;
    println!(
        "published {name} {version} ({integrity}) to {}",
        path.display()
    );
    println!("dev → {version}");
    Ok(0)
}

/// Reads a published version's bundle, checks it against the index and loads it with the
/// key: the first gate (signature and test vectors).
fn verified_version(change: &Change, version: &str) -> Result<(VersionEntry, SealedModel)> {
    let entry = change.index.version(version).cloned().with_context(|| {
        format!(
            "{} has no version {version}; published: {}",
            change.index.name,
            list(change.index.versions.iter().map(|v| v.version.as_str()))
        )
    })?;
    let path = change.folder.file(&entry.file);
    let bytes = store::read_capped(&path, crate::bundle::Limits::default().max_bundle_bytes)
        .map_err(|detail| {
            anyhow::anyhow!("gate signature: cannot read {}: {detail}", path.display())
        })?;
    registry::check_bundle(&entry, &bytes).map_err(|e| anyhow::anyhow!("gate signature: {e}"))?;
    let model = load_verified(&bytes, &change.public(), &entry.file)
        .context("gate signature and test vectors")?;
    Ok((entry, model))
}

fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = items.collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

/// Runs `promote`.
pub fn promote(a: PromoteArgs) -> Result<u8> {
    let channel = Index::channel_name(&a.to)?;
    let key = read_key(&a.key)?;
    let mut change = Change::begin(&a.registry, &a.name, key, false)?;
    let current = change
        .index
        .channels
        .get(channel)
        .map(|c| c.version.clone());
    if current.as_deref() == Some(a.version.as_str()) {
        println!(
            "{channel} already points at {} {}; nothing to do",
            a.name, a.version
        );
        return Ok(0);
    }
    let mut gates = Vec::new();
    let (entry, model) = verified_version(&change, &a.version)?;
    gates.push(format!(
        "signature and {} test vectors",
        model.verification().test_vectors_passed
    ));
    gates.push(registry::order_gate(
        &change.index,
        &a.version,
        channel,
        a.skip_stage,
        a.reason.as_deref(),
    )?);
    let current_model: Option<(VersionEntry, Manifest)> = match &current {
        Some(v) => {
            let (e, m) = verified_version(&change, v)
                .with_context(|| format!("{channel}'s current version {v}"))?;
            Some((e, m.manifest().clone()))
        }
        None => None,
    };
    gates.push(registry::schema_gate(
        channel,
        current_model.as_ref().map(|(_, m)| m),
        model.manifest(),
    )?);
    if let Some(floor) = a.min_metric {
        gates.push(registry::metric_gate(
            floor,
            current_model.as_ref().map(|(e, _)| e),
            &entry,
        )?);
    }
    let now = now();
    change.index.point(channel, &a.version, &now);
    for g in &gates {
        println!("  ok  gate {g}");
    }
    change.commit(
        Action::Promote,
        &a.version,
        channel,
        current.clone(),
        a.reason,
        gates,
        &now,
    )?;
    println!(
        "{channel}: {} → {}",
        current.as_deref().unwrap_or("(none)"),
        a.version
    );
    Ok(0)
}

/// Runs `rollback`.
pub fn rollback(a: RollbackArgs) -> Result<u8> {
    let channel = Index::channel_name(&a.channel)?;
    let key = read_key(&a.key)?;
    let mut change = Change::begin(&a.registry, &a.name, key, false)?;
    let now = now();
    let Some(state) = change.index.channels.get_mut(channel) else {
        bail!(
            "{channel} of {} points at no version: nothing to roll back",
            a.name
        );
    };
    let Some(target) = state.previous.pop() else {
        bail!(
            "{channel} of {} has pointed only at {}: there is no earlier version to roll back to",
            a.name,
            state.version
        );
    };
    let from = std::mem::replace(&mut state.version, target.clone());
    state.updated = now.clone();
    change.index.current = change.index.channels.get("prod").map(|s| s.version.clone());
    // The version rolled back to must still verify: a rollback must not land on a bad file.
    let (_, model) = verified_version(&change, &target)?;
    change.commit(
        Action::Rollback,
        &target,
        channel,
        Some(from.clone()),
        a.reason,
        vec![format!(
            "signature and {} test vectors",
            model.verification().test_vectors_passed
        )],
        &now,
    )?;
    println!("{channel}: {from} → {target} (rolled back)");
    Ok(0)
}
