/**
 * Joins a channel's block results in block order. Beats are kept where their block put them; across
 * a seam, a beat closer than the detector's refractory period to the previous kept beat is the same
 * beat seen from both sides and is dropped (the rule of signals/beat-stream.ts), so the merged beats
 * equal those of detection in one pass over the same block grid.
 */
import type { Beats, BlockResult, ChannelPlan } from './types.js';
import { joinWindows } from './windows.js';

/** A channel's block results joined: the same parts as one block's, over the whole record. */
export type ChannelData = Omit<BlockResult, 'channel' | 'block'> & { plan: ChannelPlan };

/** Columns for `n` beats. */
export function beatColumns(n: number): Beats {
  return { sample: new Float64Array(n), amplitude: new Float64Array(n), level: new Uint8Array(n) };
}

/** Beats of blocks in block order, joined; a beat within `refractory` samples of the previous kept one is dropped. */
export function joinBeats(parts: readonly Beats[], refractory: number): Beats {
  let n = 0;
  for (const p of parts) n += p.sample.length;
  const out = beatColumns(n);
  let k = 0, last = -Infinity;
  for (const p of parts) {
    for (let i = 0; i < p.sample.length; i++) {
      const s = p.sample[i]!;
      if (s - last < refractory) continue;
      out.sample[k] = s; out.amplitude[k] = p.amplitude[i]!; out.level[k] = p.level[i]!;
      k++;
      last = s;
    }
  }
  return k === n ? out : { sample: out.sample.slice(0, k), amplitude: out.amplitude.slice(0, k), level: out.level.slice(0, k) };
}

export function mergeChannel(plan: ChannelPlan, blocks: readonly BlockResult[], refractorySamples: number): ChannelData {
  const sorted = [...blocks].sort((a, b) => a.block - b.block);
  const out: ChannelData = {
    plan, windows: joinWindows(plan.name, sorted.map((b) => b.windows)), beats: joinBeats(sorted.map((b) => b.beats), refractorySamples),
    epochs: [], envelope: { min: [], max: [] }, trace: [], traceStride: 1, timings: { screen: 0, process: 0, validate: 0 },
  };
  for (const b of sorted) {
    for (const e of b.epochs) out.epochs.push(e);
    for (const v of b.envelope.min) out.envelope.min.push(v);
    for (const v of b.envelope.max) out.envelope.max.push(v);
    if (b.trace.length) { for (const v of b.trace) out.trace.push(v); out.traceStride = b.traceStride; }
    out.timings.screen += b.timings.screen;
    out.timings.process += b.timings.process;
    out.timings.validate += b.timings.validate;
  }
  return out;
}
