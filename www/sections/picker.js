// Step 1: choosing a bundle — an example from examples/index.json (built by www/build.mjs),
// a file (chooser or drag and drop), or a URL — and the trust options it is loaded with.

import { bytes as formatBytes, h, replace } from "../lib/dom.js";

/**
 * What `onLoad` receives: `{ label, source, trust, example?, bytes? }` where `source` goes to
 * `loadModel`, `trust` holds `publicKey` / `integrity` / `allowUnverified`, and `bytes` (for
 * files) lets the trust panel show the digest of a refused bundle.
 */
export class Picker {
  constructor({ list, file, drop, urlForm, url, key, integrity, onLoad }) {
    Object.assign(this, { list, file, drop, urlForm, url, key, integrity, onLoad });
    /** The last own bundle (file or URL) loaded: loaded again when the key or digest changes. */
    this.own = null;
    this.retrust = null;
  }

  async start() {
    // Students paste the key after choosing the file: the bundle is verified again with it
    // (and again when it is cleared or changed), shortly after typing stops.
    for (const field of [this.key, this.integrity]) {
      field.addEventListener("input", () => this.trustChanged(600));
      field.addEventListener("change", () => this.trustChanged(0));
    }
    this.file.addEventListener("change", () => {
      const f = this.file.files && this.file.files[0];
      if (f) this.loadFile(f);
      this.file.value = ""; // choosing the same file again reloads it
    });
    for (const type of ["dragenter", "dragover"]) {
      this.drop.addEventListener(type, (e) => {
        e.preventDefault();
        this.drop.classList.add("drop--over");
      });
    }
    this.drop.addEventListener("dragleave", () => this.drop.classList.remove("drop--over"));
    this.drop.addEventListener("drop", (e) => {
      e.preventDefault();
      this.drop.classList.remove("drop--over");
      const f = e.dataTransfer && e.dataTransfer.files[0];
      if (f) this.loadFile(f);
    });
    this.urlForm.addEventListener("submit", (e) => {
      e.preventDefault();
      const url = this.url.value.trim();
      if (!url) {
        this.url.focus();
        return;
      }
      this.loadOwn({ label: url, source: url });
    });

    const response = await fetch("examples/index.json");
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const { examples } = await response.json();
    replace(this.list, examples.map((ex) => this.exampleItem(ex)));
  }

  exampleItem(ex) {
    return h(
      "li",
      { class: "example" },
      h(
        "button",
        { type: "button", "data-example": ex.name, onclick: () => this.loadExample(ex) },
        `Load ${ex.name} ${ex.version}`,
      ),
      h("span", { class: "example-summary" }, ex.summary, " ", h("span", { class: "muted" }, `(${formatBytes(ex.bytes)})`)),
    );
  }

  async loadExample(ex) {
    this.own = null; // the key field is about own bundles
    // Examples are pinned twice: by their digest and by the course's signing key.
    let publicKey;
    try {
      const r = await fetch(ex.publicKey);
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      publicKey = await r.text();
    } catch {
      publicKey = undefined; // offline and not cached: the digest alone still verifies it
    }
    this.onLoad({
      label: `${ex.name} ${ex.version}`,
      source: ex.url,
      trust: { integrity: ex.integrity, publicKey },
      example: ex,
    });
  }

  async loadFile(file) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    this.loadOwn({ label: file.name, source: bytes, bytes });
  }

  loadOwn(request) {
    clearTimeout(this.retrust);
    const trust = this.ownTrust();
    this.own = { ...request, trustKey: JSON.stringify(trust) };
    this.onLoad({ ...request, trust });
  }

  /** The key or digest field changed: load the last own bundle again if what it trusts changed. */
  trustChanged(delay) {
    clearTimeout(this.retrust);
    if (!this.own) return;
    this.retrust = setTimeout(() => {
      if (this.own && JSON.stringify(this.ownTrust()) !== this.own.trustKey) this.loadOwn(this.own);
    }, delay);
  }

  /** The pasted key and digest; without either the load is explicitly unverified. */
  ownTrust() {
    const publicKey = this.key.value.trim() || undefined;
    const integrity = this.integrity.value.trim() || undefined;
    return { publicKey, integrity, allowUnverified: !publicKey && !integrity };
  }
}
