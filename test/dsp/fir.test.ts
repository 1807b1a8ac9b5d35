import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { needShared, shared } from '../helpers/shared.js';
import { type Case, golden, relErr, throwsNaming } from '../helpers/filter-golden.js';
import { firwin, type FirwinOptions } from '../../src/dsp/fir.js';
import type { WindowSpec } from '../../src/dsp/windows.js';
// Golden cases made by test/golden/dsp/make_filter_extra.py (scipy.signal.firwin).

test('firwin lowpass and highpass match SciPy on every vector case', { skip: needShared('vectors/fir_notch.json') }, () => {
  const file = JSON.parse(readFileSync(shared('vectors/fir_notch.json'), 'utf8')) as { cases: Case[] };
  assert.ok(file.cases.length > 0);
  for (const c of file.cases) {
    const a = c.args as { numtaps: number; cutoff: number; fs: number };
    const exp = c.expected as Record<string, number[]>;
    assert.ok(relErr(firwin(a.numtaps, a.cutoff, { fs: a.fs }), exp.firwinLowpass!) <= 1e-9, c.name);
    assert.ok(relErr(firwin(a.numtaps, a.cutoff, { fs: a.fs, passZero: false }), exp.firwinHighpass!) <= 1e-9, c.name);
  }
});

test('firwin matches SciPy for highpass, bandpass, bandstop, multi-band, windows, fs and scale off', () => {
  const cases = golden.filter((c) => c.fn === 'firwin');
  assert.ok(cases.length >= 10);
  for (const c of cases) {
    const a = c.args as { numtaps: number; cutoff: number | number[]; fs?: number; pass_zero?: FirwinOptions['passZero']; window?: WindowSpec; scale?: boolean };
    const h = firwin(a.numtaps, a.cutoff, { fs: a.fs, passZero: a.pass_zero, window: a.window, scale: a.scale });
    assert.ok(relErr(h, c.expected as number[]) <= 1e-9, c.name);
  }
});

test('firwin refuses invalid numtaps, cutoffs and pass types naming the argument', () => {
  throwsNaming(() => firwin(0, 0.3), /^numtaps/);
  throwsNaming(() => firwin(2.5, 0.3), /^numtaps/);
  throwsNaming(() => firwin(31, 130, { fs: 250 }), /^cutoff must be above 0 and below Nyquist \(fs\/2 = 125\), got 130/);
  throwsNaming(() => firwin(31, 0), /^cutoff/);
  throwsNaming(() => firwin(31, [0.4, 0.2]), /^cutoff must be strictly increasing/);
  throwsNaming(() => firwin(31, []), /^cutoff/);
  throwsNaming(() => firwin(32, 0.3, { passZero: false }), /^numtaps must be odd/);
  throwsNaming(() => firwin(31, [0.2, 0.3], { passZero: 'highpass' }), /^cutoff must have one element/);
  throwsNaming(() => firwin(31, 0.3, { passZero: 'bandpass' }), /^cutoff must have at least two/);
  throwsNaming(() => firwin(31, 0.3, { passZero: 'notch' as 'lowpass' }), /^passZero/);
  throwsNaming(() => firwin(31, 0.3, { fs: -1 }), /^fs/);
});
