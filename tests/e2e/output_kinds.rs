//! Models that predict more than one label or one value per row, through the real CLI: the
//! skl2onnx exports in `tests/data/output_kinds/` (made by
//! `tests/data/make_output_kinds.py`, whose `meta.json` files have no `outputs`) are packed
//! with what `pack` infers or is told with `--task`, then every held-out row is predicted
//! with `sealed-onnx predict` (JSON and CSV) and compared with scikit-learn: cluster indices
//! and outlier flags exact, numbers within the recorded tolerance. The dense network of
//! issue 15 (4 × MatMul 512×512 + Relu) is made at run time by the same script.

use std::path::{Path, PathBuf};

use sealed_onnx::bundle::manifest::{Expected, TestVectors, Tolerance};
use serde_json::Value;

use crate::hostile::python;
use crate::support::*;

fn case_dir(case: &str) -> PathBuf {
    repo(&format!("tests/data/output_kinds/{case}"))
}

/// Packs the files of `src` with `extra` flags; returns the bundle and pack's run.
fn pack_with(src: &Path, dir: &Path, extra: &[&str]) -> (PathBuf, Run) {
    let name = src.file_name().unwrap().to_string_lossy().to_string();
    let out = dir.join(format!("{name}.sonnx"));
    let run = pack_dir(src, &out, extra);
    (out, run)
}

fn outputs_of(bundle: &Path) -> Value {
    let run = cli(["inspect".as_ref(), bundle.as_os_str(), "--json".as_ref()]);
    let json: Value = serde_json::from_str(run.ok()).expect("inspect --json prints JSON");
    json["manifest"]["outputs"].clone()
}

fn holdout(src: &Path) -> TestVectors {
    serde_json::from_slice(&std::fs::read(src.join("holdout.json")).expect("holdout.json"))
        .expect("holdout.json is a test-vector document")
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

fn close_all(what: &str, tol: Tolerance, expected: &[f64], got: &[f64]) {
    assert_eq!(expected.len(), got.len(), "{what}: length");
    for (i, (e, g)) in expected.iter().zip(got).enumerate() {
        assert!(
            tol.accepts(*e, *g),
            "{what}[{i}]: expected {e}, got {g} ({tol:?})"
        );
    }
}

/// One JSON prediction against scikit-learn's expected parts.
fn check_row(what: &str, tol: Tolerance, e: &Expected, got: &Value) {
    if let Some(values) = &e.values {
        let got = got["values"].as_object().expect("values");
        assert_eq!(got.len(), values.len(), "{what}: targets");
        for (t, v) in values {
            close_all(
                &format!("{what}.{t}"),
                tol,
                &[*v],
                &[got[t].as_f64().unwrap()],
            );
        }
    }
    if let Some(v) = &e.vector {
        close_all(&format!("{what}.vector"), tol, v, &numbers(&got["vector"]));
    }
    if let Some(c) = e.cluster {
        assert_eq!(got["cluster"].as_u64(), Some(c), "{what}: cluster");
    }
    if let Some(d) = &e.distances {
        close_all(
            &format!("{what}.distances"),
            tol,
            d,
            &numbers(&got["distances"]),
        );
    }
    if let Some(o) = e.outlier {
        assert_eq!(got["outlier"].as_bool(), Some(o), "{what}: outlier");
    }
    if let Some(s) = e.score {
        close_all(
            &format!("{what}.score"),
            tol,
            &[s],
            &[got["score"].as_f64().unwrap()],
        );
    }
}

/// Packs a case, predicts its held-out rows as JSON and as CSV, checks both; returns the
/// bundle and the CSV output's header.
fn pack_and_predict(src: &Path, dir: &Path, flags: &[&str]) -> (PathBuf, Vec<String>) {
    let case = src.file_name().unwrap().to_string_lossy().to_string();
    let (bundle, packed) = pack_with(src, dir, flags);
    let stdout = packed.ok();
    assert!(
        stdout.contains("10/10 test vectors pass"),
        "{case}: {stdout}"
    );
    let h = holdout(src);
    let rows: Vec<Value> = h
        .cases
        .iter()
        .map(|c| serde_json::to_value(&c.input).unwrap())
        .collect();
    let input = serde_json::to_vec(&rows).unwrap();
    let predict = |format: &str| {
        cli_stdin(
            [
                "predict".as_ref(),
                bundle.as_os_str(),
                "--allow-unverified".as_ref(),
                "--input".as_ref(),
                "-".as_ref(),
                "--format".as_ref(),
                format.as_ref(),
            ],
            Some(&input),
        )
    };
    let json = predict("json");
    let out: Value = serde_json::from_str(json.ok()).unwrap();
    let got = out["predictions"]
        .as_array()
        .expect("one prediction per row");
    assert_eq!(got.len(), h.cases.len(), "{case}: rows");
    for (i, (c, g)) in h.cases.iter().zip(got).enumerate() {
        check_row(&format!("{case} row {i}"), h.tolerance, &c.expected, g);
    }

    let csv = predict("csv");
    let mut reader = csv::Reader::from_reader(csv.ok().as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), h.cases.len(), "{case}: CSV rows");
    // The CSV holds the same numbers as the JSON, column by column.
    for (r, g) in records.iter().zip(got) {
        let cell = |name: &str| {
            r.get(header.iter().position(|h| h == name).unwrap())
                .unwrap()
        };
        if let Some(v) = g.get("vector") {
            for (k, x) in numbers(v).iter().enumerate() {
                let c: f64 = cell(&format!("vector_{k}")).parse().unwrap();
                assert_eq!(c, *x, "{case}: CSV vector_{k}");
            }
        }
        if let Some(c) = g.get("cluster") {
            assert_eq!(cell("cluster"), c.to_string(), "{case}: CSV cluster");
        }
        if let Some(o) = g.get("outlier") {
            assert_eq!(cell("outlier"), o.to_string(), "{case}: CSV outlier");
            let s: f64 = cell("score").parse().unwrap();
            assert_eq!(s, g["score"].as_f64().unwrap(), "{case}: CSV score");
        }
        if let Some(values) = g.get("values").and_then(Value::as_object) {
            for (t, v) in values {
                let c: f64 = cell(&format!("value_{t}")).parse().unwrap();
                assert_eq!(c, v.as_f64().unwrap(), "{case}: CSV value_{t}");
            }
        }
        assert_eq!(cell("verified"), "false");
    }
    (bundle, header)
}

#[test]
fn multi_output_regression_needs_the_task_and_names_its_values_by_the_targets() {
    let dir = tempdir();
    let src = case_dir("multioutput");
    let (_, refused) = pack_with(&src, dir.path(), &[]);
    let msg = refused.fails_with("--task regression");
    assert!(
        msg.contains("3 numbers per row") && msg.contains("--task transform"),
        "{msg}"
    );
    let (bundle, header) = pack_and_predict(&src, dir.path(), &["--task", "regression"]);
    let o = outputs_of(&bundle);
    assert_eq!(o["task"], "regression");
    assert_eq!(o["value_names"], serde_json::json!(["t0", "t1", "t2"]));
    assert_eq!(header[1..4], ["value_t0", "value_t1", "value_t2"]);
    // --value-names overrides the target names, and must fit the output.
    let (_, wrong) = pack_with(
        &src,
        dir.path(),
        &["--task", "regression", "--value-names", "a,b"],
    );
    wrong.fails_with("--value-names gives 2 names but output \"variable\"");
}

#[test]
fn pca_packs_as_a_transform_with_its_dimension() {
    let dir = tempdir();
    let (bundle, header) = pack_and_predict(&case_dir("pca"), dir.path(), &["--task", "transform"]);
    let o = outputs_of(&bundle);
    assert_eq!(
        (o["task"].as_str(), o["dimension"].as_u64()),
        (Some("transform"), Some(3))
    );
    assert_eq!(header[1..4], ["vector_0", "vector_1", "vector_2"]);
}

#[test]
fn kmeans_is_inferred_as_clustering_with_distances() {
    let dir = tempdir();
    let (bundle, header) = pack_and_predict(&case_dir("kmeans"), dir.path(), &[]);
    let o = outputs_of(&bundle);
    assert_eq!(o["task"], "clustering");
    assert_eq!(
        (o["label"].as_str(), o["distances"].as_str()),
        (Some("label"), Some("scores"))
    );
    assert_eq!(o["clusters"], 3);
    assert_eq!(
        header[1..5],
        ["cluster", "distance_0", "distance_1", "distance_2"]
    );
    let inspect = cli(["inspect".as_ref(), bundle.as_os_str()]);
    assert!(
        inspect
            .ok()
            .contains("clusters   3, with the distance to each"),
        "{}",
        inspect.stdout
    );
}

#[test]
fn isolation_forest_and_lof_are_inferred_as_outlier_detectors() {
    let dir = tempdir();
    for case in ["isolationforest", "lof"] {
        let (bundle, header) = pack_and_predict(&case_dir(case), dir.path(), &[]);
        let o = outputs_of(&bundle);
        assert_eq!(o["task"], "outlier", "{case}");
        assert_eq!(
            (o["label"].as_str(), o["score"].as_str()),
            (Some("label"), Some("scores"))
        );
        assert_eq!(header[1..3], ["outlier", "score"], "{case}");
        // Some held-out rows are outliers, some are not.
        let h = holdout(&case_dir(case));
        let flags: Vec<bool> = h.cases.iter().filter_map(|c| c.expected.outlier).collect();
        assert!(flags.contains(&true) && flags.contains(&false), "{case}");
    }
}

#[test]
fn a_wrong_expected_vector_or_cluster_fails_the_test_vectors() {
    let dir = tempdir();
    for (case, flags, edit) in [
        ("pca", &["--task", "transform"][..], "vector"),
        ("kmeans", &[][..], "cluster"),
        ("lof", &[][..], "outlier"),
    ] {
        let src = case_dir(case);
        let work = dir.path().join(case);
        std::fs::create_dir_all(&work).unwrap();
        for f in ["model.onnx", "meta.json", "train.csv"] {
            std::fs::copy(src.join(f), work.join(f)).unwrap();
        }
        let mut tv: Value =
            serde_json::from_slice(&std::fs::read(src.join("test_vectors.json")).unwrap()).unwrap();
        let e = &mut tv["cases"][0]["expected"];
        let want = match edit {
            "vector" => {
                e["vector"][1] = (e["vector"][1].as_f64().unwrap() + 0.5).into();
                "vector[1] expected"
            }
            "cluster" => {
                e["cluster"] = ((e["cluster"].as_u64().unwrap() + 1) % 3).into();
                "cluster expected"
            }
            _ => {
                e["outlier"] = (!e["outlier"].as_bool().unwrap()).into();
                "outlier expected"
            }
        };
        std::fs::write(
            work.join("test_vectors.json"),
            serde_json::to_vec(&tv).unwrap(),
        )
        .unwrap();
        let (_, run) = pack_with(&work, &work, flags);
        run.fails_with(want);
    }
}

#[test]
fn diff_calls_a_change_of_output_kind_breaking() {
    let dir = tempdir();
    let (pca, _) = pack_with(&case_dir("pca"), dir.path(), &["--task", "transform"]);
    // The same graph read as a regression with three targets (no test vectors: they are
    // vectors), version 2.0.0.
    let src = case_dir("pca");
    let work = dir.path().join("as-regression");
    std::fs::create_dir_all(&work).unwrap();
    for f in ["model.onnx", "train.csv"] {
        std::fs::copy(src.join(f), work.join(f)).unwrap();
    }
    let mut meta: Value =
        serde_json::from_slice(&std::fs::read(src.join("meta.json")).unwrap()).unwrap();
    meta["version"] = "1.1.0".into();
    std::fs::write(work.join("meta.json"), serde_json::to_vec(&meta).unwrap()).unwrap();
    let empty = serde_json::json!({"tolerance": {"relative": 1e-5, "absolute": 1e-6}, "cases": []});
    std::fs::write(
        work.join("test_vectors.json"),
        serde_json::to_vec(&empty).unwrap(),
    )
    .unwrap();
    let (as_regression, packed) = pack_with(&work, &work, &["--task", "regression"]);
    packed.ok();
    let run = cli(["diff".as_ref(), pca.as_os_str(), as_regression.as_os_str()]);
    let out = format!("{}{}", run.stdout, run.stderr);
    assert!(
        out.contains("outputs.task") && out.contains("transform became regression"),
        "{out}"
    );
    assert!(out.contains("BREAKING"), "{out}");
    assert_eq!(run.code, 1, "a breaking change with a minor bump: {out}");
}

#[test]
fn the_dense_network_of_issue_15_packs_as_a_transform_and_predicts() {
    let Some(python) = python() else { return };
    let dir = tempdir();
    let src = dir.path().join("dense");
    let made = std::process::Command::new(python)
        .arg(repo("tests/data/make_output_kinds.py"))
        .arg("--dense")
        .arg(&src)
        .output()
        .expect("runs make_output_kinds.py --dense");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let (_, refused) = pack_with(&src, dir.path(), &[]);
    refused.fails_with("has 512 numbers per row");
    let (bundle, header) = pack_and_predict(&src, dir.path(), &["--task", "transform"]);
    assert_eq!(outputs_of(&bundle)["dimension"], 512);
    assert_eq!(header.len(), 1 + 512 + 3);
}

/// The committed `tests/data/output_kinds/<case>/<case>-1.0.0.sonnx` (unsigned; the npm
/// package's tests load them) are exactly what `pack` builds from the files next to them.
/// Rebuild one with, in its folder: `sealed-onnx pack --model model.onnx --meta meta.json
/// --train train.csv --test-vectors test_vectors.json --created 2026-12-01T00:00:00Z
/// [--task regression|transform] --out <case>-1.0.0.sonnx --force`.
#[test]
fn committed_output_kind_bundles_are_what_pack_builds() {
    let dir = tempdir();
    for (case, flags) in [
        ("multioutput", &["--task", "regression"][..]),
        ("pca", &["--task", "transform"][..]),
        ("kmeans", &[][..]),
        ("isolationforest", &[][..]),
        ("lof", &[][..]),
    ] {
        let src = case_dir(case);
        let mut args = vec!["--created", "2026-12-01T00:00:00Z"];
        args.extend_from_slice(flags);
        let (out, run) = pack_with(&src, dir.path(), &args);
        run.ok();
        assert!(
            std::fs::read(&out).unwrap()
                == std::fs::read(src.join(format!("{case}-1.0.0.sonnx"))).unwrap(),
            "tests/data/output_kinds/{case}/{case}-1.0.0.sonnx is stale: rebuild it (see this test)"
        );
    }
}

#[test]
fn a_dimension_the_graph_does_not_have_is_refused_at_load() {
    let dir = tempdir();
    let src = case_dir("pca");
    let work = dir.path().join("pca");
    std::fs::create_dir_all(&work).unwrap();
    for f in ["model.onnx", "train.csv"] {
        std::fs::copy(src.join(f), work.join(f)).unwrap();
    }
    let mut meta: Value =
        serde_json::from_slice(&std::fs::read(src.join("meta.json")).unwrap()).unwrap();
    meta["outputs"] =
        serde_json::json!({"task": "transform", "vector": "variable", "dimension": 4});
    std::fs::write(work.join("meta.json"), serde_json::to_vec(&meta).unwrap()).unwrap();
    let empty = serde_json::json!({"tolerance": {"relative": 1e-5, "absolute": 1e-6}, "cases": []});
    std::fs::write(
        work.join("test_vectors.json"),
        serde_json::to_vec(&empty).unwrap(),
    )
    .unwrap();
    let (_, run) = pack_with(&work, &work, &[]);
    run.fails_with("output \"variable\" has 3 numbers per row, but outputs.dimension is 4");
}
