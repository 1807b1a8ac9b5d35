import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FormatError } from '../../src/io/errors.js';

const MESSAGES: { name: string; args: [string, string, string, string?]; message: string }[] = [
  { name: 'without a detail', args: ['/d/r.hea', 'a sampling rate', 'line 1'], message: '/d/r.hea: expected a sampling rate at line 1' },
  { name: 'with a detail in parentheses', args: ['/d/x.csv', 'a number', 'line 4, column 2 (y)', "got 'oops'"], message: "/d/x.csv: expected a number at line 4, column 2 (y) (got 'oops')" },
  // An empty detail says nothing, so it must not leave an empty "()" behind.
  { name: 'with an empty detail left out', args: ['a.npy', 'NPY magic', 'byte 0', ''], message: 'a.npy: expected NPY magic at byte 0' },
];

for (const m of MESSAGES) {
  test(`FormatError builds its message from file, expected and where, ${m.name}`, () => {
    const e = new FormatError(...m.args);
    assert.equal(e.message, m.message);
  });
}

test('FormatError keeps file, expected and where apart from the message, for callers that branch on them', () => {
  const e = new FormatError('/d/100.dat', '64800 bytes', 'end of file', 'file has 64793 bytes');
  assert.deepEqual([e.file, e.expected, e.where], ['/d/100.dat', '64800 bytes', 'end of file']);
});

test('FormatError is an Error named FormatError, so catch-all handlers and String() show its kind', () => {
  const e = new FormatError('f', 'x', 'y');
  assert.ok(e instanceof Error);
  assert.ok(e instanceof FormatError);
  assert.equal(e.name, 'FormatError');
  assert.equal(String(e), 'FormatError: f: expected x at y');
  assert.match(e.stack ?? '', /^FormatError: f: expected x at y\n/);
});

test('FormatError passes the cause on, as the Error options do', () => {
  const cause = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
  const e = new FormatError('/missing.hea', 'a readable file', 'open', 'file not found', { cause });
  assert.equal(e.cause, cause);
  assert.equal(new FormatError('f', 'x', 'y').cause, undefined);
  assert.equal('cause' in new FormatError('f', 'x', 'y'), false);
});
