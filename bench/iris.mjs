// Small-model batch benchmark in one Node run: the npm package (js/, the shipped wasm) against
// onnxruntime-web 1.30.0 (wasm, single thread) on the iris example (StandardScaler +
// LogisticRegression), 1000 rows. Ours twice: `predict` (one object per row) and
// `predictBatch` (typed arrays, no JSON). The engines take turns at every measurement.
// Prints a Markdown table; --write-readme replaces the bench-iris markers in bench/README.md.
// Run through bench/run.sh, which prepares everything.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const time = async (f) => { const t = performance.now(); await f(); return performance.now() - t; };

const so = await import(new URL("../js/index.js", import.meta.url).href);
const ort = await import("onnxruntime-web");
ort.env.wasm.numThreads = 1;

const models = here("../models/");
const bundle = readFileSync(models + "iris-1.0.0.sonnx");
const onnxBytes = readFileSync(models + "iris/model.onnx");
const publicKey = readFileSync(models + "keys/demo-public-key.pem", "utf8");
const held = JSON.parse(readFileSync(models + "iris/holdout.json", "utf8")).cases.map((c) => c.input);

const model = await so.loadModel(bundle, { publicKey });
const session = await ort.InferenceSession.create(onnxBytes);
const features = model.info.schema.map((f) => f.name);
const rowsIn = held.filter((r) => model.validate(r).length === 0);
const n = 1000, width = features.length;
const flat64 = new Float64Array(n * width);
for (let i = 0; i < n; i++) features.forEach((f, j) => (flat64[i * width + j] = rowsIn[i % rowsIn.length][f]));
const flat32 = Float32Array.from(flat64);
const run = {
  objects: () => model.predict({ data: flat64, rows: n }),
  typed: () => model.predictBatch({ data: flat64, rows: n }),
  ort: () => session.run({ X: new ort.Tensor("float32", flat32, [n, width]) }),
};

// Same answers first: labels exact, probabilities within float32 noise.
const [ours, theirs] = [await run.typed(), await run.ort()];
const ortLabels = theirs.label.data, ortProba = theirs.probabilities.data;
for (let i = 0; i < n; i++) {
  if (ours.labels[i] !== ortLabels[i]) throw new Error(`row ${i}: ${ours.labels[i]} vs onnxruntime ${ortLabels[i]}`);
  for (let k = 0; k < 3; k++) {
    if (Math.abs(ours.probabilities[i * 3 + k] - ortProba[i * 3 + k]) > 1e-6) throw new Error(`row ${i}: probabilities differ`);
  }
}

const times = { objects: [], typed: [], ort: [] };
for (let i = 0; i < 20; i++) for (const k of Object.keys(run)) await run[k](); // warm-up
for (let i = 0; i < 60; i++) for (const k of Object.keys(run)) times[k].push(await time(run[k]));
const rate = (k) => n / (median(times[k]) / 1000);
const fmt = (x) => Math.round(x).toLocaleString("en-US");
const table = [
  "| iris: StandardScaler + LogisticRegression, batch of 1000 rows | median (ms) | rows/s | ÷ onnxruntime-web |",
  "|---|--:|--:|--:|",
  `| onnxruntime-web 1.30.0 (wasm, 1 thread), \`session.run\` | ${median(times.ort).toFixed(3)} | ${fmt(rate("ort"))} | 1 |`,
  `| sealed-onnx \`predict\` (one object per row) | ${median(times.objects).toFixed(3)} | ${fmt(rate("objects"))} | ${(rate("objects") / rate("ort")).toFixed(2)}× |`,
  `| sealed-onnx \`predictBatch\` (typed arrays) | ${median(times.typed).toFixed(3)} | ${fmt(rate("typed"))} | ${(rate("typed") / rate("ort")).toFixed(2)}× |`,
  "",
  `Node ${process.version}, both verified/loaded once; the typed input form \`{ data: Float64Array, rows }\` (onnxruntime-web: a float32 tensor). Medians of 60 batches each after 20 warm-up batches, the three taking turns. Measured by \`bash bench/run.sh\`.`,
].join("\n");
console.log(table);
if (process.argv.includes("--write-readme")) {
  const readme = here("./README.md");
  const text = readFileSync(readme, "utf8");
  const re = /<!-- bench-iris:begin -->[\s\S]*<!-- bench-iris:end -->/;
  if (!re.test(text)) throw new Error("bench/README.md has no bench-iris markers");
  writeFileSync(readme, text.replace(re, `<!-- bench-iris:begin -->\n${table}\n<!-- bench-iris:end -->`));
}
