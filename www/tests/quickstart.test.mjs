// The bundle a student seals in Python (models/quickstart.py, run by scripts/test-python.sh
// into target/quickstart/) loads verified in the demo page in Chromium, with its own public key
// pasted: every trust check green, the schema's form generated, a prediction made.
// Needs `node www/build.mjs` first, like demo.test.mjs.

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, it } from "node:test";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

import { serve } from "../serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const dir = join(here, "..", "..", "target", "quickstart");
const bundle = join(dir, "loan-1.0.0.sonnx");
const missing = !existsSync(bundle);
const required = process.env.SEALED_ONNX_REQUIRE_PYTHON === "1";

let server;
let browser;
before(async () => {
  if (missing) return;
  server = await serve({ port: 0 });
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

it("the quick-start notebook's bundle loads verified in the demo page with its key pasted", { skip: missing && !required && "run scripts/test-python.sh first (target/quickstart/ is missing)" }, async (t) => {
  assert.ok(!missing, `${bundle} is missing: scripts/test-python.sh runs models/quickstart.py, which writes it`);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForSelector("button[data-example]");
  await page.locator("#own").evaluate((d) => (d.open = true));
  await page.fill("#key", readFileSync(join(dir, "me.pub.pem"), "utf8"));
  await page.setInputFiles("#file", { name: "loan-1.0.0.sonnx", mimeType: "application/octet-stream", buffer: readFileSync(bundle) });
  await page.waitForFunction(() => document.body.dataset.model?.startsWith("loan@") ?? false);
  await page.waitForSelector("#trust [data-verdict]");
  assert.equal(await page.getAttribute("#trust [data-verdict]", "data-verdict"), "verified");
  const states = await page.$$eval("#trust .check", (rows) => Object.fromEntries(rows.map((r) => [r.dataset.check, r.dataset.state])));
  // No integrity string was given: that row only shows the digest.
  assert.deepEqual(states, { integrity: "info", bundle: "ok", fileDigest: "ok", signature: "ok", graph: "ok", testVectors: "ok" });
  const trust = await page.textContent("#trust");
  assert.match(trust, /(\d+)\/\1 known predictions/);
  // The form is generated from the Python-inferred schema: every column has a control.
  const form = await page.textContent("form, #predict, body");
  for (const name of ["income", "age", "amount", "employment", "has_guarantor"]) assert.ok(form.includes(name), `${name} in the form`);
  // Ranges are the data's own, and the page says so next to the range.
  assert.match(form, /18 to 79 years \(training data\)/);
  assert.deepEqual(errors, []);
});
