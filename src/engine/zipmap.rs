//! `ai.onnx.ml.ZipMap` at the end of a graph: what skl2onnx's default classifier exports
//! (without `zipmap: False`) produce for their probabilities.
//!
//! ZipMap turns a `[N, C]` float tensor into a sequence of N maps `{class label: probability}`.
//! The engine works on tensors only, so when loading, a ZipMap whose output is a graph output
//! (and feeds nothing else) is replaced by an `Identity`: the graph output keeps its name but
//! carries the `[N, C]` tensor, and the ZipMap's class labels are remembered so that results
//! can be shown as onnxruntime shows them (`RawOutput::Maps`). A ZipMap anywhere else
//! stays in the graph and is refused as an unsupported operator.

use serde_json::Value as Json;
use tract_onnx::pb::{GraphProto, ModelProto};
use tract_onnx::prelude::*;

use super::error::EngineError;
use super::ops::class_labels::ClassLabels;
use crate::bundle::manifest::Outputs;

/// A graph output that was a ZipMap's: its name and the ZipMap's class labels, in column order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipMapOutput {
    /// The graph output's name (e.g. `output_probability`).
    pub output: String,
    /// The map keys, one per column of the tensor.
    pub labels: ClassLabels,
}

/// Replaces every ZipMap that feeds only a graph output by an `Identity`, and returns those
/// outputs with their class labels.
///
/// # Errors
/// [`EngineError::Prepare`] for a ZipMap without exactly one input, one output and one of
/// `classlabels_int64s` / `classlabels_strings`.
pub fn unzip(proto: &mut ModelProto) -> Result<Vec<ZipMapOutput>, EngineError> {
    let Some(graph) = proto.graph.as_mut() else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for i in 0..graph.node.len() {
        let node = &graph.node[i];
        if node.op_type != "ZipMap" || !feeds_only_a_graph_output(graph, i) {
            continue;
        }
        let bad = |detail: String| EngineError::Prepare {
            detail: format!("ZipMap node {:?}: {detail}", node.name),
        };
        if node.input.len() != 1 {
            return Err(bad(format!(
                "has {} inputs; ZipMap takes one [N, C] tensor",
                node.input.len()
            )));
        }
        let labels = ClassLabels::parse(node).map_err(|e| bad(format!("{e:#}")))?;
        let output = node.output[0].clone();
        let node = &mut graph.node[i];
        node.op_type = "Identity".into();
        node.domain = String::new();
        node.attribute.clear();
        if let Some(o) = graph.output.iter_mut().find(|o| o.name == output) {
            // A sequence of maps: nothing tract could use.
            o.r#type = None;
        }
        found.push(ZipMapOutput { output, labels });
    }
    Ok(found)
}

/// Whether node `i` has exactly one output, which is a graph output and no node's input.
fn feeds_only_a_graph_output(graph: &GraphProto, i: usize) -> bool {
    let [output] = graph.node[i].output.as_slice() else {
        return false;
    };
    graph.output.iter().any(|o| &o.name == output)
        && !graph
            .node
            .iter()
            .any(|n| n.input.iter().any(|input| input == output))
}

impl ZipMapOutput {
    /// The labels as the manifest's `class_labels` spell them (JSON strings or integers).
    pub fn label_values(&self) -> Vec<Json> {
        match &self.labels {
            ClassLabels::Ints(v) => v.iter().map(|l| Json::from(*l)).collect(),
            ClassLabels::Strings(v) => v.iter().map(|l| Json::from(l.as_str())).collect(),
        }
    }

    /// The labels as map keys (integers written as decimal strings).
    pub fn keys(&self) -> Vec<String> {
        match &self.labels {
            ClassLabels::Ints(v) => v.iter().map(i64::to_string).collect(),
            ClassLabels::Strings(v) => v.clone(),
        }
    }

    /// Checks that a manifest whose probabilities are this output lists the classes in the
    /// ZipMap's order: its `class_labels`, or else its `class_names`, must be the labels.
    ///
    /// # Errors
    /// [`EngineError::BadOutput`] naming both lists.
    pub fn check_manifest(&self, outputs: &Outputs) -> Result<(), EngineError> {
        let (what, listed, expected) = match (&outputs.class_labels, &outputs.class_names) {
            (Some(labels), _) => ("class_labels", labels.clone(), self.label_values()),
            (None, Some(names)) => (
                "class_names",
                names.iter().map(|n| Json::from(n.as_str())).collect(),
                self.keys().into_iter().map(Json::from).collect(),
            ),
            (None, None) => return Ok(()),
        };
        if listed == expected {
            return Ok(());
        }
        Err(EngineError::BadOutput {
            name: self.output.clone(),
            problem: format!(
                "is a ZipMap over the classes {} but the manifest's {what} are {}; list them in the ZipMap's order",
                Json::from(expected),
                Json::from(listed)
            ),
        })
    }

    /// The rows of the ZipMap's result: one probability per label, in label order. `t` is
    /// the tensor that went into the ZipMap: `[N, C]`, or `[C]` for one row (as onnxruntime).
    ///
    /// # Errors
    /// [`EngineError::BadOutput`] when `t` is not a float tensor with one column per label.
    pub fn rows(&self, t: &Tensor) -> Result<Vec<Vec<f64>>, EngineError> {
        let labels = self.labels.len();
        let bad = |problem: String| EngineError::BadOutput {
            name: self.output.clone(),
            problem,
        };
        let values: Vec<f64> = if let Ok(v) = super::elements::<f32>(t) {
            v.into_iter().map(f64::from).collect()
        } else if let Ok(v) = super::elements::<f64>(t) {
            v
        } else {
            return Err(bad(format!(
                "is a ZipMap over a {:?} tensor; ZipMap takes floats",
                t.datum_type()
            )));
        };
        let columns = match t.shape() {
            [c] | [_, c] => *c,
            other => {
                return Err(bad(format!(
                    "is a ZipMap over a tensor of shape {other:?}; ZipMap takes [N, C] or [C]"
                )))
            }
        };
        if columns != labels {
            return Err(bad(format!(
                "is a ZipMap with {labels} class labels over {columns} columns"
            )));
        }
        Ok(values
            .chunks(columns.max(1))
            .filter(|_| columns > 0)
            .map(<[f64]>::to_vec)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tract_onnx::pb::{AttributeProto, NodeProto, ValueInfoProto};

    fn node(op: &str, inputs: &[&str], outputs: &[&str]) -> NodeProto {
        NodeProto {
            op_type: op.into(),
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: outputs.iter().map(|s| s.to_string()).collect(),
            ..NodeProto::default()
        }
    }

    fn zipmap(input: &str, output: &str) -> NodeProto {
        let mut n = node("ZipMap", &[input], &[output]);
        n.domain = "ai.onnx.ml".into();
        n.attribute.push(AttributeProto {
            name: "classlabels_int64s".into(),
            ints: vec![3, 7],
            r#type: 7,
            ..AttributeProto::default()
        });
        n
    }

    fn model(nodes: Vec<NodeProto>, outputs: &[&str]) -> ModelProto {
        ModelProto {
            graph: Some(GraphProto {
                node: nodes,
                output: outputs
                    .iter()
                    .map(|o| ValueInfoProto {
                        name: o.to_string(),
                        ..ValueInfoProto::default()
                    })
                    .collect(),
                ..GraphProto::default()
            }),
            ..ModelProto::default()
        }
    }

    #[test]
    fn a_final_zipmap_becomes_an_identity_and_keeps_its_labels() {
        let mut m = model(
            vec![node("Normalizer", &["x"], &["p"]), zipmap("p", "out")],
            &["out"],
        );
        let found = unzip(&mut m).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].output, "out");
        assert_eq!(found[0].labels, ClassLabels::Ints(vec![3, 7]));
        let z = &m.graph.as_ref().unwrap().node[1];
        assert_eq!((z.op_type.as_str(), z.domain.as_str()), ("Identity", ""));
        assert!(z.attribute.is_empty());
    }

    #[test]
    fn a_zipmap_inside_the_graph_stays() {
        let mut m = model(
            vec![zipmap("p", "maps"), node("SequenceAt", &["maps"], &["out"])],
            &["out"],
        );
        assert!(unzip(&mut m).unwrap().is_empty());
        assert_eq!(m.graph.as_ref().unwrap().node[0].op_type, "ZipMap");
        // Also when its output is a graph output that another node reads.
        let mut m = model(
            vec![zipmap("p", "maps"), node("SequenceAt", &["maps"], &["out"])],
            &["maps", "out"],
        );
        assert!(unzip(&mut m).unwrap().is_empty());
    }

    #[test]
    fn a_zipmap_without_labels_is_an_error() {
        let mut z = zipmap("p", "out");
        z.attribute.clear();
        let mut m = model(vec![z], &["out"]);
        let e = unzip(&mut m).unwrap_err().to_string();
        assert!(e.contains("ZipMap"), "{e}");
    }

    fn outputs(names: &[&str], labels: Option<Vec<Json>>) -> Outputs {
        Outputs {
            class_names: Some(names.iter().map(|n| n.to_string()).collect()),
            class_labels: labels,
            probabilities: Some("out".into()),
            ..Outputs::of_task(crate::bundle::manifest::Task::Classification)
        }
    }

    #[test]
    fn the_manifest_must_list_the_classes_in_the_zipmap_order() {
        let ints = ZipMapOutput {
            output: "out".into(),
            labels: ClassLabels::Ints(vec![3, 7]),
        };
        let labels = |v: &[i64]| Some(v.iter().map(|l| Json::from(*l)).collect());
        assert!(ints
            .check_manifest(&outputs(&["a", "b"], labels(&[3, 7])))
            .is_ok());
        let e = ints
            .check_manifest(&outputs(&["b", "a"], labels(&[7, 3])))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("over the classes [3,7] but the manifest's class_labels are [7,3]"),
            "{e}"
        );
        // Without class_labels, the class names must be the labels.
        assert!(ints.check_manifest(&outputs(&["3", "7"], None)).is_ok());
        let e = ints
            .check_manifest(&outputs(&["7", "3"], None))
            .unwrap_err()
            .to_string();
        assert!(e.contains("class_names"), "{e}");
    }

    #[test]
    fn rows_are_per_row_in_label_order() {
        let z = ZipMapOutput {
            output: "out".into(),
            labels: ClassLabels::Strings(vec!["b".into(), "a".into()]),
        };
        assert_eq!(z.keys(), ["b", "a"]);
        let t = Tensor::from_shape(&[2, 2], &[0.25f32, 0.75, 0.5, 0.5]).unwrap();
        assert_eq!(z.rows(&t).unwrap(), vec![vec![0.25, 0.75], vec![0.5, 0.5]]);
        let one = Tensor::from_shape(&[2], &[0.5f32, 0.5]).unwrap();
        assert_eq!(z.rows(&one).unwrap().len(), 1);
        let wrong = Tensor::from_shape(&[1, 3], &[0.1f32, 0.2, 0.7]).unwrap();
        let e = z.rows(&wrong).unwrap_err().to_string();
        assert!(e.contains("2 class labels over 3"), "{e}");
        let ints = ZipMapOutput {
            output: "out".into(),
            labels: ClassLabels::Ints(vec![0, 1]),
        };
        assert_eq!(ints.keys(), ["0", "1"]);
        assert_eq!(
            ints.label_values(),
            [serde_json::json!(0), serde_json::json!(1)]
        );
    }
}
