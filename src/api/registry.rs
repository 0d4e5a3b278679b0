//! Loading by channel from a registry: verifying `index.json` and resolving the channel.

use wasm_bindgen::prelude::*;

use super::errors::{key_error, JsResult};
use crate::registry::{self, RegistryError};
use crate::trust;

/// A registry refusal as a JS `VerificationError` whose `check` is `registry.index`,
/// `registry.replay`, `registry.channel`, … ([`RegistryError::check`]).
fn registry_error(e: &RegistryError) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name("VerificationError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&err, &"check".into(), &e.check().into());
    err.into()
}

/// Verifies a registry index with the public key, refuses it if its sequence is lower than
/// `seen_sequence` (a replay), and resolves `channel` when given. Returns JSON
/// `{"index": …, "signer": "<fingerprint>", "entry": {version, file, integrity, …} | null}`.
#[wasm_bindgen(js_name = resolveRegistryChannel)]
pub fn resolve_registry_channel(
    index_bytes: &[u8],
    public_key_pem: &str,
    expected_name: Option<String>,
    channel: Option<String>,
    seen_sequence: Option<f64>,
) -> JsResult<String> {
    super::panic::install();
    let key = trust::parse_public_key_pem(public_key_pem).map_err(|e| key_error(&e))?;
    let verified = registry::verify_index(index_bytes, &key, expected_name.as_deref())
        .map_err(|e| registry_error(&e))?;
    // Sequences are small integers; a negative or fractional `seen` from JS is ignored.
    let seen = seen_sequence
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| s as u64);
    registry::check_not_replayed(seen, &verified.index).map_err(|e| registry_error(&e))?;
    let entry = match channel {
        Some(channel) => Some(
            verified
                .index
                .resolve(&channel)
                .map_err(|e| registry_error(&e))?,
        ),
        None => None,
    };
    serde_json::to_string(&serde_json::json!({
        "index": verified.index,
        "signer": verified.signer,
        "entry": entry,
    }))
    .map_err(|e| super::errors::model_error(&format!("cannot serialize the index: {e}")))
}

/// Verifies a registry's `index.json` and `history.jsonl` with the public key: the index as
/// [`resolve_registry_channel`] does (with the same replay check), every history line's
/// signature, the hash chain, and that the history ends where the index says. Returns JSON
/// `{"index": …, "signer": "<fingerprint>", "history": [entries, oldest first]}`.
#[wasm_bindgen(js_name = verifyRegistry)]
pub fn verify_registry(
    index_bytes: &[u8],
    history_bytes: &[u8],
    public_key_pem: &str,
    expected_name: Option<String>,
    seen_sequence: Option<f64>,
) -> JsResult<String> {
    super::panic::install();
    let key = trust::parse_public_key_pem(public_key_pem).map_err(|e| key_error(&e))?;
    let verified = registry::verify_index(index_bytes, &key, expected_name.as_deref())
        .map_err(|e| registry_error(&e))?;
    let seen = seen_sequence
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| s as u64);
    registry::check_not_replayed(seen, &verified.index).map_err(|e| registry_error(&e))?;
    let history = registry::verify_history(
        history_bytes,
        &key,
        &verified.index.name,
        Some(&verified.index.history),
    )
    .map_err(|e| registry_error(&e))?;
    serde_json::to_string(&serde_json::json!({
        "index": verified.index,
        "signer": verified.signer,
        "history": history.entries,
    }))
    .map_err(|e| super::errors::model_error(&format!("cannot serialize the registry: {e}")))
}

/// Adds `"migrated": {"from_major": N}` to each prediction whose record was sent in the
/// previous major version's shape and migrated (the manifest's `migration`).
pub(super) fn mark_migrated(
    out: &mut serde_json::Value,
    model: &crate::loader::SealedModel,
    input: &crate::schema::Value,
) {
    let Some(m) = &model.manifest().migration else {
        return;
    };
    let mark = serde_json::json!({ "from_major": m.from_major });
    let rows = model.migrated_rows(input);
    match out {
        serde_json::Value::Array(list) => {
            for row in rows {
                if let Some(serde_json::Value::Object(p)) = list.get_mut(row) {
                    p.insert("migrated".to_owned(), mark.clone());
                }
            }
        }
        serde_json::Value::Object(p) if rows == [0] => {
            p.insert("migrated".to_owned(), mark);
        }
        _ => {}
    }
}
