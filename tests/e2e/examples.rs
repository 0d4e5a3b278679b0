//! The committed example bundles: reproducible from the exports, signed with the demo key,
//! and predicting exactly what scikit-learn predicted.

use sealed_onnx::bundle::manifest::TestVectors;
use sealed_onnx::loader::{LoadOptions, SealedModel};
use sealed_onnx::schema::Value;
use sealed_onnx::trust;

use crate::support::*;

const EXAMPLES: [&str; 4] = ["iris", "diabetes", "breast-cancer", "study"];

fn demo_key() -> p256::ecdsa::VerifyingKey {
    trust::parse_public_key_pem(&std::fs::read_to_string(demo_pub()).unwrap()).unwrap()
}

#[test]
fn committed_bundles_are_what_the_cli_builds() {
    let dir = tempdir();
    let script = repo("models/build_bundles.sh");
    let status = std::process::Command::new("bash")
        .arg(&script)
        .env("SEALED_ONNX_BIN", env!("CARGO_BIN_EXE_sealed-onnx"))
        .env("SEALED_ONNX_OUT", dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    for name in EXAMPLES {
        let file = format!("{name}-1.0.0.sonnx");
        let rebuilt = std::fs::read(dir.path().join(&file)).unwrap();
        let committed = std::fs::read(repo(&format!("models/{file}"))).unwrap();
        assert!(
            rebuilt == committed,
            "{file} differs from a fresh build: run models/build_bundles.sh"
        );
    }
}

/// Runs every held-out row (or, until held-out files exist, the test vectors) through the
/// bundle and compares with scikit-learn's outputs: labels exact, scores within tolerance.
#[test]
fn examples_verify_and_match_scikit_learn() {
    for name in EXAMPLES {
        let bytes = std::fs::read(repo(&format!("models/{name}-1.0.0.sonnx"))).unwrap();
        let options = LoadOptions {
            public_key: Some(demo_key()),
            ..LoadOptions::default()
        };
        let model = SealedModel::load(&bytes, &options).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(model.verification().verified);
        assert_eq!(
            model.verification().signer.as_deref(),
            Some(trust::fingerprint(&demo_key()).as_str())
        );

        let holdout = repo(&format!("models/{name}/holdout.json"));
        let cases: TestVectors = serde_json::from_slice(
            &std::fs::read(&holdout).expect("holdout.json (made by models/export.py)"),
        )
        .unwrap();
        assert!(
            cases.cases.len() >= 30,
            "{name}: only {} held-out rows",
            cases.cases.len()
        );
        // Ranges are the training data's own plus 10 %: a held-out row beyond them is refused
        // (that is the schema working), and there may be only a few such rows.
        let mut outside = 0;
        let mut kept = Vec::new();
        let mut rows = Vec::new();
        for case in &cases.cases {
            let row = Value::Object(
                case.input
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from(v.clone())))
                    .collect(),
            );
            match model.validate(&row) {
                Ok(_) => {
                    kept.push(case);
                    rows.push(row);
                }
                Err(e) => {
                    assert!(
                        e.issues.iter().all(|i| matches!(
                            i.code,
                            sealed_onnx::schema::IssueCode::BelowMin
                                | sealed_onnx::schema::IssueCode::AboveMax
                        )),
                        "{name}: a held-out row fails the schema for another reason than its range: {e}"
                    );
                    outside += 1;
                }
            }
        }
        assert!(
            outside * 20 <= cases.cases.len(),
            "{name}: {outside} of {} held-out rows are outside the schema's ranges",
            cases.cases.len()
        );
        let (_, predictions) = model.predict(&Value::Array(rows)).unwrap();
        let tol = model.manifest().test_vectors.tolerance;
        for (i, (case, got)) in kept.iter().zip(&predictions).enumerate() {
            assert_eq!(case.expected.label, got.label, "{name} row {i}: label");
            if let Some(expected) = &case.expected.probabilities {
                let got = got.probabilities.as_ref().unwrap();
                for (class, p) in expected {
                    let g = got.iter().find(|(c, _)| c == class).unwrap().1;
                    assert!(
                        tol.accepts(*p, g),
                        "{name} row {i}: p({class}) expected {p}, got {g}"
                    );
                }
            }
            if let Some(v) = case.expected.value {
                let g = got.value.unwrap();
                assert!(
                    tol.accepts(v, g),
                    "{name} row {i}: value expected {v}, got {g}"
                );
            }
        }
    }
}

#[test]
fn an_example_keeps_working_after_errors() {
    let bytes = std::fs::read(repo("models/iris-1.0.0.sonnx")).unwrap();
    let model = SealedModel::load(
        &bytes,
        &LoadOptions {
            public_key: Some(demo_key()),
            ..LoadOptions::default()
        },
    )
    .unwrap();
    for bad in [
        Value::Number(1.0),
        Value::Array(vec![Value::Null]),
        Value::Object(vec![]),
    ] {
        assert!(model.predict(&bad).is_err());
    }
    assert_eq!(model.self_test().unwrap(), 20);
}
