// The packed npm package on bundles whose output is not one label or one value: several
// regression targets, a transform's vector, a cluster with its distances, an outlier flag
// with its score. The bundles are tests/data/output_kinds/<case>/<case>-1.0.0.sonnx (packed by
// the CLI from real skl2onnx exports; tests/e2e/output_kinds.rs checks they are current),
// and every held-out row is compared with scikit-learn's outputs (holdout.json).
// Run: node --test pkg-tests/node/

import assert from "node:assert/strict";
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
import { loadModel } from "sealed-onnx";
const DIR = join(process.env.SEALED_ONNX_REPO, "tests/data/output_kinds");
const load = (name, options = {}) =>
  loadModel(readFileSync(join(DIR, name, name + "-1.0.0.sonnx")), { allowUnverified: true, ...options });
const holdout = (name) => JSON.parse(readFileSync(join(DIR, name, "holdout.json"), "utf8"));
const close = (e, g, tol, what) =>
  assert.ok(Math.abs(g - e) <= tol.absolute + tol.relative * Math.abs(e), what + ": expected " + e + ", got " + g);
`;

const consumer = consumerRunner(() => project.dir, "kinds", PRELUDE, () => ({ SEALED_ONNX_REPO: repoRoot }));

describe("output kinds in the packed package", () => {
  it("predict gives each task's parts, equal to scikit-learn on every held-out row; predictBatch gives typed columns and toObjects() = predict", async () => {
    await consumer(`
      const cases = {
        multioutput: "regression", pca: "transform", kmeans: "clustering",
        isolationforest: "outlier", lof: "outlier",
      };
      for (const [name, task] of Object.entries(cases)) {
        {
          const model = await load(name);
          assert.equal(model.info.outputs.task, task, name);
          const h = holdout(name);
          const rows = h.cases.map((c) => c.input);
          const got = await model.predict(rows);
          assert.equal(got.length, rows.length);
          h.cases.forEach((c, i) => {
            const e = c.expected, p = got[i], at = name + " row " + i;
            assert.equal(p.model.verified, false);
            if (e.values) for (const [t, v] of Object.entries(e.values)) close(v, p.values[t], h.tolerance, at + " " + t);
            if (e.vector) {
              assert.ok(Array.isArray(p.vector), at);
              e.vector.forEach((v, k) => close(v, p.vector[k], h.tolerance, at + " vector[" + k + "]"));
            }
            if (e.cluster !== undefined) assert.equal(p.cluster, e.cluster, at);
            if (e.distances) e.distances.forEach((v, k) => close(v, p.distances[k], h.tolerance, at + " distances[" + k + "]"));
            if (e.outlier !== undefined) assert.equal(p.outlier, e.outlier, at);
            if (e.score !== undefined) close(e.score, p.score, h.tolerance, at + " score");
            assert.equal(p.label, undefined, at + ": no class label");
          });

          // Typed input, typed columns.
          const names = model.info.schema.map((f) => f.name);
          const data = Float64Array.from(rows.flatMap((r) => names.map((n) => r[n])));
          const batch = await model.predictBatch({ data, rows: rows.length });
          assert.equal(batch.task, task);
          assert.equal(batch.rows, rows.length);
          assert.deepEqual(batch.toObjects(), got, name + ": toObjects() = predict()");
          if (task === "transform") {
            assert.ok(batch.vectors instanceof Float64Array);
            assert.equal(batch.dimension, 3);
            assert.equal(batch.vectors.length, rows.length * 3);
          }
          if (task === "clustering") {
            assert.ok(batch.clusters instanceof Uint32Array && batch.distances instanceof Float64Array);
            assert.equal(batch.clusterCount, 3);
            assert.deepEqual(Array.from(batch.clusters), h.cases.map((c) => c.expected.cluster));
          }
          if (task === "outlier") {
            assert.ok(batch.outliers instanceof Uint8Array && batch.scores instanceof Float64Array);
            assert.deepEqual(Array.from(batch.outliers), h.cases.map((c) => (c.expected.outlier ? 1 : 0)));
          }
          if (task === "regression") {
            assert.deepEqual(batch.valueNames, ["t0", "t1", "t2"]);
            assert.equal(batch.values.length, rows.length * 3);
          }
          // Records (not typed) go through the object path and gather the same columns.
          const viaRecords = await model.predictBatch(rows);
          assert.deepEqual(viaRecords.toObjects(), got, name + ": records batch");
          const none = await model.predictBatch([]);
          assert.equal(none.rows, 0);
          assert.deepEqual(none.toObjects(), []);
          model.dispose();
        }
      }
    `);
  });

  it("the audit hook says the cluster, or the outlier flag and score", async () => {
    await consumer(`
      for (const [name, keys] of [["kmeans", ["cluster"]], ["lof", ["outlier", "score"]]]) {
        const records = [];
        const model = await load(name, { onPrediction: (r) => records.push(r) });
        const rows = holdout(name).cases.slice(0, 3).map((c) => c.input);
        await model.predict(rows);
        await model.predictBatch(rows);
        assert.equal(records.length, 6);
        for (const r of records) {
          for (const k of keys) assert.ok(k in r, name + ": " + k + " in " + JSON.stringify(r));
          assert.equal(r.label, undefined);
          assert.equal(r.verified, false);
        }
        assert.deepEqual(records.slice(0, 3), records.slice(3).map((r, i) => ({ ...r, timestamp: records[i].timestamp })));
      }
    `);
  });
});
