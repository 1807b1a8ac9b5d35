import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { CpuMeter, currentThreadId, threadCpuSeconds } from '../../src/runtime/thread-cpu.js';

const linux = existsSync('/proc/thread-self/stat');
const skip = linux ? false : 'per-thread CPU times come from Linux /proc';

/** Keeps the calling thread busy for `ms` of wall time. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  if (Number.isNaN(x)) throw new Error('unreachable');
}

/** A worker thread that reports its kernel id, spins for `ms`, and stays alive until told to stop. */
async function spinningThread(ms: number): Promise<{ id: number; stop: () => Promise<number> }> {
  const url = new URL('../../src/runtime/thread-cpu.js', import.meta.url).href;
  const w = new Worker(`
    const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(url)}).then(({ currentThreadId }) => {
      const end = performance.now() + ${ms};
      let x = 0;
      while (performance.now() < end) x += Math.sqrt(x + 1);
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

test('threadCpuSeconds counts the time a thread spends computing', { skip }, () => {
  const before = threadCpuSeconds().get(process.pid)!;
  spin(300);
  const after = threadCpuSeconds().get(process.pid)!;
  // Ticks of 10 ms; a loaded machine may take the core away for part of the spin.
  assert.ok(after - before >= 0.1, `main thread used ${after - before} s while spinning 0.3 s`);
});

test('CpuMeter splits CPU time between the main thread, the named workers and the rest', { skip }, async () => {
  const meter = new CpuMeter();
  spin(200);
  const t = await spinningThread(400);
  try {
    const named = meter.split([t.id])!;
    assert.ok(named.mainSeconds >= 0.1, `main ${named.mainSeconds} s`);
    assert.ok(named.workerSeconds >= 0.2, `worker ${named.workerSeconds} s`);
    // The parts add up to the process total up to the 10 ms ticks of each per-thread reading.
    assert.ok(Math.abs(named.mainSeconds + named.workerSeconds + named.otherSeconds - named.totalSeconds) <= 0.03, JSON.stringify(named));
    // A thread not named as a worker counts as other.
    const unnamed = meter.split([])!;
    assert.equal(unnamed.workerSeconds, 0);
    assert.ok(unnamed.otherSeconds >= 0.2, `other ${unnamed.otherSeconds} s`);
  } finally {
    await t.stop();
  }
});
