import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAtomic, writeAtomic } from '../../src/runtime/atomic.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-atomic-'));

test('writeAtomic leaves only the target file and readAtomic returns the payload', async () => {
  const p = join(dir, 'a.bin');
  await writeAtomic(p, Buffer.from('hello'));
  assert.deepEqual(readdirSync(dir), ['a.bin']);
  const r = await readAtomic(p);
  assert.ok(r.ok && r.payload.toString() === 'hello');
});

const damage: [string, (b: Buffer) => Buffer][] = [
  ['a flipped payload byte', (b) => { const c = Buffer.from(b); c[c.length - 1]! ^= 1; return c; }],
  ['a truncated payload', (b) => b.subarray(0, b.length - 2)],
  ['a missing header', (b) => b.subarray(b.indexOf(10) + 1)],
  ['an empty file', () => Buffer.alloc(0)],
];
for (const [name, f] of damage) {
  test(`readAtomic reports ${name} as corrupt`, async () => {
    const p = join(dir, 'b.bin');
    await writeAtomic(p, Buffer.from('some checkpoint payload'));
    writeFileSync(p, f(readFileSync(p)));
    assert.deepEqual(await readAtomic(p), { ok: false, reason: 'corrupt' });
  });
}

test('readAtomic reports a missing file as missing', async () => {
  assert.deepEqual(await readAtomic(join(dir, 'none')), { ok: false, reason: 'missing' });
});
