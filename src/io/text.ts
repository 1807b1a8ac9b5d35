/**
 * Delimited text recordings (CSV, TSV, whitespace columns, BioSPPy/OpenSignals text files). Opening
 * scans the file once in bounded blocks: it decides the layout from the first lines, validates every
 * signal cell, counts rows, estimates the rate from a time column when it must, and keeps a sparse
 * index of row byte offsets. Reads seek to the nearest indexed row and parse forward only what they need.
 */
import { FormatError } from './errors.js';
import { PositionalFile } from './file.js';
import { Recording, type ChannelInfo, type RecordingInfo, type StoredBlock } from './recording.js';
import { EMPTY, opensQuote, parseNumber, splitCells, type Delimiter } from './text-cells.js';
import { parseCommentMeta, type CommentMeta } from './text-header.js';
import { decideLayout, type Layout, type ProbeLine } from './text-layout.js';
import { forEachLine } from './text-lines.js';
import { isoFromSeconds, parseDateTime, RateEstimator, timeUnitFromText, timeUnitFromValues } from './text-time.js';

export interface TextOptions {
  /** Sampling rate in Hz; overrides any rate the file states. default: the rate of a comment header, else the one implied by the time column */
  fs?: number;
  /** Signal columns by header name or 0-based file column index (the time column counts). default: every numeric column except the time column */
  columns?: (string | number)[];
  /** Time column by name or index, or false for none. default: the first column named like time/timestamp/TIMESTAMP_MS/'Elapsed time' holding numbers or date-times, else the first date-time column */
  timeColumn?: string | number | false;
  /** Cell delimiter. default: guessed from the first lines (tab, semicolon, comma, then whitespace) */
  delimiter?: Delimiter;
  /** Lines whose first non-blank characters are this are comments; the leading ones are parsed for metadata. '' disables comments. default: '#' */
  comment?: string;
  /** Read empty signal cells as NaN instead of raising a FormatError. default: false */
  emptyAsNaN?: boolean;
  /** Read ',' as the decimal mark. default: true only when the delimiter is not ',' and cells parse only that way */
  decimalComma?: boolean;
}

/** Rows between sparse index entries: a read parses at most this many rows it does not return. */
const INDEX_STRIDE = 4096;
/** Non-comment lines looked at before the layout is decided. */
const PROBE_LINES = 64;
/** Lines a quoted header name may span (line breaks in channel names). */
const MAX_HEADER_LINES = 16;
/** Leading comment lines kept for metadata and `info.comments`. */
const MAX_COMMENTS = 1000;

interface Cursor {
  row: number;
  offset: number;
  line: number;
}

export class TextRecording extends Recording {
  readonly info: RecordingInfo;
  /** File column of each channel. */
  private readonly cols: number[];
  private readonly file: PositionalFile;
  private readonly layout: Layout;
  private readonly comment: string;
  private readonly emptyAsNaN: boolean;
  private readonly index: Cursor[];
  private readonly bytesPerRow: number;
  /** Where the previous read stopped, so that sequential chunks do not re-parse from the index entry. */
  private cursor: Cursor | undefined;

  /** Use `openText`. */
  constructor(file: PositionalFile, info: RecordingInfo, layout: Layout, index: Cursor[], bytesPerRow: number, opts: TextOptions) {
    super();
    this.file = file;
    this.info = info;
    this.layout = layout;
    this.cols = layout.signalCols;
    this.index = index;
    this.bytesPerRow = bytesPerRow;
    this.comment = opts.comment ?? '#';
    this.emptyAsNaN = opts.emptyAsNaN ?? false;
  }

  protected async readStored(channels: number[], start: number, end: number): Promise<StoredBlock[]> {
    const out = channels.map(() => new Float64Array(end - start));
    if (end === start) return out;
    const cols = channels.map((c) => this.cols[c]!);
    let from = this.index[Math.floor(start / INDEX_STRIDE)]!;
    const cur = this.cursor;
    if (cur && cur.row <= start && cur.row > from.row) from = cur;
    const { delimiter, ncols, decimalComma } = this.layout;
    const path = this.file.path;
    const comment = this.comment;
    const emptyAsNaN = this.emptyAsNaN;
    const wanted = end - from.row;
    const blockSize = Math.min(1 << 20, Math.max(1 << 16, Math.ceil(wanted * this.bytesPerRow * 1.1)));
    let row = from.row;
    await forEachLine(this.file, (text, offset, line) => {
      if (isSkipped(text, comment)) return true;
      if (row >= end) {
        this.cursor = { row, offset, line };
        return false;
      }
      if (row >= start) {
        const cells = splitCells(text, delimiter);
        if (cells.length !== ncols) throw raggedError(path, line, ncols, cells.length);
        const i = row - start;
        for (let k = 0; k < cols.length; k++) {
          out[k]![i] = cellValue(path, line, cols[k]!, cells[cols[k]!]!, decimalComma, emptyAsNaN, this.layout);
        }
      }
      row++;
      return true;
    }, { from: from.offset, line: from.line, blockSize });
    if (row < end) {
      throw new FormatError(path, `${this.info.channels[0]!.samples} data rows as when opened`, `row ${row}`, 'file changed or truncated since it was opened');
    }
    return out;
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}

/** Blank lines and comment lines carry no row. */
function isSkipped(text: string, comment: string): boolean {
  let i = 0;
  while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  if (i === text.length) return true;
  return comment !== '' && text.startsWith(comment, i);
}

function raggedError(path: string, line: number, expected: number, got: number): FormatError {
  return new FormatError(path, `${expected} cells per row`, `line ${line}`, `got ${got} (ragged row)`);
}

function columnLabel(layout: Layout, col: number): string {
  const name = layout.names[col];
  return name ? `column ${col + 1} (${name})` : `column ${col + 1}`;
}

function cellValue(path: string, line: number, col: number, cell: string, decimalComma: boolean, emptyAsNaN: boolean, layout: Layout): number {
  const v = parseNumber(cell, decimalComma);
  if (typeof v === 'number') return v;
  if (v === EMPTY) {
    if (emptyAsNaN) return NaN;
    throw new FormatError(path, 'a number', `line ${line}, ${columnLabel(layout, col)}`, 'empty cell; pass emptyAsNaN to read empty cells as NaN');
  }
  throw new FormatError(path, 'a number', `line ${line}, ${columnLabel(layout, col)}`, `got '${cell.length > 40 ? cell.slice(0, 40) + '...' : cell}'`);
}

/**
 * Opens a delimited text recording with one full streaming scan (see the module comment). Values are
 * stored physical: gain 1, baseline 0, storage 'float64'. Throws FormatError for a bad cell, a ragged
 * row, an empty file, or when no rate can be found (pass `fs`).
 */
export async function openText(path: string, opts: TextOptions = {}): Promise<TextRecording> {
  if (opts.fs !== undefined && !(opts.fs > 0 && Number.isFinite(opts.fs))) throw new RangeError(`fs must be a positive number of Hz, got ${opts.fs}`);
  const comment = opts.comment ?? '#';
  const emptyAsNaN = opts.emptyAsNaN ?? false;
  const file = new PositionalFile(path);
  try {
    const comments: string[] = [];
    const probe: ProbeLine[] = [];
    let layout: Layout | undefined;
    let rows = 0;
    let lastLine = 0;
    let firstTime = NaN;
    const index: Cursor[] = [];
    let rate: RateEstimator | undefined;
    let timeIsDate = false;
    let dataStart = -1;
    let dataEnd = 0;
    let meta: CommentMeta = {};

    const onData = (text: string, offset: number, line: number): void => {
      const L = layout!;
      const cells = splitCells(text, L.delimiter);
      if (cells.length !== L.ncols) throw raggedError(path, line, L.ncols, cells.length);
      for (const c of L.signalCols) cellValue(path, line, c, cells[c]!, L.decimalComma, emptyAsNaN, L);
      if (L.timeCol >= 0 && (rate || rows === 0)) {
        const cell = cells[L.timeCol]!;
        const t = timeIsDate ? parseDateTime(cell) : parseNumber(cell, L.decimalComma);
        if (typeof t !== 'number' || Number.isNaN(t)) {
          throw new FormatError(path, timeIsDate ? 'a date-time' : 'a number', `line ${line}, ${columnLabel(L, L.timeCol)}`, `time column cell '${cell.slice(0, 40)}'`);
        }
        if (rows === 0) firstTime = t;
        rate?.push(t);
      }
      if (rows % INDEX_STRIDE === 0) index.push({ row: rows, offset, line });
      if (dataStart < 0) dataStart = offset;
      dataEnd = offset + text.length;
      rows++;
    };
    const settle = (): void => {
      meta = parseCommentMeta(comments);
      layout = decideLayout(path, probe, meta, opts);
      timeIsDate = layout.timeIsDate;
      if (layout.timeCol >= 0 && opts.fs === undefined && meta.fs === undefined) rate = new RateEstimator();
      for (const p of probe.slice(layout.headerRows)) onData(p.text, p.offset, p.line);
      probe.length = 0;
    };

    // A header whose quoted names hold line breaks spans several lines: they are joined before the
    // layout is decided, and replayed one by one if no closing quote comes within a few lines.
    let held: ProbeLine[] = [];
    /** The held lines as the lines they are: the first a probe line, the others read again. */
    const release = (): void => {
      const lines = held;
      held = [];
      probe.push(lines.shift()!);
      for (const h of lines) onLine(h.text, h.offset, h.line);
    };
    const onLine = (text: string, offset: number, line: number): void => {
      if (held.length > 0) {
        held.push({ text, offset, line });
        const joined = held.map((h) => h.text).join('\n');
        if (!opensQuote(joined)) {
          probe.push({ text: joined, offset: held[0]!.offset, line: held[0]!.line });
          held = [];
        } else if (held.length > MAX_HEADER_LINES) release();
        return;
      }
      if (isSkipped(text, comment)) {
        if (!layout && probe.length === 0 && comments.length < MAX_COMMENTS && text.trim() !== '') {
          comments.push(text.trim().slice(comment.length).trim());
        }
        return;
      }
      if (layout) onData(text, offset, line);
      else if (probe.length === 0 && opensQuote(text)) held.push({ text, offset, line });
      else {
        probe.push({ text, offset, line });
        if (probe.length === PROBE_LINES) settle();
      }
    };
    await forEachLine(file, (text, offset, line) => {
      lastLine = line;
      onLine(text, offset, line);
    });
    // The file ended inside the quote: its lines are rows as they stand.
    if (held.length > 0) release();
    if (!layout) {
      if (probe.length === 0) throw new FormatError(path, 'at least one data row', `line ${lastLine + 1}`, lastLine === 0 ? 'empty file' : 'only comments and blank lines');
      settle();
    }
    const L = layout!;

    let fs = opts.fs ?? meta.fs;
    let rateSource = opts.fs !== undefined ? 'option' : 'header';
    let startTime = meta.startTime;
    if (L.timeCol >= 0) {
      const spu = timeIsDate ? 1 : timeUnitFromText(L.names[L.timeCol]!, L.units[L.timeCol]!)
        ?? timeUnitFromValues(firstTime, rate?.medianStep() ?? NaN, rate?.integerSteps() ?? false);
      if (startTime === undefined && rows > 0 && firstTime * spu >= 1e9) startTime = isoFromSeconds(firstTime * spu);
      if (fs === undefined && rate) {
        fs = rate.rate(spu);
        rateSource = 'time column';
        if (!(fs > 0 && Number.isFinite(fs))) {
          throw new FormatError(path, 'increasing timestamps', columnLabel(L, L.timeCol), 'cannot infer the sampling rate; pass fs (--fs HZ)');
        }
      }
    }
    if (fs === undefined) {
      throw new FormatError(path, 'a sampling rate', 'header', 'the file states no rate and has no time column; pass fs (--fs HZ)');
    }
    const channels: ChannelInfo[] = L.signalCols.map((col, k) => ({
      name: L.channelNames[k]!,
      unit: L.channelUnits[k]!,
      fs: fs!,
      samples: rows,
      gain: 1,
      baseline: 0,
      storage: 'float64',
      extra: { column: col, rateSource, ...(L.timeCol >= 0 ? { timeColumn: L.names[L.timeCol] || String(L.timeCol) } : {}) },
    }));
    const info: RecordingInfo = {
      path,
      format: 'text',
      variant: L.ncols === 1 ? 'lines' : VARIANT[L.delimiter],
      ...(startTime !== undefined ? { startTime } : {}),
      duration: rows / fs,
      channels,
      annotations: [],
      comments,
    };
    const bytesPerRow = rows > 0 ? Math.max(1, (dataEnd - dataStart) / rows) : 1;
    return new TextRecording(file, info, L, index, bytesPerRow, opts);
  } catch (e) {
    await file.close();
    throw e;
  }
}

const VARIANT: Record<Delimiter, string> = { ',': 'csv', '\t': 'tsv', ';': 'semicolon', whitespace: 'whitespace' };
