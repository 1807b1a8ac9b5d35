import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { serialize } from 'node:v8';
import { writeAtomic } from '../../src/runtime/atomic.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addCacheStats, cacheKey, emptyStats, hitRate, ProcessingCache, ttlFactor } from '../../src/runtime/cache.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'vitaldsp-cache-'));

test('cacheKey changes with the stage version, the input and the config', () => {
  const k = cacheKey('block', '1', 'abc', { a: 1 });
  assert.notEqual(k, cacheKey('block', '2', 'abc', { a: 1 }));
  assert.notEqual(k, cacheKey('block', '1', 'abd', { a: 1 }));
  assert.notEqual(k, cacheKey('block', '1', 'abc', { a: 2 }));
  assert.equal(k, cacheKey('block', '1', 'abc', { a: 1 }));
});

for (const blocking of [false, true]) {
  const suffix = blocking ? ' (blocking calls)' : '';

  test(`a stored value comes back bit-identical, NaN and typed arrays included${suffix}`, async () => {
    const c = new ProcessingCache({ dir: fresh(), blocking });
    const value = { a: NaN, b: -0, c: Float64Array.of(1.5, Infinity), s: 'x' };
    await c.set('k1', value, 10);
    const got = await c.get<typeof value>('k1');
    assert.ok(got && Number.isNaN(got.a) && Object.is(got.b, -0) && got.c[1] === Infinity);
    assert.equal(c.stats.hits, 1);
    assert.equal(await c.get('k2'), undefined);
    assert.equal(c.stats.misses, 1);
    assert.equal(hitRate(c.stats), 0.5);
  });

  test(`calls that overlap on one cache each count into their own tally, and all into its stats${suffix}`, async () => {
    const c = new ProcessingCache({ dir: fresh(), blocking });
    await c.set('k1', [1], 1);
    const a = emptyStats(), b = emptyStats();
    // Started together: each call's reads and writes interleave with the other's.
    await Promise.all([c.get('k1', Date.now(), a), c.get('nope', Date.now(), b), c.set('k2', [2], 1, Date.now(), b)]);
    assert.deepEqual([a.hits, a.misses, a.writes], [1, 0, 0]);
    assert.deepEqual([b.hits, b.misses, b.writes], [0, 1, 1]);
    assert.deepEqual([c.stats.hits, c.stats.misses, c.stats.writes], [1, 1, 2]);
  });

  test(`a corrupted entry is discarded and counted, then recomputed as a miss${suffix}`, async () => {
    const dir = fresh();
    const c = new ProcessingCache({ dir, blocking });
    const key = 'ab' + '0'.repeat(62);
    await c.set(key, [1, 2, 3], 5);
    const p = join(dir, 'ab', `${key}.gz`);
    const b = readFileSync(p);
    b[b.length - 5]! ^= 0xff;
    writeFileSync(p, b);
    assert.equal(await c.get(key), undefined);
    assert.equal(c.stats.corrupt, 1);
    assert.equal((await c.usage()).entries, 0);
  });

  test(`entries expire after their TTL, sooner when cheap and bulky${suffix}`, async () => {
    const c = new ProcessingCache({ dir: fresh(), ttlHours: 1, blocking });
    const t0 = Date.now();
    await c.set('e', 'v', 1, t0);
    assert.equal(await c.get('e', t0 + 1000), 'v');
    assert.equal(await c.get('e', t0 + 5 * 3600e3), undefined);
    assert.equal(c.stats.expired, 1);
    assert.ok(ttlFactor(1, 1e7) < ttlFactor(10_000, 1e3));
  });

  test(`the least recently used entries are evicted beyond the size limit${suffix}`, async () => {
    const c = new ProcessingCache({ dir: fresh(), maxBytes: 6000, blocking });
    const big = () => Array.from({ length: 200 }, (_, i) => Math.sin(i) * Math.random());
    for (const k of ['k1', 'k2', 'k3']) {
      await c.set(k, big(), 1);
      await new Promise((r) => setTimeout(r, 20));
    }
    await c.get('k1');
    await c.set('k4', big(), 1);
    assert.ok(c.stats.evictions >= 1);
    assert.notEqual(await c.get('k1'), undefined, 'recently used entry kept');
    assert.equal(await c.get('k2'), undefined, 'least recently used entry evicted');
    assert.ok((await c.usage()).bytes <= 6000);
  });
}

test('entries written with blocking calls are read by a cache without them, and the other way round', async () => {
  const dir = fresh();
  const blocking = new ProcessingCache({ dir, blocking: true }), plain = new ProcessingCache({ dir });
  await blocking.set('a', Float64Array.of(1, NaN), 1);
  await plain.set('b', 'two', 1);
  assert.deepEqual(await plain.get('a'), Float64Array.of(1, NaN));
  assert.equal(await blocking.get('b'), 'two');
});

test('updates of the cumulative statistics made side by side are all counted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-cache-'));
  await Promise.all(Array.from({ length: 20 }, () => addCacheStats(dir, { ...emptyStats(), misses: 1, writes: 2 })));
  const sum = await addCacheStats(dir, emptyStats());
  assert.equal(sum.misses, 20);
  assert.equal(sum.writes, 40);
});

/** A fresh folder removed when the test ends. */
const tempDir = (t: { after: (fn: () => void) => void }) => {
  const dir = fresh();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};
const entryKey = 'cd' + '1'.repeat(62);
const entryPath = (dir: string) => join(dir, 'cd', `${entryKey}.gz`);
const T0 = Date.parse('2026-03-01T00:00:00Z');

for (const blocking of [false, true]) {
  const suffix = blocking ? ' (blocking calls)' : '';

  test(`an entry file truncated at any byte length is a corrupt miss, removed and never a hit${suffix}`, async (t) => {
    const dir = tempDir(t);
    const c = new ProcessingCache({ dir, blocking });
    await c.set(entryKey, Float64Array.of(1, 2, 3), 5);
    const whole = readFileSync(entryPath(dir));
    for (let n = 0; n < whole.length; n++) {
      writeFileSync(entryPath(dir), whole.subarray(0, n));
      assert.equal(await c.get(entryKey), undefined, `${n} of ${whole.length} bytes`);
      assert.equal(existsSync(entryPath(dir)), false, `${n} bytes: removed`);
    }
    assert.deepEqual([c.stats.corrupt, c.stats.misses, c.stats.hits, c.stats.bytesRead], [whole.length, whole.length, 0, 0]);
    assert.equal(hitRate(c.stats), 0);
  });

  const undecodable: [string, Buffer][] = [
    ['bytes that are no gzip stream', Buffer.from('plain bytes, not compressed')],
    ['a gzip stream cut short', gzipSync(serialize({ expires: Infinity, costMs: 1, value: 'x'.repeat(100) })).subarray(0, 20)],
    ['an empty gzip stream', gzipSync(Buffer.alloc(0))],
    ['gzip of bytes that are no serialised value', gzipSync(Buffer.from([0xff, 0x0f, 0x99, 0x99]))],
  ];
  for (const [what, payload] of undecodable) {
    test(`an entry whose checksum matches but which holds ${what} is a corrupt miss and is removed${suffix}`, async (t) => {
      const dir = tempDir(t);
      const c = new ProcessingCache({ dir, blocking });
      await writeAtomic(entryPath(dir), payload);
      assert.equal(await c.get(entryKey), undefined);
      assert.deepEqual([c.stats.corrupt, c.stats.misses, c.stats.hits, c.stats.expired, c.stats.bytesRead], [1, 1, 0, 0, 0]);
      assert.equal(existsSync(entryPath(dir)), false);
      // The key is usable again afterwards.
      await c.set(entryKey, 'again', 1);
      assert.equal(await c.get(entryKey), 'again');
    });
  }

  // With a value of a few bytes the cost per KiB is the cost itself: the factor is log2(1 + costMs), within [0.5, 4].
  const lifetimes: [number, number][] = [[0, 0.5], [1, 1], [3, 2], [15, 4], [1e9, 4]];
  for (const [costMs, factor] of lifetimes) {
    test(`an entry that cost ${costMs} ms lives ${factor} TTL: a hit up to its expiry instant, a miss a millisecond later${suffix}`, async (t) => {
      const c = new ProcessingCache({ dir: tempDir(t), ttlHours: 2, blocking });
      await c.set(entryKey, 'v', costMs, T0);
      const expiry = T0 + factor * 2 * 3600e3;
      assert.equal(await c.get(entryKey, expiry - 1), 'v');
      assert.equal(await c.get(entryKey, expiry), 'v');
      assert.equal(await c.get(entryKey, expiry + 1), undefined);
      assert.deepEqual([c.stats.hits, c.stats.expired, c.stats.misses, c.stats.corrupt], [2, 1, 1, 0]);
      assert.equal((await c.usage()).entries, 0, 'the expired entry is removed');
    });
  }

  test(`an entry larger than the whole size limit is not kept and the folder ends within its limit${suffix}`, async (t) => {
    const c = new ProcessingCache({ dir: tempDir(t), maxBytes: 500, blocking });
    await c.set(entryKey, Float64Array.from({ length: 2000 }, (_, i) => Math.sin(i * 0.37)), 1);
    assert.equal(c.stats.writes, 1);
    assert.equal(c.stats.evictions, 1);
    assert.deepEqual(await c.usage(), { entries: 0, bytes: 0 });
    assert.equal(await c.get(entryKey), undefined);
  });

  test(`two caches writing the same key at once leave one whole entry, holding one of the two values${suffix}`, async (t) => {
    const dir = tempDir(t);
    const a = new ProcessingCache({ dir, blocking }), b = new ProcessingCache({ dir, blocking });
    const va = Float64Array.from({ length: 5000 }, (_, i) => i), vb = Float64Array.from({ length: 5000 }, (_, i) => -i);
    for (let round = 0; round < 5; round++) {
      await Promise.all([a.set(entryKey, va, 1), b.set(entryKey, vb, 1)]);
      const got = await new ProcessingCache({ dir }).get<Float64Array>(entryKey);
      assert.ok(got && (got[1] === 1 || got[1] === -1) && got[4999] === got[1] * 4999, `round ${round}`);
      assert.deepEqual(readdirSync(join(dir, 'cd')), [`${entryKey}.gz`], 'no temporary file is left');
    }
    assert.deepEqual([a.stats.writes, b.stats.writes], [5, 5]);
  });
}

test('the folder statistics file and temporary files are not counted as cache entries', async (t) => {
  const dir = tempDir(t);
  const c = new ProcessingCache({ dir });
  await c.set(entryKey, [1, 2], 1);
  await addCacheStats(dir, { ...emptyStats(), writes: 1 });
  writeFileSync(join(dir, 'cd', `.${entryKey}.gz.123.abcd.tmp`), 'half');
  assert.equal((await c.usage()).entries, 1);
});

test('entries are written at the gzip level given, read back alike, and a level outside 1..9 is refused', async () => {
  const dir = fresh();
  const value = { text: 'ECG,0.125,excellent\n'.repeat(20_000), samples: Float64Array.from({ length: 5000 }, (_, i) => i % 7) };
  const fast = new ProcessingCache({ dir, level: 1 }), small = new ProcessingCache({ dir, level: 9 });
  await fast.set('fast', value, 1);
  await small.set('small', value, 1);
  assert.ok(small.stats.bytesWritten < fast.stats.bytesWritten, `level 9 ${small.stats.bytesWritten} B, level 1 ${fast.stats.bytesWritten} B`);
  assert.deepEqual(await small.get('fast'), value);
  assert.deepEqual(await fast.get('small'), value);
  for (const level of [0, 10, 2.5]) assert.throws(() => new ProcessingCache({ dir, level }), /level must be an integer from 1 to 9/);
});
