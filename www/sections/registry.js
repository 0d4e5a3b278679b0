// Step 1, by channel: the course's registry (examples/registry/<name>/, built by
// models/build_registry.sh). Its signed index and hash-chained history are verified with the
// demo key by the package (`readRegistry`); the student picks a channel and the page loads
// whatever version that channel points at (`loadModel(folder, { channel })`).

import { readRegistry } from "../lib/package.js";
import { h, replace } from "../lib/dom.js";

export class RegistrySection {
  constructor({ channels, versions, history, status, folder, keyUrl, onLoad }) {
    Object.assign(this, { channels, versions, history, status, folder, keyUrl, onLoad });
  }

  async start() {
    const r = await fetch(this.keyUrl);
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    this.publicKey = await r.text();
    await this.refresh();
  }

  /** Reads and shows the registry again (after a load, the channels may have moved). */
  async refresh() {
    const reg = await readRegistry(this.folder, { publicKey: this.publicKey });
    this.status.textContent =
      `${reg.name}: index sequence ${reg.sequence}, updated ${reg.updated}, ` +
      `signed by ${reg.signer.slice(0, 16)}…; ${reg.history.length} history entries, every one signed and chained: verified.`;
    replace(
      this.channels,
      ["dev", "staging", "prod"].map((c) => {
        const v = reg.channels[c]?.version;
        return h(
          "button",
          { type: "button", "data-channel": c, disabled: !v, onclick: () => this.load(reg.name, c) },
          v ? `Load ${c} (${v})` : `${c}: nothing yet`,
        );
      }),
    );
    const on = (v) => ["dev", "staging", "prod"].filter((c) => reg.channels[c]?.version === v).join(", ");
    replace(
      this.versions,
      h("tr", {}, h("th", {}, "version"), h("th", {}, "channels"), h("th", {}, "cross-validation"), h("th", {}, "test vectors"), h("th", {}, "digest")),
      reg.versions.map((v) =>
        h(
          "tr",
          { "data-version": v.version },
          h("td", {}, v.version),
          h("td", {}, on(v.version) || "—"),
          h("td", {}, v.metric ? `${v.metric.name} ${v.metric.mean.toFixed(3)}` : "—"),
          h("td", {}, String(v.test_vectors)),
          h("td", {}, h("code", {}, v.integrity.slice(0, 20) + "…")),
        ),
      ),
    );
    replace(
      this.history,
      h("tr", {}, h("th", {}, "#"), h("th", {}, "when"), h("th", {}, "what"), h("th", {}, "why"), h("th", {}, "who")),
      reg.history.map((e) =>
        h(
          "tr",
          { "data-action": e.action },
          h("td", {}, String(e.seq)),
          h("td", {}, e.time),
          h("td", {}, `${e.action} ${e.version} ${e.action === "publish" ? "to" : "on"} ${e.channel}${e.from ? ` (was ${e.from})` : ""}`),
          h("td", {}, e.reason ?? ""),
          h("td", {}, h("code", {}, e.signer.slice(0, 16) + "…")),
        ),
      ),
    );
    return reg;
  }

  load(name, channel) {
    this.onLoad({
      label: `${name}, channel ${channel}`,
      source: this.folder,
      trust: { publicKey: this.publicKey, channel },
    });
  }
}
