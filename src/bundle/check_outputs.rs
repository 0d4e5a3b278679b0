//! The manifest's `outputs` and the test vectors' expected parts: which fields each task has.
//!
//! Each task names its own graph outputs (classification: label and/or probabilities;
//! regression: value, with `value_names` for several targets; transform: vector and
//! dimension; clustering: label, clusters and optionally distances; outlier: label and/or
//! score). A field of another task is refused rather than ignored: a reader could otherwise
//! take a clustering bundle for a classifier.

use std::collections::BTreeSet;

use super::check::invalid;
use super::error::BundleError;
use super::manifest::{Expected, Manifest, Outputs, Task};

/// The `outputs` fields that are set, by manifest name.
fn present_outputs(o: &Outputs) -> Vec<&'static str> {
    [
        ("class_names", o.class_names.is_some()),
        ("class_labels", o.class_labels.is_some()),
        ("label", o.label.is_some()),
        ("probabilities", o.probabilities.is_some()),
        ("value", o.value.is_some()),
        ("value_names", o.value_names.is_some()),
        ("vector", o.vector.is_some()),
        ("dimension", o.dimension.is_some()),
        ("distances", o.distances.is_some()),
        ("clusters", o.clusters.is_some()),
        ("score", o.score.is_some()),
    ]
    .into_iter()
    .filter_map(|(n, set)| set.then_some(n))
    .collect()
}

/// The `outputs` fields a task may have.
fn allowed_outputs(task: Task) -> &'static [&'static str] {
    match task {
        Task::Classification => &["class_names", "class_labels", "label", "probabilities"],
        Task::Regression => &["value", "value_names"],
        Task::Transform => &["vector", "dimension"],
        Task::Clustering => &["label", "distances", "clusters"],
        Task::Outlier => &["label", "score"],
    }
}

/// The expected parts of a test case that are set.
fn present_expected(e: &Expected) -> Vec<&'static str> {
    [
        ("label", e.label.is_some()),
        ("probabilities", e.probabilities.is_some()),
        ("value", e.value.is_some()),
        ("values", e.values.is_some()),
        ("vector", e.vector.is_some()),
        ("cluster", e.cluster.is_some()),
        ("distances", e.distances.is_some()),
        ("outlier", e.outlier.is_some()),
        ("score", e.score.is_some()),
    ]
    .into_iter()
    .filter_map(|(n, set)| set.then_some(n))
    .collect()
}

/// The expected parts a case of this manifest may have (each needs the output it compares).
fn allowed_expected(o: &Outputs) -> Vec<&'static str> {
    match o.task {
        Task::Classification => vec!["label", "probabilities"],
        Task::Regression if o.value_names.is_some() => vec!["values"],
        Task::Regression => vec!["value"],
        Task::Transform => vec!["vector"],
        Task::Clustering => {
            let mut v = vec!["cluster"];
            if o.distances.is_some() {
                v.push("distances");
            }
            v
        }
        Task::Outlier => {
            let mut v = Vec::new();
            if o.label.is_some() {
                v.push("outlier");
            }
            if o.score.is_some() {
                v.push("score");
            }
            v
        }
    }
}

/// "a clustering model", "an outlier model".
fn a_model(task: Task) -> String {
    let t = task.as_str();
    let article = if t.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {t} model")
}

fn names(list: &[&str]) -> String {
    list.join(", ")
}

fn distinct_names(path: &str, list: &[String]) -> Result<(), BundleError> {
    let unique: BTreeSet<_> = list.iter().collect();
    if list.is_empty() || unique.len() != list.len() || list.iter().any(|n| n.trim().is_empty()) {
        return Err(invalid(
            path,
            "must be non-empty, without repeats or empty names",
        ));
    }
    Ok(())
}

/// Checks `outputs`: the fields its task needs, and none of another task's.
pub(super) fn check_outputs(m: &Manifest) -> Result<(), BundleError> {
    let o = &m.outputs;
    let allowed = allowed_outputs(o.task);
    match o.task {
        Task::Classification => {
            let Some(class_names) = &o.class_names else {
                return Err(invalid(
                    "outputs.class_names",
                    "a classifier must list its class names",
                ));
            };
            let unique: BTreeSet<_> = class_names.iter().collect();
            if class_names.is_empty() || unique.len() != class_names.len() {
                return Err(invalid(
                    "outputs.class_names",
                    "must be non-empty and without repeats",
                ));
            }
            if let Some(labels) = &o.class_labels {
                if labels.len() != class_names.len() {
                    return Err(invalid(
                        "outputs.class_labels",
                        format!(
                            "has {} entries but class_names has {}",
                            labels.len(),
                            class_names.len()
                        ),
                    ));
                }
                if labels.iter().any(|l| !(l.is_string() || l.is_i64())) {
                    return Err(invalid(
                        "outputs.class_labels",
                        "labels must be strings or integers",
                    ));
                }
            }
            if o.label.is_none() && o.probabilities.is_none() {
                return Err(invalid(
                    "outputs",
                    "a classifier must name its label or probabilities output",
                ));
            }
        }
        Task::Regression => {
            if o.value.is_none() {
                return Err(invalid(
                    "outputs.value",
                    "a regressor must name its value output",
                ));
            }
            if let Some(v) = &o.value_names {
                distinct_names("outputs.value_names", v)?;
            }
        }
        Task::Transform => {
            if o.vector.is_none() {
                return Err(invalid(
                    "outputs.vector",
                    "a transform must name its vector output",
                ));
            }
            if o.dimension.is_none_or(|d| d < 1) {
                return Err(invalid(
                    "outputs.dimension",
                    "a transform must give its vector's dimension (1 or more)",
                ));
            }
        }
        Task::Clustering => {
            if o.label.is_none() {
                return Err(invalid(
                    "outputs.label",
                    "a clustering model must name its label (cluster index) output",
                ));
            }
            if !o
                .clusters
                .is_some_and(|k| (1..=u64::from(u32::MAX)).contains(&k))
            {
                return Err(invalid(
                    "outputs.clusters",
                    "a clustering model must give its number of clusters (1 or more)",
                ));
            }
        }
        Task::Outlier => {
            if o.label.is_none() && o.score.is_none() {
                return Err(invalid(
                    "outputs",
                    "an outlier detector must name its label or score output",
                ));
            }
        }
    }
    if let Some(extra) = present_outputs(o)
        .into_iter()
        .find(|f| !allowed.contains(f))
    {
        return Err(invalid(
            format!("outputs.{extra}"),
            format!(
                "{} has no {extra} (its outputs are {})",
                a_model(o.task),
                names(allowed)
            ),
        ));
    }
    Ok(())
}

/// Checks each case's expected parts against the outputs: the task's parts, with the sizes
/// the outputs give (a class name, one value per target, a vector of `dimension` numbers).
pub(super) fn check_test_vectors(m: &Manifest) -> Result<(), BundleError> {
    let tv = &m.test_vectors;
    let t = tv.tolerance;
    if !(t.relative.is_finite() && t.relative >= 0.0 && t.absolute.is_finite() && t.absolute >= 0.0)
    {
        return Err(invalid(
            "test_vectors.tolerance",
            "must be finite and non-negative",
        ));
    }
    let o = &m.outputs;
    let allowed = allowed_expected(o);
    let classes = o.class_names.as_deref().unwrap_or_default();
    for (i, case) in tv.cases.iter().enumerate() {
        let at = |field: &str| format!("test_vectors.cases[{i}].expected{field}");
        let e = &case.expected;
        let present = present_expected(e);
        if present.is_empty() || present.iter().any(|p| !allowed.contains(p)) {
            let what = match o.task {
                Task::Classification => {
                    "a classifier's case expects a label and/or probabilities".to_string()
                }
                Task::Regression if o.value_names.is_none() => {
                    "a regressor's case expects a value".to_string()
                }
                _ => format!(
                    "{}'s case expects {} (and nothing else)",
                    a_model(o.task),
                    names(&allowed)
                ),
            };
            return Err(invalid(at(""), what));
        }
        if let Some(l) = &e.label {
            if !classes.contains(l) {
                return Err(invalid(at(".label"), format!("{l:?} is not a class name")));
            }
        }
        if let Some(p) = &e.probabilities {
            if p.len() != classes.len() || classes.iter().any(|c| !p.contains_key(c)) {
                return Err(invalid(
                    at(".probabilities"),
                    "must have one entry per class name",
                ));
            }
        }
        if let (Some(v), Some(targets)) = (&e.values, &o.value_names) {
            if v.len() != targets.len() || targets.iter().any(|n| !v.contains_key(n)) {
                return Err(invalid(
                    at(".values"),
                    "must have one entry per name in outputs.value_names",
                ));
            }
        }
        let width = |len: usize, want: Option<u64>, field: &str, of: &str| {
            if want.is_some_and(|w| w != len as u64) {
                return Err(invalid(
                    at(field),
                    format!(
                        "has {len} numbers but outputs.{of} is {}",
                        want.unwrap_or_default()
                    ),
                ));
            }
            Ok(())
        };
        if let Some(v) = &e.vector {
            width(v.len(), o.dimension, ".vector", "dimension")?;
        }
        if let Some(d) = &e.distances {
            width(d.len(), o.clusters, ".distances", "clusters")?;
        }
        if let (Some(c), Some(k)) = (e.cluster, o.clusters) {
            if c >= k {
                return Err(invalid(
                    at(".cluster"),
                    format!("{c} is not a cluster index (0 to {})", k - 1),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::bundle::parse_manifest;
    use crate::bundle::tests::sample_manifest_json;

    /// The sample manifest with these outputs and one case expecting `expected`.
    fn with(outputs: serde_json::Value, expected: serde_json::Value) -> Result<(), String> {
        let mut v = sample_manifest_json();
        v["outputs"] = outputs;
        v["test_vectors"]["cases"][0]["expected"] = expected;
        parse_manifest(&serde_json::to_vec(&v).unwrap())
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn each_task_with_its_own_fields_is_accepted() {
        let multi = json!({"task": "regression", "value": "y", "value_names": ["a", "b"]});
        with(multi, json!({"values": {"a": 1.0, "b": 2.0}})).unwrap();
        let pca = json!({"task": "transform", "vector": "y", "dimension": 2});
        with(pca, json!({"vector": [1.0, 2.0]})).unwrap();
        let kmeans = json!({"task": "clustering", "label": "l", "distances": "d", "clusters": 2});
        with(
            kmeans.clone(),
            json!({"cluster": 1, "distances": [0.5, 0.25]}),
        )
        .unwrap();
        with(kmeans, json!({"cluster": 0})).unwrap();
        let forest = json!({"task": "outlier", "label": "l", "score": "s"});
        with(forest, json!({"outlier": true, "score": -0.5})).unwrap();
        let score_only = json!({"task": "outlier", "score": "s"});
        with(score_only, json!({"score": 0.5})).unwrap();
    }

    #[test]
    fn another_tasks_fields_or_parts_of_the_wrong_size_are_refused() {
        let cases = [
            (
                json!({"task": "transform", "vector": "y", "dimension": 2, "label": "l"}),
                json!({"vector": [1.0, 2.0]}),
                "at outputs.label: a transform model has no label (its outputs are vector, dimension)",
            ),
            (
                json!({"task": "transform", "vector": "y"}),
                json!({"vector": [1.0]}),
                "at outputs.dimension: a transform must give its vector's dimension",
            ),
            (
                json!({"task": "transform", "vector": "y", "dimension": 2}),
                json!({"vector": [1.0, 2.0, 3.0]}),
                "expected.vector: has 3 numbers but outputs.dimension is 2",
            ),
            (
                json!({"task": "clustering", "label": "l", "clusters": 2}),
                json!({"cluster": 2}),
                "expected.cluster: 2 is not a cluster index (0 to 1)",
            ),
            (
                json!({"task": "clustering", "label": "l", "clusters": 2}),
                json!({"cluster": 1, "distances": [1.0, 2.0]}),
                "a clustering model's case expects cluster (and nothing else)",
            ),
            (
                json!({"task": "outlier", "score": "s"}),
                json!({"outlier": true}),
                "an outlier model's case expects score (and nothing else)",
            ),
            (
                json!({"task": "regression", "value": "y", "value_names": ["a", "a"]}),
                json!({"values": {"a": 1.0}}),
                "at outputs.value_names: must be non-empty, without repeats",
            ),
            (
                json!({"task": "regression", "value": "y", "value_names": ["a", "b"]}),
                json!({"values": {"a": 1.0, "c": 2.0}}),
                "must have one entry per name in outputs.value_names",
            ),
            (
                json!({"task": "regression", "value": "y"}),
                json!({"vector": [1.0]}),
                "a regressor's case expects a value",
            ),
        ];
        for (outputs, expected, want) in cases {
            let got = with(outputs, expected).unwrap_err();
            assert!(got.contains(want), "expected {want:?} in {got:?}");
        }
    }
}
