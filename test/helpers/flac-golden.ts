/**
 * The FLAC golden files of test/golden/io/flac (made by make.py with the reference encoder, flac
 * 1.4.2): each case's stream, its input samples per channel, and what its STREAMINFO must say.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './shared.js';

export const flacDir = join(repoRoot, 'test', 'golden', 'io', 'flac');

export interface FlacCase {
  name: string;
  path: string;
  bytes: Uint8Array;
  channels: number;
  bitsPerSample: number;
  totalSamples: number;
  maxBlockSize: number;
  /** Seek points that are not placeholders. */
  seekPoints: number;
  /** The encoder's input, one array per channel. */
  samples: Int32Array[];
}

interface CaseJson {
  channels: number;
  bitsPerSample: number;
  totalSamples: number;
  interleaved: string;
  streamInfo: { maxBlockSize: number };
  seekPoints?: (number[] | string)[];
}

export const FLAC_CASES = [
  'mono16_ecg360_l5', 'stereo16_decorrelation_l8', 'ch3_16bit_l5', 'ch8_16bit_short', 'mono8_l5', 'stereo24_l8',
  'mono16_special_subframes_l8', 'mono16_block192_l0', 'mono16_block16384_lpc32_lax', 'stereo16_extremes_l8',
];

export function flacCase(name: string): FlacCase {
  const j = JSON.parse(readFileSync(join(flacDir, `${name}.json`), 'utf8')) as CaseJson;
  const raw = readFileSync(join(flacDir, j.interleaved));
  const all = new Int32Array(Uint8Array.from(raw).buffer);
  const samples = Array.from({ length: j.channels }, (_, c) => Int32Array.from({ length: j.totalSamples }, (_, i) => all[i * j.channels + c]!));
  const path = join(flacDir, `${name}.flac`);
  return {
    name, path, bytes: new Uint8Array(readFileSync(path)), channels: j.channels, bitsPerSample: j.bitsPerSample, totalSamples: j.totalSamples,
    maxBlockSize: j.streamInfo.maxBlockSize, seekPoints: (j.seekPoints ?? []).filter((p) => p !== 'PLACEHOLDER').length, samples,
  };
}
