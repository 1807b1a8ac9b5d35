/**
 * WFDB read throughput: raw positional reads of a ~200 MB format-212 file against reading and
 * decoding the same file through `chunks()`, chunk for chunk the same byte ranges with the same chunk
 * size on both sides; then a sparse record of more than 10 GB streamed end to end with its peak RSS
 * (skipped with VITALDSP_BENCH_QUICK=1). Temporary files live in os.tmpdir() and are deleted at the end.
 *
 * Decoded rows: stored int32; physical float64 in fresh arrays (the default); physical float64 and
 * float32 with `reuse: true`, the streaming mode where the consumer drops each chunk before the next.
 * 60 s chunks are the unit the streaming RSS criterion uses; at 600 s a raw read from the page cache
 * is a plain memory copy (several GB/s), the upper bound, which no decoder writing 8 bytes per 1.5
 * read can approach. Target: physical decode at >= 0.5 x the raw rate.
 */
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { PositionalFile } from '../src/io/file.js';
import { openWfdb } from '../src/io/wfdb/record.js';
import type { ChunkOptions } from '../src/io/recording.js';
import { bestTimes, bestTimesFromDisk, rate } from './util.js';

const here = dirname(fileURLToPath(import.meta.url));
const sharedDir = [process.env.VITALDSP_SHARED, resolve(here, '..', '..', '..', 'shared')]
  .filter((d): d is string => !!d)
  .find((d) => existsSync(join(d, 'data', 'wfdb', '100.dat')));

const mb = (bytes: number, s: number): string => `${(bytes / s / 1e6).toFixed(0)} MB/s`;

export default async function (): Promise<void> {
  if (!sharedDir) {
    console.log('  skipped: needs data/wfdb/100.dat from the shared reference data (set VITALDSP_SHARED)');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'vitaldsp-bench-wfdb-'));
  try {
    const tile = await readFile(join(sharedDir, 'data', 'wfdb', '100.dat'));
    const tiles = 103; // 103 x 1.95 MB = 201 MB
    const frames = 650000 * tiles;
    const fh = await open(join(dir, 'big.dat'), 'w');
    try { for (let t = 0; t < tiles; t++) await fh.write(tile, 0, tile.length); } finally { await fh.close(); }
    await writeFile(join(dir, 'big.hea'), `big 2 360 ${frames}\nbig.dat 212 200 11 1024 995 0 0 MLII\nbig.dat 212 200 11 1024 1011 0 0 V5\n`);
    const bytes = frames * 3, samples = frames * 2;

    const rows: string[][] = [['case', 'chunk', 'time', 'samples/s', 'MB/s', 'vs raw']];
    const notes: string[] = [];
    // The raw side reads into one buffer allocated outside the timed call: the physical limit.
    const readRaw = (chunkBytes: number) => {
      const buf = new Uint8Array(chunkBytes);
      return async () => {
        const f = new PositionalFile(join(dir, 'big.dat'));
        for (let pos = 0; pos < bytes; pos += chunkBytes) await f.read(pos, Math.min(chunkBytes, bytes - pos), buf);
        await f.close();
      };
    };
    // The same reads with the next one issued before awaiting the current one, as chunks() reads
    // ahead: from the page cache this changes nothing (the loop is bound by the event loop's work per
    // read), but from a disk two reads in flight can beat one, so from disk it is the stronger limit.
    const readRawAhead = (chunkBytes: number) => {
      const bufs = [new Uint8Array(chunkBytes), new Uint8Array(chunkBytes)];
      return async () => {
        const f = new PositionalFile(join(dir, 'big.dat'));
        let k = 0, next: Promise<Uint8Array> | undefined = f.read(0, Math.min(chunkBytes, bytes), bufs[0]);
        for (let pos = chunkBytes; next; pos += chunkBytes) {
          const cur: Promise<Uint8Array> = next;
          next = pos < bytes ? f.read(pos, Math.min(chunkBytes, bytes - pos), bufs[++k & 1]) : undefined;
          await cur;
        }
        await f.close();
      };
    };
    const stream = (opts: ChunkOptions) => async () => {
      const rec = await openWfdb(join(dir, 'big'));
      let n = 0;
      for await (const c of rec.chunks(opts)) n += c.data[0]!.length * c.data.length;
      await rec.close();
      if (n !== samples) throw new Error(`read ${n} samples, expected ${samples}`);
    };
    const row = (name: string, seconds: number, t: number, raw: number) =>
      [name, `${seconds} s`, `${t.toFixed(3)} s`, rate(samples / t), mb(bytes, t), (raw / t).toFixed(2)];
    for (const seconds of [60, 600]) {
      const t = await bestTimes({
        raw: readRaw(seconds * 360 * 3),
        int32: stream({ seconds, raw: true }),
        f64: stream({ seconds }),
        f64reuse: stream({ seconds, reuse: true }),
      });
      rows.push(row('raw positional reads', seconds, t.raw, t.raw));
      rows.push(row('chunks(), stored int32', seconds, t.int32, t.raw));
      rows.push(row('chunks(), physical f64', seconds, t.f64, t.raw));
      rows.push(row('chunks(), f64, reuse', seconds, t.f64reuse, t.raw));
    }
    // float32 last, against its own raw passes: once the decoders have seen Float32Array outputs,
    // V8 compiles them for both array types, which slows every later float64 pass a little.
    for (const seconds of [60, 600]) {
      const t = await bestTimes({ raw: readRaw(seconds * 360 * 3), f32reuse: stream({ seconds, dtype: 'float32', reuse: true }) });
      rows.push(row('chunks(), f32, reuse', seconds, t.f32reuse, t.raw));
    }
    // From storage: the page cache emptied before each pass, so every pass reads the file from the disk.
    const disk = await bestTimesFromDisk({
      raw: readRaw(60 * 360 * 3),
      ahead: readRawAhead(60 * 360 * 3),
      f64: stream({ seconds: 60 }),
      f64reuse: stream({ seconds: 60, reuse: true }),
    });
    if (disk) {
      rows.push(row('raw reads, from disk', 60, disk.raw, disk.raw));
      rows.push(row('raw, 1 ahead, from disk', 60, disk.ahead, disk.raw));
      rows.push(row('physical f64, from disk', 60, disk.f64, disk.raw));
      rows.push(row('f64, reuse, from disk', 60, disk.f64reuse, disk.raw));
      notes.push(`from disk against raw reads one ahead: physical f64 ${(disk.ahead / disk.f64).toFixed(2)}, f64 reuse ${(disk.ahead / disk.f64reuse).toFixed(2)}`);
    } else {
      console.log('  (cannot drop the page cache here: the from-disk rows are skipped)');
    }
    await rm(join(dir, 'big.dat'));
    printTable(`format 212, 2 channels, 360 Hz, ${(bytes / 1e6).toFixed(0)} MB (${(frames / 360 / 3600).toFixed(1)} h)`, rows);
    for (const n of notes) console.log(`  ${n}`);

    if (process.env.VITALDSP_BENCH_QUICK === '1') {
      console.log('  sparse >10 GB record: skipped (VITALDSP_BENCH_QUICK=1)');
      return;
    }
    const sparseBytes = Math.floor((10.1 * 2 ** 30) / 6) * 6; // > 10 GB, whole frames; the hole reads as zeros
    const sparseFrames = Math.floor(sparseBytes / 3);
    const sh = await open(join(dir, 'sparse.dat'), 'w');
    try { await sh.truncate(sparseBytes); } finally { await sh.close(); }
    await writeFile(join(dir, 'sparse.hea'), `sparse 2 360 ${sparseFrames}\nsparse.dat 212 200 11 0 0 0 0 a\nsparse.dat 212 200 11 0 0 0 0 b\n`);
    // In a process of its own: this one still holds what the cases above allocated.
    const child = spawnSync(process.execPath, [join(here, 'stream.js'), join(dir, 'sparse.hea')], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`streaming the sparse record failed: ${child.stderr}`);
    const { samples: n, seconds: dt, peakRssMB } = JSON.parse(child.stdout) as { samples: number; seconds: number; peakRssMB: number };
    if (n !== sparseFrames) throw new Error(`sparse: read ${n} frames, expected ${sparseFrames}`);
    printTable('sparse format-212 record streamed in 60 s chunks (physical f64)', [
      ['size', 'duration', 'time', 'samples/s', 'MB/s', 'peak RSS'],
      [`${(sparseBytes / 2 ** 30).toFixed(1)} GiB`, `${(sparseFrames / 360 / 86400).toFixed(0)} days`, `${dt.toFixed(1)} s`, rate((2 * n) / dt), mb(sparseBytes, dt), `${peakRssMB.toFixed(0)} MB`],
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function printTable(title: string, rows: string[][]): void {
  console.log(`  ${title}`);
  const w = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  for (const r of rows) console.log(`  ${r.map((c, j) => (j === 0 ? c.padEnd(w[j]!) : c.padStart(w[j]!))).join('  ')}`);
}
