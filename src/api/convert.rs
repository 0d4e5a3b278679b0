//! Inputs from the wrapper into schema values (tagged JSON, typed arrays); issues as JSON.

use super::errors::{model_error, JsResult};
use crate::bundle::manifest::Feature;
use crate::schema::{self, tagged_json, Batch, Cell, Issue, Shape, Value};

/// The wrapper's tagged JSON text (see `schema::tagged_json`) as a [`Value`].
pub fn from_json(text: &str) -> JsResult<Value> {
    tagged_json::parse(text).map_err(|e| model_error(&format!("sealed-onnx internal error: {e}")))
}

/// Builds a batch from a flat row-major numeric array (numeric and boolean features only).
pub fn typed_batch(features: &[Feature], data: &[f64], rows: usize) -> JsResult<Batch> {
    let width = features.len();
    if rows.checked_mul(width) != Some(data.len()) {
        return Err(model_error(&format!(
            "typed input has {} values; {rows} rows × {width} features needs {}",
            data.len(),
            rows.saturating_mul(width)
        )));
    }
    let mut columns: Vec<Vec<Cell>> = vec![Vec::with_capacity(rows); width];
    let mut issues = Vec::new();
    for (i, chunk) in data.chunks(width.max(1)).enumerate() {
        for (j, (f, x)) in features.iter().zip(chunk).enumerate() {
            let value = if f.kind == crate::bundle::manifest::FeatureType::Boolean
                && (*x == 0.0 || *x == 1.0)
            {
                Value::Bool(*x == 1.0)
            } else {
                Value::Number(*x)
            };
            match schema::check(f, &value) {
                Ok(cell) => columns[j].push(cell),
                Err(code) => {
                    issues.push(Issue {
                        path: format!("rows[{i}].{}", f.name),
                        code,
                        expected: schema::expectation(f),
                        received: value.describe(),
                    });
                    columns[j].push(Cell::Missing);
                }
            }
        }
    }
    if !issues.is_empty() {
        return Err(super::errors::to_js(&schema::SchemaError { issues }));
    }
    Ok(Batch {
        rows,
        columns,
        shape: Shape::Records,
    })
}

/// One issue as JSON.
pub fn issue_json(i: &Issue) -> serde_json::Value {
    serde_json::json!({"path": i.path, "code": i.code.as_str(), "expected": i.expected, "received": i.received})
}
