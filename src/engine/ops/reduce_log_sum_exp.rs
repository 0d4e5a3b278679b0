//! `ReduceLogSumExp` over the last axis of a 2-D tensor, computed stably as
//! `max + ln(Σ exp(x - max))` (tract's version overflows to infinity on the large
//! log-likelihoods naive Bayes exports produce). Other shapes and axes go to tract's.

use std::sync::OnceLock;

use tract_onnx::model::{OnnxOpRegister, ParsingContext};
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;

use super::kernel::{boxed, rows_f32, Kernel, OutputSpec};

/// tract's own builder's type (private in tract-onnx).
type OpBuilder =
    fn(&ParsingContext, &NodeProto) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)>;

static TRACT: OnceLock<Option<OpBuilder>> = OnceLock::new();

/// Registers the operator, keeping tract's for the cases we leave to it.
pub fn register(reg: &mut OnnxOpRegister) {
    TRACT.get_or_init(|| reg.0.get("ReduceLogSumExp").copied());
    reg.insert("ReduceLogSumExp", build);
}

/// The stable row-wise log-sum-exp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowLogSumExp {
    keep_dims: bool,
}

fn build(
    ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let axes = node.get_attr_opt_vec::<i64>("axes")?;
    let keep_dims = node.get_attr_opt::<i64>("keepdims")?.unwrap_or(1) != 0;
    // skl2onnx reduces axis 1 of [N, classes]; anything else is tract's job.
    if node.input.len() == 1 && matches!(axes.as_deref(), Some([1]) | Some([-1])) {
        return boxed(RowLogSumExp { keep_dims });
    }
    match TRACT.get().copied().flatten() {
        Some(tract_builder) => tract_builder(ctx, node),
        None => bail!(
            "{}: ReduceLogSumExp with these axes is not supported",
            node.name
        ),
    }
}

impl Kernel for RowLogSumExp {
    fn name(&self) -> &'static str {
        "ReduceLogSumExp"
    }

    fn outputs(&self, _input: Option<&[usize]>) -> TractResult<TVec<OutputSpec>> {
        let trailing = if self.keep_dims { tvec![1] } else { tvec![] };
        Ok(tvec![OutputSpec::rows(f32::datum_type(), trailing)])
    }

    fn eval(&self, inputs: &[TValue]) -> TractResult<TVec<Tensor>> {
        if inputs[0].rank() != 2 {
            bail!("ReduceLogSumExp expects a 2-D input here");
        }
        let (x, width) = rows_f32(&inputs[0])?;
        let y: Vec<f32> = x
            .chunks(width.max(1))
            .map(|row| {
                let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                if !max.is_finite() {
                    return max;
                }
                max + row.iter().map(|v| (v - max).exp()).sum::<f32>().ln()
            })
            .collect();
        let shape: TVec<usize> = if self.keep_dims {
            tvec![y.len(), 1]
        } else {
            tvec![y.len()]
        };
        Ok(tvec![Tensor::from_shape(&shape, &y)?])
    }
}
