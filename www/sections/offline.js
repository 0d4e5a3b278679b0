// Step 8: offline use. A service worker (sw.js) keeps the page, the package and its wasm, and
// the example bundles; the package's own `cache: true` keeps any other bundle loaded from a
// URL. The pill in the header says whether the browser is online.

export function startOffline(pill, footer) {
  const update = () => {
    const online = navigator.onLine;
    pill.textContent = online ? "Online" : "Offline — working from this browser's copy";
    pill.className = `pill pill--${online ? "online" : "offline"}`;
    pill.dataset.online = String(online);
  };
  window.addEventListener("online", update);
  window.addEventListener("offline", update);
  update();

  if (!("serviceWorker" in navigator)) {
    footer.textContent = "This browser cannot keep the page for offline use (no service workers).";
    return;
  }
  navigator.serviceWorker.register("sw.js").then(
    async () => {
      await navigator.serviceWorker.ready;
      footer.textContent = "Ready for offline use: the page, the runtime and the example models are kept in this browser.";
      footer.dataset.offlineReady = "true";
    },
    (e) => {
      footer.textContent = `Offline use is unavailable: ${e.message}`;
    },
  );
}
