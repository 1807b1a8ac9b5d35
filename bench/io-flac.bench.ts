/**
 * FLAC-compressed WFDB (format 516) read throughput against the reference decoder: a 24 h, 2-channel
 * 360 Hz record (MIT-BIH record 100 tiled 48 times) encoded by the `flac` command-line tool (-5,
 * without a seek table, so random reads bisect), then side by side in rounds: `flac -d` of the
 * whole file to /dev/null (libFLAC, C), the same record streamed through `chunks()` (stored integers,
 * and physical float64 with `reuse`), and the format-212 original streamed the same way. Then 100
 * random 10 s reads of one channel. Encoding: FlacEncoder over the record's samples in memory
 * against `flac -0` and `flac -5` encoding the same samples from a raw file, with the sizes.
 * Needs the `flac` tool and the shared record; skipped without.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { statSync } from 'node:fs';
import { FlacEncoder } from '../src/io/flac-encoder.js';
import { openWfdb } from '../src/io/wfdb/record.js';
import { seededRandom } from '../src/signals/random.js';
import { bestTimes, rate } from './util.js';

const here = dirname(fileURLToPath(import.meta.url));
const sharedDir = [process.env.VITALDSP_SHARED, resolve(here, '..', '..', '..', 'shared')]
  .filter((d): d is string => !!d)
  .find((d) => existsSync(join(d, 'data', 'wfdb', '100.dat')));

export default async function (): Promise<void> {
  if (!sharedDir) {
    console.log('  skipped: needs data/wfdb/100.dat from the shared reference data (set VITALDSP_SHARED)');
    return;
  }
  if (spawnSync('flac', ['--version']).status !== 0) {
    console.log('  skipped: needs the flac command-line tool (Debian package flac) to encode the record');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'vitaldsp-bench-flac-'));
  try {
    const tiles = 48, frames = 650000 * tiles;
    const tile = await readFile(join(sharedDir, 'data', 'wfdb', '100.dat'));
    await writeFile(join(dir, 'r212.dat'), Buffer.concat(Array.from({ length: tiles }, () => tile)));
    await writeFile(join(dir, 'r212.hea'), `r212 2 360 ${frames}\nr212.dat 212 200 11 1024 995 0 0 MLII\nr212.dat 212 200 11 1024 1011 0 0 V5\n`);
    // The stored values, interleaved as the encoder takes them.
    const src = await openWfdb(join(dir, 'r212.hea'));
    const raw = new Int16Array(frames * 2);
    for await (const c of src.chunks({ seconds: 600, raw: true })) {
      const [a, b] = c.data as Int32Array[];
      for (let i = 0; i < a!.length; i++) { raw[2 * (c.start + i)] = a![i]!; raw[2 * (c.start + i) + 1] = b![i]!; }
    }
    await src.close();
    await writeFile(join(dir, 'r.raw'), raw);
    const chans = [Int32Array.from({ length: frames }, (_, i) => raw[2 * i]!), Int32Array.from({ length: frames }, (_, i) => raw[2 * i + 1]!)];
    let ourBytes = 0;
    const flacEncode = (level: string) => () => {
      const r = spawnSync('flac', ['-s', '-f', level, '--no-seektable', '--force-raw-format', '--endian=little', '--sign=signed', '--channels=2', '--bps=16', '--sample-rate=360', '-o', join(dir, `e${level}.flac`), join(dir, 'r.raw')]);
      if (r.status !== 0) throw new Error(`flac failed: ${r.stderr}`);
    };
    const te = await bestTimes({
      ours: () => {
        const enc = new FlacEncoder(2, 16, 360);
        let bytes = 0;
        for (let a = 0; a < frames; a += 21600) {
          const b = Math.min(frames, a + 21600);
          bytes += enc.push(chans.map((c) => c.subarray(a, b)), b - a).length;
        }
        ourBytes = bytes + enc.finish().length + enc.header().length;
      },
      fast: flacEncode('-0'),
      default: flacEncode('-5'),
    }, 3);
    console.log(`FLAC encoding of the same 24 h x 2 channels (${((2 * frames) / 1e6).toFixed(1)} M samples, 16 bits), best of 3 rounds side by side:`);
    const size = (b: number) => `${(b / 1e6).toFixed(1)} MB (${((100 * b) / (frames * 4)).toFixed(1)} % of 16-bit)`;
    console.log(`  FlacEncoder (fixed predictors, in memory)    ${te.ours.toFixed(2).padStart(6)} s  ${size(ourBytes)}`);
    console.log(`  flac -0 (fixed predictors, from a raw file)  ${te.fast.toFixed(2).padStart(6)} s  ${size(statSync(join(dir, 'e-0.flac')).size)}  ours at ${(te.fast / te.ours).toFixed(2)}x its speed`);
    console.log(`  flac -5 (LPC, stereo decorrelation)          ${te.default.toFixed(2).padStart(6)} s  ${size(statSync(join(dir, 'e-5.flac')).size)}`);
    const enc = spawnSync('flac', ['-s', '-f', '-5', '--no-seektable', '--force-raw-format', '--endian=little', '--sign=signed', '--channels=2', '--bps=16', '--sample-rate=360', '-o', join(dir, 'r516.dat'), join(dir, 'r.raw')]);
    if (enc.status !== 0) throw new Error(`flac failed: ${enc.stderr}`);
    await rm(join(dir, 'r.raw'));
    await writeFile(join(dir, 'r516.hea'), `r516 2 360 ${frames}\nr516.dat 516 200 11 1024 995 0 0 MLII\nr516.dat 516 200 11 1024 1011 0 0 V5\n`);
    const samples = frames * 2;

    const stream = (name: string, opts: { raw?: boolean; reuse?: boolean }) => async () => {
      const rec = await openWfdb(join(dir, `${name}.hea`));
      let n = 0;
      for await (const c of rec.chunks({ seconds: 60, ...opts })) n += c.data[0]!.length;
      await rec.close();
      if (n !== frames) throw new Error(`streamed ${n} of ${frames}`);
    };
    const t = await bestTimes({
      libflac: () => {
        const r = spawnSync('flac', ['-s', '-d', '-f', '--force-raw-format', '--endian=little', '--sign=signed', '-o', '/dev/null', join(dir, 'r516.dat')]);
        if (r.status !== 0) throw new Error(`flac -d failed: ${r.stderr}`);
      },
      stored: stream('r516', { raw: true }),
      physical: stream('r516', { reuse: true }),
      stored212: stream('r212', { raw: true }),
    }, 3);
    console.log(`Format 516 (FLAC -5, no seek table), 24 h x 2 channels at 360 Hz, ${(samples / 1e6).toFixed(1)} M samples; best of 3 rounds side by side:`);
    const row = (name: string, s: number, vs: string) => console.log(`  ${name.padEnd(44)} ${s.toFixed(2).padStart(6)} s  ${rate(samples / s).padStart(18)}  ${vs}`);
    row('flac -d to /dev/null (libFLAC, C)', t.libflac, '');
    row('chunks(60 s, raw): stored integers', t.stored, `${(t.libflac / t.stored).toFixed(2)}x libFLAC`);
    row('chunks(60 s, reuse): physical float64', t.physical, `${(t.libflac / t.physical).toFixed(2)}x libFLAC`);
    row('the format-212 original, chunks(60 s, raw)', t.stored212, `FLAC at ${(t.stored212 / t.stored).toFixed(2)}x its rate`);

    const rec = await openWfdb(join(dir, 'r516.hea'));
    const next = seededRandom(3);
    const t0 = performance.now();
    for (let k = 0; k < 100; k++) {
      const s = Math.floor(next() * (frames - 3600));
      await rec.read(0, s, s + 3600, { raw: true });
    }
    const ms = (performance.now() - t0) / 100;
    await rec.close();
    console.log(`  100 random 10 s reads of one channel (frames found by bisection, then remembered): ${ms.toFixed(1)} ms per read`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
