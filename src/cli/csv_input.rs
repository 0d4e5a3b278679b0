//! CSV files as columns of text, and as records typed by a schema.

use crate::bundle::manifest::{Feature, FeatureType};
use crate::schema::infer::is_missing;
use crate::schema::Value;
use anyhow::{bail, Context, Result};

/// A CSV file: header and rows, all text.
pub struct Table {
    /// Column names.
    pub header: Vec<String>,
    /// Rows, each as long as the header.
    pub rows: Vec<Vec<String>>,
}

/// Parses CSV text with a header row; every row must have as many fields as the header.
pub fn parse(bytes: &[u8], what: &str) -> Result<Table> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .with_context(|| format!("cannot read the header row of {what}"))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if header.is_empty() || header.iter().any(String::is_empty) {
        bail!("{what} needs a header row naming every column");
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{what}: cannot read data row {}", i + 1))?;
        rows.push(record.iter().map(str::to_string).collect());
    }
    Ok(Table { header, rows })
}

/// Turns each row into a record, converting fields by the schema's type for that column.
///
/// A field that does not parse is passed on as a string, so the schema reports it (with its
/// path) instead of it being silently dropped or coerced.
pub fn records(table: &Table, features: &[Feature]) -> Value {
    Value::Array(
        table
            .rows
            .iter()
            .map(|row| {
                Value::Object(
                    table
                        .header
                        .iter()
                        .zip(row)
                        .map(|(name, field)| {
                            let kind = features.iter().find(|f| &f.name == name).map(|f| f.kind);
                            (name.clone(), convert(field, kind))
                        })
                        .collect(),
                )
            })
            .collect(),
    )
}

fn convert(field: &str, kind: Option<FeatureType>) -> Value {
    let trimmed = field.trim();
    match kind {
        Some(FeatureType::String) => {
            if field.is_empty() {
                Value::Null
            } else {
                Value::String(field.to_string())
            }
        }
        _ if is_missing(trimmed) => Value::Null,
        Some(FeatureType::Float | FeatureType::Integer) => match trimmed.parse::<f64>() {
            Ok(n) => Value::Number(n),
            Err(_) => Value::String(field.to_string()),
        },
        Some(FeatureType::Boolean) => match trimmed.to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(field.to_string()),
        },
        None => Value::String(field.to_string()),
    }
}
