//! The loosely typed values callers hand in, before validation.

/// An input value as received from JSON, CSV or JavaScript.
///
/// Unlike `serde_json::Value`, a number may be NaN or infinite: JavaScript and CSV can carry
/// those, and the schema must see them to reject them (or treat them as missing).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `undefined`, or an empty CSV field.
    Null,
    /// Any number.
    Number(f64),
    /// `true` or `false`.
    Bool(bool),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, keys in the order received.
    Object(Vec<(String, Value)>),
    /// Anything else a caller can pass (a function, a bigint, a nested structure too deep to
    /// be a feature value), described for error messages.
    Other(String),
}

impl Value {
    /// A short description of the value for error messages, e.g. `"abc"`, `12.5`, `an object`.
    pub fn describe(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Number(n) => format_number(*n),
            Value::Bool(b) => b.to_string(),
            Value::String(s) if s.chars().count() > 40 => {
                format!("{:?}…", s.chars().take(40).collect::<String>())
            }
            Value::String(s) => format!("{s:?}"),
            Value::Array(a) => format!("an array of {}", a.len()),
            Value::Object(_) => "an object".into(),
            Value::Other(what) => what.clone(),
        }
    }
}

/// Formats a number the way JSON/JavaScript would show it (no trailing `.0`).
pub fn format_number(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else {
        format!("{n}")
    }
}

impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Self {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Value::String(s),
            serde_json::Value::Array(a) => Value::Array(a.into_iter().map(Value::from).collect()),
            serde_json::Value::Object(o) => {
                Value::Object(o.into_iter().map(|(k, v)| (k, Value::from(v))).collect())
            }
        }
    }
}
