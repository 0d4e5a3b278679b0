//! `Compress`: the slices along `axis` (or the elements of the flattened input) whose
//! condition is true. Its output length depends on the condition's values, so each node has
//! a symbol of its own that running it binds. tract's version cannot be typed (a graph with
//! it does not optimise) and writes out of bounds when the condition is longer than the axis.
//!
//! As onnxruntime: a condition shorter than the axis drops the slices beyond it, a longer one
//! is read only as far as the axis goes.

use tract_onnx::model::{OnnxOpRegister, ParsingContext};
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;

/// Registers the operator (replacing tract's).
pub fn register(reg: &mut OnnxOpRegister) {
    reg.insert("Compress", build);
}

/// A parsed `Compress`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Compress {
    /// The axis as given (may be negative); `None` flattens the input.
    axis: Option<i64>,
    /// The length of the output along the compressed axis.
    kept: Symbol,
}

fn build(
    ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let op = Compress {
        axis: node.get_attr_opt::<i64>("axis")?,
        kept: ctx.template.symbols.new_with_prefix("kept"),
    };
    Ok((expand(op), vec![]))
}

impl Compress {
    /// The axis in `0..rank`.
    fn axis(&self, rank: usize) -> TractResult<Option<usize>> {
        let Some(axis) = self.axis else {
            return Ok(None);
        };
        let r = i64::try_from(rank)?;
        if !(-r..r).contains(&axis) {
            bail!("Compress: axis {axis} is out of range for an input of rank {rank}");
        }
        Ok(Some(usize::try_from(if axis < 0 {
            axis + r
        } else {
            axis
        })?))
    }
}

/// The kept slices along `axis` (of the flattened input without one), copied run by run
/// with tract's type-erased slicing: one function for every element type (a generic one per
/// type cost about 190 KiB of WebAssembly).
fn compress(x: &Tensor, axis: Option<usize>, keep: &[usize]) -> TractResult<Tensor> {
    let flat;
    let (x, ax) = match axis {
        Some(ax) => (x, ax),
        None => {
            flat = x.clone().into_shape(&[x.len()])?;
            (&flat, 0)
        }
    };
    let mut pieces = Vec::new();
    let mut i = 0;
    while let Some(&start) = keep.get(i) {
        let mut end = start + 1;
        i += 1;
        while keep.get(i) == Some(&end) {
            end += 1;
            i += 1;
        }
        pieces.push(x.slice(ax, start, end)?);
    }
    if pieces.is_empty() {
        let mut shape: TVec<usize> = x.shape().into();
        shape[ax] = 0;
        return Tensor::zero_dt(x.datum_type(), &shape);
    }
    Tensor::stack_tensors(ax, &pieces)
}

impl Expansion for Compress {
    fn name(&self) -> StaticName {
        "Compress".into()
    }

    fn rules<'r, 'p: 'r, 's: 'r>(
        &'s self,
        s: &mut Solver<'r>,
        inputs: &'p [TensorProxy],
        outputs: &'p [TensorProxy],
    ) -> InferenceResult {
        check_input_arity(inputs, 2)?;
        check_output_arity(outputs, 1)?;
        s.equals(&inputs[1].datum_type, bool::datum_type())?;
        s.equals(&inputs[1].rank, 1)?;
        s.given(&inputs[0].datum_type, move |s, dt| {
            let dt = if dt == DatumType::TDim {
                i64::datum_type()
            } else {
                dt
            };
            s.equals(&outputs[0].datum_type, dt)
        })?;
        // The compressed length is left free here: when analysis knows the inputs' values it
        // finds the number, and the typed graph carries the node's symbol instead.
        match self.axis {
            None => s.equals(&outputs[0].rank, 1)?,
            Some(_) => {
                s.equals(&outputs[0].rank, &inputs[0].rank)?;
                s.given(&inputs[0].rank, move |s, rank| {
                    let ax = self.axis(usize::try_from(rank)?)?;
                    for i in (0..usize::try_from(rank)?).filter(|i| Some(*i) != ax) {
                        s.equals(&outputs[0].shape[i], &inputs[0].shape[i])?;
                    }
                    Ok(())
                })?;
            }
        }
        Ok(())
    }

    fn wire(
        &self,
        prefix: &str,
        model: &mut TypedModel,
        inputs: &[OutletId],
    ) -> TractResult<TVec<OutletId>> {
        model.wire_node(prefix, self.clone(), inputs)
    }
}

impl Op for Compress {
    fn name(&self) -> StaticName {
        "Compress".into()
    }

    fn mints_runtime_symbols(&self) -> bool {
        true
    }

    op_as_typed_op!();
}

impl TypedOp for Compress {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        let x = inputs.first().context("Compress: no input")?;
        let shape: TVec<TDim> = match self.axis(x.rank())? {
            Some(ax) => {
                let mut shape: TVec<TDim> = x.shape.iter().cloned().collect();
                shape[ax] = self.kept.to_dim();
                shape
            }
            None => tvec![self.kept.to_dim()],
        };
        let dt = if x.datum_type == DatumType::TDim {
            i64::datum_type()
        } else {
            x.datum_type
        };
        Ok(tvec![dt.fact(shape)])
    }

    as_op!();
}

impl EvalOp for Compress {
    op_out_of_plan!();

    fn eval(&self, _ctx: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let (x, condition) = match &*inputs {
            [x, c] => (x, c),
            _ => bail!("Compress: needs 2 inputs"),
        };
        if condition.rank() != 1 {
            bail!(
                "Compress: the condition must be 1-D, got shape {:?}",
                condition.shape()
            );
        }
        let axis = self.axis(x.rank())?;
        let len = axis.map_or(x.len(), |ax| x.shape()[ax]);
        let keep: Vec<usize> = condition
            .to_plain_array_view::<bool>()?
            .iter()
            .take(len)
            .enumerate()
            .filter_map(|(i, c)| c.then_some(i))
            .collect();
        // TDim tensors (folded shape arithmetic) come out as i64, as the output fact says.
        let x = if x.datum_type() == DatumType::TDim {
            x.cast_to::<i64>()?.into_owned()
        } else {
            x.clone().into_tensor()
        };
        Ok(tvec![compress(&x, axis, &keep)?.into_tvalue()])
    }
}

#[cfg(test)]
mod tests;
