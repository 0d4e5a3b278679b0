// The pages the browser suite serves. No bundler: an import map points the bare specifier
// "sealed-onnx" at the installed package, exactly as a plain static site would.

export const IMPORT_MAP = { imports: { "sealed-onnx": "/node_modules/sealed-onnx/index.js" } };

/**
 * The test page. Before anything else, a classic script records (on the main thread only)
 * every WebAssembly compile/instantiate and every Worker constructed, so the worker test
 * can tell where the wasm ran. Then the module imports the package and exposes it as
 * `window.so`, with `describeError` (errors → plain data) and `attempt` (a promise →
 * `{ ok, value }` or `{ ok: false, error }`). `window.pageReady` resolves when all is set.
 */
export const TEST_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>sealed-onnx browser test</title>
<link rel="icon" href="data:,">
<script>
  window.mainThreadWasm = [];
  for (const name of ["compile", "compileStreaming", "instantiate", "instantiateStreaming"]) {
    const original = WebAssembly[name];
    WebAssembly[name] = function (...args) {
      mainThreadWasm.push(name);
      return original.apply(this, args);
    };
  }
  for (const name of ["Module", "Instance"]) {
    WebAssembly[name] = new Proxy(WebAssembly[name], {
      construct(target, args, newTarget) {
        mainThreadWasm.push("new " + name);
        return Reflect.construct(target, args, newTarget);
      },
    });
  }
  window.workersStarted = [];
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(url, options) {
      super(url, options);
      workersStarted.push({ url: String(url), type: options && options.type });
    }
  };
</script>
<script type="importmap">${JSON.stringify(IMPORT_MAP)}</script>
<script type="module">
  window.pageReady = (async () => {
    const so = await import("sealed-onnx");
    window.so = so;
    window.describeError = (e) => ({
      name: e && e.name,
      message: String(e && e.message !== undefined ? e.message : e),
      check: e && e.check,
      issues: e && e.issues,
      is: {
        Error: e instanceof Error,
        DOMException: e instanceof DOMException,
        SchemaError: e instanceof so.SchemaError,
        VerificationError: e instanceof so.VerificationError,
        ModelError: e instanceof so.ModelError,
      },
    });
    window.attempt = async (f) => {
      try {
        return { ok: true, value: await f() };
      } catch (e) {
        return { ok: false, error: describeError(e) };
      }
    };
    window.key = await (await fetch("/models/keys/demo-public-key.pem")).text();
    return true;
  })();
</script>
</head>
<body><p>sealed-onnx browser test page</p></body>
</html>
`;

/**
 * A service worker for the offline test: it keeps the app shell (this page, the package's
 * files, the key) so the page itself can load with the network off. It never touches
 * \`.sonnx\` requests: keeping bundles offline is the package's own job (\`cache: true\`).
 */
export const APP_SHELL_SW = `
const SHELL = "test-app-shell";
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin || url.pathname.endsWith(".sonnx")) return;
  event.respondWith((async () => {
    const cache = await caches.open(SHELL);
    try {
      const response = await fetch(event.request);
      if (response.ok) await cache.put(event.request, response.clone());
      return response;
    } catch (offline) {
      const cached = await cache.match(event.request);
      if (cached) return cached;
      throw offline;
    }
  })());
});
`;
