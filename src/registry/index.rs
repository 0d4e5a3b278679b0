//! `index.json`: the signed list of a model's versions and its channel pointers.

use std::collections::{BTreeMap, BTreeSet};

use p256::ecdsa::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::error::RegistryError;
use super::statement::{self, Subject};
use crate::bundle::manifest::CvMetric;
use crate::trust::{self, IntegrityError};

/// The predicate type of a registry index statement.
pub const INDEX_PREDICATE_TYPE: &str = "https://sealed-onnx.dev/registry/index/v1";

/// The channels, in promotion order. `current` is another name for `prod`.
pub const CHANNELS: [&str; 3] = ["dev", "staging", "prod"];

/// The largest `index.json` read (about 1 KiB per version).
pub const MAX_INDEX_BYTES: usize = 16 << 20;

/// Everything a registry says about one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    /// The model's name (the folder's name).
    pub name: String,
    /// Incremented by every change; a reader refuses an index older than one it has seen.
    pub sequence: u64,
    /// When this index was written (RFC 3339).
    pub updated: String,
    /// Every published version, in publishing order.
    pub versions: Vec<VersionEntry>,
    /// The channels that point at a version (`dev`, `staging`, `prod`).
    pub channels: BTreeMap<String, ChannelState>,
    /// The version `prod` points at (what `current` resolves to), if any.
    pub current: Option<String>,
    /// The history this index was written after.
    pub history: HistoryHead,
}

/// One published version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionEntry {
    /// Semantic version.
    pub version: String,
    /// The bundle's file name in the model's folder: `<version>.sonnx`.
    pub file: String,
    /// The whole bundle's sha256 as an SRI string.
    pub integrity: String,
    /// The bundle's size in bytes.
    pub size: u64,
    /// The manifest's `created`.
    pub created: String,
    /// When it was published (RFC 3339).
    pub published: String,
    /// The interface fingerprint ([`crate::schema::compat::fingerprint`]).
    pub schema: String,
    /// The training cross-validation metric, if the manifest has one.
    pub metric: Option<CvMetric>,
    /// How many test vectors the bundle carries (all passed at publishing).
    pub test_vectors: usize,
    /// Fingerprint of the key whose signature the bundle carries.
    pub signer: String,
}

/// Where a channel points, and where it pointed before (for rollback).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelState {
    /// The version the channel resolves to.
    pub version: String,
    /// The versions it pointed at before, oldest first; rollback goes back to the last.
    pub previous: Vec<String>,
    /// When it last moved (RFC 3339).
    pub updated: String,
}

/// The last history entry the index was written after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryHead {
    /// Number of lines in `history.jsonl`.
    pub entries: u64,
    /// sha256 (hex) of the last line, without its newline; empty when there is none.
    pub head: String,
}

impl Index {
    /// An empty index for `name` (sequence 0, nothing published).
    pub fn new(name: &str) -> Index {
        Index {
            name: name.to_owned(),
            sequence: 0,
            updated: String::new(),
            versions: Vec::new(),
            channels: BTreeMap::new(),
            current: None,
            history: HistoryHead {
                entries: 0,
                head: String::new(),
            },
        }
    }

    /// The entry of `version`, if published.
    pub fn version(&self, version: &str) -> Option<&VersionEntry> {
        self.versions.iter().find(|v| v.version == version)
    }

    /// The channel's canonical name (`current` is `prod`).
    ///
    /// # Errors
    /// [`RegistryError::UnknownChannel`].
    pub fn channel_name(channel: &str) -> Result<&'static str, RegistryError> {
        match channel {
            "current" => Ok("prod"),
            c => CHANNELS.iter().find(|n| **n == c).copied().ok_or_else(|| {
                RegistryError::UnknownChannel {
                    channel: c.to_owned(),
                }
            }),
        }
    }

    /// The version a channel resolves to.
    ///
    /// # Errors
    /// An unknown channel, a channel that points nowhere yet, or at an unlisted version.
    pub fn resolve(&self, channel: &str) -> Result<&VersionEntry, RegistryError> {
        let channel = Index::channel_name(channel)?;
        let state = self
            .channels
            .get(channel)
            .ok_or_else(|| RegistryError::ChannelUnset {
                name: self.name.clone(),
                channel: channel.to_owned(),
            })?;
        self.version(&state.version)
            .ok_or_else(|| RegistryError::ChannelDangling {
                channel: channel.to_owned(),
                version: state.version.clone(),
            })
    }

    /// Moves `channel` to `version`, remembering where it pointed (for rollback).
    pub fn point(&mut self, channel: &'static str, version: &str, now: &str) {
        let state = self
            .channels
            .entry(channel.to_owned())
            .or_insert_with(|| ChannelState {
                version: String::new(),
                previous: Vec::new(),
                updated: String::new(),
            });
        if !state.version.is_empty() {
            let old = std::mem::replace(&mut state.version, version.to_owned());
            state.previous.push(old);
        } else {
            state.version = version.to_owned();
        }
        state.updated = now.to_owned();
        self.current = self.channels.get("prod").map(|s| s.version.clone());
    }

    /// Checks what the signature cannot: names, unique versions, safe file names, channels
    /// pointing at listed versions, `current` equal to `prod`.
    ///
    /// # Errors
    /// The first inconsistency.
    pub fn check(&self) -> Result<(), RegistryError> {
        let format = |what: String| RegistryError::IndexFormat { what };
        check_name(&self.name).map_err(format)?;
        let mut seen = BTreeSet::new();
        for v in &self.versions {
            if semver::Version::parse(&v.version).is_err() {
                return Err(format(format!(
                    "version {:?} is not a semantic version",
                    v.version
                )));
            }
            if !seen.insert(v.version.as_str()) {
                return Err(format(format!("version {} is listed twice", v.version)));
            }
            if v.file != format!("{}.sonnx", v.version) {
                return Err(format(format!(
                    "version {} has file {:?}, expected {:?}",
                    v.version,
                    v.file,
                    format!("{}.sonnx", v.version)
                )));
            }
            sha256_of(&v.integrity).map_err(|e| {
                format(format!(
                    "version {}: integrity {:?}: {e}",
                    v.version, v.integrity
                ))
            })?;
        }
        for (channel, state) in &self.channels {
            if !CHANNELS.contains(&channel.as_str()) {
                return Err(format(format!("unknown channel {channel:?}")));
            }
            for v in std::iter::once(&state.version).chain(&state.previous) {
                if self.version(v).is_none() {
                    return Err(RegistryError::ChannelDangling {
                        channel: channel.clone(),
                        version: v.clone(),
                    });
                }
            }
        }
        let prod = self.channels.get("prod").map(|s| &s.version);
        if self.current.as_ref() != prod {
            return Err(format(format!(
                "current is {:?} but prod is {:?}",
                self.current, prod
            )));
        }
        Ok(())
    }

    fn subjects(&self) -> Result<Vec<Subject>, RegistryError> {
        self.versions
            .iter()
            .map(|v| {
                let hex = sha256_of(&v.integrity).map_err(|e| RegistryError::IndexFormat {
                    what: format!("version {}: {e}", v.version),
                })?;
                Ok(Subject::sha256(format!("{}/{}", self.name, v.file), hex))
            })
            .collect()
    }
}

/// The hex sha256 inside a `sha256-<base64>` SRI string.
fn sha256_of(sri: &str) -> Result<String, String> {
    use base64::Engine as _;
    let b64 = sri
        .strip_prefix("sha256-")
        .ok_or_else(|| "not a sha256-<base64> string".to_owned())?;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|_| "the digest is not base64".to_owned())?;
    if raw.len() != 32 {
        return Err("the digest is not 32 bytes".to_owned());
    }
    Ok(trust::to_hex(&raw))
}

/// Refuses a model name that is not a plain folder name: 1 to 100 characters from
/// `A-Z a-z 0-9 . _ -`, not starting with `.` or `-`.
///
/// # Errors
/// Why the name is refused.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && !name.starts_with(['.', '-'])
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(format!("model name {name:?} cannot be a registry folder name (use letters, digits, '.', '_' and '-')"))
    }
}

/// Signs an index: the `index.json` bytes (a Sigstore bundle, one line, plus a newline).
///
/// # Errors
/// An index whose version digests are not sha256 SRI strings.
pub fn sign_index(index: &Index, key: &SigningKey) -> Result<Vec<u8>, RegistryError> {
    let payload = statement::write(INDEX_PREDICATE_TYPE, index.subjects()?, index);
    let mut out = trust::sign_envelope(&payload, key);
    out.push(b'\n');
    Ok(out)
}

/// A verified index and the fingerprint of the key that signed it; only [`verify_index`]
/// makes one.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::manual_non_exhaustive)]
pub struct VerifiedIndex {
    _proof: (),
    /// The index.
    pub index: Index,
    /// The signer's key fingerprint.
    pub signer: String,
}

/// Verifies `index.json` bytes with `key`: the signature, the statement, the subjects
/// against the listed digests, [`Index::check`], and the name when `expected_name` is given.
///
/// # Errors
/// The first check that failed.
pub fn verify_index(
    bytes: &[u8],
    key: &VerifyingKey,
    expected_name: Option<&str>,
) -> Result<VerifiedIndex, RegistryError> {
    if bytes.len() > MAX_INDEX_BYTES {
        return Err(RegistryError::IndexTooLarge {
            limit: MAX_INDEX_BYTES,
            actual: bytes.len(),
        });
    }
    let opened = trust::open_envelope(bytes.trim_ascii_end(), key)
        .map_err(|error| RegistryError::IndexSignature { error })?;
    let (subjects, index): (Vec<Subject>, Index) =
        statement::parse(&opened.payload, INDEX_PREDICATE_TYPE)
            .map_err(|what| RegistryError::IndexFormat { what })?;
    if let Some(expected) = expected_name {
        if index.name != expected {
            return Err(RegistryError::IndexName {
                expected: expected.to_owned(),
                found: index.name,
            });
        }
    }
    index.check()?;
    if subjects != index.subjects()? {
        return Err(RegistryError::IndexFormat {
            what: "the statement's subjects are not the listed versions' digests".to_owned(),
        });
    }
    Ok(VerifiedIndex {
        _proof: (),
        index,
        signer: opened.fingerprint,
    })
}

/// Refuses an index older than the highest sequence already seen.
///
/// # Errors
/// [`RegistryError::Replay`].
pub fn check_not_replayed(seen: Option<u64>, index: &Index) -> Result<(), RegistryError> {
    match seen {
        Some(seen) if index.sequence < seen => Err(RegistryError::Replay {
            seen,
            got: index.sequence,
        }),
        _ => Ok(()),
    }
}

/// Checks a bundle's bytes against the digest its index entry lists.
///
/// # Errors
/// [`RegistryError::BundleDigest`].
pub fn check_bundle(entry: &VersionEntry, bytes: &[u8]) -> Result<(), RegistryError> {
    match trust::check_integrity(bytes, &entry.integrity) {
        Ok(_) => Ok(()),
        Err(IntegrityError::Mismatch { expected, actual }) => Err(RegistryError::BundleDigest {
            file: entry.file.clone(),
            expected,
            actual,
        }),
        Err(other) => Err(RegistryError::IndexFormat {
            what: format!("version {}: {other}", entry.version),
        }),
    }
}

/// Reads an index WITHOUT checking its signature, for display only (`sealed-onnx ls`
/// without a key). Never use the result to decide what to load.
///
/// # Errors
/// Bytes that are not a registry index envelope.
pub fn read_index_unverified(bytes: &[u8]) -> Result<Index, RegistryError> {
    use base64::Engine as _;
    let format = |what: String| RegistryError::IndexFormat { what };
    let v: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format(format!("not JSON: {e}")))?;
    let payload = v
        .pointer("/dsseEnvelope/payload")
        .and_then(|p| p.as_str())
        .ok_or_else(|| format("no dsseEnvelope.payload".to_owned()))?;
    let payload = base64::engine::general_purpose::STANDARD
        .decode(payload)
        .map_err(|_| format("the payload is not base64".to_owned()))?;
    let (_, index): (Vec<Subject>, Index) =
        statement::parse(&payload, INDEX_PREDICATE_TYPE).map_err(format)?;
    Ok(index)
}
