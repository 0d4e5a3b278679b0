//! What `pack` infers about a graph's outputs when `meta.json` has no `outputs`: the task and
//! which graph output holds what, from the declared outputs' types and shapes.
//!
//! - one float output, one number per row: regression;
//! - one float output with k > 1 numbers per row: a vector — regression with k targets or a
//!   transform, which the graph cannot tell apart, so `--task` chooses;
//! - an integer label made by `ArgMin` and a `[N, k]` float output: clustering (KMeans);
//! - an integer label and a `[N, 1]` float output: outlier detection (IsolationForest, LOF);
//! - a label with `[N, classes]` probabilities: classification, whose class names only the
//!   metadata can give.

use anyhow::{bail, Result};

use crate::bundle::manifest::{Outputs, Task};
use crate::engine::{GraphOutput, OutputKind};

/// The task names `--task` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TaskArg {
    /// A class label (needs `outputs` with class names in meta.json).
    Classification,
    /// One value per row, or one per target (`--value-names`, or the metadata's targets).
    Regression,
    /// A vector per row (PCA, TruncatedSVD, an embedding or network layer).
    Transform,
    /// A cluster index and the distance to each cluster (KMeans).
    Clustering,
    /// An outlier label (-1/1) and score (IsolationForest, LocalOutlierFactor).
    Outlier,
}

impl From<TaskArg> for Task {
    fn from(t: TaskArg) -> Task {
        match t {
            TaskArg::Classification => Task::Classification,
            TaskArg::Regression => Task::Regression,
            TaskArg::Transform => Task::Transform,
            TaskArg::Clustering => Task::Clustering,
            TaskArg::Outlier => Task::Outlier,
        }
    }
}

/// What the command line and metadata say beyond the graph.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// `--task`.
    pub task: Option<Task>,
    /// `--value-names`.
    pub value_names: Option<Vec<String>>,
    /// The metadata's target columns (names for a regression's values).
    pub targets: Vec<String>,
}

fn describe(o: &GraphOutput) -> String {
    let dims = match &o.shape {
        Some(dims) => dims
            .iter()
            .map(|d| d.map_or("N".to_string(), |d| d.to_string()))
            .collect::<Vec<_>>()
            .join(", "),
        None => "?".into(),
    };
    let kind = match o.kind {
        OutputKind::Float => "float",
        OutputKind::Integer => "integer",
        OutputKind::String => "string",
        OutputKind::Other => "non-tensor",
    };
    format!("{:?} ({kind} [{dims}])", o.name)
}

/// Infers `outputs` from the graph's declared outputs.
///
/// # Errors
/// When the graph's outputs fit no task, fit several (then `--task` chooses), or need what
/// only the metadata can give (class names).
pub fn infer(graph: &[GraphOutput], hints: &Hints) -> Result<Outputs> {
    let floats: Vec<&GraphOutput> = graph
        .iter()
        .filter(|o| o.kind == OutputKind::Float)
        .collect();
    let labels: Vec<&GraphOutput> = graph
        .iter()
        .filter(|o| {
            matches!(o.kind, OutputKind::Integer | OutputKind::String) && o.width() == Some(1)
        })
        .collect();
    let listed = graph.iter().map(describe).collect::<Vec<_>>().join(", ");
    let task = match hints.task {
        Some(t) => t,
        None => guess(&floats, &labels, &listed)?,
    };
    let one_float = |what: &str| -> Result<&GraphOutput> {
        match floats.as_slice() {
            [only] => Ok(*only),
            _ => bail!("a {} model has one float output ({what}); the graph's outputs are {listed}: give meta.json an \"outputs\" section naming it", task.as_str()),
        }
    };
    let width_of = |o: &GraphOutput| -> Result<usize> {
        match o.width() {
            Some(w) if w >= 1 => Ok(w),
            _ => bail!("output {} does not declare how many numbers it has per row; give meta.json an \"outputs\" section with them", describe(o)),
        }
    };
    let integer_label = || -> Result<&GraphOutput> {
        match labels.iter().find(|o| o.kind == OutputKind::Integer) {
            Some(l) => Ok(*l),
            None => bail!("a {} model has an integer label output, one per row; the graph's outputs are {listed}", task.as_str()),
        }
    };
    let mut out = Outputs::of_task(task);
    match task {
        Task::Classification => bail!(
            "a classifier's bundle lists its class names, which the graph does not: give meta.json an \"outputs\" section (task, class_names, label, probabilities; see models/iris/meta.json)"
        ),
        Task::Regression => {
            let value = one_float("the value")?;
            let k = width_of(value)?;
            out.value = Some(value.name.clone());
            if k > 1 || hints.value_names.is_some() {
                let names = match &hints.value_names {
                    Some(n) => n.clone(),
                    None if hints.targets.len() == k => hints.targets.clone(),
                    None => (0..k).map(|i| format!("y{i}")).collect(),
                };
                if names.len() != k {
                    bail!("--value-names gives {} names but output {} has {k} values per row", names.len(), describe(value));
                }
                out.value_names = Some(names);
            }
        }
        Task::Transform => {
            let vector = one_float("the vector")?;
            out.dimension = Some(width_of(vector)? as u64);
            out.vector = Some(vector.name.clone());
        }
        Task::Clustering => {
            let label = integer_label()?;
            let distances = one_float("the distances")?;
            out.clusters = Some(width_of(distances)? as u64);
            out.label = Some(label.name.clone());
            out.distances = Some(distances.name.clone());
        }
        Task::Outlier => {
            out.label = Some(integer_label()?.name.clone());
            let score = one_float("the score")?;
            if width_of(score)? != 1 {
                bail!("an outlier detector's score is one number per row, but output {} has more", describe(score));
            }
            out.score = Some(score.name.clone());
        }
    }
    if hints.value_names.is_some() && task != Task::Regression {
        bail!(
            "--value-names names a regression's targets; this model is a {} model",
            task.as_str()
        );
    }
    Ok(out)
}

/// The task the outputs' types and shapes point to, when only one fits.
fn guess(floats: &[&GraphOutput], labels: &[&GraphOutput], listed: &str) -> Result<Task> {
    match (labels, floats) {
        ([], [only]) => match only.width() {
            Some(1) => Ok(Task::Regression),
            Some(k) => bail!("output {} has {k} numbers per row: pass --task regression (several targets; names with --value-names) or --task transform (a vector per row, e.g. PCA or an embedding)", describe(only)),
            None => bail!("output {} does not declare its numbers per row: pass --task (regression, transform) and give meta.json an \"outputs\" section", describe(only)),
        },
        ([label], [scores]) if label.producer.as_deref() == Some("ArgMin") && label.kind == OutputKind::Integer => Ok(Task::Clustering),
        ([label], [score]) if label.kind == OutputKind::Integer && score.width() == Some(1) => Ok(Task::Outlier),
        ([_], [_]) => Ok(Task::Classification),
        _ => bail!("cannot tell what the graph's outputs ({listed}) mean: pass --task, or give meta.json an \"outputs\" section"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(name: &str, kind: OutputKind, shape: &[Option<usize>], producer: &str) -> GraphOutput {
        GraphOutput {
            name: name.into(),
            kind,
            shape: Some(shape.to_vec()),
            producer: Some(producer.into()),
        }
    }

    fn err(graph: &[GraphOutput], hints: &Hints) -> String {
        format!("{:#}", infer(graph, hints).unwrap_err())
    }

    #[test]
    fn kmeans_is_clustering_and_isolation_forest_is_outlier() {
        let kmeans = [
            out("label", OutputKind::Integer, &[None], "ArgMin"),
            out("scores", OutputKind::Float, &[None, Some(4)], "Sqrt"),
        ];
        let o = infer(&kmeans, &Hints::default()).unwrap();
        assert_eq!(
            (o.task, o.clusters, o.distances.as_deref()),
            (Task::Clustering, Some(4), Some("scores"))
        );
        let forest = [
            out("label", OutputKind::Integer, &[None, Some(1)], "Where"),
            out("scores", OutputKind::Float, &[None, Some(1)], "Add"),
        ];
        let o = infer(&forest, &Hints::default()).unwrap();
        assert_eq!(
            (o.task, o.label.as_deref(), o.score.as_deref()),
            (Task::Outlier, Some("label"), Some("scores"))
        );
    }

    #[test]
    fn a_vector_output_needs_the_task_then_names_its_values() {
        let pca = [out(
            "variable",
            OutputKind::Float,
            &[None, Some(3)],
            "MatMul",
        )];
        let e = err(&pca, &Hints::default());
        assert!(
            e.contains("pass --task regression") && e.contains("--task transform"),
            "{e}"
        );
        let t = infer(
            &pca,
            &Hints {
                task: Some(Task::Transform),
                ..Hints::default()
            },
        )
        .unwrap();
        assert_eq!(
            (t.vector.as_deref(), t.dimension),
            (Some("variable"), Some(3))
        );
        let targets = vec!["a".to_string(), "b".into(), "c".into()];
        let r = infer(
            &pca,
            &Hints {
                task: Some(Task::Regression),
                targets,
                ..Hints::default()
            },
        )
        .unwrap();
        assert_eq!(
            r.value_names,
            Some(vec!["a".into(), "b".into(), "c".into()])
        );
        let two = Hints {
            task: Some(Task::Regression),
            value_names: Some(vec!["x".into(), "y".into()]),
            ..Hints::default()
        };
        assert!(err(&pca, &two).contains("gives 2 names but output \"variable\""));
    }

    #[test]
    fn one_value_is_regression_and_a_classifier_needs_its_class_names() {
        let reg = [out(
            "variable",
            OutputKind::Float,
            &[None, Some(1)],
            "LinearRegressor",
        )];
        let o = infer(&reg, &Hints::default()).unwrap();
        assert_eq!(
            (o.task, o.value.as_deref(), o.value_names),
            (Task::Regression, Some("variable"), None)
        );
        let clf = [
            out("label", OutputKind::String, &[None], "LabelEncoder"),
            out(
                "probabilities",
                OutputKind::Float,
                &[None, Some(3)],
                "Softmax",
            ),
        ];
        assert!(err(&clf, &Hints::default()).contains("class names"));
    }
}
