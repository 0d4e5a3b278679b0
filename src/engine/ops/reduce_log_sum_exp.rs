//! `ReduceLogSumExp` in every form the ONNX opsets allow, computed stably as
//! `max + ln(Σ exp(x - max))`.
//!
//! tract computes `ln(Σ exp(x))`, which overflows to infinity once an input passes ~88
//! (float32): the joint log-likelihoods of naive Bayes exports are in the thousands, so
//! GaussianNB, MultinomialNB, ComplementNB and the ensembles holding them gave NaN or 0 for
//! every class. skl2onnx writes the axes as an attribute up to opset 17 and as a second input
//! from opset 18 (what a plain `to_onnx(model, X)` picks), so every form goes through here:
//! axes as attribute or constant input, negative or missing axes, `noop_with_empty_axes`,
//! `keepdims` both ways, any rank.
//!
//! Special values are treated as onnxruntime's CPU kernel treats them (measured on
//! onnxruntime 1.32): a NaN in a reduced slice gives NaN, else a `+inf` gives `+inf`, a slice
//! of only `-inf` gives `-inf` (so does an empty slice), and other `-inf` values add nothing.
//! float32 and float64 are computed in their own type, float16 through float32; other element
//! types (onnxruntime also takes integers) keep tract's reduction.

use tract_onnx::model::{OnnxOpRegister, ParsingContext};
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;
use tract_onnx::tract_hir::ops::nn::{Reduce, Reducer};
use tract_onnx::tract_hir::tract_ndarray::IxDyn;

/// Registers the operator in place of tract's.
pub fn register(reg: &mut OnnxOpRegister) {
    reg.insert("ReduceLogSumExp", build);
}

/// Where the node's axes come from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum AxesFrom {
    /// The `axes` attribute (up to opset 17), or none at all (then empty).
    Listed(Vec<i64>),
    /// The optional second input (from opset 18), which must be a constant.
    Input,
}

/// The ONNX node, before its input's rank and type are known.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ReduceLogSumExp {
    axes: AxesFrom,
    keep_dims: bool,
    /// With no axes: leave the input as it is (`true`) or reduce every axis (`false`).
    noop_with_empty_axes: bool,
}

fn build(
    _ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let keep_dims = node.get_attr_opt::<i64>("keepdims")?.unwrap_or(1) != 0;
    // Only defined from opset 18, but harmless before: absent, it is 0.
    let noop_with_empty_axes = node
        .get_attr_opt::<i64>("noop_with_empty_axes")?
        .unwrap_or(0)
        != 0;
    let attribute = node.get_attr_opt_vec::<i64>("axes")?;
    // An optional input left out is written as an empty name.
    let named_inputs = node.input.iter().filter(|i| !i.is_empty()).count();
    node.expect(
        (1..=2).contains(&named_inputs),
        "one or two inputs (data, optional axes)",
    )?;
    let has_axes_input = node.input.get(1).is_some_and(|i| !i.is_empty());
    let axes = match (attribute, has_axes_input) {
        (Some(_), true) => bail!(
            "{}: ReduceLogSumExp has axes both as an attribute and as an input; keep one",
            node.name
        ),
        (Some(listed), false) => AxesFrom::Listed(listed),
        (None, true) => AxesFrom::Input,
        (None, false) => AxesFrom::Listed(Vec::new()),
    };
    Ok((
        expand(ReduceLogSumExp {
            axes,
            keep_dims,
            noop_with_empty_axes,
        }),
        vec![],
    ))
}

/// The axes to reduce, sorted and without repeats, or `None` when the node leaves its input
/// unchanged (no axes and `noop_with_empty_axes`).
///
/// # Errors
/// An axis outside `[-rank, rank)`.
fn resolve(
    listed: &[i64],
    rank: usize,
    noop_with_empty_axes: bool,
) -> TractResult<Option<TVec<usize>>> {
    if listed.is_empty() {
        return Ok((!noop_with_empty_axes).then(|| (0..rank).collect()));
    }
    let signed_rank = i64::try_from(rank)?;
    let mut axes = listed
        .iter()
        .map(|&a| {
            let resolved = if a < 0 { a + signed_rank } else { a };
            usize::try_from(resolved)
                .ok()
                .filter(|r| *r < rank)
                .with_context(|| {
                    format!("ReduceLogSumExp axis {a} is out of range for a rank-{rank} input")
                })
        })
        .collect::<TractResult<TVec<usize>>>()?;
    axes.sort_unstable();
    axes.dedup();
    Ok(Some(axes))
}

/// The output shape: reduced axes become 1, or disappear without `keep_dims`.
fn reduced_shape<D: Clone + From<usize>>(
    shape: &[D],
    axes: Option<&[usize]>,
    keep_dims: bool,
) -> TVec<D> {
    let Some(axes) = axes else {
        return shape.iter().cloned().collect();
    };
    shape
        .iter()
        .enumerate()
        .filter_map(|(ix, d)| match (axes.contains(&ix), keep_dims) {
            (false, _) => Some(d.clone()),
            (true, true) => Some(D::from(1)),
            (true, false) => None,
        })
        .collect()
}

/// The integer axes held by the axes input.
fn listed_axes(t: &Tensor) -> TractResult<Vec<i64>> {
    Ok(t.cast_to::<i64>()?
        .to_plain_array_view::<i64>()?
        .iter()
        .copied()
        .collect())
}

impl Expansion for ReduceLogSumExp {
    fn name(&self) -> StaticName {
        "ReduceLogSumExp".into()
    }

    fn rules<'r, 'p: 'r, 's: 'r>(
        &'s self,
        s: &mut Solver<'r>,
        inputs: &'p [TensorProxy],
        outputs: &'p [TensorProxy],
    ) -> InferenceResult {
        check_input_arity(inputs, 1 + usize::from(self.axes == AxesFrom::Input))?;
        check_output_arity(outputs, 1)?;
        s.equals(&inputs[0].datum_type, &outputs[0].datum_type)?;
        let shape_rule = move |s: &mut Solver<'r>, shape: TVec<TDim>, listed: &[i64]| {
            let axes = resolve(listed, shape.len(), self.noop_with_empty_axes)?;
            s.equals(
                &outputs[0].shape,
                reduced_shape(&shape, axes.as_deref(), self.keep_dims),
            )
        };
        match &self.axes {
            AxesFrom::Listed(listed) => s.given(&inputs[0].shape, move |s, shape| {
                shape_rule(s, shape, listed)
            }),
            AxesFrom::Input => {
                s.given_2(&inputs[0].shape, &inputs[1].value, move |s, shape, axes| {
                    shape_rule(s, shape, &listed_axes(&axes)?)
                })
            }
        }
    }

    fn wire(
        &self,
        prefix: &str,
        model: &mut TypedModel,
        inputs: &[OutletId],
    ) -> TractResult<TVec<OutletId>> {
        let data = *inputs
            .first()
            .context("ReduceLogSumExp needs its data input")?;
        let fact = model.outlet_fact(data)?.clone();
        let listed = match &self.axes {
            AxesFrom::Listed(listed) => listed.clone(),
            AxesFrom::Input => {
                let axes = inputs
                    .get(1)
                    .context("ReduceLogSumExp needs its axes input")?;
                let konst = model.outlet_fact(*axes)?.konst.clone().context(
                    "ReduceLogSumExp axes computed at run time are not supported; \
                     export them as a constant (an initializer)",
                )?;
                listed_axes(&konst)?
            }
        };
        let Some(axes) = resolve(&listed, fact.rank(), self.noop_with_empty_axes)? else {
            // Empty axes with noop_with_empty_axes: the input unchanged, as onnxruntime gives.
            return Ok(tvec![data]);
        };
        let mut wire = match fact.datum_type {
            DatumType::F16 | DatumType::F32 | DatumType::F64 => {
                model.wire_node(prefix, LogSumExp { axes: axes.clone() }, &[data])?[0]
            }
            // Integer inputs cannot overflow the same way; tract's keeps dims here too, so
            // both paths share the removal below. `axes` are resolved, so in range.
            _ => {
                let signed = axes.iter().map(|&a| a as i64).collect();
                Reduce::new(Some(signed), true, Reducer::LogSumExp).wire(prefix, model, &[data])?[0]
            }
        };
        if !self.keep_dims {
            for &axis in axes.iter().rev() {
                wire = model.wire_node(format!("{prefix}.rm{axis}"), AxisOp::Rm(axis), &[wire])?[0];
            }
        }
        Ok(tvec![wire])
    }
}

/// The stable log-sum-exp over `axes`, keeping each reduced axis as a dimension of 1.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LogSumExp {
    /// Reduced axes: sorted, distinct, each below the input's rank.
    axes: TVec<usize>,
}

impl Op for LogSumExp {
    fn name(&self) -> StaticName {
        "LogSumExp".into()
    }

    fn info(&self) -> TractResult<Vec<String>> {
        Ok(vec![format!("axes: {:?}", self.axes)])
    }

    op_as_typed_op!();
}

impl EvalOp for LogSumExp {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let x = inputs.first().context("LogSumExp needs one input")?;
        let y = match x.datum_type() {
            DatumType::F32 => reduce::<f32>(x, &self.axes)?,
            DatumType::F64 => reduce::<f64>(x, &self.axes)?,
            DatumType::F16 => {
                let wide = reduce::<f32>(&*x.cast_to::<f32>()?, &self.axes)?;
                wide.cast_to::<f16>()?.into_owned()
            }
            other => bail!("LogSumExp computes float16, float32 or float64, not {other:?}"),
        };
        Ok(tvec![y.into_tvalue()])
    }
}

impl TypedOp for LogSumExp {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        let input = inputs.first().context("LogSumExp needs one input")?;
        if self.axes.iter().any(|&a| a >= input.rank()) {
            bail!(
                "LogSumExp axes {:?} for a rank-{} input",
                self.axes,
                input.rank()
            );
        }
        let shape = reduced_shape(&input.shape.to_tvec(), Some(&self.axes), true);
        Ok(tvec![input.datum_type.fact(shape)])
    }

    as_op!();
}

/// The log-sum-exp of `x` over `axes` (kept as dimensions of 1).
pub(crate) fn reduce<T>(x: &Tensor, axes: &[usize]) -> TractResult<Tensor>
where
    T: Datum + tract_num_traits::Float,
{
    let view = x.to_plain_array_view::<T>()?;
    let rank = view.ndim();
    if axes.iter().any(|&a| a >= rank) {
        bail!("LogSumExp axes {axes:?} for a rank-{rank} input");
    }
    // Kept axes first, reduced ones last: each run of `inner` values is then one slice to
    // reduce, and the runs come in the output's (row-major) order.
    let perm: Vec<usize> = (0..rank)
        .filter(|a| !axes.contains(a))
        .chain(axes.iter().copied())
        .collect();
    let inner: usize = axes.iter().map(|&a| view.shape()[a]).product();
    let out_shape = reduced_shape(view.shape(), Some(axes), true);
    let outer: usize = out_shape.iter().product();
    let y: Vec<T> = if inner == 0 {
        // An empty slice: the log of an empty sum, as onnxruntime fills it.
        vec![T::neg_infinity(); outer]
    } else {
        let values: Vec<T> = view.permuted_axes(IxDyn(&perm)).iter().copied().collect();
        values.chunks(inner).map(log_sum_exp).collect()
    };
    Tensor::from_shape(&out_shape, &y)
}

/// `ln Σ exp(v)` over one slice, without overflow: `max + ln Σ exp(v - max)`.
fn log_sum_exp<T: tract_num_traits::Float>(slice: &[T]) -> T {
    let mut max = T::neg_infinity();
    for &v in slice {
        if v.is_nan() {
            return v;
        }
        if v > max {
            max = v;
        }
    }
    // All -inf (or empty): -inf. Any +inf: +inf (exp(inf - inf) would make it NaN).
    if max.is_infinite() {
        return max;
    }
    let sum = slice
        .iter()
        .fold(T::zero(), |acc, &v| acc + (v - max).exp());
    sum.ln() + max
}

#[cfg(test)]
mod tests;
