import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkedZeroPhase, impulseSettlingLength, sosfiltfiltChunks } from '../../src/dsp/zero-phase-chunked.js';
import { sosfiltfilt } from '../../src/dsp/filtfilt.js';
import { butter } from '../../src/dsp/iir-design.js';

/** Seeded generator (Park-Miller). */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

/** ECG-like test signal: noise, a baseline wander, a 1.2 Hz spike train and an offset, at 360 Hz. */
function recording(n: number, seed: number): Float64Array {
  const r = rng(seed);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / 360;
    x[i] = 0.3 * (r() - 0.5) + 0.5 * Math.sin(2 * Math.PI * 0.2 * t) + (i % 300 < 6 ? 1.5 : 0) + 0.8;
  }
  return x;
}

/** Pushes x in seeded random chunk sizes (1 .. maxChunk) and concatenates the output. */
function runChunked(f: ChunkedZeroPhase, x: Float64Array, seed: number, maxChunk: number): Float64Array {
  const r = rng(seed);
  const parts: Float64Array[] = [];
  for (let i = 0; i < x.length;) {
    const n = Math.min(x.length - i, 1 + Math.floor(r() * maxChunk));
    parts.push(f.push(x.subarray(i, i + n)));
    i += n;
  }
  parts.push(f.flush());
  const y = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) { y.set(p, at); at += p.length; }
  return y;
}

function maxAbs(x: ArrayLike<number>, from = 0, to = x.length): number {
  let m = 0;
  for (let i = from; i < to; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

const FILTERS = [
  { name: '0.5-40 Hz band-pass order 4', sos: butter(4, [0.5, 40], { btype: 'bandpass', fs: 360 }) },
  { name: '0.67 Hz high-pass order 2', sos: butter(2, 0.67, { btype: 'highpass', fs: 360 }) },
  { name: '15 Hz low-pass order 6', sos: butter(6, 15, { fs: 360 }) },
];

test('ChunkedZeroPhase over random chunk sizes matches one-shot sosfiltfilt to 1e-6 of the signal scale', () => {
  let seed = 1;
  for (const { name, sos } of FILTERS) {
    for (const blockSize of [undefined, 3000]) {
      const x = recording(250_000 + seed * 1013, seed);
      const ref = sosfiltfilt(sos, x);
      const f = new ChunkedZeroPhase(sos, { blockSize });
      const y = runChunked(f, x, seed + 100, 9000);
      assert.equal(y.length, x.length);
      const scale = maxAbs(x);
      const err = new Float64Array(x.length).map((_, i) => y[i]! - ref[i]!);
      // Compared: every sample, and separately the interior that excludes the first and last padlen
      // (27) samples, where sosfiltfilt's own edge padding acts; both must hold.
      const padlen = 27;
      assert.ok(maxAbs(err, padlen, x.length - padlen) / scale < 1e-6, `${name} interior: ${maxAbs(err, padlen, x.length - padlen) / scale}`);
      assert.ok(maxAbs(err) / scale < 1e-6, `${name} edges included`);
      // The tolerance really is what limits the error: a tighter tol gives a smaller error.
      const tight = runChunked(new ChunkedZeroPhase(sos, { blockSize, tol: 1e-13 }), x, seed, 5000);
      const errTight = maxAbs(new Float64Array(x.length).map((_, i) => tight[i]! - ref[i]!));
      assert.ok(errTight <= maxAbs(err) + 1e-15 && errTight / scale < 1e-10, `${name} tol 1e-13`);
      seed++;
    }
  }
});

test('ChunkedZeroPhase on a recording shorter than one block equals sosfiltfilt exactly', () => {
  const sos = FILTERS[0]!.sos;
  const x = recording(20_000, 4);
  const f = new ChunkedZeroPhase(sos);
  assert.equal(runChunked(f, x, 5, 700).length, x.length);
  assert.deepEqual(runChunked(new ChunkedZeroPhase(sos), x, 5, 700), sosfiltfilt(sos, x));
});

test('ChunkedZeroPhase keeps padtype semantics of sosfiltfilt', () => {
  const sos = FILTERS[1]!.sos;
  const x = recording(60_000, 8);
  for (const padtype of ['even', 'constant', null] as const) {
    const y = runChunked(new ChunkedZeroPhase(sos, { padtype, blockSize: 4000 }), x, 2, 3000);
    const ref = sosfiltfilt(sos, x, { padtype });
    assert.ok(maxAbs(y.map((v, i) => v - ref[i]!)) / maxAbs(x) < 1e-6, String(padtype));
  }
});

test('sosfiltfiltChunks over an async iterable yields the same samples as ChunkedZeroPhase', async () => {
  const sos = FILTERS[0]!.sos;
  const x = recording(100_000, 6);
  async function* source(): AsyncGenerator<Float64Array> {
    for (let i = 0; i < x.length; i += 360) yield x.subarray(i, i + 360);
  }
  const parts: number[] = [];
  for await (const y of sosfiltfiltChunks(sos, source(), { blockSize: 10_000 })) parts.push(...y);
  const direct = runChunked(new ChunkedZeroPhase(sos, { blockSize: 10_000 }), x, 1, 360);
  assert.equal(parts.length, x.length);
  assert.deepEqual(Float64Array.from(parts), direct);
});

test('impulseSettlingLength of a one-pole section is where pole^n falls below tol', () => {
  for (const p of [0.5, 0.9, 0.99]) {
    for (const tol of [1e-3, 1e-9]) {
      // h[n] = p^n, peak 1: last n with p^n >= tol is floor(ln tol / ln p).
      const expected = Math.floor(Math.log(tol) / Math.log(p)) + 1;
      const got = impulseSettlingLength([[1, 0, 0, 1, -p, 0]], tol);
      assert.ok(Math.abs(got - expected) <= 1, `p ${p} tol ${tol}: ${got} vs ${expected}`);
    }
  }
});

test('impulseSettlingLength grows as tol shrinks and refuses unstable filters and bad tol', () => {
  const sos = FILTERS[0]!.sos;
  const lengths = [1e-3, 1e-6, 1e-9, 1e-12].map((tol) => impulseSettlingLength(sos, tol));
  for (let i = 1; i < lengths.length; i++) assert.ok(lengths[i]! > lengths[i - 1]!);
  assert.throws(() => impulseSettlingLength([[1, 0, 0, 1, -1.01, 0]], 1e-9, 100_000), (e: Error) => e instanceof RangeError && /settle/.test(e.message));
  assert.throws(() => impulseSettlingLength(sos, 0), (e: Error) => e instanceof RangeError && /^tol/.test(e.message));
});

test('ChunkedZeroPhase refuses bad options, too short recordings and use after flush', () => {
  const sos = FILTERS[0]!.sos;
  assert.throws(() => new ChunkedZeroPhase(sos, { blockSize: 0 }), (e: Error) => e instanceof RangeError && /^blockSize/.test(e.message));
  assert.throws(() => new ChunkedZeroPhase(sos, { overlap: 1.5 }), (e: Error) => e instanceof RangeError && /^overlap/.test(e.message));
  const f = new ChunkedZeroPhase(sos);
  f.push(new Float64Array(10));
  assert.throws(() => f.flush(), (e: Error) => e instanceof RangeError && /padlen/.test(e.message));
  assert.throws(() => f.push([1]), RangeError);
});
