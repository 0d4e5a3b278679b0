// Five model kinds (bench/make_kinds.py), both engines side by side, in Node and in headless
// Chromium: the npm package from js/ (verified with the demo key) against onnxruntime-web
// 1.30.0 (wasm, one thread), taking turns. Per kind: load, cold ready (fresh processes / fresh
// browser contexts), batch-1 p50/p95, rows/s at 64 and 1000 rows, peak memory (Node), the
// largest difference between the engines (asserted small on every row), and once the size of
// what each package loads in the browser. Then the warm measures again with onnxruntime-web on
// two threads (bench/kinds-threaded.mjs in Node; a cross-origin isolated page), reported apart,
// and each package's install footprint (bench/footprint.mjs). Prints Markdown tables;
// --write-readme replaces the bench-kinds markers in bench/README.md and writes bench/kinds.svg.
// --smoke: tiny counts, only checks that the engines agree on every kind (Node and Chromium,
// onnxruntime-web on one and on two threads).
// Run through bench/run.sh, which generates, packs and signs the kinds first.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { cpus, loadavg } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

import { cold, engines, measure } from "./kinds-core.mjs";
import { footprint, footprintTable } from "./footprint.mjs";
import { dataDir, loadKind } from "./kinds-node.mjs";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const smoke = process.argv.includes("--smoke");
// --only=hgb,forest: just these kinds; --node-only: the Node measurements only, printed as one
// short table (no cold runs, no Chromium, no README): for checking one change quickly.
const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7).split(",");
const nodeOnly = process.argv.includes("--node-only");
const KINDS = ["iris", "forest", "mlp", "dense", "hgb"].filter((k) => !only || only.includes(k));
const LABEL = {
  iris: "iris: StandardScaler + LogisticRegression (4 features, 3 classes)",
  forest: "random forest: 100 trees, depth 12, 32 features",
  mlp: "MLP 256×256, 64 features, 10 classes",
  dense: "dense: 4 × (MatMul 512×512 + Relu), a 512-vector per row",
  hgb: "HistGradientBoostingRegressor: 200 iterations, 20 features",
};
const counts = smoke ? { smoke: true, loads: 1 } : { loads: 5, singles: 200, budgetMs: 1500, maxRuns: 30 };
const coldRuns = smoke ? 0 : 3;
const publicKey = readFileSync(here("../models/keys/demo-public-key.pem"), "utf8");
const load = (kind) => loadKind(kind, smoke ? 100 : Infinity);

// ---- Node
const log = (s) => process.stderr.write(s + "\n");
const so = await import(new URL("../js/index.js", import.meta.url).href);
const ort = await import("onnxruntime-web");
const E = engines(so, ort, publicKey);
const node = {};
for (const kind of KINDS) {
  node[kind] = await measure(E, load(kind), counts);
  log(`node ${kind}: engines agree (max abs difference ${node[kind].maxAbsDiff.toExponential(2)})`);
}
if (nodeOnly) {
  const r = (o, m) => `${o[m].ours.toFixed(m === "p50" ? 4 : 0)} | ${o[m].ort.toFixed(m === "p50" ? 4 : 0)} | ${(o[m].ours / o[m].ort).toFixed(2)}×`;
  console.log("| Node | rows/s @1000: ours | ort | ours ÷ ort | rows/s @64: ours | ort | ours ÷ ort | one row p50 (ms): ours | ort | ours ÷ ort |");
  console.log("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
  for (const k of KINDS) console.log(`| ${k} | ${r(node[k], "rps1000")} | ${r(node[k], "rps64")} | ${r(node[k], "p50")} |`);
  console.log(`(${new Date().toISOString().slice(0, 16)} UTC, load average ${loadavg()[0].toFixed(1)}, Node ${process.version})`);
  process.exit(0);
}

// Cold start and peak memory: one fresh `node` process per run, engines taking turns. The child
// imports the engine, loads the kind, predicts one row (cold), then a batch of every row, and
// reports its peak resident set (maxRSS).
const coldChild = (engine, kind) => `
  const { cold } = await import(${JSON.stringify(new URL("./kinds-core.mjs", import.meta.url).href)});
  const { loadKind } = await import(${JSON.stringify(new URL("./kinds-node.mjs", import.meta.url).href)});
  const { readFileSync } = await import("node:fs");
  const k = loadKind(${JSON.stringify(kind)});
  // VmHWM: this process's peak resident set (getrusage's maxRSS would carry over the parent's).
  const hwm = () => Number(/VmHWM:[ \t]+([0-9]+)/.exec(readFileSync("/proc/self/status", "utf8"))[1]);
  const before = hwm();
  const importEngine = ${engine === "ours" ? `() => import(${JSON.stringify(new URL("../js/index.js", import.meta.url).href)})` : `() => import("onnxruntime-web")`};
  const t = await cold(${JSON.stringify(engine)}, importEngine, k, ${JSON.stringify(publicKey)}, (E, h) => E.run(h, E.input(k), k.n));
  console.log(JSON.stringify({ ...t, before, maxRSS: hwm() }));`;
const child = (code) => JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", code], { cwd: here("."), encoding: "utf8", maxBuffer: 1 << 20 }));
const nodeCold = {};
for (const kind of KINDS) {
  if (!coldRuns) break;
  const runs = { ours: [], ort: [] };
  for (const e of ["ours", "ort"]) child(coldChild(e, kind)); // warm the file cache
  for (let i = 0; i < coldRuns; i++) for (const e of ["ours", "ort"]) runs[e].push(child(coldChild(e, kind)));
  nodeCold[kind] = Object.fromEntries(["ours", "ort"].map((e) => [e, {
    ready: median(runs[e].map((r) => r.ready)), first: median(runs[e].map((r) => r.first)),
    rss: median(runs[e].map((r) => r.maxRSS)) / 1024, base: median(runs[e].map((r) => r.before)) / 1024,
  }]));
  log(`node cold ${kind}: ready ${nodeCold[kind].ours.ready.toFixed(0)} vs ${nodeCold[kind].ort.ready.toFixed(0)} ms`);
}

// Two threads for onnxruntime-web (ours has no threaded build: it runs on one), in a fresh
// process because onnxruntime-web fixes its thread count at its first session. Reported apart.
const THREADS = 2;
const nodeThreaded = JSON.parse(execFileSync(process.execPath, [here("./kinds-threaded.mjs"),
  JSON.stringify({ kinds: KINDS, threads: THREADS, maxRows: smoke ? 100 : null, counts, publicKey })], { cwd: here("."), encoding: "utf8", maxBuffer: 1 << 20 }));
for (const kind of KINDS) log(`node, onnxruntime-web on ${THREADS} threads, ${kind}: engines agree (max abs difference ${nodeThreaded[kind].maxAbsDiff.toExponential(2)})`);

// ---- Chromium: the same measurements in a page, served from 127.0.0.1.
const MIME = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };
const mounts = { "/js/": here("../js/"), "/ort/": here("./node_modules/onnxruntime-web/dist/"), "/data/": dataDir, "/bench/": here("./") };
// Cross-origin isolated, so that performance.now() has 5 µs resolution in the page rather than
// 100 µs (a one-row prediction takes tens of µs). onnxruntime-web still runs one thread.
const ISOLATED = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };
const served = [];
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  if (path === "/") return res.writeHead(200, { "Content-Type": "text/html", ...ISOLATED }).end("<!doctype html><title>bench</title>");
  const prefix = Object.keys(mounts).find((p) => path.startsWith(p));
  const file = prefix && normalize(join(mounts[prefix], path.slice(prefix.length)));
  if (!file || !file.startsWith(mounts[prefix]) || !existsSync(file)) return res.writeHead(404).end();
  served.push(file);
  const body = readFileSync(file);
  res.writeHead(200, { "Content-Type": MIME[extname(file)] ?? "application/octet-stream", "Content-Length": body.length, "Cache-Control": "no-store", ...ISOLATED }).end(body);
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const origin = `http://127.0.0.1:${server.address().port}`;
const { chromium } = await import("playwright-core");
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium", headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const browserVersion = browser.version();
const inPage = async (page, fn, arg) => {
  await page.goto(origin + "/");
  return page.evaluate(fn, arg);
};
// Page side: fetch one kind's files, as load() does in Node.
const pageSetup = async ({ kind, smoke, publicKey }) => {
  const get = async (p) => new Uint8Array(await (await fetch(`/data/${kind}/${p}`)).arrayBuffer());
  const shape = await (await fetch(`/data/${kind}/rows.json`)).json();
  const rows32all = new Float32Array((await get("rows.f32")).buffer);
  const n = smoke ? Math.min(shape.rows, 100) : shape.rows;
  const rows32 = rows32all.subarray(0, n * shape.width);
  window.benchKind = { kind, n, width: shape.width, bundle: await get("model.sonnx"), onnx: await get("model.onnx"), rows32, rows64: Float64Array.from(rows32) };
  window.benchKey = publicKey;
};
// Every kind in one fresh browser context, onnxruntime-web on `threads` threads (the page is
// cross-origin isolated, so it can start workers).
const chromeMeasure = async (threads) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(origin + "/");
  if (!(await page.evaluate(() => crossOriginIsolated))) throw new Error("the page is not cross-origin isolated (coarse timers, no threads)");
  const results = {};
  for (const kind of KINDS) {
    await page.evaluate(pageSetup, { kind, smoke, publicKey });
    results[kind] = await page.evaluate(async ({ counts, threads }) => {
      const core = await import("/bench/kinds-core.mjs");
      const so = await import("/js/index.js");
      const ort = await import("/ort/ort.wasm.min.mjs");
      ort.env.wasm.wasmPaths = "/ort/";
      return core.measure(core.engines(so, ort, window.benchKey, threads), window.benchKind, counts);
    }, { counts, threads }).catch((e) => { throw new Error(`Chromium, ${kind}, ${threads} thread(s): ${e.message}`); });
    log(`chromium${threads > 1 ? `, onnxruntime-web on ${threads} threads,` : ""} ${kind}: engines agree (max abs difference ${results[kind].maxAbsDiff.toExponential(2)})`);
  }
  if (errors.length) throw new Error(`Chromium page errors: ${errors.join("; ")}`);
  await context.close();
  return results;
};
const chrome = await chromeMeasure(1);
const chromeThreaded = await chromeMeasure(THREADS);
const chromeCold = {}, sizes = {};
// Cold: a new browser context (empty caches) per run, engines taking turns; what the first
// run of each engine fetched is its size.
const importers = {
  ours: () => import("/js/index.js"),
  ort: async () => { const ort = await import("/ort/ort.wasm.min.mjs"); ort.env.wasm.wasmPaths = "/ort/"; return ort; },
};
for (const kind of KINDS) {
  if (!coldRuns) break;
  const runs = { ours: [], ort: [] };
  for (let i = 0; i < coldRuns + 1; i++) {
    for (const e of ["ours", "ort"]) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await inPage(page, pageSetup, { kind, smoke: true, publicKey });
      const start = served.length;
      const t = await page.evaluate(async ({ engine, importer }) => {
        const core = await import("/bench/kinds-core.mjs");
        return core.cold(engine, new Function(`return (${importer})()`), window.benchKind, window.benchKey);
      }, { engine: e, importer: importers[e].toString() });
      if (!sizes[e]) sizes[e] = [...new Set(served.slice(start))].filter((f) => !f.endsWith("kinds-core.mjs"));
      await context.close();
      if (i > 0) runs[e].push(t); // the first run of each only warms the OS file cache
    }
  }
  chromeCold[kind] = Object.fromEntries(["ours", "ort"].map((e) => [e, { ready: median(runs[e].map((r) => r.ready)), first: median(runs[e].map((r) => r.first)) }]));
  log(`chromium cold ${kind}: ready ${chromeCold[kind].ours.ready.toFixed(0)} vs ${chromeCold[kind].ort.ready.toFixed(0)} ms`);
}
await browser.close();
server.close();
if (smoke) {
  console.log(`smoke: both engines agree on ${KINDS.join(", ")} in Node and Chromium ${browserVersion}, onnxruntime-web on 1 and ${THREADS} threads`);
  process.exit(0);
}

// ---- Tables
const fmt = (x, d = 1) => (x == null || Number.isNaN(x) ? "–" : x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: Math.min(d, x < 10 ? d : 0) }));
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
// `warm`: the Node and Chromium measurements (one thread, or onnxruntime-web on two); `ortName`
// heads its columns.
const table = (title, better, get, d, warm = [node, chrome], ortName = "onnxruntime-web") => [
  `| ${title} (${better}) | Node: ours | Node: ${ortName} | ours ÷ ort | Chromium: ours | Chromium: ${ortName} | ours ÷ ort |`,
  "|---|--:|--:|--:|--:|--:|--:|",
  ...KINDS.map((k) => {
    const [n, c] = [warm[0][k], warm[1][k]];
    const [no, nr, co, cr] = [get(n, nodeCold[k], "ours"), get(n, nodeCold[k], "ort"), get(c, chromeCold[k], "ours"), get(c, chromeCold[k], "ort")];
    return `| ${LABEL[k]} | ${fmt(no, d)} | ${fmt(nr, d)} | ${ratio(no, nr)} | ${fmt(co, d)} | ${fmt(cr, d)} | ${ratio(co, cr)} |`;
  }),
].join("\n");
const lower = "ms, lower is better", higher = "higher is better";
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const sizeRow = (e, name) => {
  const t = [0, 0, 0];
  for (const f of sizes[e]) {
    const b = readFileSync(f);
    t[0] += b.length; t[1] += gzipSync(b, { level: 9 }).length;
    t[2] += brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return `| ${name} | ${sizes[e].map((f) => `\`${f.split("/").pop()}\``).join(", ")} | ${t.map(kb).join(" | ")} |`;
};
const sizeTable = () => ["| what the page fetched to import the engine (no model) | files | raw | gzip -9 | brotli 11 |", "|---|---|--:|--:|--:|",
  sizeRow("ort", "onnxruntime-web 1.30.0 (`ort.wasm.min.mjs`)"), sizeRow("ours", "sealed-onnx (`js/index.js`)")].join("\n");
const memTable = ["| peak memory, fresh Node process: import, load, one prediction, a batch of 1000 rows (MiB, peak resident set VmHWM, lower is better) | ours | onnxruntime-web | ours ÷ ort |", "|---|--:|--:|--:|",
  ...KINDS.map((k) => `| ${LABEL[k]} | ${fmt(nodeCold[k].ours.rss, 0)} | ${fmt(nodeCold[k].ort.rss, 0)} | ${ratio(nodeCold[k].ours.rss, nodeCold[k].ort.rss)} |`)].join("\n");
const diffTable = ["| largest absolute difference between the engines, every row (asserted ≤ 1e-4 + 1e-4·\\|x\\|) | Node | Chromium |", "|---|--:|--:|",
  ...KINDS.map((k) => `| ${LABEL[k]} | ${node[k].maxAbsDiff.toExponential(1)} | ${chrome[k].maxAbsDiff.toExponential(1)} |`)].join("\n");
const when = new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC";
const machine = `${cpus().length} × ${cpus()[0]?.model?.trim() ?? "CPU"}, load average ${loadavg()[0].toFixed(1)} at the end`;
const oneThread = [
  table("load to ready: `loadModel(bytes, { publicKey })` / `InferenceSession.create(bytes)`", lower, (r, c, e) => r.load[e], 1),
  table("cold ready: import + load in a fresh process / browser context", lower, (r, c, e) => c[e].ready, 0),
  table("cold, to the first prediction", lower, (r, c, e) => c[e].first, 0),
  table("one row, p50", lower, (r, c, e) => r.p50[e], 3),
  table("one row, p95", lower, (r, c, e) => r.p95[e], 3),
  table("rows/s, batches of 64", higher, (r, c, e) => r.rps64[e], 0),
  table("rows/s, batches of 1000", higher, (r, c, e) => r.rps1000[e], 0),
  memTable, diffTable, sizeTable(),
].join("\n\n") + `\n\nMeasured ${when} on ${machine} (the run's own browser and engines count in it; anything else running makes single numbers noisy); Node ${process.version}, Chromium ${browserVersion} (headless, /usr/bin/chromium via playwright-core; the page cross-origin isolated for 5 µs timers). Ours is the npm package from \`js/\` (\`predictBatch({ data: Float64Array, rows })\`, signature verified at load, the bundle's test vectors run); onnxruntime-web 1.30.0 is wasm with one thread (\`session.run\` on a float32 tensor). Load: median of ${counts.loads} loads each; one row: ${counts.singles} calls each in turns of 20, after 20 warm-up calls; rows/s: the median batch of 5–${counts.maxRuns} (as many as fit ${counts.budgetMs / 1000} s) after warm-up; cold: median of ${coldRuns} fresh Node processes / browser contexts per engine after one untimed run each; peak memory includes Node's own (~${fmt(nodeCold.iris.ours.base, 0)} MiB before the import); Chromium's memory is not measured. Every measurement takes turns between the engines. One command: \`bash bench/run.sh\`.`;
const threaded = [nodeThreaded, chromeThreaded];
const ortOn = `onnxruntime-web, ${THREADS} threads`;
const threadTables = [
  "**onnxruntime-web on two threads** (reported apart; sealed-onnx has no threaded build and runs on one thread in both):",
  table("one row, p50", lower, (r, c, e) => r.p50[e], 3, threaded, ortOn),
  table("rows/s, batches of 64", higher, (r, c, e) => r.rps64[e], 0, threaded, ortOn),
  table("rows/s, batches of 1000", higher, (r, c, e) => r.rps1000[e], 0, threaded, ortOn),
  ["| onnxruntime-web's own speed-up from 1 to 2 threads, rows/s at 1000 (the same run) | Node | Chromium |", "|---|--:|--:|",
    ...KINDS.map((k) => `| ${LABEL[k]} | ${ratio(nodeThreaded[k].rps1000.ort, node[k].rps1000.ort)} | ${ratio(chromeThreaded[k].rps1000.ort, chrome[k].rps1000.ort)} |`)].join("\n"),
  `Same counts as above, in a fresh Node process and a fresh browser context (cross-origin isolated, so onnxruntime-web can start its worker), with \`ort.env.wasm.numThreads = ${THREADS}\` set before its first session and checked after each kind (it falls back to one thread silently where threads are unavailable); the engines again take turns and agree on every row. On this ${cpus().length}-core machine the second thread competes with the benchmark's own process and the browser.`,
].join("\n\n");
const tables = [oneThread, threadTables, footprintTable(footprint()), "The tarball is what `npm pack` writes (ours from `js/`, as it would be published; onnxruntime-web's is the one on the registry); packages, files and bytes are counted under `node_modules` after `npm install <tarball>` into an empty project (dependencies included, symlinks not)."].join("\n\n");
console.log(tables);

// ---- Chart: speed-ups (above 1: ours is faster), log scale.
function chart() {
  const measures = [["load", (r, c, e) => 1 / r.load[e]], ["cold ready", (r, c, e) => 1 / c[e].ready], ["one row p50", (r, c, e) => 1 / r.p50[e]],
    ["rows/s @64", (r, c, e) => r.rps64[e]], ["rows/s @1000", (r, c, e) => r.rps1000[e]]];
  const envs = [["Node", node, nodeCold, "#3b6ea5"], ["Chromium", chrome, chromeCold, "#e08a2c"]];
  const rowH = 11, groupGap = 14, left = 260, width = 760, plotW = width - left - 30;
  const lo = Math.log(1 / 16), hi = Math.log(16);
  const x = (v) => left + ((Math.min(hi, Math.max(lo, Math.log(v))) - lo) / (hi - lo)) * plotW;
  const parts = [];
  let y = 40;
  for (const k of KINDS) {
    parts.push(`<text x="8" y="${y + 10}" font-weight="bold">${LABEL[k].replace(/&/g, "&amp;").replace(/</g, "&lt;")}</text>`);
    y += 16;
    for (const [mname, get] of measures) {
      parts.push(`<text x="20" y="${y + rowH + 3}">${mname}</text>`);
      for (const [ename, r, c, color] of envs) {
        const v = get(r[k], c[k], "ours") / get(r[k], c[k], "ort");
        const x1 = x(1), x2 = x(v);
        parts.push(`<rect x="${Math.min(x1, x2).toFixed(1)}" y="${y}" width="${Math.abs(x2 - x1).toFixed(1)}" height="${rowH - 2}" fill="${color}"><title>${k} ${mname} ${ename}: ${v.toFixed(2)}×</title></rect>`);
        parts.push(`<text x="${(Math.max(x1, x2) + 3).toFixed(1)}" y="${y + rowH - 3}" font-size="9">${v.toFixed(2)}×</text>`);
        y += rowH;
      }
    }
    y += groupGap;
  }
  const ticks = [1 / 16, 1 / 8, 1 / 4, 1 / 2, 1, 2, 4, 8, 16].map((t) => `<line x1="${x(t)}" y1="30" x2="${x(t)}" y2="${y}" stroke="${t === 1 ? "#000" : "#ddd"}"/><text x="${x(t)}" y="${y + 12}" text-anchor="middle" font-size="10">${t < 1 ? `1/${1 / t}` : t}×</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 54}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="#fff"/>
<text x="8" y="16" font-size="13" font-weight="bold">sealed-onnx ÷ onnxruntime-web 1.30.0: speed-up (right of 1×: ours faster; log scale)</text>
<rect x="8" y="22" width="10" height="8" fill="#3b6ea5"/><text x="22" y="30">Node</text><rect x="68" y="22" width="10" height="8" fill="#e08a2c"/><text x="82" y="30">Chromium</text>
${ticks.join("\n")}
${parts.join("\n")}
<text x="8" y="${y + 30}" font-size="10">${when}, ${machine}; bash bench/run.sh.</text>
<text x="8" y="${y + 44}" font-size="10">Time measures are inverted (onnxruntime-web's ms ÷ ours), so every bar reads the same way.</text>
</svg>
`;
}
if (process.argv.includes("--write-readme")) {
  writeFileSync(here("./kinds.svg"), chart());
  const path = here("./README.md");
  const text = readFileSync(path, "utf8");
  const re = /<!-- bench-kinds:begin -->[\s\S]*<!-- bench-kinds:end -->/;
  if (!re.test(text)) throw new Error("bench/README.md has no bench-kinds markers");
  writeFileSync(path, text.replace(re, `<!-- bench-kinds:begin -->\n${tables}\n<!-- bench-kinds:end -->`));
}
