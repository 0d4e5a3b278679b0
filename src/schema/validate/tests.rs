use super::*;

fn feature(name: &str, kind: FeatureType) -> Feature {
    Feature {
        name: name.into(),
        kind,
        min: None,
        max: None,
        range_source: None,
        categories: None,
        max_length: None,
        nullable: false,
        missing: None,
        unit: None,
        description: None,
    }
}

fn schema() -> Vec<Feature> {
    vec![
        Feature {
            min: Some(0.1),
            max: Some(2.5),
            unit: Some("cm".into()),
            ..feature("petal_width", FeatureType::Float)
        },
        feature("count", FeatureType::Integer),
        feature("smoker", FeatureType::Boolean),
        Feature {
            categories: Some(vec!["red".into(), "blue".into()]),
            ..feature("colour", FeatureType::String)
        },
        Feature {
            nullable: true,
            ..feature("income", FeatureType::Float)
        },
    ]
}

fn json(v: serde_json::Value) -> Value {
    Value::from(v)
}

fn issues(input: Value) -> Vec<(String, &'static str)> {
    validate(&schema(), &input, Options::default())
        .unwrap_err()
        .issues
        .into_iter()
        .map(|i| (i.path, i.code.as_str()))
        .collect()
}

#[test]
fn valid_record_with_int_to_float_and_null() {
    let b = validate(
        &schema(),
        &json(serde_json::json!({"petal_width": 1, "count": 3, "smoker": true, "colour": "red", "income": null})),
        Options::default(),
    )
    .unwrap();
    assert_eq!(b.rows, 1);
    assert_eq!(b.shape, Shape::Record);
    assert_eq!(b.columns[0], vec![Cell::Number(1.0)]);
    assert_eq!(b.columns[4], vec![Cell::Missing]);
}

#[test]
fn every_problem_in_a_batch_is_reported_with_its_path() {
    let got = issues(json(serde_json::json!([
        {"petal_width": 1.0, "count": 3, "smoker": false, "colour": "red", "income": 1.0},
        {"petal_width": "1.0", "count": 2.5, "smoker": 1, "colour": "green", "income": 1.0, "extra": 1},
        {"petal_width": 9.0, "count": null, "smoker": true, "colour": "blue"},
        7
    ])));
    assert_eq!(
        got,
        vec![
            ("rows[1].extra".into(), "unknown_feature"),
            ("rows[1].petal_width".into(), "wrong_type"),
            ("rows[1].count".into(), "not_an_integer"),
            ("rows[1].smoker".into(), "wrong_type"),
            ("rows[1].colour".into(), "unknown_category"),
            ("rows[2].petal_width".into(), "above_max"),
            ("rows[2].count".into(), "null_not_allowed"),
            ("rows[2].income".into(), "missing_feature"),
            ("rows[3]".into(), "not_a_record"),
        ]
    );
}

#[test]
fn nan_and_infinity_are_rejected_unless_nullable() {
    let mut fields = vec![
        ("petal_width".to_string(), Value::Number(f64::NAN)),
        ("count".to_string(), Value::Number(f64::INFINITY)),
        ("smoker".to_string(), Value::Bool(true)),
        ("colour".to_string(), Value::String("red".into())),
        ("income".to_string(), Value::Number(f64::NAN)),
    ];
    let got = issues(Value::Object(fields.clone()));
    assert_eq!(
        got,
        vec![
            ("petal_width".into(), "not_finite"),
            ("count".into(), "not_finite")
        ]
    );
    fields[0].1 = Value::Number(0.2);
    fields[1].1 = Value::Number(1.0);
    let b = validate(&schema(), &Value::Object(fields), Options::default()).unwrap();
    assert_eq!(
        b.columns[4],
        vec![Cell::Missing],
        "NaN in a nullable feature means missing"
    );
}

#[test]
fn columns_input_and_length_mismatch() {
    let ok = json(serde_json::json!({
        "petal_width": [0.2, 0.3], "count": [1, 2], "smoker": [true, false],
        "colour": ["red", "blue"], "income": [null, 5.0]
    }));
    let b = validate(&schema(), &ok, Options::default()).unwrap();
    assert_eq!((b.rows, b.shape), (2, Shape::Columns));
    let bad = json(serde_json::json!({
        "petal_width": [0.2, 0.3], "count": [1], "smoker": [true, false],
        "colour": ["red", "purple"], "income": [null, 5.0]
    }));
    assert_eq!(
        issues(bad),
        vec![
            ("count".into(), "column_length"),
            ("colour[1]".into(), "unknown_category")
        ]
    );
}

#[test]
fn unknown_features_can_be_allowed() {
    let input = json(
        serde_json::json!({"petal_width": 1, "count": 3, "smoker": true, "colour": "red", "income": 2, "id": "x"}),
    );
    assert!(validate(&schema(), &input, Options::default()).is_err());
    let options = Options {
        allow_unknown_features: true,
    };
    assert!(validate(&schema(), &input, options).is_ok());
}

#[test]
fn messages_say_what_was_expected_and_received() {
    let err = validate(&schema(), &json(serde_json::json!([{"petal_width": 3, "count": 1, "smoker": true, "colour": "red", "income": 1}])), Options::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "input does not match the model's schema (1 problem):\n  rows[0].petal_width: expected a number from 0.1 to 2.5 (cm), received 3 (above_max)"
    );
}

#[test]
fn a_scalar_is_not_a_batch() {
    assert_eq!(
        issues(Value::Number(1.0)),
        vec![(String::new(), "not_a_batch")]
    );
}

#[test]
fn a_text_is_any_string_up_to_its_max_length() {
    let f = Feature {
        max_length: Some(5),
        ..feature("review", FeatureType::Text)
    };
    assert!(check(&f, &Value::String("".into())).is_ok());
    assert!(
        check(&f, &Value::String("ßßßßß".into())).is_ok(),
        "characters, not bytes"
    );
    assert_eq!(
        check(&f, &Value::String("abcdef".into())),
        Err(IssueCode::TooLong)
    );
    assert_eq!(check(&f, &Value::Number(1.0)), Err(IssueCode::WrongType));
    assert_eq!(expectation(&f), "a text of at most 5 characters");
}
