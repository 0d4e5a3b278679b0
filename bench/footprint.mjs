// Install footprint: what `npm install` puts on a user's disk for each engine. Packs the npm
// package from js/ (as `npm publish` would) and fetches onnxruntime-web 1.30.0's published
// tarball, installs each into an empty project of its own, and counts what landed in
// node_modules: packages (the engine and everything it pulls in), files and bytes.
// Used by bench/kinds.mjs; run alone (`node bench/footprint.mjs`) it prints the table.
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const npm = (args, cwd) => execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, encoding: "utf8" });

/** Packages, files and bytes (file sizes, not disk blocks) under one node_modules. */
export function countTree(nodeModules) {
  const total = { packages: 0, files: 0, bytes: 0 };
  const walk = (dir, inModules) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) continue; // .bin links: the files they point to are counted
      if (st.isDirectory()) {
        // A package is a directory straight under a node_modules (or under its @scope).
        if (inModules && !name.startsWith("@") && !name.startsWith(".") && existsSync(join(p, "package.json"))) total.packages++;
        walk(p, name === "node_modules" || (inModules && name.startsWith("@")));
      } else {
        total.files++;
        total.bytes += st.size;
      }
    }
  };
  walk(nodeModules, true);
  return total;
}

/**
 * Both engines' install footprints: `{ ours, ort }`, each `{ spec, tarball (bytes to
 * download), packages, files, bytes }`. Needs js/wasm built and npm's registry (or its cache).
 */
export function footprint() {
  const tmp = mkdtempSync(join(tmpdir(), "sealed-onnx-footprint-"));
  try {
    const packed = {
      ours: JSON.parse(npm(["pack", "--json", "--pack-destination", tmp], fileURLToPath(new URL("../js/", import.meta.url))))[0],
      ort: JSON.parse(npm(["pack", "--json", "--prefer-offline", "--pack-destination", tmp, "onnxruntime-web@1.30.0"], tmp))[0],
    };
    const out = {};
    for (const [e, p] of Object.entries(packed)) {
      const project = join(tmp, `install-${e}`);
      mkdirSync(project);
      writeFileSync(join(project, "package.json"), JSON.stringify({ name: `footprint-${e}`, private: true }));
      npm(["install", "--prefer-offline", join(tmp, p.filename)], project);
      out[e] = { spec: `${p.name}@${p.version}`, tarball: p.size, ...countTree(join(project, "node_modules")) };
    }
    return out;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The footprint as a Markdown table. */
export function footprintTable(f) {
  const mib = (n) => `${(n / 1048576).toFixed(2)} MiB`;
  const row = (name, x) => `| ${name} (\`${x.spec}\`) | ${mib(x.tarball)} | ${x.packages} | ${x.files} | ${mib(x.bytes)} |`;
  return [
    "| install footprint: `npm install` into an empty project (lower is better) | tarball to download | packages installed | files | on disk (file sizes) |",
    "|---|--:|--:|--:|--:|",
    row("onnxruntime-web", f.ort),
    row("sealed-onnx, packed from `js/`", f.ours),
    `| ours ÷ onnxruntime-web | ${(f.ours.tarball / f.ort.tarball).toFixed(2)}× | ${f.ours.packages} vs ${f.ort.packages} | ${(f.ours.files / f.ort.files).toFixed(2)}× | ${(f.ours.bytes / f.ort.bytes).toFixed(2)}× |`,
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(footprintTable(footprint()));
