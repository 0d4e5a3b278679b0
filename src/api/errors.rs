//! Core errors as JS `Error`s with a `name` the npm wrapper maps to its classes.

use wasm_bindgen::JsValue;

use crate::loader::{LoadError, PredictError, TestVectorError};
use crate::schema::SchemaError;

/// Results crossing into JS.
pub type JsResult<T> = Result<T, JsValue>;

fn error(name: &str, message: &str, extra: &[(&str, JsValue)]) -> JsValue {
    let e = js_sys::Error::new(message);
    e.set_name(name);
    for (key, value) in extra {
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&e, &JsValue::from_str(key), value);
    }
    e.into()
}

/// A `ModelError` with a message.
pub fn model_error(message: &str) -> JsValue {
    error("ModelError", message, &[])
}

/// An unusable public key.
pub fn key_error(e: &crate::trust::KeyError) -> JsValue {
    error(
        "VerificationError",
        &format!("the public key is unusable: {e}"),
        &[("check", "publicKey".into())],
    )
}

/// Converts a core error to its JS form.
pub trait ToJs {
    /// The JS error value.
    fn js(&self) -> JsValue;
}

/// Converts any core error to its JS form.
pub fn to_js(e: &impl ToJs) -> JsValue {
    e.js()
}

impl ToJs for SchemaError {
    fn js(&self) -> JsValue {
        let issues: Vec<_> = self.issues.iter().map(super::convert::issue_json).collect();
        let issues = serde_json::to_string(&issues)
            .ok()
            .and_then(|s| js_sys::JSON::parse(&s).ok())
            .unwrap_or(JsValue::NULL);
        error("SchemaError", &self.to_string(), &[("issues", issues)])
    }
}

impl ToJs for LoadError {
    fn js(&self) -> JsValue {
        let message = self.to_string();
        if let LoadError::TestVector(e) = self {
            return e.js();
        }
        let check = self.check();
        let mut extra = vec![("check", JsValue::from(check))];
        // Which structural check refused the bundle (`zip.local-header-mismatch`,
        // `bundle.unexpected-entry`, …), as the hostile corpus in tests/hostile names them.
        if let LoadError::Bundle(e) = self {
            extra.push(("code", e.check().into()));
        }
        error("VerificationError", &message, &extra)
    }
}

impl ToJs for PredictError {
    fn js(&self) -> JsValue {
        match self {
            PredictError::Schema(e) => e.js(),
            other => model_error(&other.to_string()),
        }
    }
}

impl ToJs for crate::engine::EngineError {
    fn js(&self) -> JsValue {
        model_error(&self.to_string())
    }
}

impl ToJs for TestVectorError {
    fn js(&self) -> JsValue {
        error(
            "VerificationError",
            &self.to_string(),
            &[("check", "testVectors".into())],
        )
    }
}
