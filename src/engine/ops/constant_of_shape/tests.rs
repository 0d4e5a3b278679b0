use tract_onnx::pb::{tensor_proto::DataType, ModelProto, TensorProto};
use tract_onnx::prelude::*;

use crate::engine::test_graph::{
    constant, int64s, int_attr, ints_attr, model, node, tensor_attr, with_attr,
};

/// What skl2onnx writes in every GaussianProcessRegressor kernel:
/// `Y = X @ W + ConstantOfShape([N, 1], fill) @ Transpose(ConstantOfShape([k, 1], 0))`.
fn gpr_like(k: usize, fill: f64) -> ModelProto {
    let double = |dims: Vec<i64>, data: Vec<f64>| TensorProto {
        dims,
        data_type: DataType::Double as i32,
        double_data: data,
        ..Default::default()
    };
    let nodes = vec![
        constant(
            "W",
            double(
                vec![2, k as i64],
                (0..2 * k).map(|i| i as f64 * 0.5).collect(),
            ),
        ),
        constant("zero_idx", int64s(vec![0])),
        constant("one", int64s(vec![1])),
        constant("kshape", int64s(vec![k as i64, 1])),
        node("MatMul", &["X", "W"], "xw"),
        node("Shape", &["X"], "shape"),
        with_attr(
            node("Gather", &["shape", "zero_idx"], "n"),
            int_attr("axis", 0),
        ),
        with_attr(node("Concat", &["n", "one"], "nshape"), int_attr("axis", 0)),
        with_attr(
            node("ConstantOfShape", &["nshape"], "rows"),
            tensor_attr("value", double(vec![1], vec![fill])),
        ),
        with_attr(
            node("ConstantOfShape", &["kshape"], "zeros"),
            tensor_attr("value", double(vec![1], vec![0.0])),
        ),
        with_attr(
            node("Transpose", &["zeros"], "zeros_t"),
            ints_attr("perm", vec![1, 0]),
        ),
        node("MatMul", &["rows", "zeros_t"], "product"),
        node("Add", &["xw", "product"], "Y"),
    ];
    model("gpr_like", nodes, DataType::Double)
}

#[test]
fn a_product_of_constant_rows_optimises_with_a_symbolic_batch() {
    // tract's own ConstantOfShape broadcast a scalar here, and decluttering the MatMul failed.
    for fill in [0.0, 2.0] {
        let onnx = crate::engine::ops::framework();
        let mut model = onnx.model_for_proto_model(&gpr_like(3, fill)).unwrap();
        let n = model.symbols.sym("N");
        model
            .set_input_fact(0, f64::fact(&[n.to_dim(), 2.to_dim()]).into())
            .unwrap();
        let plan = model.into_optimized().unwrap().into_runnable().unwrap();
        let x = tract_ndarray::arr2(&[[1.0f64, 2.0], [0.1, -0.3]]).into_tensor();
        let y = plan.run(tvec![x.into_tvalue()]).unwrap();
        let y = y[0].to_plain_array_view::<f64>().unwrap();
        // W = [[0, .5, 1], [1.5, 2, 2.5]]; the constant product is 0 whatever the fill.
        let want = [
            1.0f64 * 0.0 + 2.0 * 1.5,
            0.5 + 4.0,
            1.0 + 5.0,
            -0.45,
            0.05 - 0.6,
            0.1 - 0.75,
        ];
        assert_eq!(y.shape(), &[2, 3]);
        for (g, w) in y.iter().zip(want) {
            assert!((g - w).abs() < 1e-15, "{g} vs {w}");
        }
    }
}

#[test]
fn without_a_value_the_elements_are_float32_zeros() {
    let proto = model(
        "zeros",
        vec![
            node("Shape", &["X"], "shape"),
            node("ConstantOfShape", &["shape"], "Y"),
        ],
        DataType::Double,
    );
    let onnx = crate::engine::ops::framework();
    let mut model = onnx.model_for_proto_model(&proto).unwrap();
    let n = model.symbols.sym("N");
    model
        .set_input_fact(0, f64::fact(&[n.to_dim(), 2.to_dim()]).into())
        .unwrap();
    let plan = model.into_optimized().unwrap().into_runnable().unwrap();
    let y = plan
        .run(tvec![Tensor::zero::<f64>(&[3, 2]).unwrap().into_tvalue()])
        .unwrap();
    assert_eq!(y[0].datum_type(), f32::datum_type());
    assert_eq!(y[0].shape(), &[3, 2]);
    assert!(y[0]
        .to_plain_array_view::<f32>()
        .unwrap()
        .iter()
        .all(|v| *v == 0.0));
}
