//! Small ONNX graphs for unit tests: typed values, nodes, attributes, constants and a model
//! around them, so each operator's tests state only the graph they are about.

use tract_onnx::pb::attribute_proto::AttributeType;
use tract_onnx::pb::{
    tensor_proto::DataType, type_proto, AttributeProto, GraphProto, ModelProto, NodeProto,
    OperatorSetIdProto, TensorProto, TypeProto, ValueInfoProto,
};

/// A tensor value of element type `elem` and unknown shape.
pub fn value(name: &str, elem: DataType) -> ValueInfoProto {
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto {
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: elem as i32,
                shape: None,
            })),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A node of the default domain with one output, named after it.
pub fn node(op: &str, input: &[&str], output: &str) -> NodeProto {
    NodeProto {
        op_type: op.into(),
        name: output.into(),
        input: input.iter().map(|s| s.to_string()).collect(),
        output: vec![output.into()],
        ..Default::default()
    }
}

/// `n` with the attribute `a` added.
pub fn with_attr(mut n: NodeProto, a: AttributeProto) -> NodeProto {
    n.attribute.push(a);
    n
}

fn attr(name: &str, kind: AttributeType) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        r#type: kind as i32,
        ..Default::default()
    }
}

/// A tensor attribute.
pub fn tensor_attr(name: &str, t: TensorProto) -> AttributeProto {
    AttributeProto {
        t: Some(t),
        ..attr(name, AttributeType::Tensor)
    }
}

/// An integer attribute.
pub fn int_attr(name: &str, i: i64) -> AttributeProto {
    AttributeProto {
        i,
        ..attr(name, AttributeType::Int)
    }
}

/// An attribute of integers.
pub fn ints_attr(name: &str, ints: Vec<i64>) -> AttributeProto {
    AttributeProto {
        ints,
        ..attr(name, AttributeType::Ints)
    }
}

/// A float attribute.
pub fn float_attr(name: &str, f: f32) -> AttributeProto {
    AttributeProto {
        f,
        ..attr(name, AttributeType::Float)
    }
}

/// A graph attribute (a branch of `If`).
pub fn graph_attr(name: &str, g: GraphProto) -> AttributeProto {
    AttributeProto {
        g: Some(g),
        ..attr(name, AttributeType::Graph)
    }
}

/// A `Constant` node giving `t` as `name`.
pub fn constant(name: &str, t: TensorProto) -> NodeProto {
    with_attr(node("Constant", &[], name), tensor_attr("value", t))
}

/// A one-dimensional int64 tensor.
pub fn int64s(data: Vec<i64>) -> TensorProto {
    TensorProto {
        dims: vec![data.len() as i64],
        data_type: DataType::Int64 as i32,
        int64_data: data,
        ..Default::default()
    }
}

/// An operator set import.
pub fn opset(domain: &str, version: i64) -> OperatorSetIdProto {
    OperatorSetIdProto {
        domain: domain.into(),
        version,
    }
}

/// A model of the default domain at opset 17 whose graph `name` takes `X` and gives `Y`, both
/// tensors of element type `elem`, through `nodes`.
pub fn model(name: &str, nodes: Vec<NodeProto>, elem: DataType) -> ModelProto {
    ModelProto {
        ir_version: 8,
        opset_import: vec![opset("", 17)],
        graph: Some(GraphProto {
            name: name.into(),
            node: nodes,
            input: vec![value("X", elem)],
            output: vec![value("Y", elem)],
            ..Default::default()
        }),
        ..Default::default()
    }
}
