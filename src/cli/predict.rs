//! `sealed-onnx predict`: verified predictions from CSV or JSON.

use std::path::{Path, PathBuf};

use crate::bundle::manifest::Task;
use crate::engine::{predictions_json, Prediction};
use crate::loader::{PredictError, SealedModel};
use crate::schema::{self, Shape, Value};
use anyhow::{Context, Result};

use super::trust_args::TrustArgs;
use super::{csv_input, files};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Json,
    Csv,
}

/// Predict from a CSV file (header row of feature names) or JSON (a record, an array of
/// records, or columns {"feature": [...]}).
///
/// The bundle is verified first (same flags as `verify`). Input problems are all listed with
/// their row and feature, and nothing is predicted until they are fixed.
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
    /// Ignore input columns that are not features (e.g. the target column).
    #[arg(long)]
    ignore_unknown: bool,
}

fn input_format(path: &Path, given: Option<Format>) -> Format {
    given.unwrap_or_else(|| match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("csv") => Format::Csv,
        _ => Format::Json,
    })
}

/// Runs the command.
pub fn run(a: Args) -> Result<u8> {
    let mut options = a.trust.options()?;
    options.schema.allow_unknown_features = a.ignore_unknown;
    let bytes = files::read(&a.bundle)?;
    let model = SealedModel::load(&bytes, &options)
        .with_context(|| format!("cannot load {}", a.bundle.display()))?;
    let raw = files::read(&a.input)?;
    let input = match input_format(&a.input, a.input_format) {
        Format::Csv => csv_input::records(
            &csv_input::parse(&raw, &a.input.display().to_string())?,
            &model.manifest().inputs.features,
        ),
        Format::Json => Value::from(
            serde_json::from_slice::<serde_json::Value>(&raw)
                .with_context(|| format!("{} is not valid JSON", a.input.display()))?,
        ),
    };
    let (shape, predictions) = match model.predict(&input) {
        Ok(p) => p,
        Err(PredictError::Schema(e)) => {
            eprintln!("error: {e}");
            return Ok(1);
        }
        Err(e) => return Err(e.into()),
    };
    let out = match a.format {
        Format::Json => json_output(&model, shape, &predictions)?,
        Format::Csv => csv_output(&model, &predictions)?,
    };
    files::write_or_stdout(a.output.as_deref(), &out, a.force)?;
    if !model.verification().verified {
        eprintln!("warning: the bundle is UNVERIFIED (no public key or integrity string)");
    }
    Ok(0)
}

fn json_output(model: &SealedModel, shape: Shape, predictions: &[Prediction]) -> Result<Vec<u8>> {
    let m = model.manifest();
    let results = predictions_json(shape, predictions);
    let out = serde_json::json!({
        "model": {"name": m.name, "version": m.version, "digest": model.verification().digest,
                  "verified": model.verification().verified},
        "predictions": results,
    });
    let mut text = serde_json::to_vec_pretty(&out)?;
    text.push(b'\n');
    Ok(text)
}

fn csv_output(model: &SealedModel, predictions: &[Prediction]) -> Result<Vec<u8>> {
    let m = model.manifest();
    let mut w = csv::Writer::from_writer(Vec::new());
    let classes = m.outputs.class_names.clone().unwrap_or_default();
    let mut header = vec!["row".to_string()];
    if m.outputs.task == Task::Regression {
        header.push("value".into());
    } else {
        header.push("label".into());
        header.extend(classes.iter().map(|c| format!("p_{c}")));
    }
    w.write_record(&header)?;
    for (i, p) in predictions.iter().enumerate() {
        let mut row = vec![i.to_string()];
        if let Some(v) = p.value {
            row.push(schema::format_number(v));
        }
        if let Some(l) = &p.label {
            row.push(l.clone());
            for c in &classes {
                let v = p
                    .probabilities
                    .as_ref()
                    .and_then(|ps| ps.iter().find(|(n, _)| n == c))
                    .map(|(_, v)| *v);
                row.push(v.map(schema::format_number).unwrap_or_default());
            }
        }
        w.write_record(&row)?;
    }
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("cannot write CSV: {e}"))
}
