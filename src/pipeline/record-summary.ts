/**
 * The short account of a finished record: what a batch keeps of it without its full result, what a
 * BullMQ record job returns (plain JSON in Redis), and what `process` and `submit` print, one line
 * per record.
 */
import type { RecordResult } from './process.js';

export interface RecordSummary {
  input: string;
  name: string;
  /** Folder of the record's files. */
  dir: string;
  /** Per channel: beats found and mean window quality (null when no window could be scored). */
  channels: { name: string; beats: number; quality: number | null }[];
  wallSeconds: number;
  /** Blocks that failed for good and were skipped. */
  failedBlocks: number;
}

export function summarizeRecord(input: string, r: RecordResult, dir: string): RecordSummary {
  return {
    input, name: r.name, dir,
    channels: r.channels.map((c) => {
      const q = r.summaries.find((s) => s.channel === c.plan.name)?.meanQuality;
      return { name: c.plan.name, beats: c.beats.sample.length, quality: q !== undefined && Number.isFinite(q) ? q : null };
    }),
    wallSeconds: r.run.wallSeconds,
    failedBlocks: r.blocks.skipped,
  };
}

/** The line `process` prints for a finished record. */
export function recordLine(input: string, s: Pick<RecordSummary, 'channels' | 'wallSeconds'>, dir: string): string {
  const channels = s.channels.map((c) => `${c.name} ${c.beats ? `${c.beats} beats, ` : ''}quality ${c.quality === null ? 'unknown' : c.quality.toFixed(2)}`).join('; ');
  return `${input}: ${channels} -> ${dir} (${s.wallSeconds.toFixed(2)} s)`;
}
