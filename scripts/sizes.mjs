// Reports the raw, gzip and brotli sizes of what the npm package ships (wasm + JS).
// With --write-readme, replaces the table between the wasm-sizes markers in README.md.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

// Exactly what the package ships: its package.json "files" (the README excepted).
const pkg = JSON.parse(readFileSync("js/package.json", "utf8"));
const files = pkg.files.filter((f) => !f.endsWith(".md") && !/\.d\.c?ts$/.test(f)).map((f) => `js/${f}`).filter(existsSync);
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
let total = [0, 0, 0];
const rows = files.map((f) => {
  const b = readFileSync(f);
  const sizes = [b.length, gzipSync(b, { level: 9 }).length,
    brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length];
  total = total.map((t, i) => t + sizes[i]);
  return `| \`${f.replace(/^js\//, "")}\` | ${sizes.map(kb).join(" | ")} |`;
});
const table = ["| file | raw | gzip -9 | brotli 11 |", "|---|--:|--:|--:|", ...rows,
  `| **total** | **${kb(total[0])}** | **${kb(total[1])}** | **${kb(total[2])}** |`].join("\n");
console.log(table);
if (process.argv.includes("--write-readme")) {
  const readme = readFileSync("README.md", "utf8");
  const re = /<!-- wasm-sizes:begin -->[\s\S]*<!-- wasm-sizes:end -->/;
  if (!re.test(readme)) throw new Error("README.md has no wasm-sizes markers");
  writeFileSync("README.md", readme.replace(re, `<!-- wasm-sizes:begin -->\n${table}\n<!-- wasm-sizes:end -->`));
}
