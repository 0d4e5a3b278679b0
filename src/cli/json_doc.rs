//! Reading the JSON documents `pack` takes (metadata, test vectors) so that a student sees
//! every problem at once, each named by its full JSON path (`training.framework: missing`),
//! instead of serde's first error at a line and column.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use anyhow::{bail, Result};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Most problems listed before the list is cut (a wrong file can have thousands).
const MAX_PROBLEMS: usize = 50;

/// Parses `bytes` as a `T`, or fails listing every problem found (`what` names the file).
pub fn parse<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => bail!(
            "{what} is not UTF-8 text (byte {}): save it as UTF-8",
            e.valid_up_to()
        ),
    };
    let non_json = non_json_numbers(text);
    let value: Value = match serde_json::from_str(&with_nulls(text, &non_json)) {
        Ok(v) => v,
        Err(e) => bail!("{what} is not valid JSON: {e}"),
    };
    let mut problems: Vec<String> = non_json
        .iter()
        .map(|t| {
            format!(
                "line {} column {}: {} is not a JSON value: write null (Python's json.dump writes NaN for a float NaN; replace it with None, or call json.dump(..., allow_nan=False) to find them)",
                t.line, t.column, t.token
            )
        })
        .collect();
    let (parsed, mut shape) = recover::<T>(value);
    problems.append(&mut shape);
    match parsed {
        Some(t) if problems.is_empty() => Ok(t),
        _ => {
            let mut msg = format!(
                "{what} has {} problem{}:",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
            for p in problems.iter().take(MAX_PROBLEMS) {
                let _ = write!(msg, "\n  - {p}");
            }
            if problems.len() > MAX_PROBLEMS {
                let _ = write!(msg, "\n  … and {} more", problems.len() - MAX_PROBLEMS);
            }
            bail!(msg)
        }
    }
}

/// A bare `NaN`/`Infinity` token (Python's `json.dump` default) outside any string.
#[derive(Debug, Clone, PartialEq)]
struct NonJson {
    offset: usize,
    token: &'static str,
    line: usize,
    column: usize,
}

fn non_json_numbers(text: &str) -> Vec<NonJson> {
    let bytes = text.as_bytes();
    let (mut in_string, mut escaped) = (false, false);
    let (mut line, mut line_start) = (1, 0);
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'\n' {
            line += 1;
            line_start = i + 1;
        } else {
            let token = ["-Infinity", "Infinity", "NaN"]
                .into_iter()
                .find(|t| text[i..].starts_with(t));
            if let Some(token) = token {
                found.push(NonJson {
                    offset: i,
                    token,
                    line,
                    column: text[line_start..i].chars().count() + 1,
                });
                i += token.len();
                continue;
            }
        }
        i += 1;
    }
    found
}

/// `text` with each non-JSON number replaced by `null`, so the rest can still be checked.
fn with_nulls(text: &str, tokens: &[NonJson]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for t in tokens {
        out.push_str(&text[at..t.offset]);
        out.push_str("null");
        at = t.offset + t.token.len();
    }
    out.push_str(&text[at..]);
    out
}

/// Deserializes `value` as a `T` again and again, recording each error with its path and
/// repairing the document where it failed (dropping an unknown or ill-typed field, filling a
/// missing one with a placeholder), so that one run reports every independent problem.
fn recover<T: DeserializeOwned>(mut value: Value) -> (Option<T>, Vec<String>) {
    let mut problems = Vec::new();
    // Paths already reported (or filled with a placeholder): errors at or under them are
    // consequences of the repair, not new problems.
    let mut covered: BTreeSet<String> = BTreeSet::new();
    for _ in 0..4 * MAX_PROBLEMS {
        let err = match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(t) => return (Some(t), problems),
            Err(e) => e,
        };
        let (target, missing) = target_of(&err);
        let report = if missing {
            "missing (required)".to_string()
        } else {
            describe(&err.inner().to_string())
        };
        let shown = show(&target);
        let hint = if shown.ends_with(".label") && report.contains("invalid type: integer") {
            " (a test vector's label is a class name from outputs.class_names, as a string: \"1\" or \"benign\", not 1)"
        } else {
            ""
        };
        if !covered.iter().any(|c| is_under(&shown, c)) {
            problems.push(format!("{shown}: {report}{hint}"));
        }
        covered.insert(shown);
        if !repair::<T>(&mut value, &target, missing) {
            break;
        }
    }
    (None, problems)
}

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

impl From<&serde_path_to_error::Segment> for Segment {
    fn from(s: &serde_path_to_error::Segment) -> Self {
        match s {
            serde_path_to_error::Segment::Seq { index } => Segment::Index(*index),
            serde_path_to_error::Segment::Map { key } => Segment::Key(key.clone()),
            serde_path_to_error::Segment::Enum { variant } => Segment::Key(variant.clone()),
            serde_path_to_error::Segment::Unknown => Segment::Key("?".into()),
        }
    }
}

/// `training.framework`, `cases[3].expected.label`; the document itself is `(top level)`.
fn show(path: &[Segment]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Segment::Key(k) if s.is_empty() => s.push_str(k),
            Segment::Key(k) => {
                s.push('.');
                s.push_str(k);
            }
            Segment::Index(i) => {
                let _ = write!(s, "[{i}]");
            }
        }
    }
    if s.is_empty() {
        s.push_str("(top level)");
    }
    s
}

fn is_under(path: &str, prefix: &str) -> bool {
    path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

fn quoted_after<'a>(message: &'a str, marker: &str) -> Option<&'a str> {
    let rest = &message[message.find(marker)? + marker.len()..];
    Some(&rest[..rest.find('`')?])
}

/// serde's message, with a hint where students trip.
fn describe(message: &str) -> String {
    if message.starts_with("unknown field") {
        return message.replacen("unknown field", "unknown field (a typo?)", 1);
    }
    message.to_string()
}

fn node_mut<'a>(value: &'a mut Value, path: &[Segment]) -> Option<&'a mut Value> {
    let mut node = value;
    for seg in path {
        node = match (seg, node) {
            (Segment::Key(k), Value::Object(m)) => m.get_mut(k)?,
            (Segment::Index(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

/// Where an error is: the path of the bad value, or of the missing field (then `true`).
fn target_of(err: &serde_path_to_error::Error<serde_json::Error>) -> (Vec<Segment>, bool) {
    let mut path: Vec<Segment> = err.path().iter().map(Segment::from).collect();
    match quoted_after(&err.inner().to_string(), "missing field `") {
        Some(field) => {
            path.push(Segment::Key(field.to_string()));
            (path, true)
        }
        None => (path, false),
    }
}

/// Changes `value` so that the error at `target` does not recur (dropping an unknown or
/// ill-typed field, else trying placeholders until the error moves elsewhere); false when
/// nothing helps.
fn repair<T: DeserializeOwned>(value: &mut Value, target: &[Segment], missing: bool) -> bool {
    let Some((last, parent_path)) = target.split_last() else {
        return false;
    };
    let placeholders = [
        Value::Object(Map::new()),
        Value::String(String::new()),
        Value::from(0),
        Value::Array(Vec::new()),
        Value::Bool(false),
        Value::Null,
    ];
    // None = remove the field (first choice for a present object field).
    let removal = (!missing).then_some(None);
    for candidate in removal
        .into_iter()
        .chain(placeholders.into_iter().map(Some))
    {
        let mut trial = value.clone();
        let changed = match (node_mut(&mut trial, parent_path), last, candidate) {
            (Some(Value::Object(m)), Segment::Key(k), None) => m.shift_remove(k).is_some(),
            (Some(Value::Object(m)), Segment::Key(k), Some(v)) => {
                m.insert(k.clone(), v);
                true
            }
            (Some(Value::Array(a)), Segment::Index(i), Some(v)) if *i < a.len() => {
                a[*i] = v;
                true
            }
            _ => false,
        };
        if !changed {
            continue;
        }
        let stuck = match serde_path_to_error::deserialize::<_, T>(&trial) {
            Ok(_) => false,
            Err(e) => target_of(&e).0 == target,
        };
        if !stuck {
            *value = trial;
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        name: String,
        version: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        name: String,
        framework: Inner,
        #[serde(default)]
        labels: Vec<String>,
        score: Option<f64>,
    }

    fn problems(text: &str) -> String {
        format!(
            "{:#}",
            parse::<Doc>(text.as_bytes(), "meta.json").unwrap_err()
        )
    }

    #[test]
    fn lists_every_problem_with_its_full_path() {
        let msg = problems(r#"{"framework": {"name": 3}, "labels": ["a", 0], "extra": 1}"#);
        assert!(msg.starts_with("meta.json has 5 problems:"), "{msg}");
        for want in [
            "name: missing (required)",
            "framework.name: invalid type: integer `3`, expected a string",
            "framework.version: missing (required)",
            "labels[1]: invalid type: integer `0`, expected a string",
            "extra: unknown field (a typo?) `extra`",
        ] {
            assert!(msg.contains(want), "{want:?} not in {msg}");
        }
    }

    #[test]
    fn nan_says_write_null_with_its_position() {
        let msg = problems("{\"name\": \"x\",\n \"framework\": {\"name\": \"a\", \"version\": \"1\"},\n \"score\": NaN}");
        assert!(msg.contains("meta.json has 1 problem:"), "{msg}");
        assert!(
            msg.contains("line 3 column 11: NaN is not a JSON value: write null"),
            "{msg}"
        );
        // Inside a string it is text, not a number.
        let ok: Doc = parse(
            br#"{"name": "NaN", "framework": {"name": "Infinity", "version": "1"}}"#,
            "m",
        )
        .unwrap();
        assert_eq!(ok.name, "NaN");
    }

    #[test]
    fn valid_documents_parse() {
        let d: Doc = parse(
            br#"{"name": "x", "framework": {"name": "a", "version": "1"}, "score": 0.5}"#,
            "m",
        )
        .unwrap();
        assert_eq!(d.score, Some(0.5));
    }

    #[test]
    fn syntax_errors_say_where() {
        let msg = problems("{\"name\": ");
        assert!(msg.contains("meta.json is not valid JSON"), "{msg}");
    }
}
