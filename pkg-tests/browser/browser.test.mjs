// The packed npm package in real headless Chromium, used the way a static site uses it:
// plain <script type="module"> and an import map, no bundler. Run: node --test pkg-tests/browser/

import assert from "node:assert/strict";
import { createHash, generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { installPackage } from "../lib/install.mjs";
import { editEntry } from "../lib/zip.mjs";
import { launchChromium, modelsDir, serveBytes, startServer, trickle, watchPage } from "./harness.mjs";
import { APP_SHELL_SW, TEST_PAGE } from "./pages.mjs";

const EXAMPLES = ["iris", "study", "diabetes", "breast-cancer"];
// Bundles whose output is not one label or one value (tests/data/output_kinds, unsigned).
const KINDS_DIR = join(modelsDir, "..", "tests", "data", "output_kinds");
const bundlePath = (name) => join(modelsDir, `${name}-1.0.0.sonnx`);
const bundleUrl = (name) => `/models/${name}-1.0.0.sonnx`;
const holdout = (name) => JSON.parse(readFileSync(join(modelsDir, name, "holdout.json"), "utf8"));
const IRIS = bundlePath("iris");
const SETOSA = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
const DEMO_KEY = readFileSync(join(modelsDir, "keys/demo-public-key.pem"));
// model_signing's key identity: sha256 of the public key's PEM file.
const DEMO_KEY_FINGERPRINT = createHash("sha256").update(DEMO_KEY).digest("hex");
const sri = (bytes) => "sha256-" + createHash("sha256").update(bytes).digest("base64");

let installed; // the throwaway project's node_modules/sealed-onnx
let server;
let browser;

/** The test site: the installed package, the example bundles and key, the test page. */
async function startSite() {
  const site = await startServer({ "/node_modules/sealed-onnx/": installed, "/models/": modelsDir, "/kinds/": KINDS_DIR });
  site.route("/", serveBytes(Buffer.from(TEST_PAGE), "text/html; charset=utf-8"));
  site.route("/sw.js", serveBytes(Buffer.from(APP_SHELL_SW), "text/javascript; charset=utf-8"));
  return site;
}

before(async () => {
  const { dir } = await installPackage("browser");
  installed = join(dir, "node_modules/sealed-onnx");
  server = await startSite();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh tab on the test page, with the package imported and the demo key fetched. */
async function openPage(context = browser.context) {
  const page = await context.newPage();
  const watch = watchPage(page);
  await page.goto(server.url("/"));
  await page.evaluate(() => window.pageReady);
  return { page, watch };
}

/** |actual − expected| ≤ absolute + relative·|expected|, per holdout.json's tolerance. */
function assertClose(actual, expected, tolerance, what) {
  assert.equal(typeof actual, "number", `${what}: expected a number, got ${JSON.stringify(actual)}`);
  const bound = tolerance.absolute + tolerance.relative * Math.abs(expected);
  assert.ok(
    Math.abs(actual - expected) <= bound,
    `${what}: ${actual} differs from scikit-learn's ${expected} by ${Math.abs(actual - expected)} (> ${bound})`,
  );
}

function assertMatchesHoldout(predictions, { tolerance, cases }, what) {
  assert.ok(Array.isArray(predictions), `${what}: predict(array) must return an array`);
  assert.equal(predictions.length, cases.length, `${what}: one prediction per row`);
  cases.forEach(({ expected }, i) => {
    const p = predictions[i];
    if ("label" in expected) {
      assert.equal(p.label, expected.label, `${what}: rows[${i}] label`);
      assert.deepEqual(
        Object.keys(p.probabilities).sort(),
        Object.keys(expected.probabilities).sort(),
        `${what}: rows[${i}] classes`,
      );
      for (const [cls, prob] of Object.entries(expected.probabilities)) {
        assertClose(p.probabilities[cls], prob, tolerance, `${what}: rows[${i}] P(${cls})`);
      }
    } else {
      assertClose(p.value, expected.value, tolerance, `${what}: rows[${i}] value`);
    }
  });
}

/**
 * The held-out rows of example `name` inside its bundle's schema, checked in the page. Ranges
 * are the training data's own (the examples: + 10 % of the span), so a held-out row beyond them
 * is refused: for its range only (below_min / above_max), for few rows (at most 5 %), and each
 * such row alone is a SchemaError while every other row alone predicts. Returns the holdout
 * without those rows, and their indices as `outside`.
 */
async function holdoutInSchema(page, name) {
  const h = holdout(name);
  const r = await page.evaluate(
    async ({ url, inputs }) => {
      const model = await so.loadModel(url, { publicKey: key });
      const issues = model.validate(inputs);
      const alone = [];
      for (const row of inputs) alone.push(await attempt(() => model.predict(row)));
      model.dispose();
      return { issues, alone: alone.map((a) => (a.ok ? null : a.error)) };
    },
    { url: bundleUrl(name), inputs: h.cases.map((c) => c.input) },
  );
  const outside = new Set();
  for (const issue of r.issues) {
    assert.ok(["below_min", "above_max"].includes(issue.code),
      `${name}: a held-out row fails the schema for another reason than its range: ${JSON.stringify(issue)}`);
    const row = /^rows\[(\d+)\]\./.exec(issue.path);
    assert.ok(row, `${name}: issue path ${issue.path}`);
    outside.add(Number(row[1]));
  }
  assert.ok(outside.size * 20 <= h.cases.length,
    `${name}: ${outside.size} of ${h.cases.length} held-out rows are outside the schema's ranges`);
  r.alone.forEach((error, i) => {
    if (!outside.has(i)) return assert.equal(error, null, `${name}: held-out row ${i} alone: ${error?.message}`);
    assert.equal(error?.name, "SchemaError", `${name}: held-out row ${i} (outside the ranges) alone is refused`);
    assert.ok(error.issues.length > 0 && error.issues.every((x) => ["below_min", "above_max"].includes(x.code)),
      `${name}: held-out row ${i}: ${JSON.stringify(error.issues)}`);
  });
  return { ...h, cases: h.cases.filter((_, i) => !outside.has(i)), outside: [...outside] };
}

/** Loads `url` in the page with `options` (the demo key unless given) and reports the error. */
function refusal(page, url, options) {
  return page.evaluate(
    ({ url, options }) =>
      attempt(() => so.loadModel(url, { publicKey: key, ...options })).then((r) => r.error ?? r),
    { url, options },
  );
}

function assertVerificationError(error, check, what) {
  assert.ok(error && error.is, `${what}: expected a VerificationError, but it loaded`);
  assert.equal(error.name, "VerificationError", `${what}: ${error.name}: ${error.message}`);
  assert.ok(error.is.VerificationError, `${what}: instanceof VerificationError`);
  assert.ok(error.is.Error, `${what}: instanceof Error`);
  assert.equal(error.check, check, `${what}: check (message: ${error.message})`);
  assert.ok(error.message.length > 0, `${what}: has a message`);
}

describe("sealed-onnx in headless Chromium (import map, no bundler)", () => {
  it("loads each example, verified with the demo key, and matches scikit-learn on the held-out rows inside its schema", async () => {
    const { page, watch } = await openPage();
    for (const name of EXAMPLES) {
      const { cases, tolerance } = await holdoutInSchema(page, name);
      const r = await page.evaluate(
        async ({ url, inputs }) => {
          const audit = [];
          const model = await so.loadModel(url, { publicKey: key, onPrediction: (r) => audit.push(r) });
          const features = model.info.schema.map((f) => f.name);
          const records = await model.predict(inputs);
          const columns = await model.predict(
            Object.fromEntries(features.map((f) => [f, inputs.map((row) => row[f])])),
          );
          // The typed form carries numbers only (study has a boolean, a string, missing values).
          const numeric = inputs.every((row) => features.every((f) => typeof row[f] === "number"));
          const typed = numeric
            ? await model.predict({
                data: Float64Array.from(inputs.flatMap((row) => features.map((f) => row[f]))),
                rows: inputs.length,
              })
            : null;
          const single = await model.predict(inputs[0]);
          const selfTest = await model.selfTest();
          const drift = model.drift(inputs);
          const info = JSON.parse(JSON.stringify(model.info));
          model.dispose();
          return { info, features, records, columns, typed, single, selfTest, drift, audit };
        },
        { url: bundleUrl(name), inputs: cases.map((c) => c.input) },
      );
      assertMatchesHoldout(r.records, { cases, tolerance }, `${name} records`);
      assert.deepEqual(r.columns, r.records, `${name}: columns give the same predictions as records`);
      if (r.typed !== null) assert.deepEqual(r.typed, r.records, `${name}: {data, rows} gives the same predictions as records`);
      else assert.equal(name, "study", "only the mixed-type example skips the typed form");
      assert.ok(!Array.isArray(r.single), `${name}: predict(record) returns one prediction`);
      assert.deepEqual(r.single, r.records[0], `${name}: predict(record) equals the batch's first row`);

      const file = readFileSync(bundlePath(name));
      const { info } = r;
      assert.equal(info.name, name);
      assert.equal(info.version, "1.0.0");
      assert.equal(info.verified, true, `${name}: verified`);
      assert.equal(info.source, "network", `${name}: source`);
      assert.equal(info.digest, sri(file), `${name}: digest is the SRI sha256 of the file`);
      assert.equal(info.signer, DEMO_KEY_FINGERPRINT, `${name}: signer is the demo key's fingerprint`);
      assert.ok(info.testVectors.total > 0, `${name}: has test vectors`);
      assert.equal(info.testVectors.passed, info.testVectors.total, `${name}: all test vectors pass`);
      assert.equal(typeof info.card.description, "string", `${name}: card`);
      assert.deepEqual(r.records[0].model, { name, version: "1.0.0", digest: info.digest, verified: true }, `${name}: model stamp`);
      assert.deepEqual(r.selfTest, { passed: info.testVectors.total, total: info.testVectors.total }, `${name}: selfTest`);
      assert.ok(Array.isArray(r.drift), `${name}: drift() is a per-feature list`);
      assert.deepEqual(r.drift.map((d) => d.feature), r.features, `${name}: drift() covers every feature, in order`);
      for (const d of r.drift) assert.ok(Number.isFinite(d.psi), `${name}: drift ${d.feature} has a PSI`);
      // onPrediction: one audit record per predicted row (records, columns, typed, single).
      assert.equal(r.audit.length, (r.typed === null ? 2 : 3) * cases.length + 1, `${name}: one audit record per row`);
      for (const a of r.audit) {
        assert.equal(a.model, name);
        assert.equal(a.version, "1.0.0");
        assert.equal(a.digest, info.digest);
        assert.equal(a.verified, true);
        assert.ok(!Number.isNaN(Date.parse(a.timestamp)), `${name}: audit timestamp ${a.timestamp}`);
      }
      if ("label" in cases[0].expected) {
        const top = Math.max(...Object.values(r.records[0].probabilities));
        assert.equal(r.audit[0].confidence, top, `${name}: audit confidence is the top probability`);
        assert.equal(r.audit[0].label, r.records[0].label);
      } else {
        assert.equal(r.audit[0].value, r.records[0].value);
      }
    }
    assert.deepEqual(watch.problems(), []);
    await page.close();
  });

  it("refuses bundles that fail verification, naming the check, and stays usable", async () => {
    const iris = readFileSync(IRIS);
    const otherKey = generateKeyPairSync("ec", { namedCurve: "prime256v1" })
      .publicKey.export({ type: "spki", format: "pem" });
    // A flipped bit inside model.onnx's compressed bytes: the zip's CRC catches it.
    const flipped = Buffer.from(iris);
    flipped[300] ^= 0x01;
    // A well-formed archive whose model.onnx differs from the digest in manifest.json.
    const otherModel = editEntry(iris, "model.onnx", (d) => {
      d[d.length - 20] ^= 0x01;
      return d;
    });
    // A well-formed archive whose manifest.json differs from what was signed.
    const otherManifest = editEntry(iris, "manifest.json", (d) => {
      const m = JSON.parse(d);
      m.card.description = "Totally trustworthy.";
      return Buffer.from(JSON.stringify(m));
    });
    // Test vectors that this runtime cannot reproduce (only loadable unverified, as the
    // manifest no longer matches its signature).
    const wrongVectors = editEntry(iris, "manifest.json", (d) => {
      const m = JSON.parse(d);
      m.test_vectors.cases[0].expected.label = "virginica";
      return Buffer.from(JSON.stringify(m));
    });
    server.route("/tampered/flipped.sonnx", serveBytes(flipped));
    server.route("/tampered/model.sonnx", serveBytes(otherModel));
    server.route("/tampered/manifest.sonnx", serveBytes(otherManifest));
    server.route("/tampered/vectors.sonnx", serveBytes(wrongVectors));

    const { page, watch } = await openPage();
    const url = bundleUrl("iris");
    assertVerificationError(await refusal(page, url, { publicKey: otherKey }), "signature", "another key");
    assertVerificationError(
      await refusal(page, url, { publicKey: "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n" }),
      "publicKey",
      "a malformed key",
    );
    assertVerificationError(await refusal(page, "/tampered/flipped.sonnx", {}), "bundle", "a flipped byte");
    assertVerificationError(await refusal(page, "/tampered/model.sonnx", {}), "fileDigest", "a changed model.onnx");
    assertVerificationError(await refusal(page, "/tampered/manifest.sonnx", {}), "signature", "a changed manifest");
    assertVerificationError(
      await refusal(page, url, { publicKey: undefined, integrity: sri(Buffer.from("something else")) }),
      "integrity",
      "another file's integrity",
    );
    assertVerificationError(
      await refusal(page, url, { integrity: sri(flipped) }),
      "integrity",
      "integrity of another file, with the right key",
    );
    assertVerificationError(await refusal(page, url, { publicKey: undefined }), "trustAnchor", "no key, no integrity");
    assertVerificationError(
      await refusal(page, "/tampered/vectors.sonnx", { publicKey: undefined, allowUnverified: true }),
      "testVectors",
      "wrong test vectors, unverified",
    );

    // The right anchors still load, in the same page, after all those refusals.
    const ok = await page.evaluate(
      async ({ url, integrity, sha512, setosa }) => {
        const byKey = await so.loadModel(url, { publicKey: key });
        const byIntegrity = await so.loadModel(url, { integrity });
        const bySha512 = await so.loadModel(url, { integrity: sha512 });
        const unverified = await so.loadModel(url, { allowUnverified: true });
        const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
        const fromBytes = await so.loadModel(bytes, { publicKey: key, integrity });
        const out = {
          byKey: await byKey.predict(setosa),
          byIntegrity: await byIntegrity.predict(setosa),
          bySha512: await bySha512.predict(setosa),
          unverified: await unverified.predict(setosa),
          fromBytes: await fromBytes.predict(setosa),
          info: [byKey, byIntegrity, unverified, fromBytes].map(({ info }) => ({
            verified: info.verified,
            signer: info.signer,
            integrityChecked: info.integrityChecked,
            source: info.source,
          })),
        };
        for (const m of [byKey, byIntegrity, bySha512, unverified, fromBytes]) m.dispose();
        out.disposed = await attempt(() => byKey.predict(setosa));
        return out;
      },
      {
        url,
        integrity: sri(iris),
        sha512: "sha512-" + createHash("sha512").update(iris).digest("base64"),
        setosa: SETOSA,
      },
    );
    assert.equal(ok.byKey.label, "setosa");
    assert.deepEqual(ok.byIntegrity, ok.byKey);
    assert.deepEqual(ok.bySha512, ok.byKey, "a sha512 SRI string works too");
    assert.deepEqual(ok.fromBytes, ok.byKey);
    assert.equal(ok.unverified.label, "setosa");
    assert.deepEqual(
      ok.info,
      [
        { verified: true, signer: DEMO_KEY_FINGERPRINT, integrityChecked: false, source: "network" },
        { verified: true, signer: null, integrityChecked: true, source: "network" },
        { verified: false, signer: null, integrityChecked: false, source: "network" },
        { verified: true, signer: DEMO_KEY_FINGERPRINT, integrityChecked: true, source: "bytes" },
      ],
      "info per trust anchor: by key, by integrity, unverified, bytes with both",
    );
    assert.equal(ok.disposed.error?.name, "ModelError", "a disposed model refuses to predict");
    assert.deepEqual(watch.problems(), []);
    await page.close();
  });

  it("rejects bad input with one SchemaError listing every issue, and keeps predicting", async () => {
    const { page, watch } = await openPage();
    const r = await page.evaluate(
      async ({ url, setosa }) => {
        const model = await so.loadModel(url, { publicKey: key });
        const before = await model.predict(setosa);
        const bad = [
          setosa,
          { sepal_length: "5.1", sepal_width: null, petal_length: 99, colour: "blue" },
          "not a record",
          { ...setosa, petal_width: NaN },
        ];
        const batch = await attempt(() => model.predict(bad));
        const validated = model.validate(bad);
        const validOnes = model.validate([setosa, setosa]);
        const record = await attempt(() => model.predict({ ...setosa, petal_width: -3 }));
        const columns = await attempt(() =>
          model.predict({ sepal_length: [5.1, 6], sepal_width: [3.5, 3], petal_length: [1.4, 4], petal_width: [0.2, "x"] }),
        );
        const nothing = await attempt(() => model.predict(42));
        const typed = await attempt(() => model.predict({ data: new Float64Array(7), rows: 2 }));
        const after = await model.predict(setosa);
        const schema = JSON.parse(JSON.stringify(model.info.schema));
        model.dispose();
        return { before, batch, validated, validOnes, record, columns, nothing, typed, after, schema };
      },
      { url: bundleUrl("iris"), setosa: SETOSA },
    );

    assert.equal(r.batch.ok, false, "a bad batch is refused");
    const e = r.batch.error;
    assert.equal(e.name, "SchemaError");
    assert.ok(e.is.SchemaError && e.is.Error, "instanceof SchemaError and Error");
    const found = e.issues.map((i) => `${i.path} ${i.code}`).sort();
    assert.deepEqual(found, [
      "rows[1].colour unknown_feature",
      "rows[1].petal_length above_max",
      "rows[1].petal_width missing_feature",
      "rows[1].sepal_length wrong_type",
      "rows[1].sepal_width null_not_allowed",
      "rows[2] not_a_record",
      "rows[3].petal_width not_finite",
    ]);
    for (const issue of e.issues) {
      assert.deepEqual(Object.keys(issue).sort(), ["code", "expected", "path", "received"], JSON.stringify(issue));
      assert.equal(typeof issue.expected, "string");
      assert.equal(typeof issue.received, "string");
    }
    const above = e.issues.find((i) => i.code === "above_max");
    // The bundle's own range for that feature (ranges come from the training data).
    const feature = r.schema.find((f) => above.path.endsWith("." + f.name));
    assert.equal(typeof feature.max, "number", `${above.path}: the schema has a maximum`);
    assert.ok(above.expected.includes(` to ${feature.max} `), `${above.expected} names the maximum ${feature.max}`);
    assert.match(above.received, /99/, "received shows the value");
    for (const issue of e.issues) assert.ok(e.message.includes(issue.path), `the message names ${issue.path}`);
    assert.deepEqual(r.validated, e.issues, "validate() lists the same issues without throwing");
    assert.deepEqual(r.validOnes, [], "validate() of valid rows is an empty list");

    assert.deepEqual(
      r.record.error.issues.map((i) => `${i.path} ${i.code}`),
      ["petal_width below_min"],
      "a single record's paths have no rows[] prefix",
    );
    assert.deepEqual(r.columns.error.issues.map((i) => `${i.path} ${i.code}`), ["petal_width[1] wrong_type"]);
    assert.equal(r.nothing.error.name, "SchemaError");
    assert.deepEqual(r.nothing.error.issues.map((i) => i.code), ["not_a_batch"]);
    assert.equal(r.typed.ok, false, "typed input of the wrong length is refused");
    assert.equal(r.typed.error.name, "SchemaError", r.typed.error.message);
    assert.deepEqual(r.typed.error.issues.map((i) => `${i.path} ${i.code}`), ["data column_length"]);
    assert.match(r.typed.error.message, /data: expected 8 values \(2 rows × 4 features\), received 7 values/);
    assert.deepEqual(r.after, r.before, "the model predicts the same after every error");
    assert.deepEqual(watch.problems(), []);
    await page.close();
  });

  it("a Rust panic becomes a ModelError for that model only; other models keep working", async () => {
    const { page, watch } = await openPage();
    const { cases } = await holdoutInSchema(page, "breast-cancer");
    const inputs = cases.map((c) => c.input);
    const r = await page.evaluate(
      async ({ irisUrl, url, inputs, setosa }) => {
        const { testPanic } = so._internals;
        const run = async (worker) => {
          const iris = await so.loadModel(irisUrl, { publicKey: key, worker });
          const other = await so.loadModel(url, { publicKey: key, worker });
          const before = await other.predict(inputs);
          const panic = await attempt(() => testPanic(iris, "deliberate test panic"));
          const same = await attempt(() => iris.predict(setosa));
          const otherAfter = await other.predict(inputs);
          const fresh = await so.loadModel(irisUrl, { publicKey: key, worker });
          const freshLabel = (await fresh.predict(setosa)).label;
          for (const m of [iris, other, fresh]) m.dispose();
          return { panic, same, unchanged: JSON.stringify(before) === JSON.stringify(otherAfter), freshLabel };
        };
        return { main: await run(false), worker: await run(true) };
      },
      { irisUrl: bundleUrl("iris"), url: bundleUrl("breast-cancer"), inputs, setosa: SETOSA },
    );
    for (const mode of ["main", "worker"]) {
      const x = r[mode];
      assert.equal(x.panic.ok, false, `${mode}: the panic rejects`);
      assert.equal(x.panic.error.name, "ModelError", `${mode}: ${x.panic.error.name}: ${x.panic.error.message}`);
      assert.ok(x.panic.error.is.ModelError, `${mode}: instanceof ModelError`);
      assert.match(x.panic.error.message, /deliberate test panic/, `${mode}: the panic's message is kept`);
      assert.equal(x.same.error?.name, "ModelError", `${mode}: the panicked model refuses further calls`);
      assert.ok(x.unchanged, `${mode}: another model predicts exactly as before the panic`);
      assert.equal(x.freshLabel, "setosa", `${mode}: loading again works`);
    }
    // The trap itself may be logged by the browser as an uncaught error; nothing else may.
    assert.deepEqual(watch.problems().filter((p) => !/deliberate test panic|unreachable/i.test(p)), []);
    await page.close();
  });

  it("worker: true runs the same model in a module Web Worker, off the main thread", async (t) => {
    // The held-out rows are checked in a page of their own: this one must never run wasm itself.
    const other = await openPage();
    const { cases, tolerance } = await holdoutInSchema(other.page, "breast-cancer");
    assert.deepEqual(other.watch.problems(), []);
    await other.page.close();
    const { page, watch } = await openPage();
    const inputs = cases.map((c) => c.input);
    const r = await page.evaluate(
      async ({ url, inputs, setosa, irisUrl }) => {
        const model = await so.loadModel(url, { publicKey: key, worker: true });
        const info = JSON.parse(JSON.stringify(model.info));
        const pending = model.predict(inputs);
        const isPromise = pending instanceof Promise;
        const predictions = await pending;
        const bad = [inputs[0], { ...inputs[1], mean_radius: "big" }];
        const validation = model.validate(bad);
        const validateIsPromise = validation instanceof Promise;
        const issues = await validation;
        const schemaError = await attempt(() => model.predict(bad));
        const afterError = await model.predict(inputs[0]);
        const selfTest = await model.selfTest();
        const drift = await model.drift(inputs);
        const batch = await model.predictBatch(inputs);
        const batchResult = {
          sameAsPredict: JSON.stringify(batch.toObjects()) === JSON.stringify(predictions),
          typed: batch.labelIndex instanceof Uint32Array && batch.probabilities instanceof Float64Array,
          rows: batch.rows,
        };
        const wasmBeforeIris = [...mainThreadWasm];

        // Responsiveness: a big iris batch predicts in the worker while the main thread ticks.
        const iris = await so.loadModel(irisUrl, { publicKey: key, worker: true });
        const rows = 300000;
        const data = new Float64Array(rows * 4);
        for (let i = 0; i < rows; i++) data.set([setosa.sepal_length, setosa.sepal_width, setosa.petal_length, setosa.petal_width + (i % 10) / 10], i * 4);
        let ticks = 0;
        const timer = setInterval(() => ticks++, 10);
        const t0 = performance.now();
        const big = await iris.predict({ data, rows });
        const elapsed = performance.now() - t0;
        clearInterval(timer);
        const bigBatch = await iris.predictBatch({ data, rows });
        batchResult.big = bigBatch.rows === rows && bigBatch.labels[0] === big[0].label && bigBatch.labels[rows - 1] === big[rows - 1].label;
        const refused = await attempt(() => so.loadModel(irisUrl, { worker: true }));
        const stillWorks = await iris.predict(setosa);
        model.dispose();
        iris.dispose();
        const disposed = await attempt(() => model.predict(inputs[0]));
        return {
          disposed,
          info, isPromise, predictions, validateIsPromise, issues, schemaError, afterError, selfTest,
          drift: drift && typeof drift, wasmBeforeIris, mainThreadWasm: [...mainThreadWasm], workersStarted: [...workersStarted],
          big: { length: big.length, first: big[0].label, last: big[rows - 1].label }, ticks, elapsed, refused, stillWorks, batchResult,
        };
      },
      { url: bundleUrl("breast-cancer"), inputs, setosa: SETOSA, irisUrl: bundleUrl("iris") },
    );
    assert.equal(r.info.verified, true);
    assert.equal(r.info.name, "breast-cancer");
    assert.ok(r.isPromise, "predict returns a Promise");
    assertMatchesHoldout(r.predictions, { cases, tolerance }, "breast-cancer in a worker");
    assert.ok(r.validateIsPromise, "validate returns a Promise in worker mode");
    assert.deepEqual(r.batchResult, { sameAsPredict: true, typed: true, rows: inputs.length, big: true }, "predictBatch in a worker");
    assert.deepEqual(r.issues.map((i) => `${i.path} ${i.code}`), ["rows[1].mean_radius wrong_type"]);
    assert.equal(r.schemaError.error.name, "SchemaError");
    assert.ok(r.schemaError.error.is.SchemaError, "a worker's SchemaError is a SchemaError on the main thread");
    assert.deepEqual(r.schemaError.error.issues, r.issues);
    assert.deepEqual(r.afterError, r.predictions[0]);
    assert.equal(r.drift, "object");
    assert.equal(r.refused.error.name, "VerificationError");
    assert.ok(r.refused.error.is.VerificationError, "a worker's VerificationError is one on the main thread");
    assert.equal(r.refused.error.check, "trustAnchor");
    assert.equal(r.stillWorks.label, "setosa");
    assert.equal(r.disposed.error?.name, "ModelError", "a disposed worker model rejects");

    // Where it ran: a module worker was started, and the main thread never compiled or
    // instantiated WebAssembly.
    assert.ok(r.workersStarted.length >= 1, "a Worker was constructed");
    assert.ok(r.workersStarted.every((w) => w.type === "module"), JSON.stringify(r.workersStarted));
    assert.deepEqual(r.mainThreadWasm, [], "no WebAssembly on the main thread in worker mode");
    // And the main thread stayed responsive while a 300,000-row batch ran.
    assert.equal(r.big.length, 300000);
    assert.equal(r.big.first, "setosa");
    const expectedTicks = r.elapsed / 10;
    assert.ok(
      r.ticks >= Math.max(3, expectedTicks * 0.25),
      `main thread ticked ${r.ticks} times during ${r.elapsed.toFixed(0)} ms of predict (≥ ${Math.max(3, expectedTicks * 0.25).toFixed(0)} expected)`,
    );
    t.diagnostic(`worker: 300k-row predict took ${r.elapsed.toFixed(0)} ms; the main thread ticked ${r.ticks} times (10 ms interval)`);

    // Same page, main-thread model: the same predictions.
    const main = await page.evaluate(
      async ({ url, inputs }) => {
        const model = await so.loadModel(url, { publicKey: key });
        const p = await model.predict(inputs);
        model.dispose();
        return p;
      },
      { url: bundleUrl("breast-cancer"), inputs },
    );
    assert.deepEqual(r.predictions, main, "worker and main thread predict identically");
    assert.deepEqual(watch.problems(), []);
    await page.close();
  });

  it("clusters, outliers, vectors and several targets: the worker gives what the main thread gives, typed", async () => {
    const { page, watch } = await openPage();
    const kinds = ["multioutput", "pca", "kmeans", "lof"];
    const inputs = Object.fromEntries(
      kinds.map((k) => [k, JSON.parse(readFileSync(join(KINDS_DIR, k, "holdout.json"), "utf8")).cases.map((c) => c.input)]),
    );
    const r = await page.evaluate(
      async ({ kinds, inputs }) => {
        const out = {};
        for (const name of kinds) {
          const url = `/kinds/${name}/${name}-1.0.0.sonnx`;
          const main = await so.loadModel(url, { allowUnverified: true });
          const worker = await so.loadModel(url, { allowUnverified: true, worker: true });
          const rows = inputs[name];
          const a = await main.predict(rows);
          const b = await worker.predict(rows);
          const batch = await worker.predictBatch(rows);
          out[name] = {
            task: batch.task,
            same: JSON.stringify(a) === JSON.stringify(b),
            batchSame: JSON.stringify(batch.toObjects()) === JSON.stringify(b),
            typed: [batch.values, batch.vectors, batch.clusters, batch.distances, batch.outliers, batch.scores]
              .filter((x) => x !== undefined)
              .map((x) => x.constructor.name),
            first: b[0],
          };
          main.dispose();
          worker.dispose();
        }
        return out;
      },
      { kinds, inputs },
    );
    assert.deepEqual(Object.fromEntries(kinds.map((k) => [k, r[k].task])), {
      multioutput: "regression", pca: "transform", kmeans: "clustering", lof: "outlier",
    });
    for (const k of kinds) {
      assert.ok(r[k].same, `${k}: worker = main thread`);
      assert.ok(r[k].batchSame, `${k}: toObjects() = predict()`);
    }
    assert.deepEqual(r.kmeans.typed, ["Uint32Array", "Float64Array"]);
    assert.deepEqual(r.lof.typed, ["Uint8Array", "Float64Array"]);
    assert.deepEqual(r.pca.typed, ["Float64Array"]);
    assert.deepEqual(Object.keys(r.kmeans.first).sort(), ["cluster", "distances", "model"]);
    assert.deepEqual(Object.keys(r.lof.first).sort(), ["model", "outlier", "score"]);
    assert.deepEqual(Object.keys(r.multioutput.first.values), ["t0", "t1", "t2"]);
    assert.deepEqual(watch.problems(), []);
  });

  it("fromCsv in a worker and on the main thread; unverified predictions say so", async (t) => {
    const { page } = await openPage();
    const header = "sepal_length,sepal_width,petal_length,petal_width,species";
    const csv = [header, "5.1,3.5,1.4,0.2,setosa", "6.7,3.0,5.2,2.3,virginica", '"5.9",3.0,4.2,1.5,versicolor'].join("\r\n");
    const bad = [header, "5.1,3.5,x,0.2,setosa", "6.7,3.0", "6.7,3.0,5.2,2.3,virginica"].join("\n");
    const r = await page.evaluate(
      async ({ url, csv, bad }) => {
        const out = {};
        for (const worker of [false, true]) {
          const model = await so.loadModel(url, { allowUnverified: true, worker });
          const viaCsv = await model.predict(so.fromCsv(csv));
          const viaRecords = await model.predict(so.fromCsv(csv).records(model.info.schema).records);
          const issues = await model.validate(so.fromCsv(bad));
          const refused = await attempt(() => model.predict(so.fromCsv(bad)));
          out[worker ? "worker" : "main"] = { viaCsv, viaRecords, issues, refused };
          model.dispose();
        }
        return out;
      },
      { url: bundleUrl("iris"), csv, bad },
    );
    for (const where of ["main", "worker"]) {
      const { viaCsv, viaRecords, issues, refused } = r[where];
      assert.deepEqual(viaCsv, viaRecords, `${where}: CSV predicts what its records predict`);
      assert.deepEqual(viaCsv.map((p) => p.label), ["setosa", "virginica", "versicolor"], where);
      for (const p of viaCsv) assert.equal(p.model.verified, false, `${where}: an unverified bundle's prediction says so`);
      assert.deepEqual(issues.map((i) => `${i.path} ${i.code}`), ["rows[0].petal_length wrong_type", "rows[1] csv_row"], where);
      assert.equal(refused.error.name, "SchemaError", where);
      assert.ok(refused.error.is.SchemaError, where);
    }
  });

  it("reports download progress up to the Content-Length", async () => {
    const bytes = readFileSync(bundlePath("breast-cancer"));
    server.route("/slow/progress.sonnx", trickle(bytes, { chunk: 1500, intervalMs: 25 }));
    server.route("/slow/chunked.sonnx", trickle(bytes, { chunk: 1500, intervalMs: 25, contentLength: false }));
    const { page, watch } = await openPage();
    const r = await page.evaluate(async () => {
      const run = async (url, worker) => {
        const events = [];
        const model = await so.loadModel(url, {
          publicKey: key,
          worker,
          onProgress: (e) => events.push({ loaded: e.loaded, total: e.total }),
        });
        model.dispose();
        return events;
      };
      return {
        main: await run("/slow/progress.sonnx", false),
        worker: await run("/slow/progress.sonnx", true),
        chunked: await run("/slow/chunked.sonnx", false),
      };
    });
    for (const mode of ["main", "worker"]) {
      const events = r[mode];
      assert.ok(events.length >= 3, `${mode}: several progress events (got ${JSON.stringify(events)})`);
      for (let i = 1; i < events.length; i++) {
        assert.ok(events[i].loaded >= events[i - 1].loaded, `${mode}: loaded never decreases: ${JSON.stringify(events)}`);
      }
      for (const e of events) assert.equal(e.total, bytes.length, `${mode}: total is the Content-Length`);
      assert.equal(events.at(-1).loaded, bytes.length, `${mode}: the last event has loaded == total`);
    }
    const chunked = r.chunked;
    assert.ok(chunked.length >= 1, "progress without a Content-Length");
    for (let i = 1; i < chunked.length; i++) assert.ok(chunked[i].loaded >= chunked[i - 1].loaded);
    assert.equal(chunked.at(-1).loaded, bytes.length, "without Content-Length the last event still has every byte");
    for (const e of chunked) assert.equal(e.total, null, "without Content-Length total is null");
    assert.deepEqual(watch.problems(), []);
    await page.close();
  });

  it("an AbortSignal cancels a slow download with an AbortError", async () => {
    const bytes = readFileSync(IRIS);
    server.route("/slow/abort-main.sonnx", trickle(bytes, { chunk: 200, intervalMs: 100 }));
    server.route("/slow/abort-worker.sonnx", trickle(bytes, { chunk: 200, intervalMs: 100 }));
    const { page, watch } = await openPage();
    const r = await page.evaluate(async () => {
      const run = async (url, worker) => {
        const controller = new AbortController();
        let progressed = 0;
        const t0 = performance.now();
        const result = await attempt(() =>
          so.loadModel(url, {
            publicKey: key,
            worker,
            signal: controller.signal,
            onProgress: () => {
              if (++progressed === 2) controller.abort();
            },
          }),
        );
        return { ...result, progressed, ms: performance.now() - t0 };
      };
      const preAborted = await attempt(() =>
        so.loadModel("/models/iris-1.0.0.sonnx", { publicKey: key, signal: AbortSignal.abort() }),
      );
      const main = await run("/slow/abort-main.sonnx", false);
      const worker = await run("/slow/abort-worker.sonnx", true);
      const again = await so.loadModel("/models/iris-1.0.0.sonnx", { publicKey: key });
      const label = (await again.predict({ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 })).label;
      again.dispose();
      return { preAborted, main, worker, label };
    });
    for (const mode of ["main", "worker"]) {
      const x = r[mode];
      assert.equal(x.ok, false, `${mode}: aborted load rejects`);
      assert.equal(x.error.name, "AbortError", `${mode}: ${x.error.name}: ${x.error.message}`);
      // The whole file takes ~2.7 s at this rate; an abort after the 2nd chunk ends far sooner.
      assert.ok(x.ms < 1500, `${mode}: rejected promptly (${x.ms.toFixed(0)} ms)`);
      const request = server.requests.find((q) => q.path === `/slow/abort-${mode}.sonnx`);
      assert.ok(request, `${mode}: the download started`);
      await waitFor(() => request.status !== 0, `${mode}: the server sees the request end`);
      assert.equal(request.aborted, true, `${mode}: the browser cancelled the download`);
    }
    assert.equal(r.preAborted.error?.name, "AbortError", "an already-aborted signal rejects");
    assert.equal(r.label, "setosa", "loading works again after aborts");
    assert.deepEqual(watch.problems(), []);
    await page.close();
  });

  it("cache: true keeps the verified bundle in Cache Storage and loads it offline", async () => {
    // Its own browser and server: this test turns the network off and stops the server.
    const own = await launchChromium();
    const local = await startSite();
    try {
      const page = await own.context.newPage();
      const watch = watchPage(page);
      // 1. Register the app-shell service worker (so the page itself loads offline later).
      await page.goto(local.url("/"));
      await page.evaluate(async () => {
        await navigator.serviceWorker.register("/sw.js");
        await navigator.serviceWorker.ready;
      });
      await page.reload();
      await page.evaluate(() => window.pageReady);
      assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), "the page is controlled");

      // 2. Online. An unverified load is not kept; a verified one is (network first).
      const unverified = await page.evaluate(async (url) => {
        const model = await so.loadModel(url, { allowUnverified: true, cache: true });
        const out = { source: model.info.source, verified: model.info.verified };
        model.dispose();
        out.cached = (await (await caches.open("sealed-onnx-v1")).keys()).length;
        return out;
      }, bundleUrl("iris"));
      assert.deepEqual(unverified, { source: "network", verified: false, cached: 0 }, "unverified bytes are not cached");
      const online = await page.evaluate(async (url) => {
        const model = await so.loadModel(url, { publicKey: key, cache: true });
        const worker = await so.loadModel(url, { publicKey: key, cache: true, worker: true });
        const p = await model.predict({ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 });
        const out = { source: model.info.source, workerSource: worker.info.source, p };
        model.dispose();
        worker.dispose();
        const cache = await caches.open("sealed-onnx-v1");
        out.cached = (await cache.keys()).map((r) => new URL(r.url).pathname);
        return out;
      }, bundleUrl("iris"));
      assert.equal(online.source, "network");
      assert.equal(online.workerSource, "network");
      assert.deepEqual(online.cached, [bundleUrl("iris")], "the bundle is in Cache Storage \"sealed-onnx-v1\"");
      assert.equal(online.p.label, "setosa");

      // While online, the network's answer wins: tampered bytes from the server are refused
      // (not replaced by the cached copy, and not cached); a 503 outage falls back to the cache.
      const flipped = Buffer.from(readFileSync(IRIS));
      flipped[300] ^= 0x01;
      local.route(bundleUrl("iris"), serveBytes(flipped));
      const tampered = await page.evaluate(async (url) => {
        const result = await attempt(() => so.loadModel(url, { publicKey: key, cache: true }));
        const cache = await caches.open("sealed-onnx-v1");
        const kept = new Uint8Array(await (await cache.match(url)).arrayBuffer());
        const digest = await crypto.subtle.digest("SHA-256", kept);
        return { ...result, kept: btoa(String.fromCharCode(...new Uint8Array(digest))) };
      }, bundleUrl("iris"));
      assertVerificationError(tampered.error, "bundle", "tampered bytes from the network, cache: true");
      assert.equal("sha256-" + tampered.kept, sri(readFileSync(IRIS)), "the cached copy is still the good one");
      local.route(bundleUrl("iris"), (req, res) => res.writeHead(503).end());
      const outage = await page.evaluate(async (url) => {
        const model = await so.loadModel(url, { publicKey: key, cache: true });
        const source = model.info.source;
        model.dispose();
        return source;
      }, bundleUrl("iris"));
      assert.equal(outage, "cache", "a 503 falls back to the cached copy");
      local.route(bundleUrl("iris"), null);

      // 3. Offline: network emulation off and the server gone.
      await own.context.setOffline(true);
      await local.close();
      const seenBefore = local.requests.length;
      await page.reload();
      await page.evaluate(() => window.pageReady);
      const offline = await page.evaluate(async (url) => {
        const model = await so.loadModel(url, { publicKey: key, cache: true });
        const worker = await so.loadModel(url, { publicKey: key, cache: true, worker: true });
        const setosa = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
        const out = {
          source: model.info.source,
          verified: model.info.verified,
          digest: model.info.digest,
          p: await model.predict(setosa),
          workerSource: worker.info.source,
          workerP: await worker.predict(setosa),
          noCache: await attempt(() => so.loadModel(url, { publicKey: key, cache: false })),
        };
        model.dispose();
        worker.dispose();
        return out;
      }, bundleUrl("iris"));
      assert.equal(local.requests.length, seenBefore, "nothing reached the server");
      assert.equal(offline.source, "cache");
      assert.equal(offline.workerSource, "cache");
      assert.equal(offline.verified, true);
      assert.equal(offline.digest, sri(readFileSync(IRIS)));
      assert.deepEqual(offline.p, online.p);
      assert.deepEqual(offline.workerP, online.p);
      assert.equal(offline.noCache.ok, false, "cache: false does not read the cache");

      // 4. Cached bytes are re-verified on every read: another key, or a corrupted entry, is refused.
      const otherKey = generateKeyPairSync("ec", { namedCurve: "prime256v1" })
        .publicKey.export({ type: "spki", format: "pem" });
      const refused = await page.evaluate(
        async ({ url, otherKey }) => {
          const wrongKey = await attempt(() => so.loadModel(url, { publicKey: otherKey, cache: true }));
          const cache = await caches.open("sealed-onnx-v1");
          const [request] = await cache.keys();
          const bytes = new Uint8Array(await (await cache.match(request)).arrayBuffer());
          bytes[300] ^= 1;
          await cache.put(request, new Response(bytes, { headers: { "Content-Type": "application/octet-stream" } }));
          const corrupted = await attempt(() => so.loadModel(url, { publicKey: key, cache: true }));
          return { wrongKey, corrupted };
        },
        { url: bundleUrl("iris"), otherKey },
      );
      assertVerificationError(refused.wrongKey.error, "signature", "cached bundle, another key");
      assert.equal(refused.corrupted.ok, false, "a corrupted cache entry is refused");
      assert.equal(refused.corrupted.error.name, "VerificationError", refused.corrupted.error.message);
      // The browser logs the failed requests this test causes on purpose; nothing else may appear.
      const caused = (p) => /ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED|Failed to fetch|status of 503/.test(p);
      assert.deepEqual(watch.problems().filter((p) => !caused(p)), []);
    } finally {
      await own.close();
      await local.close().catch(() => {});
    }
  });
});

async function waitFor(condition, what, ms = 5000) {
  const t0 = Date.now();
  while (!condition()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
