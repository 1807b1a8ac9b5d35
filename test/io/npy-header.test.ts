import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError } from '../../src/io/errors.js';
import { headerLength, parseNpyHeader, type NpyHeader } from '../../src/io/npy-header.js';
import { repoRoot } from '../helpers/shared.js';

/** Golden files written by NumPy: test/golden/io/npy-header/make_npy_headers.py. */
const golden = (f: string): string => join(repoRoot, 'test', 'golden', 'io', 'npy-header', f);

/** Both steps as a reader takes them: magic and length from the first 12 bytes, then the dict. */
function readHeader(path: string): NpyHeader {
  const bytes = readFileSync(path);
  const { version, start, end } = headerLength(path, bytes.subarray(0, 12));
  const text = bytes.subarray(start, end).toString(version.startsWith('3') ? 'utf8' : 'latin1');
  return parseNpyHeader(path, version, text, end);
}

/** Asserts a FormatError naming the file, with the expected and where fields given. */
function isFormatError(path: string, expected: RegExp, where: string, detail?: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof FormatError, String(e));
    assert.equal(e.file, path);
    assert.ok(e.message.startsWith(`${path}: expected `), e.message);
    assert.match(e.expected, expected);
    assert.equal(e.where, where);
    if (detail) assert.match(e.message, detail);
    return true;
  };
}

// NumPy pads every header so that the data starts on a 64-byte boundary, leaving room to grow the
// shape in place: these small dicts all end at byte 128.
const GOLDEN: { file: string; version: string; storage: string; kind: 'f' | 'i' | 'u'; size: number; littleEndian: boolean; fortran: boolean; shape: number[] }[] = [
  { file: 'f8_c_1d.npy', version: '1.0', storage: 'float64', kind: 'f', size: 8, littleEndian: true, fortran: false, shape: [5] },
  { file: 'f4_be_fortran_4x3.npy', version: '1.0', storage: 'float32', kind: 'f', size: 4, littleEndian: false, fortran: true, shape: [4, 3] },
  { file: 'i2_c_3x2_v2.npy', version: '2.0', storage: 'int16', kind: 'i', size: 2, littleEndian: true, fortran: false, shape: [3, 2] },
  { file: 'i4_1x3_v3.npy', version: '3.0', storage: 'int32', kind: 'i', size: 4, littleEndian: true, fortran: false, shape: [1, 3] },
  // '|' (byte order not applicable) is read as little-endian; single bytes have none.
  { file: 'u1_1d.npy', version: '1.0', storage: 'uint8', kind: 'u', size: 1, littleEndian: true, fortran: false, shape: [4] },
  { file: 'i1_fortran_2x2.npy', version: '1.0', storage: 'int8', kind: 'i', size: 1, littleEndian: true, fortran: true, shape: [2, 2] },
  // Saved from a Fortran-ordered array, but a single column is C-contiguous too and NumPy says False.
  { file: 'u2_be_column_3x1.npy', version: '1.0', storage: 'uint16', kind: 'u', size: 2, littleEndian: false, fortran: false, shape: [3, 1] },
  { file: 'u4_be_1d.npy', version: '1.0', storage: 'uint32', kind: 'u', size: 4, littleEndian: false, fortran: false, shape: [3] },
  { file: 'i8_be_empty.npy', version: '1.0', storage: 'int64', kind: 'i', size: 8, littleEndian: false, fortran: false, shape: [0] },
  { file: 'f8_empty_columns_2x0.npy', version: '1.0', storage: 'float64', kind: 'f', size: 8, littleEndian: true, fortran: false, shape: [2, 0] },
  { file: 'i2_650000x2_header_only.npy', version: '1.0', storage: 'int16', kind: 'i', size: 2, littleEndian: true, fortran: false, shape: [650000, 2] },
];

for (const g of GOLDEN) {
  test(`parseNpyHeader reads NumPy's header of ${g.file}: dtype, order, shape, version and data offset`, () => {
    const path = golden(g.file);
    assert.deepEqual(readHeader(path), {
      version: g.version,
      dtype: { storage: g.storage, size: g.size, kind: g.kind, littleEndian: g.littleEndian },
      fortranOrder: g.fortran,
      shape: g.shape,
      dataOffset: 128,
    });
  });
}

const GOLDEN_BAD: { file: string; expected: RegExp; where: string; detail: RegExp }[] = [
  { file: 'bad_object.npy', expected: /^a numeric dtype$/, where: "header 'descr'", detail: /got '\|O'; object arrays hold Python objects, not samples/ },
  { file: 'bad_complex.npy', expected: /^a numeric dtype$/, where: "header 'descr'", detail: /got '<c16'; supported: / },
  { file: 'bad_float16.npy', expected: /^a numeric dtype$/, where: "header 'descr'", detail: /got '<f2'/ },
  { file: 'bad_uint64.npy', expected: /^a numeric dtype$/, where: "header 'descr'", detail: /got '<u8'/ },
  { file: 'bad_bool.npy', expected: /^a numeric dtype$/, where: "header 'descr'", detail: /got '\|b1'/ },
  { file: 'bad_datetime.npy', expected: /^a numeric dtype$/, where: "header 'descr'", detail: /got '<M8\[ns\]'/ },
  { file: 'bad_structured.npy', expected: /^a string 'descr'$/, where: 'header', detail: /structured dtypes are not supported/ },
  { file: 'bad_structured_utf8_v3.npy', expected: /^a string 'descr'$/, where: 'header', detail: /structured dtypes are not supported/ },
  { file: 'bad_3d.npy', expected: /^a 1-D \(samples\) or 2-D \(samples x channels\) array$/, where: "header 'shape'", detail: /got shape \(2, 2, 2\)/ },
  { file: 'bad_0d.npy', expected: /^a 1-D \(samples\) or 2-D/, where: "header 'shape'", detail: /got shape \(\)/ },
];

for (const b of GOLDEN_BAD) {
  test(`parseNpyHeader refuses NumPy's ${b.file} with a FormatError naming the file and what was expected`, () => {
    const path = golden(b.file);
    assert.throws(() => readHeader(path), isFormatError(path, b.expected, b.where, b.detail));
  });
}

/** The first bytes of an NPY file: magic, version, then a 2- or 4-byte little-endian header length. */
function head(major: number, minor: number, len: number, total = major === 1 ? 10 : 12): Uint8Array {
  const b = Buffer.alloc(Math.max(total, 12));
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, minor]).copy(b);
  if (major === 1) b.writeUInt16LE(len & 0xffff, 8);
  else b.writeUInt32LE(len, 8);
  return b.subarray(0, total);
}

const LENGTHS: { name: string; bytes: Uint8Array; want: { version: string; start: number; end: number } }[] = [
  { name: 'version 1.0, 2-byte length after byte 10', bytes: head(1, 0, 118), want: { version: '1.0', start: 10, end: 128 } },
  { name: 'version 1.0 given 12 bytes', bytes: head(1, 0, 54, 12), want: { version: '1.0', start: 10, end: 64 } },
  { name: 'version 1.0 with the largest 2-byte length', bytes: head(1, 0, 65535), want: { version: '1.0', start: 10, end: 65545 } },
  { name: 'version 2.0, 4-byte length after byte 12', bytes: head(2, 0, 116), want: { version: '2.0', start: 12, end: 128 } },
  { name: 'version 3.0, 4-byte length after byte 12', bytes: head(3, 0, 70000), want: { version: '3.0', start: 12, end: 70012 } },
  { name: 'version 2.0 at the 1 MiB header limit', bytes: head(2, 0, 1 << 20), want: { version: '2.0', start: 12, end: (1 << 20) + 12 } },
];

for (const l of LENGTHS) {
  test(`headerLength finds where the header dict starts and ends: ${l.name}`, () => {
    assert.deepEqual(headerLength('x.npy', l.bytes), l.want);
  });
}

test('headerLength reads the length at the view\'s own offset when given a slice of a larger buffer', () => {
  const big = Buffer.alloc(40, 0xff);
  Buffer.from(head(2, 0, 300)).copy(big, 17);
  assert.deepEqual(headerLength('x.npy', big.subarray(17, 29)), { version: '2.0', start: 12, end: 312 });
});

const BAD_HEADS: { name: string; bytes: Uint8Array; expected: RegExp; where: string; detail: RegExp }[] = [
  { name: 'a wrong magic', bytes: Buffer.from('\x93NUMPZ\x01\x00\x76\x00', 'latin1'), expected: /^NPY magic '\\x93NUMPY'$/, where: 'byte 0', detail: /not a NumPy \.npy file/ },
  { name: 'a text file', bytes: Buffer.from('time,ecg\n0,1\n'), expected: /^NPY magic/, where: 'byte 0', detail: /not a NumPy \.npy file/ },
  { name: 'fewer than 10 bytes', bytes: head(1, 0, 118).subarray(0, 9), expected: /^NPY magic/, where: 'byte 0', detail: /not a NumPy/ },
  { name: 'an empty file', bytes: new Uint8Array(0), expected: /^NPY magic/, where: 'byte 0', detail: /not a NumPy/ },
  { name: 'version 0.9', bytes: head(0, 9, 118, 10), expected: /^NPY version 1\.0, 2\.0 or 3\.0$/, where: 'byte 6', detail: /got 0\.9/ },
  { name: 'version 4.0', bytes: head(4, 0, 118), expected: /^NPY version 1\.0, 2\.0 or 3\.0$/, where: 'byte 6', detail: /got 4\.0/ },
  { name: 'version 2.0 cut before its 4-byte length', bytes: head(2, 0, 118).subarray(0, 11), expected: /^a 4-byte header length$/, where: 'byte 8', detail: /file too short/ },
  { name: 'a corrupt 4-byte length', bytes: head(3, 0, (1 << 20) + 1), expected: /^a header shorter than 1048576 bytes$/, where: 'byte 8', detail: /header length 1048577/ },
];

for (const b of BAD_HEADS) {
  test(`headerLength refuses ${b.name} with a FormatError naming the file and the byte`, () => {
    assert.throws(() => headerLength('/data/rec.npy', b.bytes), isFormatError('/data/rec.npy', b.expected, b.where, b.detail));
  });
}

const DICTS: { name: string; text: string; want: Omit<NpyHeader, 'version' | 'dataOffset'> }[] = [
  {
    name: 'the dict as NumPy writes it, padding and newline included',
    text: "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }          \n",
    want: { dtype: { storage: 'float64', size: 8, kind: 'f', littleEndian: true }, fortranOrder: false, shape: [3, 2] },
  },
  {
    name: 'keys in another order, double quotes, no trailing comma',
    text: '{"shape": (7,), "fortran_order": True, "descr": ">i4"}',
    want: { dtype: { storage: 'int32', size: 4, kind: 'i', littleEndian: false }, fortranOrder: true, shape: [7] },
  },
  {
    name: 'a list for the shape and no spaces',
    text: "{'descr':'<u2','fortran_order':False,'shape':[10,1]}",
    want: { dtype: { storage: 'uint16', size: 2, kind: 'u', littleEndian: true }, fortranOrder: false, shape: [10, 1] },
  },
  {
    name: "native order '=', read as little-endian",
    text: "{'descr': '=i8', 'fortran_order': False, 'shape': (1,), }",
    want: { dtype: { storage: 'int64', size: 8, kind: 'i', littleEndian: true }, fortranOrder: false, shape: [1] },
  },
  {
    name: 'extra keys, ignored, whatever their values',
    text: "{'descr': '<f4', 'note': None, 'meta': {'a': (1, 'b')}, 'fortran_order': False, 'shape': (2,), }",
    want: { dtype: { storage: 'float32', size: 4, kind: 'f', littleEndian: true }, fortranOrder: false, shape: [2] },
  },
  {
    name: 'newlines and tabs between tokens',
    text: "{\n\t'descr' : '|i1' ,\n\t'fortran_order' : True ,\n\t'shape' : ( 4 , 5 ) ,\n}",
    want: { dtype: { storage: 'int8', size: 1, kind: 'i', littleEndian: true }, fortranOrder: true, shape: [4, 5] },
  },
];

for (const d of DICTS) {
  test(`parseNpyHeader reads the Python literal of the header dict: ${d.name}`, () => {
    assert.deepEqual(parseNpyHeader('x.npy', '1.0', d.text, 64), { version: '1.0', dataOffset: 64, ...d.want });
  });
}

const BAD_DICTS: { name: string; text: string; expected: RegExp; where: string; detail?: RegExp }[] = [
  { name: 'text that is not a dict', text: "['descr', '<f8']", expected: /^'\{' at character 0 in the header dict$/, where: 'byte 10', detail: /header: \['descr', '<f8'\]/ },
  // Character 55 is just past the end of the text.
  { name: 'an unterminated dict', text: "{'descr': '<f8', 'fortran_order': False, 'shape': (1,) ", expected: /^',' or '}' at character 55 in the header dict$/, where: 'byte 10' },
  { name: 'a key that swallows its value', text: "{'descr: '<f8'}", expected: /^':' at character 10 in the header dict$/, where: 'byte 10' },
  { name: 'a missing closing quote at the end', text: "{'descr", expected: /^a closing quote in the header dict$/, where: 'byte 10' },
  { name: 'a non-string key', text: "{1: '<f8'}", expected: /^a string key at character 2 in the header dict$/, where: 'byte 10' },
  { name: 'a bare word', text: "{'descr': float64}", expected: /^a value at character 10 in the header dict$/, where: 'byte 10' },
  { name: "a missing ':'", text: "{'descr' '<f8'}", expected: /^':' at character 9 in the header dict$/, where: 'byte 10' },
  { name: 'no fortran_order', text: "{'descr': '<f8', 'shape': (1,), }", expected: /^a boolean 'fortran_order' in the header dict$/, where: 'byte 10' },
  { name: 'a fortran_order of 0', text: "{'descr': '<f8', 'fortran_order': 0, 'shape': (1,), }", expected: /^a boolean 'fortran_order'/, where: 'byte 10' },
  { name: 'no shape', text: "{'descr': '<f8', 'fortran_order': False, }", expected: /^a tuple of non-negative integers 'shape' in the header dict$/, where: 'byte 10' },
  { name: 'a negative dimension', text: "{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", expected: /^a tuple of non-negative integers 'shape'/, where: 'byte 10' },
  { name: 'a dimension beyond 2^53', text: "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }", expected: /^a tuple of non-negative integers 'shape'/, where: 'byte 10' },
  { name: 'a boolean dimension', text: "{'descr': '<f8', 'fortran_order': False, 'shape': (True,), }", expected: /^a tuple of non-negative integers 'shape'/, where: 'byte 10' },
  { name: 'a string shape', text: "{'descr': '<f8', 'fortran_order': False, 'shape': '3', }", expected: /^a tuple of non-negative integers 'shape'/, where: 'byte 10' },
  { name: 'no descr', text: "{'fortran_order': False, 'shape': (1,), }", expected: /^a string 'descr'$/, where: 'header', detail: /header: \{'fortran_order'/ },
  { name: 'a numeric descr', text: "{'descr': 8, 'fortran_order': False, 'shape': (1,), }", expected: /^a string 'descr'$/, where: 'header' },
  { name: 'a dtype name instead of a descr', text: "{'descr': 'float64', 'fortran_order': False, 'shape': (1,), }", expected: /^a numeric dtype$/, where: "header 'descr'", detail: /got 'float64'/ },
  { name: 'an odd integer size', text: "{'descr': '<i3', 'fortran_order': False, 'shape': (1,), }", expected: /^a numeric dtype$/, where: "header 'descr'", detail: /got '<i3'/ },
];

for (const b of BAD_DICTS) {
  test(`parseNpyHeader refuses ${b.name} with a FormatError naming the file and what was expected`, () => {
    assert.throws(() => parseNpyHeader('/data/rec.npy', '1.0', b.text, 64), isFormatError('/data/rec.npy', b.expected, b.where, b.detail));
  });
}

test('parseNpyHeader quotes at most 120 characters of a bad header in its message', () => {
  const text = `{'descr': '<f8', 'pad': '${'x'.repeat(300)}', 'shape': (1,), }`;
  assert.throws(() => parseNpyHeader('/data/rec.npy', '1.0', text, 400), (e: unknown) => {
    assert.ok(e instanceof FormatError);
    const quoted = /\(header: (.*)\)$/.exec(e.message)?.[1];
    assert.equal(quoted, text.slice(0, 120));
    return true;
  });
});

test('parseNpyHeader places a version 2.0 dict error at byte 12, where that dict starts', () => {
  assert.throws(() => parseNpyHeader('/data/rec.npy', '2.0', "{'descr': '<f8', 'shape': (1,), }", 64), isFormatError('/data/rec.npy', /fortran_order/, 'byte 12'));
});
