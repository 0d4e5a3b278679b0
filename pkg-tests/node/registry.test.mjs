// Loading by channel from a registry folder, with the packed npm package in Node: the
// registry is made by the real CLI (publish, promote, rollback), served over
// http://127.0.0.1 and read through a file: URL; every attack of issue 16's "Bad input" list
// is made on the served files and refused with its VerificationError check.
// Run: node --test pkg-tests/node/registry.test.mjs (after scripts/build-wasm.sh; builds the
// CLI with cargo when target/ has none, or uses $SEALED_ONNX_CLI).

import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, normalize } from "node:path";
import { after, before, describe, it } from "node:test";

import { installPackage, modelsDir, repoRoot } from "../lib/install.mjs";

let project;
let server;
let work;
let cli;

/** The sealed-onnx command: $SEALED_ONNX_CLI, else this checkout's build (built if missing). */
function findCli() {
  if (process.env.SEALED_ONNX_CLI) return process.env.SEALED_ONNX_CLI;
  for (const p of ["target/debug/sealed-onnx", "target/release/sealed-onnx"]) {
    if (existsSync(join(repoRoot, p))) return join(repoRoot, p);
  }
  execFileSync("cargo", ["build", "--quiet", "--bin", "sealed-onnx"], { cwd: repoRoot, stdio: "inherit" });
  return join(repoRoot, "target/debug/sealed-onnx");
}

before(async () => {
  project = await installPackage("node");
  cli = findCli();
  work = mkdtempSync(join(tmpdir(), "sealed-onnx-registry-"));
  server = await serve(work);
});

after(async () => {
  await server?.close();
  if (work && process.env.SEALED_ONNX_KEEP_TEST_PROJECTS !== "1") rmSync(work, { recursive: true, force: true });
});

/** Serves `root` as static files (no-store, Content-Length), 404 for anything missing. */
function serve(root) {
  const sockets = new Set();
  const http = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    let bytes;
    try {
      if (path.includes("..")) throw new Error("no");
      bytes = readFileSync(join(root, path));
    } catch {
      res.statusCode = 404;
      return res.end("not found");
    }
    res.setHeader("Content-Type", path.endsWith(".json") ? "application/json" : "application/octet-stream");
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Content-Length", bytes.length);
    res.end(bytes);
  });
  http.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return new Promise((resolve) => {
    http.listen(0, "127.0.0.1", () => {
      resolve({
        url: `http://127.0.0.1:${http.address().port}`,
        close: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            http.close(() => done());
          }),
      });
    });
  });
}

const PRELUDE = `
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash, sign } from "node:crypto";
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadModel, readRegistry, SchemaError, VerificationError } from "sealed-onnx";

const MODELS = process.env.SEALED_ONNX_MODELS;
const WORK = process.env.REGISTRY_WORK;
const REG = join(WORK, "registry");
const DIR = join(REG, "iris");
const URL_ = process.env.REGISTRY_URL + "/registry/iris";
const CLI = process.env.REGISTRY_CLI;
const PRIVATE = join(MODELS, "keys/demo-private-key.DO-NOT-USE.pem");
const publicKey = readFileSync(join(MODELS, "keys/demo-public-key.pem"), "utf8");
const FINGERPRINT = createHash("sha256").update(publicKey).digest("hex");
const SETOSA = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
const sri = (bytes) => "sha256-" + createHash("sha256").update(bytes).digest("base64");
const run = (...args) => execFileSync(CLI, args, { env: { ...process.env, RUST_BACKTRACE: "0" } }).toString();
const registry = (...args) => run(...args, "--registry", REG, "--key", PRIVATE);

async function refused(f, check, what) {
  try {
    await f();
  } catch (e) {
    assert.ok(e instanceof VerificationError, what + ": a VerificationError, got " + e);
    assert.equal(e.check, check, what + ": " + e.message);
    return e;
  }
  assert.fail(what + " should have been refused");
}
`;

let caseCount = 0;
async function consumer(t, body) {
  const file = join(project.dir, `registry-case-${++caseCount}.mjs`);
  writeFileSync(file, `${PRELUDE}\n// ---- case\n${body}\n`);
  const env = {
    ...process.env,
    SEALED_ONNX_MODELS: modelsDir,
    REGISTRY_WORK: work,
    REGISTRY_URL: server.url,
    REGISTRY_CLI: cli,
  };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [file], { cwd: project.dir, env, maxBuffer: 64 << 20, timeout: 300_000 }, (err, stdout, stderr) => {
      for (const line of stdout.split("\n")) if (line.startsWith("# ")) t.diagnostic(line.slice(2));
      if (err) reject(new Error(`${file} failed (exit ${err.code}):\n${stderr}\n${stdout}`));
      else resolve(stdout);
    });
  });
}

/** A fresh registry: iris 1.0.0 on staging and prod, iris 1.1.0 (same model) on dev. */
const SETUP = `
rmSync(REG, { recursive: true, force: true });
const meta = JSON.parse(readFileSync(join(MODELS, "iris/meta.json"), "utf8"));
meta.version = "1.1.0";
writeFileSync(join(WORK, "meta-1.1.0.json"), JSON.stringify(meta));
const v11 = join(WORK, "iris-1.1.0.sonnx");
run("pack", "--force", "--model", join(MODELS, "iris/model.onnx"), "--meta", join(WORK, "meta-1.1.0.json"),
  "--train", join(MODELS, "iris/train.csv"), "--test-vectors", join(MODELS, "iris/test_vectors.json"),
  "--range-margin", "0.1", "--out", v11);
run("sign", v11, "--key", PRIVATE);
registry("publish", join(MODELS, "iris-1.0.0.sonnx"));
registry("promote", "iris", "1.0.0", "--to", "staging");
registry("promote", "iris", "1.0.0", "--to", "prod");
registry("publish", v11);
`;

describe("loading by channel from a registry (the packed tarball in Node)", () => {
  it("resolves each channel over http and from a file: URL, follows promotion and rollback, and says what it resolved", async (t) => {
    await consumer(t, `${SETUP}
      const prod = await loadModel(URL_, { channel: "prod", publicKey });
      assert.equal(prod.info.version, "1.0.0");
      assert.equal(prod.info.verified, true);
      assert.equal(prod.info.source, "network");
      assert.equal(prod.info.digest, sri(readFileSync(join(DIR, "1.0.0.sonnx"))));
      const r = prod.info.registry;
      assert.equal(r.url, URL_ + "/");
      assert.equal(r.name, "iris");
      assert.equal(r.channel, "prod");
      assert.equal(r.version, "1.0.0");
      assert.equal(r.integrity, prod.info.digest);
      assert.equal(r.sequence, 4);
      assert.equal(r.signer, FINGERPRINT);
      assert.equal(r.index, "network");
      assert.deepEqual(r.channels, { dev: "1.1.0", prod: "1.0.0", staging: "1.0.0" });
      assert.deepEqual(r.versions, ["1.0.0", "1.1.0"]);
      assert.ok(Object.isFrozen(prod.info) && Object.isFrozen(r));
      assert.equal((await prod.predict(SETOSA)).label, "setosa");

      assert.equal((await loadModel(URL_ + "/", { channel: "dev", publicKey })).info.registry.version, "1.1.0");
      assert.equal((await loadModel(new URL(URL_), { channel: "current", publicKey })).info.version, "1.0.0");
      const file = await loadModel(pathToFileURL(DIR), { channel: "staging", publicKey });
      assert.equal(file.info.registry.version, "1.0.0");
      assert.equal(file.info.registry.index, "file");
      assert.equal(file.info.source, "file");

      // Promotion and rollback are followed.
      registry("promote", "iris", "1.1.0", "--to", "staging");
      registry("promote", "iris", "1.1.0", "--to", "prod", "--reason", "new card");
      const promoted = await loadModel(URL_, { channel: "prod", publicKey });
      assert.equal(promoted.info.registry.version, "1.1.0");
      assert.equal(promoted.info.registry.sequence, 6);
      registry("rollback", "iris", "--channel", "prod", "--reason", "back");
      const back = await loadModel(URL_, { channel: "prod", publicKey });
      assert.equal(back.info.registry.version, "1.0.0");
      assert.equal(back.info.registry.sequence, 7);
      assert.equal((await back.predict(SETOSA)).model.version, "1.0.0");
      // The same through a worker-less second path: bytes are not a registry.
      await assert.rejects(loadModel(readFileSync(join(DIR, "1.0.0.sonnx")), { channel: "prod", publicKey }), TypeError);
    `);
  });

  it("readRegistry: versions, channels and the verified history; a removed, reordered or forged entry refused", async (t) => {
    await consumer(t, `${SETUP}
      const reg = await readRegistry(URL_, { publicKey });
      assert.equal(reg.name, "iris");
      assert.equal(reg.sequence, 4);
      assert.equal(reg.current, "1.0.0");
      assert.equal(reg.signer, FINGERPRINT);
      assert.deepEqual(reg.versions.map((v) => v.version), ["1.0.0", "1.1.0"]);
      assert.equal(reg.versions[0].integrity, sri(readFileSync(join(DIR, "1.0.0.sonnx"))));
      assert.deepEqual(reg.history.map((e) => [e.seq, e.action, e.version, e.channel]),
        [[1, "publish", "1.0.0", "dev"], [2, "promote", "1.0.0", "staging"], [3, "promote", "1.0.0", "prod"], [4, "publish", "1.1.0", "dev"]]);
      assert.equal(reg.history[3].from, "1.0.0");
      assert.equal(reg.history[3].prev, createHash("sha256").update(readFileSync(join(DIR, "history.jsonl"), "utf8").split("\\n")[2]).digest("hex"));
      const file = await readRegistry(pathToFileURL(DIR), { publicKey });
      assert.equal(file.history.length, 4);

      const history = join(DIR, "history.jsonl");
      const lines = readFileSync(history, "utf8").trimEnd().split("\\n");
      const put = (ls) => writeFileSync(history, ls.join("\\n") + "\\n");
      put([lines[0], lines[2], lines[3]]);
      let e = await refused(() => readRegistry(URL_, { publicKey }), "registry.history", "removed entry");
      assert.match(e.message, /^history\.jsonl line 2 does not follow the line before it/);
      put([lines[1], lines[0], lines[2], lines[3]]);
      await refused(() => readRegistry(URL_, { publicKey }), "registry.history", "reordered entries");
      put(lines.slice(0, 3));
      e = await refused(() => readRegistry(URL_, { publicKey }), "registry.history", "last entry removed");
      assert.match(e.message, /^history\.jsonl has 3 entries ending in .* but the signed index was written after 4 entries/);
      put(lines);
      assert.equal((await readRegistry(URL_, { publicKey })).history.length, 4);
      await refused(() => readRegistry(URL_, {}), "trustAnchor", "no key");
    `);
  });

  it("a bundle with a migration accepts the previous shape's records and each result says so", async (t) => {
    await consumer(t, `
      const rename = (text) => text.split("petal_length").join("petal_len");
      const meta = JSON.parse(rename(readFileSync(join(MODELS, "iris/meta.json"), "utf8")));
      meta.version = "1.1.0";
      meta.migration = { from_major: 1, features: { petal_len: { from: "petal_length" } } };
      writeFileSync(join(WORK, "m-meta.json"), JSON.stringify(meta));
      writeFileSync(join(WORK, "m-train.csv"), rename(readFileSync(join(MODELS, "iris/train.csv"), "utf8")));
      writeFileSync(join(WORK, "m-tv.json"), rename(readFileSync(join(MODELS, "iris/test_vectors.json"), "utf8")));
      const out = join(WORK, "iris-migrated.sonnx");
      run("pack", "--force", "--model", join(MODELS, "iris/model.onnx"), "--meta", join(WORK, "m-meta.json"),
        "--train", join(WORK, "m-train.csv"), "--test-vectors", join(WORK, "m-tv.json"), "--range-margin", "0.1", "--out", out);
      run("sign", out, "--key", PRIVATE);
      const model = await loadModel(readFileSync(out), { publicKey });
      const old = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
      const now = { sepal_length: 5.1, sepal_width: 3.5, petal_len: 1.4, petal_width: 0.2 };
      const a = await model.predict(old);
      assert.equal(a.label, "setosa");
      assert.deepEqual(a.migrated, { from_major: 1 });
      const b = await model.predict(now);
      assert.equal(b.migrated, undefined);
      assert.deepEqual(b.probabilities, a.probabilities);
      const both = await model.predict([now, old]);
      assert.deepEqual(both.map((p) => p.migrated), [undefined, { from_major: 1 }]);
      assert.deepEqual(model.validate([old, now]), []);
      try {
        await model.predict({ ...old, petal_length: "long" });
        assert.fail("a wrong type under the old name must be refused");
      } catch (e) {
        assert.ok(e instanceof SchemaError, String(e));
        assert.deepEqual(e.issues.map((i) => [i.path, i.code]), [["petal_len", "wrong_type"]]);
      }
      // Columns in the old shape: migrated, every row marked.
      const oldColumns = { sepal_length: [5.1, 6.7], sepal_width: [3.5, 3.0], petal_length: [1.4, 5.2], petal_width: [0.2, 2.3] };
      const cols = await model.predict(oldColumns);
      assert.deepEqual(cols.map((p) => p.label), ["setosa", "virginica"]);
      assert.deepEqual(cols.map((p) => p.migrated), [{ from_major: 1 }, { from_major: 1 }]);
      const typedCols = await model.predict({ ...oldColumns, petal_length: Float64Array.from(oldColumns.petal_length) });
      assert.deepEqual(typedCols.map((p) => p.migrated), [{ from_major: 1 }, { from_major: 1 }]);
      // predictBatch: the typed result says which rows were migrated, toObjects() marks them.
      const batch = await model.predictBatch([now, old, old]);
      assert.deepEqual(batch.migrated, { from_major: 1, rows: Uint8Array.from([0, 1, 1]) });
      assert.deepEqual(batch.toObjects().map((p) => p.migrated), [undefined, { from_major: 1 }, { from_major: 1 }]);
      assert.deepEqual(batch.labels, ["setosa", "setosa", "setosa"]);
      const batchCols = await model.predictBatch(oldColumns);
      assert.deepEqual(Array.from(batchCols.migrated.rows), [1, 1]);
      assert.equal((await model.predictBatch([now, now])).migrated, undefined);
      // A CSV file with the 1.x column names.
      const { fromCsv } = await import("sealed-onnx");
      const csv = fromCsv("sepal_length,sepal_width,petal_length,petal_width,species\\n5.1,3.5,1.4,0.2,setosa\\n6.7,3.0,5.2,2.3,virginica\\n");
      const fromOld = await model.predict(csv);
      assert.deepEqual(fromOld.map((p) => [p.label, p.migrated]), [["setosa", { from_major: 1 }], ["virginica", { from_major: 1 }]]);
      assert.deepEqual(Array.from((await model.predictBatch(csv)).migrated.rows), [1, 1]);
      assert.deepEqual(model.validate(csv), []);
      // Typed data has no names: it is this version's features, in order; the wrong length is
      // refused saying what to send instead.
      try {
        await model.predictBatch({ data: new Float64Array(6), rows: 2 });
        assert.fail("typed data of the wrong length must be refused");
      } catch (e) {
        assert.ok(e instanceof SchemaError, String(e));
        assert.equal(e.issues[0].code, "column_length");
        assert.match(e.issues[0].expected, /^8 values \\(2 rows × 4 features\\) in this version's feature order \\(sepal_length, sepal_width, petal_len, petal_width\\): typed data cannot be migrated from 1\\.x inputs; send records or columns/);
      }
      assert.equal((await model.predict(now)).label, "setosa"); // still works
      // The audit hook's records say so too, from predict and predictBatch.
      const records = [];
      const audited = await loadModel(readFileSync(out), { publicKey, onPrediction: (r) => records.push(r) });
      await audited.predict([old, now]);
      await audited.predictBatch([now, old]);
      assert.deepEqual(records.map((r) => r.migrated), [{ from_major: 1 }, undefined, undefined, { from_major: 1 }]);
      // The migration is in the model's info.
      assert.deepEqual(model.info.migration, { ...meta.migration, removed: [] });
      // A bundle without a migration never marks a result.
      const plain = await loadModel(readFileSync(join(MODELS, "iris-1.0.0.sonnx")), { publicKey });
      assert.equal((await plain.predict(old)).migrated, undefined);
      assert.equal(plain.info.migration, null);
    `);
  });

  it("refuses without a key, with another key, an unknown channel, a channel not yet set, another model's index", async (t) => {
    await consumer(t, `${SETUP}
      await refused(() => loadModel(URL_, { channel: "prod" }), "trustAnchor", "no key");
      await refused(() => loadModel(URL_, { channel: "prod", allowUnverified: true }), "trustAnchor", "allowUnverified is not enough");
      const { generateKeyPairSync } = await import("node:crypto");
      const other = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" });
      const e = await refused(() => loadModel(URL_, { channel: "prod", publicKey: other }), "registry.index", "another key");
      assert.match(e.message, /^index\\.json signature check failed/);
      const c = await refused(() => loadModel(URL_, { channel: "beta", publicKey }), "registry.channel", "unknown channel");
      assert.equal(c.message, 'unknown channel "beta": use dev, staging, prod or current (= prod)');
      await assert.rejects(loadModel(URL_, { channel: 3, publicKey }), TypeError);
      // A channel no version was promoted to yet.
      run("publish", join(MODELS, "iris-1.0.0.sonnx"), "--registry", join(WORK, "solo"), "--key", PRIVATE);
      const unset = await refused(() => loadModel(process.env.REGISTRY_URL + "/solo/iris", { channel: "prod", publicKey }), "registry.channel", "unset channel");
      assert.equal(unset.message, "channel prod of iris points at no version yet: promote one first");
      assert.equal((await loadModel(process.env.REGISTRY_URL + "/solo/iris", { channel: "dev", publicKey })).info.version, "1.0.0");
      // Another model's (validly signed) index copied into this folder.
      const wine = join(REG, "wine");
      execFileSync("cp", ["-r", DIR, wine]);
      const w = await refused(() => loadModel(process.env.REGISTRY_URL + "/registry/wine", { channel: "prod", publicKey }), "registry.index", "wrong folder");
      assert.match(w.message, /is the index of model "iris", not of "wine"/);
    `);
  });

  it("refuses a tampered index, a replayed older index, a swapped bundle, a missing version and a channel pointing at an unlisted version", async (t) => {
    await consumer(t, `${SETUP}
      const index = join(DIR, "index.json");
      const history = join(DIR, "history.jsonl");
      const older = readFileSync(index);
      const olderHistory = readFileSync(history);
      registry("promote", "iris", "1.1.0", "--to", "staging");
      const current = readFileSync(index);
      const currentHistory = readFileSync(history);
      assert.equal((await loadModel(URL_, { channel: "staging", publicKey })).info.registry.sequence, 5);

      // A replayed older index (validly signed, sequence 4 after 5 was seen) is refused.
      writeFileSync(index, older);
      const replay = await refused(() => loadModel(URL_, { channel: "staging", publicKey }), "registry.replay", "replayed index");
      assert.match(replay.message, /^index\\.json has sequence 4, older than sequence 5 already seen/);
      // Another process remembers nothing of this one. With the history replayed as well (so
      // readRegistry's head check passes), it is caught only with the sequence kept from
      // before (minSequence), for loadModel and readRegistry alike.
      writeFileSync(history, olderHistory);
      const other = (code) => execFileSync(process.execPath, ["--input-type=module", "-e", code], { env: process.env }).toString();
      const fresh = (opts) => [
        'import { loadModel, readRegistry } from "sealed-onnx";',
        "const publicKey = " + JSON.stringify(publicKey) + ";",
        "const url = " + JSON.stringify(URL_) + ";",
        "try { const m = await loadModel(url, { channel: 'staging', publicKey" + opts + " }); console.log('loaded ' + m.info.version + ' at ' + m.info.registry.sequence); }",
        "catch (e) { console.log(e.name + ' ' + e.check + ': ' + e.message); }",
        "try { const r = await readRegistry(url, { publicKey" + opts + " }); console.log('read ' + r.sequence); }",
        "catch (e) { console.log(e.name + ' ' + e.check + ': ' + e.message); }",
      ].join("\\n");
      assert.equal(other(fresh("")), "loaded 1.0.0 at 4\\nread 4\\n");
      const caught = other(fresh(", minSequence: 5")).split("\\n");
      assert.match(caught[0], /^VerificationError registry\\.replay: index\\.json has sequence 4, older than sequence 5 already seen/);
      assert.match(caught[1], /^VerificationError registry\\.replay: index\\.json has sequence 4, older than sequence 5/);
      await assert.rejects(loadModel(URL_, { channel: "staging", publicKey, minSequence: -1 }), TypeError);
      await assert.rejects(loadModel(URL_, { publicKey, minSequence: 5 }), /minSequence is for loading by channel/);
      writeFileSync(index, current);
      writeFileSync(history, currentHistory);

      // One changed byte of the signed payload.
      const tampered = Buffer.from(current);
      const at = tampered.indexOf('"payload":"') + 60;
      tampered[at] = tampered[at] === 65 ? 66 : 65;
      writeFileSync(index, tampered);
      await refused(() => loadModel(URL_, { channel: "prod", publicKey }), "registry.index", "tampered index");
      writeFileSync(index, current);

      // 1.1.0's bytes (validly signed by the same key) served as 1.0.0: only the index catches it.
      const v1 = readFileSync(join(DIR, "1.0.0.sonnx"));
      copyFileSync(join(DIR, "1.1.0.sonnx"), join(DIR, "1.0.0.sonnx"));
      const swapped = await refused(() => loadModel(URL_, { channel: "prod", publicKey }), "registry.digest", "swapped bundle");
      assert.match(swapped.message, /^1\\.0\\.0\\.sonnx does not match the signed index \\(expected sha256-/);

      // The file the channel points at is gone from the server.
      rmSync(join(DIR, "1.0.0.sonnx"));
      const missing = await refused(() => loadModel(URL_, { channel: "prod", publicKey }), "registry.missing", "missing bundle");
      assert.match(missing.message, /^1\\.0\\.0\\.sonnx is listed in the signed index but missing/);
      await refused(() => loadModel(pathToFileURL(DIR), { channel: "prod", publicKey }), "registry.missing", "missing file");
      writeFileSync(join(DIR, "1.0.0.sonnx"), v1);
      assert.equal((await loadModel(URL_, { channel: "prod", publicKey })).info.version, "1.0.0");

      // A signed index whose prod names a version it does not list, signed here with
      // node:crypto in the registry's format (DSSE over the in-toto statement, ECDSA P-256).
      const envelope = JSON.parse(current);
      const statement = JSON.parse(Buffer.from(envelope.dsseEnvelope.payload, "base64"));
      assert.equal(statement.predicateType, "https://sealed-onnx.dev/registry/index/v1");
      statement.predicate.sequence += 1;
      statement.predicate.channels.prod.version = "9.9.9";
      statement.predicate.current = "9.9.9";
      const payload = Buffer.from(JSON.stringify(statement));
      const type = "application/vnd.in-toto+json";
      const pae = Buffer.concat([Buffer.from("DSSEv1 " + type.length + " " + type + " " + payload.length + " "), payload]);
      envelope.dsseEnvelope.payload = payload.toString("base64");
      envelope.dsseEnvelope.signatures[0].sig = sign("sha256", pae, readFileSync(PRIVATE, "utf8")).toString("base64");
      writeFileSync(index, JSON.stringify(envelope));
      const dangling = await refused(() => loadModel(URL_, { channel: "dev", publicKey }), "registry.channel", "dangling channel");
      assert.equal(dangling.message, "channel prod points at version 9.9.9, which the index does not list");
      // The same statement with a valid channel verifies: the format is the one documented.
      statement.predicate.channels.prod.version = "1.0.0";
      statement.predicate.current = "1.0.0";
      const good = Buffer.from(JSON.stringify(statement));
      const goodPae = Buffer.concat([Buffer.from("DSSEv1 " + type.length + " " + type + " " + good.length + " "), good]);
      envelope.dsseEnvelope.payload = good.toString("base64");
      envelope.dsseEnvelope.signatures[0].sig = sign("sha256", goodPae, readFileSync(PRIVATE, "utf8")).toString("base64");
      writeFileSync(index, JSON.stringify(envelope));
      assert.equal((await loadModel(URL_, { channel: "prod", publicKey })).info.registry.sequence, 6);
    `);
  });
});
