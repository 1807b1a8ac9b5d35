/**
 * A file on an HTTP(S) server read by position with Range requests (RFC 9110 section 14), as
 * PhysioNet serves its databases: a reader fetches only the bytes it decodes, as from a local file.
 * The size comes from HEAD (Content-Length), or from the Content-Range of a one-byte GET where HEAD
 * gives none. A server that ignores Range (answers 200 with the whole body) is used for files of up
 * to MAX_WHOLE_BYTES, which are then fetched once and kept. Every failure, the connection's
 * included, is a FormatError naming the URL.
 */
import { createHash } from 'node:crypto';
import { FormatError } from './errors.js';

/** Largest file fetched whole from a server that does not serve ranges. */
const MAX_WHOLE_BYTES = 16 << 20;

export function isUrl(path: string): boolean {
  return /^https?:\/\//i.test(path);
}

/** The path part of a URL, decoded ('/files/mitdb/1.0.0/100.hea'): where its name and extension are. */
export function urlPath(url: string): string {
  return decodeURIComponent(new URL(url).pathname);
}

export class HttpFile {
  private sizeBytes: Promise<number> | undefined;
  /** The server's validators of the file's version (ETag, Last-Modified), from the size request. */
  private validator = '';
  /** The whole body, when the server ignores Range and the file is small enough. */
  private whole: Uint8Array | undefined;
  /** Where the file is after redirects: the base its sibling files resolve against. */
  location: string;

  constructor(readonly url: string) {
    this.location = url;
  }

  size(): Promise<number> {
    this.sizeBytes ??= this.fetchSize();
    return this.sizeBytes;
  }

  /**
   * Size and version of the file: the server's ETag and Last-Modified, which identify a remote
   * input without reading it; a server that sends neither gets the SHA-256 of the whole file
   * (read once), so that a changed file is never taken for the one seen before.
   */
  async identity(): Promise<{ size: number; version: string }> {
    const size = await this.size();
    return { size, version: this.validator || `sha256 ${await this.digest()}` };
  }

  /** SHA-256 of the whole file, streamed. */
  private async digest(): Promise<string> {
    const h = createHash('sha256');
    if (this.whole) return h.update(this.whole).digest('hex');
    const res = await this.request('GET');
    if (!res.ok) {
      await res.body?.cancel();
      throw this.failed(res.status, res.statusText);
    }
    await this.guard(async () => {
      for await (const chunk of res.body ?? []) h.update(chunk as Uint8Array);
    });
    return h.digest('hex');
  }

  private async fetchSize(): Promise<number> {
    const head = await this.request('HEAD');
    this.location = head.url || this.url;
    this.validator = [head.headers.get('etag'), head.headers.get('last-modified')].filter(Boolean).join(' ');
    const len = Number(head.headers.get('content-length'));
    if (head.ok && head.headers.has('content-length') && Number.isSafeInteger(len) && len >= 0 && !head.headers.has('content-encoding')) return len;
    const probe = await this.request('GET', 'bytes=0-0');
    this.location = probe.url || this.location;
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
    const start = /^bytes\s+(\d+)-/.exec(res.headers.get('content-range') ?? '');
    if (start && Number(start[1]) !== position) {
      await res.body?.cancel();
      throw new FormatError(this.url, `bytes from ${position}`, `byte ${position}`, `the server sent them from ${start[1]}`);
    }
    const body = await this.guard(async () => new Uint8Array(await res.arrayBuffer()));
    if (body.length !== length) throw new FormatError(this.url, `${length} bytes`, `byte ${position}`, `the server sent ${body.length} (truncated?)`);
    target.set(body);
  }

  private copyWhole(position: number, length: number, target: Uint8Array): void {
    const w = this.whole!;
    if (position + length > w.length) throw new FormatError(this.url, `${length} bytes`, `byte ${position}`, `file ends after ${Math.max(0, w.length - position)} bytes (truncated?)`);
    target.set(w.subarray(position, position + length));
  }

  /** The whole body of a 200 answer, refused past MAX_WHOLE_BYTES whether or not it says its length. */
  private async keepWhole(res: Response): Promise<Uint8Array> {
    const refuse = (bytes: string) => new FormatError(this.url, 'a server that answers Range requests', 'open', `it sends the whole file (${bytes}) instead`);
    const len = Number(res.headers.get('content-length'));
    if (res.headers.has('content-length') && len > MAX_WHOLE_BYTES) {
      await res.body?.cancel();
      throw refuse(`${len} bytes`);
    }
    const parts: Uint8Array[] = [];
    let got = 0;
    await this.guard(async () => {
      for await (const chunk of res.body ?? []) {
        got += (chunk as Uint8Array).length;
        if (got > MAX_WHOLE_BYTES) {
          await res.body?.cancel().catch(() => undefined);
          throw refuse(`more than ${MAX_WHOLE_BYTES} bytes`);
        }
        parts.push(chunk as Uint8Array);
      }
    });
    this.whole = new Uint8Array(got);
    let o = 0;
    for (const p of parts) { this.whole.set(p, o); o += p.length; }
    return this.whole;
  }

  private async request(method: 'HEAD' | 'GET', range?: string): Promise<Response> {
    // identity: a compressed body would make byte ranges ranges of something else.
    return this.guard(() => fetch(this.url, { method, headers: { 'accept-encoding': 'identity', ...(range ? { range } : {}) }, redirect: 'follow' }));
  }

  /** Runs a network step; a failure of the connection becomes a FormatError naming the URL. */
  private async guard<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (e) {
      if (e instanceof FormatError) throw e;
      const why = (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message;
      throw new FormatError(this.url, 'a reachable server', 'open', why, { cause: e });
    }
  }

  private failed(status: number, text: string): FormatError {
    return new FormatError(this.url, 'a readable file', 'open', status === 404 ? 'file not found (HTTP 404)' : `HTTP ${status} ${text}`.trim());
  }
}
