import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FormatError } from '../../src/io/errors.js';
import type { CommentMeta } from '../../src/io/text-header.js';
import { decideLayout, type Layout, type LayoutOptions, type ProbeLine } from '../../src/io/text-layout.js';

/** Probe lines as a reader collects them: byte offsets of '\n'-ended lines, numbered from `firstLine`. */
function probe(lines: string[], firstLine = 1): ProbeLine[] {
  let offset = 0;
  return lines.map((text, i) => {
    const p = { text, offset, line: firstLine + i };
    offset += Buffer.byteLength(text) + 1;
    return p;
  });
}

const layout = (lines: string[], meta: CommentMeta = {}, opts: LayoutOptions = {}): Layout => decideLayout('/data/rec.csv', probe(lines), meta, opts);

const TIME_ECG_PPG = ['time,ECG (mV),PPG', '0,0.5,100', '0.004,0.25,101'];

const FULL: { name: string; lines: string[]; meta?: CommentMeta; opts?: LayoutOptions; want: Layout }[] = [
  {
    name: 'a headerless numeric CSV: no names, channels named after their columns',
    lines: ['1,2', '3,4'],
    want: {
      delimiter: ',', decimalComma: false, ncols: 2, headerRows: 0, names: ['', ''], units: ['', ''], kinds: ['number', 'number'],
      timeCol: -1, timeIsDate: false, signalCols: [0, 1], channelNames: ['ch0', 'ch1'], channelUnits: ['', ''],
    },
  },
  {
    name: 'a header with a time column and a unit in a name',
    lines: TIME_ECG_PPG,
    want: {
      delimiter: ',', decimalComma: false, ncols: 3, headerRows: 1, names: ['time', 'ECG (mV)', 'PPG'], units: ['', 'mV', ''],
      kinds: ['number', 'number', 'number'], timeCol: 0, timeIsDate: false, signalCols: [1, 2], channelNames: ['ECG (mV)', 'PPG'], channelUnits: ['mV', ''],
    },
  },
  {
    name: "rdsamp output: tab-separated, padded, a units row under the header",
    lines: ['   Elapsed time\t   MLII\t     V5', '      (seconds)\t   (mV)\t   (mV)', '         10.000\t -0.390\t -0.275', '         10.003\t -0.395\t -0.265'],
    want: {
      delimiter: '\t', decimalComma: false, ncols: 3, headerRows: 2, names: ['Elapsed time', 'MLII', 'V5'], units: ['seconds', 'mV', 'mV'],
      kinds: ['number', 'number', 'number'], timeCol: 0, timeIsDate: false, signalCols: [1, 2], channelNames: ['MLII', 'V5'], channelUnits: ['mV', 'mV'],
    },
  },
  {
    name: 'a headerless file whose first column is a text label: the first line is data',
    lines: ['a,1', 'b,2'],
    want: {
      delimiter: ',', decimalComma: false, ncols: 2, headerRows: 0, names: ['', ''], units: ['', ''], kinds: ['text', 'number'],
      timeCol: -1, timeIsDate: false, signalCols: [1], channelNames: ['ch1'], channelUnits: [''],
    },
  },
  {
    name: 'a header one cell short (row names left unnamed, as R writes them)',
    lines: ['x,y', '1,0.5,3', '2,0.6,4'],
    want: {
      delimiter: ',', decimalComma: false, ncols: 3, headerRows: 1, names: ['', 'x', 'y'], units: ['', '', ''], kinds: ['number', 'number', 'number'],
      timeCol: -1, timeIsDate: false, signalCols: [0, 1, 2], channelNames: ['ch0', 'x', 'y'], channelUnits: ['', '', ''],
    },
  },
  {
    name: 'a headerless file with date-times and comment labels for the numeric columns only',
    lines: ['2024-01-01T00:00:00Z,1,2', '2024-01-01T00:00:01Z,3,4'],
    meta: { labels: ['ECG', 'PPG'], units: ['mV', ''] },
    want: {
      delimiter: ',', decimalComma: false, ncols: 3, headerRows: 0, names: ['', '', ''], units: ['', '', ''], kinds: ['datetime', 'number', 'number'],
      timeCol: 0, timeIsDate: true, signalCols: [1, 2], channelNames: ['ECG', 'PPG'], channelUnits: ['mV', ''],
    },
  },
  {
    name: 'semicolons and decimal commas under a header',
    lines: ['a;b', '1,5;2,25', '3,0;-4,5'],
    want: {
      delimiter: ';', decimalComma: true, ncols: 2, headerRows: 1, names: ['a', 'b'], units: ['', ''], kinds: ['number', 'number'],
      timeCol: -1, timeIsDate: false, signalCols: [0, 1], channelNames: ['a', 'b'], channelUnits: ['', ''],
    },
  },
];

for (const c of FULL) {
  test(`decideLayout lays out ${c.name}`, () => {
    assert.deepEqual(layout(c.lines, c.meta, c.opts), c.want);
  });
}

test('decideLayout reads a headerless decimal-comma file from its first line', () => {
  const l = layout(['1,5;2,25', '3,0;4,5', '5,5;6,5']);
  assert.equal(l.decimalComma, true);
  assert.equal(l.headerRows, 0);
  assert.deepEqual(l.channelNames, ['ch0', 'ch1']);
});

const PARTS: { name: string; lines: string[]; meta?: CommentMeta; opts?: LayoutOptions; want: Partial<Layout> }[] = [
  { name: 'a units row with an empty cell, under a header', lines: ['t,ecg', ',mV', '0,1'], want: { headerRows: 2, units: ['', 'mV'], timeCol: 0, channelUnits: ['mV'] } },
  { name: 'a units row that overrides a unit in the name', lines: ['t,ecg [uV]', 's,mV', '0,1'], want: { headerRows: 2, units: ['s', 'mV'], channelNames: ['ecg [uV]'], channelUnits: ['mV'] } },
  { name: 'whitespace columns', lines: ['0.1  0.2', '0.3 0.4'], want: { delimiter: 'whitespace', ncols: 2, signalCols: [0, 1] } },
  { name: 'a delimiter given, against the guess', lines: ['1,2;3', '4,5;6'], opts: { delimiter: ',' }, want: { delimiter: ',', ncols: 2, kinds: ['number', 'text'], signalCols: [0] } },
  { name: 'a column kind taken from its first non-empty cell', lines: ['a,b', ',1', '2,x'], want: { headerRows: 1, kinds: ['number', 'number'], signalCols: [0, 1] } },
  { name: 'missing-value cells, which take the kind of the first value below them', lines: ['a,b,c', 'NA,n/a,NULL', '1,x,NA'], want: { kinds: ['number', 'text', 'number'], signalCols: [0, 2] } },
  { name: 'an empty column, left out', lines: ['a,b,c', '1,,2', '3,,4'], want: { kinds: ['number', 'empty', 'number'], signalCols: [0, 2] } },
  { name: 'an empty column, kept with emptyAsNaN', lines: ['a,b,c', '1,,2', '3,,4'], opts: { emptyAsNaN: true }, want: { signalCols: [0, 1, 2], channelNames: ['a', 'b', 'c'] } },
  { name: "a column named 'time' holding text, not taken as time", lines: ['time,v', 'start,1', 'x,2'], want: { headerRows: 1, timeCol: -1, kinds: ['text', 'number'], signalCols: [1] } },
  { name: 'a date-time column not named like time', lines: ['when,v', '2024-01-01 00:00:00,1', '2024-01-01 00:00:01,2'], want: { timeCol: 0, timeIsDate: true, signalCols: [1] } },
  { name: 'a named time column before a date-time one', lines: ['TIMESTAMP_MS,at,v', '1000,2024-01-01T00:00:00Z,1'], want: { timeCol: 0, timeIsDate: false, kinds: ['number', 'datetime', 'number'], signalCols: [2] } },
  { name: 'timeColumn false: the time column read as a signal', lines: TIME_ECG_PPG, opts: { timeColumn: false }, want: { timeCol: -1, signalCols: [0, 1, 2], channelNames: ['time', 'ECG (mV)', 'PPG'] } },
  { name: 'timeColumn by a case-insensitive name', lines: TIME_ECG_PPG, opts: { timeColumn: 'ppg' }, want: { timeCol: 2, signalCols: [0, 1] } },
  { name: 'timeColumn by index', lines: TIME_ECG_PPG, opts: { timeColumn: 1 }, want: { timeCol: 1, signalCols: [0, 2] } },
  { name: 'timeColumn by a digit string', lines: TIME_ECG_PPG, opts: { timeColumn: '2' }, want: { timeCol: 2 } },
  { name: 'columns by name and index, in the order given', lines: TIME_ECG_PPG, opts: { columns: ['PPG', 1] }, want: { signalCols: [2, 1], channelNames: ['PPG', 'ECG (mV)'], channelUnits: ['', 'mV'] } },
  { name: 'columns by a case-insensitive name', lines: TIME_ECG_PPG, opts: { columns: ['ecg (mv)'] }, want: { signalCols: [1] } },
  { name: 'columns by digit string in a headerless file', lines: ['1,2,3', '4,5,6'], opts: { columns: ['2', '0'] }, want: { signalCols: [2, 0], channelNames: ['ch2', 'ch0'] } },
  { name: 'OpenSignals column names for a headerless file', lines: ['0\t1\t512', '1\t1\t515'], meta: { columns: ['nSeq', 'I1', 'A1'] }, want: { names: ['nSeq', 'I1', 'A1'], channelNames: ['nSeq', 'I1', 'A1'] } },
  { name: 'comment column names of the wrong count, ignored', lines: ['0\t1\t512', '1\t1\t515'], meta: { columns: ['nSeq', 'A1'] }, want: { names: ['', '', ''], channelNames: ['ch0', 'ch1', 'ch2'] } },
  { name: 'comment column names, ignored under a header', lines: ['a,b', '1,2'], meta: { columns: ['x', 'y'] }, want: { names: ['a', 'b'] } },
  { name: 'comment labels for every column', lines: ['0,1,2', '1,3,4'], meta: { labels: ['t', 'ECG', 'PPG'], units: ['s', 'mV', 'uV'] }, opts: { timeColumn: 0 }, want: { channelNames: ['ECG', 'PPG'], channelUnits: ['mV', 'uV'] } },
  { name: 'comment labels matching no column count, ignored', lines: ['1,2,3', '4,5,6'], meta: { labels: ['ECG', 'PPG'] }, want: { channelNames: ['ch0', 'ch1', 'ch2'] } },
  { name: 'header names before comment labels', lines: ['x,', '1,2'], meta: { labels: ['A', 'B'] }, want: { names: ['x', ''], channelNames: ['x', 'B'] } },
  { name: 'decimal commas kept as text when switched off', lines: ['n\tv', '1\t2,5', '2\t3,5'], opts: { decimalComma: false }, want: { decimalComma: false, kinds: ['number', 'text'], signalCols: [0] } },
  // With ',' as the delimiter a comma in a cell can only be quoted text, never a decimal mark.
  { name: 'quoted names that read as numbers, over unquoted values', lines: ['"1","2"', '7,8', '9,10'], want: { headerRows: 1, names: ['1', '2'], channelNames: ['1', '2'] } },
  { name: 'quoted numbers over quoted numbers: a headerless file that quotes every cell', lines: ['"1","2"', '"7","8"'], want: { headerRows: 0, channelNames: ['ch0', 'ch1'] } },
  { name: 'a quoted name holding a line break', lines: ['a,"two\nlines"', '1,2'], want: { headerRows: 1, channelNames: ['a', 'two\nlines'] } },
  { name: 'decimal commas never guessed with a comma delimiter', lines: ['a,b', '"1,5",2', '"2,5",3'], want: { decimalComma: false, kinds: ['text', 'number'], signalCols: [1] } },
];

for (const c of PARTS) {
  test(`decideLayout handles ${c.name}`, () => {
    const got = layout(c.lines, c.meta, c.opts) as unknown as Record<string, unknown>;
    const picked = Object.fromEntries(Object.keys(c.want).map((k) => [k, got[k]]));
    assert.deepEqual(picked, c.want);
  });
}

const FORMAT_ERRORS: { name: string; lines: string[]; firstLine?: number; opts?: LayoutOptions; expected: string; where: string; detail: RegExp }[] = [
  { name: 'no lines at all', lines: [], expected: 'at least one data row', where: 'end of file', detail: /no data rows \(empty file\?\)/ },
  { name: 'a header and nothing under it', lines: ['time,ecg'], firstLine: 4, expected: 'at least one data row', where: 'line 5', detail: /the file has a header but no data/ },
  { name: 'data rows wider than the header', lines: ['a,b,c,d', '1,2', '3,4'], firstLine: 2, expected: '4 cells per row as in the header', where: 'line 3', detail: /got 2/ },
  { name: 'no numeric column', lines: ['x,y', 'a,b'], expected: 'at least one numeric column', where: 'line 1', detail: /columns: 0 \(text\), 1 \(text\)/ },
  { name: 'only a time column and text', lines: ['time,label', '0,a', '1,b'], expected: 'at least one numeric column', where: 'line 2', detail: /columns: time \(time\), label \(text\)/ },
];

for (const c of FORMAT_ERRORS) {
  test(`decideLayout raises a FormatError naming the file and line for ${c.name}`, () => {
    assert.throws(() => decideLayout('/data/rec.csv', probe(c.lines, c.firstLine), {}, c.opts ?? {}), (e: unknown) => {
      assert.ok(e instanceof FormatError, String(e));
      assert.equal(e.file, '/data/rec.csv');
      assert.equal(e.expected, c.expected);
      assert.equal(e.where, c.where);
      assert.match(e.message, c.detail);
      return true;
    });
  });
}

const RANGE_ERRORS: { name: string; lines: string[]; opts: LayoutOptions; message: string }[] = [
  { name: 'an unknown time column name', lines: TIME_ECG_PPG, opts: { timeColumn: 'clock' }, message: "timeColumn 'clock' not found (columns: time, ECG (mV), PPG)" },
  { name: 'a time column index past the last column', lines: TIME_ECG_PPG, opts: { timeColumn: 3 }, message: 'timeColumn 3 out of range (0..2)' },
  { name: 'a negative column index', lines: TIME_ECG_PPG, opts: { columns: [-1] }, message: 'columns -1 out of range (0..2)' },
  { name: 'an unknown column in a headerless file, listed by index', lines: ['1,2', '3,4'], opts: { columns: ['ecg'] }, message: "columns 'ecg' not found (columns: 0, 1)" },
  { name: 'an empty column list', lines: TIME_ECG_PPG, opts: { columns: [] }, message: 'columns must name at least one column' },
  { name: 'the time column among the signal columns', lines: TIME_ECG_PPG, opts: { columns: ['PPG', 'time'] }, message: 'columns: column 0 is the time column; pass timeColumn: false to read it as a signal' },
];

for (const c of RANGE_ERRORS) {
  test(`decideLayout refuses ${c.name} with a RangeError`, () => {
    assert.throws(() => layout(c.lines, {}, c.opts), (e: unknown) => e instanceof RangeError && e.message === c.message);
  });
}
