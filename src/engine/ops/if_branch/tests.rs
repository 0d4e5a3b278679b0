use tract_onnx::pb::{tensor_proto::DataType, GraphProto, ModelProto, NodeProto, TensorProto};
use tract_onnx::prelude::*;

use crate::engine::test_graph::{
    constant, graph_attr, int64s, int_attr, model as graph, node, value, with_attr,
};

fn ints(name: &str, v: &[i64]) -> NodeProto {
    constant(name, int64s(v.to_vec()))
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
        output: vec![value(out, DataType::Float)],
        ..Default::default()
    }
}

fn if_node(cond: &str, then: GraphProto, els: GraphProto, out: &str) -> NodeProto {
    let n = with_attr(node("If", &[cond], out), graph_attr("then_branch", then));
    with_attr(n, graph_attr("else_branch", els))
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
        // ReduceMax over everything, to a scalar.
        with_attr(node("ReduceMax", &["X"], "max"), int_attr("keepdims", 0)),
        node("Greater", &["max", "one"], "cond"),
        if_node("cond", then, els, "Y"),
    ];
    graph("if", nodes, DataType::Float)
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
