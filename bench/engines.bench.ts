/**
 * Engines on one generated batch (8 ECG records of 10 min at 250 Hz, CSV): records per minute for
 * the local engine with 1 and 2 worker threads, and for the BullMQ engine with 1 and 2 worker
 * processes (one block job at a time each) on a private redis-server. Every run writes to a fresh
 * output folder, so no result comes from the cache. Worker start-up is not timed; planning in the
 * submitter is.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processBatch } from '../src/pipeline/batch.js';
import { syntheticEcg } from '../src/signals/synthetic-ecg.js';
import { submitBatch } from '../src/engines/bullmq/submit.js';
import { needRedis, spawnWorkers, startRedis, stopWorkers } from '../test/helpers/redis.js';

const RECORDS = 8;
const MINUTES = 10;

async function timed(fn: () => Promise<{ failed: unknown[] }>): Promise<number> {
  const t0 = process.hrtime.bigint();
  const r = await fn();
  if (r.failed.length) throw new Error(`${r.failed.length} records failed`);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export default async function (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-bench-engines-'));
  try {
    const inputs = Array.from({ length: RECORDS }, (_, k) => {
      const path = join(dir, `rec${k}.csv`);
      const ecg = syntheticEcg({ fs: 250, seconds: MINUTES * 60, heartRate: 60 + 3 * k, seed: 100 + k });
      writeFileSync(path, 'ECG\n' + Array.from(ecg.signal, (v) => v.toFixed(5)).join('\n') + '\n');
      return path;
    });
    const rows: [string, number, number][] = [];
    let run = 0;
    const open = { fs: 250 };
    for (const workers of [1, 2]) {
      const out = join(dir, `out${run++}`);
      rows.push(['local', workers, await timed(() => processBatch(inputs, { out, open, config: { set: [`runtime.workers=${workers}`] } }))]);
    }
    if (needRedis) {
      console.log(`  (BullMQ engine skipped: ${needRedis})`);
    } else {
      const redis = await startRedis();
      try {
        for (const n of [1, 2]) {
          const queue = redis.queue('bench');
          const workers = await spawnWorkers(redis.url, queue, n);
          try {
            const out = join(dir, `out${run++}`);
            rows.push(['bullmq', n, await timed(() => submitBatch(inputs, { redis: redis.url, queue, out, open, pollMs: 500 }))]);
          } finally {
            await stopWorkers(workers);
          }
        }
      } finally {
        await redis.stop();
      }
    }
    console.log(`  ${RECORDS} records of ${MINUTES} min ECG at 250 Hz`);
    console.log('  engine   workers   seconds   records/min');
    for (const [engine, w, s] of rows) console.log(`  ${engine.padEnd(8)} ${String(w).padStart(7)} ${s.toFixed(2).padStart(9)} ${((RECORDS / s) * 60).toFixed(1).padStart(13)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
