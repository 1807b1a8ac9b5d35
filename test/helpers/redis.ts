/**
 * Redis and BullMQ workers for engine tests: a private `redis-server` on a free port, in memory only
 * (`--save "" --appendonly no`), stopped by `stop()` (and killed if the test process exits first).
 * When VITALDSP_REDIS_URL is set that server is used instead and nothing is started; tests then keep
 * to their own queue names (`queue()`), removed again by `stop()`. Without either, `needRedis` gives
 * the reason to skip.
 * `spawnWorkers` starts `vitaldsp worker` processes from the built CLI.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { cliPath } from './shared.js';

export interface RedisHandle {
  url: string;
  /** A queue name no other test uses; on an external Redis, `stop` removes its keys. */
  queue(prefix?: string): string;
  stop(): Promise<void>;
}

const external = process.env.VITALDSP_REDIS_URL;
const hasServer = external !== undefined || spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/** `skip` option for tests that need Redis: false when one can be had, else the reason. */
export const needRedis: false | string = hasServer ? false : 'needs redis-server on PATH (or VITALDSP_REDIS_URL pointing at a Redis to use)';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
process.once('exit', () => { for (const p of running) p.kill('SIGKILL'); });

/** Starts a private Redis (or hands out VITALDSP_REDIS_URL) and resolves once it accepts connections. */
export async function startRedis(): Promise<RedisHandle> {
  if (external) {
    const used: string[] = [];
    return {
      url: external,
      queue: (prefix) => { const q = uniqueQueue(prefix); used.push(q); return q; },
      stop: async () => {
        // Blocks first: removing a parent's children would move the parent back to its queue.
        for (const name of [...used.map((q) => `${q}-block`), ...used.map((q) => `${q}-record`)]) {
          const q = new Queue(name, { connection: { url: external } });
          await q.obliterate({ force: true }).finally(() => q.close());
        }
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-redis-'));
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--maxmemory-policy', 'noeviction'], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    const ready = await new Promise<boolean>((resolve) => {
      let log = '';
      const onData = (b: Buffer) => { log += b.toString(); if (log.includes('Ready to accept connections')) resolve(true); };
      child.stdout!.on('data', onData);
      child.once('exit', () => resolve(false));
      setTimeout(() => resolve(false), 10_000).unref();
    });
    if (ready) {
      child.stdout!.resume();
      child.stderr!.resume();
      return {
        url: `redis://127.0.0.1:${port}`,
        queue: (prefix) => uniqueQueue(prefix),
        stop: () => new Promise<void>((resolve) => {
          running.delete(child);
          if (child.exitCode !== null || child.signalCode !== null) { rmSync(dir, { recursive: true, force: true }); resolve(); return; }
          child.once('exit', () => { rmSync(dir, { recursive: true, force: true }); resolve(); });
          child.kill('SIGTERM');
        }),
      };
    }
    running.delete(child);
    child.kill('SIGKILL');
    // Another process may have taken the port between the probe and the bind: try another.
    if (tries >= 2) throw new Error('redis-server did not start');
  }
}

function uniqueQueue(prefix = 't'): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

export interface WorkerProcess {
  child: ChildProcess;
  /** What the worker wrote to stderr so far (its log), for assertion messages. */
  log(): string;
}

/** Starts `n` worker processes on `queue`; resolves once each has logged that it runs. */
export async function spawnWorkers(url: string, queue: string, n: number, extra: string[] = []): Promise<WorkerProcess[]> {
  const workers = Array.from({ length: n }, () => {
    const child = spawn(process.execPath, [cliPath, 'worker', '--redis', url, '--queue', queue, ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
    running.add(child);
    child.once('exit', () => running.delete(child));
    let text = '';
    child.stderr!.on('data', (b: Buffer) => { text += b.toString(); });
    return { child, log: () => text };
  });
  try {
    await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
      const check = () => { if (/worker \S+ on queue/.test(w.log())) { clearInterval(timer); resolve(); } };
      const timer = setInterval(check, 50);
      w.child.once('exit', (code) => { clearInterval(timer); reject(new Error(`worker exited with ${code} before starting: ${w.log()}`)); });
    })));
  } catch (e) {
    await stopWorkers(workers, 0);
    throw e;
  }
  return workers;
}

/** Stops workers with SIGTERM (SIGKILL after `graceMs`) and waits for them to exit. */
export async function stopWorkers(workers: WorkerProcess[], graceMs = 5000): Promise<void> {
  await Promise.all(workers.map(({ child }) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) { resolve(); return; }
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  })));
}
