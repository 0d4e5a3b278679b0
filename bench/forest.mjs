// Side-by-side forest benchmark in one Node run: sealed-onnx's shipped wasm against
// onnxruntime-web 1.30.0 (wasm, single thread), on the 100-tree, depth-12 forest from
// bench/make_forest.py, 1000 rows. Also merges the native numbers (cargo bench --bench
// forest) when given. Prints a Markdown table; --write-readme replaces the bench markers.
// Run through bench/run.sh, which prepares everything.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const time = async (f) => { const t = performance.now(); await f(); return performance.now() - t; };

const { rows, onnxruntime: expected } = JSON.parse(readFileSync(here("./.data/rows.json"), "utf8"));
const n = rows.length, width = rows[0].length;
const flat64 = Float64Array.from(rows.flat());
const flat32 = Float32Array.from(rows.flat());
const onnxBytes = readFileSync(here("./.data/forest.onnx"));
const bundle = readFileSync(here("./.data/forest.sonnx"));

// sealed-onnx: the wasm exactly as the npm package ships it (SEALED_WASM_DIR: another build of
// it, for comparing experiments).
const wasmDir = process.env.SEALED_WASM_DIR ? `file://${process.env.SEALED_WASM_DIR}/` : new URL("../js/wasm/", import.meta.url).href;
// The first load counts the engine's start-up (compiling and instantiating the wasm), as
// onnxruntime-web's first InferenceSession.create does for its own.
const glue = await import(new URL("sealed_onnx.js", wasmDir).href);
const wasmBytes = readFileSync(fileURLToPath(new URL("sealed_onnx_bg.wasm", wasmDir)));
const ort = await import("onnxruntime-web");
ort.env.wasm.numThreads = 1;
const feeds = (data, rowsN) => ({ X: new ort.Tensor("float32", data, [rowsN, width]) });

// The two engines take turns at every measurement, so that a busy moment on the machine
// hits both alike.
// As the npm wrapper does: instantiate, then run the static constructors once.
const oursStart = await time(() => glue.initSync({ module: wasmBytes }).__wasm_call_ctors());
const oursLoad = [], ortLoad = [];
let model, session;
const loadOurs = async () => oursLoad.push(await time(() => { model?.free(); model = glue.Model.load(bundle, undefined, undefined, true); }));
const loadOrt = async () => ortLoad.push(await time(async () => { session = await ort.InferenceSession.create(onnxBytes); }));
for (let i = 0; i < 5; i++) { await loadOurs(); if (i < 3) await loadOrt(); }
const oursFirst = oursStart + oursLoad[0];
const check = JSON.parse(model.predictTyped(flat64, n));
const worst = Math.max(...check.map((p, i) => Math.abs(p.value - expected[i]) / (1e-4 + 1e-5 * Math.abs(expected[i]))));
if (!(worst <= 1)) throw new Error(`sealed-onnx disagrees with onnxruntime (worst ${worst} tolerances)`);
// Warm-up batches, so that the medians measure optimised code rather than how soon the
// JavaScript engine's background compiler finishes.
for (let i = 0; i < 10; i++) { model.predictTyped(flat64, n); await session.run(feeds(flat32, n)); }
const oursBatch = [], ortBatch = [];
for (let i = 0; i < 20; i++) {
  oursBatch.push(await time(() => model.predictTyped(flat64, n)));
  ortBatch.push(await time(() => session.run(feeds(flat32, n))));
}
const one = flat64.subarray(0, width), one32 = flat32.subarray(0, width);
const oursOne = [], ortOne = [];
for (let block = 0; block < 10; block++) { // single rows in turns of 30 calls each
  for (let i = 0; i < 30; i++) oursOne.push(await time(() => model.predictTyped(one, 1)));
  for (let i = 0; i < 30; i++) ortOne.push(await time(() => session.run(feeds(one32, 1))));
}

const native = process.argv.find((a) => a.startsWith("--native="));
const nat = native ? JSON.parse(native.slice(9)) : null;
const fmt = (x, d = 1) => x.toLocaleString("en-US", { maximumFractionDigits: d });
const rps = (ms) => n / (ms / 1000);
const lines = [
  "| forest: 100 trees, depth 12, 1000 rows | load to ready (ms) | first load, engine start-up included (ms) | rows/s (batch of 1000) | one-row latency (ms) |",
  "|---|--:|--:|--:|--:|",
  `| onnxruntime-web ${ort.env.versions?.web ?? "1.30.0"} (wasm, 1 thread) | ${fmt(median(ortLoad))} | ${fmt(ortLoad[0])} | ${fmt(rps(median(ortBatch)), 0)} | ${fmt(median(ortOne), 3)} |`,
  `| sealed-onnx (wasm, SIMD128) | ${fmt(median(oursLoad))} | ${fmt(oursFirst)} | ${fmt(rps(median(oursBatch)), 0)} | ${fmt(median(oursOne), 3)} |`,
  `| ratio (sealed-onnx ÷ onnxruntime-web) | ${fmt(median(ortLoad) / median(oursLoad))}× faster | ${fmt(ortLoad[0] / oursFirst)}× faster | ${fmt(rps(median(oursBatch)) / rps(median(ortBatch)))}× | ${fmt(median(ortOne) / median(oursOne))}× faster |`,
];
if (nat) lines.push(`| sealed-onnx native (for reference) | ${fmt(nat.load_ms)} | ${fmt(nat.first_ms)} | ${fmt(nat.rows_per_s, 0)} | ${fmt(nat.single_ms, 3)} |`);
const table = lines.join("\n") + "\n\nsealed-onnx's load includes reading the bundle, checking its digests, optimising the graph and running its test vectors; onnxruntime-web's is `InferenceSession.create` on the raw ONNX file. Medians of repeated runs, the two engines taking turns (5 loads, 3 for onnxruntime-web; 20 batches after 10 warm-up batches; 300 single rows); the first load is the first in a fresh process, including the wasm engine's compilation and instantiation and before the JavaScript engine has optimised any hot code. Measured side by side in one run by `bash bench/run.sh`.";
console.log(table);
if (process.argv.includes("--write-readme")) {
  const path = here("README.md");
  const readme = readFileSync(path, "utf8");
  const re = /<!-- bench:begin -->[\s\S]*<!-- bench:end -->/;
  if (!re.test(readme)) throw new Error("bench/README.md has no bench markers");
  writeFileSync(path, readme.replace(re, `<!-- bench:begin -->\n${table}\n<!-- bench:end -->`));
}
