// sealed-onnx: the part shared by the main thread (index.js) and the Web Worker (worker.js):
// the error classes, initialising the WebAssembly once, turning the wasm's errors into the
// package's classes, panic safety, and the in-thread model (`LocalModel`).
//
// Internal module: import "sealed-onnx" (index.js) instead.

import init, { initSync, Model as WasmModel, __testPanic as wasmTestPanic } from "./wasm/sealed_onnx.js";

// ---------------------------------------------------------------------------------------
// Errors

/** The input does not match the model's schema; `issues` lists every problem. */
export class SchemaError extends Error {
  constructor(message, issues = [], options) {
    super(message, options);
    this.name = "SchemaError";
    this.issues = issues;
  }
}

/** The bundle failed verification; `check` names the check that failed. */
export class VerificationError extends Error {
  constructor(message, check, options) {
    super(message, options);
    this.name = "VerificationError";
    this.check = check;
    // For check "bundle": which structural check (e.g. "zip.local-header-mismatch").
    if (options && options.code !== undefined) this.code = String(options.code);
  }
}

/** Anything else: a download failure, a disposed model, an engine failure, an internal error. */
export class ModelError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "ModelError";
  }
}

/** An error as plain, structured-clonable data (for crossing from the worker). */
export function errorToData(e) {
  if (e instanceof SchemaError) return { name: e.name, message: e.message, issues: e.issues };
  if (e instanceof VerificationError) return { name: e.name, message: e.message, check: e.check, code: e.code };
  if (e instanceof ModelError) return { name: e.name, message: e.message, unusable: e[UNUSABLE] };
  if (e && e.name === "AbortError") return { name: "AbortError", message: String(e.message) };
  return { name: "ModelError", message: describe(e) };
}

/** The inverse of `errorToData`: the package's own classes again. */
export function errorFromData(d) {
  switch (d && d.name) {
    case "SchemaError":
      return new SchemaError(d.message, d.issues || []);
    case "VerificationError":
      return new VerificationError(d.message, d.check, d.code === undefined ? undefined : { code: d.code });
    case "AbortError":
      return abortError(d.message);
    default:
      return new ModelError(d ? String(d.message) : "unknown error from the worker");
  }
}

export function abortError(message = "The operation was aborted.") {
  return new DOMException(message, "AbortError");
}

/** What the signal was aborted with (an `AbortError` DOMException unless a reason was given). */
export function abortReason(signal) {
  return signal.reason !== undefined ? signal.reason : abortError();
}

function describe(e) {
  if (e instanceof Error) return e.message || e.name;
  try {
    return String(e);
  } catch {
    return "an unprintable error";
  }
}

/** Marks a ModelError as "the model is now unusable" (for the worker protocol). */
const UNUSABLE = Symbol("unusable");

/**
 * The wasm's errors (plain `Error`s with a `name`, and a `check` or `issues`) as the package's
 * classes. Never lets a wasm-bindgen error, a string or a trap escape.
 */
function fromWasmError(e) {
  const name = e && e.name;
  const message = e && e.message !== undefined ? String(e.message) : describe(e);
  if (name === "SchemaError") {
    return new SchemaError(message, Array.isArray(e.issues) ? e.issues : []);
  }
  if (name === "VerificationError") {
    return new VerificationError(message, String(e.check), e.code === undefined ? undefined : { code: e.code });
  }
  return new ModelError(message);
}

/** Errors that mean the wasm call did not return normally (the instance's state is suspect). */
function isTrap(e) {
  if (typeof WebAssembly !== "undefined" && e instanceof WebAssembly.RuntimeError) return true;
  if (e instanceof RangeError) return true; // stack overflow inside the wasm call
  // wasm-bindgen's guard when a previous call on this object never returned.
  return e instanceof Error && /recursive use of an object/.test(e.message);
}

// ---------------------------------------------------------------------------------------
// The WebAssembly, initialised once per thread, lazily.

let ready;
let lastPanic;

function installPanicHook() {
  const previous = globalThis.__sealedOnnxPanic;
  // Several copies of the package may share a global: each records the message and passes
  // it on; each reads only its own after a trap.
  const hook = (message) => {
    lastPanic = String(message);
    if (typeof previous === "function" && previous !== hook) {
      try {
        previous(message);
      } catch {
        // not ours to report
      }
    }
  };
  globalThis.__sealedOnnxPanic = hook;
}

// A variable specifier keeps bundlers from trying to bundle a Node built-in for the browser;
// this import only runs where the wasm URL is a file: URL (Node).
const NODE_FS = "node:fs/promises";

/** Initialises the WebAssembly (once); rejects with a ModelError if it cannot. */
export function initWasm() {
  if (!ready) {
    ready = (async () => {
      installPanicHook();
      const url = new URL("./wasm/sealed_onnx_bg.wasm", import.meta.url);
      try {
        let exports;
        if (url.protocol === "file:") {
          // Compiled from the bytes and instantiated directly: the glue's async init() asks
          // `typeof Response`, and in Node that first touch loads undici (35-52 ms) for nothing.
          const fs = await import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_FS);
          exports = initSync({ module: await WebAssembly.compile(await fs.readFile(url)) });
        } else {
          // Browsers: fetched and compiled while it streams in (instantiateStreaming).
          exports = await init({ module_or_path: url });
        }
        // The Rust side's static constructors (tract registers its kernels in them), run
        // once per instance: scripts/build-wasm.sh exports them instead of letting the
        // linker re-run them at every call into the wasm.
        exports.__wasm_call_ctors();
      } catch (e) {
        throw new ModelError(`cannot load sealed-onnx's WebAssembly from ${url.href}: ${describe(e)}`, {
          cause: e,
        });
      }
    })();
    ready.catch(() => {
      ready = undefined; // let a later call retry
    });
  }
  return ready;
}

// ---------------------------------------------------------------------------------------
// Inputs: a plain snapshot, so that nothing the wasm reads can run caller code.

/** Batch → record/column → value: deeper than that the crate reads nothing. */
const MAX_DEPTH = 3;
/** Marks a function or symbol that had to be replaced to cross to the worker. */
export const OPAQUE = "\u0000sealed-onnx:opaque";

/**
 * A copy of `input` made only of plain arrays, plain objects, typed arrays and primitives, so
 * that the wasm's property reads cannot run getters or proxy traps (an exception thrown
 * through the wasm would leave the model unusable). Reading the caller's object here can
 * throw; that becomes a ModelError naming the path.
 *
 * `cloneable`: replace functions and symbols by markers (postMessage cannot carry them);
 * `state.opaque` says whether any were replaced.
 */
export function snapshot(input, cloneable = false, state = {}) {
  return copy(input, 0, "", cloneable, state);
}

function copy(v, depth, path, cloneable, state) {
  const t = typeof v;
  if (v === null || (t !== "object" && t !== "function" && t !== "symbol")) return v;
  if (t === "function" || t === "symbol") {
    if (!cloneable) return v;
    state.opaque = true;
    return { [OPAQUE]: t };
  }
  if (depth >= MAX_DEPTH) return {}; // the crate reports "a nested structure" either way
  if (ArrayBuffer.isView(v)) return v; // typed arrays and DataView run no caller code
  // Reading the caller's object may run getters or proxy traps; a failure names the path.
  let at = path;
  try {
    if (Array.isArray(v)) {
      const n = v.length;
      if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`invalid array length ${String(n)}`);
      const out = new Array(n);
      for (let i = 0; i < n; i++) {
        at = undefined;
        const x = v[i];
        out[i] = x !== null && (typeof x === "object" || typeof x === "function" || typeof x === "symbol")
          ? copy(x, depth + 1, depth === 0 ? `rows[${i}]` : `${path}[${i}]`, cloneable, state)
          : x;
      }
      return out;
    }
    const out = {};
    const keys = Object.keys(v);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      at = undefined;
      const x = v[key];
      const value = x !== null && (typeof x === "object" || typeof x === "function" || typeof x === "symbol")
        ? copy(x, depth + 1, path ? `${path}.${key}` : key, cloneable, state)
        : x;
      if (key === "__proto__") {
        // stays an ordinary (unknown) feature name rather than setting the prototype
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      } else {
        out[key] = value;
      }
    }
    return out;
  } catch (e) {
    if (e instanceof ModelError) throw e;
    if (at === undefined) at = failedAt(v, depth, path);
    throw new ModelError(`cannot read the input${at ? ` at ${at}` : ""}: ${describe(e)}`, { cause: e });
  }
}

/** Which child of `v` could not be read (found again, reading carefully, after a failure). */
function failedAt(v, depth, path) {
  try {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        try {
          void v[i];
        } catch {
          return depth === 0 ? `rows[${i}]` : `${path}[${i}]`;
        }
      }
    } else {
      for (const key of Object.keys(v)) {
        try {
          void v[key];
        } catch {
          return path ? `${path}.${key}` : key;
        }
      }
    }
  } catch {
    // fall through
  }
  return path;
}

/** Key of the tag objects of {@link encode} (see the crate's `schema::tagged_json`). */
const TAG = "\u0000sealed-onnx";
/**
 * JSON.stringify writes a lone surrogate (and only a lone one) as a `\udXXX` escape, which
 * is not valid JSON text for the crate's parser; it becomes U+FFFD, as the wasm boundary
 * always read such strings. The look-behind skips escaped backslashes (`\\ud800` is text).
 */
const LONE_SURROGATE_ESCAPE = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

function tagged(v) {
  switch (typeof v) {
    case "number":
      return Number.isFinite(v) ? v : { [TAG]: String(v) }; // NaN, Infinity, -Infinity
    case "undefined":
      return { [TAG]: "undefined" };
    case "bigint":
      return { [TAG]: "other:a bigint" };
    case "function":
      return { [TAG]: "other:a function" };
    case "symbol":
      return { [TAG]: "other:a symbol" };
    default:
      if (v === null) return v;
      if (ArrayBuffer.isView(v)) {
        const bigint =
          (typeof BigInt64Array !== "undefined" && v instanceof BigInt64Array) ||
          (typeof BigUint64Array !== "undefined" && v instanceof BigUint64Array);
        return bigint || v instanceof DataView ? { [TAG]: "other:a bigint array or DataView" } : Array.from(v);
      }
      // A caller's object that looks like a tag (its only key is TAG) must not pass for one.
      if (Object.prototype.hasOwnProperty.call(v, TAG) && Object.keys(v).length === 1) return { [TAG]: "other:an object" };
      return v;
  }
}

/**
 * A snapshot as one JSON string for the wasm: a single crossing instead of one per value
 * (~14 µs each). What JSON cannot say (NaN, ±Infinity, undefined, bigints, functions,
 * symbols) travels as tag objects the crate decodes.
 */
export function encode(input) {
  const json = JSON.stringify(input, (_key, v) => tagged(v));
  return json.includes("\\ud") ? json.replace(LONE_SURROGATE_ESCAPE, "$1\\ufffd") : json;
}

/** Undoes the markers of `snapshot(input, true)` (in the worker). */
export function revive(v, depth = 0) {
  if (v === null || typeof v !== "object" || depth >= MAX_DEPTH || ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = revive(v[i], depth + 1);
    return v;
  }
  const keys = Object.keys(v);
  if (keys.length === 1 && keys[0] === OPAQUE) {
    return v[OPAQUE] === "symbol" ? Symbol("opaque") : function opaque() {};
  }
  for (const key of keys) v[key] = revive(v[key], depth + 1);
  return v;
}

/** `{data, rows}` (the typed fast path), or undefined. */
export function typedInput(input) {
  if (input === null || typeof input !== "object" || Array.isArray(input) || ArrayBuffer.isView(input)) {
    return undefined;
  }
  let keys, data, rows;
  try {
    keys = Object.keys(input);
    if (keys.length !== 2 || !keys.includes("data") || !keys.includes("rows")) return undefined;
    data = input.data;
    rows = input.rows;
  } catch {
    return undefined; // the snapshot reports it
  }
  if (!ArrayBuffer.isView(data) || data instanceof DataView || typeof rows !== "number") return undefined;
  const issues = [];
  if (
    (typeof BigInt64Array !== "undefined" && data instanceof BigInt64Array) ||
    (typeof BigUint64Array !== "undefined" && data instanceof BigUint64Array)
  ) {
    issues.push({
      path: "data",
      code: "wrong_type",
      expected: "a Float64Array or Float32Array",
      received: "a bigint array",
    });
  }
  if (!Number.isSafeInteger(rows) || rows < 0 || rows > 0xffffffff) {
    issues.push({
      path: "rows",
      code: "wrong_type",
      expected: "a whole number of rows (0 or more)",
      received: String(rows),
    });
  }
  if (issues.length) {
    throw new SchemaError(schemaMessage(issues), issues);
  }
  return { data: data instanceof Float64Array ? data : Float64Array.from(data), rows, converted: !(data instanceof Float64Array) };
}

/**
 * An array of records or columns that holds exactly the schema's features as plain numbers
 * (booleans for boolean features), as the typed form `{data, rows}`, else undefined. The
 * typed form crosses into the wasm an order of magnitude faster than records, and the crate
 * checks each value against the schema the same way. Anything else (strings, missing or
 * extra features, other types) takes the ordinary path, which reports issues exactly.
 */
function asTyped(input, features) {
  const width = features.length;
  if (width === 0 || input === null || typeof input !== "object" || ArrayBuffer.isView(input)) return undefined;
  for (const f of features) if (f.type === "string" || f.type === "text" || f.categories) return undefined;
  if (Array.isArray(input)) {
    const rows = input.length;
    if (rows === 0) return undefined;
    const data = new Float64Array(rows * width);
    for (let i = 0; i < rows; i++) {
      const r = input[i];
      if (r === null || typeof r !== "object" || Array.isArray(r) || ArrayBuffer.isView(r)) return undefined;
      if (Object.keys(r).length !== width) return undefined;
      for (let j = 0; j < width; j++) {
        const x = scalar(r[features[j].name], features[j]);
        if (x === undefined) return undefined;
        data[i * width + j] = x;
      }
    }
    return { data, rows };
  }
  const names = Object.keys(input);
  if (names.length !== width) return undefined;
  let rows;
  const columns = [];
  for (const f of features) {
    const c = input[f.name];
    const isColumn = Array.isArray(c) || (ArrayBuffer.isView(c) && !(c instanceof DataView));
    if (!isColumn || (rows !== undefined && c.length !== rows)) return undefined;
    if (typeof BigInt64Array !== "undefined" && (c instanceof BigInt64Array || c instanceof BigUint64Array)) {
      return undefined;
    }
    rows = c.length;
    columns.push(c);
  }
  if (!rows) return undefined;
  const data = new Float64Array(rows * width);
  for (let j = 0; j < width; j++) {
    const c = columns[j];
    if (ArrayBuffer.isView(c)) {
      if (features[j].type === "boolean") return undefined; // 0/1 in a typed column stay numbers
      for (let i = 0; i < rows; i++) data[i * width + j] = c[i];
    } else {
      for (let i = 0; i < rows; i++) {
        const x = scalar(c[i], features[j]);
        if (x === undefined) return undefined;
        data[i * width + j] = x;
      }
    }
  }
  return { data, rows };
}

/** A record value as the typed form carries it, or undefined when it cannot. */
function scalar(v, feature) {
  if (feature.type === "boolean") return typeof v === "boolean" ? (v ? 1 : 0) : undefined;
  return typeof v === "number" ? v : undefined;
}

/** Features of the schema (info.schema is the features array). */
export function featuresOf(schema) {
  return Array.isArray(schema) ? schema : (schema && schema.features) || [];
}

/** The issue with typed data whose length is not rows × features (as the crate words it). */
export function typedLengthIssue(width, values, rows) {
  const n = rows * width;
  return {
    path: "data",
    code: "column_length",
    expected: n <= 0xffffffff ? `${n} values (${rows} rows × ${width} features)` : `${rows} rows × ${width} features, more values than an array can hold`,
    received: `${values} values`,
  };
}

/**
 * Typed data carries no feature names, so a migration (inputs of the previous major
 * version, `info.migration`) cannot apply to it: with one, typed data of the wrong length is
 * refused saying so and what to send instead.
 */
export function checkTypedForMigration(info, data, rows) {
  const migration = info && info.migration;
  const features = featuresOf(info && info.schema);
  if (!migration || rows * features.length === data.length) return;
  const issue = typedLengthIssue(features.length, data.length, rows);
  issue.expected +=
    ` in this version's feature order (${features.map((f) => f.name).join(", ")}): typed data cannot be migrated from ` +
    `${migration.from_major}.x inputs; send records or columns ({ feature: [...] }) to have them migrated`;
  throw new SchemaError(schemaMessage([issue]), [issue]);
}

// ---------------------------------------------------------------------------------------
// Large batches go into the wasm in chunks: memory inside the instance stays bounded (a
// multi-million-row batch in one call runs it out of memory, which traps), and the chunks'
// issues are merged back with the paths of the whole batch.

export const CHUNK_ROWS = 50000;

/** Chunks of a records or columns batch larger than CHUNK_ROWS, or undefined. */
function splitBatch(input) {
  if (Array.isArray(input)) {
    if (input.length <= CHUNK_ROWS) return undefined;
    const chunks = [];
    for (let offset = 0; offset < input.length; offset += CHUNK_ROWS) {
      chunks.push({ input: input.slice(offset, offset + CHUNK_ROWS), offset, kind: "records" });
    }
    return chunks;
  }
  if (input === null || typeof input !== "object" || ArrayBuffer.isView(input)) return undefined;
  const names = Object.keys(input);
  if (names.length === 0) return undefined;
  let n;
  for (const name of names) {
    const column = input[name];
    const isColumn = Array.isArray(column) || (ArrayBuffer.isView(column) && !(column instanceof DataView));
    if (!isColumn || (n !== undefined && column.length !== n)) return undefined; // the crate reports it
    n = column.length;
  }
  if (n <= CHUNK_ROWS) return undefined;
  const chunks = [];
  for (let offset = 0; offset < n; offset += CHUNK_ROWS) {
    const part = {};
    for (const name of names) {
      const column = input[name];
      const slice = ArrayBuffer.isView(column)
        ? column.subarray(offset, offset + CHUNK_ROWS)
        : column.slice(offset, offset + CHUNK_ROWS);
      Object.defineProperty(part, name, { value: slice, enumerable: true, writable: true, configurable: true });
    }
    chunks.push({ input: part, offset, kind: "columns" });
  }
  return chunks;
}

/** Chunks of a typed batch larger than CHUNK_ROWS rows, or undefined. */
function splitTyped(data, rows, width) {
  if (rows <= CHUNK_ROWS || width === 0 || data.length !== rows * width) return undefined;
  const chunks = [];
  for (let offset = 0; offset < rows; offset += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows - offset);
    chunks.push({ input: { data: data.subarray(offset * width, (offset + n) * width), rows: n }, offset, kind: "records" });
  }
  return chunks;
}

/** Joins the JSON arrays of a batch's chunks into one. */
function joinJson(parts) {
  let json = "[";
  for (const part of parts) {
    if (part.length <= 2) continue; // "[]"
    if (json.length > 1) json += ",";
    json += part.slice(1, -1);
  }
  return json + "]";
}

/** The typed parts of a batch's columns and their array types (parts a task lacks are undefined). */
const COLUMN_PARTS = [
  ["labels", Uint32Array],
  ["probabilities", Float64Array],
  ["values", Float64Array],
  ["vectors", Float64Array],
  ["clusters", Uint32Array],
  ["distances", Float64Array],
  ["outliers", Uint8Array],
  ["scores", Float64Array],
];

/** Copies a wasm BatchColumns out into typed arrays and frees it. */
function takeColumns(b) {
  try {
    const out = { rows: b.rows, width: b.width };
    for (const [key] of COLUMN_PARTS) out[key] = b[key];
    return out;
  } finally {
    b.free();
  }
}

/** Concatenates the columns of a batch's chunks (there are several, so rows > 0). */
function joinColumns(parts) {
  const rows = parts.reduce((n, p) => n + p.rows, 0);
  const out = { rows, width: parts[0].width };
  for (const [key, Type] of COLUMN_PARTS) {
    out[key] = undefined;
    if (!parts.length || parts[0][key] === undefined) continue;
    const all = new Type(parts.reduce((n, p) => n + p[key].length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p[key], at);
      at += p[key].length;
    }
    out[key] = all;
  }
  return out;
}

/** Numbers per row of a transform's vectors or a clustering model's distances, else 0. */
function widthOf(outputs) {
  if (outputs.task === "transform") return outputs.dimension ?? 0;
  if (outputs.task === "clustering") return outputs.clusters ?? 0;
  return 0;
}

/** The typed columns of zero rows, for a model with these outputs. */
function emptyColumns(outputs) {
  const out = { width: widthOf(outputs) };
  for (const [key] of COLUMN_PARTS) out[key] = undefined;
  const empty = (key, Type) => (out[key] = new Type(0));
  switch (outputs.task) {
    case "classification":
      empty("labels", Uint32Array);
      if (outputs.probabilities) empty("probabilities", Float64Array);
      break;
    case "regression":
      empty("values", Float64Array);
      break;
    case "transform":
      empty("vectors", Float64Array);
      break;
    case "clustering":
      empty("clusters", Uint32Array);
      if (outputs.distances) empty("distances", Float64Array);
      break;
    case "outlier":
      if (outputs.label) empty("outliers", Uint8Array);
      if (outputs.score) empty("scores", Float64Array);
      break;
  }
  return out;
}

/** Columns from per-row prediction objects (the path for string and category inputs). */
function columnsOf(list, outputs) {
  const rows = list.length;
  const out = { rows, ...emptyColumns(outputs) };
  const classes = outputs.class_names ?? [];
  const width = out.width;
  const flat = (get, n) => {
    const all = new Float64Array(rows * n);
    list.forEach((p, r) => all.set(get(p), r * n));
    return all;
  };
  if (out.labels) {
    const index = new Map(classes.map((c, i) => [c, i]));
    out.labels = Uint32Array.from(list, (p) => index.get(p.label));
  }
  if (out.probabilities) out.probabilities = flat((p) => classes.map((c) => p.probabilities[c]), classes.length);
  if (out.values) {
    const names = outputs.value_names;
    out.values = names ? flat((p) => names.map((n) => p.values[n]), names.length) : Float64Array.from(list, (p) => p.value);
  }
  if (out.vectors) out.vectors = flat((p) => p.vector, width);
  if (out.clusters) out.clusters = Uint32Array.from(list, (p) => p.cluster);
  if (out.distances) out.distances = flat((p) => p.distances, width);
  if (out.outliers) out.outliers = Uint8Array.from(list, (p) => (p.outlier ? 1 : 0));
  if (out.scores) out.scores = Float64Array.from(list, (p) => p.score);
  // Rows sent in the previous major version's shape and migrated (1), as predict marks them.
  if (list.some((p) => p.migrated)) out.migrated = Uint8Array.from(list, (p) => (p.migrated ? 1 : 0));
  return out;
}

/** Appends a chunk's issues with whole-batch paths (column-level issues only once). */
function addShifted(out, issues, { offset, kind }) {
  for (const issue of issues) {
    let path = issue.path;
    if (kind === "records") {
      path = path.replace(/^rows\[(\d+)\]/, (_, i) => `rows[${Number(i) + offset}]`);
    } else {
      const m = /^(.*)\[(\d+)\]$/.exec(path);
      if (m) {
        path = `${m[1]}[${Number(m[2]) + offset}]`;
      } else if (offset > 0) {
        continue; // about a whole column (e.g. an unknown feature): the first chunk said it
      }
    }
    out.push(path === issue.path ? issue : { ...issue, path });
  }
}

/** How many issues a SchemaError's message lists (its `issues` holds every one), as the crate. */
export const SHOWN_ISSUES = 100;

/** The message of a SchemaError: the first SHOWN_ISSUES issues, then counts per code. */
export function schemaMessage(issues) {
  const n = issues.length;
  const lines = issues.slice(0, SHOWN_ISSUES).map((i) => `  ${i.path}: expected ${i.expected}, received ${i.received} (${i.code})`);
  if (n > SHOWN_ISSUES) {
    const counts = new Map();
    for (const i of issues) counts.set(i.code, (counts.get(i.code) ?? 0) + 1);
    const perCode = [...counts].map(([code, k]) => `${k} ${code}`).join(", ");
    lines.push(`  …and ${n - SHOWN_ISSUES} more; all ${n} by code: ${perCode}`);
  }
  return `input does not match the model's schema (${n} problem${n === 1 ? "" : "s"}):\n${lines.join("\n")}`;
}

// ---------------------------------------------------------------------------------------
// A model living in this thread's wasm instance.

export class LocalModel {
  #wasm;
  #disposed = false;
  #unusable;
  info;

  constructor(wasm, info) {
    this.#wasm = wasm;
    this.info = info;
  }

  /** Verifies and loads a bundle (the wasm must be initialised). */
  static load(bytes, { publicKey, integrity, allowUnverified }) {
    lastPanic = undefined;
    let wasm;
    try {
      wasm = WasmModel.load(bytes, publicKey ?? undefined, integrity ?? undefined, !!allowUnverified);
    } catch (e) {
      if (isTrap(e)) throw internalError(e);
      throw fromWasmError(e);
    }
    let info;
    try {
      info = JSON.parse(wasm.info());
    } catch (e) {
      try {
        wasm.free();
      } catch {
        // nothing more to do
      }
      throw isTrap(e) ? internalError(e) : fromWasmError(e);
    }
    return new LocalModel(wasm, info);
  }

  /** Runs `f(wasmModel)`, turning every failure into the package's errors. */
  #call(f) {
    if (this.#disposed) throw new ModelError("model is disposed");
    if (this.#unusable !== undefined) {
      const e = new ModelError(
        `this model is unusable after an internal error: ${this.#unusable}; load it again`,
      );
      e[UNUSABLE] = this.#unusable;
      throw e;
    }
    lastPanic = undefined;
    try {
      return f(this.#wasm);
    } catch (e) {
      if (!isTrap(e)) throw fromWasmError(e);
      const error = internalError(e);
      this.#unusable = error.message;
      error[UNUSABLE] = error.message;
      throw error;
    }
  }

  /** Throws if the model cannot be used (disposed, or unusable after an internal error). */
  check() {
    this.#call(() => undefined);
  }

  /** The raw JSON predictions for a snapshot input (large batches in chunks). */
  predictJson(input) {
    this.check();
    const fast = asTyped(input, featuresOf(this.info.schema));
    if (fast) {
      try {
        return this.predictTypedJson(fast.data, fast.rows);
      } catch (e) {
        if (!(e instanceof SchemaError)) throw e;
        // refused: the issues are reported below in the caller's own shape (paths)
      }
    }
    const chunks = splitBatch(input);
    if (!chunks) return this.#call((m) => m.predict(encode(input)));
    return joinJson(this.#chunked(chunks, (m, part) => m.predict(encode(part)), (m, part) => m.validate(encode(part))));
  }

  predictTypedJson(data, rows) {
    this.check();
    checkTypedForMigration(this.info, data, rows);
    const width = featuresOf(this.info.schema).length;
    const chunks = splitTyped(data, rows, width);
    if (!chunks) return this.#call((m) => m.predictTyped(data, rows));
    // no typed validate in the wasm: after a refused chunk, predicting the rest finds its issues
    const run = (m, part) => m.predictTyped(part.data, part.rows);
    return joinJson(this.#chunked(chunks, run, undefined));
  }

  /**
   * A batch's results as typed arrays, column by column: `{ rows, width, labels: Uint32Array
   * (class indices), probabilities: Float64Array (rows × classes), values, vectors, clusters,
   * distances, outliers: Uint8Array, scores }`, parts a model's task lacks left undefined.
   * Numeric input goes through the wasm's typed path (no JSON); other input (strings,
   * categories) is predicted as objects and gathered into columns.
   */
  predictColumns(input) {
    this.check();
    const features = featuresOf(this.info.schema);
    const fast = typedInput(input) ?? asTyped(input, features);
    if (!fast) {
      const parsed = JSON.parse(this.predictJson(input));
      return columnsOf(Array.isArray(parsed) ? parsed : [parsed], this.info.outputs);
    }
    const { data, rows } = fast;
    checkTypedForMigration(this.info, data, rows);
    const run = (m, part) => takeColumns(m.predictColumns(part.data, part.rows));
    const chunks = splitTyped(data, rows, features.length);
    if (!chunks) return this.#call((m) => run(m, { data, rows }));
    return joinColumns(this.#chunked(chunks, run, undefined));
  }

  /**
   * Runs a batch chunk by chunk (bounded memory inside the wasm); returns each chunk's result.
   * Schema issues of every chunk are gathered, with paths as if the batch were whole.
   */
  #chunked(chunks, run, validate) {
    const parts = [];
    let issues;
    for (const chunk of chunks) {
      if (issues === undefined) {
        try {
          parts.push(this.#call((m) => run(m, chunk.input)));
          continue;
        } catch (e) {
          if (!(e instanceof SchemaError)) throw e;
          issues = [];
          addShifted(issues, e.issues, chunk);
          continue;
        }
      }
      if (validate) {
        addShifted(issues, JSON.parse(this.#call((m) => validate(m, chunk.input))), chunk);
      } else {
        try {
          this.#call((m) => run(m, chunk.input));
        } catch (e) {
          if (!(e instanceof SchemaError)) throw e;
          addShifted(issues, e.issues, chunk);
        }
      }
    }
    if (issues !== undefined) throw new SchemaError(schemaMessage(issues), issues);
    return parts;
  }

  validate(input) {
    this.check();
    const chunks = splitBatch(input);
    if (!chunks) return JSON.parse(this.#call((m) => m.validate(encode(input))));
    const issues = [];
    for (const chunk of chunks) addShifted(issues, JSON.parse(this.#call((m) => m.validate(encode(chunk.input)))), chunk);
    return issues;
  }

  drift(input) {
    return JSON.parse(this.#call((m) => m.drift(encode(input))));
  }

  /**
   * validate/drift of the typed form `{data, rows}`, straight from the array (no record per
   * row): the same issues, paths and drift as the records it stands for.
   */
  validateTyped(data, rows) {
    this.check();
    checkTypedForMigration(this.info, data, rows);
    const chunks = splitTyped(data, rows, featuresOf(this.info.schema).length);
    if (!chunks) return JSON.parse(this.#call((m) => m.validateTyped(data, rows)));
    const issues = [];
    for (const chunk of chunks) {
      const { data: part, rows: n } = chunk.input;
      addShifted(issues, JSON.parse(this.#call((m) => m.validateTyped(part, n))), chunk);
    }
    return issues;
  }

  driftTyped(data, rows) {
    this.check();
    checkTypedForMigration(this.info, data, rows);
    return JSON.parse(this.#call((m) => m.driftTyped(data, rows)));
  }

  selfTest() {
    const passed = this.#call((m) => m.selfTest());
    return { passed, total: this.info.testVectors ? this.info.testVectors.total : passed };
  }

  /** Test hook: a deliberate Rust panic, charged to this model. */
  testPanic(reason = "test") {
    this.#call(() => wasmTestPanic(String(reason)));
  }

  get disposed() {
    return this.#disposed;
  }

  get unusable() {
    return this.#unusable;
  }

  dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    try {
      this.#wasm.free();
    } catch {
      // a model that trapped may not free cleanly; its memory is lost either way
    }
    this.#wasm = undefined;
  }
}

function internalError(e) {
  const message =
    lastPanic !== undefined
      ? lastPanic
      : `sealed-onnx internal error (please report it): ${e && e.name ? `${e.name}: ` : ""}${describe(e)}`;
  lastPanic = undefined;
  return new ModelError(message, { cause: e });
}

export { UNUSABLE };
