// Small DOM helpers: build elements without innerHTML (every text from a bundle or a CSV is
// untrusted and goes in as text), and formatting shared by the sections.

/**
 * `h("p", { class: "x", onclick: f }, "text", child)`: an element. Attributes whose value
 * is `false`, `null` or `undefined` are left out; `on*` functions become listeners.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

const SVG = "http://www.w3.org/2000/svg";

/** Like {@link h} for SVG elements. */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v !== false && v !== null && v !== undefined) el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** `12 345` style grouping, up to `digits` significant decimals. */
export function num(v, digits = 4) {
  if (v === null || v === undefined) return "—";
  if (typeof v !== "number") return String(v);
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e7)) return v.toExponential(2);
  return v.toLocaleString("en-US", { maximumFractionDigits: digits });
}

export function percent(p) {
  if (p >= 0.9995 || p === 0) return `${Math.round(p * 100)} %`;
  if (p < 0.001) return "< 0.1 %";
  return `${(p * 100).toFixed(1)} %`;
}

export function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Milliseconds, readable: `0.21 ms`, `12 ms`, `1.3 s`. */
export function ms(t) {
  if (t < 1) return `${t.toFixed(2)} ms`;
  if (t < 1000) return `${Math.round(t)} ms`;
  return `${(t / 1000).toFixed(1)} s`;
}

/** Offers `data` as a file download. */
export function download(name, data, type) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = h("a", { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Lets the browser paint (progress text) between chunks of long work. */
export const nextFrame = () => new Promise((ok) => setTimeout(ok, 0));
