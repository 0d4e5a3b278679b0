// One-row predictions of a bench kind in a loop, for a CPU profile of where the time goes:
//   node --cpu-prof --cpu-prof-interval 100 bench/matmul/one-row.mjs <package dir> [kind] [calls]
//   node bench/matmul/cpuprofile.mjs CPU.*.cpuprofile predict tile typed
// With a package whose wasm keeps its function names (wasm-bindgen of the raw cargo output,
// target/wasm32-unknown-unknown/wasm/sealed_onnx.wasm, without wasm-opt) the profile names
// the Rust functions.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [pkg, kind = "dense", callsArg = "30000"] = process.argv.slice(2);
const calls = Number(callsArg);
const here = (p) => new URL(p, import.meta.url);
const d = (f) => here(`../.data/kinds/${kind}/${f}`);
const so = await import(pathToFileURL(resolve(pkg, "index.js")).href);
const publicKey = readFileSync(here("../../models/keys/demo-public-key.pem"), "utf8");
const m = await so.loadModel(readFileSync(d("model.sonnx")), { publicKey });
const width = JSON.parse(readFileSync(d("rows.json"), "utf8")).width;
const f32 = readFileSync(d("rows.f32"));
const rows32 = new Float32Array(f32.buffer.slice(f32.byteOffset, f32.byteOffset + f32.byteLength));
const rows = [];
for (let i = 0; i < 64; i++) rows.push(Float64Array.from(rows32.subarray(i * width, (i + 1) * width)));
const times = [];
for (let i = 0; i < calls; i++) {
  const t0 = performance.now();
  m.predictBatch({ data: rows[i % 64], rows: 1 });
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log(`${kind}, one row: p50 ${times[calls >> 1].toFixed(4)} ms over ${calls} calls`);
