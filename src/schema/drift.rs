//! Drift of new data against a bundle's training baseline, as the population stability
//! index (PSI) per feature.
//!
//! PSI = Σ (current − baseline) · ln(current / baseline) over the baseline's bins (numeric)
//! or categories (categorical; unseen values share one extra bin). Rule of thumb used for
//! the levels: below 0.1 no drift, 0.1–0.25 moderate, above 0.25 significant.

use crate::bundle::manifest::{DriftBaseline, Feature, FeatureBaseline};

use super::infer::histogram_counts;
use super::{Batch, Cell};

/// Shares below this are floored, so empty bins do not make the index infinite.
const FLOOR: f64 = 1e-4;

/// How much a feature drifted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DriftLevel {
    /// PSI below 0.1.
    None,
    /// PSI from 0.1 to 0.25.
    Moderate,
    /// PSI above 0.25.
    Significant,
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
}

/// A bin edge for display: six significant digits, without float noise (`7.54`, not
/// `7.540000000000001`).
fn short(x: f64) -> String {
    let s = format!("{x:.6e}");
    s.parse::<f64>().map(super::format_number).unwrap_or(s)
}

fn psi(baseline: &[f64], current: &[f64]) -> f64 {
    baseline
        .iter()
        .zip(current)
        .map(|(b, c)| {
            let (b, c) = (b.max(FLOOR), c.max(FLOOR));
            (c - b) * (c / b).ln()
        })
        .sum()
}

fn shares(counts: &[u64]) -> Vec<f64> {
    let total = counts.iter().sum::<u64>().max(1) as f64;
    counts.iter().map(|c| *c as f64 / total).collect()
}

fn level(psi: Option<f64>) -> DriftLevel {
    match psi {
        Some(p) if p > 0.25 => DriftLevel::Significant,
        Some(p) if p >= 0.1 => DriftLevel::Moderate,
        _ => DriftLevel::None,
    }
}

/// Computes drift for every feature of a validated batch.
pub fn drift(features: &[Feature], baseline: &DriftBaseline, batch: &Batch) -> Vec<FeatureDrift> {
    features
        .iter()
        .zip(&batch.columns)
        .map(|(f, column)| {
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
                    (
                        labels,
                        shares(&histogram.counts),
                        shares(&histogram_counts(&values, &histogram.edges)),
                    )
                }
                Some(FeatureBaseline::Categorical { frequencies, .. }) => {
                    let mut labels: Vec<String> = frequencies.keys().cloned().collect();
                    let mut base: Vec<f64> = frequencies.values().copied().collect();
                    let mut counts = vec![0u64; labels.len() + 1];
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
                        counts[i] += 1;
                    }
                    labels.push("(other)".into());
                    base.push(0.0);
                    (labels, base, shares(&counts))
                }
                None => (Vec::new(), Vec::new(), Vec::new()),
            };
            let index = (count > 0 && !base.is_empty()).then(|| psi(&base, &current));
            FeatureDrift {
                feature: f.name.clone(),
                psi: index,
                level: level(index),
                count,
                missing,
                bins,
                baseline: base,
                current,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
