import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../src/io/errors.js';
import { openNpy } from '../../src/io/npy.js';
import { needShared, repoRoot, shared } from '../helpers/shared.js';
import { seededRandom as rng } from '../../src/signals/random.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-npy-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
function tmpFile(content: Uint8Array): string {
  const p = join(dir, `a${fileNo++}.npy`);
  writeFileSync(p, content);
  return p;
}

/** NPY bytes written by hand after numpy.lib.format: magic, version, length, dict padded to 64 bytes. */
function npyBytes(version: 1 | 2 | 3, dictText: string, data: Uint8Array): Buffer {
  const pre = version === 1 ? 10 : 12;
  const dict = Buffer.from(dictText, version === 3 ? 'utf8' : 'latin1');
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  const header = Buffer.alloc(total, 0x20);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(header);
  if (version === 1) header.writeUInt16LE(total - pre, 8);
  else header.writeUInt32LE(total - pre, 8);
  dict.copy(header, pre);
  header[total - 1] = 0x0a;
  return Buffer.concat([header, data]);
}

const WRITERS: Record<string, (dv: DataView, p: number, v: number, le: boolean) => void> = {
  f4: (dv, p, v, le) => dv.setFloat32(p, v, le),
  f8: (dv, p, v, le) => dv.setFloat64(p, v, le),
  i1: (dv, p, v) => dv.setInt8(p, v),
  u1: (dv, p, v) => dv.setUint8(p, v),
  i2: (dv, p, v, le) => dv.setInt16(p, v, le),
  u2: (dv, p, v, le) => dv.setUint16(p, v, le),
  i4: (dv, p, v, le) => dv.setInt32(p, v, le),
  u4: (dv, p, v, le) => dv.setUint32(p, v, le),
  i8: (dv, p, v, le) => dv.setBigInt64(p, BigInt(v), le),
};

/** Values that fit each dtype exactly (float32 ones are float32-representable). */
function sample(kind: string, r: () => number): number {
  const u = r();
  switch (kind) {
    case 'f4': return Math.fround((u - 0.5) * 1e3);
    case 'f8': return (u - 0.5) * 1e6;
    case 'i1': return Math.floor(u * 256) - 128;
    case 'u1': return Math.floor(u * 256);
    case 'i2': return Math.floor(u * 65536) - 32768;
    case 'u2': return Math.floor(u * 65536);
    case 'i4': return Math.floor(u * 2 ** 32) - 2 ** 31;
    case 'u4': return Math.floor(u * 2 ** 32);
    default: return Math.floor((u - 0.5) * 2 ** 52);
  }
}

const STORAGE: Record<string, string> = { f4: 'float32', f8: 'float64', i1: 'int8', u1: 'uint8', i2: 'int16', u2: 'uint16', i4: 'int32', u4: 'uint32', i8: 'int64' };

/** cols[c][s] written in C (row-major) or Fortran (column-major) order. */
function arrayFile(version: 1 | 2 | 3, descr: string, fortran: boolean, cols: number[][], oneD: boolean): string {
  const kind = descr.slice(1);
  const size = Number(kind.slice(1));
  const n = cols[0]!.length, c = cols.length;
  const data = new Uint8Array(n * c * size);
  const dv = new DataView(data.buffer);
  const le = descr[0] !== '>';
  for (let s = 0; s < n; s++) {
    for (let k = 0; k < c; k++) WRITERS[kind]!(dv, (fortran ? k * n + s : s * c + k) * size, cols[k]![s]!, le);
  }
  const shape = oneD ? `(${n},)` : `(${n}, ${c})`;
  return tmpFile(npyBytes(version, `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shape}, }`, data));
}

const DESCRS = ['<f4', '>f4', '<f8', '>f8', '<i2', '>i2', '<i4', '>i4', '<i8', '>i8', '|u1', '|i1', '<u2', '>u2', '<u4', '>u4'];

test('openNpy reads every version, dtype, byte order and memory order it supports', async () => {
  const r = rng(5);
  for (const version of [1, 2, 3] as const) {
    for (const descr of DESCRS) {
      for (const [fortran, oneD] of [[false, true], [false, false], [true, false]] as const) {
        const nch = oneD ? 1 : 3;
        const cols = Array.from({ length: nch }, () => Array.from({ length: 37 }, () => sample(descr.slice(1), r)));
        const rec = await openNpy(arrayFile(version, descr, fortran, cols, oneD), { fs: 10 });
        const what = `v${version} ${descr} ${fortran ? 'F' : 'C'} ${oneD ? '1-D' : '2-D'}`;
        try {
          assert.equal(rec.info.channels.length, nch, what);
          assert.equal(rec.info.channels[0]!.storage, STORAGE[descr.slice(1)], what);
          assert.equal(rec.info.channels[0]!.fs, 10);
          const all = await rec.read(rec.signalChannels(), 0, 37, { raw: true });
          const intType = descr[1] !== 'f' && descr.slice(1) !== 'i8' && descr.slice(1) !== 'u4';
          all.forEach((a, k) => {
            assert.ok(intType ? a instanceof Int32Array : a instanceof Float64Array, `${what}: ${a.constructor.name}`);
            assert.deepEqual(Array.from(a), cols[k], `${what} channel ${k}`);
          });
          const part = await rec.read([nch - 1, 0], 5, 21);
          assert.deepEqual(Array.from(part[0]!), cols[nch - 1]!.slice(5, 21), what);
          assert.deepEqual(Array.from(part[1]!), cols[0]!.slice(5, 21), what);
        } finally {
          await rec.close();
        }
      }
    }
  }
});

test('openNpy reads files written by NumPy (golden files)', async () => {
  // Made with NumPy 2.4: np.save('f8_fortran_v1.npy', np.asfortranarray(np.arange(12.).reshape(4, 3) * 0.5 - 1));
  // np.lib.format.write_array(f, np.arange(-5, 5, dtype='>i2').reshape(5, 2), version=(2, 0)) -> i2_big_endian_v2.npy;
  // np.lib.format.write_array(f, np.array([0.1, -2.5, 3e-8], dtype='<f4'), version=(3, 0)) -> f4_v3.npy.
  const golden = (f: string) => join(repoRoot, 'test', 'golden', 'io', f);
  const cases: [string, string, number[][]][] = [
    ['f8_fortran_v1.npy', 'float64', [[-1, 0.5, 2, 3.5], [-0.5, 1, 2.5, 4], [0, 1.5, 3, 4.5]]],
    ['i2_big_endian_v2.npy', 'int16', [[-5, -3, -1, 1, 3], [-4, -2, 0, 2, 4]]],
    ['f4_v3.npy', 'float32', [[Math.fround(0.1), -2.5, Math.fround(3e-8)]]],
  ];
  for (const [file, storage, cols] of cases) {
    const rec = await openNpy(golden(file));
    try {
      assert.equal(rec.info.channels[0]!.storage, storage);
      assert.equal(rec.info.channels[0]!.fs, 1);
      const got = await rec.read(rec.signalChannels(), 0, cols[0]!.length);
      assert.deepEqual(got.map((g) => Array.from(g)), cols, file);
    } finally {
      await rec.close();
    }
  }
});

test('openNpy reads the systole PPG (int32, 24,847 samples) as the raw bytes say', { skip: needShared('data/ppg/systole_ppg_75hz.npy') }, async () => {
  const path = shared('data/ppg/systole_ppg_75hz.npy');
  const bytes = readFileSync(path);
  const start = 10 + bytes.readUInt16LE(8);
  const want: number[] = [];
  for (let p = start; p < bytes.length; p += 4) want.push(bytes.readInt32LE(p));
  const rec = await openNpy(path, { fs: 75 });
  try {
    assert.deepEqual(rec.info.channels.map((c) => [c.storage, c.samples, c.fs]), [['int32', 24847, 75]]);
    const [raw] = await rec.read(0, 0, 24847, { raw: true });
    assert.ok(raw instanceof Int32Array);
    assert.deepEqual(Array.from(raw), want);
  } finally {
    await rec.close();
  }
});

test("openNpy reads pyHRV's int64 NN series: mean NNI 768.438 ms as pyHRV reports", { skip: needShared('data/hrv/pyhrv_SampleNNISeriesLong.npy') }, async () => {
  for (const [file, n] of [['pyhrv_SampleNNISeriesLong.npy', 4684], ['pyhrv_SampleNNISeriesShort.npy', 337]] as const) {
    const rec = await openNpy(shared(`data/hrv/${file}`));
    try {
      assert.deepEqual(rec.info.channels.map((c) => [c.storage, c.samples]), [['int64', n]]);
      const [x] = await rec.read(0, 0, n);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += x![i]!;
      if (n === 4684) assert.equal(Math.round((sum / n) * 1000) / 1000, 768.438);
    } finally {
      await rec.close();
    }
  }
});

const BAD: [string, Buffer, RegExp][] = [
  ['a bad magic', Buffer.from('\x93NUMPZ\x01\x00\x10\x00{}              '), /NPY magic/],
  ['an unknown version', npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)).fill(4, 6, 7), /version 1.0, 2.0 or 3.0/],
  ['a header dict that is not one', npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,) ", new Uint8Array(8)), /in the header dict/],
  ['a header without shape', npyBytes(1, "{'descr': '<f8', 'fortran_order': False, }", new Uint8Array(8)), /'shape'/],
  ['an object array', npyBytes(1, "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(16)), /numeric dtype.*object arrays/],
  ['a complex dtype', npyBytes(1, "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(16)), /numeric dtype.*'<c16'/],
  ['a structured dtype', npyBytes(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)), /structured dtypes/],
  ['a 3-D array', npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1, 1), }", new Uint8Array(8)), /1-D .* or 2-D/],
  ['a file shorter than its shape', npyBytes(2, "{'descr': '<i2', 'fortran_order': False, 'shape': (100, 2), }", new Uint8Array(399)), /400 data bytes.*file has 399/],
  ['a header length beyond the file', Buffer.from('\x93NUMPY\x01\x00\xff\x7f{', 'latin1'), /header.*file ends/],
];

for (const [what, bytes, re] of BAD) {
  test(`openNpy raises a FormatError for ${what}`, async () => {
    const path = tmpFile(bytes);
    await assert.rejects(openNpy(path), (e: unknown) => {
      assert.ok(e instanceof FormatError, String(e));
      assert.ok(e.message.startsWith(path));
      assert.match(e.message, re);
      return true;
    });
  });
}

test('openNpy never fails with anything but FormatError/RangeError on mutated bytes (seeded fuzz)', async () => {
  const cols = [[1, 2, 3, 4, 5, 6], [-1, -2, -3, -4, -5, -6]];
  const base = readFileSync(arrayFile(1, '<i4', false, cols, false));
  const r = rng(99);
  for (let k = 0; k < 300; k++) {
    const buf = Buffer.from(base);
    const edits = 1 + Math.floor(r() * 3);
    for (let j = 0; j < edits; j++) {
      // Most edits land in the header, where parsing decisions are made.
      const at = r() < 0.8 ? Math.floor(r() * 80) : Math.floor(r() * buf.length);
      buf[at] = r() < 0.5 ? Buffer.from("0123456789(),' :{}<>|fiuTF")[Math.floor(r() * 27)]! : Math.floor(r() * 256);
    }
    const path = tmpFile(r() < 0.2 ? buf.subarray(0, Math.floor(r() * buf.length)) : buf);
    try {
      const rec = await openNpy(path);
      try {
        await rec.read(rec.signalChannels(), 0, rec.info.channels[0]?.samples ?? 0);
      } finally {
        await rec.close();
      }
    } catch (e) {
      assert.ok(e instanceof FormatError || e instanceof RangeError, `case ${k}: ${String(e)}`);
    }
  }
});
