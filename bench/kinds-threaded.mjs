// The Node half of bench/kinds.mjs's two-thread pass, in a process of its own because
// onnxruntime-web fixes its thread count at its first session (and its worker threads need a
// script file, not `node -e`). Argument: JSON { kinds, threads, maxRows, counts, publicKey }.
// Prints { kind: measure(...) } as JSON.
import { engines, measure } from "./kinds-core.mjs";
import { loadKind } from "./kinds-node.mjs";

const { kinds, threads, maxRows, counts, publicKey } = JSON.parse(process.argv[2]);
const so = await import("../js/index.js");
const ort = await import("onnxruntime-web");
const E = engines(so, ort, publicKey, threads);
const out = {};
for (const kind of kinds) out[kind] = await measure(E, loadKind(kind, maxRows ?? Infinity), counts);
console.log(JSON.stringify(out));
process.exit(0); // onnxruntime-web's worker threads would keep the process alive
