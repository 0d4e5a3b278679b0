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
                elem_type: DataType::Float as i32,
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

fn constant(name: &str, t: TensorProto) -> NodeProto {
    let mut n = node("Constant", &[], name);
    n.attribute.push(AttributeProto {
        name: "value".into(),
        r#type: AttributeType::Tensor as i32,
        t: Some(t),
        ..Default::default()
    });
    n
}

fn ints(name: &str, v: &[i64]) -> NodeProto {
    constant(
        name,
        TensorProto {
            dims: vec![v.len() as i64],
            data_type: DataType::Int64 as i32,
            int64_data: v.to_vec(),
            ..Default::default()
        },
    )
}

fn scalar(name: &str, v: f32) -> NodeProto {
    constant(
        name,
        TensorProto {
            data_type: DataType::Float as i32,
            float_data: vec![v],
            ..Default::default()
        },
    )
}

fn branch(name: &str, nodes: Vec<NodeProto>, out: &str) -> GraphProto {
    GraphProto {
        name: name.into(),
        node: nodes,
        output: vec![value(out)],
        ..Default::default()
    }
}

fn if_node(cond: &str, then: GraphProto, els: GraphProto, out: &str) -> NodeProto {
    let mut n = node("If", &[cond], out);
    for (name, g) in [("then_branch", then), ("else_branch", els)] {
        n.attribute.push(AttributeProto {
            name: name.into(),
            r#type: AttributeType::Graph as i32,
            g: Some(g),
            ..Default::default()
        });
    }
    n
}

/// `flat = X.ravel(); idx = NonZero(flat > 0)` (a length only known at run time), then
/// `If(max(X) > 1, then, else)` where both branches read `flat` and `idx` from outside.
fn model(then: GraphProto, els: GraphProto) -> ModelProto {
    let nodes = vec![
        ints("minus_one", &[-1]),
        scalar("zero", 0.0),
        scalar("one", 1.0),
        node("Reshape", &["X", "minus_one"], "flat"),
        node("Greater", &["flat", "zero"], "positive"),
        node("NonZero", &["positive"], "nz"),
        node("Reshape", &["nz", "minus_one"], "idx"),
        node("ReduceMax", &["X"], "max"),
        node("Greater", &["max", "one"], "cond"),
        if_node("cond", then, els, "Y"),
    ];
    let mut nodes = nodes;
    // ReduceMax over everything, to a scalar.
    nodes[7].attribute.push(AttributeProto {
        name: "keepdims".into(),
        r#type: AttributeType::Int as i32,
        i: 0,
        ..Default::default()
    });
    ModelProto {
        ir_version: 8,
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: 17,
        }],
        graph: Some(GraphProto {
            name: "if".into(),
            node: nodes,
            input: vec![value("X")],
            output: vec![value("Y")],
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn plan(proto: &ModelProto) -> TractResult<Arc<TypedSimplePlan>> {
    let onnx = crate::engine::ops::framework();
    let mut model = onnx.model_for_proto_model(proto)?;
    let n = model.symbols.sym("N");
    model.set_input_fact(0, f32::fact(&[n.to_dim(), 2.to_dim()]).into())?;
    model.into_optimized()?.into_runnable()
}

fn run(plan: &Arc<TypedSimplePlan>, x: &[f32]) -> TractResult<Vec<f32>> {
    let x = tract_ndarray::Array2::from_shape_vec((x.len() / 2, 2), x.to_vec())?;
    let y = plan.run(tvec![x.into_tensor().into_tvalue()])?;
    Ok(y[0].to_plain_array_view::<f32>()?.iter().copied().collect())
}

#[test]
fn branches_read_outer_values_of_run_time_length_and_give_outputs_of_different_lengths() {
    // then: the positive entries (Gather by idx); else: every entry negated.
    let then = branch(
        "then",
        vec![node("Gather", &["flat", "idx"], "kept")],
        "kept",
    );
    let els = branch("else", vec![node("Neg", &["flat"], "neg")], "neg");
    let plan = plan(&model(then, els)).unwrap();
    // max 3 > 1: the then branch, 3 of 4 entries.
    assert_eq!(run(&plan, &[3.0, -1.0, 0.5, 2.0]).unwrap(), [3.0, 0.5, 2.0]);
    // max 0.5: the else branch, all 6 entries.
    assert_eq!(
        run(&plan, &[0.5, -1.0, 0.25, -2.0, 0.0, 0.1]).unwrap(),
        [-0.5, 1.0, -0.25, 2.0, -0.0, -0.1]
    );
    // A batch of one row, then branch again: the same plan, another length.
    assert_eq!(run(&plan, &[-3.0, 7.0]).unwrap(), [7.0]);
}

#[test]
fn branches_that_disagree_on_rank_are_typed_as_the_else_branch_and_the_then_branch_fails() {
    let then = branch(
        "then",
        vec![
            ints("axes", &[0]),
            node("Unsqueeze", &["flat", "axes"], "wide"),
        ],
        "wide",
    );
    let els = branch("else", vec![node("Neg", &["flat"], "neg")], "neg");
    let plan = plan(&model(then, els)).unwrap();
    assert_eq!(run(&plan, &[0.5, -1.0]).unwrap(), [-0.5, 1.0]);
    let e = run(&plan, &[3.0, -1.0]).unwrap_err();
    assert!(
        format!("{e:#}").contains(
            "If: the then branch gives output 0 as F32 of rank 2, where the graph was typed \
             for F32 of rank 1 (the else branch's)"
        ),
        "{e:#}"
    );
    // The plan still runs the else branch afterwards.
    assert_eq!(run(&plan, &[0.5, -1.0]).unwrap(), [-0.5, 1.0]);
}
