import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/config/resolve.js';
import { MemoryMonitor, maxInFlight, rssHighWaterMark, workerHeapMB } from '../../src/runtime/memory.js';

test('MemoryMonitor keeps the peak RSS it has seen and compares it with the budget', async () => {
  const m = new MemoryMonitor(1, 5).start();
  const held = new Float64Array(8 << 20).fill(1);
  await new Promise((r) => setTimeout(r, 30));
  m.stop();
  assert.ok(m.peakRss >= process.memoryUsage.rss() * 0.5 && m.peakRss > 64 << 20, `peak ${m.peakRss}`);
  assert.equal(m.overBudget(), true);
  assert.equal(new MemoryMonitor(Number.MAX_SAFE_INTEGER).overBudget(), false);
  assert.equal(held[0], 1);
});

const strategies = [
  { strategy: 'conservative', inFlight: 1 },
  { strategy: 'balanced', inFlight: 2 },
  { strategy: 'aggressive', inFlight: 4 },
] as const;
for (const s of strategies) {
  test(`maxInFlight allows ${s.inFlight} block task(s) per worker with the ${s.strategy} strategy`, () => {
    const cfg = resolveConfig({ env: {}, set: [`runtime.memoryStrategy=${s.strategy}`, 'runtime.workers=2'] }).values;
    assert.equal(maxInFlight(cfg), 2 * s.inFlight);
  });
}

test('workerHeapMB shares the budget with the main thread and never goes below one block task', () => {
  const cfg = (budget: number) => resolveConfig({ env: {}, set: [`runtime.memoryBudgetMB=${budget}`, 'runtime.workers=2'] }).values;
  assert.equal(workerHeapMB(cfg(900)), 300);
  assert.equal(workerHeapMB(cfg(64)), 48);
});

test('rssHighWaterMark sees a peak that came and went between samples', { skip: process.platform !== 'linux' && 'the high-water mark is read from /proc (Linux)' }, () => {
  const before = rssHighWaterMark();
  assert.ok(before >= process.memoryUsage.rss() * 0.9, `high-water mark ${before}`);
  // Touched and dropped at once: no sampler runs in between.
  let big: Float64Array | undefined = new Float64Array(32 << 20).fill(1);
  const peakRss = process.memoryUsage.rss();
  big = undefined;
  assert.equal(big, undefined);
  assert.ok(rssHighWaterMark() >= peakRss * 0.99, `${rssHighWaterMark()} vs ${peakRss}`);
  const m = new MemoryMonitor(Number.MAX_SAFE_INTEGER);
  assert.ok(m.peakRss >= peakRss * 0.99, 'the monitor reports it too');
});

test('MemoryMonitor never reports a peak below an RSS it has sampled', () => {
  const m = new MemoryMonitor(Number.MAX_SAFE_INTEGER, 0);
  const held: Float64Array[] = [];
  let most = 0;
  for (let i = 0; i < 8; i++) {
    if (i % 3 === 2) held.pop();
    else held.push(new Float64Array(1 << 20).fill(i));
    most = Math.max(most, m.sample());
    assert.ok(m.peakRss >= most, `step ${i}: peak ${m.peakRss} below sample ${most}`);
  }
  m.stop();
  assert.ok(m.peakRss >= most);
  assert.ok(held.length > 0);
});

test('MemoryMonitor reuses a reading younger than a fifth of its interval', () => {
  const m = new MemoryMonitor(Number.MAX_SAFE_INTEGER, 1e12);
  const first = m.sample();
  const held = new Float64Array(4 << 20).fill(1);
  assert.equal(m.sample(), first);
  assert.equal(m.overBudget(), false);
  assert.equal(held[1], 1);
});
