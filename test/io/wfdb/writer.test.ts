import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Recording, type ChannelInfo, type RecordingInfo, type StoredBlock } from '../../../src/io/recording.js';
import { openWfdb } from '../../../src/io/wfdb/record.js';
import { readAnnotations } from '../../../src/io/wfdb/annotations.js';
import { chooseScaling, writeWfdb } from '../../../src/io/wfdb/writer.js';
import { needShared, shared } from '../../helpers/shared.js';
import { flacDir } from '../../helpers/flac-golden.js';

/** A recording held in memory: integer or float stored values per channel. */
class MemoryRecording extends Recording {
  readonly info: RecordingInfo;
  constructor(private readonly data: StoredBlock[], channels: Partial<ChannelInfo>[]) {
    super();
    this.info = {
      path: 'memory', format: 'npy', duration: 0, annotations: [], comments: ['made in memory'],
      channels: channels.map((c, k) => ({ name: `ch${k}`, unit: 'mV', fs: 10, samples: data[k]!.length, gain: 1, baseline: 0, storage: 'int32', ...c })),
    };
  }
  protected async readStored(channels: number[], start: number, end: number): Promise<StoredBlock[]> {
    return channels.map((c) => this.data[c]!.slice(start, end));
  }
  async close(): Promise<void> {}
}

function checksum16(d: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < d.length; i++) s = (s + d[i]!) | 0;
  return ((s & 0xffff) << 16) >> 16;
}

async function withTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vitaldsp-wfdbw-'));
  try { await fn(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}

async function readAll(rec: Recording, raw: boolean): Promise<StoredBlock[] | Float64Array[]> {
  const idx = rec.signalChannels();
  return rec.read(idx, 0, rec.info.channels[idx[0]!]!.samples, { raw }) as Promise<StoredBlock[]>;
}

test('writeWfdb copies record 100s losslessly in formats 16 and 212', { skip: needShared('data/wfdb/100s.hea') }, async () => {
  await withTmp(async (dir) => {
    const src = await openWfdb(shared('data/wfdb/100s'));
    try {
      const want = await readAll(src, true);
      for (const format of ['16', '212'] as const) {
        const res = await writeWfdb(src, join(dir, `copy${format}`), { format, chunkSeconds: 7 });
        assert.ok(res.channels.every((c) => c.lossless));
        const back = await openWfdb(res.heaPath);
        try {
          assert.deepEqual(await readAll(back, true), want, `format ${format}`);
          assert.deepEqual(back.info.channels.map((c) => [c.name, c.fs, c.gain, c.baseline, c.storage, c.extra!['adcResolution'], c.extra!['adcZero']]),
            src.info.channels.map((c) => [c.name, c.fs, c.gain, c.baseline, format, 11, 1024]));
          // Initial values and checksums equal those of the original header.
          back.info.channels.forEach((c, k) => {
            assert.equal(c.extra!['initialValue'], src.info.channels[k]!.extra!['initialValue']);
            assert.equal(c.extra!['checksum'], src.info.channels[k]!.extra!['checksum']);
          });
          assert.deepEqual(back.info.comments, src.info.comments);
        } finally { await back.close(); }
        assert.equal((await stat(res.datPath)).size, format === '16' ? 21600 * 4 : 21600 * 3);
      }
    } finally { await src.close(); }
  });
});

test('format 212 round-trips odd sample counts across odd-sized chunks', async () => {
  await withTmp(async (dir) => {
    for (const [nch, frames] of [[3, 1001], [1, 7], [1, 1], [2, 5]] as const) {
      const data = Array.from({ length: nch }, (_, k) => Int32Array.from({ length: frames }, (_, i) => ((i * 37 + k * 101) % 4095) - 2047));
      const rec = new MemoryRecording(data, data.map(() => ({ storage: '212', gain: 200, baseline: 3 })));
      // 0.7 s at 10 Hz: 7 frames a chunk, so with 3 channels each chunk holds an odd number of samples.
      const res = await writeWfdb(rec, join(dir, `odd${nch}_${frames}.hea`), { format: '212', chunkSeconds: 0.7 });
      assert.equal((await stat(res.datPath)).size, Math.floor((nch * frames) / 2) * 3 + ((nch * frames) % 2) * 2);
      const back = await openWfdb(res.heaPath);
      try {
        const got = await readAll(back, true);
        assert.deepEqual(got, data, `${nch} channels x ${frames} frames`);
        back.info.channels.forEach((c, k) => {
          assert.equal(c.extra!['checksum'], checksum16(data[k]!));
          assert.equal(c.extra!['initialValue'], data[k]![0]);
          assert.deepEqual([c.gain, c.baseline], [200, 3]);
        });
      } finally { await back.close(); }
    }
  });
});

test('float sources are quantised to fill the format range, NaN and infinities becoming the invalid value', async () => {
  await withTmp(async (dir) => {
    const n = 5000;
    const sine = Float64Array.from({ length: n }, (_, i) => 1.5 * Math.sin(i / 30) + 0.25);
    const ramp = Float64Array.from({ length: n }, (_, i) => 1e5 + i * 0.01);
    const flat = new Float64Array(n).fill(-3);
    sine[17] = NaN;
    sine[40] = Infinity;
    sine[41] = -Infinity;
    const rec = new MemoryRecording([sine, ramp, flat], [{ storage: 'float64', unit: 'mmHg' }, { storage: 'float64', unit: 'micro volt' }, { storage: 'float64' }]);
    for (const format of ['16', '212'] as const) {
      const res = await writeWfdb(rec, join(dir, `f${format}`), { format });
      const back = await openWfdb(res.heaPath);
      try {
        const raw = (await readAll(back, true)) as Int32Array[];
        const phys = (await readAll(back, false)) as Float64Array[];
        const top = format === '16' ? 32767 : 2047;
        [sine, ramp, flat].forEach((x, k) => {
          const ch = back.info.channels[k]!;
          assert.equal(res.channels[k]!.lossless, false);
          for (let i = 0; i < n; i++) {
            if (!Number.isFinite(x[i]!)) { assert.equal(raw[k]![i], -top - 1, `${x[i]} is stored as the invalid value`); continue; }
            assert.ok(Math.abs(raw[k]![i]!) <= top);
            assert.ok(Math.abs(phys[k]![i]! - x[i]!) <= 0.5 / ch.gain + 1e-12 * Math.abs(x[i]!), `format ${format} ch ${k} at ${i}: ${phys[k]![i]} vs ${x[i]}`);
          }
        });
        // The range is used: the sine's extremes come within a few units of the format's limits.
        const maxAbs = raw[0]!.reduce((m, v) => (v === -top - 1 ? m : Math.max(m, Math.abs(v))), 0);
        assert.ok(maxAbs >= top - 3, `format ${format}: peak ${maxAbs}`);
        assert.deepEqual(back.info.channels.map((c) => c.unit), ['mmHg', 'micro_volt', 'mV']);
      } finally { await back.close(); }
    }
  });
});

test('integers too wide for format 212 are rescaled rather than wrapped', async () => {
  await withTmp(async (dir) => {
    const wide = Int32Array.from({ length: 300 }, (_, i) => (i * 211) % 60000 - 30000);
    const rec = new MemoryRecording([wide], [{ storage: '16', gain: 100, baseline: 0 }]);
    const res = await writeWfdb(rec, join(dir, 'w'), { format: '212' });
    assert.equal(res.channels[0]!.lossless, false);
    const back = await openWfdb(res.heaPath);
    try {
      const [p] = (await readAll(back, false)) as Float64Array[];
      const g = back.info.channels[0]!.gain;
      for (let i = 0; i < wide.length; i++) assert.ok(Math.abs(p![i]! - wide[i]! / 100) <= 0.5 / g + 1e-9, `at ${i}`);
    } finally { await back.close(); }
    // Written as format 16 the same integers fit and are copied as they are.
    const res16 = await writeWfdb(rec, join(dir, 'w16'), { format: '16' });
    assert.equal(res16.channels[0]!.lossless, true);
  });
});

test('writeWfdb refuses channels of different rates and bad options with RangeError', async () => {
  const rec = new MemoryRecording([new Int32Array(10), new Int32Array(20)], [{ fs: 10 }, { fs: 20 }]);
  await assert.rejects(writeWfdb(rec, join(tmpdir(), 'never.hea')), (e: unknown) => e instanceof RangeError && /sampling rate/.test(e.message));
  await assert.rejects(writeWfdb(rec, join(tmpdir(), 'never.hea'), { channels: [0], format: '24' as never }), (e: unknown) => e instanceof RangeError && /format/.test(e.message));
  await assert.rejects(writeWfdb(rec, join(tmpdir(), 'never.hea'), { channels: [0], chunkSeconds: 0 }), (e: unknown) => e instanceof RangeError && /chunkSeconds/.test(e.message));
});

test('the written header carries the start time and reads back through the header parser', async () => {
  await withTmp(async (dir) => {
    const rec = new MemoryRecording([Int32Array.of(1, 2, 3)], [{ storage: '16', name: 'lead II' }]);
    (rec.info as { startTime?: string }).startTime = '2003-02-01T10:20:30';
    await writeWfdb(rec, join(dir, 't.hea'));
    const text = await readFile(join(dir, 't.hea'), 'utf8');
    assert.match(text, /^t 1 10 3 10:20:30 01\/02\/2003\n/);
    assert.match(text, /^t\.dat 16 1\(0\)\/mV 16 0 1 6 0 lead II$/m);
  });
});

test('writeWfdb writes the annotations as notes at their onset samples in NAME.atr and says what the format could not keep', async () => {
  await withTmp(async (dir) => {
    const rec = new MemoryRecording([new Int32Array(100)], [{ storage: '16', fs: 10 }]);
    const long = 'é'.repeat(200);
    rec.info.annotations.push(
      { onset: 5.04, duration: 0, text: 'Lights off' },
      { onset: 1.5, duration: 30, text: 'Sleep stage W' },
      { onset: -2, duration: 0, text: 'before the start' },
      { onset: 9, duration: 0, text: long },
    );
    const w = await writeWfdb(rec, join(dir, 'n.hea'));
    assert.deepEqual(w.annotations, { path: join(dir, 'n.atr'), count: 3, durationsDropped: 1, truncated: 1, beforeStart: 1 });
    const anns = await readAnnotations(join(dir, 'n.atr'));
    // In time order, at the frame rate; the long text cut at a character boundary within 254 bytes.
    assert.deepEqual(anns.map((a) => [a.sample, a.symbol, a.aux]), [[15, '"', 'Sleep stage W'], [50, '"', 'Lights off'], [90, '"', 'é'.repeat(127)]]);
  });
});

test('writeWfdb writes no annotation file for a recording without annotations or with annotator false', async () => {
  await withTmp(async (dir) => {
    const rec = new MemoryRecording([new Int32Array(10)], [{ storage: '16' }]);
    assert.equal((await writeWfdb(rec, join(dir, 'a.hea'))).annotations, undefined);
    rec.info.annotations.push({ onset: 0, duration: 0, text: 'x' });
    assert.equal((await writeWfdb(rec, join(dir, 'b.hea'), { annotator: false })).annotations, undefined);
    assert.equal((await writeWfdb(rec, join(dir, 'c.hea'), { annotator: 'edf' })).annotations?.path, join(dir, 'c.edf'));
    assert.deepEqual((await readdir(dir)).filter((f) => !/\.(hea|dat)$/.test(f)), ['c.edf']);
    await assert.rejects(writeWfdb(rec, join(dir, 'd.hea'), { annotator: 'a b' }), /annotator/);
  });
});

test('chooseScaling maps the range inside the format limits', () => {
  for (const [lo, hi] of [[-1, 1], [0, 1e-6], [1e6, 1e6 + 1], [5, 5], [-3e4, 3e4]]) {
    const [g, b] = chooseScaling(lo!, hi!, -2047, 2047);
    assert.ok(Number.isInteger(b));
    for (const x of [lo!, hi!, (lo! + hi!) / 2]) {
      const q = Math.round(x * g + b);
      assert.ok(q >= -2047 && q <= 2047, `[${lo}, ${hi}] at ${x}: ${q}`);
    }
  }
});

test('writeWfdb writes FLAC formats 508, 516 and 524 that read back sample for sample', async () => {
  await withTmp(async (dir) => {
    const ref = await openWfdb(join(flacDir, 'flac516_ref.hea'));
    const multi = await openWfdb(join(flacDir, 'flac_multi_ref.hea'));
    try {
      const cases: [string, Recording, '508' | '516' | '524', (string | number)[]][] = [
        ['516 from format 16', ref, '516', [0, 1]],
        ['508 from format 16 holding 8-bit values', multi, '508', [0, 1]],
        ['524 from format 24', multi, '524', [2]],
      ];
      for (const [what, src, format, channels] of cases) {
        const w = await writeWfdb(src, join(dir, `out${format}.hea`), { format, channels });
        assert.ok(w.channels.every((c) => c.lossless), what);
        assert.match(await readFile(w.heaPath, 'latin1'), new RegExp(`\\.dat ${format} `));
        const back = await openWfdb(w.heaPath);
        try {
          for (const [k, ch] of channels.entries()) {
            const n = src.info.channels[src.channelIndex(ch)]!.samples;
            assert.deepEqual(await back.read(k, 0, n, { raw: true }), await src.read(ch, 0, n, { raw: true }), `${what}: ${ch}`);
            assert.equal(back.info.channels[k]!.gain, src.info.channels[src.channelIndex(ch)]!.gain);
          }
        } finally {
          await back.close();
        }
      }
    } finally {
      await ref.close();
      await multi.close();
    }
  });
});

test('writeWfdb to format 508 rescales values wider than 8 bits, and refuses more than 8 channels in one FLAC file', async () => {
  await withTmp(async (dir) => {
    const x = Int32Array.from({ length: 500 }, (_, i) => Math.round(3000 * Math.sin(i / 20)));
    const w = await writeWfdb(new MemoryRecording([x], [{ gain: 100 }]), join(dir, 'n.hea'), { format: '508' });
    assert.equal(w.channels[0]!.lossless, false);
    const back = await openWfdb(w.heaPath);
    try {
      const [got] = await back.read(0, 0, 500);
      const step = 1 / w.channels[0]!.gain;
      for (let i = 0; i < 500; i++) assert.ok(Math.abs(got![i]! - x[i]! / 100) <= step / 2 + 1e-12, `sample ${i}`);
    } finally {
      await back.close();
    }
    const nine = new MemoryRecording(Array.from({ length: 9 }, () => Int32Array.of(1, 2)), Array.from({ length: 9 }, () => ({})));
    await assert.rejects(writeWfdb(nine, join(dir, 'nine.hea'), { format: '516' }), /at most 8 signals .* got 9/);
  });
});

test('writeWfdb rescales a channel holding the target format\'s invalid value as a sample, rather than writing a missing sample', async () => {
  await withTmp(async (dir) => {
    const cases: [string, '16' | '516' | '508', number][] = [['int16', '16', -32768], ['int16', '516', -32768], ['edf16', '16', -32768], ['int8', '508', -128]];
    for (const [storage, format, invalid] of cases) {
      const x = Int32Array.of(invalid, 5, 7, -invalid - 1);
      const w = await writeWfdb(new MemoryRecording([x], [{ storage }]), join(dir, `inv${storage}${format}.hea`), { format });
      assert.equal(w.channels[0]!.lossless, false, `${storage} -> ${format}`);
      const back = await openWfdb(w.heaPath);
      try {
        const [got] = await back.read(0, 0, 4);
        const step = 1 / w.channels[0]!.gain;
        for (let i = 0; i < 4; i++) assert.ok(Math.abs(got![i]! - x[i]!) <= step / 2 + 1e-9, `${storage} -> ${format} sample ${i}: ${got![i]} for ${x[i]}`);
      } finally {
        await back.close();
      }
      // Without that value the same storage is copied as is.
      const y = Int32Array.of(invalid + 1, 5);
      const v = await writeWfdb(new MemoryRecording([y], [{ storage }]), join(dir, `ok${storage}${format}.hea`), { format });
      assert.equal(v.channels[0]!.lossless, true, `${storage} -> ${format} without the invalid value`);
    }
  });
});
