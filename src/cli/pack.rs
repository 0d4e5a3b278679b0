//! `sealed-onnx pack`: build an (unsigned) bundle from an export, metadata, training data and
//! test vectors.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::bundle::manifest::{
    Binding, Card, ColumnBinding, CvMetric, DriftBaseline, Feature, FeatureBaseline, FeatureType,
    Inputs, Manifest, Outputs, Task, TensorType, TestVectors, Tool, Training, TrainingData, FORMAT,
};
use crate::bundle::{self, Bundle};
use crate::engine::{graph_inputs, graph_outputs, text_vocabularies};
use crate::loader::{LoadError, LoadOptions, SealedModel, TestVectorError};
use crate::schema::drift::count_tokens;
use crate::schema::infer::{infer_feature, infer_text_feature, is_missing, InferOptions};
use crate::trust;
use anyhow::{anyhow, bail, Context, Result};
use serde::Deserialize;

use super::{csv_input, files, json_doc, pack_outputs};

/// Build an unsigned bundle (then run `sealed-onnx sign`).
///
/// The schema (types, ranges, categories, nullability) and the drift baseline are inferred
/// from the training CSV, refined by the metadata file's `features`; only statistics and the
/// CSV's sha256 enter the bundle, never its rows. The bundle is loaded once before it is
/// written, so a graph that cannot run or a failing test vector stops here.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ONNX export of the whole pipeline.
    #[arg(long, value_name = "ONNX")]
    model: PathBuf,
    /// Metadata: name, version, training, features, outputs, card (see models/*/meta.json).
    #[arg(long, value_name = "JSON")]
    meta: PathBuf,
    /// Training data with a header row (features, plus the target column named in meta).
    #[arg(long, value_name = "CSV")]
    train: PathBuf,
    /// Known predictions of the training framework: {"tolerance": {...}, "cases": [...]}.
    #[arg(long, value_name = "JSON")]
    test_vectors: PathBuf,
    /// Where to write the bundle (.sonnx).
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,
    /// Accept FEATURE from MIN to MAX instead of the training data's own range (repeatable;
    /// recorded in the manifest as set by the author), e.g. --range age=0:120.
    #[arg(long = "range", value_name = "FEATURE=MIN:MAX", value_parser = parse_range)]
    ranges: Vec<(String, f64, f64)>,
    /// Widen every inferred numeric range by this share of the training span on each side
    /// (default 0: the training data's own range; the margin is recorded in the manifest).
    #[arg(long, default_value_t = 0.0, value_name = "SHARE")]
    range_margin: f64,
    /// The `created` timestamp (RFC 3339); defaults to $SOURCE_DATE_EPOCH, else now.
    #[arg(long, value_name = "RFC3339")]
    created: Option<String>,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
    /// What the model predicts, when meta.json has no "outputs" and the graph's outputs fit
    /// several tasks (a [N, k] float output is a regression with k targets or a transform).
    /// Without it, pack infers the task: one value per row is a regression, an ArgMin label
    /// with distances is clustering, a -1/1 label with one score is outlier detection.
    #[arg(long, value_enum, value_name = "TASK")]
    task: Option<pack_outputs::TaskArg>,
    /// Names of a regression's targets, one per column of its value output, comma-separated
    /// (default: the metadata's target columns, else y0, y1, …).
    #[arg(long, value_name = "NAME,NAME,...", value_delimiter = ',')]
    value_names: Option<Vec<String>>,
}

/// The metadata file `pack` reads.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Meta {
    name: String,
    version: String,
    /// The CSV column(s) holding the target(s), left out of the schema: a name, or a list of
    /// names for a regression with several targets (the names of its values).
    #[serde(default)]
    target: Option<Targets>,
    training: MetaTraining,
    /// Per-feature refinements of what is inferred.
    #[serde(default)]
    features: BTreeMap<String, FeatureOverride>,
    /// How features reach the graph; inferred from the graph's inputs when absent.
    #[serde(default)]
    binding: Option<Binding>,
    /// What the graph's outputs mean; inferred from the graph when absent.
    #[serde(default)]
    outputs: Option<Outputs>,
    card: Card,
    /// How inputs of the previous major version are accepted.
    #[serde(default)]
    migration: Option<crate::bundle::migration::Migration>,
}

/// One target column, or several.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Targets {
    One(String),
    Many(Vec<String>),
}

impl Meta {
    /// The target columns, in order.
    fn targets(&self) -> Vec<String> {
        match &self.target {
            None => Vec::new(),
            Some(Targets::One(t)) => vec![t.clone()],
            Some(Targets::Many(t)) => t.clone(),
        }
    }

    fn is_target(&self, column: &str) -> bool {
        match &self.target {
            None => false,
            Some(Targets::One(t)) => t == column,
            Some(Targets::Many(t)) => t.iter().any(|t| t == column),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MetaTraining {
    framework: Tool,
    converter: Tool,
    #[serde(default)]
    data_source: Option<String>,
    #[serde(default)]
    git_commit: Option<String>,
    #[serde(default)]
    random_seed: Option<i64>,
    #[serde(default)]
    cv_metric: Option<CvMetric>,
    #[serde(default)]
    hyperparameters: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FeatureOverride {
    #[serde(default, rename = "type")]
    kind: Option<FeatureType>,
    #[serde(default)]
    min: Option<f64>,
    #[serde(default)]
    max: Option<f64>,
    #[serde(default)]
    categories: Option<Vec<String>>,
    #[serde(default)]
    max_length: Option<u64>,
    #[serde(default)]
    nullable: Option<bool>,
    #[serde(default)]
    missing: Option<String>,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

fn parse_range(s: &str) -> std::result::Result<(String, f64, f64), String> {
    let usage = || format!("{s:?} is not FEATURE=MIN:MAX (e.g. age=0:120)");
    let (name, bounds) = s.split_once('=').ok_or_else(usage)?;
    let (lo, hi) = bounds.split_once(':').ok_or_else(usage)?;
    let (lo, hi): (f64, f64) = (
        lo.trim().parse().map_err(|_| usage())?,
        hi.trim().parse().map_err(|_| usage())?,
    );
    if name.is_empty() || !lo.is_finite() || !hi.is_finite() || lo > hi {
        return Err(format!("{s:?}: needs a feature name and finite MIN <= MAX"));
    }
    Ok((name.to_string(), lo, hi))
}

fn created(given: Option<String>) -> Result<String> {
    use time::format_description::well_known::Rfc3339;
    if let Some(c) = given {
        time::OffsetDateTime::parse(&c, &Rfc3339)
            .with_context(|| format!("--created {c:?} is not an RFC 3339 timestamp"))?;
        return Ok(c);
    }
    let now = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) => {
            let secs: i64 = s
                .trim()
                .parse()
                .with_context(|| format!("SOURCE_DATE_EPOCH={s:?} is not a number of seconds"))?;
            time::OffsetDateTime::from_unix_timestamp(secs)
                .context("SOURCE_DATE_EPOCH is out of range")?
        }
        Err(_) => time::OffsetDateTime::now_utc(),
    };
    Ok(now.replace_nanosecond(0).unwrap_or(now).format(&Rfc3339)?)
}

/// What [`pack`] builds a bundle from: the same inputs as the command, as bytes.
#[derive(Debug, Clone)]
pub struct PackInput {
    /// The ONNX export.
    pub model: Vec<u8>,
    /// The metadata document (`meta.json`).
    pub meta: Vec<u8>,
    /// The training CSV (header row; only statistics and its sha256 enter the bundle).
    pub train_csv: Vec<u8>,
    /// The test vectors document.
    pub test_vectors: Vec<u8>,
    /// How the three documents are named in messages: meta, training CSV, test vectors.
    pub names: [String; 3],
    /// Explicit ranges, `(feature, min, max)`, recorded as set by the author.
    pub ranges: Vec<(String, f64, f64)>,
    /// Widen inferred ranges by this share of the span (0: the data's own range).
    pub range_margin: f64,
    /// The `created` timestamp (RFC 3339); defaults to $SOURCE_DATE_EPOCH, else now.
    pub created: Option<String>,
    /// The task, when the metadata has no `outputs` and the graph fits several.
    pub task: Option<Task>,
    /// Names of a regression's targets (see `--value-names`).
    pub value_names: Option<Vec<String>>,
}

/// A packed, unsigned bundle that loaded once with every check.
#[derive(Debug, Clone)]
pub struct Packed {
    /// The bundle's bytes.
    pub bytes: Vec<u8>,
    /// Its manifest.
    pub manifest: Manifest,
    /// Test vectors that passed (all of them).
    pub test_vectors_passed: usize,
}

/// Builds an unsigned bundle and loads it exactly as a user would, so a graph that cannot
/// run or a test vector that does not match fails here, before anything is written.
pub fn pack(input: PackInput) -> Result<Packed> {
    if !(input.range_margin.is_finite() && input.range_margin >= 0.0) {
        bail!("the range margin must be a non-negative number");
    }
    let [meta_name, train_name, tv_name] = &input.names;
    let meta: Meta = json_doc::parse(&input.meta, meta_name)?;
    let targets = meta.targets();
    let test_vectors: TestVectors = json_doc::parse(&input.test_vectors, tv_name)?;
    let table = csv_input::parse(&input.train_csv, train_name)?;
    if table.rows.is_empty() {
        bail!(
            "{train_name} has no data rows; the schema and drift baseline are inferred from them"
        );
    }
    let model = input.model;
    let text = text_columns(&model, &table, &meta)?;
    let (mut features, mut baseline) = infer_schema(&table, &meta, input.range_margin, &text)?;
    apply_ranges(&mut features, &input.ranges)?;
    let binding = match meta.binding {
        Some(b) => b,
        None => infer_binding(&model, &features)?,
    };
    unknown_token_baselines(&model, &table, &binding, &mut baseline)?;
    let outputs = match meta.outputs {
        Some(o) if input.task.is_none() && input.value_names.is_none() => o,
        Some(_) => bail!("{meta_name} has an \"outputs\" section; --task and --value-names are for a graph without one (drop one or the other)"),
        None => {
            let graph = graph_outputs(&model).context("cannot read the graph's outputs")?;
            let hints = pack_outputs::Hints {
                task: input.task,
                value_names: input.value_names,
                targets: targets.clone(),
            };
            pack_outputs::infer(&graph, &hints).with_context(|| {
                format!("{meta_name} has no \"outputs\" section, and pack cannot infer it from the graph")
            })?
        }
    };
    let mut manifest = Manifest {
        format: FORMAT.to_string(),
        name: meta.name,
        version: meta.version,
        created: created(input.created)?,
        training: Training {
            framework: meta.training.framework,
            converter: meta.training.converter,
            data: TrainingData {
                sha256: trust::to_hex(&trust::sha256(&input.train_csv)),
                rows: table.rows.len() as u64,
                source: meta.training.data_source,
            },
            git_commit: meta.training.git_commit,
            random_seed: meta.training.random_seed,
            cv_metric: meta.training.cv_metric,
            hyperparameters: meta.training.hyperparameters,
        },
        inputs: Inputs { features, binding },
        outputs,
        test_vectors,
        drift_baseline: baseline,
        card: meta.card,
        files: BTreeMap::new(),
        file_sizes: BTreeMap::new(),
        migration: meta.migration,
    };
    manifest.files.insert(
        bundle::MODEL_ENTRY.to_string(),
        trust::to_hex(&trust::sha256(&model)),
    );
    manifest
        .file_sizes
        .insert(bundle::MODEL_ENTRY.to_string(), model.len() as u64);
    let manifest_bytes = bundle::manifest_to_bytes(&manifest)
        .context("the metadata does not make a valid manifest")?;
    let bundle = Bundle {
        model,
        manifest_bytes,
        manifest,
        signature: None,
    };
    let bytes = bundle.to_bytes();
    let check = LoadOptions {
        allow_unverified: true,
        ..LoadOptions::default()
    };
    let loaded = SealedModel::load(&bytes, &check).map_err(|e| {
        let hint = match &e {
            LoadError::TestVector(TestVectorError::Schema { .. }) => {
                "\n(a test vector lies outside the schema inferred from the training data: widen that feature's range on purpose with --range FEATURE=MIN:MAX or --range-margin SHARE, or drop the case)"
            }
            _ => "",
        };
        anyhow!("the packed bundle does not load; nothing was written: {e}{hint}")
    })?;
    Ok(Packed {
        test_vectors_passed: loaded.verification().test_vectors_passed,
        manifest: bundle.manifest,
        bytes,
    })
}

/// Runs the command.
pub fn run(a: Args) -> Result<u8> {
    let packed = pack(PackInput {
        model: files::read(&a.model)?,
        meta: files::read(&a.meta)?,
        train_csv: files::read(&a.train)?,
        test_vectors: files::read(&a.test_vectors)?,
        names: [&a.meta, &a.train, &a.test_vectors].map(|p| p.display().to_string()),
        ranges: a.ranges,
        range_margin: a.range_margin,
        created: a.created,
        task: a.task.map(Task::from),
        value_names: a.value_names,
    })?;
    files::write(&a.out, &packed.bytes, a.force)?;
    println!(
        "packed {} {} → {} ({} bytes, {} features, {}/{} test vectors pass)",
        packed.manifest.name,
        packed.manifest.version,
        a.out.display(),
        packed.bytes.len(),
        packed.manifest.inputs.features.len(),
        packed.test_vectors_passed,
        packed.manifest.test_vectors.cases.len()
    );
    println!(
        "unsigned: run `sealed-onnx sign {} --key <private.pem>`",
        a.out.display()
    );
    Ok(0)
}

/// Applies `--range` bounds, refusing names that are not numeric features.
fn apply_ranges(features: &mut [Feature], ranges: &[(String, f64, f64)]) -> Result<()> {
    for (name, lo, hi) in ranges {
        let Some(f) = features.iter_mut().find(|f| &f.name == name) else {
            let names: Vec<&str> = features.iter().map(|f| f.name.as_str()).collect();
            bail!(
                "a range is given for {name:?}, which is not a feature; the features are {names:?}"
            );
        };
        if !matches!(f.kind, FeatureType::Float | FeatureType::Integer) {
            bail!(
                "a range is given for {name:?}, which is a {} feature, not a number",
                f.kind.as_str()
            );
        }
        f.min = Some(*lo);
        f.max = Some(*hi);
        f.range_source = Some("set by the author".to_string());
    }
    Ok(())
}

/// The training columns that are text rather than categories: those whose graph input (same
/// name, or the graph's only input when the CSV has one feature column) reaches a
/// `StringNormalizer` or `Tokenizer`, and those the metadata declares `"type": "text"`.
fn text_columns(model: &[u8], table: &csv_input::Table, meta: &Meta) -> Result<Vec<String>> {
    let inputs = graph_inputs(model).context("cannot read the graph's inputs")?;
    let columns: Vec<&String> = table.header.iter().filter(|h| !meta.is_target(h)).collect();
    let text: Vec<String> = columns
        .iter()
        .filter(|c| {
            inputs.iter().any(|i| i.text && i.name == ***c)
                || (inputs.len() == 1 && columns.len() == 1 && inputs[0].text)
                || meta
                    .features
                    .get(**c)
                    .is_some_and(|o| o.kind == Some(FeatureType::Text))
        })
        .map(|c| (*c).clone())
        .collect();
    Ok(text)
}

/// Records, for each text feature bound to a graph input with a vocabulary, the share of
/// the training texts' tokens the vocabulary lacks (tokenised by the graph's own operators),
/// so that drift can compare new texts against it.
fn unknown_token_baselines(
    model: &[u8],
    table: &csv_input::Table,
    binding: &Binding,
    baseline: &mut DriftBaseline,
) -> Result<()> {
    let Binding::Columns { columns } = binding else {
        return Ok(());
    };
    let vocabularies =
        text_vocabularies(model).context("cannot read the graph's text vocabularies")?;
    for c in columns {
        let (Some(vocabulary), Some(i)) = (
            vocabularies.get(&c.input),
            table.header.iter().position(|h| *h == c.feature),
        ) else {
            continue;
        };
        if let Some(FeatureBaseline::Text { unknown_tokens, .. }) =
            baseline.features.get_mut(&c.feature)
        {
            let texts = table
                .rows
                .iter()
                .map(|r| r.get(i).map_or("", String::as_str));
            *unknown_tokens = Some(count_tokens(vocabulary, texts));
        }
    }
    Ok(())
}

fn infer_schema(
    table: &csv_input::Table,
    meta: &Meta,
    margin: f64,
    text: &[String],
) -> Result<(Vec<Feature>, DriftBaseline)> {
    for target in meta.targets() {
        if !table.header.contains(&target) {
            bail!("the target column {target:?} named in the metadata is not in the training CSV");
        }
    }
    for name in meta.features.keys() {
        if !table.header.contains(name) || meta.is_target(name) {
            bail!("the metadata describes feature {name:?}, which is not a feature column of the training CSV");
        }
    }
    let options = InferOptions {
        range_margin: margin,
        ..InferOptions::default()
    };
    let mut features = Vec::new();
    let mut baseline = DriftBaseline::default();
    for (i, name) in table.header.iter().enumerate() {
        if meta.is_target(name) {
            continue;
        }
        let column: Vec<&str> = table
            .rows
            .iter()
            .map(|r| r.get(i).map_or("", String::as_str))
            .collect();
        if column.iter().all(|f| is_missing(f)) && !text.contains(name) {
            bail!("column {name:?} of the training CSV has no values; drop it or name it as the target");
        }
        let (mut f, stats) = if text.contains(name) {
            infer_text_feature(name, &column, &options)
        } else {
            infer_feature(name, &column, &options)
        };
        if let Some(o) = meta.features.get(name) {
            apply(&mut f, o);
        }
        baseline.features.insert(name.clone(), stats);
        features.push(f);
    }
    if features.is_empty() {
        bail!("the training CSV has no feature columns besides the target");
    }
    Ok((features, baseline))
}

fn apply(f: &mut Feature, o: &FeatureOverride) {
    if let Some(kind) = o.kind {
        f.kind = kind;
        if !matches!(kind, FeatureType::Float | FeatureType::Integer) {
            f.min = None;
            f.max = None;
            f.range_source = None;
        }
        if kind != FeatureType::String {
            f.categories = None;
        }
        if kind != FeatureType::Text {
            f.max_length = None;
        }
    }
    f.max_length = o.max_length.or(f.max_length);
    if o.min.is_some() || o.max.is_some() {
        f.range_source = Some("set by the author".to_string());
    }
    f.min = o.min.or(f.min);
    f.max = o.max.or(f.max);
    f.categories = o.categories.clone().or(f.categories.take());
    f.nullable = o.nullable.unwrap_or(f.nullable);
    f.missing = o.missing.clone().or(f.missing.take());
    f.unit = o.unit.clone().or(f.unit.take());
    f.description = o.description.clone().or(f.description.take());
}

/// One graph input → one `[N, k]` tensor; several → one per feature, matched by name.
fn infer_binding(model: &[u8], features: &[Feature]) -> Result<Binding> {
    let inputs = graph_inputs(model).context("cannot read the graph's inputs")?;
    match inputs.as_slice() {
        [] => bail!("the graph has no inputs"),
        // One string input (a text vectorizer's) and one column: a string cannot go into a
        // numeric [N, k] tensor, so the column feeds the input whatever their names.
        [only] if only.dtype == Some(TensorType::String) && features.len() == 1 => {
            Ok(Binding::Columns {
                columns: vec![ColumnBinding {
                    feature: features[0].name.clone(),
                    input: only.name.clone(),
                    dtype: TensorType::String,
                }],
            })
        }
        [only] if features.len() > 1 || only.name != features[0].name => Ok(Binding::Tensor {
            input: only.name.clone(),
            dtype: only.dtype.unwrap_or(TensorType::Float32),
        }),
        _ => {
            let columns = inputs
                .iter()
                .map(|g| {
                    if !features.iter().any(|f| f.name == g.name) {
                        bail!("graph input {:?} has no training-data column of the same name; add a \"binding\" to the metadata", g.name);
                    }
                    Ok(ColumnBinding { feature: g.name.clone(), input: g.name.clone(), dtype: g.dtype.unwrap_or(TensorType::Float32) })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(Binding::Columns { columns })
        }
    }
}
