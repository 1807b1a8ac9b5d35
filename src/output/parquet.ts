import { parquetWriteFile } from 'hyparquet-writer';
import type { Row } from './table.js';

/**
 * Writes rows as Parquet: a column is DOUBLE when every value in it is a number (NaN kept as null),
 * STRING otherwise.
 */
export function writeParquetTable(path: string, rows: readonly Row[], columns: readonly string[]): void {
  const columnData = columns.map((name) => {
    const numeric = rows.every((r) => typeof r[name] === 'number' || r[name] === undefined);
    if (numeric) {
      return { name, type: 'DOUBLE' as const, data: rows.map((r) => { const v = r[name] as number | undefined; return v === undefined || !Number.isFinite(v) ? null : v; }) };
    }
    return { name, type: 'STRING' as const, data: rows.map((r) => (r[name] === undefined ? null : String(r[name]))) };
  });
  parquetWriteFile({ filename: path, columnData });
}
