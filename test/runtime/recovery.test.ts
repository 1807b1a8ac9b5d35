import { test, type TestContext } from 'node:test';
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

type Step = Error | 'ok';
/**
 * Runs withRecovery over a task failing with `steps` in turn (then succeeding), with every sleep's
 * delay recorded instead of waited for.
 */
async function runSteps(t: TestContext, steps: Step[], policy: Parameters<typeof withRecovery<string>>[1]) {
  const delays: number[] = [];
  const realSetTimeout = setTimeout;
  t.mock.method(globalThis, 'setTimeout', ((fn: () => void, ms: number) => { delays.push(ms); return realSetTimeout(fn, 0); }) as typeof setTimeout);
  const stats = emptyRecoveryStats();
  let calls = 0;
  const run = withRecovery(async () => {
    const s = steps[calls++] ?? 'ok';
    if (s !== 'ok') throw s;
    return 'value';
  }, policy, stats);
  const settled: { r?: { value: string; outcome: string }; e?: Error } = await run.then((r) => ({ r }), (e: Error) => ({ e }));
  return { ...settled, delays, calls, stats };
}

const flaky = () => new Error('flaky');
const backoffCases: { name: string; steps: Step[]; policy: { maxRetries?: number; backoffMs?: number }; delays: number[]; calls: number; outcome?: string }[] = [
  { name: 'doubles its delay from backoffMs at each retry and does not sleep after the last attempt', steps: [flaky(), flaky(), flaky(), flaky()], policy: { maxRetries: 3, backoffMs: 10 }, delays: [10, 20, 40], calls: 4 },
  { name: 'waits 100, 200 and 400 ms with the default policy', steps: [flaky(), flaky(), flaky(), flaky()], policy: {}, delays: [100, 200, 400], calls: 4 },
  { name: 'sleeps only before the attempts it makes', steps: [flaky()], policy: { maxRetries: 3, backoffMs: 7 }, delays: [7], calls: 2, outcome: 'retried' },
  { name: 'makes one attempt and never sleeps with maxRetries 0', steps: [flaky()], policy: { maxRetries: 0, backoffMs: 10 }, delays: [], calls: 1 },
  { name: 'never sleeps after an input error', steps: [new FormatError('f', 'x', 'y')], policy: { maxRetries: 3, backoffMs: 10 }, delays: [], calls: 1 },
  { name: 'never sleeps after a numerical error', steps: [new NumericalError('non-finite')], policy: { maxRetries: 3, backoffMs: 10 }, delays: [], calls: 1 },
  { name: 'backs off after memory errors as after transient ones', steps: [new RangeError('Invalid array length'), new RangeError('Invalid array length')], policy: { maxRetries: 3, backoffMs: 5 }, delays: [5, 10], calls: 3, outcome: 'smaller' },
];
for (const c of backoffCases) {
  test(`withRecovery ${c.name}`, async (t) => {
    const r = await runSteps(t, c.steps, c.policy);
    assert.deepEqual(r.delays, c.delays);
    assert.equal(r.calls, c.calls);
    assert.equal(r.stats.attempts, c.calls);
    if (c.outcome) assert.equal(r.r?.outcome, c.outcome);
    else assert.ok(r.e, 'rejects once nothing is left to try');
  });
}

test('withRecovery with maxRetries 0 goes to the fallback after its single attempt', async (t) => {
  const r = await runSteps(t, [flaky()], { maxRetries: 0, backoffMs: 10, fallback: async () => 'simple' });
  assert.deepEqual(r.r, { value: 'simple', outcome: 'fallback' });
  assert.deepEqual([r.calls, r.stats.attempts, r.stats.recovered], [1, 2, 1]);
});

test('withRecovery skips the piece with the fallback\'s own error when the fallback throws', async (t) => {
  let why: string | undefined;
  const r = await runSteps(t, [new NumericalError('NaN in fit')], {
    fallback: async () => { throw new Error('fallback timed out'); },
    skip: (reason) => { why = reason.category; return 'partial'; },
    label: 'block 7',
  });
  assert.deepEqual(r.r, { value: 'partial', outcome: 'skipped' });
  assert.equal(why, 'timeout');
  assert.deepEqual([r.stats.attempts, r.stats.errors.numerical, r.stats.errors.timeout, r.stats.recovered], [2, 1, 1, 0]);
  assert.deepEqual(r.stats.outcomes, { ok: 0, retried: 0, smaller: 0, fallback: 0, skipped: 1, failed: 0 });
  assert.deepEqual(r.stats.events, ['block 7: skipped after timeout error: fallback timed out']);
});

test('withRecovery rethrows the fallback\'s error, under the task\'s label, when the fallback throws and nothing may be skipped', async (t) => {
  const r = await runSteps(t, [flaky()], { maxRetries: 0, fallback: async () => { throw new Error('fallback broke'); }, label: 'block 2' });
  assert.match(r.e?.message ?? '', /^block 2 failed: fallback broke$/);
  assert.equal(r.stats.outcomes.failed, 1);
  assert.equal(r.stats.recovered, 0);
  assert.equal(r.stats.events.length, 1);
});

test('withRecovery never calls the fallback after an input error', async (t) => {
  let fell = false;
  const r = await runSteps(t, [Object.assign(new Error('no such file'), { code: 'ENOENT' })], { fallback: async () => { fell = true; return 'x'; } });
  assert.ok(r.e);
  assert.equal(fell, false);
  assert.equal(r.stats.attempts, 1);
});

test('withRecovery records nothing but the outcome of a task that succeeds at once', async (t) => {
  const r = await runSteps(t, [], { fallback: async () => 'never' });
  assert.deepEqual(r.r, { value: 'value', outcome: 'ok' });
  assert.deepEqual([r.stats.attempts, r.stats.outcomes.ok, r.stats.recovered, r.stats.events.length, r.delays.length], [1, 1, 0, 0, 0]);
});

const more: [string, unknown, string][] = [
  ['a thrown string', 'plain text', 'unknown'],
  ['a permission error', Object.assign(new Error('permission denied'), { code: 'EACCES' }), 'input'],
  ['a worker out of memory', Object.assign(new Error('Worker terminated due to reaching memory limit'), { code: 'ERR_WORKER_OUT_OF_MEMORY' }), 'memory'],
  ['a socket timeout', Object.assign(new Error('connect failed'), { code: 'ETIMEDOUT' }), 'timeout'],
  ['a configuration error', Object.assign(new Error('bad key'), { name: 'ConfigError' }), 'input'],
];
for (const [name, e, category] of more) {
  test(`classifyError puts ${name} in category ${category}`, () => {
    assert.equal(classifyError(e).category, category);
  });
}

test('classifyError does not take a path that contains the letters "nan" for a numerical failure', () => {
  const cases: [unknown, string][] = [
    [new Error('worker exited with code 1 while reading /home/nancy/rec.edf'), 'worker'],
    [Object.assign(new Error("EBUSY: resource busy or locked, open '/data/nanjing/rec.edf'"), { code: 'EBUSY' }), 'unknown'],
  ];
  assert.deepEqual(cases.map(([e]) => classifyError(e).category), cases.map(([, c]) => c));
});
