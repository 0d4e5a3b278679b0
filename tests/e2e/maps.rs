//! Map-valued graph parts through the CLI: `run` on a default skl2onnx classifier export
//! (probabilities as a final ZipMap) against scikit-learn, and the map operators sealed-onnx
//! refuses (a ZipMap inside the graph, DictVectorizer with its map input), by name.

use sealed_onnx::bundle::manifest::TestVectors;

use crate::support::*;

/// `run` prints a final ZipMap's output as onnxruntime gives it: one `{label: probability}`
/// object per row, keys in class order — and the numbers are scikit-learn's.
#[test]
fn run_prints_a_final_zipmap_as_one_object_per_row() {
    let src = repo("tests/data/estimators/zipmap");
    let holdout: TestVectors =
        serde_json::from_slice(&std::fs::read(src.join("holdout.json")).unwrap()).unwrap();
    let order = ["sepal_length", "sepal_width", "petal_length", "petal_width"];
    let rows: Vec<Vec<f64>> = holdout
        .cases
        .iter()
        .map(|c| {
            let record = serde_json::to_value(&c.input).unwrap();
            order.iter().map(|f| record[f].as_f64().unwrap()).collect()
        })
        .collect();
    let tensors =
        serde_json::json!({"X": {"dtype": "float32", "shape": [rows.len(), 4], "data": rows}});
    let model = src.join("model.onnx");
    let out = cli_stdin(
        [
            "run".as_ref(),
            model.as_os_str(),
            "--input".as_ref(),
            "-".as_ref(),
        ],
        Some(&serde_json::to_vec(&tensors).unwrap()),
    );
    let json: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    let labels = json["output_label"]["data"].as_array().unwrap();
    let maps = json["output_probability"]
        .as_array()
        .unwrap_or_else(|| panic!("a list of maps: {}", json["output_probability"]));
    assert_eq!(maps.len(), holdout.cases.len());
    let tol = holdout.tolerance;
    for (i, c) in holdout.cases.iter().enumerate() {
        assert_eq!(
            labels[i].as_str(),
            c.expected.label.as_deref(),
            "row {i}: label"
        );
        let map = maps[i].as_object().unwrap();
        assert_eq!(
            map.keys().collect::<Vec<_>>(),
            ["setosa", "versicolor", "virginica"],
            "row {i}"
        );
        for (class, p) in c.expected.probabilities.as_ref().unwrap() {
            let g = map[class.as_str()].as_f64().unwrap();
            assert!(
                tol.accepts(*p, g),
                "row {i}: p({class}) {g}, scikit-learn {p}"
            );
        }
    }
}

/// `sealed-onnx run <model> -i -` with `tensors` on standard input (`model` relative to the
/// repository).
fn run_on_stdin(model: &str, tensors: &[u8]) -> Run {
    let model = repo(model);
    cli_stdin(
        [
            "run".as_ref(),
            model.as_os_str(),
            "-i".as_ref(),
            "-".as_ref(),
        ],
        Some(tensors),
    )
}

/// A ZipMap whose output is not a graph output cannot be read before: refused by name and
/// domain, with the reason.
#[test]
fn a_zipmap_inside_the_graph_is_refused_by_name() {
    run_on_stdin(
        "tests/data/zipmap_inside.onnx",
        br#"{"X": {"dtype": "float32", "shape": [1, 4], "data": [5.1, 3.5, 1.4, 0.2]}}"#,
    )
    .fails_with("ZipMap (domain ai.onnx.ml: only a ZipMap that produces a graph output is supported; or export");
}

/// DictVectorizer reads a map, which no sealed-onnx input schema can express: refused by
/// name and domain, saying why.
#[test]
fn dict_vectorizer_is_refused_with_the_reason() {
    run_on_stdin(
        "tests/data/dict_vectorizer.onnx",
        br#"{"X": {"dtype": "float32", "shape": [1, 1], "data": [1]}}"#,
    )
    .fails_with("DictVectorizer (domain ai.onnx.ml: it reads maps, and sealed-onnx graph inputs are tensors only; use named columns");
}
