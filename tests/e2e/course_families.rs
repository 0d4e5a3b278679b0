//! The corpus families beyond the core as a student packs them: LightGBM and XGBoost (the
//! onnxmltools exports alone, and scikit-learn pipelines converted by skl2onnx with
//! onnxmltools' converter registered, with missing cells in the rows) and the meta-estimators,
//! discriminant analyses, linear models and feature selectors go through `pack` and `predict`
//! like any bundle, and every row must come back as onnxruntime computed it (labels exact,
//! scores within twice the case's tolerance, as in tests/e2e/corpus.rs).

use serde_json::{json, Value};

use crate::corpus_rows::{corpus, pack_case, predict_rows, record, rows};
use crate::support::tempdir;

/// onnxruntime's output `name`, one `Vec<f64>` per row.
fn floats(io: &Value, name: &str) -> Vec<Vec<f64>> {
    io["onnxruntime"][name]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| match r.as_array() {
            Some(r) => r.iter().map(|v| v.as_f64().unwrap()).collect(),
            None => vec![r.as_f64().unwrap()],
        })
        .collect()
}

/// Packs `case` with its own rows as the training CSV (a missing cell makes the feature
/// nullable), every seventh row as a test vector of onnxruntime's answer, then predicts every
/// row; returns the predictions.
fn pack_and_predict(case: &str, outputs: Value, expected: impl Fn(usize) -> Value) -> Vec<Value> {
    let io = corpus(case);
    let rows = rows(&io);
    let tolerance = &io["tolerance"];
    let vectors: Vec<Value> = (0..rows.len())
        .step_by(7)
        .map(|i| json!({"input": record(&rows[i]), "expected": expected(i)}))
        .collect();
    let dir = tempdir();
    let n = vectors.len();
    let (bundle, packed) = pack_case(
        dir.path(),
        case,
        ("onnxmltools", "1.16.0"),
        outputs,
        json!({"tolerance": tolerance, "cases": vectors}),
    );
    assert!(
        packed.ok().contains(&format!("{n}/{n} test vectors pass")),
        "{case}: {}",
        packed.ok()
    );
    predict_rows(&bundle, &rows)
}

/// Twice the case's tolerance against onnxruntime (tests/e2e/corpus.rs says why).
fn close(io: &Value, want: f64, got: f64) -> bool {
    let rel = 2.0 * io["tolerance"]["relative"].as_f64().unwrap();
    let abs = 2.0 * io["tolerance"]["absolute"].as_f64().unwrap();
    (got - want).abs() <= abs + rel * want.abs()
}

fn assert_missing_cells(case: &str) {
    assert!(
        rows(&corpus(case))
            .iter()
            .any(|r| r.iter().any(Option::is_none)),
        "{case} has no missing cells"
    );
}

/// The class a label names in the manifest: a string label itself, an integer in decimal.
fn class_name(label: &Value) -> String {
    label
        .as_str()
        .map_or_else(|| label.as_i64().unwrap().to_string(), str::to_string)
}

/// A classifier case: every row's label and probabilities (or scores). The classes are the
/// labels onnxruntime gave, sorted as scikit-learn sorts its classes (every class occurs).
fn classifier(case: &str) {
    let io = corpus(case);
    // Flattened: QDA's export gives its labels the shape [1, N].
    let labels: Vec<Value> = io["onnxruntime"]["label"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| l.as_array().cloned().unwrap_or_else(|| vec![l.clone()]))
        .collect();
    let probabilities = floats(&io, "probabilities");
    let mut classes = labels.clone();
    classes.sort_by(|a, b| match (a.as_i64(), b.as_i64()) {
        (Some(a), Some(b)) => a.cmp(&b),
        _ => a.as_str().cmp(&b.as_str()),
    });
    classes.dedup();
    assert_eq!(
        classes.len(),
        probabilities[0].len(),
        "{case}: a class never predicted"
    );
    let names: Vec<String> = classes.iter().map(class_name).collect();
    let got = pack_and_predict(
        case,
        json!({"task": "classification", "class_names": names, "class_labels": classes,
               "label": "label", "probabilities": "probabilities"}),
        |i| {
            let p: serde_json::Map<String, Value> = names
                .iter()
                .zip(&probabilities[i])
                .map(|(n, p)| (n.clone(), Value::from(*p)))
                .collect();
            json!({"label": class_name(&labels[i]), "probabilities": p})
        },
    );
    for (i, g) in got.iter().enumerate() {
        let want = class_name(&labels[i]);
        assert_eq!(
            g["label"].as_str(),
            Some(want.as_str()),
            "{case} row {i}: {g}"
        );
        let p: Vec<f64> = names
            .iter()
            .map(|n| {
                g["probabilities"][n]
                    .as_f64()
                    .unwrap_or_else(|| panic!("{case}: {g}"))
            })
            .collect();
        for (w, p) in probabilities[i].iter().zip(&p) {
            assert!(
                close(&io, *w, *p),
                "{case} row {i}: {p:?} vs {:?}",
                probabilities[i]
            );
        }
    }
}

fn regressor(case: &str, output: &str) {
    let io = corpus(case);
    let want: Vec<f64> = floats(&io, output).into_iter().map(|r| r[0]).collect();
    let got = pack_and_predict(
        case,
        json!({"task": "regression", "value": output}),
        |i| json!({"value": want[i]}),
    );
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        let v = g["value"]
            .as_f64()
            .unwrap_or_else(|| panic!("{case} row {i}: {g}"));
        assert!(close(&io, *w, v), "{case} row {i}: {v} vs {w}");
    }
}

#[test]
fn a_lightgbm_classifier_converted_alone_packs_and_predicts_rows_with_missing_cells() {
    // onnxmltools declares this graph's label output as [1]; it holds one label per row.
    assert_missing_cells("lgbm-binary-int");
    classifier("lgbm-binary-int");
}

#[test]
fn an_xgboost_classifier_in_a_pipeline_packs_and_predicts_rows_with_missing_cells() {
    assert_missing_cells("xgb-pipeline-binary-int");
    classifier("xgb-pipeline-binary-int");
}

#[test]
fn lightgbm_and_xgboost_regressors_pack_and_predict_rows_with_missing_cells() {
    for case in ["lgbm-reg", "xgb-pipeline-reg"] {
        assert_missing_cells(case);
        regressor(case, "variable");
    }
}

#[test]
fn meta_estimators_and_other_course_classifiers_pack_and_predict_like_onnxruntime() {
    for case in [
        "qda-multiclass-str",
        "lda-multiclass-str",
        "catnb-kbins-binary-int",
        "perceptron-multiclass-str",
        "pa-binary-str",
        "adaboost-multiclass-str",
        "bagging-binary-int",
        "voting-hard-binary-int",
        "stacking-binary-int",
        "calibrated-sigmoid-binary-int",
        "calibrated-isotonic-binary-int",
        "ovr-multiclass-str",
        "nusvc-multiclass-str",
        "selectkbest-logreg-binary-int",
        "mlp-earlystop-multiclass-str",
    ] {
        classifier(case);
    }
}

#[test]
fn meta_estimators_and_other_course_regressors_pack_and_predict_like_onnxruntime() {
    for case in [
        "adaboost-reg",
        "bagging-reg",
        "voting-reg",
        "stacking-reg",
        "nusvr",
        "linearsvr",
        "huber",
        "poisson",
        "tweedie",
        "selectkbest-ridge",
        "mlp-earlystop-reg",
    ] {
        regressor(case, "variable");
    }
}
