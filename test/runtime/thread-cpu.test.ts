import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { CpuMeter, currentThreadId, threadCpuSeconds } from '../../src/runtime/thread-cpu.js';

const linux = existsSync('/proc/thread-self/stat');
const skip = linux ? false : 'per-thread CPU times come from Linux /proc';

/**
 * Computes until the calling thread has used `seconds` of CPU by its own /proc counter (a wall-time
 * spin would fall short on a loaded machine), or 10 s have passed.
 */
function spinCpu(seconds: number, own: () => number): number {
  const start = own();
  const end = performance.now() + 10_000;
  let x = 0;
  while (own() - start < seconds && performance.now() < end) for (let i = 0; i < 1e5; i++) x += Math.sqrt(x + i);
  return x;
}
const ownCpu = () => threadCpuSeconds().get(currentThreadId())!;

/** A worker thread that uses `seconds` of CPU, reports its kernel id, and stays alive until stopped. */
async function spinningThread(seconds: number): Promise<{ id: number; stop: () => Promise<number> }> {
  const url = new URL('../../src/runtime/thread-cpu.js', import.meta.url).href;
  const w = new Worker(`
    const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(url)}).then(({ currentThreadId, threadCpuSeconds }) => {
      const x = (${spinCpu.toString()})(${seconds}, () => threadCpuSeconds().get(currentThreadId()));
      parentPort.postMessage(currentThreadId() + (x < 0 ? 1 : 0));
      setInterval(() => undefined, 60_000);
    });`, { eval: true });
  const id = await new Promise<number>((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
  return { id, stop: () => w.terminate() };
}

test('currentThreadId is the process id in the main thread and another kernel id in a worker thread', { skip }, async () => {
  assert.equal(currentThreadId(), process.pid);
  const t = await spinningThread(0);
  try {
    assert.ok(t.id > 0 && t.id !== process.pid, `worker thread id ${t.id}`);
    assert.ok(threadCpuSeconds().has(t.id), 'a live worker thread is listed');
  } finally {
    await t.stop();
  }
});

test('threadCpuSeconds counts the time a thread spends computing, and not the time it waits', { skip }, async () => {
  const before = ownCpu();
  const t0 = performance.now();
  spinCpu(0.2, ownCpu);
  assert.ok(ownCpu() - before >= 0.2 && performance.now() - t0 < 10_000, 'the spin ended on its own CPU counter');
  const idle = ownCpu();
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(ownCpu() - idle <= 0.1, `a sleeping thread used ${ownCpu() - idle} s`);
});

test('CpuMeter splits CPU time between the main thread, the named workers and the rest', { skip }, async () => {
  const meter = new CpuMeter();
  spinCpu(0.2, ownCpu);
  const t = await spinningThread(0.3);
  try {
    const named = meter.split([t.id])!;
    assert.ok(named.mainSeconds >= 0.2, `main ${named.mainSeconds} s`);
    assert.ok(named.workerSeconds >= 0.3, `worker ${named.workerSeconds} s`);
    // The parts add up to the process total up to the 10 ms ticks of each per-thread reading.
    assert.ok(Math.abs(named.mainSeconds + named.workerSeconds + named.otherSeconds - named.totalSeconds) <= 0.03, JSON.stringify(named));
    // A thread not named as a worker counts as other.
    const unnamed = meter.split([])!;
    assert.equal(unnamed.workerSeconds, 0);
    assert.ok(unnamed.otherSeconds >= 0.3, `other ${unnamed.otherSeconds} s`);
  } finally {
    await t.stop();
  }
});

test('CpuMeter still counts a worker that ended, when its time was kept before it ended', { skip }, async () => {
  const meter = new CpuMeter();
  const kept = await spinningThread(0.3);
  const lost = await spinningThread(0.3);
  meter.keep([kept.id]);
  await kept.stop();
  await lost.stop();
  const split = meter.split([kept.id, lost.id])!;
  // The thread ended without a kept reading is no longer listed: its time falls to "other".
  assert.ok(split.workerSeconds >= 0.3 && split.workerSeconds < 0.6, JSON.stringify(split));
  assert.ok(split.otherSeconds >= 0.3, JSON.stringify(split));
});
