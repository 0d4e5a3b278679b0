//! Every kind of bad bundle is refused with its own clear error, exit code 1, and no panic.

use std::path::{Path, PathBuf};

use crate::support::*;

fn verify_with_key(path: &Path) -> Run {
    cli([
        "verify".as_ref(),
        path.as_os_str(),
        "--public-key".as_ref(),
        demo_pub().as_os_str(),
    ])
}

fn verify_unverified(path: &Path) -> Run {
    cli([
        "verify".as_ref(),
        path.as_os_str(),
        "--allow-unverified".as_ref(),
    ])
}

/// A copy of the signed iris bundle with its entries edited.
fn edited(dir: &Path, name: &str, edit: impl Fn(&mut Vec<(String, Vec<u8>)>)) -> PathBuf {
    let mut e = entries(&repo("models/iris-1.0.0.sonnx"));
    edit(&mut e);
    let path = dir.join(name);
    write_entries(&path, &e);
    path
}

fn entry<'a>(e: &'a mut [(String, Vec<u8>)], name: &str) -> &'a mut Vec<u8> {
    &mut e.iter_mut().find(|(n, _)| n == name).expect(name).1
}

fn edit_manifest(e: &mut [(String, Vec<u8>)], f: impl Fn(&mut serde_json::Value)) {
    let m = entry(e, "manifest.json");
    let mut v: serde_json::Value = serde_json::from_slice(m).unwrap();
    f(&mut v);
    *m = serde_json::to_vec_pretty(&v).unwrap();
}

#[test]
fn container_damage() {
    let dir = tempdir();
    let good = std::fs::read(repo("models/iris-1.0.0.sonnx")).unwrap();
    let truncated = dir.path().join("truncated.sonnx");
    std::fs::write(&truncated, &good[..good.len() / 2]).unwrap();
    verify_with_key(&truncated).fails_with("not a zip archive");

    let cut_directory = dir.path().join("cut.sonnx");
    let mut bytes = good.clone();
    let n = bytes.len();
    bytes.drain(n - 40..n - 22); // a slice of the central directory, keeping the end record
    std::fs::write(&cut_directory, &bytes).unwrap();
    let out = verify_with_key(&cut_directory);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("zip archive is"), "{}", out.stderr);

    let garbage = dir.path().join("garbage.sonnx");
    std::fs::write(&garbage, b"this is not a bundle").unwrap();
    verify_with_key(&garbage).fails_with("not a zip archive: a .sonnx bundle is a zip file");

    let missing = dir.path().join("missing.sonnx");
    verify_with_key(&missing).fails_with("cannot read");
}

#[test]
fn unexpected_duplicate_and_missing_entries() {
    let dir = tempdir();
    let dup = edited(dir.path(), "dup.sonnx", |e| {
        e.retain(|(n, _)| n != "model.sig");
        let m = e[1].clone();
        e.push(m);
    });
    verify_with_key(&dup).fails_with("entry \"manifest.json\" appears more than once");
    let extra = edited(dir.path(), "extra.sonnx", |e| {
        e.push(("run_me.sh".into(), b"rm -rf /".to_vec()))
    });
    verify_with_key(&extra).fails_with("unexpected entry \"run_me.sh\"");
    let missing = edited(dir.path(), "nomodel.sonnx", |e| {
        e.retain(|(n, _)| n != "model.onnx")
    });
    verify_with_key(&missing).fails_with("bundle has no model.onnx");
}

#[test]
fn manifest_problems() {
    let dir = tempdir();
    let bad_json = edited(dir.path(), "badjson.sonnx", |e| {
        *entry(e, "manifest.json") = b"{\"format\": \"sealed-onnx/1\",".to_vec()
    });
    verify_with_key(&bad_json).fails_with("manifest.json is invalid: EOF while parsing");
    let future = edited(dir.path(), "future.sonnx", |e| {
        edit_manifest(e, |m| m["format"] = "sealed-onnx/2".into())
    });
    verify_with_key(&future).fails_with("unknown bundle format \"sealed-onnx/2\"");
    let unknown = edited(dir.path(), "unknown.sonnx", |e| {
        edit_manifest(e, |m| m["card"]["hidden"] = true.into())
    });
    verify_with_key(&unknown).fails_with("unknown field `hidden`");
}

#[test]
fn tampering_is_caught_by_digests_and_signatures() {
    let dir = tempdir();
    let model = edited(dir.path(), "model.sonnx", |e| {
        let m = entry(e, "model.onnx");
        let last = m.len() - 1;
        m[last] ^= 1;
    });
    verify_with_key(&model).fails_with("model.onnx does not match its digest in manifest.json");

    let card = edited(dir.path(), "card.sonnx", |e| {
        edit_manifest(e, |m| m["card"]["intended_use"] = "anything at all".into())
    });
    verify_with_key(&card).fails_with("signature check failed");

    let sig = edited(dir.path(), "sig.sonnx", |e| {
        let s = entry(e, "model.sig");
        let mut v: serde_json::Value = serde_json::from_slice(s).unwrap();
        let b64 = v["dsseEnvelope"]["signatures"][0]["sig"]
            .as_str()
            .unwrap()
            .to_string();
        let flipped = if b64.starts_with('M') {
            b64.replacen('M', "N", 1)
        } else {
            format!("M{}", &b64[1..])
        };
        v["dsseEnvelope"]["signatures"][0]["sig"] = flipped.into();
        *s = serde_json::to_vec(&v).unwrap();
    });
    verify_with_key(&sig).fails_with("signature check failed");

    let (_, other_pub) = keygen(dir.path(), "other");
    cli([
        "verify".as_ref(),
        repo("models/iris-1.0.0.sonnx").as_os_str(),
        "--public-key".as_ref(),
        other_pub.as_os_str(),
    ])
    .fails_with("signature check failed");

    let unsigned = edited(dir.path(), "unsigned.sonnx", |e| {
        e.retain(|(n, _)| n != "model.sig")
    });
    verify_with_key(&unsigned).fails_with("bundle is not signed");
}

#[test]
fn manifest_that_does_not_fit_the_graph() {
    let dir = tempdir();
    let renamed = edited(dir.path(), "renamed.sonnx", |e| {
        edit_manifest(e, |m| m["inputs"]["binding"]["input"] = "features".into())
    });
    verify_unverified(&renamed).fails_with("the manifest's input schema does not match the graph: the graph's inputs are [\"X\"] but the manifest binds [\"features\"]");
    let narrower = edited(dir.path(), "narrower.sonnx", |e| {
        edit_manifest(e, |m| {
            m["inputs"]["features"].as_array_mut().unwrap().pop();
            m["drift_baseline"]["features"]
                .as_object_mut()
                .unwrap()
                .remove("petal_width");
            m["test_vectors"]["cases"] = serde_json::json!([]);
        })
    });
    verify_unverified(&narrower)
        .fails_with("graph input \"X\" takes 4 column(s) but the manifest feeds it 3");
    let output = edited(dir.path(), "output.sonnx", |e| {
        edit_manifest(e, |m| m["outputs"]["probabilities"] = "scores".into())
    });
    verify_unverified(&output).fails_with("the manifest names output \"scores\" but the graph's outputs are [\"label\", \"probabilities\"]");
}

#[test]
fn failing_test_vector_is_a_load_error_with_expected_and_got() {
    let dir = tempdir();
    let wrong = edited(dir.path(), "wrong.sonnx", |e| {
        edit_manifest(e, |m| {
            m["test_vectors"]["cases"][0]["expected"]["probabilities"]["setosa"] = 0.5.into()
        })
    });
    let out = verify_unverified(&wrong);
    let err = out.fails_with("test vector 0 failed: probabilities.setosa expected 0.5, got");
    assert!(
        err.contains(
            "the expected value is what the training framework computed when the bundle was sealed"
        ) && !err.contains("the runtime does not"),
        "{err}"
    );
}

#[test]
fn unsupported_operator_fails_at_pack_naming_it() {
    let dir = tempdir();
    let d = |f: &str| repo(&format!("tests/data/{f}"));
    let out = pack_files(
        &d("unknown_op.onnx"),
        &d("unsupported_tree.json"),
        &d("unsupported_tree_train.csv"),
        &d("unsupported_tree_tv.json"),
        &dir.path().join("tree.sonnx"),
    );
    out.fails_with(
        "the graph uses an operator that sealed-onnx cannot run: MadeUpOp (domain com.example)",
    );
    assert!(
        !dir.path().join("tree.sonnx").exists(),
        "nothing is written when the bundle cannot load"
    );
    // The same graph through `run` fails the same way.
    let tensors = br#"{"X": {"dtype": "float32", "shape": [1, 2], "data": [[1, 2]]}}"#;
    cli_stdin(
        [
            "run".as_ref(),
            d("unknown_op.onnx").as_os_str(),
            "-i".as_ref(),
            "-".as_ref(),
        ],
        Some(tensors),
    )
    .fails_with("MadeUpOp (domain com.example)");
}

#[test]
fn a_decision_tree_regressor_packs_and_passes_its_test_vectors() {
    let dir = tempdir();
    let d = |f: &str| repo(&format!("tests/data/{f}"));
    let out = pack_files(
        &d("unsupported_tree.onnx"),
        &d("unsupported_tree.json"),
        &d("unsupported_tree_train.csv"),
        &d("unsupported_tree_tv.json"),
        &dir.path().join("tree.sonnx"),
    );
    assert!(out.ok().contains("2/2 test vectors pass"), "{}", out.stdout);
}

#[test]
fn sign_refuses_a_bundle_whose_model_was_modified() {
    let dir = tempdir();
    let (private, _) = keygen(dir.path(), "k");
    let model = edited(dir.path(), "model.sonnx", |e| {
        e.retain(|(n, _)| n != "model.sig");
        let m = entry(e, "model.onnx");
        let last = m.len() - 1;
        m[last] ^= 1;
    });
    let before = std::fs::read(&model).unwrap();
    cli([
        "sign".as_ref(),
        model.as_os_str(),
        "--key".as_ref(),
        private.as_os_str(),
    ])
    .fails_with("re-pack the bundle instead of signing it");
    assert_eq!(
        std::fs::read(&model).unwrap(),
        before,
        "the file is left as it was"
    );
}
