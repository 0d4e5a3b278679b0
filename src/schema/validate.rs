//! Checking input values against the feature schema.

use crate::bundle::manifest::{Feature, FeatureType};

use super::error::{Issue, IssueCode, SchemaError};
use super::value::{format_number, Value};

/// A validated value, ready to be placed into a tensor.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A missing value of a nullable feature (null, NaN or ±Infinity).
    Missing,
    /// A finite number (integer features hold whole numbers).
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// A string.
    Text(String),
}

/// How the input was shaped, so results can be returned in the same shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One record (an object of feature → value).
    Record,
    /// An array of records.
    Records,
    /// An object of feature → array of values.
    Columns,
}

/// Validated input: one column of cells per feature, in schema order.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// Number of rows.
    pub rows: usize,
    /// `columns[f][r]` is feature `f` of row `r`.
    pub columns: Vec<Vec<Cell>>,
    /// The shape the input came in.
    pub shape: Shape,
}

/// Validation settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Ignore keys that are not features instead of reporting them.
    pub allow_unknown_features: bool,
}

/// Validates a record, an array of records, or columns against `features`.
///
/// Every problem is collected; nothing is coerced except integers into float features.
///
/// # Errors
/// A [`SchemaError`] listing every problem with its path.
pub fn validate(
    features: &[Feature],
    input: &Value,
    options: Options,
) -> Result<Batch, SchemaError> {
    let mut v = Validator {
        features,
        options,
        issues: Vec::new(),
    };
    let batch = match input {
        Value::Array(rows) => v.records(rows),
        Value::Object(fields) if is_columns(fields) => v.columns(fields),
        Value::Object(fields) => v.record(fields),
        other => {
            v.issue(
                String::new(),
                IssueCode::NotABatch,
                "a record, an array of records, or columns".into(),
                other.describe(),
            );
            None
        }
    };
    match batch {
        Some(batch) if v.issues.is_empty() => Ok(batch),
        _ => Err(SchemaError { issues: v.issues }),
    }
}

/// Columns are an object whose every value is an array (a record never has array values).
fn is_columns(fields: &[(String, Value)]) -> bool {
    !fields.is_empty() && fields.iter().all(|(_, v)| matches!(v, Value::Array(_)))
}

struct Validator<'a> {
    features: &'a [Feature],
    options: Options,
    issues: Vec<Issue>,
}

impl Validator<'_> {
    fn issue(&mut self, path: String, code: IssueCode, expected: String, received: String) {
        self.issues.push(Issue {
            path,
            code,
            expected,
            received,
        });
    }

    fn record(&mut self, fields: &[(String, Value)]) -> Option<Batch> {
        let cells = self.row(fields, "");
        Some(Batch {
            rows: 1,
            columns: cells.into_iter().map(|c| vec![c]).collect(),
            shape: Shape::Record,
        })
    }

    fn records(&mut self, rows: &[Value]) -> Option<Batch> {
        let mut columns = vec![Vec::with_capacity(rows.len()); self.features.len()];
        for (i, row) in rows.iter().enumerate() {
            let Value::Object(fields) = row else {
                self.issue(
                    format!("rows[{i}]"),
                    IssueCode::NotARecord,
                    "an object of feature values".into(),
                    row.describe(),
                );
                continue;
            };
            for (col, cell) in columns
                .iter_mut()
                .zip(self.row(fields, &format!("rows[{i}].")))
            {
                col.push(cell);
            }
        }
        Some(Batch {
            rows: rows.len(),
            columns,
            shape: Shape::Records,
        })
    }

    fn row(&mut self, fields: &[(String, Value)], prefix: &str) -> Vec<Cell> {
        self.unknown_keys(fields.iter().map(|(k, _)| k.as_str()), prefix);
        let mut cells = Vec::with_capacity(self.features.len());
        for f in self.features {
            let path = format!("{prefix}{}", f.name);
            match fields.iter().find(|(k, _)| *k == f.name) {
                Some((_, value)) => cells.push(self.cell(f, value, path)),
                None => {
                    self.issue(
                        path,
                        IssueCode::MissingFeature,
                        expectation(f),
                        "nothing".into(),
                    );
                    cells.push(Cell::Missing);
                }
            }
        }
        cells
    }

    fn columns(&mut self, fields: &[(String, Value)]) -> Option<Batch> {
        self.unknown_keys(fields.iter().map(|(k, _)| k.as_str()), "");
        let mut rows = None;
        let mut columns = Vec::with_capacity(self.features.len());
        for f in self.features {
            let Some((_, Value::Array(values))) = fields.iter().find(|(k, _)| *k == f.name) else {
                self.issue(
                    f.name.clone(),
                    IssueCode::MissingFeature,
                    format!("an array of {}", expectation(f)),
                    "nothing".into(),
                );
                continue;
            };
            match rows {
                None => rows = Some(values.len()),
                Some(n) if n != values.len() => {
                    self.issue(
                        f.name.clone(),
                        IssueCode::ColumnLength,
                        format!("{n} values like the first column"),
                        format!("{}", values.len()),
                    );
                    continue;
                }
                Some(_) => {}
            }
            let col = values
                .iter()
                .enumerate()
                .map(|(i, v)| self.cell(f, v, format!("{}[{i}]", f.name)))
                .collect();
            columns.push(col);
        }
        if columns.len() != self.features.len() {
            return None;
        }
        Some(Batch {
            rows: rows.unwrap_or(0),
            columns,
            shape: Shape::Columns,
        })
    }

    fn unknown_keys<'k>(&mut self, keys: impl Iterator<Item = &'k str>, prefix: &str) {
        if self.options.allow_unknown_features {
            return;
        }
        for key in keys {
            if !self.features.iter().any(|f| f.name == key) {
                self.issue(
                    format!("{prefix}{key}"),
                    IssueCode::UnknownFeature,
                    "only the schema's features".into(),
                    format!("unknown feature {key:?}"),
                );
            }
        }
    }

    fn cell(&mut self, f: &Feature, value: &Value, path: String) -> Cell {
        match check(f, value) {
            Ok(cell) => cell,
            Err(code) => {
                self.issue(path, code, expectation(f), value.describe());
                Cell::Missing
            }
        }
    }
}

/// Checks one value against one feature.
pub fn check(f: &Feature, value: &Value) -> Result<Cell, IssueCode> {
    match (f.kind, value) {
        (_, Value::Null) if f.nullable => Ok(Cell::Missing),
        (_, Value::Null) => Err(IssueCode::NullNotAllowed),
        (FeatureType::Float | FeatureType::Integer, Value::Number(n)) => check_number(f, *n),
        (FeatureType::Boolean, Value::Bool(b)) => Ok(Cell::Bool(*b)),
        (FeatureType::String, Value::String(s)) => match &f.categories {
            Some(cats) if !cats.contains(s) => Err(IssueCode::UnknownCategory),
            _ => Ok(Cell::Text(s.clone())),
        },
        (FeatureType::Text, Value::String(s)) => {
            // Counting stops one past the limit: a huge string costs no more than that.
            let limit = f.max_length.and_then(|m| usize::try_from(m).ok());
            match limit {
                Some(m) if s.chars().nth(m).is_some() => Err(IssueCode::TooLong),
                _ => Ok(Cell::Text(s.clone())),
            }
        }
        _ => Err(IssueCode::WrongType),
    }
}

/// Checks a number for a float or integer feature (what [`check`] does with one).
pub fn check_number(f: &Feature, n: f64) -> Result<Cell, IssueCode> {
    if !n.is_finite() {
        return if f.nullable {
            Ok(Cell::Missing)
        } else {
            Err(IssueCode::NotFinite)
        };
    }
    if f.kind == FeatureType::Integer && n.fract() != 0.0 {
        return Err(IssueCode::NotAnInteger);
    }
    if f.min.is_some_and(|min| n < min) {
        return Err(IssueCode::BelowMin);
    }
    if f.max.is_some_and(|max| n > max) {
        return Err(IssueCode::AboveMax);
    }
    Ok(Cell::Number(n))
}

/// What a feature accepts, in words: `a number from 0.1 to 2.5 (cm)`.
pub fn expectation(f: &Feature) -> String {
    let mut s = match f.kind {
        FeatureType::Float => "a number".to_string(),
        FeatureType::Integer => "a whole number".to_string(),
        FeatureType::Boolean => "true or false".to_string(),
        FeatureType::String => match &f.categories {
            Some(cats) => format!(
                "one of {}",
                cats.iter()
                    .map(|c| format!("{c:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => "a string".to_string(),
        },
        FeatureType::Text => match f.max_length {
            Some(m) => format!("a text of at most {m} characters"),
            None => "a text".to_string(),
        },
    };
    match (f.min, f.max) {
        (Some(lo), Some(hi)) => {
            s += &format!(" from {} to {}", format_number(lo), format_number(hi))
        }
        (Some(lo), None) => s += &format!(" of at least {}", format_number(lo)),
        (None, Some(hi)) => s += &format!(" of at most {}", format_number(hi)),
        (None, None) => {}
    }
    if let Some(unit) = &f.unit {
        s += &format!(" ({unit})");
    }
    if f.nullable {
        s += ", or null when missing";
    }
    s
}

#[cfg(test)]
mod tests;
