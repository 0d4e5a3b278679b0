use super::*;

#[test]
fn integer_float_boolean_and_string_columns() {
    let o = InferOptions {
        range_margin: 0.1,
        ..InferOptions::default()
    };
    let (f, _) = infer_feature("age", &["19", "79", "40"], &o);
    assert_eq!(
        (f.kind, f.min, f.max),
        (FeatureType::Integer, Some(13.0), Some(85.0))
    );
    let (f, _) = infer_feature("w", &["0.5", "1.5", ""], &o);
    assert_eq!((f.kind, f.nullable), (FeatureType::Float, true));
    assert_eq!((f.min, f.max), (Some(0.4), Some(1.6)));
    let (f, _) = infer_feature("x", &["0.0", "10"], &o);
    assert_eq!(
        f.min,
        Some(0.0),
        "never widened below zero when the data never was"
    );
    let (f, _) = infer_feature("s", &["true", "False"], &o);
    assert_eq!(f.kind, FeatureType::Boolean);
    let (f, b) = infer_feature("c", &["red", "blue", "red", "NA"], &o);
    assert_eq!(f.kind, FeatureType::String);
    assert_eq!(f.categories, Some(vec!["blue".into(), "red".into()]));
    let FeatureBaseline::Categorical {
        frequencies,
        missing,
        ..
    } = b
    else {
        panic!("{b:?}")
    };
    assert_eq!(missing, 1);
    assert!((frequencies["red"] - 2.0 / 3.0).abs() < 1e-12);
}

#[test]
fn numeric_baseline_statistics() {
    let fields: Vec<String> = (1..=10).map(|i| i.to_string()).collect();
    let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
    let (_, b) = infer_feature("n", &refs, &InferOptions::default());
    let FeatureBaseline::Numeric {
        count,
        mean,
        min,
        max,
        quantiles,
        histogram,
        ..
    } = b
    else {
        panic!()
    };
    assert_eq!((count, mean, min, max), (10, 5.5, 1.0, 10.0));
    assert_eq!(quantiles.len(), 11);
    assert_eq!(
        (quantiles[0], quantiles[5], quantiles[10]),
        (1.0, 5.5, 10.0)
    );
    assert_eq!(histogram.counts.iter().sum::<u64>(), 10);
    assert_eq!(histogram.edges.len(), 11);
}

#[test]
fn histogram_puts_outliers_in_edge_bins() {
    assert_eq!(
        histogram_counts(&[-5.0, 0.0, 0.5, 1.0, 9.0], &[0.0, 0.5, 1.0]),
        vec![2, 3]
    );
}

#[test]
fn widened_bounds_are_rounded_outward() {
    let o = InferOptions {
        range_margin: 0.1,
        ..InferOptions::default()
    };
    let (f, _) = infer_feature("x", &["4.3", "7.9"], &o);
    assert_eq!((f.min, f.max), (Some(3.94), Some(8.26)));
    assert_eq!(
        f.range_source.as_deref(),
        Some("training data, widened by 10 % of its span on each side")
    );
    let (f, _) = infer_feature("x", &["0.054", "0.16"], &o);
    assert_eq!((f.min, f.max), (Some(0.043), Some(0.171)));
    // By default the range is the data's own, exactly, and says so.
    let (f, _) = infer_feature("x", &["4.3", "7.9", "5.55"], &InferOptions::default());
    assert_eq!((f.min, f.max), (Some(4.3), Some(7.9)));
    assert_eq!(f.range_source.as_deref(), Some("training data"));
}
