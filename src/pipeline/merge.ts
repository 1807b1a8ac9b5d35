/**
 * Joins a channel's block results in block order, whatever order they arrive in. Quality windows go
 * straight into record-wide columns at their block's place, so the blocks' own columns (a score of
 * small arrays per block, thousands of blocks on a long record) are garbage as soon as a result is
 * in; beats, envelope bins and timings are joined in block order at the end. Across a seam, a beat
 * closer than the detector's refractory period to the previous kept beat is the same beat seen from
 * both sides and is dropped (the rule of signals/beat-stream.ts), so the merged beats equal those of
 * detection in one pass over the same block grid.
 */
import type { Config } from '../config/schema.js';
import type { BlockTask } from './block.js';
import type { Beats, BlockResult, ChannelPlan } from './types.js';
import { copyWindows, windowColumns, windowCount, windowSamples, windowsIn, type Windows } from './windows.js';

/** A channel's block results joined: the same parts as one block's, over the whole record. */
export type ChannelData = Omit<BlockResult, 'channel' | 'block' | 'refractory'> & { plan: ChannelPlan };

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
  // Views rather than copies when seam duplicates were dropped: a copy would be a second set of columns.
  return k === n ? out : { sample: out.sample.subarray(0, k), amplitude: out.amplitude.subarray(0, k), level: out.level.subarray(0, k) };
}

/** The blocks' display traces in block order, as one array. */
function joinTraces(blocks: readonly { trace: Float64Array }[]): Float64Array {
  let n = 0;
  for (const b of blocks) n += b.trace.length;
  const out = new Float64Array(n);
  n = 0;
  for (const b of blocks) { out.set(b.trace, n); n += b.trace.length; }
  return out;
}

/** What a block leaves once its windows are in the channel's columns. */
type BlockRest = Omit<BlockResult, 'windows' | 'channel' | 'block'>;

interface ChannelMerge {
  plan: ChannelPlan;
  windows: Windows;
  /** First window of each block in `windows`, and one past the last. */
  offsets: number[];
  blocks: (BlockRest | undefined)[];
  strings: Map<string, string>;
}

/** The block results of one record, merged as they come (in any order) into its channels' data. */
export class RecordMerge {
  private readonly channels: ChannelMerge[] = [];
  private readonly byIndex = new Map<number, ChannelMerge>();
  private finished = false;

  /** `tasks` are the record's block tasks (planRecord), `cfg` its settings. */
  constructor(channels: readonly ChannelPlan[], tasks: readonly BlockTask[], cfg: Config) {
    for (const plan of channels) {
      const own = tasks.filter((t) => t.channel.index === plan.index);
      const win = windowSamples(cfg.quality.windowSeconds, plan.fs);
      const offsets = [0];
      own.forEach((t, b) => {
        if (t.block !== b) throw new Error(`block tasks of ${plan.name} are not numbered 0..${own.length - 1}`);
        const b0 = b * t.blockSamples, b1 = Math.min(plan.samples, b0 + t.blockSamples);
        offsets.push(offsets[b]! + windowsIn(b0, b1, win));
      });
      const m: ChannelMerge = {
        plan, offsets, blocks: new Array(own.length).fill(undefined), strings: new Map(),
        windows: windowColumns(plan.name, offsets[own.length]!),
      };
      this.channels.push(m);
      this.byIndex.set(plan.index, m);
    }
  }

  add(r: BlockResult): void {
    // After finish the blocks are let go: a late one would pass the check below and change data already handed out.
    if (this.finished) throw new Error(`block ${r.block} of channel ${r.channel} added to a finished merge`);
    const m = this.byIndex.get(r.channel);
    if (!m || !(r.block >= 0 && r.block < m.blocks.length)) throw new Error(`no block ${r.block} of channel ${r.channel} in this record`);
    if (m.blocks[r.block]) throw new Error(`block ${r.block} of ${m.plan.name} merged twice`);
    const at = m.offsets[r.block]!, n = m.offsets[r.block + 1]! - at;
    if (windowCount(r.windows) !== n) throw new Error(`block ${r.block} of ${m.plan.name} has ${windowCount(r.windows)} windows, expected ${n}`);
    copyWindows(m.windows, at, r.windows, m.strings);
    const { windows: _w, channel: _c, block: _b, ...rest } = r;
    m.blocks[r.block] = rest;
  }

  /**
   * The channels' data in plan order; every block must have been added. The merge lets go of the
   * blocks' parts, so that only the joined data stays in memory (it cannot be finished twice).
   */
  finish(): ChannelData[] {
    if (this.finished) throw new Error('a record merge can be finished once');
    this.finished = true;
    return this.channels.map((m) => {
      const blocks = m.blocks.map((b, i) => {
        if (!b) throw new Error(`block ${i} of ${m.plan.name} was never merged`);
        return b;
      });
      m.blocks.fill(undefined);
      // One detector per channel, or its fallback on a few blocks: the longest period of them.
      const refractory = blocks.reduce((a, b) => Math.max(a, b.refractory), 0);
      const out: ChannelData = {
        plan: m.plan, windows: m.windows, beats: joinBeats(blocks.map((b) => b.beats), refractory),
        epochs: [], envelope: { min: [], max: [] }, trace: joinTraces(blocks), traceStride: 1, timings: { screen: 0, process: 0, validate: 0 },
      };
      for (const b of blocks) {
        for (const e of b.epochs) out.epochs.push(e);
        for (const v of b.envelope.min) out.envelope.min.push(v);
        for (const v of b.envelope.max) out.envelope.max.push(v);
        if (b.trace.length) out.traceStride = b.traceStride;
        out.timings.screen += b.timings.screen;
        out.timings.process += b.timings.process;
        out.timings.validate += b.timings.validate;
      }
      return out;
    });
  }
}
