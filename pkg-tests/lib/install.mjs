// Shared by every package test (Node, browser, Vite, types): pack js/ into a tarball exactly
// as `npm publish` would, and install that tarball into throwaway projects in the system's
// temporary directory, so the tests use the package the way a consumer does.
//
//   import { installPackage } from "../lib/install.mjs";
//   const { dir, tarball } = await installPackage("node", { extraDependencies: ["vite@^8"] });
//
// The tarball is packed once per content of the package's files: the first test process to
// need it packs it into os.tmpdir()/sealed-onnx-pkg-tests/pack-<hash>/, later ones (and
// parallel ones) reuse it. Throwaway projects are removed when the process exits, unless
// SEALED_ONNX_KEEP_TEST_PROJECTS=1.

import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

/** The repository root, the npm package root (js/), and the example models. */
export const repoRoot = resolve(here, "../..");
export const packageRoot = join(repoRoot, "js");
export const modelsDir = join(repoRoot, "models");

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const workRoot = join(tmpdir(), "sealed-onnx-pkg-tests");
const keep = process.env.SEALED_ONNX_KEEP_TEST_PROJECTS === "1";
const created = [];

process.once("exit", () => {
  if (keep) return;
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** Throws a clear error if the wasm build is missing. */
export function assertBuilt() {
  const wasm = join(packageRoot, "wasm/sealed_onnx_bg.wasm");
  const glue = join(packageRoot, "wasm/sealed_onnx.js");
  if (!existsSync(wasm) || !existsSync(glue)) {
    throw new Error(
      `the package's WebAssembly is not built (${wasm} is missing): run \`bash scripts/build-wasm.sh\` first`,
    );
  }
}

/** The package's `files` (as listed in js/package.json), expanded to actual file paths. */
function packedFiles() {
  const pkg = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8"));
  const out = ["package.json"];
  const walk = (rel) => {
    const abs = join(packageRoot, rel);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const name of readdirSync(abs).sort()) walk(join(rel, name));
    } else {
      out.push(rel);
    }
  };
  for (const f of pkg.files || []) walk(f);
  return out;
}

/** A digest of everything that goes into the tarball (names and contents). */
function fingerprint() {
  const h = createHash("sha256");
  for (const rel of packedFiles()) {
    h.update(rel + "\0");
    h.update(readFileSync(join(packageRoot, rel)));
    h.update("\0");
  }
  return h.digest("hex").slice(0, 16);
}

let packing;

/**
 * Packs js/ with `npm pack` (once per package content) and returns the tarball's path.
 * Concurrent test processes are safe: each packs into its own directory and renames it into
 * place; the loser of a race uses the winner's tarball. If the package's files change while
 * it packs (a wasm build running at the same time), it waits and packs again.
 */
export function packPackage() {
  packing ??= (async () => {
    for (let attempt = 1; ; attempt++) {
      assertBuilt();
      const digest = fingerprint();
      const dir = join(workRoot, `pack-${digest}`);
      const existing = tarballIn(dir);
      if (existing) return existing;
      mkdirSync(workRoot, { recursive: true });
      const staging = mkdtempSync(join(workRoot, "packing-"));
      try {
        const { stdout } = await run(npm, ["pack", "--json", "--pack-destination", staging, "--loglevel=error"], {
          cwd: packageRoot,
          maxBuffer: 16 << 20,
        });
        const packed = JSON.parse(stdout)[0].files.map((f) => f.path);
        const complete = REQUIRED.every((f) => packed.includes(f));
        if (complete && fingerprint() === digest && tarballIn(staging)) {
          try {
            renameSync(staging, dir);
          } catch (e) {
            if (!tarballIn(dir)) throw e; // somebody else won the race; theirs is identical
          }
          removeOldPacks(dir);
          return tarballIn(dir);
        }
        if (attempt >= 30) {
          throw new Error(
            `js/ kept changing while it was packed (is \`bash scripts/build-wasm.sh\` running?); ` +
              `packed: ${packed.join(", ")}`,
          );
        }
      } finally {
        rmSync(staging, { recursive: true, force: true });
      }
      await new Promise((r) => setTimeout(r, 2000)); // a build is writing js/wasm: let it finish
    }
  })();
  packing.catch(() => {
    packing = undefined;
  });
  return packing;
}

/** What a usable tarball must contain. */
const REQUIRED = ["package.json", "index.js", "index.cjs", "index.d.ts", "index.d.cts", "core.js", "csv.js", "registry.js", "worker.js", "wasm/sealed_onnx.js", "wasm/sealed_onnx_bg.wasm"];

/** Tarballs of earlier package contents, left by earlier runs, after an hour. */
function removeOldPacks(keepDir) {
  for (const name of readdirSync(workRoot)) {
    const path = join(workRoot, name);
    if (!name.startsWith("pack-") || path === keepDir) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > 3600_000) rmSync(path, { recursive: true, force: true });
    } catch {
      // another process removed it
    }
  }
}

function tarballIn(dir) {
  if (!existsSync(dir)) return undefined;
  const name = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  return name ? join(dir, name) : undefined;
}

/**
 * Creates an empty throwaway project in os.tmpdir() and installs the packed tarball into it
 * (plus `extraDependencies` as dependencies and `devDependencies` as dev dependencies, e.g.
 * `["typescript@7.0.2"]`). Returns `{ dir, tarball, cleanup }`.
 */
export async function installPackage(name = "consumer", { extraDependencies = [], devDependencies = [] } = {}) {
  const tarball = await packPackage();
  mkdirSync(workRoot, { recursive: true });
  const dir = mkdtempSync(join(workRoot, `${name.replace(/[^a-z0-9-]/gi, "-")}-`));
  created.push(dir);
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: `sealed-onnx-test-${name}`.toLowerCase(), private: true, type: "module" }, null, 2) + "\n",
  );
  const flags = ["--no-audit", "--no-fund", "--loglevel=error", "--no-package-lock"];
  try {
    await run(npm, ["install", ...flags, tarball, ...extraDependencies], { cwd: dir, maxBuffer: 16 << 20 });
    if (devDependencies.length) {
      await run(npm, ["install", ...flags, "--save-dev", ...devDependencies], { cwd: dir, maxBuffer: 16 << 20 });
    }
  } catch (e) {
    throw new Error(`npm install in ${dir} failed:\n${e.stderr || e.message}`);
  }
  return {
    dir,
    tarball,
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
