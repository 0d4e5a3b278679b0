//! `ai.onnx.ml.FeatureVectorizer`: concatenates its inputs' columns into one float row,
//! each input cut or zero-padded to its `inputdimensions` entry (onnxruntime).

use tract_onnx::model::{OnnxOpRegister, ParsingContext};
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;

use super::kernel::{boxed, rows_f32, Kernel, OutputSpec};

/// Registers the operator.
pub fn register(reg: &mut OnnxOpRegister) {
    reg.insert("FeatureVectorizer", build);
}

/// A parsed `FeatureVectorizer`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureVectorizer {
    dims: Vec<usize>,
}

fn build(
    _ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let dims: Vec<usize> = node
        .get_attr_vec::<i64>("inputdimensions")?
        .into_iter()
        .map(|d| {
            usize::try_from(d).map_err(|_| format_err!("{}: negative input dimension", node.name))
        })
        .collect::<TractResult<_>>()?;
    if dims.len() != node.input.len() {
        bail!(
            "{}: {} inputdimensions for {} inputs",
            node.name,
            dims.len(),
            node.input.len()
        );
    }
    boxed(FeatureVectorizer { dims })
}

impl Kernel for FeatureVectorizer {
    fn name(&self) -> &'static str {
        "FeatureVectorizer"
    }

    fn inputs(&self) -> usize {
        self.dims.len()
    }

    fn outputs(&self, _input: Option<&[usize]>) -> TractResult<TVec<OutputSpec>> {
        Ok(tvec![OutputSpec::rows(
            f32::datum_type(),
            tvec![self.dims.iter().sum()]
        )])
    }

    fn eval(&self, inputs: &[TValue]) -> TractResult<TVec<Tensor>> {
        let parts: Vec<(Vec<f32>, usize)> = inputs
            .iter()
            .map(|t| rows_f32(t))
            .collect::<TractResult<_>>()?;
        let rows = inputs[0].shape().first().copied().unwrap_or(1);
        let total: usize = self.dims.iter().sum();
        let mut out = vec![0f32; rows * total];
        for r in 0..rows {
            let mut offset = r * total;
            for ((data, width), dim) in parts.iter().zip(&self.dims) {
                let row = data.get(r * width..(r + 1) * width).unwrap_or(&[]);
                for (k, v) in row.iter().take(*dim).enumerate() {
                    out[offset + k] = *v;
                }
                offset += dim;
            }
        }
        Ok(tvec![Tensor::from_shape(&[rows, total], &out)?])
    }
}
