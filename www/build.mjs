// Builds the demo page's runtime files inside www/ (all generated, all gitignored):
//
//   node_modules/sealed-onnx/   the npm package, packed from js/ and installed as an app would
//   examples/                   the example bundles from models/, the demo public key,
//                               registry/ (models/registry/, loaded by channel),
//                               index.json (what the page lists) and CSV files for the batch
//                               and drift exercises
//   precache.json               every file the service worker keeps for offline use
//
// Needs the package's WebAssembly (`bash scripts/build-wasm.sh`). No network access.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

import { toCsv } from "./lib/csv.js";

const www = dirname(fileURLToPath(import.meta.url));
const root = join(www, "..");
const models = join(root, "models");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** Files of the page itself (committed), relative to www/; everything the page imports. */
const PAGE_FILES = ["index.html", "style.css", "app.js", "sw.js", "favicon.svg"];
const PAGE_DIRS = ["lib", "sections"];

function main() {
  const wasm = join(root, "js/wasm/sealed_onnx_bg.wasm");
  if (!existsSync(wasm)) fail(`${wasm} is missing: run \`bash scripts/build-wasm.sh\` first`);
  installPackage();
  const examples = writeExamples();
  writePrecache();
  console.log(`demo page built in ${www} (${examples.length} example bundles)`);
}

function fail(message) {
  console.error(`www/build.mjs: ${message}`);
  process.exit(1);
}

/** Packs js/ exactly as `npm publish` would and installs the tarball into www/node_modules. */
function installPackage() {
  const packDir = join(root, "target/www-pack");
  rmSync(packDir, { recursive: true, force: true });
  mkdirSync(packDir, { recursive: true });
  const out = execFileSync(npm, ["pack", "--json", "--pack-destination", packDir], {
    cwd: join(root, "js"),
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const tarball = join(packDir, JSON.parse(out)[0].filename);
  rmSync(join(www, "node_modules/sealed-onnx"), { recursive: true, force: true });
  execFileSync(
    npm,
    ["install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--loglevel=error", tarball],
    { cwd: www, stdio: ["ignore", "inherit", "inherit"] },
  );
  if (!existsSync(join(www, "node_modules/sealed-onnx/wasm/sealed_onnx_bg.wasm"))) {
    fail("npm install of the packed package did not produce node_modules/sealed-onnx");
  }
}

const sri = (bytes) => `sha256-${createHash("sha256").update(bytes).digest("base64")}`;

/** The example bundles, in the order the page lists them. */
function exampleBundles() {
  const order = ["iris", "study", "diabetes", "breast-cancer"];
  const found = readdirSync(models)
    .map((file) => /^(.+)-(\d+\.\d+\.\d+)\.sonnx$/.exec(file))
    .filter((m) => m && existsSync(join(models, m[1], "meta.json")))
    .map((m) => ({ file: m[0], name: m[1], version: m[2] }));
  const rank = (n) => (order.includes(n) ? order.indexOf(n) : order.length);
  return found.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

/** Copies the bundles and the key, writes examples/index.json and the exercise CSV files. */
function writeExamples() {
  const dir = join(www, "examples");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(models, "keys/demo-public-key.pem"), join(dir, "demo-public-key.pem"));
  const list = [];
  for (const b of exampleBundles()) {
    const bytes = readFileSync(join(models, b.file));
    writeFileSync(join(dir, b.file), bytes);
    const meta = JSON.parse(readFileSync(join(models, b.name, "meta.json"), "utf8"));
    const header = readFileSync(join(models, b.name, "train.csv"), "utf8").split(/\r?\n/, 1)[0].split(",");
    const features = header.filter((h) => h !== meta.target);
    const holdout = JSON.parse(readFileSync(join(models, b.name, "holdout.json"), "utf8")).cases;
    const rows = holdout.map((c) => features.map((f) => c.input[f]));
    const holdoutCsv = `${b.name}-holdout.csv`;
    writeFileSync(join(dir, holdoutCsv), toCsv(features, rows, "\n"));
    list.push({
      name: b.name,
      version: b.version,
      summary: firstSentence(meta.card?.description ?? ""),
      url: `examples/${b.file}`,
      bytes: bytes.length,
      integrity: sri(bytes),
      publicKey: "examples/demo-public-key.pem",
      sample: holdout[0]?.input ?? null,
      csv: `examples/${holdoutCsv}`,
      rows: rows.length,
    });
  }
  writeFileSync(join(dir, "index.json"), JSON.stringify({ examples: list }, null, 2) + "\n");
  // The course's registry (models/build_registry.sh): loaded by channel on the page.
  const registry = join(models, "registry");
  if (existsSync(registry)) {
    for (const file of walk(registry)) {
      const to = join(dir, "registry", relative(registry, file));
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(file, to);
    }
  }
  return list;
}

function firstSentence(text) {
  const m = /^(.+?[.!?])(\s|$)/.exec(text);
  return m ? m[1] : text;
}

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const abs = join(dir, name);
      return statSync(abs).isDirectory() ? walk(abs) : [abs];
    });
}

/**
 * precache.json: every file the page needs offline, and a version that changes whenever one
 * of them does (so the service worker replaces its copy after a rebuild).
 */
function writePrecache() {
  const pkg = join(www, "node_modules/sealed-onnx");
  const files = [
    ...PAGE_FILES.map((f) => join(www, f)),
    ...PAGE_DIRS.flatMap((d) => walk(join(www, d))),
    ...["index.js", "core.js", "csv.js", "registry.js", "worker.js", "wasm/sealed_onnx.js", "wasm/sealed_onnx_bg.wasm"].map((f) => join(pkg, f)),
    ...walk(join(www, "examples")),
  ];
  const hash = createHash("sha256");
  const urls = [];
  for (const f of files) {
    if (!existsSync(f)) fail(`${f} is missing`);
    const url = relative(www, f).split(sep).join("/");
    urls.push(url);
    hash.update(url).update("\0").update(readFileSync(f));
  }
  urls.unshift("./");
  const version = hash.digest("hex").slice(0, 16);
  writeFileSync(join(www, "precache.json"), JSON.stringify({ version, urls }, null, 2) + "\n");
}

main();
