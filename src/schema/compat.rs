//! Comparing two versions of a model's interface: which changes break existing callers, and
//! whether the version bump says so.

use crate::bundle::manifest::{Feature, FeatureType, Manifest, Outputs};

/// One difference between two manifests' interfaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Where, e.g. `inputs.petal_width.max`.
    pub path: String,
    /// What changed, in words.
    pub description: String,
    /// Whether callers of the old version can break.
    pub breaking: bool,
    /// The new version's migration that keeps old callers working despite this change
    /// (then it does not count as breaking), in words.
    pub migration: Option<String>,
}

/// The result of comparing two manifests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// Every interface change.
    pub changes: Vec<Change>,
    /// Whether any change is breaking.
    pub breaking: bool,
    /// Whether the version bump matches the changes (`None` when it does; else why not).
    pub version_problem: Option<String>,
}

fn change(changes: &mut Vec<Change>, path: String, description: String, breaking: bool) {
    changes.push(Change {
        path,
        description,
        breaking,
        migration: None,
    });
}

/// Compares the interfaces of `old` and `new`.
pub fn compare(old: &Manifest, new: &Manifest) -> Comparison {
    let mut changes = Vec::new();
    for o in &old.inputs.features {
        match new.inputs.features.iter().find(|n| n.name == o.name) {
            None => change(
                &mut changes,
                format!("inputs.{}", o.name),
                "feature removed (callers sending it are refused)".into(),
                true,
            ),
            Some(n) => feature_changes(&mut changes, o, n),
        }
    }
    for n in &new.inputs.features {
        if !old.inputs.features.iter().any(|o| o.name == n.name) {
            change(
                &mut changes,
                format!("inputs.{}", n.name),
                "feature added (callers not sending it are refused)".into(),
                true,
            );
        }
    }
    let (oo, no) = (&old.outputs, &new.outputs);
    if oo.task != no.task {
        change(
            &mut changes,
            "outputs.task".into(),
            format!("{} became {}", oo.task.as_str(), no.task.as_str()),
            true,
        );
    }
    output_shape_changes(&mut changes, oo, no);
    if oo.class_names != no.class_names {
        change(
            &mut changes,
            "outputs.class_names".into(),
            format!(
                "{:?} became {:?}",
                oo.class_names.clone().unwrap_or_default(),
                no.class_names.clone().unwrap_or_default()
            ),
            true,
        );
    }
    // A migration declared for callers of the old major version covers removed and added
    // features; covered changes do not count as breaking.
    if let Some(m) = new
        .migration
        .as_ref()
        .filter(|m| semver::Version::parse(&old.version).is_ok_and(|v| v.major == m.from_major))
    {
        for c in changes.iter_mut().filter(|c| c.breaking) {
            let Some(name) = c.path.strip_prefix("inputs.") else {
                continue;
            };
            let removed = !new.inputs.features.iter().any(|f| f.name == name);
            c.migration = if removed {
                m.covers_removed(name)
            } else if !old.inputs.features.iter().any(|f| f.name == name) {
                m.covers_added(name)
            } else {
                None
            };
        }
    }
    let breaking = changes.iter().any(|c| c.breaking && c.migration.is_none());
    Comparison {
        version_problem: version_problem(&old.version, &new.version, breaking),
        breaking,
        changes,
    }
}

/// A regression's target names, a transform's dimension, a clustering model's number of
/// clusters, which outlier parts there are: callers read results by these, so any change
/// breaks them (a change of task is reported on its own).
fn output_shape_changes(changes: &mut Vec<Change>, o: &Outputs, n: &Outputs) {
    if o.task != n.task {
        return;
    }
    let count = |v: Option<u64>| v.map_or("none".to_string(), |v| v.to_string());
    if o.value_names != n.value_names {
        let names = |v: &Option<Vec<String>>| match v {
            Some(v) => format!("{v:?}"),
            None => "one value".to_string(),
        };
        let what = format!("{} became {}", names(&o.value_names), names(&n.value_names));
        change(changes, "outputs.value_names".into(), what, true);
    }
    for (field, old, new) in [
        ("dimension", o.dimension, n.dimension),
        ("clusters", o.clusters, n.clusters),
    ] {
        if old != new {
            let what = format!("{} became {}", count(old), count(new));
            change(changes, format!("outputs.{field}"), what, true);
        }
    }
    for (field, old, new) in [
        ("distances", o.distances.is_some(), n.distances.is_some()),
        ("score", o.score.is_some(), n.score.is_some()),
        ("label", o.label.is_some(), n.label.is_some()),
        (
            "probabilities",
            o.probabilities.is_some(),
            n.probabilities.is_some(),
        ),
    ] {
        if old != new {
            let what = if new {
                "added"
            } else {
                "removed (callers reading it break)"
            };
            change(changes, format!("outputs.{field}"), what.to_string(), !new);
        }
    }
}

fn feature_changes(changes: &mut Vec<Change>, o: &Feature, n: &Feature) {
    let at = |field: &str| format!("inputs.{}{field}", o.name);
    if o.kind != n.kind {
        let widening = o.kind == FeatureType::Integer && n.kind == FeatureType::Float;
        change(
            changes,
            at(".type"),
            format!("{} became {}", o.kind.as_str(), n.kind.as_str()),
            !widening,
        );
    }
    let bound = |v: Option<f64>| v.map_or("none".to_string(), super::format_number);
    // A bound narrows when it appears, or moves inward (up for min, down for max).
    for (field, old, new, inward) in [(".min", o.min, n.min, 1.0), (".max", o.max, n.max, -1.0)] {
        if old != new {
            let narrower = match (old, new) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(a), Some(b)) => (b - a) * inward > 0.0,
            };
            let what = format!("{} became {}", bound(old), bound(new));
            change(changes, at(field), what, narrower);
        }
    }
    if o.categories != n.categories {
        let removed: Vec<&String> = match (&o.categories, &n.categories) {
            (Some(oc), Some(nc)) => oc.iter().filter(|c| !nc.contains(c)).collect(),
            _ => Vec::new(),
        };
        let narrower = o.categories.is_none() && n.categories.is_some() || !removed.is_empty();
        let what = if removed.is_empty() {
            "categories changed".to_string()
        } else {
            format!("categories removed: {removed:?}")
        };
        change(changes, at(".categories"), what, narrower);
    }
    if o.max_length != n.max_length {
        let shorter = match (o.max_length, n.max_length) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(a), Some(b)) => b < a,
        };
        let len = |v: Option<u64>| v.map_or("none".to_string(), |v| v.to_string());
        let what = format!("{} became {}", len(o.max_length), len(n.max_length));
        change(changes, at(".max_length"), what, shorter);
    }
    if o.nullable != n.nullable {
        let what = if n.nullable {
            "now accepts missing values"
        } else {
            "no longer accepts missing values"
        };
        change(changes, at(".nullable"), what.into(), !n.nullable);
    }
}

/// The interface fingerprint of a manifest: `sha256:<hex>` over what callers depend on:
/// each feature's name, type, bounds, categories, maximum length and nullability, in order,
/// and the whole `outputs` section (task, class names, which graph outputs hold what). Two
/// manifests with the same fingerprint have no interface changes for [`compare`] to find;
/// the registry lists it per version.
pub fn fingerprint(m: &Manifest) -> String {
    let features: Vec<serde_json::Value> = m
        .inputs
        .features
        .iter()
        .map(|f| {
            serde_json::json!({
                "name": f.name,
                "type": f.kind.as_str(),
                "min": f.min,
                "max": f.max,
                "categories": f.categories,
                "max_length": f.max_length,
                "nullable": f.nullable,
            })
        })
        .collect();
    // The whole outputs section (task, classes and whatever else callers read results by).
    let outputs = serde_json::to_value(&m.outputs).unwrap_or_default();
    let interface = serde_json::json!({"features": features, "outputs": outputs});
    let digest = crate::trust::sha256(interface.to_string().as_bytes());
    format!("sha256:{}", crate::trust::to_hex(&digest))
}

/// Checks that `new` is a later version and that a breaking change bumps the major version
/// (the minor version while the major is 0, as semantic versioning allows).
fn version_problem(old: &str, new: &str, breaking: bool) -> Option<String> {
    let (Ok(o), Ok(n)) = (semver::Version::parse(old), semver::Version::parse(new)) else {
        return Some("a version is not a semantic version".into());
    };
    if n <= o {
        return Some(format!("version {n} is not later than {o}"));
    }
    let major_bump = if o.major == 0 {
        n.major > 0 || n.minor > o.minor
    } else {
        n.major > o.major
    };
    if breaking && !major_bump {
        let want = if o.major == 0 {
            format!("0.{}.0", o.minor + 1)
        } else {
            format!("{}.0.0", o.major + 1)
        };
        return Some(format!("the interface has breaking changes but {o} → {n} is not a major bump; use {want} or later"));
    }
    None
}

#[cfg(test)]
mod tests;
