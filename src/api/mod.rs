//! The JavaScript boundary: the one module that knows about `wasm_bindgen`.
//!
//! Every method is a call into the core plus a conversion. Results cross as JSON text (the
//! npm wrapper parses it); errors cross as JS `Error`s whose `name` is `SchemaError`,
//! `VerificationError` or `ModelError`, which the wrapper turns into its own classes.

mod convert;
mod errors;
mod panic;
mod registry;

use wasm_bindgen::prelude::*;

use crate::loader::{LoadOptions, SealedModel};
use crate::{schema, trust};

use errors::{model_error, to_js, JsResult};

/// A verified model inside the wasm instance.
#[wasm_bindgen]
pub struct Model {
    inner: SealedModel,
}

/// A batch's results column by column; each getter copies one column out as a typed array.
#[wasm_bindgen]
pub struct BatchColumns(crate::engine::Columns);

#[wasm_bindgen]
impl BatchColumns {
    /// Rows predicted.
    #[wasm_bindgen(getter)]
    pub fn rows(&self) -> usize {
        self.0.rows
    }

    /// Class index per row (`Uint32Array`), or undefined for a regressor.
    #[wasm_bindgen(getter)]
    pub fn labels(&self) -> Option<Vec<u32>> {
        self.0.labels.clone()
    }

    /// Row-major `rows × classes` probabilities (`Float64Array`), or undefined.
    #[wasm_bindgen(getter)]
    pub fn probabilities(&self) -> Option<Vec<f64>> {
        self.0.probabilities.clone()
    }

    /// Regression values (`Float64Array`): one per row, or row-major `rows × targets` with
    /// several targets; undefined for other tasks.
    #[wasm_bindgen(getter)]
    pub fn values(&self) -> Option<Vec<f64>> {
        self.0.values.clone()
    }

    /// Numbers per row of `vectors` (transform) or `distances` (clustering), else 0.
    #[wasm_bindgen(getter)]
    pub fn width(&self) -> usize {
        self.0.width
    }

    /// Row-major `rows × width` vectors (`Float64Array`, transform), or undefined.
    #[wasm_bindgen(getter)]
    pub fn vectors(&self) -> Option<Vec<f64>> {
        self.0.vectors.clone()
    }

    /// Cluster index per row (`Uint32Array`, clustering), or undefined.
    #[wasm_bindgen(getter)]
    pub fn clusters(&self) -> Option<Vec<u32>> {
        self.0.clusters.clone()
    }

    /// Row-major `rows × width` distances (`Float64Array`, clustering), or undefined.
    #[wasm_bindgen(getter)]
    pub fn distances(&self) -> Option<Vec<f64>> {
        self.0.distances.clone()
    }

    /// 1 for an outlier, 0 for an inlier, per row (`Uint8Array`, outlier detection), or
    /// undefined.
    #[wasm_bindgen(getter)]
    pub fn outliers(&self) -> Option<Vec<u8>> {
        self.0
            .outliers
            .as_ref()
            .map(|o| o.iter().map(|&b| u8::from(b)).collect())
    }

    /// Outlier score per row (`Float64Array`, outlier detection), or undefined.
    #[wasm_bindgen(getter)]
    pub fn scores(&self) -> Option<Vec<f64>> {
        self.0.scores.clone()
    }
}

fn json<T: serde::Serialize>(value: &T) -> JsResult<String> {
    serde_json::to_string(value)
        .map_err(|e| model_error(&format!("cannot serialize the result: {e}")))
}

#[wasm_bindgen]
impl Model {
    /// Verifies and loads a bundle (see the crate's trust rules).
    pub fn load(
        bytes: &[u8],
        public_key_pem: Option<String>,
        integrity: Option<String>,
        allow_unverified: bool,
    ) -> JsResult<Model> {
        panic::install();
        let public_key = match public_key_pem {
            Some(pem) => {
                Some(trust::parse_public_key_pem(&pem).map_err(|e| errors::key_error(&e))?)
            }
            None => None,
        };
        let options = LoadOptions {
            public_key,
            integrity,
            allow_unverified,
            ..LoadOptions::default()
        };
        SealedModel::load(bytes, &options)
            .map(|inner| Model { inner })
            .map_err(|e| to_js(&e))
    }

    /// Name, version, card, schema, training, outputs, digest, signer, verification, as JSON.
    pub fn info(&self) -> JsResult<String> {
        let m = self.inner.manifest();
        let v = self.inner.verification();
        json(&serde_json::json!({
            "name": m.name,
            "version": m.version,
            "created": m.created,
            "card": m.card,
            "schema": m.inputs.features,
            "outputs": m.outputs,
            "training": m.training,
            "digest": v.digest,
            "signer": v.signer,
            "verified": v.verified,
            "integrityChecked": v.integrity_checked,
            // The inputs too: a page can offer them as example rows for a bundle it does
            // not know (the known predictions' inputs are valid rows of the schema).
            "testVectors": {
                "passed": v.test_vectors_passed,
                "total": m.test_vectors.cases.len(),
                "inputs": m.test_vectors.cases.iter().map(|c| &c.input).collect::<Vec<_>>(),
            },
            "files": m.files,
            // How inputs of the previous major version are accepted (null without one), so a
            // page can say what a `migrated` result went through.
            "migration": m.migration,
        }))
    }

    /// Predicts a record, an array of records, or columns, given as the wrapper's tagged JSON
    /// (`schema::tagged_json`); JSON: one prediction object for a record, else an array.
    pub fn predict(&self, input: &str) -> JsResult<String> {
        let value = convert::from_json(input)?;
        let (shape, predictions) = self.inner.predict(&value).map_err(|e| to_js(&e))?;
        let out = crate::engine::predictions_json(shape, &predictions);
        if self.inner.manifest().migration.is_none() {
            return json(&out);
        }
        let mut out = serde_json::to_value(out)
            .map_err(|e| model_error(&format!("cannot serialize the result: {e}")))?;
        registry::mark_migrated(&mut out, &self.inner, &value);
        json(&out)
    }

    /// Predicts rows given as one flat row-major numeric array with `rows` rows, features in
    /// schema order (the fast path for large batches).
    #[wasm_bindgen(js_name = predictTyped)]
    pub fn predict_typed(&self, data: &[f64], rows: usize) -> JsResult<String> {
        let features = &self.inner.manifest().inputs.features;
        let batch = convert::typed_batch(features, data, rows)?;
        let predictions = self.inner.predict_batch(&batch).map_err(|e| to_js(&e))?;
        json(&crate::engine::predictions_json(
            schema::Shape::Records,
            &predictions,
        ))
    }

    /// Predicts rows given as in [`Model::predict_typed`], results as typed arrays column by
    /// column (no JSON, no object per row: what large batches need).
    #[wasm_bindgen(js_name = predictColumns)]
    pub fn predict_columns(&self, data: &[f64], rows: usize) -> JsResult<BatchColumns> {
        let features = &self.inner.manifest().inputs.features;
        convert::typed_check(features, data, rows).map_err(|e| to_js(&e))?;
        let columns = self
            .inner
            .predict_typed_columns(data, rows)
            .map_err(|e| to_js(&e))?;
        Ok(BatchColumns(columns))
    }

    /// The schema issues of `input` (tagged JSON) as a JSON array (empty when valid),
    /// without predicting.
    pub fn validate(&self, input: &str) -> JsResult<String> {
        let issues = match self.inner.validate(&convert::from_json(input)?) {
            Ok(_) => Vec::new(),
            Err(e) => e.issues,
        };
        json(&issues.iter().map(convert::issue_json).collect::<Vec<_>>())
    }

    /// The schema issues of rows given as in [`Model::predict_typed`], as a JSON array (empty
    /// when valid): no record per row on the way.
    #[wasm_bindgen(js_name = validateTyped)]
    pub fn validate_typed(&self, data: &[f64], rows: usize) -> JsResult<String> {
        let features = &self.inner.manifest().inputs.features;
        let issues = match convert::typed_check(features, data, rows) {
            Ok(()) => Vec::new(),
            Err(e) => e.issues,
        };
        json(&issues.iter().map(convert::issue_json).collect::<Vec<_>>())
    }

    /// Per-feature drift of rows given as in [`Model::predict_typed`], as JSON.
    #[wasm_bindgen(js_name = driftTyped)]
    pub fn drift_typed(&self, data: &[f64], rows: usize) -> JsResult<String> {
        let features = &self.inner.manifest().inputs.features;
        let batch = convert::typed_batch(features, data, rows)?;
        json(&self.inner.drift_batch(&batch))
    }

    /// Re-runs the embedded test vectors; returns how many passed.
    #[wasm_bindgen(js_name = selfTest)]
    pub fn self_test(&self) -> JsResult<usize> {
        self.inner.self_test().map_err(|e| to_js(&e))
    }

    /// Per-feature drift of `input` (tagged JSON) against the training baseline, as JSON.
    pub fn drift(&self, input: &str) -> JsResult<String> {
        let report = self
            .inner
            .drift(&convert::from_json(input)?)
            .map_err(|e| to_js(&e))?;
        json(&report)
    }
}

/// Runs a raw ONNX graph on tensors in the JSON tensor form
/// (`{"X": {"dtype": "float32", "shape": [2, 4], "data": [...]}}`) and returns every output
/// in the same form. Nothing is verified: this is for checking exports, as the CLI's `run`.
#[wasm_bindgen(js_name = runRaw)]
pub fn run_raw(model: &[u8], inputs_json: &str) -> JsResult<String> {
    panic::install();
    let inputs: serde_json::Map<String, serde_json::Value> = serde_json::from_str(inputs_json)
        .map_err(|e| model_error(&format!("the input tensors are not a JSON object: {e}")))?;
    let inputs = inputs
        .iter()
        .map(|(name, v)| crate::engine::RawTensor::from_json(name, v).map(|t| (name.clone(), t)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| to_js(&e))?;
    let outputs = crate::engine::run_raw(model, &inputs).map_err(|e| to_js(&e))?;
    let out: serde_json::Map<String, serde_json::Value> =
        outputs.into_iter().map(|(n, t)| (n, t.to_json())).collect();
    json(&out)
}

/// Panics on purpose: lets the npm package's tests check that a panic becomes a
/// `ModelError` and leaves other models working. Not part of the documented API.
#[wasm_bindgen(js_name = __testPanic)]
pub fn test_panic(reason: &str) {
    panic::install();
    panic!("deliberate test panic: {reason}");
}

/// sha256 of bytes as an SRI string (`sha256-…`).
#[wasm_bindgen(js_name = sriSha256)]
pub fn sri_sha256(bytes: &[u8]) -> String {
    trust::sri_sha256(bytes)
}

/// Checks bytes against an SRI string (sha256/384/512); throws a `VerificationError`.
#[wasm_bindgen(js_name = checkIntegrity)]
pub fn check_integrity(bytes: &[u8], sri: &str) -> JsResult<String> {
    trust::check_integrity(bytes, sri)
        .map(|v| v.sri)
        .map_err(|e| {
            to_js(&crate::loader::LoadError::from(
                crate::loader::VerificationError::from(e),
            ))
        })
}
