// The measurements of bench/kinds.mjs, shared by Node and headless Chromium: given both
// engines (the npm package's module and onnxruntime-web's) and one model kind's files, checks
// that the engines agree on every benchmark row, then times them taking turns. No Node or DOM
// APIs here, so the same code runs in both.

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const quantile = (v, q) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(v.length * q))];
const time = async (f) => { const t = performance.now(); await f(); return performance.now() - t; };

/**
 * The engines behind one interface: load, run a batch, read the batch as labels + numbers.
 * `threads`: onnxruntime-web's thread count (it must be set before its first session; ours
 * always runs on one); `ortThreads()` reads back what onnxruntime-web settled on, as it falls
 * back to one thread where threads are unavailable (a page that is not cross-origin isolated).
 */
export function engines(so, ort, publicKey, threads = 1) {
  ort.env.wasm.numThreads = threads;
  return {
    threads,
    ortThreads: () => ort.env.wasm.numThreads,
    ours: {
      load: (k) => so.loadModel(k.bundle, { publicKey }),
      free: (m) => m.dispose(),
      input: (k) => k.rows64,
      run: (m, data, rows) => m.predictBatch({ data, rows }),
      read: (b) => ({ labels: b.labels, numbers: b.probabilities ?? b.values ?? b.vectors }),
    },
    ort: {
      load: (k) => ort.InferenceSession.create(k.onnx),
      free: (s) => s.release(),
      input: (k) => k.rows32,
      run: (s, data, rows) => s.run({ [s.inputNames[0]]: new ort.Tensor("float32", data, [rows, data.length / rows]) }),
      read: function (out) {
        const names = Object.keys(out);
        return names.length === 2 ? { labels: out[names[0]].data, numbers: out[names[1]].data } : { labels: undefined, numbers: out[names[0]].data };
      },
    },
  };
}

/**
 * Checks that both engines give the same results on all `k.n` rows: labels equal (unless the
 * two best probabilities tie within 1e-5), numbers within 1e-4 + 1e-4·|x|. Returns the largest
 * absolute difference; throws with the first disagreement.
 */
export function compare(kind, a, b) {
  if (a.numbers.length !== b.numbers.length) throw new Error(`${kind}: ${a.numbers.length} numbers vs onnxruntime-web ${b.numbers.length}`);
  let worst = 0;
  for (let i = 0; i < a.numbers.length; i++) {
    const d = Math.abs(a.numbers[i] - b.numbers[i]);
    if (!(d <= 1e-4 + 1e-4 * Math.abs(b.numbers[i]))) throw new Error(`${kind}: number ${i} is ${a.numbers[i]}, onnxruntime-web ${b.numbers[i]}`);
    worst = Math.max(worst, d);
  }
  if (a.labels || b.labels) {
    const k = a.numbers.length / a.labels.length;
    for (let r = 0; r < a.labels.length; r++) {
      if (String(a.labels[r]) === String(b.labels[r])) continue;
      const p = [...b.numbers.slice(r * k, r * k + k)].sort((x, y) => y - x);
      if (p[0] - p[1] > 1e-5) throw new Error(`${kind}: row ${r} is ${a.labels[r]}, onnxruntime-web ${b.labels[r]}`);
    }
  }
  return worst;
}

/**
 * One kind, both engines: `k` = { kind, n, width, bundle, onnx, rows64, rows32 }; `counts` =
 * { loads, singles, budgetMs, maxRuns } (smoke: tiny). Returns the medians and the agreement.
 */
export async function measure(E, k, counts) {
  const names = ["ours", "ort"];
  const loads = { ours: [], ort: [] }, handle = {};
  for (let i = 0; i < counts.loads; i++) {
    for (const e of names) {
      if (handle[e]) await E[e].free(handle[e]);
      loads[e].push(await time(async () => { handle[e] = await E[e].load(k); }));
    }
  }
  // onnxruntime-web falls back to one thread silently: a pass asked for more must not.
  if (E.ortThreads() !== E.threads) throw new Error(`onnxruntime-web runs ${E.ortThreads()} thread(s), not the ${E.threads} asked for`);
  const results = {};
  for (const e of names) results[e] = E[e].read(await E[e].run(handle[e], E[e].input(k), k.n));
  const maxAbsDiff = compare(k.kind, results.ours, results.ort);
  const out = { kind: k.kind, n: k.n, width: k.width, maxAbsDiff, load: {}, p50: {}, p95: {}, rps64: {}, rps1000: {} };
  for (const e of names) out.load[e] = median(loads[e]);
  if (counts.smoke) {
    for (const e of names) await E[e].free(handle[e]);
    return out;
  }
  // Single rows, in turns of 20 calls each, after a warm-up.
  const one = {}, single = { ours: [], ort: [] };
  for (const e of names) one[e] = E[e].input(k).subarray(0, k.width);
  for (const e of names) for (let i = 0; i < 20; i++) await E[e].run(handle[e], one[e], 1);
  for (let block = 0; block < counts.singles / 20; block++) {
    for (const e of names) for (let i = 0; i < 20; i++) single[e].push(await time(() => E[e].run(handle[e], one[e], 1)));
  }
  for (const e of names) { out.p50[e] = median(single[e]); out.p95[e] = quantile(single[e], 0.95); }
  // Batches of 64 and of all rows: as many runs as fit the time budget (5 to maxRuns), after
  // warm-up runs, taking turns.
  for (const [rows, key] of [[64, "rps64"], [k.n, "rps1000"]]) {
    const data = {}, t = { ours: [], ort: [] };
    for (const e of names) data[e] = E[e].input(k).subarray(0, rows * k.width);
    let first = 0;
    for (const e of names) { await E[e].run(handle[e], data[e], rows); first += await time(() => E[e].run(handle[e], data[e], rows)); }
    const runs = Math.max(5, Math.min(counts.maxRuns, Math.round(counts.budgetMs / first)));
    for (let i = 0; i < Math.min(runs, 10); i++) for (const e of names) await E[e].run(handle[e], data[e], rows);
    for (let i = 0; i < runs; i++) for (const e of names) t[e].push(await time(() => E[e].run(handle[e], data[e], rows)));
    for (const e of names) out[key][e] = rows / (median(t[e]) / 1000);
  }
  for (const e of names) await E[e].free(handle[e]);
  return out;
}

/**
 * A cold start in a fresh page or process: import an engine, load one kind, predict one row.
 * Returns milliseconds from before the import to the engine being ready, and to the first
 * prediction; `after(engine, model)`, if given, runs after the clock stops.
 */
export async function cold(engine, importEngine, k, publicKey, after) {
  const t0 = performance.now();
  const mod = await importEngine();
  const E = engine === "ours" ? engines(mod, { env: { wasm: {} } }, publicKey).ours : engines(null, mod, publicKey).ort;
  const h = await E.load(k);
  const ready = performance.now();
  await E.run(h, E.input(k).subarray(0, k.width), 1);
  const first = performance.now();
  if (after) await after(E, h);
  return { ready: ready - t0, first: first - t0 };
}
