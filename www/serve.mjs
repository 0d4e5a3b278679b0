// Serves the demo page (www/) on a local URL: `node www/serve.mjs [--port 8080] [--host 127.0.0.1]`.
// Static files only, with the right MIME types (application/wasm for the WebAssembly) and
// Content-Length (the page's download progress bar uses it). Also imported by the page's tests.

import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const www = dirname(fileURLToPath(import.meta.url));

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".pem": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".sonnx": "application/octet-stream",
};

/** The MIME type a file is served with (also by the package tests' server). */
export function mimeType(name) {
  return MIME[extname(name).toLowerCase()] ?? "application/octet-stream";
}

/**
 * The Content-Security-Policy the page is served with — the one the package's README
 * recommends: scripts only from the page's own origin, plus compiling WebAssembly. No inline
 * script may run under it (an inline import map included), which is why the page imports the
 * package through lib/package.js instead.
 */
export const CSP = "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'self'";

/** What may be served: the page's own files and the installed package, nothing else. */
function allowed(rel) {
  const parts = rel.split("/");
  if (parts.some((p) => p.startsWith(".") || p === "")) return false;
  if (parts[0] === "node_modules") return parts[1] === "sealed-onnx";
  return !["tests", "package.json", "build.mjs", "serve.mjs"].includes(parts[0]);
}

/** Maps a URL path to a file under `root`, or `undefined`. */
function fileFor(root, urlPath) {
  let rel = urlPath.replace(/^\/+/, "");
  if (rel === "" || rel.endsWith("/")) rel += "index.html";
  if (!allowed(rel)) return undefined;
  const abs = normalize(join(root, rel));
  if (!abs.startsWith(root + sep)) return undefined;
  return existsSync(abs) && statSync(abs).isFile() ? abs : undefined;
}

/**
 * Starts the server; resolves to `{ url, close() }`. `port: 0` picks a free port.
 * `close()` also drops open connections, so a test can take the site offline at once.
 */
export async function serve({ root = www, port = 8080, host = "127.0.0.1", log = false } = {}) {
  const sockets = new Set();
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    const file = fileFor(root, path);
    if (log) console.log(`${req.method} ${path} ${file ? 200 : 404}`);
    if (!file) {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end(`not found: ${path}\n`);
      return;
    }
    res.writeHead(200, {
      "Content-Type": mimeType(file),
      "Content-Length": statSync(file).size,
      // Always revalidate: a rebuilt page is seen at once (offline use is the service worker's job).
      "Cache-Control": "no-cache",
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": CSP,
    });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, ok);
  });
  const address = server.address();
  const url = `http://${host}:${address.port}/`;
  return {
    url,
    close: () =>
      new Promise((ok) => {
        server.close(() => ok());
        for (const s of sockets) s.destroy();
      }),
  };
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  if (!existsSync(join(www, "node_modules/sealed-onnx/index.js")) || !existsSync(join(www, "examples/index.json"))) {
    console.error("www/serve.mjs: the page is not built: run `node www/build.mjs` (or `bash scripts/demo.sh`)");
    process.exit(1);
  }
  const port = Number(arg("port", process.env.PORT ?? "8080"));
  const host = arg("host", "127.0.0.1");
  serve({ port, host, log: process.argv.includes("--log") }).then(
    ({ url }) => console.log(`sealed-onnx demo: ${url}  (Ctrl+C to stop)`),
    (e) => {
      console.error(`www/serve.mjs: cannot listen on ${host}:${port}: ${e.message}` +
        (e.code === "EADDRINUSE" ? ` — pass --port <another>` : ""));
      process.exit(1);
    },
  );
}
