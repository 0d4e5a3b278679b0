//! Applying a bundle's migration: records in the previous version's shape become this
//! version's before they are validated.

use crate::bundle::migration::{FeatureMigration, Migration};

use super::Value;

/// Migrates a record, each record of an array, or columns (`{"feature": [...]}`) in the old
/// shape: a feature sent under its old name gets renamed and converted (each value of a
/// column), removed features are dropped, a feature not sent at all gets its default (a
/// column of it). Returns the input as validation should see it and how many records
/// changed (every row of migrated columns).
pub fn migrate(migration: &Migration, input: &Value) -> (Value, usize) {
    match input {
        Value::Object(fields) if is_columns(fields) => {
            let mut fields = fields.clone();
            let n = if migrate_columns(migration, &mut fields) {
                rows_of(&fields)
            } else {
                0
            };
            (Value::Object(fields), n)
        }
        Value::Object(fields) => {
            let mut fields = fields.clone();
            let n = usize::from(migrate_record(migration, &mut fields));
            (Value::Object(fields), n)
        }
        Value::Array(rows) => {
            let mut count = 0;
            let rows = rows
                .iter()
                .map(|row| match row {
                    Value::Object(fields) => {
                        let mut fields = fields.clone();
                        count += usize::from(migrate_record(migration, &mut fields));
                        Value::Object(fields)
                    }
                    other => other.clone(),
                })
                .collect();
            (Value::Array(rows), count)
        }
        other => (other.clone(), 0),
    }
}

/// The positions of the records [`migrate`] changes (`[0]` for a single migrated record,
/// every row for migrated columns).
pub fn migrated_rows(migration: &Migration, input: &Value) -> Vec<usize> {
    let changes = |fields: &Vec<(String, Value)>| migrate_record(migration, &mut fields.clone());
    match input {
        Value::Object(fields) if is_columns(fields) => {
            let mut fields = fields.clone();
            if migrate_columns(migration, &mut fields) {
                (0..rows_of(&fields)).collect()
            } else {
                Vec::new()
            }
        }
        Value::Object(fields) if changes(fields) => vec![0],
        Value::Array(rows) => rows
            .iter()
            .enumerate()
            .filter(|(_, row)| matches!(row, Value::Object(fields) if changes(fields)))
            .map(|(i, _)| i)
            .collect(),
        _ => Vec::new(),
    }
}

fn is_columns(fields: &[(String, Value)]) -> bool {
    !fields.is_empty() && fields.iter().all(|(_, v)| matches!(v, Value::Array(_)))
}

/// The row count of columns: the first column's length (validation reports columns of
/// different lengths).
fn rows_of(fields: &[(String, Value)]) -> usize {
    match fields.first() {
        Some((_, Value::Array(c))) => c.len(),
        _ => 0,
    }
}

/// `new = old × scale + offset` for a number; anything else passed on unconverted, so
/// validation names the wrong type.
fn convert(m: &FeatureMigration, value: Value) -> Value {
    match value {
        Value::Number(x) if m.scale.is_some() || m.offset.is_some() => {
            Value::Number(x * m.scale.unwrap_or(1.0) + m.offset.unwrap_or(0.0))
        }
        other => other,
    }
}

/// [`migrate_record`] for columns: a column renamed and converted value by value, a default
/// repeated down a new column as long as the others.
fn migrate_columns(migration: &Migration, fields: &mut Vec<(String, Value)>) -> bool {
    let rows = rows_of(fields);
    migrate_fields(
        migration,
        fields,
        |m, column| match column {
            Value::Array(values) => {
                Value::Array(values.into_iter().map(|v| convert(m, v)).collect())
            }
            other => other,
        },
        |default| Value::Array(vec![default; rows]),
    )
}

fn migrate_record(migration: &Migration, fields: &mut Vec<(String, Value)>) -> bool {
    migrate_fields(migration, fields, convert, |default| default)
}

/// Renames and converts (`convert_field`) the old fields a migration maps to new features,
/// adds the defaults of the new features nobody sent (`default_field`), drops removed ones;
/// whether anything changed. A new feature already present is left as sent.
fn migrate_fields(
    migration: &Migration,
    fields: &mut Vec<(String, Value)>,
    convert_field: impl Fn(&FeatureMigration, Value) -> Value,
    default_field: impl Fn(Value) -> Value,
) -> bool {
    let mut changed = false;
    for (new, m) in &migration.features {
        if fields.iter().any(|(k, _)| k == new) {
            continue;
        }
        if let Some(at) = m
            .from
            .as_ref()
            .and_then(|from| fields.iter().position(|(k, _)| k == from))
        {
            let (_, value) = fields.remove(at);
            fields.push((new.clone(), convert_field(m, value)));
            changed = true;
        } else if let Some(default) = &m.default {
            fields.push((new.clone(), default_field(Value::from(default.clone()))));
            changed = true;
        }
    }
    let before = fields.len();
    fields.retain(|(k, _)| !migration.removed.iter().any(|r| r == k));
    changed || fields.len() != before
}

#[cfg(test)]
mod tests {
    use super::*;

    fn migration() -> Migration {
        serde_json::from_value(serde_json::json!({
            "from_major": 1,
            "features": {
                "height_in": {"from": "height_cm", "scale": 0.5},
                "petal_len": {"from": "petal_length"},
                "season": {"default": "unknown"}
            },
            "removed": ["legacy"]
        }))
        .unwrap()
    }

    fn record(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn an_old_record_is_renamed_converted_defaulted_and_cleaned() {
        let old = record(&[
            ("height_cm", Value::Number(180.0)),
            ("petal_length", Value::Number(1.4)),
            ("legacy", Value::Bool(true)),
        ]);
        let (v, n) = migrate(&migration(), &old);
        assert_eq!(n, 1);
        assert_eq!(
            v,
            record(&[
                ("height_in", Value::Number(90.0)),
                ("petal_len", Value::Number(1.4)),
                ("season", Value::String("unknown".into())),
            ])
        );
    }

    #[test]
    fn a_new_record_is_left_alone_and_only_old_rows_count() {
        let new = record(&[
            ("height_in", Value::Number(70.0)),
            ("petal_len", Value::Number(1.4)),
            ("season", Value::String("spring".into())),
        ]);
        assert_eq!(migrate(&migration(), &new), (new.clone(), 0));
        let old = record(&[
            ("height_cm", Value::Number(2.0)),
            ("petal_len", Value::Number(1.0)),
            ("season", Value::String("x".into())),
        ]);
        let batch = Value::Array(vec![new, old, Value::Null]);
        assert_eq!(migrate(&migration(), &batch).1, 1);
        assert_eq!(migrated_rows(&migration(), &batch), [1]);
    }

    #[test]
    fn old_columns_are_renamed_converted_defaulted_and_every_row_counts() {
        let col = |xs: &[f64]| Value::Array(xs.iter().map(|x| Value::Number(*x)).collect());
        let old = record(&[
            ("height_cm", col(&[180.0, 100.0])),
            ("petal_length", col(&[1.4, 2.0])),
            ("legacy", Value::Array(vec![Value::Bool(true), Value::Null])),
        ]);
        let (v, n) = migrate(&migration(), &old);
        assert_eq!(n, 2);
        let unknown = Value::String("unknown".into());
        assert_eq!(
            v,
            record(&[
                ("height_in", col(&[90.0, 50.0])),
                ("petal_len", col(&[1.4, 2.0])),
                ("season", Value::Array(vec![unknown.clone(), unknown])),
            ])
        );
        assert_eq!(migrated_rows(&migration(), &old), [0, 1]);
        let new = record(&[
            ("height_in", col(&[1.0])),
            ("petal_len", col(&[1.0])),
            ("season", Value::Array(vec![Value::String("x".into())])),
        ]);
        assert_eq!(migrate(&migration(), &new), (new.clone(), 0));
        assert!(migrated_rows(&migration(), &new).is_empty());
    }

    #[test]
    fn a_non_number_is_passed_on_for_validation_to_refuse() {
        let old = record(&[("height_cm", Value::String("tall".into()))]);
        let (v, _) = migrate(&migration(), &old);
        let Value::Object(fields) = v else { panic!() };
        assert!(fields.contains(&("height_in".to_string(), Value::String("tall".into()))));
    }
}
