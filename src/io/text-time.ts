/**
 * Time columns in text recordings: recognising them by name, reading their cells (numbers or ISO-8601
 * date-times) as seconds, and estimating the sampling rate from the spacing of the timestamps.
 */

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Seconds since 1970-01-01T00:00Z of an ISO-8601 date-time ('2023-12-11 02:17:29.276874015+00:00'),
 * or NaN when the cell is not one. A missing zone is read as UTC. Written by hand because `Date.parse`
 * neither accepts the space separator everywhere nor keeps digits beyond milliseconds.
 */
export function parseDateTime(cell: string): number {
  const m = DATETIME.exec(cell);
  if (!m) return NaN;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, s ? +s : 0);
  if (Number.isNaN(ms) || +mo! < 1 || +mo! > 12 || +d! < 1 || +d! > 31 || +h! > 24 || +mi! > 59 || (s !== undefined && +s > 60)) return NaN;
  let offset = 0;
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offset = sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2) || '0') * 60);
  }
  return ms / 1000 - offset + (frac ? Number('0' + frac) : 0);
}

/** ISO-8601 (UTC, millisecond precision) of seconds since the epoch. */
export function isoFromSeconds(t: number): string {
  return new Date(Math.round(t * 1000)).toISOString();
}

const TIME_NAME = /^(elapsed[ _-]?)?(time|timestamp|times|t|sec|secs|seconds|date[ _-]?time|datetime|ts)([ _-]?(\(|\[)?(ms|s|sec|secs|seconds|us|ns|msec|millis|milliseconds|microseconds|nanoseconds)(\)|\])?)?$/i;

/** True for column names that say "time": time, Time (s), TIMESTAMP_MS, Elapsed time, datetime, t. */
export function isTimeName(name: string): boolean {
  return TIME_NAME.test(name.trim());
}

/**
 * Seconds per unit of a numeric time column as its name or unit label states it ('TIMESTAMP_MS',
 * 'time (s)', '(seconds)'), or undefined when neither says.
 */
export function timeUnitFromText(...labels: string[]): number | undefined {
  for (const label of labels) {
    const m = /(?:^|[^a-z])(ms|msec|millis|milliseconds|us|usec|microseconds|ns|nanoseconds|s|sec|secs|seconds)[)\]]*\s*$/i.exec(label.trim());
    if (!m) continue;
    const u = m[1]!.toLowerCase();
    if (u.startsWith('m')) return 1e-3;
    if (u.startsWith('u') || u.startsWith('mic')) return 1e-6;
    if (u.startsWith('n')) return 1e-9;
    return 1;
  }
  return undefined;
}

/**
 * Seconds per unit of a numeric time column whose label is silent, from the magnitude of its values:
 * epoch timestamps are recognised by size (1e9 s, 1e12 ms, 1e15 us, 1e18 ns since 1970, i.e. dates
 * after 2001); otherwise integer steps of 1 or more are taken as milliseconds (device exports count
 * ms) and anything else as seconds.
 */
export function timeUnitFromValues(first: number, medianStep: number, integerSteps: boolean): number {
  const a = Math.abs(first);
  if (a >= 1e17) return 1e-9;
  if (a >= 1e14) return 1e-6;
  if (a >= 1e11) return 1e-3;
  if (a >= 1e9) return 1;
  return integerSteps && medianStep >= 1 ? 1e-3 : 1;
}

/**
 * Estimates the sampling rate from timestamps fed in file order, in one pass and bounded memory.
 * The median of the first `probe` steps fixes the nominal step (robust to gaps and duplicated
 * timestamps); the rate is then 1 / mean of all steps within [0.5, 1.5] x that median over the whole
 * file. The mean recovers rates that quantised timestamps hide from the median (1/360 s printed to
 * ms is 2 or 3 ms), while the band keeps gaps (dropped samples) and repeats out of it.
 */
export class RateEstimator {
  private readonly probe: Float64Array;
  private nProbe = 0;
  private prev = NaN;
  private median = NaN;
  private sum = 0;
  private count = 0;
  private allIntegerSteps = true;
  first = NaN;

  constructor(probe = 65536) {
    this.probe = new Float64Array(probe);
  }

  push(t: number): void {
    if (Number.isNaN(this.first)) this.first = t;
    if (!Number.isNaN(this.prev)) {
      const d = t - this.prev;
      if (this.allIntegerSteps && d !== Math.round(d)) this.allIntegerSteps = false;
      if (Number.isNaN(this.median)) {
        this.probe[this.nProbe++] = d;
        if (this.nProbe === this.probe.length) this.fixMedian();
      } else this.accumulate(d);
    }
    this.prev = t;
  }

  private fixMedian(): void {
    const steps = this.probe.slice(0, this.nProbe).sort();
    const n = steps.length;
    this.median = n % 2 ? steps[(n - 1) >> 1]! : (steps[n / 2 - 1]! + steps[n / 2]!) / 2;
    for (let i = 0; i < n; i++) this.accumulate(this.probe[i]!);
  }

  private accumulate(d: number): void {
    const m = this.median;
    if (d > 0.5 * m && d < 1.5 * m) {
      this.sum += d;
      this.count++;
    }
  }

  /** Median step in the column's own unit (NaN before two timestamps). */
  medianStep(): number {
    if (Number.isNaN(this.median) && this.nProbe > 0) this.fixMedian();
    return this.median;
  }

  /** True when every step so far was an integer (ms counters). */
  integerSteps(): boolean {
    return this.allIntegerSteps;
  }

  /**
   * Rate in Hz given seconds per unit, rounded to 6 significant digits (timestamps rarely carry more,
   * and it turns 126.99999996 into 127); NaN when the timestamps do not increase.
   */
  rate(secondsPerUnit: number): number {
    const m = this.medianStep();
    if (!(m > 0) || this.count === 0) return NaN;
    return Number((1 / ((this.sum / this.count) * secondsPerUnit)).toPrecision(6));
  }
}
