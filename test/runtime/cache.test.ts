import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
