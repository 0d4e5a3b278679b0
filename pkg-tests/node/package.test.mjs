// The packed npm package in Node, used the way a consumer uses it: the tarball is installed
// into a throwaway project, and each case is a module in that project that does
// `import … from "sealed-onnx"` and runs with `node` there. Run: node --test pkg-tests/node/

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";

import { consumerRunner } from "../lib/consumer.mjs";
import { installPackage, modelsDir } from "../lib/install.mjs";

let project;
let server;

before(async () => {
  project = await installPackage("node");
  server = await startServer();
});

after(async () => {
  await server?.close();
});

// ---------------------------------------------------------------------------------------
// A tiny HTTP server for the bundles: /models/… (files, with Content-Length), /slow/<file>
// (trickled in small chunks), /status/<code>, and /__requests (what it saw, as JSON).

function startServer() {
  const requests = [];
  const sockets = new Set();
  const http = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    const record = { path, url: req.url, status: 0, aborted: false };
    if (path !== "/__requests") requests.push(record);
    res.on("close", () => {
      record.status = res.statusCode;
      record.aborted = !res.writableFinished;
    });
    if (path === "/__requests") {
      res.setHeader("Content-Type", "application/json");
      return res.end(JSON.stringify(requests));
    }
    const status = /^\/status\/(\d+)$/.exec(path);
    if (status) {
      res.statusCode = Number(status[1]);
      return res.end("nope");
    }
    const slow = /^\/slow\/([\w.-]+\.sonnx)$/.exec(path);
    const file = /^\/models\/([\w.-]+\.sonnx|keys\/[\w.-]+\.pem)$/.exec(path);
    let bytes;
    try {
      bytes = readFileSync(join(modelsDir, (slow || file)[1]));
    } catch {
      res.statusCode = 404;
      return res.end("not found");
    }
    res.setHeader("Content-Type", "application/octet-stream");
    res.setHeader("Cache-Control", "no-store");
    if (new URL(req.url, "http://x").searchParams.get("length") !== "no") {
      res.setHeader("Content-Length", bytes.length);
    }
    if (!slow) return res.end(bytes);
    const chunk = Number(new URL(req.url, "http://x").searchParams.get("chunk") || 1000);
    const interval = Number(new URL(req.url, "http://x").searchParams.get("ms") || 20);
    let offset = 0;
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      res.write(bytes.subarray(offset, offset + chunk));
      offset += chunk;
      if (offset >= bytes.length) {
        clearInterval(timer);
        res.end();
      }
    }, interval);
    res.on("close", () => clearInterval(timer));
  });
  http.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return new Promise((resolve) => {
    http.listen(0, "127.0.0.1", () => {
      const { port } = http.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            http.close(() => done());
          }),
      });
    });
  });
}

// ---------------------------------------------------------------------------------------
// Running a consumer module inside the throwaway project

/** What every consumer module starts with: the package by its bare name, and helpers. */
const PRELUDE = `
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as so from "sealed-onnx";
const { loadModel, SchemaError, VerificationError, ModelError, _internals } = so;

const MODELS = process.env.SEALED_ONNX_MODELS;
const SERVER = process.env.SEALED_ONNX_SERVER;
const zip = await import(process.env.SEALED_ONNX_ZIP);
const EXAMPLES = ["iris", "diabetes", "breast-cancer", "study"];
const key = readFileSync(join(MODELS, "keys/demo-public-key.pem"), "utf8");
const KEY_FINGERPRINT = createHash("sha256").update(readFileSync(join(MODELS, "keys/demo-public-key.pem"))).digest("hex");
const bundlePath = (name) => join(MODELS, name + "-1.0.0.sonnx");
const bundle = (name) => readFileSync(bundlePath(name));
const holdout = (name) => JSON.parse(readFileSync(join(MODELS, name, "holdout.json"), "utf8"));
const sri = (bytes) => "sha256-" + createHash("sha256").update(bytes).digest("base64");
const SETOSA = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
const otherKey = () =>
  generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" });

/** The error f() throws or rejects with (fails if it succeeds). */
async function failure(f, what = "the call") {
  try {
    await f();
  } catch (e) {
    return e;
  }
  assert.fail(what + " should have failed");
}

function assertClose(actual, expected, tolerance, what) {
  assert.equal(typeof actual, "number", what + ": not a number: " + JSON.stringify(actual));
  const bound = tolerance.absolute + tolerance.relative * Math.abs(expected);
  assert.ok(Math.abs(actual - expected) <= bound,
    what + ": " + actual + " differs from scikit-learn's " + expected + " by " + Math.abs(actual - expected) + " > " + bound);
}

function assertMatchesHoldout(predictions, { cases, tolerance }, what) {
  assert.ok(Array.isArray(predictions), what + ": an array");
  assert.equal(predictions.length, cases.length, what + ": one prediction per row");
  cases.forEach(({ expected }, i) => {
    const p = predictions[i];
    if ("label" in expected) {
      assert.equal(p.label, expected.label, what + ": rows[" + i + "] label");
      assert.deepEqual(Object.keys(p.probabilities).sort(), Object.keys(expected.probabilities).sort());
      for (const [c, prob] of Object.entries(expected.probabilities)) {
        assertClose(p.probabilities[c], prob, tolerance, what + ": rows[" + i + "] P(" + c + ")");
      }
    } else {
      assertClose(p.value, expected.value, tolerance, what + ": rows[" + i + "] value");
    }
  });
}

/**
 * The held-out rows of \`h\` inside \`model\`'s schema. Ranges are the training data's own (the
 * examples: + 10 % of the span), so a held-out row beyond them is refused: that must be for its
 * range only (below_min / above_max), for few rows (at most 5 %), and predicting it must throw
 * a SchemaError. Returns \`h\` without those rows, and their indices as \`outside\`.
 */
async function insideSchema(model, h, what) {
  const issues = await model.validate(h.cases.map((c) => c.input));
  const outside = new Set();
  for (const issue of issues) {
    assert.ok(issue.code === "below_min" || issue.code === "above_max",
      what + ": a held-out row fails the schema for another reason than its range: " + JSON.stringify(issue));
    const row = /^rows\\[(\\d+)\\]\\./.exec(issue.path);
    assert.ok(row, what + ": issue path " + issue.path);
    outside.add(Number(row[1]));
  }
  assert.ok(outside.size * 20 <= h.cases.length,
    what + ": " + outside.size + " of " + h.cases.length + " held-out rows are outside the schema's ranges");
  for (const i of outside) {
    const e = await failure(() => model.predict(h.cases[i].input), what + ": held-out row " + i + " (outside the ranges)");
    assert.ok(e instanceof SchemaError, what + ": row " + i + ": a SchemaError, got " + e);
    assert.ok(e.issues.length > 0 && e.issues.every((x) => x.code === "below_min" || x.code === "above_max"),
      what + ": row " + i + ": " + JSON.stringify(e.issues));
  }
  return { ...h, cases: h.cases.filter((_, i) => !outside.has(i)), outside: [...outside] };
}

function assertVerificationError(e, check, what) {
  assert.ok(e instanceof VerificationError, what + ": a VerificationError, got " + (e && e.name) + ": " + (e && e.message));
  assert.ok(e instanceof Error);
  assert.equal(e.name, "VerificationError");
  assert.equal(e.check, check, what + ": check (message: " + e.message + ")");
  assert.ok(e.message.length > 0);
}

// The package came from this project's node_modules, not from the repository.
assert.ok(
  import.meta.resolve("sealed-onnx").startsWith(pathToFileURL(process.cwd()).href + "/node_modules/sealed-onnx/"),
  import.meta.resolve("sealed-onnx"),
);
`;

/** Runs a case module (after the prelude) in the project; "# " lines of its output become diagnostics. */
const run = consumerRunner(() => project.dir, "case", PRELUDE, () => ({
  SEALED_ONNX_MODELS: modelsDir,
  SEALED_ONNX_SERVER: server.url,
  SEALED_ONNX_ZIP: pathToFileURL(join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "../lib/zip.mjs")).href,
}));
const consumer = (t, body) => run(body, t);

// ---------------------------------------------------------------------------------------

describe("sealed-onnx in Node (the packed tarball, imported by a consumer project)", () => {
  it("exports loadModel and three Error subclasses", async (t) => {
    await consumer(t, `
      assert.equal(typeof loadModel, "function");
      for (const [C, name] of [[SchemaError, "SchemaError"], [VerificationError, "VerificationError"], [ModelError, "ModelError"]]) {
        const e = new C("x");
        assert.ok(e instanceof Error && e instanceof C);
        assert.equal(e.name, name);
        assert.equal(e.message, "x");
      }
      assert.deepEqual(new SchemaError("x", [{ path: "a", code: "b", expected: "c", received: "d" }]).issues[0].path, "a");
      assert.equal(new VerificationError("x", "signature").check, "signature");
    `);
  });

  it("preload() readies the engine once; loading from bytes in Node never touches Response (which would load undici)", async (t) => {
    await consumer(t, `
      const untouched = () => typeof Object.getOwnPropertyDescriptor(globalThis, "Response")?.get === "function";
      assert.ok(untouched(), "Response was touched before the package ran");
      const ready = so.preload();
      assert.equal(so.preload(), ready, "the same promise");
      assert.equal(await ready, undefined);
      const model = await loadModel(bundle("iris"), { publicKey: key });
      assert.equal((await model.predict(SETOSA)).label, "setosa");
      assert.ok(untouched(), "loading from bytes touched globalThis.Response");
    `);
  });

  it("loads each example from bytes, a file: URL and an http URL, verified, and matches scikit-learn on every held-out row inside the schema (the few outside refused for their range)", async (t) => {
    await consumer(t, `
      for (const name of EXAMPLES) {
        const file = bundle(name);
        const events = [];
        const models = {
          bytes: await loadModel(new Uint8Array(file), { publicKey: key }),
          arrayBuffer: await loadModel(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength), { publicKey: key }),
          file: await loadModel(pathToFileURL(bundlePath(name)), { publicKey: key }),
          fileString: await loadModel(pathToFileURL(bundlePath(name)).href, { publicKey: key }),
          http: await loadModel(SERVER + "/slow/" + name + "-1.0.0.sonnx?chunk=1500&ms=60", {
            publicKey: key,
            onProgress: (e) => events.push(e),
          }),
        };
        assert.deepEqual(Object.fromEntries(Object.entries(models).map(([k, m]) => [k, m.info.source])),
          { bytes: "bytes", arrayBuffer: "bytes", file: "file", fileString: "file", http: "network" });

        // progress: several events, total = Content-Length, loaded never decreases, ends at total
        assert.ok(events.length >= 2, name + ": progress events " + JSON.stringify(events));
        for (const e of events) assert.equal(e.total, file.length);
        for (let i = 1; i < events.length; i++) assert.ok(events[i].loaded >= events[i - 1].loaded);
        assert.equal(events.at(-1).loaded, file.length);

        for (const [how, model] of Object.entries(models)) {
          const info = model.info;
          assert.equal(info.name, name);
          assert.equal(info.version, "1.0.0");
          assert.equal(info.verified, true, how + ": verified");
          assert.equal(info.digest, sri(file), how + ": digest is the SRI sha256 of the file");
          assert.equal(info.signer, KEY_FINGERPRINT, how + ": signer");
          assert.ok(info.testVectors.total > 0);
          assert.equal(info.testVectors.passed, info.testVectors.total);
          assert.equal(typeof info.card.description, "string");
          assert.ok(Array.isArray(info.schema) && info.schema.length > 0);
          assert.ok(Object.isFrozen(info));
        }
        const model = models.http;
        const h = await insideSchema(model, holdout(name), name);
        const inputs = h.cases.map((c) => c.input);
        const features = model.info.schema.map((f) => f.name);
        const records = await model.predict(inputs);
        assertMatchesHoldout(records, h, name + " records");
        for (const m of Object.values(models)) assert.deepEqual(await m.predict(inputs), records);

        const columns = await model.predict(Object.fromEntries(features.map((f) => [f, inputs.map((r) => r[f])])));
        assert.deepEqual(columns, records, name + ": columns = records");
        // typed arrays carry numbers only: not for a schema with boolean or string features (study)
        if (model.info.schema.every((f) => f.type === "float" || f.type === "integer")) {
          const typedColumns = await model.predict(Object.fromEntries(features.map((f) => [f, Float64Array.from(inputs.map((r) => r[f]))])));
          assert.deepEqual(typedColumns, records, name + ": typed-array columns = records");
          const flat = inputs.flatMap((r) => features.map((f) => r[f]));
          const typed = await model.predict({ data: Float64Array.from(flat), rows: inputs.length });
          assert.deepEqual(typed, records, name + ": {data: Float64Array, rows} = records");
          const typed32 = await model.predict({ data: Float32Array.from(flat), rows: inputs.length });
          assertMatchesHoldout(typed32, h, name + " Float32Array");
        }
        const single = await model.predict(inputs[0]);
        assert.ok(!Array.isArray(single));
        assert.deepEqual(single, records[0]);
        assert.deepEqual(records[0].model, { name, version: "1.0.0", digest: model.info.digest, verified: true });
        assert.deepEqual(await model.predict([]), []);
        console.log("# " + name + ": " + inputs.length + " held-out rows match scikit-learn (records, columns, typed); " + h.outside.length + " outside the schema refused");
        for (const m of Object.values(models)) m.dispose();
      }
    `);
  });

  it("predicts with a default skl2onnx export (probabilities as a ZipMap) exactly as scikit-learn", async (t) => {
    await consumer(t, `
      // tests/data/estimators/zipmap: StandardScaler + LogisticRegression on iris exported
      // with skl2onnx's default options, packed unsigned by the CLI (tests/e2e checks it).
      const dir = join(MODELS, "../tests/data/estimators/zipmap");
      const model = await loadModel(readFileSync(join(dir, "zipmap-1.0.0.sonnx")), { allowUnverified: true });
      assert.equal(model.info.verified, false);
      assert.equal(model.info.testVectors.passed, model.info.testVectors.total);
      const h = JSON.parse(readFileSync(join(dir, "holdout.json"), "utf8"));
      const predictions = await model.predict(h.cases.map((c) => c.input));
      assertMatchesHoldout(predictions, h, "zipmap");
      assert.deepEqual(Object.keys(predictions[0].probabilities), ["setosa", "versicolor", "virginica"]);
      console.log("# zipmap: " + predictions.length + " held-out rows match scikit-learn");
      model.dispose();
    `);
  });

  it("refuses bundles that fail verification, naming the check, and loads good ones after", async (t) => {
    await consumer(t, `
      const iris = bundle("iris");
      const flipped = Buffer.from(iris);
      flipped[300] ^= 0x01;
      const otherModel = zip.editEntry(iris, "model.onnx", (d) => { d[d.length - 20] ^= 0x01; return d; });
      const otherManifest = zip.editEntry(iris, "manifest.json", (d) => {
        const m = JSON.parse(d);
        m.card.description = "Totally trustworthy.";
        return Buffer.from(JSON.stringify(m));
      });
      const wrongVectors = zip.editEntry(iris, "manifest.json", (d) => {
        const m = JSON.parse(d);
        m.test_vectors.cases[0].expected.label = "virginica";
        return Buffer.from(JSON.stringify(m));
      });
      const refuse = (source, options, what) => failure(() => loadModel(source, options), what);

      assertVerificationError(await refuse(iris, { publicKey: otherKey() }), "signature", "another key");
      assertVerificationError(await refuse(iris, { publicKey: "-----BEGIN PUBLIC KEY-----\\nnot a key\\n-----END PUBLIC KEY-----\\n" }), "publicKey", "a malformed key");
      assertVerificationError(await refuse(flipped, { publicKey: key }), "bundle", "a flipped byte");
      assertVerificationError(await refuse(otherModel, { publicKey: key }), "fileDigest", "a changed model.onnx");
      assertVerificationError(await refuse(otherManifest, { publicKey: key }), "signature", "a changed manifest");
      assertVerificationError(await refuse(iris, { integrity: sri(Buffer.from("something else")) }), "integrity", "another file's integrity");
      assertVerificationError(await refuse(iris, { publicKey: key, integrity: sri(flipped) }), "integrity", "the right key, the wrong integrity");
      assertVerificationError(await refuse(iris, {}), "trustAnchor", "no key, no integrity");
      assertVerificationError(await refuse(iris), "trustAnchor", "no options at all");
      assertVerificationError(await refuse(otherModel, { allowUnverified: true }), "fileDigest", "unverified still checks file digests");
      assertVerificationError(await refuse(wrongVectors, { allowUnverified: true }), "testVectors", "wrong test vectors");
      assertVerificationError(await refuse(new Uint8Array([1, 2, 3]), { publicKey: key }), "bundle", "not a zip");
      assertVerificationError(await refuse(SERVER + "/models/iris-1.0.0.sonnx", { publicKey: otherKey() }), "signature", "over http, another key");

      // The right anchors still load, after all those refusals.
      const byKey = await loadModel(iris, { publicKey: key });
      const byIntegrity = await loadModel(iris, { integrity: sri(iris) });
      const both = await loadModel(iris, { publicKey: key, integrity: sri(iris) });
      const unverified = await loadModel(iris, { allowUnverified: true });
      const models = [byKey, byIntegrity, both, unverified];
      assert.deepEqual(models.map((m) => m.info.verified), [true, true, true, false]);
      assert.deepEqual(models.map((m) => m.info.integrityChecked), [false, true, true, false]);
      assert.equal(byIntegrity.info.signer, null, "no key: no verified signer");
      const p = await byKey.predict(SETOSA);
      assert.equal(p.label, "setosa");
      for (const m of models) {
        const q = await m.predict(SETOSA);
        assert.deepEqual({ ...q, model: undefined }, { ...p, model: undefined });
        assert.deepEqual(q.model, { name: "iris", version: "1.0.0", digest: sri(iris), verified: m.info.verified });
      }
    `);
  });

  it("a graph that does not match its manifest is a VerificationError (check graph), pinned or not", async (t) => {
    await consumer(t, `
      const iris = bundle("iris");
      const wrongOutput = zip.editEntry(iris, "manifest.json", (d) => {
        const m = JSON.parse(d);
        m.outputs.label = "no_such_output";
        return Buffer.from(JSON.stringify(m));
      });
      const refuse = (source, options, what) => failure(() => loadModel(source, options), what);
      for (const [options, what] of [
        [{ integrity: sri(wrongOutput) }, "pinned by its digest"],
        [{ allowUnverified: true }, "unverified"],
      ]) {
        const e = await refuse(wrongOutput, options, what);
        assertVerificationError(e, "graph", what);
        assert.match(e.message, /no_such_output/, what);
      }
      // The same page goes on loading good bundles.
      assert.equal((await (await loadModel(iris, { publicKey: key })).predict(SETOSA)).label, "setosa");
    `);
  });

  it("rejects bad input with one SchemaError listing every issue, and keeps predicting", async (t) => {
    await consumer(t, `
      const model = await loadModel(bundle("iris"), { publicKey: key });
      const before = await model.predict(SETOSA);
      const bad = [
        SETOSA,
        { sepal_length: "5.1", sepal_width: null, petal_length: 99, colour: "blue" },
        "not a record",
        { ...SETOSA, petal_width: NaN },
      ];
      const e = await failure(() => model.predict(bad));
      assert.ok(e instanceof SchemaError && e instanceof Error, e.name + ": " + e.message);
      assert.equal(e.name, "SchemaError");
      assert.deepEqual(e.issues.map((i) => i.path + " " + i.code).sort(), [
        "rows[1].colour unknown_feature",
        "rows[1].petal_length above_max",
        "rows[1].petal_width missing_feature",
        "rows[1].sepal_length wrong_type",
        "rows[1].sepal_width null_not_allowed",
        "rows[2] not_a_record",
        "rows[3].petal_width not_finite",
      ]);
      for (const issue of e.issues) {
        assert.deepEqual(Object.keys(issue).sort(), ["code", "expected", "path", "received"]);
        assert.equal(typeof issue.expected, "string");
        assert.equal(typeof issue.received, "string");
        assert.ok(e.message.includes(issue.path), "the message names " + issue.path);
      }
      const above = e.issues.find((i) => i.code === "above_max");
      // The bundle's own range for that feature (ranges come from the training data).
      const feature = model.info.schema.find((f) => above.path.endsWith("." + f.name));
      assert.ok(above.expected.includes(" to " + feature.max + " "), above.expected + " names the maximum " + feature.max);
      assert.match(above.received, /99/);
      assert.deepEqual(model.validate(bad), e.issues, "validate() lists the same issues");
      assert.deepEqual(model.validate([SETOSA, SETOSA]), []);
      assert.deepEqual(model.validate(SETOSA), []);

      const record = await failure(() => model.predict({ ...SETOSA, petal_width: -3 }));
      assert.deepEqual(record.issues.map((i) => i.path + " " + i.code), ["petal_width below_min"]);
      const columns = await failure(() => model.predict({ sepal_length: [5.1, 6], sepal_width: [3.5, 3], petal_length: [1.4, 4], petal_width: [0.2, "x"] }));
      assert.deepEqual(columns.issues.map((i) => i.path + " " + i.code), ["petal_width[1] wrong_type"]);
      for (const nothing of [42, "text", null, undefined, true]) {
        const n = await failure(() => model.predict(nothing), JSON.stringify(nothing));
        assert.ok(n instanceof SchemaError, String(nothing) + ": " + n.name);
        assert.deepEqual(n.issues.map((i) => i.code), ["not_a_batch"], String(nothing));
      }
      const wrongLength = await failure(() => model.predict({ data: new Float64Array(7), rows: 2 }));
      assert.ok(wrongLength instanceof ModelError || wrongLength instanceof SchemaError, wrongLength.name);
      assert.match(wrongLength.message, /7 values/);
      const typedIssues = await failure(() => model.predict({ data: Float64Array.from([5.1, 3.5, 1.4, 0.2, 5, 3, 1, -1]), rows: 2 }));
      assert.deepEqual(typedIssues.issues.map((i) => i.path + " " + i.code), ["rows[1].petal_width below_min"]);
      assert.deepEqual(model.validate({ data: Float64Array.from([5.1, 3.5, 1.4, 0.2, 5, 3, 1, -1]), rows: 2 }), typedIssues.issues);
      const badRows = await failure(() => model.predict({ data: new Float64Array(8), rows: 2.5 }));
      assert.deepEqual(badRows.issues.map((i) => i.path + " " + i.code), ["rows wrong_type"]);
      const bigints = await failure(() => model.predict({ data: new BigInt64Array(8), rows: 2 }));
      assert.deepEqual(bigints.issues.map((i) => i.path + " " + i.code), ["data wrong_type"]);
      assert.deepEqual(model.validate({ data: new BigInt64Array(8), rows: 2 }), bigints.issues, "validate returns them");
      assert.deepEqual(model.validate({ data: new Float64Array(8), rows: -1 }).map((i) => i.path + " " + i.code), ["rows wrong_type"]);

      // Inputs whose reading runs caller code: a throwing getter, a proxy, a cycle.
      const trap = { ...SETOSA };
      Object.defineProperty(trap, "petal_width", { enumerable: true, get() { throw "nope"; } });
      const getter = await failure(() => model.predict([SETOSA, trap]));
      assert.ok(getter instanceof ModelError, getter.name);
      assert.match(getter.message, /rows\\[1\\]\\.petal_width: nope/);
      assert.ok(model.validate.length >= 1);
      assert.throws(() => model.validate([trap]), ModelError);
      const proxy = new Proxy({ ...SETOSA }, { ownKeys() { throw new Error("trap"); } });
      assert.throws(() => model.validate(proxy), ModelError);
      assert.equal((await model.predict(new Proxy({ ...SETOSA }, {}))).label, "setosa");
      const cyclic = { ...SETOSA };
      cyclic.petal_width = cyclic;
      assert.deepEqual(model.validate(cyclic).map((i) => i.path + " " + i.code), ["petal_width wrong_type"]);
      const proto = JSON.parse('{"__proto__": 1, "sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}');
      assert.deepEqual(model.validate(proto).map((i) => i.path + " " + i.code), ["__proto__ unknown_feature"]);
      const odd = model.validate([{ sepal_length: () => 1, sepal_width: 2n, petal_length: { a: 1 }, petal_width: [1] }]);
      assert.deepEqual(odd.map((i) => i.code), ["wrong_type", "wrong_type", "wrong_type", "wrong_type"]);
      assert.deepEqual(odd.map((i) => i.received), ["a function", "a bigint", "an object", "an array of 1"]);
      // Inputs cross into the wasm as tagged JSON: what JSON cannot say still arrives as itself,
      // and nothing a caller passes can pose as a tag.
      const exotic = model.validate([
        { ...SETOSA, sepal_length: -Infinity, sepal_width: undefined, petal_length: Symbol("s") },
        { ...SETOSA, petal_width: { "\\u0000sealed-onnx": "NaN" }, "\\u0000sealed-onnx": "undefined", "odd \\uD800": 1 },
      ]);
      assert.deepEqual(exotic.map((i) => i.path + " " + i.code + " " + i.received), [
        "rows[0].sepal_length not_finite -Infinity",
        "rows[0].sepal_width null_not_allowed null",
        "rows[0].petal_length wrong_type a symbol",
        "rows[1].\\u0000sealed-onnx unknown_feature unknown feature \\"\\\\0sealed-onnx\\"",
        "rows[1].odd \\uFFFD unknown_feature unknown feature \\"odd \\uFFFD\\"",
        "rows[1].petal_width wrong_type an object",
      ]);

      const afterAll = await model.predict(SETOSA);
      assert.deepEqual(afterAll, before, "the model predicts the same after every error");
      model.dispose();
    `);
  });

  it("large batches (more than 50,000 rows) give the same predictions and every issue with whole-batch paths", async (t) => {
    await consumer(t, `
      const model = await loadModel(bundle("iris"), { publicKey: key });
      const features = model.info.schema.map((f) => f.name);
      const N = 110000;
      const rows = Array.from({ length: N }, (_, i) => ({ ...SETOSA, petal_length: 1 + (i % 50) / 10, petal_width: (i % 25) / 10 }));
      const data = Float64Array.from(rows.flatMap((r) => features.map((f) => r[f])));
      let t0 = Date.now();
      const typed = await model.predict({ data, rows: N });
      console.log("# " + N + " rows, typed: " + (Date.now() - t0) + " ms");
      assert.equal(typed.length, N);
      const columns = await model.predict(Object.fromEntries(features.map((f, j) => [f, data.filter((_, k) => k % 4 === j)])));
      assert.deepEqual(columns, typed, "typed-array columns = typed");
      for (const i of [0, 49999, 50000, 50001, 99999, 100000, N - 1]) {
        assert.deepEqual(typed[i], await model.predict(rows[i]), "row " + i);
      }
      t0 = Date.now();
      const records = await model.predict(rows.slice(0, 60000));
      console.log("# 60000 rows, records: " + (Date.now() - t0) + " ms");
      assert.deepEqual(records, typed.slice(0, 60000), "records = typed");

      const bad = rows.slice(0, 60000);
      bad[10] = { ...SETOSA, petal_width: -1 };
      bad[55000] = { ...SETOSA, colour: "blue" };
      bad[59999] = "x";
      const e = await failure(() => model.predict(bad));
      assert.ok(e instanceof SchemaError);
      assert.deepEqual(e.issues.map((i) => i.path + " " + i.code), [
        "rows[10].petal_width below_min", "rows[55000].colour unknown_feature", "rows[59999] not_a_record",
      ]);
      assert.match(e.message, /\(3 problems\)/);
      assert.ok(e.message.includes("rows[55000].colour: expected"));
      assert.deepEqual(model.validate(bad), e.issues);

      const badData = data.slice();
      badData[4 * 100001 + 3] = -5;
      badData[4 * 7 + 0] = NaN;
      const typedIssues = await failure(() => model.predict({ data: badData, rows: N }));
      assert.deepEqual(typedIssues.issues.map((i) => i.path + " " + i.code), ["rows[7].sepal_length not_finite", "rows[100001].petal_width below_min"]);
      assert.deepEqual(model.validate({ data: badData, rows: N }), typedIssues.issues);

      const badColumns = Object.fromEntries(features.map((f, j) => [f, Array.from(data.filter((_, k) => k % 4 === j))]));
      badColumns.petal_width[60001] = "wide";
      badColumns.colour = new Array(N).fill("blue");
      const columnIssues = await failure(() => model.predict(badColumns));
      assert.deepEqual(columnIssues.issues.map((i) => i.path + " " + i.code).sort(), ["colour unknown_feature", "petal_width[60001] wrong_type"]);
      assert.equal((await model.predict(SETOSA)).label, "setosa");
    `);
  });

  it("predictBatch: typed arrays column by column, equal to predict's objects, for every example and input form", async (t) => {
    await consumer(t, `
      for (const name of EXAMPLES) {
        const records = [];
        const model = await loadModel(bundle(name), { publicKey: key, onPrediction: (r) => records.push(r) });
        const schema = model.info.schema;
        const rows = holdout(name).cases.map((c) => c.input).filter((r) => model.validate(r).length === 0);
        const objects = await model.predict(rows);
        records.length = 0;
        const batch = await model.predictBatch(rows);
        assert.equal(batch.rows, rows.length, name);
        assert.deepEqual(batch.toObjects(), objects, name + ": toObjects() = predict()");
        assert.deepEqual(batch.model, objects[0].model);
        assert.equal(records.length, rows.length, name + ": one audit record per row");
        if (model.info.outputs.task === "classification") {
          const classes = model.info.outputs.class_names;
          assert.deepEqual(batch.classes, classes);
          assert.ok(batch.labelIndex instanceof Uint32Array && batch.probabilities instanceof Float64Array);
          assert.equal(batch.probabilities.length, rows.length * classes.length);
          assert.equal(batch.values, undefined);
          rows.forEach((_, i) => {
            assert.equal(batch.labels[i], objects[i].label);
            assert.equal(classes[batch.labelIndex[i]], objects[i].label);
            classes.forEach((c, k) => assert.equal(batch.probabilities[i * classes.length + k], objects[i].probabilities[c]));
            assert.equal(records[i].label, objects[i].label);
          });
        } else {
          assert.ok(batch.values instanceof Float64Array);
          assert.deepEqual(Array.from(batch.values), objects.map((o) => o.value));
          assert.equal(batch.labels, undefined);
          assert.equal(batch.probabilities, undefined);
        }
        // The typed input form where the schema is numeric, through the wasm's column path.
        if (schema.every((f) => f.type === "float" || f.type === "integer")) {
          const data = Float64Array.from(rows.flatMap((r) => schema.map((f) => r[f.name])));
          const typed = await model.predictBatch({ data, rows: rows.length });
          assert.deepEqual(typed.toObjects(), objects, name + ": typed input");
          if (typed.classes) {
            // Label strings are made on first read, then kept: a plain, listed property.
            assert.ok(Object.keys(typed).includes("labels"), name + ": labels listed");
            assert.equal(typed.labels, typed.labels, name + ": the same array each read");
            assert.deepEqual(JSON.parse(JSON.stringify(typed)).labels, objects.map((o) => o.label));
          }
          const none = await model.predictBatch({ data: new Float64Array(0), rows: 0 });
          assert.equal(none.rows, 0);
          assert.deepEqual(none.toObjects(), []);
          if (none.classes) assert.ok(none.labelIndex.length === 0 && none.labels.length === 0);
          else assert.equal(none.values.length, 0);
        }
        const one = await model.predictBatch(rows[0]);
        assert.equal(one.rows, 1);
        assert.deepEqual(one.toObjects(), [objects[0]], name + ": a record is a batch of one");
      }

      // Large batches: chunked inside, joined into one set of arrays; issues with whole-batch paths.
      const iris = await loadModel(bundle("iris"), { publicKey: key });
      const N = 120000;
      const data = new Float64Array(N * 4);
      for (let i = 0; i < N; i++) data.set([5.1, 3.5, 1 + (i % 50) / 10, (i % 25) / 10], i * 4);
      const big = await iris.predictBatch({ data, rows: N });
      assert.equal(big.labelIndex.length, N);
      assert.equal(big.probabilities.length, N * 3);
      const objects = await iris.predict({ data, rows: N });
      for (const i of [0, 49999, 50000, 100001, N - 1]) assert.deepEqual(big.toObjects()[i], objects[i], "row " + i);
      const bad = data.slice();
      bad[4 * 100001 + 3] = -5;
      const e = await failure(() => iris.predictBatch({ data: bad, rows: N }));
      assert.ok(e instanceof SchemaError);
      assert.deepEqual(e.issues.map((i) => i.path + " " + i.code), ["rows[100001].petal_width below_min"]);
      const wrong = await failure(() => iris.predictBatch({ data: new Float64Array(5), rows: 2 }));
      assert.ok(wrong instanceof SchemaError, "typed data of the wrong length");
      const unverified = await loadModel(bundle("iris"), { allowUnverified: true });
      assert.equal((await unverified.predictBatch([SETOSA])).model.verified, false);
    `);
  });

  it("fromCsv: CSV text predicts like records; the page's cases (quotes, CRLF, BOM, target column, bad rows, missing column, ';')", async (t) => {
    await consumer(t, `
      const { fromCsv, CsvTable } = so;
      assert.equal(typeof fromCsv, "function");
      const iris = await loadModel(bundle("iris"), { publicKey: key });
      const { cases } = holdout("iris");
      const features = iris.info.schema.map((f) => f.name);
      // The held-out rows as a student's CSV: the target column last, CRLF lines, a BOM, a blank line.
      const text = "\\uFEFF" + [[...features, "species"].join(","),
        ...cases.map((c) => [...features.map((f) => c.input[f]), c.expected.label].join(",")), ""].join("\\r\\n") + "\\r\\n";
      const table = fromCsv(text);
      assert.ok(table instanceof CsvTable);
      assert.deepEqual(table.header, [...features, "species"]);
      assert.equal(table.rows.length, cases.length);
      const viaCsv = await iris.predict(table);
      const viaRecords = await iris.predict(cases.map((c) => c.input));
      assert.deepEqual(viaCsv, viaRecords, "CSV text predicts exactly what the records predict");
      assert.deepEqual(iris.validate(table), []);
      assert.deepEqual(iris.drift(table), iris.drift(cases.map((c) => c.input)));
      assert.deepEqual(table.records(iris.info.schema).ignored, ["species"]);

      // Quoted fields, doubled quotes, a quoted newline; strings stay strings for string features.
      const quoted = fromCsv('a,"b, with comma","say ""hi"""\\n1,"two\\nlines",3\\n');
      assert.deepEqual(quoted.header, ["a", "b, with comma", 'say "hi"']);
      assert.deepEqual(quoted.rows, [["1", "two\\nlines", "3"]]);
      assert.deepEqual(quoted.lines, [2]);

      // A bad value and a short row: one issue each, paths counting the file's rows; the
      // other rows are still valid records.
      const bad = fromCsv(features.join(",") + "\\n5.1,3.5,1.4,0.2\\n5.0,3.1,x,0.2\\n6.7,3.0\\n6.7,3.0,5.2,2.3\\n");
      const issues = iris.validate(bad);
      assert.deepEqual(issues.map((i) => [i.path, i.code]), [["rows[1].petal_length", "wrong_type"], ["rows[2]", "csv_row"]]);
      assert.match(issues[1].received, /2 cells, the header has 4 \\(line 4\\)/);
      const e = await failure(() => iris.predict(bad));
      assert.ok(e instanceof SchemaError);
      assert.deepEqual(e.issues, issues);
      const { records, rows } = bad.records(iris.info.schema);
      assert.deepEqual(rows, [0, 1, 3], "the readable rows, by file row");
      assert.equal((await iris.predict([records[0], records[2]])).length, 2);

      // A missing column is one issue, not one per row.
      const missing = fromCsv(features.slice(0, 3).join(",") + "\\n" + "5.1,3.5,1.4\\n".repeat(480));
      const m = iris.validate(missing);
      assert.deepEqual(m.map((i) => [i.path, i.code]), [["petal_width", "missing_column"]]);
      assert.match((await failure(() => iris.predict(missing))).message, /\\(1 problem\\)/);

      // A ';'-separated file says so.
      const semi = iris.validate(fromCsv(features.join(";") + "\\n5.1;3.5;1.4;0.2\\n"));
      assert.equal(semi.length, 1);
      assert.equal(semi[0].code, "csv_separator");
      assert.match(semi[0].received, /semicolons/);

      // Empty cells are missing values (the study example's nullable feature), booleans and
      // categories as text.
      const study = await loadModel(bundle("study"), { publicKey: key });
      const sc = holdout("study").cases;
      const names = study.info.schema.map((f) => f.name);
      const cell = (v) => (v === null ? "" : String(v));
      const studyCsv = [names.join(","), ...sc.map((c) => names.map((n) => cell(c.input[n])).join(","))].join("\\n");
      assert.ok(sc.some((c) => Object.values(c.input).includes(null)), "the study rows have missing values");
      assert.deepEqual(await study.predict(fromCsv(studyCsv)), await study.predict(sc.map((c) => c.input)));
      assert.throws(() => fromCsv(42), TypeError);
    `);
  });

  it("a SchemaError for a 10^6-row batch is summarised: the first 100 issues, then counts per code", async (t) => {
    await consumer(t, `
      const iris = await loadModel(bundle("iris"), { publicKey: key });
      const n = 1_000_000;
      const columns = {
        sepal_length: new Array(n).fill(5.1),
        sepal_width: new Array(n).fill(3.5),
        petal_length: new Array(n).fill(1.4),
        petal_width: new Array(n).fill(99),
      };
      columns.sepal_length[7] = "x";
      const e = await failure(() => iris.predict(columns));
      assert.ok(e instanceof SchemaError);
      assert.equal(e.issues.length, n + 1, "every issue is still in .issues");
      assert.ok(e.message.length < 20_000, "message of " + e.message.length + " characters");
      const lines = e.message.split("\\n");
      assert.equal(lines.length, 1 + 100 + 1);
      assert.equal(lines[0], "input does not match the model's schema (1000001 problems):");
      assert.equal(lines.at(-1), "  …and 999901 more; all 1000001 by code: 1 wrong_type, 1000000 above_max");
      assert.equal((await iris.predict(SETOSA)).label, "setosa");
    `);
  });

  it("CommonJS: require() gives a promise-based loadModel and preload, and the whole module through load()", async (t) => {
    const file = join(project.dir, "consumer.cjs");
    writeFileSync(
      file,
      `const assert = require("node:assert/strict");
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const so = require("sealed-onnx");
assert.deepEqual(Object.keys(so).sort(), ["load", "loadModel", "preload"]);
(async () => {
  assert.equal(await so.preload(), undefined);
  const models = process.env.SEALED_ONNX_MODELS;
  const model = await so.loadModel(readFileSync(join(models, "iris-1.0.0.sonnx")), {
    publicKey: readFileSync(join(models, "keys/demo-public-key.pem"), "utf8"),
  });
  const p = await model.predict({ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 });
  assert.equal(p.label, "setosa");
  const { fromCsv, SchemaError, VerificationError } = await so.load();
  assert.equal(typeof fromCsv, "function");
  const e = await so.loadModel(new Uint8Array([1, 2, 3]), { allowUnverified: true }).catch((x) => x);
  assert.ok(e instanceof VerificationError);
  assert.ok(typeof SchemaError === "function");
  console.log("cjs ok");
})().catch((e) => { console.error(e); process.exit(1); });
`,
    );
    const out = await new Promise((resolve, reject) =>
      execFile(process.execPath, [file], { cwd: project.dir, env: { ...process.env, SEALED_ONNX_MODELS: modelsDir } }, (err, stdout, stderr) =>
        err ? reject(new Error(`${stderr}\n${stdout}`)) : resolve(stdout),
      ),
    );
    assert.match(out, /cjs ok/);
  });

  it("the docs say how to install it today, that it is ESM (with a CommonJS entry), and a CSP-safe page setup", () => {
    const readme = readFileSync(join(project.dir, "node_modules/sealed-onnx/README.md"), "utf8");
    assert.ok(!/^npm install sealed-onnx$/m.test(readme), "no bare `npm install sealed-onnx`: it is not on the registry");
    assert.match(readme, /not on the npm registry/);
    assert.match(readme, /npm pack/);
    assert.match(readme, /ES module package/);
    assert.match(readme, /Cannot use import statement outside a module/);
    assert.match(readme, /require\("sealed-onnx"\)/);
    assert.ok(!/<script type="importmap">\s*\{/.test(readme), "no inline import map (refused by script-src 'self')");
    assert.match(readme, /script-src 'self' 'wasm-unsafe-eval'/);
    // The repository's user guide: no benchmark history there (bench/README.md has it).
    const root = join(modelsDir, "..");
    const guide = readFileSync(join(root, "README.md"), "utf8");
    assert.ok(!/goal[^.]*not reached|is not reached/.test(guide), "no 'goal not reached' in the user guide");
    assert.ok(!guide.includes("<!-- bench:begin -->"), "the benchmark table lives in bench/README.md");
    assert.ok(!/<script type="importmap">\s*\{/.test(guide));
    const bench = readFileSync(join(root, "bench/README.md"), "utf8");
    assert.ok(bench.includes("<!-- bench:begin -->") && bench.includes("<!-- bench:end -->"));
  });

  it("drift: one report per feature against the training baseline", async (t) => {
    await consumer(t, `
      const model = await loadModel(bundle("iris"), { publicKey: key });
      const rows = holdout("iris").cases.map((c) => c.input);
      const drift = model.drift(rows);
      assert.ok(Array.isArray(drift));
      assert.deepEqual(drift.map((d) => d.feature), model.info.schema.map((f) => f.name));
      for (const d of drift) {
        assert.deepEqual(Object.keys(d).sort(), ["baseline", "bins", "count", "current", "feature", "level", "missing", "psi", "thresholds"]);
        assert.equal(typeof d.psi, "number");
        assert.ok(d.psi >= 0);
        assert.ok(["none", "moderate", "significant"].includes(d.level));
        assert.equal(d.count, rows.length);
        assert.equal(d.missing, 0);
        assert.equal(d.bins.length, d.baseline.length);
        assert.equal(d.current.length, d.baseline.length);
        assert.ok(Math.abs(d.current.reduce((a, b) => a + b, 0) - 1) < 1e-9);
        // 30 rows: the levels start above the large-sample 0.1 / 0.25 (sampling noise).
        assert.ok(d.thresholds.moderate > 0.1 && d.thresholds.significant > d.thresholds.moderate, JSON.stringify(d.thresholds));
      }
      // Held-out rows come from the training distribution: nothing is flagged.
      assert.deepEqual(drift.filter((d) => d.level !== "none").map((d) => d.feature), []);
      const shifted = rows.map((r) => ({ ...r, petal_length: 6.5 }));
      const report = Object.fromEntries(model.drift(shifted).map((d) => [d.feature, d]));
      assert.equal(report.petal_length.level, "significant");
      assert.ok(report.petal_length.psi > drift.find((d) => d.feature === "petal_length").psi);
      const features = model.info.schema.map((f) => f.name);
      const typed = model.drift({ data: Float64Array.from(rows.flatMap((r) => features.map((f) => r[f]))), rows: rows.length });
      assert.deepEqual(typed, drift, "drift of the typed form = drift of the records");
      const e = await failure(() => model.drift([{ ...rows[0], petal_width: "x" }]));
      assert.ok(e instanceof SchemaError, e.name + ": " + e.message);
      console.log("# iris held-out drift: " + drift.map((d) => d.feature + "=" + d.level + " (psi " + d.psi.toFixed(3) + ")").join(", "));
    `);
  });

  it("selfTest re-runs the test vectors; dispose frees the model", async (t) => {
    await consumer(t, `
      for (const name of EXAMPLES) {
        const model = await loadModel(bundle(name), { publicKey: key });
        const pending = model.selfTest();
        assert.ok(pending instanceof Promise);
        const r = await pending;
        assert.deepEqual(r, { passed: model.info.testVectors.total, total: model.info.testVectors.total });
        model.dispose();
        model.dispose(); // twice is fine
        for (const [what, call] of [
          ["predict", () => model.predict(SETOSA)],
          ["validate", () => model.validate(SETOSA)],
          ["drift", () => model.drift(SETOSA)],
          ["selfTest", () => model.selfTest()],
        ]) {
          const e = await failure(call, what + " after dispose");
          assert.ok(e instanceof ModelError, what + ": " + e.name);
          assert.equal(e.message, "model is disposed");
        }
        assert.equal(model.info.name, name, "info stays readable");
      }
    `);
  });

  it("onPrediction receives an audit record for every prediction", async (t) => {
    await consumer(t, `
      const records = [];
      const iris = await loadModel(bundle("iris"), { publicKey: key, onPrediction: (r) => records.push(r) });
      const rows = holdout("iris").cases.map((c) => c.input);
      const t0 = Date.now();
      const predictions = await iris.predict(rows);
      assert.equal(records.length, rows.length);
      records.forEach((r, i) => {
        assert.deepEqual(Object.keys(r).sort(), ["confidence", "digest", "label", "model", "timestamp", "verified", "version"]);
        assert.equal(r.verified, true);
        assert.equal(r.model, "iris");
        assert.equal(r.version, "1.0.0");
        assert.equal(r.digest, iris.info.digest);
        assert.equal(r.label, predictions[i].label);
        assert.equal(r.confidence, Math.max(...Object.values(predictions[i].probabilities)));
        assert.equal(new Date(r.timestamp).toISOString(), r.timestamp);
        assert.ok(Math.abs(Date.parse(r.timestamp) - t0) < 60_000);
      });
      await iris.predict(SETOSA);
      await iris.predict({ data: new Float64Array([5.1, 3.5, 1.4, 0.2]), rows: 1 });
      assert.equal(records.length, rows.length + 2);
      await failure(() => iris.predict([{}]));
      assert.equal(records.length, rows.length + 2, "no record for a refused input");

      const diabetes = [];
      const reg = await loadModel(bundle("diabetes"), { publicKey: key, onPrediction: (r) => diabetes.push(r) });
      const p = await reg.predict(holdout("diabetes").cases[0].input);
      assert.deepEqual(Object.keys(diabetes[0]).sort(), ["digest", "model", "timestamp", "value", "verified", "version"]);
      assert.equal(diabetes[0].value, p.value);

      // Unverified: every prediction and every record says so, with the digest.
      const unverifiedRecords = [];
      const loose = await loadModel(bundle("iris"), { allowUnverified: true, onPrediction: (r) => unverifiedRecords.push(r) });
      const looseOut = await loose.predict(rows.slice(0, 3));
      for (const p of [...looseOut, await loose.predict(SETOSA)]) {
        assert.deepEqual(p.model, { name: "iris", version: "1.0.0", digest: iris.info.digest, verified: false });
      }
      assert.equal(unverifiedRecords.length, 4);
      for (const r of unverifiedRecords) {
        assert.equal(r.verified, false);
        assert.equal(r.digest, iris.info.digest);
      }
      for (const p of predictions) assert.equal(p.model.verified, true);

      const broken = await loadModel(bundle("iris"), { publicKey: key, onPrediction: () => { throw new Error("audit log is down"); } });
      const e = await failure(() => broken.predict(SETOSA));
      assert.equal(e.message, "audit log is down", "a failing hook fails the prediction");
    `);
  });

  it("download failures: HTTP errors, unreachable hosts, relative URLs, bad arguments", async (t) => {
    await consumer(t, `
      const notFound = await failure(() => loadModel(SERVER + "/models/nothing-1.0.0.sonnx", { publicKey: key }));
      assert.ok(notFound instanceof ModelError, notFound.name);
      assert.match(notFound.message, /^cannot download http:\\/\\/127\\.0\\.0\\.1:\\d+\\/models\\/nothing-1\\.0\\.0\\.sonnx: HTTP 404 Not Found$/);
      const serverError = await failure(() => loadModel(SERVER + "/status/503", { publicKey: key, cache: true }));
      assert.ok(serverError instanceof ModelError);
      assert.match(serverError.message, /HTTP 503/);
      const refused = await failure(() => loadModel("http://127.0.0.1:9/x.sonnx", { publicKey: key }));
      assert.ok(refused instanceof ModelError, refused.name);
      assert.match(refused.message, /^cannot download http:\\/\\/127\\.0\\.0\\.1:9\\/x\\.sonnx: /);
      const missingFile = await failure(() => loadModel(pathToFileURL(join(MODELS, "nothing.sonnx")), { publicKey: key }));
      assert.ok(missingFile instanceof ModelError);
      assert.match(missingFile.message, /ENOENT/);
      const relative = await failure(() => loadModel("/models/iris-1.0.0.sonnx", { publicKey: key }));
      assert.ok(relative instanceof ModelError);
      assert.match(relative.message, /file: URL/);
      await assert.rejects(() => loadModel(42, { publicKey: key }), TypeError);
      await assert.rejects(() => loadModel(bundle("iris"), { publicKey: 42 }), TypeError);
      await assert.rejects(() => loadModel(bundle("iris"), { publicKey: key, onProgress: "yes" }), TypeError);

      // A PEM given as bytes (as readFileSync returns it) is fine too.
      const m = await loadModel(bundle("iris"), { publicKey: readFileSync(join(MODELS, "keys/demo-public-key.pem")) });
      assert.equal(m.info.verified, true);
      // Without a Content-Length the total is null.
      const events = [];
      await loadModel(SERVER + "/slow/iris-1.0.0.sonnx?length=no&chunk=1000&ms=250", { publicKey: key, onProgress: (e) => events.push(e) });
      assert.ok(events.length >= 2, JSON.stringify(events));
      assert.ok(events.every((e) => e.total === null), JSON.stringify(events));
      assert.equal(events.at(-1).loaded, bundle("iris").length);
    `);
  });

  it("an AbortSignal cancels a download with an AbortError", async (t) => {
    await consumer(t, `
      const pre = await failure(() => loadModel(SERVER + "/models/iris-1.0.0.sonnx", { publicKey: key, signal: AbortSignal.abort() }));
      assert.equal(pre.name, "AbortError");
      const preBytes = await failure(() => loadModel(bundle("iris"), { publicKey: key, signal: AbortSignal.abort() }));
      assert.equal(preBytes.name, "AbortError");

      const controller = new AbortController();
      let progressed = 0;
      const t0 = Date.now();
      const e = await failure(() => loadModel(SERVER + "/slow/iris-1.0.0.sonnx?chunk=200&ms=100&tag=abort", {
        publicKey: key,
        signal: controller.signal,
        onProgress: () => { if (++progressed === 2) controller.abort(); },
      }));
      const ms = Date.now() - t0;
      assert.equal(e.name, "AbortError", e.name + ": " + e.message);
      assert.ok(ms < 1500, "rejected promptly (" + ms + " ms; the whole download takes ~2.7 s)");
      // the server saw the request go away before it finished
      let seen;
      for (let i = 0; i < 100; i++) {
        const requests = await (await fetch(SERVER + "/__requests")).json();
        seen = requests.find((r) => r.url.endsWith("tag=abort"));
        if (seen && seen.status !== 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(seen.aborted, true, "the download was cancelled: " + JSON.stringify(seen));

      const reason = new Error("user navigated away");
      const custom = await failure(() => loadModel(SERVER + "/slow/iris-1.0.0.sonnx?chunk=200&ms=50", {
        publicKey: key,
        signal: AbortSignal.abort(reason),
      }));
      assert.equal(custom, reason, "rejects with the signal's reason");
      const timeout = await failure(() => loadModel(SERVER + "/slow/iris-1.0.0.sonnx?chunk=200&ms=100", { publicKey: key, signal: AbortSignal.timeout(150) }));
      assert.equal(timeout.name, "TimeoutError");

      const again = await loadModel(SERVER + "/models/iris-1.0.0.sonnx", { publicKey: key });
      assert.equal((await again.predict(SETOSA)).label, "setosa", "loading works after aborts");
    `);
  });

  it("a panic inside the wasm makes that model unusable, and only that one", async (t) => {
    await consumer(t, `
      const a = await loadModel(bundle("iris"), { publicKey: key });
      const b = await loadModel(bundle("iris"), { publicKey: key });
      const c = await loadModel(bundle("diabetes"), { publicKey: key });
      const before = await b.predict(SETOSA);
      const e = await failure(() => _internals.testPanic(a, "boom"));
      assert.ok(e instanceof ModelError, e.name + ": " + e.message);
      assert.ok(!(e instanceof WebAssembly.RuntimeError));
      assert.match(e.message, /deliberate test panic: boom/);
      for (const call of [() => a.predict(SETOSA), () => a.validate(SETOSA), () => a.drift(SETOSA), () => a.selfTest()]) {
        const later = await failure(call);
        assert.ok(later instanceof ModelError, later.name);
        assert.match(later.message, /^this model is unusable after an internal error: .*deliberate test panic: boom.*; load it again$/s);
      }
      assert.deepEqual(await b.predict(SETOSA), before, "another model keeps working");
      assert.equal((await b.selfTest()).passed, b.info.testVectors.total);
      assert.equal(typeof (await c.predict(holdout("diabetes").cases[0].input)).value, "number");
      const fresh = await loadModel(bundle("iris"), { publicKey: key });
      assert.deepEqual(await fresh.predict(SETOSA), before, "a new load works");
      a.dispose(); // disposing an unusable model is fine
      assert.equal(typeof globalThis.__sealedOnnxPanic, "function");
    `);
  });

  it("worker: true needs a browser; cache: true is ignored where Cache Storage is missing", async (t) => {
    await consumer(t, `
      const e = await failure(() => loadModel(bundle("iris"), { publicKey: key, worker: true }));
      assert.ok(e instanceof ModelError);
      assert.equal(e.message, "worker: true needs Web Workers (a browser)");
      assert.equal(typeof globalThis.caches, "undefined");
      const m = await loadModel(SERVER + "/models/iris-1.0.0.sonnx", { publicKey: key, cache: true });
      assert.equal(m.info.source, "network");
      assert.equal((await m.predict(SETOSA)).label, "setosa");
    `);
  });
});
