// Step 4: a form generated from the bundle's schema. The page does not validate by itself:
// it hands what was typed to `model.validate` and shows the package's issues next to the
// fields they name, so the messages are exactly the package's SchemaError ones.

import { h, ms, num, percent, replace } from "../lib/dom.js";
import { fromText } from "../lib/package.js";

/** The text a value is shown as in a form field (blank for missing). */
function toText(v) {
  return v === null || v === undefined ? "" : String(v);
}

/**
 * A bundle's migration in words: `petal_length → petal_length_mm × 10`, `season = "unknown"
 * when not sent`, `legacy ignored`.
 */
export function describeMigration(m) {
  const parts = Object.entries(m.features ?? {}).map(([name, f]) => {
    if (f.from === undefined) return `${name} = ${JSON.stringify(f.default)} when not sent`;
    const scale = f.scale !== undefined ? ` × ${f.scale}` : "";
    const offset = f.offset !== undefined ? ` + ${f.offset}` : "";
    return `${f.from} → ${name}${scale}${offset}`;
  });
  for (const r of m.removed ?? []) parts.push(`${r} ignored`);
  return parts.join(", ");
}

/**
 * A record of this version's shape as a caller of the previous major version would send it
 * (the migration undone): old names, old units, features the old version lacked left out.
 */
function oldShape(m, record) {
  const old = { ...record };
  for (const [name, f] of Object.entries(m.features ?? {})) {
    if (!(name in old)) continue;
    const v = old[name];
    delete old[name];
    if (f.from === undefined) continue; // new in this version: an old caller does not send it
    old[f.from] = typeof v === "number" ? (v - (f.offset ?? 0)) / (f.scale ?? 1) : v;
  }
  return old;
}

const id = (feature, suffix = "") => `f-${feature.name.replace(/[^A-Za-z0-9_-]/g, "_")}${suffix}`;

function rangeText(f) {
  const unit = f.unit ? ` ${f.unit}` : "";
  // Where the range comes from (the training data, widened on purpose, or set by the author).
  const source = f.range_source ? ` (${f.range_source})` : "";
  if (f.min !== undefined && f.max !== undefined) return `${num(f.min)} to ${num(f.max)}${unit}${source}`;
  if (f.min !== undefined) return `at least ${num(f.min)}${unit}`;
  if (f.max !== undefined) return `at most ${num(f.max)}${unit}`;
  return f.unit ?? "";
}

/** The form, its validation messages and the result panel. */
export class PredictForm {
  constructor(form, fields, summary, result, fillButton) {
    Object.assign(this, { form, fields, summary, result, fillButton });
    this.model = null;
    this.controls = new Map(); // feature name -> { feature, read(), write(v), error, inputs }
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.predict();
    });
    form.addEventListener("change", () => this.check(false));
    this.migration = form.querySelector("#migration");
    fillButton.addEventListener("click", () => this.fillNext());
  }

  /**
   * `sample`: an example row (the examples' first held-out row), or null. Any bundle's test
   * vector inputs are example rows too (valid rows of its schema), so a student's own
   * bundle starts filled as well, and the button fills it again.
   */
  show(model, sample) {
    this.model = model;
    const inputs = Array.isArray(model.info.testVectors?.inputs) ? model.info.testVectors.inputs : [];
    this.samples = [sample, ...inputs].filter((r) => r && typeof r === "object");
    this.fillButton.hidden = this.samples.length === 0;
    this.controls.clear();
    replace(this.fields, model.info.schema.map((f) => this.field(f)));
    replace(this.result);
    this.showMigration(model.info.migration);
    this.summary.hidden = true;
    this.fillNext();
  }

  /**
   * With a migration, the bundle also takes its previous major version's inputs: the page says
   * how and offers to send the form's record in that old shape, so the result shows that a
   * migration was applied.
   */
  showMigration(m) {
    if (!this.migration) return;
    this.migration.hidden = !m;
    if (!m) return replace(this.migration);
    const button = h("button", { type: "button", id: "predict-old" }, `Predict with ${m.from_major}.x inputs`);
    button.addEventListener("click", () => this.predictOld());
    replace(
      this.migration,
      h("p", {}, `This version also accepts ${m.from_major}.x inputs (its migration): ${describeMigration(m)}.`),
      h("div", { class: "row" }, button),
    );
  }

  /** Sends the form's record as a caller of the previous major version would. */
  async predictOld() {
    const record = this.check(true);
    if (!record) return;
    const m = this.model.info.migration;
    const old = oldShape(m, record);
    const started = performance.now();
    let prediction;
    try {
      prediction = await this.model.predict(old);
    } catch (e) {
      replace(this.result, h("p", { class: "error" }, `Prediction failed: ${e.message}`));
      return;
    }
    this.render(prediction, performance.now() - started, old);
  }

  fillNext() {
    if (this.samples.length) this.fill(this.samples[0]);
  }

  /** One labelled control per feature, with its hint and (empty) error line. */
  field(f) {
    const hintId = id(f, "-hint");
    const errorId = id(f, "-error");
    const described = `${hintId} ${errorId}`;
    let input;
    let read;
    let write;
    let counter = null;
    if (f.type === "boolean") {
      input = h("input", { id: id(f), type: "checkbox", "aria-describedby": described });
      read = () => input.checked;
      write = (v) => (input.checked = v === true);
    } else if (f.type === "string" && f.categories) {
      input = h(
        "select",
        { id: id(f), "aria-describedby": described },
        h("option", { value: "" }, "— choose —"),
        f.categories.map((c) => h("option", { value: c }, c)),
      );
      read = () => (input.value === "" ? undefined : input.value);
      write = (v) => (input.value = v === null || v === undefined ? "" : String(v));
    } else if (f.type === "text") {
      // Free text for a text vectorizer: a text area with a character counter against
      // max_length (code points, as the package counts; the too_long issue still comes from
      // the package's check).
      input = h("textarea", { id: id(f), rows: 4, spellcheck: "true", "aria-describedby": described });
      counter = h("small", { id: id(f, "-count"), class: "char-count", "aria-live": "polite" });
      const count = () => {
        const n = [...input.value].length;
        counter.textContent = f.max_length ? `${num(n)} / ${num(f.max_length)} characters` : `${num(n)} characters`;
        counter.dataset.over = String(f.max_length !== undefined && n > f.max_length);
      };
      input.addEventListener("input", count);
      count();
      // As written, empty included: an empty document is a valid text.
      read = () => input.value;
      write = (v) => {
        input.value = toText(v);
        count();
      };
    } else {
      const numeric = f.type === "float" || f.type === "integer";
      input = h("input", {
        id: id(f),
        type: "text",
        inputmode: numeric ? (f.type === "integer" ? "numeric" : "decimal") : undefined,
        autocomplete: "off",
        spellcheck: "false",
        "aria-describedby": described,
      });
      read = () => {
        const v = fromText(f, input.value);
        return v === null ? undefined : v; // blank: not given (a missing value is the toggle)
      };
      write = (v) => (input.value = toText(v));
    }
    const error = h("p", { id: errorId, class: "error", hidden: true });
    let missing = null;
    if (f.nullable) {
      missing = h("input", { id: id(f, "-missing"), type: "checkbox" });
      missing.addEventListener("change", () => {
        input.disabled = missing.checked;
      });
    }
    const control = {
      feature: f,
      input,
      error,
      read: () => (missing && missing.checked ? null : read()),
      write: (v) => {
        if (missing) {
          missing.checked = v === null;
          input.disabled = missing.checked;
        }
        if (v !== null) write(v);
      },
    };
    this.controls.set(f.name, control);
    const hint = [
      f.description,
      rangeText(f),
      f.type === "integer" ? "whole number" : "",
      f.type === "text" && f.max_length ? `text of at most ${num(f.max_length)} characters` : "",
    ]
      .filter(Boolean)
      .join(" · ");
    const label = h("label", { for: id(f) }, f.name, f.unit ? h("span", { class: "unit" }, ` (${f.unit})`) : null);
    return h(
      "div",
      { class: `field field--${f.type}`, "data-feature": f.name },
      f.type === "boolean" ? h("div", { class: "check-line" }, input, label) : [label, input],
      counter,
      h("small", { id: hintId, class: "hint" }, hint),
      missing ? h("label", { class: "missing", for: missing.id }, missing, ` missing${f.missing ? ` (${f.missing})` : ""}`) : null,
      error,
    );
  }

  fill(record) {
    if (!record) return;
    for (const [name, c] of this.controls) c.write(record[name] === undefined ? null : record[name]);
    this.check(false);
  }

  record() {
    const r = {};
    for (const [name, c] of this.controls) {
      const v = c.read();
      if (v !== undefined) r[name] = v;
    }
    return r;
  }

  /**
   * Shows the package's issues next to their fields; returns the record when there are none.
   * `all`: also report fields that are still empty (on submit), not only wrong ones.
   */
  check(all) {
    if (!this.model) return null;
    const record = this.record();
    const issues = this.model.validate(record);
    const byField = new Map();
    for (const issue of issues) {
      if (!all && issue.code === "missing_feature") continue;
      const name = issue.path.split(/[.[]/)[0];
      if (!byField.has(name)) byField.set(name, []);
      byField.get(name).push(issue);
    }
    for (const [name, c] of this.controls) {
      const list = byField.get(name);
      c.input.setAttribute("aria-invalid", list ? "true" : "false");
      c.error.hidden = !list;
      c.error.textContent = list ? list.map((i) => `Expected ${i.expected}; got ${i.received}.`).join(" ") : "";
      c.error.dataset.code = list ? list.map((i) => i.code).join(" ") : "";
    }
    if (all) {
      this.summary.hidden = issues.length === 0;
      this.summary.textContent = issues.length
        ? `${issues.length} ${issues.length === 1 ? "problem" : "problems"} to fix: ${[...byField.keys()].join(", ")}.`
        : "";
    } else if (issues.length === 0) {
      this.summary.hidden = true;
    }
    return issues.length ? null : record;
  }

  async predict() {
    const record = this.check(true);
    if (!record) {
      const first = [...this.controls.values()].find((c) => c.input.getAttribute("aria-invalid") === "true");
      if (first) first.input.focus();
      replace(this.result);
      return;
    }
    const model = this.model;
    const started = performance.now();
    let prediction;
    try {
      prediction = await model.predict(record);
    } catch (e) {
      replace(this.result, h("p", { class: "error" }, `Prediction failed: ${e.message}`));
      return;
    }
    const took = performance.now() - started;
    this.render(prediction, took);
  }

  render(p, took, sent) {
    const out = this.model.info.outputs;
    const m = this.model.info.migration;
    // The package marks a result whose record was migrated: say what was applied.
    const migrated = p.migrated
      ? h(
          "p",
          { class: "migrated", "data-migrated": String(p.migrated.from_major) },
          `Migrated from ${p.migrated.from_major}.x inputs: ${m ? describeMigration(m) : "the bundle's migration"}.`,
          sent ? [" Sent: ", h("code", {}, JSON.stringify(sent))] : null,
        )
      : null;
    const stamp = h(
      "p",
      { class: "stamp", "data-verified": String(p.model.verified === true) },
      p.model.verified === true ? null : h("strong", { class: "unverified-mark" }, "UNVERIFIED bundle — untrusted result · "),
      `by ${p.model.name} ${p.model.version} · `,
      h("code", { class: "digest" }, p.model.digest),
      ` · ${ms(took)}`,
    );
    let body;
    if (p.label !== undefined) {
      const probs = Object.entries(p.probabilities ?? {});
      body = [
        h("p", { class: "answer" }, "Prediction: ", h("strong", { class: "label" }, p.label)),
        probs.length
          ? h(
              "ul",
              { class: "bars", "aria-label": "Class probabilities" },
              probs.map(([name, v]) =>
                h(
                  "li",
                  { class: name === p.label ? "bar-row bar-row--best" : "bar-row" },
                  h("span", { class: "bar-name" }, name),
                  h("span", { class: "bar", "aria-hidden": "true" }, h("span", { style: `width: ${Math.max(0, Math.min(1, v)) * 100}%` })),
                  h("span", { class: "bar-value" }, percent(v)),
                ),
              ),
            )
          : null,
      ];
    } else if (p.values) {
      // Several regression targets: one line each.
      body = h(
        "dl",
        { class: "answer values" },
        Object.entries(p.values).map(([name, v]) => [h("dt", {}, name), h("dd", {}, h("strong", { class: "value" }, num(v, 4)))]),
      );
    } else if (p.vector) {
      body = vectorView(p.vector);
    } else if (p.cluster !== undefined) {
      body = clusterView(p);
    } else if (p.outlier !== undefined || p.score !== undefined) {
      body = h(
        "p",
        { class: "answer" },
        p.outlier === undefined ? "" : h("strong", { class: p.outlier ? "outlier outlier--yes" : "outlier" }, p.outlier ? "Outlier" : "Inlier"),
        p.score === undefined ? "" : ` · score ${num(p.score, 4)} (negative: unlike the training data)`,
      );
    } else {
      body = h("p", { class: "answer" }, `Prediction${out.value ? ` (${out.value})` : ""}: `, h("strong", { class: "value" }, num(p.value, 4)));
    }
    replace(this.result, h("div", { class: "prediction", "data-prediction": JSON.stringify(p) }, body, migrated, stamp));
  }
}

/** A transform's vector: its length, the numbers (the first 64 shown), bars scaled to the largest. */
function vectorView(vector) {
  const shown = vector.slice(0, 64);
  const top = Math.max(1e-12, ...shown.map((v) => Math.abs(v)));
  return [
    h("p", { class: "answer" }, `Vector of ${vector.length} numbers`, vector.length > 64 ? " (first 64 shown)" : ""),
    h(
      "ul",
      { class: "bars vector", "aria-label": "Vector components" },
      shown.map((v, k) =>
        h(
          "li",
          { class: "bar-row" },
          h("span", { class: "bar-name" }, String(k)),
          h("span", { class: "bar", "aria-hidden": "true" }, h("span", { style: `width: ${(Math.abs(v) / top) * 100}%` })),
          h("span", { class: "bar-value" }, num(v, 4)),
        ),
      ),
    ),
  ];
}

/** A cluster and the distance to each centre (the nearest is the cluster). */
function clusterView(p) {
  const d = p.distances ?? [];
  const top = Math.max(1e-12, ...d);
  return [
    h("p", { class: "answer" }, "Cluster: ", h("strong", { class: "label" }, String(p.cluster)), d.length ? ` (distance ${num(d[p.cluster], 4)} to its centre)` : ""),
    d.length
      ? h(
          "ul",
          { class: "bars", "aria-label": "Distance to each cluster centre" },
          d.map((v, k) =>
            h(
              "li",
              { class: k === p.cluster ? "bar-row bar-row--best" : "bar-row" },
              h("span", { class: "bar-name" }, `cluster ${k}`),
              h("span", { class: "bar", "aria-hidden": "true" }, h("span", { style: `width: ${(v / top) * 100}%` })),
              h("span", { class: "bar-value" }, num(v, 4)),
            ),
          ),
        )
      : null,
  ];
}
