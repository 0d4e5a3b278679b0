// The packed npm package on a text bundle: tests/data/text/text-1.0.0.sonnx (TF-IDF +
// logistic regression from the corpus, packed by the CLI; tests/e2e/text.rs checks it is
// current). Every document of holdout.json is predicted as scikit-learn did, a text longer than
// max_length is a SchemaError with code too_long (and the model keeps working), a CSV file's
// text cells are taken as written, and drift reports the unknown-token rate.
// Run: node --test pkg-tests/node/

import { before, describe, it } from "node:test";

import { consumerRunner } from "../lib/consumer.mjs";
import { installPackage, repoRoot } from "../lib/install.mjs";

let project;

before(async () => {
  project = await installPackage("node");
});

const PRELUDE = `
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fromCsv, loadModel, SchemaError } from "sealed-onnx";
const DIR = join(process.env.SEALED_ONNX_REPO, "tests/data/text");
const bundle = readFileSync(join(DIR, "text-1.0.0.sonnx"));
const holdout = JSON.parse(readFileSync(join(DIR, "holdout.json"), "utf8"));
const close = (e, g, tol, what) =>
  assert.ok(Math.abs(g - e) <= tol.absolute + tol.relative * Math.abs(e), what + ": expected " + e + ", got " + g);
`;

const consumer = consumerRunner(() => project.dir, "text", PRELUDE, () => ({ SEALED_ONNX_REPO: repoRoot }));

describe("a text bundle in the packed package", () => {
  it("knows its text feature and predicts every document as scikit-learn did", async () => {
    await consumer(`
      const model = await loadModel(bundle, { allowUnverified: true });
      assert.deepEqual(model.info.schema, [{ name: "review", type: "text", max_length: 13044, nullable: false }]);
      const rows = holdout.cases.map((c) => c.input);
      const got = await model.predict(rows);
      assert.equal(got.length, 69);
      holdout.cases.forEach((c, i) => {
        assert.equal(got[i].label, c.expected.label, "document " + i);
        for (const [k, v] of Object.entries(c.expected.probabilities)) close(v, got[i].probabilities[k], holdout.tolerance, "document " + i + " " + k);
      });
      // Columns and one record give the same answers.
      const columns = await model.predict({ review: rows.map((r) => r.review) });
      assert.deepEqual(columns, got);
      assert.deepEqual(await model.predict(rows[0]), got[0]);
      const batch = await model.predictBatch(rows);
      assert.deepEqual(batch.toObjects(), got);
      assert.deepEqual(await model.selfTest(), { passed: 8, total: 8 });
    `);
  });

  it("refuses a text longer than max_length with code too_long, and keeps predicting", async () => {
    await consumer(`
      const model = await loadModel(bundle, { allowUnverified: true });
      const long = "goal ".repeat(3000);
      assert.equal(long.length, 15000);
      const issues = model.validate([{ review: "good match" }, { review: long }, { review: 3 }]);
      assert.deepEqual(issues.map((i) => [i.path, i.code]), [["rows[1].review", "too_long"], ["rows[2].review", "wrong_type"]]);
      assert.match(issues[0].expected, /13044/);
      await assert.rejects(model.predict({ review: long }), (e) => {
        assert.ok(e instanceof SchemaError, String(e));
        assert.deepEqual(e.issues.map((i) => i.code), ["too_long"]);
        return true;
      });
      // Exactly max_length characters (code points, not UTF-16 units) is fine.
      const edge = "é".repeat(13044);
      assert.deepEqual(model.validate({ review: edge }), []);
      const after = await model.predict({ review: "the striker scored a goal in the match" });
      assert.equal(after.label, "sport");
    `);
  });

  it("reads a CSV file's text cells as written, empty ones included", async () => {
    await consumer(`
      const model = await loadModel(bundle, { allowUnverified: true });
      const table = fromCsv('review,topic\\n"bake the bread, add salt",?\\n,?\\n" spaces kept ",?\\n');
      const { records, issues } = table.records(model.info.schema);
      assert.deepEqual(issues, []);
      assert.deepEqual(records.map((r) => r.review), ["bake the bread, add salt", "", " spaces kept "]);
      const p = await model.predict(table);
      assert.equal(p.length, 3);
      assert.equal(p[0].label, "cooking");
    `);
  });

  it("drift: the unknown-token rate is the training rate on training texts, 0 on known words, and significant on unseen ones", async () => {
    await consumer(`
      const model = await loadModel(bundle, { allowUnverified: true });
      const rows = holdout.cases.map((c) => c.input);
      const same = model.drift(rows)[0];
      assert.equal(same.feature, "review");
      assert.ok(same.bins[0].endsWith("characters"), same.bins[0]);
      const u = same.unknown_tokens;
      assert.equal(u.tokens, 1422);
      assert.equal(u.unknown, 12);
      assert.equal(u.rate, u.baseline_rate);
      assert.equal(u.level, "none");
      const known = model.drift(Array.from({ length: 30 }, () => ({ review: "Bake the BUTTER, coach" })))[0];
      assert.deepEqual([known.unknown_tokens.tokens, known.unknown_tokens.unknown, known.unknown_tokens.level], [120, 0, "none"]);
      const unseen = model.drift(Array.from({ length: 30 }, () => ({ review: "quarterly invoices overdue" })))[0];
      assert.deepEqual([unseen.unknown_tokens.rate, unseen.unknown_tokens.level], [1, "significant"]);
    `);
  });
});
