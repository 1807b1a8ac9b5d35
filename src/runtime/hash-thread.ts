/**
 * SHA-256 of a recording's files in a thread of its own: a large input is read and hashed while
 * the block tasks run instead of before them (they need only the files' identity; the digest goes
 * into the manifest and keys the record's cache entries). Hashing in the main thread instead held
 * up the dispatch of block tasks (docs/performance.md); here the main thread waits for one message.
 */
import { createReadStream } from 'node:fs';
import { fileVersion } from '../io/file.js';
import { isUrl } from '../io/http-file.js';
import { createHash } from 'node:crypto';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

export interface FileDigest { bytes: number; sha256: string }

/**
 * Total size and SHA-256 over the files in order, streamed in this thread. A file at a URL enters
 * by its address, size and the server's validators rather than by its bytes, which would be
 * downloaded once more for the digest alone.
 */
export async function hashFilesHere(files: readonly string[]): Promise<FileDigest> {
  const versions = await Promise.all(files.map((f) => fileVersion(f)));
  const h = createHash('sha256');
  for (const [i, f] of files.entries()) {
    if (isUrl(f)) { h.update(JSON.stringify([f, versions[i]!.size, versions[i]!.version])); continue; }
    for await (const chunk of createReadStream(f, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  }
  return { bytes: versions.reduce((a, v) => a + v.size, 0), sha256: h.digest('hex') };
}

/**
 * The same in a new worker thread, which ends with the result; `signal` stops it (a run that
 * failed does not need its digest, nor a thread reading its input to the end).
 */
export function hashFilesInThread(files: readonly string[], signal?: AbortSignal): Promise<FileDigest> {
  return new Promise((resolve, reject) => {
    // A listener added to a signal already aborted would never run.
    if (signal?.aborted) { reject(new Error(`hashing ${files.join(', ')} stopped`)); return; }
    const w = new Worker(new URL(import.meta.url), { workerData: { hashFiles: [...files] } });
    let result: FileDigest | undefined;
    const stop = () => void w.terminate();
    signal?.addEventListener('abort', stop, { once: true });
    w.once('message', (m: FileDigest) => { result = m; });
    w.once('error', reject);
    w.once('exit', (code) => {
      signal?.removeEventListener('abort', stop);
      if (result) resolve(result);
      else reject(new Error(`hashing ${files.join(', ')} stopped${signal?.aborted ? '' : ` (exit code ${code})`}`));
    });
  });
}

const job = isMainThread ? undefined : (workerData as { hashFiles?: string[] } | undefined)?.hashFiles;
if (job && parentPort) parentPort.postMessage(await hashFilesHere(job));
