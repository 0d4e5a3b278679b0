//! Products by a constant matrix (ONNX `MatMul`/`Gemm` with initializer weights, as every
//! scikit-learn MLP and linear export has them), with the constant bias `Add` and the `Relu`,
//! `Tanh` or `Sigmoid` that follow, as one operator of ours computed by [`super::dense_lanes`].
//!
//! Only in the wasm build: there tract's kernel and its repacking of the activations for every
//! product ran at about 0.6× onnxruntime-web's speed, and this one at 1–2× (measured in
//! bench/matmul, bench/README.md). Natively tract's AVX/FMA kernels are faster, so
//! [`optimized`] leaves the graph alone there; the tests call [`substitute_all`].

use std::sync::Arc;

use tract_onnx::tract_core::ops::binary::TypedBinOp;
use tract_onnx::tract_core::ops::einsum::EinSum;
use tract_onnx::tract_core::ops::element_wise::ElementWiseOp;
use tract_onnx::tract_core::ops::math::Tanh;
use tract_onnx::tract_core::ops::nn::Sigmoid;
use tract_onnx::tract_core::tract_linalg::Func;
use tract_onnx::tract_hir::internal::*;

use super::dense_lanes::{Activation, Packed};
use super::kernel::{Kernel, KernelOp, OutputSpec};

/// `Y = X·W + b`, then the activation: X is `[N, k]`, W and b were constants of the graph.
#[derive(Debug, Clone)]
pub struct Dense(Arc<Packed>);

// tract merges equal nodes; two products are only the same if they share the packed weights.
impl PartialEq for Dense {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Kernel for Dense {
    fn name(&self) -> &'static str {
        "Dense"
    }

    fn outputs(&self, _input: Option<&[usize]>) -> TractResult<TVec<OutputSpec>> {
        Ok(tvec![OutputSpec::rows(
            f32::datum_type(),
            tvec![self.0.n()]
        )])
    }

    fn eval(&self, inputs: &[TValue]) -> TractResult<TVec<Tensor>> {
        let x = inputs.first().context("Dense: missing input")?;
        let (rows, k, n) = (x.shape()[0], self.0.k(), self.0.n());
        if x.shape() != [rows, k] {
            bail!("Dense: input of shape {:?}, expected [N, {k}]", x.shape());
        }
        let view = x.try_as_plain_ram()?;
        // Written in place: a Vec turned into a Tensor would be copied (tract aligns storage).
        let mut y = Tensor::zero::<f32>(&[rows, n])?;
        let mut out = y.try_as_plain_ram_mut()?;
        self.0
            .run(view.as_slice::<f32>()?, out.as_slice_mut::<f32>()?)?;
        Ok(tvec![y])
    }
}

/// tract's optimised graph, with [`substitute_all`] applied first in the wasm build with
/// SIMD128 (natively exactly `into_optimized`).
pub fn optimized(model: TypedModel) -> TractResult<TypedModel> {
    if cfg!(all(target_arch = "wasm32", target_feature = "simd128")) {
        substitute_all(model.into_decluttered()?)?.into_optimized()
    } else {
        model.into_optimized()
    }
}

/// Replaces every f32 product of a 2-D input by a constant 2-D matrix (tract's decluttered
/// `EinSum mk,kn->mn`, or `mk,nk->mn` for `Gemm` with `transB`) — and the constant bias added
/// to it and the Relu, Tanh or Sigmoid after it, when only they use its result — by one
/// [`Dense`].
pub fn substitute_all(mut model: TypedModel) -> TractResult<TypedModel> {
    // One at a time: a product's input can be the previous product's output, which the
    // previous patch replaced.
    while let Some(found) = first_product(&model)? {
        let mut patch = TypedModelPatch::default();
        let x = patch.tap_model(&model, found.x)?;
        let name = model.node(found.last.node).name.clone();
        let y = patch.wire_node(name, KernelOp(Dense(Arc::new(found.packed))), &[x])?[0];
        patch.shunt_outside(&model, found.last, y)?;
        patch.apply(&mut model)?;
        model.compact()?;
    }
    Ok(model)
}

/// A product to replace: its input, the outlet its result (with bias and activation) leaves
/// by, and the packed weights.
struct Found {
    x: OutletId,
    last: OutletId,
    packed: Packed,
}

fn first_product(model: &TypedModel) -> TractResult<Option<Found>> {
    for node in model.nodes() {
        if let Some(found) = product(model, node)? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

fn product(model: &TypedModel, node: &TypedNode) -> TractResult<Option<Found>> {
    let Some(einsum) = node.op_as::<EinSum>() else {
        return Ok(None);
    };
    let transposed = match einsum.axes.to_string().as_str() {
        "mk,kn->mn" => false,
        "mk,nk->mn" => true,
        _ => return Ok(None),
    };
    if einsum.q_params.is_some() || einsum.operating_dt != f32::datum_type() {
        return Ok(None);
    }
    let [x, w] = node.inputs[..] else {
        return Ok(None);
    };
    let x_fact = model.outlet_fact(x)?;
    let Some(w) = model.outlet_fact(w)?.konst.clone() else {
        return Ok(None);
    };
    if x_fact.datum_type != f32::datum_type()
        || x_fact.rank() != 2
        || w.datum_type() != f32::datum_type()
        || w.rank() != 2
    {
        return Ok(None);
    }
    let Ok(view) = w.try_as_plain_ram() else {
        return Ok(None);
    };
    let w_values = view.as_slice::<f32>()?;
    let (rows, cols) = (w.shape()[0], w.shape()[1]);
    let (k, n) = if transposed {
        (cols, rows)
    } else {
        (rows, cols)
    };
    if x_fact.shape[1] != k.to_dim() {
        return Ok(None);
    }
    let w_kn: Vec<f32> = if transposed {
        (0..k * n)
            .map(|i| w_values[(i % n) * cols + i / n])
            .collect()
    } else {
        w_values.to_vec()
    };
    let mut last = OutletId::new(node.id, 0);
    let mut bias = None;
    if let Some((next, b)) = binary_successor(model, last, "Add")? {
        if let Some(b) = row_constant(&b, n) {
            bias = Some(b);
            last = next;
        }
    }
    let mut activation = Activation::Identity;
    if let Some((next, zero)) = binary_successor(model, last, "Max")? {
        if row_constant(&zero, 1).is_some_and(|z| z == [0.0]) {
            activation = Activation::Relu;
            last = next;
        }
    } else if let Some((next, func)) = kernel_successor(model, last)? {
        activation = Activation::Kernel(func.ew_f32()?);
        last = next;
    }
    let packed = Packed::new(&w_kn, bias.as_deref(), k, n, activation);
    Ok(Some(Found { x, last, packed }))
}

/// The node after `outlet` and its other (constant) operand, when that node is the only user
/// of `outlet`, is the binary operator `name`, and keeps `outlet`'s shape.
fn binary_successor(
    model: &TypedModel,
    outlet: OutletId,
    name: &str,
) -> TractResult<Option<(OutletId, Arc<Tensor>)>> {
    let users = model.outlet_successors(outlet);
    if users.len() != 1 || model.output_outlets()?.contains(&outlet) {
        return Ok(None);
    }
    let next = model.node(users[0].node);
    let Some(op) = next.op_as::<TypedBinOp>() else {
        return Ok(None);
    };
    if op.0.name() != name || next.inputs.len() != 2 || next.outputs.len() != 1 {
        return Ok(None);
    }
    let other = next.inputs[1 - users[0].slot];
    let Some(value) = model.outlet_fact(other)?.konst.clone() else {
        return Ok(None);
    };
    let out = OutletId::new(next.id, 0);
    let (after, before) = (model.outlet_fact(out)?, model.outlet_fact(outlet)?);
    if after.shape != before.shape || after.datum_type != before.datum_type {
        return Ok(None);
    }
    Ok(Some((out, value)))
}

/// The node after `outlet` and the linalg function it computes, when that node is the only
/// user of `outlet` and tract's f32 `Tanh` or `Sigmoid` (ONNX `Tanh`, `Sigmoid`: the MLPs'
/// `tanh` and `logistic` activations), which run exactly `Func::Tanh` / `Func::Sigmoid`.
fn kernel_successor(model: &TypedModel, outlet: OutletId) -> TractResult<Option<(OutletId, Func)>> {
    let users = model.outlet_successors(outlet);
    if users.len() != 1 || model.output_outlets()?.contains(&outlet) {
        return Ok(None);
    }
    let next = model.node(users[0].node);
    let Some(op) = next.op_as::<ElementWiseOp>() else {
        return Ok(None);
    };
    let func = if op.0.is::<Tanh>() {
        Func::Tanh
    } else if op.0.is::<Sigmoid>() {
        Func::Sigmoid
    } else {
        return Ok(None);
    };
    let out = OutletId::new(next.id, 0);
    if op.1.is_some_and(|dt| dt != f32::datum_type())
        || next.outputs.len() != 1
        || model.outlet_fact(out)?.datum_type != f32::datum_type()
    {
        return Ok(None);
    }
    Ok(Some((out, func)))
}

/// The values of a constant that broadcasts along rows only (`[n]`, `[1, n]`, or a single
/// value repeated), as `n` f32 values.
fn row_constant(t: &Tensor, n: usize) -> Option<Vec<f32>> {
    let rows_only = matches!(t.shape(), [] | [_] | [1, _]);
    if !rows_only || t.datum_type() != f32::datum_type() {
        return None;
    }
    let values = t.try_as_plain_ram().ok()?.as_slice::<f32>().ok()?.to_vec();
    match values.len() {
        1 => Some(vec![values[0]; n]),
        len if len == n => Some(values),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
