// The export corpus (tests/corpus/, models/corpus/generate.py) through the package's
// WebAssembly, in Node: every case must match onnxruntime as it does natively
// (tests/e2e/corpus.rs) — labels and integers exactly, scores within twice the case's
// tolerance (that file says why: the tolerance bounds onnxruntime's distance from
// scikit-learn's float64 scores, and an engine as close on the other side is twice as far).
// A final ZipMap's output (the default-option zipmap-* cases) is onnxruntime's sequence of
// maps: a list of {label: probability} objects, whose keys must come back in the same order.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const wasmDir = `${root}js/wasm/`;

test("every corpus case matches onnxruntime in wasm", async () => {
  assert.ok(existsSync(`${wasmDir}sealed_onnx_bg.wasm`), "build the wasm first: bash scripts/build-wasm.sh");
  const glue = await import(`${wasmDir}sealed_onnx.js`);
  // As the npm wrapper does (js/core.js): instantiate, then run the static constructors once.
  glue.initSync({ module: readFileSync(`${wasmDir}sealed_onnx_bg.wasm`) }).__wasm_call_ctors();
  const corpus = `${root}tests/corpus/`;
  const cases = readdirSync(corpus).filter((c) => existsSync(`${corpus}${c}/io.json`) && c !== "bench-forest").sort();
  assert.ok(cases.length >= 30, `only ${cases.length} corpus cases`);
  const problems = [];
  for (const name of cases) {
    const io = JSON.parse(readFileSync(`${corpus}${name}/io.json`, "utf8"));
    const { relative: rel = 1e-5, absolute: abs = 1e-6 } = io.tolerance ?? {};
    const [relative, absolute] = [2 * rel, 2 * abs];
    let got;
    try {
      got = JSON.parse(glue.runRaw(readFileSync(`${corpus}${name}/model.onnx`), JSON.stringify(io.inputs)));
    } catch (e) {
      problems.push(`${name}: ${e.message}`);
      continue;
    }
    const close = (x, y) => (x === null && y === null) || Math.abs(y - x) <= absolute + relative * Math.abs(x);
    for (const [output, expected] of Object.entries(io.onnxruntime)) {
      const g = got[output];
      if (!g) { problems.push(`${name}: no output ${output}`); continue; }
      if (Array.isArray(expected)) {
        if (!Array.isArray(g) || g.length !== expected.length) { problems.push(`${name}.${output}: not ${expected.length} maps`); continue; }
        const bad = expected.findIndex((row, r) => {
          const keys = Object.keys(row);
          return keys.join("\u0000") !== Object.keys(g[r]).join("\u0000") || keys.some((k) => !close(row[k], g[r][k]));
        });
        if (bad >= 0) problems.push(`${name}.${output}[${bad}]: got ${JSON.stringify(g[bad])}, onnxruntime ${JSON.stringify(expected[bad])}`);
        continue;
      }
      const e = [expected.data].flat(Infinity), a = [g.data].flat(Infinity);
      if (e.length !== a.length) { problems.push(`${name}.${output}: ${a.length} values, onnxruntime ${e.length}`); continue; }
      const float = expected.dtype.startsWith("float");
      const bad = e.findIndex((x, i) => float ? !close(x, a[i]) : a[i] !== x);
      if (bad >= 0) problems.push(`${name}.${output}[${bad}]: got ${a[bad]}, onnxruntime ${e[bad]}`);
    }
  }
  assert.deepEqual(problems, [], `${problems.length} corpus case(s) differ in wasm`);
});
