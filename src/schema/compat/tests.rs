use super::*;
use crate::bundle::parse_manifest;

fn manifest(version: &str, edit: impl Fn(&mut serde_json::Value)) -> Manifest {
    let mut v = crate::bundle::tests::sample_manifest_json();
    v["version"] = version.into();
    edit(&mut v);
    parse_manifest(&serde_json::to_vec(&v).unwrap()).unwrap()
}

#[test]
fn identical_interfaces_need_only_a_later_version() {
    let c = compare(&manifest("1.0.0", |_| {}), &manifest("1.0.1", |_| {}));
    assert_eq!(
        (c.changes.len(), c.breaking, c.version_problem),
        (0, false, None)
    );
    let c = compare(&manifest("1.0.0", |_| {}), &manifest("1.0.0", |_| {}));
    assert_eq!(
        c.version_problem.as_deref(),
        Some("version 1.0.0 is not later than 1.0.0")
    );
}

#[test]
fn widening_is_compatible_narrowing_breaks() {
    let old = manifest("1.0.0", |_| {});
    let wider = manifest("1.1.0", |v| v["inputs"]["features"][0]["max"] = 20.0.into());
    let c = compare(&old, &wider);
    assert!(!c.breaking && c.version_problem.is_none(), "{c:?}");
    let narrower = manifest("1.1.0", |v| v["inputs"]["features"][0]["max"] = 5.0.into());
    let c = compare(&old, &narrower);
    assert!(c.breaking);
    assert_eq!(c.changes[0].path, "inputs.a.max");
    assert_eq!(
        c.version_problem.as_deref(),
        Some("the interface has breaking changes but 1.0.0 → 1.1.0 is not a major bump; use 2.0.0 or later")
    );
    assert!(compare(
        &old,
        &manifest("2.0.0", |v| v["inputs"]["features"][0]["max"] = 5.0.into())
    )
    .version_problem
    .is_none());
}

#[test]
fn removed_and_added_features_and_type_changes() {
    let old = manifest("0.3.0", |_| {});
    let new = manifest("0.3.1", |v| {
        v["inputs"]["features"][1] = serde_json::json!({"name": "c", "type": "float"});
        v["test_vectors"]["cases"] = serde_json::json!([]);
    });
    let c = compare(&old, &new);
    let paths: Vec<_> = c
        .changes
        .iter()
        .map(|c| (c.path.as_str(), c.breaking))
        .collect();
    assert_eq!(paths, vec![("inputs.b", true), ("inputs.c", true)]);
    assert!(c.version_problem.unwrap().contains("use 0.4.0 or later"));
    let int_to_float = manifest("0.3.1", |v| {
        v["inputs"]["features"][1]["type"] = "float".into()
    });
    assert!(!compare(&old, &int_to_float).breaking);
}
