// A/B of whole predictions in Node: one or more builds of the npm package (folders laid out as
// js/: index.js, core.js, wasm/…) and onnxruntime-web 1.30.0 (wasm, one thread) on a bench
// kind (bench/.data/kinds/<kind>, made by bench/run.sh), all in one process, taking turns:
// 15 rounds (the first discarded) of 300 one-row calls (20 calls for bigger batches), each
// round's median per call, and the median over rounds. Prints ms per call and ÷ onnxruntime-web.
//
//   node bench/matmul/ab.mjs <kind> <rows> <package dir> [<package dir> …]
//   e.g. node bench/matmul/ab.mjs dense 1 js /tmp/old-build/js
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [kind, rowsArg, ...pkgs] = process.argv.slice(2);
const nrows = Number(rowsArg);
const here = (p) => new URL(p, import.meta.url);
const d = (f) => here(`../.data/kinds/${kind}/${f}`);
const publicKey = readFileSync(here("../../models/keys/demo-public-key.pem"), "utf8");
const shape = JSON.parse(readFileSync(d("rows.json"), "utf8"));
const f32 = readFileSync(d("rows.f32"));
const rows32 = new Float32Array(f32.buffer.slice(f32.byteOffset, f32.byteOffset + f32.byteLength));
const w = shape.width;
const inputs = [];
for (let i = 0; i + nrows <= Math.min(shape.rows, 64 * nrows); i += nrows) inputs.push(rows32.subarray(i * w, (i + nrows) * w));
const engines = [];
for (const p of pkgs) {
  const so = await import(pathToFileURL(resolve(p, "index.js")).href);
  const m = await so.loadModel(readFileSync(d("model.sonnx")), { publicKey });
  const x64 = inputs.map((x) => Float64Array.from(x));
  engines.push({ label: p, run: (i) => m.predictBatch({ data: x64[i % x64.length], rows: nrows }) });
}
const ort = await import("onnxruntime-web");
ort.env.wasm.numThreads = 1;
const s = await ort.InferenceSession.create(readFileSync(d("model.onnx")));
const name = s.inputNames[0];
engines.push({ label: "onnxruntime-web", run: (i) => s.run({ [name]: new ort.Tensor("float32", inputs[i % inputs.length], [nrows, w]) }) });
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const per = engines.map(() => []);
const calls = nrows === 1 ? 300 : 20;
for (let round = 0; round < 15; round++) {
  for (const [j, e] of engines.entries()) {
    const t = [];
    for (let i = 0; i < calls; i++) {
      const t0 = performance.now();
      await e.run(i);
      t.push(performance.now() - t0);
    }
    if (round > 0) per[j].push(median(t));
  }
}
const ortMs = median(per.at(-1));
for (const [j, e] of engines.entries()) {
  const ms = median(per[j]);
  const rounds = per[j].map((v) => v.toFixed(3)).join(" ");
  console.log(`${e.label}: ${kind}, ${nrows} row(s): ${ms.toFixed(4)} ms per call, ${(ms / ortMs).toFixed(2)}× onnxruntime-web (rounds: ${rounds})`);
}
