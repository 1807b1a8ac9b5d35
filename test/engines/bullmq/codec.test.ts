import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeValue, encodeValue } from '../../../src/engines/bullmq/codec.js';

test('encoded values survive a JSON round trip (as BullMQ stores them) bit-identical', async () => {
  const cases: [string, unknown][] = [
    ['NaN, infinities and -0', { a: NaN, b: Infinity, c: -Infinity, d: -0, e: 1e-310 }],
    ['typed arrays', { x: Float64Array.from([1.5, NaN, -0]), y: new Float32Array([3.25]), z: new Int32Array([-7]) }],
    ['nested rows with NaN', [{ w: [NaN, 2], s: 'unusable' }, { w: [], s: '' }]],
    ['plain scalars', 42],
  ];
  for (const [name, value] of cases) {
    const text = JSON.parse(JSON.stringify(await encodeValue(value))) as string;
    assert.deepEqual(await decodeValue(text), value, name);
  }
  const back = await decodeValue<{ d: number; x: Float64Array }>(await encodeValue({ d: -0, x: Float64Array.from([-0]) }));
  assert.ok(Object.is(back.d, -0) && Object.is(back.x[0], -0), '-0 keeps its sign');
});

test('decodeValue refuses anything that encodeValue did not produce', async () => {
  for (const bad of [null, 12, '{"a":1}', 'v8gz']) {
    await assert.rejects(decodeValue(bad), TypeError);
  }
});
