/**
 * A file on an HTTP(S) server read by position with Range requests (RFC 9110 section 14), as
 * PhysioNet serves its databases: a reader fetches only the bytes it decodes, as from a local file.
 * The size comes from HEAD (Content-Length), or from the Content-Range of a one-byte GET where HEAD
 * is refused. A server that ignores Range (answers 200 with the whole body) is used for files of up
 * to MAX_WHOLE_BYTES, which are then fetched once and kept.
 */
import { FormatError } from './errors.js';

/** Largest file fetched whole from a server that does not serve ranges. */
const MAX_WHOLE_BYTES = 16 << 20;

export function isUrl(path: string): boolean {
  return /^https?:\/\//i.test(path);
}

export class HttpFile {
  private sizeBytes: Promise<number> | undefined;
  /** The server's validators of the file's version (ETag, Last-Modified), from the size request. */
  private validator = '';
  /** The whole body, when the server ignores Range and the file is small enough. */
  private whole: Uint8Array | undefined;

  constructor(readonly url: string) {}

  size(): Promise<number> {
    this.sizeBytes ??= this.fetchSize();
    return this.sizeBytes;
  }

  /**
   * Size and version of the file as the server states them: what identifies a remote input (its
   * bytes are not read to name it; a changed ETag or Last-Modified is a new input).
   */
  async identity(): Promise<{ size: number; version: string }> {
    const size = await this.size();
    return { size, version: this.validator };
  }

  private async fetchSize(): Promise<number> {
    const head = await this.request('HEAD');
    const len = Number(head.headers.get('content-length'));
    this.validator = [head.headers.get('etag'), head.headers.get('last-modified')].filter(Boolean).join(' ');
    if (head.ok && Number.isSafeInteger(len) && len >= 0 && head.headers.get('content-encoding') === null) return len;
    const probe = await this.request('GET', 'bytes=0-0');
    this.validator ||= [probe.headers.get('etag'), probe.headers.get('last-modified')].filter(Boolean).join(' ');
    const range = /\/(\d+)\s*$/.exec(probe.headers.get('content-range') ?? '');
    if (probe.status === 206 && range) {
      await probe.body?.cancel();
      return Number(range[1]);
    }
    if (probe.status === 200) return (await this.keepWhole(probe)).length;
    await probe.body?.cancel();
    if (probe.status === 206) throw new FormatError(this.url, 'a Content-Range header stating the size', 'open', 'the server sent a partial response without one');
    throw this.failed(probe.status, probe.statusText);
  }

  /** Exactly `length` bytes at `position` into `target`. */
  async read(position: number, length: number, target: Uint8Array): Promise<void> {
    if (length === 0) return;
    if (this.whole) return this.copyWhole(position, length, target);
    const res = await this.request('GET', `bytes=${position}-${position + length - 1}`);
    if (res.status === 200) {
      await this.keepWhole(res);
      return this.copyWhole(position, length, target);
    }
    if (res.status !== 206) {
      await res.body?.cancel();
      if (res.status === 416) throw new FormatError(this.url, `${length} bytes`, `byte ${position}`, 'the file ends before them (truncated?)');
      throw this.failed(res.status, res.statusText);
    }
    const body = new Uint8Array(await res.arrayBuffer());
    if (body.length !== length) throw new FormatError(this.url, `${length} bytes`, `byte ${position}`, `the server sent ${body.length} (truncated?)`);
    target.set(body);
  }

  private copyWhole(position: number, length: number, target: Uint8Array): void {
    const w = this.whole!;
    if (position + length > w.length) throw new FormatError(this.url, `${length} bytes`, `byte ${position}`, `file ends after ${Math.max(0, w.length - position)} bytes (truncated?)`);
    target.set(w.subarray(position, position + length));
  }

  private async keepWhole(res: Response): Promise<Uint8Array> {
    const len = Number(res.headers.get('content-length'));
    if (Number.isFinite(len) && len > MAX_WHOLE_BYTES) {
      await res.body?.cancel();
      throw new FormatError(this.url, 'a server that answers Range requests', 'open', `it sends the whole file (${len} bytes) instead`);
    }
    this.whole = new Uint8Array(await res.arrayBuffer());
    return this.whole;
  }

  private async request(method: 'HEAD' | 'GET', range?: string): Promise<Response> {
    try {
      // identity: a compressed body would make byte ranges ranges of something else.
      return await fetch(this.url, { method, headers: { 'accept-encoding': 'identity', ...(range ? { range } : {}) }, redirect: 'follow' });
    } catch (e) {
      throw new FormatError(this.url, 'a reachable server', 'open', (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message, { cause: e });
    }
  }

  private failed(status: number, text: string): FormatError {
    return new FormatError(this.url, 'a readable file', 'open', status === 404 ? 'file not found (HTTP 404)' : `HTTP ${status} ${text}`.trim());
  }
}
