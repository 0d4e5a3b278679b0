use prost::Message;
use tract_onnx::pb::attribute_proto::AttributeType;
use tract_onnx::pb::{
    tensor_proto::DataType, type_proto, AttributeProto, GraphProto, ModelProto, NodeProto,
    OperatorSetIdProto, TypeProto, ValueInfoProto,
};
use tract_onnx::prelude::*;

use crate::engine::{run_raw, RawData, RawOutput, RawTensor};

fn value(name: &str) -> ValueInfoProto {
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto {
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: DataType::Float as i32,
                shape: None,
            })),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// `Y = Compress(X, X[:, 0] > 0 or X > 0, axis)`: the condition depends on the input's
/// values, as skl2onnx's KNNImputer graphs have it. With an axis the condition is the first
/// column (rows kept); without, every element.
fn model(axis: Option<i64>) -> ModelProto {
    let node = |op: &str, input: &[&str], output: &str| NodeProto {
        op_type: op.into(),
        name: output.into(),
        input: input.iter().map(|s| s.to_string()).collect(),
        output: vec![output.into()],
        ..Default::default()
    };
    let ints = |name: &str, ints: Vec<i64>| AttributeProto {
        name: name.into(),
        r#type: AttributeType::Ints as i32,
        ints,
        ..Default::default()
    };
    let mut nodes = vec![node("Constant", &[], "zero")];
    nodes[0].attribute.push(AttributeProto {
        name: "value_float".into(),
        r#type: AttributeType::Float as i32,
        f: 0.0,
        ..Default::default()
    });
    let mut compress = node("Compress", &["X", "cond"], "Y");
    match axis {
        Some(axis) => {
            let mut slice = node("Slice", &["X", "s0", "s1", "s2"], "first");
            slice.input = vec!["X".into(), "s0".into(), "s1".into(), "s2".into()];
            for (name, v) in [("s0", 0), ("s1", 1), ("s2", 1)] {
                let mut c = node("Constant", &[], name);
                c.attribute.push(ints("value_ints", vec![v]));
                nodes.push(c);
            }
            let mut flat = node("Reshape", &["first", "minus_one"], "column");
            flat.input = vec!["first".into(), "minus_one".into()];
            let mut m1 = node("Constant", &[], "minus_one");
            m1.attribute.push(ints("value_ints", vec![-1]));
            nodes.extend([
                slice,
                m1,
                flat,
                node("Greater", &["column", "zero"], "cond"),
            ]);
            compress.attribute.push(AttributeProto {
                name: "axis".into(),
                r#type: AttributeType::Int as i32,
                i: axis,
                ..Default::default()
            });
        }
        None => {
            let mut flat = node("Reshape", &["X", "minus_one"], "flat");
            flat.input = vec!["X".into(), "minus_one".into()];
            let mut m1 = node("Constant", &[], "minus_one");
            m1.attribute.push(ints("value_ints", vec![-1]));
            nodes.extend([m1, flat, node("Greater", &["flat", "zero"], "cond")]);
        }
    }
    nodes.push(compress);
    ModelProto {
        ir_version: 8,
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: 17,
        }],
        graph: Some(GraphProto {
            name: "compress".into(),
            node: nodes,
            input: vec![value("X")],
            output: vec![value("Y")],
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn run(proto: &ModelProto, shape: &[usize], x: &[f32]) -> Result<(Vec<usize>, Vec<f32>), String> {
    let input = RawTensor {
        shape: shape.to_vec(),
        data: RawData::F32(x.to_vec()),
    };
    let out = run_raw(&proto.encode_to_vec(), &[("X".into(), input)]).map_err(|e| e.to_string())?;
    match out.into_iter().next() {
        Some((
            _,
            RawOutput::Tensor(RawTensor {
                shape,
                data: RawData::F32(y),
            }),
        )) => Ok((shape, y)),
        other => Err(format!("unexpected output {other:?}")),
    }
}

const X: [f32; 8] = [1.0, 2.0, -1.0, 4.0, 3.0, -5.0, -2.0, 6.0];

#[test]
fn rows_whose_condition_holds_are_kept() {
    for axis in [0, -2] {
        let (shape, y) = run(&model(Some(axis)), &[4, 2], &X).unwrap();
        assert_eq!(shape, [2, 2], "axis {axis}");
        assert_eq!(y, [1.0, 2.0, 3.0, -5.0]);
    }
}

#[test]
fn without_an_axis_the_flattened_elements_are_kept() {
    let (shape, y) = run(&model(None), &[4, 2], &X).unwrap();
    assert_eq!(shape, [5]);
    assert_eq!(y, [1.0, 2.0, 4.0, 3.0, 6.0]);
}

#[test]
fn nothing_kept_is_an_empty_tensor() {
    let (shape, y) = run(&model(Some(0)), &[2, 2], &[-1.0, 5.0, -3.0, 7.0]).unwrap();
    assert_eq!(shape, [0, 2]);
    assert!(y.is_empty());
}

#[test]
fn a_symbolic_batch_plan_runs_on_batches_of_any_size() {
    let onnx = crate::engine::ops::framework();
    let mut model = onnx.model_for_proto_model(&model(Some(0))).unwrap();
    let n = model.symbols.sym("N");
    model
        .set_input_fact(0, f32::fact(&[n.to_dim(), 2.to_dim()]).into())
        .unwrap();
    let plan = model.into_optimized().unwrap().into_runnable().unwrap();
    for rows in [1usize, 3, 4] {
        let x = tract_ndarray::Array2::from_shape_vec((rows, 2), X[..rows * 2].to_vec()).unwrap();
        let y = plan.run(tvec![x.into_tensor().into_tvalue()]).unwrap();
        let kept = X[..rows * 2].chunks(2).filter(|r| r[0] > 0.0).count();
        assert_eq!(y[0].shape(), &[kept, 2]);
    }
}

#[test]
fn condition_shorter_or_longer_than_the_axis() {
    let x = tract_ndarray::arr2(&[[1f32, 2.0], [3.0, 4.0], [5.0, 6.0]]).into_tensor();
    let keep = |cond: &[bool]| -> Vec<usize> {
        // As eval reads it: only as far as the axis goes.
        cond.iter()
            .take(3)
            .enumerate()
            .filter_map(|(i, c)| c.then_some(i))
            .collect()
    };
    let short = super::compress(&x, Some(0), &keep(&[false, true])).unwrap();
    assert_eq!(short.shape(), &[1, 2]);
    let long = super::compress(&x, Some(0), &keep(&[true, false, true, true, true])).unwrap();
    assert_eq!(
        long.to_plain_array_view::<f32>()
            .unwrap()
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        [1.0, 2.0, 5.0, 6.0]
    );
    let columns = super::compress(&x, Some(1), &keep(&[false, true])).unwrap();
    assert_eq!(
        columns
            .to_plain_array_view::<f32>()
            .unwrap()
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        [2.0, 4.0, 6.0]
    );
}

#[test]
fn an_axis_out_of_range_is_refused_when_the_model_loads() {
    let e = run(&model(Some(2)), &[4, 2], &X).unwrap_err();
    assert!(
        e.contains("Compress: axis 2 is out of range for an input of rank 2"),
        "{e}"
    );
}

#[test]
fn any_element_type_and_an_empty_result_keep_their_type() {
    let words = tract_ndarray::arr2(&[["a".to_string(), "b".into()], ["c".into(), "d".into()]])
        .into_tensor();
    let kept = super::compress(&words, None, &[1, 2]).unwrap();
    let kept: Vec<String> = kept
        .to_plain_array_view::<String>()
        .unwrap()
        .iter()
        .cloned()
        .collect();
    assert_eq!(kept, ["b", "c"]);
    let none = super::compress(&words, Some(1), &[]).unwrap();
    assert_eq!(none.shape(), &[2, 0]);
    assert_eq!(none.datum_type(), String::datum_type());
    let ints = tract_ndarray::arr1(&[7i64, 8, 9]).into_tensor();
    let kept = super::compress(&ints, Some(0), &[0, 2]).unwrap();
    assert_eq!(
        kept.to_plain_array_view::<i64>()
            .unwrap()
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        [7, 9]
    );
}
