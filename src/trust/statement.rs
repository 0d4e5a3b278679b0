//! The in-toto v1 statement that model_signing signs: which files, with which digests.
//!
//! ```json
//! {
//!   "_type": "https://in-toto.io/Statement/v1",
//!   "subject": [{"name": "<model directory name>", "digest": {"sha256": "<root digest>"}}],
//!   "predicateType": "https://model_signing/signature/v1.0",
//!   "predicate": {
//!     "serialization": {"method": "files", "hash_type": "sha256", "allow_symlinks": false,
//!                       "ignore_paths": ["model.sig", ".git", ...]},
//!     "resources": [{"name": "manifest.json", "algorithm": "sha256", "digest": "<hex>"}, ...]
//!   }
//! }
//! ```
//!
//! The root digest is the sha256 of the concatenated raw 32-byte resource digests, in the
//! order the resources are listed. model_signing lists resources sorted by path (component by
//! component, as Python compares `PurePosixPath`s) and writes the statement with
//! `json_format.MessageToJson`: two-space indentation, `": "` after keys, no trailing
//! newline. Its key order is not stable from run to run, which is why the verifier checks the
//! signature over the payload bytes as received and only then parses them.

use std::collections::BTreeSet;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::digest::{parse_hex_digest, to_hex};
use super::error::SignatureError;
use super::signature::Resource;
use super::sigstore_bundle::json_string;

/// The in-toto v1 statement type.
pub(crate) const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// The model_signing v1.0 predicate type.
pub(crate) const PREDICATE_TYPE: &str = "https://model_signing/signature/v1.0";
/// One digest per whole file (the other method, `shards`, hashes pieces of files).
const METHOD_FILES: &str = "files";
/// The only digest algorithm accepted.
const SHA256: &str = "sha256";
/// What model_signing ignores when the signature is written as `model.sig` inside the model
/// directory: the signature itself and git metadata. Written into every signature so the
/// Python tool ignores the same paths however it is called.
const IGNORE_PATHS: [&str; 5] = [
    "model.sig",
    ".git",
    ".gitattributes",
    ".github",
    ".gitignore",
];

/// Orders resource names as model_signing does: by path component.
pub(crate) fn cmp_names(a: &str, b: &str) -> std::cmp::Ordering {
    a.split('/').cmp(b.split('/'))
}

/// The root digest over resource digests in the given order.
fn root_digest<'a>(digests: impl IntoIterator<Item = &'a [u8; 32]>) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for digest in digests {
        hasher.update(digest);
    }
    hasher.finalize().into()
}

/// The statement text for `resources`, which must already be in model_signing order.
pub(crate) fn write(model_name: &str, resources: &[&Resource]) -> String {
    let root = to_hex(&root_digest(resources.iter().map(|r| &r.sha256)));
    let ignore_paths = IGNORE_PATHS
        .iter()
        .map(|p| format!("        {}", json_string(p)))
        .collect::<Vec<_>>()
        .join(",\n");
    let resources_json = if resources.is_empty() {
        "[]".to_owned()
    } else {
        let items = resources
            .iter()
            .map(|r| {
                format!(
                    "      {{\n        \"name\": {},\n        \"algorithm\": {},\n        \"digest\": {}\n      }}",
                    json_string(&r.name),
                    json_string(SHA256),
                    json_string(&to_hex(&r.sha256)),
                )
            })
            .collect::<Vec<_>>()
            .join(",\n");
        format!("[\n{items}\n    ]")
    };
    format!(
        concat!(
            "{{\n",
            "  \"_type\": {statement_type},\n",
            "  \"subject\": [\n",
            "    {{\n",
            "      \"name\": {name},\n",
            "      \"digest\": {{\n",
            "        \"sha256\": {root}\n",
            "      }}\n",
            "    }}\n",
            "  ],\n",
            "  \"predicateType\": {predicate_type},\n",
            "  \"predicate\": {{\n",
            "    \"serialization\": {{\n",
            "      \"method\": {method},\n",
            "      \"hash_type\": {hash_type},\n",
            "      \"allow_symlinks\": false,\n",
            "      \"ignore_paths\": [\n",
            "{ignore_paths}\n",
            "      ]\n",
            "    }},\n",
            "    \"resources\": {resources}\n",
            "  }}\n",
            "}}"
        ),
        statement_type = json_string(STATEMENT_TYPE),
        name = json_string(model_name),
        root = json_string(&root),
        predicate_type = json_string(PREDICATE_TYPE),
        method = json_string(METHOD_FILES),
        hash_type = json_string(SHA256),
        ignore_paths = ignore_paths,
        resources = resources_json,
    )
}

/// What a verified statement says.
#[derive(Debug)]
pub(crate) struct SignedStatement {
    /// The subject name (the model directory's name when the Python tool signed).
    pub(crate) model_name: String,
    /// The signed files, in the order listed.
    pub(crate) resources: Vec<Resource>,
}

#[derive(Deserialize)]
struct Header {
    #[serde(rename = "_type")]
    statement_type: String,
    #[serde(rename = "predicateType")]
    predicate_type: String,
}

#[derive(Deserialize)]
struct Body {
    subject: Vec<Subject>,
    predicate: Predicate,
}

#[derive(Deserialize)]
struct Subject {
    name: String,
    digest: SubjectDigest,
}

#[derive(Deserialize)]
struct SubjectDigest {
    sha256: String,
}

#[derive(Deserialize)]
struct Predicate {
    serialization: Serialization,
    resources: Vec<ResourceDescriptor>,
}

#[derive(Deserialize)]
struct Serialization {
    method: String,
    hash_type: String,
    // Required by model_signing's reader, so required here; its value does not matter to a
    // verifier that compares against an explicit file list.
    #[serde(rename = "allow_symlinks")]
    _allow_symlinks: bool,
}

#[derive(Deserialize)]
struct ResourceDescriptor {
    name: String,
    algorithm: String,
    digest: String,
}

fn malformed(what: impl Into<String>) -> SignatureError {
    SignatureError::Malformed { what: what.into() }
}

/// Parses and checks the signed payload: statement type, predicate type, one subject,
/// whole-file sha256 serialization, sha256 resource digests, no duplicate names, and a
/// subject digest consistent with the resources.
pub(crate) fn parse(payload: &[u8]) -> Result<SignedStatement, SignatureError> {
    let header: Header = serde_json::from_slice(payload).map_err(|e| {
        malformed(format!(
            "the signed payload is not an in-toto statement: {e}"
        ))
    })?;
    if header.statement_type != STATEMENT_TYPE {
        return Err(SignatureError::WrongStatementType {
            got: header.statement_type,
            expected: STATEMENT_TYPE,
        });
    }
    if header.predicate_type != PREDICATE_TYPE {
        return Err(SignatureError::WrongPredicateType {
            got: header.predicate_type,
            expected: PREDICATE_TYPE,
        });
    }
    let body: Body = serde_json::from_slice(payload).map_err(|e| {
        malformed(format!(
            "the signed statement is not a model_signing v1.0 statement: {e}"
        ))
    })?;
    let count = body.subject.len();
    let mut subjects = body.subject.into_iter();
    let (Some(subject), None) = (subjects.next(), subjects.next()) else {
        return Err(SignatureError::SubjectCount { got: count });
    };
    let serialization = body.predicate.serialization;
    if serialization.method != METHOD_FILES {
        return Err(SignatureError::UnsupportedSerialization {
            got: serialization.method,
        });
    }
    if serialization.hash_type != SHA256 {
        return Err(SignatureError::UnsupportedHashAlgorithm {
            got: serialization.hash_type,
        });
    }
    let mut resources: Vec<Resource> = Vec::with_capacity(body.predicate.resources.len());
    let mut names = BTreeSet::new();
    for descriptor in body.predicate.resources {
        if descriptor.algorithm != SHA256 {
            return Err(SignatureError::UnsupportedHashAlgorithm {
                got: descriptor.algorithm,
            });
        }
        let sha256 = parse_hex_digest(&descriptor.digest).map_err(|e| {
            malformed(format!(
                "the digest of file {:?} is not a sha256 hex digest: {e}",
                descriptor.name
            ))
        })?;
        if !names.insert(descriptor.name.clone()) {
            return Err(SignatureError::DuplicateResource {
                name: descriptor.name,
            });
        }
        resources.push(Resource {
            name: descriptor.name,
            sha256,
        });
    }
    // model_signing compares hex text, so an uppercase subject digest fails there too.
    let actual = to_hex(&root_digest(resources.iter().map(|r| &r.sha256)));
    if subject.digest.sha256 != actual {
        return Err(SignatureError::SubjectDigestMismatch {
            expected: subject.digest.sha256,
            actual,
        });
    }
    Ok(SignedStatement {
        model_name: subject.name,
        resources,
    })
}
