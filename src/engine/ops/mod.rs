//! The operator set: tract's ONNX operators plus ours (one module each), and the check that a
//! graph uses only those.

use std::collections::BTreeSet;

use tract_onnx::pb::{GraphProto, ModelProto};
use tract_onnx::Onnx;

use super::error::{EngineError, UnsupportedOp};

mod array_feature_extractor;
mod binarizer;
pub(crate) mod class_labels;
mod compress;
mod constant_of_shape;
pub(crate) mod dense;
mod dense_lanes;
mod feature_vectorizer;
mod flatten;
mod forest;
mod forest_lanes;
mod if_branch;
mod imputer;
mod kernel;
mod label_encoder;
mod linear_classifier;
mod normalizer;
mod one_hot_encoder;
mod post_transform;
mod reduce_log_sum_exp;
mod scaler;
pub(crate) mod string_normalizer;
mod svm;
mod tfidf_vectorizer;
pub(crate) mod tokenizer;
mod tree_ensemble;
mod tree_ensemble_v5;

/// tract's ONNX framework with the operators this crate adds (or replaces) registered on it.
pub fn framework() -> Onnx {
    let mut onnx = tract_onnx::onnx();
    linear_classifier::register(&mut onnx.op_register);
    tree_ensemble::register(&mut onnx.op_register);
    tree_ensemble_v5::register(&mut onnx.op_register);
    scaler::register(&mut onnx.op_register);
    normalizer::register(&mut onnx.op_register);
    imputer::register(&mut onnx.op_register);
    binarizer::register(&mut onnx.op_register);
    one_hot_encoder::register(&mut onnx.op_register);
    label_encoder::register(&mut onnx.op_register);
    svm::register(&mut onnx.op_register);
    array_feature_extractor::register(&mut onnx.op_register);
    feature_vectorizer::register(&mut onnx.op_register);
    reduce_log_sum_exp::register(&mut onnx.op_register);
    string_normalizer::register(&mut onnx.op_register);
    tokenizer::register(&mut onnx.op_register);
    tfidf_vectorizer::register(&mut onnx.op_register);
    flatten::register(&mut onnx.op_register);
    compress::register(&mut onnx.op_register);
    constant_of_shape::register(&mut onnx.op_register);
    if_branch::register(&mut onnx.op_register);
    onnx
}

/// Refuses a graph that uses an operator no builder is registered for, naming every one.
///
/// tract itself would only fail later, during analysis, with a less direct message.
pub fn check_supported(onnx: &Onnx, model: &ModelProto) -> Result<(), EngineError> {
    let mut missing = BTreeSet::new();
    if let Some(graph) = &model.graph {
        collect_unsupported(onnx, graph, &mut missing);
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(EngineError::UnsupportedOperators {
            ops: missing.into_iter().collect(),
        })
    }
}

fn collect_unsupported(onnx: &Onnx, graph: &GraphProto, missing: &mut BTreeSet<UnsupportedOp>) {
    for node in &graph.node {
        if !onnx.op_register.0.contains_key(&node.op_type) {
            let domain = if node.domain.is_empty() {
                "ai.onnx"
            } else {
                node.domain.as_str()
            };
            missing.insert(UnsupportedOp {
                domain: domain.to_string(),
                op_type: node.op_type.clone(),
            });
        }
        for attr in &node.attribute {
            if let Some(g) = &attr.g {
                collect_unsupported(onnx, g, missing);
            }
            for g in &attr.graphs {
                collect_unsupported(onnx, g, missing);
            }
        }
    }
}
