// Writing CSV (RFC 4180: quoted fields, doubled quotes, CRLF lines), no dependencies. Reading
// is the package's `fromCsv` (one reader for the package, its users and this page).

function cell(v) {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Writes rows (arrays of values) as CSV text with a header row (RFC 4180's CRLF lines by default). */
export function toCsv(header, rows, newline = "\r\n") {
  return [header, ...rows].map((r) => r.map(cell).join(",")).join(newline) + newline;
}
