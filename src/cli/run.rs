//! `sealed-onnx run`: run a raw ONNX file on JSON tensors.

use std::path::PathBuf;

use crate::engine::{run_raw, RawTensor};
use anyhow::{bail, Context, Result};

use super::files;

/// Run a raw ONNX model on tensors given as JSON, printing every output in the same form.
///
/// Input: {"X": {"dtype": "float32", "shape": [2, 4], "data": [[...], [...]]}}
/// dtypes: float32, float64, int64, string, bool; `null` in float data is NaN.
/// Outputs are printed in the same form, except the output of a final ZipMap (skl2onnx's
/// default for classifiers): like onnxruntime's sequence of maps, it is a list with one
/// {class label: probability} object per row, integer labels as strings, in the ZipMap's
/// order: "output_probability": [{"0": 0.97, "1": 0.02, "2": 0.01}, ...]
/// Nothing is verified: this is for checking exports, not for serving.
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The ONNX file.
    model: PathBuf,
    /// The input tensors (JSON file, or - for standard input).
    #[arg(long, short, value_name = "JSON")]
    input: PathBuf,
    /// Write the outputs here instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
}

/// Runs the command.
pub fn run(a: Args) -> Result<u8> {
    let model = files::read(&a.model)?;
    let text = files::read(&a.input)?;
    let json: serde_json::Value = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not valid JSON", a.input.display()))?;
    let serde_json::Value::Object(map) = json else {
        bail!(
            "{} must be a JSON object of input name → tensor",
            a.input.display()
        );
    };
    let inputs = map
        .iter()
        .map(|(name, v)| RawTensor::from_json(name, v).map(|t| (name.clone(), t)))
        .collect::<Result<Vec<_>, _>>()?;
    let outputs =
        run_raw(&model, &inputs).with_context(|| format!("cannot run {}", a.model.display()))?;
    let out: serde_json::Map<String, serde_json::Value> =
        outputs.into_iter().map(|(n, t)| (n, t.to_json())).collect();
    let mut text = serde_json::to_vec_pretty(&out)?;
    text.push(b'\n');
    files::write_or_stdout(a.output.as_deref(), &text, a.force)?;
    Ok(0)
}
