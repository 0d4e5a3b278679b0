//! Choosing the graph outputs a manifest names, and turning them into labelled predictions.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value as Json;
use tract_onnx::prelude::*;

use super::error::EngineError;
use crate::bundle::manifest::{Outputs, Task};
use crate::schema::Shape;

/// What one selected graph output means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The predicted label.
    Label,
    /// `[N, classes]` probabilities.
    Probabilities,
    /// The regression value.
    Value,
}

/// One row's prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// The predicted class name (classification).
    pub label: Option<String>,
    /// Probability per class name, in class order (classification, when the graph has them).
    pub probabilities: Option<Vec<(String, f64)>>,
    /// The predicted value (regression).
    pub value: Option<f64>,
}

/// The JSON form: `{"label", "probabilities": {class: p, ...}, "value"}`, absent parts left
/// out, classes in class order. Written straight to the output (no `serde_json::Value` in
/// between: a batch of thousands of rows spent a third of its time building and dropping one).
impl Serialize for Prediction {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        /// The probabilities as one map, in class order.
        struct Probabilities<'a>(&'a [(String, f64)]);
        impl Serialize for Probabilities<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_map(self.0.iter().map(|(c, v)| (c, v)))
            }
        }
        let len = [
            self.label.is_some(),
            self.probabilities.is_some(),
            self.value.is_some(),
        ]
        .iter()
        .filter(|&&b| b)
        .count();
        let mut map = serializer.serialize_map(Some(len))?;
        if let Some(l) = &self.label {
            map.serialize_entry("label", l)?;
        }
        if let Some(probs) = &self.probabilities {
            map.serialize_entry("probabilities", &Probabilities(probs))?;
        }
        if let Some(v) = &self.value {
            map.serialize_entry("value", v)?;
        }
        map.end()
    }
}

/// Predictions in the shape the input came in, as [`predictions_json`] serializes them.
#[derive(Debug, Clone, Copy)]
pub enum PredictionsJson<'a> {
    /// One record in: one prediction object out.
    One(&'a Prediction),
    /// Anything else: an array.
    Many(&'a [Prediction]),
}

impl Serialize for PredictionsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            PredictionsJson::One(p) => p.serialize(serializer),
            PredictionsJson::Many(ps) => ps.serialize(serializer),
        }
    }
}

/// Predictions in the shape the input came in: one object for a single record, else an array.
pub fn predictions_json(shape: Shape, predictions: &[Prediction]) -> PredictionsJson<'_> {
    match (shape, predictions) {
        (Shape::Record, [p]) => PredictionsJson::One(p),
        _ => PredictionsJson::Many(predictions),
    }
}

/// The graph output names to keep, and their roles, in the same order.
pub fn select(
    outputs: &Outputs,
    available: &[String],
) -> Result<(Vec<String>, Vec<Role>), EngineError> {
    let wanted = [
        (&outputs.label, Role::Label),
        (&outputs.probabilities, Role::Probabilities),
        (&outputs.value, Role::Value),
    ];
    let mut names = Vec::new();
    let mut roles = Vec::new();
    for (name, role) in wanted {
        if let Some(name) = name {
            if !available.contains(name) {
                return Err(EngineError::MissingOutput {
                    name: name.clone(),
                    available: available.to_vec(),
                });
            }
            names.push(name.clone());
            roles.push(role);
        }
    }
    Ok((names, roles))
}

fn bad(name: &Option<String>, problem: impl Into<String>) -> EngineError {
    EngineError::BadOutput {
        name: name.clone().unwrap_or_default(),
        problem: problem.into(),
    }
}

/// Converts the plan's outputs into one prediction per row.
pub fn predictions(
    outputs: &Outputs,
    roles: &[Role],
    results: &[TValue],
    rows: usize,
) -> Result<Vec<Prediction>, EngineError> {
    let class_names = outputs.class_names.as_deref().unwrap_or_default();
    let mut labels: Option<Vec<String>> = None;
    let mut probabilities: Option<Vec<Vec<(String, f64)>>> = None;
    let mut values: Option<Vec<f64>> = None;
    for (role, tensor) in roles.iter().zip(results) {
        match role {
            Role::Label => labels = Some(label_names(outputs, tensor, rows)?),
            Role::Probabilities => {
                let p = floats(tensor)
                    .ok_or_else(|| bad(&outputs.probabilities, "is not a float tensor"))?;
                let classes = class_names.len();
                if p.len() != rows * classes {
                    return Err(bad(
                        &outputs.probabilities,
                        format!("has shape {:?}, expected [{rows}, {classes}] (one column per class name)", tensor.shape()),
                    ));
                }
                probabilities = Some(
                    p.chunks(classes.max(1))
                        .map(|row| {
                            class_names
                                .iter()
                                .cloned()
                                .zip(row.iter().copied())
                                .collect()
                        })
                        .collect(),
                );
            }
            Role::Value => {
                let v =
                    floats(tensor).ok_or_else(|| bad(&outputs.value, "is not a float tensor"))?;
                if v.len() != rows {
                    return Err(bad(
                        &outputs.value,
                        format!("has shape {:?}, expected one value per row", tensor.shape()),
                    ));
                }
                values = Some(v);
            }
        }
    }
    // Without a label output, the label is the most probable class.
    if outputs.task == Task::Classification && labels.is_none() {
        labels = probabilities.as_ref().map(|rows| {
            rows.iter()
                .map(|p| {
                    p.iter()
                        .fold(None::<&(String, f64)>, |best, c| match best {
                            Some(b) if b.1 >= c.1 => Some(b),
                            _ => Some(c),
                        })
                        .map(|c| c.0.clone())
                        .unwrap_or_default()
                })
                .collect()
        });
    }
    Ok((0..rows)
        .map(|r| Prediction {
            label: labels.as_ref().and_then(|l| l.get(r).cloned()),
            probabilities: probabilities.as_ref().and_then(|p| p.get(r).cloned()),
            value: values.as_ref().and_then(|v| v.get(r).copied()),
        })
        .collect())
}

fn floats(t: &TValue) -> Option<Vec<f64>> {
    if let Ok(s) = super::elements::<f32>(t) {
        return Some(s.iter().map(|v| f64::from(*v)).collect());
    }
    super::elements::<f64>(t).ok().map(|s| s.to_vec())
}

/// Maps the graph's raw labels (strings or integers) to class names.
fn label_names(outputs: &Outputs, t: &TValue, rows: usize) -> Result<Vec<String>, EngineError> {
    let raw: Vec<Json> = if let Ok(s) = super::elements::<String>(t) {
        s.iter().map(|v| Json::from(v.clone())).collect()
    } else if let Some(s) = super::integers(t) {
        s.into_iter().map(Json::from).collect()
    } else {
        return Err(bad(
            &outputs.label,
            format!(
                "has type {:?}; expected strings or integers",
                t.datum_type()
            ),
        ));
    };
    if raw.len() != rows {
        return Err(bad(
            &outputs.label,
            format!("has shape {:?}, expected one label per row", t.shape()),
        ));
    }
    let names = outputs.class_names.as_deref().unwrap_or_default();
    raw.iter()
        .map(|l| {
            let index = match &outputs.class_labels {
                Some(labels) => labels.iter().position(|c| c == l),
                None => names.iter().position(|n| Some(n.as_str()) == l.as_str()),
            };
            index.and_then(|i| names.get(i).cloned()).ok_or_else(|| {
                bad(
                    &outputs.label,
                    format!("produced label {l} which is not one of the manifest's classes"),
                )
            })
        })
        .collect()
}
