/**
 * WFDB records (PhysioNet): a header plus one or more signal files, read by position so that a range
 * of samples costs only the bytes of its frames. Signals may be spread over several files, carry
 * several samples per frame, a skew and a byte offset; formats are those of `formats.ts`.
 */
import { FormatError } from '../errors.js';
import { ReadsInFlight, siblingPath } from '../file.js';
import { Recording, type ChannelInfo, type PhysicalBlock, type RecordingInfo, type StoredBlock, unfilled } from '../recording.js';
import { invalidSample, isFlacFormat, isWfdbFormat, table212, WFDB_FORMATS, type PhysicalScale } from './formats.js';
import { SignalGroup, type GroupMember } from './group.js';
import { readWfdbHeader, type WfdbHeader } from './header.js';
import { openWfdbMulti, type WfdbMultiRecording } from './multi.js';

/**
 * Opens a WFDB record from its header path (`rec.hea`) or its record path without extension (`rec`).
 * Checks at open that every signal file exists and holds the frames the header claims (a longer file
 * is fine); when the header gives no frame count it is taken from the shortest signal file.
 * A multi-segment record opens as one recording of its segments (./multi.ts).
 */
export async function openWfdb(path: string): Promise<WfdbRecording | WfdbMultiRecording> {
  const heaPath = path.endsWith('.hea') ? path : `${path}.hea`;
  const header = await readWfdbHeader(heaPath);
  if (header.segments) return openWfdbMulti(header);
  const groups = buildGroups(header);
  try {
    for (const g of groups) await g.open();
    let frames = header.frames;
    if (frames === undefined) {
      frames = groups.length ? Math.min(...groups.map((g) => g.fileFrames)) : 0;
    } else {
      for (const g of groups) {
        if (isFlacFormat(g.format)) {
          if (g.fileFrames < frames) throw new FormatError(g.file.path, `${frames} frames (from ${heaPath})`, 'FLAC STREAMINFO', `the stream holds ${g.fileFrames}: truncated, or the header claims too many frames`);
          continue;
        }
        const need = g.bytesForFrames(frames);
        if (g.fileBytes < need) {
          throw new FormatError(g.file.path, `${need} bytes (${frames} frames x ${g.frameSamples} samples in format ${g.format}, from ${heaPath})`, 'end of file', `file has ${g.fileBytes} bytes: truncated, or the header claims too many frames`);
        }
      }
    }
    return new WfdbRecording(header, groups, frames);
  } catch (e) {
    await Promise.all(groups.map((g) => g.close()));
    throw e;
  }
}

/** Signals sharing a file must be consecutive and share format and byte offset (header(5)). */
function buildGroups(h: WfdbHeader): SignalGroup[] {
  const groups: SignalGroup[] = [];
  const seen = new Set<string>();
  for (const s of h.signals) {
    if (!isWfdbFormat(s.format)) throw new FormatError(h.path, `a supported signal format (${WFDB_FORMATS.join(', ')})`, `line ${s.line}`, `format ${s.format} is not supported`);
  }
  let i = 0;
  while (i < h.signals.length) {
    const first = h.signals[i]!;
    const where = `line ${first.line}`;
    if (first.file === '-' || first.file === '~') throw new FormatError(h.path, 'a signal file name', where, `'${first.file}' (standard input or a null signal) is not supported`);
    if (!isWfdbFormat(first.format)) throw new FormatError(h.path, 'a supported signal format', where, `format ${first.format} is not supported`);
    if (seen.has(first.file)) throw new FormatError(h.path, `signals of '${first.file}' on consecutive lines`, where, 'the file appears again after other files');
    seen.add(first.file);
    const members: GroupMember[] = [];
    let slot = 0;
    for (; i < h.signals.length && h.signals[i]!.file === first.file; i++) {
      const s = h.signals[i]!;
      if (s.format !== first.format) throw new FormatError(h.path, `format ${first.format} for every signal of '${first.file}'`, `line ${s.line}`, `got ${s.format}`);
      if (s.byteOffset !== first.byteOffset) throw new FormatError(h.path, `byte offset ${first.byteOffset} for every signal of '${first.file}'`, `line ${s.line}`, `got ${s.byteOffset}`);
      members.push({ signal: i, slot, samplesPerFrame: s.samplesPerFrame, skew: s.skew, initialValue: s.initialValue });
      slot += s.samplesPerFrame;
    }
    if (!Number.isSafeInteger(slot)) throw new FormatError(h.path, 'fewer than 2^53 samples per frame', where, `'${first.file}' has ${slot}`);
    groups.push(new SignalGroup(siblingPath(h.path, first.file), first.format, first.byteOffset, members));
  }
  return groups;
}

export class WfdbRecording extends Recording {
  readonly info: RecordingInfo;
  /** The parsed header, defaults applied. */
  readonly header: WfdbHeader;
  /** Frames per signal. */
  readonly frames: number;
  private readonly groups: SignalGroup[];
  /** Per signal: its group and its place in it. */
  private readonly where: { group: SignalGroup; member: GroupMember }[] = [];
  /**
   * Reads through the flat path share each group's scratch buffers and format 8's running sums, so
   * they run one at a time; direct reads (16 and 212) use pooled buffers and run concurrently, so that
   * a stream's read-ahead overlaps decoding.
   */
  private lock: Promise<unknown> = Promise.resolve();
  /** Direct reads in flight, which `close` waits for (the lock covers the flat path only). */
  private readonly inflight = new ReadsInFlight();
  /** Per signal, built on first use: its scaling, with the 212 lookup table. */
  private readonly scales: (PhysicalScale | undefined)[] = [];

  constructor(header: WfdbHeader, groups: SignalGroup[], frames: number) {
    super();
    this.header = header;
    this.groups = groups;
    this.frames = frames;
    for (const g of groups) for (const m of g.members) this.where[m.signal] = { group: g, member: m };
    const ff = header.frameFrequency;
    const channels: ChannelInfo[] = header.signals.map((s, i) => {
      const samples = frames * s.samplesPerFrame;
      if (!Number.isSafeInteger(samples)) throw new FormatError(header.path, 'fewer than 2^53 samples per signal', `line ${s.line}`, `${frames} frames x ${s.samplesPerFrame}`);
      const extra: Record<string, string | number> = {
        adcResolution: s.adcResolution, adcZero: s.adcZero, initialValue: s.initialValue,
        description: s.description, byteOffset: s.byteOffset, skew: s.skew,
        file: this.where[i]!.group.file.path, samplesPerFrame: s.samplesPerFrame, formatSpec: s.formatSpec, blockSize: s.blockSize,
      };
      if (s.checksum !== undefined) extra['checksum'] = s.checksum;
      if (s.uncalibrated) extra['uncalibrated'] = 1;
      return { name: s.description, unit: s.units, fs: ff * s.samplesPerFrame, samples, gain: s.gain, baseline: s.baseline, storage: s.format, missing: invalidSample(this.where[i]!.group.format), extra };
    });
    this.info = {
      path: header.path,
      format: 'wfdb',
      ...(header.startTime ? { startTime: header.startTime } : {}),
      duration: frames / ff,
      channels,
      annotations: [],
      comments: header.comments,
    };
  }

  /**
   * The group when every channel lies in one 16/212 file with one sample per frame and no skew, so
   * that samples map to whole frames read straight from the file; else undefined.
   */
  private directGroup(channels: number[], end: number): SignalGroup | undefined {
    const g = this.where[channels[0]!]!.group;
    if (!g.directFrameBytes() || end > g.fileFrames) return undefined;
    for (const c of channels) {
      const { group, member } = this.where[c]!;
      if (group !== g || member.samplesPerFrame !== 1 || member.skew !== 0) return undefined;
    }
    return g;
  }

  /** One pass from bytes to physical values when the channels allow a direct read (`directGroup`). */
  protected override async readPhysical(channels: number[], start: number, end: number, out: PhysicalBlock[]): Promise<boolean> {
    const g = this.directGroup(channels, end);
    if (!g) return false;
    if (end === start) return true;
    const members = channels.map((c) => this.where[c]!.member);
    return this.inflight.track(g.readDirectPhysical(start, end, members, channels.map((c) => this.scale(c)), out));
  }

  private scale(c: number): PhysicalScale {
    let sc = this.scales[c];
    if (!sc) {
      const { baseline, gain, storage } = this.info.channels[c]!;
      sc = storage === '212' ? { baseline, gain, table: table212(baseline, gain) } : { baseline, gain };
      this.scales[c] = sc;
    }
    return sc;
  }

  protected async readStored(channels: number[], start: number, end: number, out?: Int32Array[]): Promise<StoredBlock[]> {
    const outs = out ?? channels.map(() => unfilled(Int32Array, end - start));
    const g = this.directGroup(channels, end);
    if (g) {
      if (end > start) await this.inflight.track(g.readDirect(start, end, channels.map((c) => this.where[c]!.member), outs, 0));
      return outs;
    }
    const run = this.lock.then(() => this.readLocked(channels, start, end, outs));
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async readLocked(channels: number[], start: number, end: number, out: Int32Array[]): Promise<StoredBlock[]> {
    const n = end - start;
    if (n === 0) return out;
    const byGroup = new Map<SignalGroup, number[]>();
    channels.forEach((c, k) => {
      const g = this.where[c]!.group;
      const list = byGroup.get(g);
      if (list) list.push(k); else byGroup.set(g, [k]);
    });
    for (const [g, ks] of byGroup) {
      const members = ks.map((k) => this.where[channels[k]!]!.member);
      // Channels read together share a rate, hence a samples-per-frame count.
      const spf = members[0]!.samplesPerFrame;
      const fa = Math.floor(start / spf), fb = Math.ceil(end / spf);
      const minSkew = Math.min(...members.map((m) => m.skew)), maxSkew = Math.max(...members.map((m) => m.skew));
      const r0 = Math.min(fa + minSkew, g.fileFrames);
      const r1 = Math.min(fb + maxSkew, g.fileFrames);
      if (spf === 1 && maxSkew === 0 && r1 - r0 === n && await g.readDirect(r0, r1, members, ks.map((k) => out[k]!), 0)) continue;
      const block = r1 > r0 ? await g.readFrames(r0, r1, members) : { flat: new Int32Array(0), lead: 0 };
      ks.forEach((k, j) => extract(block.flat, block.lead, g, members[j]!, r0, start, out[k]!));
    }
    return out;
  }

  async close(): Promise<void> {
    await this.lock;
    await this.inflight.settled();
    await Promise.all(this.groups.map((g) => g.close()));
  }
}

/**
 * Copies one member's samples [start, start + out.length) out of a flat block that begins at frame r0.
 * Samples whose (skewed) frame lies past the end of the file get the format's invalid value.
 */
function extract(flat: Int32Array, lead: number, g: SignalGroup, m: GroupMember, r0: number, start: number, out: Int32Array): void {
  const n = out.length, F = g.frameSamples, k = m.samplesPerFrame;
  const firstFrame = Math.floor(start / k) + m.skew;
  let sub = start - Math.floor(start / k) * k;
  // Samples available before the file runs out.
  const avail = Math.max(0, Math.min(n, (g.fileFrames - firstFrame) * k - sub));
  let p = lead + (firstFrame - r0) * F + m.slot + sub;
  if (k === 1) {
    for (let i = 0; i < avail; i++, p += F) out[i] = flat[p]!;
  } else {
    const jump = F - k;
    for (let i = 0; i < avail; i++) {
      out[i] = flat[p]!;
      p++;
      if (++sub === k) { sub = 0; p += jump; }
    }
  }
  if (avail < n) out.fill(invalidSample(g.format), avail);
}
