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

/// `sample_manifest_json` as a transform of `dimension` numbers, or a clustering model.
fn vector_outputs(v: &mut serde_json::Value, outputs: serde_json::Value) {
    v["outputs"] = outputs;
    v["test_vectors"]["cases"] = serde_json::json!([]);
}

#[test]
fn a_change_of_output_kind_or_dimension_breaks() {
    let pca = |d: u64| {
        move |v: &mut serde_json::Value| {
            vector_outputs(
                v,
                serde_json::json!({"task": "transform", "vector": "y", "dimension": d}),
            )
        }
    };
    let c = compare(&manifest("1.0.0", pca(3)), &manifest("1.1.0", pca(4)));
    let paths: Vec<_> = c
        .changes
        .iter()
        .map(|c| (c.path.as_str(), c.breaking))
        .collect();
    assert_eq!(paths, vec![("outputs.dimension", true)]);
    assert_eq!(c.changes[0].description, "3 became 4");

    let kmeans = |k: u64, distances: bool| {
        move |v: &mut serde_json::Value| {
            let mut o = serde_json::json!({"task": "clustering", "label": "l", "clusters": k});
            if distances {
                o["distances"] = "d".into();
            }
            vector_outputs(v, o)
        }
    };
    let c = compare(
        &manifest("1.0.0", kmeans(3, true)),
        &manifest("2.0.0", kmeans(4, false)),
    );
    let paths: Vec<_> = c
        .changes
        .iter()
        .map(|c| (c.path.as_str(), c.breaking))
        .collect();
    assert_eq!(
        paths,
        vec![("outputs.clusters", true), ("outputs.distances", true)]
    );
    assert!(c.version_problem.is_none());

    let c = compare(
        &manifest("1.0.0", pca(3)),
        &manifest("1.0.1", kmeans(3, true)),
    );
    assert_eq!(c.changes[0].path, "outputs.task");
    assert_eq!(c.changes[0].description, "transform became clustering");
    assert!(c.breaking);

    let multi = |names: &'static [&'static str]| {
        move |v: &mut serde_json::Value| {
            vector_outputs(
                v,
                serde_json::json!({"task": "regression", "value": "y", "value_names": names}),
            )
        }
    };
    let c = compare(
        &manifest("1.0.0", multi(&["a", "b"])),
        &manifest("1.0.1", multi(&["b", "a"])),
    );
    assert_eq!(c.changes[0].path, "outputs.value_names");
    assert!(c.breaking);
}
