import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../src/io/errors.js';
import { openText, type TextOptions } from '../../src/io/text.js';
import { needShared, shared } from '../helpers/shared.js';
import { seededRandom as rng } from '../../src/signals/random.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-text-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
function tmpFile(content: string | Buffer, ext = '.csv'): string {
  const p = join(dir, `f${fileNo++}${ext}`);
  writeFileSync(p, content);
  return p;
}

/** Seeded PRNG (mulberry32) for reproducible ranges and mutations. */
/** An independent, whole-file parse: the non-comment, non-blank lines split on `delim`. */
function naiveColumn(path: string, col: number, delim: string | RegExp, skipRows: number): number[] {
  const lines = readFileSync(path, 'utf8').split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  return lines.slice(skipRows).map((l) => Number(l.trim().split(delim)[col]));
}

async function readAll(path: string, opts: TextOptions = {}): Promise<{ names: string[]; fs: number; rows: number; data: Float64Array[] }> {
  const rec = await openText(path, opts);
  try {
    const rows = rec.info.channels[0]!.samples;
    const data = (await rec.read(rec.signalChannels(), 0, rows)) as Float64Array[];
    return { names: rec.info.channels.map((c) => c.name), fs: rec.info.channels[0]!.fs, rows, data };
  } finally {
    await rec.close();
  }
}

const catalog = (): Record<string, { rows?: number; header?: string | null }> =>
  JSON.parse(readFileSync(shared('data/catalog.json'), 'utf8')) as Record<string, { rows?: number }>;

// Rates: the README's table (biosppy headers, heartpy file names) and, for vitaldsp_ECG_short.csv, the
// median timestamp step computed with NumPy: np.median(np.diff(t)) = 0.00787402 s -> 127.0 Hz.
const SHARED_TEXT: { file: string; fs?: number; expectFs: number; names: string[]; col: number; skip: number; delim: string | RegExp; startTime?: string }[] = [
  { file: 'ecg/biosppy_ecg.txt', expectFs: 1000, names: ['ECG'], col: 0, skip: 0, delim: ',' },
  { file: 'ppg/biosppy_ppg.txt', expectFs: 1000, names: ['PPG'], col: 0, skip: 0, delim: ',' },
  { file: 'resp/biosppy_resp.txt', expectFs: 1000, names: ['Resp'], col: 0, skip: 0, delim: ',' },
  { file: 'eeg/biosppy_eeg_eyes_closed.txt', expectFs: 125, names: ['EEG'], col: 0, skip: 0, delim: ',', startTime: '2021-07-18T23:58:26.361Z' },
  { file: 'eeg/biosppy_eeg_eyes_open.txt', expectFs: 125, names: ['EEG'], col: 0, skip: 0, delim: ',', startTime: '2021-07-18T23:58:26.465Z' },
  { file: 'ecg/heartpy_e0103_250hz.csv', fs: 250, expectFs: 250, names: ['ch0'], col: 0, skip: 0, delim: ',' },
  { file: 'ppg/heartpy_ppg_100hz.csv', fs: 100, expectFs: 100, names: ['ch0'], col: 0, skip: 0, delim: ',' },
  { file: 'ecg/vitaldsp_ECG_short.csv', expectFs: 127, names: ['ECG'], col: 1, skip: 1, delim: ',', startTime: '2023-12-11T02:17:29.269Z' },
  {
    file: 'ppg/vitaldsp_PPG_short.csv', expectFs: 100, col: 6, skip: 1, delim: ',',
    names: ['COUNTER', 'DEVICE_ID', 'PULSE_BPM', 'SPO2_PCT', 'SPO2_STATUS', 'PLETH', 'BATTERY_PCT', 'RED_ADC', 'IR_ADC', 'PERFUSION_INDEX'],
  },
];

for (const c of SHARED_TEXT) {
  test(`openText reads ${c.file}: row count as catalog.json, rate, names and values`, { skip: needShared(`data/${c.file}`) || needShared('data/catalog.json') }, async () => {
    const path = shared(`data/${c.file}`);
    const rec = await openText(path, c.fs !== undefined ? { fs: c.fs } : {});
    try {
      const entry = catalog()[c.file]!;
      assert.equal(rec.info.format, 'text');
      assert.deepEqual(rec.info.channels.map((ch) => ch.name), c.names);
      for (const ch of rec.info.channels) {
        assert.equal(ch.samples, entry.rows);
        assert.equal(ch.fs, c.expectFs);
        assert.deepEqual([ch.gain, ch.baseline, ch.storage], [1, 0, 'float64']);
      }
      assert.equal(rec.info.startTime, c.startTime);
      const k = c.names.length === 1 ? 0 : c.col - 1; // PLETH is file column 6, channel 5 (TIMESTAMP_MS is time)
      const [got] = await rec.read(k, 0, entry.rows!);
      assert.deepEqual(Array.from(got!), naiveColumn(path, c.col, c.delim, c.skip));
    } finally {
      await rec.close();
    }
  });
}

test('openText without a rate anywhere asks for fs', { skip: needShared('data/ecg/heartpy_e0103_250hz.csv') }, async () => {
  await assert.rejects(openText(shared('data/ecg/heartpy_e0103_250hz.csv')), (e: unknown) => e instanceof FormatError && /--fs/.test(e.message));
});

test('openText reads the hrv-analysis NN series (1,000 values, one per line)', { skip: needShared('data/hrv/hrvanalysis_test_nn_intervals.txt') }, async () => {
  const path = shared('data/hrv/hrvanalysis_test_nn_intervals.txt');
  const r = await readAll(path, { fs: 1 });
  assert.equal(r.rows, 1000);
  assert.deepEqual(Array.from(r.data[0]!), naiveColumn(path, 0, ',', 0));
});

test('openText refuses the pyHRV report (text, no numeric column) with a FormatError', { skip: needShared('data/hrv/pyhrv_SampleReport.txt') }, async () => {
  await assert.rejects(openText(shared('data/hrv/pyhrv_SampleReport.txt'), { fs: 1 }), (e: unknown) => e instanceof FormatError && /numeric column/.test(e.message));
});

test('openText reads rdsamp output: tab delimiter, units row, time column in seconds', { skip: needShared('data/wfdb/100s.rdsamp.txt') }, async () => {
  const path = shared('data/wfdb/100s.rdsamp.txt');
  const rec = await openText(path);
  try {
    assert.deepEqual(rec.info.channels.map((c) => [c.name, c.unit]), [['MLII', 'mV'], ['V5', 'mV']]);
    assert.equal(rec.info.channels[0]!.samples, 360);
    // Timestamps printed to ms (1/360 s steps show as 2 or 3 ms): the rate is near 360, not 1/0.003 = 333.
    assert.ok(Math.abs(rec.info.channels[0]!.fs - 360) < 0.5, `fs ${rec.info.channels[0]!.fs}`);
    const [mlii, v5] = (await rec.read([0, 1], 0, 360)) as Float64Array[];
    assert.deepEqual(Array.from(mlii!), naiveColumn(path, 1, '\t', 2));
    assert.deepEqual(Array.from(v5!), naiveColumn(path, 2, '\t', 2));
  } finally {
    await rec.close();
  }
});

test('openText selects columns by header name and by file column index', { skip: needShared('data/ppg/vitaldsp_PPG_short.csv') }, async () => {
  const path = shared('data/ppg/vitaldsp_PPG_short.csv');
  const r = await readAll(path, { columns: ['PLETH', 9, 'pulse_bpm'] });
  assert.deepEqual(r.names, ['PLETH', 'IR_ADC', 'PULSE_BPM']);
  assert.deepEqual(Array.from(r.data[0]!), naiveColumn(path, 6, ',', 1));
  assert.deepEqual(Array.from(r.data[1]!), naiveColumn(path, 9, ',', 1));
  assert.deepEqual(Array.from(r.data[2]!), naiveColumn(path, 3, ',', 1));
  await assert.rejects(openText(path, { columns: ['NOPE'] }), /columns 'NOPE' not found/);
  await assert.rejects(openText(path, { columns: [0] }), /time column/);
  const t = await readAll(path, { timeColumn: false, fs: 100, columns: [0] });
  assert.deepEqual(t.names, ['TIMESTAMP_MS']);
  assert.equal(t.data[0]![1], 10);
});

// A generated file with comments, blank lines and CRLF endings inside the data, spanning several index strides.
function generated(rows: number, seed: number): { path: string; cols: number[][] } {
  const r = rng(seed);
  const cols: number[][] = [[], []];
  const lines = ['# Sampling rate: 500 Hz', 'a;b'];
  for (let i = 0; i < rows; i++) {
    const a = Math.round((r() - 0.5) * 2e6) / 1e3;
    const b = r() * 1e-3;
    cols[0]!.push(a);
    cols[1]!.push(b);
    lines.push(`${a};${b}`);
    if (r() < 0.01) lines.push('# note');
    if (r() < 0.01) lines.push('');
  }
  return { path: tmpFile(lines.join('\r\n') + '\r\n'), cols };
}

test('random access with read(start, end) equals slices of the full read (seeded ranges)', async () => {
  const { path, cols } = generated(20000, 7);
  const rec = await openText(path);
  try {
    assert.equal(rec.info.channels[0]!.fs, 500);
    assert.equal(rec.info.variant, 'semicolon');
    const full = (await rec.read([0, 1], 0, 20000)) as Float64Array[];
    assert.deepEqual(Array.from(full[0]!), cols[0]);
    assert.deepEqual(Array.from(full[1]!), cols[1]);
    const r = rng(11);
    for (let k = 0; k < 60; k++) {
      const s = Math.floor(r() * 20000);
      const e = Math.min(20000, s + Math.floor(r() * 9000));
      const ch = k % 3 === 0 ? [1, 0] : [k % 2];
      const got = await rec.read(ch, s, e);
      ch.forEach((c, i) => assert.deepEqual(got[i], full[c]!.subarray(s, e), `channel ${c} [${s}, ${e})`));
    }
    const parts: number[] = [];
    for await (const chunk of rec.chunks({ samples: 3000, overlap: 100, channels: [1] })) {
      parts.push(...Array.from(chunk.data[0]!).slice(chunk.overlap));
    }
    assert.deepEqual(parts, cols[1]);
  } finally {
    await rec.close();
  }
});

const BAD: { name: string; content: string; re: RegExp; opts?: TextOptions }[] = [
  { name: 'a non-numeric cell', content: 'x,y\n1,2\n3,4\n5,oops\n', re: /line 4, column 2 \(y\).*'oops'/ },
  { name: 'a ragged row', content: '# fs: 10\n1,2\n3,4\n5\n6,7\n', re: /2 cells per row at line 4.*got 1/ },
  { name: 'an empty cell', content: 'x,y\n1,2\n3,\n', re: /line 3, column 2 \(y\).*empty cell/ },
  { name: 'an empty file', content: '', re: /at least one data row.*empty file/ },
  { name: 'only comments', content: '# fs = 100\n#\n\n', re: /at least one data row at line 4/ },
  { name: 'a header without data', content: 'time,ecg\n', re: /header but no data/ },
  { name: 'a bad cell far beyond the probed lines', content: 'v\n' + '1\n'.repeat(5000) + '1e\n', re: /line 5002, column 1 \(v\).*'1e'/ },
  { name: 'a bad timestamp', content: 'time,v\n0,1\n0.1,2\nlater,3\n', re: /a number at line 4, column 1 \(time\)/, opts: {} },
];

for (const b of BAD) {
  test(`openText raises a FormatError with the line for ${b.name}`, async () => {
    const path = tmpFile(b.content);
    await assert.rejects(openText(path, b.opts ?? { fs: 10 }), (e: unknown) => {
      assert.ok(e instanceof FormatError, String(e));
      assert.ok(e.message.startsWith(path), e.message);
      assert.match(e.message, b.re);
      return true;
    });
  });
}

test('emptyAsNaN reads empty cells as NaN', async () => {
  const r = await readAll(tmpFile('x,y\n1,2\n3,\n,6\n'), { fs: 1, emptyAsNaN: true });
  assert.deepEqual(Array.from(r.data[0]!), [1, 3, NaN]);
  assert.deepEqual(Array.from(r.data[1]!), [2, NaN, 6]);
});

const LAYOUTS: { name: string; content: string; names: string[]; fs: number; values: number[][]; units?: string[]; opts?: TextOptions }[] = [
  { name: 'tab-separated with a "time (s)" column', content: 'time (s)\tECG (mV)\n0\t0.5\n0.004\t0.25\n0.008\t-1\n', names: ['ECG (mV)'], units: ['mV'], fs: 250, values: [[0.5, 0.25, -1]] },
  { name: 'semicolons with decimal commas', content: 'time;wert\n0;1,5\n0,01;2,25\n0,02;-3\n', names: ['wert'], fs: 100, values: [[1.5, 2.25, -3]] },
  { name: 'whitespace columns without header', content: '  1.5   2\n  2.5   3\n', names: ['ch0', 'ch1'], fs: 1, values: [[1.5, 2.5], [2, 3]], opts: { fs: 1 } },
  { name: 'quoted header cells and an unnamed row-name column (R write.csv)', content: '"a, b","c"\n"1",10,20\n"2",11,21\n', names: ['ch0', 'a, b', 'c'], fs: 2, values: [[1, 2], [10, 11], [20, 21]], opts: { fs: 2 } },
  { name: 'integer ms timestamps without a unit in the name', content: 't,v\n1000,1\n1004,2\n1008,3\n1012,4\n', names: ['v'], fs: 250, values: [[1, 2, 3, 4]] },
  { name: 'epoch-ms timestamps with a gap', content: 'timestamp,v\n1700000000000,1\n1700000000010,2\n1700000000020,3\n1700000000530,4\n1700000000540,5\n', names: ['v'], fs: 100, values: [[1, 2, 3, 4, 5]] },
  { name: '"# fs = 250" and NaN/inf spellings', content: '# fs = 250\nnan\n-inf\n1e-3\n', names: ['ch0'], fs: 250, values: [[NaN, -Infinity, 0.001]] },
  { name: "R's NA and other pandas missing-value spellings as NaN", content: 'time,ecg\n0,1\n0.5,NA\n1,#N/A\n1.5,NULL\n2,2\n', names: ['ecg'], fs: 2, values: [[1, NaN, NaN, NaN, 2]] },
  { name: 'an OpenSignals JSON header', content: '# OpenSignals Text File Format\n# {"00:07:80:0F:30:80": {"sampling rate": 1000, "column": ["nSeq", "DI", "A1"], "label": ["A1"]}}\n# EndOfHeader\n0\t0\t512\n1\t0\t515\n', names: ['nSeq', 'DI', 'A1'], fs: 1000, values: [[0, 1], [0, 0], [512, 515]] },
  { name: 'a label column that is not a header', content: 'N,1.5\nV,2.5\n', names: ['ch1'], fs: 3, values: [[1.5, 2.5]], opts: { fs: 3 } },  { name: 'a header whose quoted name spans two lines, comment marker and blank line included', content: 'time_s,"ECG\n# lead II\n\nraw"\n0,1\n0.5,2\n', names: ['ECG\n# lead II\n\nraw'], fs: 2, values: [[1, 2]] },
  { name: 'a first line whose quote never closes, as plain rows (file ends first)', content: 'time,"v\n0,1\n0.5,2\n', names: ['v'], fs: 2, values: [[1, 2]] },
  { name: 'a first line whose quote never closes, as plain rows (past the lines a header may span)', content: 'time,"v\n0.0,0\n0.1,1\n0.2,2\n0.3,3\n0.4,4\n0.5,5\n0.6,6\n0.7,7\n0.8,8\n0.9,9\n1.0,10\n1.1,11\n1.2,12\n1.3,13\n1.4,14\n1.5,15\n1.6,16\n1.7,17\n1.8,18\n1.9,19\n', names: ['v'], fs: 10, values: [Array.from({ length: 20 }, (_, i) => i)] },
];

for (const l of LAYOUTS) {
  test(`openText reads ${l.name}`, async () => {
    const path = tmpFile(l.content);
    const rec = await openText(path, l.opts ?? {});
    try {
      assert.deepEqual(rec.info.channels.map((c) => c.name), l.names);
      if (l.units) assert.deepEqual(rec.info.channels.map((c) => c.unit), l.units);
      assert.equal(rec.info.channels[0]!.fs, l.fs);
      const got = await rec.read(rec.signalChannels(), 0, l.values[0]!.length);
      assert.deepEqual(got.map((g) => Array.from(g)), l.values);
    } finally {
      await rec.close();
    }
  });
}

test('an explicit fs overrides the rate stated in the file', async () => {
  const r = await readAll(tmpFile('# Sampling Rate (Hz):= 1000.00\n1\n2\n'), { fs: 10 });
  assert.equal(r.fs, 10);
  await assert.rejects(openText(tmpFile('1\n'), { fs: -1 }), /fs must be a positive number/);
});

test('openText never fails with anything but FormatError/RangeError on mutated bytes (seeded fuzz)', async () => {
  const base = Buffer.from('# Sampling Rate (Hz):= 100\ntime,a,b\n0,1.5,2\n0.01,2.5,3\n0.02,-1e3,4\n0.03,nan,5\n');
  const r = rng(2024);
  const alphabet = Buffer.from('0123456789,.;\t\n\r #-eE"x\u00ff');
  for (let k = 0; k < 300; k++) {
    const buf = Buffer.from(base);
    const edits = 1 + Math.floor(r() * 4);
    for (let j = 0; j < edits; j++) buf[Math.floor(r() * buf.length)] = r() < 0.5 ? alphabet[Math.floor(r() * alphabet.length)]! : Math.floor(r() * 256);
    const cut = r() < 0.2 ? Math.floor(r() * buf.length) : buf.length;
    const path = tmpFile(buf.subarray(0, cut));
    try {
      const rec = await openText(path);
      try {
        const n = rec.info.channels[0]!.samples;
        await rec.read(rec.signalChannels(), 0, n);
      } finally {
        await rec.close();
      }
    } catch (e) {
      assert.ok(e instanceof FormatError || e instanceof RangeError, `case ${k}: ${String(e)}`);
    }
  }
});

test('blank and comment lines between rows, CRLF and a last line without terminator do not shift random access or chunks', async () => {
  // 9,001 rows of 'i,-i/2' (0 - i / 2: the file writes 0, not -0) with a blank line every 997 rows and
  // a comment every 1,499: rows cross the sparse index stride between skipped lines.
  const n = 9001, lines = ['# Sampling rate: 50 Hz', 'a,b'];
  for (let i = 0; i < n; i++) {
    if (i % 997 === 500) lines.push('');
    if (i % 1499 === 7) lines.push('   # a note in the middle');
    lines.push(`${i},${-i / 2}`);
  }
  const path = tmpFile(lines.join('\r\n'));
  const want = [Array.from({ length: n }, (_, i) => i), Array.from({ length: n }, (_, i) => 0 - i / 2)];
  assert.deepEqual(naiveColumn(path, 0, ',', 1), want[0]);
  const rec = await openText(path);
  try {
    assert.equal(rec.info.channels[0]!.fs, 50);
    assert.deepEqual(rec.info.channels.map((c) => [c.name, c.samples]), [['a', n], ['b', n]]);
    const r = rng(23);
    for (let k = 0; k < 40; k++) {
      const s = Math.floor(r() * n), e = Math.min(n, s + Math.floor(r() * 5000));
      const got = await rec.read([0, 1], s, e);
      got.forEach((g, c) => assert.deepEqual(Array.from(g), want[c]!.slice(s, e), `channel ${c} [${s}, ${e})`));
    }
    for (const samples of [1000, 4096, 4097]) {
      const joined: number[] = [];
      for await (const chunk of rec.chunks({ samples, overlap: 3, channels: ['b'] })) joined.push(...Array.from(chunk.data[0]!).slice(chunk.overlap));
      assert.deepEqual(joined, want[1], `chunks of ${samples}`);
    }
  } finally {
    await rec.close();
  }
});

test('a UTF-8 byte order mark does not hide the leading comment header', async () => {
  // Windows editors save UTF-8 with a BOM (EF BB BF); it is an encoding signature, not text.
  const path = tmpFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('# Sampling Rate (Hz):= 100\n1\n2\n3\n')]), '.txt');
  const r = await readAll(path);
  assert.equal(r.fs, 100);
  assert.deepEqual(Array.from(r.data[0]!), [1, 2, 3]);
});
