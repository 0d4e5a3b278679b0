// Turning text (a form field, a CSV cell) into the value a feature gets — with no silent
// coercion: text that is not a clean number stays text, so the package's schema check
// reports it ("expected a number, received "abc"") instead of the page guessing.

/**
 * `null` (missing) for a blank cell, a number, a boolean, or the text itself (always, blank
 * included, for a `text` feature: an empty document is a valid text).
 */
export function fromText(feature, text) {
  if (feature.type === "text") return text;
  const t = text.trim();
  if (t === "") return null;
  switch (feature.type) {
    case "float":
    case "integer": {
      if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
      if (/^nan$/i.test(t)) return NaN;
      if (/^[-+]?inf(inity)?$/i.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
      return text;
    }
    case "boolean":
      if (/^(true|1|yes)$/i.test(t)) return true;
      if (/^(false|0|no)$/i.test(t)) return false;
      return text;
    default:
      return text;
  }
}

/** The text a value is shown as in a form field or a CSV cell. */
export function toText(v) {
  if (v === null || v === undefined) return "";
  return String(v);
}
