/**
 * Streams a recording end to end in 60 s chunks and prints { samples, seconds, peakRssMB } of the
 * first channel as JSON. Benchmarks run it as a process of its own, so that the peak RSS is that of
 * streaming alone, not of what the benchmark allocated before.
 *
 *   node dist/bench/stream.js <record>
 */
import { openRecording } from '../src/io/open.js';

const path = process.argv[2];
if (!path) throw new Error('usage: node dist/bench/stream.js <record>');
const rec = await openRecording(path);
let peak = process.memoryUsage.rss(), samples = 0;
const t0 = process.hrtime.bigint();
for await (const c of rec.chunks({ seconds: 60 })) {
  samples += c.data[0]!.length;
  peak = Math.max(peak, process.memoryUsage.rss());
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
await rec.close();
console.log(JSON.stringify({ samples, seconds, peakRssMB: peak / 2 ** 20 }));
