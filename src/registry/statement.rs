//! The in-toto v1 statements the registry signs (the index and history entries): the same
//! statement type as `model.sig`, with the registry's own predicate types.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The in-toto v1 statement type.
const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";

/// One subject: a file name and its sha256 (hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Subject {
    pub(crate) name: String,
    pub(crate) digest: BTreeMap<String, String>,
}

impl Subject {
    pub(crate) fn sha256(name: String, hex: String) -> Subject {
        Subject {
            name,
            digest: BTreeMap::from([("sha256".to_owned(), hex)]),
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Statement<P> {
    #[serde(rename = "_type")]
    statement_type: String,
    subject: Vec<Subject>,
    #[serde(rename = "predicateType")]
    predicate_type: String,
    predicate: P,
}

#[derive(Deserialize)]
struct Header {
    #[serde(rename = "_type")]
    statement_type: String,
    #[serde(rename = "predicateType")]
    predicate_type: String,
}

/// The statement's bytes (two-space indented JSON).
pub(crate) fn write<P: Serialize>(
    predicate_type: &str,
    subject: Vec<Subject>,
    predicate: &P,
) -> Vec<u8> {
    let statement = Statement {
        statement_type: STATEMENT_TYPE.to_owned(),
        subject,
        predicate_type: predicate_type.to_owned(),
        predicate,
    };
    // Serializing plain structs of strings and numbers cannot fail.
    serde_json::to_vec_pretty(&statement).unwrap_or_default()
}

/// Parses a verified payload as a statement of `predicate_type`.
pub(crate) fn parse<P: DeserializeOwned>(
    payload: &[u8],
    predicate_type: &str,
) -> Result<(Vec<Subject>, P), String> {
    let header: Header = serde_json::from_slice(payload)
        .map_err(|e| format!("the signed payload is not an in-toto statement: {e}"))?;
    if header.statement_type != STATEMENT_TYPE {
        return Err(format!(
            "statement type {:?}, expected {STATEMENT_TYPE:?}",
            header.statement_type
        ));
    }
    if header.predicate_type != predicate_type {
        return Err(format!(
            "predicate type {:?}, expected {predicate_type:?} (a signature made for another kind of document)",
            header.predicate_type
        ));
    }
    let statement: Statement<P> = serde_json::from_slice(payload).map_err(|e| format!("{e}"))?;
    Ok((statement.subject, statement.predicate))
}
