//! Text pipelines through the CLI: `pack` infers a `text` feature from the graph (the input
//! feeds a `Tokenizer`), the bundle's own test vectors run, and predictions validate texts
//! against `max_length` with the symbolic batch of a real bundle.

use serde_json::{json, Value};

use crate::support::{
    assert_committed_bundle_is_what_pack_builds, cli_stdin, pack_files, repo, tempdir,
};

/// A bundle of the corpus's TF-IDF + logistic regression export, its held-out documents as
/// the "training" CSV (only the schema and baseline are inferred from it).
fn text_bundle(dir: &std::path::Path) -> (std::path::PathBuf, Value) {
    let io: Value = serde_json::from_slice(
        &std::fs::read(repo("tests/corpus/text-tfidf-logreg/io.json")).unwrap(),
    )
    .unwrap();
    let docs: Vec<String> = io["inputs"]["text"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_str().unwrap().to_string())
        .collect();
    let labels = io["onnxruntime"]["label"]["data"].as_array().unwrap();
    let probs = io["onnxruntime"]["probabilities"]["data"]
        .as_array()
        .unwrap();
    let mut csv = String::from("review,topic\n");
    for (d, l) in docs.iter().zip(labels) {
        csv += &format!("\"{}\",{}\n", d.replace('"', "\"\""), l.as_str().unwrap());
    }
    let classes = ["cooking", "science", "sport"];
    let cases: Vec<Value> = (0..docs.len())
        .step_by(9)
        .map(|i| {
            let p: serde_json::Map<String, Value> = classes
                .iter()
                .zip(probs[i].as_array().unwrap())
                .map(|(c, v)| (c.to_string(), v.clone()))
                .collect();
            json!({"input": {"review": docs[i]}, "expected": {"label": labels[i], "probabilities": p}})
        })
        .collect();
    let meta = json!({
        "name": "text-topics", "version": "1.0.0", "target": "topic",
        "training": {"framework": {"name": "scikit-learn", "version": "1.9.1"},
                     "converter": {"name": "skl2onnx", "version": "1.20.0"}},
        "outputs": {"task": "classification", "class_names": classes,
                    "label": "label", "probabilities": "probabilities"},
        "card": {"description": "Topic of a short text.", "intended_use": "Tests.",
                 "out_of_scope": "Everything else.", "authors": ["sealed-onnx tests"],
                 "license": "MIT"}
    });
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let train = write("train.csv", csv.as_bytes());
    let meta = write("meta.json", meta.to_string().as_bytes());
    let tv = json!({"tolerance": {"relative": 1e-5, "absolute": 1e-6}, "cases": cases});
    let tv = write("tv.json", tv.to_string().as_bytes());
    let out = dir.join("text.sonnx");
    let model = repo("tests/corpus/text-tfidf-logreg/model.onnx");
    pack_files(&model, &meta, &train, &tv, &out).ok();
    (out, io)
}

#[test]
fn a_text_input_is_packed_as_text_and_predicts_like_onnxruntime() {
    let dir = tempdir();
    let (bundle, io) = text_bundle(dir.path());
    let b = bundle.to_str().unwrap();
    let info = cli_stdin(["inspect", b], None);
    let info = info.ok();
    assert!(
        info.contains("review") && info.contains("text of at most"),
        "{info}"
    );
    let docs = io["inputs"]["text"]["data"].as_array().unwrap();
    let rows: Vec<Value> = docs.iter().map(|r| json!({"review": r[0]})).collect();
    let out = cli_stdin(
        ["predict", b, "--allow-unverified", "-i", "-"],
        Some(Value::from(rows).to_string().as_bytes()),
    );
    let text = out.ok();
    let got: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let want = io["onnxruntime"]["label"]["data"].as_array().unwrap();
    let got = got["predictions"]
        .as_array()
        .unwrap_or_else(|| panic!("{got}"));
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert_eq!(&g["label"], w, "{g}");
    }
}

#[test]
fn a_text_longer_than_max_length_is_refused() {
    let dir = tempdir();
    let (bundle, _) = text_bundle(dir.path());
    let long = "goal ".repeat(10_000);
    let out = cli_stdin(
        [
            "predict",
            bundle.to_str().unwrap(),
            "--allow-unverified",
            "-i",
            "-",
        ],
        Some(
            json!([{"review": long}, {"review": 3}])
                .to_string()
                .as_bytes(),
        ),
    );
    let err = out.fails_with("too_long");
    assert!(err.contains("wrong_type"), "{err}");
}

/// The packed bundle's manifest.
fn manifest_of(bundle: &std::path::Path) -> Value {
    let entries = crate::support::entries(bundle);
    let (_, bytes) = entries
        .iter()
        .find(|(name, _)| name == "manifest.json")
        .unwrap();
    serde_json::from_slice(bytes).unwrap()
}

#[test]
fn drift_reports_the_unknown_token_rate_against_the_training_texts() {
    use sealed_onnx::loader::{LoadOptions, SealedModel};
    use sealed_onnx::schema::drift::DriftLevel;

    let dir = tempdir();
    let (bundle, io) = text_bundle(dir.path());
    // pack tokenised the training texts with the graph's own operators.
    let manifest = manifest_of(&bundle);
    let base = &manifest["drift_baseline"]["features"]["review"]["unknown_tokens"];
    let (tokens, unknown) = (
        base["tokens"].as_u64().unwrap(),
        base["unknown"].as_u64().unwrap(),
    );
    assert!(tokens > 100 && unknown > 0 && unknown < tokens, "{base}");
    assert_eq!(
        base["rate"].as_f64().unwrap(),
        unknown as f64 / tokens as f64
    );

    let model = SealedModel::load(
        &std::fs::read(&bundle).unwrap(),
        &LoadOptions {
            allow_unverified: true,
            ..LoadOptions::default()
        },
    )
    .unwrap();
    let rows = |texts: Vec<String>| {
        sealed_onnx::schema::Value::from(Value::from(
            texts
                .into_iter()
                .map(|t| json!({"review": t}))
                .collect::<Vec<_>>(),
        ))
    };
    // The training texts themselves: the baseline's rate, no flag.
    let docs: Vec<String> = io["inputs"]["text"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_str().unwrap().to_string())
        .collect();
    let d = model.drift(&rows(docs)).unwrap();
    let u = d[0].unknown_tokens.expect("a rate for the text feature");
    assert_eq!(u.rate, u.baseline_rate);
    assert_eq!(u.level, DriftLevel::None);
    // In-vocabulary words only (from the pool): no unknown token at all.
    let known = vec!["Bake the butter, coach!".to_string(); 40];
    let d = model.drift(&rows(known)).unwrap();
    let u = d[0].unknown_tokens.unwrap();
    assert_eq!((u.tokens, u.unknown, u.level), (160, 0, DriftLevel::None));
    // Words the model never saw: every token unknown, flagged.
    let unseen = vec!["Quarterly zyxt invoices overdue".to_string(); 40];
    let d = model.drift(&rows(unseen)).unwrap();
    let u = d[0].unknown_tokens.unwrap();
    assert_eq!((u.tokens, u.unknown, u.rate), (160, 160, 1.0));
    assert_eq!(u.level, DriftLevel::Significant);
    // The JSON the npm package and the page read.
    let json = serde_json::to_value(&d[0]).unwrap();
    assert_eq!(json["unknown_tokens"]["level"], "significant");
    assert_eq!(json["unknown_tokens"]["rate"], 1.0);
}

/// `tests/data/text/text-1.0.0.sonnx` (unsigned; the npm package's and the demo page's tests
/// load it) is exactly what `pack` builds from the files next to it (written by
/// `tests/data/make_text.py`). Rebuild it with, in that folder: `sealed-onnx pack --model
/// model.onnx --meta meta.json --train train.csv --test-vectors test_vectors.json --created
/// 2026-12-01T00:00:00Z --out text-1.0.0.sonnx --force`.
#[test]
fn the_committed_text_bundle_is_what_pack_builds() {
    let dir = tempdir();
    let out = assert_committed_bundle_is_what_pack_builds(
        &repo("tests/data/text"),
        "text-1.0.0.sonnx",
        &["--created", "2026-12-01T00:00:00Z"],
        dir.path(),
    );
    let base = &manifest_of(&out)["drift_baseline"]["features"]["review"];
    assert!(
        base["unknown_tokens"]["rate"].as_f64().unwrap() > 0.0,
        "{base}"
    );
}
