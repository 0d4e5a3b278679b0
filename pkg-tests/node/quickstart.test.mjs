// The bundle a student seals in Python (models/quickstart.py, run by scripts/test-python.sh
// into target/quickstart/) loads verified with the packed npm package in Node, and predicts
// what scikit-learn predicted for its test vectors. Run: node --test pkg-tests/node/

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, it } from "node:test";

import { installPackage, repoRoot } from "../lib/install.mjs";

const dir = join(repoRoot, "target", "quickstart");
const bundle = join(dir, "loan-1.0.0.sonnx");
const publicKey = join(dir, "me.pub.pem");
const required = process.env.SEALED_ONNX_REQUIRE_PYTHON === "1";
const missing = !existsSync(bundle);

let project;
before(async () => {
  if (!missing) project = await installPackage("quickstart");
});
after(() => project?.cleanup());

it("the quick-start notebook's bundle loads verified in Node and reproduces its test vectors", { skip: missing && !required && "run scripts/test-python.sh first (target/quickstart/ is missing)" }, async () => {
  assert.ok(!missing, `${bundle} is missing: scripts/test-python.sh runs models/quickstart.py, which writes it`);
  const file = join(project.dir, "quickstart.mjs");
  writeFileSync(
    file,
    `import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { loadModel, SchemaError } from "sealed-onnx";
const model = await loadModel(readFileSync(${JSON.stringify(bundle)}), { publicKey: readFileSync(${JSON.stringify(publicKey)}, "utf8") });
assert.equal(model.info.verified, true);
assert.equal(model.info.name, "loan");
assert.ok(model.info.signer, "signer fingerprint");
const kinds = Object.fromEntries(model.info.schema.map((f) => [f.name, f.type]));
assert.deepEqual(kinds, { income: "float", age: "integer", amount: "float", employment: "string", has_guarantor: "boolean" });
const { passed, total } = await model.selfTest();
assert.ok(passed === total && total >= 10, "test vectors re-run: " + passed + "/" + total);
// One held-out row by hand, a missing income included.
const p = await model.predict({ income: null, age: 35, amount: 5000, employment: "salaried", has_guarantor: true });
assert.ok(["approved", "declined"].includes(p.label), JSON.stringify(p));
const sum = Object.values(p.probabilities).reduce((a, b) => a + b, 0);
assert.ok(Math.abs(sum - 1) < 1e-5, "probabilities sum to 1");
await assert.rejects(model.predict({ income: 2000, age: 35, amount: 5000, employment: "astronaut", has_guarantor: true }), SchemaError);
console.log("ok", passed);
`,
  );
  const out = await new Promise((resolve, reject) =>
    execFile(process.execPath, [file], { cwd: project.dir }, (err, stdout, stderr) => (err ? reject(new Error(`${stderr}\n${stdout}`)) : resolve(stdout))),
  );
  assert.match(out, /^ok \d+/);
});
