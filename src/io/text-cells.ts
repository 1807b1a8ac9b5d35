/**
 * Cell-level rules for delimited text: how a line splits into cells, what counts as a number, and how
 * the delimiter is guessed from the first lines.
 */

/** ',' '\t' ';' or 'whitespace' (runs of spaces and tabs). */
export type Delimiter = ',' | '\t' | ';' | 'whitespace';

const WS_RUN = /[ \t]+/;

/**
 * Splits one line into cells. Cells are trimmed; one pair of surrounding double quotes is removed, and a
 * delimiter inside quotes does not split (RFC 4180 quoting, "" as an escaped quote). The quote-aware path
 * runs only for lines that contain a quote, so plain numeric rows take the fast `split`. `quoted`, when
 * given, receives for each cell whether it was quoted (a quoted "1" in a header is a name, not a number).
 */
export function splitCells(text: string, delim: Delimiter, quoted?: boolean[]): string[] {
  if (text.indexOf('"') >= 0) return splitQuoted(text, delim, quoted);
  if (quoted) quoted.length = 0;
  if (delim === 'whitespace') {
    const t = text.trim();
    return t === '' ? [''] : t.split(WS_RUN);
  }
  const cells = text.split(delim);
  for (let i = 0; i < cells.length; i++) cells[i] = cells[i]!.trim();
  return cells;
}

/**
 * True when a line leaves a quoted cell open (an odd number of double quotes: "" escapes pair up),
 * as a header name holding a line break does (RFC 4180).
 */
export function opensQuote(text: string): boolean {
  let n = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) n++;
  return n % 2 === 1;
}

function splitQuoted(text: string, delim: Delimiter, flags: boolean[] = []): string[] {
  const cells: string[] = [];
  flags.length = 0;
  let cur = '';
  let inQuote = false;
  let quoted = false;
  const isDelim = delim === 'whitespace' ? (c: string) => c === ' ' || c === '\t' : (c: string) => c === delim;
  const t = delim === 'whitespace' ? text.trim() : text;
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (inQuote) {
      if (c === '"') {
        if (t[i + 1] === '"') { cur += '"'; i++; } else inQuote = false;
      } else cur += c;
    } else if (c === '"') {
      inQuote = true;
      quoted = true;
    } else if (isDelim(c)) {
      if (delim === 'whitespace' && cur === '' && !quoted) continue;
      cells.push(quoted ? cur : cur.trim());
      flags.push(quoted);
      cur = '';
      quoted = false;
    } else cur += c;
  }
  cells.push(quoted ? cur : cur.trim());
  flags.push(quoted);
  return cells;
}

/** NaN as NumPy and Python's float() read it, in any case. */
const NAN_WORDS = new Set(['nan', '+nan', '-nan']);
/**
 * The other default `na_values` of pandas.read_csv, case as written there (R writes 'NA',
 * spreadsheets '#N/A', databases 'NULL'): a column headed 'Na' or 'none' keeps its name.
 */
const NA_VALUES = new Set(['NA', 'N/A', 'n/a', '#N/A', '#N/A N/A', '#NA', '<NA>', 'NULL', 'null', 'None', '1.#IND', '-1.#IND', '1.#QNAN', '-1.#QNAN']);
const INF_WORDS = new Map([['inf', Infinity], ['+inf', Infinity], ['-inf', -Infinity], ['infinity', Infinity], ['+infinity', Infinity], ['-infinity', -Infinity]]);

/** Result of `parseNumber` for an empty cell. */
export const EMPTY = Symbol('empty');
/** Result of `parseNumber` for a cell that is not a number. */
export const NOT_A_NUMBER = Symbol('not a number');

/**
 * Parses a trimmed cell as a float64 with JavaScript's correctly rounded `Number`, also accepting the
 * spellings NumPy and spreadsheets write for non-finite values (nan, inf, -inf). With `decimalComma`
 * a single ',' is read as the decimal point.
 */
export function parseNumber(cell: string, decimalComma: boolean): number | typeof EMPTY | typeof NOT_A_NUMBER {
  if (cell.length === 0) return EMPTY;
  const s = decimalComma ? cell.replace(',', '.') : cell;
  const v = Number(s);
  if (v === v) {
    // Number('0x1f') and Number('0b1') succeed; a text signal never means those, so refuse them.
    const p = s.charCodeAt(0) === 45 || s.charCodeAt(0) === 43 ? 1 : 0;
    if (s.charCodeAt(p) === 48 && (s.charCodeAt(p + 1) | 32) > 97 && /^[+-]?0[xbo]/i.test(s)) return NOT_A_NUMBER;
    return v;
  }
  const low = s.toLowerCase();
  if (NAN_WORDS.has(low) || NA_VALUES.has(s)) return NaN;
  const inf = INF_WORDS.get(low);
  return inf ?? NOT_A_NUMBER;
}

/** True when the cell reads as a number (or a NaN/inf spelling). */
export function isNumeric(cell: string, decimalComma = false): boolean {
  return typeof parseNumber(cell, decimalComma) === 'number';
}

/** Counts a character outside double quotes. */
function countOutsideQuotes(text: string, ch: string): number {
  let n = 0;
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') q = !q;
    else if (!q && c === ch) n++;
  }
  return n;
}

/**
 * Guesses the delimiter from a sample of lines (comments removed): the first of tab, semicolon, comma that
 * occurs the same non-zero number of times on every sampled line; otherwise whitespace when the lines
 * split into the same number (> 1) of space-separated cells; otherwise ',' (single-column file, where the
 * choice does not matter). Requiring equal counts keeps a decimal comma ("1,5;2,3") from passing as the
 * delimiter when the header row has none.
 */
export function guessDelimiter(lines: string[]): Delimiter {
  const sample = lines.filter((l) => l.trim() !== '');
  if (sample.length === 0) return ',';
  for (const d of ['\t', ';', ','] as const) {
    const n0 = countOutsideQuotes(sample[0]!, d);
    if (n0 > 0 && sample.every((l) => countOutsideQuotes(l, d) === n0)) return d;
  }
  const w0 = splitCells(sample[0]!, 'whitespace').length;
  if (w0 > 1 && sample.every((l) => splitCells(l, 'whitespace').length === w0)) return 'whitespace';
  return ',';
}
