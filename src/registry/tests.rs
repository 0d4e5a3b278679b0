use p256::ecdsa::SigningKey;

use super::*;
use crate::trust::{sign_envelope, sri_sha256};

fn key(seed: u8) -> SigningKey {
    SigningKey::from_slice(&[seed; 32]).expect("a valid scalar")
}

fn entry(version: &str, bytes: &[u8]) -> VersionEntry {
    VersionEntry {
        version: version.into(),
        file: format!("{version}.sonnx"),
        integrity: sri_sha256(bytes),
        size: bytes.len() as u64,
        created: "2026-11-23T00:00:00Z".into(),
        published: "2026-12-01T00:00:00Z".into(),
        schema: "sha256:00".into(),
        metric: None,
        test_vectors: 3,
        signer: "ab".into(),
    }
}

fn index() -> Index {
    let mut i = Index::new("iris");
    i.sequence = 2;
    i.versions = vec![entry("1.0.0", b"one"), entry("1.1.0", b"two")];
    i.point("dev", "1.0.0", "t1");
    i.point("dev", "1.1.0", "t2");
    i.point("prod", "1.0.0", "t2");
    i
}

#[test]
fn an_index_round_trips_and_resolves_channels() {
    let k = key(7);
    let bytes = sign_index(&index(), &k).unwrap();
    let v = verify_index(&bytes, k.verifying_key(), Some("iris")).unwrap();
    assert_eq!(v.index, index());
    assert_eq!(v.signer, crate::trust::fingerprint(k.verifying_key()));
    assert_eq!(v.index.resolve("prod").unwrap().version, "1.0.0");
    assert_eq!(v.index.resolve("current").unwrap().version, "1.0.0");
    assert_eq!(v.index.resolve("dev").unwrap().version, "1.1.0");
    assert_eq!(v.index.channels["dev"].previous, ["1.0.0"]);
    let e = v.index.resolve("staging").unwrap_err();
    assert_eq!(e.check(), "registry.channel");
    assert_eq!(
        e.to_string(),
        "channel staging of iris points at no version yet: promote one first"
    );
    assert_eq!(
        v.index.resolve("beta").unwrap_err().check(),
        "registry.channel"
    );
}

#[test]
fn a_tampered_index_or_another_key_is_refused() {
    let k = key(7);
    let bytes = sign_index(&index(), &k).unwrap();
    let e = verify_index(&bytes, key(8).verifying_key(), None).unwrap_err();
    assert_eq!(e.check(), "registry.index");
    assert!(
        e.to_string()
            .starts_with("index.json signature check failed"),
        "{e}"
    );
    // Change one character of the base64 payload: the signature no longer covers it.
    let text = String::from_utf8(bytes.clone()).unwrap();
    let at = text.find("\"payload\":\"").unwrap() + 20;
    let mut tampered = text.into_bytes();
    tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
    let e = verify_index(&tampered, k.verifying_key(), None).unwrap_err();
    assert_eq!(e.check(), "registry.index");
    assert!(matches!(e, RegistryError::IndexSignature { .. }), "{e}");
}

#[test]
fn an_index_for_another_model_is_refused() {
    let k = key(7);
    let bytes = sign_index(&index(), &k).unwrap();
    let e = verify_index(&bytes, k.verifying_key(), Some("wine")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "index.json is the index of model \"iris\", not of \"wine\": an index was copied into the wrong folder"
    );
}

#[test]
fn a_signed_history_line_is_not_an_index() {
    // Same key, same envelope, other predicate type: never accepted as an index.
    let k = key(7);
    let e = Entry {
        seq: 1,
        action: Action::Publish,
        name: "iris".into(),
        version: "1.0.0".into(),
        integrity: sri_sha256(b"one"),
        channel: "dev".into(),
        from: None,
        reason: None,
        gates: vec![],
        signer: "ab".into(),
        time: "t".into(),
        prev: None,
    };
    let line = sign_entry(&e, &k);
    let err = verify_index(&line, k.verifying_key(), None).unwrap_err();
    assert_eq!(err.check(), "registry.index");
    assert!(err.to_string().contains("predicate type"), "{err}");
}

#[test]
fn a_signed_but_inconsistent_index_is_refused() {
    let k = key(7);
    let mut i = index();
    i.channels.get_mut("prod").unwrap().version = "9.9.9".into();
    i.current = Some("9.9.9".into());
    let e = verify_index(&sign_index(&i, &k).unwrap(), k.verifying_key(), None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "channel prod points at version 9.9.9, which the index does not list"
    );
    assert_eq!(e.check(), "registry.channel");

    let mut i = index();
    i.current = Some("1.1.0".into());
    let e = verify_index(&sign_index(&i, &k).unwrap(), k.verifying_key(), None).unwrap_err();
    assert_eq!(e.check(), "registry.index");

    let mut i = index();
    i.versions[1].file = "../../etc/passwd".into();
    let e = verify_index(&sign_index(&i, &k).unwrap(), k.verifying_key(), None).unwrap_err();
    assert!(e.to_string().contains("expected \"1.1.0.sonnx\""), "{e}");
}

#[test]
fn an_older_sequence_is_a_replay() {
    let i = index();
    assert!(check_not_replayed(None, &i).is_ok());
    assert!(check_not_replayed(Some(2), &i).is_ok());
    let e = check_not_replayed(Some(3), &i).unwrap_err();
    assert_eq!(e.check(), "registry.replay");
    assert_eq!(e.to_string(), "index.json has sequence 2, older than sequence 3 already seen: a replayed older index is refused (it could undo a rollback or a promotion)");
}

#[test]
fn a_swapped_bundle_is_caught_by_the_index_digest() {
    let e = check_bundle(&entry("1.0.0", b"one"), b"other").unwrap_err();
    assert_eq!(e.check(), "registry.digest");
    assert!(check_bundle(&entry("1.0.0", b"one"), b"one").is_ok());
}

fn history(k: &SigningKey, n: u64) -> (Vec<Vec<u8>>, HistoryHead) {
    let mut lines = Vec::new();
    let mut prev: Option<String> = None;
    for seq in 1..=n {
        let e = Entry {
            seq,
            action: Action::Promote,
            name: "iris".into(),
            version: "1.0.0".into(),
            integrity: sri_sha256(b"one"),
            channel: "prod".into(),
            from: None,
            reason: Some(format!("step {seq}")),
            gates: vec!["schema".into()],
            signer: "ab".into(),
            time: "t".into(),
            prev: prev.clone(),
        };
        let line = sign_entry(&e, k);
        prev = Some(line_hash(&line));
        lines.push(line);
    }
    let head = HistoryHead {
        entries: n,
        head: prev.unwrap_or_default(),
    };
    (lines, head)
}

fn join(lines: &[Vec<u8>]) -> Vec<u8> {
    lines
        .iter()
        .flat_map(|l| l.iter().copied().chain([b'\n']))
        .collect()
}

#[test]
fn a_history_verifies_and_ends_at_the_head() {
    let k = key(7);
    let (lines, head) = history(&k, 3);
    let v = verify_history(&join(&lines), k.verifying_key(), "iris", Some(&head)).unwrap();
    assert_eq!(v.entries.len(), 3);
    assert_eq!(v.head, head);
    assert!(verify_history(b"", k.verifying_key(), "iris", None)
        .unwrap()
        .entries
        .is_empty());
}

#[test]
fn a_removed_or_reordered_history_entry_is_refused() {
    let k = key(7);
    let (lines, head) = history(&k, 3);
    // The middle entry removed: line 2 (the old third) does not chain to line 1.
    let removed = join(&[lines[0].clone(), lines[2].clone()]);
    let e = verify_history(&removed, k.verifying_key(), "iris", Some(&head)).unwrap_err();
    assert_eq!(e.check(), "registry.history");
    assert!(
        matches!(e, RegistryError::HistoryChain { line: 2, .. }),
        "{e}"
    );
    // Two entries swapped.
    let swapped = join(&[lines[1].clone(), lines[0].clone(), lines[2].clone()]);
    let e = verify_history(&swapped, k.verifying_key(), "iris", Some(&head)).unwrap_err();
    assert!(
        matches!(e, RegistryError::HistoryChain { line: 1, .. }),
        "{e}"
    );
    // The last entry removed: the chain holds, the index's head does not.
    let e = verify_history(&join(&lines[..2]), k.verifying_key(), "iris", Some(&head)).unwrap_err();
    assert!(
        matches!(
            e,
            RegistryError::HistoryHead {
                entries: 2,
                expected_entries: 3,
                ..
            }
        ),
        "{e}"
    );
    // A line signed by another key.
    let (other, _) = history(&key(9), 1);
    let forged = join(&[other[0].clone(), lines[1].clone()]);
    let e = verify_history(&forged, k.verifying_key(), "iris", None).unwrap_err();
    assert!(
        matches!(e, RegistryError::HistorySignature { line: 1, .. }),
        "{e}"
    );
    // Not an envelope at all.
    let e = verify_history(b"{}\n", k.verifying_key(), "iris", None).unwrap_err();
    assert_eq!(e.check(), "registry.history");
}

#[test]
fn an_index_is_not_a_history_line() {
    let k = key(7);
    let bytes = sign_index(&index(), &k).unwrap();
    let e = verify_history(&bytes, k.verifying_key(), "iris", None).unwrap_err();
    assert!(
        matches!(e, RegistryError::HistoryFormat { line: 1, .. }),
        "{e}"
    );
    // And the generic envelope with a random payload is neither.
    let junk = sign_envelope(b"{\"_type\":\"x\"}", &k);
    assert!(verify_index(&junk, k.verifying_key(), None).is_err());
}

#[test]
fn the_order_gate_wants_staging_before_prod() {
    let i = index();
    let e = order_gate(&i, "1.1.0", "prod", false, None).unwrap_err();
    assert_eq!(e.gate(), "order");
    assert!(
        e.to_string()
            .starts_with("gate order: prod takes only the version on staging (none)"),
        "{e}"
    );
    let e = order_gate(&i, "1.1.0", "prod", true, Some(" ")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "gate order: --skip-stage needs a --reason, which the history records"
    );
    assert!(order_gate(&i, "1.1.0", "prod", true, Some("hotfix")).is_ok());
    assert!(order_gate(&i, "1.1.0", "staging", false, None).is_ok());
    let mut i = i;
    i.point("staging", "1.1.0", "t3");
    assert!(order_gate(&i, "1.1.0", "prod", false, None).is_ok());
}

#[test]
fn the_metric_gate_compares_like_with_like() {
    use crate::bundle::manifest::CvMetric;
    let metric = |name: &str, mean: f64| CvMetric {
        name: name.into(),
        mean,
        std: 0.01,
        folds: 5,
    };
    let mut cur = entry("1.0.0", b"one");
    cur.metric = Some(metric("accuracy", 0.95));
    let mut cand = entry("1.1.0", b"two");
    cand.metric = Some(metric("accuracy", 0.93));
    let e = metric_gate(MetricFloor::Current, Some(&cur), &cand).unwrap_err();
    assert_eq!(
        e.to_string(),
        "gate metric: 1.1.0 has accuracy 0.93, below the required 0.95 (the current version 1.0.0)"
    );
    assert!(metric_gate(MetricFloor::Value(0.9), Some(&cur), &cand).is_ok());
    cand.metric = Some(metric("f1", 0.99));
    let e = metric_gate(MetricFloor::Current, Some(&cur), &cand).unwrap_err();
    assert!(matches!(e, GateError::MetricUnavailable { .. }), "{e}");
    cand.metric = None;
    assert!(metric_gate(MetricFloor::Value(0.1), None, &cand).is_err());
    assert_eq!("current".parse::<MetricFloor>(), Ok(MetricFloor::Current));
    assert_eq!("0.9".parse::<MetricFloor>(), Ok(MetricFloor::Value(0.9)));
    assert!("NaN".parse::<MetricFloor>().is_err());
}

#[test]
fn model_names_must_be_plain_folder_names() {
    assert!(check_name("iris").is_ok());
    assert!(check_name("breast-cancer_v2.1").is_ok());
    for bad in ["", "..", ".hidden", "-x", "a/b", "a\\b", "é"] {
        assert!(check_name(bad).is_err(), "{bad:?}");
    }
}
