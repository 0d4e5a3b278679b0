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
// Public for bench/load.rs, which times the wasm build's substitution natively.
#[doc(hidden)]
pub mod dense;
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

/// When the graph output `outlet` is the label output of one of our classifiers with string
/// labels, and nothing in the graph reads it, makes the classifier emit each row's label as
/// its position among those strings (int64) and returns the strings: a batch's labels are
/// then one integer per row rather than one string per row made, matched and freed.
pub fn label_positions(
    model: &mut tract_onnx::prelude::TypedModel,
    outlet: tract_onnx::prelude::OutletId,
) -> Option<Vec<String>> {
    if outlet.slot != 0 || !model.outlet_successors(outlet).is_empty() {
        return None;
    }
    let node = model.nodes.get_mut(outlet.node)?;
    class_labels::strings_to_positions::<linear_classifier::LinearClassifier>(node)
        .or_else(|| class_labels::strings_to_positions::<svm::SvmClassifier>(node))
        .or_else(|| {
            class_labels::strings_to_positions::<tree_ensemble::TreeEnsembleClassifier>(node)
        })
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

#[cfg(test)]
mod tests {
    use tract_onnx::prelude::*;

    /// A corpus case's graph, optimised with its one input `[N, width]` f32, and its rows.
    fn corpus(case: &str) -> (TypedModel, Tensor) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
        let io: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join(case).join("io.json")).unwrap())
                .unwrap();
        let rows: Vec<Vec<f32>> =
            serde_json::from_value(io["inputs"]["X"]["data"].clone()).unwrap();
        let width = rows[0].len();
        let flat: Vec<f32> = rows.concat();
        let mut model = super::framework()
            .model_for_path(dir.join(case).join("model.onnx"))
            .unwrap();
        let n = model.symbols.sym("N");
        model
            .set_input_fact(0, f32::fact([n.to_dim(), width.to_dim()]).into())
            .unwrap();
        let x = Tensor::from_shape(&[rows.len(), width], &flat).unwrap();
        (model.into_optimized().unwrap(), x)
    }

    #[test]
    fn string_labels_become_positions_among_the_classifiers_own_labels() {
        for case in [
            "logreg-multiclass-str",
            "dtree-multiclass-str",
            "svc-linear-multiclass-str",
        ] {
            let (model, x) = corpus(case);
            let plain = model.clone().into_runnable().unwrap();
            let expected = plain.run(tvec![x.clone().into()]).unwrap();
            let mut swapped = model;
            let label = swapped.output_outlets().unwrap()[0];
            let strings = super::label_positions(&mut swapped, label)
                .unwrap_or_else(|| panic!("{case}: no positions"));
            let got = swapped
                .into_runnable()
                .unwrap()
                .run(tvec![x.into()])
                .unwrap();
            let positions = got[0]
                .try_as_plain_ram()
                .unwrap()
                .as_slice::<i64>()
                .unwrap()
                .to_vec();
            let labels: Vec<&str> = positions
                .iter()
                .map(|&p| strings[p as usize].as_str())
                .collect();
            let want = expected[0].try_as_plain_ram().unwrap();
            let want: Vec<&str> = want
                .as_slice::<String>()
                .unwrap()
                .iter()
                .map(String::as_str)
                .collect();
            assert_eq!(labels, want, "{case}");
            // The other outputs are untouched.
            assert_eq!(got[1..], expected[1..], "{case}");
        }
    }

    #[test]
    fn integer_labels_and_labels_read_by_the_graph_stay_as_they_are() {
        let (mut model, _) = corpus("svc-rbf-multiclass-int");
        let label = model.output_outlets().unwrap()[0];
        assert!(super::label_positions(&mut model, label).is_none());
        // The probabilities output is not a classifier's label output.
        let (mut model, _) = corpus("logreg-multiclass-str");
        let probabilities = model.output_outlets().unwrap()[1];
        assert!(super::label_positions(&mut model, probabilities).is_none());
    }
}
