import { BeatStream, type BlockDetector } from '../../src/signals/beat-stream.js';

/**
 * Events of `detector` on `x` fed to a BeatStream in chunks of `size` samples, each repeating the
 * `overlap` samples before it (as a reader with overlapping chunks would).
 */
export function streamInChunks(detector: BlockDetector, x: Float64Array, fs: number, blockSeconds: number, size: number, overlap: number): Int32Array {
  const stream = new BeatStream(detector, fs, { blockSeconds });
  const got: number[] = [];
  for (let p = 0; p < x.length; p += size) {
    const from = Math.max(0, p - overlap);
    got.push(...stream.push(x.subarray(from, p + size), from));
  }
  got.push(...stream.finish());
  return Int32Array.from(got);
}
