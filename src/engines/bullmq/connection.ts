/**
 * Redis connections for the BullMQ engine. Every process (submitter, workers, status) connects from
 * the same `redis://` URL; before any queue is built the URL is checked and Redis is pinged once with
 * a short timeout, so a wrong address fails in seconds with a readable message instead of BullMQ's
 * reconnect loop waiting forever.
 */
import { Redis } from 'ioredis';
import type { ConnectionOptions } from 'bullmq';
import { DEFAULT_REDIS_URL } from './queues.js';


/**
 * Throws a RangeError naming `--redis` unless `url` is a redis:// or rediss:// URL whose path, if
 * any, is a database number: ioredis reads any other path as database NaN, and a URL without a host
 * as 127.0.0.1:6379, someone else's server perhaps.
 */
export function checkRedisUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RangeError(`redis must be a URL such as ${DEFAULT_REDIS_URL}, got '${redactUrl(url)}'`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new RangeError(`redis must be a redis:// or rediss:// URL, got '${redactUrl(url)}'`);
  if (u.hostname === '') throw new RangeError(`redis must be a URL with a host, as in ${DEFAULT_REDIS_URL}, got '${redactUrl(url)}'`);
  if (!/^\/?(\d+)?$/.test(u.pathname)) throw new RangeError(`redis must be a URL whose path, if any, is a database number (redis://host:port/2), got '${redactUrl(url)}'`);
  return u;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/**
 * BullMQ connection options. `maxRetriesPerRequest: null` is what BullMQ requires of worker
 * connections (blocking commands must survive a reconnect rather than fail after 20 tries); the
 * submitter follows a batch for as long as it runs, so it wants the same.
 */
export function connectionFor(url: string): ConnectionOptions {
  checkRedisUrl(url);
  return { url, maxRetriesPerRequest: null };
}

/** Redis could not be reached (wrong address, server down, refused credentials). */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

export interface RedisFacts {
  version: string;
  /** `noeviction` is the only policy under which Redis never drops queue keys. */
  maxmemoryPolicy: string;
  /** Whether the append-only file is on ('unknown' when CONFIG is disabled, as on some managed services). */
  appendonly: string;
}

/** Pings Redis once, failing within `timeoutMs` with the address in the message; returns a few server facts. */
export async function probeRedis(url: string, timeoutMs = 5000): Promise<RedisFacts> {
  checkRedisUrl(url);
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // The reason a connection failed (ECONNREFUSED, ENOTFOUND, WRONGPASS) comes as an 'error' event; connect() only says it closed.
  let lastError: Error | undefined;
  client.on('error', (e: Error) => { lastError = e; });
  // connectTimeout covers opening the socket only: a port that accepts and never answers (a stopped
  // or frozen server) would hold the first command for ever.
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([connectAndPing(client), deadline]);
    const info = await Promise.race([client.info('server').then(String), deadline]);
    const version = /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? 'unknown';
    const config = async (key: string) => {
      try {
        const r = (await client.config('GET', key)) as string[];
        return r[1] ?? 'unknown';
      } catch {
        return 'unknown';
      }
    };
    return { version, maxmemoryPolicy: await config('maxmemory-policy'), appendonly: await config('appendonly') };
  } catch (e) {
    const why = lastError ?? (e as Error);
    throw new RedisUnavailableError(`cannot reach Redis at ${redactUrl(url)}: ${why.message || why.name}`, { cause: why });
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/**
 * Connects and checks the database the URL names: ioredis reports a SELECT the server refuses (a
 * database it does not have) only as an 'error' event and goes on in database 0.
 */
async function connectAndPing(client: Redis): Promise<void> {
  await client.connect();
  const db = client.options.db ?? 0;
  if (db !== 0) await client.select(db);
}
