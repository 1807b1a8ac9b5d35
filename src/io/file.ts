import { open, type FileHandle } from 'node:fs/promises';
import { FormatError, unreadable } from './errors.js';

/**
 * A file read by position only, so that a reader touches just the bytes it decodes. The handle is
 * opened lazily and shared by every read.
 */
export class PositionalFile {
  readonly path: string;
  private handle: FileHandle | undefined;
  /** The open in progress, shared so that concurrent first reads open the file once. */
  private opening: Promise<FileHandle> | undefined;
  private sizeBytes = -1;

  constructor(path: string) {
    this.path = path;
  }

  private fh(): Promise<FileHandle> {
    if (this.handle) return Promise.resolve(this.handle);
    this.opening ??= this.openHandle().finally(() => { this.opening = undefined; });
    return this.opening;
  }

  private async openHandle(): Promise<FileHandle> {
    let h: FileHandle;
    try {
      h = await open(this.path, 'r');
    } catch (e) {
      throw unreadable(this.path, 'a readable file', e);
    }
    const st = await h.stat();
    // Opening a folder succeeds on Linux; only its first read would fail, and without the path.
    if (st.isDirectory()) {
      await h.close();
      throw new FormatError(this.path, 'a readable file', 'open', 'it is a folder');
    }
    this.sizeBytes = st.size;
    this.handle = h;
    return h;
  }

  async size(): Promise<number> {
    await this.fh();
    return this.sizeBytes;
  }

  /** Reads exactly `length` bytes at `position` into `target` (a fresh buffer when omitted). */
  async read(position: number, length: number, target?: Uint8Array): Promise<Uint8Array> {
    const h = await this.fh();
    const buf = target ?? Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await h.read(buf, got, length - got, position + got);
      if (bytesRead === 0) {
        throw new FormatError(this.path, `${length} bytes`, `byte ${position}`, `file ends after ${got} bytes (truncated?)`);
      }
      got += bytesRead;
    }
    return buf;
  }

  async close(): Promise<void> {
    const h = this.handle ?? (await this.opening?.catch(() => undefined));
    this.handle = undefined;
    // FileHandle.close waits for reads still in flight (a stream's read-ahead) before closing.
    if (h) await h.close();
  }
}

/**
 * Byte buffers for positional reads, reused from one read to the next. A 60 s chunk of a 2 x 360 Hz
 * record is only about 65 KB, and a fresh buffer per read (allocated, zero-filled, later collected)
 * costs about as much as the read itself. Reads in flight at the same time (a stream reads one chunk
 * ahead) each take their own buffer, so they never share bytes; at most `keep` buffers, the largest
 * ones, stay in the pool between reads.
 */
export class BufferPool {
  private readonly free: Uint8Array[] = [];
  private readonly keep: number;

  /** @param keep buffers kept between reads. default: 2 (a chunk being decoded and the one read ahead) */
  constructor(keep = 2) {
    this.keep = keep;
  }

  /** A buffer of at least `length` bytes, owned by the caller until it is given back. */
  take(length: number): Uint8Array {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      if (this.free[i]!.length >= length && (best < 0 || this.free[i]!.length < this.free[best]!.length)) best = i;
    }
    if (best < 0) return new Uint8Array(length);
    const buf = this.free[best]!;
    this.free[best] = this.free[this.free.length - 1]!;
    this.free.pop();
    return buf;
  }

  /** Returns a buffer from `take`; when the pool is full it replaces the smallest one kept, if smaller. */
  give(buf: Uint8Array): void {
    if (this.free.length < this.keep) {
      this.free.push(buf);
      return;
    }
    let small = 0;
    for (let i = 1; i < this.free.length; i++) if (this.free[i]!.length < this.free[small]!.length) small = i;
    if (this.keep > 0 && this.free[small]!.length < buf.length) this.free[small] = buf;
  }
}

/**
 * Reads in flight on a recording, so that its `close` can wait for them: a stream reads one chunk
 * ahead, and closing the file under that read would fail it.
 */
export class ReadsInFlight {
  private readonly reads = new Set<Promise<unknown>>();

  /** Registers `read` until it settles; returns it. */
  track<T>(read: Promise<T>): Promise<T> {
    this.reads.add(read);
    const done = (): void => { this.reads.delete(read); };
    read.then(done, done);
    return read;
  }

  /** Resolves once every read registered so far has settled, whatever its outcome. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.reads]);
  }
}
