// The demo page as a student uses it: served by www/serve.mjs, driven in headless Chromium
// (Debian's /usr/bin/chromium via npm playwright-core). Needs `node www/build.mjs` first.
// Screenshots (desktop and phone) go to www/tests/artifacts/.

import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { generateKeyPairSync } from "node:crypto";

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
        model: "ok",
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
    assert.equal(await page.$$eval("#trust .verdict.ok", (v) => v.length), 0, "nothing says verified");

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
        assert.equal(await page.textContent("#result .bars li.best .bar-name"), want.label);
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
    await page.waitForSelector(`#drift .drift-card[data-feature="${category}"] svg.hist`);
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
    assert.equal(await page.getAttribute(`#batch-table tr[data-row="${ex.rows + 1}"]`, "class"), "bad");

    const { name, text } = await downloadText(page, () => page.click("#download-batch"));
    assert.equal(name, `${ex.name}-${ex.version}-predictions.csv`);
    const lines = text.trim().split(/\r?\n/);
    assert.equal(lines.length, ex.rows + 2, "header + every row, the bad one included");
    const header = lines[0].split(",");
    assert.deepEqual(header.slice(-5), ["prediction", "p(setosa)", "p(versicolor)", "p(virginica)", "error"]);
    const m = await nodeModel(ex);
    const rows = holdoutCsv.trim().split("\n").slice(1).map((l) => l.split(",").map(Number));
    const features = holdoutCsv.split("\n")[0].split(",");
    const want = await m.predict(rows.map((r) => Object.fromEntries(features.map((f, i) => [f, r[i]]))));
    for (let i = 0; i < rows.length; i++) {
      const cells = lines[i + 1].split(",");
      assert.equal(cells[features.length], want[i].label, `row ${i + 1}`);
      assert.equal(Number(cells[features.length + 1]), want[i].probabilities.setosa);
      assert.equal(cells.at(-1), "");
    }
    assert.match(lines.at(-1), /petal_length: expected a number/);

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
    assert.deepEqual(Object.keys(r).sort(), ["confidence", "digest", "label", "model", "timestamp", "version"]);
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

  it("made no request outside 127.0.0.1 (no CDN, no fonts)", () => {
    assert.deepEqual(outside, []);
  });
});
