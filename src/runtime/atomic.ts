/**
 * Files that are never seen half-written: the payload goes to a temporary file in the same folder,
 * is fsynced, then renamed over the target (rename is atomic on POSIX file systems), and the folder
 * is fsynced so the rename itself survives a crash. Each file starts with a line holding the
 * payload's SHA-256, so a torn or corrupted file is recognised on read and treated as absent.
 * Files whose loss costs only a recomputation (cache entries) may skip the two fsyncs: the rename
 * still keeps readers from ever seeing them half-written, and the checksum catches what a crash
 * tears.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';

const MAGIC = 'vitaldsp-sha256:';

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

async function fsyncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try { await h.sync(); } finally { await h.close(); }
}

export interface WriteOptions {
  /** fsync the file before the rename and its folder after it, so that the file survives a crash. default: true */
  durable?: boolean;
}

const header = (payload: Uint8Array): string => `${MAGIC}${sha256(payload)}\n`;
const tempFor = (path: string): string => join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);

/** Writes `payload` to `path` atomically with a checksum header. */
export async function writeAtomic(path: string, payload: Uint8Array, opts: WriteOptions = {}): Promise<void> {
  const durable = opts.durable ?? true;
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = tempFor(path);
  const h = await open(tmp, 'w');
  try {
    await h.write(header(payload));
    await h.write(payload);
    if (durable) await h.sync();
  } finally {
    await h.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  if (durable) await fsyncDir(dir);
}

/**
 * `writeAtomic` with blocking calls, for a thread with nothing else to do meanwhile: each
 * asynchronous call waits its turn in the process's shared I/O thread pool.
 */
export function writeAtomicSync(path: string, payload: Uint8Array, opts: WriteOptions = {}): void {
  const durable = opts.durable ?? true;
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = tempFor(path);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, header(payload));
    writeSync(fd, payload);
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  if (durable) {
    const d = openSync(dir, 'r');
    try { fsyncSync(d); } finally { closeSync(d); }
  }
}

export type ReadResult = { ok: true; payload: Buffer } | { ok: false; reason: 'missing' | 'corrupt' };

/** Reads a file written by `writeAtomic`, verifying its checksum. */
export async function readAtomic(path: string): Promise<ReadResult> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, reason: 'missing' };
    throw e;
  }
  return verify(buf);
}

/** `readAtomic` with a blocking read (see `writeAtomicSync`). */
export function readAtomicSync(path: string): ReadResult {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, reason: 'missing' };
    throw e;
  }
  return verify(buf);
}

function verify(buf: Buffer): ReadResult {
  const nl = buf.indexOf(10);
  if (nl < 0 || !buf.subarray(0, MAGIC.length).equals(Buffer.from(MAGIC))) return { ok: false, reason: 'corrupt' };
  const want = buf.subarray(MAGIC.length, nl).toString();
  const payload = buf.subarray(nl + 1);
  return sha256(payload) === want ? { ok: true, payload } : { ok: false, reason: 'corrupt' };
}
