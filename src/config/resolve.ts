/**
 * Three tiers, lowest first: factory defaults (the schema), user preferences (config file, then
 * VITALDSP_* environment variables, then `--set key=value`, later ones winning), and adaptive values
 * computed from the machine and the data for every leaf still at 'auto'. Each resolved value remembers
 * the tier (and for user values the source) it came from.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { configSchema, orderedSettings, type Config } from './schema.js';
import { coerce, findLeaf, leaves, type Leaf } from './leaves.js';
import { adaptiveValues, type DataFacts, type MachineFacts, machineFacts } from './adaptive.js';

export type Tier = 'default' | 'user' | 'adaptive';

export interface Origin {
  tier: Tier;
  /** Where a user value came from: the file path, the environment variable, or '--set'. */
  source: string;
}

export interface ResolvedConfig {
  values: Config;
  origins: Record<string, Origin>;
}

export interface ResolveOptions {
  /** JSON or YAML file of user preferences. */
  file?: string;
  /** Environment to read VITALDSP_* variables from. default: process.env */
  env?: Record<string, string | undefined>;
  /** `key=value` assignments, as given to `--set`. */
  set?: string[];
  /** Machine facts for the adaptive tier. default: read from this machine */
  machine?: MachineFacts;
  /** Facts about the data (sampling rate, length, channels) for the adaptive tier. */
  data?: DataFacts;
}

/** Raised when a user preference is unknown or invalid; names the key, what it expects and the source. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly key: string, readonly expected: string, readonly source: string, detail: string) {
    super(`config ${key}: expected ${expected}, ${detail} (from ${source})`);
  }
}

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let o = obj;
  for (const p of path.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
  o[path[path.length - 1]!] = value;
}

function getPath(obj: unknown, path: string[]): unknown {
  let o = obj;
  for (const p of path) o = (o as Record<string, unknown> | undefined)?.[p];
  return o;
}

function unknownKey(key: string, source: string): ConfigError {
  const last = key.split('.').pop()!.toLowerCase();
  const near = leaves.filter((l) => l.key.toLowerCase().includes(last)).map((l) => l.key).slice(0, 5);
  return new ConfigError(key, near.length ? `a known key (did you mean ${near.join(', ')}?)` : 'a known key (see `vitaldsp config --explain`)', source, 'no such setting');
}

/** Flattens a user file's nested object into leaf assignments, refusing unknown keys. */
function fromObject(obj: unknown, source: string, prefix: string[] = [], out: [Leaf, unknown, string][] = []): [Leaf, unknown, string][] {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new ConfigError(prefix.join('.') || '(root)', 'an object of settings', source, `got ${JSON.stringify(obj)}`);
  }
  for (const [k, v] of Object.entries(obj)) {
    const path = [...prefix, k];
    const leaf = findLeaf(path.join('.'));
    const section = leaves.some((l) => l.key.startsWith(path.join('.') + '.'));
    if (leaf) out.push([leaf, v, source]);
    // A section whose settings are all commented out reads as null in YAML: nothing set.
    else if (section && v === null) continue;
    else if (section) fromObject(v, source, path, out);
    else throw unknownKey(path.join('.'), source);
  }
  return out;
}

/** The YAML parser, loaded with the first YAML file: most runs have none, and loading it costs every command about 50 ms. */
const parseYaml = (text: string): unknown => (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);

function readFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError('(file)', 'a readable JSON or YAML file', file, (e as Error).message);
  }
  try {
    return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError('(file)', file.endsWith('.json') ? 'valid JSON' : 'valid YAML', file, (e as Error).message);
  }
}

/** The user tier's assignments, in the order they apply. */
function userAssignments(opts: ResolveOptions): [Leaf, unknown, string][] {
  const out: [Leaf, unknown, string][] = [];
  if (opts.file) fromObject(readFile(opts.file) ?? {}, opts.file, [], out);
  const env = opts.env ?? process.env;
  for (const leaf of leaves) {
    const v = env[leaf.env];
    if (v !== undefined && v !== '') out.push([leaf, coerce(leaf, v), leaf.env]);
  }
  for (const item of opts.set ?? []) {
    const eq = item.indexOf('=');
    if (eq < 0) throw new ConfigError(item, 'key=value', '--set', 'no = sign');
    if (eq === 0) throw new ConfigError(item, 'key=value', '--set', 'no key before =');
    const key = item.slice(0, eq).trim();
    const leaf = findLeaf(key);
    if (!leaf) throw unknownKey(key, '--set');
    out.push([leaf, coerce(leaf, item.slice(eq + 1)), '--set']);
  }
  return out;
}

/**
 * Refuses settings that are valid one by one but not together, naming the one the user set (the
 * other may be a default they never saw).
 */
function checkRelations(values: Record<string, unknown>, origins: Record<string, Origin>): void {
  const at = (key: string) => getPath(values, key.split('.')) as number;
  const blame = (a: string, b: string) => (origins[b]!.tier === 'user' ? [b, a] : [a, b]) as [string, string];
  for (const { low, high, orEqual } of orderedSettings) {
    if (orEqual ? at(low) <= at(high) : at(low) < at(high)) continue;
    const [key, other] = blame(low, high);
    const relation = key === low ? (orEqual ? 'at most' : 'below') : (orEqual ? 'at least' : 'above');
    throw new ConfigError(key, `a value ${relation} ${other} (${at(other)})`, origins[key]!.source, `got ${at(key)}`);
  }
  for (const leaf of leaves) {
    if (!leaf.key.endsWith('.bad')) continue;
    const good = leaf.key.slice(0, -'bad'.length) + 'good';
    if (at(leaf.key) !== at(good)) continue;
    const [key, other] = blame(leaf.key, good);
    throw new ConfigError(key, `a value other than ${other} (${at(other)}): the score ramps from bad to good`, origins[key]!.source, `got ${at(key)}`);
  }
}

/** Resolves all three tiers into a typed configuration. */
export function resolveConfig(opts: ResolveOptions = {}): ResolvedConfig {
  const input: Record<string, unknown> = {};
  const origins: Record<string, Origin> = {};
  for (const leaf of leaves) origins[leaf.key] = { tier: 'default', source: 'factory' };
  for (const [leaf, value, source] of userAssignments(opts)) {
    setPath(input, leaf.path, value);
    origins[leaf.key] = { tier: 'user', source };
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.');
    const leaf = findLeaf(key);
    throw new ConfigError(key, leaf?.expected ?? 'a valid value', origins[key]?.source ?? 'input', `got ${JSON.stringify(getPath(input, issue.path as string[]))}`);
  }
  const values = parsed.data as Record<string, unknown>;
  checkRelations(values, origins);
  const adaptive = adaptiveValues(values as never, opts.machine ?? machineFacts(), opts.data);
  for (const leaf of leaves) {
    if (getPath(values, leaf.path) !== 'auto') continue;
    const v = adaptive[leaf.key];
    if (v === undefined) throw new Error(`no adaptive rule for ${leaf.key}`);
    setPath(values, leaf.path, v);
    origins[leaf.key] = { tier: 'adaptive', source: origins[leaf.key]!.tier === 'user' ? `auto (${origins[leaf.key]!.source})` : 'auto' };
  }
  return { values: values as Config, origins };
}

/** One row per setting: key, value, tier, source and description, for `config --explain`. */
export function explainConfig(rc: ResolvedConfig): { key: string; value: unknown; tier: Tier; source: string; description: string }[] {
  return leaves.map((l) => ({ key: l.key, value: getPath(rc.values, l.path), ...rc.origins[l.key]!, description: l.description }));
}
