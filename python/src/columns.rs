//! Columns from Python into schema values, and predictions back as flat buffers.
//!
//! A numeric column crosses as the bytes of a float64 array (NaN = missing), which avoids one
//! Python object per value; anything else as a list of Python values. Nothing is coerced here:
//! a string stays a string and the schema decides.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyFloat, PyInt, PyList, PyString};

use sealed_onnx::engine::Prediction;
use sealed_onnx::schema::Value;

/// Columns `(feature name, bytes | list)` as one columns-shaped [`Value`] — or, when some
/// cell is the Python side's marker of a record without that key (records with different
/// keys), as records, each with only its own keys: so each record is checked, and migrated
/// from an older major version's shape, by itself, as the CLI and the npm package do.
pub fn to_value(columns: &[(String, Bound<'_, PyAny>)]) -> PyResult<Value> {
    let mut fields = Vec::with_capacity(columns.len());
    // Only a list column can hold the marker: numeric (bytes) columns are not scanned for it.
    let mut absent = false;
    for (name, column) in columns {
        let values: Vec<Value> = if let Ok(bytes) = column.cast::<PyBytes>() {
            let raw = bytes.as_bytes();
            if raw.len() % 8 != 0 {
                return Err(PyTypeError::new_err(format!(
                    "column {name:?}: a numeric column must be float64 bytes"
                )));
            }
            raw.chunks_exact(8)
                .map(|c| {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(c);
                    Value::Number(f64::from_le_bytes(b))
                })
                .collect()
        } else if let Ok(list) = column.cast::<PyList>() {
            let cells: Vec<Value> = list.iter().map(|v| value(&v)).collect();
            absent |= cells.iter().any(is_absent);
            cells
        } else {
            return Err(PyTypeError::new_err(format!(
                "column {name:?}: expected float64 bytes or a list"
            )));
        };
        fields.push((name.clone(), values));
    }
    Ok(if absent {
        records(fields)
    } else {
        Value::Object(
            fields
                .into_iter()
                .map(|(name, cells)| (name, Value::Array(cells)))
                .collect(),
        )
    })
}

/// What [`value`] makes of the Python side's `_Absent` marker.
const ABSENT: &str = "nothing (the record has no such key)";

fn is_absent(v: &Value) -> bool {
    matches!(v, Value::Other(s) if s == ABSENT)
}

/// Columns as records, leaving out the absent cells.
fn records(fields: Vec<(String, Vec<Value>)>) -> Value {
    let rows = fields.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
    let mut records: Vec<Vec<(String, Value)>> = vec![Vec::new(); rows];
    for (name, cells) in fields {
        for (record, cell) in records.iter_mut().zip(cells) {
            if !is_absent(&cell) {
                record.push((name.clone(), cell));
            }
        }
    }
    Value::Array(records.into_iter().map(Value::Object).collect())
}

/// One Python value as a schema value (booleans before integers: `bool` is an `int`).
fn value(v: &Bound<'_, PyAny>) -> Value {
    if v.is_none() {
        Value::Null
    } else if let Ok(b) = v.cast::<PyBool>() {
        Value::Bool(b.is_true())
    } else if let Ok(i) = v.cast::<PyInt>() {
        match i.extract::<i64>() {
            // Integers beyond 2^53 would silently change value as f64.
            Ok(n) if n.unsigned_abs() <= 1 << 53 => Value::Number(n as f64),
            _ => Value::Other(format!("the integer {i}, too large to be exact")),
        }
    } else if let Ok(f) = v.cast::<PyFloat>() {
        Value::Number(f.value())
    } else if let Ok(s) = v.cast::<PyString>() {
        match s.to_cow() {
            Ok(s) => Value::String(s.into_owned()),
            Err(_) => Value::Other("a string that is not valid UTF-8".into()),
        }
    } else {
        let kind = v
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| "object".into());
        if kind == "_Absent" {
            // A record without this key (the Python side's marker): say so, not "an object".
            return Value::Other(ABSENT.into());
        }
        Value::Other(format!("a {kind}"))
    }
}

/// Predictions as columns: what `Model.predict` hands back to Python. Which parts are set
/// depends on the task (every row has the same parts).
#[derive(Debug, Default)]
pub struct Outputs {
    /// One class name per row (classification).
    pub labels: Option<Vec<String>>,
    /// The class names, in the order of the probability columns.
    pub classes: Option<Vec<String>>,
    /// Row-major float64 probabilities, little-endian bytes.
    pub probabilities: Option<Vec<u8>>,
    /// float64 values (regression), little-endian bytes; row-major `rows × value_names` with
    /// several targets.
    pub values: Option<Vec<u8>>,
    /// A regression's target names (several targets).
    pub value_names: Option<Vec<String>>,
    /// Row-major float64 vectors (transform), little-endian bytes.
    pub vectors: Option<Vec<u8>>,
    /// Cluster index per row (clustering).
    pub clusters: Option<Vec<u32>>,
    /// Row-major float64 distances (clustering), little-endian bytes.
    pub distances: Option<Vec<u8>>,
    /// Outlier flag per row (outlier detection).
    pub outliers: Option<Vec<bool>>,
    /// float64 outlier scores, little-endian bytes.
    pub scores: Option<Vec<u8>>,
    /// Numbers per row of `vectors` or `distances`.
    pub width: usize,
}

/// Little-endian float64 bytes of every row's numbers.
fn float_bytes<'a>(rows: impl Iterator<Item = &'a [f64]>) -> Vec<u8> {
    rows.flat_map(|r| r.iter().flat_map(|x| x.to_le_bytes()))
        .collect()
}

impl Outputs {
    /// Flattens predictions (every row has the same parts).
    pub fn of(predictions: &[Prediction]) -> Outputs {
        let mut out = Outputs::default();
        let Some(first) = predictions.first() else {
            return out;
        };
        if first.label.is_some() {
            out.labels = Some(
                predictions
                    .iter()
                    .map(|p| p.label.clone().unwrap_or_default())
                    .collect(),
            );
        }
        if let Some(probs) = &first.probabilities {
            out.classes = Some(probs.iter().map(|(c, _)| c.clone()).collect());
            let mut bytes = Vec::with_capacity(predictions.len() * probs.len() * 8);
            for p in predictions {
                for (_, x) in p.probabilities.as_deref().unwrap_or_default() {
                    bytes.extend_from_slice(&x.to_le_bytes());
                }
            }
            out.probabilities = Some(bytes);
        }
        if first.value.is_some() {
            out.values = Some(
                predictions
                    .iter()
                    .flat_map(|p| p.value.unwrap_or(f64::NAN).to_le_bytes())
                    .collect(),
            );
        }
        if let Some(values) = &first.values {
            out.value_names = Some(values.iter().map(|(t, _)| t.clone()).collect());
            let rows: Vec<Vec<f64>> = predictions
                .iter()
                .map(|p| p.values.iter().flatten().map(|(_, v)| *v).collect())
                .collect();
            out.values = Some(float_bytes(rows.iter().map(Vec::as_slice)));
        }
        if let Some(v) = &first.vector {
            out.width = v.len();
            out.vectors = Some(float_bytes(
                predictions
                    .iter()
                    .map(|p| p.vector.as_deref().unwrap_or_default()),
            ));
        }
        if first.cluster.is_some() {
            out.clusters = Some(predictions.iter().map(|p| p.cluster.unwrap_or(0)).collect());
        }
        if let Some(d) = &first.distances {
            out.width = d.len();
            out.distances = Some(float_bytes(
                predictions
                    .iter()
                    .map(|p| p.distances.as_deref().unwrap_or_default()),
            ));
        }
        if first.outlier.is_some() {
            out.outliers = Some(
                predictions
                    .iter()
                    .map(|p| p.outlier == Some(true))
                    .collect(),
            );
        }
        if first.score.is_some() {
            out.scores = Some(
                predictions
                    .iter()
                    .flat_map(|p| p.score.unwrap_or(f64::NAN).to_le_bytes())
                    .collect(),
            );
        }
        out
    }
}
