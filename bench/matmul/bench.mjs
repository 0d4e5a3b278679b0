// Micro-benchmark of one product Y = Relu(X·W + b) in wasm, in Node: tract's optimised plan
// (as src/engine builds it) and the register-blocked kernels of src/kernel.rs, each in one or
// more builds of this crate, against onnxruntime-web 1.30.0 (wasm, one thread) on the same
// ONNX graph (make_layers.py). Checks every engine's output against onnxruntime-web's first.
//
//   node bench/matmul/bench.mjs label=path/to.wasm [label2=other.wasm …] [--shapes 64x256,…]
//        [--rows 1000,1] [--kernels 4x8,6x8,…] [--rounds 7]
//
// Prints G multiply-adds per second (median over rounds, the engines taking turns) and each
// engine's ratio to onnxruntime-web.
import { readFileSync } from "node:fs";

const here = (p) => new URL(p, import.meta.url);
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1] : dflt;
};
const shapes = opt("shapes", "64x256,256x256,512x512,256x10").split(",").map((s) => s.split("x").map(Number));
const rowsList = opt("rows", "1000,1").split(",").map(Number);
// mr/pb: row tile of mr rows × 8 columns, panels in blocks of pb (0: all panels at once).
const kernels = opt("kernels", "4/0,6/0,8/0,6/8,8/8").split(",").map((s) => s.split("/").map(Number));
const rounds = Number(opt("rounds", "7"));
const builds = args.map((a) => a.split("="));

const ort = await import("onnxruntime-web");
ort.env.wasm.numThreads = 1;

function instantiate(path) {
  const module = new WebAssembly.Module(readFileSync(path));
  const imports = {};
  for (const i of WebAssembly.Module.imports(module)) {
    imports[i.module] ??= {};
    imports[i.module][i.name] = () => {
      throw new Error(`${i.name} called`);
    };
  }
  return new WebAssembly.Instance(module, imports).exports;
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const rand = (n, seed) => {
  let s = seed;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
};

const wasms = builds.map(([label, path]) => ({ label, ex: instantiate(path) }));

for (const [k, n] of shapes) {
  const name = `layer_${k}x${n}`;
  const onnx = readFileSync(here(`data/${name}.onnx`));
  const f32 = (file) => {
    const buf = readFileSync(here(`data/${file}`));
    return new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4).slice();
  };
  const w = f32(`${name}.w.f32`);
  const b = f32(`${name}.b.f32`);
  const session = await ort.InferenceSession.create(onnx);
  for (const rows of rowsList) {
    const x = rand(rows * k, 7 + rows);
    const engines = [];
    engines.push({
      label: "onnxruntime-web",
      run: async () => (await session.run({ X: new ort.Tensor("float32", x, [rows, k]) })).Y.data,
    });
    for (const { label, ex } of wasms) {
      const mem = () => new Float32Array(ex.memory.buffer);
      const put = (arr) => {
        const p = ex.alloc_f32(arr.length);
        mem().set(arr, p / 4);
        return p;
      };
      const pb = ex.alloc_u8(onnx.length);
      new Uint8Array(ex.memory.buffer).set(onnx, pb);
      const plan = ex.tract_new(pb, onnx.length, k);
      if (!plan) throw new Error(`${label}: tract could not load ${name}`);
      const px = put(x);
      const py = ex.alloc_f32(rows * n);
      const read = () => mem().slice(py / 4, py / 4 + rows * n);
      engines.push({ label: `${label} tract`, run: () => (ex.tract_run(plan, px, rows, k, py), read()) });
      const pw = put(w);
      const pbias = put(b);
      const packed = ex.ours_new(pw, pbias, k, n, 1);
      for (const [mr, pb] of kernels) {
        engines.push({ label: `${label} ours ${mr}x8/${pb}`, run: () => (ex.ours_run(packed, mr, pb || 1e9, px, rows, py), read()) });
      }
    }
    const want = await engines[0].run();
    for (const e of engines.slice(1)) {
      const got = await e.run();
      let diff = 0;
      for (let i = 0; i < want.length; i++) diff = Math.max(diff, Math.abs(got[i] - want[i]));
      if (!(diff <= 1e-4 + 1e-4 * 10)) throw new Error(`${e.label} on ${name} × ${rows} rows: differs by ${diff}`);
    }
    // Each round: every engine runs a timed batch of calls lasting ~30 ms, in turns.
    const reps = new Map();
    for (const e of engines) {
      let r = 1;
      for (;;) {
        const t0 = performance.now();
        for (let i = 0; i < r; i++) await e.run();
        if (performance.now() - t0 > 30) break;
        r *= 2;
      }
      reps.set(e, r);
    }
    const times = new Map(engines.map((e) => [e, []]));
    for (let round = 0; round < rounds; round++) {
      for (const e of engines) {
        const r = reps.get(e);
        const t0 = performance.now();
        for (let i = 0; i < r; i++) await e.run();
        times.get(e).push((performance.now() - t0) / r);
      }
    }
    const madds = rows * k * n;
    const ortMs = median(times.get(engines[0]));
    console.log(`\n${rows} × ${k}·${k}×${n} (+b, Relu): ${(madds / 1e6).toFixed(2)} M multiply-adds`);
    for (const e of engines) {
      const ms = median(times.get(e));
      console.log(
        `  ${e.label.padEnd(24)} ${ms.toFixed(4).padStart(9)} ms  ${(madds / ms / 1e6).toFixed(2).padStart(6)} G/s  ours÷ort time ${(ms / ortMs).toFixed(2)}`,
      );
    }
  }
}
