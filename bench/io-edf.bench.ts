/**
 * EDF reader throughput on a ~200 MB file (2 channels at 360 Hz, ~38.3 h) written by the EDF writer
 * into the OS temp folder: raw positional reads of the data records vs read + decode through
 * `chunks()` (stored integers, then physical float64), with the same chunk size.
 * Target: physical decode at >= 0.5 x the raw rate.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEdf } from '../src/io/edf/record.js';
import { writeEdf } from '../src/io/edf/writer.js';
import { PositionalFile } from '../src/io/file.js';
import { Recording, type ChannelInfo, type RecordingInfo, type StoredBlock } from '../src/io/recording.js';
import { bestTime, dropPageCache, rate, timeOnce } from './util.js';

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

    // The same data records, read by position without decoding: the physical limit.
    const readRaw = async () => {
      const f = new PositionalFile(path);
      const buf = new Uint8Array(chunkBytes);
      for (let r = 0; r < records; r += CHUNK_SECONDS) {
        const n = Math.min(CHUNK_SECONDS, records - r) * recordBytes;
        await f.read(headerBytes + r * recordBytes, n, buf.subarray(0, n));
      }
      await f.close();
    };
    const raw = await bestTime(readRaw);
    const stream = (raw: boolean) => bestTime(async () => {
      let got = 0;
      for await (const ch of rec.chunks({ seconds: CHUNK_SECONDS, raw })) got += ch.data[0]!.length * ch.data.length;
      if (got !== samples) throw new Error(`chunks() delivered ${got} samples, expected ${samples}`);
    });
    const stored = await stream(true);
    const decode = await stream(false);
    // From storage: the page cache emptied before each pass, so both read the file from the disk.
    const fromDisk = dropPageCache()
      ? { raw: await timeOnce(readRaw), decode: (dropPageCache(), await timeOnce(async () => { for await (const ch of rec.chunks({ seconds: CHUNK_SECONDS })) void ch; })) }
      : undefined;
    await rec.close();

    const mb = (bytes: number, s: number): string => `${(bytes / s / 1e6).toFixed(0)} MB/s`;
    console.log(`file: ${(size / 1e6).toFixed(1)} MB, ${records} records of ${recordBytes} bytes, ${samples.toLocaleString('en')} samples`);
    console.log(`| step | time (s) | samples/s | MB/s |`);
    console.log(`| --- | --- | --- | --- |`);
    console.log(`| writeEdf (min/max pass + write) | ${writeS.toFixed(2)} | ${rate(samples / writeS)} | ${mb(size, writeS)} |`);
    console.log(`| openEdf (header + annotations of ${records} records) | ${openS.toFixed(3)} | | |`);
    console.log(`| raw positional reads, ${CHUNK_SECONDS} s chunks | ${raw.toFixed(3)} | ${rate(samples / raw)} | ${mb(size, raw)} |`);
    console.log(`| chunks() read + decode, stored int32 (raw: true) | ${stored.toFixed(3)} | ${rate(samples / stored)} | ${mb(size, stored)} |`);
    console.log(`| chunks() read + decode, float64 physical | ${decode.toFixed(3)} | ${rate(samples / decode)} | ${mb(size, decode)} |`);
    console.log(`ratio decode / raw, page cache warm: ${(raw / decode).toFixed(2)} (target >= 0.5)`);
    if (fromDisk) {
      console.log(`| raw reads from disk (page cache dropped) | ${fromDisk.raw.toFixed(3)} | ${rate(samples / fromDisk.raw)} | ${mb(size, fromDisk.raw)} |`);
      console.log(`| read + decode float64 from disk | ${fromDisk.decode.toFixed(3)} | ${rate(samples / fromDisk.decode)} | ${mb(size, fromDisk.decode)} |`);
      console.log(`ratio decode / raw, from disk: ${(fromDisk.raw / fromDisk.decode).toFixed(2)} (target >= 0.5)`);
    } else {
      console.log('(cannot drop the page cache here: the from-disk rows are skipped)');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
