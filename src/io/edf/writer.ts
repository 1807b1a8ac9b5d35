/**
 * Writes a recording as EDF+C (16-bit, Kemp & Olivan 2003) or BDF+C (24-bit, BioSemi), streaming the
 * source block by block so that memory stays bounded whatever the recording's length.
 *
 * - Integer-stored channels (binary formats) whose stored values fit the target are copied losslessly:
 *   the digital range is the source's EDF digital range when it has one, else the observed min/max,
 *   and the physical range follows from the source's gain/baseline. The stored integers read back
 *   identical; the physical scaling is as exact as the 8-character header fields allow.
 * - Other channels are quantised over the full digital range from a first streaming min/max pass.
 * - EDF has no missing-value code. A channel with missing samples (NaN or infinite, or a WFDB
 *   source's invalid value) keeps its digital minimum for them alone, one step below every valid
 *   sample: the valid range sets the physical range, and a reader sees where the gaps were. The
 *   result counts them.
 * - The last data record is padded per channel with the digital value 0 (clamped into the channel's
 *   digital range) and the header counts it, so a channel may read back longer than its source.
 * - `info.annotations` go to an 'EDF Annotations' signal ('BDF Annotations' in BDF), filled in onset
 *   order from the first record on, after each record's time-keeping TAL. A sub-second start time is
 *   kept as the first record's time-keeping onset, as EDF+ prescribes.
 */
import { open, rename, rm } from 'node:fs/promises';
import type { ChannelInfo, ChannelRef, Recording, SampleBlock } from '../recording.js';
import { MONTHS } from './header.js';
import { encodeTal, formatTalTime } from './tal.js';

export interface WriteEdfOptions {
  /** Channels to write, by index or name. default: all signal channels of `rec` */
  channels?: ChannelRef[];
  /**
   * Data record duration in s; fs x recordSeconds must be an integer for each channel. default: the
   * shortest whole number of seconds that holds a whole number of samples of every channel (1 s at
   * integer rates; 5 s for 12.8 Hz)
   */
  recordSeconds?: number;
  /** Write BDF+C with 24-bit samples. default: true when `path` ends with '.bdf', else false */
  bdf?: boolean;
}

export interface WriteEdfResult {
  /** Per written channel, its name and how many missing samples went to its digital minimum. */
  channels: { name: string; missing: number }[];
}

interface Target { bps: 2 | 3; dmin: number; dmax: number; annotationLabel: string; reserved: string }
const EDF: Target = { bps: 2, dmin: -32768, dmax: 32767, annotationLabel: 'EDF Annotations', reserved: 'EDF+C' };
const BDF: Target = { bps: 3, dmin: -8388608, dmax: 8388607, annotationLabel: 'BDF Annotations', reserved: 'BDF+C' };
/** Bytes of output data records produced per block of the streaming passes. */
const BLOCK_BYTES = 2 << 20;
const encoder = new TextEncoder();

interface Plan {
  ch: number;
  info: ChannelInfo;
  spr: number;
  /** Read stored integers (lossless copy) rather than physical values. */
  raw: boolean;
  /** Range still to be found by the min/max pass. */
  scan: boolean;
  /** The source's stored code of a missing sample (raw reads), if it has one. */
  missingCode: number | undefined;
  /** Missing samples seen by the min/max pass; when any, the digital minimum is kept for them. */
  missing: number;
  lo: number;
  hi: number;
  dmin: number;
  dmax: number;
  pmin: string;
  pmax: string;
  /** Byte offset of this channel in a data record. */
  offset: number;
  /** Current block of source samples and the sample index it starts at. */
  block?: SampleBlock;
  blockStart: number;
}

export async function writeEdf(rec: Recording, path: string, opts: WriteEdfOptions = {}): Promise<WriteEdfResult> {
  const target = (opts.bdf ?? /\.bdf$/i.test(path)) ? BDF : EDF;
  const idx = (opts.channels ?? rec.signalChannels()).map((c) => rec.channelIndex(c));
  const seconds = opts.recordSeconds ?? shortestRecord(idx.map((i) => rec.info.channels[i]!.fs));
  const durationText = formatNumber(seconds, 8);
  if (!(seconds > 0) || durationText === undefined || Number(durationText) !== seconds) {
    throw new RangeError(`recordSeconds must be a positive number written exactly in 8 characters, got ${seconds}`);
  }
  if (idx.length === 0) throw new RangeError(`channels: ${rec.info.path} has no signal channel to write`);
  const plans: Plan[] = [];
  for (const ch of idx) plans.push(await planChannel(rec, ch, seconds, target));

  const annTals = [...rec.info.annotations].sort((a, b) => a.onset - b.onset);
  let records = Math.max(0, ...plans.map((p) => Math.ceil(p.info.samples / p.spr)));
  if (records === 0 && annTals.length > 0) records = 1;
  if (records > 99999999) throw new RangeError(`recordSeconds: ${records} data records do not fit the header; use longer records`);

  if (plans.some((p) => p.scan)) {
    await forEachBlock(rec, plans, records, target.bps, () => { for (const p of plans) if (p.scan && p.block) scanRange(p); });
  }
  for (const p of plans) finishRange(p, target);

  const start = parseStart(rec.info.startTime);
  const tals = layoutAnnotations(annTals.map((a) => encodeTal(a.onset + start.fraction, a.duration, [a.text])), records, seconds, start.fraction);
  const annSpr = Math.ceil(tals.capacity / target.bps);
  let recordBytes = 0;
  for (const p of plans) { p.offset = recordBytes; recordBytes += p.spr * target.bps; }
  const annOffset = recordBytes;
  recordBytes += annSpr * target.bps;

  const header = buildHeader(target, plans, annSpr, records, durationText, start);
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    let pos = 0;
    await fh.write(header, 0, header.length, pos);
    pos += header.length;
    let buf = new Uint8Array(0);
    await forEachBlock(rec, plans, records, target.bps, async (k0, k1) => {
      const n = (k1 - k0) * recordBytes;
      if (buf.length < n) buf = new Uint8Array(n);
      const out = buf.subarray(0, n);
      out.fill(0);
      for (const p of plans) writeChannel(out, p, k0, k1, recordBytes, target.bps);
      for (let r = k0; r < k1; r++) {
        const at = (r - k0) * recordBytes + annOffset;
        const tk = encodeTal(r * seconds + start.fraction, 0, ['']);
        out.set(tk, at);
        let q = at + tk.length;
        for (let t = tals.first[r]!; t < tals.first[r + 1]!; t++) { out.set(tals.bytes[t]!, q); q += tals.bytes[t]!.length; }
      }
      await fh.write(out, 0, n, pos);
      pos += n;
    });
    await fh.close();
    await rename(tmp, path);
    return { channels: plans.map((p) => ({ name: p.info.name, missing: p.missing })) };
  } catch (e) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Longest record duration tried for the default, s: an hour. */
const MAX_RECORD_SECONDS = 3600;

/** The shortest whole number of seconds with a whole number of samples at every rate (1 when none is found, refused later). */
function shortestRecord(rates: readonly number[]): number {
  const whole = (v: number) => Math.abs(v - Math.round(v)) <= 1e-6 * Math.max(1, Math.round(v)) && Math.round(v) >= 1;
  for (let d = 1; d <= MAX_RECORD_SECONDS; d++) if (rates.every((fs) => whole(fs * d))) return d;
  return 1;
}

async function planChannel(rec: Recording, ch: number, seconds: number, target: Target): Promise<Plan> {
  const info = rec.info.channels[ch]!;
  if (info.annotation) throw new RangeError(`channels: channel ${ch} ('${info.name}') is an annotation signal`);
  const spr = Math.round(info.fs * seconds);
  if (spr < 1 || Math.abs(info.fs * seconds - spr) > 1e-6 * Math.max(1, spr)) {
    throw new RangeError(`recordSeconds: fs x recordSeconds must be a positive integer for every channel; '${info.name}' has ${info.fs} Hz x ${seconds} s`);
  }
  const probe = info.samples > 0 ? (await rec.read(ch, 0, 1, { raw: true }))[0] : undefined;
  const raw = probe instanceof Int32Array;
  const plan: Plan = { ch, info, spr, raw, scan: true, missingCode: raw ? info.missing : undefined, missing: 0, lo: Infinity, hi: -Infinity, dmin: 0, dmax: 0, pmin: '', pmax: '', offset: 0, blockStart: 0 };
  const x = info.extra;
  // An EDF+D source's gaps read as a code outside its digital range: that channel is scanned instead.
  if (plan.raw && info.missing === undefined && (info.storage === 'edf16' || info.storage === 'bdf24') && x
    && typeof x['digitalMin'] === 'number' && typeof x['digitalMax'] === 'number'
    && typeof x['physicalMin'] === 'number' && typeof x['physicalMax'] === 'number'
    && x['digitalMin'] >= target.dmin && x['digitalMax'] <= target.dmax) {
    const pmin = formatNumber(x['physicalMin'], 8), pmax = formatNumber(x['physicalMax'], 8);
    if (pmin !== undefined && pmax !== undefined) Object.assign(plan, { scan: false, dmin: x['digitalMin'], dmax: x['digitalMax'], pmin, pmax });
  }
  return plan;
}

/**
 * Calls `fn` for consecutive blocks of data records [k0, k1) after loading each plan's source samples
 * for those records (one read per group of channels sharing rate, read mode and length).
 */
async function forEachBlock(rec: Recording, plans: Plan[], records: number, bps: number,
  fn: (k0: number, k1: number) => void | Promise<void>): Promise<void> {
  const groups = new Map<string, Plan[]>();
  for (const p of plans) {
    const key = `${p.info.fs}|${p.raw}|${p.info.samples}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const recordBytes = plans.reduce((s, p) => s + p.spr * bps, 0);
  const perBlock = Math.max(1, Math.floor(BLOCK_BYTES / recordBytes));
  for (let k0 = 0; k0 < records; k0 += perBlock) {
    const k1 = Math.min(records, k0 + perBlock);
    for (const g of groups.values()) {
      const p0 = g[0]!;
      const a = Math.min(p0.info.samples, k0 * p0.spr), b = Math.min(p0.info.samples, k1 * p0.spr);
      const data = a < b ? await rec.read(g.map((p) => p.ch), a, b, { raw: p0.raw }) : undefined;
      g.forEach((p, k) => { p.block = data?.[k]; p.blockStart = a; });
    }
    await fn(k0, k1);
  }
}

function scanRange(p: Plan): void {
  const x = p.block!;
  const code = p.missingCode ?? NaN;
  let lo = p.lo, hi = p.hi, missing = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    // An infinity is no measurement either, and no physical range could hold it.
    if (!Number.isFinite(v) || v === code) { missing++; continue; }
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  p.lo = lo; p.hi = hi; p.missing += missing;
}

/** Chooses the digital and physical ranges once the min/max pass has run. */
function finishRange(p: Plan, t: Target): void {
  if (!p.scan) return;
  const { gain, baseline } = p.info;
  // One digital value below the valid ones for the missing samples, when there are any.
  const reserve = p.missing > 0 ? 1 : 0;
  if (p.raw && p.lo <= p.hi && p.lo - reserve >= t.dmin && p.hi <= t.dmax && gain !== 0) {
    let dmin = p.lo - reserve, dmax = p.hi;
    if (dmin === dmax) { if (dmax < t.dmax) dmax++; else dmin--; }
    const pmin = formatNumber((dmin - baseline) / gain, 8), pmax = formatNumber((dmax - baseline) / gain, 8);
    if (pmin !== undefined && pmax !== undefined && Number(pmin) !== Number(pmax)) {
      Object.assign(p, { dmin, dmax, pmin, pmax });
      return;
    }
  }
  // Quantise physical values: from raw min/max when the pass read stored values, else as read.
  let lo = p.lo, hi = p.hi;
  // A channel with no valid sample keeps lo > hi (no range) for the default below.
  if (p.raw) {
    if (p.lo <= p.hi) {
      const a = (p.lo - baseline) / gain, b = (p.hi - baseline) / gain;
      lo = Math.min(a, b); hi = Math.max(a, b);
    }
    p.raw = false;
  }
  if (!(lo <= hi)) { lo = 0; hi = 1; }
  if (lo === hi) { const d = Math.abs(lo) || 1; lo -= d; hi += d; }
  // The valid samples take [dmin + reserve, dmax]: the physical range reaches one step below them.
  if (reserve) lo -= (hi - lo) / (t.dmax - t.dmin - 1);
  const pmin = formatBound(lo, -1), pmax = formatBound(hi, 1);
  if (pmin === undefined || pmax === undefined) {
    throw new RangeError(`channels: '${p.info.name}' spans [${lo}, ${hi}], which the 8-character physical range fields cannot hold`);
  }
  Object.assign(p, { dmin: t.dmin, dmax: t.dmax, pmin, pmax });
}

/** Stored samples of records [k0, k1) of one channel into the block buffer, padding past its end. */
function writeChannel(out: Uint8Array, p: Plan, k0: number, k1: number, recordBytes: number, bps: 2 | 3): void {
  const src = p.block;
  const n = src ? src.length : 0;
  const pad = Math.min(p.dmax, Math.max(p.dmin, 0));
  let ints: Int32Array;
  if (!src) ints = new Int32Array(0);
  else if (p.raw && p.missing === 0) ints = src as Int32Array;
  else if (p.raw) {
    const code = p.missingCode, dmin = p.dmin;
    ints = Int32Array.from(src as Int32Array, (v) => (v === code ? dmin : v));
  } else {
    // stored = dmin + (x - pmin) (dmax - dmin) / (pmax - pmin), the inverse of the reader's scaling;
    // valid samples never go below `low`, which is above dmin when dmin marks missing ones.
    const pmin = Number(p.pmin), scale = (p.dmax - p.dmin) / (Number(p.pmax) - pmin), dmin = p.dmin, dmax = p.dmax;
    const low = p.missing > 0 ? dmin + 1 : dmin;
    ints = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = Math.round((src[i]! - pmin) * scale + dmin);
      ints[i] = !Number.isFinite(v) ? dmin : v > dmax ? dmax : v >= low ? v : low;
    }
  }
  for (let r = k0; r < k1; r++) {
    let q = (r - k0) * recordBytes + p.offset;
    const from = r * p.spr - p.blockStart;
    const m = Math.max(0, Math.min(p.spr, n - from));
    if (bps === 2) {
      for (let j = 0; j < m; j++, q += 2) { const v = ints[from + j]!; out[q] = v; out[q + 1] = v >> 8; }
      for (let j = m; j < p.spr; j++, q += 2) { out[q] = pad; out[q + 1] = pad >> 8; }
    } else {
      for (let j = 0; j < m; j++, q += 3) { const v = ints[from + j]!; out[q] = v; out[q + 1] = v >> 8; out[q + 2] = v >> 16; }
      for (let j = m; j < p.spr; j++, q += 3) { out[q] = pad; out[q + 1] = pad >> 8; out[q + 2] = pad >> 16; }
    }
  }
}

interface TalLayout {
  /** Encoded annotation TALs in onset order. */
  bytes: Uint8Array[];
  /** TALs first[r] .. first[r+1]-1 go to record r. */
  first: Int32Array;
  /** Annotation signal bytes per record. */
  capacity: number;
}

/**
 * Fills records in order. With room for the largest TAL plus an even share of all TAL bytes beside
 * the time-keeping TAL, each record wastes less than one TAL, so every annotation finds a place.
 */
function layoutAnnotations(bytes: Uint8Array[], records: number, seconds: number, fraction: number): TalLayout {
  let tk = 0;
  for (let r = 0; r < records; r++) tk = Math.max(tk, formatTalTime(r * seconds + fraction).length + 4);
  const total = bytes.reduce((s, b) => s + b.length, 0);
  const largest = bytes.reduce((s, b) => Math.max(s, b.length), 0);
  const share = records > 0 && total > 0 ? largest + Math.ceil(total / records) : 0;
  const first = new Int32Array(records + 1);
  let t = 0;
  for (let r = 0; r < records; r++) {
    first[r] = t;
    let used = 0;
    while (t < bytes.length && used + bytes[t]!.length <= share) used += bytes[t++]!.length;
  }
  first[records] = t;
  return { bytes, first, capacity: tk + share };
}

interface Start { date: string; time: string; recordingId: string; fraction: number }

/** EDF start fields from an ISO time; years outside 1985-2084 write 'yy' and keep the year in the recording id. */
function parseStart(iso: string | undefined): Start {
  const m = iso ? /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?/.exec(iso) : null;
  if (!m) return { date: '01.01.85', time: '00.00.00', recordingId: 'Startdate X X X X', fraction: 0 };
  const year = Number(m[1]);
  const yy = year >= 1985 && year <= 2084 ? m[1]!.slice(2) : 'yy';
  return {
    date: `${m[3]}.${m[2]}.${yy}`,
    time: `${m[4]}.${m[5]}.${m[6]}`,
    recordingId: `Startdate ${m[3]}-${MONTHS[Number(m[2]) - 1] ?? 'JAN'}-${m[1]} X X X`,
    fraction: m[7] ? Number(`0${m[7]}`) : 0,
  };
}

function buildHeader(t: Target, plans: Plan[], annSpr: number, records: number, durationText: string, start: Start): Uint8Array {
  const ns = plans.length + 1;
  const h = new Uint8Array(256 * (ns + 1)).fill(0x20);
  if (t.bps === 3) { h[0] = 0xff; put(h, 1, 7, 'BIOSEMI'); } else put(h, 0, 8, '0');
  put(h, 8, 80, 'X X X X');
  put(h, 88, 80, start.recordingId);
  put(h, 168, 8, start.date);
  put(h, 176, 8, start.time);
  put(h, 184, 8, String(256 * (ns + 1)));
  put(h, 192, 44, t.reserved);
  put(h, 236, 8, String(records));
  put(h, 244, 8, durationText);
  put(h, 252, 4, String(ns));
  const str = (v: string | number | undefined): string => (typeof v === 'string' ? v : '');
  const rows: [number, (p: Plan) => string, string][] = [
    [16, (p) => p.info.name, t.annotationLabel],
    [80, (p) => str(p.info.extra?.['transducer']), ''],
    [8, (p) => p.info.unit, ''],
    [8, (p) => p.pmin, '-1'],
    [8, (p) => p.pmax, '1'],
    [8, (p) => String(p.dmin), String(t.dmin)],
    [8, (p) => String(p.dmax), String(t.dmax)],
    [80, (p) => str(p.info.extra?.['prefilter']), ''],
    [8, (p) => String(p.spr), String(annSpr)],
    [32, () => '', ''],
  ];
  let pos = 256;
  for (const [width, field, annotationValue] of rows) {
    for (const p of plans) { put(h, pos, width, field(p)); pos += width; }
    put(h, pos, width, annotationValue);
    pos += width;
  }
  return h;
}

/** Spellings of the symbols physiological units use, for a header that allows US-ASCII only. */
const ASCII_SPELLING: Record<string, string> = { 'µ': 'u', 'μ': 'u', '°': 'deg', 'Ω': 'Ohm', '–': '-', '—': '-', '‘': "'", '’': "'", '“': '"', '”': '"' };

/**
 * `text` in printable US-ASCII, the only characters EDF and EDF+ headers may hold (EDF+ 2.1.3):
 * unit symbols spelt out ('µV' as 'uV', as EDF+ itself writes it), accents and sub- or superscripts
 * reduced to their base character (NFKD), anything else as '_'.
 */
function asciiField(text: string): string {
  let out = '';
  for (const ch of text) {
    const spelt = ASCII_SPELLING[ch];
    out += spelt ?? ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  }
  return out.replace(/[^\x20-\x7e]/g, '_');
}

/** Writes `text` in US-ASCII, left-aligned into a space-filled field and cut at its width. */
function put(h: Uint8Array, offset: number, width: number, text: string): void {
  h.set(encoder.encode(asciiField(text).slice(0, width)), offset);
}

/** Shortest decimal text of at most `width` characters for `x` (exact when possible), else undefined. */
export function formatNumber(x: number, width: number): string | undefined {
  if (!Number.isFinite(x)) return undefined;
  const plain = String(x);
  if (plain.length <= width && !/e/i.test(plain)) return plain;
  for (let digits = width; digits >= 0; digits--) {
    const s = trimZeros(x.toFixed(digits));
    if (s.length <= width && !/e/i.test(s)) return s;
  }
  return undefined;
}

/** Like formatNumber but rounded outward (dir -1: not above x, +1: not below x), for range bounds. */
function formatBound(x: number, dir: -1 | 1): string | undefined {
  for (let digits = 8; digits >= 0; digits--) {
    const f = 10 ** digits;
    const v = (dir < 0 ? Math.floor(x * f) : Math.ceil(x * f)) / f;
    let s = trimZeros(v.toFixed(digits));
    if (dir < 0 ? Number(s) > x : Number(s) < x) s = trimZeros((v + dir / f).toFixed(digits));
    if (s.length <= 8 && !/e/i.test(s)) return s;
  }
  return undefined;
}

function trimZeros(s: string): string {
  const t = s.includes('.') ? s.replace(/\.?0+$/, '') : s;
  return t === '-0' ? '0' : t;
}
