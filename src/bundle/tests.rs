use super::*;

/// A minimal valid manifest, as JSON, for tests to mutate.
pub(crate) fn sample_manifest_json() -> serde_json::Value {
    serde_json::json!({
        "format": "sealed-onnx/1",
        "name": "toy",
        "version": "1.2.3",
        "created": "2026-11-23T10:00:00Z",
        "training": {
            "framework": {"name": "scikit-learn", "version": "1.9.1"},
            "converter": {"name": "skl2onnx", "version": "1.20.0"},
            "data": {"sha256": "ab".repeat(32), "rows": 10}
        },
        "inputs": {
            "features": [
                {"name": "a", "type": "float", "min": 0.0, "max": 10.0},
                {"name": "b", "type": "integer"}
            ],
            "binding": {"kind": "tensor", "input": "X", "dtype": "float32"}
        },
        "outputs": {"task": "regression", "value": "variable"},
        "test_vectors": {"tolerance": {"relative": 1e-5, "absolute": 1e-6}, "cases": [
            {"input": {"a": 1.0, "b": 2}, "expected": {"value": 3.0}}
        ]},
        "drift_baseline": {"features": {}},
        "card": {"description": "toy"},
        "files": {"model.onnx": "cd".repeat(32)}
    })
}

fn manifest_err(v: serde_json::Value) -> String {
    parse_manifest(&serde_json::to_vec(&v).unwrap())
        .unwrap_err()
        .to_string()
}

#[test]
fn sample_manifest_parses_and_round_trips() {
    let bytes = serde_json::to_vec(&sample_manifest_json()).unwrap();
    let m = parse_manifest(&bytes).unwrap();
    assert_eq!(m.name, "toy");
    let again = parse_manifest(&manifest_to_bytes(&m).unwrap()).unwrap();
    assert_eq!(m, again);
}

#[test]
fn bundle_round_trips_and_is_deterministic() {
    let manifest_bytes = serde_json::to_vec(&sample_manifest_json()).unwrap();
    let b = Bundle {
        model: vec![7; 1000],
        manifest: parse_manifest(&manifest_bytes).unwrap(),
        manifest_bytes,
        signature: Some(b"{}".to_vec()),
    };
    let bytes = b.to_bytes();
    assert_eq!(bytes, b.to_bytes());
    assert_eq!(Bundle::read(&bytes, &Limits::default()).unwrap(), b);
}

#[test]
fn file_sizes_round_trip_and_are_optional() {
    let mut v = sample_manifest_json();
    v["file_sizes"] = serde_json::json!({"model.onnx": 641});
    let m = parse_manifest(&serde_json::to_vec(&v).unwrap()).unwrap();
    assert_eq!(m.file_sizes.get("model.onnx"), Some(&641));
    let mut v = sample_manifest_json();
    v.as_object_mut().unwrap().remove("file_sizes");
    let m = parse_manifest(&serde_json::to_vec(&v).unwrap()).unwrap();
    assert!(m.file_sizes.is_empty());
    // Not written when absent, so older manifests re-serialise as they were.
    assert!(!String::from_utf8(manifest_to_bytes(&m).unwrap())
        .unwrap()
        .contains("file_sizes"));
}

#[test]
fn unknown_format_is_named() {
    let mut v = sample_manifest_json();
    v["format"] = "sealed-onnx/2".into();
    assert_eq!(
        manifest_err(v),
        "unknown bundle format \"sealed-onnx/2\": this version of sealed-onnx reads \"sealed-onnx/1\"; upgrade sealed-onnx or re-pack the bundle"
    );
}

#[test]
fn bad_json_reports_position() {
    let e = parse_manifest(b"{\"format\": ").unwrap_err();
    assert!(matches!(e, BundleError::ManifestJson { .. }), "{e}");
    assert!(e.to_string().contains("line 1"), "{e}");
}

#[test]
fn unknown_fields_are_refused() {
    let mut v = sample_manifest_json();
    v["card"]["secret"] = "x".into();
    assert!(manifest_err(v).contains("unknown field `secret`"));
}

#[test]
fn inconsistent_manifests_are_refused_with_a_path() {
    type Mutation = fn(&mut serde_json::Value);
    let cases: Vec<(Mutation, &str)> = vec![
        (|v| v["version"] = "1.2".into(), "at version:"),
        (
            |v| v["file_sizes"] = serde_json::json!({"evil.py": 12}),
            "at file_sizes.evil.py: only entries listed in files have a size",
        ),
        (|v| v["created"] = "yesterday".into(), "at created:"),
        (
            |v| v["inputs"]["features"][1]["name"] = "a".into(),
            "at inputs.features[1].name",
        ),
        (
            |v| v["inputs"]["features"][0]["min"] = 20.0.into(),
            "at inputs.features[0].min",
        ),
        (
            |v| v["outputs"]["task"] = "classification".into(),
            "at outputs.class_names",
        ),
        (
            |v| v["files"]["extra.txt"] = "00".repeat(32).into(),
            "at files.extra.txt",
        ),
        (
            |v| v["test_vectors"]["cases"][0]["expected"] = serde_json::json!({"label": "x"}),
            "test_vectors.cases[0].expected",
        ),
        (
            |v| v["drift_baseline"]["features"]["zzz"] = serde_json::json!({"kind": "categorical", "count": 1, "missing": 0, "frequencies": {}}),
            "drift_baseline.features.zzz",
        ),
        (
            |v| v["inputs"]["features"][1] = serde_json::json!({"name": "b", "type": "text"}),
            "at inputs.features[1].max_length: a text feature needs a max_length",
        ),
        (
            |v| v["inputs"]["features"][1]["max_length"] = 10.into(),
            "at inputs.features[1].max_length: only text features",
        ),
        (
            |v| {
                v["inputs"]["features"][1] =
                    serde_json::json!({"name": "b", "type": "text", "max_length": 9});
            },
            "text feature \"b\" cannot go into a numeric tensor",
        ),
        (
            |v| {
                v["drift_baseline"]["features"]["a"] = serde_json::json!({
                    "kind": "text", "count": 1, "missing": 0, "mean_length": 3.0, "quantiles": [],
                    "histogram": {"edges": [], "counts": []},
                    "unknown_tokens": {"tokens": 4, "unknown": 5, "rate": 1.25}});
            },
            "at drift_baseline.features.a.unknown_tokens: needs unknown <= tokens",
        ),
    ];
    for (mutate, want) in cases {
        let mut v = sample_manifest_json();
        mutate(&mut v);
        let got = manifest_err(v);
        assert!(got.contains(want), "expected {want:?} in {got:?}");
    }
}

#[test]
fn unexpected_and_missing_entries_are_refused() {
    let manifest = serde_json::to_vec(&sample_manifest_json()).unwrap();
    let extra = zip::write(&[
        ("model.onnx", b"m"),
        ("manifest.json", &manifest),
        ("notes.txt", b"hi"),
    ]);
    assert_eq!(
        Bundle::read(&extra, &Limits::default()).unwrap_err(),
        BundleError::UnexpectedEntry {
            name: "notes.txt".into()
        }
    );
    let missing = zip::write(&[("manifest.json", &manifest)]);
    assert_eq!(
        Bundle::read(&missing, &Limits::default()).unwrap_err(),
        BundleError::MissingEntry { name: "model.onnx" }
    );
}
