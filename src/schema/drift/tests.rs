use super::*;
use crate::bundle::manifest::FeatureType;
use crate::schema::infer::{infer_feature, InferOptions};
use crate::schema::Shape;

fn numeric_setup() -> (Vec<Feature>, DriftBaseline) {
    let fields: Vec<String> = (0..1000).map(|i| format!("{}", i % 100)).collect();
    let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
    let (f, b) = infer_feature("x", &refs, &InferOptions::default());
    let mut baseline = DriftBaseline::default();
    baseline.features.insert("x".into(), b);
    (vec![f], baseline)
}

fn batch(values: Vec<Cell>) -> Batch {
    Batch {
        rows: values.len(),
        columns: vec![values],
        shape: Shape::Records,
    }
}

#[test]
fn same_distribution_has_no_drift_shifted_one_has() {
    let (features, baseline) = numeric_setup();
    let same = batch((0..500).map(|i| Cell::Number(f64::from(i % 100))).collect());
    let d = drift(&features, &baseline, &same);
    assert_eq!(d[0].level, DriftLevel::None, "{d:?}");
    assert!(d[0].psi.unwrap() < 0.01);
    let shifted = batch(
        (0..500)
            .map(|i| Cell::Number(f64::from(60 + i % 40)))
            .collect(),
    );
    let d = drift(&features, &baseline, &shifted);
    assert_eq!(d[0].level, DriftLevel::Significant, "{d:?}");
    assert_eq!(d[0].bins.len(), 10);
    assert!((d[0].current.iter().sum::<f64>() - 1.0).abs() < 1e-9);
}

#[test]
fn categorical_unseen_values_and_missing() {
    let (f, b) = infer_feature("c", &["a", "b", "a", "b"], &InferOptions::default());
    assert_eq!(f.kind, FeatureType::String);
    let mut baseline = DriftBaseline::default();
    baseline.features.insert("c".into(), b);
    let d = drift(
        &[f],
        &baseline,
        &batch(vec![
            Cell::Text("z".into()),
            Cell::Text("z".into()),
            Cell::Missing,
        ]),
    );
    assert_eq!(d[0].bins, vec!["a", "b", "(other)"]);
    assert_eq!((d[0].count, d[0].missing), (2, 1));
    assert_eq!(d[0].current, vec![0.0, 0.0, 1.0]);
    assert_eq!(d[0].level, DriftLevel::Significant);
}

#[test]
fn bin_labels_have_no_float_noise() {
    assert_eq!(short(7.540000000000001), "7.54");
    assert_eq!(short(0.1 + 0.2), "0.3");
    assert_eq!(short(-1234.5), "-1234.5");
}
