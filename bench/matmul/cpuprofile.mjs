// Sums a Node CPU profile (node --cpu-prof) by function: self time, and the inclusive time of
// the functions whose name contains one of the given substrings.
//   node bench/matmul/cpuprofile.mjs <file.cpuprofile> [substring …]
import { readFileSync } from "node:fs";
const p = JSON.parse(readFileSync(process.argv[2], "utf8"));
const subs = process.argv.slice(3);
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const hits = new Map();
for (const s of p.samples) hits.set(s, (hits.get(s) ?? 0) + 1);
const total = p.samples.length;
const self = new Map();
for (const n of p.nodes) {
  const name = (n.callFrame.functionName || "(anon)") + (n.callFrame.url ? "" : "");
  self.set(name, (self.get(name) ?? 0) + (hits.get(n.id) ?? 0));
}
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const incl = new Map();
for (const [id, h] of hits) {
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const name = byId.get(cur).callFrame.functionName || "(anon)";
    if (seen.has(name)) continue;
    seen.add(name);
    incl.set(name, (incl.get(name) ?? 0) + h);
  }
}
const pct = (h) => ((100 * h) / total).toFixed(1).padStart(5) + "%";
console.log(`samples ${total}`);
console.log("-- self");
for (const [n, h] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(pct(h), n);
console.log("-- inclusive (top 50)");
for (const [n, h] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, 50)) if (!subs.length || subs.some((s) => n.includes(s))) console.log(pct(h), n);
