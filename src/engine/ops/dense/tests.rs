use tract_onnx::pb::{tensor_proto::DataType, ModelProto, TensorProto};
use tract_onnx::prelude::*;

use super::substitute_all;
use crate::engine::test_graph::{constant, int_attr, model, node, with_attr};

/// A float tensor of shape `dims` holding 0.1·(i mod 7) − 0.3 for its i-th element.
fn floats(dims: &[i64]) -> TensorProto {
    let len: i64 = dims.iter().product();
    TensorProto {
        dims: dims.to_vec(),
        data_type: DataType::Float as i32,
        float_data: (0..len).map(|i| 0.1 * (i % 7) as f32 - 0.3).collect(),
        ..Default::default()
    }
}

/// X [N, 3] → MatMul W1 [3, 9] → Add b1 [9] → Relu → MatMul W2 [9, 4] (no bias) → Gemm with
/// W3 [2, 4] transposed and C [2] → Relu → Y [N, 2]; the first product's output is also read by
/// a second Add, so that one is replaced without its bias and Relu.
fn graph(shared_first: bool) -> ModelProto {
    let mut nodes = vec![
        constant("W1", floats(&[3, 9])),
        constant("b1", floats(&[9])),
        constant("W2", floats(&[9, 4])),
        constant("W3", floats(&[2, 4])),
        constant("C", floats(&[2])),
        node("MatMul", &["X", "W1"], "m1"),
        node("Add", &["m1", "b1"], "a1"),
        node("Relu", &["a1"], "h1"),
        node("MatMul", &["h1", "W2"], "m2"),
        with_attr(node("Gemm", &["m2", "W3", "C"], "g"), int_attr("transB", 1)),
        node("Relu", &["g"], "r"),
    ];
    if shared_first {
        // Y = r + (m1's first two columns, via a second product of m1): m1 has two users.
        nodes.push(constant("W4", floats(&[9, 2])));
        nodes.push(node("MatMul", &["m1", "W4"], "m4"));
        nodes.push(node("Add", &["r", "m4"], "Y"));
    } else {
        nodes.push(node("Identity", &["r"], "Y"));
    }
    model("dense", nodes, DataType::Float)
}

fn decluttered(proto: &ModelProto) -> TypedModel {
    decluttered_width(proto, 3)
}

fn decluttered_width(proto: &ModelProto, width: usize) -> TypedModel {
    let mut m = tract_onnx::onnx()
        .model_for_proto_model(proto)
        .expect("graph parses");
    let n = m.symbols.sym("N");
    m.set_input_fact(0, f32::fact([n.to_dim(), width.to_dim()]).into())
        .expect("input fact");
    m.into_typed()
        .and_then(|m| m.into_decluttered())
        .expect("graph types")
}

fn run(model: TypedModel, x: &Tensor) -> Vec<f32> {
    let plan = model
        .into_optimized()
        .and_then(|m| m.into_runnable())
        .expect("plan");
    let out = plan.run(tvec![x.clone().into_tvalue()]).expect("runs");
    out[0]
        .to_plain_array_view::<f32>()
        .expect("f32")
        .iter()
        .copied()
        .collect()
}

fn ops(model: &TypedModel, name: &str) -> usize {
    model.nodes().iter().filter(|n| n.op.name() == name).count()
}

#[test]
fn every_constant_product_becomes_dense_and_the_results_stay() {
    for shared_first in [false, true] {
        let typed = decluttered(&graph(shared_first));
        let products = ops(&typed, "EinSum");
        assert!(products >= 3, "{products} products before");
        let ours = substitute_all(typed.clone()).expect("substitutes");
        assert_eq!(ops(&ours, "EinSum"), 0, "no product left to tract");
        assert_eq!(ops(&ours, "Dense"), products);
        if !shared_first {
            // Bias and Relu of the first product went into it; the Gemm's too.
            assert_eq!(ops(&ours, "Max"), 0, "{ours}");
        }
        for rows in [1usize, 5, 8] {
            let x: Vec<f32> = (0..rows * 3).map(|i| (i as f32 * 0.37).sin()).collect();
            let x = Tensor::from_shape(&[rows, 3], &x).expect("x");
            let want = run(typed.clone(), &x);
            let got = run(ours.clone(), &x);
            assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(&want) {
                assert!((g - w).abs() <= 1e-5, "rows {rows}: {got:?} vs {want:?}");
            }
        }
    }
}

#[test]
fn a_product_of_two_inputs_is_left_to_tract() {
    // Y = X·Xᵀ: no constant operand.
    let nodes = vec![
        with_attr(
            node("Transpose", &["X"], "t"),
            crate::engine::test_graph::ints_attr("perm", vec![1, 0]),
        ),
        node("MatMul", &["X", "t"], "Y"),
    ];
    let typed = decluttered(&model("xx", nodes, DataType::Float));
    let before = ops(&typed, "EinSum");
    let ours = substitute_all(typed).expect("substitutes");
    assert_eq!(ops(&ours, "EinSum"), before);
    assert_eq!(ops(&ours, "Dense"), 0);
}

/// X [N, 5] → MatMul W1 [5, 11] → Add b1 → `first` → Gemm W2 [11, 13] with C → `second` →
/// MatMul W3 [13, 3] → Y: scikit-learn's MLP with activation 'tanh' or 'logistic' (two hidden
/// layers), widths off the 8-column panels.
fn activated(first: &str, second: &str) -> ModelProto {
    let nodes = vec![
        constant("W1", floats(&[5, 11])),
        constant("b1", floats(&[11])),
        constant("W2", floats(&[11, 13])),
        constant("C", floats(&[13])),
        constant("W3", floats(&[13, 3])),
        node("MatMul", &["X", "W1"], "m1"),
        node("Add", &["m1", "b1"], "a1"),
        node(first, &["a1"], "h1"),
        node("Gemm", &["h1", "W2", "C"], "g"),
        node(second, &["g"], "h2"),
        node("MatMul", &["h2", "W3"], "Y"),
    ];
    model("activated", nodes, DataType::Float)
}

#[test]
fn tanh_and_sigmoid_after_a_product_go_into_it_with_tracts_results() {
    for (first, second) in [("Tanh", "Sigmoid"), ("Sigmoid", "Tanh"), ("Tanh", "Tanh")] {
        let typed = decluttered_width(&activated(first, second), 5);
        assert!(ops(&typed, first) >= 1, "{typed}");
        let ours = substitute_all(typed.clone()).expect("substitutes");
        assert_eq!(ops(&ours, "EinSum"), 0, "{ours}");
        assert_eq!(ops(&ours, "Dense"), 3);
        assert_eq!(ops(&ours, "Tanh") + ops(&ours, "Sigmoid"), 0, "{ours}");
        for rows in [1usize, 3, 4, 7, 9] {
            // Large enough values that tanh and sigmoid saturate on some outputs.
            let x: Vec<f32> = (0..rows * 5)
                .map(|i| 3.0 * (i as f32 * 0.71).sin())
                .collect();
            let x = Tensor::from_shape(&[rows, 5], &x).expect("x");
            let want = run(typed.clone(), &x);
            let got = run(ours.clone(), &x);
            assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(&want) {
                assert!(
                    (g - w).abs() <= 1e-5,
                    "{first}/{second}, rows {rows}: {got:?} vs {want:?}"
                );
            }
        }
    }
}

#[test]
fn an_activation_that_also_feeds_an_output_stays_in_tract() {
    // Y = Tanh(X·W1 + b1), and the sum before it is a second output: Add and Tanh stay.
    let nodes = vec![
        constant("W1", floats(&[5, 11])),
        constant("b1", floats(&[11])),
        node("MatMul", &["X", "W1"], "m1"),
        node("Add", &["m1", "b1"], "a1"),
        node("Tanh", &["a1"], "Y"),
    ];
    let mut proto = model("two-outputs", nodes, DataType::Float);
    let graph = proto.graph.as_mut().expect("graph");
    let mut second = graph.output[0].clone();
    second.name = "a1".into();
    graph.output.push(second);
    let typed = decluttered_width(&proto, 5);
    let ours = substitute_all(typed).expect("substitutes");
    assert_eq!(ops(&ours, "Dense"), 1);
    assert_eq!(ops(&ours, "Tanh"), 1, "{ours}");
}
