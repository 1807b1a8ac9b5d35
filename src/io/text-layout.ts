/**
 * The layout of a delimited text recording, decided once from its first lines: delimiter, header and
 * units rows, which column is time, which columns are signals, their names and units.
 */
import { FormatError } from './errors.js';
import { guessDelimiter, parseNumber, splitCells, type Delimiter } from './text-cells.js';
import { unitFromName, stripUnitBrackets, type CommentMeta } from './text-header.js';
import { isTimeName, parseDateTime } from './text-time.js';

/** A non-comment line held while the layout is decided. */
export interface ProbeLine {
  text: string;
  offset: number;
  line: number;
}

/** The TextOptions fields that shape the layout (documented, with their defaults, on TextOptions). */
export interface LayoutOptions {
  columns?: (string | number)[];
  timeColumn?: string | number | false;
  delimiter?: Delimiter;
  emptyAsNaN?: boolean;
  decimalComma?: boolean;
}

export type ColumnKind = 'number' | 'datetime' | 'text' | 'empty';

export interface Layout {
  delimiter: Delimiter;
  decimalComma: boolean;
  /** Cells per row. */
  ncols: number;
  /** Probe lines that are header or units rows (0, 1 or 2), not data. */
  headerRows: number;
  /** Column names as the file gives them ('' when it gives none). */
  names: string[];
  /** Units per file column ('' when unknown). */
  units: string[];
  kinds: ColumnKind[];
  /** File column of the time axis, or -1. */
  timeCol: number;
  /** The time column holds ISO-8601 date-times rather than numbers. */
  timeIsDate: boolean;
  /** File columns read as signal channels, in channel order. */
  signalCols: number[];
  /** Channel names, parallel to signalCols. */
  channelNames: string[];
  channelUnits: string[];
}

function kindOf(cell: string, decimalComma: boolean): ColumnKind {
  if (cell === '') return 'empty';
  if (typeof parseNumber(cell, decimalComma) === 'number') return 'number';
  return Number.isNaN(parseDateTime(cell)) ? 'text' : 'datetime';
}

/**
 * Column kind from its first non-empty cell in the probe rows. A later cell of another kind is then an
 * error in that row (a typo in a signal column is reported, not a reason to drop the column). A
 * missing value ('NA', 'nan') fits any column: it decides only when the probe holds nothing else.
 */
function columnKinds(rows: string[][], ncols: number, decimalComma: boolean): ColumnKind[] {
  const kinds: ColumnKind[] = new Array<ColumnKind>(ncols).fill('empty');
  for (let c = 0; c < ncols; c++) {
    for (const r of rows) {
      const cell = r[c] ?? '';
      const k = kindOf(cell, decimalComma);
      if (k === 'empty') continue;
      if (k === 'number' && Number.isNaN(parseNumber(cell, decimalComma))) { kinds[c] = 'number'; continue; }
      kinds[c] = k;
      break;
    }
  }
  return kinds;
}

/** Resolves a column reference (exact name, case-insensitive name, or 0-based index). */
function resolveColumn(ref: string | number, names: string[], ncols: number, what: string): number {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref < 0 || ref >= ncols) throw new RangeError(`${what} ${ref} out of range (0..${ncols - 1})`);
    return ref;
  }
  let i = names.indexOf(ref);
  if (i < 0) i = names.findIndex((n) => n.toLowerCase() === ref.toLowerCase());
  if (i < 0 && /^\d+$/.test(ref)) return resolveColumn(Number(ref), names, ncols, what);
  if (i < 0) throw new RangeError(`${what} '${ref}' not found (columns: ${names.map((n, k) => n || String(k)).join(', ')})`);
  return i;
}

/**
 * Decides the layout from the first non-comment lines. The first line is a header when some column
 * holds text there but a number or date-time on the next line (so a headerless file with a text label
 * column is not mistaken for one); the line after a header is a units row when it holds neither
 * numbers nor date-times ('(seconds)  (mV)  (mV)' in rdsamp output).
 */
export function decideLayout(path: string, probe: ProbeLine[], meta: CommentMeta, opts: LayoutOptions): Layout {
  if (probe.length === 0) throw new FormatError(path, 'at least one data row', 'end of file', 'no data rows (empty file?)');
  const delimiter = opts.delimiter ?? guessDelimiter(probe.slice(0, 20).map((p) => p.text));
  const quoted: boolean[][] = probe.map(() => []);
  const rows = probe.map((p, i) => splitCells(p.text, delimiter, quoted[i]));
  // A cell that reads as a number with a decimal comma ('1,5' in a ';' file) is not text: the first
  // row of a headerless decimal-comma file would otherwise pass for a header.
  const commaNumbers = delimiter !== ',' && opts.decimalComma !== false;
  const isText = (c: string): boolean => kindOf(c, false) === 'text' && !(commaNumbers && kindOf(c, true) === 'number');
  const isValue = (c: string | undefined): boolean => c !== undefined && c !== '' && (!isText(c) || kindOf(c, true) === 'number');
  const r0 = rows[0]!;
  const r1 = rows[1];
  const r2 = rows[2];
  // A quoted cell over an unquoted one names its column whatever it holds ("1" over 7): writers quote
  // names that read as numbers. Over a quoted cell it proves nothing, as some writers quote every cell.
  const isName = (k: number, below: number): boolean => isText(r0[k]!) || (quoted[0]![k] === true && quoted[below]![k] !== true);
  const textOverValue = (below: number): boolean => r0.some((_, k) => isName(k, below) && isValue(rows[below]![k]));
  const r1IsUnits = r1 !== undefined && r1.every((c) => c === '' || isText(c)) && r1.some(isText);
  let headerRows = 0;
  if (!r1) headerRows = r0.some(isText) ? 1 : 0;
  else if (textOverValue(1)) headerRows = 1;
  else if (r1IsUnits && r2 && textOverValue(2)) headerRows = 2;
  const data = rows.slice(headerRows);
  if (data.length === 0) {
    throw new FormatError(path, 'at least one data row', `line ${probe[probe.length - 1]!.line + 1}`, 'the file has a header but no data');
  }
  const ncols = data[0]!.length;
  let names = headerRows > 0 ? r0.slice() : new Array<string>(ncols).fill('');
  // R's write.csv leaves the row-name column unnamed: one header cell fewer than data cells.
  if (names.length === ncols - 1) names.unshift('');
  if (names.length !== ncols) {
    throw new FormatError(path, `${names.length} cells per row as in the header`, `line ${probe[headerRows]!.line}`, `got ${ncols}`);
  }
  if (headerRows === 0 && meta.columns?.length === ncols) names = meta.columns.slice();
  const unitRow = headerRows === 2 ? rows[1]! : [];
  const units = names.map((n, c) => stripUnitBrackets(unitRow[c] ?? '') || unitFromName(n));

  let decimalComma = opts.decimalComma ?? false;
  let kinds = columnKinds(data, ncols, decimalComma);
  if (opts.decimalComma === undefined && delimiter !== ',') {
    const withComma = columnKinds(data, ncols, true);
    if (withComma.some((k, c) => k === 'number' && kinds[c] === 'text')) {
      decimalComma = true;
      kinds = withComma;
    }
  }

  let timeCol = -1;
  if (opts.timeColumn !== undefined && opts.timeColumn !== false) {
    timeCol = resolveColumn(opts.timeColumn, names, ncols, 'timeColumn');
  } else if (opts.timeColumn === undefined) {
    // By name, judged on the first data cell so that one bad timestamp is reported rather than the column ignored.
    timeCol = names.findIndex((n, c) => n !== '' && isTimeName(n) && kindOf(data[0]![c] ?? '', decimalComma) !== 'text');
    if (timeCol < 0) timeCol = kinds.indexOf('datetime');
  }
  const timeIsDate = timeCol >= 0 && kindOf(data[0]![timeCol] ?? '', decimalComma) === 'datetime';

  let signalCols: number[];
  if (opts.columns !== undefined) {
    if (opts.columns.length === 0) throw new RangeError('columns must name at least one column');
    signalCols = opts.columns.map((ref) => resolveColumn(ref, names, ncols, 'columns'));
    const t = signalCols.indexOf(timeCol);
    if (t >= 0) throw new RangeError(`columns: column ${timeCol} is the time column; pass timeColumn: false to read it as a signal`);
  } else {
    signalCols = [];
    kinds.forEach((k, c) => { if (c !== timeCol && (k === 'number' || (k === 'empty' && opts.emptyAsNaN))) signalCols.push(c); });
  }
  if (signalCols.length === 0) {
    throw new FormatError(path, 'at least one numeric column', `line ${probe[headerRows]!.line}`,
      `columns: ${names.map((n, c) => `${n || c} (${c === timeCol ? 'time' : kinds[c]})`).join(', ')}`);
  }

  // Labels from a comment header cover either every file column or just the numeric ones.
  const numericCols = kinds.map((k, c) => (k === 'number' && c !== timeCol ? c : -1)).filter((c) => c >= 0);
  const fromMeta = (list: string[] | undefined, c: number): string | undefined => {
    if (!list) return undefined;
    if (list.length === ncols) return list[c];
    const k = numericCols.indexOf(c);
    return list.length === numericCols.length && k >= 0 ? list[k] : undefined;
  };
  const channelNames = signalCols.map((c) => names[c] || fromMeta(meta.labels, c) || `ch${c}`);
  const channelUnits = signalCols.map((c) => units[c] || fromMeta(meta.units, c) || '');
  return { delimiter, decimalComma, ncols, headerRows, names, units, kinds, timeCol, timeIsDate, signalCols, channelNames, channelUnits };
}
