//! Schema problems, all collected into one error.

use std::fmt;

/// What kind of problem an input has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IssueCode {
    /// A feature of the schema is absent from the record.
    MissingFeature,
    /// The record has a key that is not a feature.
    UnknownFeature,
    /// The value has the wrong type (e.g. a string for a number).
    WrongType,
    /// NaN or ±Infinity where the feature is not nullable.
    NotFinite,
    /// A fractional number for an integer feature.
    NotAnInteger,
    /// `null` where the feature is not nullable.
    NullNotAllowed,
    /// Below the feature's minimum.
    BelowMin,
    /// Above the feature's maximum.
    AboveMax,
    /// A string that is not one of the feature's categories.
    UnknownCategory,
    /// A text longer than the feature's `max_length`.
    TooLong,
    /// A row that is not an object.
    NotARecord,
    /// Columns of different lengths.
    ColumnLength,
    /// Input that is neither a record, an array of records nor columns.
    NotABatch,
}

impl IssueCode {
    /// The stable snake_case code shown to callers.
    pub fn as_str(self) -> &'static str {
        match self {
            IssueCode::MissingFeature => "missing_feature",
            IssueCode::UnknownFeature => "unknown_feature",
            IssueCode::WrongType => "wrong_type",
            IssueCode::NotFinite => "not_finite",
            IssueCode::NotAnInteger => "not_an_integer",
            IssueCode::NullNotAllowed => "null_not_allowed",
            IssueCode::BelowMin => "below_min",
            IssueCode::AboveMax => "above_max",
            IssueCode::UnknownCategory => "unknown_category",
            IssueCode::TooLong => "too_long",
            IssueCode::NotARecord => "not_a_record",
            IssueCode::ColumnLength => "column_length",
            IssueCode::NotABatch => "not_a_batch",
        }
    }
}

/// One problem with one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// Where, e.g. `rows[3].petal_width`.
    pub path: String,
    /// What kind of problem.
    pub code: IssueCode,
    /// What the schema expects, e.g. `a number from 0.1 to 2.5`.
    pub expected: String,
    /// What was received, e.g. `"abc"`.
    pub received: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: expected {}, received {} ({})",
            self.path,
            self.expected,
            self.received,
            self.code.as_str()
        )
    }
}

/// Every problem found in an input; never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// The problems, in input order.
    pub issues: Vec<Issue>,
}

/// How many issues the message of a [`SchemaError`] lists one by one; the rest are counted
/// per code (the error's `issues` still holds every one).
pub const SHOWN_ISSUES: usize = 100;

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.issues.len();
        write!(
            f,
            "input does not match the model's schema ({n} problem{}):",
            if n == 1 { "" } else { "s" }
        )?;
        for issue in self.issues.iter().take(SHOWN_ISSUES) {
            write!(f, "\n  {issue}")?;
        }
        if n > SHOWN_ISSUES {
            // A huge batch gets a summary, not a message of every row: counts per code, in
            // the order the codes first appear.
            let mut counts: Vec<(&'static str, usize)> = Vec::new();
            for issue in &self.issues {
                let code = issue.code.as_str();
                match counts.iter_mut().find(|(c, _)| *c == code) {
                    Some((_, k)) => *k += 1,
                    None => counts.push((code, 1)),
                }
            }
            let per_code: Vec<String> = counts.iter().map(|(c, k)| format!("{k} {c}")).collect();
            write!(
                f,
                "\n  …and {} more; all {n} by code: {}",
                n - SHOWN_ISSUES,
                per_code.join(", ")
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for SchemaError {}

#[cfg(test)]
mod tests;
