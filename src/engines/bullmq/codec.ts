/**
 * Job return values that come back bit-identical. BullMQ stores return values as JSON, which turns
 * NaN and Infinity into null, -0 into 0 and typed arrays into objects; block results hold all of
 * these (NaN SQIs in skipped windows, NaN envelope bins). So values cross Redis as v8 structured-clone
 * bytes (the serialisation the cache and checkpoints use), gzip-compressed, as a base64 string.
 */
import { gunzip, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { deserialize, serialize } from 'node:v8';

const gz = promisify(gzip);
const gunz = promisify(gunzip);

/** Marks an encoded value, so that a plain JSON return value is never mistaken for one. */
const PREFIX = 'v8gz:';

export async function encodeValue(value: unknown): Promise<string> {
  return PREFIX + (await gz(serialize(value), { level: 6 })).toString('base64');
}

export async function decodeValue<T>(text: unknown): Promise<T> {
  if (typeof text !== 'string' || !text.startsWith(PREFIX)) throw new TypeError(`encoded value must be a string starting with '${PREFIX}', got ${typeof text === 'string' ? `'${text.slice(0, 20)}'` : typeof text}`);
  return deserialize(await gunz(Buffer.from(text.slice(PREFIX.length), 'base64'))) as T;
}
