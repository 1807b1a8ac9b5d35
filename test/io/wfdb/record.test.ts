import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../../src/io/errors.js';
import { openWfdb } from '../../../src/io/wfdb/record.js';
import { needShared, shared } from '../../helpers/shared.js';
import { flacDir } from '../../helpers/flac-golden.js';
import { seededRandom as rng } from '../../../src/signals/random.js';

/** Deterministic generator (mulberry32) so that failures reproduce. */
function checksum16(d: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < d.length; i++) s = (s + d[i]!) | 0;
  return ((s & 0xffff) << 16) >> 16;
}

async function withTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vitaldsp-wfdb-'));
  try { await fn(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}

test('every signal of binformats matches the initial value and checksum of its header line', { skip: needShared('data/wfdb/formats/binformats.hea') }, async () => {
  const hea = await readFile(shared('data/wfdb/formats/binformats.hea'), 'latin1');
  // Expected values straight from the header text, fields 6 and 7 of each signal line.
  const rows = hea.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
  assert.equal(rows.length, 10);
  const rec = await openWfdb(shared('data/wfdb/formats/binformats.hea'));
  try {
    for (let i = 0; i < rows.length; i++) {
      const [file, fmt, , , , init, sum] = rows[i]!;
      const ch = rec.info.channels[i]!;
      assert.equal(ch.storage, fmt, file);
      const [d] = await rec.read(i, 0, ch.samples, { raw: true });
      assert.ok(d instanceof Int32Array);
      assert.equal(d[0], Number(init), `${file} (format ${fmt}) initial value`);
      assert.equal(checksum16(d), Number(sum), `${file} (format ${fmt}) checksum`);
    }
  } finally { await rec.close(); }
});

test('100s in physical units matches rdsamp output within 0.001 mV', { skip: needShared('data/wfdb/100s.rdsamp.txt') }, async () => {
  const text = await readFile(shared('data/wfdb/100s.rdsamp.txt'), 'utf8');
  // Two header lines, then: elapsed seconds, MLII, V5 (mV).
  const rows = text.trim().split('\n').slice(2).map((l) => l.trim().split(/\s+/).map(Number));
  assert.ok(rows.length >= 300);
  const rec = await openWfdb(shared('data/wfdb/100s'));
  try {
    const first = Math.round(rows[0]![0]! * 360), last = Math.round(rows[rows.length - 1]![0]! * 360);
    const [mlii, v5] = await rec.read([0, 1], first, last + 1);
    for (const [t, a, b] of rows) {
      const i = Math.round(t! * 360) - first;
      assert.ok(Math.abs(mlii![i]! - a!) <= 0.001 + 1e-12, `MLII at ${t} s: ${mlii![i]} vs ${a}`);
      assert.ok(Math.abs(v5![i]! - b!) <= 0.001 + 1e-12, `V5 at ${t} s: ${v5![i]} vs ${b}`);
    }
  } finally { await rec.close(); }
});

test('03700181 has four MCL1 samples per ABP sample, at 500 and 125 Hz, read consistently', { skip: needShared('data/wfdb/03700181.hea') }, async () => {
  const rec = await openWfdb(shared('data/wfdb/03700181.hea'));
  try {
    const [mcl1, abp, resp] = rec.info.channels;
    assert.deepEqual([mcl1!.fs, abp!.fs, resp!.fs], [500, 125, 125]);
    assert.equal(mcl1!.samples, 4 * abp!.samples);
    assert.equal(abp!.samples, 75000);
    // Ten seconds by time: 5000 MCL1 samples against 1250 of ABP.
    const [m, a] = await rec.read([0, 1], 20, 30, { unit: 'seconds', raw: true });
    assert.equal(m!.length, 5000);
    assert.equal(a!.length, 1250);
    const [mAll] = await rec.read(0, 0, mcl1!.samples, { raw: true });
    assert.deepEqual(m, mAll!.subarray(10000, 15000));
    // The header's checksum covers every stored sample of an unskewed signal.
    assert.equal(checksum16(mAll!), mcl1!.extra!['checksum']);
    // RESP is skewed by 4 frames: sample 0 is the 5th stored one, the last 4 are past the file's end.
    assert.equal(resp!.extra!['skew'], 4);
    const [r] = await rec.read(2, 74990, 75000, { raw: true });
    assert.deepEqual(Array.from(r!.subarray(6)), [-2048, -2048, -2048, -2048]);
  } finally { await rec.close(); }
});

test('every WFDB header in the shared data opens with the channels of catalog.json', { skip: needShared('data/catalog.json') }, async () => {
  const catalog = JSON.parse(await readFile(shared('data/catalog.json'), 'utf8')) as Record<string, { format: string; frames: number; frameFrequency: number; channels: { name: string; fs: number; samples: number }[] }>;
  const entries = Object.entries(catalog).filter(([, v]) => v.format === 'wfdb');
  assert.ok(entries.length >= 6);
  for (const [rel, want] of entries) {
    const rec = await openWfdb(shared(`data/${rel}`));
    try {
      assert.equal(rec.info.format, 'wfdb');
      assert.equal(rec.frames, want.frames, rel);
      assert.deepEqual(rec.info.channels.map((c) => ({ name: c.name, fs: c.fs, samples: c.samples })), want.channels.map((c) => ({ name: c.name, fs: c.fs, samples: c.samples })), rel);
    } finally { await rec.close(); }
  }
});

test('random access equals slices of a full read (seeded ranges)', { skip: needShared('data/wfdb/03700181.hea') }, async () => {
  const rand = rng(42);
  for (const rel of ['data/wfdb/100.hea', 'data/wfdb/03700181.hea', 'data/wfdb/formats/binformats.hea', 'data/wfdb/test_generator_2.hea']) {
    const rec = await openWfdb(shared(rel));
    try {
      for (let c = 0; c < rec.info.channels.length; c++) {
        const n = rec.info.channels[c]!.samples;
        const [full] = await rec.read(c, 0, n, { raw: true });
        for (let k = 0; k < 12; k++) {
          const a = Math.floor(rand() * n), b = Math.min(n, a + Math.floor(rand() * 5000));
          const [part] = await rec.read(c, a, b, { raw: true });
          assert.deepEqual(part, full!.subarray(a, b), `${rel} channel ${c} [${a}, ${b})`);
        }
      }
    } finally { await rec.close(); }
  }
});

test('chunks() with overlap reassembles to the full read', { skip: needShared('data/wfdb/03700181.hea') }, async () => {
  const rec = await openWfdb(shared('data/wfdb/03700181.hea'));
  try {
    for (const [channels, samples, overlap] of [[[1, 2], 7001, 333], [[0], 40000, 1]] as const) {
      const n = rec.info.channels[channels[0]]!.samples;
      const full = await rec.read([...channels], 0, n);
      const got = channels.map(() => new Float64Array(n));
      let next = 0;
      for await (const c of rec.chunks({ channels: [...channels], samples, overlap })) {
        assert.equal(c.start + c.overlap, next);
        c.data.forEach((d, k) => got[k]!.set(d.subarray(c.overlap), next));
        next += c.data[0]!.length - c.overlap;
      }
      assert.equal(next, n);
      assert.deepEqual(got, full);
    }
  } finally { await rec.close(); }
});

test('format 8 random access over many checkpoint intervals matches the written values', async () => {
  await withTmp(async (dir) => {
    // Two signals in one format-8 file, the second with 2 samples per frame; differences stay in int8.
    const frames = 200_003, rand = rng(7);
    const a = new Int32Array(frames), b = new Int32Array(frames * 2);
    const bytes = new Uint8Array(frames * 3);
    let va = 100, vb = -50;
    for (let f = 0; f < frames; f++) {
      const da = Math.floor(rand() * 21) - 10, db0 = Math.floor(rand() * 21) - 10, db1 = Math.floor(rand() * 21) - 10;
      va += da; a[f] = va;
      vb += db0; b[2 * f] = vb;
      vb += db1; b[2 * f + 1] = vb;
      bytes[3 * f] = da & 0xff; bytes[3 * f + 1] = db0 & 0xff; bytes[3 * f + 2] = db1 & 0xff;
    }
    await writeFile(join(dir, 'd8.dat'), bytes);
    await writeFile(join(dir, 'd8.hea'), `d8 2 100 ${frames}\nd8.dat 8 200 10 0 100 0 0 A\nd8.dat 8x2 200 10 0 -50 0 0 B\n`);
    const rec = await openWfdb(join(dir, 'd8'));
    try {
      for (let k = 0; k < 40; k++) {
        const s = Math.floor(rand() * frames), e = Math.min(frames, s + Math.floor(rand() * 3000));
        const [x] = await rec.read(0, s, e, { raw: true });
        assert.deepEqual(x, a.subarray(s, e), `A [${s}, ${e})`);
        const [y] = await rec.read(1, 2 * s, 2 * e, { raw: true });
        assert.deepEqual(y, b.subarray(2 * s, 2 * e), `B [${2 * s}, ${2 * e})`);
      }
      const [all] = await rec.read(0, 0, frames, { raw: true });
      assert.deepEqual(all, a);
    } finally { await rec.close(); }
  });
});

test('skew and samples per frame combine as header(5) defines them, past-the-end samples invalid', async () => {
  await withTmp(async (dir) => {
    // Frame layout in one format-16 file: A (1 per frame, skew 2), B (3 per frame, skew 1), C (1, no skew),
    // behind a 10-byte preamble. Stored value = 1000 * signal + 10 * frame + sub-sample.
    const frames = 50, F = 5;
    const stored = new Int16Array(frames * F);
    for (let f = 0; f < frames; f++) {
      stored[f * F] = 1000 + 10 * f;
      for (let s = 0; s < 3; s++) stored[f * F + 1 + s] = 2000 + 10 * f + s;
      stored[f * F + 4] = 3000 + 10 * f;
    }
    const bytes = new Uint8Array(10 + stored.byteLength);
    bytes.set(new Uint8Array(stored.buffer), 10);
    await writeFile(join(dir, 's.dat'), bytes);
    await writeFile(join(dir, 's.hea'), `s 3 100 ${frames}\ns.dat 16:2+10 200 16 0 0 0 0 A\ns.dat 16x3:1+10 200 16 0 0 0 0 B\ns.dat 16+10 200 16 0 0 0 0 C\n`);
    // Sample j of a signal with k per frame and skew sk is stored in frame floor(j/k) + sk at sub-sample j mod k.
    const want = (sig: number, k: number, sk: number, j: number): number => {
      const f = Math.floor(j / k) + sk;
      return f >= frames ? -32768 : 1000 * sig + 10 * f + (j % k);
    };
    const rec = await openWfdb(join(dir, 's'));
    try {
      const rand = rng(5);
      const spec = [[1, 1, 2], [2, 3, 1], [3, 1, 0]] as const;
      for (let k = 0; k < 60; k++) {
        const c = k % 3, [sig, spf, sk] = spec[c]!;
        const n = frames * spf, a = Math.floor(rand() * n), b = a + Math.floor(rand() * (n - a + 1));
        const [got] = await rec.read(c, a, b, { raw: true });
        assert.deepEqual(Array.from(got!), Array.from({ length: b - a }, (_, i) => want(sig, spf, sk, a + i)), `signal ${c} [${a}, ${b})`);
      }
      const [a0, c0] = await rec.read([0, 2], 0, frames, { raw: true });
      assert.deepEqual([a0![0], a0![frames - 3], a0![frames - 2], c0![frames - 1]], [1020, 1490, -32768, 3490]);
    } finally { await rec.close(); }
  });
});

test('a header without a frame count takes it from the signal file size', async () => {
  await withTmp(async (dir) => {
    await writeFile(join(dir, 'n.dat'), new Uint8Array(3 * 101 + 2)); // 101 frames + a partial one
    await writeFile(join(dir, 'n.hea'), 'n 2 360\nn.dat 212\nn.dat 212\n');
    const rec = await openWfdb(join(dir, 'n.hea'));
    try {
      assert.equal(rec.frames, 101);
      assert.equal(rec.info.channels[1]!.samples, 101);
    } finally { await rec.close(); }
  });
});

/** Each case writes a record into `dir` and names the file and place its FormatError must report. */
const BAD: [string, (dir: string) => Promise<void>, (dir: string) => { file: string; where: RegExp; detail: RegExp }][] = [
  ['truncated .dat', async (d) => { await copy100s(d); await truncate(join(d, 'r.dat'), 64800 - 7); },
    (d) => ({ file: join(d, 'r.dat'), where: /end of file/, detail: /64800 bytes.*file has 64793 bytes/ })],
  ['header claiming more frames than the file holds', async (d) => { await copy100s(d, (h) => h.replace('r 2 360 21600', 'r 2 360 30000')); },
    (d) => ({ file: join(d, 'r.dat'), where: /end of file/, detail: /90000 bytes.*file has 64800 bytes/ })],
  ['missing .dat', async (d) => { await copy100s(d); await rm(join(d, 'r.dat')); },
    (d) => ({ file: join(d, 'r.dat'), where: /open/, detail: /file not found/ })],
  ['unsupported format', async (d) => { await copy100s(d, (h) => h.replace('r.dat 212 200 11 1024 1011', 'r.dat 999 200 11 1024 1011')); },
    (d) => ({ file: join(d, 'r.hea'), where: /^line 3$/, detail: /format 999 is not supported/ })],
  ['garbage header line', async (d) => { await copy100s(d, (h) => h.replace('r.dat 212 200 11 1024 1011', 'r.dat 212 2oo 11 1024 1011')); },
    (d) => ({ file: join(d, 'r.hea'), where: /^line 3$/, detail: /2oo/ })],
  ['multi-segment header whose segment headers are missing', async (d) => { await writeFile(join(d, 'r.hea'), 'r/2 2 360 1000\nr_1 500\nr_2 500\n'); },
    (d) => ({ file: join(d, 'r_1.hea'), where: /open/, detail: /file not found/ })],
  ['missing header', async () => undefined,
    (d) => ({ file: join(d, 'r.hea'), where: /open/, detail: /file not found/ })],
];

async function copy100s(dir: string, edit: (h: string) => string = (h) => h): Promise<void> {
  await copyFile(shared('data/wfdb/100s.dat'), join(dir, 'r.dat'));
  const h = (await readFile(shared('data/wfdb/100s.hea'), 'latin1')).replace(/^100s /m, 'r ').replaceAll('100s.dat', 'r.dat');
  await writeFile(join(dir, 'r.hea'), edit(h));
}

test('bad input gives a FormatError naming the file and the place', { skip: needShared('data/wfdb/100s.dat') }, async () => {
  for (const [what, make, want] of BAD) {
    await withTmp(async (dir) => {
      await make(dir);
      const w = want(dir);
      await assert.rejects(openWfdb(join(dir, 'r')), (e: unknown) => {
        assert.ok(e instanceof FormatError, `${what}: got ${String(e)}`);
        assert.equal(e.file, w.file, what);
        assert.match(e.where, w.where, what);
        assert.ok(e.message.startsWith(`${w.file}: `), `${what}: ${e.message}`);
        assert.match(e.message, w.detail, what);
        return true;
      });
    });
  }
});

/** A small valid record over three files: 212 pair, 16 with 2 samples per frame and a skew, format 8. */
async function writeFuzzBase(dir: string): Promise<{ hea: string; dats: Record<string, Uint8Array> }> {
  const frames = 300, rand = rng(99);
  const f212 = new Uint8Array(frames * 3), g16 = new Uint8Array(frames * 4), h8 = new Uint8Array(frames);
  for (let i = 0; i < f212.length; i++) f212[i] = Math.floor(rand() * 256);
  for (let i = 0; i < g16.length; i++) g16[i] = Math.floor(rand() * 256);
  for (let i = 0; i < h8.length; i++) h8[i] = Math.floor(rand() * 9) - 4;
  const hea = [
    '# fuzz base', `fz 4 250/10(2) ${frames} 10:00:00 01/02/2003`,
    'f.dat 212 200(10)/mV 12 0 5 0 0 first', 'f.dat 212 100 12 0 -5 0 0 second',
    'g.dat 16x2:3+0 1000/uV 16 0 0 0 0 third', 'h.dat 8 50 10 0 17 0 0 fourth', '# end',
  ].join('\n') + '\n';
  const dats = { 'f.dat': f212, 'g.dat': g16, 'h.dat': h8 };
  await writeFile(join(dir, 'fz.hea'), hea);
  for (const [k, v] of Object.entries(dats)) await writeFile(join(dir, k), v);
  return { hea, dats };
}

function mutateText(s: string, rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const lines = s.split('\n');
  const li = Math.floor(rand() * lines.length);
  switch (Math.floor(rand() * 7)) {
    case 0: { // replace a character
      const p = Math.floor(rand() * s.length);
      return s.slice(0, p) + pick(['0', '9', '-', 'x', ':', '+', '/', '(', ')', ' ', '\n', '#', 'e', '.', '\u00b5']) + s.slice(p + 1);
    }
    case 1: { const p = Math.floor(rand() * s.length); return s.slice(0, p) + s.slice(p + 1); }
    case 2: lines.splice(li, 1); return lines.join('\n');
    case 3: lines.splice(li, 0, lines[li] ?? ''); return lines.join('\n');
    case 4: { // a huge or odd number in place of a field
      const f = lines[li]!.split(' ');
      f[Math.floor(rand() * f.length)] = pick(['99999999999999999999', '4294967297', '-1', '0', '1e308', 'NaN', '16x100000000', '212:999999', '8+99999999']);
      lines[li] = f.join(' ');
      return lines.join('\n');
    }
    case 5: return s.replace(/ (\d+)/, (_m, d: string) => ` ${Number(d) * 1000 + 7}`);
    default: return lines.reverse().join('\n');
  }
}

function mutateBytes(b: Uint8Array, rand: () => number): Uint8Array {
  switch (Math.floor(rand() * 3)) {
    case 0: { const c = Uint8Array.from(b); for (let k = 0; k < 5; k++) c[Math.floor(rand() * c.length)] = Math.floor(rand() * 256); return c; }
    case 1: return b.subarray(0, Math.floor(rand() * b.length));
    default: { const c = new Uint8Array(b.length + 1 + Math.floor(rand() * 7)); c.set(b); return c; }
  }
}

test('fuzz: mutated headers and signal files open and read, or fail with FormatError/RangeError only', async () => {
  await withTmp(async (dir) => {
    const base = await writeFuzzBase(dir);
    const rand = rng(2024);
    let opened = 0, refused = 0;
    for (let k = 0; k < 300; k++) {
      let hea = base.hea;
      const dats = { ...base.dats };
      const edits = 1 + Math.floor(rand() * 3);
      for (let e = 0; e < edits; e++) {
        if (rand() < 0.6) hea = mutateText(hea, rand);
        else { const key = (['f.dat', 'g.dat', 'h.dat'] as const)[Math.floor(rand() * 3)]!; dats[key] = mutateBytes(dats[key], rand); }
      }
      await writeFile(join(dir, 'fz.hea'), hea);
      for (const [name, v] of Object.entries(dats)) await writeFile(join(dir, name), v);
      try {
        const rec = await openWfdb(join(dir, 'fz'));
        try {
          opened++;
          for (const c of rec.signalChannels()) {
            const n = rec.info.channels[c]!.samples;
            assert.ok(n <= 1e7, `case ${k}: ${n} samples from a tiny file`);
            await rec.read(c, 0, n);
            await rec.read(c, Math.floor(n / 3), n, { raw: true });
            let seen = 0;
            for await (const ch of rec.chunks({ channels: [c], samples: 97, overlap: 5 })) seen += ch.data[0]!.length - ch.overlap;
            assert.equal(seen, n, `case ${k}: chunks cover the channel`);
          }
        } finally { await rec.close(); }
      } catch (e) {
        if (!(e instanceof FormatError) && !(e instanceof RangeError)) {
          throw new Error(`case ${k}: ${String(e)}\nheader:\n${hea}`, { cause: e });
        }
        refused++;
      }
    }
    assert.equal(opened + refused, 300);
    assert.ok(opened > 20 && refused > 20, `both outcomes occur (opened ${opened}, refused ${refused})`);
  });
});

test('a 24 h two-channel 360 Hz format-212 record streams in 60 s chunks below 150 MB RSS', { skip: needShared('data/wfdb/100.dat') }, async () => {
  await withTmp(async (dir) => {
    const tile = await readFile(shared('data/wfdb/100.dat'));
    const tiles = 48, frames = 650000 * tiles;
    const { open } = await import('node:fs/promises');
    const fh = await open(join(dir, 'big.dat'), 'w');
    try { for (let t = 0; t < tiles; t++) await fh.write(tile, 0, tile.length); } finally { await fh.close(); }
    await writeFile(join(dir, 'big.hea'), `big 2 360 ${frames}\nbig.dat 212 200 11 1024 995 0 0 MLII\nbig.dat 212 200 11 1024 1011 0 0 V5\n`);
    const rec = await openWfdb(join(dir, 'big'));
    try {
      assert.ok(rec.info.duration > 24 * 3600);
      let total = 0, peak = 0, chunks = 0;
      for await (const c of rec.chunks({ seconds: 60 })) {
        if (chunks === 0) assert.equal(c.data[0]![0], (995 - 1024) / 200);
        total += c.data[0]!.length;
        chunks++;
        peak = Math.max(peak, process.memoryUsage().rss);
      }
      assert.equal(total, frames);
      assert.equal(chunks, Math.ceil(frames / 21600));
      assert.ok(peak < 150 * 2 ** 20, `peak RSS ${(peak / 2 ** 20).toFixed(1)} MB`);
    } finally { await rec.close(); }
  });
});

test('physical reads of 16 and 212 records equal (stored - baseline) / gain exactly, chunk by chunk', { skip: needShared('data/wfdb/100.hea') || needShared('data/wfdb/test_generator_2.hea') }, async () => {
  for (const path of [shared('data/wfdb/100.hea'), shared('data/wfdb/formats/binformats.hea')]) {
    const rec = await openWfdb(path);
    const chans = rec.signalChannels().filter((c) => rec.info.channels[c]!.fs === rec.info.channels[rec.signalChannels()[0]!]!.fs);
    const n = Math.min(...chans.map((c) => rec.info.channels[c]!.samples));
    for (const [a, b] of [[0, Math.min(n, 5000)], [17, Math.min(n, 499)], [n - 100, n]] as const) {
      const phys = (await rec.read(chans, a, b)) as Float64Array[];
      const raw = (await rec.read(chans, a, b, { raw: true })) as Int32Array[];
      chans.forEach((c, k) => {
        const { gain, baseline } = rec.info.channels[c]!;
        for (let i = 0; i < b - a; i++) assert.equal(phys[k]![i], (raw[k]![i]! - baseline) / gain);
      });
    }
    await rec.close();
  }
});

/**
 * Signal-file bytes written from signal(5), independently of the reader: 212 packs two 12-bit samples
 * in 3 bytes (an odd last sample in 2); 310 packs three 10-bit samples in two little-endian 16-bit words
 * (samples 0 and 1 in bits 1..10, sample 2 split over bits 11..15 of each word); 311 packs three 10-bit
 * samples in one little-endian 32-bit word from the low bits up. A partial last group takes the bytes
 * that hold its samples.
 */
const PACK: Record<'212' | '310' | '311', (v: number[]) => number[]> = {
  '212': (v) => {
    const out: number[] = [];
    for (let i = 0; i < v.length; i += 2) {
      const a = v[i]! & 0xfff, b = (v[i + 1] ?? 0) & 0xfff;
      out.push(a & 0xff, (a >> 8) | ((b >> 8) << 4), b & 0xff);
      if (i + 1 === v.length) out.pop();
    }
    return out;
  },
  '310': (v) => {
    const out: number[] = [];
    for (let i = 0; i < v.length; i += 3) {
      const [a, b, c] = [v[i]! & 0x3ff, (v[i + 1] ?? 0) & 0x3ff, (v[i + 2] ?? 0) & 0x3ff];
      const w0 = (a << 1) | ((c & 0x1f) << 11), w1 = (b << 1) | ((c >> 5) << 11);
      out.push(w0 & 0xff, w0 >> 8);
      if (i + 1 < v.length) out.push(w1 & 0xff, w1 >> 8);
    }
    return out;
  },
  '311': (v) => {
    const out: number[] = [];
    for (let i = 0; i < v.length; i += 3) {
      const n = Math.min(3, v.length - i);
      const w = ((v[i]! & 0x3ff) | (((v[i + 1] ?? 0) & 0x3ff) << 10) | (((v[i + 2] ?? 0) & 0x3ff) << 20)) >>> 0;
      out.push(...[w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, w >>> 24].slice(0, n === 3 ? 4 : n + 1));
    }
    return out;
  },
};

test('packed formats 212, 310 and 311 read every window of multiplexed files with odd sample counts behind a byte offset', async () => {
  await withTmp(async (dir) => {
    for (const format of ['212', '310', '311'] as const) {
      const lo = format === '212' ? -2048 : -512, span = format === '212' ? 4096 : 1024;
      for (const ns of [1, 2, 3]) {
        for (const frames of [1, 2, 4, 5, 7]) {
          // Sample f of signal s, spread over the format's whole range.
          const value = (s: number, f: number): number => lo + ((s * 977 + f * 331 + 13) % span);
          const flat: number[] = [];
          for (let f = 0; f < frames; f++) for (let s = 0; s < ns; s++) flat.push(value(s, f));
          const name = `p${format}_${ns}_${frames}`;
          await writeFile(join(dir, `${name}.dat`), Uint8Array.from([0xaa, 0xbb, 0xcc, ...PACK[format](flat)]));
          const lines = Array.from({ length: ns }, (_, s) => `${name}.dat ${format}+3 100 10 0 ${value(s, 0)} 0 0 s${s}`);
          await writeFile(join(dir, `${name}.hea`), `${name} ${ns} 250 ${frames}\n${lines.join('\n')}\n`);
          const rec = await openWfdb(join(dir, name));
          try {
            for (let s = 0; s < ns; s++) {
              for (let a = 0; a <= frames; a++) {
                for (let b = a; b <= frames; b++) {
                  const [got] = await rec.read(s, a, b, { raw: true });
                  assert.deepEqual(Array.from(got!), Array.from({ length: b - a }, (_, i) => value(s, a + i)), `${name} signal ${s} [${a}, ${b})`);
                }
              }
            }
          } finally { await rec.close(); }
        }
      }
    }
  });
});

/**
 * One format-212 file behind a 7-byte preamble, F = 4 samples per frame: A (2 per frame, skew 1),
 * B (1, no skew), C (1, skew 3). Stored values: A 100 + 10 f + sub-sample, B 300 + f, C 500 + f in frame f.
 */
async function skewed212(dir: string, frames: number): Promise<string> {
  const flat: number[] = [];
  for (let f = 0; f < frames; f++) flat.push(100 + 10 * f, 101 + 10 * f, 300 + f, 500 + f);
  await writeFile(join(dir, 'k.dat'), Uint8Array.from([1, 2, 3, 4, 5, 6, 7, ...PACK['212'](flat)]));
  await writeFile(join(dir, 'k.hea'), `k 3 10 ${frames}\nk.dat 212x2:1+7 200 12 0 0 0 0 A\nk.dat 212+7 200 12 0 0 0 0 B\nk.dat 212:3+7 50(20) 12 0 0 0 0 C\n`);
  return join(dir, 'k.hea');
}

test('skew, byte offset and several samples per frame combine in a packed format-212 file', async () => {
  await withTmp(async (dir) => {
    const frames = 11;
    const rec = await openWfdb(await skewed212(dir, frames));
    try {
      assert.deepEqual(rec.info.channels.map((c) => [c.fs, c.samples]), [[20, 22], [10, 11], [10, 11]]);
      // header(5): sample j of a signal with k per frame and skew sk is in frame floor(j / k) + sk.
      const want = (c: number, j: number): number => {
        if (c === 1) return 300 + j;
        const f = c === 0 ? Math.floor(j / 2) + 1 : j + 3;
        if (f >= frames) return -2048;
        return c === 0 ? 100 + 10 * f + (j % 2) : 500 + f;
      };
      for (const c of [0, 1, 2]) {
        const n = rec.info.channels[c]!.samples;
        for (let a = 0; a <= n; a++) {
          for (let b = a; b <= n; b++) {
            const [got] = await rec.read(c, a, b, { raw: true });
            assert.deepEqual(Array.from(got!), Array.from({ length: b - a }, (_, i) => want(c, a + i)), `signal ${c} [${a}, ${b})`);
          }
        }
      }
      // Physical: (stored - baseline) / gain with C's baseline 20 and gain 50, for the samples the file holds.
      const [phys] = await rec.read(2, 0, 8);
      assert.deepEqual(Array.from(phys!), Array.from({ length: 8 }, (_, j) => (503 + j - 20) / 50));
      const [b, c] = await rec.read([1, 2], 2, 5, { raw: true });
      assert.deepEqual([Array.from(b!), Array.from(c!)], [[302, 303, 304], [505, 506, 507]]);
    } finally { await rec.close(); }
  });
});

test('samples a skewed signal does not have read as NaN in physical units, not as a made-up amplitude', async () => {
  // The last 3 frames of C (skew 3) lie past the end of the file: the reader itself marks them with
  // WFDB's invalid value, which stands for "no sample" (rdsamp prints '-', wfdb-python gives NaN).
  await withTmp(async (dir) => {
    const rec = await openWfdb(await skewed212(dir, 11));
    try {
      const [raw] = await rec.read(2, 8, 11, { raw: true });
      assert.deepEqual(Array.from(raw!), [-2048, -2048, -2048]);
      const [phys] = await rec.read(2, 7, 11);
      assert.equal(phys![0], (510 - 20) / 50);
      assert.deepEqual(Array.from(phys!.subarray(1)), [NaN, NaN, NaN]);
    } finally { await rec.close(); }
  });
});

const FLAC_PAIRS: [string, string, string][] = [
  ['two 16-bit signals in one FLAC file (516)', 'flac516', 'flac516_ref'],
  ['8-bit (508) and 24-bit (524) FLAC files in one record', 'flac_multi', 'flac_multi_ref'],
  ['two signals of two samples per frame (516x2)', 'flac_spf', 'flac_spf_ref'],
];

for (const [what, name, ref] of FLAC_PAIRS) {
  test(`FLAC signal files read as their uncompressed copy does: ${what}`, async () => {
    const a = await openWfdb(join(flacDir, `${name}.hea`));
    const b = await openWfdb(join(flacDir, `${ref}.hea`));
    try {
      const strip = (c: { name: string; fs: number; samples: number; gain: number; baseline: number; unit: string }) => [c.name, c.fs, c.samples, c.gain, c.baseline, c.unit];
      assert.deepEqual(a.info.channels.map(strip), b.info.channels.map(strip));
      assert.ok(a.info.channels.every((c) => ['508', '516', '524'].includes(c.storage)));
      const all = a.signalChannels();
      for (const raw of [true, false]) {
        for (const ch of all) {
          const n = a.info.channels[ch]!.samples;
          const [x] = await a.read(ch, 0, n, { raw });
          const [y] = await b.read(ch, 0, n, { raw });
          assert.deepEqual(x, y, `${name} channel ${ch} raw ${raw}`);
        }
      }
      const next = rng(5);
      for (let k = 0; k < 30; k++) {
        const ch = all[k % all.length]!, n = a.info.channels[ch]!.samples;
        const s = Math.floor(next() * n), e = Math.min(n, s + Math.floor(next() * 700));
        assert.deepEqual(await a.read(ch, s, e, { raw: true }), await b.read(ch, s, e, { raw: true }), `[${s}, ${e})`);
      }
    } finally {
      await a.close();
      await b.close();
    }
  });
}

test('FLAC records that disagree with their header give a FormatError naming the file', async () => {
  await withTmp(async (dir) => {
    await copyFile(join(flacDir, 'flac516.dat'), join(dir, 'f.dat'));
    const cases: [string, RegExp][] = [
      ['f 2 250 7001\nf.dat 516 200 16 0 0 0 0 A\nf.dat 516 100 16 0 0 0 0 B\n', /7001 frames .*the stream holds 7000/],
      ['f 3 250 7000\nf.dat 516 200 16 0 0 0 0 A\nf.dat 516 100 16 0 0 0 0 B\nf.dat 516 100 16 0 0 0 0 C\n', /3 FLAC channels .*got 2/],
      ['f 2 250 7000\nf.dat 508 200 8 0 0 0 0 A\nf.dat 508 100 8 0 0 0 0 B\n', /at most 8 bits per sample .*got 16/],
      ['f 2 250 3500\nf.dat 516x2 200 16 0 0 0 0 A\nf.dat 516 100 16 0 0 0 0 B\n', /one samples-per-frame count/],
    ];
    for (const [hea, re] of cases) {
      await writeFile(join(dir, 'f.hea'), hea);
      await assert.rejects(openWfdb(join(dir, 'f.hea')), (e: unknown) => e instanceof FormatError && e.message.includes('f.dat') && re.test(e.message), hea);
    }
    await writeFile(join(dir, 'g.dat'), 'not flac at all');
    await writeFile(join(dir, 'g.hea'), 'g 1 250 10\ng.dat 516 200 16 0 0 0 0 A\n');
    await assert.rejects(openWfdb(join(dir, 'g.hea')), (e: unknown) => e instanceof FormatError && e.message.includes('g.dat') && /a FLAC stream/.test(e.message));
  });
});
