// The demo page on bundles whose output is not one label or one value
// (tests/data/output_kinds/<case>/<case>-1.0.0.sonnx, unsigned: loaded as a student's own file,
// shown unverified): the form's example row predicts, and the result shows the task's parts —
// the values per target, a vector as bars, a cluster with the distance to each centre, an
// outlier flag with its score — and the audit log says what was predicted.
// Needs `node www/build.mjs` first, like demo.test.mjs.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, it } from "node:test";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

import { serve } from "../serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const data = join(here, "..", "..", "tests", "data", "output_kinds");

let server;
let browser;
before(async () => {
  server = await serve({ port: 0 });
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const CASES = {
  multioutput: { parts: ["values"], text: /t0\s*-?[\d.,]+/ },
  pca: { parts: ["vector"], text: /Vector of 3 numbers/ },
  kmeans: { parts: ["cluster", "distances"], text: /Cluster: \d/ },
  lof: { parts: ["outlier", "score"], text: /(Outlier|Inlier) · score -?[\d.]+/ },
};

it("each output kind predicts in the page and shows its parts", async (t) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForSelector("button[data-example]");
  for (const [name, want] of Object.entries(CASES)) {
    const file = `${name}-1.0.0.sonnx`;
    await page.locator("#own").evaluate((d) => (d.open = true));
    await page.setInputFiles("#file", { name: file, mimeType: "application/octet-stream", buffer: readFileSync(join(data, name, file)) });
    await page.waitForFunction((n) => document.body.dataset.model?.startsWith(`${n}@`) ?? false, name);
    await page.waitForSelector("#trust [data-verdict]");
    await page.click("#predict-form button[type=submit]");
    const el = await page.waitForSelector(`[data-prediction*='"${want.parts[0]}"']`);
    const p = JSON.parse(await el.getAttribute("data-prediction"));
    for (const part of want.parts) assert.ok(part in p, `${name}: ${part} in ${JSON.stringify(p)}`);
    assert.equal(p.label, undefined, `${name}: no class label`);
    assert.equal(p.model.verified, false, `${name}: an unsigned file is unverified`);
    assert.match(await el.textContent(), want.text, name);
  }
  // The audit log shows a summary, not "undefined", for every kind.
  const log = await page.textContent("#audit, body");
  assert.ok(!log.includes("undefined"), "no undefined in the page");
  assert.match(log, /cluster \d/);
  assert.match(log, /(OUTLIER|inlier) \(score/);
  assert.deepEqual(errors, []);
});
