// Shared by the Node package tests: run a module inside a throwaway consumer project (made by
// installPackage), so it imports the packed package by its bare name as a user's code does.
//
//   import { consumerRunner } from "../lib/consumer.mjs";
//   const consumer = consumerRunner(() => project.dir, "text", PRELUDE, () => ({ SEALED_ONNX_REPO: repoRoot }));
//   await consumer(`assert.ok(true);`, t);   // t (optional): lines printed as "# …" become diagnostics

import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A function that writes `body` after `prelude` as `<prefix>-<n>.mjs` in the project's
 * directory and runs it there with this node. It resolves with the module's stdout and rejects
 * with its stderr and stdout when it exits non-zero (or runs over two minutes). `projectDir`
 * and `env` are functions because the project is installed in a `before` hook.
 */
export function consumerRunner(projectDir, prefix, prelude, env = () => ({})) {
  let count = 0;
  return (body, t) => {
    const dir = projectDir();
    const file = join(dir, `${prefix}-${++count}.mjs`);
    writeFileSync(file, `${prelude}\n// ---- case\n${body}\n`);
    const options = { cwd: dir, env: { ...process.env, ...env() }, maxBuffer: 64 << 20, timeout: 120_000 };
    return new Promise((resolve, reject) => {
      execFile(process.execPath, [file], options, (err, stdout, stderr) => {
        if (t) for (const line of stdout.split("\n")) if (line.startsWith("# ")) t.diagnostic(line.slice(2));
        if (err) reject(new Error(`${file} failed (exit ${err.code}):\n${stderr}\n${stdout}`));
        else resolve(stdout);
      });
    });
  };
}
