// Step 2: the trust panel — each check the package made, green, red (with the reason) or
// neutral/amber when it was not made. An unverified bundle is never shown as green.

import { h, replace } from "../lib/dom.js";

/** The checks in the order the loader makes them; `check` is VerificationError.check. */
const CHECKS = [
  { id: "integrity", title: "Bundle digest (SRI)" },
  { id: "bundle", title: "Bundle format" },
  { id: "fileDigest", title: "File digests" },
  { id: "signature", title: "Signature" },
  { id: "graph", title: "Model graph" },
  { id: "testVectors", title: "Test vectors" },
];

const STATE_TEXT = { ok: "passed", bad: "failed", warn: "not checked", info: "not pinned", skip: "not reached" };

function row(id, title, state, ...detail) {
  return h(
    "li",
    { class: `check check--${state}`, "data-check": id, "data-state": state },
    h("span", { class: "badge", "aria-hidden": "true" }, { ok: "✓", bad: "✗", warn: "!", info: "i", skip: "–" }[state]),
    h("div", {}, h("strong", {}, title), h("span", { class: "state" }, ` — ${STATE_TEXT[state]}`), h("div", { class: "detail" }, ...detail)),
  );
}

const code = (text) => h("code", { class: "digest" }, text);

/** A loaded model: every check passed, except those the caller did not ask for. */
export function renderTrust(el, info, { took }) {
  const signed = info.signer !== null;
  const verdict = info.verified
    ? h(
        "p",
        { class: "verdict verdict--ok", "data-verdict": "verified" },
        h("strong", {}, "Verified. "),
        signed
          ? "This is the model its signer sealed, unchanged, and it computes what it computed when it was trained."
          : "The bundle is exactly the file you pinned by its digest, and it computes what it computed when it was trained.",
      )
    : h(
        "p",
        { class: "verdict verdict--warn", "data-verdict": "unverified" },
        h("strong", {}, "Unverified. "),
        "No public key or digest was given, so nothing ties this bundle to its author: anyone could have made or changed it. " +
          "Its files are consistent and its test vectors pass, but treat its predictions as untrusted. Paste the signer's public key to verify it.",
      );
  const files = Object.entries(info.files);
  replace(
    el,
    verdict,
    h(
      "ul",
      { class: "checks" },
      info.integrityChecked
        ? row("integrity", "Bundle digest (SRI)", "ok", "The whole file matches the expected digest ", code(info.digest), ".")
        : row("integrity", "Bundle digest (SRI)", "info", "This file's digest is ", code(info.digest), " — no expected digest was given to compare it with."),
      row("bundle", "Bundle format", "ok", "A well-formed sealed-onnx/1 zip: only the expected entries, no oversized or duplicate ones."),
      row(
        "fileDigest",
        "File digests",
        "ok",
        files.length === 1 ? "The file matches its sha256 digest in the manifest:" : `All ${files.length} files match their sha256 digests in the manifest:`,
        h("ul", { class: "files" }, files.map(([name, hex]) => h("li", {}, h("code", {}, name), " ", code(hex)))),
      ),
      signed
        ? row("signature", "Signature", "ok", "Valid OpenSSF model-signing signature (ECDSA P-256) by the key with fingerprint ", code(info.signer), ".")
        : row("signature", "Signature", "warn", "Not checked: no public key was given."),
      row("graph", "Model graph", "ok", "The ONNX graph runs as the manifest describes it: every operator supported, inputs and outputs as declared."),
      row(
        "testVectors",
        "Test vectors",
        "ok",
        `${info.testVectors.passed}/${info.testVectors.total} known predictions reproduced (the outputs scikit-learn gave at training time, within the bundle's tolerance).`,
      ),
    ),
    h("p", { class: "muted" }, `Checked in your browser in ${Math.round(took)} ms.`),
  );
}

/**
 * A refused bundle: the failed check in red with the reason (said once, there); later checks
 * were not reached. Every row stays on screen.
 */
export async function renderTrustFailure(el, error, { bytes }) {
  const check = failedCheck(error);
  const failedAt = CHECKS.findIndex((c) => c.id === check);
  const reason = words(error && error.message ? error.message : String(error));
  const digest = bytes ? await sri(bytes) : null;
  const rows = CHECKS.map((c, i) => {
    if (i === failedAt) return row(c.id, c.title, "bad", reason);
    if (failedAt === -1 || i > failedAt) return row(c.id, c.title, "skip", "Not reached: an earlier step failed.");
    if (c.id === "integrity") {
      return row(c.id, c.title, "info", digest ? ["This file's digest is ", code(digest), " — no expected digest was given."] : "No expected digest was given.");
    }
    return row(c.id, c.title, "ok", "Passed.");
  });
  const headline =
    check === "download"
      ? "The bundle could not be downloaded."
      : check === "trustAnchor"
        ? "Nothing to verify against."
        : `The ${CHECKS[failedAt]?.title.toLowerCase() ?? "bundle"} check failed (see below).`;
  // The reason goes in the failed row; only when there are no rows does the verdict carry it.
  const rowless = check === "download" || check === "trustAnchor";
  replace(
    el,
    h("p", { class: "verdict verdict--bad", "data-verdict": "refused", "data-check": check }, h("strong", {}, "Refused. "), headline, rowless ? [" ", reason] : null),
    check === "download" || check === "trustAnchor" ? null : h("ul", { class: "checks" }, rows),
    digest && failedAt === -1 ? h("p", {}, "This file's digest: ", code(digest)) : null,
    h("p", { class: "muted" }, "Do not use predictions from this bundle: the page will not run it."),
  );
}

function failedCheck(error) {
  if (!error) return "graph";
  if (error.name === "VerificationError") return error.check === "publicKey" ? "signature" : error.check;
  if (error.name === "ModelError" && /download|cannot resolve|HTTP/i.test(error.message)) return "download";
  if (error.name === "TypeError") return "download";
  return "graph";
}

/** The check's own name, which the row title already says, is not repeated in its reason. */
const PREFIXES = [/^signature check failed: /, /^bundle integrity check failed: /];

/**
 * A refusal reason as the page shows it: in words (without the check's name again), long
 * hex digests and SRI strings as code that wraps anywhere (a 64-character fingerprint must
 * not make a phone page wider than the phone).
 */
export function words(message) {
  let text = String(message);
  for (const p of PREFIXES) text = text.replace(p, "");
  // A sentence starts with a capital; a file name (model.onnx) keeps its own spelling.
  if (/^[a-z]+ /.test(text)) text = text.charAt(0).toUpperCase() + text.slice(1);
  const parts = [];
  let last = 0;
  for (const m of text.matchAll(/\b(?:[0-9a-f]{32,}|sha(?:256|384|512)-[A-Za-z0-9+/=]{20,})/g)) {
    parts.push(text.slice(last, m.index), code(m[0]));
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

async function sri(bytes) {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  let bin = "";
  for (const b of hash) bin += String.fromCharCode(b);
  return `sha256-${btoa(bin)}`;
}
