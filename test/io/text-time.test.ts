import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTimeName, parseDateTime, RateEstimator, timeUnitFromText, timeUnitFromValues } from '../../src/io/text-time.js';

test('parseDateTime reads ISO-8601 with space or T, fractions beyond ms and zone offsets', () => {
  const base = Date.UTC(2023, 11, 11, 2, 17, 29) / 1000;
  const cases: [string, number][] = [
    ['2023-12-11 02:17:29.269000+00:00', base + 0.269],
    ['2023-12-11T02:17:29.276874015+00:00', base + 0.276874015],
    ['2023-12-11T02:17:29Z', base],
    ['2023-12-11T03:17:29+01:00', base],
    ['2023-12-10T21:17:29-0500', base],
    ['2023-12-11 02:17', base - 29],
  ];
  for (const [s, want] of cases) assert.ok(Math.abs(parseDateTime(s) - want) < 1e-6, `${s}: ${parseDateTime(s)} vs ${want}`);
  for (const s of ['2023-13-01 00:00:00', '12.5', 'time', '2023-12-11', '']) assert.ok(Number.isNaN(parseDateTime(s)), s);
});

test('isTimeName knows the usual time column names and nothing else', () => {
  for (const n of ['time', 'Time', 'TIMESTAMP', 'TIMESTAMP_MS', 'Elapsed time', 'time (s)', 'Time [ms]', 't', 'time_s', 'datetime']) assert.ok(isTimeName(n), n);
  for (const n of ['ECG', 'PLETH', 'PULSE_BPM', 'timer', 'temperature', 'ts1']) assert.ok(!isTimeName(n), n);
});

test('time units come from the name or units row, else from the values', () => {
  assert.equal(timeUnitFromText('TIMESTAMP_MS'), 1e-3);
  assert.equal(timeUnitFromText('time (s)'), 1);
  assert.equal(timeUnitFromText('Elapsed time', '(seconds)'), 1);
  assert.equal(timeUnitFromText('t_us'), 1e-6);
  assert.equal(timeUnitFromText('time'), undefined);
  assert.equal(timeUnitFromValues(1.7e12, 10, true), 1e-3);
  assert.equal(timeUnitFromValues(1.7e9, 0.01, false), 1);
  assert.equal(timeUnitFromValues(0, 4, true), 1e-3);
  assert.equal(timeUnitFromValues(0, 0.004, false), 1);
});

test('RateEstimator recovers 360 Hz from timestamps printed to ms, where the median step says 333', () => {
  const est = new RateEstimator();
  for (let i = 0; i < 3600; i++) est.push(Number((i / 360).toFixed(3)));
  assert.ok(Math.abs(est.medianStep() - 0.003) < 1e-12);
  assert.ok(Math.abs(est.rate(1) - 360) < 0.05, String(est.rate(1)));
});

test('RateEstimator ignores gaps and repeated timestamps', () => {
  const est = new RateEstimator(16); // a small probe also exercises the streaming path after it
  let t = 0;
  for (let i = 0; i < 1000; i++) {
    t += i % 97 === 0 ? 1.5 : i % 31 === 0 ? 0 : 0.01;
    est.push(t);
  }
  assert.equal(est.rate(1), 100);
});

test('RateEstimator gives NaN when timestamps do not increase', () => {
  const est = new RateEstimator();
  for (let i = 0; i < 10; i++) est.push(5);
  assert.ok(Number.isNaN(est.rate(1)));
});
