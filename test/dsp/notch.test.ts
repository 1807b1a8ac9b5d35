import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { needShared, shared } from '../helpers/shared.js';
import { type Case, golden, relErr, throwsNaming } from '../helpers/filter-golden.js';
import { iirnotch, iirpeak } from '../../src/dsp/notch.js';
// Golden cases made by test/golden/dsp/make_filter_extra.py (scipy.signal.iirnotch / iirpeak).

test('iirnotch matches SciPy on every vector case', { skip: needShared('vectors/fir_notch.json') }, () => {
  const file = JSON.parse(readFileSync(shared('vectors/fir_notch.json'), 'utf8')) as { cases: Case[] };
  assert.ok(file.cases.length > 0);
  for (const c of file.cases) {
    const a = c.args as { notchF0: number; notchQ: number; fs: number };
    const exp = c.expected as Record<string, number[]>;
    const { b, a: den } = iirnotch(a.notchF0, a.notchQ, a.fs);
    assert.ok(relErr(b, exp.notchB!) <= 1e-9, c.name);
    assert.ok(relErr(den, exp.notchA!) <= 1e-9, c.name);
  }
});

test('iirnotch and iirpeak match SciPy, default fs 2 included', () => {
  const cases = golden.filter((c) => c.fn === 'iirnotch' || c.fn === 'iirpeak');
  assert.ok(cases.length >= 6);
  for (const c of cases) {
    const a = c.args as { w0: number; Q: number; fs: number };
    const design = c.fn === 'iirnotch' ? iirnotch : iirpeak;
    const got = a.fs === 2 ? design(a.w0, a.Q) : design(a.w0, a.Q, a.fs);
    const exp = c.expected as { b: number[]; a: number[] };
    assert.ok(relErr(got.b, exp.b) <= 1e-9 && relErr(got.a, exp.a) <= 1e-9, c.name);
  }
});

test('iirnotch has zero gain at w0 and unit gain at DC', () => {
  const { b, a } = iirnotch(50, 30, 500);
  const w = (2 * Math.PI * 50) / 500;
  const re = (c: Float64Array): number => c[0]! + c[1]! * Math.cos(w) + c[2]! * Math.cos(2 * w);
  const im = (c: Float64Array): number => -c[1]! * Math.sin(w) - c[2]! * Math.sin(2 * w);
  assert.ok(Math.hypot(re(b), im(b)) / Math.hypot(re(a), im(a)) < 1e-12);
  assert.ok(Math.abs((b[0]! + b[1]! + b[2]!) / (a[0]! + a[1]! + a[2]!) - 1) < 1e-12);
});

test('iirnotch and iirpeak refuse w0 outside (0, Nyquist), bad Q and bad fs naming the argument', () => {
  throwsNaming(() => iirnotch(130, 30, 250), /^w0 must be above 0 and below Nyquist \(fs\/2 = 125\), got 130/);
  throwsNaming(() => iirnotch(0, 30, 250), /^w0/);
  throwsNaming(() => iirpeak(1, 30), /^w0/);
  throwsNaming(() => iirnotch(50, 0, 250), /^Q/);
  throwsNaming(() => iirnotch(50, 30, 0), /^fs/);
});
