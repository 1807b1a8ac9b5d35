/**
 * Processing cache: stage results stored on disk under a content address (SHA-256 of the stage name,
 * its version, the input bytes it read and the config values it uses), gzip-compressed, with a
 * checksum (see atomic.ts), serialised with v8's structured clone so values come back bit-identical. Entries are evicted least-recently-used beyond a size limit (use is the
 * file's mtime, touched on each hit) and expire after a TTL that grows with what the entry cost to
 * compute per byte stored: cheap, bulky results go first.
 */
import { gunzip, gunzipSync, gzip, gzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import { rmSync, utimesSync } from 'node:fs';
import { mkdir, readdir, rm, stat, utimes, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { readAtomic, readAtomicSync, sha256, writeAtomic, writeAtomicSync, type ReadResult } from './atomic.js';

/** The file and compression calls of entry reads and writes. */
interface EntryIo {
  read(path: string): Promise<ReadResult>;
  write(path: string, payload: Uint8Array): Promise<void>;
  remove(path: string): Promise<void>;
  touch(path: string, t: Date): Promise<void>;
  gzip(b: Uint8Array, level: number): Promise<Buffer>;
  gunzip(b: Uint8Array): Promise<Buffer>;
}

const gzipAsync = promisify(gzip);

// An entry lost in a crash is only a miss: entries are written without fsyncs.
const asyncIo: EntryIo = {
  read: readAtomic,
  write: (path, payload) => writeAtomic(path, payload, { durable: false }),
  remove: (path) => rm(path, { force: true }),
  touch: (path, t) => utimes(path, t, t).catch(() => undefined),
  gzip: (b, level) => gzipAsync(b, { level }),
  gunzip: promisify(gunzip),
};

const blockingIo: EntryIo = {
  read: async (path) => readAtomicSync(path),
  write: async (path, payload) => writeAtomicSync(path, payload, { durable: false }),
  remove: async (path) => rmSync(path, { force: true }),
  touch: async (path, t) => { try { utimesSync(path, t, t); } catch { /* the entry was evicted meanwhile */ } },
  gzip: async (b, level) => gzipSync(b, { level }),
  gunzip: async (b) => gunzipSync(b),
};

export interface CacheOptions {
  dir: string;
  /** Size limit of the folder, bytes. default: 2 GiB */
  maxBytes?: number;
  /** Base lifetime of an entry, hours. default: 168 */
  ttlHours?: number;
  /** gzip level of the entries written, 1 (fastest) to 9 (smallest). default: 1 */
  level?: number;
  /**
   * Read and write entries with blocking calls. For worker threads, which have nothing else to
   * run while a block's entry is read or written: asynchronous calls wait their turn in the
   * process's shared I/O thread pool, and that wait was a third of a block's time. default: false
   */
  blocking?: boolean;
}

export interface CacheStats {
  hits: number;
  misses: number;
  writes: number;
  expired: number;
  corrupt: number;
  evictions: number;
  bytesRead: number;
  bytesWritten: number;
}

export function emptyStats(): CacheStats {
  return { hits: 0, misses: 0, writes: 0, expired: 0, corrupt: 0, evictions: 0, bytesRead: 0, bytesWritten: 0 };
}

export function hitRate(s: CacheStats): number {
  return s.hits + s.misses > 0 ? s.hits / (s.hits + s.misses) : 0;
}

/** The content address of a stage result. */
export function cacheKey(stage: string, version: string, inputHash: string, config: unknown): string {
  return sha256(JSON.stringify([stage, version, inputHash, config]));
}

interface Entry { expires: number; costMs: number; value: unknown }

/** TTL multiplier from cost per stored KiB: 0.5x for trivially cheap entries up to 4x for costly ones. */
export function ttlFactor(costMs: number, bytes: number): number {
  return Math.min(4, Math.max(0.5, Math.log2(1 + costMs / Math.max(1, bytes / 1024))));
}

/**
 * Bytes in each cache folder as this thread last listed it, plus what it has written since: the
 * caches a batch opens for each record share one listing instead of each listing the folder again
 * (the limit is a soft one: other threads and processes write beside this one).
 */
const folderBytes = new Map<string, number>();

export class ProcessingCache {
  readonly dir: string;
  readonly stats: CacheStats = emptyStats();
  private readonly maxBytes: number;
  private readonly ttlMs: number;
  private readonly io: EntryIo;
  private readonly level: number;

  constructor(opts: CacheOptions) {
    this.dir = opts.dir;
    this.io = opts.blocking ? blockingIo : asyncIo;
    this.maxBytes = opts.maxBytes ?? 2 * 2 ** 30;
    this.ttlMs = (opts.ttlHours ?? 168) * 3600e3;
    this.level = opts.level ?? 1;
    if (!Number.isInteger(this.level) || this.level < 1 || this.level > 9) throw new RangeError(`level must be an integer from 1 to 9, got ${opts.level}`);
  }

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.gz`);
  }

  /**
   * Counts into `stats` and into `tally` when given: calls that overlap on one cache (tasks run in
   * one thread) each get their own counts in their tally, where a difference of `stats` taken
   * around one call would include the others'.
   */
  private count(field: keyof CacheStats, n: number, tally: CacheStats | undefined): void {
    this.stats[field] += n;
    if (tally) tally[field] += n;
  }

  async get<T>(key: string, now = Date.now(), tally?: CacheStats): Promise<T | undefined> {
    const p = this.path(key), io = this.io;
    const r = await io.read(p);
    if (!r.ok) {
      if (r.reason === 'corrupt') { this.count('corrupt', 1, tally); await io.remove(p); }
      this.count('misses', 1, tally);
      return undefined;
    }
    let entry: Entry;
    try {
      entry = deserialize(await io.gunzip(r.payload)) as Entry;
    } catch {
      this.count('corrupt', 1, tally); this.count('misses', 1, tally);
      await io.remove(p);
      return undefined;
    }
    if (entry.expires < now) {
      this.count('expired', 1, tally); this.count('misses', 1, tally);
      await io.remove(p);
      return undefined;
    }
    this.count('hits', 1, tally);
    this.count('bytesRead', r.payload.length, tally);
    await io.touch(p, new Date(now));
    return entry.value as T;
  }

  async set(key: string, value: unknown, costMs: number, now = Date.now(), tally?: CacheStats): Promise<void> {
    // Structured-clone serialisation keeps NaN, -0 and typed arrays exactly, so a hit is bit-identical.
    const size = serialize(value).length;
    const expires = now + this.ttlMs * ttlFactor(costMs, size);
    const payload = await this.io.gzip(serialize({ expires, costMs, value } satisfies Entry), this.level);
    await this.io.write(this.path(key), payload);
    this.count('writes', 1, tally);
    this.count('bytesWritten', payload.length, tally);
    const total = (folderBytes.get(this.dir) ?? (await this.scanSize())) + payload.length;
    folderBytes.set(this.dir, total);
    if (total > this.maxBytes) await this.evict(tally);
  }

  private async entries(): Promise<{ path: string; size: number; used: number }[]> {
    const out: { path: string; size: number; used: number }[] = [];
    let subs: string[];
    try { subs = await readdir(this.dir); } catch { return out; }
    for (const s of subs) {
      if (s.length !== 2) continue;
      for (const f of await readdir(join(this.dir, s)).catch(() => [] as string[])) {
        if (!f.endsWith('.gz')) continue;
        const p = join(this.dir, s, f);
        const st = await stat(p).catch(() => undefined);
        if (st) out.push({ path: p, size: st.size, used: st.mtimeMs });
      }
    }
    return out;
  }

  private async scanSize(): Promise<number> {
    return (await this.entries()).reduce((a, e) => a + e.size, 0);
  }

  /** Removes least recently used entries until the folder fits in its limit. */
  async evict(tally?: CacheStats): Promise<void> {
    const all = (await this.entries()).sort((a, b) => a.used - b.used || (a.path < b.path ? -1 : 1));
    let total = all.reduce((a, e) => a + e.size, 0);
    for (const e of all) {
      if (total <= this.maxBytes) break;
      await this.io.remove(e.path);
      total -= e.size;
      this.count('evictions', 1, tally);
    }
    folderBytes.set(this.dir, total);
  }

  /** Entry count and bytes on disk. */
  async usage(): Promise<{ entries: number; bytes: number }> {
    const all = await this.entries();
    return { entries: all.length, bytes: all.reduce((a, e) => a + e.size, 0) };
  }

}

/** The last update of each folder's statistics in this thread: updates run one after another. */
const statsUpdates = new Map<string, Promise<unknown>>();

/**
 * Adds `delta` to the folder's cumulative statistics (read by `vitaldsp cache stats`). Updates are
 * queued: records of a batch end side by side, and two reads of the file before either write would
 * lose one record's figures.
 */
export function addCacheStats(dir: string, delta: CacheStats): Promise<CacheStats> {
  const next = (statsUpdates.get(dir) ?? Promise.resolve()).catch(() => undefined).then(() => updateStats(dir, delta));
  statsUpdates.set(dir, next);
  return next;
}

async function updateStats(dir: string, delta: CacheStats): Promise<CacheStats> {
  const p = join(dir, 'stats.json');
  const prev = await readFile(p, 'utf8').then((t) => JSON.parse(t) as CacheStats).catch(() => emptyStats());
  const sum = emptyStats();
  for (const k of Object.keys(sum) as (keyof CacheStats)[]) sum[k] = (prev[k] ?? 0) + delta[k];
  await mkdir(dir, { recursive: true });
  await writeFile(p, JSON.stringify(sum, null, 2));
  return sum;
}

/** Adds `b` into `a`. */
export function mergeStats(a: CacheStats, b: Partial<CacheStats>): void {
  for (const k of Object.keys(a) as (keyof CacheStats)[]) a[k] += b[k] ?? 0;
}

