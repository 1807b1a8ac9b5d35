import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatFloat32, formatFloat64, writeCsv, type CsvWriteOptions } from '../../src/io/csv-writer.js';
import { MemoryRecording } from '../../src/io/memory.js';
import { openRecording } from '../../src/io/open.js';
import { needShared, shared } from '../helpers/shared.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-csvw-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

test('formatFloat32 prints the shortest decimal that reads back as the same float32 (as NumPy str(np.float32))', () => {
  // Expected strings from NumPy 2.4: str(np.float32(v)), exponent spelled the JavaScript way.
  const cases: [number, string][] = [
    [0.1, '0.1'], [1 / 3, '0.33333334'], [16777217, '16777216'], [1e-45, '1e-45'],
    [3.4028234663852886e38, '3.4028235e+38'], [-2.5, '-2.5'], [123456.789, '123456.79'], [1e-7, '1e-7'], [NaN, 'NaN'], [-Infinity, '-Infinity'],
    [0, '0'], [-0, '-0'],
  ];
  for (const [v, s] of cases) assert.equal(formatFloat32(v), s, String(v));
});

test('formatFloat64 prints the shortest decimal that reads back as the same float64, the sign of zero kept', () => {
  const cases: [number, string][] = [[0.1, '0.1'], [-1 / 3, '-0.3333333333333333'], [5e-324, '5e-324'], [0, '0'], [-0, '-0'], [NaN, 'NaN'], [Infinity, 'Infinity']];
  for (const [v, s] of cases) {
    assert.equal(formatFloat64(v), s, String(v));
    assert.ok(Object.is(Number(s), v), s);
  }
});

test('writeCsv writes a time column and a header of names, String(x) of float64 values, float32 channels at float32 precision', async () => {
  const a = Float64Array.from([0.1, -1 / 3, 1e-300, 12345678901234567890]);
  const b = Float32Array.from([0.1, -1 / 3, 2.5, 1e-7]);
  const rec = new MemoryRecording({ data: [a, b], fs: 10, names: ['ecg, lead II', 'p"pg'] });
  const out = join(dir, 'mem.csv');
  await writeCsv(rec, out, { chunkSamples: 3 });
  assert.equal(readFileSync(out, 'utf8'), [
    'time_s,"ecg, lead II","p""pg"',
    '0,0.1,0.1',
    '0.1,-0.3333333333333333,-0.33333334',
    '0.2,1e-300,2.5',
    '0.3,12345678901234567000,1e-7',
    '',
  ].join('\n'));
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('partial')), []);
});

test('writeCsv output reads back to the same float64 values and rate', async () => {
  const n = 5000;
  const a = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 10 ** ((i % 40) - 20));
  const out = join(dir, 'roundtrip.csv');
  await writeCsv(new MemoryRecording({ data: a, fs: 250, names: ['x'] }), out, { chunkSamples: 777 });
  const back = await openRecording(out);
  try {
    assert.equal(back.info.channels[0]!.fs, 250);
    assert.deepEqual(back.info.channels.map((c) => c.name), ['x']);
    assert.deepEqual((await back.read(0, 0, n))[0], a);
  } finally {
    await back.close();
  }
});

test('writeCsv with raw writes the stored integers of a WFDB record', { skip: needShared('data/wfdb/100s.hea') }, async () => {
  const rec = await openRecording(shared('data/wfdb/100s.hea'));
  try {
    const out = join(dir, 'raw.csv');
    await writeCsv(rec, out, { raw: true, channels: ['V5', 0] });
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    assert.equal(lines[0], 'time_s,V5,MLII');
    assert.equal(lines.length, 21601);
    const [v5, mlii] = await rec.read([1, 0], 0, 21600, { raw: true });
    for (const i of [0, 1, 999, 21599]) assert.equal(lines[i + 1], `${i / 360},${v5![i]},${mlii![i]}`);
    assert.ok(lines.slice(1).every((l) => /^[\d.e-]+,-?\d+,-?\d+$/.test(l)));
  } finally {
    await rec.close();
  }
});

test('writeCsv refuses channels of different rates and suggests --channel', { skip: needShared('data/wfdb/03700181.hea') }, async () => {
  const rec = await openRecording(shared('data/wfdb/03700181.hea'));
  const out = join(dir, 'multirate.csv');
  try {
    await assert.rejects(writeCsv(rec, out), (e: unknown) => e instanceof RangeError && /different sampling rates.*MCL1' 500 Hz.*--channel/.test(e.message));
    assert.ok(!existsSync(out));
    await writeCsv(rec, out, { channels: ['ABP', 'RESP'] });
    assert.equal(readFileSync(out, 'utf8').split('\n').length, 75000 + 2);
  } finally {
    await rec.close();
  }
});

test('writeCsv refuses an annotation signal', { skip: needShared('data/edf/test_subsecond.edf') }, async () => {
  const rec = await openRecording(shared('data/edf/test_subsecond.edf'));
  try {
    await assert.rejects(writeCsv(rec, join(dir, 'ann.csv'), { channels: [1] }), /annotation signal/);
  } finally {
    await rec.close();
  }
});

/**
 * Writes `rec` and opens the file again (at 10 Hz without the time column); returns the names and
 * samples read back.
 */
async function roundTrip(rec: MemoryRecording, file: string, opts: CsvWriteOptions = {}) {
  const out = join(dir, file);
  await writeCsv(rec, out, opts);
  const back = await openRecording(out, opts.time === false ? { fs: 10 } : {});
  try {
    const chans = back.signalChannels();
    return { text: readFileSync(out, 'utf8'), names: back.info.channels.map((c) => c.name), data: (await back.read(chans, 0, back.info.channels[0]!.samples)).map((a) => Array.from(a)) };
  } finally {
    await back.close();
  }
}

test('writeCsv output reads back with names holding commas, quotes, edge spaces and non-ASCII characters', async () => {
  const names = ['lead, II', 'say "hi"', ' padded ', 'Fp1–Cz µV 脑电'];
  const rec = new MemoryRecording({ data: names.map((_, k) => Float64Array.of(k, k + 0.5, -k - 1)), fs: 10, names });
  const back = await roundTrip(rec, 'names.csv');
  assert.equal(back.text.split('\n')[0], 'time_s,"lead, II","say ""hi"""," padded ",Fp1–Cz µV 脑电');
  assert.deepEqual(back.names, names);
  assert.deepEqual(back.data, names.map((_, k) => [k, k + 0.5, -k - 1]));
});

test('writeCsv writes NaN and infinities as words the text reader reads back, in float64 and float32 channels', async () => {
  const rec = new MemoryRecording({ data: [Float64Array.of(NaN, Infinity, -Infinity, 5e-324), Float32Array.of(NaN, Infinity, -Infinity, 1e-45)], fs: 10, names: ['a', 'b'] });
  const back = await roundTrip(rec, 'nonfinite.csv');
  assert.equal(back.text, 'time_s,a,b\n0,NaN,NaN\n0.1,Infinity,Infinity\n0.2,-Infinity,-Infinity\n0.3,5e-324,1e-45\n');
  // The float32 column reads back as float64 decimals that are the same float32 values.
  assert.deepEqual(back.data, [[NaN, Infinity, -Infinity, 5e-324], [NaN, Infinity, -Infinity, 1e-45]]);
  assert.deepEqual(Array.from(back.data[1]!, Math.fround), Array.from(Float32Array.of(NaN, Infinity, -Infinity, 1e-45)));
});

test('writeCsv of a recording without samples writes the header alone', async () => {
  const out = join(dir, 'empty.csv');
  await writeCsv(new MemoryRecording({ data: [new Float64Array(0), new Float64Array(0)], fs: 10, names: ['x', 'y'] }), out);
  assert.equal(readFileSync(out, 'utf8'), 'time_s,x,y\n');
});

test('writeCsv writes every sample of channels of different lengths, or refuses them', async () => {
  const rec = new MemoryRecording({ data: [Float64Array.of(1, 2, 3), Float64Array.of(4)], fs: 10, names: ['x', 'y'] });
  const out = join(dir, 'ragged.csv');
  await writeCsv(rec, out).then(
    () => assert.equal(readFileSync(out, 'utf8').trimEnd().split('\n').length, 4, 'a row for each sample of the longest channel'),
    (e: unknown) => assert.ok(e instanceof RangeError, String(e)),
  );
});

for (const time of [true, false]) {
  const how = time ? 'after the time column' : 'without a time column';
  test(`writeCsv output with channel names that read as values comes back with those names and no extra row, ${how}`, async () => {
    const names = ['1', '2.5', 'NA', '2024-01-01T00:00:00Z', '', '#7'];
    const back = await roundTrip(new MemoryRecording({ data: names.map((_, k) => Float64Array.of(k, 7)), fs: 10, names }), `value-names-${time}.csv`, { time });
    assert.equal(back.text.split('\n')[0], `${time ? 'time_s,' : ''}"1","2.5","NA","2024-01-01T00:00:00Z","","#7"`);
    assert.deepEqual(back.names, ['1', '2.5', 'NA', '2024-01-01T00:00:00Z', time ? 'ch5' : 'ch4', '#7']);
    assert.deepEqual(back.data, names.map((_, k) => [k, 7]));
  });

  test(`writeCsv output with line breaks in channel names comes back with the names, CR LF as LF, ${how}`, async () => {
    const names = ['a', 'two\nlines', 'three\r\nmore\nlines'];
    const back = await roundTrip(new MemoryRecording({ data: names.map((_, k) => Float64Array.of(k, -k)), fs: 10, names }), `newline-names-${time}.csv`, { time });
    assert.deepEqual(back.names, ['a', 'two\nlines', 'three\nmore\nlines']);
    assert.deepEqual(back.data, names.map((_, k) => [k, -k]));
  });
}

test('writeCsv output carries the rate back through its time column, to 6 significant digits', async () => {
  const cases: [number, number][] = [[360, 360], [128, 128], [0.5, 0.5], [2048, 2048], [1000 / 3, 333.333], [99.9, 99.9]];
  for (const [fs, want] of cases) {
    const out = join(dir, `rate-${fs}.csv`);
    await writeCsv(new MemoryRecording({ data: Float64Array.from({ length: 3000 }, (_, i) => i % 7), fs, names: ['x'] }), out);
    const back = await openRecording(out);
    try {
      assert.equal(back.info.channels[0]!.fs, want, String(fs));
      assert.equal(back.info.channels[0]!.samples, 3000);
    } finally {
      await back.close();
    }
  }
});
