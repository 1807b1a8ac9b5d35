/**
 * What `processRecording` accepts as a source, turned into an open Recording (for metadata) and a
 * SourceRef (for tasks on other threads or machines).
 */
import { createHash } from 'node:crypto';
import { basename, extname, join } from 'node:path';
import { readAtomic, writeAtomic } from '../runtime/atomic.js';
import { fileStem, fileVersion, resolveLocation } from '../io/file.js';
import { openOptionsOf, openRecording, type OpenOptions } from '../io/open.js';
import { Recording, type RecordingInfo } from '../io/recording.js';
import type { SignalType } from '../signals/signal-type.js';
import { openSource, shareChannels, type SourceRef } from '../runtime/source.js';
import { hashFilesHere } from '../runtime/hash-thread.js';

/** A signal already in memory, as the seed's `process_signal(signal, fs, signal_type, metadata)`. */
export interface InMemorySignal {
  data: Float64Array | Float32Array | number[] | (Float64Array | Float32Array | number[])[];
  fs: number;
  signalType?: SignalType;
  /** Channel names, units and a name for the record. */
  metadata?: { names?: string[]; units?: string[]; name?: string };
}

export type Source = string | Recording | InMemorySignal;

export interface OpenedSource {
  rec: Recording;
  ref: SourceRef;
  /** Name of the record's output folder: the input file name without extension. */
  name: string;
  signalType?: SignalType;
}

export async function openProcessingSource(source: Source, open: OpenOptions = {}): Promise<OpenedSource> {
  if (typeof source === 'string') {
    const rec = await openRecording(source, open);
    return { rec, ref: { kind: 'file', path: source, open }, name: fileStem(source) };
  }
  if (source instanceof Recording) {
    const info = source.info;
    if (info.format !== 'npy' || info.variant !== 'memory') {
      // Reopened by path in the workers: with the options it was opened with (a text file's rate and columns).
      return { rec: source, ref: { kind: 'file', path: info.path, open: { ...openOptionsOf(source), ...open, format: info.format } }, name: fileStem(info.path) };
    }
    const chans = source.signalChannels();
    const data = await Promise.all(chans.map(async (i) => (await source.read(i, 0, info.channels[i]!.samples))[0] as Float64Array));
    const ref = shareChannels(data, info.channels[chans[0]!]!.fs, chans.map((i) => info.channels[i]!.name), chans.map((i) => info.channels[i]!.unit), info.path);
    return { rec: source, ref, name: basename(info.path, extname(info.path)).replace(/[<>]/g, '') || 'memory' };
  }
  const arrays = (Array.isArray(source.data) && typeof source.data[0] !== 'number' ? source.data : [source.data]) as (Float64Array | Float32Array | number[])[];
  const data = arrays.map((a) => (a instanceof Float64Array || a instanceof Float32Array ? a : Float64Array.from(a)));
  const name = source.metadata?.name ?? 'signal';
  const names = source.metadata?.names ?? data.map((_, i) => (source.signalType ? `${source.signalType}${data.length > 1 ? i : ''}` : `ch${i}`));
  const ref = shareChannels(data, source.fs, names, source.metadata?.units ?? data.map(() => ''), name);
  return { rec: await openSource(ref), ref, name, ...(source.signalType ? { signalType: source.signalType } : {}) };
}

/** Files that make up a recording (a WFDB header and its signal files; otherwise the file itself). */
export function recordingFiles(info: RecordingInfo): string[] {
  if (info.format === 'npy' && info.variant === 'memory') return [];
  const files = new Set([info.path, ...(info.files ?? [])]);
  if (info.format === 'wfdb') for (const c of info.channels) if (typeof c.extra?.['file'] === 'string') files.add(c.extra['file']);
  return [...files];
}

/**
 * The files' identity: resolved paths, sizes, modification times and inodes (for URLs, the server's
 * validators), hashed, as git's index and ccache trust a file that none of these changed for.
 */
export async function fileIdentity(files: readonly string[]): Promise<{ bytes: number; id: string }> {
  const versions = await Promise.all(files.map((f) => fileVersion(f)));
  const id = createHash('sha256').update(JSON.stringify(files.map((f, i) => [resolveLocation(f), versions[i]!.size, versions[i]!.version]))).digest('hex');
  return { bytes: versions.reduce((a, v) => a + v.size, 0), id };
}

/** The files' identity and the digest remembered in `memoDir` for it, or an empty sha256. */
export async function knownDigest(files: readonly string[], memoDir?: string): Promise<{ bytes: number; sha256: string; id: string }> {
  const { bytes, id } = await fileIdentity(files);
  if (memoDir) {
    const r = await readAtomic(join(memoDir, `${id}.json`)).catch(() => undefined);
    const known = r?.ok ? (JSON.parse(r.payload.toString('utf8')) as { bytes: number; sha256: string }) : undefined;
    if (known?.bytes === bytes && /^[0-9a-f]{64}$/.test(known.sha256)) return { bytes, sha256: known.sha256, id };
  }
  return { bytes, sha256: '', id };
}

/**
 * Remembers a digest in `memoDir` under the files' identity `id` (best effort). The identity is the
 * one read before hashing: a file changed while it was hashed then no longer matches it.
 */
export async function rememberDigest(memoDir: string, id: string, digest: { bytes: number; sha256: string }): Promise<void> {
  await writeAtomic(join(memoDir, `${id}.json`), Buffer.from(JSON.stringify(digest))).catch(() => undefined);
}

/**
 * Total size and SHA-256 over the recording's files in order, streamed. With `memoDir`, the result
 * is remembered under the files' identity (`fileIdentity`), so that a run served from the cache
 * does not read the whole input again; `known` is what `knownDigest` already gave for them.
 */
export async function hashFiles(files: string[], memoDir?: string, known?: { bytes: number; sha256: string; id: string }): Promise<{ bytes: number; sha256: string }> {
  const k = known ?? (await knownDigest(files, memoDir));
  if (k.sha256) return { bytes: k.bytes, sha256: k.sha256 };
  const result = { bytes: k.bytes, sha256: (await hashFilesHere(files)).sha256 };
  if (memoDir) await rememberDigest(memoDir, k.id, result);
  return result;
}

/** Size and SHA-256 of an in-memory source's samples, so its results are content-addressed like a file's. */
export function hashSource(ref: SourceRef): { bytes: number; sha256: string } {
  if (ref.kind !== 'memory') throw new Error('hashSource is for in-memory sources; files are hashed by hashFiles');
  const h = createHash('sha256');
  let bytes = 0;
  for (const b of ref.buffers) { h.update(new Uint8Array(b)); bytes += b.byteLength; }
  return { bytes, sha256: h.digest('hex') };
}
