//! Crate errors as the Python package's exception classes (`sealed_onnx.errors`).

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use sealed_onnx::loader::{LoadError, PredictError, VerificationError};
use sealed_onnx::schema::{Issue, SchemaError};

/// An instance of `sealed_onnx.errors.<class>(message, **extra)` as a `PyErr`.
fn raise(py: Python<'_>, class: &str, message: &str, extra: Option<&Bound<'_, PyDict>>) -> PyErr {
    let made = py
        .import("sealed_onnx.errors")
        .and_then(|m| m.getattr(class))
        .and_then(|cls| cls.call((message,), extra));
    match made {
        Ok(instance) => PyErr::from_value(instance),
        // The package is broken if its own classes are missing; still say what failed.
        Err(e) => PyRuntimeError::new_err(format!("{class}: {message} ({e})")),
    }
}

/// A `ModelError`.
pub fn model_error(py: Python<'_>, message: &str) -> PyErr {
    raise(py, "ModelError", message, None)
}

/// A `SealError`: what the student passed to `seal()` cannot make a bundle.
pub fn seal_error(py: Python<'_>, message: &str) -> PyErr {
    raise(py, "SealError", message, None)
}

/// A `VerificationError` naming the failed check.
pub fn verification_error(py: Python<'_>, message: &str, check: &str) -> PyErr {
    let extra = PyDict::new(py);
    if extra.set_item("check", check).is_err() {
        return model_error(py, message);
    }
    raise(py, "VerificationError", message, Some(&extra))
}

/// A `SchemaError` with every issue as a dict (path, code, expected, received).
pub fn schema_error(py: Python<'_>, e: &SchemaError) -> PyErr {
    let build = || -> PyResult<Bound<'_, PyDict>> {
        let issues = PyList::empty(py);
        for i in &e.issues {
            let d = PyDict::new(py);
            d.set_item("path", &i.path)?;
            d.set_item("code", i.code.as_str())?;
            d.set_item("expected", &i.expected)?;
            d.set_item("received", &i.received)?;
            issues.append(d)?;
        }
        let extra = PyDict::new(py);
        extra.set_item("issues", issues)?;
        Ok(extra)
    };
    match build() {
        Ok(extra) => raise(py, "SchemaError", &e.to_string(), Some(&extra)),
        Err(err) => err,
    }
}

/// Issues as JSON (what `validate` returns).
pub fn issues_json(issues: &[Issue]) -> String {
    let list: Vec<_> = issues
        .iter()
        .map(|i| serde_json::json!({"path": i.path, "code": i.code.as_str(), "expected": i.expected, "received": i.received}))
        .collect();
    serde_json::Value::Array(list).to_string()
}

/// A refused bundle: which check failed, as the npm package names it.
pub fn load_error(py: Python<'_>, e: &LoadError) -> PyErr {
    let check = e.check();
    let mut message = e.to_string();
    if matches!(e, LoadError::Verification(VerificationError::NoTrustAnchor)) {
        message = "refusing an unverified bundle: pass public_key= (the signer's PEM) or integrity= (sha256-…), or allow_unverified=True to load it marked unverified".into();
    }
    verification_error(py, &message, check)
}

/// A failed prediction: schema problems or the engine.
pub fn predict_error(py: Python<'_>, e: &PredictError) -> PyErr {
    match e {
        PredictError::Schema(s) => schema_error(py, s),
        other => model_error(py, &other.to_string()),
    }
}
