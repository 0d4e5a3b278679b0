// The packed npm package in a Vite app with no Vite configuration at all: `vite build`,
// serve dist/, open it in headless Chromium; then the same app under `vite` (dev server).
// Run: node --test pkg-tests/vite/

import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";

import { installPackage } from "../lib/install.mjs";
import { launchChromium, modelsDir, startServer, watchPage } from "../browser/harness.mjs";

const run = promisify(execFile);

const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>sealed-onnx + Vite</title>
<link rel="icon" href="data:,">
</head>
<body>
<p>Main thread: <output id="label" data-state="loading">loading…</output></p>
<p>Worker: <output id="worker-label" data-state="loading">loading…</output></p>
<script type="module" src="/main.js"></script>
</body>
</html>
`;

const MAIN_JS = `import { loadModel } from "sealed-onnx";

const flower = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };

async function show(id, options) {
  const out = document.getElementById(id);
  try {
    const publicKey = await (await fetch("/demo-public-key.pem")).text();
    const model = await loadModel("/iris-1.0.0.sonnx", { publicKey, ...options });
    const prediction = await model.predict(flower);
    out.textContent = prediction.label;
    out.dataset.state = "done";
  } catch (error) {
    out.textContent = "error: " + error.name + ": " + error.message;
    out.dataset.state = "error";
    console.error(error);
  }
}

show("label", {});
show("worker-label", { worker: true });
`;

let app;
let dist;
let build;
let server;
let browser;

before(async () => {
  const { dir } = await installPackage("vite", { extraDependencies: ["vite@^8"] });
  app = dir;
  writeFileSync(join(app, "index.html"), INDEX_HTML);
  writeFileSync(join(app, "main.js"), MAIN_JS);
  mkdirSync(join(app, "public"), { recursive: true });
  copyFileSync(join(modelsDir, "iris-1.0.0.sonnx"), join(app, "public/iris-1.0.0.sonnx"));
  copyFileSync(join(modelsDir, "keys/demo-public-key.pem"), join(app, "public/demo-public-key.pem"));
  const t0 = Date.now();
  build = await run(process.execPath, [join(app, "node_modules/vite/bin/vite.js"), "build"], {
    cwd: app,
    env: { ...process.env, NO_COLOR: "1", CI: "1" },
    maxBuffer: 16 << 20,
  });
  build.ms = Date.now() - t0;
    dist = join(app, "dist");
  server = await startServer({ "/": dist });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The two outputs once both have settled (a prediction or an error message). */
async function labels(page) {
  await page.waitForFunction(
    () => [...document.querySelectorAll("output")].every((o) => o.dataset.state !== "loading"),
    null,
    { timeout: 60_000 },
  );
  return { label: await page.textContent("#label"), worker: await page.textContent("#worker-label") };
}

function freePort() {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.on("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
  });
}

function files(dir, prefix = "") {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

describe("sealed-onnx in a Vite app (no Vite config): production build and dev server", () => {
  it("emits the package's .wasm as an asset the built code points at", (t) => {
    t.diagnostic(`vite build took ${build.ms} ms`);
    const built = files(dist);
    const wasm = built.filter((f) => f.endsWith(".wasm"));
    assert.equal(wasm.length, 1, `one .wasm in dist/: ${built.join(", ")}`);
    const shipped = statSync(join(app, "node_modules/sealed-onnx/wasm/sealed_onnx_bg.wasm")).size;
    assert.equal(statSync(join(dist, wasm[0])).size, shipped, "the asset is the package's wasm, unchanged");
    const wasmName = wasm[0].split("/").at(-1);
    const js = built.filter((f) => f.endsWith(".js")).map((f) => readFileSync(join(dist, f), "utf8")).join("\n");
    assert.ok(js.includes(wasmName), `the built JavaScript refers to ${wasmName}`);
    assert.ok(built.includes("iris-1.0.0.sonnx") && built.includes("demo-public-key.pem"), "public/ is copied");
    const output = build.stdout + build.stderr;
    assert.doesNotMatch(output, /error/i, `vite build output:\n${output}`);
  });

  it("the built app loads the verified model and shows the prediction", async () => {
    const page = await browser.context.newPage();
    const watch = watchPage(page);
    await page.goto(server.url("/"));
    assert.equal((await labels(page)).label, "setosa");
    const wasmRequests = server.requests.filter((r) => r.path.endsWith(".wasm"));
    assert.ok(wasmRequests.length >= 1, "the wasm came from dist/assets");
    assert.ok(
      server.requests.every((r) => r.status === 200),
      `every request succeeded: ${JSON.stringify(server.requests.filter((r) => r.status !== 200))}`,
    );
    assert.deepEqual(watch.problems(), []);
    await page.close();
  });

  it("worker: true works in the built app too", async () => {
    const page = await browser.context.newPage();
    const watch = watchPage(page);
    await page.goto(server.url("/"));
    assert.deepEqual(await labels(page), { label: "setosa", worker: "setosa" });
    assert.deepEqual(watch.problems(), []);
    await page.close();
  });

  it("the same app works under the Vite dev server (no config either)", async () => {
    const port = await freePort();
    const dev = spawn(
      process.execPath,
      [join(app, "node_modules/vite/bin/vite.js"), "--host", "127.0.0.1", "--port", String(port), "--strictPort"],
      { cwd: app, env: { ...process.env, NO_COLOR: "1", CI: "1" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    dev.stdout.on("data", (d) => (output += d));
    dev.stderr.on("data", (d) => (output += d));
    try {
      await new Promise((ready, fail) => {
        const timer = setTimeout(() => fail(new Error(`vite dev did not start:\n${output}`)), 60_000);
        const check = () => {
          if (output.includes(`127.0.0.1:${port}`)) {
            clearTimeout(timer);
            ready();
          }
        };
        dev.stdout.on("data", check);
        dev.on("exit", (code) => fail(new Error(`vite dev exited with ${code}:\n${output}`)));
      });
      const page = await browser.context.newPage();
      const watch = watchPage(page);
      await page.goto(`http://127.0.0.1:${port}/`);
      assert.deepEqual(await labels(page), { label: "setosa", worker: "setosa" }, output);
      assert.deepEqual(watch.problems(), []);
      await page.close();
    } finally {
      dev.kill();
    }
  });
});
