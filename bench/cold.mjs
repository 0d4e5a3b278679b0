// Cold start in Node: how long a fresh process takes from its start to its first prediction,
// the npm package (js/, verification on) against onnxruntime-web 1.30.0 (wasm, one thread), on
// the iris example. Each run is a new `node` process; the engines take turns. Each child
// reports `performance.now()` (milliseconds since its process started) after the import, after
// the engine and model are ready, and after the first prediction.
// Prints a Markdown table; --write-readme replaces the bench-cold markers in bench/README.md.
// Run through bench/run.sh, which prepares everything.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const runs = Number((process.argv.find((a) => a.startsWith("--runs=")) ?? "--runs=11").slice(7));

const models = here("../models/");
const children = {
  ours: `
    const t0 = performance.now();
    const { loadModel } = await import(${JSON.stringify(new URL("../js/index.js", import.meta.url).href)});
    const { readFileSync } = await import("node:fs");
    const t1 = performance.now();
    const model = await loadModel(readFileSync(${JSON.stringify(models + "iris-1.0.0.sonnx")}), {
      publicKey: readFileSync(${JSON.stringify(models + "keys/demo-public-key.pem")}, "utf8"),
    });
    const t2 = performance.now();
    const p = await model.predict({ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 });
    if (p.label !== "setosa") throw new Error("wrong label " + p.label);
    console.log(JSON.stringify({ start: t0, imported: t1, ready: t2, first: performance.now() }));`,
  ort: `
    const t0 = performance.now();
    const ort = await import("onnxruntime-web");
    const { readFileSync } = await import("node:fs");
    ort.env.wasm.numThreads = 1;
    const t1 = performance.now();
    const session = await ort.InferenceSession.create(readFileSync(${JSON.stringify(models + "iris/model.onnx")}));
    const t2 = performance.now();
    const out = await session.run({ X: new ort.Tensor("float32", Float32Array.of(5.1, 3.5, 1.4, 0.2), [1, 4]) });
    if (out.label.data[0] !== "setosa") throw new Error("wrong label " + out.label.data[0]);
    console.log(JSON.stringify({ start: t0, imported: t1, ready: t2, first: performance.now() }));`,
};

const child = (code) =>
  JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", code], { cwd: here("."), encoding: "utf8" }));

const times = { ours: [], ort: [] };
for (const k of Object.keys(children)) child(children[k]); // warm the OS file cache
for (let i = 0; i < runs; i++) for (const k of Object.keys(children)) times[k].push(child(children[k]));
const m = (k, field) => median(times[k].map((t) => t[field]));
const m2 = (k, a, b) => median(times[k].map((t) => t[b] - t[a]));
const row = (k, name) =>
  `| ${name} | ${m2(k, "start", "imported").toFixed(0)} | ${m2(k, "imported", "ready").toFixed(0)} | ${m2(k, "ready", "first").toFixed(1)} | ${m2(k, "start", "first").toFixed(0)} | ${(m2(k, "start", "first") / m2("ort", "start", "first")).toFixed(2)}× | ${m(k, "first").toFixed(0)} | ${(m(k, "first") / m("ort", "first")).toFixed(2)}× |`;
const table = [
  "| iris, fresh Node process (ms) | import | load, ready | first prediction | import to first prediction | ÷ onnxruntime-web | since process start | ÷ onnxruntime-web |",
  "|---|--:|--:|--:|--:|--:|--:|--:|",
  row("ort", "onnxruntime-web 1.30.0 (wasm, 1 thread): `import`, `InferenceSession.create(bytes)`, `run`"),
  row("ours", "sealed-onnx: `import`, `loadModel(bytes, { publicKey })` (verified, test vectors run), `predict`"),
  "",
  `Node ${process.version}; medians of ${runs} fresh processes per engine, taking turns (after one untimed run each to warm the file cache). "Since process start" is \`performance.now()\` in the child, so it includes Node's own start-up (${m("ours", "start").toFixed(0)} / ${m("ort", "start").toFixed(0)} ms here), which neither engine controls. Measured by \`bash bench/run.sh\`.`,
].join("\n");
console.log(table);
if (process.argv.includes("--write-readme")) {
  const readme = here("./README.md");
  const text = readFileSync(readme, "utf8");
  const re = /<!-- bench-cold:begin -->[\s\S]*<!-- bench-cold:end -->/;
  if (!re.test(text)) throw new Error("bench/README.md has no bench-cold markers");
  writeFileSync(readme, text.replace(re, `<!-- bench-cold:begin -->\n${table}\n<!-- bench-cold:end -->`));
}
