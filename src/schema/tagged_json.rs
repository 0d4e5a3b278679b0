//! Input values sent as JSON text with tags for what JSON cannot say.
//!
//! The npm wrapper sends its (already copied) input as one `JSON.stringify` string instead
//! of letting the wasm read every JS value one boundary crossing at a time, which cost
//! ~14 µs per value. JSON has no NaN, ±Infinity, `undefined`, bigint, function or symbol, so
//! the wrapper replaces those by a tag object `{"\u0000sealed-onnx": "<what>"}`:
//! `NaN`, `Infinity`, `-Infinity`, `undefined`, or `other:<description>` for a value that is
//! never a valid feature (reported with that description). A caller's own object with that
//! key is sent as `other:…` too, so no input can pass for a tag.

use serde_json::Value as Json;

use super::Value;

/// The key of a tag object.
pub const TAG: &str = "\u{0}sealed-onnx";

/// Batch → record/column → value: deeper than that nothing is a valid input (and the
/// wrapper's copy stops there too).
const MAX_DEPTH: usize = 3;

/// Parses the wrapper's tagged JSON into a [`Value`].
///
/// # Errors
/// The text is not JSON (the wrapper never sends such text; the message says so).
pub fn parse(text: &str) -> Result<Value, String> {
    let json: Json =
        serde_json::from_str(text).map_err(|e| format!("the input is not valid JSON: {e}"))?;
    Ok(convert(json, 0))
}

fn tag(object: &serde_json::Map<String, Json>) -> Option<Value> {
    if object.len() != 1 {
        return None;
    }
    let Json::String(what) = object.get(TAG)? else {
        return Some(Value::Other("an unreadable value".into()));
    };
    Some(match what.as_str() {
        "NaN" => Value::Number(f64::NAN),
        "Infinity" => Value::Number(f64::INFINITY),
        "-Infinity" => Value::Number(f64::NEG_INFINITY),
        "undefined" => Value::Null,
        other => Value::Other(
            other
                .strip_prefix("other:")
                .unwrap_or("an unreadable value")
                .to_string(),
        ),
    })
}

fn convert(json: Json, depth: usize) -> Value {
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(b),
        // Every JSON number the wrapper writes came from an f64, so this is exact.
        Json::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
        Json::String(s) => Value::String(s),
        Json::Object(o) => {
            if let Some(v) = tag(&o) {
                v
            } else if depth >= MAX_DEPTH {
                Value::Other("a nested structure".into())
            } else {
                Value::Object(
                    o.into_iter()
                        .map(|(k, v)| (k, convert(v, depth + 1)))
                        .collect(),
                )
            }
        }
        Json::Array(a) => {
            if depth >= MAX_DEPTH {
                Value::Other("a nested structure".into())
            } else {
                Value::Array(a.into_iter().map(|v| convert(v, depth + 1)).collect())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tagged(what: &str) -> String {
        serde_json::json!({ TAG: what }).to_string()
    }

    #[test]
    fn plain_json_maps_one_to_one() {
        let v = parse(r#"[{"a": 1.5, "b": "x", "c": true, "d": null}]"#).unwrap();
        assert_eq!(
            v,
            Value::Array(vec![Value::Object(vec![
                ("a".into(), Value::Number(1.5)),
                ("b".into(), Value::String("x".into())),
                ("c".into(), Value::Bool(true)),
                ("d".into(), Value::Null),
            ])])
        );
    }

    #[test]
    fn tags_carry_what_json_cannot() {
        let Value::Number(n) = parse(&tagged("NaN")).unwrap() else {
            panic!("NaN")
        };
        assert!(n.is_nan());
        assert_eq!(
            parse(&tagged("-Infinity")).unwrap(),
            Value::Number(f64::NEG_INFINITY)
        );
        assert_eq!(parse(&tagged("undefined")).unwrap(), Value::Null);
        assert_eq!(
            parse(&tagged("other:a bigint")).unwrap(),
            Value::Other("a bigint".into())
        );
        assert_eq!(
            parse(&tagged("made up")).unwrap(),
            Value::Other("an unreadable value".into())
        );
    }

    #[test]
    fn keys_keep_their_order_and_depth_is_bounded() {
        let Value::Object(o) = parse(r#"{"z": 1, "a": 2, "m": 3}"#).unwrap() else {
            panic!("object")
        };
        let keys: Vec<_> = o.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["z", "a", "m"]);
        assert_eq!(
            parse(r#"[{"a": [[1]]}]"#).unwrap(),
            Value::Array(vec![Value::Object(vec![(
                "a".into(),
                Value::Array(vec![Value::Other("a nested structure".into())])
            )])])
        );
    }

    #[test]
    fn numbers_round_trip_exactly() {
        for x in [
            0.1,
            1.0 / 3.0,
            5e-324,
            1.7976931348623157e308,
            9007199254740993.0,
        ] {
            let text = serde_json::to_string(&x).unwrap();
            assert_eq!(parse(&text).unwrap(), Value::Number(x), "{text}");
        }
        assert_eq!(
            parse("1152921504606846976").unwrap(),
            Value::Number(1152921504606846976.0)
        );
    }

    #[test]
    fn text_that_is_not_json_is_an_error() {
        assert!(parse("{").unwrap_err().contains("not valid JSON"));
    }
}
