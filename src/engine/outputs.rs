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
    /// The predicted label: a class (classification), a cluster index (clustering), -1 or 1
    /// (outlier).
    Label,
    /// `[N, classes]` probabilities.
    Probabilities,
    /// The regression value(s): `[N]`, `[N, 1]`, or `[N, targets]`.
    Value,
    /// A transform's `[N, dimension]` vectors.
    Vector,
    /// `[N, clusters]` distances to the cluster centres.
    Distances,
    /// An outlier detector's score, `[N]` or `[N, 1]`.
    Score,
}

/// One row's prediction; which parts are set depends on the task.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prediction {
    /// The predicted class name (classification).
    pub label: Option<String>,
    /// Probability per class name, in class order (classification, when the graph has them).
    pub probabilities: Option<Vec<(String, f64)>>,
    /// The predicted value (regression with one target).
    pub value: Option<f64>,
    /// The predicted value per target name, in target order (regression with several).
    pub values: Option<Vec<(String, f64)>>,
    /// The row's vector (transform).
    pub vector: Option<Vec<f64>>,
    /// The cluster index (clustering).
    pub cluster: Option<u32>,
    /// The distance to each cluster centre (clustering, when the graph has them).
    pub distances: Option<Vec<f64>>,
    /// Whether the row is an outlier, scikit-learn's label -1 (outlier detection).
    pub outlier: Option<bool>,
    /// The outlier score, negative for outliers (outlier detection).
    pub score: Option<f64>,
}

/// A map written in the given order.
struct Ordered<'a>(&'a [(String, f64)]);

impl Serialize for Ordered<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(c, v)| (c, v)))
    }
}

/// The JSON form: `{"label", "probabilities": {class: p, ...}, "value"}` for classifiers and
/// regressors; `{"values": {target: v}}`, `{"vector": [...]}`, `{"cluster", "distances"}`,
/// `{"outlier", "score"}` for the other tasks. Absent parts are left out,
/// maps keep their order. Written straight to the output (no `serde_json::Value` in
/// between: a batch of thousands of rows spent a third of its time building and dropping one).
impl Serialize for Prediction {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(l) = &self.label {
            map.serialize_entry("label", l)?;
        }
        if let Some(probs) = &self.probabilities {
            map.serialize_entry("probabilities", &Ordered(probs))?;
        }
        if let Some(v) = &self.value {
            map.serialize_entry("value", v)?;
        }
        if let Some(v) = &self.values {
            map.serialize_entry("values", &Ordered(v))?;
        }
        if let Some(v) = &self.vector {
            map.serialize_entry("vector", v)?;
        }
        if let Some(c) = &self.cluster {
            map.serialize_entry("cluster", c)?;
        }
        if let Some(d) = &self.distances {
            map.serialize_entry("distances", d)?;
        }
        // No `label: -1 | 1` beside it: everywhere else a label is a class name, and
        // `outlier` says the same (scikit-learn's -1 is `true`).
        if let Some(o) = self.outlier {
            map.serialize_entry("outlier", &o)?;
        }
        if let Some(s) = &self.score {
            map.serialize_entry("score", s)?;
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
        (&outputs.vector, Role::Vector),
        (&outputs.distances, Role::Distances),
        (&outputs.score, Role::Score),
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
/// (and one class-name string per class) per row. Which parts are set depends on the task.
#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    /// What the model predicts.
    pub task: Task,
    /// Rows predicted.
    pub rows: usize,
    /// Class names, in class order (classification).
    pub classes: Vec<String>,
    /// The predicted class of each row, as an index into `classes` (classification).
    pub labels: Option<Vec<u32>>,
    /// Row-major `rows × classes` probabilities (classification, when the graph has them).
    pub probabilities: Option<Vec<f64>>,
    /// Target names (regression with several targets; empty for one).
    pub value_names: Vec<String>,
    /// Regression values: one per row, or row-major `rows × value_names` with several targets.
    pub values: Option<Vec<f64>>,
    /// Numbers per row of `vectors` (transform) or `distances` (clustering).
    pub width: usize,
    /// Row-major `rows × width` vectors (transform).
    pub vectors: Option<Vec<f64>>,
    /// The cluster index of each row (clustering).
    pub clusters: Option<Vec<u32>>,
    /// Row-major `rows × width` distances to the cluster centres (clustering).
    pub distances: Option<Vec<f64>>,
    /// Whether each row is an outlier (outlier detection).
    pub outliers: Option<Vec<bool>>,
    /// Each row's outlier score (outlier detection).
    pub scores: Option<Vec<f64>>,
}

impl Columns {
    /// No rows, no parts yet: what [`columns`] fills in.
    fn new(outputs: &Outputs, rows: usize) -> Columns {
        let width = match outputs.task {
            Task::Transform => outputs.dimension,
            Task::Clustering => outputs.clusters,
            _ => None,
        };
        Columns {
            task: outputs.task,
            rows,
            classes: match outputs.task {
                Task::Classification => outputs.class_names.clone().unwrap_or_default(),
                _ => Vec::new(),
            },
            labels: None,
            probabilities: None,
            value_names: outputs.value_names.clone().unwrap_or_default(),
            values: None,
            width: width.and_then(|w| usize::try_from(w).ok()).unwrap_or(0),
            vectors: None,
            clusters: None,
            distances: None,
            outliers: None,
            scores: None,
        }
    }

    /// One prediction object per row.
    pub fn predictions(&self) -> Vec<Prediction> {
        let classes = self.classes.len().max(1);
        let targets = self.value_names.len();
        let width = self.width.max(1);
        let row = |v: &Option<Vec<f64>>, r: usize, w: usize| {
            v.as_ref()
                .and_then(|v| v.get(r * w..(r + 1) * w))
                .map(<[f64]>::to_vec)
        };
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
                value: (targets == 0)
                    .then(|| self.values.as_ref().map(|v| v[r]))
                    .flatten(),
                values: (targets > 0)
                    .then(|| {
                        row(&self.values, r, targets)
                            .map(|v| self.value_names.iter().cloned().zip(v).collect())
                    })
                    .flatten(),
                vector: row(&self.vectors, r, width),
                cluster: self.clusters.as_ref().map(|c| c[r]),
                distances: row(&self.distances, r, width),
                outlier: self.outliers.as_ref().map(|o| o[r]),
                score: self.scores.as_ref().map(|s| s[r]),
            })
            .collect()
    }
}

/// The columns of zero rows: the same parts as a batch would have, empty.
pub fn empty_columns(outputs: &Outputs, roles: &[Role]) -> Columns {
    let has = |r: Role| roles.contains(&r).then(Vec::new);
    let mut c = Columns::new(outputs, 0);
    match outputs.task {
        Task::Classification => {
            c.labels = Some(Vec::new());
            c.probabilities = has(Role::Probabilities);
        }
        Task::Regression => c.values = has(Role::Value),
        Task::Transform => c.vectors = has(Role::Vector),
        Task::Clustering => {
            c.clusters = has(Role::Label).map(|_| Vec::new());
            c.distances = has(Role::Distances);
        }
        Task::Outlier => {
            c.outliers = has(Role::Label).map(|_| Vec::new());
            c.scores = has(Role::Score);
        }
    }
    c
}

/// Refuses at load a graph whose outputs have another width than the manifest says (a
/// transform's `dimension`, the `clusters`, the number of targets or classes), when the
/// optimised graph knows it; otherwise the first prediction checks it.
pub fn check_widths(
    outputs: &Outputs,
    roles: &[Role],
    widths: &[Option<usize>],
) -> Result<(), EngineError> {
    for (role, width) in roles.iter().zip(widths) {
        let Some(width) = *width else { continue };
        let (name, want, what) = match role {
            Role::Vector => (&outputs.vector, outputs.dimension, "outputs.dimension"),
            Role::Distances => (&outputs.distances, outputs.clusters, "outputs.clusters"),
            Role::Value => {
                let n = outputs.value_names.as_ref().map_or(1, Vec::len) as u64;
                (
                    &outputs.value,
                    Some(n),
                    "the number of values (outputs.value_names)",
                )
            }
            Role::Score => (&outputs.score, Some(1), "one score per row"),
            _ => continue,
        };
        if want.is_some_and(|w| w != width as u64) {
            return Err(bad(
                name,
                format!(
                    "has {width} numbers per row, but {what} is {}",
                    want.unwrap_or_default()
                ),
            ));
        }
    }
    Ok(())
}

/// The floats of an output that must hold `rows × width` numbers (`[N]` or `[N, 1]` when
/// `width` is 1).
fn matrix(
    name: &Option<String>,
    tensor: &TValue,
    rows: usize,
    width: usize,
    what: &str,
) -> Result<Vec<f64>, EngineError> {
    let v = floats(tensor).ok_or_else(|| bad(name, "is not a float tensor"))?;
    let shape = tensor.shape();
    let fits = v.len() == rows * width
        && match shape {
            [n] => *n == rows && width == 1,
            [n, w] => *n == rows && *w == width,
            _ => false,
        };
    if !fits {
        let expected = if width == 1 {
            "one value per row".to_string()
        } else {
            format!("[{rows}, {width}] ({what})")
        };
        return Err(bad(
            name,
            format!("has shape {shape:?}, expected {expected}"),
        ));
    }
    Ok(v)
}

/// Converts the plan's outputs into columns: checked shapes, labels as class indices.
pub fn columns(
    outputs: &Outputs,
    roles: &[Role],
    results: &[TValue],
    rows: usize,
    positions: Option<&LabelPositions>,
) -> Result<Columns, EngineError> {
    let mut out = Columns::new(outputs, rows);
    let classes = out.classes.clone();
    for (role, tensor) in roles.iter().zip(results) {
        match role {
            Role::Label => match outputs.task {
                Task::Clustering => out.clusters = Some(cluster_indices(outputs, tensor, rows)?),
                Task::Outlier => out.outliers = Some(outlier_flags(outputs, tensor, rows)?),
                _ => out.labels = Some(label_indices(outputs, tensor, rows, positions)?),
            },
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
                let targets = out.value_names.len().max(1);
                let what = "one column per name in outputs.value_names";
                out.values = Some(matrix(&outputs.value, tensor, rows, targets, what)?);
            }
            Role::Vector => {
                let what = "outputs.dimension numbers per row";
                out.vectors = Some(matrix(&outputs.vector, tensor, rows, out.width, what)?);
            }
            Role::Distances => {
                let what = "one distance per cluster";
                out.distances = Some(matrix(&outputs.distances, tensor, rows, out.width, what)?);
            }
            Role::Score => {
                out.scores = Some(matrix(
                    &outputs.score,
                    tensor,
                    rows,
                    1,
                    "one score per row",
                )?);
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
    Ok(out)
}

/// The integers of a label output with one label per row (`[N]` or `[N, 1]`).
fn row_integers(name: &Option<String>, t: &TValue, rows: usize) -> Result<Vec<i64>, EngineError> {
    let v = super::integers(t).ok_or_else(|| {
        bad(
            name,
            format!("has type {:?}; expected integers", t.datum_type()),
        )
    })?;
    if v.len() != rows {
        return Err(bad(
            name,
            format!("has shape {:?}, expected one label per row", t.shape()),
        ));
    }
    Ok(v)
}

/// Cluster labels as indices below `outputs.clusters`.
fn cluster_indices(outputs: &Outputs, t: &TValue, rows: usize) -> Result<Vec<u32>, EngineError> {
    let k = outputs.clusters.unwrap_or(0);
    row_integers(&outputs.label, t, rows)?
        .into_iter()
        .map(|c| {
            u32::try_from(c)
                .ok()
                .filter(|&c| u64::from(c) < k)
                .ok_or_else(|| {
                    bad(
                        &outputs.label,
                        format!("produced cluster {c}, but outputs.clusters is {k}"),
                    )
                })
        })
        .collect()
}

/// Outlier labels (scikit-learn's -1 outlier, 1 inlier) as flags.
fn outlier_flags(outputs: &Outputs, t: &TValue, rows: usize) -> Result<Vec<bool>, EngineError> {
    row_integers(&outputs.label, t, rows)?
        .into_iter()
        .map(|l| match l {
            -1 => Ok(true),
            1 => Ok(false),
            other => Err(bad(
                &outputs.label,
                format!("produced label {other}; an outlier detector's labels are -1 and 1"),
            )),
        })
        .collect()
}

fn floats(t: &TValue) -> Option<Vec<f64>> {
    if let Ok(s) = super::elements::<f32>(t) {
        let mut out = Vec::with_capacity(s.len());
        for v in s {
            out.push(f64::from(v));
        }
        return Some(out);
    }
    super::elements::<f64>(t).ok().map(|s| s.to_vec())
}

/// The class a string label stands for: its place in `class_labels`, else in `class_names`.
fn string_class(outputs: &Outputs, label: &str) -> Option<usize> {
    match outputs.class_labels.as_deref() {
        Some(labels) => labels.iter().position(|c| c.as_str() == Some(label)),
        None => outputs
            .class_names
            .as_deref()
            .unwrap_or_default()
            .iter()
            .position(|n| n == label),
    }
}

/// What each label position a classifier emits stands for (see
/// [`super::ops::label_positions`]): the manifest's class index, or the label itself when it
/// is not one of the manifest's classes (refused for the rows that get it, as before).
#[derive(Debug, Clone)]
pub struct LabelPositions(Vec<Result<u32, String>>);

impl LabelPositions {
    /// Matches the classifier's string labels, in its order, to the manifest's classes.
    pub fn new(outputs: &Outputs, strings: Vec<String>) -> LabelPositions {
        let classes = outputs.class_names.as_deref().unwrap_or_default().len();
        LabelPositions(
            strings
                .into_iter()
                .map(|l| match string_class(outputs, &l) {
                    Some(i) if i < classes => Ok(i as u32),
                    _ => Err(l),
                })
                .collect(),
        )
    }
}

/// Maps the graph's raw labels (strings, integers, or positions among the classifier's
/// labels when `positions` is given) to class indices.
fn label_indices(
    outputs: &Outputs,
    t: &TValue,
    rows: usize,
    positions: Option<&LabelPositions>,
) -> Result<Vec<u32>, EngineError> {
    let one_per_row = |n: usize| {
        if n == rows {
            Ok(())
        } else {
            Err(bad(
                &outputs.label,
                format!("has shape {:?}, expected one label per row", t.shape()),
            ))
        }
    };
    let names = outputs.class_names.as_deref().unwrap_or_default();
    let unknown = |label: Json| {
        bad(
            &outputs.label,
            format!("produced label {label} which is not one of the manifest's classes"),
        )
    };
    let index = |position: Option<usize>, label: &dyn Fn() -> Json| {
        position
            .filter(|&i| i < names.len())
            .map(|i| i as u32)
            .ok_or_else(|| unknown(label()))
    };
    if let Some(LabelPositions(table)) = positions {
        let at = t.try_as_plain_ram().and_then(|v| v.as_slice::<i64>());
        let at = at.map_err(|_| bad(&outputs.label, "is not the int64 label positions"))?;
        one_per_row(at.len())?;
        let mut out = Vec::with_capacity(at.len());
        for &p in at {
            let label = match usize::try_from(p).ok().and_then(|p| table.get(p)) {
                Some(Ok(class)) => {
                    out.push(*class);
                    continue;
                }
                Some(Err(label)) => Json::from(label.as_str()),
                None => Json::from(p),
            };
            return Err(unknown(label));
        }
        return Ok(out);
    }
    let labels = outputs.class_labels.as_deref();
    // Borrowed, not copied: a batch's labels are a few strings or numbers repeated, and
    // cloning each into JSON cost more than the linear model that made them.
    if let Ok(strings) = t.to_plain_array_view::<String>() {
        one_per_row(strings.len())?;
        return strings
            .iter()
            .map(|l| index(string_class(outputs, l), &|| Json::from(l.as_str())))
            .collect();
    }
    let ints = super::integers(t).ok_or_else(|| {
        bad(
            &outputs.label,
            format!(
                "has type {:?}; expected strings or integers",
                t.datum_type()
            ),
        )
    })?;
    one_per_row(ints.len())?;
    ints.iter()
        .map(|&l| {
            // Integer labels match only `class_labels` (class names are strings).
            let at = labels.and_then(|labels| labels.iter().position(|c| c.as_i64() == Some(l)));
            index(at, &|| Json::from(l))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classifier(label: Option<&str>) -> Outputs {
        Outputs {
            class_names: Some(vec!["no".into(), "yes".into(), "maybe".into()]),
            class_labels: Some(vec![Json::from(0), Json::from(1), Json::from(2)]),
            label: label.map(String::from),
            probabilities: Some("p".into()),
            ..Outputs::of_task(Task::Classification)
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
        let c = columns(
            &outputs,
            &[Role::Label, Role::Probabilities],
            &results,
            2,
            None,
        )
        .unwrap();
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
        let c = columns(&outputs, &[Role::Probabilities], &results, 2, None).unwrap();
        assert_eq!(c.labels, Some(vec![1, 0]));
    }

    #[test]
    fn a_label_outside_the_classes_or_a_wrong_shape_is_an_error() {
        let outputs = classifier(Some("l"));
        let bad_label = [tensor(&[1], vec![7i64])];
        let e = columns(&outputs, &[Role::Label], &bad_label, 1, None).unwrap_err();
        assert!(
            e.to_string().contains("not one of the manifest's classes"),
            "{e}"
        );
        let bad_shape = [tensor(&[1, 2], vec![0.5f32, 0.5])];
        let e = columns(&outputs, &[Role::Probabilities], &bad_shape, 1, None).unwrap_err();
        assert!(e.to_string().contains("expected [1, 3]"), "{e}");
    }

    #[test]
    fn label_positions_map_to_classes_and_name_a_stranger_as_strings_do() {
        // The classifier's own order differs from the manifest's, and "maybe?" is no class.
        let outputs = Outputs {
            class_labels: None,
            ..classifier(Some("l"))
        };
        let labels = ["yes", "maybe?", "no", "maybe"].map(String::from).to_vec();
        let positions = LabelPositions::new(&outputs, labels);
        let at = |p: Vec<i64>| {
            let n = p.len();
            columns(
                &outputs,
                &[Role::Label],
                &[tensor(&[n], p)],
                n,
                Some(&positions),
            )
        };
        assert_eq!(at(vec![3, 0, 2, 0]).unwrap().labels, Some(vec![2, 1, 0, 1]));
        let e = at(vec![0, 1]).unwrap_err().to_string();
        assert!(
            e.contains(r#"produced label "maybe?" which is not one of"#),
            "{e}"
        );
        let e = at(vec![4]).unwrap_err().to_string();
        assert!(e.contains("produced label 4 which"), "{e}");
        let e = columns(
            &outputs,
            &[Role::Label],
            &[tensor(&[1], vec![0i64])],
            2,
            Some(&positions),
        );
        assert!(e.unwrap_err().to_string().contains("one label per row"));
    }

    #[test]
    fn string_labels_match_class_names_or_string_class_labels_and_name_a_stranger() {
        let strings = |v: &[&str]| {
            let v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
            tract_ndarray::Array1::from(v).into_tensor().into_tvalue()
        };
        let by_name = Outputs {
            class_labels: None,
            ..classifier(Some("l"))
        };
        let c = columns(
            &by_name,
            &[Role::Label],
            &[strings(&["maybe", "no", "maybe"])],
            3,
            None,
        );
        assert_eq!(c.unwrap().labels, Some(vec![2, 0, 2]));
        let by_label = Outputs {
            class_labels: Some(vec![Json::from("n"), Json::from("y"), Json::from("m")]),
            ..classifier(Some("l"))
        };
        let c = columns(&by_label, &[Role::Label], &[strings(&["y", "m"])], 2, None);
        assert_eq!(c.unwrap().labels, Some(vec![1, 2]));
        let e = columns(&by_label, &[Role::Label], &[strings(&["yes"])], 1, None).unwrap_err();
        assert!(
            e.to_string()
                .contains(r#"produced label "yes" which is not one of the manifest's classes"#),
            "{e}"
        );
        // Integer labels match class_labels only; without them no class is an integer.
        let e = columns(
            &by_name,
            &[Role::Label],
            &[tensor(&[1], vec![1i64])],
            1,
            None,
        )
        .unwrap_err();
        assert!(e.to_string().contains("produced label 1 which"), "{e}");
        let e = columns(&by_name, &[Role::Label], &[strings(&["no"])], 2, None).unwrap_err();
        assert!(e.to_string().contains("expected one label per row"), "{e}");
        let floats = [tensor(&[1], vec![1.0f32])];
        let e = columns(&by_name, &[Role::Label], &floats, 1, None).unwrap_err();
        assert!(
            e.to_string().contains("expected strings or integers"),
            "{e}"
        );
    }

    #[test]
    fn clusters_outliers_vectors_and_several_values_become_their_parts() {
        let kmeans = Outputs {
            label: Some("label".into()),
            distances: Some("scores".into()),
            clusters: Some(2),
            ..Outputs::of_task(Task::Clustering)
        };
        let results = [
            tensor(&[2], vec![1i64, 0]),
            tensor(&[2, 2], vec![0.5f32, 0.25, 1.0, 2.0]),
        ];
        let c = columns(&kmeans, &[Role::Label, Role::Distances], &results, 2, None).unwrap();
        let rows = c.predictions();
        assert_eq!(
            (rows[0].cluster, rows[0].distances.clone()),
            (Some(1), Some(vec![0.5, 0.25]))
        );
        let json = serde_json::to_string(&rows[1]).unwrap();
        assert_eq!(json, r#"{"cluster":0,"distances":[1.0,2.0]}"#);
        let e = columns(
            &kmeans,
            &[Role::Label],
            &[tensor(&[1], vec![2i64])],
            1,
            None,
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("produced cluster 2, but outputs.clusters is 2"),
            "{e}"
        );

        let forest = Outputs {
            label: Some("label".into()),
            score: Some("scores".into()),
            ..Outputs::of_task(Task::Outlier)
        };
        let results = [
            tensor(&[2, 1], vec![-1i64, 1]),
            tensor(&[2, 1], vec![-0.125f32, 0.5]),
        ];
        let rows = columns(&forest, &[Role::Label, Role::Score], &results, 2, None)
            .unwrap()
            .predictions();
        let json = serde_json::to_string(&rows[0]).unwrap();
        assert_eq!(json, r#"{"outlier":true,"score":-0.125}"#);
        assert_eq!(rows[1].outlier, Some(false));
        let e = columns(
            &forest,
            &[Role::Label],
            &[tensor(&[1], vec![0i64])],
            1,
            None,
        )
        .unwrap_err();
        assert!(e.to_string().contains("labels are -1 and 1"), "{e}");

        let pca = Outputs {
            vector: Some("variable".into()),
            dimension: Some(3),
            ..Outputs::of_task(Task::Transform)
        };
        let v = [tensor(&[1, 3], vec![1f32, 2.0, 3.0])];
        let rows = columns(&pca, &[Role::Vector], &v, 1, None)
            .unwrap()
            .predictions();
        assert_eq!(
            serde_json::to_string(&rows[0]).unwrap(),
            r#"{"vector":[1.0,2.0,3.0]}"#
        );
        let wrong = [tensor(&[1, 2], vec![1f32, 2.0])];
        let e = columns(&pca, &[Role::Vector], &wrong, 1, None).unwrap_err();
        assert!(e.to_string().contains("expected [1, 3]"), "{e}");

        let multi = Outputs {
            value: Some("variable".into()),
            value_names: Some(vec!["b".into(), "a".into()]),
            ..Outputs::of_task(Task::Regression)
        };
        let v = [tensor(&[1, 2], vec![1.5f32, -2.0])];
        let rows = columns(&multi, &[Role::Value], &v, 1, None)
            .unwrap()
            .predictions();
        assert_eq!(
            serde_json::to_string(&rows[0]).unwrap(),
            r#"{"values":{"b":1.5,"a":-2.0}}"#
        );
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
