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
    let d = drift(&features, &baseline, &same, &|_| None);
    assert_eq!(d[0].level, DriftLevel::None, "{d:?}");
    assert!(d[0].psi.unwrap() < 0.01);
    let shifted = batch(
        (0..500)
            .map(|i| Cell::Number(f64::from(60 + i % 40)))
            .collect(),
    );
    let d = drift(&features, &baseline, &shifted, &|_| None);
    assert_eq!(d[0].level, DriftLevel::Significant, "{d:?}");
    assert_eq!(d[0].bins.len(), 10);
    assert!((d[0].current.iter().sum::<f64>() - 1.0).abs() < 1e-9);
}

#[test]
fn categorical_unseen_values_and_missing() {
    let base: Vec<&str> = (0..100)
        .map(|i| if i % 2 == 0 { "a" } else { "b" })
        .collect();
    let (f, b) = infer_feature("c", &base, &InferOptions::default());
    assert_eq!(f.kind, FeatureType::String);
    let mut baseline = DriftBaseline::default();
    baseline.features.insert("c".into(), b);
    let d = drift(
        &[f],
        &baseline,
        &batch(
            std::iter::repeat_n(Cell::Text("z".into()), 20)
                .chain([Cell::Missing])
                .collect(),
        ),
        &|_| None,
    );
    assert_eq!(d[0].bins, vec!["a", "b", "(other)"]);
    assert_eq!((d[0].count, d[0].missing), (20, 1));
    assert_eq!(d[0].baseline, vec![0.5, 0.5, 0.0]);
    assert_eq!(d[0].current, vec![0.0, 0.0, 1.0]);
    assert_eq!(d[0].level, DriftLevel::Significant);
}

#[test]
fn bin_labels_have_no_float_noise() {
    assert_eq!(short(7.540000000000001), "7.54");
    assert_eq!(short(0.1 + 0.2), "0.3");
    assert_eq!(short(-1234.5), "-1234.5");
}

#[test]
fn a_small_sample_of_the_same_distribution_is_not_flagged() {
    // 30 rows over ten bins: the plain rule of thumb called this "significant" (PSI ≈ 0.3
    // from sampling alone); the noise-aware thresholds do not.
    let (features, baseline) = numeric_setup();
    let rows: Vec<Cell> = (0..30)
        .map(|i| Cell::Number(f64::from((i * 37) % 100)))
        .collect();
    let d = drift(&features, &baseline, &batch(rows), &|_| None);
    assert_eq!(d[0].level, DriftLevel::None, "{d:?}");
    assert!(d[0].thresholds.significant > 0.25 && d[0].thresholds.moderate > 0.1);
    // …while a small sample far off the training range still is.
    let off: Vec<Cell> = (0..30)
        .map(|i| Cell::Number(f64::from(95 + i % 5)))
        .collect();
    let d = drift(&features, &baseline, &batch(off), &|_| None);
    assert_eq!(d[0].level, DriftLevel::Significant, "{d:?}");
}

#[test]
fn thresholds_are_the_rule_of_thumb_for_large_samples() {
    let t = thresholds(100_000, 100_000.0, 10);
    assert_eq!((t.moderate, t.significant), (0.1, 0.25));
    let t = thresholds(30, 120.0, 10);
    // χ²(9): 95th percentile 16.92, 99th 21.67; times 1/30 + 1/120.
    assert!((t.moderate - 16.92 * 0.041_67).abs() < 0.02, "{t:?}");
    assert!((t.significant - 21.67 * 0.041_67).abs() < 0.02, "{t:?}");
}

#[test]
fn chi_square_quantiles_are_close_to_the_tables() {
    for (df, z, table) in [
        (9.0, 2.326_347_9, 21.666),
        (9.0, 1.644_853_6, 16.919),
        (2.0, 2.326_347_9, 9.210),
    ] {
        let q = chi_square_quantile(df, z);
        assert!((q - table).abs() / table < 0.03, "df {df}: {q} vs {table}");
    }
}

/// Whitespace tokens; the known words are "a", "b", "c".
struct Words;

impl TokenCounter for Words {
    fn count(&self, text: &str) -> TokenCount {
        let tokens: Vec<&str> = text.split_whitespace().collect();
        TokenCount {
            tokens: tokens.len() as u64,
            unknown: tokens
                .iter()
                .filter(|t| !["a", "b", "c"].contains(t))
                .count() as u64,
        }
    }
}

fn text_setup(with_rate: bool) -> (Vec<Feature>, DriftBaseline) {
    // 200 texts of four tokens, one in eight tokens unknown.
    let texts: Vec<String> = (0..200)
        .map(|i| if i % 2 == 0 { "a b c x" } else { "a b c a" }.to_string())
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let (f, mut b) = crate::schema::infer::infer_text_feature("t", &refs, &InferOptions::default());
    if with_rate {
        if let FeatureBaseline::Text { unknown_tokens, .. } = &mut b {
            *unknown_tokens = Some(count_tokens(&Words, refs.iter().copied()));
        }
    }
    let mut baseline = DriftBaseline::default();
    baseline.features.insert("t".into(), b);
    (vec![f], baseline)
}

fn texts(t: &str, n: usize) -> Batch {
    batch((0..n).map(|_| Cell::Text(t.into())).collect())
}

#[test]
fn unknown_token_rate_is_counted_over_all_texts() {
    let u = count_tokens(&Words, ["a b x", "y", ""]);
    assert_eq!((u.tokens, u.unknown), (4, 2));
    assert_eq!(u.rate, 0.5);
    assert_eq!(count_tokens(&Words, [""]).rate, 0.0);
}

#[test]
fn unknown_tokens_flagged_when_clearly_higher() {
    let (features, baseline) = text_setup(true);
    let words: &dyn TokenCounter = &Words;
    let vocab = |name: &str| (name == "t").then_some(words);
    // The training mix: no flag, the same rate.
    let same = batch(
        (0..100)
            .map(|i| Cell::Text(if i % 2 == 0 { "a b c x" } else { "a b c a" }.into()))
            .collect(),
    );
    let d = drift(&features, &baseline, &same, &vocab);
    let u = d[0].unknown_tokens.expect("a rate");
    assert_eq!((u.baseline_rate, u.rate), (0.125, 0.125));
    assert_eq!(u.level, DriftLevel::None);
    // All known: lower, no concern.
    let d = drift(&features, &baseline, &texts("a b c", 50), &vocab);
    assert_eq!(d[0].unknown_tokens.map(|u| u.level), Some(DriftLevel::None));
    // Half unknown over 200 tokens: significant.
    let d = drift(&features, &baseline, &texts("a b y z", 50), &vocab);
    let u = d[0].unknown_tokens.expect("a rate");
    assert_eq!((u.tokens, u.unknown, u.rate), (200, 100, 0.5));
    assert_eq!(u.level, DriftLevel::Significant, "{u:?}");
    // The same share on two texts is not clear evidence yet.
    let d = drift(&features, &baseline, &texts("a y", 1), &vocab);
    assert_eq!(d[0].unknown_tokens.map(|u| u.level), Some(DriftLevel::None));
}

#[test]
fn no_rate_without_a_baseline_rate_or_a_vocabulary() {
    // A bundle sealed before the rate was recorded.
    let (features, baseline) = text_setup(false);
    let words: &dyn TokenCounter = &Words;
    let d = drift(&features, &baseline, &texts("y z", 5), &|_| Some(words));
    assert_eq!(d[0].unknown_tokens, None);
    assert!(d[0].psi.is_some());
    // No vocabulary for the feature.
    let (features, baseline) = text_setup(true);
    let d = drift(&features, &baseline, &texts("y z", 5), &|_| None);
    assert_eq!(d[0].unknown_tokens, None);
}

#[test]
fn a_baseline_without_the_rate_still_reads() {
    let json = r#"{"kind": "text", "count": 2, "missing": 0, "mean_length": 3.0,
        "quantiles": [], "histogram": {"edges": [], "counts": []}}"#;
    let b: FeatureBaseline = serde_json::from_str(json).expect("old baseline");
    assert!(matches!(
        b,
        FeatureBaseline::Text {
            unknown_tokens: None,
            ..
        }
    ));
    let with = r#"{"kind": "text", "count": 2, "missing": 0, "mean_length": 3.0,
        "quantiles": [], "histogram": {"edges": [], "counts": []},
        "unknown_tokens": {"tokens": 4, "unknown": 1, "rate": 0.25}}"#;
    let b: FeatureBaseline = serde_json::from_str(with).expect("new baseline");
    let back = serde_json::to_value(&b).expect("serialise");
    assert_eq!(back["unknown_tokens"]["rate"], 0.25);
}
