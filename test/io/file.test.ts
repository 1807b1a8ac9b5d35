import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferPool, fileStem, fileVersion, PositionalFile, readWhole, siblingPath } from '../../src/io/file.js';
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

test('siblingPath names a file beside a path or a URL; an absolute name stays itself', () => {
  const cases: [string, string, string][] = [
    [join('data', 'r.hea'), 'r.dat', join('data', 'r.dat')],
    [join('data', 'r.hea'), '/abs/r.dat', '/abs/r.dat'],
    ['https://physionet.org/files/mitdb/1.0.0/100.hea', '100.dat', 'https://physionet.org/files/mitdb/1.0.0/100.dat'],
    ['https://h/db/p10/m.hea', 'segs/s1.hea', 'https://h/db/p10/segs/s1.hea'],
    ['http://h/a b/r.hea', 'r 1.dat', 'http://h/a%20b/r%201.dat'],
    // A name is a file name: '%', '#', '?' and ':' are its characters, not URL syntax.
    ['http://h/db/r.hea', 'p%41.dat', 'http://h/db/p%2541.dat'],
    ['http://h/db/r.hea', 'd#1.dat', 'http://h/db/d%231.dat'],
    ['http://h/db/r.hea', 'x:1.dat', 'http://h/db/x%3A1.dat'],
    ['http://h/db/r.hea', '../other/r.dat', 'http://h/other/r.dat'],
    ['http://h/db/r.hea', '/root/r.dat', 'http://h/root/r.dat'],
    // The query (an access token) goes with every file of the record.
    ['https://h/db/r.hea?token=abc', 'r.dat', 'https://h/db/r.dat?token=abc'],
  ];
  for (const [path, name, want] of cases) assert.equal(siblingPath(path, name), want, `${path} + ${name}`);
  assert.throws(() => siblingPath('http://h/db/r.hea', '//evil.example/x.dat'), /names a file on another server/);
});

test('readWhole reads a small file, and refuses a larger one, a folder or a missing one with a FormatError naming it', async () => {
  const d = mkdtempSync(join(tmpdir(), 'vitaldsp-whole-'));
  try {
    writeFileSync(join(d, 'h.hea'), 'r 1 250\n');
    assert.equal(Buffer.from(await readWhole(join(d, 'h.hea'), 'a header', 100)).toString(), 'r 1 250\n');
    const cases: [string, number, RegExp][] = [[join(d, 'h.hea'), 4, /a header of at most 4 bytes at open \(file has 8 bytes\)/], [d, 100, /not a regular file/], [join(d, 'nope'), 100, /file not found/]];
    for (const [p, max, re] of cases) await assert.rejects(readWhole(p, 'a header', max), (e: unknown) => e instanceof FormatError && e.message.includes(p) && re.test(e.message));
    const v = await fileVersion(join(d, 'h.hea'));
    assert.equal(v.size, 8);
    assert.match(v.version, /^[\d.]+:\d+$/);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('fileStem names a recording by its file name without extension, for paths and URLs', () => {
  const cases: [string, string][] = [[join('a', '100.hea'), '100'], ['night.edf', 'night'], ['noext', 'noext'], ['https://h/db/100.hea?token=x', '100'], ['https://h/db/100?token=x', '100'], ['http://h/a%20b/r%201.csv', 'r 1']];
  for (const [p, want] of cases) assert.equal(fileStem(p), want, p);
});
