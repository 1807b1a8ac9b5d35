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

const heaps: { budget: number; workers: number; want: number }[] = [
  { budget: 2048, workers: 1, want: 1024 },
  { budget: 97, workers: 1, want: 48 },
  { budget: 32, workers: 1, want: 48 },
  { budget: 256, workers: 64, want: 48 },
  { budget: 65_536, workers: 64, want: 1008 },
  { budget: 1_048_576, workers: 256, want: 4080 },
];
for (const h of heaps) {
  test(`workerHeapMB gives each of ${h.workers} worker(s) ${h.want} MB of a ${h.budget} MB budget`, () => {
    const cfg = resolveConfig({ env: {}, set: [`runtime.memoryBudgetMB=${h.budget}`, `runtime.workers=${h.workers}`] }).values;
    assert.equal(workerHeapMB(cfg), h.want);
  });
}

test('workerHeapMB and maxInFlight stay within the budget and the cores for adaptive settings on any machine', () => {
  const perWorker = { conservative: 1, balanced: 2, aggressive: 4 };
  for (const cores of [1, 2, 64]) {
    for (const freeMemMB of [256, 8192, 2 ** 20]) {
      for (const strategy of ['conservative', 'balanced', 'aggressive'] as const) {
        const machine = { cores, freeMemMB, totalMemMB: 2 * freeMemMB };
        const cfg = resolveConfig({ env: {}, machine, set: [`runtime.memoryStrategy=${strategy}`], data: { fs: 360, channels: 2, samples: 1e9 } }).values;
        const at = JSON.stringify({ cores, freeMemMB, strategy });
        const heap = workerHeapMB(cfg);
        assert.ok(Number.isInteger(heap) && heap >= 48, at);
        assert.ok(heap === 48 || heap * (cfg.runtime.workers + 1) <= cfg.runtime.memoryBudgetMB, `${heap} MB x ${cfg.runtime.workers + 1}: ${at}`);
        assert.ok(maxInFlight(cfg) >= perWorker[strategy] && maxInFlight(cfg) <= cores * perWorker[strategy], at);
      }
    }
  }
});

test('maxInFlight scales with a worker count the user gave, up to 256 workers', () => {
  for (const [workers, strategy, want] of [[1, 'conservative', 1], [256, 'conservative', 256], [256, 'aggressive', 1024]] as const) {
    const cfg = resolveConfig({ env: {}, set: [`runtime.workers=${workers}`, `runtime.memoryStrategy=${strategy}`] }).values;
    assert.equal(maxInFlight(cfg), want);
  }
});

test('MemoryMonitor can be stopped without being started, and twice', () => {
  const m = new MemoryMonitor(Number.MAX_SAFE_INTEGER);
  m.stop();
  m.stop();
  assert.ok(m.peakRss > 0);
  assert.equal(m.throttled, 0);
  assert.equal(m.start().start(), m, 'start is chainable and idempotent');
  m.stop();
});

test('MemoryMonitor holds back work under the smallest budget the configuration allows', () => {
  const cfg = resolveConfig({ env: {}, set: ['runtime.memoryBudgetMB=32'] }).values;
  const m = new MemoryMonitor(cfg.runtime.memoryBudgetMB * 2 ** 20, 0);
  assert.equal(m.budgetBytes, 32 * 2 ** 20);
  // A Node process with the test runner loaded is well above 32 MB.
  assert.equal(m.overBudget(), true);
});
