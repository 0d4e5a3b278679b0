//! `ai.onnx.ml.Scaler`: `y = (x - offset) * scale`, per column or broadcast (onnxruntime).

use tract_onnx::model::{OnnxOpRegister, ParsingContext};
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;

use super::kernel::{all_f32, boxed, Kernel, OutputSpec};

/// Registers the operator.
pub fn register(reg: &mut OnnxOpRegister) {
    reg.insert("Scaler", build);
}

/// A parsed `Scaler`.
#[derive(Debug, Clone, PartialEq)]
pub struct Scaler {
    offset: Vec<f32>,
    scale: Vec<f32>,
}

fn build(
    _ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let offset = node
        .get_attr_opt_vec::<f32>("offset")?
        .unwrap_or_else(|| vec![0.0]);
    let scale = node
        .get_attr_opt_vec::<f32>("scale")?
        .unwrap_or_else(|| vec![1.0]);
    if offset.is_empty() || scale.is_empty() {
        bail!("{}: offset and scale must not be empty", node.name);
    }
    boxed(Scaler { offset, scale })
}

/// The value of a per-column attribute for column `j` (a single value applies to all).
pub fn per_column<T: Copy>(values: &[T], j: usize) -> T {
    if values.len() == 1 {
        values[0]
    } else {
        values[j]
    }
}

/// Checks that a per-column attribute has one value or one per column.
pub fn check_columns(op: &str, what: &str, values: usize, width: usize) -> TractResult<()> {
    if values != 1 && values != width {
        bail!("{op}: {what} has {values} values for {width} columns");
    }
    Ok(())
}

/// The last-axis width of a tensor (its column count).
pub fn columns(t: &Tensor) -> usize {
    if t.rank() < 2 {
        t.len().max(1)
    } else {
        t.shape()[t.rank() - 1]
    }
}

impl Kernel for Scaler {
    fn name(&self) -> &'static str {
        "Scaler"
    }

    fn outputs(&self, _input: Option<&[usize]>) -> TractResult<TVec<OutputSpec>> {
        Ok(tvec![OutputSpec::same(f32::datum_type())])
    }

    fn eval(&self, inputs: &[TValue]) -> TractResult<TVec<Tensor>> {
        let x = &inputs[0];
        let w = columns(x);
        check_columns("Scaler", "offset", self.offset.len(), w)?;
        check_columns("Scaler", "scale", self.scale.len(), w)?;
        let y: Vec<f32> = all_f32(x)?
            .iter()
            .enumerate()
            .map(|(i, v)| (v - per_column(&self.offset, i % w)) * per_column(&self.scale, i % w))
            .collect();
        Ok(tvec![Tensor::from_shape(x.shape(), &y)?])
    }
}
