use prost::Message;
use tract_onnx::pb::attribute_proto::AttributeType;
use tract_onnx::pb::{
    tensor_proto::DataType, AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto,
};

use super::{inline, Function, FunctionError, ModelFunctions, MAX_INLINED_NODES};
use crate::engine::test_graph::{
    float_attr, graph_attr, model as graph, opset, tensor_attr, value, with_attr,
};
use crate::engine::{run_raw, RawData, RawOutput, RawTensor};

const LOCAL: &str = "local";

fn node(op: &str, domain: &str, inputs: &[&str], outputs: &[&str]) -> NodeProto {
    NodeProto {
        op_type: op.into(),
        domain: domain.into(),
        name: format!("{op}_{}", outputs.first().copied().unwrap_or("")),
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: outputs.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

/// An attribute that refers to the enclosing function's attribute `to`.
fn ref_attr(name: &str, to: &str) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        ref_attr_name: to.into(),
        r#type: AttributeType::Float as i32,
        ..Default::default()
    }
}

fn function(name: &str, input: &[&str], output: &[&str], nodes: Vec<NodeProto>) -> Function {
    Function {
        name: name.into(),
        domain: LOCAL.into(),
        input: input.iter().map(|s| s.to_string()).collect(),
        output: output.iter().map(|s| s.to_string()).collect(),
        node: nodes,
        opset_import: vec![opset("", 17)],
        ..Default::default()
    }
}

/// A model whose graph takes `X` and gives `Y` through `nodes`, with `functions`, as bytes
/// (tract's `ModelProto` and the functions, which protobuf merges into one message).
fn model(nodes: Vec<NodeProto>, functions: Vec<Function>) -> Vec<u8> {
    let mut proto = graph("g", nodes, DataType::Float);
    proto.opset_import.push(opset(LOCAL, 1));
    let mut bytes = proto.encode_to_vec();
    bytes.extend(ModelFunctions { functions }.encode_to_vec());
    bytes
}

fn inlined(bytes: &[u8]) -> Result<ModelProto, FunctionError> {
    let mut proto = ModelProto::decode(bytes).unwrap();
    inline(bytes, &mut proto)?;
    Ok(proto)
}

fn run(bytes: &[u8], x: &[f32]) -> Vec<f32> {
    let input = RawTensor {
        shape: vec![x.len()],
        data: RawData::F32(x.to_vec()),
    };
    let out = run_raw(bytes, &[("X".into(), input)]).unwrap();
    match &out[..] {
        [(
            name,
            RawOutput::Tensor(RawTensor {
                data: RawData::F32(y),
                ..
            }),
        )] if name == "Y" => y.clone(),
        other => panic!("unexpected outputs {other:?}"),
    }
}

/// Every node of a graph and its subgraphs.
fn all_nodes(g: &GraphProto) -> Vec<&NodeProto> {
    let mut out = Vec::new();
    for n in &g.node {
        out.push(n);
        for a in &n.attribute {
            for sub in a.g.iter().chain(&a.graphs) {
                out.extend(all_nodes(sub));
            }
        }
    }
    out
}

/// `square_plus(a, b) = (a + b) * (a + b)`.
fn square_plus() -> Function {
    function(
        "square_plus",
        &["a", "b"],
        &["out"],
        vec![
            node("Add", "", &["a", "b"], &["t"]),
            node("Mul", "", &["t", "t"], &["out"]),
        ],
    )
}

#[test]
fn a_call_becomes_its_body_with_the_actual_names() {
    let bytes = model(
        vec![node("square_plus", LOCAL, &["X", "X"], &["Y"])],
        vec![square_plus()],
    );
    let proto = inlined(&bytes).unwrap();
    let nodes = &proto.graph.as_ref().unwrap().node;
    let ops: Vec<_> = nodes.iter().map(|n| n.op_type.as_str()).collect();
    assert_eq!(ops, ["Add", "Mul"]);
    assert_eq!(nodes[0].input, ["X", "X"]);
    assert_eq!(nodes[0].output, ["square_plus__inlined1/t"]);
    assert_eq!(
        nodes[1].input,
        [nodes[0].output[0].clone(), nodes[0].output[0].clone()]
    );
    assert_eq!(nodes[1].output, ["Y"]);
    assert_eq!(run(&bytes, &[1.0, -2.0, 0.5]), [4.0, 16.0, 1.0]);
}

#[test]
fn two_calls_do_not_share_internal_values() {
    let bytes = model(
        vec![
            node("square_plus", LOCAL, &["X", "X"], &["Z"]),
            node("square_plus", LOCAL, &["Z", "X"], &["Y"]),
        ],
        vec![square_plus()],
    );
    let proto = inlined(&bytes).unwrap();
    let outputs: Vec<_> = proto
        .graph
        .as_ref()
        .unwrap()
        .node
        .iter()
        .flat_map(|n| n.output.clone())
        .collect();
    let unique: std::collections::BTreeSet<_> = outputs.iter().collect();
    assert_eq!(unique.len(), outputs.len(), "{outputs:?}");
    // x = 1: z = (1 + 1)^2 = 4, y = (4 + 1)^2 = 25.
    assert_eq!(run(&bytes, &[1.0, 0.0]), [25.0, 0.0]);
}

#[test]
fn functions_calling_functions_with_attribute_references_and_defaults() {
    // scale(x) = x * c, c a Constant whose value is the function's attribute "by"
    // (default 10); twice_scaled(x) = scale(x) + scale(x), passing its own "factor" as "by"
    // to the first call and nothing to the second (which then takes the default).
    let mut scale = function(
        "scale",
        &["x"],
        &["y"],
        vec![
            with_attr(
                node("Constant", "", &[], &["c"]),
                ref_attr("value_float", "by"),
            ),
            node("Mul", "", &["x", "c"], &["y"]),
        ],
    );
    scale.attribute_proto = vec![float_attr("by", 10.0)];
    let twice = function(
        "twice_scaled",
        &["x"],
        &["y"],
        vec![
            with_attr(
                node("scale", LOCAL, &["x"], &["p"]),
                ref_attr("by", "factor"),
            ),
            node("scale", LOCAL, &["x"], &["q"]),
            node("Add", "", &["p", "q"], &["y"]),
        ],
    );
    let bytes = model(
        vec![with_attr(
            node("twice_scaled", LOCAL, &["X"], &["Y"]),
            float_attr("factor", 3.0),
        )],
        vec![scale, twice],
    );
    let proto = inlined(&bytes).unwrap();
    let constants: Vec<_> = proto
        .graph
        .as_ref()
        .unwrap()
        .node
        .iter()
        .filter(|n| n.op_type == "Constant")
        .map(|n| {
            (
                n.attribute[0].name.clone(),
                n.attribute[0].f,
                n.attribute[0].ref_attr_name.clone(),
            )
        })
        .collect();
    assert_eq!(
        constants,
        [
            ("value_float".to_string(), 3.0, String::new()),
            ("value_float".to_string(), 10.0, String::new())
        ]
    );
    // x * 3 + x * 10
    assert_eq!(run(&bytes, &[1.0, 2.0]), [13.0, 26.0]);
}

#[test]
fn a_reference_with_no_value_and_no_default_is_left_out() {
    let f = function(
        "f",
        &["x"],
        &["y"],
        vec![with_attr(
            node("Identity", "", &["x"], &["y"]),
            ref_attr("unused", "missing"),
        )],
    );
    let proto = inlined(&model(vec![node("f", LOCAL, &["X"], &["Y"])], vec![f])).unwrap();
    assert!(proto.graph.unwrap().node[0].attribute.is_empty());
}

#[test]
fn calls_inside_subgraphs_and_inside_function_bodies_subgraphs_are_inlined() {
    // The graph's If calls `outer` in its then-branch; `outer` has an If of its own whose
    // branches call `square_plus` and read `outer`'s input from the enclosing scope.
    let branch = |call: NodeProto, out: &str| GraphProto {
        name: format!("branch_{out}"),
        node: vec![call],
        output: vec![value(out, DataType::Float)],
        ..Default::default()
    };
    let if_node = |cond: &str, then: GraphProto, els: GraphProto, out: &str| {
        let n = with_attr(
            node("If", "", &[cond], &[out]),
            graph_attr("then_branch", then),
        );
        with_attr(n, graph_attr("else_branch", els))
    };
    let outer = function(
        "outer",
        &["x", "flag"],
        &["y"],
        vec![if_node(
            "flag",
            branch(node("square_plus", LOCAL, &["x", "x"], &["sq"]), "sq"),
            branch(node("Neg", "", &["x"], &["neg"]), "neg"),
            "y",
        )],
    );
    let flag = |name: &str, v: bool| {
        with_attr(
            node("Constant", "", &[], &[name]),
            tensor_attr(
                "value",
                TensorProto {
                    data_type: DataType::Bool as i32,
                    int32_data: vec![i32::from(v)],
                    ..Default::default()
                },
            ),
        )
    };
    let bytes = model(
        vec![
            flag("yes", true),
            flag("no", false),
            if_node(
                "yes",
                branch(node("outer", LOCAL, &["X", "no"], &["inner"]), "inner"),
                branch(node("Identity", "", &["X"], &["same"]), "same"),
                "Y",
            ),
        ],
        vec![square_plus(), outer],
    );
    let proto = inlined(&bytes).unwrap();
    let graph = proto.graph.as_ref().unwrap();
    let nodes = all_nodes(graph);
    assert!(
        nodes.iter().all(|n| n.domain != LOCAL),
        "calls left: {nodes:?}"
    );
    let ops: std::collections::BTreeSet<_> = nodes.iter().map(|n| n.op_type.as_str()).collect();
    assert_eq!(
        ops,
        ["Add", "Constant", "Identity", "If", "Mul", "Neg"].into()
    );
    // The inner If reads `x` (the call's `X`) from the enclosing scope, renamed as the call's
    // input; its branches' own values got the inner prefix.
    let neg = nodes.iter().find(|n| n.op_type == "Neg").unwrap();
    assert_eq!(neg.input, ["X"]);
    assert_eq!(neg.output, ["outer__inlined1/neg"]);
    // yes -> outer(X, no) -> the else branch: -X.
    assert_eq!(run(&bytes, &[1.5, -2.0]), [-1.5, 2.0]);
}

#[test]
fn an_omitted_optional_input_stays_omitted_and_unnamed_outputs_get_names() {
    let f = function(
        "f",
        &["x", "maybe"],
        &["y", "extra"],
        vec![
            node("Identity", "", &["x"], &["y"]),
            node("Clip", "", &["x", "maybe"], &["extra"]),
        ],
    );
    let proto = inlined(&model(vec![node("f", LOCAL, &["X"], &["Y"])], vec![f])).unwrap();
    let nodes = proto.graph.unwrap().node;
    assert_eq!(nodes[1].input, ["X", ""]);
    assert_eq!(nodes[1].output, ["f__inlined1/extra"]);
}

#[test]
fn inlined_names_avoid_names_the_model_already_has() {
    let f = function(
        "f",
        &["x"],
        &["y"],
        vec![
            node("Neg", "", &["x"], &["t"]),
            node("Neg", "", &["t"], &["y"]),
        ],
    );
    let bytes = model(
        vec![
            node("Identity", "", &["X"], &["f__inlined1/t"]),
            node("f", LOCAL, &["f__inlined1/t"], &["Y"]),
        ],
        vec![f],
    );
    let proto = inlined(&bytes).unwrap();
    let nodes = proto.graph.unwrap().node;
    assert_eq!(nodes[1].output, ["f___inlined1/t"]);
    assert_eq!(run(&bytes, &[2.0]), [2.0]);
}

#[test]
fn recursion_is_refused_with_the_cycle() {
    let f = function("f", &["x"], &["y"], vec![node("g", LOCAL, &["x"], &["y"])]);
    let g = function("g", &["x"], &["y"], vec![node("f", LOCAL, &["x"], &["y"])]);
    let e = inlined(&model(vec![node("f", LOCAL, &["X"], &["Y"])], vec![f, g])).unwrap_err();
    assert_eq!(
        e,
        FunctionError::Recursive {
            cycle: vec!["local:f".into(), "local:g".into(), "local:f".into()]
        }
    );
    assert_eq!(
        e.to_string(),
        "local function local:f calls itself (local:f -> local:g -> local:f); ONNX functions cannot be recursive"
    );
    let me = function(
        "me",
        &["x"],
        &["y"],
        vec![node("me", LOCAL, &["x"], &["y"])],
    );
    let e = inlined(&model(vec![node("me", LOCAL, &["X"], &["Y"])], vec![me])).unwrap_err();
    assert_eq!(e.to_string(), "local function local:me calls itself (local:me -> local:me); ONNX functions cannot be recursive");
}

#[test]
fn exponential_expansion_is_bounded() {
    // f0 = Neg, f{k} calls f{k-1} twice: f19 would be 2^19 nodes.
    let mut functions = vec![function(
        "f0",
        &["x"],
        &["y"],
        vec![node("Neg", "", &["x"], &["y"])],
    )];
    for k in 1..20 {
        let prev = format!("f{}", k - 1);
        functions.push(function(
            &format!("f{k}"),
            &["x"],
            &["y"],
            vec![
                node(&prev, LOCAL, &["x"], &["t"]),
                node(&prev, LOCAL, &["t"], &["y"]),
            ],
        ));
    }
    let e = inlined(&model(vec![node("f19", LOCAL, &["X"], &["Y"])], functions)).unwrap_err();
    assert_eq!(
        e,
        FunctionError::TooLarge {
            limit: MAX_INLINED_NODES
        }
    );
}

#[test]
fn bad_definitions_and_calls_are_refused_by_name() {
    let call = || vec![node("square_plus", LOCAL, &["X", "X"], &["Y"])];
    let e = inlined(&model(call(), vec![square_plus(), square_plus()])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "local function local:square_plus is defined twice; a model-local function must be unique by domain and name"
    );
    let mut over = square_plus();
    over.overload = "v2".into();
    let e = inlined(&model(call(), vec![over])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "local function local:square_plus has overload \"v2\", which sealed-onnx cannot resolve; export it without overloads"
    );
    let three = vec![node("square_plus", LOCAL, &["X", "X", "X"], &["Y"])];
    let e = inlined(&model(three, vec![square_plus()])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "node \"square_plus_Y\" calls local function local:square_plus with 3 inputs, but it declares 2"
    );
}

#[test]
fn an_operator_that_changed_form_between_the_functions_opset_and_the_models_is_refused() {
    let reduce = |version| {
        let mut f = function(
            "f",
            &["x"],
            &["y"],
            vec![node("ReduceMax", "", &["x"], &["y"])],
        );
        f.opset_import = vec![opset("", version)];
        f
    };
    let call = || vec![node("f", LOCAL, &["X"], &["Y"])];
    // The model imports 17: ReduceMax takes its axes as an attribute there, as an input from 18.
    let e = inlined(&model(call(), vec![reduce(18)])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "local function local:f imports ai.onnx 18 and uses ReduceMax, which changed form by ai.onnx 18, but the model imports ai.onnx 17; re-export with one opset for the model and its functions"
    );
    // 13 and 17 read ReduceMax the same way.
    assert!(inlined(&model(call(), vec![reduce(13)])).is_ok());
}

#[test]
fn a_model_without_functions_is_untouched() {
    let bytes = model(vec![node("Neg", "", &["X"], &["Y"])], vec![]);
    let before = ModelProto::decode(&*bytes).unwrap();
    assert_eq!(inlined(&bytes).unwrap(), before);
    assert_eq!(run(&bytes, &[1.0]), [-1.0]);
}
#[test]
fn the_knn_imputer_export_is_inlined_completely() {
    // skl2onnx 1.20's KNNImputer: nine local functions, calls inside If branches and
    // inside other functions.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/knnimputer-uniform/model.onnx"
    );
    let bytes = std::fs::read(path).unwrap();
    let decoded = ModelFunctions::decode(&*bytes).unwrap();
    assert_eq!(decoded.functions.len(), 9);
    let proto = inlined(&bytes).unwrap();
    let graph = proto.graph.as_ref().unwrap();
    let nodes = all_nodes(graph);
    assert!(nodes.iter().all(|n| n.domain != "local_domain"));
    // Within each graph (the main one and every branch), every value is produced once:
    // the four calls of knn_imputer_column do not share their internal values. (Sibling
    // branches may both define a name, as the export's then and else branches do.)
    fn produced_once(g: &GraphProto) {
        let mut seen = std::collections::BTreeSet::new();
        for n in &g.node {
            for out in n.output.iter().filter(|o| !o.is_empty()) {
                assert!(seen.insert(out), "{out} is produced twice in {}", g.name);
            }
            for a in &n.attribute {
                a.g.iter().chain(&a.graphs).for_each(produced_once);
            }
        }
    }
    produced_once(graph);
    assert!(nodes.len() > graph.node.len());
}
