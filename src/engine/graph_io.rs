//! The graph's declared inputs and outputs, and turning validated batches into input tensors.

use tract_onnx::pb::{
    tensor_proto::DataType, tensor_shape_proto, type_proto, GraphProto, ModelProto,
};
use tract_onnx::prelude::*;
use tract_onnx::Onnx;

use super::error::EngineError;
use crate::bundle::manifest::{Binding, TensorType};
use crate::schema::{Batch, Cell};

/// Decodes the ONNX protobuf, with its model-local functions inlined.
pub fn decode(onnx: &Onnx, bytes: &[u8]) -> Result<ModelProto, EngineError> {
    let mut proto =
        onnx.proto_model_for_read(&mut &*bytes)
            .map_err(|e| EngineError::InvalidOnnx {
                detail: format!("{e:#}"),
            })?;
    super::functions::inline(bytes, &mut proto)?;
    Ok(proto)
}

/// A graph input as declared in the ONNX file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphInput {
    /// Input name.
    pub name: String,
    /// Element type, when declared and known.
    pub dtype: Option<TensorType>,
    /// The fixed size of the second dimension, when declared.
    pub width: Option<usize>,
    /// Whether the input is text: it reaches a `StringNormalizer` or `Tokenizer` through
    /// shape-only nodes (how skl2onnx exports a text vectorizer's input).
    pub text: bool,
}

/// The text operators of skl2onnx's text vectorizers.
const TEXT_OPS: &[&str] = &["StringNormalizer", "Tokenizer"];
/// Nodes that pass their first input's values through unchanged (shape only).
pub(super) const PASS_THROUGH: &[&str] =
    &["Reshape", "Flatten", "Identity", "Squeeze", "Unsqueeze"];

/// Whether `name` reaches a text operator through pass-through nodes.
fn feeds_text(graph: &GraphProto, name: &str) -> bool {
    let mut frontier = vec![name.to_string()];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(value) = frontier.pop() {
        if !seen.insert(value.clone()) {
            continue;
        }
        for node in graph
            .node
            .iter()
            .filter(|n| n.input.first() == Some(&value))
        {
            if TEXT_OPS.contains(&node.op_type.as_str()) {
                return true;
            }
            if PASS_THROUGH.contains(&node.op_type.as_str()) {
                frontier.extend(node.output.iter().cloned());
            }
        }
    }
    false
}

/// The graph's real inputs (initializers excluded).
pub fn inputs(proto: &ModelProto) -> Vec<GraphInput> {
    let Some(graph) = &proto.graph else {
        return Vec::new();
    };
    graph
        .input
        .iter()
        .filter(|i| !graph.initializer.iter().any(|init| init.name == i.name))
        .map(|i| {
            let tt = i.r#type.as_ref().and_then(|t| match &t.value {
                Some(type_proto::Value::TensorType(tt)) => Some(tt),
                _ => None,
            });
            let width = tt
                .and_then(|tt| tt.shape.as_ref())
                .and_then(|s| s.dim.get(1))
                .and_then(|d| match d.value {
                    Some(tensor_shape_proto::dimension::Value::DimValue(v)) => {
                        usize::try_from(v).ok()
                    }
                    _ => None,
                });
            GraphInput {
                name: i.name.clone(),
                dtype: tt.and_then(|tt| tensor_type(tt.elem_type)),
                width,
                text: feeds_text(graph, &i.name),
            }
        })
        .collect()
}

/// Refuses graph inputs that are not tensors (maps or sequences: a `DictVectorizer` export
/// takes a map), which no schema binding can feed.
pub fn check_tensor_inputs(proto: &ModelProto) -> Result<(), EngineError> {
    let Some(graph) = &proto.graph else {
        return Ok(());
    };
    let initializers: Vec<&str> = graph.initializer.iter().map(|i| i.name.as_str()).collect();
    match graph.input.iter().find(|i| {
        !initializers.contains(&i.name.as_str())
            && i.r#type.as_ref().is_some_and(|t| t.value.is_none())
    }) {
        Some(i) => Err(EngineError::NonTensorInput {
            name: i.name.clone(),
        }),
        None => Ok(()),
    }
}

/// The graph's output names.
pub fn outputs(proto: &ModelProto) -> Vec<String> {
    proto
        .graph
        .as_ref()
        .map(|g| g.output.iter().map(|o| o.name.clone()).collect())
        .unwrap_or_default()
}

fn tensor_type(elem: i32) -> Option<TensorType> {
    match DataType::try_from(elem).ok()? {
        DataType::Float => Some(TensorType::Float32),
        DataType::Double => Some(TensorType::Float64),
        DataType::Int64 => Some(TensorType::Int64),
        DataType::String => Some(TensorType::String),
        DataType::Bool => Some(TensorType::Bool),
        _ => None,
    }
}

/// Checks that the manifest binds exactly the graph's inputs, with matching element types.
pub fn check_binding(
    binding: &Binding,
    features: usize,
    graph: &[GraphInput],
) -> Result<(), EngineError> {
    let mismatch = |detail: String| Err(EngineError::InputMismatch { detail });
    let names: Vec<&str> = graph.iter().map(|g| g.name.as_str()).collect();
    let bound: Vec<(&str, TensorType)> = match binding {
        Binding::Tensor { input, dtype } => vec![(input.as_str(), *dtype)],
        Binding::Columns { columns } => columns
            .iter()
            .map(|c| (c.input.as_str(), c.dtype))
            .collect(),
    };
    if bound.len() != graph.len() || bound.iter().any(|(b, _)| !names.contains(b)) {
        return mismatch(format!(
            "the graph's inputs are {names:?} but the manifest binds {:?}",
            bound.iter().map(|(b, _)| *b).collect::<Vec<_>>()
        ));
    }
    let expected_width = match binding {
        Binding::Tensor { .. } => features,
        Binding::Columns { .. } => 1,
    };
    for g in graph {
        let name = &g.name;
        let Some(want) = bound.iter().find(|(b, _)| b == name).map(|(_, t)| *t) else {
            continue;
        };
        if let Some(declared) = g.dtype {
            if declared != want {
                return mismatch(format!(
                    "graph input {name:?} is {} but the manifest binds it as {}",
                    declared.as_str(),
                    want.as_str()
                ));
            }
        }
        if let Some(width) = g.width {
            if width != expected_width {
                return mismatch(format!(
                    "graph input {name:?} takes {width} column(s) but the manifest feeds it {expected_width}"
                ));
            }
        }
    }
    Ok(())
}

/// How one graph input is fed: its name, element type, and which schema features (by index,
/// in column order) go into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputPlan {
    /// Graph input name.
    pub name: String,
    /// Element type.
    pub dtype: TensorType,
    /// Indices into the schema's features, one per column of the `[N, k]` tensor.
    pub features: Vec<usize>,
}

/// Plans the graph's inputs in the graph's own order (the order the compiled plan takes
/// them), finding each bound feature by name, never by position.
pub fn plan(
    binding: &Binding,
    feature_names: &[&str],
    graph: &[GraphInput],
) -> Result<Vec<InputPlan>, EngineError> {
    graph
        .iter()
        .map(|g| match binding {
            Binding::Tensor { dtype, .. } => Ok(InputPlan {
                name: g.name.clone(),
                dtype: *dtype,
                features: (0..feature_names.len()).collect(),
            }),
            Binding::Columns { columns } => {
                let c = columns.iter().find(|c| c.input == g.name).ok_or_else(|| {
                    EngineError::InputMismatch {
                        detail: format!("graph input {:?} is not bound to a feature", g.name),
                    }
                })?;
                let index = feature_names
                    .iter()
                    .position(|f| *f == c.feature)
                    .ok_or_else(|| EngineError::InputMismatch {
                        detail: format!(
                            "graph input {:?} is bound to unknown feature {:?}",
                            g.name, c.feature
                        ),
                    })?;
                Ok(InputPlan {
                    name: g.name.clone(),
                    dtype: c.dtype,
                    features: vec![index],
                })
            }
        })
        .collect()
}

/// Builds the graph's input tensors, in graph input order, from a validated batch.
pub fn tensors(plan: &[InputPlan], batch: &Batch) -> Result<Vec<Tensor>, EngineError> {
    let mut out = Vec::with_capacity(plan.len());
    // Plain loops: the wasm build (opt-level "s") leaves iterator adapters as calls per cell.
    for p in plan {
        let columns: Vec<&[Cell]> = p
            .features
            .iter()
            .map(|&f| batch.columns.get(f).map_or(&[][..], Vec::as_slice))
            .collect();
        let mut cells = Vec::with_capacity(batch.rows * columns.len());
        for r in 0..batch.rows {
            for column in &columns {
                cells.push(column.get(r).unwrap_or(&Cell::Missing));
            }
        }
        let shape = [batch.rows, p.features.len()];
        out.push(tensor(&p.name, p.dtype, &Values::Cells(cells), &shape)?);
    }
    Ok(out)
}

/// Builds the graph's input tensors from a typed batch that passed the schema: `rows` rows
/// of numbers, one per feature in schema order (booleans as 0 and 1). Each input gets what
/// [`tensors`] gives for the batch of cells those numbers make, without making the cells.
pub fn typed_tensors(
    plan: &[InputPlan],
    data: &[f64],
    rows: usize,
) -> Result<Vec<Tensor>, EngineError> {
    let width = data.len().checked_div(rows).unwrap_or(0);
    let mut out = Vec::with_capacity(plan.len());
    for p in plan {
        let mut numbers = Vec::with_capacity(rows * p.features.len());
        for row in data.chunks_exact(width.max(1)).take(rows) {
            for &f in &p.features {
                // A cell holds a non-finite number as missing (a NaN in the tensor).
                let x = row.get(f).copied().unwrap_or(f64::NAN);
                numbers.push(if x.is_finite() { x } else { f64::NAN });
            }
        }
        let shape = [rows, p.features.len()];
        out.push(tensor(&p.name, p.dtype, &Values::Numbers(numbers), &shape)?);
    }
    Ok(out)
}

/// One graph input's values in row-major order: cells, or numbers standing for cells.
enum Values<'a> {
    Cells(Vec<&'a Cell>),
    Numbers(Vec<f64>),
}

impl Values<'_> {
    /// The values as numbers (see [`number`]), converted by `to`.
    fn numbers<T>(&self, to: impl Fn(f64) -> T) -> Vec<T> {
        match self {
            Values::Cells(cells) => {
                let mut out = Vec::with_capacity(cells.len());
                for c in cells {
                    out.push(to(number(c)));
                }
                out
            }
            Values::Numbers(numbers) => {
                let mut out = Vec::with_capacity(numbers.len());
                for &x in numbers {
                    out.push(to(x));
                }
                out
            }
        }
    }

    /// The values as strings: a cell's text, else empty.
    fn strings(&self) -> Vec<String> {
        match self {
            Values::Cells(cells) => cells
                .iter()
                .map(|c| match c {
                    Cell::Text(s) => s.clone(),
                    _ => String::new(),
                })
                .collect(),
            Values::Numbers(numbers) => vec![String::new(); numbers.len()],
        }
    }
}

fn number(cell: &Cell) -> f64 {
    match cell {
        Cell::Number(n) => *n,
        Cell::Bool(b) => f64::from(u8::from(*b)),
        Cell::Missing | Cell::Text(_) => f64::NAN,
    }
}

fn tensor(
    name: &str,
    dtype: TensorType,
    values: &Values<'_>,
    shape: &[usize],
) -> Result<Tensor, EngineError> {
    let bad = |problem: &str| EngineError::BadTensor {
        name: name.to_string(),
        problem: problem.to_string(),
    };
    let built = match dtype {
        TensorType::Float32 => Tensor::from_shape(shape, &values.numbers(|x| x as f32)),
        TensorType::Float64 => Tensor::from_shape(shape, &values.numbers(|x| x)),
        TensorType::Bool => Tensor::from_shape(shape, &values.numbers(|x| x != 0.0)),
        TensorType::Int64 => {
            let ints: Option<Vec<i64>> = values
                .numbers(|n| Some(n).filter(|n| n.is_finite()).map(|n| n as i64))
                .into_iter()
                .collect();
            Tensor::from_shape(
                shape,
                &ints.ok_or_else(|| bad("a missing value cannot go into an int64 input"))?,
            )
        }
        TensorType::String => tract_ndarray::ArrayD::from_shape_vec(shape, values.strings())
            .map(|a| a.into_tensor())
            .map_err(|e| TractError::msg(e.to_string())),
    };
    built.map_err(|e| bad(&format!("{e:#}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tract_onnx::pb::{GraphProto, TypeProto, ValueInfoProto};

    fn model(input_type: Option<TypeProto>) -> ModelProto {
        ModelProto {
            graph: Some(GraphProto {
                input: vec![ValueInfoProto {
                    name: "X".into(),
                    r#type: input_type,
                    ..ValueInfoProto::default()
                }],
                ..GraphProto::default()
            }),
            ..ModelProto::default()
        }
    }

    #[test]
    fn typed_numbers_make_the_tensors_their_cells_make() {
        use crate::schema::Shape;
        let plan = |dtype, features: Vec<usize>| InputPlan {
            name: "X".into(),
            dtype,
            features,
        };
        // Two rows of four features: a non-finite number is a missing cell; 0/1 a boolean.
        let data = [1.5, f64::INFINITY, 0.0, 7.0, f64::NAN, -2.0, 1.0, 3.0];
        let cell = |x: f64, boolean: bool| match x {
            x if !x.is_finite() => Cell::Missing,
            x if boolean => Cell::Bool(x == 1.0),
            x => Cell::Number(x),
        };
        let columns = (0..4)
            .map(|f| (0..2).map(|r| cell(data[r * 4 + f], f == 2)).collect())
            .collect();
        let batch = Batch {
            rows: 2,
            columns,
            shape: Shape::Records,
        };
        for p in [
            plan(TensorType::Float32, vec![3, 0, 2]),
            plan(TensorType::Float64, vec![1, 2]),
            plan(TensorType::Bool, vec![2, 0]),
            plan(TensorType::Int64, vec![3, 2]),
            plan(TensorType::String, vec![3]),
        ] {
            let plans = [p];
            let (cells, typed) = (
                tensors(&plans, &batch).unwrap(),
                typed_tensors(&plans, &data, 2).unwrap(),
            );
            // Debug text compares NaNs as equal, which `==` on tensors does not.
            assert_eq!(
                format!("{typed:?}"),
                format!("{cells:?}"),
                "{:?}",
                plans[0].dtype
            );
        }
        // A missing value cannot go into an int64 input either way.
        let ints = [plan(TensorType::Int64, vec![0])];
        let (a, b) = (tensors(&ints, &batch), typed_tensors(&ints, &data, 2));
        assert!(a.is_err() && b.is_err());
        assert_eq!(a.unwrap_err().to_string(), b.unwrap_err().to_string());
    }

    #[test]
    fn a_map_input_is_refused_by_name() {
        // A map type decodes as a type without a tensor value.
        let map = model(Some(TypeProto::default()));
        let e = check_tensor_inputs(&map).unwrap_err().to_string();
        assert!(e.contains("graph input \"X\" is not a tensor"), "{e}");
        let tensor = model(Some(TypeProto {
            value: Some(type_proto::Value::TensorType(type_proto::Tensor::default())),
            ..TypeProto::default()
        }));
        assert!(check_tensor_inputs(&tensor).is_ok());
    }
}
