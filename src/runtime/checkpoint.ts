/**
 * Stage checkpoints. Every run has a session folder under `<out>/.vitaldsp/sessions/<id>/` holding
 * a `session.json`, a log of the records done, a checkpoint file per completed stage, and a folder
 * per record of its batches of blocks. Each checkpoint is written atomically with a checksum
 * (atomic.ts) and serialised by structured clone, so a resumed run sees exactly the values (NaN
 * included) that the interrupted one computed. A checkpoint records the fingerprint of what
 * produced it (input identity and config hash); one whose fingerprint differs from the current
 * run's is ignored, so resuming with other inputs or settings recomputes instead of mixing results.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { readAtomic, writeAtomic } from './atomic.js';

export interface SessionMeta {
  id: string;
  created: string;
  updated: string;
  status: 'running' | 'complete' | 'failed';
  inputs: string[];
  outDir: string;
  /** Records finished in this session. */
  done: string[];
}

export interface CheckpointStats {
  saved: number;
  loaded: number;
  /** Checkpoints found torn or corrupted (ignored and recomputed). */
  corrupt: number;
  /** Checkpoints from another input or config (ignored). */
  stale: number;
}

/** A new session id: UTC time to the second plus random bits, so ids sort by age. */
export function newSessionId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

export class CheckpointStore {
  readonly dir: string;
  readonly stats: CheckpointStats = { saved: 0, loaded: 0, corrupt: 0, stale: 0 };

  constructor(readonly root: string, readonly sessionId: string) {
    this.dir = join(root, sessionId);
  }

  private file(key: string): string {
    return join(this.dir, `${safeName(key)}.ckpt`);
  }

  /** Saves `value` under `key`, stamped with the fingerprint of what produced it. */
  async save(key: string, fingerprint: string, value: unknown): Promise<void> {
    await this.write(this.file(key), fingerprint, value);
  }

  /** The value saved under `key` by a run with the same fingerprint, or undefined. */
  async load<T>(key: string, fingerprint: string): Promise<T | undefined> {
    return this.read<T>(this.file(key), fingerprint);
  }

  /**
   * A folder per prefix and fingerprint holds its batches (CheckpointBatch): a record reads its own
   * folder only, where a session of thousands of records would otherwise list and read every
   * record's checkpoints for each record.
   */
  private batchDir(prefix: string, fingerprint: string): string {
    return join(this.dir, safeName(`${prefix}-${fingerprint.slice(0, 16)}`));
  }

  /** Saves one batch of entries under `prefix` for `fingerprint`, named `name`. */
  async saveBatch(prefix: string, fingerprint: string, name: string, entries: unknown[]): Promise<void> {
    await this.write(join(this.batchDir(prefix, fingerprint), `${safeName(name)}.ckpt`), fingerprint, entries);
  }

  /** Every entry saved in batches under `prefix` by runs with the same fingerprint. */
  async loadBatches<T>(prefix: string, fingerprint: string): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    const dir = this.batchDir(prefix, fingerprint);
    const names = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.ckpt')).sort();
    for (const f of names) {
      const entries = await this.read<[string, T][]>(join(dir, f), fingerprint);
      for (const [k, v] of entries ?? []) out.set(k, v);
    }
    return out;
  }

  private async write(path: string, fingerprint: string, value: unknown): Promise<void> {
    await writeAtomic(path, serialize({ fingerprint, value }));
    this.stats.saved++;
  }

  private async read<T>(path: string, fingerprint: string): Promise<T | undefined> {
    const r = await readAtomic(path);
    if (!r.ok) {
      if (r.reason === 'corrupt') this.stats.corrupt++;
      return undefined;
    }
    const { fingerprint: fp, value } = deserialize(r.payload) as { fingerprint: string; value: T };
    if (fp !== fingerprint) { this.stats.stale++; return undefined; }
    this.stats.loaded++;
    return value;
  }

  async writeMeta(meta: SessionMeta): Promise<void> {
    await writeAtomic(join(this.dir, 'session.json'), Buffer.from(JSON.stringify(meta, null, 2)));
  }

  /**
   * Notes a record of the session done: a line appended to its done log. Rewriting `session.json`
   * for each record would write the whole input list again each time, which a batch of thousands of
   * records pays quadratically. A line torn by a kill matches no input: that record is redone. Each
   * line is also preceded by a line break, so that the next record does not continue a torn line.
   */
  async markDone(key: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await appendFile(join(this.dir, DONE_LOG), `\n${key}\n`);
  }

  async readMeta(): Promise<SessionMeta | undefined> {
    return readMeta(join(this.dir, 'session.json'));
  }
}

const safeName = (key: string): string => key.replace(/[^A-Za-z0-9._-]/g, '_');

/** Records noted done since `session.json` was last written, one per line (CheckpointStore.markDone). */
const DONE_LOG = 'done.log';

/**
 * Checkpoints of many small results (the blocks of a record) gathered into one file per interval:
 * a file per result would cost a serialisation, two fsyncs and a rename each, hundreds of times per
 * record on the thread that schedules the work. A kill loses at most the results of one interval.
 */
export class CheckpointBatch<T> {
  private pending: [string, T][] = [];
  private last = performance.now();
  private writing: Promise<void> = Promise.resolve();
  private seq = 0;
  private readonly run = randomBytes(4).toString('hex');

  /** `intervalMs` 0 writes every entry as it is added. */
  constructor(private readonly store: CheckpointStore, private readonly prefix: string, private readonly fingerprint: string, private readonly intervalMs: number) {}

  /** Adds an entry; writes the batch (and waits for it) when the interval has passed. */
  add(key: string, value: T): Promise<void> {
    this.pending.push([key, value]);
    return performance.now() - this.last >= this.intervalMs ? this.flush() : Promise.resolve();
  }

  /** Writes the entries added since the last write; writes happen one at a time, in order. */
  flush(): Promise<void> {
    if (this.pending.length === 0) return this.writing;
    const entries = this.pending;
    this.pending = [];
    this.last = performance.now();
    const name = `${this.run}.${String(this.seq++).padStart(6, '0')}`;
    // A failed write rejects its own flush; the entries added after it still get theirs.
    this.writing = this.writing.catch(() => undefined).then(() => this.store.saveBatch(this.prefix, this.fingerprint, name, entries));
    return this.writing;
  }
}

/** A session's `session.json`, with the records of its done log added to `done` and `updated`. */
async function readMeta(path: string): Promise<SessionMeta | undefined> {
  const r = await readAtomic(path);
  if (!r.ok) return undefined;
  const meta = JSON.parse(r.payload.toString('utf8')) as SessionMeta;
  const log = join(dirname(path), DONE_LOG);
  const text = await readFile(log, 'utf8').catch(() => '');
  const done = new Set(meta.done), inputs = new Set(meta.inputs);
  // Only whole lines naming an input: the last one may have been cut short by a kill, and a line
  // torn earlier ends at the break that opens the next.
  for (const key of text.slice(0, text.lastIndexOf('\n') + 1).split('\n')) {
    if (key && inputs.has(key) && !done.has(key)) { done.add(key); meta.done.push(key); }
  }
  const st = text ? await stat(log).catch(() => undefined) : undefined;
  if (st && st.mtimeMs > Date.parse(meta.updated || '0')) meta.updated = new Date(st.mtimeMs).toISOString();
  return meta;
}

/** Bytes of the files in `dir` and its folders. */
async function dirSize(dir: string): Promise<number> {
  let total = 0;
  for (const f of await readdir(dir).catch(() => [] as string[])) {
    const st = await stat(join(dir, f)).catch(() => undefined);
    if (st?.isFile()) total += st.size;
    else if (st?.isDirectory()) total += await dirSize(join(dir, f));
  }
  return total;
}

export interface SessionEntry extends SessionMeta { bytes: number }

/** Sessions under `root`, newest first. */
export async function listSessions(root: string): Promise<SessionEntry[]> {
  const out: SessionEntry[] = [];
  for (const e of await readdir(root, { withFileTypes: true }).catch(() => [])) {
    // Anything else in the folder (a note, an editor's backup) is no session.
    if (!e.isDirectory()) continue;
    const id = e.name;
    const meta = await readMeta(join(root, id, 'session.json'));
    if (meta) out.push({ ...meta, bytes: await dirSize(join(root, id)) });
  }
  return out.sort((a, b) => (a.id < b.id ? 1 : -1));
}

/** Removes sessions older than `maxAgeHours`, then the oldest ones until the total fits in `maxTotalMB`. */
export async function cleanupSessions(root: string, opts: { maxAgeHours: number; maxTotalMB: number; keep?: string }, now = Date.now()): Promise<string[]> {
  const all = await listSessions(root);
  let total = all.reduce((a, s) => a + s.bytes, 0);
  // Least recently updated first: a session resumed lately is kept over one untouched for longer.
  const sessions = all.filter((s) => s.id !== opts.keep)
    .sort((a, b) => Date.parse(a.updated) - Date.parse(b.updated) || (a.id < b.id ? -1 : 1));
  const removed: string[] = [];
  const remove = async (s: SessionEntry) => {
    await rm(join(root, s.id), { recursive: true, force: true });
    total -= s.bytes;
    removed.push(s.id);
  };
  // Every session past the age limit first, and only then the size limit, so that age alone never
  // costs a recent session its place.
  const left: SessionEntry[] = [];
  for (const s of sessions) {
    if (now - Date.parse(s.updated) > opts.maxAgeHours * 3600e3) await remove(s);
    else left.push(s);
  }
  for (const s of left) if (total > opts.maxTotalMB * 2 ** 20) await remove(s);
  return removed;
}
