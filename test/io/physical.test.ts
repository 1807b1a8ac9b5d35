import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Int16Tables, int16Table, physicalInt16, physicalInt16Table } from '../../src/io/physical.js';
import { seededRandom as rng } from '../../src/signals/random.js';

const rand = rng(11);
const bytes = Uint8Array.from({ length: 4000 }, () => Math.floor(rand() * 256));
const view = new DataView(bytes.buffer);
/** The reference: (stored - baseline) / gain of the int16 at byte p, as toPhysical computes it. */
const expected = (p: number, b: number, g: number): number => (view.getInt16(p, true) - b) / g;

test('physicalInt16 and physicalInt16Table give (stored - baseline) / gain at any count, start and stride', () => {
  for (const [b, g] of [[0, 1], [-3.25, 0.07], [1024, 200]] as const) {
    const t = int16Table(b, g);
    for (const n of [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 301]) {
      for (const start of [0, 1, 6]) {
        for (const stride of [2, 6]) {
          const out = new Float64Array(n + 2);
          physicalInt16(view, n, start, stride, b, g, out, 2);
          for (let k = 0; k < n; k++) assert.equal(out[2 + k], expected(start + k * stride, b, g), `division, n ${n}, start ${start}, stride ${stride}, sample ${k}`);
        }
        const out = new Float32Array(n + 1);
        physicalInt16Table(view, n, start, t, out, 1);
        for (let k = 0; k < n; k++) assert.equal(out[1 + k], Math.fround(expected(start + 2 * k, b, g)), `table, n ${n}, start ${start}, sample ${k}`);
      }
    }
  }
});

test('int16Table holds (stored - baseline) / gain for every 16-bit pattern', () => {
  const t = int16Table(0.5, 3);
  assert.equal(t.length, 65536);
  for (const [u, v] of [[0, 0], [1, 1], [32767, 32767], [32768, -32768], [65535, -1]]) assert.equal(t[u!], (v! - 0.5) / 3);
});

test('Int16Tables builds a table once a channel has decoded 65,536 samples, for at most maxTables channels', () => {
  const tables = new Int16Tables(2);
  assert.equal(tables.lookup(0, 60000, 0, 2), undefined);
  const t0 = tables.lookup(0, 5536, 0, 2);
  assert.ok(t0, 'the read that reaches 65,536 samples gets the table');
  assert.deepEqual(t0, int16Table(0, 2));
  assert.equal(tables.lookup(0, 1, 0, 2), t0, 'built once');
  assert.ok(tables.lookup(1, 1e6, 5, 7));
  assert.equal(tables.lookup(2, 1e6, 5, 7), undefined, 'a third channel stays with the division');
});
