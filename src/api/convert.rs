//! Inputs from the wrapper into schema values (tagged JSON, typed arrays); issues as JSON.

use super::errors::{model_error, JsResult};
use crate::bundle::manifest::{Feature, FeatureType};
use crate::schema::{self, tagged_json, Batch, Cell, Issue, Shape, Value};

/// The wrapper's tagged JSON text (see `schema::tagged_json`) as a [`Value`].
pub fn from_json(text: &str) -> JsResult<Value> {
    tagged_json::parse(text).map_err(|e| model_error(&format!("sealed-onnx internal error: {e}")))
}

/// Builds a batch from a flat row-major numeric array (numeric and boolean features only);
/// a `SchemaError` (thrown in JS) when it does not fit the schema.
pub fn typed_batch(features: &[Feature], data: &[f64], rows: usize) -> JsResult<Batch> {
    typed_cells(features, data, rows).map_err(|e| super::errors::to_js(&e))
}

/// [`typed_batch`] with every schema issue as data (issue paths `rows[i].feature`, as the
/// records the array stands for would give).
pub fn typed_cells(
    features: &[Feature],
    data: &[f64],
    rows: usize,
) -> Result<Batch, schema::SchemaError> {
    let mut columns: Vec<Vec<Cell>> = vec![Vec::new(); features.len()];
    check_typed(features, data, rows, |j, cell| {
        if let Some(column) = columns.get_mut(j) {
            // Reserved at a column's first cell, when `check_typed` has checked the length:
            // `rows` is the caller's number, and reserving for it before that could ask for
            // more memory than there is.
            if column.capacity() == 0 {
                column.reserve(rows);
            }
            column.push(cell);
        }
    })?;
    Ok(Batch {
        rows,
        columns,
        shape: Shape::Records,
    })
}

/// Checks a typed input against the schema without keeping its cells (for
/// `Engine::predict_typed`, which reads the numbers themselves): every issue, as
/// [`typed_cells`] reports them.
pub fn typed_check(
    features: &[Feature],
    data: &[f64],
    rows: usize,
) -> Result<(), schema::SchemaError> {
    check_typed(features, data, rows, |_, _| {})
}

/// Checks every value of a typed input, handing `keep` each feature index and cell (a
/// refused value as missing); all issues at the end.
fn check_typed(
    features: &[Feature],
    data: &[f64],
    rows: usize,
    mut keep: impl FnMut(usize, Cell),
) -> Result<(), schema::SchemaError> {
    let width = features.len();
    if let Some(issue) = typed_length_issue(width, data.len(), rows) {
        return Err(schema::SchemaError {
            issues: vec![issue],
        });
    }
    let mut issues = Vec::new();
    for (i, chunk) in data.chunks(width.max(1)).enumerate() {
        for (j, (f, x)) in features.iter().zip(chunk).enumerate() {
            let value = |x: f64| {
                if f.kind == FeatureType::Boolean && (x == 0.0 || x == 1.0) {
                    Value::Bool(x == 1.0)
                } else {
                    Value::Number(x)
                }
            };
            // Numbers go straight to the number check, without a `Value` per cell: a typed
            // batch is mostly numbers, and this loop is most of its validation.
            let checked = match f.kind {
                FeatureType::Float | FeatureType::Integer => schema::check_number(f, *x),
                _ => schema::check(f, &value(*x)),
            };
            match checked {
                Ok(cell) => keep(j, cell),
                Err(code) => {
                    issues.push(Issue {
                        path: format!("rows[{i}].{}", f.name),
                        code,
                        expected: schema::expectation(f),
                        received: value(*x).describe(),
                    });
                    keep(j, Cell::Missing);
                }
            }
        }
    }
    if issues.is_empty() {
        Ok(())
    } else {
        Err(schema::SchemaError { issues })
    }
}

/// The issue with a typed input whose length is not `rows` × `width` (the same text as the
/// wrapper's check in `js/core.js`, `typedToRecords`): path `data`, code `column_length`.
pub fn typed_length_issue(width: usize, values: usize, rows: usize) -> Option<Issue> {
    if rows.checked_mul(width) == Some(values) {
        return None;
    }
    let expected = match rows.checked_mul(width) {
        Some(n) => format!("{n} values ({rows} rows × {width} features)"),
        None => format!("{rows} rows × {width} features, more values than an array can hold"),
    };
    Some(Issue {
        path: "data".into(),
        code: schema::IssueCode::ColumnLength,
        expected,
        received: format!("{values} values"),
    })
}

/// One issue as JSON.
pub fn issue_json(i: &Issue) -> serde_json::Value {
    serde_json::json!({"path": i.path, "code": i.code.as_str(), "expected": i.expected, "received": i.received})
}
