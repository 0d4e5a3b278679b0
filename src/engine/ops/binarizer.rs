//! `ai.onnx.ml.Binarizer`: `y = x > threshold ? 1 : 0`, same type as the input.

use tract_onnx::model::{OnnxOpRegister, ParsingContext};
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;

use super::kernel::{boxed, Kernel, OutputSpec};

/// Registers the operator.
pub fn register(reg: &mut OnnxOpRegister) {
    reg.insert("Binarizer", build);
}

/// A parsed `Binarizer` (floating-point inputs, as skl2onnx emits it).
#[derive(Debug, Clone, PartialEq)]
pub struct Binarizer {
    threshold: f32,
}

fn build(
    _ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    boxed(Binarizer {
        threshold: node.get_attr_opt("threshold")?.unwrap_or(0.0),
    })
}

impl Kernel for Binarizer {
    fn name(&self) -> &'static str {
        "Binarizer"
    }

    fn outputs(&self, _input: Option<&[usize]>) -> TractResult<TVec<OutputSpec>> {
        Ok(tvec![OutputSpec::same(f32::datum_type())])
    }

    fn eval(&self, inputs: &[TValue]) -> TractResult<TVec<Tensor>> {
        let x = &inputs[0];
        let y: Vec<f32> = x
            .cast_to::<f32>()?
            .to_plain_array_view::<f32>()?
            .iter()
            .map(|v| if *v > self.threshold { 1.0 } else { 0.0 })
            .collect();
        Ok(tvec![Tensor::from_shape(x.shape(), &y)?])
    }
}
