//! `history.jsonl`: who published, promoted or rolled back what, when and why; one signed
//! entry per line, each carrying the sha256 of the line before it.

use p256::ecdsa::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::error::RegistryError;
use super::index::HistoryHead;
use super::statement::{self, Subject};
use crate::trust;

/// The predicate type of a registry history entry statement.
pub const HISTORY_PREDICATE_TYPE: &str = "https://sealed-onnx.dev/registry/history/v1";

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// A version was added (and `dev` moved to it).
    Publish,
    /// A channel moved forward to a version after its gates passed.
    Promote,
    /// A channel moved back to the version it pointed at before.
    Rollback,
}

impl Action {
    /// The action's name as written in the history.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Publish => "publish",
            Action::Promote => "promote",
            Action::Rollback => "rollback",
        }
    }
}

/// One history entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Position in the history, from 1.
    pub seq: u64,
    /// What happened.
    pub action: Action,
    /// The model.
    pub name: String,
    /// The version published, promoted, or rolled back to.
    pub version: String,
    /// The bundle's digest (SRI), as the index lists it.
    pub integrity: String,
    /// The channel that moved (`dev` for a publish).
    pub channel: String,
    /// The version the channel pointed at before, if any.
    pub from: Option<String>,
    /// Why, as the operator said (`--reason`).
    pub reason: Option<String>,
    /// The gates that passed (promotions).
    pub gates: Vec<String>,
    /// Who: the fingerprint of the key that signed the entry.
    pub signer: String,
    /// When (RFC 3339).
    pub time: String,
    /// sha256 (hex) of the previous line, without its newline; `None` for the first entry.
    pub prev: Option<String>,
}

/// sha256 (hex) of one history line, without its newline: what the next entry's `prev` and
/// the index's `history.head` hold.
pub fn line_hash(line: &[u8]) -> String {
    trust::to_hex(&trust::sha256(line))
}

/// Signs an entry: one line of `history.jsonl`, without the newline.
pub fn sign_entry(entry: &Entry, key: &SigningKey) -> Vec<u8> {
    let hex = integrity_hex(&entry.integrity).unwrap_or_default();
    let subject = Subject::sha256(format!("{}/{}.sonnx", entry.name, entry.version), hex);
    let payload = statement::write(HISTORY_PREDICATE_TYPE, vec![subject], entry);
    trust::sign_envelope(&payload, key)
}

fn integrity_hex(sri: &str) -> Option<String> {
    use base64::Engine as _;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(sri.strip_prefix("sha256-")?)
        .ok()?;
    Some(trust::to_hex(&raw))
}

/// A verified history: the entries in order, and where it ends.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedHistory {
    /// The entries, oldest first.
    pub entries: Vec<Entry>,
    /// The head as an index records it.
    pub head: HistoryHead,
}

/// Verifies `history.jsonl` bytes: every line's signature with `key`, the entry format,
/// the model name, `seq` counting from 1 and each `prev` equal to the hash of the line
/// before; then, when `expected` is given (the signed index's `history`), that the history
/// ends exactly there.
///
/// # Errors
/// The first line that fails, by number.
pub fn verify_history(
    bytes: &[u8],
    key: &VerifyingKey,
    name: &str,
    expected: Option<&HistoryHead>,
) -> Result<VerifiedHistory, RegistryError> {
    let mut entries = Vec::new();
    let mut prev: Option<String> = None;
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let lines: Vec<&[u8]> = if body.is_empty() {
        Vec::new()
    } else {
        body.split(|b| *b == b'\n').collect()
    };
    for (i, line) in lines.iter().enumerate() {
        let number = i + 1;
        let opened =
            trust::open_envelope(line, key).map_err(|error| RegistryError::HistorySignature {
                line: number,
                error,
            })?;
        let (subjects, entry): (Vec<Subject>, Entry) =
            statement::parse(&opened.payload, HISTORY_PREDICATE_TYPE)
                .map_err(|what| RegistryError::HistoryFormat { line: number, what })?;
        let format = |what: String| RegistryError::HistoryFormat { line: number, what };
        if entry.name != name {
            return Err(format(format!(
                "the entry is about model {:?}, not {name:?}",
                entry.name
            )));
        }
        let subject = Subject::sha256(
            format!("{}/{}.sonnx", entry.name, entry.version),
            integrity_hex(&entry.integrity).unwrap_or_default(),
        );
        if subjects != [subject] {
            return Err(format(
                "the statement's subject is not the entry's bundle".to_owned(),
            ));
        }
        if entry.seq != number as u64 {
            return Err(RegistryError::HistoryChain {
                line: number,
                what: format!("its seq is {}, expected {number}", entry.seq),
            });
        }
        if entry.prev != prev {
            return Err(RegistryError::HistoryChain {
                line: number,
                what: format!(
                    "its prev is {}, the line before hashes to {}",
                    entry.prev.as_deref().unwrap_or("none"),
                    prev.as_deref().unwrap_or("none (it is the first line)")
                ),
            });
        }
        prev = Some(line_hash(line));
        entries.push(entry);
    }
    let head = HistoryHead {
        entries: entries.len() as u64,
        head: prev.unwrap_or_default(),
    };
    if let Some(expected) = expected {
        if &head != expected {
            return Err(RegistryError::HistoryHead {
                entries: head.entries,
                head: or_none(&head.head),
                expected_entries: expected.entries,
                expected_head: or_none(&expected.head),
            });
        }
    }
    Ok(VerifiedHistory { entries, head })
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "nothing".to_owned()
    } else {
        s.to_owned()
    }
}
