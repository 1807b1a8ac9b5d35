import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatFloat32, writeCsv } from '../../src/io/csv-writer.js';
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
  ];
  for (const [v, s] of cases) assert.equal(formatFloat32(v), s, String(v));
});

test('writeCsv writes a header of names and String(x) of float64 values, float32 channels at float32 precision', async () => {
  const a = Float64Array.from([0.1, -1 / 3, 1e-300, 12345678901234567890]);
  const b = Float32Array.from([0.1, -1 / 3, 2.5, 1e-7]);
  const rec = new MemoryRecording({ data: [a, b], fs: 10, names: ['ecg, lead II', 'p"pg'] });
  const out = join(dir, 'mem.csv');
  await writeCsv(rec, out, { chunkSamples: 3 });
  assert.equal(readFileSync(out, 'utf8'), [
    '"ecg, lead II","p""pg"',
    '0.1,0.1',
    '-0.3333333333333333,-0.33333334',
    '1e-300,2.5',
    '12345678901234567000,1e-7',
    '',
  ].join('\n'));
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('partial')), []);
});

test('writeCsv output reads back to the same float64 values', async () => {
  const n = 5000;
  const a = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 10 ** ((i % 40) - 20));
  const out = join(dir, 'roundtrip.csv');
  await writeCsv(new MemoryRecording({ data: a, fs: 250, names: ['x'] }), out, { chunkSamples: 777 });
  const back = await openRecording(out, { fs: 250 });
  try {
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
    assert.equal(lines[0], 'V5,MLII');
    assert.equal(lines.length, 21601);
    const [v5, mlii] = await rec.read([1, 0], 0, 21600, { raw: true });
    for (const i of [0, 1, 999, 21599]) assert.equal(lines[i + 1], `${v5![i]},${mlii![i]}`);
    assert.ok(lines.slice(1).every((l) => /^-?\d+,-?\d+$/.test(l)));
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

/** Writes `rec` and opens the file again (at 10 Hz); returns the names and samples read back. */
async function roundTrip(rec: MemoryRecording, file: string) {
  const out = join(dir, file);
  await writeCsv(rec, out);
  const back = await openRecording(out, { fs: 10 });
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
  assert.equal(back.text.split('\n')[0], '"lead, II","say ""hi"""," padded ",Fp1–Cz µV 脑电');
  assert.deepEqual(back.names, names);
  assert.deepEqual(back.data, names.map((_, k) => [k, k + 0.5, -k - 1]));
});

test('writeCsv writes NaN and infinities as words the text reader reads back, in float64 and float32 channels', async () => {
  const rec = new MemoryRecording({ data: [Float64Array.of(NaN, Infinity, -Infinity, 5e-324), Float32Array.of(NaN, Infinity, -Infinity, 1e-45)], fs: 10, names: ['a', 'b'] });
  const back = await roundTrip(rec, 'nonfinite.csv');
  assert.equal(back.text, 'a,b\nNaN,NaN\nInfinity,Infinity\n-Infinity,-Infinity\n5e-324,1e-45\n');
  // The float32 column reads back as float64 decimals that are the same float32 values.
  assert.deepEqual(back.data, [[NaN, Infinity, -Infinity, 5e-324], [NaN, Infinity, -Infinity, 1e-45]]);
  assert.deepEqual(Array.from(back.data[1]!, Math.fround), Array.from(Float32Array.of(NaN, Infinity, -Infinity, 1e-45)));
});

test('writeCsv of a recording without samples writes the header alone', async () => {
  const out = join(dir, 'empty.csv');
  await writeCsv(new MemoryRecording({ data: [new Float64Array(0), new Float64Array(0)], fs: 10, names: ['x', 'y'] }), out);
  assert.equal(readFileSync(out, 'utf8'), 'x,y\n');
});

test('writeCsv writes every sample of channels of different lengths, or refuses them', async () => {
  const rec = new MemoryRecording({ data: [Float64Array.of(1, 2, 3), Float64Array.of(4)], fs: 10, names: ['x', 'y'] });
  const out = join(dir, 'ragged.csv');
  await writeCsv(rec, out).then(
    () => assert.equal(readFileSync(out, 'utf8').trimEnd().split('\n').length, 4, 'a row for each sample of the longest channel'),
    (e: unknown) => assert.ok(e instanceof RangeError, String(e)),
  );
});

test('writeCsv output with numeric channel names reads back with those names and no extra row', { todo: 'a header of numeric names (1,2) is written unmarked and the text reader takes it for the first data row' }, async () => {
  const back = await roundTrip(new MemoryRecording({ data: [Float64Array.of(7, 8), Float64Array.of(9, 10)], fs: 10, names: ['1', '2'] }), 'numeric-names.csv');
  assert.deepEqual(back.names, ['1', '2']);
  assert.deepEqual(back.data, [[7, 8], [9, 10]]);
});

test('writeCsv output with a line break in a channel name reads back with the name', { todo: 'writeCsv quotes the line break (RFC 4180) but the line-based text reader splits the header at it' }, async () => {
  const back = await roundTrip(new MemoryRecording({ data: [Float64Array.of(1, 2), Float64Array.of(3, 4)], fs: 10, names: ['a', 'two\nlines'] }), 'newline-name.csv');
  assert.deepEqual(back.names, ['a', 'two\nlines']);
  assert.deepEqual(back.data, [[1, 2], [3, 4]]);
});
