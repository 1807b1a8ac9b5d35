/**
 * A static file server on 127.0.0.1 for tests of reading by URL: Range requests (206 with
 * Content-Range, 416 past the end), HEAD, an ETag from the file's size and mtime, and switches that
 * make it behave as lesser servers do.
 */
import { createServer, type Server } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

export interface ServeOptions {
  /** Answer Range requests with the whole file (200). default: false */
  noRanges?: boolean;
  /** Refuse HEAD (405). default: false */
  noHead?: boolean;
  /** Answer HEAD without Content-Length. default: false */
  headWithoutLength?: boolean;
  /** Send whole files (200) chunked, without Content-Length. default: false */
  chunked?: boolean;
  /** Send partial responses without Content-Range. default: false */
  noContentRange?: boolean;
  /** Send neither ETag nor Last-Modified. default: false */
  noValidators?: boolean;
  /** Close the connection after this many bytes of a body. default: never */
  resetAfter?: number;
  /** Requests whose path starts with this prefix are redirected (302) to `to` + the rest of the path. */
  redirect?: { prefix: string; to: string };
}

export interface TestServer {
  /** http://127.0.0.1:PORT/ — files are under it by their path below `root`. */
  base: string;
  /** Requests seen, as 'METHOD path range'. */
  log: string[];
  close(): Promise<void>;
}

export async function serveFolder(root: string, opts: ServeOptions = {}): Promise<TestServer> {
  const log: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    log.push(`${req.method} ${path} ${req.headers.range ?? ''}`.trim());
    if (opts.redirect && path.startsWith(opts.redirect.prefix)) {
      res.writeHead(302, { location: opts.redirect.to + path.slice(opts.redirect.prefix.length) }).end();
      return;
    }
    let st;
    try { st = statSync(join(root, path)); } catch { res.writeHead(404).end(); return; }
    if (!st.isFile()) { res.writeHead(404).end(); return; }
    const validators = opts.noValidators ? {} : { etag: `"${st.size}-${Math.round(st.mtimeMs)}"` };
    if (req.method === 'HEAD') {
      if (opts.noHead) res.writeHead(405).end();
      else res.writeHead(200, { ...(opts.headWithoutLength ? {} : { 'content-length': st.size }), ...validators, 'accept-ranges': opts.noRanges ? 'none' : 'bytes' }).end();
      return;
    }
    const body = readFileSync(join(root, path));
    const send = (bytes: Buffer): void => {
      if (opts.resetAfter !== undefined && bytes.length > opts.resetAfter) {
        res.write(bytes.subarray(0, opts.resetAfter), () => res.socket?.destroy());
        return;
      }
      res.end(bytes);
    };
    const m = opts.noRanges ? null : /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (m) {
      const a = Number(m[1]), b = Math.min(st.size - 1, m[2] ? Number(m[2]) : st.size - 1);
      if (a >= st.size) { res.writeHead(416, { 'content-range': `bytes */${st.size}` }).end(); return; }
      res.writeHead(206, { ...(opts.noContentRange ? {} : { 'content-range': `bytes ${a}-${b}/${st.size}` }), 'content-length': b - a + 1, ...validators });
      send(body.subarray(a, b + 1));
      return;
    }
    res.writeHead(200, { ...(opts.chunked ? {} : { 'content-length': st.size }), ...validators });
    send(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}/`, log,
    // Keep-alive connections of fetch would hold close() open.
    close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
