// What a prediction looks like on the page for each task: the download's columns and cells,
// a one-line summary for tables and the audit log. Classifiers and single-value regressors
// keep the columns they always had; the other tasks follow `sealed-onnx predict --format csv`.

import { num } from "./dom.js";

/** Numbers per row of a transform's vector or a clustering model's distances. */
function width(outputs) {
  return outputs.task === "transform" ? outputs.dimension ?? 0 : outputs.clusters ?? 0;
}

const range = (n) => Array.from({ length: n }, (_, k) => k);

/** The download's result columns for a model's outputs. */
export function resultColumns(outputs) {
  switch (outputs.task) {
    case "classification":
      return ["prediction", ...(outputs.class_names ?? []).map((c) => `p(${c})`)];
    case "regression":
      return outputs.value_names ? outputs.value_names.map((n) => `value_${n}`) : ["prediction"];
    case "transform":
      return range(width(outputs)).map((k) => `vector_${k}`);
    case "clustering":
      return ["cluster", ...(outputs.distances ? range(width(outputs)).map((k) => `distance_${k}`) : [])];
    case "outlier":
      return [...(outputs.label ? ["outlier"] : []), ...(outputs.score ? ["score"] : [])];
    default:
      return ["prediction"];
  }
}

/** One prediction's cells for {@link resultColumns} (empty cells for a row without one). */
export function resultCells(outputs, p) {
  if (!p) return resultColumns(outputs).map(() => "");
  switch (outputs.task) {
    case "classification":
      return [p.label, ...(outputs.class_names ?? []).map((c) => p.probabilities?.[c] ?? "")];
    case "regression":
      return outputs.value_names ? outputs.value_names.map((n) => p.values?.[n] ?? "") : [p.value];
    case "transform":
      return [...(p.vector ?? [])];
    case "clustering":
      return [p.cluster, ...(outputs.distances ? p.distances ?? [] : [])];
    case "outlier":
      return [...(outputs.label ? [String(p.outlier)] : []), ...(outputs.score ? [p.score] : [])];
    default:
      return [""];
  }
}

/** A short text for a prediction (or an audit record) of any task other than classification. */
export function summary(p) {
  if (p.values) return Object.entries(p.values).map(([n, v]) => `${n} ${num(v, 4)}`).join(", ");
  if (p.vector) {
    const head = p.vector.slice(0, 3).map((v) => num(v, 3)).join(", ");
    return `[${head}${p.vector.length > 3 ? `, … ${p.vector.length} numbers` : ""}]`;
  }
  if (p.cluster !== undefined) {
    const d = p.distances ? ` (distance ${num(p.distances[p.cluster], 3)})` : "";
    return `cluster ${p.cluster}${d}`;
  }
  if (p.outlier !== undefined || p.score !== undefined) {
    const what = p.outlier === undefined ? "" : p.outlier ? "OUTLIER" : "inlier";
    const score = p.score === undefined ? "" : ` (score ${num(p.score, 3)})`;
    return `${what}${score}`.trim();
  }
  return num(p.value, 4);
}
