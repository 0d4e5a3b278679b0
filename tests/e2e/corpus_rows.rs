//! A corpus case's rows as the e2e tests that pack them use them: the `io.json`, its input
//! `X` row by row (`None` for a missing cell), a row as a record of features `f0…`, and the
//! rows as a training CSV with those names and a dummy `target` column.

use serde_json::Value;

use crate::support::repo;

/// `tests/corpus/<case>/io.json`.
pub fn corpus(case: &str) -> Value {
    let path = repo(&format!("tests/corpus/{case}/io.json"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The rows of the corpus input `X` (`None` for a missing cell).
pub fn rows(io: &Value) -> Vec<Vec<Option<f64>>> {
    io["inputs"]["X"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_array().unwrap().iter().map(Value::as_f64).collect())
        .collect()
}

/// One row as a record `{f0: …, f1: …}` (`null` for a missing cell).
pub fn record(row: &[Option<f64>]) -> Value {
    Value::Object(
        row.iter()
            .enumerate()
            .map(|(j, v)| (format!("f{j}"), v.map_or(Value::Null, Value::from)))
            .collect(),
    )
}

/// The rows as a training CSV: columns `f0…` (an empty cell where one is missing, which makes
/// the feature nullable) and a `target` of zeros.
pub fn train_csv(rows: &[Vec<Option<f64>>]) -> String {
    let width = rows[0].len();
    let mut csv = (0..width)
        .map(|j| format!("f{j}"))
        .collect::<Vec<_>>()
        .join(",");
    csv += ",target\n";
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .map(|v| v.map_or(String::new(), |v| format!("{v:?}")))
            .collect();
        csv += &format!("{},0\n", cells.join(","));
    }
    csv
}
