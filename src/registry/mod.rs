//! A model registry any static web server can host: a folder per model with its bundles, a
//! signed index and a signed, hash-chained history.
//!
//! ```text
//! DIR/<name>/<version>.sonnx   the bundles, never rewritten once published
//! DIR/<name>/index.json        signed: every version, the channel pointers, the history head
//! DIR/<name>/history.jsonl     one signed entry per line, each naming the previous line's hash
//! ```
//!
//! # Signatures
//!
//! `index.json` and every `history.jsonl` line are signed exactly as a bundle's `model.sig`
//! is (see [`trust`](crate::trust)): a Sigstore bundle (compact JSON, one line) whose DSSE
//! envelope carries an in-toto v1 statement, key-based ECDSA P-256, the key's fingerprint as
//! the hint. Only the predicate type differs, so a signature made for one kind of document
//! is never accepted as another:
//!
//! - the index: [`INDEX_PREDICATE_TYPE`], subjects = every published bundle
//!   (`<name>/<version>.sonnx` with its sha256), predicate = the [`Index`];
//! - a history entry: [`HISTORY_PREDICATE_TYPE`], subject = the bundle the entry is about,
//!   predicate = the [`Entry`].
//!
//! The same key that signs the bundles signs the registry (or a separate registry key: the
//! verifier is told which public key to trust).
//!
//! # What a reader checks
//!
//! [`verify_index`]: the signature, the predicate type, the model name, that the subjects
//! are exactly the listed versions' digests, that every channel points at a listed version
//! and `current` equals `prod`. [`check_not_replayed`]: the index's `sequence` (incremented by
//! every change) is not lower than one already seen. [`check_bundle`]: a bundle's bytes
//! match the digest the index lists. [`verify_history`]: every line's signature, that
//! `seq` counts 1, 2, 3…, that each line's `prev` is the sha256 of the line before, and
//! (with the index) that the last line is the head the index was signed with.

mod error;
mod gates;
mod history;
mod index;
#[cfg(feature = "cli")]
pub mod lock;
mod statement;
#[cfg(feature = "cli")]
pub mod store;

#[cfg(test)]
mod tests;

pub use error::{GateError, RegistryError};
pub use gates::{metric_gate, order_gate, schema_gate, MetricFloor};
pub use history::{
    line_hash, sign_entry, verify_history, Action, Entry, VerifiedHistory, HISTORY_PREDICATE_TYPE,
};
pub use index::{
    check_bundle, check_name, check_not_replayed, read_index_unverified, sign_index, verify_index,
    ChannelState, HistoryHead, Index, VerifiedIndex, VersionEntry, CHANNELS, INDEX_PREDICATE_TYPE,
    MAX_INDEX_BYTES,
};
