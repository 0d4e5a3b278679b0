// Step 7: the audit log — the records the package's onPrediction hook gives for every
// prediction (model, version, digest, whether the bundle was verified, time, label/value,
// confidence), exportable as JSON.

import { summary } from "../lib/results.js";
import { download, h, num, percent, replace } from "../lib/dom.js";

const KEEP = 1000;
const SHOWN = 50;

export class AuditLog {
  constructor(table, count, exportButton, clearButton) {
    Object.assign(this, { table, count, exportButton, clearButton });
    this.records = [];
    this.scheduled = false;
    exportButton.addEventListener("click", () => this.export());
    clearButton.addEventListener("click", () => {
      this.records = [];
      this.render();
    });
    this.render();
  }

  /** Called by the package for every prediction; renders at most once per frame. */
  add(record) {
    this.records.push(record);
    if (this.records.length > KEEP) this.records.splice(0, this.records.length - KEEP);
    if (!this.scheduled) {
      this.scheduled = true;
      requestAnimationFrame(() => {
        this.scheduled = false;
        this.render();
      });
    }
  }

  render() {
    const n = this.records.length;
    this.exportButton.disabled = n === 0;
    this.clearButton.disabled = n === 0;
    this.count.textContent = n ? `${num(n)} record${n === 1 ? "" : "s"}` : "No predictions yet.";
    this.count.dataset.count = String(n);
    if (!n) {
      replace(this.table);
      return;
    }
    const newest = this.records.slice(-SHOWN).reverse();
    replace(
      this.table,
      h(
        "table",
        { class: "audit" },
        h("caption", {}, n > SHOWN ? `The newest ${SHOWN} of ${num(n)}` : `${n} records`),
        h(
          "thead",
          {},
          h("tr", {}, ["time", "model", "version", "digest", "verified", "result", "confidence"].map((c) => h("th", { scope: "col" }, c))),
        ),
        h(
          "tbody",
          {},
          newest.map((r) =>
            h(
              "tr",
              {},
              h("td", {}, h("time", { datetime: r.timestamp }, new Date(r.timestamp).toLocaleTimeString())),
              h("td", {}, r.model),
              h("td", {}, r.version),
              h("td", {}, h("code", { class: "digest", title: r.digest }, `${r.digest.slice(0, 19)}…`)),
              h("td", { "data-verified": String(r.verified === true) }, r.verified === true ? "yes" : h("strong", { class: "unverified-mark" }, "NO — untrusted")),
              h(
                "td",
                r.migrated ? { "data-migrated": String(r.migrated.from_major) } : {},
                r.label !== undefined ? r.label : summary(r),
                r.migrated ? ` (migrated from ${r.migrated.from_major}.x inputs)` : "",
              ),
              h("td", {}, r.confidence !== undefined ? percent(r.confidence) : "—"),
            ),
          ),
        ),
      ),
    );
  }

  export() {
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    const body = JSON.stringify({ exported: new Date().toISOString(), records: this.records }, null, 2);
    download(`sealed-onnx-audit-${stamp}.json`, body, "application/json");
  }
}
