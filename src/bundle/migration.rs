//! A bundle's contract with the callers of the previous major version: how their inputs
//! become this version's (renamed features, unit conversions, removed features, defaults for
//! new ones), so that clients sending the old shape still validate.
//!
//! ```json
//! "migration": {
//!   "from_major": 1,
//!   "features": {
//!     "height_in": {"from": "height_cm", "scale": 0.3937},
//!     "petal_len": {"from": "petal_length"},
//!     "season": {"default": "unknown"}
//!   },
//!   "removed": ["legacy_flag"]
//! }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::manifest::Feature;

/// How inputs of the previous major version are accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Migration {
    /// The major version whose callers are accepted: 1 for a 2.x bundle, or this version's own
    /// major (a rename covered within 1.x is not a breaking change).
    pub from_major: u64,
    /// This version's features that old callers send under another name or unit, or not at
    /// all, by this version's name.
    #[serde(default)]
    pub features: BTreeMap<String, FeatureMigration>,
    /// Features of the old version this one no longer has: accepted from old callers and
    /// ignored.
    #[serde(default)]
    pub removed: Vec<String>,
}

/// Where one of this version's features comes from in an old caller's input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureMigration {
    /// The old feature's name (a rename, or with `scale`/`offset` a unit conversion).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// `new = old × scale + offset` (numbers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    /// See `scale`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<f64>,
    /// The value when an old caller does not send the feature at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
}

impl FeatureMigration {
    /// In words: `from height_cm × 0.3937`, `default "unknown"`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(from) = &self.from {
            let mut s = format!("from {from}");
            if let Some(k) = self.scale {
                s.push_str(&format!(" × {k}"));
            }
            if let Some(b) = self.offset {
                s.push_str(&format!(" + {b}"));
            }
            parts.push(s);
        }
        if let Some(d) = &self.default {
            parts.push(format!("default {d}"));
        }
        parts.join(", else ")
    }
}

impl Migration {
    /// Checks the migration against this version's features and version: every target is a
    /// feature, every source and removed name is not (it would be ambiguous), each target
    /// says where it comes from, conversions are finite, `from_major` is not a later major.
    ///
    /// # Errors
    /// The path and the problem.
    pub fn check(&self, features: &[Feature], version: &str) -> Result<(), (String, String)> {
        let is_feature = |n: &str| features.iter().any(|f| f.name == n);
        let major = semver::Version::parse(version)
            .map(|v| v.major)
            .unwrap_or(0);
        if self.from_major > major {
            return Err((
                "migration.from_major".into(),
                format!("{} is later than {version}", self.from_major),
            ));
        }
        for (name, m) in &self.features {
            let at = format!("migration.features.{name}");
            if !is_feature(name) {
                return Err((at, "is not a feature of this version".into()));
            }
            if m.from.is_none() && m.default.is_none() {
                return Err((at, "needs \"from\" or \"default\"".into()));
            }
            if let Some(from) = &m.from {
                if is_feature(from) {
                    return Err((
                        format!("{at}.from"),
                        format!("{from:?} is a feature of this version too"),
                    ));
                }
            }
            if (m.scale.is_some() || m.offset.is_some()) && m.from.is_none() {
                return Err((at, "scale and offset need \"from\"".into()));
            }
            if m.scale.is_some_and(|k| !k.is_finite()) || m.offset.is_some_and(|b| !b.is_finite()) {
                return Err((at, "scale and offset must be finite numbers".into()));
            }
        }
        for (i, name) in self.removed.iter().enumerate() {
            if is_feature(name) {
                return Err((
                    format!("migration.removed[{i}]"),
                    format!("{name:?} is a feature of this version"),
                ));
            }
        }
        Ok(())
    }

    /// What covers an old feature that is gone from this version, if anything.
    pub fn covers_removed(&self, old: &str) -> Option<String> {
        if self.removed.iter().any(|r| r == old) {
            return Some("removed: accepted from old callers and ignored".into());
        }
        self.features
            .iter()
            .find(|(_, m)| m.from.as_deref() == Some(old))
            .map(|(new, m)| format!("becomes {new} ({})", m.describe()))
    }

    /// What covers a feature new in this version, if anything.
    pub fn covers_added(&self, new: &str) -> Option<String> {
        self.features.get(new).map(FeatureMigration::describe)
    }
}
