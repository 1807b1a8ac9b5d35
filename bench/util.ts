import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Best of `reps` wall times in seconds for `fn`, after one warm-up call. */
export async function bestTime(fn: () => unknown, reps = 3): Promise<number> {
  await fn();
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return best;
}

/**
 * Best wall time in seconds of each function, measured side by side: one warm-up call each, then
 * `rounds` rounds that call every function once in turn, the order reversed every other round, so
 * that a change in the machine's load (other processes on a shared machine) affects all of them
 * alike and ratios stay comparable.
 */
export async function bestTimes<K extends string>(fns: Record<K, () => unknown>, rounds = 5): Promise<Record<K, number>> {
  const keys = Object.keys(fns) as K[];
  const best = {} as Record<K, number>;
  for (const k of keys) {
    await fns[k]();
    best[k] = Infinity;
  }
  for (let r = 0; r < rounds; r++) {
    for (const k of r % 2 ? [...keys].reverse() : keys) best[k] = Math.min(best[k], await timeOnce(fns[k]));
  }
  return best;
}

/**
 * Runs a Python snippet that prints one JSON object; returns it, or undefined (with the reason
 * printed) when python3 or the module it imports is missing.
 */
export function python(code: string): Record<string, number> | undefined {
  const r = spawnSync('python3', ['-c', code], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } });
  if (r.status !== 0) {
    console.log(`  (python reference skipped: ${(r.stderr || r.error?.message || 'python3 not found').trim().split('\n').pop()})`);
    return undefined;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
}

/** Formats a rate such as 12.3 M/s. */
export function rate(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G/s`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M/s`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k/s`;
  return `${n.toFixed(1)} /s`;
}

/**
 * Empties the kernel's page cache (Linux, root only) so the next read comes from storage: the
 * physical limit of a file larger than memory. Returns false when not permitted.
 */
export function dropPageCache(): boolean {
  const r = spawnSync('sh', ['-c', 'sync && echo 1 > /proc/sys/vm/drop_caches'], { stdio: 'ignore' });
  return r.status === 0;
}

/**
 * Best wall time of each function from storage: the page cache is dropped before every call, and two
 * rounds run the functions in opposite orders, so that no function always follows the same one (a
 * virtual disk the host caches gets faster as a file is read again). Undefined when the page cache
 * cannot be dropped.
 */
export async function bestTimesFromDisk<K extends string>(fns: Record<K, () => unknown>): Promise<Record<K, number> | undefined> {
  const keys = Object.keys(fns) as K[];
  const best = {} as Record<K, number>;
  for (const order of [keys, [...keys].reverse()]) {
    for (const k of order) {
      if (!dropPageCache()) return undefined;
      best[k] = Math.min(best[k] ?? Infinity, await timeOnce(fns[k]));
    }
  }
  return best;
}

/** Wall time in seconds of one call of `fn`. */
export async function timeOnce(fn: () => unknown): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/**
 * The same module from another build, to time against this one side by side: set
 * VITALDSP_BENCH_BASELINE to that build's output folder (the one holding src/ and bench/, such as
 * dist of another checkout); `rel` is the module's path inside it, e.g. 'src/quality/sqi.js'.
 * undefined when unset.
 */
export async function baseline<T>(rel: string): Promise<T | undefined> {
  const dir = process.env.VITALDSP_BENCH_BASELINE;
  if (!dir) return undefined;
  return (await import(pathToFileURL(resolve(dir, rel)).href)) as T;
}

