// Node-side helpers of bench/kinds.mjs, shared with the child processes it starts (cold runs,
// the two-thread pass): reading one kind's files from bench/.data/kinds/<kind>/.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where bench/make_kinds.py writes the kinds (and bench/run.sh packs them). */
export const dataDir = fileURLToPath(new URL("./.data/kinds/", import.meta.url));

/**
 * One kind's files, as `measure`/`cold` in kinds-core.mjs take them: the signed bundle, the
 * ONNX graph, and its benchmark rows as float32 (onnxruntime-web) and float64 (ours). `maxRows`
 * cuts the rows (the smoke run uses 100).
 */
export function loadKind(kind, maxRows = Infinity) {
  const d = join(dataDir, kind);
  const shape = JSON.parse(readFileSync(join(d, "rows.json"), "utf8"));
  const f32 = readFileSync(join(d, "rows.f32"));
  const rows32 = new Float32Array(f32.buffer.slice(f32.byteOffset, f32.byteOffset + f32.byteLength));
  const n = Math.min(shape.rows, maxRows);
  return {
    kind, n, width: shape.width, task: shape.task,
    bundle: readFileSync(join(d, "model.sonnx")), onnx: readFileSync(join(d, "model.onnx")),
    rows32: rows32.subarray(0, n * shape.width), rows64: Float64Array.from(rows32.subarray(0, n * shape.width)),
  };
}
