import { formatNumber, type Row } from './table.js';

let writer: Promise<typeof import('hyparquet-writer')> | undefined;

/**
 * Starts loading the Parquet writer, which takes about a tenth of a second: a long job calls this
 * when it starts, so the module is ready when it packages, and commands that write no Parquet never
 * load it.
 */
export function preloadParquet(): Promise<typeof import('hyparquet-writer')> {
  return (writer ??= import('hyparquet-writer'));
}

/**
 * Writes rows as Parquet: a column is DOUBLE when every value in it is a number (NaN kept as null),
 * STRING otherwise, its numbers written as in the CSV (nine significant digits, null where the CSV
 * cell is empty).
 */
export async function writeParquetTable(path: string, rows: readonly Row[], columns: readonly string[]): Promise<void> {
  const { parquetWriteFile } = await preloadParquet();
  const columnData = columns.map((name) => {
    const numeric = rows.every((r) => typeof r[name] === 'number' || r[name] === undefined);
    if (numeric) {
      return { name, type: 'DOUBLE' as const, data: rows.map((r) => { const v = r[name] as number | undefined; return v === undefined || !Number.isFinite(v) ? null : v; }) };
    }
    return { name, type: 'STRING' as const, data: rows.map((r) => { const v = r[name]; return v === undefined ? null : typeof v === 'number' ? (Number.isFinite(v) ? formatNumber(v) : null) : v; }) };
  });
  parquetWriteFile({ filename: path, columnData });
}
