// Shared by the browser and Vite suites: a static HTTP server on 127.0.0.1 and headless
// Chromium driven by npm playwright-core. Nothing here reaches outside this machine.

import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, normalize, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { mimeType } from "../../www/serve.mjs";
import { modelsDir, repoRoot } from "../lib/install.mjs";

export { modelsDir };
const here = dirname(fileURLToPath(import.meta.url));
export const CHROMIUM = "/usr/bin/chromium";

/**
 * A static server on 127.0.0.1 with an ephemeral port.
 *
 * - `mounts`: `{ "/url/prefix/": "/dir/on/disk", "/file.ext": "/file/on/disk" }`
 * - `server.route(path, handler)`: an exact path answered by `handler(req, res)` instead
 *   (also for paths that are mounted); `server.route(path, null)` removes it.
 * - `server.requests`: every request seen, `{ method, path, status, aborted }`, where
 *   `aborted` is true when the client went away before the response finished.
 *
 * Every response is `Cache-Control: no-store`, so the browser's HTTP cache never hides a
 * request; GET and HEAD carry `Content-Length`.
 */
export async function startServer(mounts = {}) {
  const routes = new Map();
  const requests = [];
  const sockets = new Set();
  const http = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const record = { method: req.method, path, status: 0, aborted: false };
    requests.push(record);
    res.on("close", () => {
      record.status = res.statusCode;
      record.aborted = !res.writableFinished;
    });
    res.setHeader("Cache-Control", "no-store");
    const handler = routes.get(path);
    if (handler) return handler(req, res);
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    const file = resolveMount(mounts, path);
    if (!file) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end(`not found: ${path}\n`);
      return;
    }
    sendBytes(req, res, readFileSync(file), mimeType(file));
  });
  http.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise((ok) => http.listen(0, "127.0.0.1", ok));
  const origin = `http://127.0.0.1:${http.address().port}`;
  return {
    origin,
    url: (path) => origin + path,
    requests,
    route(path, handler) {
      if (handler) routes.set(path, handler);
      else routes.delete(path);
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((ok) => http.close(ok));
    },
  };
}

function resolveMount(mounts, path) {
  // Longest prefix first, so "/a/b/" wins over "/a/".
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  for (const prefix of prefixes) {
    const target = mounts[prefix];
    if (!prefix.endsWith("/")) {
      if (path === prefix) return isFile(target) ? target : null;
      continue;
    }
    if (!path.startsWith(prefix)) continue;
    const rel = path.slice(prefix.length) || "index.html";
    const file = normalize(join(target, rel));
    if (!file.startsWith(normalize(target) + sep)) return null; // no ../ escapes
    if (isFile(file)) return file;
    if (isFile(join(file, "index.html"))) return join(file, "index.html");
  }
  return null;
}

function isFile(p) {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Answers with `bytes` and a `Content-Length` (no body for HEAD). */
export function sendBytes(req, res, bytes, type = "application/octet-stream") {
  res.writeHead(200, { "Content-Type": type, "Content-Length": bytes.length });
  res.end(req.method === "HEAD" ? undefined : bytes);
}

/** A route handler that answers with fixed bytes. */
export function serveBytes(bytes, type = "application/octet-stream") {
  return (req, res) => sendBytes(req, res, bytes, type);
}

/**
 * A route handler that sends `bytes` slowly: `chunk` bytes every `intervalMs`, with a
 * `Content-Length` unless `contentLength: false` (then chunked, total unknown).
 */
export function trickle(bytes, { chunk = 1024, intervalMs = 50, contentLength = true } = {}) {
  return (req, res) => {
    const headers = { "Content-Type": "application/octet-stream" };
    if (contentLength) headers["Content-Length"] = bytes.length;
    res.writeHead(200, headers);
    if (req.method === "HEAD") return res.end();
    let sent = 0;
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      const next = Math.min(sent + chunk, bytes.length);
      res.write(bytes.subarray(sent, next));
      sent = next;
      if (sent >= bytes.length) {
        clearInterval(timer);
        res.end();
      }
    }, intervalMs);
    res.on("close", () => clearInterval(timer));
  };
}

/** A route handler that fails like a dead network: the connection is dropped, no response. */
export function dropConnection() {
  return (req) => req.socket.destroy();
}

/** Installs Chromium (Debian's, via scripts/setup-browser.sh) if it is missing. */
export function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  execFileSync("bash", [join(repoRoot, "scripts/setup-browser.sh")], { stdio: "inherit" });
}

/** playwright-core, installed into pkg-tests/browser/node_modules from its lockfile if missing. */
export async function playwright() {
  const entry = join(here, "node_modules/playwright-core/index.mjs");
  if (!existsSync(entry)) {
    execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: here,
      stdio: "inherit",
    });
  }
  return import(pathToFileURL(entry).href);
}

/**
 * Headless Chromium with a new empty profile, no network services of its own.
 * `close()` closes the context and the browser and deletes the profile.
 */
export async function launchChromium() {
  ensureChromium();
  const { chromium } = await playwright();
  const profile = mkdtempSync(join(tmpdir(), "sealed-onnx-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Collects what a page reports: console errors and uncaught exceptions. `problems()` lists
 * them as strings. (Not failed requests: Chromium reports a fetch whose body JavaScript has
 * fully read as net::ERR_ABORTED now and then; the server's request log is the judge.)
 */
export function watchPage(page) {
  const seen = [];
  page.on("console", (m) => {
    if (m.type() === "error") seen.push(`console.error: ${m.text()}`);
  });
  page.on("pageerror", (e) => seen.push(`uncaught: ${e.stack ?? e.message}`));
  return { problems: () => [...seen], clear: () => seen.splice(0) };
}
