import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { FormatError, unreadable } from './errors.js';
import { HttpFile, isUrl, urlPath } from './http-file.js';

/**
 * A file read by position only, so that a reader touches just the bytes it decodes. The handle is
 * opened lazily and shared by every read. An http(s) URL is read the same way, by Range requests.
 */
export class PositionalFile {
  readonly path: string;
  private readonly http: HttpFile | undefined;
  private handle: FileHandle | undefined;
  /** The open in progress, shared so that concurrent first reads open the file once. */
  private opening: Promise<FileHandle> | undefined;
  private sizeBytes = -1;

  constructor(path: string) {
    this.path = path;
    this.http = isUrl(path) ? new HttpFile(path) : undefined;
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
    if (this.http) return this.http.size();
    await this.fh();
    return this.sizeBytes;
  }

  /** Reads exactly `length` bytes at `position` into `target` (a fresh buffer when omitted). */
  async read(position: number, length: number, target?: Uint8Array): Promise<Uint8Array> {
    const buf = target ?? Buffer.allocUnsafe(length);
    if (this.http) {
      await this.http.read(position, length, buf);
      return buf;
    }
    const h = await this.fh();
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

  /** Where the file is: its path, or for a URL the address after redirects (known once its size is). */
  location(): string {
    return this.http?.location ?? this.path;
  }

  async close(): Promise<void> {
    const h = this.handle ?? (await this.opening?.catch(() => undefined));
    this.handle = undefined;
    // FileHandle.close waits for reads still in flight (a stream's read-ahead) before closing.
    if (h) await h.close();
  }
}

/** A file's extension ('.hea' for 'a/100.hea' and for 'https://h/db/100.hea?token=x'; '' for none). */
export function fileExtension(path: string): string {
  return extname(isUrl(path) ? urlPath(path) : path);
}

/** A file's name without its extension ('100' for 'a/100.hea' and for 'https://h/db/100.hea?token=x'). */
export function fileStem(path: string): string {
  return basename(isUrl(path) ? urlPath(path) : path, fileExtension(path));
}

/** An absolute path for a path, a URL as it is. */
export function resolveLocation(path: string): string {
  return isUrl(path) ? path : resolve(path);
}

/**
 * The path of `name` beside `path` (a file of the same folder); an absolute `name` stays as it is.
 * Beside a URL: the name is a file path, not a URL (its '%', '#', '?' and ':' are characters of the
 * name), resolved on the same server, with the URL's query (an access token) carried over; a name
 * that would lead to another server is refused.
 */
export function siblingPath(path: string, name: string): string {
  if (!isUrl(path)) return isAbsolute(name) ? name : join(dirname(path), name);
  const base = new URL(path);
  const url = new URL(name.split('/').map((part) => encodeURIComponent(part)).join('/'), base);
  if (url.origin !== base.origin) throw new RangeError(`${path}: '${name}' names a file on another server (${url.origin})`);
  url.search = base.search;
  return url.href;
}

/**
 * Size and version of a file: local, its modification time and inode (what git's index trusts);
 * at a URL, the server's ETag and Last-Modified.
 */
export async function fileVersion(path: string): Promise<{ size: number; version: string }> {
  if (isUrl(path)) return new HttpFile(path).identity();
  const st = await stat(path);
  return { size: st.size, version: `${st.mtimeMs}:${st.ino}` };
}

/**
 * The whole of a small file (a header, an annotation file), local or at a URL; FormatError when it
 * cannot be read or exceeds `maxBytes`.
 */
export async function readWhole(path: string, expected: string, maxBytes: number): Promise<Uint8Array> {
  return (await readWholeAt(path, expected, maxBytes)).bytes;
}

/** readWhole, with where the file was found (for a URL, the address after redirects). */
export async function readWholeAt(path: string, expected: string, maxBytes: number): Promise<{ bytes: Uint8Array; location: string }> {
  if (isUrl(path)) {
    const f = new PositionalFile(path);
    const size = await f.size();
    if (size > maxBytes) throw new FormatError(path, `${expected} of at most ${maxBytes} bytes`, 'open', `file has ${size} bytes`);
    return { bytes: await f.read(0, size), location: f.location() };
  }
  return { bytes: await readLocal(path, expected, maxBytes), location: path };
}

async function readLocal(path: string, expected: string, maxBytes: number): Promise<Uint8Array> {
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new FormatError(path, expected, 'open', 'not a regular file');
    if (st.size > maxBytes) throw new FormatError(path, `${expected} of at most ${maxBytes} bytes`, 'open', `file has ${st.size} bytes`);
    return await readFile(path);
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw unreadable(path, expected, e);
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
