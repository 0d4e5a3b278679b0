//! `ai.onnx.ml.Imputer`: replaces a sentinel (or NaN) with per-column values (onnxruntime).

use tract_onnx::model::{OnnxOpRegister, ParsingContext};
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;

use super::kernel::{boxed, Kernel, OutputSpec};
use super::scaler::{check_columns, columns, per_column};

/// Registers the operator.
pub fn register(reg: &mut OnnxOpRegister) {
    reg.insert("Imputer", build);
}

/// A parsed `Imputer`: float or integer flavour.
#[derive(Debug, Clone, PartialEq)]
pub enum Imputer {
    /// `imputed_value_floats` replacing `replaced_value_float` (NaN means "replace NaN").
    Floats {
        /// Values to put in.
        values: Vec<f32>,
        /// The sentinel.
        replaced: f32,
    },
    /// `imputed_value_int64s` replacing `replaced_value_int64`.
    Ints {
        /// Values to put in.
        values: Vec<i64>,
        /// The sentinel.
        replaced: i64,
    },
}

fn build(
    _ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let floats = node
        .get_attr_opt_vec::<f32>("imputed_value_floats")?
        .filter(|v| !v.is_empty());
    let ints = node
        .get_attr_opt_vec::<i64>("imputed_value_int64s")?
        .filter(|v| !v.is_empty());
    let op = match (floats, ints) {
        (Some(values), None) => Imputer::Floats {
            values,
            replaced: node.get_attr_opt("replaced_value_float")?.unwrap_or(0.0),
        },
        (None, Some(values)) => Imputer::Ints {
            values,
            replaced: node.get_attr_opt("replaced_value_int64")?.unwrap_or(0),
        },
        _ => bail!(
            "{}: needs exactly one of imputed_value_floats and imputed_value_int64s",
            node.name
        ),
    };
    boxed(op)
}

impl Kernel for Imputer {
    fn name(&self) -> &'static str {
        "Imputer"
    }

    fn outputs(&self, _input: Option<&[usize]>) -> TractResult<TVec<OutputSpec>> {
        let dt = match self {
            Imputer::Floats { .. } => f32::datum_type(),
            Imputer::Ints { .. } => i64::datum_type(),
        };
        Ok(tvec![OutputSpec::same(dt)])
    }

    fn eval(&self, inputs: &[TValue]) -> TractResult<TVec<Tensor>> {
        let x = &inputs[0];
        let w = columns(x);
        let out = match self {
            Imputer::Floats { values, replaced } => {
                check_columns("Imputer", "imputed_value_floats", values.len(), w)?;
                let data = x.cast_to::<f32>()?;
                let y: Vec<f32> = data
                    .to_plain_array_view::<f32>()?
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let hit = if replaced.is_nan() {
                            v.is_nan()
                        } else {
                            v == replaced
                        };
                        if hit {
                            per_column(values, i % w)
                        } else {
                            *v
                        }
                    })
                    .collect();
                Tensor::from_shape(x.shape(), &y)?
            }
            Imputer::Ints { values, replaced } => {
                check_columns("Imputer", "imputed_value_int64s", values.len(), w)?;
                let data = x.cast_to::<i64>()?;
                let y: Vec<i64> = data
                    .to_plain_array_view::<i64>()?
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        if v == replaced {
                            per_column(values, i % w)
                        } else {
                            *v
                        }
                    })
                    .collect();
                Tensor::from_shape(x.shape(), &y)?
            }
        };
        Ok(tvec![out])
    }
}
