//! Native half of the forest benchmark (`bash bench/run.sh` runs both halves): load time and
//! throughput of the 100-tree, depth-12 forest bundle made by bench/make_forest.py.
//! Prints one JSON line for bench/forest.mjs to merge into its table.

use std::time::Instant;

use sealed_onnx::loader::{LoadOptions, SealedModel};
use sealed_onnx::schema::{Batch, Cell, Shape};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/.data");
    let bytes = std::fs::read(dir.join("forest.sonnx"))
        .expect("bench/.data/forest.sonnx: run bash bench/run.sh");
    let rows: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("rows.json")).expect("rows.json"))
            .expect("json");
    let rows: Vec<Vec<f64>> = serde_json::from_value(rows["rows"].clone()).expect("rows");
    let options = LoadOptions {
        allow_unverified: true,
        ..LoadOptions::default()
    };
    let loads: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            let _model = SealedModel::load(&bytes, &options).expect("load");
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    let model = SealedModel::load(&bytes, &options).expect("load");
    let width = rows[0].len();
    let batch = Batch {
        rows: rows.len(),
        columns: (0..width)
            .map(|j| rows.iter().map(|r| Cell::Number(r[j])).collect())
            .collect(),
        shape: Shape::Records,
    };
    let runs: Vec<f64> = (0..20)
        .map(|_| {
            let t = Instant::now();
            let p = model.predict_batch(&batch).expect("predict");
            assert_eq!(p.len(), rows.len());
            t.elapsed().as_secs_f64()
        })
        .collect();
    let one = Batch {
        rows: 1,
        columns: batch.columns.iter().map(|c| vec![c[0].clone()]).collect(),
        shape: Shape::Record,
    };
    let single: Vec<f64> = (0..300)
        .map(|_| {
            let t = Instant::now();
            model.predict_batch(&one).expect("predict");
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    println!(
        "{}",
        serde_json::json!({
            "first_ms": loads[0],
            "load_ms": median(loads),
            "rows_per_s": rows.len() as f64 / median(runs),
            "single_ms": median(single),
        })
    );
}
