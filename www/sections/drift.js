// Step 6: drift of the batch's valid rows against the training baseline in the bundle, one
// small SVG histogram per feature (training share vs. your share per bin), drifting
// features flagged and listed first in the summary.

import { h, num, replace, s } from "../lib/dom.js";

const LEVEL_TEXT = { none: "no drift", moderate: "moderate drift", significant: "significant drift" };

export class DriftSection {
  constructor(el) {
    this.el = el;
  }

  clear() {
    replace(this.el, h("p", { class: "muted" }, "Run a batch (step 5) to compare its rows with the training data."));
  }

  show(model, records) {
    if (!records.length) {
      replace(this.el, h("p", { class: "muted" }, "No valid rows to compare."));
      return;
    }
    let report;
    try {
      report = model.drift(records);
    } catch (e) {
      replace(this.el, h("p", { class: "error" }, `Cannot compute drift: ${e.message}`));
      return;
    }
    const flagged = report.filter((d) => worst(d) !== "none");
    replace(
      this.el,
      h(
        "p",
        { class: flagged.length ? "verdict warn" : "verdict ok", "data-flagged": flagged.map((d) => d.feature).join(",") },
        flagged.length
          ? [h("strong", {}, `${flagged.length} of ${report.length} features drift: `), flagged.map((d) => `${d.feature} (${LEVEL_TEXT[worst(d)]})`).join(", "), "."]
          : [h("strong", {}, "No drift: "), `all ${report.length} features look like the training data.`],
      ),
      h(
        "p",
        { class: "hint" },
        `${num(records.length)} rows compared. With many rows a PSI from 0.1 is moderate drift and above 0.25 significant; ` +
          "with few rows the thresholds rise to what chance alone would rarely reach (shown per feature).",
      ),
      h("p", { class: "legend", "aria-hidden": "true" }, h("span", { class: "key key--base" }), " training data ", h("span", { class: "key key--cur" }), " your rows"),
      h("ul", { class: "drift-grid" }, report.map((d) => featureCard(d))),
    );
  }
}

const RANK = { none: 0, moderate: 1, significant: 2 };

/** The higher of the length/value PSI's level and, for text, the unknown-token rate's. */
function worst(d) {
  const u = d.unknown_tokens?.level ?? "none";
  return RANK[u] > RANK[d.level] ? u : d.level;
}

function featureCard(d) {
  const level = worst(d);
  const u = d.unknown_tokens;
  return h(
    "li",
    { class: `drift-card drift-card--${level}`, "data-feature": d.feature, "data-level": level },
    h("h3", {}, d.feature, " ", h("span", { class: `level level--${level}` }, LEVEL_TEXT[level])),
    h(
      "p",
      { class: "muted" },
      `${u ? "length " : ""}PSI ${d.psi === null ? "—" : num(d.psi, 3)} · ${num(d.count)} ${u ? "texts" : "values"}${d.missing ? `, ${num(d.missing)} missing` : ""}`,
    ),
    d.thresholds
      ? h("p", { class: "muted" }, `moderate from ${num(d.thresholds.moderate, 2)}, significant above ${num(d.thresholds.significant, 2)}`)
      : null,
    // Text: how much of the rows' words the model's vocabulary knows, against the training texts.
    u
      ? h(
          "p",
          { class: "unknown-tokens", "data-unknown-level": u.level },
          `Unknown words: ${pct1(u.rate)} of your ${num(u.tokens)} tokens (${pct1(u.baseline_rate)} in training) — ${LEVEL_TEXT[u.level]}`,
        )
      : null,
    isCategorical(d) ? categoryBars(d) : histogram(d),
  );
}

const pct1 = (v) => `${((v ?? 0) * 100).toFixed(1)} %`;

/**
 * Numeric features have `[lo, hi)` bins (text features `[lo, hi) characters`: lengths);
 * categorical ones have the category names.
 */
const RANGE = /^[[(]\s*([^,]+),\s*([^\])]+)[\])](?: characters)?$/;
const isCategorical = (d) => d.bins.length > 0 && !d.bins.some((b) => RANGE.test(b));

/**
 * A categorical feature: one labelled row per category (its name, then the training share
 * and your share as bars with their numbers), so every category can be read on a phone
 * without hovering.
 */
function categoryBars(d) {
  const peak = Math.max(1e-9, ...d.baseline, ...d.current);
  const bar = (kind, v, who) =>
    h(
      "span",
      { class: "cat-bar" },
      h("span", { class: `cat-fill cat-fill--${kind}`, style: `width: ${Math.max(0, Math.min(1, (v ?? 0) / peak)) * 100}%`, "aria-hidden": "true" }),
      h("span", { class: "cat-value" }, `${who} ${pct(v)}`),
    );
  return h(
    "ul",
    { class: "cat-bars", "aria-label": `Categories of ${d.feature}: training data share and your rows' share` },
    d.bins.map((bin, i) =>
      h(
        "li",
        { class: "cat-row", "data-category": bin },
        h("span", { class: "cat-name" }, bin),
        bar("base", d.baseline[i], "training"),
        bar("cur", d.current[i], "yours"),
      ),
    ),
  );
}

/** Paired bars per bin: training share (left) and the input's share (right). */
function histogram(d) {
  const W = 260;
  const H = 90;
  const pad = 14;
  const n = d.bins.length;
  const peak = Math.max(1e-9, ...d.baseline, ...d.current);
  const slot = (W - 2) / Math.max(1, n);
  const bar = Math.max(1, slot / 2 - 1);
  const y = (v) => H - pad - (v / peak) * (H - pad - 4);
  const bars = [];
  d.bins.forEach((bin, i) => {
    const x = 1 + i * slot;
    const b = d.baseline[i] ?? 0;
    const c = d.current[i] ?? 0;
    bars.push(
      s("rect", { class: "hist-base", x, y: y(b), width: bar, height: H - pad - y(b) }, s("title", {}, `${bin}: training ${(b * 100).toFixed(1)} %`)),
      s("rect", { class: "hist-cur", x: x + bar, y: y(c), width: bar, height: H - pad - y(c) }, s("title", {}, `${bin}: your rows ${(c * 100).toFixed(1)} %`)),
    );
  });
  const first = d.bins[0] ?? "";
  const last = d.bins[n - 1] ?? "";
  const label = `Histogram of ${d.feature}: ${d.bins.map((bin, i) => `${bin} training ${pct(d.baseline[i])}, yours ${pct(d.current[i])}`).join("; ")}`;
  return s(
    "svg",
    { viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img", "aria-label": label, class: "hist" },
    s("line", { x1: 0, x2: W, y1: H - pad, y2: H - pad, class: "axis" }),
    bars,
    s("text", { x: 1, y: H - 2, class: "tick" }, shortBin(first, "start")),
    n > 1 ? s("text", { x: W - 1, y: H - 2, class: "tick", "text-anchor": "end" }, shortBin(last, "end")) : null,
  );
}

const pct = (v) => `${((v ?? 0) * 100).toFixed(0)} %`;

/** `[4.3, 4.66)` → `4.3` at the start of the axis, `7.9` at its end; categories as they are. */
function shortBin(bin, end) {
  const m = RANGE.exec(bin);
  if (!m) return bin.length > 16 ? `${bin.slice(0, 15)}…` : bin;
  return end === "start" ? m[1] : m[2];
}
