import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAtomic, readAtomicSync, writeAtomic, writeAtomicSync, type ReadResult, type WriteOptions } from '../../src/runtime/atomic.js';

const variants: { name: string; write: (p: string, b: Buffer, o?: WriteOptions) => Promise<void>; read: (p: string) => Promise<ReadResult> }[] = [
  { name: 'writeAtomic', write: writeAtomic, read: readAtomic },
  { name: 'writeAtomicSync', write: async (p, b, o) => writeAtomicSync(p, b, o), read: async (p) => readAtomicSync(p) },
];

const damage: [string, (b: Buffer) => Buffer][] = [
  ['a flipped payload byte', (b) => { const c = Buffer.from(b); c[c.length - 1]! ^= 1; return c; }],
  ['a truncated payload', (b) => b.subarray(0, b.length - 2)],
  ['a missing header', (b) => b.subarray(b.indexOf(10) + 1)],
  ['an empty file', () => Buffer.alloc(0)],
];

for (const { name, write, read } of variants) {
  for (const durable of [true, false]) {
    test(`${name} (durable: ${durable}) leaves only the target file and its reader returns the payload`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-atomic-'));
      const p = join(dir, 'a.bin');
      await write(p, Buffer.from('hello'), { durable });
      assert.deepEqual(readdirSync(dir), ['a.bin']);
      const r = await read(p);
      assert.ok(r.ok && r.payload.toString() === 'hello');
    });
  }

  for (const [what, f] of damage) {
    test(`the reader of ${name} reports ${what} as corrupt`, async () => {
      const p = join(mkdtempSync(join(tmpdir(), 'vitaldsp-atomic-')), 'b.bin');
      await write(p, Buffer.from('some checkpoint payload'));
      writeFileSync(p, f(readFileSync(p)));
      assert.deepEqual(await read(p), { ok: false, reason: 'corrupt' });
    });
  }

  test(`the reader of ${name} reports a missing file as missing`, async () => {
    assert.deepEqual(await read(join(mkdtempSync(join(tmpdir(), 'vitaldsp-atomic-')), 'none')), { ok: false, reason: 'missing' });
  });
}

test('both writers produce the same bytes, readable by either reader', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-atomic-'));
  await writeAtomic(join(dir, 'a'), Buffer.from('same'));
  writeAtomicSync(join(dir, 'b'), Buffer.from('same'));
  assert.deepEqual(readFileSync(join(dir, 'a')), readFileSync(join(dir, 'b')));
  assert.deepEqual(readAtomicSync(join(dir, 'a')), await readAtomic(join(dir, 'b')));
});

const tempDir = (t: { after: (fn: () => void) => void }) => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-atomic-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

for (const { name, write, read } of variants) {
  test(`the reader of ${name} reports a file cut at any byte length as corrupt`, async (t) => {
    const p = join(tempDir(t), 'c.bin');
    await write(p, Buffer.from('a payload of some length, cut everywhere'));
    const whole = readFileSync(p);
    for (let n = 0; n < whole.length; n++) {
      writeFileSync(p, whole.subarray(0, n));
      assert.deepEqual(await read(p), { ok: false, reason: 'corrupt' }, `${n} of ${whole.length} bytes`);
    }
  });

  test(`${name} keeps the payload's bytes exactly, an empty payload and newlines included`, async (t) => {
    const dir = tempDir(t);
    const payloads = [Buffer.alloc(0), Buffer.from('\n\nline\n'), Buffer.from([0, 10, 255, 13, 10])];
    for (const [i, payload] of payloads.entries()) {
      await write(join(dir, `p${i}`), payload);
      const r = await read(join(dir, `p${i}`));
      assert.ok(r.ok && r.payload.equals(payload), `payload ${i}`);
    }
  });

  test(`${name} replaces an existing file whole`, async (t) => {
    const p = join(tempDir(t), 'd.bin');
    await write(p, Buffer.alloc(1000, 1));
    await write(p, Buffer.from('short'));
    const r = await read(p);
    assert.ok(r.ok && r.payload.toString() === 'short');
  });

  test(`${name} fails on a target it cannot rename over and leaves no temporary file behind`, async (t) => {
    const dir = tempDir(t);
    const target = join(dir, 'taken');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'x');
    await assert.rejects(write(target, Buffer.from('payload')));
    assert.deepEqual(readdirSync(dir), ['taken']);
  });
}
