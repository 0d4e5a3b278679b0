//! The schema validator: never panics on any input value against any example's schema;
//! a refusal lists at least one issue, each with a path, and an acceptance has a row per
//! record.

use proptest::prelude::*;
use sealed_onnx::bundle::{parse_manifest, zip, Limits};
use sealed_onnx::schema::{tagged_json, validate, Options, Value};

use crate::seeds::{bundles, config, inputs};

static SCHEMAS: std::sync::OnceLock<Vec<Vec<sealed_onnx::bundle::manifest::Feature>>> =
    std::sync::OnceLock::new();

fn schemas() -> Vec<Vec<sealed_onnx::bundle::manifest::Feature>> {
    bundles()
        .iter()
        .map(|b| {
            let entries = zip::read(b, &Limits::default()).expect("example");
            let m = entries
                .iter()
                .find(|e| e.name == "manifest.json")
                .expect("manifest");
            parse_manifest(&m.data)
                .expect("example manifest")
                .inputs
                .features
        })
        .collect()
}

/// Input values shaped like what callers pass: records, columns, scalars, tags.
fn value() -> impl Strategy<Value = Value> {
    let names = prop_oneof![
        Just("sepal_length".to_string()),
        Just("petal_width".to_string()),
        Just("age".to_string()),
        Just("bmi".to_string()),
        Just("mean radius".to_string()),
        "[a-z_]{1,10}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<f64>().prop_map(Value::Number),
        (-5.0..15.0f64).prop_map(Value::Number),
        any::<bool>().prop_map(Value::Bool),
        "[a-zA-Z ]{0,10}".prop_map(Value::String),
        "[a-z]{0,10}".prop_map(Value::Other),
    ];
    leaf.prop_recursive(3, 64, 8, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((names.clone(), inner), 0..8).prop_map(Value::Object),
        ]
    })
}

fn check(
    features: &[sealed_onnx::bundle::manifest::Feature],
    input: &Value,
) -> Result<(), TestCaseError> {
    for options in [
        Options::default(),
        Options {
            allow_unknown_features: true,
        },
    ] {
        if let Err(e) = validate(features, input, options) {
            prop_assert!(!e.issues.is_empty());
            prop_assert!(!e.to_string().is_empty());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn generated_values(which in 0..4usize, input in value()) {
        check(&SCHEMAS.get_or_init(schemas)[which], &input)?;
    }

    #[test]
    fn corpus_inputs(which in 0..4usize, seed in 0..64usize) {
        let inputs = inputs();
        let text = &inputs[seed % inputs.len()];
        let input = tagged_json::parse(text).expect("seed parses");
        check(&SCHEMAS.get_or_init(schemas)[which], &input)?;
    }
}
