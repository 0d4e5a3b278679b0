//! `ai.onnx.ml.Binarizer`: `y = x > threshold ? 1 : 0`, same type as the input.

use tract_onnx::model::{OnnxOpRegister, ParsingContext};
use tract_onnx::pb::NodeProto;
use tract_onnx::tract_hir::internal::*;

use super::kernel::{boxed, Kernel, OutputSpec};

/// Registers the operator.
pub fn register(reg: &mut OnnxOpRegister) {
    reg.insert("Binarizer", build);
}

/// A parsed `Binarizer`.
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

/// Each value of `x` as `one` or `zero` (in the input's type) by `above`: whether it is
/// above the threshold, `None` for NaN. A NaN is refused, as scikit-learn's and
/// onnxruntime's Binarizers refuse it, rather than silently mapped to 0.
fn binarize<T: Datum + Copy>(
    x: &Tensor,
    above: impl Fn(T) -> Option<bool>,
    one: T,
    zero: T,
) -> TractResult<Tensor> {
    let y = x
        .to_plain_array_view::<T>()?
        .iter()
        .enumerate()
        .map(|(i, &v)| match above(v) {
            Some(true) => Ok(one),
            Some(false) => Ok(zero),
            None => {
                bail!("Binarizer: input value {i} is NaN (impute missing values before it)")
            }
        })
        .collect::<TractResult<Vec<T>>>()?;
    Tensor::from_shape(x.shape(), &y)
}

/// `Some(v > t)`, `None` for NaN.
fn above<F: PartialOrd>(v: F, t: F) -> Option<bool> {
    v.partial_cmp(&t).map(|o| o.is_gt())
}

impl Kernel for Binarizer {
    fn name(&self) -> &'static str {
        "Binarizer"
    }

    fn outputs(&self, _input: Option<&[usize]>) -> TractResult<TVec<OutputSpec>> {
        Ok(tvec![OutputSpec::same(f32::datum_type())])
    }

    fn output_dtype_from_input(&self) -> bool {
        true
    }

    fn eval(&self, inputs: &[TValue]) -> TractResult<TVec<Tensor>> {
        let x = &inputs[0];
        let t = self.threshold;
        let y = match x.datum_type() {
            DatumType::F32 => binarize(x, |v: f32| above(v, t), 1.0, 0.0)?,
            DatumType::F64 => binarize(x, |v: f64| above(v, f64::from(t)), 1.0, 0.0)?,
            DatumType::I64 => binarize(x, |v: i64| above(v as f64, f64::from(t)), 1, 0)?,
            DatumType::I32 => binarize(x, |v: i32| above(f64::from(v), f64::from(t)), 1, 0)?,
            other => bail!("Binarizer takes float, double, int32 or int64 inputs, not {other:?}"),
        };
        Ok(tvec![y])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(threshold: f32, x: Tensor) -> TractResult<Tensor> {
        let mut out = Binarizer { threshold }.eval(&[x.into_tvalue()])?;
        Ok(out.remove(0))
    }

    #[test]
    fn keeps_the_input_type() {
        let y = run(0.25, tensor2(&[[0.1f32, 0.25], [0.3, -1.0]])).unwrap();
        assert_eq!(y, tensor2(&[[0f32, 0.0], [1.0, 0.0]]));
        let y = run(0.25, tensor2(&[[0.1f64, 0.25], [0.3, -1.0]])).unwrap();
        assert_eq!(y, tensor2(&[[0f64, 0.0], [1.0, 0.0]]));
        let y = run(0.5, tensor1(&[0i64, 1, -3])).unwrap();
        assert_eq!(y, tensor1(&[0i64, 1, 0]));
        let y = run(0.5, tensor1(&[0i32, 1, 2])).unwrap();
        assert_eq!(y, tensor1(&[0i32, 1, 1]));
    }

    #[test]
    fn refuses_nan_with_its_position() {
        let e = run(0.0, tensor1(&[1.0f64, f64::NAN])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Binarizer: input value 1 is NaN (impute missing values before it)"
        );
        assert!(run(0.0, tensor1(&[true])).is_err());
    }

    /// A one-node graph `X -> Binarizer(threshold 0.5) -> Y` run by tract with a float64
    /// input: the output's type is inferred as the input's.
    #[test]
    fn a_double_graph_gives_doubles() {
        use tract_onnx::pb::{tensor_proto::DataType, type_proto, TypeProto};
        use tract_onnx::pb::{AttributeProto, GraphProto, ModelProto, OperatorSetIdProto};
        let node = NodeProto {
            op_type: "Binarizer".into(),
            domain: "ai.onnx.ml".into(),
            input: vec!["X".into()],
            output: vec!["Y".into()],
            attribute: vec![AttributeProto {
                name: "threshold".into(),
                f: 0.5,
                r#type: 1,
                ..AttributeProto::default()
            }],
            ..NodeProto::default()
        };
        let named = |n: &str| tract_onnx::pb::ValueInfoProto {
            name: n.into(),
            r#type: Some(TypeProto {
                value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                    elem_type: DataType::Double as i32,
                    shape: None,
                })),
                ..TypeProto::default()
            }),
            ..Default::default()
        };
        let opset = |domain: &str, version| OperatorSetIdProto {
            domain: domain.into(),
            version,
        };
        let proto = ModelProto {
            ir_version: 8,
            opset_import: vec![opset("", 17), opset("ai.onnx.ml", 3)],
            graph: Some(GraphProto {
                node: vec![node],
                input: vec![named("X")],
                output: vec![named("Y")],
                ..GraphProto::default()
            }),
            ..ModelProto::default()
        };
        let plan = crate::engine::ops::framework()
            .model_for_proto_model(&proto)
            .and_then(|m| m.with_input_fact(0, f64::fact([2, 2]).into()))
            .and_then(|m| m.into_optimized())
            .and_then(|m| m.into_runnable())
            .unwrap();
        let y = plan
            .run(tvec![tensor2(&[[0.4f64, 0.6], [0.5, 2.0]]).into_tvalue()])
            .unwrap();
        assert_eq!(*y[0], tensor2(&[[0f64, 1.0], [0.0, 1.0]]));
    }
}
