//! `ConstantOfShape`, as tract's but with its value broadcast from a tensor of the output's
//! rank (`[1, 1, ...]`) rather than from a scalar.
//!
//! tract's decluttering of a `MatMul` (an `EinSum`) takes a broadcast input's source in its
//! place, and with a rank-0 source the einsum's axes no longer fit its inputs: optimising
//! fails ("Condition failed: ... fact.len() == self.axes.rank(..)"). skl2onnx's
//! `GaussianProcessRegressor` export multiplies such zeros (`ConstantOfShape` of `[N, 1]` by
//! its transposed `[200, 1]`) in every kernel, so with a symbolic batch it never loaded.

use tract_onnx::model::{OnnxOpRegister, ParsingContext};
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_core::ops::array::MultiBroadcastTo;
use tract_onnx::tract_hir::internal::*;

/// Registers the operator (replacing tract's).
pub fn register(reg: &mut OnnxOpRegister) {
    reg.insert("ConstantOfShape", build);
}

/// A parsed `ConstantOfShape`: the value every element takes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConstantOfShape {
    value: Arc<Tensor>,
}

fn build(
    ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let value = match node.get_attr_opt::<&tract_onnx::pb::TensorProto>("value")? {
        Some(v) => ctx.load_tensor(v)?,
        // The ONNX default: float32 zero.
        None => tensor0(0f32),
    };
    node.expect(value.len() == 1, "value has one element")?;
    let value = value.into_shape(&[])?.into_arc_tensor();
    Ok((expand(ConstantOfShape { value }), vec![]))
}

impl Expansion for ConstantOfShape {
    fn name(&self) -> StaticName {
        "ConstantOfShape".into()
    }

    fn rules<'r, 'p: 'r, 's: 'r>(
        &'s self,
        s: &mut Solver<'r>,
        inputs: &'p [TensorProxy],
        outputs: &'p [TensorProxy],
    ) -> InferenceResult {
        check_input_arity(inputs, 1)?;
        check_output_arity(outputs, 1)?;
        s.equals(&outputs[0].datum_type, self.value.datum_type())?;
        s.equals(&inputs[0].rank, 1)?;
        s.equals(&inputs[0].shape[0], outputs[0].rank.bex().to_dim())?;
        s.given(&inputs[0].value, move |s, shape| {
            let shape = shape.cast_to::<TDim>()?;
            for (axis, dim) in shape
                .try_as_plain_ram()?
                .as_slice::<TDim>()?
                .iter()
                .enumerate()
            {
                s.equals(&outputs[0].shape[axis], dim)?;
            }
            Ok(())
        })
    }

    fn wire(
        &self,
        prefix: &str,
        target: &mut TypedModel,
        inputs: &[OutletId],
    ) -> TractResult<TVec<OutletId>> {
        let Some(shape) = target.outlet_fact(inputs[0])?.konst.clone() else {
            bail!("ConstantOfShape: the shape must be known when the model loads (it depends on input values here)");
        };
        let shape: TVec<TDim> = shape
            .cast_to::<TDim>()?
            .try_as_plain_ram()?
            .as_slice::<TDim>()?
            .into();
        let ones = vec![1usize; shape.len()];
        let value = self.value.clone().into_tensor().into_shape(&ones)?;
        let source = target.add_const(format!("{prefix}.value"), value)?;
        target.wire_node(prefix, MultiBroadcastTo::new(shape.into()), &[source])
    }
}

#[cfg(test)]
mod tests;
