//! Consistency checks on a parsed manifest (what serde alone cannot express).

use std::collections::BTreeSet;

use super::error::BundleError;
use super::manifest::{Binding, FeatureBaseline, FeatureType, Manifest, TensorType};
use super::MODEL_ENTRY;

pub(super) fn invalid(path: impl Into<String>, problem: impl Into<String>) -> BundleError {
    BundleError::ManifestInvalid {
        path: path.into(),
        problem: problem.into(),
    }
}

fn is_hex_digest(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Checks every cross-field rule of the manifest; the first violation is returned.
pub(super) fn check(m: &Manifest) -> Result<(), BundleError> {
    if m.name.trim().is_empty() || m.name.contains(['/', '\\']) {
        return Err(invalid("name", "must be a non-empty name without slashes"));
    }
    semver::Version::parse(&m.version).map_err(|e| {
        invalid(
            "version",
            format!("{:?} is not a semantic version ({e})", m.version),
        )
    })?;
    time::OffsetDateTime::parse(&m.created, &time::format_description::well_known::Rfc3339)
        .map_err(|_| {
            invalid(
                "created",
                format!("{:?} is not an RFC 3339 timestamp", m.created),
            )
        })?;
    if !is_hex_digest(&m.training.data.sha256) {
        return Err(invalid(
            "training.data.sha256",
            "must be 64 lowercase hex digits",
        ));
    }
    check_inputs(m)?;
    if let Some(migration) = &m.migration {
        migration
            .check(&m.inputs.features, &m.version)
            .map_err(|(path, problem)| invalid(path, problem))?;
    }
    super::check_outputs::check_outputs(m)?;
    super::check_outputs::check_test_vectors(m)?;
    for (name, baseline) in &m.drift_baseline.features {
        if !m.inputs.features.iter().any(|f| &f.name == name) {
            return Err(invalid(
                format!("drift_baseline.features.{name}"),
                "is not a feature of the input schema",
            ));
        }
        // Drift compares new texts' rate with this one: it must be the counts' own.
        if let FeatureBaseline::Text {
            unknown_tokens: Some(u),
            ..
        } = baseline
        {
            if u.unknown > u.tokens || !(0.0..=1.0).contains(&u.rate) {
                return Err(invalid(
                    format!("drift_baseline.features.{name}.unknown_tokens"),
                    "needs unknown <= tokens and a rate from 0 to 1",
                ));
            }
        }
    }
    for (name, digest) in &m.files {
        if name != MODEL_ENTRY {
            return Err(invalid(
                format!("files.{name}"),
                "only model.onnx is listed in files",
            ));
        }
        if !is_hex_digest(digest) {
            return Err(invalid(
                format!("files.{name}"),
                "must be 64 lowercase hex digits",
            ));
        }
    }
    if !m.files.contains_key(MODEL_ENTRY) {
        return Err(invalid("files", "must list the sha256 of model.onnx"));
    }
    if let Some(name) = m.file_sizes.keys().find(|n| !m.files.contains_key(*n)) {
        return Err(invalid(
            format!("file_sizes.{name}"),
            "only entries listed in files have a size",
        ));
    }
    Ok(())
}

fn check_inputs(m: &Manifest) -> Result<(), BundleError> {
    let features = &m.inputs.features;
    if features.is_empty() {
        return Err(invalid("inputs.features", "must list at least one feature"));
    }
    let mut seen = BTreeSet::new();
    for (i, f) in features.iter().enumerate() {
        let at = |field: &str| format!("inputs.features[{i}]{field}");
        if f.name.is_empty() || !seen.insert(f.name.as_str()) {
            return Err(invalid(
                at(".name"),
                format!("{:?} is empty or repeated", f.name),
            ));
        }
        let numeric = matches!(f.kind, FeatureType::Float | FeatureType::Integer);
        for (field, bound) in [(".min", f.min), (".max", f.max)] {
            if let Some(b) = bound {
                if !numeric {
                    return Err(invalid(at(field), "only numeric features have bounds"));
                }
                if !b.is_finite() {
                    return Err(invalid(at(field), "must be a finite number"));
                }
            }
        }
        if let (Some(lo), Some(hi)) = (f.min, f.max) {
            if lo > hi {
                return Err(invalid(
                    at(".min"),
                    format!("{lo} is greater than max {hi}"),
                ));
            }
        }
        match (f.kind, f.max_length) {
            (FeatureType::Text, None) => {
                return Err(invalid(
                    at(".max_length"),
                    "a text feature needs a max_length (characters), which bounds the \
                     tokenizer's work per input",
                ))
            }
            (FeatureType::Text, Some(0)) => {
                return Err(invalid(at(".max_length"), "must be at least 1"))
            }
            (FeatureType::Text, Some(_)) | (_, None) => {}
            (_, Some(_)) => {
                return Err(invalid(
                    at(".max_length"),
                    "only text features have a max_length",
                ))
            }
        }
        if let Some(cats) = &f.categories {
            if f.kind != FeatureType::String {
                return Err(invalid(
                    at(".categories"),
                    "only string features have categories",
                ));
            }
            let unique: BTreeSet<_> = cats.iter().collect();
            if cats.is_empty() || unique.len() != cats.len() {
                return Err(invalid(
                    at(".categories"),
                    "must be non-empty and without repeats",
                ));
            }
        }
    }
    match &m.inputs.binding {
        Binding::Tensor { input, dtype } => {
            if input.is_empty() {
                return Err(invalid("inputs.binding.input", "must name a graph input"));
            }
            if !matches!(
                dtype,
                TensorType::Float32 | TensorType::Float64 | TensorType::Int64
            ) {
                return Err(invalid(
                    "inputs.binding.dtype",
                    "a single-tensor binding must be float32, float64 or int64",
                ));
            }
            if let Some(f) = features
                .iter()
                .find(|f| matches!(f.kind, FeatureType::String | FeatureType::Text))
            {
                return Err(invalid(
                    "inputs.binding",
                    format!(
                        "{} feature {:?} cannot go into a numeric tensor; use a columns binding",
                        f.kind.as_str(),
                        f.name
                    ),
                ));
            }
        }
        Binding::Columns { columns } => {
            for (i, c) in columns.iter().enumerate() {
                let Some(f) = features.iter().find(|f| f.name == c.feature) else {
                    return Err(invalid(
                        format!("inputs.binding.columns[{i}].feature"),
                        format!("{:?} is not a feature of the schema", c.feature),
                    ));
                };
                let fits = match f.kind {
                    FeatureType::String | FeatureType::Text => c.dtype == TensorType::String,
                    FeatureType::Boolean => c.dtype != TensorType::String,
                    FeatureType::Float | FeatureType::Integer => {
                        !matches!(c.dtype, TensorType::String | TensorType::Bool)
                    }
                };
                if !fits {
                    return Err(invalid(
                        format!("inputs.binding.columns[{i}].dtype"),
                        format!(
                            "{} does not fit {} feature {:?}",
                            c.dtype.as_str(),
                            f.kind.as_str(),
                            f.name
                        ),
                    ));
                }
            }
            for f in features {
                let n = columns.iter().filter(|c| c.feature == f.name).count();
                if n != 1 {
                    return Err(invalid(
                        "inputs.binding.columns",
                        format!(
                            "feature {:?} is bound {n} times; bind each feature exactly once",
                            f.name
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}
