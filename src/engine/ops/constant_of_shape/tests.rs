use tract_onnx::pb::attribute_proto::AttributeType;
use tract_onnx::pb::{
    tensor_proto::DataType, type_proto, AttributeProto, GraphProto, ModelProto, NodeProto,
    OperatorSetIdProto, TensorProto, TypeProto, ValueInfoProto,
};
use tract_onnx::prelude::*;

fn value(name: &str) -> ValueInfoProto {
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto {
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: DataType::Double as i32,
                shape: None,
            })),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn node(op: &str, input: &[&str], output: &str) -> NodeProto {
    NodeProto {
        op_type: op.into(),
        name: output.into(),
        input: input.iter().map(|s| s.to_string()).collect(),
        output: vec![output.into()],
        ..Default::default()
    }
}

fn tensor_attr(name: &str, t: TensorProto) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        r#type: AttributeType::Tensor as i32,
        t: Some(t),
        ..Default::default()
    }
}

/// What skl2onnx writes in every GaussianProcessRegressor kernel:
/// `Y = X @ W + ConstantOfShape([N, 1], fill) @ Transpose(ConstantOfShape([k, 1], 0))`.
fn gpr_like(k: usize, fill: f64) -> ModelProto {
    let double = |dims: Vec<i64>, data: Vec<f64>| TensorProto {
        dims,
        data_type: DataType::Double as i32,
        double_data: data,
        ..Default::default()
    };
    let int64 = |data: Vec<i64>| TensorProto {
        dims: vec![data.len() as i64],
        data_type: DataType::Int64 as i32,
        int64_data: data,
        ..Default::default()
    };
    let mut w = node("Constant", &[], "W");
    w.attribute.push(tensor_attr(
        "value",
        double(
            vec![2, k as i64],
            (0..2 * k).map(|i| i as f64 * 0.5).collect(),
        ),
    ));
    let mut zero_idx = node("Constant", &[], "zero_idx");
    zero_idx
        .attribute
        .push(tensor_attr("value", int64(vec![0])));
    let mut one = node("Constant", &[], "one");
    one.attribute.push(tensor_attr("value", int64(vec![1])));
    let mut kshape = node("Constant", &[], "kshape");
    kshape
        .attribute
        .push(tensor_attr("value", int64(vec![k as i64, 1])));
    let mut gather = node("Gather", &["shape", "zero_idx"], "n");
    gather.attribute.push(AttributeProto {
        name: "axis".into(),
        r#type: AttributeType::Int as i32,
        i: 0,
        ..Default::default()
    });
    let mut concat = node("Concat", &["n", "one"], "nshape");
    concat.attribute.push(AttributeProto {
        name: "axis".into(),
        r#type: AttributeType::Int as i32,
        i: 0,
        ..Default::default()
    });
    let mut rows = node("ConstantOfShape", &["nshape"], "rows");
    rows.attribute
        .push(tensor_attr("value", double(vec![1], vec![fill])));
    let mut zeros = node("ConstantOfShape", &["kshape"], "zeros");
    zeros
        .attribute
        .push(tensor_attr("value", double(vec![1], vec![0.0])));
    let mut transpose = node("Transpose", &["zeros"], "zeros_t");
    transpose.attribute.push(AttributeProto {
        name: "perm".into(),
        r#type: AttributeType::Ints as i32,
        ints: vec![1, 0],
        ..Default::default()
    });
    ModelProto {
        ir_version: 8,
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: 17,
        }],
        graph: Some(GraphProto {
            name: "gpr_like".into(),
            node: vec![
                w,
                zero_idx,
                one,
                kshape,
                node("MatMul", &["X", "W"], "xw"),
                node("Shape", &["X"], "shape"),
                gather,
                concat,
                rows,
                zeros,
                transpose,
                node("MatMul", &["rows", "zeros_t"], "product"),
                node("Add", &["xw", "product"], "Y"),
            ],
            input: vec![value("X")],
            output: vec![value("Y")],
            ..Default::default()
        }),
        ..Default::default()
    }
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
    let proto = ModelProto {
        ir_version: 8,
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: 17,
        }],
        graph: Some(GraphProto {
            name: "zeros".into(),
            node: vec![
                node("Shape", &["X"], "shape"),
                node("ConstantOfShape", &["shape"], "Y"),
            ],
            input: vec![value("X")],
            output: vec![value("Y")],
            ..Default::default()
        }),
        ..Default::default()
    };
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
