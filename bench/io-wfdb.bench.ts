/**
 * WFDB read throughput: raw positional reads of a ~200 MB format-212 file against reading and
 * decoding the same file through `chunks()` in physical units, chunk for chunk the same bytes; then a
 * sparse record of more than 10 GB streamed end to end with its peak RSS (skipped with
 * VITALDSP_BENCH_QUICK=1). Temporary files live in os.tmpdir() and are deleted at the end.
 */
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { PositionalFile } from '../src/io/file.js';
import { openWfdb } from '../src/io/wfdb/record.js';
import { bestTime, dropPageCache, timeOnce, rate } from './util.js';

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
    for (const seconds of [60, 600]) {
      const chunkFrames = seconds * 360, chunkBytes = chunkFrames * 3;
      const buf = new Uint8Array(chunkBytes);
      const raw = await bestTime(async () => {
        const f = new PositionalFile(join(dir, 'big.dat'));
        for (let pos = 0; pos < bytes; pos += chunkBytes) await f.read(pos, Math.min(chunkBytes, bytes - pos), buf);
        await f.close();
      });
      const decode = await bestTime(async () => {
        const rec = await openWfdb(join(dir, 'big'));
        let n = 0;
        for await (const c of rec.chunks({ seconds })) n += c.data[0]!.length * 2;
        await rec.close();
        if (n !== samples) throw new Error(`read ${n} samples, expected ${samples}`);
      });
      const rawDecode = await bestTime(async () => {
        const rec = await openWfdb(join(dir, 'big'));
        for await (const c of rec.chunks({ seconds, raw: true })) void c;
        await rec.close();
      });
      rows.push([`raw positional reads`, `${seconds} s`, `${raw.toFixed(3)} s`, rate(samples / raw), mb(bytes, raw), '1.00']);
      rows.push([`chunks(), stored int32`, `${seconds} s`, `${rawDecode.toFixed(3)} s`, rate(samples / rawDecode), mb(bytes, rawDecode), (raw / rawDecode).toFixed(2)]);
      rows.push([`chunks(), physical f64`, `${seconds} s`, `${decode.toFixed(3)} s`, rate(samples / decode), mb(bytes, decode), (raw / decode).toFixed(2)]);
    }
    // From storage: the page cache emptied before each pass, so both read the file from the disk.
    if (dropPageCache()) {
      const chunkBytes = 60 * 360 * 3, buf = new Uint8Array(chunkBytes);
      const raw = await timeOnce(async () => {
        const f = new PositionalFile(join(dir, 'big.dat'));
        for (let pos = 0; pos < bytes; pos += chunkBytes) await f.read(pos, Math.min(chunkBytes, bytes - pos), buf);
        await f.close();
      });
      dropPageCache();
      const decode = await timeOnce(async () => {
        const rec = await openWfdb(join(dir, 'big'));
        for await (const c of rec.chunks({ seconds: 60 })) void c;
        await rec.close();
      });
      rows.push([`raw reads, from disk`, `60 s`, `${raw.toFixed(3)} s`, rate(samples / raw), mb(bytes, raw), '1.00']);
      rows.push([`physical f64, from disk`, `60 s`, `${decode.toFixed(3)} s`, rate(samples / decode), mb(bytes, decode), (raw / decode).toFixed(2)]);
    } else {
      console.log('  (cannot drop the page cache here: the from-disk rows are skipped)');
    }
    await rm(join(dir, 'big.dat'));
    printTable(`format 212, 2 channels, 360 Hz, ${(bytes / 1e6).toFixed(0)} MB (${(frames / 360 / 3600).toFixed(1)} h)`, rows);

    if (process.env.VITALDSP_BENCH_QUICK === '1') {
      console.log('  sparse >10 GB record: skipped (VITALDSP_BENCH_QUICK=1)');
      return;
    }
    const sparseBytes = Math.floor((10.1 * 2 ** 30) / 6) * 6; // > 10 GB, whole frames; the hole reads as zeros
    const sparseFrames = Math.floor(sparseBytes / 3);
    const sh = await open(join(dir, 'sparse.dat'), 'w');
    try { await sh.truncate(sparseBytes); } finally { await sh.close(); }
    await writeFile(join(dir, 'sparse.hea'), `sparse 2 360 ${sparseFrames}\nsparse.dat 212 200 11 0 0 0 0 a\nsparse.dat 212 200 11 0 0 0 0 b\n`);
    const rec = await openWfdb(join(dir, 'sparse'));
    let peak = process.memoryUsage().rss, n = 0;
    const t0 = process.hrtime.bigint();
    for await (const c of rec.chunks({ seconds: 60 })) {
      n += c.data[0]!.length;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    await rec.close();
    if (n !== sparseFrames) throw new Error(`sparse: read ${n} frames, expected ${sparseFrames}`);
    printTable('sparse format-212 record streamed in 60 s chunks (physical f64)', [
      ['size', 'duration', 'time', 'samples/s', 'MB/s', 'peak RSS'],
      [`${(sparseBytes / 2 ** 30).toFixed(1)} GiB`, `${(sparseFrames / 360 / 86400).toFixed(0)} days`, `${dt.toFixed(1)} s`, rate((2 * n) / dt), mb(sparseBytes, dt), `${(peak / 2 ** 20).toFixed(0)} MB`],
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
