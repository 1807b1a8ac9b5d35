/**
 * Writes any Recording as a WFDB record (header + one signal file in format 16 or 212, or FLAC-compressed
 * in 508, 516 or 524), streaming it in chunks so that memory stays bounded whatever the record's length.
 *
 * Integer-stored channels whose values fit the target format are copied as is, with their gain and
 * baseline (lossless; a fractional baseline is rounded, since header(5) baselines are integers).
 * Other channels (float sources such as text and NPY, or integers too wide for the format) are
 * quantised: a first streaming pass finds each channel's physical min and max, and gain and baseline
 * are chosen so that the range fills the format's range (WFDB's invalid value excluded, which marks
 * NaN samples). Initial values and checksums are computed while streaming; the header is written last.
 */
import { open, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Annotation, ChannelInfo, ChannelRef, Recording, StoredBlock } from '../recording.js';
import { annotationPath, writeAnnotations, type WfdbAnnotation } from './annotations.js';
import { isWfdbName } from './header.js';
import { FLAC_HEADER_BYTES, FlacEncoder } from '../flac-encoder.js';
import { encodeSamples, formatRange, invalidSample, isFlacFormat, type FlacFormat } from './formats.js';

export interface WriteWfdbOptions {
  /** Storage format of the signal file: 16 or 212, or FLAC with 8, 16 or 24 bits per sample. default: '16' */
  format?: WritableFormat;
  /** Channels (indices or names) to write; they must share one sampling rate. default: all signal channels */
  channels?: ChannelRef[];
  /** Seconds of signal read and written per step. default: 60 */
  chunkSeconds?: number;
  /**
   * Annotator name (the file's extension) of the annotation file written beside the record when the
   * recording has annotations (EDF+ ones): each becomes a note ('"') at its onset sample with its
   * text as aux, as wfdb-python's rdedfann writes them; false writes none. default: 'atr'
   */
  annotator?: string | false;
}

/** What became of a recording's annotations in the annotation file. */
export interface WrittenAnnotations {
  path: string;
  /** Annotations written. */
  count: number;
  /** Written ones whose duration (> 0) the format cannot hold: only their onsets are kept. */
  durationsDropped: number;
  /** Written ones whose text was cut to the format's 254 bytes. */
  truncated: number;
  /** Ones with an onset before the record's start, which a WFDB annotation cannot mark: not written. */
  beforeStart: number;
}

export interface WrittenWfdbChannel {
  name: string;
  /** True when the stored integers were copied unchanged. */
  lossless: boolean;
  gain: number;
  baseline: number;
  initialValue: number;
  checksum: number;
}

export interface WriteWfdbResult {
  heaPath: string;
  datPath: string;
  frames: number;
  channels: WrittenWfdbChannel[];
  /** The annotation file, when the recording had annotations to write. */
  annotations?: WrittenAnnotations;
}

export type WritableFormat = '16' | '212' | FlacFormat;
const WRITABLE: readonly WritableFormat[] = ['16', '212', '508', '516', '524'];

/**
 * Least stored value of integer storages without a missing-value code of their own: such a channel
 * may hold the target format's invalid value as a real sample (EDF's digital minimum often marks
 * clipping), so it is copied as is only when a scan shows it does not.
 */
const STORAGE_MIN: Record<string, number> = { edf16: -32768, int16: -32768, int8: -128, bdf24: -8388608 };

function mayHoldInvalid(ch: ChannelInfo, invalid: number): boolean {
  return ch.missing === undefined && (STORAGE_MIN[ch.storage] ?? Infinity) <= invalid;
}

/** Source storages whose stored integers always fit the target format. */
const FITS16 = ['16', '61', '80', '160', '212', '310', '311', '508', '516', 'edf16', 'int8', 'uint8', 'int16'];
const FITS: Record<WritableFormat, ReadonlySet<string>> = {
  '16': new Set(FITS16),
  '212': new Set(['212', '310', '311', '80', '508', 'int8', 'uint8']),
  '508': new Set(['80', '508', 'int8']),
  '516': new Set(FITS16),
  '524': new Set([...FITS16, '24', '524', 'bdf24', 'uint16']),
};

interface Plan {
  ch: ChannelInfo;
  lossless: boolean;
  /** Physical range seen in the first pass (quantised channels). */
  lo: number;
  hi: number;
  gain: number;
  baseline: number;
}

/**
 * Writes `rec` as the WFDB record `heaPath` (`.hea` added when missing) with its signal file
 * `NAME.dat` beside it. Returns what was written, per channel.
 */
export async function writeWfdb(rec: Recording, heaPath: string, opts: WriteWfdbOptions = {}): Promise<WriteWfdbResult> {
  const format = opts.format ?? '16';
  if (!WRITABLE.includes(format)) throw new RangeError(`format must be one of ${WRITABLE.join(', ')}, got '${String(format)}'`);
  const chunkSeconds = opts.chunkSeconds ?? 60;
  const annotator = opts.annotator ?? 'atr';
  if (annotator !== false && !isWfdbName(annotator)) throw new RangeError(`annotator must hold only letters, digits, '_' and '-', got '${String(annotator)}'`);
  if (!(chunkSeconds > 0) || !Number.isFinite(chunkSeconds)) throw new RangeError(`chunkSeconds must be a positive number, got ${chunkSeconds}`);
  const idx = (opts.channels ?? rec.signalChannels()).map((c) => rec.channelIndex(c));
  if (idx.length === 0) throw new RangeError('channels must name at least one signal channel');
  if (isFlacFormat(format) && idx.length > 8) throw new RangeError(`format ${format} (FLAC) holds at most 8 signals in one file, got ${idx.length}: select channels (--channel)`);
  const infos = idx.map((i) => rec.info.channels[i]!);
  const fs = infos[0]!.fs;
  if (infos.some((c) => c.fs !== fs)) {
    throw new RangeError(`channels must share one sampling rate, got ${infos.map((c) => `${c.name} ${c.fs} Hz`).join(', ')}`);
  }
  if (infos.some((c) => c.annotation)) throw new RangeError('channels must not include annotation signals');
  if (!heaPath.endsWith('.hea')) heaPath += '.hea';
  const name = basename(heaPath, '.hea');
  if (!isWfdbName(name)) throw new RangeError(`${heaPath}: a WFDB record name holds only letters, digits, '_' and '-', got '${name}'`);
  const datName = `${name}.dat`;
  const datPath = join(dirname(heaPath), datName);
  const frames = Math.min(...infos.map((c) => c.samples));
  const chunk = { channels: idx, seconds: chunkSeconds, raw: true } as const;
  const [rmin, rmax] = formatRange(format);
  const invalid = invalidSample(format);

  // Integer storage shows in the type of a raw read; a first pass is needed unless every channel is
  // an integer channel whose storage is known to fit.
  const probe = await rec.read(idx, 0, Math.min(frames, 1), { raw: true });
  // header(5) baselines are integers (EDF sources can have a fractional one): rounding moves physical
  // values by at most half an ADC unit, as WFDB's own converters do.
  const plans: Plan[] = infos.map((ch, k) => ({
    ch, lossless: probe[k] instanceof Int32Array && FITS[format].has(ch.storage) && !mayHoldInvalid(ch, invalid), lo: Infinity, hi: -Infinity, gain: ch.gain, baseline: Math.round(ch.baseline),
  }));
  const needPass = plans.some((p) => !p.lossless);
  if (needPass) {
    const rawLo = plans.map(() => Infinity), rawHi = plans.map(() => -Infinity);
    for await (const c of rec.chunks(chunk)) {
      (c.data as StoredBlock[]).forEach((d, k) => {
        let lo = rawLo[k]!, hi = rawHi[k]!;
        const miss = infos[k]!.missing;
        // Infinities are missing samples like NaN: no scaling could hold them.
        for (let i = 0; i < d.length; i++) { const v = d[i]!; if (v === miss || !Number.isFinite(v)) continue; if (v < lo) lo = v; if (v > hi) hi = v; }
        rawLo[k] = lo; rawHi[k] = hi;
      });
    }
    plans.forEach((p, k) => {
      const isInt = probe[k] instanceof Int32Array;
      // The format's invalid value is not a sample value: a source value equal to it is rescaled.
      if (isInt && rawLo[k]! >= rmin && rawHi[k]! <= rmax) { p.lossless = true; return; }
      p.lossless = false;
      const a = (rawLo[k]! - p.ch.baseline) / p.ch.gain, b = (rawHi[k]! - p.ch.baseline) / p.ch.gain;
      p.lo = Math.min(a, b);
      p.hi = Math.max(a, b);
      [p.gain, p.baseline] = chooseScaling(p.lo, p.hi, rmin, rmax);
    });
  }

  const n = plans.length;
  const init = new Array<number>(n).fill(0);
  const sums = new Int32Array(n);
  const fh = await open(datPath, 'w');
  // FLAC: one channel per signal; STREAMINFO goes over its placeholder at the end.
  const flac = isFlacFormat(format) ? new FlacEncoder(n, (Number(format) - 500) as 8 | 16 | 24, Math.min(1048575, Math.max(1, Math.round(fs)))) : undefined;
  const cols = flac ? plans.map(() => new Int32Array(0)) : [];
  try {
    if (flac) await writeAll(fh, new Uint8Array(FLAC_HEADER_BYTES), FLAC_HEADER_BYTES);
    let pending: number | undefined; // 212 packs sample pairs: an odd sample waits for the next chunk.
    let flat = new Int32Array(0);
    let bytes = new Uint8Array(0);
    for await (const c of rec.chunks(chunk)) {
      const data = c.data as StoredBlock[];
      const len = Math.min(data[0]!.length, frames - c.start);
      if (len <= 0) continue;
      const head = pending === undefined ? 0 : 1;
      const total = head + len * n;
      if (!flac && flat.length < total) flat = new Int32Array(total);
      if (head) flat[0] = pending!;
      if (flac) for (let k = 0; k < n; k++) if (cols[k]!.length < len) cols[k] = new Int32Array(len);
      for (let k = 0; k < n; k++) {
        const d = data[k]!, p = plans[k]!;
        // FLAC takes each channel on its own; 16 and 212 interleave the channels of a frame.
        const dst = flac ? cols[k]! : flat, step = flac ? 1 : n;
        let o = flac ? 0 : head + k, s = sums[k]!;
        // A missing sample of the source (its format's invalid value) is this format's invalid value.
        const miss = p.ch.missing;
        if (p.lossless) {
          for (let i = 0; i < len; i++, o += step) { const v = d[i] === miss ? invalid : d[i]!; dst[o] = v; s = (s + v) | 0; }
        } else {
          const g0 = p.ch.gain, b0 = p.ch.baseline, g = p.gain, b = p.baseline;
          for (let i = 0; i < len; i++, o += step) {
            const x = d[i] === miss ? NaN : (d[i]! - b0) / g0;
            let v = invalid;
            if (Number.isFinite(x)) v = Math.min(rmax, Math.max(rmin, Math.round(x * g + b)));
            dst[o] = v;
            s = (s + v) | 0;
          }
        }
        sums[k] = s;
        if (c.start === 0) init[k] = flac ? cols[k]![0]! : flat[head + k]!;
      }
      if (flac) {
        const bytes = flac.push(cols, len);
        await writeAll(fh, bytes, bytes.length);
        continue;
      }
      const keep = format === '212' && !c.last && (total & 1) === 1 ? 1 : 0;
      pending = keep ? flat[total - 1] : undefined;
      const need = Math.ceil(((total - keep) * (format === '212' ? 3 : 4)) / 2);
      if (bytes.length < need) bytes = new Uint8Array(need);
      const wrote = encodeSamples(format as '16' | '212', flat, total - keep, bytes, 0, 0);
      await writeAll(fh, bytes, wrote);
    }
    if (pending !== undefined) {
      const tail = new Uint8Array(2);
      await writeAll(fh, tail, encodeSamples(format as '212', Int32Array.of(pending), 1, tail));
    }
    if (flac) {
      const last = flac.finish();
      await writeAll(fh, last, last.length);
      const head = flac.header();
      await fh.write(head, 0, head.length, 0);
    }
    await fh.close();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await rm(datPath, { force: true });
    throw e;
  }

  const res = format === '212' ? 12 : format === '16' ? 16 : Number(format) - 500;
  const written: WrittenWfdbChannel[] = plans.map((p, k) => ({
    name: p.ch.name, lossless: p.lossless, gain: p.gain, baseline: p.baseline, initialValue: init[k]!, checksum: toInt16(sums[k]!),
  }));
  const lines = [`${name} ${n} ${formatNumber(fs)} ${frames}${baseTimeFields(rec.info.startTime)}`];
  written.forEach((w, k) => {
    const ch = plans[k]!.ch;
    const srcRes = ch.extra?.['adcResolution'];
    const adcRes = w.lossless && typeof srcRes === 'number' && srcRes > 0 && srcRes <= res ? srcRes : res;
    const srcZero = ch.extra?.['adcZero'];
    const adcZero = w.lossless && typeof srcZero === 'number' ? srcZero : 0;
    const unit = ch.unit.replace(/\s+/g, '_');
    const desc = ch.name.replace(/[\r\n]+/g, ' ').trim();
    lines.push(`${datName} ${format} ${formatNumber(w.gain)}(${formatNumber(w.baseline)})${unit ? `/${unit}` : ''} ${adcRes} ${adcZero} ${w.initialValue} ${w.checksum} 0${desc ? ` ${desc}` : ''}`);
  });
  for (const c of rec.info.comments) for (const l of c.split(/\r?\n/)) lines.push(`# ${l}`);
  await writeFile(heaPath, `${lines.join('\n')}\n`);
  const result: WriteWfdbResult = { heaPath, datPath, frames, channels: written };
  if (annotator !== false && rec.info.annotations.length > 0) {
    result.annotations = await writeNotes(rec.info.annotations, annotationPath(heaPath, annotator), fs);
  }
  return result;
}

/** Aux text of at most `max` UTF-8 bytes, cut at a character boundary. */
function fitBytes(text: string, max: number): string {
  if (Buffer.byteLength(text, 'utf8') <= max) return text;
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch, 'utf8') > max) break;
    out += ch;
  }
  return out;
}

/** Annotations as WFDB notes at their onset samples (ticks at the record's frame rate), in time order. */
async function writeNotes(anns: readonly Annotation[], path: string, fs: number): Promise<WrittenAnnotations> {
  const out: WrittenAnnotations = { path, count: 0, durationsDropped: 0, truncated: 0, beforeStart: 0 };
  const notes: WfdbAnnotation[] = [];
  for (const a of [...anns].sort((x, y) => x.onset - y.onset)) {
    const sample = Math.round(a.onset * fs);
    if (!(sample >= 0)) { out.beforeStart++; continue; }
    const aux = fitBytes(a.text, 254);
    if (aux !== a.text) out.truncated++;
    if (a.duration > 0) out.durationsDropped++;
    notes.push({ sample, symbol: '"', subtype: 0, chan: 0, num: 0, aux });
  }
  out.count = notes.length;
  await writeAnnotations(path, notes);
  return out;
}

/**
 * Gain and integer baseline mapping [lo, hi] into [rmin, rmax]: two units of margin cover the rounding
 * of the baseline and of each value. A constant channel gets a span of 1 physical unit around it.
 */
export function chooseScaling(lo: number, hi: number, rmin: number, rmax: number): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [200, 0];
  const span = hi > lo ? hi - lo : 1;
  let gain = Number(((rmax - rmin - 2) / span).toPrecision(12));
  if (gain * span > rmax - rmin - 2) gain = (rmax - rmin - 2) / span;
  const baseline = Math.round((rmin + rmax) / 2 - ((lo + hi) / 2) * gain);
  return [gain, baseline];
}

function toInt16(v: number): number {
  return ((v & 0xffff) << 16) >> 16;
}

/** Shortest text that reads back as the same number. */
function formatNumber(x: number): string {
  return String(x);
}

/** ' HH:MM:SS DD/MM/YYYY' from an ISO start time, '' when there is none. */
function baseTimeFields(iso: string | undefined): string {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(iso) : null;
  if (!m) return '';
  return ` ${m[4]}:${m[5]}:${m[6]} ${m[3]}/${m[2]}/${m[1]}`;
}

async function writeAll(fh: FileHandle, buf: Uint8Array, len: number): Promise<void> {
  let off = 0;
  while (off < len) {
    const { bytesWritten } = await fh.write(buf, off, len - off);
    off += bytesWritten;
  }
}
