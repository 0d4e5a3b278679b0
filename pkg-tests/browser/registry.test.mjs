// Loading by channel from a registry folder in real headless Chromium (the packed tarball,
// no bundler): the registry is made by the real CLI and served statically; promotion and
// rollback are followed; a replayed older index is refused in the same page and, after a
// reload, against the copy in Cache Storage; a tampered index, a swapped bundle and a missing
// version are refused with their check; with the network dead, the cached index and bundle
// load verified. Then: a history entry removed or reordered (readRegistry), a channel pointing
// at an unlisted version, an index older than minSequence, and a migrated record marked in a
// worker. Run: node --test pkg-tests/browser/registry.test.mjs

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { sign } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";

import { installPackage, repoRoot } from "../lib/install.mjs";
import { dropConnection, launchChromium, modelsDir, serveBytes, startServer, watchPage } from "./harness.mjs";
import { TEST_PAGE } from "./pages.mjs";

let server;
let browser;
let work;
let cli;
const PRIVATE = join(modelsDir, "keys/demo-private-key.DO-NOT-USE.pem");

function findCli() {
  if (process.env.SEALED_ONNX_CLI) return process.env.SEALED_ONNX_CLI;
  for (const p of ["target/debug/sealed-onnx", "target/release/sealed-onnx"]) {
    if (existsSync(join(repoRoot, p))) return join(repoRoot, p);
  }
  execFileSync("cargo", ["build", "--quiet", "--bin", "sealed-onnx"], { cwd: repoRoot, stdio: "inherit" });
  return join(repoRoot, "target/debug/sealed-onnx");
}

const run = (...args) => execFileSync(cli, args, { env: { ...process.env, RUST_BACKTRACE: "0" } }).toString();
const registry = (...args) => run(...args, "--registry", join(work, "registry"), "--key", PRIVATE);
const DIR = () => join(work, "registry/iris");

before(async () => {
  cli = findCli();
  work = mkdtempSync(join(tmpdir(), "sealed-onnx-registry-browser-"));
  const meta = JSON.parse(readFileSync(join(modelsDir, "iris/meta.json"), "utf8"));
  meta.version = "1.1.0";
  writeFileSync(join(work, "meta.json"), JSON.stringify(meta));
  const v11 = join(work, "iris-1.1.0.sonnx");
  run("pack", "--model", join(modelsDir, "iris/model.onnx"), "--meta", join(work, "meta.json"),
    "--train", join(modelsDir, "iris/train.csv"), "--test-vectors", join(modelsDir, "iris/test_vectors.json"),
    "--range-margin", "0.1", "--out", v11);
  run("sign", v11, "--key", PRIVATE);
  registry("publish", join(modelsDir, "iris-1.0.0.sonnx"));
  registry("promote", "iris", "1.0.0", "--to", "staging");
  registry("promote", "iris", "1.0.0", "--to", "prod");
  registry("publish", v11);

  const { dir } = await installPackage("browser");
  server = await startServer({
    "/node_modules/sealed-onnx/": join(dir, "node_modules/sealed-onnx"),
    "/models/": modelsDir,
    "/registry/": join(work, "registry"),
  });
  server.route("/", serveBytes(Buffer.from(TEST_PAGE), "text/html; charset=utf-8"));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Loads by channel in the page: `{ ok, registry, source, label }` or `{ ok: false, error }`. */
function load(page, channel, extra = {}) {
  return page.evaluate(
    async ({ channel, extra }) =>
      attempt(async () => {
        const model = await so.loadModel("/registry/iris", { channel, publicKey: key, cache: true, ...extra });
        const p = await model.predict({ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 });
        const out = { registry: { ...model.info.registry }, source: model.info.source, label: p.label, stamp: p.model.version };
        model.dispose();
        return out;
      }),
    { channel, extra },
  );
}

function refusedWith(result, check, what) {
  assert.equal(result.ok, false, what + ": should be refused");
  assert.equal(result.error.name, "VerificationError", what + ": " + result.error.message);
  assert.ok(result.error.is.VerificationError, what);
  assert.equal(result.error.check, check, what + ": " + result.error.message);
}

it("loads by channel in Chromium: follows promotion and rollback, refuses every attack by name, and works offline from Cache Storage", async () => {
  const page = await browser.context.newPage();
  const watch = watchPage(page);
  await page.goto(server.url("/"));
  await page.evaluate(() => window.pageReady);

  let r = await load(page, "prod");
  assert.equal(r.ok, true, JSON.stringify(r.error));
  assert.equal(r.value.registry.version, "1.0.0");
  assert.equal(r.value.registry.sequence, 4);
  assert.equal(r.value.registry.index, "network");
  assert.equal(r.value.source, "network");
  assert.equal(r.value.label, "setosa");
  assert.equal(r.value.stamp, "1.0.0");
  r = await load(page, "dev", { worker: true });
  assert.equal(r.value.registry.version, "1.1.0", "in a worker too");

  // Promotion, then rollback, are followed.
  const before = readFileSync(join(DIR(), "index.json"));
  registry("promote", "iris", "1.1.0", "--to", "staging");
  registry("promote", "iris", "1.1.0", "--to", "prod");
  r = await load(page, "prod");
  assert.equal(r.value.registry.version, "1.1.0");
  assert.equal(r.value.registry.sequence, 6);
  registry("rollback", "iris", "--channel", "prod");
  r = await load(page, "current");
  assert.equal(r.value.registry.version, "1.0.0");
  assert.equal(r.value.registry.sequence, 7);
  const cached = await page.evaluate(async () => {
    const cache = await caches.open("sealed-onnx-v1");
    return (await cache.keys()).map((k) => new URL(k.url).pathname).sort();
  });
  assert.deepEqual(cached, ["/registry/iris/1.0.0.sonnx", "/registry/iris/1.1.0.sonnx", "/registry/iris/index.json"]);

  // A replayed older index: refused in this page, and after a reload (the in-page memory is
  // gone) because Cache Storage holds a newer one.
  const current = readFileSync(join(DIR(), "index.json"));
  writeFileSync(join(DIR(), "index.json"), before);
  refusedWith(await load(page, "prod"), "registry.replay", "replayed index");
  await page.reload();
  await page.evaluate(() => window.pageReady);
  const replay = await load(page, "prod");
  refusedWith(replay, "registry.replay", "replayed index after a reload");
  assert.match(replay.error.message, /^index\.json has sequence 4, older than sequence 7 already seen/);
  writeFileSync(join(DIR(), "index.json"), current);

  // A tampered index.
  const tampered = Buffer.from(current);
  const at = tampered.indexOf('"payload":"') + 80;
  tampered[at] = tampered[at] === 65 ? 66 : 65;
  writeFileSync(join(DIR(), "index.json"), tampered);
  refusedWith(await load(page, "prod"), "registry.index", "tampered index");
  writeFileSync(join(DIR(), "index.json"), current);

  // A bundle swapped on the server (validly signed, but not the listed one), then missing.
  const v1 = readFileSync(join(DIR(), "1.0.0.sonnx"));
  copyFileSync(join(DIR(), "1.1.0.sonnx"), join(DIR(), "1.0.0.sonnx"));
  refusedWith(await load(page, "prod"), "registry.digest", "swapped bundle");
  rmSync(join(DIR(), "1.0.0.sonnx"));
  refusedWith(await load(page, "prod"), "registry.missing", "missing bundle");
  writeFileSync(join(DIR(), "1.0.0.sonnx"), v1);

  // Offline: the network to the registry is dead; the cached index and bundle load verified.
  server.route("/registry/iris/index.json", dropConnection());
  server.route("/registry/iris/1.0.0.sonnx", dropConnection());
  r = await load(page, "prod");
  assert.equal(r.ok, true, JSON.stringify(r.error));
  assert.equal(r.value.registry.index, "cache");
  assert.equal(r.value.source, "cache");
  assert.equal(r.value.registry.version, "1.0.0");
  assert.equal(r.value.label, "setosa");
  // Without cache: true, nothing to fall back on.
  const offline = await load(page, "prod", { cache: false });
  assert.equal(offline.ok, false);
  assert.equal(offline.error.name, "ModelError", offline.error.message);
  server.route("/registry/iris/index.json", null);
  server.route("/registry/iris/1.0.0.sonnx", null);

  // Chromium logs each failed request it was made to see (the 404 of the missing bundle, the
  // dropped connections); anything else on the console is a failure.
  assert.deepEqual(watch.problems().filter((p) => !/^console\.error: Failed to load resource: (the server responded with a status of 404|net::ERR_EMPTY_RESPONSE)/.test(p)), []);
  await page.close();
});

/** index.json re-signed with `edit` applied to its statement (DSSE PAE, ECDSA P-256, as the CLI signs). */
function resigned(current, edit) {
  const envelope = JSON.parse(current);
  const statement = JSON.parse(Buffer.from(envelope.dsseEnvelope.payload, "base64"));
  edit(statement.predicate);
  const payload = Buffer.from(JSON.stringify(statement));
  const type = "application/vnd.in-toto+json";
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} ${type} ${payload.length} `), payload]);
  envelope.dsseEnvelope.payload = payload.toString("base64");
  envelope.dsseEnvelope.signatures[0].sig = sign("sha256", pae, readFileSync(PRIVATE, "utf8")).toString("base64");
  return JSON.stringify(envelope);
}

it("in Chromium, readRegistry refuses a removed or reordered history entry and loading refuses a channel pointing at an unlisted version", async () => {
  const page = await browser.context.newPage();
  const watch = watchPage(page);
  await page.goto(server.url("/"));
  await page.evaluate(() => window.pageReady);
  const read = () =>
    page.evaluate(() =>
      attempt(async () => {
        const reg = await so.readRegistry("/registry/iris", { publicKey: key });
        return { sequence: reg.sequence, entries: reg.history.length, actions: reg.history.map((e) => e.action) };
      }),
    );
  let r = await read();
  assert.equal(r.ok, true, JSON.stringify(r.error));
  const entries = r.value.entries;
  assert.ok(entries >= 4, String(entries));

  const history = join(DIR(), "history.jsonl");
  const text = readFileSync(history, "utf8");
  const lines = text.trimEnd().split("\n");
  writeFileSync(history, [lines[0], ...lines.slice(2)].join("\n") + "\n");
  r = await read();
  refusedWith(r, "registry.history", "removed history entry");
  assert.match(r.error.message, /^history\.jsonl line 2 does not follow the line before it/);
  writeFileSync(history, [lines[1], lines[0], ...lines.slice(2)].join("\n") + "\n");
  refusedWith(await read(), "registry.history", "reordered history entries");
  writeFileSync(history, lines.slice(0, -1).join("\n") + "\n");
  r = await read();
  refusedWith(r, "registry.history", "last entry removed");
  assert.match(r.error.message, new RegExp(`^history\\.jsonl has ${entries - 1} entries ending in`));
  writeFileSync(history, text);
  assert.equal((await read()).ok, true);

  // A validly signed index whose prod names a version it does not list.
  const index = join(DIR(), "index.json");
  const current = readFileSync(index, "utf8");
  writeFileSync(index, resigned(current, (p) => {
    p.sequence += 1;
    p.channels.prod.version = "9.9.9";
    p.current = "9.9.9";
  }));
  const dangling = await load(page, "dev", { cache: false });
  refusedWith(dangling, "registry.channel", "channel pointing at an unlisted version");
  assert.equal(dangling.error.message, "channel prod points at version 9.9.9, which the index does not list");
  writeFileSync(index, current);

  // A sequence kept from before (minSequence) refuses an index older than it.
  const floor = await load(page, "prod", { cache: false, minSequence: 99 });
  refusedWith(floor, "registry.replay", "index older than minSequence");
  assert.match(floor.error.message, /older than sequence 99 already seen/);

  // The demo registry's iris 2.0.0 (millimetres, migrating 1.x centimetres), in a worker:
  // predict and predictBatch say which rows were migrated.
  const migrated = await page.evaluate(() =>
    attempt(async () => {
      const model = await so.loadModel("/models/registry/iris/2.0.0.sonnx", { publicKey: key, worker: true });
      const old = { sepal_length: 6.1, sepal_width: 3.0, petal_length: 4.9, petal_width: 1.8 };
      const now = { sepal_length: 6.1, sepal_width: 3.0, petal_length_mm: 49, petal_width_mm: 18 };
      const one = await model.predict(old);
      const batch = await model.predictBatch([now, old]);
      const out = { one: one.migrated, rows: Array.from(batch.migrated.rows), from: batch.migrated.from_major, labels: batch.labels, objects: batch.toObjects().map((p) => p.migrated ?? null) };
      model.dispose();
      return out;
    }),
  );
  assert.equal(migrated.ok, true, JSON.stringify(migrated.error));
  assert.deepEqual(migrated.value, { one: { from_major: 1 }, rows: [0, 1], from: 1, labels: ["virginica", "virginica"], objects: [null, { from_major: 1 }] });
  assert.deepEqual(watch.problems(), []);
  await page.close();
});
