import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FormatError } from '../../src/io/errors.js';
import { classifyError, emptyRecoveryStats, NumericalError, TaskTimeoutError, withRecovery } from '../../src/runtime/recovery.js';

const cases: [string, unknown, string, string][] = [
  ['a format error', new FormatError('x.dat', '16-bit samples', 'byte 10'), 'input', 'fatal'],
  ['a missing file', Object.assign(new Error('no such file'), { code: 'ENOENT' }), 'input', 'fatal'],
  ['a folder where a file was expected', Object.assign(new Error('illegal operation on a directory'), { code: 'EISDIR' }), 'input', 'fatal'],
  ['a path through a file', Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }), 'input', 'fatal'],
  ['an allocation failure', new RangeError('Array buffer allocation failed'), 'memory', 'degrading'],
  ['a task timeout', new TaskTimeoutError('block 3 timed out'), 'timeout', 'transient'],
  ['a numerical failure', new NumericalError('non-finite output'), 'numerical', 'degrading'],
  ['a worker exit', new Error('worker exited with code 70'), 'worker', 'transient'],
  ['anything else', new Error('boom'), 'unknown', 'transient'],
];
for (const [name, e, category, severity] of cases) {
  test(`classifyError puts ${name} in category ${category}`, () => {
    assert.deepEqual({ ...classifyError(e), message: '' }, { category, severity, message: '' });
  });
}

test('withRecovery retries transient failures with backoff and reports a recovery', async () => {
  const stats = emptyRecoveryStats();
  let n = 0;
  const r = await withRecovery(async () => { if (n++ < 2) throw new Error('flaky'); return 'ok'; }, { backoffMs: 1 }, stats);
  assert.deepEqual(r, { value: 'ok', outcome: 'retried' });
  assert.equal(stats.attempts, 3);
  assert.equal(stats.recovered, 1);
  assert.equal(stats.errors.unknown, 2);
});

test('withRecovery works on smaller pieces after a memory error', async () => {
  const stats = emptyRecoveryStats();
  const r = await withRecovery(async ({ smaller }) => { if (!smaller) throw new RangeError('Invalid array length'); return 1; }, { backoffMs: 1 }, stats);
  assert.equal(r.outcome, 'smaller');
});

test('withRecovery goes straight to the fallback on a numerical error', async () => {
  const stats = emptyRecoveryStats();
  const r = await withRecovery(async () => { throw new NumericalError('NaN'); }, { backoffMs: 1, fallback: async () => 'simple' }, stats);
  assert.deepEqual(r, { value: 'simple', outcome: 'fallback' });
  assert.equal(stats.attempts, 2);
});

test('withRecovery does not retry input errors and keeps a partial result when told to skip', async () => {
  const stats = emptyRecoveryStats();
  let calls = 0;
  const r = await withRecovery(async () => { calls++; throw new FormatError('f', 'x', 'y'); }, { backoffMs: 1, skip: (why) => `skipped: ${why.category}` }, stats);
  assert.equal(calls, 1);
  assert.deepEqual(r, { value: 'skipped: input', outcome: 'skipped' });
  assert.equal(stats.events.length, 1);
});

test('withRecovery rethrows when nothing can be done', async () => {
  await assert.rejects(withRecovery(async () => { throw new Error('always'); }, { maxRetries: 1, backoffMs: 1 }, emptyRecoveryStats()), /always/);
});
