/**
 * Files that are never seen half-written: the payload goes to a temporary file in the same folder,
 * is fsynced, then renamed over the target (rename is atomic on POSIX file systems), and the folder
 * is fsynced so the rename itself survives a crash. Each file starts with a line holding the
 * payload's SHA-256, so a torn or corrupted file is recognised on read and treated as absent.
 */
import { createHash, randomBytes } from 'node:crypto';
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

/** Writes `payload` to `path` atomically with a checksum header. */
export async function writeAtomic(path: string, payload: Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const h = await open(tmp, 'w');
  try {
    await h.write(`${MAGIC}${sha256(payload)}\n`);
    await h.write(payload);
    await h.sync();
  } finally {
    await h.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dir);
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
  const nl = buf.indexOf(10);
  if (nl < 0 || !buf.subarray(0, MAGIC.length).equals(Buffer.from(MAGIC))) return { ok: false, reason: 'corrupt' };
  const want = buf.subarray(MAGIC.length, nl).toString();
  const payload = buf.subarray(nl + 1);
  return sha256(payload) === want ? { ok: true, payload } : { ok: false, reason: 'corrupt' };
}
