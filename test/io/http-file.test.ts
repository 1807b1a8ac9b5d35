import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../src/io/errors.js';
import { HttpFile, isUrl } from '../../src/io/http-file.js';
import { serveFolder, type TestServer } from '../helpers/http-server.js';

const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-http-'));
const bytes = Uint8Array.from({ length: 100000 }, (_, i) => (i * 7 + (i >> 8)) & 255);
writeFileSync(join(dir, 'data.bin'), bytes);
writeFileSync(join(dir, 'big.bin'), new Uint8Array(17 << 20));
let full: TestServer, noHead: TestServer, noRanges: TestServer;
before(async () => {
  [full, noHead, noRanges] = await Promise.all([serveFolder(dir), serveFolder(dir, { noHead: true }), serveFolder(dir, { noRanges: true })]);
});
after(async () => {
  await Promise.all([full.close(), noHead.close(), noRanges.close()]);
  rmSync(dir, { recursive: true, force: true });
});

test('isUrl tells http(s) addresses from paths', () => {
  const cases: [string, boolean][] = [['http://h/x', true], ['HTTPS://h/x', true], ['/data/x.hea', false], ['c:\\data\\x', false], ['ftp://h/x', false], ['http:/x', false]];
  for (const [p, want] of cases) assert.equal(isUrl(p), want, p);
});

test('HttpFile reads byte ranges by Range requests, and its size and version from HEAD', async () => {
  const f = new HttpFile(`${full.base}data.bin`);
  assert.equal(await f.size(), bytes.length);
  assert.match((await f.identity()).version, /^"100000-\d+"$/);
  for (const [a, n] of [[0, 10], [99990, 10], [12345, 54321], [5, 0]] as const) {
    const out = new Uint8Array(n);
    await f.read(a, n, out);
    assert.deepEqual(out, bytes.subarray(a, a + n), `${a}+${n}`);
  }
  assert.ok(full.log.some((l) => l === 'GET /data.bin bytes=12345-66665'));
});

test('HttpFile takes the size from a one-byte range where HEAD is refused', async () => {
  const f = new HttpFile(`${noHead.base}data.bin`);
  assert.equal(await f.size(), bytes.length);
  const out = new Uint8Array(3);
  await f.read(7, 3, out);
  assert.deepEqual(out, bytes.subarray(7, 10));
});

test('HttpFile fetches a small file whole, once, from a server without ranges, and refuses a large one', async () => {
  const f = new HttpFile(`${noRanges.base}data.bin`);
  const out = new Uint8Array(5);
  await f.read(500, 5, out);
  await f.read(99995, 5, out);
  assert.deepEqual(out, bytes.subarray(99995));
  assert.equal(noRanges.log.filter((l) => l.startsWith('GET /data.bin')).length, 1);
  const big = new HttpFile(`${noRanges.base}big.bin`);
  await assert.rejects(big.read(0, 10, new Uint8Array(10)), (e: unknown) => e instanceof FormatError && /a server that answers Range requests/.test(e.message) && e.message.includes('big.bin'));
});

test('HttpFile reports a missing file, a read past the end and an unreachable server as FormatErrors naming the URL', async () => {
  const cases: [() => Promise<unknown>, RegExp][] = [
    [() => new HttpFile(`${full.base}nope.bin`).size(), /nope\.bin: expected a readable file at open \(file not found \(HTTP 404\)\)/],
    [() => new HttpFile(`${full.base}data.bin`).read(200000, 10, new Uint8Array(10)), /expected 10 bytes at byte 200000/],
    [() => new HttpFile(`${full.base}data.bin`).read(99995, 10, new Uint8Array(10)), /the server sent 5/],
    [() => new HttpFile('http://127.0.0.1:9/x.hea').size(), /x\.hea: expected a reachable server/],
  ];
  for (const [run, re] of cases) await assert.rejects(run(), (e: unknown) => e instanceof FormatError && re.test(e.message), String(re));
  // A server that refuses HEAD and answers a range without saying the size.
  const odd = await serveFolder(dir, { noHead: true, noContentRange: true });
  try {
    await assert.rejects(new HttpFile(`${odd.base}data.bin`).size(), (e: unknown) => e instanceof FormatError && /a Content-Range header stating the size/.test(e.message));
  } finally {
    await odd.close();
  }
});

test('HttpFile takes the size from a range where HEAD gives no Content-Length', async () => {
  const s = await serveFolder(dir, { headWithoutLength: true });
  try {
    assert.equal(await new HttpFile(`${s.base}data.bin`).size(), bytes.length);
  } finally {
    await s.close();
  }
});

test('HttpFile identifies a file on a server without ETag or Last-Modified by its SHA-256, so a same-size change is a new version', async () => {
  const s = await serveFolder(dir, { noValidators: true });
  try {
    writeFileSync(join(dir, 'v.bin'), 'abcdef');
    const v1 = await new HttpFile(`${s.base}v.bin`).identity();
    writeFileSync(join(dir, 'v.bin'), 'abcdeg');
    const v2 = await new HttpFile(`${s.base}v.bin`).identity();
    assert.equal(v1.size, 6);
    assert.match(v1.version, /^sha256 [0-9a-f]{64}$/);
    assert.notEqual(v1.version, v2.version);
  } finally {
    await s.close();
  }
});

test('HttpFile stops reading a whole file past 16 MB when the server sends it chunked, without a length', async () => {
  const s = await serveFolder(dir, { noRanges: true, noHead: true, chunked: true });
  try {
    await assert.rejects(new HttpFile(`${s.base}big.bin`).size(), (e: unknown) => e instanceof FormatError && /more than 16777216 bytes/.test(e.message));
  } finally {
    await s.close();
  }
});

test('HttpFile reports a connection closed in the middle of a body as a FormatError naming the URL', async () => {
  const s = await serveFolder(dir, { resetAfter: 1000 });
  try {
    await assert.rejects(new HttpFile(`${s.base}data.bin`).read(0, 50000, new Uint8Array(50000)), (e: unknown) => e instanceof FormatError && e.message.includes(`${s.base}data.bin`));
  } finally {
    await s.close();
  }
});
