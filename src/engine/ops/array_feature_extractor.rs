//! `ai.onnx.ml.ArrayFeatureExtractor`: picks columns (last-axis entries) by index, keeping
//! the input's rank as onnxruntime does (tract's version drops an axis for one index, which
//! breaks the `Concat` skl2onnx puts after it).

use tract_onnx::model::{OnnxOpRegister, ParsingContext};
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;

use super::kernel::{boxed, Kernel, OutShape, OutputSpec};

/// Registers the operator.
pub fn register(reg: &mut OnnxOpRegister) {
    reg.insert("ArrayFeatureExtractor", build);
}

/// `ArrayFeatureExtractor`; the element type is only known from the graph, so the output
/// keeps whatever type comes in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrayFeatureExtractor {
    dtype: Option<DatumType>,
}

fn build(
    _ctx: &ParsingContext,
    _node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    boxed(ArrayFeatureExtractor { dtype: None })
}

fn gather<T: Datum>(x: &Tensor, indices: &[usize]) -> TractResult<Tensor> {
    let width = *x
        .shape()
        .last()
        .context("ArrayFeatureExtractor needs at least one axis")?;
    if let Some(bad) = indices.iter().find(|i| **i >= width) {
        bail!("ArrayFeatureExtractor: index {bad} is out of range for {width} columns");
    }
    let data = x.to_plain_array_view::<T>()?;
    let flat: Vec<T> = data.iter().cloned().collect();
    let rows = flat.len() / width.max(1);
    let mut out = Vec::with_capacity(rows * indices.len());
    for r in 0..rows {
        for &i in indices {
            out.push(flat[r * width + i].clone());
        }
    }
    let mut shape: TVec<usize> = x.shape().into();
    if let Some(last) = shape.last_mut() {
        *last = indices.len();
    }
    Ok(tract_ndarray::ArrayD::from_shape_vec(&*shape, out)?.into_tensor())
}

impl Kernel for ArrayFeatureExtractor {
    fn name(&self) -> &'static str {
        "ArrayFeatureExtractor"
    }

    fn inputs(&self) -> usize {
        2
    }

    fn outputs(&self, _input: Option<&[usize]>) -> TractResult<TVec<OutputSpec>> {
        Ok(tvec![OutputSpec {
            dtype: self.dtype.unwrap_or(f32::datum_type()),
            trailing: tvec![],
            shape: OutShape::LastAxisFromIndices
        }])
    }

    fn output_dtype_from_input(&self) -> bool {
        true
    }

    fn eval(&self, inputs: &[TValue]) -> TractResult<TVec<Tensor>> {
        let x = &inputs[0];
        let indices: Vec<usize> = inputs[1]
            .cast_to::<i64>()?
            .to_plain_array_view::<i64>()?
            .iter()
            .map(|i| {
                usize::try_from(*i)
                    .map_err(|_| format_err!("ArrayFeatureExtractor: negative index {i}"))
            })
            .collect::<TractResult<_>>()?;
        let out = match x.datum_type() {
            DatumType::String => gather::<String>(x, &indices)?,
            DatumType::I64 => gather::<i64>(x, &indices)?,
            DatumType::I32 => gather::<i32>(x, &indices)?,
            DatumType::F64 => gather::<f64>(x, &indices)?,
            DatumType::F32 => gather::<f32>(x, &indices)?,
            DatumType::TDim => gather::<i64>(&*x.cast_to::<i64>()?, &indices)?,
            other => bail!("ArrayFeatureExtractor: unsupported element type {other:?}"),
        };
        Ok(tvec![out])
    }
}
