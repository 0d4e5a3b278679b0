use prost::Message;
use tract_onnx::pb::{tensor_proto::DataType, ModelProto};
use tract_onnx::prelude::*;

use crate::engine::test_graph::{float_attr, int_attr, ints_attr, model as graph, node, with_attr};
use crate::engine::{run_raw, RawData, RawOutput, RawTensor};

/// `Y = Compress(X, X[:, 0] > 0 or X > 0, axis)`: the condition depends on the input's
/// values, as skl2onnx's KNNImputer graphs have it. With an axis the condition is the first
/// column (rows kept); without, every element.
fn model(axis: Option<i64>) -> ModelProto {
    let int_constant = |name: &str, v: i64| {
        with_attr(
            node("Constant", &[], name),
            ints_attr("value_ints", vec![v]),
        )
    };
    let mut nodes = vec![
        with_attr(
            node("Constant", &[], "zero"),
            float_attr("value_float", 0.0),
        ),
        int_constant("minus_one", -1),
    ];
    let compress = node("Compress", &["X", "cond"], "Y");
    let compress = match axis {
        Some(axis) => {
            nodes.extend([
                int_constant("s0", 0),
                int_constant("s1", 1),
                int_constant("s2", 1),
                node("Slice", &["X", "s0", "s1", "s2"], "first"),
                node("Reshape", &["first", "minus_one"], "column"),
                node("Greater", &["column", "zero"], "cond"),
            ]);
            with_attr(compress, int_attr("axis", axis))
        }
        None => {
            nodes.extend([
                node("Reshape", &["X", "minus_one"], "flat"),
                node("Greater", &["flat", "zero"], "cond"),
            ]);
            compress
        }
    };
    nodes.push(compress);
    graph("compress", nodes, DataType::Float)
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
