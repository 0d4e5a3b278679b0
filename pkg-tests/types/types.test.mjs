// The package's TypeScript types, as a consumer gets them: the packed tarball installed in a
// throwaway project with TypeScript, and consumer.ts type-checked with `tsc --noEmit`, both
// with bundler resolution + DOM and with NodeNext resolution + @types/node, by TypeScript 7
// (native) and TypeScript 5.9. Run: node --test pkg-tests/types/

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { installPackage } from "../lib/install.mjs";

const run = promisify(execFile);
const here = fileURLToPath(new URL(".", import.meta.url));

const COMPILERS = {
  "TypeScript 7": "typescript",
  "TypeScript 5.9": "typescript-5",
};
let dir;

before(async () => {
  ({ dir } = await installPackage("types", {
    devDependencies: ["typescript@7.0.2", "typescript-5@npm:typescript@5.9.3", "@types/node@20"],
  }));
  for (const f of ["consumer.ts", "consumer.cts", "tsconfig.json", "tsconfig.node.json", "tsconfig.cjs.json"]) {
    copyFileSync(join(here, f), join(dir, f));
  }
});

async function tsc(compiler, project) {
  const bin = join(dir, "node_modules", compiler, "bin", "tsc");
  try {
    const { stdout } = await run(process.execPath, [bin, "--noEmit", "-p", project], { cwd: dir });
    return { ok: true, output: stdout };
  } catch (e) {
    return { ok: false, output: `${e.stdout}${e.stderr}` };
  }
}

describe("sealed-onnx's TypeScript types (the packed tarball)", () => {
  for (const [label, compiler] of Object.entries(COMPILERS)) {
    for (const project of ["tsconfig.json", "tsconfig.node.json", "tsconfig.cjs.json"]) {
      const file = project === "tsconfig.cjs.json" ? "consumer.cts (CommonJS)" : "consumer.ts";
      it(`${label}: ${file} type-checks (${project})`, async () => {
        const r = await tsc(compiler, project);
        assert.ok(r.ok, `tsc -p ${project} failed:\n${r.output}`);
      });
    }
  }

  it("wrong usage is a type error (an unused @ts-expect-error would fail the check above)", async () => {
    writeFileSync(
      join(dir, "misuse.ts"),
      `import { loadModel } from "sealed-onnx";\n` +
        `const m = await loadModel(new Uint8Array(), { allowUnverified: true });\n` +
        `const label: number = (await m.predict({ a: 1 })).label;\n` +
        `m.selfTest().then((r) => r.failed);\n`,
    );
    writeFileSync(
      join(dir, "tsconfig.misuse.json"),
      JSON.stringify({ extends: "./tsconfig.json", files: ["misuse.ts"] }),
    );
    const r = await tsc("typescript", "tsconfig.misuse.json");
    assert.equal(r.ok, false, "misuse.ts must not type-check");
    assert.match(r.output, /misuse\.ts\(3,7\).*TS2322/s, r.output);
    assert.match(r.output, /misuse\.ts\(4,28\).*TS2339/s, r.output);
  });
});
