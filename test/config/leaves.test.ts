import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coerce, findLeaf, leaves } from '../../src/config/leaves.js';

test('every leaf has a unique VITALDSP_ environment name', () => {
  assert.equal(new Set(leaves.map((l) => l.env)).size, leaves.length);
  assert.equal(findLeaf('runtime.memoryBudgetMB')!.env, 'VITALDSP_RUNTIME_MEMORY_BUDGET_MB');
});

const cases: [string, string, unknown][] = [
  ['runtime.workers', '4', 4],
  ['runtime.workers', 'auto', 'auto'],
  ['cache.enabled', 'false', false],
  ['cache.enabled', 'yes', true],
  ['ecg.powerlineHz', '60', 60],
  ['ecg.detector', 'pantompkins', 'pantompkins'],
  ['quality.windowSeconds', 'x', 'x'],
];
for (const [key, text, want] of cases) {
  test(`coerce turns '${text}' for ${key} into ${JSON.stringify(want)}`, () => {
    assert.equal(coerce(findLeaf(key)!, text), want);
  });
}
