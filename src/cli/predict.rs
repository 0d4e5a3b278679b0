//! `sealed-onnx predict`: verified predictions from CSV or JSON.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::bundle::manifest::{Feature, Outputs, Task};
use crate::engine::{predictions_json, Prediction};
use crate::loader::{PredictError, SealedModel};
use crate::schema::{self, Shape, Value};
use anyhow::{bail, Context, Result};

use super::trust_args::TrustArgs;
use super::{csv_input, files};

/// How many rows with problems are listed on standard error (the output has every one).
const SHOWN_ROW_PROBLEMS: usize = 100;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Json,
    Csv,
}

/// Predict from a CSV file (header row of feature names) or JSON (a record, an array of
/// records, or columns {"feature": [...]}).
///
/// The bundle is verified first (same flags as `verify`). Every result says which bundle
/// (digest) produced it and whether that bundle was verified.
///
/// CSV input is read as the demo page reads it: columns that are not features (the target,
/// notes) are ignored, a missing feature column is one error, and rows with problems are
/// listed on standard error (and in the output's `error` column) while the other rows are
/// predicted; the exit code is 1 when any row failed. With --strict nothing is predicted
/// unless every row is valid. JSON input is all or nothing.
///
/// The result columns follow the model's task: label and p_<class> (classification), value
/// or value_<target> (regression), vector_0… (transform), cluster and distance_0…
/// (clustering), outlier and score (outlier detection); JSON gives the same parts per row.
///
/// A bundle that declares a migration (inputs of the previous major version) accepts the old
/// shape, from JSON and CSV alike (old column names, old units): each migrated row says so,
/// `"migrated": {"from_major": N}` in JSON and the `migrated_from_major` column in CSV (a
/// column only bundles with a migration have; empty for rows sent in this version's shape).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The bundle.
    bundle: PathBuf,
    #[command(flatten)]
    trust: TrustArgs,
    /// Input rows: .csv or .json file, or - for standard input (JSON unless --input-format csv).
    #[arg(long, short, value_name = "FILE")]
    input: PathBuf,
    /// Input format; by default taken from the file extension.
    #[arg(long, value_enum)]
    input_format: Option<Format>,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    format: Format,
    /// Write results here instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
    /// JSON input: ignore keys that are not features (CSV input always ignores such columns).
    #[arg(long)]
    ignore_unknown: bool,
    /// CSV input: predict nothing unless every row is valid.
    #[arg(long)]
    strict: bool,
}

fn input_format(path: &Path, given: Option<Format>) -> Format {
    given.unwrap_or_else(|| match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("csv") => Format::Csv,
        _ => Format::Json,
    })
}

/// One output row: a prediction, or why that input row has none.
type Outcome = std::result::Result<Prediction, String>;

/// Per output row: was it sent in the old shape and migrated (the manifest's `migration`)?
type Migrated = Vec<bool>;

/// `Migrated` for `n` rows from the positions the model reports.
fn migrated_flags(n: usize, rows: &[usize]) -> Migrated {
    let mut flags = vec![false; n];
    for &i in rows {
        if let Some(f) = flags.get_mut(i) {
            *f = true;
        }
    }
    flags
}

/// Runs the command.
pub fn run(a: Args) -> Result<u8> {
    let mut options = a.trust.options()?;
    options.schema.allow_unknown_features = a.ignore_unknown;
    // Bounded like every bundle read: a wrong path to a huge file fails before it is read.
    let model = a.trust.load_with(&a.bundle, options)?;
    let raw = files::read(&a.input)?;
    let what = if a.input.as_os_str() == "-" {
        "standard input".to_string()
    } else {
        a.input.display().to_string()
    };
    let (shape, outcomes, migrated) = match input_format(&a.input, a.input_format) {
        Format::Csv => match predict_csv(&model, &raw, &what, a.strict)? {
            Some((outcomes, migrated)) => (Shape::Records, Some(outcomes), migrated),
            None => (Shape::Records, None, Vec::new()),
        },
        Format::Json => {
            let input = Value::from(
                serde_json::from_slice::<serde_json::Value>(&raw)
                    .with_context(|| format!("{what} is not valid JSON"))?,
            );
            let rows = model.migrated_rows(&input);
            note_migrated(&model, rows.len());
            match model.predict(&input) {
                Ok((shape, predictions)) => {
                    let migrated = migrated_flags(predictions.len(), &rows);
                    (
                        shape,
                        Some(predictions.into_iter().map(Ok).collect()),
                        migrated,
                    )
                }
                Err(PredictError::Schema(e)) => {
                    eprintln!("error: {e}");
                    return Ok(1);
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    let Some(outcomes) = outcomes else {
        return Ok(1); // --strict, and a row failed: nothing predicted
    };
    let out = match a.format {
        Format::Json => json_output(&model, shape, &outcomes, &migrated)?,
        Format::Csv => csv_output(&model, &outcomes, &migrated)?,
    };
    files::write_or_stdout(a.output.as_deref(), &out, a.force)?;
    if !model.verification().verified {
        eprintln!("warning: the bundle is UNVERIFIED (no public key or integrity string): every result is marked verified=false");
    }
    Ok(if outcomes.iter().any(|o| o.is_err()) {
        1
    } else {
        0
    })
}

/// Says on standard error how many records were sent in the old shape and migrated.
fn note_migrated(model: &SealedModel, n: usize) {
    if n > 0 {
        let m = model.manifest();
        eprintln!(
            "note: {n} record(s) in the {}.x shape migrated to {} {} (the bundle's migration)",
            m.migration.as_ref().map_or(0, |m| m.from_major),
            m.name,
            m.version
        );
    }
}

/// The features as a CSV file's columns are read: with a migration, a feature the header
/// lacks is read from its old column (converted later, by the migration, like a JSON record
/// in the old shape), and one the migration gives a default is not required.
fn csv_features(model: &SealedModel, header: &[String]) -> Vec<Feature> {
    let features = &model.manifest().inputs.features;
    let Some(migration) = &model.manifest().migration else {
        return features.clone();
    };
    features
        .iter()
        .filter_map(|f| {
            let m = match migration.features.get(&f.name) {
                Some(m) if !header.contains(&f.name) => m,
                _ => return Some(f.clone()),
            };
            match &m.from {
                Some(old) if header.contains(old) => Some(Feature {
                    name: old.clone(),
                    ..f.clone()
                }),
                _ if m.default.is_some() => None,
                _ => Some(f.clone()),
            }
        })
        .collect()
}

/// Predicts every valid row of a CSV file; bad rows get their problems instead, listed on
/// standard error. `None` when `strict` and some row failed.
fn predict_csv(
    model: &SealedModel,
    raw: &[u8],
    what: &str,
    strict: bool,
) -> Result<Option<(Vec<Outcome>, Migrated)>> {
    let (table, shape_problems) = csv_input::parse_lenient(raw, what)?;
    let features = &csv_features(model, &table.header);
    let columns = csv_input::columns(&table, features);
    if !columns.missing.is_empty() {
        let (s, them) = if columns.missing.len() == 1 {
            ("", "it")
        } else {
            ("s", "them")
        };
        bail!(
            "{what} has no column{s} {}: the model needs every feature ({}); add {them} (empty cells for missing values)",
            quoted(&columns.missing),
            quoted(&features.iter().map(|f| f.name.clone()).collect::<Vec<_>>()),
        );
    }
    let removed = model
        .manifest()
        .migration
        .as_ref()
        .map_or(&[][..], |m| m.removed.as_slice());
    let ignored: Vec<String> = columns
        .ignored
        .iter()
        .filter(|c| !removed.contains(c))
        .cloned()
        .collect();
    if !ignored.is_empty() {
        eprintln!(
            "note: ignoring column{} {} of {what}: not model inputs",
            if ignored.len() == 1 { "" } else { "s" },
            quoted(&ignored)
        );
    }
    // Problems per input row (the file's data rows, 0-based), with the line they start on.
    let mut problems: BTreeMap<usize, (u64, Vec<String>)> = BTreeMap::new();
    for p in &shape_problems {
        problems.insert(p.row, (p.line, vec![p.message.clone()]));
    }
    // The rows that could be read, and which file row each is.
    let file_rows: Vec<usize> = {
        let bad: Vec<usize> = shape_problems.iter().map(|p| p.row).collect();
        (0..table.rows.len() + bad.len())
            .filter(|i| !bad.contains(i))
            .collect()
    };
    let records = match csv_input::records(&table, features) {
        Value::Array(records) => records,
        _ => Vec::new(),
    };
    if let Err(e) = model.validate(&Value::Array(records.clone())) {
        for issue in &e.issues {
            let Some((k, rest)) = row_of(&issue.path) else {
                bail!("{e}");
            };
            let Some(&row) = file_rows.get(k) else {
                bail!("{e}");
            };
            let line = table.lines.get(k).copied().unwrap_or(0);
            let text = format!(
                "{}: expected {}, received {} ({})",
                rest,
                issue.expected,
                issue.received,
                issue.code.as_str()
            );
            problems
                .entry(row)
                .or_insert((line, Vec::new()))
                .1
                .push(text);
        }
    }
    report(&problems, what);
    if strict && !problems.is_empty() {
        eprintln!(
            "error: --strict: nothing predicted because {} row(s) have problems",
            problems.len()
        );
        return Ok(None);
    }
    let good: Vec<(usize, Value)> = file_rows
        .iter()
        .zip(records)
        .filter(|(row, _)| !problems.contains_key(row))
        .map(|(row, r)| (*row, r))
        .collect();
    let (rows, good): (Vec<usize>, Vec<Value>) = good.into_iter().unzip();
    let good = Value::Array(good);
    let migrated_good = model.migrated_rows(&good);
    note_migrated(model, migrated_good.len());
    let predictions = if rows.is_empty() {
        Vec::new()
    } else {
        model.predict(&good).map_err(anyhow::Error::from)?.1
    };
    let total = file_rows.len() + shape_problems.len();
    let migrated_files_rows: Vec<usize> = migrated_good
        .iter()
        .filter_map(|&k| rows.get(k).copied())
        .collect();
    let migrated = migrated_flags(total, &migrated_files_rows);
    let mut by_row: BTreeMap<usize, Prediction> = rows.into_iter().zip(predictions).collect();
    Ok(Some((
        (0..total)
            .map(|i| match by_row.remove(&i) {
                Some(p) => Ok(p),
                None => Err(problems
                    .get(&i)
                    .map(|(_, msgs)| msgs.join("; "))
                    .unwrap_or_else(|| "not predicted".into())),
            })
            .collect(),
        migrated,
    )))
}

/// `rows[12].petal_width` → (12, "petal_width").
fn row_of(path: &str) -> Option<(usize, &str)> {
    let rest = path.strip_prefix("rows[")?;
    let end = rest.find(']')?;
    let k = rest[..end].parse().ok()?;
    Some((k, rest[end + 1..].trim_start_matches('.')))
}

/// Lists the rows with problems on standard error (the first SHOWN_ROW_PROBLEMS).
fn report(problems: &BTreeMap<usize, (u64, Vec<String>)>, what: &str) {
    if problems.is_empty() {
        return;
    }
    eprintln!(
        "{} row{} of {what} not predicted:",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    for (row, (line, msgs)) in problems.iter().take(SHOWN_ROW_PROBLEMS) {
        eprintln!("  row {} (line {line}): {}", row + 1, msgs.join("; "));
    }
    if problems.len() > SHOWN_ROW_PROBLEMS {
        eprintln!(
            "  …and {} more (every one is in the output's error column)",
            problems.len() - SHOWN_ROW_PROBLEMS
        );
    }
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn json_output(
    model: &SealedModel,
    shape: Shape,
    outcomes: &[Outcome],
    migrated: &[bool],
) -> Result<Vec<u8>> {
    let m = model.manifest();
    let v = model.verification();
    let predictions: Vec<Prediction> = outcomes.iter().filter_map(|o| o.clone().ok()).collect();
    let mut results = if outcomes.iter().all(Result::is_ok) {
        serde_json::to_value(predictions_json(shape, &predictions))?
    } else {
        // Some CSV rows failed: one entry per input row, an error in place of a prediction.
        let mut ok = match serde_json::to_value(predictions_json(Shape::Records, &predictions))? {
            serde_json::Value::Array(list) => list.into_iter(),
            _ => Vec::new().into_iter(),
        };
        serde_json::Value::Array(
            outcomes
                .iter()
                .map(|o| match o {
                    Ok(_) => ok.next().unwrap_or(serde_json::Value::Null),
                    Err(msg) => serde_json::json!({ "error": msg }),
                })
                .collect(),
        )
    };
    if let Some(migration) = &m.migration {
        // As the npm package marks them: each result whose record was migrated.
        let mark = serde_json::json!({ "from_major": migration.from_major });
        match &mut results {
            serde_json::Value::Array(list) => {
                for (p, _) in list.iter_mut().zip(migrated).filter(|(_, m)| **m) {
                    if let serde_json::Value::Object(p) = p {
                        p.insert("migrated".to_owned(), mark.clone());
                    }
                }
            }
            serde_json::Value::Object(p) if migrated.first() == Some(&true) => {
                p.insert("migrated".to_owned(), mark);
            }
            _ => {}
        }
    }
    let out = serde_json::json!({
        "model": {"name": m.name, "version": m.version, "digest": v.digest,
                  "verified": v.verified},
        "predictions": results,
    });
    let mut text = serde_json::to_vec_pretty(&out)?;
    text.push(b'\n');
    Ok(text)
}

/// The result columns of a CSV for this model's outputs (between `row` and `verified`).
fn result_header(outputs: &Outputs) -> Vec<String> {
    let numbered = |prefix: &str, n: Option<u64>| -> Vec<String> {
        (0..n.unwrap_or(0))
            .map(|i| format!("{prefix}_{i}"))
            .collect()
    };
    match outputs.task {
        Task::Classification => {
            let classes = outputs.class_names.as_deref().unwrap_or_default();
            let mut h = vec!["label".to_string()];
            h.extend(classes.iter().map(|c| format!("p_{c}")));
            h
        }
        Task::Regression => match &outputs.value_names {
            Some(names) => names.iter().map(|n| format!("value_{n}")).collect(),
            None => vec!["value".into()],
        },
        Task::Transform => numbered("vector", outputs.dimension),
        Task::Clustering => {
            let mut h = vec!["cluster".to_string()];
            if outputs.distances.is_some() {
                h.extend(numbered("distance", outputs.clusters));
            }
            h
        }
        Task::Outlier => {
            let mut h = Vec::new();
            if outputs.label.is_some() {
                h.push("outlier".to_string());
            }
            if outputs.score.is_some() {
                h.push("score".into());
            }
            h
        }
    }
}

/// One prediction's cells, in the order of [`result_header`].
fn result_cells(outputs: &Outputs, p: &Prediction) -> Vec<String> {
    let n = |v: f64| schema::format_number(v);
    let mut row = Vec::new();
    match outputs.task {
        Task::Classification => {
            row.push(p.label.clone().unwrap_or_default());
            for c in outputs.class_names.as_deref().unwrap_or_default() {
                let v = p
                    .probabilities
                    .as_ref()
                    .and_then(|ps| ps.iter().find(|(name, _)| name == c))
                    .map(|(_, v)| *v);
                row.push(v.map(n).unwrap_or_default());
            }
        }
        Task::Regression => match &p.values {
            Some(values) => row.extend(values.iter().map(|(_, v)| n(*v))),
            None => row.push(p.value.map(n).unwrap_or_default()),
        },
        Task::Transform => row.extend(p.vector.iter().flatten().map(|v| n(*v))),
        Task::Clustering => {
            row.push(p.cluster.map(|c| c.to_string()).unwrap_or_default());
            row.extend(p.distances.iter().flatten().map(|v| n(*v)));
        }
        Task::Outlier => {
            if let Some(o) = p.outlier {
                row.push(o.to_string());
            }
            if let Some(s) = p.score {
                row.push(n(s));
            }
        }
    }
    row
}

fn csv_output(model: &SealedModel, outcomes: &[Outcome], migrated: &[bool]) -> Result<Vec<u8>> {
    let m = model.manifest();
    let v = model.verification();
    let mut w = csv::Writer::from_writer(Vec::new());
    // `row` counts the input's data rows from 1, as the messages about bad rows do.
    let mut header = vec!["row".to_string()];
    header.extend(result_header(&m.outputs));
    // Every row says which bundle answered and whether it was verified, so a row copied out
    // of an unverified run cannot pass for a verified one.
    header.extend(["verified", "digest", "error"].map(String::from));
    let from_major = m.migration.as_ref().map(|m| m.from_major.to_string());
    if from_major.is_some() {
        header.push("migrated_from_major".into());
    }
    w.write_record(&header)?;
    let width = header.len() - 4 - usize::from(from_major.is_some());
    for (i, o) in outcomes.iter().enumerate() {
        let mut row = vec![(i + 1).to_string()];
        let error = match o {
            Ok(p) => {
                row.extend(result_cells(&m.outputs, p));
                String::new()
            }
            Err(msg) => msg.clone(),
        };
        row.resize(1 + width, String::new());
        row.extend([v.verified.to_string(), v.digest.clone(), error]);
        if let Some(from) = &from_major {
            let was = migrated.get(i).copied().unwrap_or(false);
            row.push(if was { from.clone() } else { String::new() });
        }
        w.write_record(&row)?;
    }
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("cannot write CSV: {e}"))
}
