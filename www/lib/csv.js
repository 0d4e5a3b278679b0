// CSV in and out (RFC 4180: quoted fields, doubled quotes, CRLF or LF), no dependencies.

/**
 * Parses CSV text into `{ header, rows }`, each row an array of strings, plus `problems`:
 * rows whose number of cells differs from the header's (`{ line, message }`) — those rows are
 * still returned, so the caller can report them without dropping the others.
 * Blank lines are skipped.
 */
export function parseCsv(text) {
  const records = [];
  let field = "";
  let record = [];
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let unterminated = false;
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
  if (quoted) unterminated = true;
  if (field !== "" || record.length) endRecord();
  const problems = [];
  if (unterminated) problems.push({ line: recordLine, message: "a quoted field is never closed" });
  if (!records.length) return { header: [], rows: [], lines: [], problems };
  const [head, ...body] = records;
  const header = head.cells.map((c) => c.trim());
  for (const r of body) {
    if (r.cells.length !== header.length) {
      problems.push({ line: r.line, message: `${r.cells.length} cells, the header has ${header.length}` });
    }
  }
  return { header, rows: body.map((r) => r.cells), lines: body.map((r) => r.line), problems };
}

function cell(v) {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Writes rows (arrays of values) as CSV text with a header row (RFC 4180's CRLF lines by default). */
export function toCsv(header, rows, newline = "\r\n") {
  return [header, ...rows].map((r) => r.map(cell).join(",")).join(newline) + newline;
}
