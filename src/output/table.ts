/**
 * Tables as written to CSV and Parquet: named columns of numbers or strings. Numbers are written
 * with nine significant digits, so files stay readable and identical wherever they are computed.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export type Cell = number | string;
export type Row = Record<string, Cell>;

/**
 * Nine significant digits, shortest form (String(Number(x.toPrecision(9)))); NaN and infinities
 * become empty cells. In fixed notation the shortest form is the 9-digit string without trailing
 * zeros (two decimals of at most 15 digits never parse to the same double), which saves a parse and
 * a print per cell on tables of millions of rows.
 */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return '';
  if (Number.isInteger(x)) return String(x);
  const s = x.toPrecision(9);
  if (s.includes('e')) return String(Number(s));
  if (!s.includes('.')) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return s.slice(0, end);
}

export function csvCell(v: Cell | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return formatNumber(v);
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Column order: the given leading columns, then every other key in first-seen order. */
export function columnsOf(rows: readonly Row[], leading: readonly string[] = []): string[] {
  const cols = [...leading];
  const seen = new Set(cols);
  for (const r of rows) for (const k of Object.keys(r)) if (!seen.has(k)) { seen.add(k); cols.push(k); }
  return cols;
}

/** Writes rows as CSV with a header row, streaming so that large tables need no big string. */
export async function writeCsvTable(path: string, rows: Iterable<Row>, columns: readonly string[]): Promise<void> {
  const lines = function* (): Generator<string> {
    for (const r of rows) yield columns.map((c) => csvCell(r[c])).join(',');
  };
  await writeCsvLines(path, columns, lines());
}

/**
 * Writes a header row and lines already formatted (cells through `csvCell`), streaming: the form
 * for tables with millions of rows, where a row object per line would cost more than the writing.
 */
export async function writeCsvLines(path: string, columns: readonly string[], lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  // An error (a missing folder, a folder where the file goes) can come while no write waits for it:
  // kept here and thrown at the next write or the end, instead of left to crash the process.
  let failure: Error | undefined;
  out.on('error', (e) => { failure ??= e; });
  const write = async (text: string) => {
    if (failure) throw failure;
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(columns.join(',') + '\n');
  let batch = '';
  for (const line of lines) {
    batch += line + '\n';
    if (batch.length > 1 << 16) { await write(batch); batch = ''; }
  }
  if (batch) await write(batch);
  out.end();
  await once(out, 'close');
  if (failure) throw failure;
}
