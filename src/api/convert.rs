//! Converting JS values into schema values, and results into JSON.

use js_sys::{Array, Object};
use wasm_bindgen::{JsCast, JsValue};

use super::errors::{model_error, JsResult};
use crate::bundle::manifest::Feature;
use crate::schema::{self, Batch, Cell, Issue, Shape, Value};

/// Deeper than batch → record → value nothing is a valid input; stopping there also keeps
/// cyclic objects from recursing forever.
const MAX_DEPTH: usize = 3;

/// Converts a plain JS value (records, arrays, columns, typed arrays) into a [`Value`].
pub fn to_value(v: &JsValue) -> Value {
    convert(v, 0)
}

fn convert(v: &JsValue, depth: usize) -> Value {
    if v.is_null() || v.is_undefined() {
        return Value::Null;
    }
    if let Some(n) = v.as_f64() {
        return Value::Number(n);
    }
    if let Some(b) = v.as_bool() {
        return Value::Bool(b);
    }
    if let Some(s) = v.as_string() {
        return Value::String(s);
    }
    if v.is_bigint() {
        return Value::Other("a bigint".into());
    }
    if depth >= MAX_DEPTH || !v.is_object() {
        return Value::Other(if v.is_function() {
            "a function".into()
        } else {
            "a nested structure".into()
        });
    }
    if Array::is_array(v) {
        let a: &Array = v.unchecked_ref();
        return Value::Array(a.iter().map(|x| convert(&x, depth + 1)).collect());
    }
    if js_sys::ArrayBuffer::is_view(v) {
        if v.is_instance_of::<js_sys::BigInt64Array>()
            || v.is_instance_of::<js_sys::BigUint64Array>()
            || v.is_instance_of::<js_sys::DataView>()
        {
            return Value::Other("a bigint array or DataView".into());
        }
        return Value::Array(
            js_sys::Float64Array::new(v)
                .to_vec()
                .into_iter()
                .map(Value::Number)
                .collect(),
        );
    }
    let entries = Object::entries(v.unchecked_ref());
    Value::Object(
        entries
            .iter()
            .filter_map(|pair| {
                let pair: Array = pair.dyn_into().ok()?;
                Some((pair.get(0).as_string()?, convert(&pair.get(1), depth + 1)))
            })
            .collect(),
    )
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
