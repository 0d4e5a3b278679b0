//! CSV files as columns of text, and as records typed by a schema — read the way the demo page
//! and the npm package's `fromCsv` read them: columns that are not features are ignored, a
//! missing column is one message, and a row that cannot be read is reported on its own
//! without losing the others.

use crate::bundle::manifest::{Feature, FeatureType};
use crate::schema::infer::is_missing;
use crate::schema::Value;
use anyhow::{bail, Context, Result};

/// A CSV file: header and rows, all text.
pub struct Table {
    /// Column names.
    pub header: Vec<String>,
    /// Rows, each as long as the header (see [`parse_lenient`] for rows that are not).
    pub rows: Vec<Vec<String>>,
    /// The line each row starts on (the header is line 1).
    pub lines: Vec<u64>,
}

/// Parses CSV text with a header row; every row must have as many fields as the header.
///
/// # Errors
/// A missing or unnamed header (the pandas index says so), a file separated by semicolons or
/// tabs, or a row that cannot be read.
pub fn parse(bytes: &[u8], what: &str) -> Result<Table> {
    let (table, problems) = parse_lenient(bytes, what)?;
    if let Some(p) = problems.first() {
        bail!("{what}: line {}: {}", p.line, p.message);
    }
    Ok(table)
}

/// A row that could not be read: its index among the data rows, its line, what is wrong.
pub struct RowProblem {
    /// Index of the row among the data rows (0-based).
    pub row: usize,
    /// The line it starts on.
    pub line: u64,
    /// What is wrong, e.g. `5 cells, the header has 4`.
    pub message: String,
}

/// Parses CSV text with a header row, keeping rows that have the wrong number of fields out
/// of the table and reporting each.
///
/// # Errors
/// As [`parse`], except for rows of the wrong length.
pub fn parse_lenient(bytes: &[u8], what: &str) -> Result<(Table, Vec<RowProblem>)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes); // Excel's byte order mark
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .with_context(|| format!("cannot read the header row of {what}"))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if header.is_empty() || header.iter().all(String::is_empty) {
        bail!("{what} needs a header row naming every column");
    }
    if let Some(sep) = other_separator(&header) {
        bail!("{what} is separated by {sep}, not commas: save it as comma-separated CSV (in pandas: df.to_csv(path, index=False); in a spreadsheet: CSV with comma as the field separator)");
    }
    if header[0].is_empty() || header[0] == "Unnamed: 0" {
        bail!("{what} starts with a column without a name: that is the pandas index (DataFrame.to_csv writes it by default); write the file with df.to_csv(path, index=False)");
    }
    if let Some(i) = header.iter().position(String::is_empty) {
        bail!(
            "column {} of {what}'s header has no name: name every column",
            i + 1
        );
    }
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{what}: cannot read data row {}", i + 1))?;
        let line = record.position().map_or(i as u64 + 2, |p| p.line());
        if record.len() != header.len() {
            problems.push(RowProblem {
                row: i,
                line,
                message: format!("{} cells, the header has {}", record.len(), header.len()),
            });
            continue;
        }
        rows.push(record.iter().map(str::to_string).collect());
        lines.push(line);
    }
    Ok((
        Table {
            header,
            rows,
            lines,
        },
        problems,
    ))
}

/// `semicolons` or `tabs` when a one-column header is really several names joined by them.
fn other_separator(header: &[String]) -> Option<&'static str> {
    match header {
        [only] if only.contains(';') => Some("semicolons (;)"),
        [only] if only.contains('\t') => Some("tabs"),
        _ => None,
    }
}

/// The table's columns against a schema: which features have no column, which columns are
/// not features (ignored: the target, notes).
pub struct Columns {
    /// Features without a column, in schema order.
    pub missing: Vec<String>,
    /// Columns that are not features, in file order.
    pub ignored: Vec<String>,
}

/// Compares the header with the features.
pub fn columns(table: &Table, features: &[Feature]) -> Columns {
    Columns {
        missing: features
            .iter()
            .filter(|f| !table.header.contains(&f.name))
            .map(|f| f.name.clone())
            .collect(),
        ignored: table
            .header
            .iter()
            .filter(|h| !features.iter().any(|f| &f.name == *h))
            .cloned()
            .collect(),
    }
}

/// Turns each row into a record of the features (other columns left out), converting fields
/// by the feature's type.
///
/// A field that does not parse is passed on as a string, so the schema reports it (with its
/// path) instead of it being silently dropped or coerced; an empty field of a feature that
/// cannot be missing is left out, so it is reported as missing.
pub fn records(table: &Table, features: &[Feature]) -> Value {
    let at: Vec<(usize, &Feature)> = features
        .iter()
        .filter_map(|f| {
            table
                .header
                .iter()
                .position(|h| h == &f.name)
                .map(|i| (i, f))
        })
        .collect();
    Value::Array(
        table
            .rows
            .iter()
            .map(|row| {
                Value::Object(
                    at.iter()
                        .filter_map(|(i, f)| {
                            let v = convert(row.get(*i).map_or("", String::as_str), f.kind);
                            (!matches!(v, Value::Null) || f.nullable).then(|| (f.name.clone(), v))
                        })
                        .collect(),
                )
            })
            .collect(),
    )
}

fn convert(field: &str, kind: FeatureType) -> Value {
    let trimmed = field.trim();
    match kind {
        // An empty field is an empty text (a document may be empty), never missing.
        FeatureType::Text => Value::String(field.to_string()),
        FeatureType::String => {
            if field.is_empty() {
                Value::Null
            } else {
                Value::String(field.to_string())
            }
        }
        _ if is_missing(trimmed) => Value::Null,
        FeatureType::Float | FeatureType::Integer => match trimmed.parse::<f64>() {
            Ok(n) => Value::Number(n),
            Err(_) => Value::String(field.to_string()),
        },
        FeatureType::Boolean => match trimmed.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Value::Bool(true),
            "false" | "0" | "no" => Value::Bool(false),
            _ => Value::String(field.to_string()),
        },
    }
}
