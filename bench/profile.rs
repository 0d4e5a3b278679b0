//! Where the time goes in our engine, natively: runs one bench kind's graph (bench/make_kinds.py,
//! `cargo bench --bench profile -- mlp hgb`) through tract's optimised plan with our operators
//! registered — as `Engine::load` builds it — and times every node of the plan, at 1 and at 1000
//! rows; then the whole `predict_batch` of the signed bundle for comparison (the rest is input
//! checks, conversion and results). Measurement only: prints a Markdown table per kind.

use std::collections::BTreeMap;
use std::time::Instant;

use sealed_onnx::engine::ops;
use sealed_onnx::loader::{LoadOptions, SealedModel};
use sealed_onnx::schema::{Batch, Cell, Shape};
use tract_onnx::prelude::*;
use tract_onnx::tract_core::plan::SimpleState;

const RUNS: usize = 30;

fn main() -> TractResult<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/.data/kinds");
    let kinds: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    for kind in if kinds.is_empty() {
        vec!["mlp".into(), "hgb".into()]
    } else {
        kinds
    } {
        let dir = root.join(&kind);
        let shape: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("rows.json"))?)?;
        let width = shape["width"].as_u64().unwrap_or(0) as usize;
        let raw = std::fs::read(dir.join("rows.f32"))?;
        let rows: Vec<f32> = raw
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let onnx = ops::framework();
        let mut model = onnx.model_for_path(dir.join("model.onnx"))?;
        let n = model.symbols.sym("N");
        model.set_input_fact(0, f32::fact(&[n.to_dim(), width.to_dim()]).into())?;
        let plan = model.into_optimized()?.into_runnable()?;
        println!("\n### {kind}: tract's plan, per node (native, {RUNS} runs after warm-up)\n");
        println!("| node | op | 1 row (µs) | share | 1000 rows (µs) | share |");
        println!("|---|---|--:|--:|--:|--:|");
        let mut per = Vec::new();
        for batch in [1usize, 1000] {
            let input = tract_ndarray::Array2::from_shape_vec(
                (batch, width),
                rows[..batch * width].to_vec(),
            )?
            .into_tensor();
            let mut times: BTreeMap<usize, (String, String, f64)> = BTreeMap::new();
            let mut state = SimpleState::new(&plan)?;
            for run in 0..RUNS + 5 {
                state.run_plan_with_eval(
                    tvec!(input.clone().into()),
                    |ctx, op_state, node, inputs| {
                        let t = Instant::now();
                        let out = tract_onnx::tract_core::plan::eval(ctx, op_state, node, inputs);
                        if run >= 5 {
                            let e = times.entry(node.id).or_insert_with(|| {
                                (node.name.clone(), node.op().name().to_string(), 0.0)
                            });
                            e.2 += t.elapsed().as_secs_f64() * 1e6 / RUNS as f64;
                        }
                        out
                    },
                )?;
            }
            per.push(times);
        }
        let totals: Vec<f64> = per.iter().map(|t| t.values().map(|v| v.2).sum()).collect();
        for (id, (name, op, one)) in &per[0] {
            let big = per[1].get(id).map_or(0.0, |v| v.2);
            println!(
                "| {name} | {op} | {one:.1} | {:.0}% | {big:.0} | {:.0}% |",
                100.0 * one / totals[0],
                100.0 * big / totals[1]
            );
        }
        println!(
            "| **plan total** | | **{:.1}** | | **{:.0}** | |",
            totals[0], totals[1]
        );
        // The whole prediction through the signed bundle, as the wasm package calls it.
        let bundle = std::fs::read(dir.join("model.sonnx"))?;
        let options = LoadOptions {
            allow_unverified: true,
            ..LoadOptions::default()
        };
        let sealed = SealedModel::load(&bundle, &options)?;
        let mut whole = Vec::new();
        let mut typed = Vec::new();
        for batch in [1usize, 1000] {
            let b = Batch {
                rows: batch,
                columns: (0..width)
                    .map(|j| {
                        (0..batch)
                            .map(|r| Cell::Number(f64::from(rows[r * width + j])))
                            .collect()
                    })
                    .collect(),
                shape: Shape::Records,
            };
            for _ in 0..5 {
                sealed.predict_batch(&b)?;
            }
            let t = Instant::now();
            for _ in 0..RUNS {
                sealed.predict_batch(&b)?;
            }
            whole.push(t.elapsed().as_secs_f64() * 1e6 / RUNS as f64);
            // The typed path (npm `predictBatch`): columns, no object per row.
            let t = Instant::now();
            for _ in 0..RUNS {
                sealed.predict_columns(&b)?;
            }
            typed.push(t.elapsed().as_secs_f64() * 1e6 / RUNS as f64);
        }
        println!(
            "| **`predict_batch` of the bundle, whole** | | **{:.1}** | | **{:.0}** | |",
            whole[0], whole[1]
        );
        println!(
            "| **`predict_columns` of the bundle, whole** | | **{:.1}** | | **{:.0}** | |",
            typed[0], typed[1]
        );
    }
    Ok(())
}
