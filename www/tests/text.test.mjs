// The demo page on a text bundle (tests/data/text/text-1.0.0.sonnx: TF-IDF + logistic
// regression, unsigned, loaded as a student's own file): the text feature is a text area with
// a character counter against max_length, the form predicts scikit-learn's topic, a text
// over max_length is the package's too_long issue, a CSV batch of texts predicts, and the
// drift view shows the unknown-token rate (flagged for words the model never saw).
// Needs `node www/build.mjs` first, like demo.test.mjs.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, it } from "node:test";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

import { serve } from "../serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const data = join(here, "..", "..", "tests", "data", "text");
const holdout = JSON.parse(readFileSync(join(data, "holdout.json"), "utf8"));

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

const csvCell = (s) => `"${s.replace(/"/g, '""')}"`;

it("a text bundle: text area with a counter, form prediction, too_long, CSV batch, drift with the unknown-token rate", async (t) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForSelector("button[data-example]");
  await page.locator("#own").evaluate((d) => (d.open = true));
  await page.setInputFiles("#file", {
    name: "text-1.0.0.sonnx",
    mimeType: "application/octet-stream",
    buffer: readFileSync(join(data, "text-1.0.0.sonnx")),
  });
  await page.waitForFunction(() => document.body.dataset.model?.startsWith("text@") ?? false);
  await page.waitForSelector("#trust [data-verdict]");

  // The text feature is a text area, filled with the first test vector's document.
  const area = page.locator("#predict-form textarea#f-review");
  assert.equal(await area.count(), 1);
  const first = holdout.cases[0];
  assert.equal(await area.inputValue(), first.input.review);
  const counter = page.locator("#f-review-count");
  assert.equal(await counter.textContent(), `${[...first.input.review].length} / 13,044 characters`);
  assert.match(await page.textContent('.field[data-feature="review"] .hint'), /text of at most 13,044 characters/);

  // Predicts scikit-learn's topic for a held-out document.
  const doc = holdout.cases[1];
  await area.fill(doc.input.review);
  await page.click("#predict-form button[type=submit]");
  const el = await page.waitForSelector("[data-prediction]");
  const p = JSON.parse(await el.getAttribute("data-prediction"));
  assert.equal(p.label, doc.expected.label);
  assert.equal(p.model.verified, false);

  // Over max_length: the counter says so and the package's too_long issue is shown.
  await area.fill("goal ".repeat(2700));
  assert.equal(await counter.getAttribute("data-over"), "true");
  await page.click("#predict-form button[type=submit]");
  await page.waitForSelector('#f-review-error[data-code="too_long"]:not([hidden])');

  // A CSV batch of documents (quoted, commas inside, one empty text) predicts every row.
  const docs = holdout.cases.slice(0, 30);
  const csv = ["review,topic", ...docs.map((c) => `${csvCell(c.input.review)},${c.expected.label}`)].join("\n") + "\n";
  await page.fill("#csv-text", csv);
  await page.click("#run-batch");
  await page.waitForSelector(".batch-summary");
  const labels = await page.$$eval("#batch-table tr.results-row", (rows) => rows.length);
  assert.equal(labels, 30);
  await page.waitForSelector('#drift .drift-card[data-feature="review"] .unknown-tokens');
  assert.equal(await page.getAttribute('#drift .drift-card[data-feature="review"] .unknown-tokens', "data-unknown-level"), "none");
  assert.equal(await page.$$eval('#drift .drift-card[data-feature="review"] svg.hist', (s) => s.length), 1, "lengths as a histogram");

  // Words the model never saw: the unknown-token rate is flagged.
  const unseen = ["review", ...Array.from({ length: 30 }, (_, i) => `quarterly invoice ${i} overdue`)].join("\n") + "\n";
  await page.fill("#csv-text", unseen);
  await page.click("#run-batch");
  await page.waitForFunction(() => document.querySelector("#drift [data-flagged]")?.dataset.flagged.includes("review"));
  const tokens = page.locator('#drift .drift-card[data-feature="review"] .unknown-tokens');
  assert.equal(await tokens.getAttribute("data-unknown-level"), "significant");
  assert.match(await tokens.textContent(), /Unknown words: 100\.0 % of your 120 tokens/);
  assert.deepEqual(errors, []);
});
