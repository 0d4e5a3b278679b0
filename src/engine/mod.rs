//! Running a bundle's graph with tract: load and optimise once, then predict batches.

mod error;
pub mod functions;
mod graph_io;
mod graph_outputs;
pub mod ops;
mod outputs;
mod raw;
#[cfg(test)]
mod test_graph;
pub mod vocabulary;
mod zipmap;

use std::collections::BTreeMap;
use std::sync::Arc;

use tract_onnx::prelude::*;
use tract_onnx::Onnx;

use crate::bundle::manifest::{Manifest, Outputs, TensorType};
use crate::schema::Batch;

pub use error::{EngineError, UnsupportedOp};
pub use graph_io::GraphInput;
pub use graph_outputs::{graph_outputs, GraphOutput, OutputKind};
pub use outputs::{predictions_json, Columns, Prediction};
pub use raw::{run_raw, RawData, RawOutput, RawTensor};
pub use vocabulary::TextVocabulary;

type Plan = Arc<TypedRunnableModel>;

thread_local! {
    // The operator registry (tract's ONNX operators and ours, a map of a few hundred names),
    // made once rather than made and freed by every load.
    static FRAMEWORK: Onnx = ops::framework();
}

/// A graph ready to run, bound to a manifest's inputs and outputs.
#[derive(Debug, Clone)]
pub struct Engine {
    plan: Plan,
    /// How each graph input is fed, in graph input order.
    inputs: Vec<graph_io::InputPlan>,
    outputs: Outputs,
    /// Which of `label`, `probabilities`, `value` the plan's outputs are, in order.
    selected: Vec<outputs::Role>,
    /// The tokenizer and vocabulary of each text feature, by feature name.
    vocabularies: BTreeMap<String, Arc<TextVocabulary>>,
    /// When the classifier emits label positions rather than strings, what each stands for.
    label_positions: Option<Arc<outputs::LabelPositions>>,
}

impl Engine {
    /// Loads `model.onnx`, checks it against the manifest, and optimises it once with a
    /// symbolic batch dimension.
    ///
    /// A final `ZipMap` (skl2onnx's default for classifiers) is read before it: the output
    /// it made holds the `[N, classes]` probabilities, and the manifest must list the classes
    /// in the ZipMap's order.
    ///
    /// # Errors
    /// Unsupported operators, schema/graph mismatches and tract failures, each as its own
    /// [`EngineError`] — all at load time, so predictions never hit them.
    pub fn load(model: &[u8], manifest: &Manifest) -> Result<Engine, EngineError> {
        FRAMEWORK.with(|onnx| Engine::load_with(onnx, model, manifest))
    }

    fn load_with(onnx: &Onnx, model: &[u8], manifest: &Manifest) -> Result<Engine, EngineError> {
        let mut proto = graph_io::decode(onnx, model)?;
        let zipmaps = zipmap::unzip(&mut proto)?;
        ops::check_supported(onnx, &proto)?;
        graph_io::check_tensor_inputs(&proto)?;
        if let Some(z) = zipmaps
            .iter()
            .find(|z| manifest.outputs.probabilities.as_ref() == Some(&z.output))
        {
            z.check_manifest(&manifest.outputs)?;
        }
        let graph_inputs = graph_io::inputs(&proto);
        graph_io::check_binding(
            &manifest.inputs.binding,
            manifest.inputs.features.len(),
            &graph_inputs,
        )?;

        let mut model = onnx
            .model_for_proto_model(&proto)
            .map_err(|e| EngineError::Prepare {
                detail: error::chain(&e),
            })?;
        let n = model.symbols.sym("N");
        let prepare = |e: TractError| EngineError::Prepare {
            detail: error::chain(&e),
        };
        let names: Vec<&str> = manifest
            .inputs
            .features
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        let inputs = graph_io::plan(&manifest.inputs.binding, &names, &graph_inputs)?;
        let mut by_input = proto
            .graph
            .as_ref()
            .map(vocabulary::vocabularies)
            .transpose()?
            .unwrap_or_default();
        let vocabularies = inputs
            .iter()
            .filter_map(|i| match i.features.as_slice() {
                [f] => Some((names.get(*f)?.to_string(), by_input.remove(&i.name)?)),
                _ => None,
            })
            .map(|(name, v)| (name, Arc::new(v)))
            .collect();
        for (ix, input) in inputs.iter().enumerate() {
            let shape = tvec![n.to_dim(), input.features.len().to_dim()];
            let fact = InferenceFact::dt_shape(datum_type(input.dtype), shape);
            model.set_input_fact(ix, fact).map_err(prepare)?;
        }
        let (names, selected) = outputs::select(&manifest.outputs, &graph_io::outputs(&proto))?;
        model.select_outputs_by_name(&names).map_err(prepare)?;
        let mut typed = model
            .into_typed()
            .and_then(ops::dense::optimized)
            .map_err(prepare)?;
        let label_positions = label_outlet(&typed, &manifest.outputs, &selected)
            .and_then(|outlet| ops::label_positions(&mut typed, outlet))
            .map(|strings| Arc::new(outputs::LabelPositions::new(&manifest.outputs, strings)));
        let plan = typed.into_runnable().map_err(prepare)?;
        // Each output's width as the optimised graph knows it (`None` when symbolic).
        let widths: Vec<Option<usize>> = (0..selected.len())
            .map(|i| {
                let fact = plan.model().output_fact(i).ok()?;
                match fact.shape.iter().collect::<Vec<_>>().as_slice() {
                    [_] => Some(1),
                    [_, w] => w.to_i64().ok().and_then(|w| usize::try_from(w).ok()),
                    _ => None,
                }
            })
            .collect();
        outputs::check_widths(&manifest.outputs, &selected, &widths)?;
        Ok(Engine {
            plan,
            inputs,
            outputs: manifest.outputs.clone(),
            selected,
            vocabularies,
            label_positions,
        })
    }

    /// The tokenizer and vocabulary a text feature feeds, when the graph has one.
    pub fn vocabulary(&self, feature: &str) -> Option<&TextVocabulary> {
        self.vocabularies.get(feature).map(|v| &**v)
    }

    /// Predicts every row of a validated batch.
    ///
    /// # Errors
    /// [`EngineError::Run`] or [`EngineError::BadOutput`]; the engine stays usable.
    pub fn predict(&self, batch: &Batch) -> Result<Vec<Prediction>, EngineError> {
        Ok(self.predict_columns(batch)?.predictions())
    }

    /// Predicts a validated batch, results column by column (labels as class indices).
    ///
    /// # Errors
    /// As [`Engine::predict`].
    pub fn predict_columns(&self, batch: &Batch) -> Result<Columns, EngineError> {
        if batch.rows == 0 {
            return Ok(outputs::empty_columns(&self.outputs, &self.selected));
        }
        self.run_columns(graph_io::tensors(&self.inputs, batch)?, batch.rows)
    }

    /// Predicts a typed batch that passed the schema — `rows` rows of numbers, one per
    /// feature in schema order, booleans as 0 and 1 — without making a cell per value;
    /// the same results as [`Engine::predict_columns`] of the batch those numbers make.
    ///
    /// # Errors
    /// As [`Engine::predict`].
    pub fn predict_typed(&self, data: &[f64], rows: usize) -> Result<Columns, EngineError> {
        if rows == 0 {
            return Ok(outputs::empty_columns(&self.outputs, &self.selected));
        }
        self.run_columns(graph_io::typed_tensors(&self.inputs, data, rows)?, rows)
    }

    fn run_columns(&self, inputs: Vec<Tensor>, rows: usize) -> Result<Columns, EngineError> {
        let results = self
            .plan
            .run(inputs.into_iter().map(|t| t.into_tvalue()).collect())
            .map_err(|e| EngineError::Run {
                detail: error::chain(&e),
            })?;
        outputs::columns(
            &self.outputs,
            &self.selected,
            &results,
            rows,
            self.label_positions.as_deref(),
        )
    }
}

/// The plan output a classifier's labels leave by (clusters and outlier flags are not
/// class labels).
fn label_outlet(
    model: &TypedModel,
    outputs: &Outputs,
    selected: &[outputs::Role],
) -> Option<OutletId> {
    if outputs.task != crate::bundle::manifest::Task::Classification {
        return None;
    }
    let at = selected.iter().position(|r| *r == outputs::Role::Label)?;
    model.output_outlets().ok()?.get(at).copied()
}

/// The elements of a tensor of type `D`, in row-major order (`Err` for another type).
fn elements<D: Datum>(t: &Tensor) -> TractResult<Vec<D>> {
    // A slice copy: the wasm build (opt-level "s") calls an ndarray iterator per element.
    if let Ok(s) = t
        .try_as_plain_ram()
        .and_then(|v| v.as_slice::<D>().map(<[D]>::to_vec))
    {
        return Ok(s);
    }
    Ok(t.to_plain_array_view::<D>()?.iter().cloned().collect())
}

/// The elements of an integer tensor as i64: int64, int32, or symbolic dims (what shape
/// arithmetic folded at load time leaves behind); `None` for other types.
fn integers(t: &Tensor) -> Option<Vec<i64>> {
    match t.datum_type() {
        DatumType::I64 => elements::<i64>(t).ok(),
        DatumType::I32 => elements::<i32>(t)
            .ok()
            .map(|v| v.into_iter().map(i64::from).collect()),
        DatumType::TDim => elements::<i64>(&*t.cast_to::<i64>().ok()?).ok(),
        _ => None,
    }
}

/// The inputs an ONNX file declares (initializers excluded).
///
/// # Errors
/// [`EngineError::InvalidOnnx`] when the bytes are not an ONNX model.
pub fn graph_inputs(model: &[u8]) -> Result<Vec<GraphInput>, EngineError> {
    Ok(graph_io::inputs(&graph_io::decode(
        &ops::framework(),
        model,
    )?))
}

/// The tokenizer and vocabulary of every graph input that feeds a text vectorizer, by
/// graph input name.
///
/// # Errors
/// [`EngineError::InvalidOnnx`] when the bytes are not an ONNX model, and text operators
/// whose attributes cannot be read.
pub fn text_vocabularies(model: &[u8]) -> Result<BTreeMap<String, TextVocabulary>, EngineError> {
    let proto = graph_io::decode(&ops::framework(), model)?;
    Ok(match &proto.graph {
        Some(g) => vocabulary::vocabularies(g)?,
        None => BTreeMap::new(),
    })
}

fn datum_type(t: TensorType) -> DatumType {
    match t {
        TensorType::Float32 => f32::datum_type(),
        TensorType::Float64 => f64::datum_type(),
        TensorType::Int64 => i64::datum_type(),
        TensorType::String => String::datum_type(),
        TensorType::Bool => bool::datum_type(),
    }
}
