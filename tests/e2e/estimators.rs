//! More scikit-learn estimators through the real CLI: each export in
//! `tests/data/estimators/<case>/` (made by `tests/data/make_estimators.py`) is packed with
//! `sealed-onnx pack`, then every held-out row is predicted with `sealed-onnx predict` and
//! compared with what scikit-learn predicted: labels exact, scores within the tolerance the
//! generator recorded.

use std::path::{Path, PathBuf};

use sealed_onnx::bundle::manifest::TestVectors;

use crate::support::*;

/// The directory of one case.
fn case_dir(case: &str) -> PathBuf {
    repo(&format!("tests/data/estimators/{case}"))
}

/// Packs the files of `src` (`model`, meta.json, train.csv, test_vectors.json) into
/// `dir/<case>.sonnx` (unsigned) with the CLI; returns the bundle and pack's stdout.
fn pack_dir(case: &str, src: &Path, model: &str, dir: &Path) -> (PathBuf, String) {
    let out = dir.join(format!("{case}.sonnx"));
    let run = pack_files(
        &src.join(model),
        &src.join("meta.json"),
        &src.join("train.csv"),
        &src.join("test_vectors.json"),
        &out,
    );
    let stdout = run.ok().to_string();
    (out, stdout)
}

/// `inspect --json` of a bundle.
fn inspect_json(bundle: &Path) -> serde_json::Value {
    let run = cli(["inspect".as_ref(), bundle.as_os_str(), "--json".as_ref()]);
    serde_json::from_str(run.ok()).expect("inspect --json prints JSON")
}

/// Packs a case (with its graph `model`) into `dir`, predicts all of its held-out rows (a
/// JSON array of records on stdin) with `predict --allow-unverified`, and checks every row
/// against scikit-learn. Returns the bundle.
fn pack_and_predict_holdout(case: &str, model: &str, dir: &Path) -> PathBuf {
    let src = case_dir(case);
    let (bundle, packed) = pack_dir(case, &src, model, dir);
    let holdout: TestVectors = serde_json::from_slice(
        &std::fs::read(src.join("holdout.json"))
            .expect("holdout.json (made by tests/data/make_estimators.py)"),
    )
    .unwrap();
    let tv: TestVectors =
        serde_json::from_slice(&std::fs::read(src.join("test_vectors.json")).unwrap()).unwrap();
    let n_tv = tv.cases.len();
    assert!(
        packed.contains(&format!("{n_tv}/{n_tv} test vectors pass")),
        "{case}: {packed}"
    );
    assert!(
        holdout.cases.len() >= 30,
        "{case}: only {} held-out rows",
        holdout.cases.len()
    );

    let rows: Vec<serde_json::Value> = holdout
        .cases
        .iter()
        .map(|c| serde_json::to_value(&c.input).unwrap())
        .collect();
    let input = serde_json::to_vec(&rows).unwrap();
    let run = cli_stdin(
        [
            "predict".as_ref(),
            bundle.as_os_str(),
            "--allow-unverified".as_ref(),
            "--input".as_ref(),
            "-".as_ref(),
        ],
        Some(&input),
    );
    let out: serde_json::Value = serde_json::from_str(run.ok()).unwrap();
    assert!(run.stderr.contains("UNVERIFIED"), "{case}: {}", run.stderr);
    assert_eq!(out["model"]["name"], case);
    assert_eq!(out["model"]["verified"], false);
    let predictions = out["predictions"]
        .as_array()
        .expect("one prediction per row");
    assert_eq!(predictions.len(), holdout.cases.len(), "{case}: row count");

    let tol = holdout.tolerance;
    for (i, (c, got)) in holdout.cases.iter().zip(predictions).enumerate() {
        let exp = &c.expected;
        if let Some(label) = &exp.label {
            assert_eq!(got["label"], label.as_str(), "{case} row {i}: label");
        }
        if let Some(expected) = &exp.probabilities {
            let probs = got["probabilities"]
                .as_object()
                .unwrap_or_else(|| panic!("{case} row {i}: no probabilities in {got}"));
            assert_eq!(
                probs.len(),
                expected.len(),
                "{case} row {i}: classes {probs:?}"
            );
            for (class, p) in expected {
                let g = probs[class.as_str()].as_f64().unwrap();
                assert!(
                    tol.accepts(*p, g),
                    "{case} row {i}: p({class}) expected {p}, got {g} (tolerance {tol:?})"
                );
            }
        }
        if let Some(v) = exp.value {
            let g = got["value"]
                .as_f64()
                .unwrap_or_else(|| panic!("{case} row {i}: no value in {got}"));
            assert!(
                tol.accepts(v, g),
                "{case} row {i}: value expected {v}, got {g} (tolerance {tol:?})"
            );
        }
    }
    bundle
}

#[test]
fn mlp_classifier_matches_scikit_learn() {
    let dir = tempdir();
    let bundle = pack_and_predict_holdout("mlp-classifier", "model.onnx", dir.path());
    let json = inspect_json(&bundle);
    let binding = &json["manifest"]["inputs"]["binding"];
    assert_eq!(binding["kind"], "tensor", "{binding}");
    assert_eq!(binding["input"], "X", "{binding}");
    assert_eq!(
        json["manifest"]["outputs"]["class_names"],
        serde_json::json!(["setosa", "versicolor", "virginica"])
    );
}

#[test]
fn mlp_regressor_matches_scikit_learn() {
    let dir = tempdir();
    let bundle = pack_and_predict_holdout("mlp-regressor", "model.onnx", dir.path());
    let json = inspect_json(&bundle);
    assert_eq!(json["manifest"]["outputs"]["task"], "regression");
    assert_eq!(json["manifest"]["inputs"]["binding"]["kind"], "tensor");
}

#[test]
fn column_transformer_with_one_input_per_column_matches_scikit_learn() {
    let dir = tempdir();
    let bundle = pack_and_predict_holdout("columns", "model.onnx", dir.path());
    let json = inspect_json(&bundle);
    let binding = &json["manifest"]["inputs"]["binding"];
    assert_eq!(binding["kind"], "columns", "{binding}");
    let columns: Vec<(&str, &str, &str)> = binding["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["feature"].as_str().unwrap(),
                c["input"].as_str().unwrap(),
                c["dtype"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        columns,
        [
            ("sepal_length", "sepal_length", "float32"),
            ("sepal_width", "sepal_width", "float32"),
            ("petal_length", "petal_length", "float32"),
            ("petal_width", "petal_width", "float32"),
        ]
    );
}

/// The same fitted ColumnTransformer pipeline, exported with its graph inputs in the reverse
/// order of the CSV columns (`petal_width`, `petal_length`, `sepal_width`, `sepal_length`).
/// The binding matches features to inputs by name, so the order must not matter.
#[test]
fn column_binding_does_not_depend_on_graph_input_order() {
    let dir = tempdir();
    let bundle = pack_and_predict_holdout("columns", "model_reordered_inputs.onnx", dir.path());
    let json = inspect_json(&bundle);
    let binding = &json["manifest"]["inputs"]["binding"];
    assert_eq!(binding["kind"], "columns", "{binding}");
    assert_eq!(binding["columns"].as_array().unwrap().len(), 4, "{binding}");
}

/// A default skl2onnx export (no `zipmap: False`): the probabilities end in a ZipMap, output
/// `output_probability`. It packs, and `predict` gives labels and probabilities exactly as
/// scikit-learn does — the same as for a `zipmap: False` export.
#[test]
fn default_export_with_zipmap_matches_scikit_learn() {
    let dir = tempdir();
    let bundle = pack_and_predict_holdout("zipmap", "model.onnx", dir.path());
    let json = inspect_json(&bundle);
    let outputs = &json["manifest"]["outputs"];
    assert_eq!(outputs["label"], "output_label", "{outputs}");
    assert_eq!(outputs["probabilities"], "output_probability", "{outputs}");
}

/// The manifest must list the classes in the ZipMap's order: a reordered list is refused at
/// pack time, naming both orders, and nothing is written.
#[test]
fn zipmap_classes_in_another_order_are_refused() {
    let dir = tempdir();
    let src = case_dir("zipmap");
    let mut meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(src.join("meta.json")).unwrap()).unwrap();
    for key in ["class_names", "class_labels"] {
        meta["outputs"][key]
            .as_array_mut()
            .expect("a class list")
            .reverse();
    }
    let meta_path = dir.path().join("meta.json");
    std::fs::write(&meta_path, serde_json::to_vec(&meta).unwrap()).unwrap();
    let out = dir.path().join("reordered.sonnx");
    pack_files(
        &src.join("model.onnx"),
        &meta_path,
        &src.join("train.csv"),
        &src.join("test_vectors.json"),
        &out,
    )
    .fails_with(
        "output \"output_probability\" is a ZipMap over the classes [\"setosa\",\"versicolor\",\"virginica\"] but the manifest's class_labels are [\"virginica\",\"versicolor\",\"setosa\"]",
    );
    assert!(!out.exists());
}

/// Metadata copied from a `zipmap: False` export (`label`, `probabilities`) does not fit a
/// default export; pack says which names to use.
#[test]
fn zipmap_export_with_tensor_output_names_says_which_names_to_use() {
    let dir = tempdir();
    let src = case_dir("zipmap");
    let mut meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(src.join("meta.json")).unwrap()).unwrap();
    meta["outputs"]["label"] = "label".into();
    meta["outputs"]["probabilities"] = "probabilities".into();
    let meta_path = dir.path().join("meta.json");
    std::fs::write(&meta_path, serde_json::to_vec(&meta).unwrap()).unwrap();
    pack_files(
        &src.join("model.onnx"),
        &meta_path,
        &src.join("train.csv"),
        &src.join("test_vectors.json"),
        &dir.path().join("renamed.sonnx"),
    )
    .fails_with("this is a default skl2onnx classifier export: name \"output_label\" and \"output_probability\" in the metadata's outputs");
}

/// `tests/data/estimators/zipmap/zipmap-1.0.0.sonnx` (unsigned; the npm package's tests load
/// it through the JS API) is exactly what `pack` builds from the files next to it. Rebuild it
/// with: `sealed-onnx pack --model model.onnx --meta meta.json --train train.csv
/// --test-vectors test_vectors.json --created 2026-11-23T00:00:00Z --range-margin 0.1
/// --out zipmap-1.0.0.sonnx`
/// in that folder.
#[test]
fn committed_zipmap_bundle_is_what_pack_builds() {
    let dir = tempdir();
    let flags = ["--created", "2026-11-23T00:00:00Z", "--range-margin", "0.1"];
    assert_committed_bundle_is_what_pack_builds(
        &case_dir("zipmap"),
        "zipmap-1.0.0.sonnx",
        &flags,
        dir.path(),
    );
}
