//! Errors from loading and running a graph.

use thiserror::Error;

/// Why a graph could not be loaded or run.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EngineError {
    /// `model.onnx` is not a readable ONNX protobuf.
    #[error("model.onnx is not a valid ONNX model: {detail}")]
    InvalidOnnx {
        /// The decoder's message.
        detail: String,
    },
    /// The model's local functions (`ModelProto.functions`) could not be inlined.
    #[error(transparent)]
    Functions(#[from] super::functions::FunctionError),
    /// The graph uses operators the engine does not implement.
    #[error("the graph uses {} that sealed-onnx cannot run: {}; re-export without them or use a supported estimator (see the README)",
        if ops.len() == 1 { "an operator" } else { "operators" },
        ops.iter().map(|o| o.to_string()).collect::<Vec<_>>().join(", "))]
    UnsupportedOperators {
        /// Every unsupported operator, once each.
        ops: Vec<UnsupportedOp>,
    },
    /// A graph input is not a tensor (a map or a sequence, as `DictVectorizer` takes).
    #[error("graph input {name:?} is not a tensor but a map or sequence (what DictVectorizer reads); sealed-onnx feeds graphs tensors only: export a pipeline that takes one [N, k] tensor or one tensor per column (e.g. a ColumnTransformer instead of a DictVectorizer)")]
    NonTensorInput {
        /// Input name.
        name: String,
    },
    /// The manifest's input binding does not fit the graph's inputs.
    #[error("the manifest's input schema does not match the graph: {detail}")]
    InputMismatch {
        /// What differs.
        detail: String,
    },
    /// The manifest names a graph output that does not exist.
    #[error(
        "the manifest names output {name:?} but the graph's outputs are {available:?}; {}",
        missing_output_hint(available)
    )]
    MissingOutput {
        /// Name in the manifest.
        name: String,
        /// The graph's outputs.
        available: Vec<String>,
    },
    /// tract could not analyse or optimise the graph.
    #[error("the graph could not be prepared for inference: {detail}")]
    Prepare {
        /// tract's message chain.
        detail: String,
    },
    /// Running the graph failed.
    #[error("inference failed: {detail}")]
    Run {
        /// tract's message chain.
        detail: String,
    },
    /// An output has a type or shape the manifest does not allow.
    #[error("output {name:?} {problem}")]
    BadOutput {
        /// Output name.
        name: String,
        /// What is wrong.
        problem: String,
    },
    /// A raw tensor given to [`crate::engine::run_raw`] is malformed.
    #[error("tensor {name:?}: {problem}")]
    BadTensor {
        /// Input name.
        name: String,
        /// What is wrong.
        problem: String,
    },
}

/// What to do about a manifest output the graph does not have.
fn missing_output_hint(available: &[String]) -> &'static str {
    if available.iter().any(|a| a == "output_probability") {
        "this is a default skl2onnx classifier export: name \"output_label\" and \"output_probability\" in the metadata's outputs"
    } else {
        "name one of them in the metadata's outputs"
    }
}

/// An operator the engine cannot run.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnsupportedOp {
    /// ONNX domain (`ai.onnx` for the default domain).
    pub domain: String,
    /// Operator type, e.g. `TreeEnsembleRegressor`.
    pub op_type: String,
}

impl UnsupportedOp {
    /// Why an operator we know of is not supported, when there is more to say than "not
    /// implemented".
    fn reason(&self) -> Option<&'static str> {
        match self.op_type.as_str() {
            "DictVectorizer" | "CastMap" => Some(
                "it reads maps, and sealed-onnx graph inputs are tensors only; use named columns \
                 (e.g. a ColumnTransformer) instead of dicts",
            ),
            "ZipMap" => Some(
                "only a ZipMap that produces a graph output is supported; or export the \
                 classifier with options={id(clf): {\"zipmap\": False}}",
            ),
            _ => None,
        }
    }
}

impl std::fmt::Display for UnsupportedOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (domain {}", self.op_type, self.domain)?;
        match self.reason() {
            Some(why) => write!(f, ": {why})"),
            None => write!(f, ")"),
        }
    }
}

/// Formats a tract error with its whole cause chain on one line.
pub(crate) fn chain(e: &tract_onnx::prelude::TractError) -> String {
    format!("{e:#}")
}
