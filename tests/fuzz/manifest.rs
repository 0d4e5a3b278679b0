//! The manifest parser: never panics; whatever it accepts serializes and parses back equal.

use proptest::prelude::*;
use sealed_onnx::bundle::{manifest_to_bytes, parse_manifest};

use crate::seeds::{config, entries, mutated};

/// A JSON value for splicing into a manifest.
fn json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(Into::into),
        any::<f64>().prop_map(
            |f| serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, Into::into)
        ),
        any::<i64>().prop_map(Into::into),
        "[a-z_.]{0,12}".prop_map(Into::into),
        Just("sealed-onnx/1".into()),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Into::into),
            proptest::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Replaces the `pick`-th node (in a depth-first walk) of `doc` with `with`.
fn replace(doc: &mut serde_json::Value, pick: usize, with: serde_json::Value) {
    fn walk(v: &mut serde_json::Value, n: &mut usize, with: &mut Option<serde_json::Value>) {
        if *n == 0 {
            if let Some(w) = with.take() {
                *v = w;
            }
            return;
        }
        *n -= 1;
        match v {
            serde_json::Value::Array(a) => a.iter_mut().for_each(|c| walk(c, n, with)),
            serde_json::Value::Object(o) => o.values_mut().for_each(|c| walk(c, n, with)),
            _ => {}
        }
    }
    let mut n = pick;
    walk(doc, &mut n, &mut Some(with));
}

fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(m) = parse_manifest(bytes) {
        let written = manifest_to_bytes(&m).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(parse_manifest(&written).ok(), Some(m));
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn mutated_manifest_bytes(bytes in mutated(entries("manifest.json"), 4)) {
        check(&bytes)?;
    }

    #[test]
    fn manifests_with_a_node_replaced(seed in 0..4usize, pick in 0..3000usize, with in json()) {
        let mut doc: serde_json::Value =
            serde_json::from_slice(&entries("manifest.json")[seed]).expect("example manifest");
        replace(&mut doc, pick, with);
        check(&serde_json::to_vec(&doc).expect("json"))?;
    }
}
