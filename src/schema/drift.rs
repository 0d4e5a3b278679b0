//! Drift of new data against a bundle's training baseline, as the population stability
//! index (PSI) per feature.
//!
//! PSI = Σ (current − baseline) · ln(current / baseline) over the baseline's bins (numeric)
//! or categories (categorical; unseen values share one extra bin), with half a value added to
//! every bin of both sides (a Jeffreys pseudo-count) so that the bins a small sample happens
//! to leave empty do not dominate the index.
//!
//! Levels: the usual rule of thumb (below 0.1 no drift, 0.1–0.25 moderate, above 0.25
//! significant), raised for small samples. Without any drift, sampling alone gives
//! PSI ≈ (1/n + 1/N) · χ²(bins − 1) for n current and N baseline values — 30 rows over ten
//! bins typically score 0.3, "significant" by the rule of thumb. So a level also needs the
//! index above sampling noise: above χ²'s 95th percentile for moderate, 99th for significant.

use crate::bundle::manifest::{DriftBaseline, Feature, FeatureBaseline, UnknownTokens};

use super::infer::histogram_counts;
use super::{Batch, Cell};

/// Added to every bin's count before the index is computed (Jeffreys prior).
const PSEUDO_COUNT: f64 = 0.5;

/// How much a feature drifted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DriftLevel {
    /// PSI below the moderate threshold.
    None,
    /// PSI from the moderate to the significant threshold.
    Moderate,
    /// PSI above the significant threshold.
    Significant,
}

/// The indices a level starts at, for this feature's sample size.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Thresholds {
    /// 0.1, or sampling noise's 95th percentile when higher.
    pub moderate: f64,
    /// 0.25, or sampling noise's 99th percentile when higher.
    pub significant: f64,
}

/// Tokens of one text and how many of them a vocabulary lacks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenCount {
    /// Tokens in the text.
    pub tokens: u64,
    /// Tokens not in the vocabulary.
    pub unknown: u64,
}

/// Splits a text as a model's graph does and checks its tokens against the model's
/// vocabulary (the engine implements it from the graph; schema code only counts).
pub trait TokenCounter {
    /// The text's tokens and unknown tokens.
    fn count(&self, text: &str) -> TokenCount;
}

/// The unknown-token counts of many texts together.
pub fn count_tokens<'t>(
    counter: &dyn TokenCounter,
    texts: impl IntoIterator<Item = &'t str>,
) -> UnknownTokens {
    let (tokens, unknown) = texts.into_iter().fold((0, 0), |(t, u), text| {
        let c = counter.count(text);
        (t + c.tokens, u + c.unknown)
    });
    UnknownTokens::new(tokens, unknown)
}

/// The unknown-token rate of new texts next to the training texts' rate.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct UnknownTokenDrift {
    /// The training texts' rate.
    pub baseline_rate: f64,
    /// The new texts' rate (0 without tokens).
    pub rate: f64,
    /// The new texts' tokens.
    pub tokens: u64,
    /// The new texts' tokens not in the vocabulary.
    pub unknown: u64,
    /// `significant` when the rate is clearly higher than the baseline's — at least 10
    /// points higher and beyond a one-sided 99 % two-proportion test —, `moderate` at 5
    /// points and 95 %, `none` otherwise (a lower rate is no concern).
    pub level: DriftLevel,
}

/// One-sided two-proportion z statistic of `current` above `baseline`.
fn rate_z(baseline: &UnknownTokens, current: &UnknownTokens) -> f64 {
    let (n1, n2) = (baseline.tokens as f64, current.tokens as f64);
    let pooled = (baseline.unknown + current.unknown) as f64 / (n1 + n2);
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    let diff = current.rate - baseline.rate;
    if se > 0.0 {
        diff / se
    } else if diff > 0.0 {
        f64::INFINITY
    } else {
        0.0
    }
}

/// How the unknown-token rate of `current` compares with the baseline's.
pub fn unknown_token_drift(baseline: &UnknownTokens, current: &UnknownTokens) -> UnknownTokenDrift {
    const Z95: f64 = 1.644_853_6;
    const Z99: f64 = 2.326_347_9;
    let level = if baseline.tokens == 0 || current.tokens == 0 {
        DriftLevel::None
    } else {
        let diff = current.rate - baseline.rate;
        let z = rate_z(baseline, current);
        if diff >= 0.1 && z > Z99 {
            DriftLevel::Significant
        } else if diff >= 0.05 && z > Z95 {
            DriftLevel::Moderate
        } else {
            DriftLevel::None
        }
    };
    UnknownTokenDrift {
        baseline_rate: baseline.rate,
        rate: current.rate,
        tokens: current.tokens,
        unknown: current.unknown,
        level,
    }
}

/// Drift of one feature.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FeatureDrift {
    /// Feature name.
    pub feature: String,
    /// Population stability index, when the feature has a baseline and current values.
    pub psi: Option<f64>,
    /// The level the index falls in.
    pub level: DriftLevel,
    /// Where the levels start for this many values.
    pub thresholds: Thresholds,
    /// Non-missing current values.
    pub count: usize,
    /// Missing current values.
    pub missing: usize,
    /// Bin labels: `[lo, hi)` ranges or category names (`(other)` for unseen ones).
    pub bins: Vec<String>,
    /// Baseline share per bin.
    pub baseline: Vec<f64>,
    /// Current share per bin.
    pub current: Vec<f64>,
    /// For a text feature, the share of tokens the model's vocabulary lacks, next to the
    /// training data's (only when the bundle records the baseline rate and the graph's
    /// vocabulary is known). `level` stays the length PSI's level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown_tokens: Option<UnknownTokenDrift>,
}

/// A bin edge for display: six significant digits, without float noise (`7.54`, not
/// `7.540000000000001`).
fn short(x: f64) -> String {
    let s = format!("{x:.6e}");
    s.parse::<f64>().map(super::format_number).unwrap_or(s)
}

/// Shares of counts after adding [`PSEUDO_COUNT`] to each.
fn smoothed(counts: &[f64]) -> Vec<f64> {
    let total: f64 = counts.iter().sum::<f64>() + PSEUDO_COUNT * counts.len() as f64;
    counts.iter().map(|c| (c + PSEUDO_COUNT) / total).collect()
}

/// The index between two count vectors over the same bins.
fn psi(baseline: &[f64], current: &[f64]) -> f64 {
    smoothed(baseline)
        .iter()
        .zip(smoothed(current))
        .map(|(b, c)| (c - b) * (c / b).ln())
        .sum()
}

fn shares(counts: &[f64]) -> Vec<f64> {
    let total = counts.iter().sum::<f64>();
    let total = if total > 0.0 { total } else { 1.0 };
    counts.iter().map(|c| c / total).collect()
}

/// χ² quantile with `df` degrees of freedom at the standard normal quantile `z`
/// (Wilson–Hilferty; within a few % for df ≥ 2, which is enough for a threshold).
fn chi_square_quantile(df: f64, z: f64) -> f64 {
    let a = 2.0 / (9.0 * df);
    (df * (1.0 - a + z * a.sqrt()).powi(3)).max(0.0)
}

/// The level thresholds for `n` current and `n_base` baseline values over `bins` bins.
fn thresholds(n: usize, n_base: f64, bins: usize) -> Thresholds {
    const Z95: f64 = 1.644_853_6;
    const Z99: f64 = 2.326_347_9;
    let df = bins.saturating_sub(1).max(1) as f64;
    let scale = 1.0 / n.max(1) as f64 + 1.0 / n_base.max(1.0);
    Thresholds {
        moderate: (chi_square_quantile(df, Z95) * scale).max(0.1),
        significant: (chi_square_quantile(df, Z99) * scale).max(0.25),
    }
}

fn level(psi: Option<f64>, t: Thresholds) -> DriftLevel {
    match psi {
        Some(p) if p > t.significant => DriftLevel::Significant,
        Some(p) if p >= t.moderate => DriftLevel::Moderate,
        _ => DriftLevel::None,
    }
}

/// Computes drift for every feature of a validated batch. `vocabulary` gives a text
/// feature's tokenizer and vocabulary by feature name, for its unknown-token rate.
pub fn drift<'v>(
    features: &[Feature],
    baseline: &DriftBaseline,
    batch: &Batch,
    vocabulary: &dyn Fn(&str) -> Option<&'v dyn TokenCounter>,
) -> Vec<FeatureDrift> {
    features
        .iter()
        .zip(&batch.columns)
        .map(|(f, column)| {
            let unknown_tokens = match baseline.features.get(&f.name) {
                Some(FeatureBaseline::Text {
                    unknown_tokens: Some(base),
                    ..
                }) => vocabulary(&f.name).map(|v| {
                    let texts = column.iter().filter_map(|c| match c {
                        Cell::Text(s) => Some(s.as_str()),
                        _ => None,
                    });
                    unknown_token_drift(base, &count_tokens(v, texts))
                }),
                _ => None,
            };
            let missing = column.iter().filter(|c| matches!(c, Cell::Missing)).count();
            let count = column.len() - missing;
            let (bins, base, current) = match baseline.features.get(&f.name) {
                Some(FeatureBaseline::Numeric { histogram, .. }) => {
                    let values: Vec<f64> = column
                        .iter()
                        .filter_map(|c| match c {
                            Cell::Number(n) => Some(*n),
                            Cell::Bool(b) => Some(f64::from(u8::from(*b))),
                            _ => None,
                        })
                        .collect();
                    let labels = histogram
                        .edges
                        .windows(2)
                        .map(|w| format!("[{}, {})", short(w[0]), short(w[1])))
                        .collect();
                    let to_f64 = |c: Vec<u64>| c.into_iter().map(|c| c as f64).collect::<Vec<_>>();
                    (
                        labels,
                        to_f64(histogram.counts.clone()),
                        to_f64(histogram_counts(&values, &histogram.edges)),
                    )
                }
                // Text: the distribution of lengths in characters (the vocabulary's coverage
                // is reported beside it, in `unknown_tokens`).
                Some(FeatureBaseline::Text { histogram, .. }) => {
                    let lengths: Vec<f64> = column
                        .iter()
                        .filter_map(|c| match c {
                            Cell::Text(s) => Some(s.chars().count() as f64),
                            _ => None,
                        })
                        .collect();
                    let labels = histogram
                        .edges
                        .windows(2)
                        .map(|w| format!("[{}, {}) characters", short(w[0]), short(w[1])))
                        .collect();
                    let to_f64 = |c: Vec<u64>| c.into_iter().map(|c| c as f64).collect::<Vec<_>>();
                    (
                        labels,
                        to_f64(histogram.counts.clone()),
                        to_f64(histogram_counts(&lengths, &histogram.edges)),
                    )
                }
                Some(FeatureBaseline::Categorical {
                    frequencies,
                    count: n_base,
                    ..
                }) => {
                    let mut labels: Vec<String> = frequencies.keys().cloned().collect();
                    let mut base: Vec<f64> =
                        frequencies.values().map(|f| f * *n_base as f64).collect();
                    let mut counts = vec![0f64; labels.len() + 1];
                    for cell in column {
                        let key = match cell {
                            Cell::Text(s) => s.clone(),
                            Cell::Bool(b) => b.to_string(),
                            Cell::Number(n) => super::format_number(*n),
                            Cell::Missing => continue,
                        };
                        let i = labels
                            .iter()
                            .position(|l| *l == key)
                            .unwrap_or(labels.len());
                        counts[i] += 1.0;
                    }
                    labels.push("(other)".into());
                    base.push(0.0);
                    (labels, base, counts)
                }
                None => (Vec::new(), Vec::new(), Vec::new()),
            };
            let index = (count > 0 && !base.is_empty()).then(|| psi(&base, &current));
            let limits = thresholds(count, base.iter().sum(), bins.len());
            FeatureDrift {
                feature: f.name.clone(),
                psi: index,
                level: level(index, limits),
                thresholds: limits,
                count,
                missing,
                bins,
                baseline: shares(&base),
                current: shares(&current),
                unknown_tokens,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
