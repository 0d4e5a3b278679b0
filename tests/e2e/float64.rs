//! Graphs that only ran on fixed shapes, through `pack` and `predict` as a real bundle runs
//! them (one plan, a symbolic batch): a GaussianProcessRegressor exported with a float64
//! input, computed in float64 (tract could not optimise its zero products with a symbolic
//! batch), and a KNNImputer pipeline (model-local functions, NonZero, Compress, If) with
//! missing values.

use serde_json::{json, Value};

use crate::corpus_rows::{corpus, pack_case, predict_rows as predict, predict_run, record, rows};
use crate::support::tempdir;

/// Packs `case`'s export with its rows (see `pack_case`) and `vectors`; returns the bundle.
fn bundle(dir: &std::path::Path, case: &str, outputs: Value, vectors: Value) -> std::path::PathBuf {
    let (bundle, packed) = pack_case(dir, case, ("skl2onnx", "1.20.0"), outputs, vectors);
    packed.ok();
    bundle
}

#[test]
fn a_float64_gaussian_process_predicts_in_float64_with_a_symbolic_batch() {
    let case = "gpr-rbf-float64";
    let io = corpus(case);
    let want: Vec<f64> = io["onnxruntime"]["GPmean"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_f64().unwrap())
        .collect();
    // What a float32 step anywhere would cost: the float32 export of the same model.
    let f32_error = io["float32_export"]["max_error"]["absolute"]
        .as_f64()
        .unwrap();
    assert!(f32_error > 1e-6, "{f32_error}");
    let rows = rows(&io);
    let vectors: Vec<Value> = (0..rows.len())
        .step_by(10)
        .map(|i| json!({"input": record(&rows[i]), "expected": {"value": want[i]}}))
        .collect();
    let dir = tempdir();
    // The bundle's own test vectors at float64 precision: pack runs them once loaded.
    let bundle = bundle(
        dir.path(),
        case,
        json!({"task": "regression", "value": "GPmean"}),
        json!({"tolerance": {"relative": 1e-12, "absolute": 1e-14}, "cases": vectors}),
    );
    let got = predict(&bundle, &rows);
    assert_eq!(got.len(), want.len());
    let mut worst = 0f64;
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        let g = g["value"]
            .as_f64()
            .unwrap_or_else(|| panic!("row {i}: {g}"));
        // Twice the corpus tolerance (tests/e2e/corpus.rs says why).
        assert!(
            (g - w).abs() <= 2e-14 + 2e-12 * w.abs(),
            "row {i}: {g} vs {w}"
        );
        worst = worst.max((g - w).abs());
    }
    assert!(worst * 1000.0 < f32_error, "{worst} vs {f32_error}");
}

#[test]
fn a_knn_imputer_pipeline_predicts_rows_with_missing_values_like_onnxruntime() {
    let case = "knnimputer-logreg";
    let io = corpus(case);
    // Integer classes, named by their decimal strings in the manifest.
    let labels: Vec<String> = io["onnxruntime"]["label"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_i64().unwrap().to_string())
        .collect();
    let rows = rows(&io);
    assert!(rows.iter().any(|r| r.iter().any(Option::is_none)));
    let vectors: Vec<Value> = (0..rows.len())
        .step_by(7)
        .map(|i| json!({"input": record(&rows[i]), "expected": {"label": labels[i]}}))
        .collect();
    let dir = tempdir();
    let bundle = bundle(
        dir.path(),
        case,
        json!({"task": "classification", "class_names": ["0", "1"], "class_labels": [0, 1],
               "label": "label", "probabilities": "probabilities"}),
        json!({"tolerance": {"relative": 1e-5, "absolute": 1e-6}, "cases": vectors}),
    );
    let got = predict(&bundle, &rows);
    assert_eq!(got.len(), labels.len());
    for (i, (g, w)) in got.iter().zip(labels).enumerate() {
        assert_eq!(g["label"].as_str(), Some(w.as_str()), "row {i}: {g}");
    }
    // A row with every cell missing has no distance to any training row: onnxruntime fails
    // on it (GatherElements out of range), and the prediction is refused here, by name.
    let empty = vec![None; rows[0].len()];
    let out = predict_run(&bundle, &[rows[0].clone(), empty]);
    let err = out.fails_with("the then branch gives output 1 as F32 of rank 3");
    assert!(
        err.contains("onnxruntime runs such a graph only as long as"),
        "{err}"
    );
}
