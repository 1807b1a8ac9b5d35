/**
 * Where a record's samples come from, in a form that crosses thread and process boundaries: a file
 * path with its open options, or in-memory channels in SharedArrayBuffers (seen by every worker
 * thread without copying). Tasks carry a SourceRef, never samples.
 */
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { openRecording, type OpenOptions } from '../io/open.js';
import { MemoryRecording } from '../io/memory.js';
import type { Recording } from '../io/recording.js';
import type { Precision } from './precision.js';

export type SourceRef =
  | { kind: 'file'; path: string; open: OpenOptions }
  | { kind: 'memory'; id: string; buffers: SharedArrayBuffer[]; precision: Precision[]; fs: number; names: string[]; units: string[]; path: string };

/**
 * Copies in-memory channels into shared buffers once, so tasks can reference them, each channel in
 * the given precision (default float64).
 */
export function shareChannels(data: (Float64Array | Float32Array)[], fs: number, names: string[], units: string[], path = '<memory>', precision: Precision[] = data.map(() => 'float64')): SourceRef {
  const buffers = data.map((d, i) => {
    const f32 = precision[i] === 'float32';
    const sab = new SharedArrayBuffer(d.length * (f32 ? 4 : 8));
    (f32 ? new Float32Array(sab) : new Float64Array(sab)).set(d);
    return sab;
  });
  return { kind: 'memory', id: randomUUID(), buffers, precision, fs, names, units, path };
}

export async function openSource(ref: SourceRef): Promise<Recording> {
  if (ref.kind === 'file') return openRecording(ref.path, ref.open);
  return new MemoryRecording({ data: ref.buffers.map((b, i) => (ref.precision[i] === 'float32' ? new Float32Array(b) : new Float64Array(b))), fs: ref.fs, names: ref.names, units: ref.units, path: ref.path });
}

/** Keeps a few recordings open per thread, so consecutive blocks of one record reuse the handle. */
export class SourceCache {
  private readonly open = new Map<string, Promise<Recording>>();
  constructor(private readonly limit = 4) {}

  get(ref: SourceRef): Promise<Recording> {
    // A file rewritten in place (new size or mtime) is opened again, never read through a stale handle.
    const st = ref.kind === 'file' ? statSync(ref.path, { throwIfNoEntry: false }) : undefined;
    const key = ref.kind === 'file' ? `file:${ref.path}:${JSON.stringify(ref.open)}:${st?.size}:${st?.mtimeMs}` : `mem:${ref.id}`;
    let r = this.open.get(key);
    if (!r) {
      if (this.open.size >= this.limit) {
        const [oldKey, old] = this.open.entries().next().value!;
        this.open.delete(oldKey);
        void old.then((rec) => rec.close()).catch(() => undefined);
      }
      r = openSource(ref);
      r.catch(() => this.open.delete(key));
      this.open.set(key, r);
    }
    return r;
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((p) => p.then((r) => r.close()).catch(() => undefined)));
  }
}
