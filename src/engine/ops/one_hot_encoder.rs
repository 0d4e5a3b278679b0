//! `ai.onnx.ml.OneHotEncoder`: each value becomes a row of zeros with a one at its category
//! (onnxruntime: the output has the input's shape plus one axis of category count).

use std::collections::HashMap;

use tract_onnx::model::{OnnxOpRegister, ParsingContext};
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;

use super::kernel::{boxed, Kernel, OutShape, OutputSpec};

/// Registers the operator.
pub fn register(reg: &mut OnnxOpRegister) {
    reg.insert("OneHotEncoder", build);
}

/// The categories, integer or string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Categories {
    /// `cats_int64s`.
    Ints(HashMap<i64, usize>),
    /// `cats_strings`.
    Strings(HashMap<String, usize>),
}

/// A parsed `OneHotEncoder`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneHotEncoder {
    categories: Categories,
    count: usize,
    /// Unknown values give all zeros (1) or an error (0).
    zeros: bool,
}

fn build(
    _ctx: &ParsingContext,
    node: &NodeProto,
) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    let ints = node
        .get_attr_opt_vec::<i64>("cats_int64s")?
        .filter(|v| !v.is_empty());
    let strings = node
        .get_attr_opt_vec::<String>("cats_strings")?
        .filter(|v| !v.is_empty());
    let (categories, count) = match (ints, strings) {
        (Some(v), None) => (
            Categories::Ints(v.iter().enumerate().map(|(i, c)| (*c, i)).collect()),
            v.len(),
        ),
        (None, Some(v)) => (
            Categories::Strings(v.iter().enumerate().map(|(i, c)| (c.clone(), i)).collect()),
            v.len(),
        ),
        _ => bail!(
            "{}: needs exactly one of cats_int64s and cats_strings",
            node.name
        ),
    };
    let zeros = node.get_attr_opt::<i64>("zeros")?.unwrap_or(1) != 0;
    boxed(OneHotEncoder {
        categories,
        count,
        zeros,
    })
}

impl Kernel for OneHotEncoder {
    fn name(&self) -> &'static str {
        "OneHotEncoder"
    }

    fn outputs(&self, _input: Option<&[usize]>) -> TractResult<TVec<OutputSpec>> {
        Ok(tvec![OutputSpec {
            dtype: f32::datum_type(),
            trailing: tvec![],
            shape: OutShape::AppendAxis(self.count)
        }])
    }

    fn eval(&self, inputs: &[TValue]) -> TractResult<TVec<Tensor>> {
        let x = &inputs[0];
        let positions: Vec<Option<usize>> = match &self.categories {
            Categories::Strings(map) => x
                .to_plain_array_view::<String>()?
                .iter()
                .map(|s| map.get(s).copied())
                .collect(),
            Categories::Ints(map) => x
                .cast_to::<f64>()?
                .to_plain_array_view::<f64>()?
                .iter()
                .map(|v| {
                    if v.fract() == 0.0 {
                        map.get(&(*v as i64)).copied()
                    } else {
                        None
                    }
                })
                .collect(),
        };
        let mut y = vec![0f32; positions.len() * self.count];
        for (i, p) in positions.iter().enumerate() {
            match p {
                Some(j) => y[i * self.count + j] = 1.0,
                None if self.zeros => {}
                None => {
                    bail!("OneHotEncoder: a value is not one of the known categories (zeros=0)")
                }
            }
        }
        let mut shape: TVec<usize> = x.shape().into();
        shape.push(self.count);
        Ok(tvec![Tensor::from_shape(&shape, &y)?])
    }
}
