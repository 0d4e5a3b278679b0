//! Why a registry, or a promotion, was refused.

use thiserror::Error;

use crate::trust::SignatureError;

/// A registry check that failed. [`RegistryError::check`] names it as the CLI and the npm
/// package report it.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// `index.json` is not validly signed by the trusted key.
    #[error("index.json signature check failed: {error}")]
    IndexSignature {
        /// Why the signature was refused.
        error: SignatureError,
    },
    /// `index.json` is signed but is not a well-formed registry index.
    #[error("index.json is not a valid registry index: {what}")]
    IndexFormat {
        /// What is wrong.
        what: String,
    },
    /// `index.json` is larger than [`MAX_INDEX_BYTES`](super::MAX_INDEX_BYTES).
    #[error("index.json is {actual} bytes, over the {limit}-byte limit")]
    IndexTooLarge {
        /// The limit.
        limit: usize,
        /// The size.
        actual: usize,
    },
    /// The index is for another model than the folder or URL it was read from.
    #[error("index.json is the index of model {found:?}, not of {expected:?}: an index was copied into the wrong folder")]
    IndexName {
        /// The model the folder or URL names.
        expected: String,
        /// The model the signed index names.
        found: String,
    },
    /// The index is older than one already seen: a replayed index.
    #[error("index.json has sequence {got}, older than sequence {seen} already seen: a replayed older index is refused (it could undo a rollback or a promotion)")]
    Replay {
        /// The highest sequence seen before.
        seen: u64,
        /// The sequence of this index.
        got: u64,
    },
    /// The channel name is not one of dev, staging, prod (or current).
    #[error("unknown channel {channel:?}: use dev, staging, prod or current (= prod)")]
    UnknownChannel {
        /// The name given.
        channel: String,
    },
    /// The channel points at no version yet.
    #[error("channel {channel} of {name} points at no version yet: promote one first")]
    ChannelUnset {
        /// The model.
        name: String,
        /// The channel.
        channel: String,
    },
    /// The channel points at a version the index does not list.
    #[error("channel {channel} points at version {version}, which the index does not list")]
    ChannelDangling {
        /// The channel.
        channel: String,
        /// The version it names.
        version: String,
    },
    /// The bundle's bytes differ from the digest the signed index lists.
    #[error("{file} does not match the signed index (expected {expected}, got {actual}): the file was swapped or changed after publishing")]
    BundleDigest {
        /// The bundle's file name.
        file: String,
        /// The digest in the index (SRI).
        expected: String,
        /// The digest of the bytes (SRI).
        actual: String,
    },
    /// A listed bundle is not there.
    #[error("{file} is listed in the signed index but missing: {detail}")]
    BundleMissing {
        /// The bundle's file name.
        file: String,
        /// What reading it said.
        detail: String,
    },
    /// A listed bundle does not verify as a bundle.
    #[error("{file} does not verify: {detail}")]
    BundleInvalid {
        /// The bundle's file name.
        file: String,
        /// The loader's refusal.
        detail: String,
    },
    /// A history line's signature does not verify.
    #[error("history.jsonl line {line}: signature check failed: {error}")]
    HistorySignature {
        /// One-based line number.
        line: usize,
        /// Why the signature was refused.
        error: SignatureError,
    },
    /// A history line is signed but not a well-formed entry.
    #[error("history.jsonl line {line} is not a valid history entry: {what}")]
    HistoryFormat {
        /// One-based line number.
        line: usize,
        /// What is wrong.
        what: String,
    },
    /// A history line does not chain to the line before it.
    #[error("history.jsonl line {line} does not follow the line before it ({what}): an entry was removed, inserted or reordered")]
    HistoryChain {
        /// One-based line number.
        line: usize,
        /// What does not match.
        what: String,
    },
    /// The history does not end where the signed index says it does.
    #[error("history.jsonl has {entries} entries ending in {head}, but the signed index was written after {expected_entries} entries ending in {expected_head}: entries were removed or added")]
    HistoryHead {
        /// Lines found.
        entries: u64,
        /// sha256 of the last line found.
        head: String,
        /// Lines the index expects.
        expected_entries: u64,
        /// sha256 of the last line the index expects.
        expected_head: String,
    },
}

impl RegistryError {
    /// The failed check, as `verify-registry` prints it and the npm package's
    /// `VerificationError.check` names it: `registry.index`, `registry.replay`,
    /// `registry.channel`, `registry.digest`, `registry.missing`, `registry.bundle` or
    /// `registry.history`.
    pub fn check(&self) -> &'static str {
        match self {
            RegistryError::IndexSignature { .. }
            | RegistryError::IndexFormat { .. }
            | RegistryError::IndexTooLarge { .. }
            | RegistryError::IndexName { .. } => "registry.index",
            RegistryError::Replay { .. } => "registry.replay",
            RegistryError::UnknownChannel { .. }
            | RegistryError::ChannelUnset { .. }
            | RegistryError::ChannelDangling { .. } => "registry.channel",
            RegistryError::BundleDigest { .. } => "registry.digest",
            RegistryError::BundleMissing { .. } => "registry.missing",
            RegistryError::BundleInvalid { .. } => "registry.bundle",
            RegistryError::HistorySignature { .. }
            | RegistryError::HistoryFormat { .. }
            | RegistryError::HistoryChain { .. }
            | RegistryError::HistoryHead { .. } => "registry.history",
        }
    }
}

/// A promotion gate that refused.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum GateError {
    /// The candidate's interface change does not match its version bump.
    #[error("gate schema: {version} against {channel}'s {current}: {problem}{}", if breaking.is_empty() { String::new() } else { format!(" (breaking: {})", breaking.join("; ")) })]
    Schema {
        /// The channel.
        channel: String,
        /// The version the channel points at now.
        current: String,
        /// The candidate.
        version: String,
        /// What `diff` says is wrong with the bump.
        problem: String,
        /// The breaking changes, `path: description`.
        breaking: Vec<String>,
    },
    /// The candidate's metric is below the floor.
    #[error("gate metric: {version} has {metric} {got}, below the required {floor} ({why})")]
    Metric {
        /// The candidate.
        version: String,
        /// The metric name.
        metric: String,
        /// The candidate's value.
        got: f64,
        /// The required value.
        floor: f64,
        /// Where the floor comes from.
        why: String,
    },
    /// The metric cannot be compared.
    #[error("gate metric: {what}")]
    MetricUnavailable {
        /// Why not.
        what: String,
    },
    /// Promotion out of order (prod only from staging).
    #[error("gate order: {what}")]
    Order {
        /// What is out of order.
        what: String,
    },
}

impl GateError {
    /// The gate's name: `schema`, `metric` or `order`.
    pub fn gate(&self) -> &'static str {
        match self {
            GateError::Schema { .. } => "schema",
            GateError::Metric { .. } | GateError::MetricUnavailable { .. } => "metric",
            GateError::Order { .. } => "order",
        }
    }
}
