//! The command line as a user drives it: keygen → pack → sign → verify → inspect → predict,
//! plus run and diff.

use crate::support::*;

#[test]
fn keygen_pack_sign_verify_predict() {
    let dir = tempdir();
    let (private, public) = keygen(dir.path(), "me");
    let bundle = pack("iris", dir.path());
    let b = bundle.to_str().unwrap();
    let p = public.to_str().unwrap();

    // Unsigned: a key cannot verify it, an explicit opt-in can load it.
    cli(["verify", b, "--public-key", p]).fails_with("bundle is not signed (no model.sig)");
    let out = cli(["verify", b, "--allow-unverified"]);
    assert!(out.ok().contains("UNVERIFIED"), "{}", out.stdout);
    cli(["verify", b]).fails_with("nothing to verify against");

    let signed = cli(["sign", b, "--key", private.to_str().unwrap()]);
    let fingerprint = signed.ok().split_whitespace().nth(4).unwrap().to_string();
    let verified = cli(["verify", b, "--public-key", p]);
    assert!(
        verified
            .ok()
            .contains(&format!("ok  signature by key {fingerprint}")),
        "{}",
        verified.stdout
    );
    assert!(verified.stdout.contains("ok  20/20 test vectors"));
    assert!(!verified.stdout.contains("UNVERIFIED"));

    let record =
        br#"{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}"#;
    let out = cli_stdin(
        ["predict", b, "--public-key", p, "--input", "-"],
        Some(record),
    );
    let json: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(json["predictions"]["label"], "setosa");
    assert_eq!(json["model"]["name"], "iris");
    assert_eq!(json["model"]["verified"], true);
    let probs = json["predictions"]["probabilities"].as_object().unwrap();
    assert_eq!(
        probs.keys().collect::<Vec<_>>(),
        ["setosa", "versicolor", "virginica"]
    );
    let sum: f64 = probs.values().map(|v| v.as_f64().unwrap()).sum();
    assert!((sum - 1.0).abs() < 1e-5);
}

#[test]
fn predict_csv_in_csv_out_and_integrity() {
    let bundle = repo("models/iris-1.0.0.sonnx");
    let b = bundle.to_str().unwrap();
    let sri = sealed_onnx::trust::sri_sha256(&std::fs::read(&bundle).unwrap());
    let csv =
        b"sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n";
    let out = cli_stdin(
        [
            "predict",
            b,
            "--integrity",
            &sri,
            "-i",
            "-",
            "--input-format",
            "csv",
            "--format",
            "csv",
        ],
        Some(csv),
    );
    let lines: Vec<&str> = out.ok().lines().collect();
    assert_eq!(
        lines[0],
        "row,label,p_setosa,p_versicolor,p_virginica,verified,digest,error"
    );
    assert!(lines[1].starts_with("1,setosa,"), "{}", lines[1]);
    assert!(lines[2].starts_with("2,virginica,"), "{}", lines[2]);
    for line in &lines[1..] {
        assert!(line.ends_with(&format!(",true,{sri},")), "{line}");
    }

    let wrong = format!("sha256-{}", "A".repeat(43) + "=");
    cli_stdin(
        [
            "predict",
            b,
            "--integrity",
            &wrong,
            "-i",
            "-",
            "--input-format",
            "csv",
        ],
        Some(csv),
    )
    .fails_with("integrity");
}

#[test]
fn predict_reports_every_schema_problem_with_its_path() {
    let b = repo("models/iris-1.0.0.sonnx");
    let rows = br#"[
        {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2},
        {"sepal_length": "5.1", "sepal_width": null, "petal_length": 1.4, "petal_width": 99},
        {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "colour": "red"}
    ]"#;
    let out = cli_stdin(
        [
            "predict".as_ref(),
            b.as_os_str(),
            "--public-key".as_ref(),
            demo_pub().as_os_str(),
            "-i".as_ref(),
            "-".as_ref(),
        ],
        Some(rows),
    );
    let err = out.fails_with("input does not match the model's schema (5 problems)");
    for needle in [
        "rows[1].sepal_length: expected a number from",
        "received \"5.1\" (wrong_type)",
        "rows[1].sepal_width: expected a number from 1.76 to 4.64 (cm), received null (null_not_allowed)",
        "rows[1].petal_width:",
        "(above_max)",
        "rows[2].colour: expected only the schema's features, received unknown feature \"colour\" (unknown_feature)",
        "rows[2].petal_width: expected a number from 0 to 2.74 (cm), received nothing (missing_feature)",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in\n{err}");
    }
    assert!(
        out.stdout.is_empty(),
        "nothing is predicted when the input is invalid"
    );
}

#[test]
fn inspect_shows_card_schema_sizes_digests_and_claimed_signer() {
    let b = repo("models/breast-cancer-1.0.0.sonnx");
    let out = cli(["inspect".as_ref(), b.as_os_str()]);
    let text = out.ok();
    for needle in [
        "breast-cancer 1.0.0  (sealed-onnx/1, created 2026-11-23T00:00:00Z)",
        "Intended use:",
        "framework  scikit-learn 1.9.1; converter skl2onnx 1.20.0",
        "Inputs (30 features, fed as one [N, 30] float32 tensor \"X\")",
        "mean_radius",
        "range: training data, widened by 10 % of its span on each side",
        "classes    malignant, benign",
        "test vectors: 20",
        "model.sig",
        "claims key 0ba99eb90346be6835b84a9fff9dfb375090e98bdc2147df85f074cc501d9a4f",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    let json: serde_json::Value =
        serde_json::from_str(cli(["inspect".as_ref(), b.as_os_str(), "--json".as_ref()]).ok())
            .unwrap();
    assert_eq!(json["manifest"]["name"], "breast-cancer");
    assert!(json["digest"].as_str().unwrap().starts_with("sha256-"));
    assert!(json["sizes"]["model.onnx"].as_u64().unwrap() > 0);
}

#[test]
fn run_executes_a_raw_onnx_file_on_json_tensors() {
    let model = repo("models/iris/model.onnx");
    let tensors = br#"{"X": {"dtype": "float32", "shape": [2, 4], "data": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}}"#;
    let out = cli_stdin(
        [
            "run".as_ref(),
            model.as_os_str(),
            "-i".as_ref(),
            "-".as_ref(),
        ],
        Some(tensors),
    );
    let json: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    assert_eq!(json["label"]["dtype"], "string");
    assert_eq!(
        json["label"]["data"],
        serde_json::json!(["setosa", "virginica"])
    );
    assert_eq!(json["probabilities"]["shape"], serde_json::json!([2, 3]));
    assert_eq!(
        json["probabilities"]["data"][0].as_array().unwrap().len(),
        3
    );

    // null is NaN in float data: the graph runs and NaN comes back as null.
    let nan = br#"{"X": {"dtype": "float32", "shape": [1, 4], "data": [5.1, null, 1.4, 0.2]}}"#;
    let out = cli_stdin(
        [
            "run".as_ref(),
            model.as_os_str(),
            "-i".as_ref(),
            "-".as_ref(),
        ],
        Some(nan),
    );
    let json: serde_json::Value = serde_json::from_str(out.ok()).unwrap();
    assert!(json["probabilities"]["data"][0][0].is_null());

    let bad = br#"{"X": {"dtype": "float32", "shape": [2, 4], "data": [1, 2, 3]}}"#;
    cli_stdin(
        [
            "run".as_ref(),
            model.as_os_str(),
            "-i".as_ref(),
            "-".as_ref(),
        ],
        Some(bad),
    )
    .fails_with("tensor \"X\": shape [2, 4] needs 8 elements but data has 3");
    let wrong_name = br#"{"Y": {"dtype": "float32", "shape": [1, 4], "data": [1, 2, 3, 4]}}"#;
    cli_stdin(
        [
            "run".as_ref(),
            model.as_os_str(),
            "-i".as_ref(),
            "-".as_ref(),
        ],
        Some(wrong_name),
    )
    .fails_with("the graph has no input \"Y\"");
}

/// Packs iris with extra metadata edits into `dir/<stem>.sonnx`.
fn pack_variant(
    dir: &std::path::Path,
    stem: &str,
    edit: impl Fn(&mut serde_json::Value),
) -> std::path::PathBuf {
    let mut meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo("models/iris/meta.json")).unwrap()).unwrap();
    edit(&mut meta);
    let meta_path = dir.join(format!("{stem}.meta.json"));
    std::fs::write(&meta_path, serde_json::to_vec(&meta).unwrap()).unwrap();
    let out = dir.join(format!("{stem}.sonnx"));
    let m = |f: &str| repo(&format!("models/iris/{f}"));
    pack_files(
        &m("model.onnx"),
        &meta_path,
        &m("train.csv"),
        &m("test_vectors.json"),
        &out,
    )
    .ok();
    out
}

#[test]
fn diff_classifies_changes_and_checks_the_version_bump() {
    let dir = tempdir();
    let old = repo("models/iris-1.0.0.sonnx");
    let same = cli(["diff".as_ref(), old.as_os_str(), old.as_os_str()]);
    same.fails_with("version 1.0.0 is not later than 1.0.0");
    assert!(same.stdout.contains("no interface changes"));

    let patch = pack_variant(dir.path(), "patch", |m| m["version"] = "1.0.1".into());
    assert!(cli(["diff".as_ref(), old.as_os_str(), patch.as_os_str()])
        .ok()
        .contains("version bump is consistent"));

    let narrow = |version: &'static str| {
        move |m: &mut serde_json::Value| {
            m["version"] = version.into();
            m["features"]["petal_width"]["min"] = 0.05.into();
        }
    };
    let minor = pack_variant(dir.path(), "minor", narrow("1.1.0"));
    let out = cli(["diff".as_ref(), old.as_os_str(), minor.as_os_str()]);
    out.fails_with("the interface has breaking changes but 1.0.0 → 1.1.0 is not a major bump; use 2.0.0 or later");
    assert!(
        out.stdout
            .contains("BREAKING inputs.petal_width.min: 0 became 0.05"),
        "{}",
        out.stdout
    );

    let major = pack_variant(dir.path(), "major", narrow("2.0.0"));
    let out = cli(["diff".as_ref(), old.as_os_str(), major.as_os_str()]);
    assert!(out.ok().contains("the change is breaking"));
}

#[test]
fn help_usage_errors_and_overwrite_protection() {
    let help = cli(["--help"]);
    for cmd in [
        "keygen", "pack", "sign", "verify", "inspect", "predict", "run", "diff",
    ] {
        assert!(help.ok().contains(cmd), "{cmd} missing from --help");
        assert_eq!(cli([cmd, "--help"]).code, 0, "{cmd} --help");
    }
    assert!(cli(["pack", "--help"]).stdout.contains("never its rows"));
    assert_eq!(cli(["frobnicate"]).code, 2);
    assert_eq!(cli(["verify"]).code, 2);

    let dir = tempdir();
    keygen(dir.path(), "k");
    let again = cli([
        "keygen".as_ref(),
        "--private-key".as_ref(),
        dir.path().join("k.pem").as_os_str(),
        "--public-key".as_ref(),
        dir.path().join("k.pub.pem").as_os_str(),
    ]);
    again.fails_with("already exists; pass --force to replace it");
}

#[cfg(unix)]
#[test]
fn keygen_writes_the_private_key_for_its_owner_only_and_never_replaces_it_silently() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    let (private, public) = keygen(dir.path(), "me");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&private), 0o600, "private key mode");
    assert_ne!(mode(&public) & 0o044, 0, "the public key stays readable");
    let before = std::fs::read(&private).unwrap();
    // Only the public half exists elsewhere: still refused, and the private key is untouched.
    std::fs::remove_file(&public).unwrap();
    let args = |force: bool| {
        let mut a = vec![
            "keygen".into(),
            "--private-key".into(),
            private.clone().into_os_string(),
            "--public-key".into(),
            public.clone().into_os_string(),
        ];
        if force {
            a.push("--force".into());
        }
        a
    };
    cli(args(false)).fails_with("me.pem already exists; pass --force");
    assert_eq!(std::fs::read(&private).unwrap(), before);
    assert!(!public.exists(), "nothing written when refusing");
    cli(args(true)).ok();
    assert_ne!(std::fs::read(&private).unwrap(), before);
    assert_eq!(mode(&private), 0o600, "replaced private key mode");
}

#[test]
fn pack_lists_every_metadata_problem_with_its_json_path() {
    let dir = tempdir();
    let m = |f: &str| repo(&format!("models/iris/{f}"));
    let out = dir.path().join("out.sonnx");
    let mut meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(m("meta.json")).unwrap()).unwrap();
    meta["training"]
        .as_object_mut()
        .unwrap()
        .remove("framework");
    meta["card"]["licence"] = "MIT".into();
    meta["version"] = 1.into();
    let text = serde_json::to_string_pretty(&meta).unwrap().replacen(
        "\"random_seed\": 42",
        "\"random_seed\": NaN",
        1,
    );
    let bad = dir.path().join("meta.json");
    std::fs::write(&bad, text).unwrap();
    let run = pack_files(
        &m("model.onnx"),
        &bad,
        &m("train.csv"),
        &m("test_vectors.json"),
        &out,
    );
    let err = run.fails_with("has 4 problems:");
    for want in [
        "NaN is not a JSON value: write null",
        "training.framework: missing (required)",
        "card.licence: unknown field (a typo?) `licence`",
        "version: invalid type: integer `1`, expected a string",
    ] {
        assert!(err.contains(want), "{want:?} not in {err}");
    }
    assert!(!out.exists());

    // Test vectors: an integer label names which field and what to write.
    let mut tv: serde_json::Value =
        serde_json::from_slice(&std::fs::read(m("test_vectors.json")).unwrap()).unwrap();
    tv["cases"][2]["expected"]["label"] = 0.into();
    let bad_tv = dir.path().join("tv.json");
    std::fs::write(&bad_tv, serde_json::to_vec(&tv).unwrap()).unwrap();
    let run = pack_files(
        &m("model.onnx"),
        &m("meta.json"),
        &m("train.csv"),
        &bad_tv,
        &out,
    );
    run.fails_with("cases[2].expected.label: invalid type: integer `0`, expected a string (a test vector's label is a class name from outputs.class_names, as a string");
}

#[test]
fn pack_refuses_unusable_inputs_and_writes_nothing() {
    let dir = tempdir();
    let m = |f: &str| repo(&format!("models/iris/{f}"));
    let out = dir.path().join("out.sonnx");
    let pack_with = |train: &std::path::Path, meta: &std::path::Path| {
        pack_files(&m("model.onnx"), meta, train, &m("test_vectors.json"), &out)
    };
    let only_target = dir.path().join("target.csv");
    std::fs::write(&only_target, "species\nsetosa\n").unwrap();
    let mut bare: serde_json::Value =
        serde_json::from_slice(&std::fs::read(m("meta.json")).unwrap()).unwrap();
    bare["features"] = serde_json::json!({});
    bare["target"] = "species".into();
    let bare_meta = dir.path().join("bare.json");
    std::fs::write(&bare_meta, serde_json::to_vec(&bare).unwrap()).unwrap();
    pack_with(&only_target, &bare_meta).fails_with("has no feature columns besides the target");

    let empty_column = dir.path().join("empty.csv");
    let csv = std::fs::read_to_string(m("train.csv")).unwrap();
    let blanked: String = csv
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l}\n")
            } else {
                format!(",{}\n", l.split_once(',').unwrap().1)
            }
        })
        .collect();
    std::fs::write(&empty_column, blanked).unwrap();
    pack_with(&empty_column, &m("meta.json"))
        .fails_with("column \"sepal_length\" of the training CSV has no values");

    let typo = dir.path().join("typo.json");
    let mut meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(m("meta.json")).unwrap()).unwrap();
    meta["card"]["licence"] = "MIT".into();
    std::fs::write(&typo, serde_json::to_vec(&meta).unwrap()).unwrap();
    pack_with(&m("train.csv"), &typo).fails_with("card.licence: unknown field (a typo?) `licence`");

    let wrong_vectors = dir.path().join("tv.json");
    let mut tv: serde_json::Value =
        serde_json::from_slice(&std::fs::read(m("test_vectors.json")).unwrap()).unwrap();
    tv["cases"][3]["expected"]["label"] = "virginica".into();
    tv["cases"][3]["expected"]
        .as_object_mut()
        .unwrap()
        .remove("probabilities");
    std::fs::write(&wrong_vectors, serde_json::to_vec(&tv).unwrap()).unwrap();
    let failed = pack_files(
        &m("model.onnx"),
        &m("meta.json"),
        &m("train.csv"),
        &wrong_vectors,
        &out,
    );
    failed.fails_with("test vector 3 failed: label expected \"virginica\", got \"versicolor\"");
    assert!(
        !dir.path().join("out.sonnx").exists(),
        "nothing is written when pack fails"
    );
}
