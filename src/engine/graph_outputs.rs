//! The graph's declared outputs, as `pack` reads them to infer what a model predicts.

use tract_onnx::pb::{tensor_proto::DataType, tensor_shape_proto, type_proto, ModelProto};

use super::error::EngineError;

/// The element kind of a declared output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// float32 or float64 numbers.
    Float,
    /// Integers (int64 or int32).
    Integer,
    /// Strings.
    String,
    /// Anything else: a sequence of maps (a ZipMap), booleans, an undeclared type.
    Other,
}

/// A graph output as declared in the ONNX file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphOutput {
    /// Output name.
    pub name: String,
    /// What its elements are.
    pub kind: OutputKind,
    /// Declared dimensions: `Some(n)` for a fixed size, `None` for a symbolic or unknown one;
    /// `None` overall when the shape is not declared.
    pub shape: Option<Vec<Option<usize>>>,
    /// The operator that makes it (e.g. `ArgMin` for a KMeans label), when a node does.
    pub producer: Option<String>,
}

impl GraphOutput {
    /// Numbers per row: 1 for `[N]` or `[N, 1]`, `Some(k)` for `[N, k]`, `None` when the
    /// second dimension is not fixed or the rank is not 1 or 2.
    pub fn width(&self) -> Option<usize> {
        match self.shape.as_deref()? {
            [_] => Some(1),
            [_, w] => *w,
            _ => None,
        }
    }
}

/// The declared outputs of an ONNX file, in graph order.
///
/// # Errors
/// [`EngineError::InvalidOnnx`] when the bytes are not an ONNX model.
pub fn graph_outputs(model: &[u8]) -> Result<Vec<GraphOutput>, EngineError> {
    let proto = super::graph_io::decode(&super::ops::framework(), model)?;
    Ok(declared(&proto))
}

fn declared(proto: &ModelProto) -> Vec<GraphOutput> {
    let Some(graph) = &proto.graph else {
        return Vec::new();
    };
    graph
        .output
        .iter()
        .map(|o| {
            let tt = o.r#type.as_ref().and_then(|t| match &t.value {
                Some(type_proto::Value::TensorType(tt)) => Some(tt),
                _ => None,
            });
            let kind = match tt.map(|tt| DataType::try_from(tt.elem_type)) {
                Some(Ok(DataType::Float | DataType::Double)) => OutputKind::Float,
                Some(Ok(DataType::Int64 | DataType::Int32)) => OutputKind::Integer,
                Some(Ok(DataType::String)) => OutputKind::String,
                _ => OutputKind::Other,
            };
            let shape = tt.and_then(|tt| tt.shape.as_ref()).map(|s| {
                s.dim
                    .iter()
                    .map(|d| match d.value {
                        Some(tensor_shape_proto::dimension::Value::DimValue(v)) => {
                            usize::try_from(v).ok()
                        }
                        _ => None,
                    })
                    .collect()
            });
            let producer = graph
                .node
                .iter()
                .find(|n| n.output.iter().any(|out| out == &o.name))
                .map(|n| n.op_type.clone());
            GraphOutput {
                name: o.name.clone(),
                kind,
                shape,
                producer,
            }
        })
        .collect()
}
