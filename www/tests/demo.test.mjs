// The demo page as a student uses it: served by www/serve.mjs, driven in headless Chromium
// (Debian's /usr/bin/chromium via npm playwright-core). Needs `node www/build.mjs` first.
// Screenshots (desktop and phone) go to www/tests/artifacts/.

import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { createHash, generateKeyPairSync } from "node:crypto";

import { chromium } from "playwright-core";

import { editEntry } from "../../pkg-tests/lib/zip.mjs";
import { serve } from "../serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const www = join(here, "..");
const artifacts = join(here, "artifacts");
const CHROMIUM = "/usr/bin/chromium";

for (const [path, fix] of [
  [join(www, "node_modules/sealed-onnx/index.js"), "run `node www/build.mjs`"],
  [join(www, "examples/index.json"), "run `node www/build.mjs`"],
  [CHROMIUM, "run `bash scripts/setup-browser.sh`"],
]) {
  if (!existsSync(path)) throw new Error(`${path} is missing: ${fix}`);
}

// The package exactly as the page has it installed, for the Node side of comparisons.
const { loadModel } = await import(join(www, "node_modules/sealed-onnx/index.js"));

const { examples } = JSON.parse(readFileSync(join(www, "examples/index.json"), "utf8"));
const demoKey = readFileSync(join(www, "examples/demo-public-key.pem"), "utf8");
const bundleBytes = (ex) => readFileSync(join(www, ex.url));
const example = (name) => {
  const ex = examples.find((e) => e.name === name);
  assert.ok(ex, `example ${name} is listed`);
  return ex;
};

let server;
let browser;
const outside = []; // requests that left 127.0.0.1 (there must be none)

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  server = await serve({ port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh context (own service worker and caches) and page on `url`, errors collected. */
async function open(t, { url = server.url, viewport = { width: 1280, height: 900 } } = {}) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  context.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith("http://127.0.0.1:") && !u.startsWith("blob:") && !u.startsWith("data:")) outside.push(u);
  });
  t.after(() => context.close());
  await page.goto(url);
  await page.waitForSelector("button[data-example]");
  return { context, page, errors };
}

async function loadExample(page, name) {
  await page.click(`button[data-example="${name}"]`);
  await page.waitForSelector("#trust [data-verdict]");
  await page.waitForFunction((n) => document.body.dataset.model?.startsWith(`${n}@`) ?? false, name);
}

/** Loads `bytes` through the file chooser, with an optional pasted key. */
async function loadFile(page, name, bytes, key = "") {
  await page.locator("#own").evaluate((d) => (d.open = true));
  await page.fill("#key", key);
  await page.setInputFiles("#file", { name, mimeType: "application/octet-stream", buffer: bytes });
  await page.waitForFunction((n) => document.getElementById("load-text").textContent.includes(n), name);
  await page.waitForSelector("#trust [data-verdict]");
}

const checkStates = (page) =>
  page.$$eval("#trust .check", (rows) => Object.fromEntries(rows.map((r) => [r.dataset.check, r.dataset.state])));

const VIEWPORTS = [
  ["desktop", { width: 1280, height: 900 }],
  ["phone", { width: 390, height: 844 }],
];

const SIX_TRACKS = ["bio", "cs", "math", "physics", "chemistry", "history"];

/**
 * The study example with six tracks instead of three (schema categories and the drift
 * baseline's frequencies), re-zipped: a student's own bundle, pinned by its digest.
 */
function sixCategoryStudy() {
  let firstInput;
  let firstLabel;
  const bytes = editEntry(bundleBytes(example("study")), "manifest.json", (d) => {
    const m = JSON.parse(d);
    const track = m.inputs.features.find((f) => f.name === "track");
    track.categories = SIX_TRACKS;
    m.drift_baseline.features.track.frequencies = { bio: 0.2, cs: 0.3, math: 0.25, physics: 0.1, chemistry: 0.1, history: 0.05 };
    firstInput = m.test_vectors.cases[0].input;
    firstLabel = m.test_vectors.cases[0].expected.label;
    return Buffer.from(JSON.stringify(m));
  });
  const integrity = `sha256-${createHash("sha256").update(bytes).digest("base64")}`;
  return { bytes, integrity, firstInput, firstLabel };
}

async function submitForm(page) {
  await page.click("#predict-form button[type=submit]");
}

async function prediction(page) {
  const el = await page.waitForSelector("[data-prediction]");
  return JSON.parse(await el.getAttribute("data-prediction"));
}

async function nodeModel(ex) {
  return loadModel(bundleBytes(ex), { publicKey: demoKey, integrity: ex.integrity });
}

async function downloadText(page, click) {
  const [download] = await Promise.all([page.waitForEvent("download"), click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(path, "utf8") };
}

/**
 * Runs in the page: every visible element with its own text whose contrast against its
 * background is below 4.5:1 (WCAG AA for normal text).
 */
function contrastProblems() {
  const rgb = (c) => (c.match(/[\d.]+/g) ?? []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const problems = [];
  for (const el of document.querySelectorAll("body *")) {
    if (!el.checkVisibility?.() || el.closest("svg")) continue;
    const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!ownText) continue;
    const style = getComputedStyle(el);
    if (el.disabled || el.closest("[disabled]") || Number(style.opacity) < 1) continue; // WCAG exempts disabled controls
    const [a, b] = [lum(rgb(style.color).slice(0, 3)), lum(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) problems.push(`${el.tagName.toLowerCase()}.${el.className}: ${ratio.toFixed(2)} "${el.textContent.trim().slice(0, 30)}"`);
  }
  return problems;
}

describe("the demo page", () => {
  it("loads every example verified: digest, file digests, signature with fingerprint, test vectors n/n", async (t) => {
    const { page, errors } = await open(t);
    assert.ok(examples.length >= 3, "the examples are listed");
    for (const ex of examples) {
      await loadExample(page, ex.name);
      assert.equal(await page.getAttribute("#trust [data-verdict]", "data-verdict"), "verified", ex.name);
      assert.deepEqual(await checkStates(page), {
        integrity: "ok",
        bundle: "ok",
        fileDigest: "ok",
        signature: "ok",
        graph: "ok",
        testVectors: "ok",
      });
      const trust = await page.textContent("#trust");
      const m = await nodeModel(ex);
      assert.ok(trust.includes(m.info.digest), `${ex.name}: the digest is shown`);
      assert.ok(trust.includes(m.info.signer), `${ex.name}: the signer's fingerprint is shown`);
      const { passed, total } = m.info.testVectors;
      assert.ok(passed === total && total > 0);
      assert.match(trust, new RegExp(`${total}/${total} known predictions`));
      for (const hex of Object.values(m.info.files)) assert.ok(trust.includes(hex), `${ex.name}: file digest shown`);
      // The card is rendered from the bundle.
      const card = await page.textContent("#card");
      for (const text of [m.info.card.description, m.info.card.limitations, m.info.training.framework.version, m.info.training.data.sha256]) {
        assert.ok(card.includes(text), `${ex.name}: card shows ${text.slice(0, 40)}`);
      }
      m.dispose();
    }
    assert.deepEqual(errors, []);
  });

  it("lists the course registry's versions, channels and signed history, and loads each channel", async (t) => {
    const { page, errors } = await open(t);
    await page.waitForSelector("#registry-channels button[data-channel='prod']");
    assert.match(
      await page.textContent("#registry-status"),
      /^iris: index sequence 8, updated .*; 8 history entries, every one signed and chained: verified\.$/,
    );
    assert.equal(await page.locator("#registry-versions tr[data-version]").count(), 3);
    assert.equal(await page.locator("#registry-history tr[data-action]").count(), 8);
    assert.equal(await page.locator("#registry-history tr[data-action='rollback']").count(), 1);
    assert.match(await page.textContent("#registry-history tr[data-action='rollback']"), /rollback 1\.0\.0 on prod \(was 1\.1\.0\)/);
    assert.equal(await page.textContent("#registry-channels button[data-channel='prod']"), "Load prod (1.0.0)");
    assert.equal(await page.textContent("#registry-channels button[data-channel='staging']"), "Load staging (1.1.0)");
    assert.equal(await page.textContent("#registry-channels button[data-channel='dev']"), "Load dev (2.0.0)");
    await page.click("#registry-channels button[data-channel='prod']");
    await page.waitForFunction(() => document.body.dataset.model === "iris@1.0.0");
    assert.match(await page.textContent("#load-text"), /^Loaded iris 1\.0\.0 from iris, channel prod in \d+ ms/);
    // 1.x has no migration: nothing offered.
    assert.equal(await page.isHidden("#migration"), true);
    await page.click("#registry-channels button[data-channel='staging']");
    await page.waitForFunction(() => document.body.dataset.model === "iris@1.1.0");
    await page.waitForSelector("#trust [data-verdict]");
    assert.deepEqual(errors, []);
  });

  it("shows when a migration was applied: 2.0.0 on dev takes millimetres and migrates 1.x inputs in centimetres", async (t) => {
    const { page, errors } = await open(t);
    await page.waitForSelector("#registry-channels button[data-channel='dev']");
    await page.click("#registry-channels button[data-channel='dev']");
    await page.waitForFunction(() => document.body.dataset.model === "iris@2.0.0");
    // The form is 2.0.0's (millimetres) and says which 1.x inputs it also takes.
    assert.equal(await page.locator("#fields [data-feature='petal_length_mm']").count(), 1);
    assert.equal(await page.locator("#fields [data-feature='petal_length']").count(), 0);
    assert.equal(
      await page.textContent("#migration p"),
      "This version also accepts 1.x inputs (its migration): petal_length → petal_length_mm × 10, petal_width → petal_width_mm × 10.",
    );
    const fill = async (values) => {
      for (const [name, v] of Object.entries(values)) await page.fill(`#f-${name}`, String(v));
    };
    await fill({ sepal_length: 6.1, sepal_width: 3.0, petal_length_mm: 49, petal_width_mm: 18 });
    // This version's shape: not migrated.
    await page.click("#predict-form button[type='submit']");
    await page.waitForSelector("#result .prediction");
    const direct = JSON.parse(await page.getAttribute("#result .prediction", "data-prediction"));
    assert.equal(direct.migrated, undefined);
    assert.equal(await page.locator("#result .migrated").count(), 0);
    // The same flower as a 1.x caller sends it (centimetres): migrated, and the page says so.
    await page.click("#predict-old");
    await page.waitForSelector("#result .migrated");
    const migrated = JSON.parse(await page.getAttribute("#result .prediction", "data-prediction"));
    assert.deepEqual(migrated.migrated, { from_major: 1 });
    assert.equal(migrated.label, direct.label);
    for (const [c, p] of Object.entries(direct.probabilities)) assert.ok(Math.abs(migrated.probabilities[c] - p) < 1e-6, c);
    assert.equal(
      await page.textContent("#result .migrated"),
      'Migrated from 1.x inputs: petal_length → petal_length_mm × 10, petal_width → petal_width_mm × 10. Sent: {"sepal_length":6.1,"sepal_width":3,"petal_length":4.9,"petal_width":1.8}',
    );
    assert.match(await page.textContent("#result .stamp"), /by iris 2\.0\.0/);
    await page.screenshot({ path: join(artifacts, "registry-migration.png"), fullPage: false });
    // The audit log says which prediction was migrated.
    assert.equal(await page.locator("#audit-table td[data-migrated='1']").count(), 1);
    assert.match(await page.textContent("#audit-table td[data-migrated='1']"), /^virginica \(migrated from 1\.x inputs\)$/);
    // A 1.x CSV (the iris hold-out, centimetres, the old column names) in the batch: every row
    // predicted, and the page says they were migrated.
    await page.fill("#csv-text", readFileSync(join(www, "examples/iris-holdout.csv"), "utf8"));
    await page.click("#run-batch");
    const summary = await page.waitForSelector(".batch-summary");
    assert.equal(await summary.getAttribute("data-valid"), "30");
    assert.equal(await summary.getAttribute("data-invalid"), "0");
    assert.equal(
      await page.textContent("#batch-status .migrated"),
      "30 rows migrated from 1.x inputs: petal_length → petal_length_mm × 10, petal_width → petal_width_mm × 10.",
    );
    assert.deepEqual(errors, []);
  });

  it("refuses a tampered bundle and a wrong key in red, with the reason; unverified is never green", async (t) => {
    const { page, errors } = await open(t);
    const iris = bundleBytes(example("iris"));

    const tampered = editEntry(iris, "model.onnx", (d) => {
      d[d.length - 20] ^= 0x01;
      return d;
    });
    await loadFile(page, "tampered.sonnx", tampered, demoKey);
    assert.equal(await page.getAttribute("#trust [data-verdict]", "data-verdict"), "refused");
    let states = await checkStates(page);
    assert.equal(states.fileDigest, "bad");
    assert.equal(states.signature, "skip");
    assert.equal(states.testVectors, "skip");
    assert.match(await page.textContent('#trust .check[data-check="fileDigest"]'), /model\.onnx/);
    for (const id of ["card", "predict", "batch", "drift", "audit"]) {
      assert.equal(await page.isHidden(`#${id}`), true, `${id} is hidden for a refused bundle`);
    }

    const other = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" });
    await loadFile(page, "iris-wrong-key.sonnx", iris, other);
    assert.equal(await page.getAttribute("#trust [data-verdict]", "data-verdict"), "refused");
    states = await checkStates(page);
    assert.equal(states.fileDigest, "ok");
    assert.equal(states.signature, "bad");
    assert.match(await page.textContent('#trust .check[data-check="signature"]'), /signature/i);

    // Dropped on the drop zone rather than chosen: the same load.
    await page.fill("#key", "");
    await page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], "iris-no-key.sonnx"));
      document.getElementById("drop").dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    }, iris.toString("base64"));
    await page.waitForFunction(() => document.getElementById("load-text").textContent.includes("iris-no-key.sonnx"));
    assert.equal(await page.getAttribute("#trust [data-verdict]", "data-verdict"), "unverified");
    states = await checkStates(page);
    assert.equal(states.signature, "warn");
    assert.equal(states.integrity, "info");
    assert.equal(await page.$$eval("#trust .verdict--ok", (v) => v.length), 0, "nothing says verified");

    await loadFile(page, "iris-demo-key.sonnx", iris, demoKey);
    assert.equal(await page.getAttribute("#trust [data-verdict]", "data-verdict"), "verified");
    assert.equal((await checkStates(page)).signature, "ok");
    assert.deepEqual(errors, []);
  });

  it("loads a pasted URL with a progress bar, verified by a pasted key", async (t) => {
    const { page, errors } = await open(t);
    await page.evaluate(() => {
      window.__progress = [];
      const text = document.getElementById("load-text");
      const bar = document.getElementById("progress");
      new MutationObserver(() => window.__progress.push({ text: text.textContent, value: bar.value, max: bar.max, hidden: bar.hidden })).observe(
        document.getElementById("load-status"),
        { subtree: true, childList: true, characterData: true, attributes: true },
      );
    });
    const ex = example("breast-cancer");
    await page.locator("#own").evaluate((d) => (d.open = true));
    await page.fill("#key", demoKey);
    await page.fill("#url", new URL(ex.url, server.url).href);
    await page.press("#url", "Enter");
    await page.waitForFunction((n) => document.body.dataset.model?.startsWith(`${n}@`) ?? false, ex.name);
    assert.equal(await page.getAttribute("#trust [data-verdict]", "data-verdict"), "verified");
    assert.equal((await checkStates(page)).signature, "ok");
    const seen = await page.evaluate(() => window.__progress);
    const kb = Math.round(ex.bytes / 1024);
    assert.ok(seen.some((p) => p.text.includes(`of ${kb} KB`) && !p.hidden), `download progress shown: ${JSON.stringify(seen)}`);
    assert.ok(seen.some((p) => p.max === ex.bytes && p.value === ex.bytes), "the bar reached the full size");
    assert.equal(await page.isHidden("#progress"), true, "the bar goes away once loaded");
    assert.deepEqual(errors, []);
  });

  it("shows the package's schema messages next to the fields and predicts what Node predicts", async (t) => {
    const { page, errors } = await open(t);
    for (const ex of examples) {
      await loadExample(page, ex.name);
      // The form starts filled with a held-out row; its prediction equals the package's in Node.
      await submitForm(page);
      const got = await prediction(page);
      const m = await nodeModel(ex);
      const want = JSON.parse(JSON.stringify(await m.predict(ex.sample)));
      assert.deepEqual(got, want, `${ex.name}: page = Node`);
      const result = await page.textContent("#result");
      assert.ok(result.includes(m.info.version) && result.includes(m.info.digest), "version and digest shown");
      assert.match(result, /\d+(\.\d+)? ms/, "latency shown");
      if (want.probabilities) {
        assert.equal(await page.$$eval("#result .bars li", (l) => l.length), Object.keys(want.probabilities).length);
        // Every bar row is laid out alike, the predicted class's included.
        const widths = await page.$$eval("#result .bars .bar", (b) => b.map((e) => Math.round(e.getBoundingClientRect().width)));
        assert.ok(widths.every((w) => w > 50 && w === widths[0]), `bar widths ${widths}`);
        assert.equal(await page.textContent("#result .bar-row--best .bar-name"), want.label);
      }
      m.dispose();
    }

    // Bad values: every field's message is the package's own issue for it.
    await loadExample(page, "iris");
    await page.fill("#f-sepal_length", "abc");
    await page.fill("#f-petal_width", "99");
    await page.fill("#f-sepal_width", "");
    await submitForm(page);
    const m = await nodeModel(example("iris"));
    const record = { ...example("iris").sample, sepal_length: "abc", petal_width: 99 };
    delete record.sepal_width;
    const issues = m.validate(record);
    assert.equal(issues.length, 3);
    for (const issue of issues) {
      const id = `#f-${issue.path}`;
      assert.equal(await page.getAttribute(id, "aria-invalid"), "true", issue.path);
      assert.equal(await page.textContent(`${id}-error`), `Expected ${issue.expected}; got ${issue.received}.`);
    }
    assert.equal(await page.getAttribute("#f-petal_length", "aria-invalid"), "false");
    assert.match(await page.textContent("#form-summary"), /3 problems/);
    assert.equal(await page.$$eval("[data-prediction]", (p) => p.length), 0, "no prediction for a bad record");
    // Fixed, it predicts again.
    await page.click("#fill-sample");
    await submitForm(page);
    assert.deepEqual(await prediction(page), JSON.parse(JSON.stringify(await m.predict(example("iris").sample))));
    m.dispose();
    assert.deepEqual(errors, []);
  });

  it("generates the right control for every feature of every example", async (t) => {
    const { page } = await open(t);
    const kinds = new Set();
    for (const ex of examples) {
      await loadExample(page, ex.name);
      const m = await nodeModel(ex);
      for (const f of m.info.schema) {
        const sel = `[data-feature="${f.name}"]`;
        const control = await page.$eval(`#predict ${sel} :is(input, select):not([id$="-missing"])`, (e) => ({
          tag: e.tagName.toLowerCase(),
          type: e.type,
          inputmode: e.getAttribute("inputmode"),
          label: e.labels?.[0]?.textContent ?? "",
          options: e.tagName === "SELECT" ? [...e.options].map((o) => o.value).filter(Boolean) : null,
        }));
        assert.ok(control.label.includes(f.name), `${f.name} is labelled`);
        if (f.unit) assert.ok(control.label.includes(f.unit), `${f.name} shows its unit`);
        if (f.type === "boolean") {
          assert.equal(control.type, "checkbox", f.name);
          kinds.add("checkbox");
        } else if (f.categories) {
          assert.equal(control.tag, "select", f.name);
          assert.deepEqual(control.options, f.categories);
          kinds.add("select");
        } else if (f.type === "float" || f.type === "integer") {
          assert.equal(control.inputmode, f.type === "integer" ? "numeric" : "decimal", f.name);
          kinds.add("number");
          if (f.min !== undefined) {
            const hint = await page.textContent(`#predict ${sel} .hint`);
            assert.ok(hint.includes(" to ") || hint.includes("at least"), `${f.name} shows its range: ${hint}`);
          }
        }
        const missing = await page.$$(`#predict ${sel} input[id$="-missing"]`);
        assert.equal(missing.length, f.nullable ? 1 : 0, `${f.name}: a missing toggle exactly when nullable`);
        if (f.nullable) kinds.add("missing");
      }
      m.dispose();
    }
    assert.deepEqual([...kinds].sort(), ["checkbox", "missing", "number", "select"], "the examples show every kind of control");
  });

  it("fills a select, a checkbox and a missing toggle, and predicts what Node predicts", async (t) => {
    const { page, errors } = await open(t);
    const ex = example("study");
    await loadExample(page, ex.name);
    const m = await nodeModel(ex);
    const schema = Object.fromEntries(m.info.schema.map((f) => [f.name, f]));
    const category = Object.keys(schema).find((n) => schema[n].categories);
    const flag = Object.keys(schema).find((n) => schema[n].type === "boolean");
    const nullable = Object.keys(schema).find((n) => schema[n].nullable);
    const choice = schema[category].categories.at(-1);
    await page.selectOption(`#f-${category}`, choice);
    await page.setChecked(`#f-${flag}`, !ex.sample[flag]);
    await page.check(`#f-${nullable}-missing`);
    assert.equal(await page.isDisabled(`#f-${nullable}`), true, "a missing value disables its field");
    await submitForm(page);
    const record = { ...ex.sample, [category]: choice, [flag]: !ex.sample[flag], [nullable]: null };
    assert.deepEqual(await prediction(page), JSON.parse(JSON.stringify(await m.predict(record))));

    // An unchosen category is reported by the package next to the select.
    await page.selectOption(`#f-${category}`, "");
    await submitForm(page);
    const unchosen = { ...record };
    delete unchosen[category];
    const issue = m.validate(unchosen).find((i) => i.path === category);
    assert.equal(issue.code, "missing_feature");
    assert.equal(await page.textContent(`#f-${category}-error`), `Expected ${issue.expected}; got ${issue.received}.`);

    // The held-out CSV (empty cells for missing values, true/false) predicts every row.
    await page.fill("#csv-text", readFileSync(join(www, ex.csv), "utf8"));
    await page.click("#run-batch");
    const summary = await page.waitForSelector(".batch-summary");
    assert.equal(await summary.getAttribute("data-valid"), String(ex.rows));
    assert.equal(await summary.getAttribute("data-invalid"), "0");
    await page.waitForSelector(`#drift .drift-card[data-feature="${category}"] .cat-bars`);
    m.dispose();
    assert.deepEqual(errors, []);
  });

  it("predicts a CSV batch with one bad row, lists the error, downloads every row; drift and audit follow", async (t) => {
    const { page, errors } = await open(t);
    const ex = example("iris");
    await loadExample(page, ex.name);
    const holdoutCsv = readFileSync(join(www, ex.csv), "utf8");
    const bad = "5.0,3.1,x,0.2\n";
    await page.fill("#csv-text", holdoutCsv + bad);
    await page.click("#run-batch");
    const summary = await page.waitForSelector(".batch-summary");
    assert.equal(await summary.getAttribute("data-valid"), String(ex.rows));
    assert.equal(await summary.getAttribute("data-invalid"), "1");
    assert.match(await summary.textContent(), /rows\/s/);
    const errorsText = await page.textContent("#batch-errors");
    assert.match(errorsText, new RegExp(`Row ${ex.rows + 1} \\(line ${ex.rows + 2}\\): petal_length: expected a number`));
    assert.equal(await page.getAttribute(`#batch-table tr[data-row="${ex.rows + 1}"]`, "class"), "results-row results-row--bad");

    const { name, text } = await downloadText(page, () => page.click("#download-batch"));
    assert.equal(name, `${ex.name}-${ex.version}-predictions.csv`);
    const lines = text.trim().split(/\r?\n/);
    assert.equal(lines.length, ex.rows + 2, "header + every row, the bad one included");
    const header = lines[0].split(",");
    assert.deepEqual(header.slice(-7), ["prediction", "p(setosa)", "p(versicolor)", "p(virginica)", "error", "verified", "digest"]);
    const m = await nodeModel(ex);
    const rows = holdoutCsv.trim().split("\n").slice(1).map((l) => l.split(",").map(Number));
    const features = holdoutCsv.split("\n")[0].split(",");
    const want = await m.predict(rows.map((r) => Object.fromEntries(features.map((f, i) => [f, r[i]]))));
    for (let i = 0; i < rows.length; i++) {
      const cells = lines[i + 1].split(",");
      assert.equal(cells[features.length], want[i].label, `row ${i + 1}`);
      assert.equal(Number(cells[features.length + 1]), want[i].probabilities.setosa);
      assert.equal(cells.at(-3), "", "no error");
      assert.deepEqual(cells.slice(-2), ["true", m.info.digest], "verified, by this digest");
    }
    assert.match(lines.at(-1), /petal_length: expected a number/);
    assert.ok(lines.at(-1).endsWith(`,true,${m.info.digest}`));

    // Drift of the held-out rows: same distribution, nothing flagged; one histogram each.
    await page.waitForSelector("#drift .drift-card");
    assert.equal(await page.getAttribute("#drift [data-flagged]", "data-flagged"), "");
    assert.equal(await page.$$eval("#drift svg.hist", (s) => s.length), features.length);
    const bars = await page.$$eval('#drift .drift-card[data-feature="petal_length"] svg rect', (r) => r.length);
    assert.equal(bars, 20, "ten bins, training and yours side by side");

    // A batch whose petals are all long: petal_length drifts, and is highlighted.
    const shifted = [features.join(","), ...rows.map((r) => features.map((f, i) => (f === "petal_length" ? 6.8 : r[i])).join(","))].join("\n");
    await page.fill("#csv-text", shifted);
    await page.click("#run-batch");
    await page.waitForFunction(() => document.querySelector("#drift [data-flagged]")?.dataset.flagged.includes("petal_length"));
    assert.equal(await page.getAttribute('#drift .drift-card[data-feature="petal_length"]', "data-level"), "significant");
    assert.equal(await page.getAttribute('#drift .drift-card[data-feature="sepal_width"]', "data-level"), "none");
    const nodeDrift = m.drift(rows.map((r) => Object.fromEntries(features.map((f, i) => [f, f === "petal_length" ? 6.8 : r[i]]))));
    assert.match(await page.textContent('#drift .drift-card[data-feature="petal_length"]'), new RegExp(`PSI ${nodeDrift[2].psi.toFixed(3).replace(/0+$/, "")}`));

    // Audit log: every prediction made on this page (2 batches of 30), exportable as JSON.
    await page.waitForFunction((n) => document.getElementById("audit-count").dataset.count === String(n), 2 * ex.rows);
    const audit = await downloadText(page, () => page.click("#export-audit"));
    const { records } = JSON.parse(audit.text);
    assert.equal(records.length, 2 * ex.rows);
    const r = records[0];
    assert.deepEqual(Object.keys(r).sort(), ["confidence", "digest", "label", "model", "timestamp", "verified", "version"]);
    assert.equal(r.verified, true);
    assert.equal(r.digest, m.info.digest);
    assert.equal(r.label, want[0].label);
    assert.equal(r.confidence, Math.max(...Object.values(want[0].probabilities)));
    m.dispose();
    assert.deepEqual(errors, []);
  });

  it("predicts a large CSV in chunks, with progress, and shows the first rows", async (t) => {
    const { page, errors } = await open(t);
    const ex = example("iris");
    await loadExample(page, ex.name);
    const [header, ...rows] = readFileSync(join(www, ex.csv), "utf8").trim().split("\n");
    const many = [header, ...Array.from({ length: 12_000 }, (_, i) => rows[i % rows.length])].join("\n");
    await page.evaluate(() => {
      window.__status = [];
      const el = document.getElementById("batch-status");
      new MutationObserver(() => window.__status.push(el.textContent)).observe(el, { subtree: true, childList: true, characterData: true });
    });
    // Chosen as a file: the batch runs as soon as it is read.
    await page.setInputFiles("#csv-file", { name: "many.csv", mimeType: "text/csv", buffer: Buffer.from(many) });
    const summary = await page.waitForSelector(".batch-summary", { timeout: 60_000 });
    assert.equal(await summary.getAttribute("data-valid"), "12000");
    const seen = await page.evaluate(() => window.__status);
    assert.ok(seen.some((s) => /Predicting… [\d,]+ of 12,000 rows/.test(s)), `progress shown: ${seen.slice(0, 3)}`);
    assert.match(await page.textContent("#batch-table caption"), /First 500 of 12,000 rows/);
    assert.equal(await page.$$eval("#batch-table tbody tr", (r) => r.length), 500);
    assert.deepEqual(errors, []);
  });

  it("works offline after the first visit: reload with the network off, load an example, predict", async (t) => {
    const own = await serve({ port: 0 }); // this test takes its server down
    t.after(() => own.close());
    const { context, page } = await open(t, { url: own.url });
    await page.waitForSelector("[data-offline-ready]", { timeout: 30_000 });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    assert.equal(await page.getAttribute("#network", "data-online"), "true");

    await own.close();
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector("button[data-example]");
    assert.equal(await page.getAttribute("#network", "data-online"), "false");
    assert.match(await page.textContent("#network"), /Offline/);
    await loadExample(page, "iris");
    assert.equal(await page.getAttribute("#trust [data-verdict]", "data-verdict"), "verified");
    const loaded = await page.textContent("#load-text");
    assert.ok(!loaded.includes("downloaded"), `offline, nothing was downloaded: ${loaded}`);
    assert.match(loaded, /offline copy/);
    await submitForm(page);
    const m = await nodeModel(example("iris"));
    assert.deepEqual(await prediction(page), JSON.parse(JSON.stringify(await m.predict(example("iris").sample))));
    m.dispose();

    await context.setOffline(false);
    await page.waitForFunction(() => document.getElementById("network").dataset.online === "true");
  });

  it("is usable with the keyboard, labelled, and fits a phone; screenshots saved", async (t) => {
    for (const [name, viewport] of [
      ["desktop", { width: 1280, height: 900 }],
      ["phone", { width: 390, height: 844 }],
    ]) {
      const { page, errors } = await open(t, { viewport });
      // Keyboard: focus the first example's button by tabbing, load it with Enter.
      let focused = "";
      for (let i = 0; i < 10 && focused !== "iris"; i++) {
        await page.keyboard.press("Tab");
        focused = await page.evaluate(() => document.activeElement?.dataset?.example ?? "");
      }
      assert.equal(focused, "iris", "the first example is reachable by Tab");
      await page.keyboard.press("Enter");
      await page.waitForSelector("#trust [data-verdict]");
      await page.keyboard.press("Tab");
      await submitForm(page);
      await prediction(page);
      await page.fill("#csv-text", readFileSync(join(www, example("iris").csv), "utf8"));
      await page.click("#run-batch");
      await page.waitForSelector("#drift .drift-card");

      const unlabelled = await page.$$eval("input:not([type=hidden]), select, textarea", (els) =>
        els.filter((e) => !e.closest("[hidden]") && (e.labels?.length ?? 0) === 0 && !e.getAttribute("aria-label")).map((e) => e.id || e.outerHTML),
      );
      assert.deepEqual(unlabelled, [], "every control has a label");
      const lowContrast = await page.evaluate(contrastProblems);
      assert.deepEqual(lowContrast, [], "text contrast is at least 4.5:1 (WCAG AA)");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${name}: no horizontal scrolling (${overflow}px too wide)`);
      await page.screenshot({ path: join(artifacts, `demo-${name}.png`), fullPage: true });
      assert.deepEqual(errors, []);
    }
  });

  it("marks every result of an unverified bundle: prediction, batch rows and download, audit log and export", async (t) => {
    for (const [name, viewport] of VIEWPORTS) {
      const { page, errors } = await open(t, { viewport });
      const iris = bundleBytes(example("iris"));
      await loadFile(page, "iris-unverified.sonnx", iris);
      assert.equal(await page.getAttribute("#trust [data-verdict]", "data-verdict"), "unverified");
      assert.match(await page.textContent("#load-text"), /UNVERIFIED/);
      await submitForm(page);
      const p = await prediction(page);
      const m = await nodeModel(example("iris"));
      assert.deepEqual(p.model, { name: "iris", version: "1.0.0", digest: m.info.digest, verified: false });
      assert.equal(await page.getAttribute("#result .stamp", "data-verified"), "false");
      assert.match(await page.textContent("#result .stamp"), /UNVERIFIED bundle — untrusted result/);

      await page.fill("#csv-text", readFileSync(join(www, example("iris").csv), "utf8"));
      await page.click("#run-batch");
      await page.waitForSelector(".batch-summary");
      assert.match(await page.textContent("#batch-status"), /UNVERIFIED bundle: these predictions are untrusted/);
      const { text } = await downloadText(page, () => page.click("#download-batch"));
      const [header, ...rows] = text.trim().split(/\r?\n/);
      assert.deepEqual(header.split(",").slice(-2), ["verified", "digest"]);
      assert.equal(rows.length, example("iris").rows);
      for (const row of rows) assert.ok(row.endsWith(`,false,${m.info.digest}`), row);

      await page.waitForFunction((n) => document.getElementById("audit-count").dataset.count === String(n), 1 + example("iris").rows);
      assert.equal(await page.$$eval('#audit-table td[data-verified="false"]', (c) => c.length) > 0, true);
      assert.equal(await page.$$eval('#audit-table td[data-verified="true"]', (c) => c.length), 0);
      assert.match(await page.textContent("#audit-table"), /NO — untrusted/);
      const audit = await downloadText(page, () => page.click("#export-audit"));
      const { records } = JSON.parse(audit.text);
      assert.equal(records.length, 1 + example("iris").rows);
      for (const r of records) {
        assert.equal(r.verified, false);
        assert.equal(r.digest, m.info.digest);
      }
      m.dispose();
      await page.locator("#trust").scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(artifacts, `unverified-${name}.png`), fullPage: true });
      assert.deepEqual(errors, []);
    }
  });

  it("verifies again when the key (or the digest) is pasted after choosing the file", async (t) => {
    const { page, errors } = await open(t);
    const iris = bundleBytes(example("iris"));
    await loadFile(page, "iris.sonnx", iris);
    assert.equal(await page.getAttribute("#trust [data-verdict]", "data-verdict"), "unverified");
    // Pasted, as a student does, after the file was chosen.
    await page.locator("#key").fill(demoKey);
    await page.waitForSelector('#trust [data-verdict="verified"]');
    assert.equal((await checkStates(page)).signature, "ok");
    assert.match(await page.textContent("#trust"), /Valid OpenSSF model-signing signature/);
    // Another key: refused; cleared: unverified again.
    const other = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" });
    await page.locator("#key").fill(other);
    await page.waitForSelector('#trust [data-verdict="refused"]');
    await page.locator("#key").fill("");
    await page.waitForSelector('#trust [data-verdict="unverified"]');
    // The digest field too.
    await page.locator("#integrity").fill(example("iris").integrity);
    await page.waitForSelector('#trust [data-verdict="verified"]');
    assert.equal((await checkStates(page)).integrity, "ok");
    // An example loaded since is not reloaded by typing in the key field.
    await loadExample(page, "diabetes");
    await page.locator("#key").fill(other);
    await page.waitForTimeout(1200);
    assert.ok((await page.evaluate(() => document.body.dataset.model)).startsWith("diabetes@"));
    assert.equal(await page.getAttribute("#trust [data-verdict]", "data-verdict"), "verified");
    assert.deepEqual(errors, []);
  });

  it("a refused bundle shows every check row on screen, its reason once and in words, and fits a phone", async (t) => {
    for (const [name, viewport] of VIEWPORTS) {
      const { page, errors } = await open(t, { viewport });
      const iris = bundleBytes(example("iris"));
      const other = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" });
      await loadFile(page, "iris-wrong-key.sonnx", iris, other);
      assert.equal(await page.getAttribute("#trust [data-verdict]", "data-verdict"), "refused");
      const rows = await page.$$eval("#trust .check", (els) =>
        els.map((e) => {
          const r = e.getBoundingClientRect();
          return { check: e.dataset.check, state: e.dataset.state, visible: e.checkVisibility(), left: r.left, right: r.right, width: r.width };
        }),
      );
      assert.equal(rows.length, 6, "six checks");
      for (const r of rows) {
        assert.ok(r.visible && r.width > 0, `${name}: ${r.check} is visible`);
        assert.ok(r.left >= 0 && r.right <= viewport.width, `${name}: ${r.check} is on screen (${r.left}..${r.right})`);
      }
      assert.deepEqual(rows.map((r) => r.state), ["info", "ok", "ok", "bad", "skip", "skip"]);
      const body = await page.textContent("body");
      assert.equal(body.split("signed by a different key").length + body.split("Signed by a different key").length - 2, 1, "the reason is said once");
      const detail = await page.textContent('#trust .check[data-check="signature"] .detail');
      const m = await nodeModel(example("iris"));
      assert.match(detail, new RegExp(`Signed by a different key: its fingerprint is ${m.info.signer}, you gave [0-9a-f]{64}`));
      assert.ok(!/hint|given key/.test(body), "no raw hint wording");
      assert.equal(await page.$$eval('#trust .check[data-check="signature"] code.digest', (c) => c.length), 2, "both fingerprints as wrapping code");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${name}: no horizontal scrolling (${overflow}px too wide)`);
      m.dispose();
      await page.locator("#trust").scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(artifacts, `refused-${name}.png`), fullPage: true });
      assert.deepEqual(errors, []);
    }
  });

  it("a graph that does not match its manifest fails the Model graph check", async (t) => {
    const { page, errors } = await open(t);
    const wrong = editEntry(bundleBytes(example("iris")), "manifest.json", (d) => {
      const m = JSON.parse(d);
      m.outputs.label = "no_such_output";
      return Buffer.from(JSON.stringify(m));
    });
    await loadFile(page, "iris-wrong-output.sonnx", wrong);
    assert.equal(await page.getAttribute("#trust [data-verdict]", "data-verdict"), "refused");
    const states = await checkStates(page);
    assert.equal(states.graph, "bad");
    assert.equal(states.testVectors, "skip");
    assert.match(await page.textContent('#trust .check[data-check="graph"] .detail'), /no_such_output/);
    assert.deepEqual(errors, []);
  });

  it("an own bundle starts filled from its test vectors; a 6-category feature's drift bars are all labelled", async (t) => {
    const six = sixCategoryStudy();
    for (const [name, viewport] of VIEWPORTS) {
      const { page, errors } = await open(t, { viewport });
      await page.locator("#own").evaluate((d) => (d.open = true));
      await page.fill("#integrity", six.integrity);
      await loadFile(page, "study-six-tracks.sonnx", six.bytes);
      assert.equal(await page.getAttribute("#trust [data-verdict]", "data-verdict"), "verified");
      // The form is filled with the first test vector's input; the button is offered.
      assert.equal(await page.isVisible("#fill-sample"), true);
      const first = six.firstInput;
      assert.equal(await page.inputValue("#f-track"), first.track);
      assert.equal(await page.inputValue("#f-lab_attendance"), String(first.lab_attendance));
      await submitForm(page);
      const p = await prediction(page);
      assert.equal(p.label, six.firstLabel);
      assert.equal(await page.$$eval("#predict .error:not([hidden])", (e) => e.length), 0, "no red errors");

      // Drift of the held-out rows: every category of track has its own labelled row.
      await page.fill("#csv-text", readFileSync(join(www, example("study").csv), "utf8"));
      await page.click("#run-batch");
      const card = '#drift .drift-card[data-feature="track"]';
      await page.waitForSelector(`${card} .cat-row`);
      const cats = await page.$$eval(`${card} .cat-row`, (rows) =>
        rows.map((r) => {
          const label = r.querySelector(".cat-name");
          const b = label.getBoundingClientRect();
          return { cat: r.dataset.category, label: label.textContent, visible: label.checkVisibility(), left: b.left, right: b.right, values: [...r.querySelectorAll(".cat-value")].map((v) => v.textContent) };
        }),
      );
      assert.deepEqual(cats.map((c) => c.cat).filter((c) => c !== "(other)").sort(), [...SIX_TRACKS].sort());
      for (const c of cats) {
        assert.equal(c.label, c.cat);
        assert.ok(c.visible && c.left >= 0 && c.right <= viewport.width, `${name}: ${c.cat} label on screen`);
        assert.equal(c.values.length, 2);
        assert.match(c.values[0], /^training \d+ %$/);
        assert.match(c.values[1], /^yours \d+ %$/);
      }
      const fontSize = await page.$eval(`${card} .cat-name`, (e) => parseFloat(getComputedStyle(e).fontSize));
      assert.ok(fontSize >= 12, `readable labels (${fontSize}px)`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${name}: no horizontal scrolling (${overflow}px too wide)`);
      await page.locator(card).scrollIntoViewIfNeeded();
      await page.locator(card).screenshot({ path: join(artifacts, `drift-six-categories-${name}.png`) });
      assert.deepEqual(errors, []);
    }
  });

  it("on a phone the batch table shows each row's prediction on screen", async (t) => {
    const { page, errors } = await open(t, { viewport: { width: 390, height: 844 } });
    await loadExample(page, "breast-cancer");
    await page.fill("#csv-text", readFileSync(join(www, example("breast-cancer").csv), "utf8"));
    await page.click("#run-batch");
    await page.waitForSelector(".batch-summary");
    const cells = await page.$$eval("#batch-table tbody tr:not(.results-row--bad) td.out", (tds) =>
      tds.slice(0, 5).map((td) => {
        const r = td.getBoundingClientRect();
        return { text: td.textContent, left: r.left, right: r.right };
      }),
    );
    assert.equal(cells.length, 5);
    for (const c of cells) {
      assert.ok(c.text.length > 0);
      assert.ok(c.left >= 0 && c.right <= 390, `prediction cell at ${c.left}..${c.right}`);
    }
    assert.deepEqual(errors, []);
  });

  it("a CSV with the target column, a missing column or ';' separators: the same rules as the CLI", async (t) => {
    const { page, errors } = await open(t);
    const ex = example("iris");
    await loadExample(page, ex.name);
    const [header, ...rows] = readFileSync(join(www, ex.csv), "utf8").trim().split("\n");
    // The target column is ignored, every row predicted.
    await page.fill("#csv-text", [`${header},species`, ...rows.map((r) => `${r},setosa`)].join("\n"));
    await page.click("#run-batch");
    const summary = await page.waitForSelector(".batch-summary");
    assert.equal(await summary.getAttribute("data-valid"), String(ex.rows));
    assert.equal(await page.getAttribute("[data-ignored]", "data-ignored"), "species");
    // A missing column: one message, nothing predicted.
    const cols = header.split(",");
    await page.fill("#csv-text", [cols.slice(0, 3).join(","), ...rows.map((r) => r.split(",").slice(0, 3).join(","))].join("\n"));
    await page.click("#run-batch");
    await page.waitForSelector('[data-file-problem="missing_column"]');
    assert.equal(await page.textContent('[data-file-problem="missing_column"]'), `Missing column: ${cols[3]}. The model needs every feature; add it (empty cells for missing values).`);
    assert.equal(await page.$$eval("#batch-errors li", (l) => l.length), 0, "not one message per row");
    // Semicolons.
    await page.fill("#csv-text", [header.replaceAll(",", ";"), ...rows.map((r) => r.replaceAll(",", ";"))].join("\n"));
    await page.click("#run-batch");
    await page.waitForSelector('[data-file-problem="csv_separator"]');
    assert.match(await page.textContent('[data-file-problem="csv_separator"]'), /not comma-separated: it has columns separated by semicolons/);
    assert.deepEqual(errors, []);
  });

  it("runs under the strict CSP script-src 'self' 'wasm-unsafe-eval' (no inline script, no violation)", async (t) => {
    const response = await fetch(server.url);
    const csp = response.headers.get("content-security-policy");
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    const html = await response.text();
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), "no inline <script> (an import map included)");
    const context = await browser.newContext();
    t.after(() => context.close());
    await context.addInitScript(() => {
      window.__violations = [];
      document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const page = await context.newPage();
    const errors = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForSelector("button[data-example]");
    await loadExample(page, "iris");
    await submitForm(page);
    const m = await nodeModel(example("iris"));
    assert.equal((await prediction(page)).label, (await m.predict(example("iris").sample)).label);
    m.dispose();
    assert.deepEqual(await page.evaluate(() => window.__violations), []);
    assert.deepEqual(errors, []);
  });

  it("made no request outside 127.0.0.1 (no CDN, no fonts)", () => {
    assert.deepEqual(outside, []);
  });
});
