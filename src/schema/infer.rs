//! Inferring a feature schema and drift baseline from a training-data column.
//!
//! `pack` reads the training CSV once, calls [`infer_feature`] per column, and keeps only the
//! results; the rows themselves never reach a bundle.

use std::collections::BTreeMap;

use crate::bundle::manifest::{Feature, FeatureBaseline, FeatureType, Histogram};
use crate::schema::format_number;

/// Settings for inference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InferOptions {
    /// Widen the observed `[min, max]` by this share of its span on each side (0: the
    /// training data's own range). Widening is the author's explicit choice, recorded in each
    /// feature's `range_source`: a range far wider than the data catches nothing.
    pub range_margin: f64,
    /// A string column with at most this many distinct values gets a category list.
    pub max_categories: usize,
    /// Number of histogram bins in the drift baseline.
    pub bins: usize,
}

impl Default for InferOptions {
    fn default() -> Self {
        InferOptions {
            range_margin: 0.0,
            max_categories: 100,
            bins: 10,
        }
    }
}

/// CSV spellings of a missing value.
pub fn is_missing(field: &str) -> bool {
    matches!(
        field.trim(),
        "" | "NA" | "N/A" | "NaN" | "nan" | "null" | "NULL" | "None"
    )
}

fn parse_bool(field: &str) -> Option<bool> {
    match field.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Infers the type, range or categories, nullability and drift baseline of one column.
///
/// Integer columns become `integer`, other numeric columns `float`, `true`/`false` columns
/// `boolean`, anything else `string`.
pub fn infer_feature(
    name: &str,
    fields: &[&str],
    options: &InferOptions,
) -> (Feature, FeatureBaseline) {
    let present: Vec<&str> = fields.iter().copied().filter(|f| !is_missing(f)).collect();
    let missing = (fields.len() - present.len()) as u64;
    let numbers: Option<Vec<f64>> = present
        .iter()
        .map(|f| f.trim().parse::<f64>().ok().filter(|n| n.is_finite()))
        .collect();
    let mut feature = Feature {
        name: name.to_string(),
        kind: FeatureType::String,
        min: None,
        max: None,
        range_source: None,
        categories: None,
        max_length: None,
        nullable: missing > 0,
        missing: (missing > 0)
            .then(|| "left to the model's own handling of missing values".to_string()),
        unit: None,
        description: None,
    };
    match numbers {
        Some(values) if !values.is_empty() => {
            let integer = present.iter().all(|f| f.trim().parse::<i64>().is_ok());
            feature.kind = if integer {
                FeatureType::Integer
            } else {
                FeatureType::Float
            };
            let (lo, hi) = widened_range(&values, options.range_margin, integer);
            feature.min = Some(lo);
            feature.max = Some(hi);
            feature.range_source = Some(range_source(options.range_margin));
            (feature, numeric_baseline(values, missing, options.bins))
        }
        _ => {
            let bools: Option<Vec<bool>> = present.iter().map(|f| parse_bool(f)).collect();
            let labels: Vec<String> = match bools {
                Some(b) if !b.is_empty() => {
                    feature.kind = FeatureType::Boolean;
                    b.iter().map(|v| v.to_string()).collect()
                }
                _ => present.iter().map(|f| f.to_string()).collect(),
            };
            let mut counts: BTreeMap<String, u64> = BTreeMap::new();
            for l in &labels {
                *counts.entry(l.clone()).or_default() += 1;
            }
            if feature.kind == FeatureType::String && counts.len() <= options.max_categories {
                feature.categories = Some(counts.keys().cloned().collect());
            }
            let total = labels.len().max(1) as f64;
            let frequencies = counts
                .into_iter()
                .map(|(k, c)| (k, c as f64 / total))
                .collect();
            (
                feature,
                FeatureBaseline::Categorical {
                    count: labels.len() as u64,
                    missing,
                    frequencies,
                },
            )
        }
    }
}

/// What a feature's `range_source` says for a margin.
pub fn range_source(margin: f64) -> String {
    if margin > 0.0 {
        format!(
            "training data, widened by {} % of its span on each side",
            format_number(margin * 100.0)
        )
    } else {
        "training data".to_string()
    }
}

fn widened_range(values: &[f64], margin: f64, integer: bool) -> (f64, f64) {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = (max - min) * margin;
    let mut lo = min - pad;
    let mut hi = max + pad;
    // Widening must not invent impossible negatives for a quantity that never was negative.
    if min >= 0.0 && lo < 0.0 {
        lo = 0.0;
    }
    if integer {
        lo = lo.floor();
        hi = hi.ceil();
    }
    (round_outward(lo, pad, false), round_outward(hi, pad, true))
}

/// Rounds a bound away from the data to two significant digits of `pad`, so schemas show
/// `3.9` rather than `3.939999999999999`.
fn round_outward(v: f64, pad: f64, up: bool) -> f64 {
    if pad <= 0.0 || !pad.is_finite() {
        return v;
    }
    let decimals = (1 - pad.log10().floor() as i32).clamp(0, 12);
    let scale = 10f64.powi(decimals);
    let scaled = v * scale;
    // A relative epsilon keeps values that are already round from moving a whole step.
    let eps = 1e-9 * scaled.abs().max(1.0);
    let rounded = if up {
        (scaled - eps).ceil()
    } else {
        (scaled + eps).floor()
    };
    format!("{:.*}", decimals as usize, rounded / scale)
        .parse()
        .unwrap_or(v)
}

/// Linear-interpolation quantile of sorted values (`q` in `[0, 1]`).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        n => {
            let pos = q * (n - 1) as f64;
            let (i, frac) = (pos.floor() as usize, pos.fract());
            let a = sorted[i.min(n - 1)];
            let b = sorted[(i + 1).min(n - 1)];
            a + (b - a) * frac
        }
    }
}

/// Counts `values` into `edges.len() - 1` bins; values outside go to the first or last bin.
pub fn histogram_counts(values: &[f64], edges: &[f64]) -> Vec<u64> {
    let bins = edges.len().saturating_sub(1);
    let mut counts = vec![0u64; bins];
    if bins == 0 {
        return counts;
    }
    for &v in values {
        let i = edges[1..bins].partition_point(|&e| e <= v);
        counts[i] += 1;
    }
    counts
}

/// The smallest `max_length` inferred for a text feature, in characters.
pub const MIN_TEXT_LENGTH: u64 = 1000;

/// Infers a text feature (a column feeding a text vectorizer): any string, with a
/// `max_length` of four times the longest training text and at least [`MIN_TEXT_LENGTH`]
/// characters (room for longer texts than seen, still a bound on the tokenizer's work), and
/// a baseline of text lengths. Every field is a text, the empty one included: CSV cannot
/// tell an empty text from a missing one, and an empty document is a valid input.
pub fn infer_text_feature(
    name: &str,
    fields: &[&str],
    options: &InferOptions,
) -> (Feature, FeatureBaseline) {
    let lengths: Vec<f64> = fields.iter().map(|f| f.chars().count() as f64).collect();
    let longest = lengths.iter().copied().fold(0.0, f64::max) as u64;
    let feature = Feature {
        name: name.to_string(),
        kind: FeatureType::Text,
        min: None,
        max: None,
        range_source: None,
        categories: None,
        max_length: Some(longest.saturating_mul(4).max(MIN_TEXT_LENGTH)),
        nullable: false,
        missing: None,
        unit: None,
        description: None,
    };
    (feature, text_baseline(lengths, options.bins))
}

/// The drift baseline of text lengths (the numeric baseline's deciles and histogram).
pub fn text_baseline(lengths: Vec<f64>, bins: usize) -> FeatureBaseline {
    if lengths.is_empty() {
        return FeatureBaseline::Text {
            count: 0,
            missing: 0,
            mean_length: 0.0,
            quantiles: Vec::new(),
            histogram: Histogram {
                edges: Vec::new(),
                counts: Vec::new(),
            },
            unknown_tokens: None,
        };
    }
    match numeric_baseline(lengths, 0, bins) {
        FeatureBaseline::Numeric {
            count,
            mean,
            quantiles,
            histogram,
            ..
        } => FeatureBaseline::Text {
            count,
            missing: 0,
            mean_length: mean,
            quantiles,
            histogram,
            unknown_tokens: None,
        },
        other => other,
    }
}

fn numeric_baseline(mut values: Vec<f64>, missing: u64, bins: usize) -> FeatureBaseline {
    values.sort_by(f64::total_cmp);
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let std = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    let (min, max) = (values[0], values[values.len() - 1]);
    let quantiles = (0..=10)
        .map(|d| quantile(&values, d as f64 / 10.0))
        .collect();
    let bins = bins.max(1);
    let edges: Vec<f64> = (0..=bins)
        .map(|i| {
            if i == bins {
                max
            } else {
                min + (max - min) * i as f64 / bins as f64
            }
        })
        .collect();
    let counts = histogram_counts(&values, &edges);
    FeatureBaseline::Numeric {
        count: values.len() as u64,
        missing,
        mean,
        std,
        min,
        max,
        quantiles,
        histogram: Histogram { edges, counts },
    }
}

#[cfg(test)]
mod tests;
