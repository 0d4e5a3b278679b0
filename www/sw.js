// The demo page's service worker: keeps every file of precache.json (the page, the npm
// package with its wasm, the example bundles) and serves them when the network fails.
// Network first, so a rebuilt page is used as soon as it is reachable; bundles are verified
// by the package on every load wherever their bytes come from.

const PREFIX = "sealed-onnx-demo-";

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const response = await fetch("precache.json", { cache: "no-store" });
      if (!response.ok) throw new Error(`precache.json: HTTP ${response.status}`);
      const { version, urls } = await response.json();
      const name = PREFIX + version;
      const cache = await caches.open(name);
      await cache.addAll(urls.map((u) => new Request(u, { cache: "no-store" })));
      // Older copies of the page go; the package's own cache ("sealed-onnx-v1") stays.
      for (const key of await caches.keys()) {
        if (key.startsWith(PREFIX) && key !== name) await caches.delete(key);
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

async function fromCache(request) {
  for (const key of await caches.keys()) {
    if (!key.startsWith(PREFIX)) continue;
    const hit = await (await caches.open(key)).match(request, { ignoreSearch: true });
    if (hit) return hit;
  }
  return undefined;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    (async () => {
      try {
        return await fetch(request);
      } catch (error) {
        const hit = await fromCache(request);
        if (hit) return hit;
        throw error;
      }
    })(),
  );
});
