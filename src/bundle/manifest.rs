//! The `manifest.json` document of a `sealed-onnx/1` bundle.
//!
//! Every struct denies unknown fields: a reader that silently ignored a field it does not
//! understand could miss a constraint the author meant to enforce.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The only bundle format this crate reads and writes.
pub const FORMAT: &str = "sealed-onnx/1";

/// The whole manifest: identity, provenance, schema, outputs, self-checks, card and digests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// Model name, e.g. `iris`.
    pub name: String,
    /// Semantic version of the model, e.g. `1.0.0`.
    pub version: String,
    /// When the bundle was packed (RFC 3339).
    pub created: String,
    /// How the model was trained.
    pub training: Training,
    /// The input schema and how it maps onto the graph.
    pub inputs: Inputs,
    /// What the graph's outputs mean.
    pub outputs: Outputs,
    /// Known predictions of the training framework, re-run on every load.
    pub test_vectors: TestVectors,
    /// Training-data statistics to compare new data against.
    pub drift_baseline: DriftBaseline,
    /// The model card.
    pub card: Card,
    /// sha256 (lowercase hex) of every other entry of the bundle, by entry name.
    pub files: BTreeMap<String, String>,
    /// Size in bytes of every entry listed in `files`, by entry name. Signed with the rest of
    /// the manifest, so a keyed load refuses a model of another size from the zip directory,
    /// before inflating it. Bundles sealed before this field existed have none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub file_sizes: BTreeMap<String, u64>,
    /// How inputs of the previous major version are accepted (renames, unit conversions,
    /// removed features, defaults). Absent when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migration: Option<super::migration::Migration>,
}

/// Training provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Training {
    /// The training framework, e.g. scikit-learn 1.7.2.
    pub framework: Tool,
    /// The converter that produced the ONNX graph, e.g. skl2onnx 1.20.0.
    pub converter: Tool,
    /// The training data (only its digest and size; rows never enter a bundle).
    pub data: TrainingData,
    /// Git commit of the training code, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git_commit: Option<String>,
    /// Random seed used for training, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub random_seed: Option<i64>,
    /// Cross-validation score, when measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cv_metric: Option<CvMetric>,
    /// Estimator hyper-parameters, free-form.
    #[serde(default)]
    pub hyperparameters: BTreeMap<String, Value>,
}

/// A named, versioned tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    /// Tool name.
    pub name: String,
    /// Tool version.
    pub version: String,
}

/// What is recorded about the training data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingData {
    /// sha256 (lowercase hex) of the training data file.
    pub sha256: String,
    /// Number of data rows.
    pub rows: u64,
    /// Where the data came from, free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A cross-validation result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CvMetric {
    /// Metric name, e.g. `accuracy`.
    pub name: String,
    /// Mean over folds.
    pub mean: f64,
    /// Standard deviation over folds.
    pub std: f64,
    /// Number of folds.
    pub folds: u32,
}

/// The input schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inputs {
    /// One entry per feature, in model order.
    pub features: Vec<Feature>,
    /// How the features reach the graph's inputs.
    pub binding: Binding,
}

/// The value type of a feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeatureType {
    /// A finite real number (integers are accepted and converted).
    Float,
    /// A whole number.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// One of the feature's `categories`, or any string when none are listed.
    String,
    /// Free text for a text vectorizer (a `Tokenizer`/`StringNormalizer` in the graph): any
    /// string of at most `max_length` characters, never a category list.
    Text,
}

impl FeatureType {
    /// The lowercase name used in manifests and error messages.
    pub fn as_str(self) -> &'static str {
        match self {
            FeatureType::Float => "float",
            FeatureType::Integer => "integer",
            FeatureType::Boolean => "boolean",
            FeatureType::String => "string",
            FeatureType::Text => "text",
        }
    }
}

/// One feature of the input schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feature {
    /// Feature name, the key in input records.
    pub name: String,
    /// Value type.
    #[serde(rename = "type")]
    pub kind: FeatureType,
    /// Smallest accepted value (numeric features).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Largest accepted value (numeric features).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Where `min`/`max` come from, e.g. "training data" or "set by the author" (a range
    /// wider than the training data's is said so here, and shown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range_source: Option<String>,
    /// Allowed values (string features).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<String>>,
    /// Longest accepted value in characters (Unicode scalar values), for text features: it
    /// bounds the tokenizer's work on an input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// Whether the value may be missing (`null`, or NaN).
    #[serde(default)]
    pub nullable: bool,
    /// What a missing value means, e.g. "imputed with the training median".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
    /// Unit of measure, e.g. `cm`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Human description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Element type of a graph input tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TensorType {
    /// 32-bit float.
    Float32,
    /// 64-bit float.
    Float64,
    /// 64-bit signed integer.
    Int64,
    /// UTF-8 string.
    String,
    /// Boolean.
    Bool,
}

impl TensorType {
    /// The lowercase name used in manifests and JSON tensors.
    pub fn as_str(self) -> &'static str {
        match self {
            TensorType::Float32 => "float32",
            TensorType::Float64 => "float64",
            TensorType::Int64 => "int64",
            TensorType::String => "string",
            TensorType::Bool => "bool",
        }
    }
}

/// How features are fed to the graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Binding {
    /// One `[N, k]` tensor holding every feature in schema order.
    Tensor {
        /// Graph input name.
        input: String,
        /// Element type of that input.
        dtype: TensorType,
    },
    /// One `[N, 1]` tensor per feature (as `ColumnTransformer` exports produce).
    Columns {
        /// One entry per graph input.
        columns: Vec<ColumnBinding>,
    },
}

/// One graph input fed from one feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnBinding {
    /// Feature name in the schema.
    pub feature: String,
    /// Graph input name.
    pub input: String,
    /// Element type of that input.
    pub dtype: TensorType,
}

/// What the model predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Task {
    /// Predicts a class label (and usually class probabilities).
    Classification,
    /// Predicts a number, or one number per target (`value_names`).
    Regression,
    /// Maps a row to a vector of `dimension` numbers (PCA, TruncatedSVD, an embedding).
    Transform,
    /// Assigns a row to one of `clusters` clusters, with its distance to each (KMeans).
    Clustering,
    /// Says whether a row is an outlier (label -1) or an inlier (1), with a score
    /// (IsolationForest, LocalOutlierFactor with `novelty=True`).
    Outlier,
}

impl Task {
    /// The lowercase name used in manifests and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Task::Classification => "classification",
            Task::Regression => "regression",
            Task::Transform => "transform",
            Task::Clustering => "clustering",
            Task::Outlier => "outlier",
        }
    }
}

/// What the graph's outputs mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outputs {
    /// Classification or regression.
    pub task: Task,
    /// Class names shown to users, in the order of the probability columns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_names: Option<Vec<String>>,
    /// The graph's own labels (strings or integers), same order as `class_names`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_labels: Option<Vec<Value>>,
    /// Name of the graph output holding the predicted label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Name of the graph output holding the `[N, classes]` probabilities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probabilities: Option<String>,
    /// Name of the graph output holding the regression value (`[N]` or `[N, 1]`; `[N, k]`
    /// with `value_names`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Regression with several targets: one name per column of the `value` output, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_names: Option<Vec<String>>,
    /// Name of the graph output holding a transform's `[N, dimension]` vectors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vector: Option<String>,
    /// How many numbers a transform's vector has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimension: Option<u64>,
    /// Name of the graph output holding the `[N, clusters]` distance to each cluster centre.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distances: Option<String>,
    /// How many clusters a clustering model has (its labels are 0 to `clusters - 1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clusters: Option<u64>,
    /// Name of the graph output holding an outlier detector's score (scikit-learn's
    /// `decision_function`: negative for outliers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<String>,
}

impl Outputs {
    /// Outputs naming only the task: what the other fields are refined from.
    pub fn of_task(task: Task) -> Outputs {
        Outputs {
            task,
            class_names: None,
            class_labels: None,
            label: None,
            probabilities: None,
            value: None,
            value_names: None,
            vector: None,
            dimension: None,
            distances: None,
            clusters: None,
            score: None,
        }
    }
}

/// Known predictions and their tolerance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestVectors {
    /// How far a score may be from the expected one.
    pub tolerance: Tolerance,
    /// The cases, each one input record with its expected prediction.
    pub cases: Vec<TestCase>,
    /// Where the expected values come from, when not from the training framework itself
    /// (e.g. the exported graph's float32 arithmetic); shown wherever the vectors are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Allowed difference between a computed and an expected score: `|a - e| <= absolute + relative * |e|`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tolerance {
    /// Relative part.
    pub relative: f64,
    /// Absolute part.
    pub absolute: f64,
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance {
            relative: 1e-5,
            absolute: 1e-6,
        }
    }
}

impl Tolerance {
    /// Whether `got` is within tolerance of `expected`.
    pub fn accepts(&self, expected: f64, got: f64) -> bool {
        if expected.is_nan() || got.is_nan() {
            return expected.is_nan() && got.is_nan();
        }
        (got - expected).abs() <= self.absolute + self.relative * expected.abs()
    }
}

/// One known prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    /// The input record, feature name to value.
    pub input: BTreeMap<String, Value>,
    /// What the training framework predicted.
    pub expected: Expected,
}

/// An expected prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// Expected class name (classification).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Expected probability per class name (classification).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probabilities: Option<BTreeMap<String, f64>>,
    /// Expected value (regression).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Expected value per target name (regression with `value_names`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<BTreeMap<String, f64>>,
    /// Expected vector (transform).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vector: Option<Vec<f64>>,
    /// Expected cluster index (clustering).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<u64>,
    /// Expected distance to each cluster centre (clustering).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distances: Option<Vec<f64>>,
    /// Whether the row is expected to be an outlier (scikit-learn's label -1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlier: Option<bool>,
    /// Expected outlier score (`decision_function`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

/// Per-feature statistics of the training data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct DriftBaseline {
    /// Statistics by feature name.
    pub features: BTreeMap<String, FeatureBaseline>,
}

/// Statistics of one feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum FeatureBaseline {
    /// A numeric feature.
    Numeric {
        /// Non-missing values.
        count: u64,
        /// Missing values.
        missing: u64,
        /// Mean.
        mean: f64,
        /// Population standard deviation.
        std: f64,
        /// Smallest value.
        min: f64,
        /// Largest value.
        max: f64,
        /// Deciles: the 0 %, 10 %, …, 100 % quantiles (11 values).
        quantiles: Vec<f64>,
        /// Histogram over `[min, max]`.
        histogram: Histogram,
    },
    /// A categorical (string or boolean) feature.
    Categorical {
        /// Non-missing values.
        count: u64,
        /// Missing values.
        missing: u64,
        /// Share of each value among the non-missing ones.
        frequencies: BTreeMap<String, f64>,
    },
    /// A text feature: the length of its texts in characters, and how much of their tokens
    /// the model's vocabulary covers.
    Text {
        /// Non-missing texts.
        count: u64,
        /// Missing texts.
        missing: u64,
        /// Mean length.
        mean_length: f64,
        /// Length deciles: the 0 %, 10 %, …, 100 % quantiles (11 values).
        quantiles: Vec<f64>,
        /// Histogram of lengths.
        histogram: Histogram,
        /// The training texts' tokens the model's vocabulary lacks, tokenised as the graph
        /// tokenises them. Absent in bundles sealed before it was recorded, and when the
        /// graph has no vocabulary for the feature; drift then reports no rate.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unknown_tokens: Option<UnknownTokens>,
    },
}

/// How many tokens a set of texts has, and how many of them the vocabulary lacks.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnknownTokens {
    /// Tokens in all texts.
    pub tokens: u64,
    /// Tokens not in the vocabulary.
    pub unknown: u64,
    /// `unknown / tokens` (0 without tokens).
    pub rate: f64,
}

impl UnknownTokens {
    /// The counts with their rate.
    pub fn new(tokens: u64, unknown: u64) -> UnknownTokens {
        UnknownTokens {
            tokens,
            unknown,
            rate: if tokens > 0 {
                unknown as f64 / tokens as f64
            } else {
                0.0
            },
        }
    }
}

/// A histogram: `counts[i]` values fell in `[edges[i], edges[i + 1])` (the last bin is closed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Histogram {
    /// Bin edges, one more than bins.
    pub edges: Vec<f64>,
    /// Count per bin.
    pub counts: Vec<u64>,
}

/// The model card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Card {
    /// What the model does.
    pub description: String,
    /// What it is meant for.
    #[serde(default)]
    pub intended_use: String,
    /// What it must not be used for.
    #[serde(default)]
    pub out_of_scope: String,
    /// Known limitations.
    #[serde(default)]
    pub limitations: String,
    /// Fairness considerations.
    #[serde(default)]
    pub fairness: String,
    /// Authors.
    #[serde(default)]
    pub authors: Vec<String>,
    /// License of the model.
    #[serde(default)]
    pub license: String,
    /// Recommended operating ranges, by feature name, free text.
    #[serde(default)]
    pub operating_ranges: BTreeMap<String, String>,
}
