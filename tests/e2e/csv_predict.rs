//! `predict` on CSV as the demo page treats it: non-feature columns ignored, a missing column
//! said once, bad rows listed while good rows are predicted (`--strict`: all or nothing), the
//! exit code saying whether any row failed; every row marked verified or not, with the digest.

use crate::support::*;

const HEADER: &str = "sepal_length,sepal_width,petal_length,petal_width";

fn iris() -> String {
    repo("models/iris-1.0.0.sonnx")
        .to_str()
        .unwrap()
        .to_string()
}

fn iris_sri() -> String {
    sealed_onnx::trust::sri_sha256(&std::fs::read(repo("models/iris-1.0.0.sonnx")).unwrap())
}

/// `predict iris --input - --input-format csv` with extra arguments.
fn predict_csv(csv: &str, extra: &[&str]) -> Run {
    let bundle = iris();
    let mut args = vec![
        "predict",
        bundle.as_str(),
        "-i",
        "-",
        "--input-format",
        "csv",
    ];
    args.extend_from_slice(extra);
    cli_stdin(args, Some(csv.as_bytes()))
}

#[test]
fn unverified_csv_rows_say_so_and_name_the_digest() {
    let csv = format!("{HEADER}\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n");
    let out = predict_csv(&csv, &["--allow-unverified", "--format", "csv"]);
    let lines: Vec<&str> = out.ok().lines().collect();
    assert_eq!(lines.len(), 3);
    let header: Vec<&str> = lines[0].split(',').collect();
    let verified = header.iter().position(|h| *h == "verified").unwrap();
    let digest = header.iter().position(|h| *h == "digest").unwrap();
    for line in &lines[1..] {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[verified], "false", "{line}");
        assert_eq!(cells[digest], iris_sri(), "{line}");
    }
    assert!(out.stderr.contains("UNVERIFIED"), "{}", out.stderr);
}

#[test]
fn target_column_ignored_bad_rows_listed_good_rows_predicted() {
    let csv = format!(
        "{HEADER},species\n5.1,3.5,1.4,0.2,setosa\n5.0,3.1,x,0.2,setosa\n6.7,3.0,5.2,2.3,virginica\n1,2\n"
    );
    let out = predict_csv(
        &csv,
        &[
            "--public-key",
            demo_pub().to_str().unwrap(),
            "--format",
            "csv",
        ],
    );
    // A row failed: exit 1, but the good rows are predicted.
    let err = out.fails_with("2 rows of standard input not predicted:");
    assert!(
        err.contains("note: ignoring column \"species\" of standard input: not model inputs"),
        "{err}"
    );
    // (The range in the message is the bundle's own; only its shape is pinned here.)
    let row2 = err
        .lines()
        .find(|l| l.starts_with("  row 2 (line 3): petal_length: expected a number from "))
        .unwrap_or_else(|| panic!("row 2 listed:\n{err}"));
    assert!(
        row2.ends_with(" (cm), received \"x\" (wrong_type)"),
        "{row2}"
    );
    assert!(
        err.contains("  row 4 (line 5): 2 cells, the header has 5"),
        "{err}"
    );
    assert!(!err.contains("unknown_feature"), "{err}");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        5,
        "header + one line per input row:\n{}",
        out.stdout
    );
    assert!(lines[1].starts_with("1,setosa,"), "{}", lines[1]);
    assert!(lines[2].starts_with("2,,"), "{}", lines[2]);
    assert!(
        lines[2].ends_with("received \"\"x\"\" (wrong_type)\""),
        "{}",
        lines[2]
    );
    assert!(lines[3].starts_with("3,virginica,"), "{}", lines[3]);
    assert!(
        lines[4].ends_with(",\"2 cells, the header has 5\""),
        "{}",
        lines[4]
    );

    // --strict: nothing predicted.
    let strict = predict_csv(&csv, &["--allow-unverified", "--strict"]);
    strict.fails_with("--strict: nothing predicted because 2 row(s) have problems");
    assert!(strict.stdout.is_empty(), "{}", strict.stdout);

    // All rows good: exit 0, the target column still ignored.
    let good = format!("{HEADER},species\n5.1,3.5,1.4,0.2,setosa\n");
    let json: serde_json::Value =
        serde_json::from_str(predict_csv(&good, &["--allow-unverified"]).ok()).unwrap();
    assert_eq!(json["predictions"][0]["label"], "setosa");
    assert_eq!(json["model"]["verified"], false);
}

#[test]
fn a_missing_column_is_one_message_not_one_per_row() {
    let mut csv = "sepal_length,sepal_width,petal_length\n".to_string();
    for _ in 0..480 {
        csv.push_str("5.1,3.5,1.4\n");
    }
    let out = predict_csv(&csv, &["--allow-unverified"]);
    let err = out.fails_with("standard input has no column \"petal_width\": the model needs every feature (\"sepal_length\", \"sepal_width\", \"petal_length\", \"petal_width\"); add it (empty cells for missing values)");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn semicolon_and_pandas_index_files_are_named_for_what_they_are() {
    let semi = "sepal_length;sepal_width;petal_length;petal_width\n5.1;3.5;1.4;0.2\n";
    predict_csv(semi, &["--allow-unverified"]).fails_with(
        "standard input is separated by semicolons (;), not commas: save it as comma-separated CSV",
    );
    let indexed = format!(",{HEADER}\n0,5.1,3.5,1.4,0.2\n1,6.7,3.0,5.2,2.3\n");
    predict_csv(&indexed, &["--allow-unverified"]).fails_with(
        "starts with a column without a name: that is the pandas index (DataFrame.to_csv writes it by default); write the file with df.to_csv(path, index=False)",
    );

    // pack reads train.csv with the same reader.
    let dir = tempdir();
    let train = dir.path().join("train.csv");
    let original = std::fs::read_to_string(repo("models/iris/train.csv")).unwrap();
    let with_index: String = original
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!(",{l}\n")
            } else {
                format!("{},{l}\n", i - 1)
            }
        })
        .collect();
    std::fs::write(&train, with_index).unwrap();
    let m = |f: &str| repo(&format!("models/iris/{f}"));
    pack_files(
        &m("model.onnx"),
        &m("meta.json"),
        &train,
        &m("test_vectors.json"),
        &dir.path().join("x.sonnx"),
    )
    .fails_with("that is the pandas index");
}

#[test]
fn refusals_name_the_way_out_and_say_their_cause_once() {
    let bundle = iris();
    let out = cli(["verify", bundle.as_str()]);
    out.fails_with("--allow-unverified");
    let out = predict_csv(&format!("{HEADER}\n5.1,3.5,1.4,0.2\n"), &[]);
    out.fails_with("--allow-unverified");

    let dir = tempdir();
    let (_, other) = keygen(dir.path(), "other");
    let out = cli([
        "verify",
        bundle.as_str(),
        "--public-key",
        other.to_str().unwrap(),
    ]);
    let err = out.fails_with("signed by a different key: its fingerprint is ");
    assert_eq!(err.matches("signed by a different key").count(), 1, "{err}");
    let wrong = format!("sha256-{}", "A".repeat(43) + "=");
    let out = cli(["verify", bundle.as_str(), "--integrity", &wrong]);
    let err = out.fails_with("integrity mismatch");
    assert_eq!(err.matches("integrity mismatch").count(), 1, "{err}");
}

#[test]
fn a_schema_error_for_a_big_batch_is_summarised() {
    let rows: Vec<serde_json::Value> = (0..5000)
        .map(|_| serde_json::json!({"sepal_length": "a", "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}))
        .collect();
    let bundle = iris();
    let out = cli_stdin(
        ["predict", bundle.as_str(), "--allow-unverified", "-i", "-"],
        Some(serde_json::to_string(&rows).unwrap().as_bytes()),
    );
    let err = out.fails_with("(5000 problems)");
    assert!(err.lines().count() <= 102, "{} lines", err.lines().count());
    assert!(
        err.contains("…and 4900 more; all 5000 by code: 5000 wrong_type"),
        "{err}"
    );
}
