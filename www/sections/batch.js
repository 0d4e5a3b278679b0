// Step 5: predicting a CSV. Every row is checked by the package; rows with problems are
// listed with each problem and left out, the valid ones are predicted in chunks (the page
// stays responsive and shows progress), and everything can be downloaded as CSV.

import { resultCells, resultColumns, summary } from "../lib/results.js";
import { fromCsv } from "../lib/package.js";

import { toCsv } from "../lib/csv.js";
import { describeMigration } from "./form.js";
import { download, h, ms, nextFrame, num, percent, replace } from "../lib/dom.js";

const CHUNK = 2000;
const SHOWN_ROWS = 500;
const SHOWN_ERRORS = 200;

/**
 * The features as the file's columns are read: with a migration (`info.migration`), a feature
 * the header lacks is read from its old column (the package migrates those records, as
 * `model.predict(fromCsv(text))` does), and one the migration gives a default is not required.
 */
function readAs(info, header) {
  const m = info.migration;
  if (!m) return info.schema;
  return info.schema.flatMap((f) => {
    const g = m.features?.[f.name];
    if (!g || header.includes(f.name)) return [f];
    if (g.from !== undefined && header.includes(g.from)) return [{ ...f, name: g.from }];
    return g.default === undefined ? [f] : [];
  });
}

export class BatchSection {
  constructor(els) {
    Object.assign(this, els);
    this.model = null;
    this.results = null;
    this.file.addEventListener("change", async () => {
      const f = this.file.files && this.file.files[0];
      if (!f) return;
      this.text.value = await f.text();
      this.run();
    });
    this.runButton.addEventListener("click", () => this.run());
    this.downloadButton.addEventListener("click", () => this.save());
  }

  show(model, example) {
    this.model = model;
    this.results = null;
    this.downloadButton.disabled = true;
    this.text.value = "";
    replace(this.status);
    replace(this.errors);
    replace(this.table);
    this.sample.hidden = !example;
    if (example) {
      this.sample.href = example.csv;
      this.sample.setAttribute("download", example.csv.split("/").pop());
      this.sample.textContent = `Download the ${example.rows} held-out rows of ${example.name} (CSV)`;
    }
  }

  async run() {
    const model = this.model;
    if (!model) return;
    const text = this.text.value;
    if (!text.trim()) {
      replace(this.status, h("p", { class: "error" }, "Paste CSV or choose a file first."));
      this.text.focus();
      return;
    }
    this.runButton.disabled = true;
    try {
      await this.predictAll(model, text);
    } finally {
      this.runButton.disabled = false;
    }
  }

  async predictAll(model, text) {
    // The package's CSV reader (the same one `model.predict(fromCsv(text))` uses): columns
    // that are not features are ignored, a missing column is one message, unreadable rows
    // are listed, and every other row is predicted.
    const table = fromCsv(text);
    const { header, rows, lines } = table;
    const { records: readable, rows: candidates, issues: tableIssues, ignored, missing } = table.records(readAs(model.info, header));
    const fileProblem = tableIssues.find((i) => i.code === "csv_separator");
    if (fileProblem || missing.length) {
      this.results = null;
      this.downloadButton.disabled = true;
      replace(this.errors);
      replace(this.table);
      const message = fileProblem
        ? `This file is not comma-separated: it has ${fileProblem.received}`
        : `Missing column${missing.length === 1 ? "" : "s"}: ${missing.join(", ")}. The model needs every feature; add ${missing.length === 1 ? "it" : "them"} (empty cells for missing values).`;
      replace(this.status, h("p", { class: "error", "data-file-problem": fileProblem ? fileProblem.code : "missing_column" }, message));
      this.onRows(model, []);
      return;
    }

    // Row problems: unreadable rows first, then the package's schema issues.
    const rowErrors = new Map(); // row number (0-based) -> [message]
    const addError = (i, message) => {
      if (!rowErrors.has(i)) rowErrors.set(i, []);
      rowErrors.get(i).push(message);
    };
    for (const issue of tableIssues) {
      const m = /^rows\[(\d+)\]$/.exec(issue.path);
      if (m) addError(Number(m[1]), `line ${lines[Number(m[1])]}: ${issue.received.replace(/ \(line \d+\)$/, "")}`);
    }
    const records = readable;
    const issues = records.length ? model.validate(records) : [];
    const badCandidates = new Set();
    for (const issue of issues) {
      const m = /^rows\[(\d+)\]\.?(.*)$/.exec(issue.path);
      const k = m ? Number(m[1]) : 0;
      badCandidates.add(k);
      addError(candidates[k], `${m && m[2] ? m[2] : issue.path}: expected ${issue.expected}, got ${issue.received}`);
    }
    const valid = [];
    const validRecords = [];
    candidates.forEach((row, k) => {
      if (!badCandidates.has(k)) {
        valid.push(row);
        validRecords.push(records[k]);
      }
    });

    // Predict the valid rows in chunks, showing progress.
    const predictions = new Map();
    let predictTime = 0;
    for (let start = 0; start < validRecords.length; start += CHUNK) {
      const chunk = validRecords.slice(start, start + CHUNK);
      replace(this.status, h("p", {}, `Predicting… ${num(start)} of ${num(validRecords.length)} rows`));
      await nextFrame();
      const t0 = performance.now();
      let out;
      try {
        out = await model.predict(chunk);
      } catch (e) {
        replace(this.status, h("p", { class: "error" }, `Prediction failed: ${e.message}`));
        return;
      }
      predictTime += performance.now() - t0;
      out.forEach((p, j) => predictions.set(valid[start + j], p));
    }

    this.results = { header, rows, predictions, rowErrors, classes: model.info.outputs.class_names ?? null, model: model.info };
    const migrated = [...predictions.values()].filter((p) => p.migrated).length;
    const m = model.info.migration;
    this.downloadButton.disabled = rows.length === 0;
    const rate = predictTime > 0 ? validRecords.length / (predictTime / 1000) : 0;
    replace(
      this.status,
      h(
        "p",
        { class: "batch-summary", "data-valid": valid.length, "data-invalid": rowErrors.size },
        `${num(rows.length)} rows: ${num(valid.length)} predicted`,
        rowErrors.size ? `, ${num(rowErrors.size)} with problems (listed below)` : "",
        validRecords.length ? ` in ${ms(predictTime)} — ${num(Math.round(rate))} rows/s.` : ".",
      ),
      ignored.length ? h("p", { class: "hint", "data-ignored": ignored.join(",") }, `Not model inputs, ignored (kept in the download): ${ignored.join(", ")}.`) : null,
      migrated && m
        ? h("p", { class: "migrated", "data-migrated": migrated }, `${num(migrated)} ${migrated === 1 ? "row" : "rows"} migrated from ${m.from_major}.x inputs: ${describeMigration(m)}.`)
        : null,
      model.info.verified ? null : h("p", { class: "verdict verdict--warn", "data-verified": "false" }, h("strong", {}, "UNVERIFIED bundle: "), "these predictions are untrusted; every row of the download says verified=false."),
    );
    this.renderErrors(rowErrors, lines);
    this.renderTable();
    this.onRows(model, validRecords);
  }

  renderErrors(rowErrors, lines) {
    if (!rowErrors.size) {
      replace(this.errors);
      return;
    }
    const entries = [...rowErrors.entries()].sort((a, b) => a[0] - b[0]);
    replace(
      this.errors,
      h("h3", {}, `Rows with problems (${entries.length})`),
      h(
        "ul",
        { class: "row-errors" },
        entries.slice(0, SHOWN_ERRORS).map(([i, msgs]) =>
          h("li", { "data-row": i + 1 }, h("strong", {}, `Row ${i + 1} (line ${lines[i]}): `), msgs.join("; ")),
        ),
      ),
      entries.length > SHOWN_ERRORS ? h("p", { class: "muted" }, `…and ${entries.length - SHOWN_ERRORS} more (all are in the download).`) : null,
    );
  }

  /** Output columns of the download and the table. */
  outputColumns() {
    return resultColumns(this.results.model.outputs);
  }

  outputCells(p) {
    return resultCells(this.results.model.outputs, p);
  }

  renderTable() {
    const { header, rows, predictions, rowErrors, classes } = this.results;
    const shown = rows.slice(0, SHOWN_ROWS);
    replace(
      this.table,
      h(
        "table",
        { class: "results" },
        h("caption", {}, rows.length > SHOWN_ROWS ? `First ${SHOWN_ROWS} of ${num(rows.length)} rows (the download has all)` : `${rows.length} rows`),
        h(
          "thead",
          {},
          // The prediction right after the row number: on a phone it is what must be on screen.
          h("tr", {}, h("th", { scope: "col" }, "row"), h("th", { scope: "col" }, "prediction"), h("th", { scope: "col" }, "status"), header.map((c) => h("th", { scope: "col" }, c))),
        ),
        h(
          "tbody",
          {},
          shown.map((cells, i) => {
            const p = predictions.get(i);
            const errs = rowErrors.get(i);
            let out = "";
            if (p && classes) out = `${p.label} (${percent(Math.max(...Object.values(p.probabilities ?? { x: NaN })))})`;
            else if (p) out = summary(p);
            return h(
              "tr",
              { class: errs ? "results-row results-row--bad" : "results-row", "data-row": i + 1 },
              h("td", {}, String(i + 1)),
              h("td", { class: "out" }, out),
              h("td", { class: "status" }, errs ? h("span", { class: "error" }, errs.join("; ")) : "ok"),
              header.map((_, j) => h("td", {}, cells[j] ?? "")),
            );
          }),
        ),
      ),
    );
  }

  save() {
    if (!this.results) return;
    const { header, rows, predictions, rowErrors, model } = this.results;
    // Every row says which bundle answered and whether it was verified, so a row copied out
    // of this file cannot pass for a verified result.
    const out = rows.map((cells, i) => [
      ...header.map((_, j) => cells[j] ?? ""),
      ...this.outputCells(predictions.get(i)),
      (rowErrors.get(i) ?? []).join("; "),
      model.verified === true,
      model.digest,
    ]);
    const csv = toCsv([...header, ...this.outputColumns(), "error", "verified", "digest"], out);
    download(`${model.name}-${model.version}-predictions.csv`, csv, "text/csv");
  }
}
