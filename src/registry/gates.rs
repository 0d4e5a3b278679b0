//! The promotion gates that need no files: the schema against the channel's current
//! version, the training metric, and the promotion order. (The first gate, signature and
//! test vectors, is loading the bundle with the key.)

use super::error::GateError;
use super::index::{Index, VersionEntry};
use crate::bundle::Manifest;
use crate::schema::compat;

/// What `--min-metric` asks for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MetricFloor {
    /// At least this value.
    Value(f64),
    /// At least the metric of the version the channel points at now.
    Current,
}

impl std::str::FromStr for MetricFloor {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s == "current" {
            return Ok(MetricFloor::Current);
        }
        s.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(MetricFloor::Value)
            .ok_or_else(|| format!("{s:?} is neither a number nor \"current\""))
    }
}

/// The schema gate: against the manifest the channel points at now, the candidate's
/// interface change must match its version bump exactly as `sealed-onnx diff` judges it (a
/// breaking change needs a major bump, the version must be later). Returns what passed.
///
/// # Errors
/// [`GateError::Schema`] with `diff`'s verdict and the breaking changes.
pub fn schema_gate(
    channel: &str,
    current: Option<&Manifest>,
    candidate: &Manifest,
) -> Result<String, GateError> {
    let Some(current) = current else {
        return Ok(format!("schema: {channel} is empty, nothing to compare"));
    };
    let c = compat::compare(current, candidate);
    if let Some(problem) = c.version_problem {
        return Err(GateError::Schema {
            channel: channel.to_owned(),
            current: current.version.clone(),
            version: candidate.version.clone(),
            problem,
            breaking: c
                .changes
                .iter()
                .filter(|ch| ch.breaking)
                .map(|ch| format!("{}: {}", ch.path, ch.description))
                .collect(),
        });
    }
    Ok(format!(
        "schema: {} against {} ({})",
        candidate.version,
        current.version,
        if c.breaking {
            "breaking, major bump"
        } else if c.changes.iter().any(|ch| ch.migration.is_some()) {
            "breaking changes covered by its migration"
        } else if c.changes.is_empty() {
            "no interface changes"
        } else {
            "backward compatible"
        }
    ))
}

/// The metric gate: the candidate's cross-validation metric (greater is better, as
/// scikit-learn's scorers are) must reach the floor.
///
/// # Errors
/// [`GateError::Metric`] below the floor; [`GateError::MetricUnavailable`] when a metric
/// is missing or the two versions measure different metrics.
pub fn metric_gate(
    floor: MetricFloor,
    current: Option<&VersionEntry>,
    candidate: &VersionEntry,
) -> Result<String, GateError> {
    let Some(got) = &candidate.metric else {
        return Err(GateError::MetricUnavailable {
            what: format!("{} has no training.cv_metric to compare", candidate.version),
        });
    };
    let (floor, why) = match floor {
        MetricFloor::Value(v) => (v, "--min-metric".to_owned()),
        MetricFloor::Current => {
            let Some(current) = current else {
                return Ok(format!(
                    "metric: {} {} (the channel is empty)",
                    got.name, got.mean
                ));
            };
            let Some(cur) = &current.metric else {
                return Err(GateError::MetricUnavailable {
                    what: format!("{} has no training.cv_metric to compare", current.version),
                });
            };
            if cur.name != got.name {
                return Err(GateError::MetricUnavailable {
                    what: format!(
                        "{} measured {}, {} measured {}: not comparable",
                        current.version, cur.name, candidate.version, got.name
                    ),
                });
            }
            (cur.mean, format!("the current version {}", current.version))
        }
    };
    if got.mean < floor {
        return Err(GateError::Metric {
            version: candidate.version.clone(),
            metric: got.name.clone(),
            got: got.mean,
            floor,
            why,
        });
    }
    Ok(format!("metric: {} {} >= {floor}", got.name, got.mean))
}

/// The order gate: `staging` takes any published version, `prod` only the version
/// `staging` points at, unless the stage is skipped on purpose with a reason.
///
/// # Errors
/// [`GateError::Order`].
pub fn order_gate(
    index: &Index,
    version: &str,
    channel: &str,
    skip_stage: bool,
    reason: Option<&str>,
) -> Result<String, GateError> {
    if channel != "prod" {
        return Ok(format!("order: {channel} takes any published version"));
    }
    let staging = index.channels.get("staging").map(|s| s.version.as_str());
    if staging == Some(version) {
        return Ok(format!("order: {version} is on staging"));
    }
    if skip_stage {
        return match reason.filter(|r| !r.trim().is_empty()) {
            Some(_) => Ok("order: staging skipped (--skip-stage, reason given)".to_owned()),
            None => Err(GateError::Order {
                what: "--skip-stage needs a --reason, which the history records".to_owned(),
            }),
        };
    }
    Err(GateError::Order {
        what: format!(
            "prod takes only the version on staging ({}), not {version}: promote it to staging first, or pass --skip-stage with a --reason",
            staging.unwrap_or("none")
        ),
    })
}
