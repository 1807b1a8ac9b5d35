import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './shared.js';

/** One case of a golden or vector file: the SciPy call's arguments, its input and its result. */
export interface Case { fn: string; name: string; args: Record<string, unknown>; input: number[] | null; expected: unknown }

/** Cases of test/golden/dsp/filter_extra.json (made by make_filter_extra.py). */
export const golden: Case[] = (JSON.parse(readFileSync(join(repoRoot, 'test/golden/dsp/filter_extra.json'), 'utf8')) as { cases: Case[] }).cases;

/** Largest absolute difference relative to the largest expected magnitude (1 when that is 0). */
export function relErr(got: ArrayLike<number>, exp: ArrayLike<number>): number {
  assert.equal(got.length, exp.length, 'length');
  let d = 0, s = 0;
  for (let i = 0; i < exp.length; i++) {
    d = Math.max(d, Math.abs(got[i]! - exp[i]!));
    s = Math.max(s, Math.abs(exp[i]!));
  }
  return d / (s > 0 ? s : 1);
}

/** Asserts that `fn` throws a RangeError or TypeError whose message matches `re`. */
export function throwsNaming(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: Error) => (e instanceof RangeError || e instanceof TypeError) && re.test(e.message));
}
