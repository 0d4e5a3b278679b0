//! The scikit-learn export corpus (`tests/corpus/`, made by `models/corpus/generate.py`):
//! every case runs through our engine and must match onnxruntime's outputs — labels and
//! integers exactly, scores within twice the case's tolerance.
//!
//! Why twice: the recorded tolerance is the tightest that holds between onnxruntime's float32
//! scores and scikit-learn's float64 ones (`models/corpus/generate.py`). An engine that is as
//! close to scikit-learn as onnxruntime is, but on the other side (another summation order,
//! as tract's wasm kernels have), can be up to twice that far from onnxruntime.
//!
//! An output that onnxruntime gives as a sequence of maps (a final `ZipMap`, in the
//! default-option `zipmap-*` cases) is stored as onnxruntime's list of `{label: probability}`
//! objects and must come back with the same keys in the same order.
//!
//! Cases we cannot run yet are listed in `tests/corpus/unsupported.txt` with the reason.
//! The list must be exact: a listed case that starts passing fails the test too, so the
//! list (and the README's table) only ever shrinks honestly.

use std::collections::BTreeMap;
use std::path::Path;

use sealed_onnx::engine::{run_raw, RawData, RawOutput, RawTensor};
use serde_json::Value;

use crate::support::repo;

fn tensor(name: &str, v: &Value) -> RawTensor {
    RawTensor::from_json(name, v).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn floats(d: &RawData) -> Option<Vec<f64>> {
    match d {
        RawData::F32(v) => Some(v.iter().map(|x| f64::from(*x)).collect()),
        RawData::F64(v) => Some(v.clone()),
        _ => None,
    }
}

/// Runs one case; `Err` says what differs.
fn run_case(dir: &Path) -> Result<(), String> {
    let io: Value =
        serde_json::from_slice(&std::fs::read(dir.join("io.json")).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    let model = std::fs::read(dir.join("model.onnx")).map_err(|e| e.to_string())?;
    let inputs: Vec<(String, RawTensor)> = io["inputs"]
        .as_object()
        .ok_or("io.json has no inputs")?
        .iter()
        .map(|(n, v)| (n.clone(), tensor(n, v)))
        .collect();
    let rel = 2.0 * io["tolerance"]["relative"].as_f64().unwrap_or(1e-5);
    let abs = 2.0 * io["tolerance"]["absolute"].as_f64().unwrap_or(1e-6);
    let got: BTreeMap<String, RawOutput> = run_raw(&model, &inputs)
        .map_err(|e| e.to_string())?
        .into_iter()
        .collect();
    let close = |e: f64, g: f64| (e.is_nan() && g.is_nan()) || (g - e).abs() <= abs + rel * e.abs();
    for (name, expected) in io["onnxruntime"]
        .as_object()
        .ok_or("io.json has no onnxruntime outputs")?
    {
        let got = got.get(name).ok_or_else(|| format!("no output {name:?}"))?;
        let got = match (expected, got) {
            (Value::Array(rows), RawOutput::Maps { .. }) => {
                compare_maps(name, rows, &got.to_json(), &close)?;
                continue;
            }
            (Value::Array(_), RawOutput::Tensor(_)) => {
                return Err(format!("{name}: a tensor, onnxruntime a sequence of maps"))
            }
            (_, RawOutput::Maps { .. }) => {
                return Err(format!("{name}: a sequence of maps, onnxruntime a tensor"))
            }
            (_, RawOutput::Tensor(t)) => t,
        };
        let expected = tensor(name, expected);
        let squeeze = |s: &[usize]| s.iter().copied().filter(|d| *d != 1).collect::<Vec<_>>();
        if squeeze(&got.shape) != squeeze(&expected.shape) {
            return Err(format!(
                "{name}: shape {:?}, onnxruntime {:?}",
                got.shape, expected.shape
            ));
        }
        match (floats(&expected.data), floats(&got.data)) {
            (Some(e), Some(g)) => {
                for (i, (e, g)) in e.iter().zip(&g).enumerate() {
                    if !close(*e, *g) {
                        return Err(format!("{name}[{i}]: got {g}, onnxruntime {e}"));
                    }
                }
            }
            _ => {
                let as_json = |t: &RawTensor| t.to_json()["data"].clone();
                let flatten = |v: Value| -> Vec<Value> {
                    let mut out = Vec::new();
                    let mut stack = vec![v];
                    while let Some(v) = stack.pop() {
                        match v {
                            Value::Array(a) => stack.extend(a.into_iter().rev()),
                            other => out.push(other),
                        }
                    }
                    out
                };
                let (e, g) = (flatten(as_json(&expected)), flatten(as_json(got)));
                if let Some(i) = (0..e.len().max(g.len())).find(|&i| e.get(i) != g.get(i)) {
                    return Err(format!(
                        "{name}[{i}]: got {:?}, onnxruntime {:?}",
                        g.get(i),
                        e.get(i)
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Compares a sequence of maps with onnxruntime's: same rows, same keys in the same order,
/// values within the tolerance (`null` is NaN).
fn compare_maps(
    name: &str,
    expected: &[Value],
    got: &Value,
    close: &dyn Fn(f64, f64) -> bool,
) -> Result<(), String> {
    let got = got
        .as_array()
        .ok_or(format!("{name}: not a list of maps"))?;
    if got.len() != expected.len() {
        return Err(format!(
            "{name}: {} maps, onnxruntime {}",
            got.len(),
            expected.len()
        ));
    }
    let number = |v: &Value| v.as_f64().unwrap_or(f64::NAN);
    for (r, (e, g)) in expected.iter().zip(got).enumerate() {
        let (Some(e), Some(g)) = (e.as_object(), g.as_object()) else {
            return Err(format!("{name}[{r}]: not a map"));
        };
        if !e.keys().eq(g.keys()) {
            return Err(format!(
                "{name}[{r}]: keys {:?}, onnxruntime {:?}",
                g.keys().collect::<Vec<_>>(),
                e.keys().collect::<Vec<_>>()
            ));
        }
        for (k, ev) in e {
            let (ev, gv) = (number(ev), number(&g[k]));
            if !close(ev, gv) {
                return Err(format!("{name}[{r}][{k:?}]: got {gv}, onnxruntime {ev}"));
            }
        }
    }
    Ok(())
}

#[test]
fn every_corpus_case_matches_onnxruntime_or_is_listed() {
    let root = repo("tests/corpus");
    let listed: BTreeMap<String, String> = std::fs::read_to_string(root.join("unsupported.txt"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            l.split_once(':')
                .map(|(c, why)| (c.trim().to_string(), why.trim().to_string()))
        })
        .collect();
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("tests/corpus exists (models/corpus/generate.py)")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("io.json").is_file())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 30,
        "the corpus has only {} cases",
        cases.len()
    );
    let mut problems = Vec::new();
    for dir in &cases {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        match (run_case(dir), listed.get(&name)) {
            (Ok(()), Some(_)) => problems.push(format!(
                "{name}: passes now; remove it from unsupported.txt"
            )),
            (Err(e), None) => problems.push(format!("{name}: {e}")),
            _ => {}
        }
    }
    for name in listed.keys() {
        if !cases.iter().any(|d| d.ends_with(name)) {
            problems.push(format!(
                "{name}: listed in unsupported.txt but not in the corpus"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} corpus problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
