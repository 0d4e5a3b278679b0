// sealed-onnx: loading by channel from a registry folder on any static host
// (`loadModel("https://host/models/iris", { channel: "prod", publicKey })`).
//
// Internal module: import "sealed-onnx" (index.js) instead.
//
// The order of checks: index.json is verified with the public key (signature, name, every
// channel pointing at a listed version) and refused if its sequence is lower than one seen
// before (in this page or process, or in the Cache Storage copy); the channel is resolved;
// the bundle is fetched and its sha256 compared with the digest the signed index lists (a
// validly signed but swapped file is caught here); then the bundle is loaded as any other,
// with the public key and that digest as its integrity string.

import { resolveRegistryChannel, sriSha256, verifyRegistry } from "./wasm/sealed_onnx.js";
import { ModelError, VerificationError, initWasm } from "./core.js";

/** The highest index sequence seen per index URL, for the lifetime of this page or process. */
const seenSequences = new Map();

/** Calls the wasm, turning its errors into the package's classes. */
function resolveIndex(bytes, publicKey, name, channel, seen) {
  try {
    return JSON.parse(resolveRegistryChannel(bytes, publicKey, name, channel, seen));
  } catch (e) {
    if (e && e.name === "VerificationError") throw new VerificationError(e.message, e.check);
    throw new ModelError(`cannot read the registry index: ${e && e.message ? e.message : e}`, { cause: e });
  }
}

/** The last path segment of a registry model URL (its model name), and the URL as a folder. */
function folder(url) {
  const base = new URL(url.href);
  base.search = "";
  base.hash = "";
  if (!base.pathname.endsWith("/")) base.pathname += "/";
  const segments = base.pathname.split("/").filter((s) => s.length > 0);
  const name = segments.length ? decodeURIComponent(segments[segments.length - 1]) : undefined;
  return { base, name };
}

/** Whether a failed read means the file is not there (rather than a network outage). */
function isMissing(e) {
  const m = e && e.message ? e.message : "";
  return /HTTP 40[34]\b|HTTP 410\b|ENOENT|not a regular file/.test(m);
}

/**
 * The bytes of the bundle `source`'s channel points at, checked against the signed index:
 * `{ bytes, source, owned, url, storeInCache, registry, afterLoad }`. `io` is index.js's own
 * reading functions (resolve, obtain, readCache, storeInCache, cacheStorage), so the index
 * and the bundle are fetched, limited and cached exactly as bundles are.
 */
export async function obtainFromRegistry(source, opts, io) {
  if (!opts.publicKey) {
    throw new VerificationError(
      "loading by channel needs publicKey: the registry's index.json must verify before a channel can be trusted",
      "trustAnchor",
    );
  }
  if (typeof source !== "string" && !(source instanceof URL)) {
    throw new TypeError("loadModel: with channel, source must be the registry folder's URL (string or URL)");
  }
  const { base, name } = folder(io.resolve(source));
  const indexUrl = new URL("index.json", base);
  const wasmReady = initWasm();
  const quiet = { ...opts, onProgress: undefined, cache: false };
  const useCache = opts.cache && /^https?:$/.test(indexUrl.protocol) && io.cacheStorage() !== undefined;

  // The cached index (if any) is both the offline copy and a floor for the sequence.
  const cached = useCache ? await io.readCache(indexUrl) : undefined;
  await wasmReady;
  // The floor: what this page or process saw, what the caller kept from before (minSequence,
  // e.g. a server or CLI job that stores info.registry.sequence), and the cached index.
  let seen = seenSequences.get(indexUrl.href);
  if (opts.minSequence !== undefined) seen = Math.max(seen ?? 0, opts.minSequence);
  if (cached) {
    try {
      const c = resolveIndex(cached, opts.publicKey, name, undefined, undefined);
      seen = Math.max(seen ?? 0, c.index.sequence);
    } catch {
      // A cached index that no longer verifies (another key, a damaged entry) is ignored.
    }
  }

  let indexBytes;
  let indexSource;
  try {
    indexBytes = (await io.obtain(indexUrl, quiet)).bytes;
    indexSource = indexUrl.protocol === "file:" ? "file" : "network";
  } catch (e) {
    if (!cached || isMissing(e) || (opts.signal && opts.signal.aborted)) throw e;
    indexBytes = cached;
    indexSource = "cache";
  }
  const resolved = resolveIndex(indexBytes, opts.publicKey, name, opts.channel, seen);
  const { index, entry, signer } = resolved;
  seenSequences.set(indexUrl.href, Math.max(seen ?? 0, index.sequence));

  const bundleUrl = new URL(entry.file, base);
  let fetched;
  try {
    fetched = await io.obtain(bundleUrl, opts);
  } catch (e) {
    if (isMissing(e)) {
      throw new VerificationError(
        `${entry.file} is listed in the signed index but missing (${e.message}): channel ${opts.channel} points at a version the server does not have`,
        "registry.missing",
        { cause: e },
      );
    }
    throw e;
  }
  const actual = sriSha256(fetched.bytes);
  if (actual !== entry.integrity) {
    throw new VerificationError(
      `${entry.file} does not match the signed index (expected ${entry.integrity}, got ${actual}): the file was swapped or changed after publishing`,
      "registry.digest",
    );
  }
  opts.integrity = entry.integrity;
  opts.registry = Object.freeze({
    url: base.href,
    name: index.name,
    channel: opts.channel,
    version: entry.version,
    integrity: entry.integrity,
    sequence: index.sequence,
    updated: index.updated,
    signer,
    index: indexSource,
    channels: Object.freeze(Object.fromEntries(Object.entries(index.channels).map(([c, s]) => [c, s.version]))),
    versions: Object.freeze(index.versions.map((v) => v.version)),
  });
  // Kept offline only once the bundle has loaded verified, like the bundle itself; never
  // replacing a newer cached index.
  fetched.afterLoad = async () => {
    if (useCache && indexSource === "network" && !(seen !== undefined && index.sequence < seen)) {
      await io.storeInCache(indexUrl, indexBytes);
    }
  };
  return fetched;
}

/**
 * `readRegistry(folderUrl, { publicKey })`: a registry model folder's verified index and
 * history, for showing versions, channels and who did what. `io` as for obtainFromRegistry.
 */
export async function readRegistryWith(source, options, io) {
  if (options === undefined || options === null || typeof options !== "object") {
    throw new TypeError("readRegistry: options must be an object with publicKey");
  }
  const publicKey = io.pem(options.publicKey);
  if (!publicKey) {
    throw new VerificationError("readRegistry needs publicKey: the registry's index.json must verify", "trustAnchor");
  }
  if (typeof source !== "string" && !(source instanceof URL)) {
    throw new TypeError("readRegistry: source must be the registry folder's URL (string or URL)");
  }
  const { minSequence } = options;
  if (minSequence !== undefined && minSequence !== null && (!Number.isSafeInteger(minSequence) || minSequence < 0)) {
    throw new TypeError("readRegistry: minSequence must be a whole number (0 or more): the sequence of an index seen before");
  }
  const { base, name } = folder(io.resolve(source));
  const indexUrl = new URL("index.json", base);
  const opts = { signal: options.signal, cache: false };
  const wasmReady = initWasm();
  const [index, history] = await Promise.all([
    io.obtain(indexUrl, opts),
    io.obtain(new URL("history.jsonl", base), opts),
  ]);
  await wasmReady;
  let out;
  try {
    const seen = Math.max(seenSequences.get(indexUrl.href) ?? 0, minSequence ?? 0);
    out = JSON.parse(verifyRegistry(index.bytes, history.bytes, publicKey, name, seen));
  } catch (e) {
    if (e && e.name === "VerificationError") throw new VerificationError(e.message, e.check);
    throw new ModelError(`cannot read the registry: ${e && e.message ? e.message : e}`, { cause: e });
  }
  seenSequences.set(indexUrl.href, Math.max(seenSequences.get(indexUrl.href) ?? 0, out.index.sequence));
  return Object.freeze({ url: base.href, ...out.index, signer: out.signer, history: out.history });
}
