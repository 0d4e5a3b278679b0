//! `ai.onnx.ml.LabelEncoder` (opset 2 attributes): maps each value through a key → value
//! table, with a default for unknown keys (onnxruntime's defaults: "_Unused", -1, -0.0).

use tract_onnx::model::{OnnxOpRegister, ParsingContext};
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;

use super::kernel::{boxed, Kernel, OutputSpec};

/// Registers the operator.
pub fn register(reg: &mut OnnxOpRegister) {
    reg.insert("LabelEncoder", build);
}

/// One side of the table.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Strings.
    Strings(Vec<String>),
    /// Integers.
    Ints(Vec<i64>),
    /// Floats.
    Floats(Vec<f32>),
}

impl Column {
    fn len(&self) -> usize {
        match self {
            Column::Strings(v) => v.len(),
            Column::Ints(v) => v.len(),
            Column::Floats(v) => v.len(),
        }
    }
}

/// A parsed `LabelEncoder`.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelEncoder {
    keys: Column,
    values: Column,
    default: Column,
}

fn side(node: &NodeProto, prefix: &str) -> TractResult<Option<Column>> {
    if let Some(v) = node
        .get_attr_opt_vec::<String>(&format!("{prefix}_strings"))?
        .filter(|v| !v.is_empty())
    {
        return Ok(Some(Column::Strings(v)));
    }
    if let Some(v) = node
        .get_attr_opt_vec::<i64>(&format!("{prefix}_int64s"))?
        .filter(|v| !v.is_empty())
    {
        return Ok(Some(Column::Ints(v)));
    }
    if let Some(v) = node
        .get_attr_opt_vec::<f32>(&format!("{prefix}_floats"))?
        .filter(|v| !v.is_empty())
    {
        return Ok(Some(Column::Floats(v)));
    }
    Ok(None)
}

fn build(
    _ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let keys = side(node, "keys")?.with_context(|| {
        format!(
            "{}: needs keys_strings, keys_int64s or keys_floats",
            node.name
        )
    })?;
    let values = side(node, "values")?.with_context(|| {
        format!(
            "{}: needs values_strings, values_int64s or values_floats",
            node.name
        )
    })?;
    if keys.len() != values.len() {
        bail!(
            "{}: {} keys but {} values",
            node.name,
            keys.len(),
            values.len()
        );
    }
    let default = match &values {
        Column::Strings(_) => Column::Strings(vec![node
            .get_attr_opt::<String>("default_string")?
            .unwrap_or_else(|| "_Unused".into())]),
        Column::Ints(_) => Column::Ints(vec![node
            .get_attr_opt::<i64>("default_int64")?
            .unwrap_or(-1)]),
        Column::Floats(_) => Column::Floats(vec![node
            .get_attr_opt::<f32>("default_float")?
            .unwrap_or(-0.0)]),
    };
    boxed(LabelEncoder {
        keys,
        values,
        default,
    })
}

impl LabelEncoder {
    /// Index of each input value in the key table.
    fn positions(&self, x: &Tensor) -> TractResult<Vec<Option<usize>>> {
        Ok(match &self.keys {
            Column::Strings(keys) => x
                .to_plain_array_view::<String>()?
                .iter()
                .map(|s| keys.iter().position(|k| k == s))
                .collect(),
            Column::Ints(keys) => x
                .cast_to::<i64>()?
                .to_plain_array_view::<i64>()?
                .iter()
                .map(|v| keys.iter().position(|k| k == v))
                .collect(),
            Column::Floats(keys) => x
                .cast_to::<f32>()?
                .to_plain_array_view::<f32>()?
                .iter()
                .map(|v| {
                    keys.iter()
                        .position(|k| k == v || (k.is_nan() && v.is_nan()))
                })
                .collect(),
        })
    }
}

impl Kernel for LabelEncoder {
    fn name(&self) -> &'static str {
        "LabelEncoder"
    }

    fn outputs(&self, _input: Option<&[usize]>) -> TractResult<TVec<OutputSpec>> {
        let dt = match self.values {
            Column::Strings(_) => String::datum_type(),
            Column::Ints(_) => i64::datum_type(),
            Column::Floats(_) => f32::datum_type(),
        };
        Ok(tvec![OutputSpec::same(dt)])
    }

    fn eval(&self, inputs: &[TValue]) -> TractResult<TVec<Tensor>> {
        let x = &inputs[0];
        let pos = self.positions(x)?;
        let shape = x.shape();
        let out = match (&self.values, &self.default) {
            (Column::Strings(v), Column::Strings(d)) => {
                let y: Vec<String> = pos
                    .iter()
                    .map(|p| p.map_or_else(|| d[0].clone(), |i| v[i].clone()))
                    .collect();
                tract_ndarray::ArrayD::from_shape_vec(shape, y)?.into_tensor()
            }
            (Column::Ints(v), Column::Ints(d)) => Tensor::from_shape(
                shape,
                &pos.iter()
                    .map(|p| p.map_or(d[0], |i| v[i]))
                    .collect::<Vec<_>>(),
            )?,
            (Column::Floats(v), Column::Floats(d)) => Tensor::from_shape(
                shape,
                &pos.iter()
                    .map(|p| p.map_or(d[0], |i| v[i]))
                    .collect::<Vec<_>>(),
            )?,
            _ => bail!("LabelEncoder: inconsistent value and default types"),
        };
        Ok(tvec![out])
    }
}
