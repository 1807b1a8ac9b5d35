/**
 * The files are read back without the writer's library (nor its sister reader, hyparquet): neither
 * pyarrow nor pandas is installed here, so the footer is decoded below from the Parquet spec (a
 * Thrift compact-protocol FileMetaData between the data and the trailing length and 'PAR1'). Values
 * are checked through the column chunks' statistics (null count, min and max), which the footer
 * carries, rather than by decoding the Snappy-compressed, dictionary-encoded pages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preloadParquet, writeParquetTable } from '../../src/output/parquet.js';
import type { Row } from '../../src/output/table.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-parquet-'));
let files = 0;
const newPath = () => join(dir, `t${files++}.parquet`);

// --- A minimal Thrift compact-protocol reader: structs become maps from field id to value. ---

type Thrift = bigint | number | boolean | Uint8Array | Thrift[] | ThriftStruct;
type ThriftStruct = Map<number, Thrift>;

class CompactReader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  private byte(): number {
    if (this.pos >= this.buf.length) throw new Error('footer ends inside a value');
    return this.buf[this.pos++]!;
  }

  private varint(): bigint {
    let result = 0n, shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  }

  private zigzag(): bigint {
    const n = this.varint();
    return (n >> 1n) ^ -(n & 1n);
  }

  private value(type: number): Thrift {
    switch (type) {
      case 1: return true;
      case 2: return false;
      case 3: { const b = this.byte(); return b > 127 ? b - 256 : b; }
      case 4: case 5: return Number(this.zigzag());
      case 6: return this.zigzag();
      case 7: { const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true); this.pos += 8; return v; }
      case 8: { const n = Number(this.varint()); const v = this.buf.subarray(this.pos, this.pos + n); this.pos += n; return v; }
      case 9: case 10: {
        const h = this.byte();
        const size = h >> 4 === 15 ? Number(this.varint()) : h >> 4;
        const elem = h & 15;
        // Booleans inside lists are one byte each (1 true), not folded into the type nibble.
        return Array.from({ length: size }, () => (elem === 1 || elem === 2 ? this.byte() === 1 : this.value(elem)));
      }
      case 12: return this.struct();
      default: throw new Error(`thrift type ${type} not expected in a Parquet footer`);
    }
  }

  struct(): ThriftStruct {
    const out: ThriftStruct = new Map();
    let last = 0;
    for (;;) {
      const h = this.byte();
      if (h === 0) return out;
      const delta = h >> 4;
      const id = delta ? last + delta : Number(this.zigzag());
      out.set(id, this.value(h & 15));
      last = id;
    }
  }
}

const PARQUET_TYPES = ['BOOLEAN', 'INT32', 'INT64', 'INT96', 'FLOAT', 'DOUBLE', 'BYTE_ARRAY', 'FIXED_LEN_BYTE_ARRAY'];
const REPETITION = ['REQUIRED', 'OPTIONAL', 'REPEATED'];

interface ColumnStats { nulls: number; min?: number | string; max?: number | string }
interface Footer {
  numRows: number;
  /** Leaf columns in schema order: name, physical type, repetition and UTF-8 annotation. */
  columns: { name: string; type: string; repetition: string; utf8: boolean }[];
  rootChildren: number;
  /** Rows per row group. */
  groups: number[];
  /** Per column name, over all row groups: values (nulls included), nulls, min and max. */
  stats: Map<string, ColumnStats & { values: number }>;
}

const text = (b: Thrift | undefined) => Buffer.from(b as Uint8Array).toString('utf8');
const zeroAsPlus = <T>(v: T): T => (v === 0 ? (0 as T) : v);

function readFooter(path: string): Footer {
  const file = readFileSync(path);
  assert.equal(file.subarray(0, 4).toString('latin1'), 'PAR1', 'leading magic');
  assert.equal(file.subarray(-4).toString('latin1'), 'PAR1', 'trailing magic');
  const len = file.readUInt32LE(file.length - 8);
  assert.ok(len > 0 && len + 12 <= file.length, `footer length ${len} in a file of ${file.length} bytes`);
  const meta = new CompactReader(file.subarray(file.length - 8 - len, file.length - 8)).struct();

  const schema = meta.get(2) as ThriftStruct[];
  const [root, ...leaves] = schema;
  const columns = leaves.map((e) => ({
    name: text(e.get(4)), type: PARQUET_TYPES[e.get(1) as number]!, repetition: REPETITION[e.get(3) as number]!,
    // ConvertedType UTF8 is 0; LogicalType STRING is field 1 of the logicalType union.
    utf8: e.get(6) === 0 || (e.get(10) as ThriftStruct | undefined)?.has(1) === true,
  }));
  const stats = new Map<string, ColumnStats & { values: number }>();
  const groups = ((meta.get(4) as ThriftStruct[] | undefined) ?? []).map((rg) => {
    for (const chunk of rg.get(1) as ThriftStruct[]) {
      const md = chunk.get(3) as ThriftStruct;
      const name = (md.get(3) as Uint8Array[]).map((p) => text(p)).join('.');
      const type = PARQUET_TYPES[md.get(1) as number];
      const st = md.get(12) as ThriftStruct | undefined;
      const decode = (b: Thrift | undefined) => (b === undefined ? undefined : type === 'DOUBLE' ? Buffer.from(b as Uint8Array).readDoubleLE(0) : text(b));
      const s = stats.get(name) ?? { values: 0, nulls: 0 };
      s.values += Number(md.get(5) as bigint);
      s.nulls += Number((st?.get(3) as bigint | undefined) ?? 0n);
      // The spec has a zero minimum written as -0 (and a zero maximum as +0), whichever zero was stored.
      const min = zeroAsPlus(decode(st?.get(6))), max = zeroAsPlus(decode(st?.get(5)));
      if (min !== undefined && (s.min === undefined || min < s.min)) s.min = min;
      if (max !== undefined && (s.max === undefined || max > s.max)) s.max = max;
      stats.set(name, s);
    }
    return Number(rg.get(3) as bigint);
  });
  return { numRows: Number(meta.get(3) as bigint), columns, rootChildren: root!.get(5) as number, groups, stats };
}

// --- Tests ---

test('writeParquetTable writes a Parquet file whose footer lists the given columns, in order, with the row count', async () => {
  const path = newPath();
  const rows: Row[] = [
    { channel: 'ECG', start_s: 0, hr: 61.5, extra: 'not asked for' },
    { channel: 'ECG', start_s: 30, hr: 63.25, extra: 'not asked for' },
    { channel: 'PPG', start_s: 60, hr: 59 },
  ];
  await writeParquetTable(path, rows, ['start_s', 'channel', 'hr']);
  const f = readFooter(path);
  assert.equal(f.numRows, 3);
  assert.equal(f.rootChildren, 3);
  // Columns follow the list given, not the rows' key order, and keys not listed are left out.
  assert.deepEqual(f.columns, [
    { name: 'start_s', type: 'DOUBLE', repetition: 'OPTIONAL', utf8: false },
    { name: 'channel', type: 'BYTE_ARRAY', repetition: 'OPTIONAL', utf8: true },
    { name: 'hr', type: 'DOUBLE', repetition: 'OPTIONAL', utf8: false },
  ]);
  assert.deepEqual(f.stats.get('start_s'), { values: 3, nulls: 0, min: 0, max: 60 });
  assert.deepEqual(f.stats.get('hr'), { values: 3, nulls: 0, min: 59, max: 63.25 });
  assert.deepEqual(f.stats.get('channel'), { values: 3, nulls: 0, min: 'ECG', max: 'PPG' });
});

const numericCases: { name: string; values: (number | undefined)[]; want: ColumnStats }[] = [
  { name: 'NaN is written as null', values: [1.5, NaN, -2.25], want: { nulls: 1, min: -2.25, max: 1.5 } },
  // Infinities too: the CSV writes them as empty cells, and a DOUBLE null is the same "no value".
  { name: 'infinities are written as null', values: [Infinity, 3, -Infinity], want: { nulls: 2, min: 3, max: 3 } },
  { name: 'a missing cell is written as null', values: [undefined, 7, undefined], want: { nulls: 2, min: 7, max: 7 } },
  // Full doubles, not the CSV's nine digits: min and max come back to the last bit.
  { name: 'numbers keep every bit', values: [1e300, -5e-324, 2], want: { nulls: 0, min: -5e-324, max: 1e300 } },
  { name: 'a column of no values at all is a DOUBLE column of nulls', values: [undefined, undefined], want: { nulls: 2 } },
];
for (const { name, values, want } of numericCases) {
  test(`writeParquetTable keeps a column of numbers as DOUBLE: ${name}`, async () => {
    const path = newPath();
    const rows: Row[] = values.map((v, i): Row => (v === undefined ? { i } : { i, x: v }));
    await writeParquetTable(path, rows, ['i', 'x']);
    const f = readFooter(path);
    assert.equal(f.numRows, values.length);
    assert.deepEqual(f.columns[1], { name: 'x', type: 'DOUBLE', repetition: 'OPTIONAL', utf8: false });
    assert.deepEqual(f.stats.get('x'), { values: values.length, ...want });
  });
}

test('writeParquetTable keeps the exact bits of 0.1 + 0.2 in a DOUBLE column', async () => {
  const path = newPath();
  await writeParquetTable(path, [{ x: 0.1 + 0.2 }], ['x']);
  const s = readFooter(path).stats.get('x')!;
  assert.equal(s.min, 0.30000000000000004);
  assert.equal(s.max, 0.30000000000000004);
});

const stringCases: { name: string; values: (number | string | undefined)[]; want: ColumnStats }[] = [
  { name: 'strings', values: ['normal', 'reduced', 'unusable'], want: { nulls: 0, min: 'normal', max: 'unusable' } },
  { name: 'a missing cell is written as null', values: ['b', undefined, 'a'], want: { nulls: 1, min: 'a', max: 'b' } },
  // UTF-8 bytes, compared unsigned: 'é' (C3 A9) sorts after every ASCII letter.
  { name: 'non-ASCII text is UTF-8', values: ['zz', 'é'], want: { nulls: 0, min: 'zz', max: 'é' } },
  { name: 'a single string makes numbers in the column strings too', values: [7, 'x', 3], want: { nulls: 0, min: '3', max: 'x' } },
  // As in the CSV: nine significant digits, and no value where the number is not finite.
  { name: 'numbers among strings written as in the CSV', values: [0.1 + 0.2, 'x', NaN, Infinity], want: { nulls: 2, min: '0.3', max: 'x' } },
  { name: 'an empty string is a value, not a null', values: ['', 'a'], want: { nulls: 0, min: '', max: 'a' } },
];
for (const { name, values, want } of stringCases) {
  test(`writeParquetTable writes a column that is not all numbers as UTF-8 strings: ${name}`, async () => {
    const path = newPath();
    const rows: Row[] = values.map((v, i): Row => (v === undefined ? { i } : { i, s: v }));
    await writeParquetTable(path, rows, ['i', 's']);
    const f = readFooter(path);
    assert.deepEqual(f.columns[1], { name: 's', type: 'BYTE_ARRAY', repetition: 'OPTIONAL', utf8: true });
    assert.deepEqual(f.stats.get('s'), { values: values.length, ...want });
  });
}

test('writeParquetTable writes an empty table as a valid file with its columns and no rows', async () => {
  const path = newPath();
  await writeParquetTable(path, [], ['channel', 'start_s']);
  const f = readFooter(path);
  assert.equal(f.numRows, 0);
  assert.equal(f.groups.reduce((a, n) => a + n, 0), 0);
  // With no value to tell, every column counts as numeric.
  assert.deepEqual(f.columns.map((c) => [c.name, c.type]), [['channel', 'DOUBLE'], ['start_s', 'DOUBLE']]);
});

test('writeParquetTable writes every row of a table larger than one row group', async () => {
  const path = newPath();
  const n = 2500;
  const rows: Row[] = Array.from({ length: n }, (_, i) => ({ k: i, tag: i % 2 ? 'odd' : 'even' }));
  await writeParquetTable(path, rows, ['k', 'tag']);
  const f = readFooter(path);
  assert.equal(f.numRows, n);
  assert.ok(f.groups.length > 1, `${f.groups.length} row group`);
  assert.equal(f.groups.reduce((a, g) => a + g, 0), n);
  assert.deepEqual(f.stats.get('k'), { values: n, nulls: 0, min: 0, max: n - 1 });
  assert.deepEqual(f.stats.get('tag'), { values: n, nulls: 0, min: 'even', max: 'odd' });
});

test('writeParquetTable replaces a file already at the path instead of appending to it', async () => {
  const path = newPath();
  await writeParquetTable(path, Array.from({ length: 50 }, (_, i) => ({ a: i, b: `row ${i}` })), ['a', 'b']);
  await writeParquetTable(path, [{ a: 1 }], ['a']);
  const f = readFooter(path);
  assert.equal(f.numRows, 1);
  assert.deepEqual(f.columns.map((c) => c.name), ['a']);
});

test('writeParquetTable rejects when the folder does not exist', async () => {
  await assert.rejects(writeParquetTable(join(dir, 'no-such-folder', 'x.parquet'), [{ a: 1 }], ['a']), { code: 'ENOENT' });
});

test('preloadParquet loads the writer once and hands every caller the same module', async () => {
  const first = preloadParquet();
  assert.equal(preloadParquet(), first);
  assert.equal(typeof (await first).parquetWriteFile, 'function');
});
