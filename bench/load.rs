//! Where a load's time goes, natively: every phase of `SealedModel::load` on one bench kind's
//! signed bundle (bench/make_kinds.py, signed with the demo key by bench/run.sh), timed on its
//! own, then tract's part step by step — both as the native build runs it and as the wasm build
//! does (our `Dense` substitution between tract's declutter and its code generation).
//! `cargo bench --bench load -- mlp dense iris`. Measurement only: prints a Markdown table.

use std::time::Instant;

use sealed_onnx::bundle::{Bundle, Limits, MANIFEST_ENTRY, MODEL_ENTRY};
use sealed_onnx::engine::{ops, Engine};
use sealed_onnx::loader::{LoadOptions, SealedModel};
use sealed_onnx::trust::{self, Resource};
use tract_onnx::prelude::*;
use tract_onnx::tract_core::optim::Optimizer;

const RUNS: usize = 10;

/// Median over `RUNS` (after one untimed run) of `f`, in ms, and its last result.
fn time<T>(mut f: impl FnMut() -> T) -> (f64, T) {
    let mut out = f();
    let mut ms = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t = Instant::now();
        out = f();
        ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    ms.sort_by(f64::total_cmp);
    (ms[RUNS / 2], out)
}

fn row(phase: &str, ms: f64) {
    println!("| {phase} | {ms:.2} |");
}

fn main() -> TractResult<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let key_pem = std::fs::read_to_string(root.join("models/keys/demo-public-key.pem"))?;
    let key = trust::parse_public_key_pem(&key_pem)?;
    let kinds: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let kinds = if kinds.is_empty() {
        vec!["iris".into(), "mlp".into(), "dense".into()]
    } else {
        kinds
    };
    for kind in kinds {
        let dir = root.join("bench/.data/kinds").join(&kind);
        let bytes = std::fs::read(dir.join("model.sonnx"))?;
        let width: usize = {
            let v: serde_json::Value =
                serde_json::from_slice(&std::fs::read(dir.join("rows.json"))?)?;
            v["width"].as_u64().unwrap_or(0) as usize
        };
        let limits = Limits::default();
        println!("\n### {kind}: load phases (native, median of {RUNS})\n");
        println!("| phase | ms |");
        println!("|---|--:|");
        let options = LoadOptions {
            public_key: Some(key),
            ..LoadOptions::default()
        };
        let (ms, model) = time(|| SealedModel::load(&bytes, &options));
        let model = model?;
        row("**`SealedModel::load`, whole (native build)**", ms);
        row(
            "sha256 of the whole bundle (identity)",
            time(|| trust::sri_sha256(&bytes)).0,
        );
        let (ms, open) = time(|| Bundle::open(&bytes, &limits));
        row("open: zip directory, inflate + parse + check manifest", ms);
        let open = open?;
        let model_sha256 = trust::parse_hex_digest(&open.manifest.files[MODEL_ENTRY])?;
        let resources = [
            Resource::new(MANIFEST_ENTRY, &open.manifest_bytes),
            Resource {
                name: MODEL_ENTRY.into(),
                sha256: model_sha256,
            },
        ];
        let sig = open.signature.clone().unwrap_or_default();
        row(
            "signature (p256, statement)",
            time(|| trust::verify(&sig, &resources, &key)).0,
        );
        let (ms, bundle) = time(|| open.clone().read_model());
        row("inflate model.onnx", ms);
        let onnx_bytes = bundle?.model;
        row(
            "sha256 of model.onnx",
            time(|| trust::sha256(&onnx_bytes)).0,
        );
        let manifest = model.manifest();
        let (ms, engine) = time(|| Engine::load(&onnx_bytes, manifest));
        engine?;
        row("`Engine::load`, whole (native build)", ms);
        let (ms, onnx) = time(ops::framework);
        row(
            "`parse_manifest` alone (in open)",
            time(|| sealed_onnx::bundle::parse_manifest(&open.manifest_bytes)).0,
        );
        row("`ops::framework()` (operator registry)", ms);
        let (ms, proto) = time(|| onnx.proto_model_for_read(&mut &*onnx_bytes));
        row("protobuf decode", ms);
        let proto = proto?;
        let inference = || -> TractResult<InferenceModel> {
            let mut m = onnx.model_for_proto_model(&proto)?;
            let n = m.symbols.sym("N");
            m.set_input_fact(0, f32::fact([n.to_dim(), width.to_dim()]).into())?;
            Ok(m)
        };
        let (ms, _) = time(&inference);
        row("`model_for_proto_model` (ONNX → tract inference graph)", ms);
        let (ms, typed) = time(|| inference().and_then(|m| m.into_typed()));
        row("… + `into_typed` (analyse, translate)", ms);
        let typed = typed?;
        let (ms, decluttered) = time(|| typed.clone().into_decluttered());
        row("`into_decluttered`", ms);
        let decluttered = decluttered?;
        let (ms, optimized) = time(|| decluttered.clone().into_optimized());
        row("native: `into_optimized` of the decluttered graph", ms);
        let (ms, _) = time(|| optimized.as_ref().map(|m| m.clone().into_runnable()));
        row("native: `into_runnable`", ms);
        let (ms, substituted) = time(|| ops::dense::substitute_all(decluttered.clone()));
        row("wasm: `substitute_all` (our Dense, packs the weights)", ms);
        let substituted = substituted?;
        let (ms, wasm_optimized) = time(|| substituted.clone().into_optimized());
        row("wasm: `into_optimized` after it (declutters again)", ms);
        let (ms, _) = time(|| {
            let mut m = substituted.clone();
            Optimizer::codegen().optimize(&mut m).map(|_| m)
        });
        row("wasm: codegen passes only after it", ms);
        let (ms, _) = time(|| wasm_optimized.as_ref().map(|m| m.clone().into_runnable()));
        row("wasm: `into_runnable`", ms);
        row("clone of the decluttered graph (in the rows above)", {
            time(|| decluttered.clone()).0
        });
        row("test vectors (`self_test`)", time(|| model.self_test()).0);
    }
    Ok(())
}
