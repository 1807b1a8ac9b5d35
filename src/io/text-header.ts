import { isoFromSeconds, parseDateTime } from './text-time.js';

/**
 * Metadata that text recordings carry in their leading comment lines: BioSPPy "Simple Text Format"
 * (`# Sampling Rate (Hz):= 1000.00`, `# Labels:= ECG`), hand-written `# Sampling rate: 1000 Hz` or
 * `# fs = 250`, and OpenSignals' JSON header line (`# {"<device>": {"sampling rate": 1000, "column": [...]}}`).
 */

export interface CommentMeta {
  /** Sampling rate in Hz, when a comment states one. */
  fs?: number;
  /** Channel labels, in file column order (possibly only for the signal columns). */
  labels?: string[];
  /** Units, same order as `labels`. */
  units?: string[];
  /** Column names for every file column (OpenSignals 'column'). */
  columns?: string[];
  /** ISO-8601 start time, when a date comment parses as one. */
  startTime?: string;
}

const KEY_VALUE = /^\s*([A-Za-z][\w .()/-]*?)\s*(?::=|:|=)\s*(.*?)\s*$/;

/** Lower-case letters and digits only: 'Sampling Rate (Hz)' -> 'samplingratehz'. */
function normKey(k: string): string {
  return k.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const RATE_KEYS = new Set(['samplingrate', 'samplingratehz', 'samplerate', 'sampleratehz', 'samplingfrequency',
  'samplingfrequencyhz', 'samplingfreq', 'fs', 'fshz', 'rate', 'ratehz', 'frequency', 'frequencyhz', 'sr', 'srate']);
const LABEL_KEYS = new Set(['labels', 'label', 'channels', 'channelnames', 'signals', 'signalnames', 'columns']);
const UNIT_KEYS = new Set(['units', 'unit']);
const DATE_KEYS = new Set(['date', 'datetime', 'starttime', 'start', 'startdate', 'recordingdate']);

/** A rate value such as '1000.00', '1000 Hz', '1 kHz'; NaN when it is not one. */
function parseRate(value: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?\d+)?)\s*(k?hz)?\s*$/i.exec(value);
  if (!m) return NaN;
  const v = Number(m[1]) * (m[2]?.toLowerCase() === 'khz' ? 1000 : 1);
  return v > 0 && Number.isFinite(v) ? v : NaN;
}

/** "['A1', 'A2']", 'ECG', 'ECG\tPPG', 'ECG, PPG' -> list of names. */
function parseList(value: string): string[] {
  const inner = value.replace(/^\s*[[(]/, '').replace(/[\])]\s*$/, '');
  const parts = /[\t,;]/.test(inner) ? inner.split(/[\t,;]/) : inner.split(/\s+/);
  return parts.map((p) => p.trim().replace(/^['"]|['"]$/g, '')).filter((p) => p !== '');
}

/** A date-time comment as ISO-8601 (read as UTC when it names no zone), else undefined. */
function isoOrUndefined(value: string): string | undefined {
  const t = parseDateTime(value.trim());
  return Number.isNaN(t) ? undefined : isoFromSeconds(t);
}

/** Reads what an OpenSignals-style JSON header says; unknown JSON is ignored. */
function fromJson(text: string, meta: CommentMeta): void {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return;
  }
  const visit = (o: unknown, depth: number): void => {
    if (!o || typeof o !== 'object' || depth > 4) return;
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
      const key = normKey(k);
      if (RATE_KEYS.has(key) && typeof v === 'number' && v > 0 && meta.fs === undefined) meta.fs = v;
      else if (key === 'column' && Array.isArray(v) && meta.columns === undefined) meta.columns = v.map(String);
      else if ((key === 'label' || key === 'labels') && Array.isArray(v) && meta.labels === undefined) meta.labels = v.map(String);
      else if (key === 'units' && Array.isArray(v) && meta.units === undefined) meta.units = v.map(String);
      else if (key === 'date' && typeof v === 'string' && meta.startTime === undefined) {
        const time = (o as Record<string, unknown>)['time'];
        meta.startTime = isoOrUndefined(typeof time === 'string' ? `${v}T${time}` : v);
      } else visit(v, depth + 1);
    }
  };
  visit(obj, 0);
}

/**
 * Extracts rate, labels, units and start time from comment lines (comment marker already removed).
 * The first statement of each kind wins; lines that say nothing known are left to `info.comments`.
 */
export function parseCommentMeta(comments: string[]): CommentMeta {
  const meta: CommentMeta = {};
  for (const c of comments) {
    const t = c.trim();
    if (t.startsWith('{')) {
      fromJson(t, meta);
      continue;
    }
    const m = KEY_VALUE.exec(t);
    if (!m) continue;
    const key = normKey(m[1]!);
    const value = m[2]!;
    if (RATE_KEYS.has(key) || (key.startsWith('sampl') && (key.includes('rate') || key.includes('freq')))) {
      const fs = parseRate(value);
      if (!Number.isNaN(fs) && meta.fs === undefined) meta.fs = fs;
    } else if (LABEL_KEYS.has(key) && meta.labels === undefined) {
      const l = parseList(value);
      if (l.length > 0) meta.labels = l;
    } else if (UNIT_KEYS.has(key) && meta.units === undefined) {
      const u = parseList(value);
      if (u.length > 0) meta.units = u;
    } else if (DATE_KEYS.has(key) && meta.startTime === undefined) {
      meta.startTime = isoOrUndefined(value);
    }
  }
  return meta;
}

/** Splits 'ECG (mV)' / 'ECG [mV]' into the unit it states, or '' when none. */
export function unitFromName(name: string): string {
  const m = /[([]\s*([^()[\]]{1,16}?)\s*[)\]]\s*$/.exec(name);
  return m ? m[1]! : '';
}

/** '(mV)' / '[mV]' / 'mV' -> 'mV'. */
export function stripUnitBrackets(u: string): string {
  return u.trim().replace(/^[([]\s*/, '').replace(/\s*[)\]]$/, '');
}
