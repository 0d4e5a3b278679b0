//! Running a raw ONNX graph on explicit tensors (the CLI's `run`), with a JSON tensor form:
//! `{"dtype": "float32", "shape": [2, 4], "data": [[...], [...]]}`; `null` in float data is NaN.
//! A graph output made by a final `ZipMap` comes back as onnxruntime gives it: a list with one
//! `{class label: probability}` object per row.

use serde_json::{json, Value as Json};
use tract_onnx::prelude::*;

use super::error::{chain, EngineError};
use super::{graph_io, ops, zipmap};
use crate::bundle::manifest::TensorType;

/// Tensor elements, flat, row-major.
#[derive(Debug, Clone, PartialEq)]
pub enum RawData {
    /// float32 elements.
    F32(Vec<f32>),
    /// float64 elements.
    F64(Vec<f64>),
    /// int64 elements.
    I64(Vec<i64>),
    /// string elements.
    Str(Vec<String>),
    /// bool elements.
    Bool(Vec<bool>),
}

/// A named tensor outside tract.
#[derive(Debug, Clone, PartialEq)]
pub struct RawTensor {
    /// Dimensions.
    pub shape: Vec<usize>,
    /// Elements.
    pub data: RawData,
}

fn flatten<'a>(v: &'a Json, out: &mut Vec<&'a Json>) {
    match v {
        Json::Array(items) => items.iter().for_each(|i| flatten(i, out)),
        other => out.push(other),
    }
}

impl RawTensor {
    /// Parses the JSON tensor form; `data` may be flat or nested.
    ///
    /// # Errors
    /// [`EngineError::BadTensor`] saying what is wrong with which tensor.
    pub fn from_json(name: &str, v: &Json) -> Result<RawTensor, EngineError> {
        let bad = |problem: String| EngineError::BadTensor {
            name: name.to_string(),
            problem,
        };
        let dtype: TensorType = serde_json::from_value(
            v.get("dtype").cloned().unwrap_or(Json::Null),
        )
        .map_err(|_| bad("needs \"dtype\": one of float32, float64, int64, string, bool".into()))?;
        let shape: Vec<usize> =
            serde_json::from_value(v.get("shape").cloned().unwrap_or(Json::Null))
                .map_err(|_| bad("needs \"shape\": an array of non-negative integers".into()))?;
        let mut flat = Vec::new();
        flatten(
            v.get("data").ok_or_else(|| bad("needs \"data\"".into()))?,
            &mut flat,
        );
        let count = shape.iter().try_fold(1usize, |a, d| a.checked_mul(*d));
        if count != Some(flat.len()) {
            return Err(bad(format!(
                "shape {shape:?} needs {} elements but data has {}",
                count.map_or("too many".into(), |c| c.to_string()),
                flat.len()
            )));
        }
        let elem = |i: usize, what: &str| bad(format!("element {i} is not {what}"));
        let float = |i: usize, x: &Json| match x {
            Json::Null => Ok(f64::NAN),
            Json::Number(n) => n.as_f64().ok_or_else(|| elem(i, "a number")),
            _ => Err(elem(i, "a number or null")),
        };
        let data = match dtype {
            TensorType::Float32 => RawData::F32(
                flat.iter()
                    .enumerate()
                    .map(|(i, x)| float(i, x).map(|f| f as f32))
                    .collect::<Result<_, _>>()?,
            ),
            TensorType::Float64 => RawData::F64(
                flat.iter()
                    .enumerate()
                    .map(|(i, x)| float(i, x))
                    .collect::<Result<_, _>>()?,
            ),
            TensorType::Int64 => RawData::I64(
                flat.iter()
                    .enumerate()
                    .map(|(i, x)| x.as_i64().ok_or_else(|| elem(i, "an integer")))
                    .collect::<Result<_, _>>()?,
            ),
            TensorType::String => RawData::Str(
                flat.iter()
                    .enumerate()
                    .map(|(i, x)| {
                        x.as_str()
                            .map(str::to_string)
                            .ok_or_else(|| elem(i, "a string"))
                    })
                    .collect::<Result<_, _>>()?,
            ),
            TensorType::Bool => RawData::Bool(
                flat.iter()
                    .enumerate()
                    .map(|(i, x)| x.as_bool().ok_or_else(|| elem(i, "true or false")))
                    .collect::<Result<_, _>>()?,
            ),
        };
        Ok(RawTensor { shape, data })
    }

    /// The element type.
    pub fn dtype(&self) -> TensorType {
        match self.data {
            RawData::F32(_) => TensorType::Float32,
            RawData::F64(_) => TensorType::Float64,
            RawData::I64(_) => TensorType::Int64,
            RawData::Str(_) => TensorType::String,
            RawData::Bool(_) => TensorType::Bool,
        }
    }

    /// The JSON tensor form, `data` nested by `shape`; NaN and infinities become `null`.
    pub fn to_json(&self) -> Json {
        let flat: Vec<Json> = match &self.data {
            RawData::F32(v) => v.iter().map(|x| finite(f64::from(*x))).collect(),
            RawData::F64(v) => v.iter().map(|x| finite(*x)).collect(),
            RawData::I64(v) => v.iter().map(|x| json!(x)).collect(),
            RawData::Str(v) => v.iter().map(|x| json!(x)).collect(),
            RawData::Bool(v) => v.iter().map(|x| json!(x)).collect(),
        };
        json!({"dtype": self.dtype().as_str(), "shape": self.shape, "data": nest(&flat, &self.shape)})
    }

    fn to_tensor(&self) -> TractResult<Tensor> {
        match &self.data {
            RawData::F32(v) => Tensor::from_shape(&self.shape, v),
            RawData::F64(v) => Tensor::from_shape(&self.shape, v),
            RawData::I64(v) => Tensor::from_shape(&self.shape, v),
            RawData::Bool(v) => Tensor::from_shape(&self.shape, v),
            RawData::Str(v) => Ok(tract_ndarray::ArrayD::from_shape_vec(
                self.shape.clone(),
                v.clone(),
            )
            .map_err(|e| TractError::msg(e.to_string()))?
            .into_tensor()),
        }
    }

    fn from_tensor(name: &str, t: &Tensor) -> Result<RawTensor, EngineError> {
        let shape = t.shape().to_vec();
        let data = if let Ok(s) = super::elements::<f32>(t) {
            RawData::F32(s.to_vec())
        } else if let Ok(s) = super::elements::<f64>(t) {
            RawData::F64(s.to_vec())
        } else if let Some(s) = super::integers(t) {
            RawData::I64(s)
        } else if let Ok(s) = super::elements::<String>(t) {
            RawData::Str(s.to_vec())
        } else if let Ok(s) = super::elements::<bool>(t) {
            RawData::Bool(s.to_vec())
        } else {
            return Err(EngineError::BadOutput {
                name: name.to_string(),
                problem: format!(
                    "has type {:?}, which the JSON tensor form cannot hold",
                    t.datum_type()
                ),
            });
        };
        Ok(RawTensor { shape, data })
    }
}

/// One output of [`run_raw`].
#[derive(Debug, Clone, PartialEq)]
pub enum RawOutput {
    /// A tensor.
    Tensor(RawTensor),
    /// A final `ZipMap`'s sequence of maps: the class labels (integers as decimal strings)
    /// and, per row, one probability per label in the same order.
    Maps {
        /// Map keys, in the ZipMap's order.
        keys: Vec<String>,
        /// One probability per key, per row.
        rows: Vec<Vec<f64>>,
    },
}

impl RawOutput {
    /// The tensor form for a tensor; for maps, a list with one `{label: probability}` object
    /// per row, keys in the ZipMap's order, NaN as `null` (onnxruntime's sequence of maps).
    pub fn to_json(&self) -> Json {
        match self {
            RawOutput::Tensor(t) => t.to_json(),
            RawOutput::Maps { keys, rows } => rows
                .iter()
                .map(|row| {
                    Json::Object(
                        keys.iter()
                            .cloned()
                            .zip(row.iter().map(|v| finite(*v)))
                            .collect(),
                    )
                })
                .collect(),
        }
    }
}

fn finite(x: f64) -> Json {
    if x.is_finite() {
        json!(x)
    } else {
        Json::Null
    }
}

fn nest(flat: &[Json], shape: &[usize]) -> Json {
    match shape {
        [] => flat.first().cloned().unwrap_or(Json::Null),
        [_] => Json::Array(flat.to_vec()),
        [first, rest @ ..] => {
            let step = rest.iter().product::<usize>();
            if step == 0 {
                return Json::Array((0..*first).map(|_| nest(&[], rest)).collect());
            }
            Json::Array(flat.chunks(step).map(|c| nest(c, rest)).collect())
        }
    }
}

/// Runs a raw ONNX graph on named tensors and returns every graph output, by name.
///
/// # Errors
/// Unsupported operators, non-tensor inputs, missing or unexpected inputs, and tract
/// failures.
pub fn run_raw(
    model: &[u8],
    inputs: &[(String, RawTensor)],
) -> Result<Vec<(String, RawOutput)>, EngineError> {
    let onnx = ops::framework();
    let mut proto = graph_io::decode(&onnx, model)?;
    let zipmaps = zipmap::unzip(&mut proto)?;
    ops::check_supported(&onnx, &proto)?;
    graph_io::check_tensor_inputs(&proto)?;
    let graph_inputs = graph_io::inputs(&proto);
    let names: Vec<&str> = graph_inputs.iter().map(|g| g.name.as_str()).collect();
    for (name, _) in inputs {
        if !names.contains(&name.as_str()) {
            return Err(EngineError::InputMismatch {
                detail: format!("the graph has no input {name:?}; its inputs are {names:?}"),
            });
        }
    }
    let prepare = |e: TractError| EngineError::Prepare { detail: chain(&e) };
    let mut graph = onnx.model_for_proto_model(&proto).map_err(prepare)?;
    let mut tensors = TVec::new();
    for (ix, g) in graph_inputs.iter().enumerate() {
        let Some((_, raw)) = inputs.iter().find(|(n, _)| *n == g.name) else {
            return Err(EngineError::InputMismatch {
                detail: format!(
                    "input {:?} is missing; the graph's inputs are {names:?}",
                    g.name
                ),
            });
        };
        let tensor = raw.to_tensor().map_err(|e| EngineError::BadTensor {
            name: g.name.clone(),
            problem: chain(&e),
        })?;
        graph
            .set_input_fact(
                ix,
                InferenceFact::from(tensor.datum_type().fact(tensor.shape())),
            )
            .map_err(prepare)?;
        tensors.push(tensor.into_tvalue());
    }
    let plan = graph
        .into_optimized()
        .and_then(|m| m.into_runnable())
        .map_err(prepare)?;
    let results = plan
        .run(tensors)
        .map_err(|e| EngineError::Run { detail: chain(&e) })?;
    graph_io::outputs(&proto)
        .into_iter()
        .zip(results.iter())
        .map(|(name, t)| {
            let output = match zipmaps.iter().find(|z| z.output == name) {
                Some(z) => RawOutput::Maps {
                    keys: z.keys(),
                    rows: z.rows(t)?,
                },
                None => RawOutput::Tensor(RawTensor::from_tensor(&name, t)?),
            };
            Ok((name, output))
        })
        .collect()
}
