// sealed-onnx: verified, schema-checked scikit-learn models (signed ONNX bundles) in the
// browser and Node, via WebAssembly. See README.md for the API.

import {
  LocalModel,
  ModelError,
  SchemaError,
  UNUSABLE,
  VerificationError,
  abortReason,
  featuresOf,
  schemaMessage,
  errorFromData,
  initWasm,
  snapshot,
  typedInput,
} from "./core.js";

import { CsvTable, fromCsv, isCsvTable } from "./csv.js";
import { obtainFromRegistry, readRegistryWith } from "./registry.js";

export { CsvTable, ModelError, SchemaError, VerificationError, fromCsv };

/** Cache Storage cache that `cache: true` keeps verified bundles in. */
const CACHE_NAME = "sealed-onnx-v1";

const isNode = typeof process !== "undefined" && !!(process.versions && process.versions.node);
const NODE_FS = "node:fs/promises";

/**
 * Largest bundle loaded (the crate's `Limits::max_bundle_bytes`): checked against a file's
 * size, a Blob's size and a response's Content-Length before reading, and counted while a
 * download streams, so an oversized bundle is refused without being buffered.
 */
const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;

/** The refusal of a bundle over the limit; `size` is null when only a running count knows. */
function tooLarge(size, what) {
  const is = size === null ? "is over" : `is ${size} bytes, over`;
  return new VerificationError(`bundle ${is} the ${MAX_BUNDLE_BYTES}-byte limit (${what})`, "bundle");
}

/**
 * Starts fetching and compiling the WebAssembly now (browsers: streaming compile), so that a
 * later `loadModel` does not wait for it. Optional: `loadModel` does the same on its own.
 * Resolves when the engine is ready; rejects with a `ModelError` if it cannot load (a later
 * call retries). Calling it again returns the same promise.
 */
export function preload() {
  return initWasm();
}

/**
 * Downloads (or takes) a `.sonnx` bundle, verifies it, runs its test vectors, and returns a
 * model ready to predict. See README.md.
 */
export async function loadModel(source, options = {}) {
  const opts = readOptions(options);
  const { signal } = opts;
  if (opts.worker && typeof Worker !== "function") {
    throw new ModelError("worker: true needs Web Workers (a browser)");
  }
  if (signal && signal.aborted) throw abortReason(signal);

  // Main-thread mode: compile the wasm while the bundle downloads. Worker mode: the main
  // thread never touches WebAssembly.
  const wasmReady = opts.worker ? undefined : initWasm();
  if (wasmReady) wasmReady.catch(() => {}); // reported below, after the download

  // With a channel, `source` is a registry folder: the signed index picks the bundle.
  const fetched =
    opts.channel !== undefined ? await obtainFromRegistry(source, opts, REGISTRY_IO) : await obtain(source, opts);
  if (signal && signal.aborted) throw abortReason(signal);

  let model;
  if (opts.worker) {
    model = await WorkerModel.open(fetched, opts);
  } else {
    await wasmReady;
    if (signal && signal.aborted) throw abortReason(signal);
    const local = LocalModel.load(fetched.bytes, opts);
    model = new MainThreadModel(local, fetched.source, opts);
  }
  if (signal && signal.aborted) {
    model.dispose();
    throw abortReason(signal);
  }
  if (fetched.storeInCache && model.info.verified === true) {
    await storeInCache(fetched.url, fetched.bytesForCache ?? fetched.bytes);
  }
  if (fetched.afterLoad && model.info.verified === true) await fetched.afterLoad();
  return model;
}

function readOptions(options) {
  if (options === undefined || options === null) options = {};
  if (typeof options !== "object") throw new TypeError("loadModel: options must be an object");
  const {
    publicKey,
    integrity,
    allowUnverified = false,
    onProgress,
    cache = false,
    worker = false,
    signal,
    onPrediction,
    channel,
    minSequence,
  } = options;
  const out = {
    publicKey: pem(publicKey),
    integrity: optionalString(integrity, "integrity"),
    allowUnverified: optionalBoolean(allowUnverified, "allowUnverified"),
    onProgress: optionalFunction(onProgress, "onProgress"),
    cache: optionalBoolean(cache, "cache"),
    worker: optionalBoolean(worker, "worker"),
    signal: signal ?? undefined,
    onPrediction: optionalFunction(onPrediction, "onPrediction"),
    channel: optionalString(channel, "channel"),
    minSequence: optionalSequence(minSequence, "loadModel"),
  };
  if (out.minSequence !== undefined && out.channel === undefined) {
    throw new TypeError("loadModel: minSequence is for loading by channel (a registry's index sequence); add channel");
  }
  if (out.signal !== undefined && (typeof out.signal !== "object" || typeof out.signal.aborted !== "boolean")) {
    throw new TypeError("loadModel: signal must be an AbortSignal");
  }
  return out;
}

/**
 * A registry index sequence a caller kept from before (`info.registry.sequence`): an index
 * older than it is refused as a replay, across processes too.
 */
function optionalSequence(v, fn) {
  if (v === undefined || v === null) return undefined;
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new TypeError(`${fn}: minSequence must be a whole number (0 or more): the info.registry.sequence of an index seen before`);
  }
  return v;
}

function pem(key) {
  if (key === undefined || key === null) return undefined;
  if (typeof key === "string") return key;
  if (key instanceof ArrayBuffer || ArrayBuffer.isView(key)) return new TextDecoder().decode(key);
  throw new TypeError("loadModel: publicKey must be a PEM string (-----BEGIN PUBLIC KEY-----…)");
}

function optionalString(v, name) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new TypeError(`loadModel: ${name} must be a string`);
  return v;
}

/** `true` or `false` (absent is false): the string "false" must not turn a check off. */
function optionalBoolean(v, name) {
  if (v === undefined || v === null) return false;
  if (typeof v !== "boolean") {
    throw new TypeError(`loadModel: ${name} must be true or false, received ${typeof v === "string" ? JSON.stringify(v) : typeof v}`);
  }
  return v;
}

function optionalFunction(v, name) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "function") throw new TypeError(`loadModel: ${name} must be a function`);
  return v;
}

// ---------------------------------------------------------------------------------------
// Getting the bytes

/**
 * The bundle's bytes and where they came from: `{ bytes, source, owned, url?, storeInCache? }`.
 * `owned`: the bytes are a fresh buffer of ours (can be transferred to a worker).
 */
async function obtain(source, opts) {
  if (source instanceof Uint8Array) return { bytes: source, source: "bytes", owned: false };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), source: "bytes", owned: false };
  if (ArrayBuffer.isView(source)) {
    return {
      bytes: new Uint8Array(source.buffer, source.byteOffset, source.byteLength),
      source: "bytes",
      owned: false,
    };
  }
  if (typeof Blob !== "undefined" && source instanceof Blob) {
    if (source.size > MAX_BUNDLE_BYTES) throw tooLarge(source.size, "Blob size");
    const bytes = new Uint8Array(await source.arrayBuffer());
    progress(opts, bytes.length, bytes.length);
    return { bytes, source: "bytes", owned: true };
  }
  if (typeof source !== "string" && !(source instanceof URL)) {
    throw new TypeError(
      "loadModel: source must be a URL (string or URL), a Uint8Array, an ArrayBuffer or a Blob",
    );
  }
  const url = resolve(source);
  if (url.protocol === "file:" && isNode) return readFile(url, opts);
  return download(url, opts);
}

function resolve(source) {
  const base =
    (typeof document !== "undefined" && document.baseURI) ||
    (typeof location !== "undefined" && location.href) ||
    undefined;
  try {
    return base ? new URL(source, base) : new URL(source);
  } catch {
    throw new ModelError(
      isNode
        ? `cannot resolve ${JSON.stringify(String(source))}: in Node pass an absolute URL, a file: URL ` +
            `(url.pathToFileURL(path)) or the bundle's bytes`
        : `cannot resolve ${JSON.stringify(String(source))} as a URL`,
    );
  }
}

function progress(opts, loaded, total) {
  if (opts.onProgress) opts.onProgress({ loaded, total });
}

async function readFile(url, opts) {
  const fs = await import(/* @vite-ignore */ /* webpackIgnore: true */ NODE_FS);
  let buffer;
  try {
    const stat = await fs.stat(url);
    if (!stat.isFile()) throw new ModelError(`cannot read ${url.href}: not a regular file`);
    if (stat.size > MAX_BUNDLE_BYTES) throw tooLarge(stat.size, "file size");
    buffer = await fs.readFile(url, { signal: opts.signal });
  } catch (e) {
    if (opts.signal && opts.signal.aborted) throw abortReason(opts.signal);
    if (e instanceof ModelError || e instanceof VerificationError) throw e;
    throw new ModelError(`cannot read ${url.href}: ${e && e.message}`, { cause: e });
  }
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  progress(opts, bytes.length, bytes.length);
  return { bytes, source: "file", owned: true };
}

function cacheStorage() {
  try {
    return typeof caches !== "undefined" && caches && typeof caches.open === "function" ? caches : undefined;
  } catch {
    return undefined; // e.g. a SecurityError on an opaque origin
  }
}

async function download(url, opts) {
  const { signal } = opts;
  const useCache = opts.cache && /^https?:$/.test(url.protocol) && cacheStorage() !== undefined;
  const fallback = async (why) => {
    if (signal && signal.aborted) throw abortReason(signal);
    if (useCache) {
      const bytes = await readCache(url);
      if (bytes) {
        if (signal && signal.aborted) throw abortReason(signal);
        progress(opts, bytes.length, bytes.length);
        return { bytes, source: "cache", owned: true, url, storeInCache: false };
      }
    }
    throw why;
  };

  let response;
  try {
    response = await fetch(url.href, signal ? { signal } : undefined);
  } catch (e) {
    if (signal && signal.aborted) throw abortReason(signal);
    return fallback(new ModelError(`cannot download ${url.href}: ${e && e.message ? e.message : e}`, { cause: e }));
  }
  if (!response.ok) {
    const why = new ModelError(`cannot download ${url.href}: HTTP ${response.status} ${response.statusText}`.trim());
    // A server error may be an outage: the cached copy is still the right file. A 4xx means
    // the file is gone or forbidden, which a stale copy must not hide.
    if (response.status >= 500) {
      cancel(response);
      return fallback(why);
    }
    cancel(response);
    throw why;
  }
  let bytes;
  try {
    bytes = await readBody(response, opts);
  } catch (e) {
    if (signal && signal.aborted) throw abortReason(signal);
    if (e instanceof ModelError) return fallback(e);
    throw e; // the caller's onProgress threw
  }
  return { bytes, source: "network", owned: true, url, storeInCache: useCache };
}

function cancel(response) {
  try {
    if (response.body) response.body.cancel().catch(() => {});
  } catch {
    // already consumed
  }
}

/** Reads the body chunk by chunk, reporting progress. */
async function readBody(response, opts) {
  const { signal } = opts;
  const encoding = (response.headers.get("content-encoding") || "identity").trim().toLowerCase();
  const length = Number(response.headers.get("content-length"));
  // With a content encoding, Content-Length counts compressed bytes, not the ones read here.
  const total =
    response.headers.has("content-length") && Number.isSafeInteger(length) && length >= 0 && encoding === "identity"
      ? length
      : null;
  if (length > MAX_BUNDLE_BYTES && response.headers.has("content-length")) {
    cancel(response);
    throw tooLarge(total ?? null, "Content-Length");
  }
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length > MAX_BUNDLE_BYTES) throw tooLarge(bytes.length, "response size");
    progress(opts, bytes.length, total);
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks = [];
  let loaded = 0;
  try {
    for (;;) {
      let step;
      try {
        step = await reader.read();
      } catch (e) {
        if (signal && signal.aborted) throw abortReason(signal);
        throw new ModelError(`cannot download ${response.url || "the bundle"}: ${e && e.message ? e.message : e}`, {
          cause: e,
        });
      }
      if (signal && signal.aborted) throw abortReason(signal);
      if (step.done) break;
      loaded += step.value.length;
      if (loaded > MAX_BUNDLE_BYTES) throw tooLarge(null, "download stopped at the limit");
      chunks.push(step.value);
      progress(opts, loaded, total);
    }
  } catch (e) {
    reader.cancel().catch(() => {});
    throw e;
  }
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  return bytes;
}

async function readCache(url) {
  try {
    const cache = await cacheStorage().open(CACHE_NAME);
    const hit = await cache.match(url.href);
    return hit ? new Uint8Array(await hit.arrayBuffer()) : undefined;
  } catch {
    return undefined;
  }
}

async function storeInCache(url, bytes) {
  try {
    const cache = await cacheStorage().open(CACHE_NAME);
    await cache.put(
      url.href,
      new Response(bytes, { headers: { "Content-Type": "application/octet-stream" } }),
    );
  } catch {
    // Storage full or unavailable: the model works, it just is not kept offline.
  }
}

/** index.js's own reading functions, for registry.js (index and bundle read like bundles). */
const REGISTRY_IO = Object.freeze({ resolve, obtain, readCache, storeInCache, cacheStorage, pem });

/**
 * A registry model folder's index and history, verified with `publicKey`: versions,
 * channels and every publish/promote/rollback. See README.md.
 */
export function readRegistry(source, options) {
  return readRegistryWith(source, options, REGISTRY_IO);
}

// ---------------------------------------------------------------------------------------
// Models

/** What both kinds of model share: info, stamping predictions, the audit hook. */
class BaseModel {
  #stamp;
  #onPrediction;

  constructor(info, source, opts) {
    // Loaded by channel: which registry, channel and version (see registry.js).
    this.info = Object.freeze(opts.registry ? { ...info, source, registry: opts.registry } : { ...info, source });
    // Every prediction and audit record says whether a key or digest vouched for the bundle,
    // so an unverified result can never pass for a verified one.
    this.#stamp = Object.freeze({ name: info.name, version: info.version, digest: info.digest, verified: info.verified === true });
    this.#onPrediction = opts.onPrediction;
  }

  /**
   * A `fromCsv` table as records for this model's schema, or undefined for other input.
   * Throws a SchemaError when the table itself has problems (a missing column, an unreadable
   * row, a wrong separator), together with the schema issues of its readable rows, paths
   * counting the table's rows.
   */
  _fromCsv(input, validate) {
    if (!isCsvTable(input)) return undefined;
    const { records, rows, issues } = input.records(csvFeatures(this.info, input.header));
    if (!issues.length) return records;
    const missing = new Set(issues.filter((i) => i.code === "missing_column").map((i) => i.path));
    const all = [...issues];
    for (const issue of validate(records)) {
      const m = /^rows\[(\d+)\](.*)$/.exec(issue.path);
      if (issue.code === "missing_feature" && m && missing.has(m[2].slice(1))) continue; // said once, above
      all.push(m ? { ...issue, path: `rows[${rows[Number(m[1])]}]${m[2]}` } : issue);
    }
    const row = (i) => (/^rows\[(\d+)\]/.exec(i.path) ? Number(/^rows\[(\d+)\]/.exec(i.path)[1]) : -1);
    all.sort((a, b) => row(a) - row(b));
    throw new SchemaError(schemaMessage(all), all);
  }

  /** Parses the wasm's JSON predictions, stamps them with the model, calls onPrediction. */
  _finish(json) {
    const parsed = JSON.parse(json);
    const list = Array.isArray(parsed) ? parsed : [parsed];
    const stamp = this.#stamp;
    for (const p of list) p.model = stamp;
    const hook = this.#onPrediction;
    if (hook) {
      const timestamp = new Date().toISOString();
      for (const p of list) {
        let best = -Infinity;
        if (p.probabilities) for (const k in p.probabilities) if (p.probabilities[k] > best) best = p.probabilities[k];
        hook(auditRecord(stamp, timestamp, p.label, best, p.value, p.cluster, p.outlier, p.score, p.migrated));
      }
    }
    return parsed;
  }

  /** Wraps a batch's typed columns (see batchResult). */
  _finishColumns(cols) {
    return batchResult(cols, this.info, this.#stamp, this.#onPrediction);
  }
}

/**
 * The features as a CSV table's columns are read: with a migration (`info.migration`), a
 * feature the header lacks is read from its old column (the migration renames and converts
 * it like a record in the old shape), and one the migration gives a default is not required.
 */
function csvFeatures(info, header) {
  const features = featuresOf(info.schema);
  const migration = info.migration;
  if (!migration || !Array.isArray(header)) return features;
  const out = [];
  for (const f of features) {
    const m = migration.features ? migration.features[f.name] : undefined;
    if (!m || header.includes(f.name)) out.push(f);
    else if (m.from !== undefined && header.includes(m.from)) out.push({ ...f, name: m.from });
    else if (m.default === undefined) out.push(f);
  }
  return out;
}

/** Row r of a row-major typed array with `width` numbers per row, as a plain array. */
function rowOf(array, r, width) {
  return Array.from(array.subarray(r * width, (r + 1) * width));
}

/**
 * The typed result of `predictBatch`: the wasm's columns plus the task, the class or target
 * names, each row's label as a string, the model stamp, and `toObjects()` for the per-row
 * form; the audit hook gets one record per row only when there is a hook. Parts the task
 * does not have are left out (classification and regression keep theirs as undefined).
 */
function batchResult(cols, info, stamp, hook) {
  const outputs = info.outputs;
  const task = outputs.task;
  const classes = task === "classification" ? [...(outputs.class_names ?? [])] : undefined;
  // The label strings are made on first use: a batch read by index or probability only
  // never pays for one string per row.
  let labelStrings;
  const labelsOf = () => {
    if (labelStrings === undefined && cols.labels) {
      labelStrings = new Array(cols.rows);
      for (let r = 0; r < cols.rows; r++) labelStrings[r] = classes[cols.labels[r]];
    }
    return labelStrings;
  };
  const k = classes ? classes.length : 0;
  const valueNames = task === "regression" && outputs.value_names ? [...outputs.value_names] : undefined;
  const width = cols.width ?? 0;
  const result = { task, rows: cols.rows };
  switch (task) {
    case "classification":
    case "regression":
      Object.assign(result, { classes, labels: undefined, labelIndex: cols.labels, probabilities: cols.probabilities, values: cols.values });
      if (cols.labels) Object.defineProperty(result, "labels", { get: labelsOf, enumerable: true });
      if (valueNames) result.valueNames = valueNames;
      break;
    case "transform":
      Object.assign(result, { dimension: width, vectors: cols.vectors });
      break;
    case "clustering":
      Object.assign(result, { clusterCount: outputs.clusters, clusters: cols.clusters, distances: cols.distances });
      break;
    case "outlier":
      Object.assign(result, { outliers: cols.outliers, scores: cols.scores });
      break;
  }
  // Rows sent in the previous major version's shape and migrated: 1 in `rows` (present only
  // when some row was).
  const migrated = cols.migrated && info.migration ? { from_major: info.migration.from_major, rows: cols.migrated } : undefined;
  if (migrated) result.migrated = migrated;
  result.model = stamp;
  result.toObjects = function toObjects() {
    const list = [];
    const labels = labelsOf();
    for (let r = 0; r < cols.rows; r++) {
      const p = {};
      if (labels) p.label = labels[r];
      if (cols.probabilities) {
        p.probabilities = {};
        for (let c = 0; c < k; c++) p.probabilities[classes[c]] = cols.probabilities[r * k + c];
      }
      if (cols.values && valueNames) {
        p.values = {};
        valueNames.forEach((n, j) => (p.values[n] = cols.values[r * valueNames.length + j]));
      } else if (cols.values) {
        p.value = cols.values[r];
      }
      if (cols.vectors) p.vector = rowOf(cols.vectors, r, width);
      if (cols.clusters) p.cluster = cols.clusters[r];
      if (cols.distances) p.distances = rowOf(cols.distances, r, width);
      if (cols.outliers) p.outlier = cols.outliers[r] === 1;
      if (cols.scores) p.score = cols.scores[r];
      if (migrated && migrated.rows[r] === 1) p.migrated = { from_major: migrated.from_major };
      p.model = stamp;
      list.push(p);
    }
    return list;
  };
  if (hook) {
    const labels = labelsOf();
    const timestamp = new Date().toISOString();
    for (let r = 0; r < cols.rows; r++) {
      let best = -Infinity;
      if (cols.probabilities) for (let c = 0; c < k; c++) if (cols.probabilities[r * k + c] > best) best = cols.probabilities[r * k + c];
      const value = cols.values && !valueNames ? cols.values[r] : undefined;
      const outlier = cols.outliers ? cols.outliers[r] === 1 : undefined;
      const wasMigrated = migrated && migrated.rows[r] === 1 ? { from_major: migrated.from_major } : undefined;
      hook(auditRecord(stamp, timestamp, labels?.[r], best, value, cols.clusters?.[r], outlier, cols.scores?.[r], wasMigrated));
    }
  }
  return Object.freeze(result);
}

/**
 * One audit record for `onPrediction`: parts a prediction lacks left out (no confidence
 * without probabilities; a cluster, outlier flag and score only for those tasks).
 */
function auditRecord(stamp, timestamp, label, confidence, value, cluster, outlier, score, migrated) {
  const record = { model: stamp.name, version: stamp.version, digest: stamp.digest, verified: stamp.verified, timestamp };
  if (label !== undefined) record.label = label;
  if (confidence !== -Infinity) record.confidence = confidence;
  if (value !== undefined) record.value = value;
  if (cluster !== undefined) record.cluster = cluster;
  if (outlier !== undefined) record.outlier = outlier;
  if (score !== undefined) record.score = score;
  if (migrated !== undefined) record.migrated = { from_major: migrated.from_major };
  return record;
}

/** A model running on this thread. */
class MainThreadModel extends BaseModel {
  #local;

  constructor(local, source, opts) {
    super(local.info, source, opts);
    this.#local = local;
  }

  async predict(input) {
    const local = this.#local;
    local.check();
    input = this._fromCsv(input, (r) => this.validate(r)) ?? input;
    const typed = typedInput(input);
    const json = typed ? local.predictTypedJson(typed.data, typed.rows) : local.predictJson(snapshot(input));
    return this._finish(json);
  }

  async predictBatch(input) {
    const local = this.#local;
    local.check();
    input = this._fromCsv(input, (r) => this.validate(r)) ?? input;
    const typed = typedInput(input);
    return this._finishColumns(local.predictColumns(typed ? { data: typed.data, rows: typed.rows } : snapshot(input)));
  }

  validate(input) {
    const local = this.#local;
    local.check();
    if (isCsvTable(input)) {
      try {
        input = this._fromCsv(input, (r) => this.validate(r));
      } catch (e) {
        if (e instanceof SchemaError) return e.issues;
        throw e;
      }
    }
    let typed;
    try {
      typed = typedInput(input);
    } catch (e) {
      if (e instanceof SchemaError) return e.issues;
      throw e;
    }
    return typed ? local.validateTyped(typed.data, typed.rows) : local.validate(snapshot(input));
  }

  drift(input) {
    const local = this.#local;
    local.check();
    input = this._fromCsv(input, (r) => this.validate(r)) ?? input;
    const typed = typedInput(input);
    return typed ? local.driftTyped(typed.data, typed.rows) : local.drift(snapshot(input));
  }

  async selfTest() {
    return this.#local.selfTest();
  }

  dispose() {
    this.#local.dispose();
  }

  _testPanic(reason) {
    this.#local.testPanic(reason);
  }
}

/** A model running in its own module Web Worker: every method returns a Promise. */
class WorkerModel extends BaseModel {
  #client;
  #disposed = false;
  #unusable;

  constructor(client, info, source, opts) {
    super(info, source, opts);
    this.#client = client;
  }

  static async open(fetched, opts) {
    const client = new WorkerClient();
    const { signal } = opts;
    let onAbort;
    try {
      // The worker gets its own copy of the bytes (transferred); it sends them back when
      // they are to be cached.
      const bytes = fetched.owned ? fetched.bytes : fetched.bytes.slice();
      const aborted = new Promise((_, reject) => {
        onAbort = () => reject(abortReason(signal));
        if (signal) signal.addEventListener("abort", onAbort, { once: true });
      });
      aborted.catch(() => {});
      const reply = await Promise.race([
        client.call(
          "load",
          {
            bytes,
            publicKey: opts.publicKey,
            integrity: opts.integrity,
            allowUnverified: opts.allowUnverified,
            returnBytes: !!fetched.storeInCache,
          },
          [bytes.buffer],
        ),
        aborted,
      ]);
      if (reply.bytes) fetched.bytesForCache = reply.bytes;
      return new WorkerModel(client, reply.info, fetched.source, opts);
    } catch (e) {
      client.terminate();
      throw e;
    } finally {
      if (signal && onAbort) signal.removeEventListener("abort", onAbort);
    }
  }

  #check() {
    if (this.#disposed) throw new ModelError("model is disposed");
    if (this.#unusable !== undefined) {
      throw new ModelError(`this model is unusable after an internal error: ${this.#unusable}; load it again`);
    }
  }

  async #call(op, args, transfer) {
    this.#check();
    try {
      return await this.#client.call(op, args, transfer);
    } catch (e) {
      if (e[UNUSABLE] !== undefined && this.#unusable === undefined && !this.#disposed) {
        this.#unusable = e[UNUSABLE];
        this.#client.terminate(); // the worker's instance held only this model
      }
      throw e;
    }
  }

  /** The input as the worker receives it: a typed pair or a plain snapshot. */
  #prepare(input) {
    const typed = typedInput(input);
    if (typed) {
      const data = typed.converted ? typed.data : typed.data.slice();
      return { op: "Typed", args: { data, rows: typed.rows }, transfer: [data.buffer] };
    }
    const state = {};
    const value = snapshot(input, true, state);
    return { op: "", args: { input: value, opaque: !!state.opaque }, transfer: [] };
  }

  /** A `fromCsv` table as records (converted here, on the calling thread), else the input. */
  async #csv(input) {
    if (!isCsvTable(input)) return input;
    const { records, issues } = input.records(csvFeatures(this.info, input.header));
    if (!issues.length) return records;
    const found = await this.#call("validate", { input: records, opaque: false });
    return this._fromCsv(input, () => found);
  }

  async predict(input) {
    this.#check();
    input = await this.#csv(input);
    const { op, args, transfer } = this.#prepare(input);
    return this._finish(await this.#call(`predict${op}`, args, transfer));
  }

  async predictBatch(input) {
    this.#check();
    input = await this.#csv(input);
    const { op, args, transfer } = this.#prepare(input);
    return this._finishColumns(await this.#call(`predictColumns${op}`, args, transfer));
  }

  async validate(input) {
    this.#check();
    let prepared;
    try {
      input = await this.#csv(input);
      prepared = this.#prepare(input);
    } catch (e) {
      if (e instanceof SchemaError) return e.issues;
      throw e;
    }
    const { op, args, transfer } = prepared;
    return this.#call(`validate${op}`, args, transfer);
  }

  async drift(input) {
    this.#check();
    input = await this.#csv(input);
    const { op, args, transfer } = this.#prepare(input);
    return this.#call(`drift${op}`, args, transfer);
  }

  async selfTest() {
    return this.#call("selfTest", {});
  }

  dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#client.terminate(new ModelError("model is disposed"));
  }

  async _testPanic(reason) {
    await this.#call("testPanic", { reason: String(reason) });
  }
}

/** The main thread's end of one worker: request/response by id. */
class WorkerClient {
  #worker;
  #pending = new Map();
  #nextId = 1;
  #dead;

  constructor() {
    try {
      this.#worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
    } catch (e) {
      throw new ModelError(`cannot start the sealed-onnx worker: ${e && e.message ? e.message : e}`, { cause: e });
    }
    this.#worker.onmessage = (event) => {
      const { id, ok, value, error } = event.data || {};
      const pending = this.#pending.get(id);
      if (!pending) return;
      this.#pending.delete(id);
      if (ok) {
        pending.resolve(value);
      } else {
        const e = errorFromData(error);
        if (error && error.unusable !== undefined) e[UNUSABLE] = error.unusable;
        pending.reject(e);
      }
    };
    this.#worker.onerror = (event) => {
      if (event && typeof event.preventDefault === "function") event.preventDefault();
      const detail = event && event.message ? event.message : "it could not start (is worker.js served?)";
      this.terminate(new ModelError(`the sealed-onnx worker failed: ${detail}`));
    };
    this.#worker.onmessageerror = () => {
      this.terminate(new ModelError("the sealed-onnx worker sent a message that could not be read"));
    };
  }

  call(op, args, transfer = []) {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      try {
        this.#worker.postMessage({ id, op, args }, transfer);
      } catch (e) {
        this.#pending.delete(id);
        reject(new ModelError(`cannot send the input to the worker: ${e && e.message ? e.message : e}`, { cause: e }));
      }
    });
  }

  terminate(reason = new ModelError("the sealed-onnx worker was stopped")) {
    if (this.#dead) return;
    this.#dead = reason;
    this.#worker.terminate();
    for (const { reject } of this.#pending.values()) reject(reason);
    this.#pending.clear();
  }
}

/**
 * Not part of the API: hooks for the package's own tests.
 * `testPanic(model, reason)` makes the wasm panic on purpose inside a call charged to `model`.
 */
export const _internals = Object.freeze({
  async testPanic(model, reason = "test") {
    if (!(model instanceof BaseModel)) throw new TypeError("testPanic: not a sealed-onnx model");
    await model._testPanic(reason);
  },
});
