import { Argument, type Command } from 'commander';
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { MemoryRecording } from '../io/memory.js';
import { writeWfdb } from '../io/wfdb/writer.js';
import { writeEdf } from '../io/edf/writer.js';
import { writeCsv } from '../io/csv-writer.js';
import { syntheticEcg } from '../signals/synthetic-ecg.js';
import { syntheticPpg } from '../signals/synthetic-ppg.js';
import { syntheticResp } from '../signals/synthetic-resp.js';
import { numberOption, parseFs } from './input-options.js';

const positive = (v: number) => v > 0 && Number.isFinite(v);

interface SynthFlags { fs: number; seconds: number; rate?: number; noise?: number; seed: number }

/**
 * `vitaldsp synth ecg|ppg|resp <out>`: a synthetic recording with known beat (pulse, breath) times,
 * written as WFDB (.hea), EDF (.edf) or CSV (.csv), plus `<out>.beats.txt` with the true sample indices.
 */
export function registerSynth(program: Command): void {
  program.command('synth')
    .description('write a synthetic recording with known beat times (for trying the pipeline and for tests)')
    .addArgument(new Argument('<signal>', 'signal type').choices(['ecg', 'ppg', 'resp']))
    .argument('<out>', 'output file: .hea (WFDB 16), .edf or .csv; true beats go to <out>.beats.txt')
    .option('--fs <hz>', 'sampling rate', parseFs, 250)
    .option('--seconds <s>', 'duration', numberOption('a positive number of seconds', positive), 600)
    .option('--rate <per-min>', 'mean heart rate (ecg, ppg) or breathing rate (resp)', numberOption('a positive rate per minute', positive))
    .option('--noise <sd>', 'white noise standard deviation in signal units', numberOption('a standard deviation >= 0', (v) => v >= 0 && Number.isFinite(v)))
    .option('--seed <n>', 'random seed', numberOption('an integer seed', Number.isSafeInteger), 1)
    .action(async (signal: 'ecg' | 'ppg' | 'resp', out: string, f: SynthFlags) => {
      const base = { fs: f.fs, seconds: f.seconds, seed: f.seed, ...(f.noise !== undefined ? { noise: f.noise } : {}) };
      const made = signal === 'ecg' ? (() => { const s = syntheticEcg({ ...base, ...(f.rate ? { heartRate: f.rate } : {}) }); return { x: s.signal, beats: s.beats, name: 'ECG', unit: 'mV' }; })()
        : signal === 'ppg' ? (() => { const s = syntheticPpg({ ...base, ...(f.rate ? { heartRate: f.rate } : {}) }); return { x: s.signal, beats: s.peaks, name: 'PPG', unit: 'au' }; })()
          : (() => { const s = syntheticResp({ ...base, ...(f.rate ? { rate: f.rate } : {}) }); return { x: s.signal, beats: s.peaks, name: 'RESP', unit: 'au' }; })();
      const rec = new MemoryRecording({ data: made.x, fs: f.fs, names: [made.name], units: [made.unit], path: out });
      await mkdir(dirname(out), { recursive: true });
      const ext = extname(out).toLowerCase();
      if (ext === '.hea') await writeWfdb(rec, out, { format: '16' });
      else if (ext === '.edf') await writeEdf(rec, out);
      else if (ext === '.csv') await writeCsv(rec, out);
      else throw new RangeError(`synth: output must end in .hea, .edf or .csv, got '${out}'`);
      await writeFile(`${out}.beats.txt`, Array.from(made.beats).join('\n') + '\n');
      console.log(`${out}: ${signal}, ${f.seconds} s at ${f.fs} Hz, ${made.beats.length} ${signal === 'resp' ? 'breaths' : 'beats'} (true positions in ${out}.beats.txt)`);
    });
}
