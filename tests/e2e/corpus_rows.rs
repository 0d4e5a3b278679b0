//! A corpus case's rows as the e2e tests that pack them use them: the `io.json`, its input
//! `X` row by row (`None` for a missing cell), a row as a record of features `f0…`, and the
//! rows as a training CSV with those names and a dummy `target` column; the case packed with
//! them, and the rows predicted by the CLI.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::support::{cli_stdin, pack_files, repo, Run};

/// `tests/corpus/<case>/io.json`.
pub fn corpus(case: &str) -> Value {
    let path = repo(&format!("tests/corpus/{case}/io.json"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The rows of the corpus input `X` (`None` for a missing cell).
pub fn rows(io: &Value) -> Vec<Vec<Option<f64>>> {
    io["inputs"]["X"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_array().unwrap().iter().map(Value::as_f64).collect())
        .collect()
}

/// One row as a record `{f0: …, f1: …}` (`null` for a missing cell).
pub fn record(row: &[Option<f64>]) -> Value {
    Value::Object(
        row.iter()
            .enumerate()
            .map(|(j, v)| (format!("f{j}"), v.map_or(Value::Null, Value::from)))
            .collect(),
    )
}

/// The rows as a training CSV: columns `f0…` (an empty cell where one is missing, which makes
/// the feature nullable) and a `target` of zeros.
pub fn train_csv(rows: &[Vec<Option<f64>>]) -> String {
    let width = rows[0].len();
    let mut csv = (0..width)
        .map(|j| format!("f{j}"))
        .collect::<Vec<_>>()
        .join(",");
    csv += ",target\n";
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .map(|v| v.map_or(String::new(), |v| format!("{v:?}")))
            .collect();
        csv += &format!("{},0\n", cells.join(","));
    }
    csv
}

/// Packs `tests/corpus/<case>/model.onnx` into `dir/<case>.sonnx` with the case's rows as the
/// training CSV (only the schema and drift baseline come from it; a missing cell makes the
/// feature nullable), a manifest declaring `outputs` and the `converter` (name, version) that made the export,
/// and `vectors` (`{"tolerance": …, "cases": […]}`) as test vectors. Returns the bundle and
/// pack's run.
pub fn pack_case(
    dir: &Path,
    case: &str,
    converter: (&str, &str),
    outputs: Value,
    vectors: Value,
) -> (PathBuf, Run) {
    let meta = json!({
        "name": case, "version": "1.0.0", "target": "target",
        "training": {"framework": {"name": "scikit-learn", "version": "1.9.1"},
                     "converter": {"name": converter.0, "version": converter.1}},
        "outputs": outputs,
        "card": {"description": "A corpus export.", "intended_use": "Tests.",
                 "out_of_scope": "Everything else.", "authors": ["sealed-onnx tests"],
                 "license": "MIT"}
    });
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let train = write("train.csv", train_csv(&rows(&corpus(case))).as_bytes());
    let meta = write("meta.json", meta.to_string().as_bytes());
    let tv = write("tv.json", vectors.to_string().as_bytes());
    let bundle = dir.join(format!("{case}.sonnx"));
    let run = pack_files(
        &repo(&format!("tests/corpus/{case}/model.onnx")),
        &meta,
        &train,
        &tv,
        &bundle,
    );
    (bundle, run)
}

/// `predict` of `rows` (as records) from `bundle` through the CLI, not verified (test bundles
/// are unsigned); the run, which may fail.
pub fn predict_run(bundle: &Path, rows: &[Vec<Option<f64>>]) -> Run {
    let input: Vec<Value> = rows.iter().map(|r| record(r)).collect();
    cli_stdin(
        [
            "predict",
            bundle.to_str().unwrap(),
            "--allow-unverified",
            "-i",
            "-",
        ],
        Some(Value::from(input).to_string().as_bytes()),
    )
}

/// Every row predicted by the CLI from `bundle` (see [`predict_run`]), as `predict`'s JSON
/// records.
pub fn predict_rows(bundle: &Path, rows: &[Vec<Option<f64>>]) -> Vec<Value> {
    let out = predict_run(bundle, rows);
    let text = out.ok();
    let got: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let got = got["predictions"]
        .as_array()
        .unwrap_or_else(|| panic!("{got}"))
        .clone();
    assert_eq!(got.len(), rows.len(), "one prediction per row");
    got
}
