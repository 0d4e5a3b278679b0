//! The Python boundary of sealed-onnx (`sealed_onnx._native`): the one module that knows about
//! pyo3, as `src/api` is for wasm. Every function is a call into the crate plus a conversion;
//! the Python package (`python/sealed_onnx`) builds the student-facing API on top.
//!
//! Errors are raised as the package's own exception classes (`sealed_onnx.errors`), looked up
//! by name, so Python code catches `SchemaError`, `VerificationError`, `ModelError` or
//! `SealError` whatever raised them.

#![forbid(unsafe_code)]

mod columns;
mod errors;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use sealed_onnx::cli::pack::{pack as pack_bundle, PackInput};
use sealed_onnx::loader::{LoadOptions, SealedModel};
use sealed_onnx::trust;

use errors::{load_error, model_error, predict_error, schema_error, seal_error};

/// Runs the `sealed-onnx` command line with `argv` (program name first); returns its exit
/// code (0 success, 1 failure, 2 usage error).
#[pyfunction]
fn cli(py: Python<'_>, argv: Vec<String>) -> u8 {
    py.detach(|| sealed_onnx::cli::run_args(argv))
}

/// A new ECDSA P-256 key pair: `(private PEM, public PEM, fingerprint)`.
#[pyfunction]
fn keygen() -> (String, String, String) {
    let key = trust::generate_key();
    (
        trust::private_key_to_pem(&key),
        trust::public_key_to_pem(key.verifying_key()),
        trust::fingerprint(key.verifying_key()),
    )
}

/// What a PEM holds: `("private", public PEM, fingerprint)` or `("public", PEM, fingerprint)`.
#[pyfunction]
fn key_info(py: Python<'_>, pem: &str) -> PyResult<(&'static str, String, String)> {
    if let Ok(key) = trust::parse_private_key_pem(pem) {
        let public = key.verifying_key();
        return Ok((
            "private",
            trust::public_key_to_pem(public),
            trust::fingerprint(public),
        ));
    }
    match trust::parse_public_key_pem(pem) {
        Ok(public) => Ok((
            "public",
            trust::public_key_to_pem(&public),
            trust::fingerprint(&public),
        )),
        Err(e) => Err(seal_error(
            py,
            &format!("not an ECDSA P-256 key in PEM form: {e}"),
        )),
    }
}

/// Packs an unsigned bundle (see `sealed-onnx pack`) and loads it once; returns its bytes.
// Python's keyword arguments, one per `pack` option: a struct would only move them.
#[allow(clippy::too_many_arguments)]
#[pyfunction]
#[pyo3(signature = (model, meta, train_csv, test_vectors, ranges, created=None, range_margin=0.0))]
fn pack<'py>(
    py: Python<'py>,
    model: &[u8],
    meta: &[u8],
    train_csv: &[u8],
    test_vectors: &[u8],
    ranges: Vec<(String, f64, f64)>,
    created: Option<String>,
    range_margin: f64,
) -> PyResult<Bound<'py, PyBytes>> {
    let input = PackInput {
        model: model.to_vec(),
        meta: meta.to_vec(),
        train_csv: train_csv.to_vec(),
        test_vectors: test_vectors.to_vec(),
        names: ["the metadata", "the training data", "the test vectors"].map(String::from),
        ranges,
        range_margin,
        created,
        // seal() always writes the outputs section itself.
        task: None,
        value_names: None,
    };
    let packed = py
        .detach(|| pack_bundle(input))
        .map_err(|e| seal_error(py, &format!("{e:#}")))?;
    Ok(PyBytes::new(py, &packed.bytes))
}

/// Signs a bundle with a private key (PEM); returns the signed bundle.
#[pyfunction]
fn sign<'py>(py: Python<'py>, bundle: &[u8], private_key: &str) -> PyResult<Bound<'py, PyBytes>> {
    let key = trust::parse_private_key_pem(private_key)
        .map_err(|e| seal_error(py, &format!("cannot use the key to sign: {e}")))?;
    let (signed, _) = sealed_onnx::cli::sign::sign(bundle, &key)
        .map_err(|e| seal_error(py, &format!("{e:#}")))?;
    Ok(PyBytes::new(py, &signed))
}

/// sha256 of bytes as an SRI string (`sha256-…`).
#[pyfunction]
fn sri_sha256(bytes: &[u8]) -> String {
    trust::sri_sha256(bytes)
}

/// A verified model.
#[pyclass(frozen)]
struct Model {
    inner: SealedModel,
}

#[pymethods]
impl Model {
    /// Verifies and loads a bundle (the crate's trust rules: a key or an integrity string,
    /// else refused unless `allow_unverified`).
    #[staticmethod]
    #[pyo3(signature = (bundle, public_key=None, integrity=None, allow_unverified=false))]
    fn load(
        py: Python<'_>,
        bundle: &[u8],
        public_key: Option<&str>,
        integrity: Option<String>,
        allow_unverified: bool,
    ) -> PyResult<Model> {
        let public_key = match public_key {
            Some(pem) => Some(trust::parse_public_key_pem(pem).map_err(|e| {
                errors::verification_error(
                    py,
                    &format!("the public key is unusable: {e}"),
                    "publicKey",
                )
            })?),
            None => None,
        };
        let options = LoadOptions {
            public_key,
            integrity,
            allow_unverified,
            ..LoadOptions::default()
        };
        let inner = py
            .detach(|| SealedModel::load(bundle, &options))
            .map_err(|e| load_error(py, &e))?;
        Ok(Model { inner })
    }

    /// The manifest and the verification, as JSON.
    fn info(&self, py: Python<'_>) -> PyResult<String> {
        let m = self.inner.manifest();
        let v = self.inner.verification();
        serde_json::to_string(&serde_json::json!({
            "name": m.name,
            "version": m.version,
            "created": m.created,
            "card": m.card,
            "schema": m.inputs.features,
            "outputs": m.outputs,
            "training": m.training,
            "test_vectors": m.test_vectors,
            "digest": v.digest,
            "signer": v.signer,
            "verified": v.verified,
            "integrity_checked": v.integrity_checked,
            "test_vectors_passed": v.test_vectors_passed,
            "files": m.files,
            "migration": m.migration,
        }))
        .map_err(|e| model_error(py, &format!("cannot serialize the model's info: {e}")))
    }

    /// Predicts columns (see `columns`); returns a dict of the parts the task has: `labels`
    /// (class names), `classes`, `probabilities` (row-major float64 bytes, rows × classes),
    /// `values` (float64 bytes; rows × `value_names` with several targets), `value_names`,
    /// `vectors` and `distances` (row-major float64 bytes, rows × `width`), `clusters` (a
    /// list of indices), `outliers` (a list of bools), `scores` (float64 bytes), `width`,
    /// `migrated_rows` (the rows the bundle's migration changed).
    fn predict<'py>(
        &self,
        py: Python<'py>,
        columns: Vec<(String, Bound<'py, PyAny>)>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let value = columns::to_value(&columns)?;
        let (_, predictions) = py
            .detach(|| self.inner.predict(&value))
            .map_err(|e| predict_error(py, &e))?;
        // The rows sent in the previous major version's shape, which the bundle's migration
        // changed: each result says so.
        let migrated = self.inner.migrated_rows(&value);
        let out = columns::Outputs::of(&predictions);
        let d = PyDict::new(py);
        let bytes = |b: Option<Vec<u8>>| b.map(|b| PyBytes::new(py, &b));
        d.set_item("labels", out.labels)?;
        d.set_item("classes", out.classes)?;
        d.set_item("probabilities", bytes(out.probabilities))?;
        d.set_item("values", bytes(out.values))?;
        d.set_item("value_names", out.value_names)?;
        d.set_item("vectors", bytes(out.vectors))?;
        d.set_item("clusters", out.clusters)?;
        d.set_item("distances", bytes(out.distances))?;
        d.set_item("outliers", out.outliers)?;
        d.set_item("scores", bytes(out.scores))?;
        d.set_item("width", out.width)?;
        d.set_item("migrated_rows", migrated)?;
        Ok(d)
    }

    /// The schema issues of columns, as JSON (`[]` when valid).
    fn validate(
        &self,
        py: Python<'_>,
        columns: Vec<(String, Bound<'_, PyAny>)>,
    ) -> PyResult<String> {
        let value = columns::to_value(&columns)?;
        let issues = match py.detach(|| self.inner.validate(&value)) {
            Ok(_) => Vec::new(),
            Err(e) => e.issues,
        };
        Ok(errors::issues_json(&issues))
    }

    /// Per-feature drift of columns against the training baseline, as JSON.
    fn drift(&self, py: Python<'_>, columns: Vec<(String, Bound<'_, PyAny>)>) -> PyResult<String> {
        let value = columns::to_value(&columns)?;
        let report = py
            .detach(|| self.inner.drift(&value))
            .map_err(|e| schema_error(py, &e))?;
        serde_json::to_string(&report)
            .map_err(|e| model_error(py, &format!("cannot serialize the drift report: {e}")))
    }

    /// Re-runs the embedded test vectors; returns how many passed.
    fn self_test(&self, py: Python<'_>) -> PyResult<usize> {
        py.detach(|| self.inner.self_test())
            .map_err(|e| load_error(py, &e.into()))
    }
}

/// The module `sealed_onnx._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(cli, m)?)?;
    m.add_function(wrap_pyfunction!(keygen, m)?)?;
    m.add_function(wrap_pyfunction!(key_info, m)?)?;
    m.add_function(wrap_pyfunction!(pack, m)?)?;
    m.add_function(wrap_pyfunction!(sign, m)?)?;
    m.add_function(wrap_pyfunction!(sri_sha256, m)?)?;
    m.add_class::<Model>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
