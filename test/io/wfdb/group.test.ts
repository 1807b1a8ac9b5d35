import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../../src/io/errors.js';
import { table212, type WfdbFormat } from '../../../src/io/wfdb/formats.js';
import { CHECKPOINT_FRAMES, SignalGroup, type GroupMember } from '../../../src/io/wfdb/group.js';
import { needShared, shared } from '../../helpers/shared.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-group-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
function tmpFile(bytes: Uint8Array): string {
  const p = join(dir, `g${fileNo++}.dat`);
  writeFileSync(p, bytes);
  return p;
}

/** Members in slot order, one per entry of `spf` (samples per frame), no skew. */
function members(spf: number[], initialValues: number[] = []): GroupMember[] {
  let slot = 0;
  return spf.map((k, i) => {
    const m = { signal: i, slot, samplesPerFrame: k, skew: 0, initialValue: initialValues[i] ?? 0 };
    slot += k;
    return m;
  });
}

async function withGroup<T>(path: string, format: WfdbFormat, byteOffset: number, ms: GroupMember[], fn: (g: SignalGroup) => Promise<T>): Promise<T> {
  const g = new SignalGroup(path, format, byteOffset, ms);
  try {
    await g.open();
    return await fn(g);
  } finally {
    await g.close();
  }
}

/** Format 16: little-endian two's complement 16-bit samples (signal(5)). */
function encode16(samples: number[], offset = 0): Uint8Array {
  const b = Buffer.alloc(offset + 2 * samples.length);
  samples.forEach((v, i) => b.writeInt16LE(v, offset + 2 * i));
  return b;
}

/**
 * Format 212 by hand from signal(5): a pair (a, b) of 12-bit values takes 3 bytes, the low 8 bits of a,
 * then the high 4 bits of b over the high 4 bits of a, then the low 8 bits of b; an odd last sample
 * takes 2 bytes.
 */
function encode212(samples: number[]): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < samples.length; i += 2) {
    const a = samples[i]! & 0xfff;
    if (i + 1 === samples.length) {
      out.push(a & 0xff, a >> 8);
      break;
    }
    const b = samples[i + 1]! & 0xfff;
    out.push(a & 0xff, ((b >> 8) << 4) | (a >> 8), b & 0xff);
  }
  return Uint8Array.from(out);
}

test('a group counts the samples of all its members in one frame', () => {
  const cases: [number[], number][] = [[[1], 1], [[1, 1], 2], [[4, 1, 1], 6], [[2, 3], 5]];
  for (const [spf, F] of cases) assert.equal(new SignalGroup('/none.dat', '16', 0, members(spf)).frameSamples, F, spf.join('+'));
});

const OPENED: { name: string; format: WfdbFormat; spf: number[]; offset: number; bytes: number; frames: number }[] = [
  { name: '16, two signals, a partial last frame', format: '16', spf: [1, 1], offset: 0, bytes: 10, frames: 2 },
  { name: '212, two signals: 3 bytes a frame, 2 bytes left over', format: '212', spf: [1, 1], offset: 0, bytes: 3 * 101 + 2, frames: 101 },
  { name: '212, one signal, 499 samples in 249 pairs and a 2-byte tail', format: '212', spf: [1], offset: 0, bytes: 749, frames: 499 },
  { name: '310, one signal, 499 samples in 166 groups and a 2-byte tail', format: '310', spf: [1], offset: 0, bytes: 666, frames: 499 },
  { name: '311, one signal, 499 samples in 166 groups and a 2-byte tail', format: '311', spf: [1], offset: 0, bytes: 666, frames: 499 },
  { name: '311, a 3-byte tail holds two samples', format: '311', spf: [1], offset: 0, bytes: 7, frames: 5 },
  { name: '24 after a 10-byte preamble', format: '24', spf: [1, 1, 1], offset: 10, bytes: 10 + 9 * 7 + 4, frames: 7 },
  { name: '8, three samples a frame (2 + 1) after a 4-byte preamble', format: '8', spf: [2, 1], offset: 4, bytes: 100, frames: 32 },
  { name: '32, a byte offset equal to the file size', format: '32', spf: [1], offset: 12, bytes: 12, frames: 0 },
];

for (const o of OPENED) {
  test(`open counts the whole frames after the byte offset: ${o.name}`, async () => {
    const path = tmpFile(new Uint8Array(o.bytes));
    await withGroup(path, o.format, o.offset, members(o.spf), async (g) => {
      assert.equal(g.fileBytes, o.bytes);
      assert.equal(g.fileFrames, o.frames);
    });
  });
}

test('open of every binformats file finds the 499 samples its header states', { skip: needShared('data/wfdb/formats/binformats.hea') }, async () => {
  for (const s of binformats()) {
    await withGroup(shared(`data/wfdb/formats/${s.file}`), s.format, 0, members([1]), async (g) => {
      assert.equal(g.fileFrames, 499, s.file);
    });
  }
});

test('open refuses a file shorter than the byte offset, and a missing file, with a FormatError naming it', async () => {
  const short = tmpFile(new Uint8Array(10));
  await assert.rejects(withGroup(short, '16', 20, members([1]), async () => undefined), (e: unknown) => {
    assert.ok(e instanceof FormatError, String(e));
    assert.equal(e.file, short);
    assert.equal(e.expected, "at least 20 bytes (the header's byte offset)");
    assert.equal(e.where, 'end of file');
    assert.match(e.message, /\(file has 10 bytes\)$/);
    return true;
  });
  const missing = join(dir, 'missing.dat');
  await assert.rejects(withGroup(missing, '212', 0, members([1, 1]), async () => undefined),
    (e: unknown) => e instanceof FormatError && e.file === missing && e.where === 'open' && /file not found/.test(e.message));
});

const SIZES: { format: WfdbFormat; spf: number[]; offset: number; frames: number; bytes: number }[] = [
  { format: '16', spf: [1, 1], offset: 0, frames: 5, bytes: 20 },
  { format: '212', spf: [1, 1], offset: 0, frames: 5, bytes: 15 },
  { format: '212', spf: [1], offset: 0, frames: 5, bytes: 8 }, // two pairs and a 2-byte tail
  { format: '310', spf: [1], offset: 4, frames: 4, bytes: 10 }, // preamble, one group, 2-byte tail
  { format: '311', spf: [1], offset: 0, frames: 5, bytes: 7 }, // one group, 3-byte tail
  { format: '8', spf: [2, 1], offset: 10, frames: 7, bytes: 31 },
  { format: '24', spf: [1], offset: 0, frames: 0, bytes: 0 },
];

for (const s of SIZES) {
  test(`bytesForFrames gives the bytes that hold ${s.frames} frames of format ${s.format} (${s.spf.join('+')} per frame, offset ${s.offset}), and open counts them back`, async () => {
    await withGroup(tmpFile(new Uint8Array(s.bytes)), s.format, s.offset, members(s.spf), async (g) => {
      assert.equal(g.bytesForFrames(s.frames), s.bytes);
      assert.equal(g.fileFrames, s.frames);
    });
  });
}

test('directFrameBytes allows the direct paths only for 16, and for 212 frames that end on a 3-byte group', () => {
  const cases: [WfdbFormat, number[], number][] = [
    ['16', [1], 2], ['16', [1, 1, 1], 6], ['16', [4, 1], 10],
    ['212', [1, 1], 3], ['212', [1, 1, 1, 1], 6], ['212', [1, 1, 1], 0], ['212', [1], 0],
    ['8', [1], 0], ['24', [1, 1], 0], ['310', [1, 1, 1], 0], ['61', [1], 0],
  ];
  for (const [f, spf, want] of cases) assert.equal(new SignalGroup('/none.dat', f, 0, members(spf)).directFrameBytes(), want, `${f} ${spf.join('+')}`);
});

/** Stored values of 100s from second 10 (frame 3600), from rdsamp's mV: stored = mV * gain + baseline. */
function rdsampStored(): { mv: number[][]; stored: number[][] } {
  const rows = readFileSync(shared('data/wfdb/100s.rdsamp.txt'), 'utf8').trim().split('\n').slice(2).map((l) => l.trim().split(/\s+/).map(Number));
  const mv = [rows.map((r) => r[1]!), rows.map((r) => r[2]!)];
  return { mv, stored: mv.map((col) => col.map((v) => Math.round(v * 200 + 1024))) };
}

test('readFrames of 100s gives interleaved stored values: the header\'s initial values, then rdsamp\'s from second 10', { skip: needShared('data/wfdb/100s.rdsamp.txt') }, async () => {
  const { stored } = rdsampStored();
  const n = stored[0]!.length;
  await withGroup(shared('data/wfdb/100s.dat'), '212', 0, members([1, 1]), async (g) => {
    assert.equal(g.fileFrames, 21600);
    const first = await g.readFrames(0, 1);
    assert.deepEqual([first.lead, first.flat[0], first.flat[1]], [0, 995, 1011]);
    const { flat, lead } = await g.readFrames(3600, 3600 + n);
    assert.equal(lead, 0);
    const want = stored[0]!.flatMap((a, i) => [a, stored[1]![i]!]);
    assert.deepEqual(Array.from(flat.subarray(0, 2 * n)), want);
  });
});

test('readDirect and readDirectPhysical of 100s match rdsamp, into the offsets and arrays given', { skip: needShared('data/wfdb/100s.rdsamp.txt') }, async () => {
  const { mv, stored } = rdsampStored();
  const n = stored[0]!.length;
  await withGroup(shared('data/wfdb/100s.dat'), '212', 0, members([1, 1]), async (g) => {
    const [mlii, v5] = g.members;
    // Members in the reverse of their slot order, each into its own array from index 3, sentinels around.
    const outs = [new Int32Array(n + 5).fill(-9), new Int32Array(n + 5).fill(-9)];
    assert.equal(await g.readDirect(3600, 3600 + n, [v5!, mlii!], outs, 3), true);
    assert.deepEqual(Array.from(outs[0]!), [-9, -9, -9, ...stored[1]!, -9, -9]);
    assert.deepEqual(Array.from(outs[1]!), [-9, -9, -9, ...stored[0]!, -9, -9]);
    // (stored - 1024) / 200 is a multiple of 0.005, so it is the very double rdsamp's 3 decimals name.
    const scale = { baseline: 1024, gain: 200 };
    for (const withTable of [true, false]) {
      const sc = withTable ? { ...scale, table: table212(1024, 200) } : scale;
      const phys = [new Float64Array(n), new Float64Array(n)];
      assert.equal(await g.readDirectPhysical(3600, 3600 + n, [mlii!, v5!], [sc, sc], phys), true);
      assert.deepEqual([Array.from(phys[0]!), Array.from(phys[1]!)], mv, `table ${withTable}`);
    }
    const single = [new Float32Array(n)];
    await g.readDirectPhysical(3600, 3600 + n, [v5!], [scale], single);
    assert.deepEqual(Array.from(single[0]!), mv[1]!.map(Math.fround));
  });
});

/** Format 16, three signals: the stored value of signal k at frame f, spread over the int16 range. */
const value16 = (k: number, f: number): number => ((f * 7 + k * 11_111) % 65_536) - 32_768;

test('readDirect and readDirectPhysical span reads larger than one 1 MiB batch without a seam, concurrent ones included', async () => {
  // 200,000 frames of 6 bytes: 1.2 MB, so a long read goes in two batches of 174,762 frames.
  const frames = 200_000;
  const flat: number[] = [];
  for (let f = 0; f < frames; f++) for (let k = 0; k < 3; k++) flat.push(value16(k, f));
  const path = tmpFile(encode16(flat, 6));
  await withGroup(path, '16', 6, members([1, 1, 1]), async (g) => {
    assert.equal(g.directFrameBytes(), 6);
    const [f0, f1] = [100, 199_950];
    const outs = [new Int32Array(f1 - f0), new Int32Array(f1 - f0)];
    assert.equal(await g.readDirect(f0, f1, [g.members[2]!, g.members[0]!], outs, 0), true);
    for (const [j, k] of [[0, 2], [1, 0]] as const) {
      const want = Int32Array.from({ length: f1 - f0 }, (_, i) => value16(k, f0 + i));
      assert.deepEqual(outs[j], want, `member ${k}`);
    }
    const phys = [new Float64Array(f1 - f0)];
    assert.equal(await g.readDirectPhysical(f0, f1, [g.members[1]!], [{ baseline: -32_768, gain: 4 }], phys), true);
    // -32768 is format 16's missing sample: NaN in physical units.
    const physical = (v: number) => (v === -32_768 ? NaN : (v + 32_768) / 4);
    assert.deepEqual(phys[0], Float64Array.from({ length: f1 - f0 }, (_, i) => physical(value16(1, f0 + i))));
    // A stream reads one chunk ahead: concurrent direct reads must not share a byte buffer.
    const ranges: [number, number][] = [[0, 150_000], [40_000, 199_999], [7, 9], [199_000, 200_000]];
    const got = await Promise.all(ranges.map(async ([a, b]) => {
      const out = [new Int32Array(b - a)];
      await g.readDirect(a, b, [g.members[1]!], out, 0);
      return out[0]!;
    }));
    ranges.forEach(([a, b], j) => assert.deepEqual(got[j], Int32Array.from({ length: b - a }, (_, i) => value16(1, a + i)), `[${a}, ${b})`));
  });
});

test('reads of a 212 group with an odd frame size start mid-pair (lead 1) and decline the direct paths', async () => {
  // Three signals: a frame is 3 samples, so frame 1 starts with the second half of a pair.
  const frames = 5;
  const v = (k: number, f: number): number => 100 * k + f - 150; // negatives and positives in 12 bits
  const flat: number[] = [];
  for (let f = 0; f < frames; f++) for (let k = 0; k < 3; k++) flat.push(v(k, f));
  await withGroup(tmpFile(encode212(flat)), '212', 0, members([1, 1, 1]), async (g) => {
    assert.equal(g.fileFrames, frames);
    const { flat: got, lead } = await g.readFrames(1, 4);
    assert.equal(lead, 1);
    assert.deepEqual(Array.from(got.subarray(lead, lead + 9)), flat.slice(3, 12));
    const tail = await g.readFrames(4, 5);
    assert.deepEqual([tail.lead, ...Array.from(tail.flat.subarray(tail.lead, tail.lead + 3))], [0, -146, -46, 54]);
    const outs = [new Int32Array(3).fill(7)];
    assert.equal(await g.readDirect(1, 4, [g.members[0]!], outs, 0), false);
    assert.equal(await g.readDirectPhysical(1, 4, [g.members[0]!], [{ baseline: 0, gain: 1 }], [new Float64Array(3)]), false);
    assert.deepEqual(Array.from(outs[0]!), [7, 7, 7], 'nothing written');
  });
});

/** Signal lines of binformats.hea: file, format, initial value and 16-bit checksum. */
function binformats(): { file: string; format: WfdbFormat; initial: number; checksum: number }[] {
  const lines = readFileSync(shared('data/wfdb/formats/binformats.hea'), 'latin1').trim().split('\n').slice(1);
  return lines.map((l) => {
    const f = l.trim().split(/\s+/);
    return { file: f[0]!, format: f[1]! as WfdbFormat, initial: Number(f[5]), checksum: Number(f[6]) };
  });
}

const checksum16 = (v: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s = (s + v[i]!) | 0;
  return (s << 16) >> 16;
};

test('readFrames of any window of every binformats format gives that slice of the whole signal', { skip: needShared('data/wfdb/formats/binformats.hea') }, async () => {
  for (const s of binformats()) {
    // Format 8 stores differences: the group adds them up from the member's initial value.
    await withGroup(shared(`data/wfdb/formats/${s.file}`), s.format, 0, members([1], [s.initial]), async (g) => {
      const whole = Int32Array.from((await g.readFrames(0, 499)).flat.subarray(0, 499));
      // The whole signal is anchored by its header line: first sample and checksum.
      assert.equal(whole[0], s.initial, `${s.file} initial value`);
      assert.equal(checksum16(whole), s.checksum, `${s.file} checksum`);
      // Windows starting at every position within a 2- or 3-sample group, the last ones at the file's end.
      for (const [a, b] of [[1, 2], [2, 9], [3, 7], [4, 5], [5, 498], [250, 499], [497, 499], [498, 499], [0, 1]]) {
        const { flat, lead } = await g.readFrames(a!, b!);
        assert.deepEqual(flat.subarray(lead, lead + b! - a!), whole.subarray(a!, b!), `${s.file} [${a}, ${b})`);
      }
    });
  }
});

test('format 8 readFrames gives running values in any order, past several checkpoint intervals', async () => {
  // Signal A one sample per frame, B two; differences in [-9, 9] stored as int8; initial values 100 and -50.
  const frames = 2 * CHECKPOINT_FRAMES + 9_000;
  const bytes = new Uint8Array(3 * frames);
  const want = new Int32Array(3 * frames);
  const acc = [100, -50];
  let seed = 12345;
  for (let p = 0; p < 3 * frames; p++) {
    seed = (seed * 48_271) % 2_147_483_647; // MINSTD: a fixed, reproducible sequence
    const d = (seed % 19) - 9;
    const m = p % 3 === 0 ? 0 : 1;
    acc[m] = acc[m]! + d;
    bytes[p] = d & 0xff;
    want[p] = acc[m]!;
  }
  await withGroup(tmpFile(bytes), '8', 0, members([1, 2], [100, -50]), async (g) => {
    assert.equal(g.fileFrames, frames);
    // Far first, then back to an earlier interval, to the start, and on sequentially from a read's end.
    const reads: [number, number][] = [
      [frames - 500, frames], [CHECKPOINT_FRAMES + 3, CHECKPOINT_FRAMES + 40], [0, 10], [CHECKPOINT_FRAMES - 5, CHECKPOINT_FRAMES + 5],
      [CHECKPOINT_FRAMES + 5, CHECKPOINT_FRAMES + 20], [2 * CHECKPOINT_FRAMES, 2 * CHECKPOINT_FRAMES + 1], [10, 11], [frames - 1, frames],
    ];
    for (const [a, b] of reads) {
      const { flat, lead } = await g.readFrames(a, b);
      assert.equal(lead, 0);
      assert.deepEqual(flat.subarray(0, 3 * (b - a)), want.subarray(3 * a, 3 * b), `[${a}, ${b})`);
    }
  });
});
