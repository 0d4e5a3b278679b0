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

/// A batch's results column by column: what typed-array callers get without one object
/// (and one class-name string per class) per row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Columns {
    /// Rows predicted.
    pub rows: usize,
    /// Class names, in class order (classification).
    pub classes: Vec<String>,
    /// The predicted class of each row, as an index into `classes` (classification).
    pub labels: Option<Vec<u32>>,
    /// Row-major `rows × classes` probabilities (classification, when the graph has them).
    pub probabilities: Option<Vec<f64>>,
    /// One value per row (regression).
    pub values: Option<Vec<f64>>,
}

impl Columns {
    /// One prediction object per row.
    pub fn predictions(&self) -> Vec<Prediction> {
        let classes = self.classes.len().max(1);
        (0..self.rows)
            .map(|r| Prediction {
                label: self
                    .labels
                    .as_ref()
                    .and_then(|l| self.classes.get(l[r] as usize).cloned()),
                probabilities: self.probabilities.as_ref().map(|p| {
                    self.classes
                        .iter()
                        .cloned()
                        .zip(p[r * classes..(r + 1) * classes].iter().copied())
                        .collect()
                }),
                value: self.values.as_ref().map(|v| v[r]),
            })
            .collect()
    }
}

/// The columns of zero rows: the same parts as a batch would have, empty.
pub fn empty_columns(outputs: &Outputs, roles: &[Role]) -> Columns {
    let has = |r: Role| roles.contains(&r).then(Vec::new);
    Columns {
        rows: 0,
        classes: outputs.class_names.clone().unwrap_or_default(),
        labels: (outputs.task == Task::Classification).then(Vec::new),
        probabilities: has(Role::Probabilities),
        values: has(Role::Value),
    }
}

/// Converts the plan's outputs into columns: checked shapes, labels as class indices.
pub fn columns(
    outputs: &Outputs,
    roles: &[Role],
    results: &[TValue],
    rows: usize,
) -> Result<Columns, EngineError> {
    let classes = outputs.class_names.clone().unwrap_or_default();
    let mut out = Columns {
        rows,
        ..Columns::default()
    };
    for (role, tensor) in roles.iter().zip(results) {
        match role {
            Role::Label => out.labels = Some(label_indices(outputs, tensor, rows)?),
            Role::Probabilities => {
                let p = floats(tensor)
                    .ok_or_else(|| bad(&outputs.probabilities, "is not a float tensor"))?;
                if p.len() != rows * classes.len() || classes.is_empty() {
                    return Err(bad(
                        &outputs.probabilities,
                        format!(
                            "has shape {:?}, expected [{rows}, {}] (one column per class name)",
                            tensor.shape(),
                            classes.len()
                        ),
                    ));
                }
                out.probabilities = Some(p);
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
                out.values = Some(v);
            }
        }
    }
    // Without a label output, the label is the most probable class (the first on a tie).
    if outputs.task == Task::Classification && out.labels.is_none() {
        out.labels = out.probabilities.as_ref().map(|p| {
            p.chunks(classes.len())
                .map(|row| {
                    let mut best = 0;
                    for (i, v) in row.iter().enumerate() {
                        if *v > row[best] {
                            best = i;
                        }
                    }
                    best as u32
                })
                .collect()
        });
    }
    out.classes = classes;
    Ok(out)
}

fn floats(t: &TValue) -> Option<Vec<f64>> {
    if let Ok(s) = super::elements::<f32>(t) {
        return Some(s.iter().map(|v| f64::from(*v)).collect());
    }
    super::elements::<f64>(t).ok().map(|s| s.to_vec())
}

/// Maps the graph's raw labels (strings or integers) to class indices.
fn label_indices(outputs: &Outputs, t: &TValue, rows: usize) -> Result<Vec<u32>, EngineError> {
    let raw: Vec<Json> = if let Ok(s) = super::elements::<String>(t) {
        s.into_iter().map(Json::from).collect()
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
            index
                .filter(|&i| i < names.len())
                .map(|i| i as u32)
                .ok_or_else(|| {
                    bad(
                        &outputs.label,
                        format!("produced label {l} which is not one of the manifest's classes"),
                    )
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classifier(label: Option<&str>) -> Outputs {
        Outputs {
            task: Task::Classification,
            class_names: Some(vec!["no".into(), "yes".into(), "maybe".into()]),
            class_labels: Some(vec![Json::from(0), Json::from(1), Json::from(2)]),
            label: label.map(String::from),
            probabilities: Some("p".into()),
            value: None,
        }
    }

    fn tensor<D: Datum + Copy>(shape: &[usize], data: Vec<D>) -> TValue {
        Tensor::from_shape(shape, &data).unwrap().into_tvalue()
    }

    #[test]
    fn labels_become_class_indices_and_rows_match_the_columns() {
        let outputs = classifier(Some("l"));
        let results = [
            tensor(&[2], vec![2i64, 0]),
            tensor(&[2, 3], vec![0.1f32, 0.2, 0.7, 0.5, 0.25, 0.25]),
        ];
        let c = columns(&outputs, &[Role::Label, Role::Probabilities], &results, 2).unwrap();
        assert_eq!(c.labels, Some(vec![2, 0]));
        assert_eq!(c.probabilities.as_ref().map(Vec::len), Some(6));
        let rows = c.predictions();
        assert_eq!(rows[0].label.as_deref(), Some("maybe"));
        assert_eq!(rows[1].label.as_deref(), Some("no"));
        let p = rows[1].probabilities.as_ref().unwrap();
        assert_eq!(p[0], ("no".to_string(), 0.5));
        assert_eq!(p[2], ("maybe".to_string(), 0.25));
    }

    #[test]
    fn without_a_label_output_the_most_probable_class_wins_the_first_on_a_tie() {
        let outputs = classifier(None);
        let results = [tensor(&[2, 3], vec![0.2f32, 0.5, 0.3, 0.4, 0.4, 0.2])];
        let c = columns(&outputs, &[Role::Probabilities], &results, 2).unwrap();
        assert_eq!(c.labels, Some(vec![1, 0]));
    }

    #[test]
    fn a_label_outside_the_classes_or_a_wrong_shape_is_an_error() {
        let outputs = classifier(Some("l"));
        let bad_label = [tensor(&[1], vec![7i64])];
        let e = columns(&outputs, &[Role::Label], &bad_label, 1).unwrap_err();
        assert!(
            e.to_string().contains("not one of the manifest's classes"),
            "{e}"
        );
        let bad_shape = [tensor(&[1, 2], vec![0.5f32, 0.5])];
        let e = columns(&outputs, &[Role::Probabilities], &bad_shape, 1).unwrap_err();
        assert!(e.to_string().contains("expected [1, 3]"), "{e}");
    }

    #[test]
    fn zero_rows_have_the_same_parts_empty() {
        let c = empty_columns(&classifier(None), &[Role::Probabilities]);
        assert_eq!(
            (c.labels, c.probabilities, c.values),
            (Some(vec![]), Some(vec![]), None)
        );
    }
}
