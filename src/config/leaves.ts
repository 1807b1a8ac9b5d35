/**
 * The schema seen as a flat list of leaves ('runtime.workers', ...), each with its JSON Schema, so
 * that strings from the environment and the command line are coerced to the leaf's type and errors can
 * say what a key expects.
 */
import { z } from 'zod';
import { configSchema } from './schema.js';

interface JsonSchema {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  properties?: Record<string, JsonSchema>;
  description?: string;
  default?: unknown;
}

export interface Leaf {
  /** Dotted path, e.g. 'runtime.workers'. */
  key: string;
  path: string[];
  /** Environment variable that sets it, e.g. VITALDSP_RUNTIME_WORKERS. */
  env: string;
  description: string;
  defaultValue: unknown;
  /** Human-readable type, e.g. "integer in [1, 256] or 'auto'". */
  expected: string;
  schema: JsonSchema;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function describeType(s: JsonSchema): string {
  if (s.anyOf) return s.anyOf.map(describeType).join(' or ');
  if (s.const !== undefined) return JSON.stringify(s.const).replace(/"/g, "'");
  if (s.enum) return `one of ${s.enum.map((v) => `'${String(v)}'`).join(', ')}`;
  const lo = s.minimum ?? s.exclusiveMinimum;
  const hi = s.maximum !== undefined && s.maximum < MAX_SAFE ? s.maximum : s.exclusiveMaximum;
  const lb = s.exclusiveMinimum !== undefined ? '(' : '[';
  const rb = s.exclusiveMaximum !== undefined ? ')' : ']';
  if ((s.type === 'number' || s.type === 'integer') && (lo !== undefined || hi !== undefined)) {
    if (hi === undefined) return `${s.type} ${lb === '(' ? '>' : '>='} ${lo}`;
    return `${s.type} in ${lb}${lo ?? '-inf'}, ${hi}${rb}`;
  }
  return s.type ?? 'value';
}

function envName(path: string[]): string {
  return 'VITALDSP_' + path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

function collect(s: JsonSchema, path: string[], out: Leaf[]): void {
  if (s.type === 'object' && s.properties) {
    for (const [k, v] of Object.entries(s.properties)) collect(v, [...path, k], out);
    return;
  }
  out.push({
    key: path.join('.'), path, env: envName(path), description: s.description ?? '',
    defaultValue: s.default, expected: describeType(s), schema: s,
  });
}

/** Every leaf of the schema in declaration order. */
export const leaves: readonly Leaf[] = (() => {
  const out: Leaf[] = [];
  collect(z.toJSONSchema(configSchema, { io: 'input' }) as JsonSchema, [], out);
  return out;
})();

const byKey = new Map(leaves.map((l) => [l.key, l]));

export function findLeaf(key: string): Leaf | undefined {
  return byKey.get(key);
}

/** Converts a string from the environment or `--set` to the leaf's type; leaves it as is when nothing fits. */
export function coerce(leaf: Leaf, text: string): unknown {
  const options = leaf.schema.anyOf ?? [leaf.schema];
  const t = text.trim();
  for (const o of options) {
    if (o.const !== undefined && String(o.const) === t) return o.const;
  }
  for (const o of options) {
    if ((o.type === 'number' || o.type === 'integer') && t !== '' && Number.isFinite(Number(t))) return Number(t);
    if (o.type === 'boolean' && /^(true|false|1|0|yes|no)$/i.test(t)) return /^(true|1|yes)$/i.test(t);
  }
  return t;
}
