/**
 * EDF reader throughput on a ~200 MB file (2 channels at 360 Hz, ~38.3 h) written by the EDF writer
 * into the OS temp folder: raw positional reads of the data records vs read + decode through
 * `chunks()`, with the same byte ranges and the same 60 s chunks on both sides. Decoded rows: stored
 * integers; physical float64 in fresh arrays (the default); physical float64 and float32 with
 * `reuse: true`, the streaming mode where the consumer drops each chunk before the next.
 * Target: physical decode at >= 0.5 x the raw rate.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEdf } from '../src/io/edf/record.js';
import { writeEdf } from '../src/io/edf/writer.js';
import { PositionalFile } from '../src/io/file.js';
import { Recording, type ChannelInfo, type ChunkOptions, type RecordingInfo, type StoredBlock } from '../src/io/recording.js';
import { bestTimes, bestTimesFromDisk, rate } from './util.js';

const FS = 360;
const SECONDS = 138_000; // 2 ch x 360 Hz x 2 bytes x 138,000 s = 198.7 MB of samples
const CHUNK_SECONDS = 60;

/** Periodic integers plus a little deterministic noise, computed on demand: the source holds no samples. */
class SyntheticRecording extends Recording {
  readonly info: RecordingInfo;
  /** One period per channel (0.8 s and 0.9 s), so that generating is cheap next to writing. */
  private readonly periods: Int32Array[];
  constructor() {
    super();
    const ch = (name: string): ChannelInfo => ({ name, unit: 'mV', fs: FS, samples: FS * SECONDS, gain: 200, baseline: 0, storage: '16' });
    this.info = { path: 'synthetic', format: 'wfdb', duration: SECONDS, channels: [ch('MLII'), ch('V5')], annotations: [{ onset: 10, duration: 0, text: 'start' }], comments: [] };
    this.periods = [0.8, 0.9].map((s) => Int32Array.from({ length: Math.round(FS * s) }, (_, i) => Math.round(300 * Math.sin((2 * Math.PI * i) / (FS * s)))));
  }
  protected async readStored(channels: number[], start: number, end: number): Promise<StoredBlock[]> {
    return channels.map((c) => {
      const out = new Int32Array(end - start);
      const p = this.periods[c]!, m = p.length;
      for (let i = 0, t = start; i < out.length; i++, t++) out[i] = p[t % m]! + (((t % 41) * 7) % 41) - 20;
      return out;
    });
  }
  async close(): Promise<void> {}
}

export default async function (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vitaldsp-bench-edf-'));
  const path = join(dir, 'long.edf');
  try {
    const t0 = process.hrtime.bigint();
    await writeEdf(new SyntheticRecording(), path);
    const writeS = Number(process.hrtime.bigint() - t0) / 1e9;
    const size = statSync(path).size;
    const samples = 2 * FS * SECONDS;

    const t1 = process.hrtime.bigint();
    const rec = await openEdf(path);
    const openS = Number(process.hrtime.bigint() - t1) / 1e9;
    const { headerBytes, recordBytes, records } = rec.header;
    const chunkBytes = CHUNK_SECONDS * recordBytes;

    // The same data records, read by position without decoding into one buffer: the physical limit.
    const buf = new Uint8Array(chunkBytes);
    const readRaw = async () => {
      const f = new PositionalFile(path);
      for (let r = 0; r < records; r += CHUNK_SECONDS) {
        const n = Math.min(CHUNK_SECONDS, records - r) * recordBytes;
        await f.read(headerBytes + r * recordBytes, n, buf.subarray(0, n));
      }
      await f.close();
    };
    // The same reads with the next one issued before awaiting the current one, as chunks() reads
    // ahead: from the page cache this changes nothing (the loop is bound by the event loop's work per
    // read), but from a disk two reads in flight can beat one, so from disk it is the stronger limit.
    const bufs = [new Uint8Array(chunkBytes), new Uint8Array(chunkBytes)];
    const readRawAhead = async () => {
      const f = new PositionalFile(path);
      const readAt = (r: number, k: number) => {
        const n = Math.min(CHUNK_SECONDS, records - r) * recordBytes;
        return f.read(headerBytes + r * recordBytes, n, bufs[k & 1]!.subarray(0, n));
      };
      let k = 0, next: Promise<Uint8Array> | undefined = readAt(0, 0);
      for (let r = CHUNK_SECONDS; next; r += CHUNK_SECONDS) {
        const cur: Promise<Uint8Array> = next;
        next = r < records ? readAt(r, ++k) : undefined;
        await cur;
      }
      await f.close();
    };
    const stream = (opts: ChunkOptions) => async () => {
      let got = 0;
      for await (const ch of rec.chunks({ seconds: CHUNK_SECONDS, ...opts })) got += ch.data[0]!.length * ch.data.length;
      if (got !== samples) throw new Error(`chunks() delivered ${got} samples, expected ${samples}`);
    };
    const t = await bestTimes({
      raw: readRaw,
      stored: stream({ raw: true }),
      decode: stream({}),
      reuse: stream({ reuse: true }),
    });
    // float32 last, against its own raw passes: once the decoders have seen Float32Array outputs,
    // V8 compiles them for both array types, which slows every later float64 pass a little.
    const t32 = await bestTimes({ raw: readRaw, reuse32: stream({ dtype: 'float32', reuse: true }) });
    // From storage: the page cache emptied before each pass, so every pass reads the file from the disk.
    const fromDisk = await bestTimesFromDisk({ raw: readRaw, ahead: readRawAhead, decode: stream({}), reuse: stream({ reuse: true }) });
    await rec.close();

    const mb = (bytes: number, s: number): string => `${(bytes / s / 1e6).toFixed(0)} MB/s`;
    console.log(`file: ${(size / 1e6).toFixed(1)} MB, ${records} records of ${recordBytes} bytes, ${samples.toLocaleString('en')} samples`);
    console.log(`| step | time (s) | samples/s | MB/s | vs raw |`);
    console.log(`| --- | --- | --- | --- | --- |`);
    console.log(`| writeEdf (min/max pass + write) | ${writeS.toFixed(2)} | ${rate(samples / writeS)} | ${mb(size, writeS)} | |`);
    console.log(`| openEdf (header + annotations of ${records} records) | ${openS.toFixed(3)} | | | |`);
    const line = (step: string, s: number) => console.log(`| ${step} | ${s.toFixed(3)} | ${rate(samples / s)} | ${mb(size, s)} | ${(t.raw / s).toFixed(2)} |`);
    line(`raw positional reads, ${CHUNK_SECONDS} s chunks`, t.raw);
    line('chunks() read + decode, stored int32 (raw: true)', t.stored);
    line('chunks() read + decode, float64 physical', t.decode);
    line('chunks() read + decode, float64, reuse: true', t.reuse);
    console.log(`| chunks() read + decode, float32, reuse: true | ${t32.reuse32.toFixed(3)} | ${rate(samples / t32.reuse32)} | ${mb(size, t32.reuse32)} | ${(t32.raw / t32.reuse32).toFixed(2)} |`);
    console.log(`ratio decode / raw, page cache warm: float64 ${(t.raw / t.decode).toFixed(2)}, float64 reuse ${(t.raw / t.reuse).toFixed(2)} (target >= 0.5)`);
    if (fromDisk) {
      const disk = (step: string, s: number) => console.log(`| ${step} | ${s.toFixed(3)} | ${rate(samples / s)} | ${mb(size, s)} | ${(fromDisk.raw / s).toFixed(2)} |`);
      disk('raw reads from disk (page cache dropped)', fromDisk.raw);
      disk('raw reads from disk, one read ahead', fromDisk.ahead);
      disk('read + decode float64 from disk', fromDisk.decode);
      disk('read + decode float64, reuse: true, from disk', fromDisk.reuse);
      console.log(`ratio decode / raw, from disk: float64 ${(fromDisk.raw / fromDisk.decode).toFixed(2)}, float64 reuse ${(fromDisk.raw / fromDisk.reuse).toFixed(2)} (target >= 0.5); against raw reads one ahead: ${(fromDisk.ahead / fromDisk.decode).toFixed(2)}, ${(fromDisk.ahead / fromDisk.reuse).toFixed(2)}`);
    } else {
      console.log('(cannot drop the page cache here: the from-disk rows are skipped)');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
