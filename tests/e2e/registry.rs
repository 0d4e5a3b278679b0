//! The registry folder with the real CLI: publish, promote through the gates, rollback,
//! `ls`, `verify-registry`, loading by channel, every attack of the issue's "Bad input" list,
//! and two real processes publishing at once.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::{cli, cli_program, demo_pub, repo, tempdir, Run};

fn demo_key() -> PathBuf {
    repo("models/keys/demo-private-key.DO-NOT-USE.pem")
}

/// Packs iris as `version` (ranges widened by `margin`, the cv metric's mean replaced when
/// given) and signs it with `key`.
fn iris(dir: &Path, version: &str, margin: &str, metric: Option<f64>, key: &Path) -> PathBuf {
    let mut meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo("models/iris/meta.json")).unwrap()).unwrap();
    meta["version"] = version.into();
    if let Some(m) = metric {
        meta["training"]["cv_metric"]["mean"] = m.into();
    }
    let meta_path = dir.join(format!("meta-{version}-{margin}.json"));
    std::fs::write(&meta_path, serde_json::to_vec(&meta).unwrap()).unwrap();
    let out = dir.join(format!("iris-{version}-{margin}.sonnx"));
    let m = |f: &str| repo(&format!("models/iris/{f}"));
    let out_s = out.to_str().unwrap();
    cli([
        "pack",
        "--model",
        m("model.onnx").to_str().unwrap(),
        "--meta",
        meta_path.to_str().unwrap(),
        "--train",
        m("train.csv").to_str().unwrap(),
        "--test-vectors",
        m("test_vectors.json").to_str().unwrap(),
        "--range-margin",
        margin,
        "--out",
        out_s,
    ])
    .ok();
    cli(["sign", out_s, "--key", key.to_str().unwrap()]).ok();
    out
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn publish(bundle: &Path, reg: &Path) -> Run {
    cli([
        "publish",
        s(bundle),
        "--registry",
        s(reg),
        "--key",
        s(&demo_key()),
    ])
}

fn promote(reg: &Path, version: &str, to: &str, extra: &[&str]) -> Run {
    let key = demo_key();
    let mut args = vec!["promote", "iris", version, "--to", to, "--registry", s(reg)];
    args.extend(["--key", s(&key)]);
    args.extend(extra);
    cli(args)
}

fn verify_registry(reg: &Path) -> Run {
    cli(["verify-registry", s(reg), "--public-key", s(&demo_pub())])
}

fn predict_channel(model_dir: &Path, channel: &str) -> Run {
    cli([
        "predict",
        s(model_dir),
        "--channel",
        channel,
        "--public-key",
        s(&demo_pub()),
        "--input",
        s(&repo("models/iris/train.csv")),
    ])
}

/// A registry with iris 1.0.0 on prod (through staging) and 1.1.0 on dev.
fn registry(dir: &Path) -> PathBuf {
    let reg = dir.join("registry");
    let v1 = iris(dir, "1.0.0", "0.1", None, &demo_key());
    let v11 = iris(dir, "1.1.0", "0.1", None, &demo_key());
    publish(&v1, &reg).ok();
    promote(&reg, "1.0.0", "staging", &[]).ok();
    promote(&reg, "1.0.0", "prod", &["--reason", "first release"]).ok();
    publish(&v11, &reg).ok();
    reg
}

#[test]
fn publish_promote_rollback_ls_and_verify() {
    let dir = tempdir();
    let d = dir.path();
    let reg = d.join("registry");
    let v1 = iris(d, "1.0.0", "0.1", None, &demo_key());
    let out = publish(&v1, &reg).ok().to_owned();
    assert!(out.contains("published iris 1.0.0 (sha256-"), "{out}");
    for f in ["1.0.0.sonnx", "index.json", "history.jsonl"] {
        assert!(reg.join("iris").join(f).is_file(), "{f}");
    }
    assert_eq!(
        std::fs::read(reg.join("iris/1.0.0.sonnx")).unwrap(),
        std::fs::read(&v1).unwrap()
    );
    // Same bytes again: nothing to do. Other bytes under the same version: refused.
    assert!(publish(&v1, &reg)
        .ok()
        .contains("already published with these bytes"));
    let other = iris(d, "1.0.0", "0.2", None, &demo_key());
    publish(&other, &reg).fails_with("iris 1.0.0 is already published with other bytes");
    // A bundle the registry key did not sign, and an unsigned one, are refused.
    let (stranger, _) = crate::support::keygen(d, "stranger");
    let foreign = iris(d, "1.0.1", "0.1", None, &stranger);
    cli([
        "publish",
        s(&foreign),
        "--registry",
        s(&reg),
        "--key",
        s(&demo_key()),
    ])
    .fails_with("does not verify with the registry key");
    publish(&crate::support::pack("iris", d), &reg).fails_with("bundle is not signed");

    // prod only from staging.
    promote(&reg, "1.0.0", "prod", &[])
        .fails_with("gate order: prod takes only the version on staging (none), not 1.0.0");
    promote(&reg, "1.0.0", "prod", &["--skip-stage"]).fails_with("--skip-stage needs a --reason");
    promote(&reg, "1.0.0", "staging", &[]).ok();
    let out = promote(&reg, "1.0.0", "prod", &["--reason", "first release"])
        .ok()
        .to_owned();
    assert!(
        out.contains("ok  gate signature and 20 test vectors"),
        "{out}"
    );
    assert!(out.contains("prod: (none) → 1.0.0"), "{out}");

    // The schema gate: narrower ranges are breaking, a minor bump is refused, a major passes.
    let narrow = iris(d, "1.2.0", "0.05", None, &demo_key());
    publish(&narrow, &reg).ok();
    promote(&reg, "1.2.0", "staging", &[]).fails_with(
        "gate schema: 1.2.0 against staging's 1.0.0: the interface has breaking changes but 1.0.0 → 1.2.0 is not a major bump; use 2.0.0 or later (breaking: inputs.sepal_length.min: 3.94 became 4.12",
    );
    let major = iris(d, "2.0.0", "0.05", None, &demo_key());
    publish(&major, &reg).ok();
    let out = promote(&reg, "2.0.0", "staging", &[]).ok().to_owned();
    assert!(
        out.contains("gate schema: 2.0.0 against 1.0.0 (breaking, major bump)"),
        "{out}"
    );

    // The metric gate: a worse model than prod's is refused with --min-metric current.
    let worse = iris(d, "2.1.0", "0.05", Some(0.5), &demo_key());
    publish(&worse, &reg).ok();
    promote(&reg, "2.1.0", "staging", &[]).ok();
    promote(&reg, "2.1.0", "prod", &["--min-metric", "current"]).fails_with(
        "gate metric: 2.1.0 has accuracy 0.5, below the required 0.9583333333333334 (the current version 1.0.0)",
    );
    promote(&reg, "2.1.0", "prod", &["--min-metric", "0.9"])
        .fails_with("below the required 0.9 (--min-metric)");
    promote(&reg, "2.0.0", "staging", &[]).fails_with(
        "gate schema: 2.0.0 against staging's 2.1.0: version 2.0.0 is not later than 2.1.0",
    );
    promote(&reg, "2.1.0", "prod", &["--min-metric", "0.4"]).ok();
    assert!(predict_channel(&reg.join("iris"), "prod")
        .stderr
        .contains("iris prod → 2.1.0"));

    // Rollback: prod goes back to 1.0.0, recorded with its reason; then nothing earlier.
    let key = demo_key();
    let rollback = |reason: &str| {
        cli([
            "rollback",
            "iris",
            "--channel",
            "prod",
            "--registry",
            s(&reg),
            "--key",
            s(&key),
            "--reason",
            reason,
        ])
    };
    assert!(rollback("metric too low in production")
        .ok()
        .contains("prod: 2.1.0 → 1.0.0 (rolled back)"));
    rollback("again").fails_with("there is no earlier version to roll back to");
    let run = predict_channel(&reg.join("iris"), "current");
    assert!(
        run.stderr.contains("iris current → 1.0.0"),
        "{}",
        run.stderr
    );
    assert!(run.ok().contains("setosa"));

    let out = cli(["ls", s(&reg), "iris", "--public-key", s(&demo_pub())])
        .ok()
        .to_owned();
    assert!(
        out.contains("channels: dev=2.1.0  staging=2.1.0  prod=1.0.0  (current = prod)"),
        "{out}"
    );
    assert!(out.contains("rollback 1.0.0 on prod (was 2.1.0)"), "{out}");
    assert!(out.contains(": metric too low in production"), "{out}");
    assert!(out.contains("verified"), "{out}");
    let out = cli(["ls", s(&reg)]).ok().to_owned();
    assert!(
        out.contains(
            "iris                 4 version(s)  dev=2.1.0  staging=2.1.0  prod=1.0.0  (unverified)"
        ),
        "{out}"
    );
    let out = cli(["inspect", s(&reg.join("iris"))]).ok().to_owned();
    assert!(out.contains("UNVERIFIED: signatures not checked"), "{out}");
    assert!(out.contains("  1.0.0 "), "{out}");
    cli(["inspect", s(&reg)]).fails_with("has no index.json: not a registry model folder");
    let out = verify_registry(&reg).ok().to_owned();
    assert!(
        out.contains("ok  history: 10 signed entries, chained, ending at the index's head"),
        "{out}"
    );
    assert!(out.contains("registry verified: 1 model(s)"), "{out}");
    // The folder of one model verifies too; a stranger's key does not.
    verify_registry(&reg.join("iris")).ok();
    cli([
        "verify-registry",
        s(&reg),
        "--public-key",
        s(&d.join("stranger.pub.pem")),
    ])
    .fails_with("iris: check registry.index failed: index.json signature check failed");
    // No leftovers: no lock, no temporary files.
    let names: Vec<String> = std::fs::read_dir(reg.join("iris"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}

#[test]
fn a_tampered_index_is_refused() {
    let dir = tempdir();
    let reg = registry(dir.path());
    let path = reg.join("iris/index.json");
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes
        .windows(11)
        .position(|w| w == b"\"payload\":\"")
        .unwrap()
        + 40;
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    std::fs::write(&path, bytes).unwrap();
    verify_registry(&reg).fails_with(
        "iris: check registry.index failed: index.json signature check failed: signature does not verify with the given public key",
    );
    predict_channel(&reg.join("iris"), "prod")
        .fails_with("check registry.index failed: index.json signature check failed");
    publish(&iris(dir.path(), "1.3.0", "0.1", None, &demo_key()), &reg)
        .fails_with("the registry does not verify with this key (registry.index)");
}

#[test]
fn a_replayed_older_index_is_refused() {
    let dir = tempdir();
    let reg = registry(dir.path());
    let old = std::fs::read(reg.join("iris/index.json")).unwrap();
    promote(&reg, "1.1.0", "staging", &[]).ok();
    // The old index is validly signed, but the history has moved on past its head.
    std::fs::write(reg.join("iris/index.json"), old).unwrap();
    verify_registry(&reg)
        .fails_with("iris: check registry.history failed: history.jsonl has 5 entries ending in");
    let err = verify_registry(&reg).stderr;
    assert!(
        err.contains("but the signed index was written after 4 entries"),
        "{err}"
    );

    // Index and history replayed together are consistent: only a sequence kept from before
    // (the CLI keeps no state between runs) catches them.
    let old_history: Vec<u8> = {
        let text = std::fs::read_to_string(reg.join("iris/history.jsonl")).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        (lines[..4].join("\n") + "\n").into_bytes()
    };
    std::fs::write(reg.join("iris/history.jsonl"), old_history).unwrap();
    verify_registry(&reg).ok();
    let with_min = |extra: [&str; 2]| {
        let model = reg.join("iris");
        let mut args = vec!["verify-registry", s(&model), "--public-key"];
        let key = demo_pub();
        args.push(s(&key));
        args.extend(extra);
        cli(args)
    };
    with_min(["--min-sequence", "5"]).fails_with(
        "iris: check registry.replay failed: index.json has sequence 4, older than sequence 5 already seen",
    );
    with_min(["--min-sequence", "4"]).ok();
    cli([
        "predict",
        s(&reg.join("iris")),
        "--channel",
        "prod",
        "--min-sequence",
        "5",
        "--public-key",
        s(&demo_pub()),
        "--input",
        s(&repo("models/iris/train.csv")),
    ])
    .fails_with("check registry.replay failed: index.json has sequence 4, older than sequence 5 already seen: a replayed older index is refused");
}

#[test]
fn a_removed_or_reordered_history_entry_is_refused() {
    let dir = tempdir();
    let reg = registry(dir.path());
    let path = reg.join("iris/history.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    let write = |ls: &[&str]| std::fs::write(&path, ls.join("\n") + "\n").unwrap();

    write(&[lines[0], lines[2], lines[3]]);
    verify_registry(&reg).fails_with("iris: check registry.history failed: history.jsonl line 2 does not follow the line before it (its seq is 3, expected 2)");
    write(&[lines[1], lines[0], lines[2], lines[3]]);
    verify_registry(&reg).fails_with("history.jsonl line 1 does not follow the line before it");
    write(&lines[..3]);
    verify_registry(&reg).fails_with("history.jsonl has 3 entries ending in");
    // A writer refuses to append to a broken history.
    promote(&reg, "1.1.0", "staging", &[])
        .fails_with("the registry does not verify with this key (registry.history)");
    write(&lines);
    verify_registry(&reg).ok();
}

#[test]
fn a_bundle_swapped_on_the_server_is_refused() {
    let dir = tempdir();
    let reg = registry(dir.path());
    // 1.1.0's bytes are validly signed by the same key: only the index digest catches them.
    std::fs::copy(reg.join("iris/1.1.0.sonnx"), reg.join("iris/1.0.0.sonnx")).unwrap();
    verify_registry(&reg).fails_with(
        "iris: check registry.digest failed: 1.0.0.sonnx does not match the signed index",
    );
    predict_channel(&reg.join("iris"), "prod")
        .fails_with("check registry.digest failed: 1.0.0.sonnx does not match the signed index");
    promote(&reg, "1.0.0", "dev", &[])
        .fails_with("gate signature: 1.0.0.sonnx does not match the signed index");
}

#[test]
fn a_channel_pointing_at_a_missing_version_is_refused() {
    let dir = tempdir();
    let reg = registry(dir.path());
    std::fs::remove_file(reg.join("iris/1.0.0.sonnx")).unwrap();
    verify_registry(&reg).fails_with(
        "iris: check registry.missing failed: 1.0.0.sonnx is listed in the signed index but missing",
    );
    predict_channel(&reg.join("iris"), "prod").fails_with(
        "check registry.missing failed: 1.0.0.sonnx is listed in the signed index but missing",
    );
    // A signed index whose channel names a version it does not list (only a key holder can
    // write one, so it is built with the library and the demo key).
    let dir = tempdir();
    let reg = registry(dir.path());
    let key =
        sealed_onnx::trust::parse_private_key_pem(&std::fs::read_to_string(demo_key()).unwrap())
            .unwrap();
    let path = reg.join("iris/index.json");
    let mut index = sealed_onnx::registry::verify_index(
        &std::fs::read(&path).unwrap(),
        key.verifying_key(),
        Some("iris"),
    )
    .unwrap()
    .index;
    index.channels.get_mut("prod").unwrap().version = "3.0.0".into();
    index.current = Some("3.0.0".into());
    std::fs::write(
        &path,
        sealed_onnx::registry::sign_index(&index, &key).unwrap(),
    )
    .unwrap();
    verify_registry(&reg).fails_with("iris: check registry.channel failed: channel prod points at version 3.0.0, which the index does not list");
    predict_channel(&reg.join("iris"), "prod")
        .fails_with("check registry.channel failed: channel prod points at version 3.0.0");
    predict_channel(&reg.join("iris"), "staging")
        .fails_with("channel prod points at version 3.0.0");
}

#[test]
fn loading_by_channel_needs_a_key_and_a_known_channel() {
    let dir = tempdir();
    let reg = registry(dir.path());
    cli([
        "predict",
        s(&reg.join("iris")),
        "--channel",
        "prod",
        "--allow-unverified",
        "--input",
        s(&repo("models/iris/train.csv")),
    ])
    .fails_with("--channel needs --public-key");
    predict_channel(&reg.join("iris"), "beta")
        .fails_with("unknown channel \"beta\": use dev, staging, prod or current (= prod)");
    let run = predict_channel(&reg.join("iris"), "dev");
    assert!(run.stderr.contains("iris dev → 1.1.0"), "{}", run.stderr);
    cli([
        "verify",
        s(&reg.join("iris")),
        "--channel",
        "staging",
        "--public-key",
        s(&demo_pub()),
    ])
    .ok();
}

#[test]
fn a_held_lock_fails_cleanly_and_changes_nothing() {
    let dir = tempdir();
    let reg = registry(dir.path());
    let before: Vec<Vec<u8>> = ["index.json", "history.jsonl"]
        .iter()
        .map(|f| std::fs::read(reg.join("iris").join(f)).unwrap())
        .collect();
    std::fs::write(
        reg.join("iris/.lock"),
        "pid 4242 since 2026-12-03T05:00:00Z\n",
    )
    .unwrap();
    promote(&reg, "1.1.0", "staging", &[]).fails_with(
        "the registry folder is locked by another writer (pid 4242 since 2026-12-03T05:00:00Z); nothing was changed",
    );
    let after: Vec<Vec<u8>> = ["index.json", "history.jsonl"]
        .iter()
        .map(|f| std::fs::read(reg.join("iris").join(f)).unwrap())
        .collect();
    assert_eq!(before, after);
    std::fs::remove_file(reg.join("iris/.lock")).unwrap();
    promote(&reg, "1.1.0", "staging", &[]).ok();
}

/// Two processes publish the same version with different bytes into one folder at the same
/// moment, several rounds: exactly one wins each round; the other fails cleanly (the lock
/// is held, or the version is already published); the registry verifies after every round.
#[test]
fn two_concurrent_publishes_one_wins_nothing_is_corrupted() {
    let dir = tempdir();
    let d = dir.path();
    let reg = d.join("registry");
    publish(&iris(d, "1.0.0", "0.1", None, &demo_key()), &reg).ok();
    let mut lock_seen = 0;
    for round in 0..4 {
        let version = format!("1.{}.0", round + 1);
        let a = iris(d, &version, "0.1", None, &demo_key());
        let b = iris(d, &version, "0.2", None, &demo_key());
        let spawn = |bundle: &Path| {
            Command::new(cli_program())
                .args([
                    "publish",
                    s(bundle),
                    "--registry",
                    s(&reg),
                    "--key",
                    s(&demo_key()),
                ])
                .env("RUST_BACKTRACE", "0")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (pa, pb) = (spawn(&a), spawn(&b));
        let outs = [
            pa.wait_with_output().unwrap(),
            pb.wait_with_output().unwrap(),
        ];
        let won: Vec<bool> = outs.iter().map(|o| o.status.success()).collect();
        assert_eq!(
            won.iter().filter(|w| **w).count(),
            1,
            "round {round}: {outs:?}"
        );
        for o in &outs {
            if !o.status.success() {
                let err = String::from_utf8_lossy(&o.stderr);
                assert_eq!(o.status.code(), Some(1));
                assert!(!err.contains("panicked"), "{err}");
                let locked = err.contains("locked by another writer");
                assert!(
                    locked || err.contains("is already published with other bytes"),
                    "{err}"
                );
                lock_seen += usize::from(locked);
            }
        }
        let winner = if won[0] { &a } else { &b };
        assert_eq!(
            std::fs::read(reg.join(format!("iris/{version}.sonnx"))).unwrap(),
            std::fs::read(winner).unwrap()
        );
        verify_registry(&reg).ok();
    }
    eprintln!("rounds lost to the lock: {lock_seen} of 4");
}

/// Packs iris as `version` with `petal_length` renamed `petal_len` (the same graph: one
/// [N, 4] tensor), with or without a migration for 1.x callers; signed with the demo key.
fn renamed_iris(dir: &Path, version: &str, migration: bool) -> PathBuf {
    let rename = |text: String| text.replace("petal_length", "petal_len");
    let mut meta: serde_json::Value = serde_json::from_str(&rename(
        std::fs::read_to_string(repo("models/iris/meta.json")).unwrap(),
    ))
    .unwrap();
    meta["version"] = version.into();
    if migration {
        meta["migration"] = serde_json::json!({
            "from_major": 1,
            "features": {"petal_len": {"from": "petal_length"}}
        });
    }
    let tag = format!("{version}-{migration}");
    let files = [
        ("meta", serde_json::to_string(&meta).unwrap()),
        (
            "train",
            rename(std::fs::read_to_string(repo("models/iris/train.csv")).unwrap()),
        ),
        (
            "tv",
            rename(std::fs::read_to_string(repo("models/iris/test_vectors.json")).unwrap()),
        ),
    ];
    for (name, text) in &files {
        std::fs::write(dir.join(format!("{name}-{tag}")), text).unwrap();
    }
    let out = dir.join(format!("iris-renamed-{tag}.sonnx"));
    let f = |name: &str| dir.join(format!("{name}-{tag}"));
    crate::support::pack_files(
        &repo("models/iris/model.onnx"),
        &f("meta"),
        &f("train"),
        &f("tv"),
        &out,
    )
    .ok();
    cli(["sign", s(&out), "--key", s(&demo_key())]).ok();
    out
}

#[test]
fn a_migration_covers_a_renamed_feature_in_diff_promote_and_predict() {
    let dir = tempdir();
    let d = dir.path();
    let v1 = iris(d, "1.0.0", "0.1", None, &demo_key());
    let covered = renamed_iris(d, "1.1.0", true);
    let uncovered = renamed_iris(d, "1.2.0", false);

    let run = cli(["inspect", s(&covered)]);
    let out = run.ok();
    assert!(
        out.contains("\nMigration (inputs of 1.x are accepted and migrated)\n  petal_len                from petal_length\n"),
        "{out}"
    );
    assert!(!cli(["inspect", s(&v1)]).ok().contains("Migration"));

    let run = cli(["diff", s(&v1), s(&covered)]);
    let out = run.ok();
    assert!(out.contains("covered  inputs.petal_length: feature removed (callers sending it are refused) — migration: becomes petal_len (from petal_length)"), "{out}");
    assert!(out.contains("the change is backward compatible"), "{out}");
    assert!(out.contains("version bump is consistent"), "{out}");
    let run = cli(["diff", s(&v1), s(&uncovered)]);
    assert!(
        run.stdout
            .contains("BREAKING inputs.petal_len: feature added"),
        "{}",
        run.stdout
    );
    run.fails_with("the interface has breaking changes but 1.0.0 → 1.2.0 is not a major bump");

    let reg = d.join("registry");
    publish(&v1, &reg).ok();
    promote(&reg, "1.0.0", "staging", &[]).ok();
    publish(&uncovered, &reg).ok();
    promote(&reg, "1.2.0", "staging", &[]).fails_with("gate schema: 1.2.0 against staging's 1.0.0");
    publish(&covered, &reg).ok();
    let out = promote(&reg, "1.1.0", "staging", &[]).ok().to_owned();
    assert!(
        out.contains(
            "gate schema: 1.1.0 against 1.0.0 (breaking changes covered by its migration)"
        ),
        "{out}"
    );

    // A 1.x caller's record (old name) still predicts, and says it was migrated; the new
    // name works too; anything else is still refused.
    let old = d.join("old.json");
    std::fs::write(
        &old,
        r#"{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}"#,
    )
    .unwrap();
    let new = d.join("new.json");
    std::fs::write(
        &new,
        r#"{"sepal_length": 5.1, "sepal_width": 3.5, "petal_len": 1.4, "petal_width": 0.2}"#,
    )
    .unwrap();
    let predict = |input: &Path| {
        cli([
            "predict",
            s(&reg.join("iris")),
            "--channel",
            "staging",
            "--public-key",
            s(&demo_pub()),
            "--input",
            s(input),
        ])
    };
    let run = predict(&old);
    assert!(run.ok().contains("setosa"), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("note: 1 record(s) in the 1.x shape migrated to iris 1.1.0"),
        "{}",
        run.stderr
    );
    let out: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        out["predictions"]["migrated"],
        serde_json::json!({"from_major": 1})
    );
    let run = predict(&new);
    assert!(run.ok().contains("setosa"));
    assert!(!run.stderr.contains("migrated"), "{}", run.stderr);
    assert!(!run.stdout.contains("migrated"), "{}", run.stdout);

    // Columns in the old shape are migrated too, every row marked.
    let columns = d.join("columns.json");
    std::fs::write(
        &columns,
        r#"{"sepal_length": [5.1, 6.7], "sepal_width": [3.5, 3.0], "petal_length": [1.4, 5.2], "petal_width": [0.2, 2.3]}"#,
    )
    .unwrap();
    let run = predict(&columns);
    let out: serde_json::Value = serde_json::from_str(run.ok()).unwrap();
    let labels: Vec<&str> = (0..2)
        .map(|i| out["predictions"][i]["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["setosa", "virginica"]);
    for i in 0..2 {
        assert_eq!(
            out["predictions"][i]["migrated"],
            serde_json::json!({"from_major": 1})
        );
    }

    // A CSV file with the old column names (the 1.x training CSV) predicts every row, each
    // marked in the migrated_from_major column; a new-shape row is not marked, a bad row
    // is reported under the new name.
    let csv = d.join("old.csv");
    std::fs::write(
        &csv,
        "sepal_length,sepal_width,petal_length,petal_width,species\n\
         5.1,3.5,1.4,0.2,setosa\n\
         6.7,3.0,abc,2.3,virginica\n",
    )
    .unwrap();
    let run = cli([
        "predict",
        s(&reg.join("iris")),
        "--channel",
        "staging",
        "--public-key",
        s(&demo_pub()),
        "--input",
        s(&csv),
        "--format",
        "csv",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].ends_with(",verified,digest,error,migrated_from_major"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("1,setosa,") && lines[1].ends_with(",,1"),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains("petal_len: expected"), "{}", lines[2]);
    assert!(lines[2].ends_with(','), "{}", lines[2]);
    assert!(
        run.stderr
            .contains("note: 1 record(s) in the 1.x shape migrated"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("ignoring column \"petal_length\""),
        "{}",
        run.stderr
    );
    let new_csv = d.join("new.csv");
    std::fs::write(
        &new_csv,
        "sepal_length,sepal_width,petal_len,petal_width\n5.1,3.5,1.4,0.2\n",
    )
    .unwrap();
    let run = cli([
        "predict",
        s(&covered),
        "--public-key",
        s(&demo_pub()),
        "--input",
        s(&new_csv),
        "--format",
        "csv",
    ]);
    let out = run.ok();
    assert!(out.lines().nth(1).unwrap().ends_with(",,"), "{out}");
    let run = cli([
        "predict",
        s(&uncovered),
        "--public-key",
        s(&demo_pub()),
        "--input",
        s(&old),
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("petal_len"), "{}", run.stderr);
    verify_registry(&reg).ok();
}
