// sealed-onnx: CSV text as model input — `model.predict(fromCsv(text))`. One reader for the
// package and the demo page (RFC 4180: quoted fields, doubled quotes, CRLF or LF), no
// dependencies. Cells stay text until a model's schema says what each column holds; a cell
// that is not a clean value of its feature's type stays text, so the schema check reports it
// instead of the reader guessing.

/** Brand of a CsvTable (instanceof fails across two copies of the package). */
const CSV_TABLE = Symbol.for("sealed-onnx.CsvTable");

/**
 * CSV text read into a header and rows of text cells, with the line each row starts on and
 * the problems found while reading: `{ line, message }` for rows whose cell count differs
 * from the header's (those rows are kept, so they can be reported without dropping others),
 * an unclosed quote, or a file that is not comma-separated.
 */
export class CsvTable {
  constructor(header, rows, lines, problems, separator) {
    this.header = header;
    this.rows = rows;
    this.lines = lines;
    this.problems = problems;
    /** `";"` or `"\t"` when the file looks separated by that instead of commas, else null. */
    this.separator = separator;
    Object.defineProperty(this, CSV_TABLE, { value: true });
  }

  /**
   * The rows as records for a model's schema (`model.info.schema`): every cell converted by
   * its feature's type (empty cell = missing value), columns that are not features (the
   * target, an index, notes) left out and named in `ignored`. Rows that cannot be read are
   * not in `records`; `rows[k]` is the table row of `records[k]`. `issues` are the table's
   * own problems as schema issues (one per missing column, one per unreadable row, one for a
   * wrong separator), with paths `rows[i]` counting the table's data rows from 0.
   */
  records(schema) {
    const features = Array.isArray(schema) ? schema : (schema && schema.features) || [];
    const issues = [];
    if (this.separator) {
      const name = this.separator === ";" ? "semicolons (;)" : "tabs";
      issues.push({
        path: "",
        code: "csv_separator",
        expected: "comma-separated columns",
        received: `columns separated by ${name}: save the file as comma-separated CSV (in pandas: to_csv(path, sep=","))`,
      });
      return { records: [], rows: [], issues, ignored: [], missing: [] };
    }
    const index = new Map(this.header.map((c, i) => [c, i]));
    const names = new Set(features.map((f) => f.name));
    const ignored = this.header.filter((c) => !names.has(c)).map((c) => (c === "" ? "(unnamed column)" : c));
    const missing = features.filter((f) => !index.has(f.name)).map((f) => f.name);
    for (const name of missing) {
      issues.push({
        path: name,
        code: "missing_column",
        expected: `a column named ${JSON.stringify(name)}`,
        received: `no such column (the header has ${this.header.map((c) => JSON.stringify(c)).join(", ")})`,
      });
    }
    const badLines = new Map(this.problems.map((p) => [p.line, p.message]));
    const records = [];
    const rows = [];
    this.rows.forEach((cells, i) => {
      const problem = badLines.get(this.lines[i]);
      if (problem !== undefined) {
        issues.push({ path: `rows[${i}]`, code: "csv_row", expected: `${this.header.length} cells, as the header`, received: `${problem} (line ${this.lines[i]})` });
        return;
      }
      const record = {};
      for (const f of features) {
        const at = index.get(f.name);
        if (at === undefined) continue;
        const value = fromText(f, cells[at] ?? "");
        // An empty cell of a feature that cannot be missing is reported as missing, not as null.
        if (value === null && !f.nullable) continue;
        Object.defineProperty(record, f.name, { value, enumerable: true, writable: true, configurable: true });
      }
      records.push(record);
      rows.push(i);
    });
    return { records, rows, issues, ignored, missing };
  }
}

/** Whether `v` is a table made by `fromCsv` (of any copy of the package). */
export function isCsvTable(v) {
  return v !== null && typeof v === "object" && v[CSV_TABLE] === true;
}

/**
 * Reads CSV text (a header row, then one row per example) into a {@link CsvTable} that
 * `predict`, `validate` and `drift` accept. Blank lines are skipped; a byte order mark is
 * dropped.
 */
export function fromCsv(text) {
  if (typeof text !== "string") throw new TypeError("fromCsv: pass the CSV file's text (a string)");
  const records = [];
  let field = "";
  let record = [];
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const endField = () => {
    record.push(field);
    field = "";
  };
  const endRecord = () => {
    endField();
    if (!(record.length === 1 && record[0] === "")) records.push({ cells: record, line: recordLine });
    record = [];
  };
  const t = text.replace(/^\uFEFF/, ""); // Excel's byte order mark
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (quoted) {
      if (c === '"') {
        if (t[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === "\n") line++;
        field += c;
      }
    } else if (c === '"' && field === "") {
      quoted = true;
    } else if (c === ",") {
      endField();
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && t[i + 1] === "\n") i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += c;
    }
  }
  const unterminated = quoted;
  if (field !== "" || record.length) endRecord();
  const problems = [];
  if (!records.length) return new CsvTable([], [], [], problems, null);
  const [head, ...body] = records;
  const header = head.cells.map((c) => c.trim());
  for (const r of body) {
    if (r.cells.length !== header.length) {
      problems.push({ line: r.line, message: `${r.cells.length} cells, the header has ${header.length}` });
    }
  }
  if (unterminated) {
    const last = body.length ? body[body.length - 1].line : head.line;
    if (!problems.some((p) => p.line === last)) problems.push({ line: last, message: "a quoted field is never closed" });
  }
  return new CsvTable(header, body.map((r) => r.cells), body.map((r) => r.line), problems, separatorOf(header, body));
}

/** `";"` or `"\t"` when a one-column header holds several names joined by it. */
function separatorOf(header, body) {
  if (header.length !== 1) return null;
  for (const sep of [";", "\t"]) {
    const n = header[0].split(sep).length;
    if (n > 1 && body.slice(0, 20).every((r) => r.cells.length === 1 && r.cells[0].split(sep).length === n)) return sep;
  }
  return null;
}

/**
 * A cell as the value its feature gets: `null` (missing) for a blank cell, a number, a
 * boolean, or the text itself when it is not a clean value of the feature's type (always,
 * blank included, for a `text` feature).
 */
export function fromText(feature, text) {
  // A text feature takes the cell as written: CSV cannot tell an empty text from a missing
  // one, and an empty document is a valid input (as `pack` reads a training CSV).
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
