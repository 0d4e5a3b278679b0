//! `ai.onnx.Flatten`, replacing tract's, which refuses an input with two symbolic dimensions:
//! a text vectorizer's tokens are `[N, tokens]`, the batch and the longest row's token count
//! both known only at run time, and skl2onnx flattens them (a no-op on rank 2).

use tract_onnx::model::{OnnxOpRegister, ParsingContext};
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;
use tract_onnx::tract_hir::tract_core::ops::change_axes::to_axis_ops_with_tf_rules;

/// Registers the operator.
pub fn register(reg: &mut OnnxOpRegister) {
    reg.insert("Flatten", build);
}

/// A parsed `Flatten`: the axis the two output dimensions split at.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub struct Flatten {
    axis: i64,
}

fn build(
    _ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let axis = node.get_attr_opt::<i64>("axis")?.unwrap_or(1);
    Ok((expand(Flatten { axis }), vec![]))
}

impl Flatten {
    /// The axis as a position in `0..=rank`.
    fn split(&self, rank: usize) -> TractResult<usize> {
        let axis = if self.axis < 0 {
            self.axis + rank as i64
        } else {
            self.axis
        };
        if !(0..=rank as i64).contains(&axis) {
            bail!("Flatten: axis {} out of range for rank {rank}", self.axis);
        }
        Ok(axis as usize)
    }

    fn shape(&self, shape: &[TDim]) -> TractResult<[TDim; 2]> {
        let axis = self.split(shape.len())?;
        Ok([
            shape[..axis].iter().cloned().product(),
            shape[axis..].iter().cloned().product(),
        ])
    }
}

impl Expansion for Flatten {
    fn name(&self) -> StaticName {
        "Flatten".into()
    }

    fn rules<'r, 'p: 'r, 's: 'r>(
        &'s self,
        s: &mut Solver<'r>,
        inputs: &'p [TensorProxy],
        outputs: &'p [TensorProxy],
    ) -> InferenceResult {
        check_input_arity(inputs, 1)?;
        check_output_arity(outputs, 1)?;
        s.equals(&outputs[0].datum_type, &inputs[0].datum_type)?;
        s.given(&inputs[0].shape, move |s, shape| {
            let [a, b] = self.shape(&shape)?;
            s.equals(&outputs[0].shape, ShapeFactoid::from(vec![a, b]))
        })
    }

    fn wire(
        &self,
        prefix: &str,
        model: &mut TypedModel,
        inputs: &[OutletId],
    ) -> TractResult<TVec<OutletId>> {
        let input = model.outlet_fact(inputs[0])?.shape.to_tvec();
        // Rank 2 split at 1 is the identity: no reshape, whatever the symbols.
        if input.len() == 2 && self.split(2)? == 1 {
            return Ok(inputs.into());
        }
        let output = self.shape(&input)?;
        let mut wire: TVec<OutletId> = inputs.into();
        for (ix, op) in to_axis_ops_with_tf_rules(&input, &output)?
            .into_iter()
            .enumerate()
        {
            wire = model.wire_node(format!("{prefix}.{ix}"), op, &wire)?;
        }
        Ok(wire)
    }
}
