import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferPool, PositionalFile } from '../../src/io/file.js';
import { FormatError } from '../../src/io/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('BufferPool hands out buffers of at least the size asked, and keeps the largest ones given back', () => {
  const pool = new BufferPool(2);
  const a = pool.take(100), b = pool.take(300);
  assert.ok(a.length >= 100 && b.length >= 300);
  pool.give(a);
  pool.give(b);
  assert.equal(pool.take(50), a, 'the smallest buffer that fits');
  assert.equal(pool.take(50), b);
  assert.notEqual(pool.take(50), a, 'an empty pool allocates');
  const c = new Uint8Array(1000);
  pool.give(a);
  pool.give(b);
  pool.give(c);
  assert.equal(pool.take(500), c, 'a full pool drops its smallest buffer for a larger one');
  assert.equal(pool.take(200), b);
  assert.ok(pool.take(10) !== a, 'a was dropped');
  const none = new BufferPool(0);
  none.give(a);
  assert.notEqual(none.take(10), a, 'keep 0 keeps nothing');
});

test('PositionalFile serves concurrent first reads through one open', async () => {
  const path = join(dir, 'bytes.bin');
  writeFileSync(path, Uint8Array.from({ length: 4096 }, (_, i) => i & 0xff));
  // Open descriptors (Linux): a second open would leave one behind after close.
  const fds = (): number => (existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : 0);
  const before = fds();
  const f = new PositionalFile(path);
  const [x, y, size] = await Promise.all([f.read(10, 4), f.read(300, 2, new Uint8Array(2)), f.size()]);
  assert.equal(fds(), before + (before > 0 ? 1 : 0), 'one descriptor');
  assert.deepEqual(Array.from(x), [10, 11, 12, 13]);
  assert.deepEqual(Array.from(y), [300 & 0xff, 301 & 0xff]);
  assert.equal(size, 4096);
  await f.close();
  await f.close();
  assert.equal(fds(), before);
});

test('PositionalFile refuses a missing file and a folder with a FormatError naming the path, and leaves no descriptor open', async () => {
  const fds = (): number => (existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : 0);
  const before = fds();
  const cases: [path: string, detail: string][] = [[join(dir, 'missing.bin'), 'file not found'], [dir, 'it is a folder']];
  for (const [path, detail] of cases) {
    const f = new PositionalFile(path);
    await assert.rejects(f.read(0, 1), (e: unknown) => e instanceof FormatError && e.file === path && e.message === `${path}: expected a readable file at open (${detail})`, detail);
    await f.close();
  }
  assert.equal(fds(), before);
});
