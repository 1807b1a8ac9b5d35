import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEdf } from '../../../src/io/edf/record.js';
import { formatNumber, writeEdf } from '../../../src/io/edf/writer.js';
import { Recording, type Annotation, type ChannelInfo, type RecordingInfo, type StoredBlock } from '../../../src/io/recording.js';
import { needShared, shared } from '../../helpers/shared.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-edf-writer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Source = Omit<ChannelInfo, 'samples' | 'storage'> & { data: Int32Array | Float64Array; storage?: string };

/** Samples held in memory; remembers the longest block it was asked for. */
class MemoryRecording extends Recording {
  readonly info: RecordingInfo;
  longestRead = 0;
  constructor(private readonly sources: Source[], annotations: Annotation[] = [], startTime?: string) {
    super();
    const channels = sources.map(({ data, ...c }) => ({ storage: data instanceof Int32Array ? '16' : 'float64', ...c, samples: data.length }));
    this.info = { path: 'memory', format: 'wfdb', duration: 0, channels, annotations, comments: [], ...(startTime ? { startTime } : {}) };
  }
  protected async readStored(channels: number[], start: number, end: number): Promise<StoredBlock[]> {
    this.longestRead = Math.max(this.longestRead, end - start);
    return channels.map((c) => this.sources[c]!.data.slice(start, end));
  }
  async close(): Promise<void> {}
}

function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

const ints = (n: number, f: (i: number) => number): Int32Array => Int32Array.from({ length: n }, (_, i) => f(i));
const sig = (name: string, fs: number, data: Int32Array | Float64Array, gain = 1, baseline = 0): Source => ({ name, unit: 'mV', fs, gain, baseline, data });

async function readBack(path: string, ch: number, n: number) {
  const rec = await openEdf(path);
  try {
    const [raw] = await rec.read(ch, 0, n, { raw: true });
    const [phys] = await rec.read(ch, 0, n);
    return { rec, raw: raw as Int32Array, phys: phys as Float64Array };
  } finally {
    await rec.close();
  }
}

const annotations: Annotation[] = [
  { onset: 0, duration: 0, text: 'Recording starts' },
  { onset: 1.234567, duration: 2.5, text: 'Apnoe – zentral' },
  { onset: 1.234567, duration: 0, text: '仰卧' },
  { onset: 29.75, duration: 0, text: 'end' },
];

test('writeEdf copies integer-stored channels losslessly to EDF and to BDF, with annotations', async () => {
  const rand = seeded(3);
  const ecg = ints(7500, () => Math.floor(rand() * 4096) - 2048); // 30 s at 250 Hz
  const resp = ints(750, (i) => Math.round(1000 * Math.sin(i / 7))); // 30 s at 25 Hz
  const src = new MemoryRecording([sig('ECG', 250, ecg, 200, 24), sig('Resp', 25, resp, 50, -3)], annotations, '2021-03-04T05:06:07');
  for (const [file, opts, format] of [['a.edf', {}, 'edf'], ['a.bdf', {}, 'bdf'], ['b.dat', { bdf: true }, 'bdf'], ['c.edf', { recordSeconds: 2 }, 'edf']] as const) {
    const path = join(dir, file);
    await writeEdf(src, path, opts);
    const rec = await openEdf(path);
    try {
      assert.equal(rec.info.format, format);
      assert.equal(rec.info.variant, format === 'bdf' ? 'BDF+C' : 'EDF+C');
      assert.equal(rec.info.startTime, '2021-03-04T05:06:07');
      assert.deepEqual(rec.info.channels.map((c) => [c.name, c.unit, c.fs, c.samples, !!c.annotation]),
        [['ECG', 'mV', 250, 7500, false], ['Resp', 'mV', 25, 750, false], [format === 'bdf' ? 'BDF Annotations' : 'EDF Annotations', '', rec.info.channels[2]!.fs, rec.info.channels[2]!.samples, true]]);
      assert.equal(rec.header.recordDuration, 'recordSeconds' in opts ? 2 : 1);
      assert.deepEqual((await rec.read('ECG', 0, 7500, { raw: true }))[0], ecg);
      assert.deepEqual((await rec.read('Resp', 0, 750, { raw: true }))[0], resp);
      // Physical values agree to the precision of the 8-character range fields.
      const [phys] = await rec.read('ECG', 0, 7500);
      for (let i = 0; i < 7500; i += 97) assert.ok(Math.abs(phys![i]! - (ecg[i]! - 24) / 200) < 1e-6);
      assert.deepEqual(rec.info.annotations, annotations);
      assert.deepEqual(Array.from(rec.recordOnsets!), Array.from({ length: rec.header.records }, (_, r) => r * rec.header.recordDuration));
    } finally {
      await rec.close();
    }
  }
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file is left behind');
});

test('BDF keeps the full signed 24-bit range; EDF quantises what 16 bits cannot hold', async () => {
  const wide = ints(100, (i) => (i === 0 ? -8388608 : i === 1 ? 8388607 : (i - 50) * 100000));
  const src = new MemoryRecording([sig('wide', 10, wide, 1000, 0)]);
  await writeEdf(src, join(dir, 'wide.bdf'));
  assert.deepEqual((await readBack(join(dir, 'wide.bdf'), 0, 100)).raw, wide);
  await writeEdf(src, join(dir, 'wide.edf'));
  const { raw, phys } = await readBack(join(dir, 'wide.edf'), 0, 100);
  assert.equal(Math.min(...raw), -32768);
  assert.equal(Math.max(...raw), 32767);
  const step = (8388607 + 8388608) / 1000 / 65535;
  for (let i = 0; i < 100; i++) assert.ok(Math.abs(phys[i]! - wide[i]! / 1000) <= step, `sample ${i}`);
});

test('float channels are quantised over the digital range from a min/max pass', async () => {
  const n = 3000;
  const x = Float64Array.from({ length: n }, (_, i) => 0.37 + 1.2 * Math.sin(i / 13) + (i === 1234 ? 5 : 0));
  x[77] = NaN;
  const src = new MemoryRecording([sig('PPG', 100, x)]);
  const path = join(dir, 'float.edf');
  await writeEdf(src, path);
  const { rec, raw, phys } = await readBack(path, 0, n);
  const e = rec.info.channels[0]!.extra!;
  const finite = x.filter((v) => !Number.isNaN(v));
  assert.ok((e['physicalMin'] as number) <= Math.min(...finite));
  assert.ok((e['physicalMax'] as number) >= Math.max(...finite));
  assert.deepEqual([e['digitalMin'], e['digitalMax']], [-32768, 32767]);
  const step = ((e['physicalMax'] as number) - (e['physicalMin'] as number)) / 65535;
  for (let i = 0; i < n; i++) if (i !== 77) assert.ok(Math.abs(phys[i]! - x[i]!) <= step / 2 + 1e-12, `sample ${i}`);
  assert.equal(raw[77], -32768, 'NaN is written as the digital minimum');
  assert.ok(raw.every((v, i) => i === 77 || v > -32768), 'the digital minimum marks the NaN alone');
  assert.equal(raw[1234], 32767);
});

test('missing samples of a WFDB source get the digital minimum alone, the valid ones copied losslessly, and are counted', async () => {
  const n = 2000;
  const x = ints(n, (i) => Math.round(300 * Math.sin(i / 9)) + 1024);
  const gaps = [[100, 140], [1990, 2000]] as const;
  for (const [a, b] of gaps) x.fill(-32768, a, b);
  const src = new MemoryRecording([{ ...sig('MLII', 250, x, 200, 1024), missing: -32768 }]);
  const path = join(dir, 'gaps.edf');
  const w = await writeEdf(src, path);
  assert.deepEqual(w.channels, [{ name: 'MLII', missing: 50 }]);
  const { rec, raw, phys } = await readBack(path, 0, n);
  const e = rec.info.channels[0]!.extra!;
  // The valid range sets the physical range: -300 - 1 stored steps below it, not WFDB's -32768.
  assert.deepEqual([e['digitalMin'], e['digitalMax']], [1024 - 301, 1024 + 300]);
  const inGap = (i: number) => gaps.some(([a, b]) => i >= a && i < b);
  for (let i = 0; i < n; i++) {
    if (inGap(i)) assert.equal(raw[i], 1024 - 301, `sample ${i}`);
    else assert.equal(raw[i], x[i], `sample ${i}`);
  }
  assert.ok(Math.abs(phys[0]! - (x[0]! - 1024) / 200) < 1e-9);
});

test('missing samples keep the digital minimum alone whether the valid range leaves room below it or not', async () => {
  const n = 600;
  // A wave over the whole of a digital range [lo, hi]: its ends at samples 3 and 4.
  const wave = (i: number, lo: number, hi: number) => (i === 3 ? lo : i === 4 ? hi : Math.round(lo + (hi - lo) * (0.5 + 0.5 * Math.sin(i / 7))));
  const cases: { name: string; bdf: boolean; source: Source; valid: (i: number) => number | undefined }[] = [
    // Every sample missing: nothing sets a range, all of them are the digital minimum.
    { name: 'all invalid, WFDB 16', bdf: false, source: { ...sig('a', 100, ints(n, () => -32768), 200), missing: -32768 }, valid: () => undefined },
    { name: 'all NaN', bdf: true, source: sig('a', 100, new Float64Array(n).fill(Number.NaN)), valid: () => undefined },
    // A valid minimum on the target's digital minimum leaves no room: quantised instead.
    { name: 'WFDB 32 spanning the EDF range', bdf: false, source: { ...sig('a', 100, ints(n, (i) => (i % 50 === 7 ? -(2 ** 31) : wave(i, -32768, 32767))), 10), missing: -(2 ** 31), storage: '32' }, valid: (i) => (i % 50 === 7 ? undefined : wave(i, -32768, 32767) / 10) },
    { name: 'WFDB 32 spanning the BDF range', bdf: true, source: { ...sig('a', 100, ints(n, (i) => (i % 50 === 7 ? -(2 ** 31) : wave(i, -8388608, 8388607)))), missing: -(2 ** 31), storage: '32' }, valid: (i) => (i % 50 === 7 ? undefined : wave(i, -8388608, 8388607)) },
    // A constant channel with gaps, stored and as floats.
    { name: 'constant WFDB 16 with gaps', bdf: false, source: { ...sig('a', 100, ints(n, (i) => (i < 20 || i >= n - 20 ? -32768 : 5)), 2), missing: -32768 }, valid: (i) => (i < 20 || i >= n - 20 ? undefined : 2.5) },
    // Infinities are missing samples too (text cells 'inf', '-inf'): no range can hold them.
    { name: 'floats with infinities', bdf: false, source: sig('a', 100, Float64Array.from({ length: n }, (_, i) => (i === 9 ? Infinity : i === 10 ? -Infinity : Math.cos(i / 5)))), valid: (i) => (i === 9 || i === 10 ? undefined : Math.cos(i / 5)) },
    { name: 'constant floats with gaps', bdf: true, source: sig('a', 100, Float64Array.from({ length: n }, (_, i) => (i % 100 === 0 ? Number.NaN : -3))), valid: (i) => (i % 100 === 0 ? undefined : -3) },
  ];
  for (const c of cases) {
    const path = join(dir, `reserve.${c.bdf ? 'bdf' : 'edf'}`);
    const w = await writeEdf(new MemoryRecording([c.source]), path);
    const expected = Array.from({ length: n }, (_, i) => c.valid(i));
    assert.deepEqual(w.channels, [{ name: 'a', missing: expected.filter((v) => v === undefined).length }], c.name);
    const { rec, raw, phys } = await readBack(path, 0, n);
    const e = rec.info.channels[0]!.extra!;
    const dmin = e['digitalMin'] as number, dmax = e['digitalMax'] as number;
    const step = Math.abs(((e['physicalMax'] as number) - (e['physicalMin'] as number)) / (dmax - dmin));
    for (let i = 0; i < n; i++) {
      const v = expected[i];
      if (v === undefined) assert.equal(raw[i], dmin, `${c.name}: sample ${i} is missing`);
      else {
        assert.ok(raw[i]! > dmin, `${c.name}: sample ${i} is valid, stored ${raw[i]}`);
        assert.ok(Math.abs(phys[i]! - v) <= step / 2 + 1e-9 * Math.abs(v), `${c.name}: sample ${i}: ${phys[i]} vs ${v}`);
      }
    }
  }
});

test('a channel without missing samples is written with none counted', async () => {
  const w = await writeEdf(new MemoryRecording([sig('a', 10, ints(30, (i) => i)), sig('b', 10, Float64Array.from({ length: 30 }, (_, i) => i / 3))]), join(dir, 'none.edf'));
  assert.deepEqual(w.channels, [{ name: 'a', missing: 0 }, { name: 'b', missing: 0 }]);
});

test('the last partial record is padded with digital 0, clamped into each channel\'s range, and counted in the header', async () => {
  const a = ints(25, (i) => i + 1), b = ints(3, () => -7);
  const path = join(dir, 'pad.edf');
  await writeEdf(new MemoryRecording([sig('a', 10, a), sig('b', 1, b)]), path, { recordSeconds: 2 });
  const bytes = readFileSync(path);
  assert.equal(bytes.toString('latin1', 236, 244).trim(), '2');
  const rec = await openEdf(path);
  try {
    assert.equal(rec.info.channels[0]!.samples, 40);
    assert.equal(rec.info.channels[1]!.samples, 4);
    // 'a' spans [1, 25] digitally and 'b', constant -7, is written over [-7, -6]: the padding is 0
    // clamped into each channel's digital range.
    assert.deepEqual(Array.from((await rec.read(0, 20, 40, { raw: true }))[0]!), [21, 22, 23, 24, 25, ...new Array(15).fill(1)]);
    assert.deepEqual(Array.from((await rec.read(1, 0, 4, { raw: true }))[0]!), [-7, -7, -7, -6]);
  } finally {
    await rec.close();
  }
});

test('writing streams the source in bounded blocks', async () => {
  const n = 4_000_000; // 4000 s at 1 kHz
  const src = new MemoryRecording([sig('long', 1000, ints(n, (i) => i % 3000))]);
  const path = join(dir, 'long.edf');
  await writeEdf(src, path);
  assert.ok(src.longestRead <= (2 << 20) / 2, `longest source read ${src.longestRead} samples`);
  const rec = await openEdf(path);
  try {
    const [tail] = await rec.read(0, n - 5, n, { raw: true });
    assert.deepEqual(Array.from(tail!), [995, 996, 997, 998, 999]); // 3999995 % 3000 = 995
  } finally {
    await rec.close();
  }
});

test('a sub-second start time is kept through the first record\'s time-keeping TAL', async () => {
  const path = join(dir, 'subsecond.edf');
  const anns = [{ onset: 0.5, duration: 0, text: 'x' }];
  await writeEdf(new MemoryRecording([sig('a', 4, ints(8, (i) => i))], anns, '2020-01-24T04:05:56.3945312'), path);
  const bytes = readFileSync(path);
  assert.equal(bytes.toString('latin1', 168, 184), '24.01.2004.05.56');
  assert.ok(bytes.includes('+0.3945312\x14\x14\x00+0.8945312\x14x\x14\x00', 0, 'latin1'));
  const rec = await openEdf(path);
  try {
    assert.equal(rec.info.startTime, '2020-01-24T04:05:56.3945312');
    assert.deepEqual(rec.info.annotations, anns);
  } finally {
    await rec.close();
  }
});

test('the header holds EDF+ identification fields and years outside 1985-2084 as \'yy\'', async () => {
  const cases: [string | undefined, string, string][] = [
    ['2021-03-04T05:06:07', '04.03.2105.06.07', 'Startdate 04-MAR-2021 X X X'],
    ['2101-12-31T23:59:59', '31.12.yy23.59.59', 'Startdate 31-DEC-2101 X X X'],
    [undefined, '01.01.8500.00.00', 'Startdate X X X X'],
  ];
  for (const [start, dateTime, recording] of cases) {
    const path = join(dir, 'ids.edf');
    await writeEdf(new MemoryRecording([sig('a', 1, ints(2, (i) => i))], [], start), path);
    const b = readFileSync(path);
    assert.equal(b.toString('latin1', 0, 8), '0       ');
    assert.equal(b.toString('latin1', 8, 88).trim(), 'X X X X');
    assert.equal(b.toString('latin1', 88, 168).trim(), recording);
    assert.equal(b.toString('latin1', 168, 184), dateTime);
    assert.equal(b.toString('latin1', 192, 236).trim(), 'EDF+C');
    const rec = await openEdf(path);
    assert.equal(rec.info.startTime, start);
    await rec.close();
  }
});

test('writeEdf refuses record lengths that do not give whole samples, and annotation channels', async () => {
  const src = new MemoryRecording([sig('a', 12.8, ints(128, (i) => i)), sig('b', 100, ints(1000, (i) => i))]);
  await assert.rejects(writeEdf(src, join(dir, 'bad.edf'), { recordSeconds: 1 }), /recordSeconds: .*'a' has 12.8 Hz x 1 s/);
  // Without one, the shortest whole number of seconds that fits every rate: 5 s (64 samples at 12.8 Hz).
  await writeEdf(src, join(dir, 'five.edf'));
  const five = await openEdf(join(dir, 'five.edf'));
  try {
    assert.deepEqual(five.info.channels.filter((c) => !c.annotation).map((c) => c.extra!['samplesPerRecord']), [64, 500]);
  } finally {
    await five.close();
  }
  await assert.rejects(writeEdf(src, join(dir, 'bad.edf'), { recordSeconds: 1 / 3 }), /recordSeconds must be .* 8 characters/);
  await assert.rejects(writeEdf(src, join(dir, 'bad.edf'), { recordSeconds: 0 }), RangeError);
  await writeEdf(src, join(dir, 'ok.edf'), { recordSeconds: 10 });
  await writeEdf(src, join(dir, 'one.edf'), { channels: ['b'] });
  assert.equal(existsSync(join(dir, 'bad.edf')), false);
  const rec = await openEdf(join(dir, 'ok.edf'));
  try {
    await assert.rejects(writeEdf(rec, join(dir, 'x.edf'), { channels: [2] }), /channel 2 .* annotation signal/);
    assert.deepEqual(rec.info.channels.map((c) => c.extra!['samplesPerRecord']), [128, 1000, rec.info.channels[2]!.extra!['samplesPerRecord']]);
  } finally {
    await rec.close();
  }
});

test('formatNumber writes the shortest text of at most the field width', () => {
  const cases: [number, string | undefined][] = [[-1000, '-1000'], [0.1 + 0.2, '0.3'], [-1234.5678, '-1234.57'], [12345678, '12345678'],
    [123456789, undefined], [1e-9, '0'], [-262144, '-262144'], [Infinity, undefined]];
  for (const [x, s] of cases) assert.equal(formatNumber(x, 8), s, String(x));
});

test('EDF files in data/edf are rewritten with identical stored values, ranges and annotations', { skip: needShared('data/edf/test_generator_2.edf') }, async () => {
  for (const rel of ['data/edf/test_generator_2.edf', 'data/edf/test_subsecond.edf', 'data/edf/test_generator.bdf']) {
    if (needShared(rel)) continue;
    const src = await openEdf(shared(rel));
    const path = join(dir, `copy-${rel.split('/').pop()}`);
    try {
      await writeEdf(src, path);
      const out = await openEdf(path);
      try {
        assert.equal(out.info.startTime, src.info.startTime);
        assert.deepEqual(out.info.annotations, src.info.annotations);
        for (const c of src.signalChannels()) {
          const a = src.info.channels[c]!, b = out.info.channels[c]!;
          // The header is US-ASCII: a unit some files store in Latin-1 ('°C') comes back spelt out.
          assert.deepEqual([b.name, b.unit, b.fs, b.samples, b.gain, b.baseline, b.extra], [a.name, a.unit.replace('°', 'deg'), a.fs, a.samples, a.gain, a.baseline, a.extra]);
          assert.deepEqual((await out.read(c, 0, a.samples, { raw: true }))[0], (await src.read(c, 0, a.samples, { raw: true }))[0]);
        }
      } finally {
        await out.close();
      }
    } finally {
      await src.close();
    }
  }
});

test('the header written holds only printable US-ASCII (bytes 32..126), whatever the channel names and units', async () => {
  // EDF (Kemp 1992) and EDF+ (section 2.1.3): header fields hold printable US-ASCII characters only.
  const path = join(dir, 'non-ascii.edf');
  await writeEdf(new MemoryRecording([{ ...sig('SpO₂ – Finger', 10, ints(20, (i) => i)), unit: 'µV' }]), path);
  const bytes = readFileSync(path);
  const ns = Number(bytes.toString('latin1', 252, 256));
  const outside: number[] = [];
  for (let i = 0; i < 256 * (ns + 1); i++) if (bytes[i]! < 32 || bytes[i]! > 126) outside.push(i);
  assert.deepEqual(outside, [], 'header bytes outside 32..126');
  // Spelt out rather than dropped: the subscript as its digit, the dash as a hyphen, µ as u. The
  // labels (16 bytes each) come first, then the transducers (80), then the units (8).
  assert.equal(bytes.toString('latin1', 256, 256 + 16).trimEnd(), 'SpO2 - Finger');
  const units = 256 + ns * (16 + 80);
  assert.equal(bytes.toString('latin1', units, units + 8).trimEnd(), 'uV');
});
